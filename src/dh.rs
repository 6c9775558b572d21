//! Where the DH value of the crate's one RFC 9180 engine comes from.
//!
//! Every seal and every open runs the same steps around one DH value, the
//! x-coordinate of `skE·pkR` (sealing) or `skR·pkE` (opening): DHKEM's
//! `ExtractAndExpand` and the base-mode `KeySchedule` ([`crate::schedule`]),
//! then AES-256-GCM and the envelope ([`crate::seal`]). Only the DH differs,
//! and it comes from one of the sources of [`Source`] (or, opening, from a
//! caller's [`Decapsulate`]). The `hpke` crate is the
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
    /// table does not pay for one slice) and opening (`pkE` differs per
    /// envelope), unless the [`crate::Opener`] was given a caller's
    /// [`Decapsulate`] (the CLI's, with p256 0.13).
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

/// `pkE` from an envelope's `enc`: an uncompressed P-256 point, else
/// `MALFORMED_ENVELOPE` (the check every opening makes before its DH).
pub(crate) fn enc_point(enc: &[u8; ENC_LEN]) -> Result<AffinePoint> {
    p256::PublicKey::from_sec1_bytes(enc)
        .map(|pk| *pk.as_affine())
        .map_err(|_| Error::envelope("enc is not an uncompressed P-256 point"))
}

/// The DH value `skR·pkE` (x-coordinate) by p256's variable-base
/// multiplication, constant-time in `skR` ([`Source::VariableBase`]): how
/// an [`crate::Opener`] opens unless it was given a [`Decapsulate`].
pub(crate) fn decap(sk_r: &p256::SecretKey, pk_e: &AffinePoint) -> Zeroizing<[u8; 32]> {
    let shared = p256::ecdh::diffie_hellman(sk_r.to_nonzero_scalar(), pk_e);
    let mut dh = Zeroizing::new([0u8; 32]);
    dh.copy_from_slice(shared.raw_secret_bytes());
    dh
}

/// A caller's `skR·pkE` for opening, in place of p256's (the CLI's is
/// p256 0.13's, measured faster natively: benches/README.md). The
/// [`crate::Opener`] makes every check first (kid, context, `enc` on the
/// curve, with their error codes) and the rest of RFC 9180 after.
pub trait Decapsulate: Send + Sync {
    /// The x-coordinate of `skR·pkE` (32 bytes), `skR` being the key the
    /// opener was made with and `pkE` the uncompressed P-256 point `enc`,
    /// already checked to be on the curve.
    fn dh(&self, enc: &[u8; ENC_LEN]) -> Result<Zeroizing<[u8; 32]>>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PrivateKey;

    /// Every source gives `primitives::ecdh`, and opening refuses an `enc`
    /// off the curve with `MALFORMED_ENVELOPE`.
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
            assert_eq!(*decap(key.secret(), &enc_point(&enc).unwrap()), *want);
            enc[64] ^= 1;
            assert_eq!(enc_point(&enc).unwrap_err().code(), "MALFORMED_ENVELOPE");
        }
    }
}
