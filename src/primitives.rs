//! The building blocks sealing is made of, for the raw two-party ECDH pattern:
//! P-256 ECDH, HKDF-SHA256 and AES-256-GCM with a caller's key, nonce and AAD.
//!
//! These are thin, checked wrappers over RustCrypto's `p256`, `hkdf` and
//! `aes-gcm`; HPKE sealing ([`crate::seal`]) uses the same crates. Prefer
//! [`crate::seal`]: these functions leave nonce uniqueness and key separation
//! to the caller.
//!
//! ```
//! use slice_seal::{primitives, PrivateKey};
//! let alice = PrivateKey::generate()?;
//! let bob = PrivateKey::generate()?;
//! let s1 = primitives::ecdh(&alice, bob.public_key());
//! let s2 = primitives::ecdh(&bob, alice.public_key());
//! assert_eq!(*s1, *s2);
//! let key = primitives::hkdf(b"salt", s1.as_ref(), b"demo", 32)?;
//! let nonce = [0u8; 12];
//! let ct = primitives::aes_gcm_seal(&key, &nonce, b"aad", b"hello")?;
//! assert_eq!(primitives::aes_gcm_open(&key, &nonce, b"aad", &ct)?, b"hello");
//! # Ok::<(), slice_seal::Error>(())
//! ```

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};
use crate::keys::{PrivateKey, PublicKey};

/// AES-256-GCM key length.
pub const AES_KEY_LEN: usize = 32;
/// AES-GCM nonce length.
pub const NONCE_LEN: usize = 12;
/// AES-GCM tag length.
pub const TAG_LEN: usize = 16;
/// HKDF-SHA256 output limit (255 × 32).
pub const HKDF_MAX_LEN: usize = 255 * 32;

/// P-256 ECDH: the raw shared secret (the x-coordinate of `d·Q`, 32 bytes).
pub fn ecdh(secret: &PrivateKey, public: &PublicKey) -> Zeroizing<[u8; 32]> {
    let shared = p256::ecdh::diffie_hellman(
        secret.secret().to_nonzero_scalar(),
        public.point().as_affine(),
    );
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(shared.raw_secret_bytes());
    out
}

/// HKDF-SHA256 extract (RFC 5869 §2.2). An empty salt means 32 zero bytes.
pub fn hkdf_extract(salt: &[u8], ikm: &[u8]) -> Zeroizing<[u8; 32]> {
    let (mut prk, _) = Hkdf::<Sha256>::extract(Some(salt), ikm);
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&prk);
    prk.zeroize();
    out
}

/// HKDF-SHA256 expand (RFC 5869 §2.3) of a pseudorandom key of at least 32
/// bytes to `len` ≤ 8160 bytes.
pub fn hkdf_expand(prk: &[u8], info: &[u8], len: usize) -> Result<Zeroizing<Vec<u8>>> {
    if len > HKDF_MAX_LEN {
        return Err(Error::input("HKDF-SHA256 output is limited to 8160 bytes"));
    }
    let hk = Hkdf::<Sha256>::from_prk(prk)
        .map_err(|_| Error::input("HKDF pseudorandom key must be at least 32 bytes"))?;
    let mut okm = Zeroizing::new(vec![0u8; len]);
    hk.expand(info, &mut okm)
        .map_err(|_| Error::input("HKDF-SHA256 output is limited to 8160 bytes"))?;
    Ok(okm)
}

/// HKDF-SHA256 extract then expand.
pub fn hkdf(salt: &[u8], ikm: &[u8], info: &[u8], len: usize) -> Result<Zeroizing<Vec<u8>>> {
    let prk = hkdf_extract(salt, ikm);
    hkdf_expand(prk.as_ref(), info, len)
}

fn cipher(key: &[u8], nonce: &[u8]) -> Result<(Aes256Gcm, Nonce<aes_gcm::aead::consts::U12>)> {
    if key.len() != AES_KEY_LEN {
        return Err(Error::input("AES-256-GCM key must be 32 bytes"));
    }
    if nonce.len() != NONCE_LEN {
        return Err(Error::input("AES-GCM nonce must be 12 bytes"));
    }
    let c = Aes256Gcm::new_from_slice(key)
        .map_err(|_| Error::input("AES-256-GCM key must be 32 bytes"))?;
    let mut n = Nonce::<aes_gcm::aead::consts::U12>::default();
    n.copy_from_slice(nonce);
    Ok((c, n))
}

/// AES-256-GCM encrypt: returns ciphertext ‖ 16-byte tag.
pub fn aes_gcm_seal(key: &[u8], nonce: &[u8], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
    let (c, n) = cipher(key, nonce)?;
    c.encrypt(
        &n,
        Payload {
            msg: plaintext,
            aad,
        },
    )
    .map_err(|_| Error::EncryptFailed)
}

/// AES-256-GCM decrypt of ciphertext ‖ tag; [`Error::DecryptFailed`] if the
/// tag does not verify.
pub fn aes_gcm_open(key: &[u8], nonce: &[u8], aad: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>> {
    let (c, n) = cipher(key, nonce)?;
    if ciphertext.len() < TAG_LEN {
        return Err(Error::input("AES-GCM ciphertext is shorter than its tag"));
    }
    c.decrypt(
        &n,
        Payload {
            msg: ciphertext,
            aad,
        },
    )
    .map_err(|_| Error::DecryptFailed)
}
