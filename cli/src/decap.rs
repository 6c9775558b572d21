//! The CLI's DH source for opening: `skR·pkE` with p256 0.13, whose 64-bit
//! field arithmetic measured faster natively than the core's p256 0.14
//! (benches/README.md, Native). The core's opener does everything else:
//! the kid, context and `enc` checks with their error codes, and the rest of
//! RFC 9180 (`slice_seal::hazmat::opener_with`).

use p256_v013 as p256;
use slice_seal::hazmat::{self, Decapsulate};
use slice_seal::{ENC_LEN, Keyring, Result};
use zeroize::{ZeroizeOnDrop, Zeroizing};

/// `skR` as p256 0.13 holds it: zeroized on drop (p256's `SecretKey`), and
/// neither `Clone` nor `Debug` (openers share it through the core's `Arc`).
pub(crate) struct P256V013(p256::SecretKey);

impl ZeroizeOnDrop for P256V013 {}

impl P256V013 {
    /// From `skR`'s big-endian scalar (in `[1, n)`, as every key holds).
    pub(crate) fn new(scalar: &[u8; 32]) -> Result<Self> {
        p256::SecretKey::from_slice(scalar)
            .map(P256V013)
            .map_err(|_| hazmat::key_error("private scalar is zero or not below the group order"))
    }
}

impl Decapsulate for P256V013 {
    fn dh(&self, enc: &[u8; ENC_LEN]) -> Result<Zeroizing<[u8; 32]>> {
        // The opener checked `enc`; the same error, should 0.13 disagree.
        let pk_e = p256::PublicKey::from_sec1_bytes(enc)
            .map_err(|_| hazmat::envelope_error("enc is not an uncompressed P-256 point"))?;
        let shared = p256::ecdh::diffie_hellman(self.0.to_nonzero_scalar(), pk_e.as_affine());
        let mut dh = Zeroizing::new([0u8; 32]);
        dh.copy_from_slice(shared.raw_secret_bytes());
        Ok(dh)
    }
}

/// Open with [`P256V013`]: the keyring's keys, and any added later.
pub(crate) fn use_p256_v013(ring: &mut Keyring) -> Result<()> {
    hazmat::keyring_with(ring, P256V013::new)
}
