//! The prepared-recipient fast path behind [`crate::Sealer`].
//!
//! The recipient key is the same for every slice of a page, so the ECDH
//! `skE·pkR` is a fixed-base multiplication: [`RecipientTable`] holds
//! `LookupTable`s of `pkR·16^(2i)` (the layout of p256's own generator table)
//! and multiplies with `primeorder`'s constant-time table selection and signed
//! radix-16 digits. The ephemeral public key uses p256's generator table, and
//! both results share one field inversion. No field or point formula is
//! written here: all arithmetic is p256/primeorder's.
//!
//! The DH value then goes through the RFC 9180 steps in [`crate::schedule`].
//! Tests prove the envelopes equal the `hpke` crate's for the same ephemeral key.

use p256::elliptic_curve::group::Group;
use p256::elliptic_curve::point::AffineCoordinates;
use p256::elliptic_curve::sec1::ToSec1Point;
use p256::elliptic_curve::{BatchNormalize, CurveAffine};
use p256::{AffinePoint, NistP256, NonZeroScalar, ProjectivePoint, Scalar};
use primeorder::{LookupTable, Radix16Decomposition, Radix16Digits};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};

/// 1 + 256/8 tables, as in p256's generator table.
const TABLES: usize = 33;

/// Precomputed multiples of one recipient public key (about 25 KiB).
#[derive(Clone)]
pub(crate) struct RecipientTable {
    tables: Box<[LookupTable<ProjectivePoint>; TABLES]>,
}

impl RecipientTable {
    pub(crate) fn new(point: &AffinePoint) -> Self {
        let mut p = point.to_curve();
        let mut tables = Box::new([LookupTable::<ProjectivePoint>::default(); TABLES]);
        for t in tables.iter_mut() {
            *t = LookupTable::new(p);
            // Tables are spaced by two radix-16 digits (8 doublings).
            for _ in 0..8 {
                p = p.double();
            }
        }
        RecipientTable { tables }
    }

    /// `k·pkR` in constant time (same algorithm as p256's generator table).
    pub(crate) fn mul(&self, k: &Scalar) -> ProjectivePoint {
        let digits = Radix16Decomposition::<Radix16Digits<NistP256>>::new(k);
        let len = TABLES - 1;
        let mut acc = self.tables[len].select(digits[len * 2]);
        let mut acc2 = ProjectivePoint::IDENTITY;
        for i in (0..len).rev() {
            acc2 += &self.tables[i].select(digits[i * 2 + 1]);
            acc += &self.tables[i].select(digits[i * 2]);
        }
        for _ in 0..4 {
            acc2 = acc2.double();
        }
        acc + acc2
    }
}

/// An ephemeral key pair for one slice: used once, zeroized on drop.
#[derive(Clone)]
pub(crate) struct Ephemeral {
    pub(crate) scalar: NonZeroScalar,
    pub(crate) enc: [u8; 65],
}

impl Drop for Ephemeral {
    fn drop(&mut self) {
        self.scalar.zeroize();
    }
}

/// A uniformly random non-zero scalar by rejection sampling (bounded).
pub(crate) fn random_scalar() -> Result<NonZeroScalar> {
    let mut bytes = Zeroizing::new(p256::FieldBytes::default());
    for _ in 0..16 {
        crate::rng::fill(bytes.as_mut())?;
        if let Some(k) = Option::<NonZeroScalar>::from(NonZeroScalar::from_repr(*bytes)) {
            return Ok(k);
        }
    }
    Err(Error::RandomFailed)
}

impl Ephemeral {
    /// A fresh random ephemeral key pair (generator table).
    pub(crate) fn generate() -> Result<Self> {
        Ok(Self::from_scalar(random_scalar()?))
    }

    pub(crate) fn from_scalar(scalar: NonZeroScalar) -> Self {
        let point = ProjectivePoint::mul_by_generator(&scalar).to_affine();
        Ephemeral {
            scalar,
            enc: encode(&point),
        }
    }
}

pub(crate) fn encode(point: &AffinePoint) -> [u8; 65] {
    let mut enc = [0u8; 65];
    enc.copy_from_slice(point.to_sec1_point(false).as_bytes());
    enc
}

/// The DH value (x-coordinate of `k·pkR`) for an ephemeral key prepared earlier.
pub(crate) fn dh_prepared(table: &RecipientTable, eph: &Ephemeral) -> Zeroizing<[u8; 32]> {
    let shared = table.mul(&eph.scalar).to_affine();
    x_coordinate(&shared)
}

/// A fresh ephemeral key and its DH value, sharing one inversion.
pub(crate) fn ephemeral_and_dh(table: &RecipientTable) -> Result<([u8; 65], Zeroizing<[u8; 32]>)> {
    let k = Zeroizing::new(*random_scalar()?);
    let epk = ProjectivePoint::mul_by_generator(&*k);
    let shared = table.mul(&k);
    let [epk, shared] = ProjectivePoint::batch_normalize(&[epk, shared]);
    Ok((encode(&epk), x_coordinate(&shared)))
}

/// A fresh ephemeral key and its DH value with `pk` (variable-base, no
/// table), sharing one inversion: the one-shot `seal` path on wasm32.
#[cfg(target_arch = "wasm32")]
pub(crate) fn ephemeral_and_dh_to(pk: &AffinePoint) -> Result<([u8; 65], Zeroizing<[u8; 32]>)> {
    let k = Zeroizing::new(*random_scalar()?);
    let epk = ProjectivePoint::mul_by_generator(&*k);
    let shared = pk.to_curve() * *k;
    let [epk, shared] = ProjectivePoint::batch_normalize(&[epk, shared]);
    Ok((encode(&epk), x_coordinate(&shared)))
}

fn x_coordinate(p: &AffinePoint) -> Zeroizing<[u8; 32]> {
    // k is non-zero and pkR has prime order, so k·pkR is never the identity.
    debug_assert!(!bool::from(p.is_identity()));
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&p.x());
    out
}
