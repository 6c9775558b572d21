//! Where the DH value of the crate's one RFC 9180 engine comes from.
//!
//! Every seal and every open runs the same steps around one DH value, the
//! x-coordinate of `skE·pkR` (sealing) or `skR·pkE` (opening): DHKEM's
//! `ExtractAndExpand` and the base-mode `KeySchedule` ([`crate::schedule`]),
//! then AES-256-GCM and the envelope ([`crate::seal`]). Only the DH differs,
//! and it comes from one of the sources of [`Source`]. The `hpke` crate is the
//! reference the tests compare this engine against, with the RFC 9180 vectors.

use p256::elliptic_curve::BatchNormalize;
use p256::elliptic_curve::point::AffineCoordinates;
use p256::{AffinePoint, ProjectivePoint, Scalar};
use zeroize::Zeroizing;

use crate::envelope::ENC_LEN;
use crate::error::{Error, Result};
use crate::prepared::{FixedBaseTable, encode, mul_by_generator};

/// The implementation that computed a DH value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// `skE·pkR` with a table of multiples of `pkR` ([`FixedBaseTable`]):
    /// [`crate::Sealer`], whose slices all go to one recipient, so the
    /// table's cost (264 points, ~19 KiB) is paid once.
    FixedBase,
    /// p256's variable-base multiplication: the one-shot [`crate::seal`] (a
    /// table does not pay for one slice) and every opening (`pkE` differs
    /// per envelope), see [`DecapKey`].
    VariableBase,
    /// WebCrypto's `deriveBits` (the browser's native P-256), handed in as
    /// bytes: `Encapsulation::from_agreement`, `Opener::open_with_agreement`.
    WebCrypto,
}

/// `enc = k·G` and the DH value `k·pkR` with the recipient's table, sharing
/// one field inversion ([`Source::FixedBase`]).
pub(crate) fn fixed_base(
    table: &FixedBaseTable,
    k: &Scalar,
) -> ([u8; ENC_LEN], Zeroizing<[u8; 32]>) {
    encap_points(mul_by_generator(k), table.mul(k))
}

/// `enc = k·G` and the DH value `k·pkR` by p256's variable-base
/// multiplication, sharing one field inversion ([`Source::VariableBase`]).
pub(crate) fn variable_base(
    pk_r: &AffinePoint,
    k: &Scalar,
) -> ([u8; ENC_LEN], Zeroizing<[u8; 32]>) {
    encap_points(mul_by_generator(k), ProjectivePoint::from(*pk_r) * *k)
}

fn encap_points(
    epk: ProjectivePoint,
    shared: ProjectivePoint,
) -> ([u8; ENC_LEN], Zeroizing<[u8; 32]>) {
    let [epk, shared] = ProjectivePoint::batch_normalize(&[epk, shared]);
    // k is non-zero and pkR has prime order, so k·pkR is never the identity.
    let mut dh = Zeroizing::new([0u8; 32]);
    dh.copy_from_slice(&shared.x());
    (encode(&epk), dh)
}

// The p256 whose variable-base multiplication opens envelopes. Natively
// 0.13: its 64-bit field measured 1.40x faster than 0.14's for `skR·pkE`
// (benches/README.md), and opening is ~95% that multiplication. wasm32
// has 0.14 only (the async API opens with WebCrypto where it can).
#[cfg(target_arch = "wasm32")]
use p256 as opening;
#[cfg(not(target_arch = "wasm32"))]
use p256_v013 as opening;

/// A private key `skR` ready for `skR·pkE` ([`Source::VariableBase`]);
/// zeroized on drop.
#[derive(Clone)]
pub(crate) struct DecapKey(opening::SecretKey);

impl DecapKey {
    /// From the big-endian scalar (in `[1, n)`, as every `PrivateKey` holds).
    pub(crate) fn new(scalar: &[u8]) -> Result<Self> {
        opening::SecretKey::from_slice(scalar)
            .map(DecapKey)
            .map_err(|_| Error::key("private scalar out of range"))
    }

    /// The DH value `skR·pkE` (x-coordinate), constant-time in `skR`; `enc`
    /// not a P-256 point is `MALFORMED_ENVELOPE`.
    pub(crate) fn dh(&self, enc: &[u8; ENC_LEN]) -> Result<Zeroizing<[u8; 32]>> {
        let pk_e = opening::PublicKey::from_sec1_bytes(enc)
            .map_err(|_| Error::envelope("enc is not an uncompressed P-256 point"))?;
        let shared = opening::ecdh::diffie_hellman(self.0.to_nonzero_scalar(), pk_e.as_affine());
        let mut dh = Zeroizing::new([0u8; 32]);
        dh.copy_from_slice(&shared.raw_secret_bytes()[..]);
        Ok(dh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PrivateKey;

    /// Every source gives p256 0.14's `primitives::ecdh` (the opening one
    /// natively from p256 0.13), and opening refuses what 0.14 refuses.
    #[test]
    fn sources_equal_p256_0_14() {
        let key = PrivateKey::generate().unwrap();
        let table = FixedBaseTable::new(key.public_key().point().as_affine());
        for _ in 0..50 {
            let eph = PrivateKey::generate().unwrap();
            let k = *eph.secret().to_nonzero_scalar();
            let want = crate::primitives::ecdh(&eph, key.public_key());
            let enc: [u8; ENC_LEN] = eph.public_key().to_sec1(false).try_into().unwrap();
            for (e, dh) in [
                fixed_base(&table, &k),
                variable_base(key.public_key().point().as_affine(), &k),
            ] {
                assert_eq!((e, *dh), (enc, *want));
            }
            let mut enc = enc;
            assert_eq!(*key.decap().dh(&enc).unwrap(), *want);
            enc[64] ^= 1;
            assert_eq!(
                key.decap().dh(&enc).unwrap_err().code(),
                "MALFORMED_ENVELOPE"
            );
        }
    }
}
