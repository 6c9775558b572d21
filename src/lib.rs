//! # slice-seal
//!
//! Seal each sensitive form answer — a *slice* of a record — to a high-side
//! P-256 public key with HPKE (RFC 9180) base mode,
//! DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM. The low side only
//! ever holds envelopes; the high side opens them with its private key, or
//! with any HPKE library (see `docs/FORMAT.md`).
//!
//! ```
//! use slice_seal::{open, seal, Context, PrivateKey, PublicKey};
//! // High side, once:
//! let key = PrivateKey::generate()?;
//! let published = key.public_key().to_jwk().to_json();
//! // Low side, per slice:
//! let recipient = PublicKey::from_jwk_json(&published)?;
//! let ctx = Context::new("vetting-step-1", "full-name")?.with_submission("s-1")?;
//! let envelope = seal(&recipient, "Ada Lovelace".as_bytes(), &ctx)?;
//! // High side:
//! let opened = open(&key, &envelope, Some(&ctx))?;
//! assert_eq!(opened.plaintext, b"Ada Lovelace");
//! # Ok::<(), slice_seal::Error>(())
//! ```
//!
//! A second suite, MLKEM768-X25519 (docs/FORMAT.md §11), is chosen per
//! recipient key: `HybridPublicKey` / `HybridPrivateKey`, or
//! [`AnyPublicKey`] / [`AnyPrivateKey`] for callers that take either suite
//! (keyrings and sealed files take both).
//!
//! Features: `json` (default) reads and writes JWK/JWKS text with serde_json
//! and adds `Keyring` natively; without it, key text is read through a
//! [`JsonReader`] (`PublicKey::parse_with`). `hazmat`: the `primitives` and
//! `hazmat` modules. `test-helpers`: `danger` (deterministic seals, tests only).
#![forbid(unsafe_code)]

mod any;
mod batch;
mod context;
#[cfg(any(test, feature = "test-helpers"))]
pub mod danger;
// Compiled always (its internals are the engine's), public for tests only.
#[cfg(not(any(test, feature = "test-helpers")))]
#[allow(dead_code)]
mod danger;
mod dh;
mod envelope;
mod error;
mod file;
#[cfg(feature = "hazmat")]
pub mod hazmat;
mod hybrid;
mod json;
#[cfg(all(feature = "json", not(target_arch = "wasm32")))]
mod keyring;
mod keys;
#[cfg(test)]
#[path = "../tests/common/not_clone.rs"]
mod not_clone;
mod prepared;
#[cfg(feature = "hazmat")]
pub mod primitives;
// The engine uses AES-GCM from here; public with `hazmat` only.
#[cfg(not(feature = "hazmat"))]
#[allow(dead_code)]
mod primitives;
mod rng;
mod schedule;
mod seal;

pub use any::{AnyPrivateKey, AnyPublicKey};
pub use batch::open_batch;
pub use context::{Context, LABEL, MAX_CONTEXT_LEN};
pub use envelope::{
    AEAD_ID, ENC_LEN, Envelope, HYBRID_ENC_LEN, HYBRID_KEM_ID, KDF_ID, KEM_ID, MAX_PLAINTEXT,
    PREFIX,
};
pub use error::{Error, Result};
pub use file::{
    CHUNK_TAG_LEN, DEFAULT_CHUNK_SIZE, FILE_LAYOUT_VERSION, FILE_MAGIC, FILE_MEDIA_TYPE, FileMeta,
    FileOpener, FileSealer, MAX_CHUNK_SIZE, MAX_FILE_NAME, MAX_FILE_SIZE, MAX_MEDIA_TYPE,
    MIN_CHUNK_SIZE, open_file, open_file_any, preamble_len, seal_file, seal_file_any,
};
#[cfg(feature = "json")]
pub use hybrid::is_hybrid_jwk;
pub use hybrid::{
    HYBRID_JWK_ALG, HYBRID_JWK_KTY, HYBRID_PUBLIC_KEY_LEN, HYBRID_SEED_LEN, HybridEnvelope,
    HybridPrivateKey, HybridPublicKey, HybridSealer, open_hybrid, open_hybrid_envelope,
    seal_hybrid, seal_hybrid_envelope,
};
pub use json::JsonReader;
#[cfg(all(feature = "json", not(target_arch = "wasm32")))]
pub use keyring::{Keyring, MAX_KEYRING_KEYS};
pub use keys::{JWK_ALG, Jwk, JwkSecret, Jwks, KID_LEN, PrivateKey, PublicKey, thumbprint};
pub use seal::{
    MAX_PREPARED, Opened, Opener, Sealer, open, open_envelope, seal, seal_envelope,
    seal_with_agreement,
};
