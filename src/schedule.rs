//! The RFC 9180 steps of the crate's one HPKE engine, composed from `hkdf`
//! exactly as the RFC writes them: the DH value comes from one of the sources
//! in [`crate::dh`] (a per-recipient table, p256's multiplication, or
//! WebCrypto), so the KEM's `ExtractAndExpand` and the base-mode
//! `KeySchedule` are separate steps here. The RFC 9180 vectors prove them
//! (tests/vectors.rs, tests/fast_path.rs), and the tests compare every
//! envelope with the `hpke` crate's (a dev-dependency) for the same
//! ephemeral key.
//!
//! Mirrors RFC 9180 §4 (`LabeledExtract`, `LabeledExpand`), §4.1
//! (`ExtractAndExpand` of DHKEM), §7.1.3 (`DeriveKeyPair`, deterministic
//! sealing only) and §5.1 (`KeySchedule`, mode_base).

use hkdf::{Hkdf, HkdfExtract};
use sha2::Sha256;
use zeroize::Zeroizing;

/// `"KEM" || I2OSP(kem_id, 2)` for DHKEM(P-256, HKDF-SHA256).
const KEM_SUITE_ID: &[u8] = b"KEM\x00\x10";
const VERSION_LABEL: &[u8] = b"HPKE-v1";

/// `"HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2)`,
/// the KDF being HKDF-SHA256 (0x0001) in every suite.
fn hpke_suite_id(kem_id: u16, aead_id: u16) -> [u8; 10] {
    let mut id = *b"HPKE\x00\x00\x00\x01\x00\x00";
    id[4..6].copy_from_slice(&kem_id.to_be_bytes());
    id[8..].copy_from_slice(&aead_id.to_be_bytes());
    id
}

/// §4: `LabeledExtract(salt, label, ikm)`: the PRK, and HKDF keyed with it.
fn labeled_extract(
    suite_id: &[u8],
    salt: &[u8],
    label: &[u8],
    ikm: &[u8],
) -> (Zeroizing<[u8; 32]>, Hkdf<Sha256>) {
    let mut ext = HkdfExtract::<Sha256>::new(Some(salt));
    for part in [VERSION_LABEL, suite_id, label, ikm] {
        ext.input_ikm(part);
    }
    let (prk, hkdf) = ext.finalize();
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&prk);
    (out, hkdf)
}

/// §4: `LabeledExpand(prk, label, info, L)` into `out` (L = `out.len()` ≤ 32).
fn labeled_expand(suite_id: &[u8], prk: &Hkdf<Sha256>, label: &[u8], info: &[u8], out: &mut [u8]) {
    let len = (out.len() as u16).to_be_bytes();
    // Every caller asks for at most 32 bytes, far below HKDF's limit of 8160.
    let _ = prk.expand_multi_info(&[&len, VERSION_LABEL, suite_id, label, info], out);
}

/// §4.1 DHKEM `ExtractAndExpand(dh, kem_context)` with
/// `kem_context = enc || pkRm`: the KEM shared secret.
pub(crate) fn extract_and_expand(
    dh: &[u8; 32],
    enc: &[u8; 65],
    pk_rm: &[u8; 65],
) -> Zeroizing<[u8; 32]> {
    let (_, eae_prk) = labeled_extract(KEM_SUITE_ID, b"", b"eae_prk", dh);
    let mut kem_context = [0u8; 130];
    kem_context[..65].copy_from_slice(enc);
    kem_context[65..].copy_from_slice(pk_rm);
    let mut shared = Zeroizing::new([0u8; 32]);
    labeled_expand(
        KEM_SUITE_ID,
        &eae_prk,
        b"shared_secret",
        &kem_context,
        shared.as_mut(),
    );
    shared
}

/// §7.1.3 DHKEM(P-256) `DeriveKeyPair(ikm)`: the private scalar (bitmask
/// 0xff, `Nsk` = 32), or `None` if 256 candidates were all out of range.
pub(crate) fn derive_scalar(ikm: &[u8]) -> Option<p256::NonZeroScalar> {
    let (_, dkp_prk) = labeled_extract(KEM_SUITE_ID, b"", b"dkp_prk", ikm);
    let mut bytes = Zeroizing::new(p256::FieldBytes::default());
    for counter in 0..=255u8 {
        labeled_expand(
            KEM_SUITE_ID,
            &dkp_prk,
            b"candidate",
            &[counter],
            bytes.as_mut(),
        );
        if let Some(sk) = p256::NonZeroScalar::from_repr(*bytes).into() {
            return Some(sk);
        }
    }
    None
}

/// The outputs of §5.1 `KeySchedule` that sealing and opening use.
pub struct Schedule {
    /// AEAD key (`Nk` bytes: 32 for AES-256-GCM).
    pub key: Zeroizing<Vec<u8>>,
    /// `base_nonce` (12 bytes); the nonce of sequence number 0.
    pub base_nonce: Zeroizing<[u8; 12]>,
    /// `key_schedule_context` (65 bytes), kept for the vector tests.
    pub(crate) context: [u8; 65],
    /// `secret` (32 bytes), kept for the vector tests.
    pub(crate) secret: Zeroizing<[u8; 32]>,
    secret_prk: Hkdf<Sha256>,
    suite: [u8; 10],
}

impl Schedule {
    /// `exporter_secret = LabeledExpand(secret, "exp", key_schedule_context, Nh)`.
    /// Slices use no exporter, so it is computed only on request (vector tests).
    pub(crate) fn exporter_secret(&self) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        labeled_expand(
            &self.suite,
            &self.secret_prk,
            b"exp",
            &self.context,
            out.as_mut(),
        );
        out
    }
}

/// `psk_id_hash = LabeledExtract("", "psk_id_hash", default_psk_id)`: the same
/// for every base-mode context of a suite, so computed once for each of the
/// envelope suites (P-256 and hybrid).
fn psk_id_hash(suite: &[u8; 10]) -> [u8; 32] {
    use std::sync::OnceLock;
    static P256: OnceLock<[u8; 32]> = OnceLock::new();
    static HYBRID: OnceLock<[u8; 32]> = OnceLock::new();
    let compute = || *labeled_extract(suite, b"", b"psk_id_hash", b"").0;
    let aead = crate::envelope::AEAD_ID;
    if *suite == hpke_suite_id(crate::envelope::KEM_ID, aead) {
        *P256.get_or_init(compute)
    } else if *suite == hpke_suite_id(crate::envelope::HYBRID_KEM_ID, aead) {
        *HYBRID.get_or_init(compute)
    } else {
        compute()
    }
}

/// §5.1 `KeySchedule(mode_base, shared_secret, info, default_psk, default_psk_id)`
/// for the DHKEM(P-256) suite with AEAD `aead_id` and key length `nk`.
pub(crate) fn key_schedule_base(
    shared_secret: &[u8; 32],
    info: &[u8],
    aead_id: u16,
    nk: usize,
) -> Schedule {
    key_schedule_base_kem(crate::envelope::KEM_ID, shared_secret, info, aead_id, nk)
}

/// [`key_schedule_base`] for the suite of KEM `kem_id` (its `suite_id` is
/// the only place the KEM enters the key schedule): the hybrid suite's.
pub(crate) fn key_schedule_base_kem(
    kem_id: u16,
    shared_secret: &[u8; 32],
    info: &[u8],
    aead_id: u16,
    nk: usize,
) -> Schedule {
    let suite = hpke_suite_id(kem_id, aead_id);
    let psk_id_hash = psk_id_hash(&suite);
    let (info_hash, _) = labeled_extract(&suite, b"", b"info_hash", info);
    let mut context = [0u8; 65];
    context[0] = 0x00; // mode_base
    context[1..33].copy_from_slice(&psk_id_hash);
    context[33..].copy_from_slice(info_hash.as_ref());
    let (secret, secret_prk) = labeled_extract(&suite, shared_secret, b"secret", b"");
    let mut key = Zeroizing::new(vec![0u8; nk]);
    labeled_expand(&suite, &secret_prk, b"key", &context, &mut key);
    let mut base_nonce = Zeroizing::new([0u8; 12]);
    labeled_expand(
        &suite,
        &secret_prk,
        b"base_nonce",
        &context,
        base_nonce.as_mut(),
    );
    Schedule {
        key,
        base_nonce,
        context,
        secret,
        secret_prk,
        suite,
    }
}
