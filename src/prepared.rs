//! The prepared-recipient fast path behind [`crate::Sealer`].
//!
//! The recipient key is the same for every slice of a page, so the ECDH
//! `skE·pkR` is a fixed-base multiplication: a [`FixedBaseTable`] holds the
//! multiples `j·pkR·16^(2i)` (the layout of p256's own generator table, built
//! with `primeorder`'s `LookupTable`), in affine coordinates, and multiplies
//! with `primeorder`'s signed radix-16 digits, its constant-time selection
//! and its mixed addition. Public keys (`skE·G`, and a private key's `d·G`)
//! use the same kind of table for the generator ([`mul_by_generator`]), and
//! the two results of a seal share one field inversion. No field or point formula is
//! written here: all arithmetic is p256/primeorder's.
//!
//! The table is the [`crate::dh`] source `FixedBase`; the DH value then goes
//! through the RFC 9180 steps in [`crate::schedule`].

use p256::elliptic_curve::group::Group;
use p256::elliptic_curve::sec1::ToSec1Point;
use p256::elliptic_curve::{BatchNormalize, CurveAffine};
use p256::{AffinePoint, NistP256, NonZeroScalar, ProjectivePoint, Scalar};
use primeorder::{LookupTable, Radix16Decomposition, Radix16Digits};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// 1 + 256/8 tables, as in p256's generator table.
const TABLES: usize = 33;
/// Multiples per table: `1·P … 8·P` (signed radix-16 digits are in -8..=8).
const LUT: usize = 8;

/// Precomputed multiples of one recipient public key, in affine
/// coordinates (about 19 KiB): `j·pkR·16^(2i)` for `j` in 1..=8.
///
/// Affine entries make each of the 64 additions of [`FixedBaseTable::mul`]
/// primeorder's mixed addition (one field multiplication fewer than a
/// projective addition) and make each constant-time selection move two
/// coordinates instead of three.
#[derive(Clone)]
pub(crate) struct FixedBaseTable {
    points: Box<[[AffinePoint; LUT]; TABLES]>,
}

impl FixedBaseTable {
    pub(crate) fn new(point: &AffinePoint) -> Self {
        let mut p = point.to_curve();
        let mut projective = Vec::with_capacity(TABLES * LUT);
        for _ in 0..TABLES {
            let t = LookupTable::<ProjectivePoint>::new(p);
            projective.extend((1..=LUT as i8).map(|j| t.select(j)));
            // Tables are spaced by two radix-16 digits (8 doublings).
            for _ in 0..8 {
                p = p.double();
            }
        }
        // One shared inversion for all 264 points.
        let affine = ProjectivePoint::batch_normalize(projective.as_slice());
        let mut points = Box::new([[AffinePoint::IDENTITY; LUT]; TABLES]);
        for (row, chunk) in points.iter_mut().zip(affine.chunks_exact(LUT)) {
            row.copy_from_slice(chunk);
        }
        FixedBaseTable { points }
    }

    /// `x·(table i)` for `-8 <= x <= 8` in constant time: the same
    /// selection as primeorder's `LookupTable::select`, over affine points.
    fn select(&self, i: usize, x: i8) -> AffinePoint {
        let xmask = x >> 7;
        let xabs = (x + xmask) ^ xmask;
        let mut t = AffinePoint::IDENTITY;
        for (j, point) in (1u8..).zip(self.points[i].iter()) {
            t.conditional_assign(point, (xabs as u8).ct_eq(&j));
        }
        let negative = Choice::from((xmask & 1) as u8);
        t.conditional_assign(&-t, negative);
        t
    }

    /// `k·pkR` in constant time (the algorithm of p256's generator table:
    /// signed radix-16 digits, two accumulators, four doublings), with
    /// mixed additions.
    pub(crate) fn mul(&self, k: &Scalar) -> ProjectivePoint {
        let digits = Radix16Decomposition::<Radix16Digits<NistP256>>::new(k);
        let len = TABLES - 1;
        let mut acc = ProjectivePoint::IDENTITY + self.select(len, digits[len * 2]);
        let mut acc2 = ProjectivePoint::IDENTITY;
        for i in (0..len).rev() {
            acc2 += &self.select(i, digits[i * 2 + 1]);
            acc += &self.select(i, digits[i * 2]);
        }
        for _ in 0..4 {
            acc2 = acc2.double();
        }
        acc + acc2
    }
}

/// The generator's table, built on first use (~19 KiB; 33×8 points and one
/// inversion).
static GENERATOR: std::sync::LazyLock<FixedBaseTable> =
    std::sync::LazyLock::new(|| FixedBaseTable::new(&AffinePoint::GENERATOR));

/// `k·G` in constant time, with the generator's [`FixedBaseTable`]. Used for
/// every public key this crate computes (ephemeral keys, a private key's
/// public key) on every target. On wasm32 p256's own generator table is
/// not compiled in (its `precomputed-tables` feature is native-only): that
/// table's initialisation alone is 55 KB of code once p256 is built at
/// opt-level 3 (Cargo.toml), and this table's mixed additions are faster.
pub(crate) fn mul_by_generator(k: &Scalar) -> ProjectivePoint {
    GENERATOR.mul(k)
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

/// The uncompressed SEC1 encoding (65 bytes): `enc` and `pkRm` in RFC 9180.
pub(crate) fn encode(point: &AffinePoint) -> [u8; 65] {
    let mut enc = [0u8; 65];
    enc.copy_from_slice(point.to_sec1_point(false).as_bytes());
    enc
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::elliptic_curve::ff::PrimeField;

    /// The table's constant-time multiplication equals p256's variable-base
    /// `pkR·k`, for scalars whose radix-16 digits hit every edge (0, ±8,
    /// carries through all 64 digits) and for random ones.
    #[test]
    fn table_mul_equals_p256_mul() {
        let pk = (ProjectivePoint::GENERATOR * Scalar::from(0x5eed_u64)).to_affine();
        let table = FixedBaseTable::new(&pk);
        let from_hex = |h: &str| {
            let bytes: [u8; 32] = hex::decode(h).unwrap().try_into().unwrap();
            Option::<Scalar>::from(Scalar::from_repr(bytes.into())).unwrap()
        };
        let mut scalars = vec![
            Scalar::ONE,
            Scalar::from(2u64),
            Scalar::from(8u64),
            Scalar::from(9u64),
            Scalar::from(15u64),
            Scalar::from(16u64),
            Scalar::from(0x88u64),
            -Scalar::ONE,
            -Scalar::from(2u64),
            -Scalar::from(8u64),
            from_hex("8888888888888888888888888888888888888888888888888888888888888888"),
            from_hex("7777777777777777777777777777777777777777777777777777777777777777"),
            from_hex("0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"),
            from_hex("8000000000000000000000000000000000000000000000000000000000000000"),
        ];
        scalars.extend((0..64).map(|_| *random_scalar().unwrap()));
        for k in scalars {
            assert_eq!(
                table.mul(&k).to_affine(),
                (pk.to_curve() * k).to_affine(),
                "{k:?}"
            );
        }
        // And the zero scalar gives the identity.
        assert!(bool::from(table.mul(&Scalar::ZERO).is_identity()));
        // The generator's table is p256's `k·G`.
        for _ in 0..32 {
            let k = *random_scalar().unwrap();
            assert_eq!(
                mul_by_generator(&k).to_affine(),
                (ProjectivePoint::GENERATOR * k).to_affine()
            );
        }
    }
}
