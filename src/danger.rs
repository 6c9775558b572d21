//! Deterministic sealing for test vectors and the worked example in
//! docs/FORMAT.md. **Never use this to seal real data**: reusing `ikm_e`
//! reuses the ephemeral key and breaks confidentiality.

use crate::context::Context;
use crate::envelope::Envelope;
use crate::error::{Error, Result};
use crate::hybrid::{HybridEnvelope, HybridPrivateKey, HybridPublicKey};
use crate::keys::{PrivateKey, PublicKey};
use crate::seal::Encapsulation;
use zeroize::Zeroizing;

fn check_ikm_e(ikm_e: &[u8]) -> Result<()> {
    if ikm_e.len() != 32 {
        return Err(Error::input("ikm_e must be 32 bytes"));
    }
    Ok(())
}

/// Seal with the ephemeral key derived from `ikm_e` (32 bytes, RFC 9180
/// `DeriveKeyPair`), so the envelope is reproducible: the one-shot [`crate::seal`]
/// path (variable-base ECDH) with that key.
pub fn seal_deterministic(
    recipient: &PublicKey,
    plaintext: &[u8],
    context: &Context,
    ikm_e: &[u8],
) -> Result<Envelope> {
    check_ikm_e(ikm_e)?;
    crate::seal::seal_derived(recipient, None, plaintext, context, ikm_e)
}

/// The [`crate::Sealer`] fast path with the ephemeral key of
/// `DeriveKeyPair(ikm_e)`: must equal [`seal_deterministic`] byte for byte.
pub fn sealer_seal_deterministic(
    sealer: &crate::Sealer,
    plaintext: &[u8],
    context: &Context,
    ikm_e: &[u8],
) -> Result<Envelope> {
    check_ikm_e(ikm_e)?;
    sealer.seal_derived(plaintext, context, ikm_e)
}

/// A [`crate::FileSealer`] whose header is sealed with the ephemeral key of
/// `DeriveKeyPair(ikm_e)` and whose file key is `file_key` (32 bytes), so
/// the sealed file is reproducible (the FORMAT.md §10 example).
pub fn file_sealer_deterministic(
    recipient: &PublicKey,
    context: &Context,
    meta: crate::FileMeta,
    ikm_e: &[u8],
    file_key: &[u8],
) -> Result<crate::FileSealer> {
    let key: &[u8; 32] = file_key
        .try_into()
        .map_err(|_| Error::input("file_key must be 32 bytes"))?;
    crate::file::FileSealer::from_parts(key, meta, |hp| {
        seal_deterministic(recipient, hp, context, ikm_e).map(|e| e.to_string())
    })
}

/// RFC 9180 §4.1 `Encap(pkR)` through the crate's engine with the ephemeral
/// key of `DeriveKeyPair(ikm_e)` (`ikm_e` of any length, as in the RFC 9180
/// vectors): `(enc, shared_secret)`.
pub fn encap_deterministic(recipient: &PublicKey, ikm_e: &[u8]) -> Result<([u8; 65], [u8; 32])> {
    let (enc, shared) = Encapsulation::derived(recipient, ikm_e)?.into_parts();
    Ok((enc, *shared))
}

/// RFC 9180 §4.1 `Decap(enc, skR)` through the crate's engine (the opening
/// ECDH of [`crate::Opener`], then `ExtractAndExpand`): the KEM shared secret.
pub fn decap(key: &PrivateKey, enc: &[u8; 65]) -> Result<[u8; 32]> {
    let dh = crate::dh::decap(key.secret(), &crate::dh::enc_point(enc)?);
    Ok(*crate::schedule::extract_and_expand(
        &dh,
        enc,
        &key.public_key().uncompressed(),
    ))
}

/// RFC 9180 §4.1 DHKEM(P-256) `ExtractAndExpand(dh, enc || pkRm)`, as composed
/// in this crate (for the vector tests).
pub fn dhkem_shared_secret(dh: &[u8; 32], enc: &[u8; 65], pk_rm: &[u8; 65]) -> [u8; 32] {
    *crate::schedule::extract_and_expand(dh, enc, pk_rm)
}

/// The values of RFC 9180 §5.1 `KeySchedule` (for the vector tests).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleValues {
    /// `key_schedule_context` (65 bytes).
    pub key_schedule_context: Vec<u8>,
    /// `secret`.
    pub secret: [u8; 32],
    /// AEAD `key` (`Nk` bytes).
    pub key: Vec<u8>,
    /// `base_nonce`.
    pub base_nonce: [u8; 12],
    /// `exporter_secret`.
    pub exporter_secret: [u8; 32],
}

/// RFC 9180 §5.1 base-mode key schedule as composed in this crate, for
/// `aead_id` with key length `nk` (for the vector tests).
pub fn key_schedule_base(
    shared_secret: &[u8; 32],
    info: &[u8],
    aead_id: u16,
    nk: usize,
) -> ScheduleValues {
    key_schedule_base_kem(crate::envelope::KEM_ID, shared_secret, info, aead_id, nk)
}

/// [`key_schedule_base`] for the suite of KEM `kem_id` (the hybrid suite's
/// is 0x647a), for the draft-ietf-hpke-pq vectors.
pub fn key_schedule_base_kem(
    kem_id: u16,
    shared_secret: &[u8; 32],
    info: &[u8],
    aead_id: u16,
    nk: usize,
) -> ScheduleValues {
    let ks = crate::schedule::key_schedule_base_kem(kem_id, shared_secret, info, aead_id, nk);
    ScheduleValues {
        key_schedule_context: ks.context.to_vec(),
        secret: *ks.secret,
        key: ks.key.to_vec(),
        base_nonce: *ks.base_nonce,
        exporter_secret: *ks.exporter_secret(),
    }
}

/// RFC 9180 §7.1.3 DHKEM(P-256) `DeriveKeyPair(ikm)` through the crate's
/// engine: the private key.
pub fn derive_key_pair(ikm: &[u8]) -> Result<PrivateKey> {
    let k = crate::schedule::derive_scalar(ikm).ok_or(Error::RandomFailed)?;
    PrivateKey::from_bytes(&Zeroizing::new(k.to_bytes()))
}

/// draft-ietf-hpke-pq `DeriveKeyPair(ikm)` of MLKEM768-X25519 (0x647a).
pub fn hybrid_derive_key_pair(ikm: &[u8]) -> HybridPrivateKey {
    crate::hybrid::derive_key_pair(ikm)
}

fn randomness_64(ikm_e: &[u8]) -> Result<&[u8; 64]> {
    ikm_e
        .try_into()
        .map_err(|_| Error::input("the encapsulation randomness must be 64 bytes"))
}

/// MLKEM768-X25519 `Encap(pkR)` with the randomness `ikm_e` (64 bytes:
/// ML-KEM's `m`, then the ephemeral X25519 key): `(enc, shared_secret)`.
pub fn hybrid_encap_deterministic(
    recipient: &HybridPublicKey,
    ikm_e: &[u8],
) -> Result<(Vec<u8>, [u8; 32])> {
    Ok(crate::hybrid::encap_derived(
        recipient,
        randomness_64(ikm_e)?,
    ))
}

/// MLKEM768-X25519 `Decap(enc, skR)`: the KEM shared secret.
pub fn hybrid_decap(key: &HybridPrivateKey, enc: &[u8]) -> Result<[u8; 32]> {
    crate::hybrid::decap(key, enc)
}

/// [`crate::seal_hybrid_envelope`] with the encapsulation randomness
/// `ikm_e` (64 bytes): a reproducible hybrid envelope.
pub fn hybrid_seal_deterministic(
    recipient: &HybridPublicKey,
    plaintext: &[u8],
    context: &Context,
    ikm_e: &[u8],
) -> Result<HybridEnvelope> {
    crate::hybrid::seal_derived(recipient, plaintext, context, randomness_64(ikm_e)?)
}
