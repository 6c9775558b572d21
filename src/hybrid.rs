//! The hybrid suite (docs/FORMAT.md §11): HPKE base mode with the KEM
//! MLKEM768-X25519 (KEM id 0x647a), HKDF-SHA256 and AES-256-GCM, for slices
//! that must stay secret after a quantum computer breaks P-256.
//!
//! The KEM is X-Wing (draft-connolly-cfrg-xwing-kem-06, the `x-wing` crate)
//! as draft-ietf-hpke-pq uses it for 0x647a, which is what Python
//! `cryptography` 50 implements: the private key is a 32-byte seed that
//! SHAKE256 expands into an ML-KEM-768 seed and an X25519 key, the public
//! key is `pk_M || pk_X` (1216 bytes), `enc` is `ct_M || ct_X` (1120 bytes)
//! and the KEM shared secret is X-Wing's SHA3-256 combiner output. The rest
//! is the crate's one RFC 9180 engine ([`crate::schedule`], the `suite_id`
//! naming 0x647a) and the same envelope layout, context and `info`.
//! tests/hpke_pq_vectors.rs proves the KEM and the schedule with the draft's
//! vectors.

use base64ct::{Base64UrlUnpadded, Encoding};
use core::fmt;
use sha2::{Digest, Sha256};
use shake::{ExtendableOutput, Shake256, Update, XofReader};
use x_wing::{Decapsulator, KeyExport, KeyInit, TryDecapsulate};
use zeroize::{Zeroize, Zeroizing};

use crate::context::Context;
use crate::envelope::{
    AEAD_ID, HYBRID_ENC_LEN, HYBRID_KEM_ID, body_text, check_suite, split_body, text_body,
};
use crate::error::{Error, Result};
use crate::keys::KID_LEN;
use crate::schedule;
use crate::seal::{Opened, check_inputs};

/// Length of a hybrid public key: ML-KEM-768 encapsulation key (1184) ||
/// X25519 public key (32).
pub const HYBRID_PUBLIC_KEY_LEN: usize = 1216;
/// Length of a hybrid private key: the X-Wing seed.
pub const HYBRID_SEED_LEN: usize = 32;
/// The JWK `kty` of hybrid keys: "AKP" (algorithm key pair, the key type of
/// the IETF JOSE/COSE ML-KEM and ML-DSA drafts).
pub const HYBRID_JWK_KTY: &str = "AKP";
/// The JWK `alg` of hybrid keys: the HPKE name of KEM 0x647a.
pub const HYBRID_JWK_ALG: &str = "MLKEM768-X25519";
/// Randomness one encapsulation takes: 32 bytes for ML-KEM-768, 32 for the
/// ephemeral X25519 key.
const ENCAP_RANDOMNESS_LEN: usize = 64;

/// A recipient's MLKEM768-X25519 public key.
#[derive(Clone)]
pub struct HybridPublicKey {
    bytes: Box<[u8; HYBRID_PUBLIC_KEY_LEN]>,
    ek: x_wing::EncapsulationKey,
    kid: [u8; KID_LEN],
}

impl fmt::Debug for HybridPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HybridPublicKey")
            .field("kid", &self.kid())
            .finish()
    }
}

impl PartialEq for HybridPublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for HybridPublicKey {}

impl HybridPublicKey {
    /// From the raw key `pk_M || pk_X` (1216 bytes; Python `cryptography`
    /// builds its `MLKEM768X25519PublicKey` from the two parts). `INVALID_KEY`
    /// for another length or an ML-KEM-768 key that fails FIPS 203's
    /// modulus check.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let arr: [u8; HYBRID_PUBLIC_KEY_LEN] = bytes.try_into().map_err(|_| {
            Error::key(format!(
                "an MLKEM768-X25519 public key is {HYBRID_PUBLIC_KEY_LEN} bytes, got {}",
                bytes.len()
            ))
        })?;
        let ek = x_wing::EncapsulationKey::try_from(bytes)
            .map_err(|_| Error::key("the ML-KEM-768 part of the public key is not valid"))?;
        Ok(Self::from_parts(Box::new(arr), ek))
    }

    fn from_parts(bytes: Box<[u8; HYBRID_PUBLIC_KEY_LEN]>, ek: x_wing::EncapsulationKey) -> Self {
        let kid = thumbprint_of(&bytes);
        HybridPublicKey { bytes, ek, kid }
    }

    /// The raw key `pk_M || pk_X` (1216 bytes).
    pub fn to_bytes(&self) -> &[u8; HYBRID_PUBLIC_KEY_LEN] {
        &self.bytes
    }

    /// The public JWK: `{"kty":"AKP","alg":"MLKEM768-X25519","pub":…,"kid":…,"use":"enc"}`.
    pub fn to_jwk_json(&self) -> String {
        let mut out = jwk_head(&self.bytes);
        out.push_str(",\"kid\":\"");
        out.push_str(&self.kid());
        out.push_str("\",\"use\":\"enc\"}");
        out
    }

    /// A public JWK of the form [`HybridPublicKey::to_jwk_json`] writes
    /// (a `priv` member, if any, is ignored). `INVALID_KEY` for another
    /// `kty` or `alg` or a bad `pub`; `KID_MISMATCH` if its `kid` is not the
    /// key's thumbprint.
    #[cfg(feature = "json")]
    pub fn from_jwk_json(json: &str) -> Result<Self> {
        let raw = RawJwk::parse(json)?;
        let key = Self::from_bytes(&raw.public_bytes()?)?;
        if let Some(kid) = &raw.kid {
            key.check_kid(kid)?;
        }
        Ok(key)
    }

    /// The key id: the RFC 7638 thumbprint of the public JWK's required
    /// members `alg`, `kty`, `pub` (SHA-256, base64url).
    pub fn kid(&self) -> String {
        Base64UrlUnpadded::encode_string(&self.kid)
    }

    /// The raw 32-byte key id.
    pub fn kid_bytes(&self) -> &[u8; KID_LEN] {
        &self.kid
    }

    /// `KID_MISMATCH` unless the key's thumbprint is `expected` (pinning).
    pub fn check_kid(&self, expected: &str) -> Result<()> {
        let found = self.kid();
        if found != expected {
            return Err(Error::KidMismatch {
                expected: expected.to_owned(),
                found,
            });
        }
        Ok(())
    }

    /// X-Wing `Encapsulate` with the given 64 random bytes (borrowed, so
    /// the caller's zeroizing copy is the only one): `(enc, shared_secret)`.
    fn encap_with(&self, randomness: &[u8; ENCAP_RANDOMNESS_LEN]) -> HybridEncapsulation {
        let (ct, mut ss) = self.ek.encapsulate_deterministic(randomness.into());
        let mut shared = Zeroizing::new([0u8; 32]);
        shared.copy_from_slice(&ss);
        ss.zeroize();
        HybridEncapsulation {
            enc: ct.to_vec(),
            shared,
        }
    }
}

/// `Encap(pkR)` for one slice: `enc` and the KEM shared secret. Not `Clone`
/// and consumed by sealing, so it serves one slice (as the P-256
/// `Encapsulation`); the secret is zeroized on drop.
struct HybridEncapsulation {
    enc: Vec<u8>,
    shared: Zeroizing<[u8; 32]>,
}

/// A recipient's MLKEM768-X25519 private key (the 32-byte X-Wing seed,
/// zeroized on drop, and the key expanded from it).
#[derive(Clone)]
pub struct HybridPrivateKey {
    seed: Zeroizing<[u8; HYBRID_SEED_LEN]>,
    dk: x_wing::DecapsulationKeyRejectNonContrib,
    public: HybridPublicKey,
}

impl fmt::Debug for HybridPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HybridPrivateKey")
            .field("kid", &self.kid())
            .finish_non_exhaustive()
    }
}

impl HybridPrivateKey {
    /// A new key from the platform's random numbers.
    pub fn generate() -> Result<Self> {
        let mut seed = Zeroizing::new([0u8; HYBRID_SEED_LEN]);
        crate::rng::fill(seed.as_mut())?;
        Ok(Self::from_seed_array(&seed))
    }

    /// From the 32-byte X-Wing seed; `INVALID_KEY` for another length.
    pub fn from_seed(seed: &[u8]) -> Result<Self> {
        let seed: &[u8; HYBRID_SEED_LEN] = seed.try_into().map_err(|_| {
            Error::key(format!(
                "an MLKEM768-X25519 private key (seed) is {HYBRID_SEED_LEN} bytes, got {}",
                seed.len()
            ))
        })?;
        Ok(Self::from_seed_array(seed))
    }

    fn from_seed_array(seed: &[u8; HYBRID_SEED_LEN]) -> Self {
        // By reference: the key keeps (and zeroizes) the only other copy.
        let dk = <x_wing::DecapsulationKeyRejectNonContrib as KeyInit>::new(seed.into());
        let ek = dk.encapsulation_key().clone();
        let mut bytes = Box::new([0u8; HYBRID_PUBLIC_KEY_LEN]);
        bytes.copy_from_slice(&ek.to_bytes());
        HybridPrivateKey {
            seed: Zeroizing::new(*seed),
            dk,
            public: HybridPublicKey::from_parts(bytes, ek),
        }
    }

    /// The 32-byte X-Wing seed (the private key's raw form).
    pub fn to_seed(&self) -> Zeroizing<[u8; HYBRID_SEED_LEN]> {
        self.seed.clone()
    }

    /// `SHAKE256(seed, 96)`: the ML-KEM-768 seed `d || z` (64 bytes) and the
    /// X25519 private key (32 bytes) the seed expands to. Python
    /// `cryptography` 50 builds its private key from these two parts:
    /// `MLKEM768X25519PrivateKey(MLKEM768PrivateKey.from_seed_bytes(e[:64]),
    /// X25519PrivateKey.from_private_bytes(e[64:]))`.
    pub fn to_expanded(&self) -> Zeroizing<[u8; 96]> {
        let mut xof = Shake256::default();
        xof.update(self.seed.as_ref());
        let mut out = Zeroizing::new([0u8; 96]);
        xof.finalize_xof().read(out.as_mut());
        out
    }

    /// The public key.
    pub fn public_key(&self) -> &HybridPublicKey {
        &self.public
    }

    /// The key id ([`HybridPublicKey::kid`]).
    pub fn kid(&self) -> String {
        self.public.kid()
    }

    /// The private JWK: the public JWK with `"priv"` (the seed, base64url).
    /// It holds the secret: returned zeroize-on-drop.
    pub fn to_jwk_json(&self) -> Zeroizing<String> {
        let public = self.public.to_jwk_json();
        let head = public.strip_suffix('}').unwrap_or("{");
        let priv_b64 = Zeroizing::new(Base64UrlUnpadded::encode_string(self.seed.as_ref()));
        let mut out = Zeroizing::new(String::with_capacity(head.len() + 12 + priv_b64.len()));
        out.push_str(head);
        out.push_str(",\"priv\":\"");
        out.push_str(&priv_b64);
        out.push_str("\"}");
        out
    }

    /// A private JWK ([`HybridPrivateKey::to_jwk_json`]'s form).
    /// `NOT_PRIVATE_KEY` without `priv`; `INVALID_KEY` for another `kty` or
    /// `alg`, a `priv` that is not 32 bytes, or a `pub` that is not the
    /// seed's; `KID_MISMATCH` for a `kid` that is not the thumbprint.
    #[cfg(feature = "json")]
    pub fn from_jwk_json(json: &str) -> Result<Self> {
        Self::from_raw_jwk(RawJwk::parse(json)?)
    }

    /// [`HybridPrivateKey::from_jwk_json`] for members already read (a
    /// keyring's), `kty` and `alg` checked.
    #[cfg(feature = "json")]
    pub(crate) fn from_raw_jwk(raw: RawJwk) -> Result<Self> {
        let Some(secret) = &raw.priv_ else {
            return Err(Error::NotPrivateKey(
                "the MLKEM768-X25519 JWK has no \"priv\" member".into(),
            ));
        };
        let seed = Zeroizing::new(
            Base64UrlUnpadded::decode_vec(secret.expose())
                .map_err(|_| Error::key("\"priv\" is not base64url"))?,
        );
        let key = Self::from_seed(&seed)?;
        if raw.pub_.is_some() && raw.public_bytes()?[..] != key.public.bytes[..] {
            return Err(Error::key("\"pub\" is not the public key of \"priv\""));
        }
        if let Some(kid) = &raw.kid {
            key.public.check_kid(kid)?;
        }
        Ok(key)
    }

    /// X-Wing `Decapsulate`, refusing an X25519 share that gives the all-zero
    /// secret (the check RFC 7748 §6.1 allows; `x-wing`'s RejectNonContrib key).
    fn decap(&self, enc: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        let ct = x_wing::Ciphertext::try_from(enc)
            .map_err(|_| Error::envelope("enc is not 1120 bytes"))?;
        let mut ss = self
            .dk
            .try_decapsulate(&ct)
            .map_err(|_| Error::envelope("enc's X25519 share is a low-order point"))?;
        let mut shared = Zeroizing::new([0u8; 32]);
        shared.copy_from_slice(&ss);
        ss.zeroize();
        Ok(shared)
    }
}

/// `{"kty":"AKP","alg":"MLKEM768-X25519","pub":"…"` (no closing brace).
fn jwk_head(bytes: &[u8; HYBRID_PUBLIC_KEY_LEN]) -> String {
    let b64 = Base64UrlUnpadded::encode_string(bytes);
    let mut out = String::with_capacity(b64.len() + 120);
    out.push_str("{\"kty\":\"");
    out.push_str(HYBRID_JWK_KTY);
    out.push_str("\",\"alg\":\"");
    out.push_str(HYBRID_JWK_ALG);
    out.push_str("\",\"pub\":\"");
    out.push_str(&b64);
    out.push('"');
    out
}

/// RFC 7638 §3.2 over the AKP key's required members in lexicographic
/// order (`alg`, `kty`, `pub`), no white space.
fn thumbprint_of(bytes: &[u8; HYBRID_PUBLIC_KEY_LEN]) -> [u8; KID_LEN] {
    let json = format!(
        "{{\"alg\":\"{HYBRID_JWK_ALG}\",\"kty\":\"{HYBRID_JWK_KTY}\",\"pub\":\"{}\"}}",
        Base64UrlUnpadded::encode_string(bytes)
    );
    Sha256::digest(json.as_bytes()).into()
}

/// The members of a hybrid JWK that are read (others are ignored).
#[cfg(feature = "json")]
#[derive(serde::Deserialize)]
pub(crate) struct RawJwk {
    pub(crate) kty: Option<String>,
    pub(crate) alg: Option<String>,
    #[serde(rename = "pub")]
    pub(crate) pub_: Option<String>,
    #[serde(rename = "priv")]
    pub(crate) priv_: Option<crate::keys::JwkSecret>,
    pub(crate) kid: Option<String>,
}

#[cfg(feature = "json")]
impl RawJwk {
    fn parse(json: &str) -> Result<Self> {
        let raw: RawJwk = serde_json::from_str(json)
            .map_err(|_| Error::key("not a JWK object with string members"))?;
        raw.check()
    }

    /// `INVALID_KEY` unless `kty` is "AKP" and `alg` "MLKEM768-X25519".
    pub(crate) fn check(self) -> Result<Self> {
        let raw = self;
        if raw.kty.as_deref() != Some(HYBRID_JWK_KTY) {
            return Err(Error::key("an MLKEM768-X25519 JWK has \"kty\": \"AKP\""));
        }
        if raw.alg.as_deref() != Some(HYBRID_JWK_ALG) {
            return Err(Error::key(
                "an MLKEM768-X25519 JWK has \"alg\": \"MLKEM768-X25519\"",
            ));
        }
        Ok(raw)
    }

    fn public_bytes(&self) -> Result<Vec<u8>> {
        let b64 = self
            .pub_
            .as_deref()
            .ok_or_else(|| Error::key("the JWK has no \"pub\" member"))?;
        Base64UrlUnpadded::decode_vec(b64).map_err(|_| Error::key("\"pub\" is not base64url"))
    }
}

/// Whether JWK text is a hybrid (`"kty":"AKP"`) key, so a caller holding
/// key text of either suite can pick the parser.
#[cfg(feature = "json")]
pub fn is_hybrid_jwk(json: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Probe {
        kty: Option<String>,
    }
    serde_json::from_str::<Probe>(json)
        .ok()
        .and_then(|p| p.kty)
        .is_some_and(|k| k == HYBRID_JWK_KTY)
}

/// A parsed envelope of the hybrid suite (docs/FORMAT.md §4 layout, suite
/// ids 0x647a / 0x0001 / 0x0002, `enc` of 1120 bytes). Its clear part is
/// authenticated only once opened.
#[derive(Clone, PartialEq, Eq)]
pub struct HybridEnvelope {
    kid: [u8; KID_LEN],
    context: Context,
    info: Vec<u8>,
    enc: Vec<u8>,
    ct: Vec<u8>,
}

impl fmt::Debug for HybridEnvelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HybridEnvelope")
            .field("kid", &self.kid())
            .field("context", &self.context)
            .field("ct_len", &self.ct.len())
            .finish()
    }
}

impl HybridEnvelope {
    /// Parse envelope text: the checks of [`crate::Envelope::parse`], with
    /// `SUITE_MISMATCH` for a P-256 envelope.
    pub fn parse(text: &str) -> Result<Self> {
        Self::from_body(&text_body(text)?)
    }

    /// Parse the binary body.
    pub fn from_body(b: &[u8]) -> Result<Self> {
        check_suite(b, HYBRID_KEM_ID)?;
        let parts = split_body(b, HYBRID_ENC_LEN)?;
        Ok(HybridEnvelope {
            kid: parts.kid,
            context: parts.context,
            info: parts.info.to_vec(),
            enc: parts.enc.to_vec(),
            ct: parts.ct.to_vec(),
        })
    }

    /// The binary body.
    pub fn to_body(&self) -> Vec<u8> {
        self.encode().0
    }

    /// The envelope text (`ss1.` and the body's base64url).
    pub fn to_text(&self) -> String {
        self.encode().1
    }

    fn encode(&self) -> (Vec<u8>, String) {
        body_text(HYBRID_KEM_ID, &self.kid, &self.info, &self.enc, &self.ct)
    }

    /// The recipient key id.
    pub fn kid(&self) -> String {
        Base64UrlUnpadded::encode_string(&self.kid)
    }

    /// The raw 32-byte key id.
    pub fn kid_bytes(&self) -> &[u8; KID_LEN] {
        &self.kid
    }

    /// The context the slice says it was sealed to.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// The HPKE `info` bytes.
    pub fn info(&self) -> &[u8] {
        &self.info
    }

    /// HPKE `enc` (1120 bytes).
    pub fn enc(&self) -> &[u8] {
        &self.enc
    }

    /// HPKE ciphertext with its 16-byte tag.
    pub fn ciphertext(&self) -> &[u8] {
        &self.ct
    }
}

impl fmt::Display for HybridEnvelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

/// Seal `plaintext` to a hybrid `recipient` under `context`: envelope text
/// of the hybrid suite.
///
/// ```
/// use slice_seal::{Context, HybridPrivateKey, open_hybrid, seal_hybrid};
/// let key = HybridPrivateKey::generate()?;
/// let ctx = Context::new("vetting-step-1", "full-name")?;
/// let env = seal_hybrid(key.public_key(), b"Ada Lovelace", &ctx)?;
/// assert_eq!(open_hybrid(&key, &env, Some(&ctx))?.plaintext, b"Ada Lovelace");
/// // A P-256 key does not take it.
/// let p256 = slice_seal::PrivateKey::generate()?;
/// assert_eq!(slice_seal::open(&p256, &env, None).unwrap_err().code(), "SUITE_MISMATCH");
/// # Ok::<(), slice_seal::Error>(())
/// ```
pub fn seal_hybrid(
    recipient: &HybridPublicKey,
    plaintext: &[u8],
    context: &Context,
) -> Result<String> {
    Ok(seal_hybrid_envelope(recipient, plaintext, context)?.to_text())
}

/// As [`seal_hybrid`], returning the parsed [`HybridEnvelope`].
pub fn seal_hybrid_envelope(
    recipient: &HybridPublicKey,
    plaintext: &[u8],
    context: &Context,
) -> Result<HybridEnvelope> {
    let info = check_inputs(plaintext.len(), context)?;
    let mut randomness = Zeroizing::new([0u8; ENCAP_RANDOMNESS_LEN]);
    crate::rng::fill(randomness.as_mut())?;
    seal_with(recipient, info, plaintext, context, &randomness)
}

/// The seal of [`seal_hybrid_envelope`] with the encapsulation's randomness
/// given (`danger`: reproducible envelopes, never real data).
pub(crate) fn seal_derived(
    recipient: &HybridPublicKey,
    plaintext: &[u8],
    context: &Context,
    randomness: &[u8; ENCAP_RANDOMNESS_LEN],
) -> Result<HybridEnvelope> {
    let info = check_inputs(plaintext.len(), context)?;
    seal_with(recipient, info, plaintext, context, randomness)
}

/// RFC 9180 `Encap`, `KeySchedule` (mode_base) and `Seal` at sequence 0.
fn seal_with(
    recipient: &HybridPublicKey,
    info: Vec<u8>,
    plaintext: &[u8],
    context: &Context,
    randomness: &[u8; ENCAP_RANDOMNESS_LEN],
) -> Result<HybridEnvelope> {
    seal_encapsulated(
        recipient,
        info,
        plaintext,
        context,
        recipient.encap_with(randomness),
    )
}

/// RFC 9180 `KeySchedule` (mode_base) and `Seal` at sequence 0 after `Encap`.
fn seal_encapsulated(
    recipient: &HybridPublicKey,
    info: Vec<u8>,
    plaintext: &[u8],
    context: &Context,
    HybridEncapsulation { enc, shared }: HybridEncapsulation,
) -> Result<HybridEnvelope> {
    let ks = schedule::key_schedule_base_kem(HYBRID_KEM_ID, &shared, &info, AEAD_ID, 32);
    let ct = crate::primitives::aes_gcm_seal(&ks.key, ks.base_nonce.as_ref(), b"", plaintext)?;
    Ok(HybridEnvelope {
        kid: recipient.kid,
        context: context.clone(),
        info,
        enc,
        ct,
    })
}

/// A hybrid recipient key, optionally pinned to a kid, that seals many
/// slices, with encapsulations made ahead of time ([`HybridSealer::prepare`],
/// e.g. while a browser is idle): each is used for one slice only and its
/// secret zeroized. Envelopes are those of [`seal_hybrid`].
///
/// ```
/// use slice_seal::{Context, HybridPrivateKey, HybridSealer, open_hybrid};
/// let key = HybridPrivateKey::generate()?;
/// let mut sealer = HybridSealer::pinned(key.public_key().clone(), &key.kid())?;
/// assert_eq!(sealer.prepare(2)?, 2);
/// let ctx = Context::new("f", "a")?;
/// let env = sealer.seal(b"x", &ctx)?;
/// assert_eq!(sealer.prepared(), 1);
/// assert_eq!(open_hybrid(&key, &env, Some(&ctx))?.plaintext, b"x");
/// # Ok::<(), slice_seal::Error>(())
/// ```
pub struct HybridSealer {
    recipient: HybridPublicKey,
    /// Prepared encapsulations; each used once.
    pool: Vec<HybridEncapsulation>,
}

impl Clone for HybridSealer {
    /// The same recipient, nothing prepared: a prepared secret serves one
    /// sealer only.
    fn clone(&self) -> Self {
        Self::new(self.recipient.clone())
    }
}

impl fmt::Debug for HybridSealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HybridSealer")
            .field("kid", &self.recipient.kid())
            .field("prepared", &self.pool.len())
            .finish()
    }
}

impl HybridSealer {
    /// Seal to `recipient`.
    pub fn new(recipient: HybridPublicKey) -> Self {
        HybridSealer {
            recipient,
            pool: Vec::new(),
        }
    }

    /// Seal to `recipient` only if its thumbprint is `kid` (else `KID_MISMATCH`).
    pub fn pinned(recipient: HybridPublicKey, kid: &str) -> Result<Self> {
        recipient.check_kid(kid)?;
        Ok(Self::new(recipient))
    }

    /// The recipient key.
    pub fn recipient(&self) -> &HybridPublicKey {
        &self.recipient
    }

    /// Make encapsulations ahead of time until `count` (at most
    /// [`crate::MAX_PREPARED`]) are ready; returns how many are ready.
    pub fn prepare(&mut self, count: usize) -> Result<usize> {
        let want = count.min(crate::MAX_PREPARED);
        while self.pool.len() < want {
            let mut randomness = Zeroizing::new([0u8; ENCAP_RANDOMNESS_LEN]);
            crate::rng::fill(randomness.as_mut())?;
            self.pool.push(self.recipient.encap_with(&randomness));
        }
        Ok(self.pool.len())
    }

    /// How many prepared encapsulations are ready.
    pub fn prepared(&self) -> usize {
        self.pool.len()
    }

    /// Seal one slice, with a prepared encapsulation if one is ready.
    pub fn seal(&mut self, plaintext: &[u8], context: &Context) -> Result<String> {
        Ok(self.seal_envelope(plaintext, context)?.to_text())
    }

    /// As [`HybridSealer::seal`], returning the parsed [`HybridEnvelope`].
    /// The inputs are checked before a prepared encapsulation is taken.
    pub fn seal_envelope(&mut self, plaintext: &[u8], context: &Context) -> Result<HybridEnvelope> {
        let info = check_inputs(plaintext.len(), context)?;
        let encap = match self.pool.pop() {
            Some(encap) => encap,
            None => {
                let mut randomness = Zeroizing::new([0u8; ENCAP_RANDOMNESS_LEN]);
                crate::rng::fill(randomness.as_mut())?;
                self.recipient.encap_with(&randomness)
            }
        };
        seal_encapsulated(&self.recipient, info, plaintext, context, encap)
    }
}

/// Open hybrid envelope text with `key`: as [`crate::open`] (the same
/// checks, in the same order, and the same errors), after the suite check
/// (`SUITE_MISMATCH` for a P-256 envelope).
pub fn open_hybrid(
    key: &HybridPrivateKey,
    envelope: &str,
    expected: Option<&Context>,
) -> Result<Opened> {
    open_hybrid_envelope(key, &HybridEnvelope::parse(envelope)?, expected)
}

/// As [`open_hybrid`], for a parsed [`HybridEnvelope`].
pub fn open_hybrid_envelope(
    key: &HybridPrivateKey,
    envelope: &HybridEnvelope,
    expected: Option<&Context>,
) -> Result<Opened> {
    if envelope.kid != key.public.kid {
        return Err(Error::KidMismatch {
            expected: envelope.kid(),
            found: key.kid(),
        });
    }
    if let Some(want) = expected {
        want.validate()?;
        envelope.context.check_expected(want)?;
    }
    let shared = key.decap(&envelope.enc)?;
    let ks = schedule::key_schedule_base_kem(HYBRID_KEM_ID, &shared, &envelope.info, AEAD_ID, 32);
    let plaintext =
        crate::primitives::aes_gcm_open(&ks.key, ks.base_nonce.as_ref(), b"", &envelope.ct)
            .map_err(|_| Error::DecryptFailed)?;
    Ok(Opened {
        kid: envelope.kid(),
        context: envelope.context.clone(),
        plaintext,
    })
}

/// draft-ietf-hpke-pq `DeriveKeyPair(ikm)` for KEM `kem_id` with `Nsk` =
/// `out.len()`: `SHAKE256.LabeledDerive(ikm, "DeriveKeyPair", "", Nsk)` of
/// draft-ietf-hpke-hpke, i.e. `SHAKE256(ikm || "HPKE-v1" || "KEM" ||
/// I2OSP(kem_id, 2) || I2OSP(13, 2) || "DeriveKeyPair" || I2OSP(Nsk, 2))`.
fn labeled_derive_key_pair(kem_id: u16, ikm: &[u8], out: &mut [u8]) {
    let mut xof = Shake256::default();
    xof.update(ikm);
    xof.update(b"HPKE-v1");
    xof.update(b"KEM");
    xof.update(&kem_id.to_be_bytes());
    let label = b"DeriveKeyPair";
    xof.update(&(label.len() as u16).to_be_bytes());
    xof.update(label);
    xof.update(&(out.len() as u16).to_be_bytes());
    xof.finalize_xof().read(out);
}

/// `DeriveKeyPair(ikm)` of KEM 0x647a: the private key (`danger`).
pub(crate) fn derive_key_pair(ikm: &[u8]) -> HybridPrivateKey {
    let mut seed = Zeroizing::new([0u8; HYBRID_SEED_LEN]);
    labeled_derive_key_pair(HYBRID_KEM_ID, ikm, seed.as_mut());
    HybridPrivateKey::from_seed_array(&seed)
}

/// `Encap(pkR)` with the encapsulation randomness given (`danger`).
pub(crate) fn encap_derived(
    recipient: &HybridPublicKey,
    randomness: &[u8; ENCAP_RANDOMNESS_LEN],
) -> (Vec<u8>, [u8; 32]) {
    let HybridEncapsulation { enc, shared } = recipient.encap_with(randomness);
    (enc, *shared)
}

/// `Decap(enc, skR)` (`danger`).
pub(crate) fn decap(key: &HybridPrivateKey, enc: &[u8]) -> Result<[u8; 32]> {
    Ok(*key.decap(enc)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::not_clone::NotClone;

    /// A prepared encapsulation serves one slice: its type is not `Clone`,
    /// a cloned sealer starts empty, and each prepared one seals one
    /// envelope (no `enc` twice), then the pool is empty.
    #[test]
    fn prepared_encapsulations_are_single_use() {
        <HybridEncapsulation as NotClone<_>>::check();
        let key = HybridPrivateKey::generate().unwrap();
        let ctx = Context::new("f", "a").unwrap();
        let mut sealer = HybridSealer::new(key.public_key().clone());
        assert_eq!(sealer.prepare(3).unwrap(), 3);
        assert_eq!(sealer.clone().prepared(), 0, "a clone starts empty");
        let mut encs = std::collections::HashSet::new();
        for i in 0..5u8 {
            let env = sealer.seal_envelope(&[i], &ctx).unwrap();
            assert!(encs.insert(env.enc().to_vec()), "enc reused");
            assert_eq!(sealer.prepared(), 2usize.saturating_sub(i as usize));
            let opened = open_hybrid_envelope(&key, &env, Some(&ctx)).unwrap();
            assert_eq!(opened.plaintext, [i]);
        }
    }

    /// Bad inputs each give their code: wrong key lengths, the other suite's
    /// envelope either way, an unknown suite, a low-order X25519 share, a
    /// tampered ciphertext.
    #[test]
    fn bad_inputs_have_specific_codes() {
        let key = HybridPrivateKey::generate().unwrap();
        let ctx = Context::new("f", "a").unwrap();
        for len in [0usize, 31, 33, 64] {
            let e = HybridPrivateKey::from_seed(&vec![7u8; len]).unwrap_err();
            assert_eq!(e.code(), "INVALID_KEY", "seed of {len} bytes");
        }
        let pk = key.public_key().to_bytes();
        for len in [0usize, 1184, 1215, 1217] {
            let mut b = pk.to_vec();
            b.resize(len, 0);
            let e = HybridPublicKey::from_bytes(&b).unwrap_err();
            assert_eq!(e.code(), "INVALID_KEY", "public key of {len} bytes");
        }
        // An ML-KEM coefficient of 0xfff (≥ q): FIPS 203's modulus check.
        let mut bad = pk.to_vec();
        bad[0] = 0xff;
        bad[1] |= 0x0f;
        assert_eq!(
            HybridPublicKey::from_bytes(&bad).unwrap_err().code(),
            "INVALID_KEY"
        );

        let hybrid_env = seal_hybrid(key.public_key(), b"x", &ctx).unwrap();
        let p256 = crate::PrivateKey::generate().unwrap();
        let p256_env = crate::seal(p256.public_key(), b"x", &ctx).unwrap();
        let e = crate::open(&p256, &hybrid_env, None).unwrap_err();
        assert_eq!(e.code(), "SUITE_MISMATCH");
        assert!(e.to_string().contains("MLKEM768-X25519"), "{e}");
        let e = open_hybrid(&key, &p256_env, None).unwrap_err();
        assert_eq!(e.code(), "SUITE_MISMATCH");
        assert!(e.to_string().contains("DHKEM(P-256)"), "{e}");

        let mut body = HybridEnvelope::parse(&hybrid_env).unwrap().to_body();
        body[1] = 0x7b;
        let text = format!("ss1.{}", Base64UrlUnpadded::encode_string(&body));
        for r in [
            open_hybrid(&key, &text, None).map(|_| ()),
            crate::open(&p256, &text, None).map(|_| ()),
        ] {
            assert_eq!(r.unwrap_err().code(), "UNSUPPORTED_SUITE");
        }

        // ct_X = 0 (low order): rejected before any AEAD.
        let env = HybridEnvelope::parse(&hybrid_env).unwrap();
        let mut low = env.clone();
        low.enc[1088..].fill(0);
        assert_eq!(
            open_hybrid_envelope(&key, &low, None).unwrap_err().code(),
            "MALFORMED_ENVELOPE"
        );
        let mut short = env.to_body();
        short.truncate(short.len() - 20);
        assert_eq!(
            HybridEnvelope::from_body(&short).unwrap_err().code(),
            "MALFORMED_ENVELOPE"
        );
        let mut tampered = env.clone();
        tampered.ct[0] ^= 1;
        assert_eq!(
            open_hybrid_envelope(&key, &tampered, None)
                .unwrap_err()
                .code(),
            "DECRYPT_FAILED"
        );
        let mut ml = env.clone();
        ml.enc[0] ^= 1;
        assert_eq!(
            open_hybrid_envelope(&key, &ml, None).unwrap_err().code(),
            "DECRYPT_FAILED"
        );
        let other = HybridPrivateKey::generate().unwrap();
        assert_eq!(
            open_hybrid(&other, &hybrid_env, None).unwrap_err().code(),
            "KID_MISMATCH"
        );
        let moved = Context::new("f", "b").unwrap();
        assert_eq!(
            open_hybrid(&key, &hybrid_env, Some(&moved))
                .unwrap_err()
                .code(),
            "CONTEXT_MISMATCH"
        );
        assert_eq!(
            open_hybrid(&key, &hybrid_env, Some(&ctx))
                .unwrap()
                .plaintext,
            b"x"
        );
    }

    /// A sealer's prepared encapsulations open, each serves one slice, bad
    /// input takes none, a clone starts empty, and pinning checks the kid.
    #[test]
    fn sealer_prepares_and_pins() {
        let key = HybridPrivateKey::generate().unwrap();
        let ctx = Context::new("f", "a").unwrap();
        let mut sealer = HybridSealer::pinned(key.public_key().clone(), &key.kid()).unwrap();
        assert_eq!(sealer.prepare(3).unwrap(), 3);
        assert_eq!(sealer.clone().prepared(), 0);
        let big = vec![0u8; crate::MAX_PLAINTEXT + 1];
        assert_eq!(sealer.seal(&big, &ctx).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(sealer.prepared(), 3);
        let mut encs = Vec::new();
        for i in 0..5u8 {
            let env = sealer.seal_envelope(&[i], &ctx).unwrap();
            assert_eq!(sealer.prepared(), 2usize.saturating_sub(i as usize));
            let opened = open_hybrid(&key, &env.to_text(), Some(&ctx)).unwrap();
            assert_eq!(opened.plaintext, [i]);
            encs.push(env.enc().to_vec());
        }
        encs.sort();
        encs.dedup();
        assert_eq!(encs.len(), 5, "an encapsulation served two slices");
        assert_eq!(
            sealer.prepare(crate::MAX_PREPARED + 5).unwrap(),
            crate::MAX_PREPARED
        );
        let other = HybridPrivateKey::generate().unwrap();
        assert_eq!(
            HybridSealer::pinned(other.public_key().clone(), &key.kid())
                .unwrap_err()
                .code(),
            "KID_MISMATCH"
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(48))]

            /// Any plaintext and context round-trip; any one byte of the body
            /// changed never opens, and gives a coded error (no panic).
            #[test]
            fn round_trip_and_any_change_is_refused(
                pt in proptest::collection::vec(any::<u8>(), 0..300),
                form in "[a-z0-9-]{1,20}",
                sub in proptest::option::of("[a-z0-9]{1,12}"),
                at in any::<prop::sample::Index>(),
                xor in 1u8..=255,
            ) {
                static KEY: std::sync::LazyLock<HybridPrivateKey> =
                    std::sync::LazyLock::new(|| HybridPrivateKey::generate().unwrap());
                let mut ctx = Context::new(&form, "field").unwrap();
                if let Some(s) = &sub {
                    ctx = ctx.with_submission(s).unwrap();
                }
                let env = seal_hybrid_envelope(KEY.public_key(), &pt, &ctx).unwrap();
                let opened = open_hybrid(&KEY, &env.to_text(), Some(&ctx)).unwrap();
                prop_assert_eq!(opened.plaintext, pt);
                let mut body = env.to_body();
                let i = at.index(body.len());
                body[i] ^= xor;
                let r = HybridEnvelope::from_body(&body)
                    .and_then(|e| open_hybrid_envelope(&KEY, &e, None));
                let e = r.expect_err("a changed envelope opened");
                prop_assert!(!e.code().is_empty() && !e.to_string().is_empty());
            }
        }
    }

    /// The JWK forms round-trip, the kid is the RFC 7638 thumbprint of
    /// `{"alg","kty","pub"}`, and bad JWKs give their codes.
    #[cfg(feature = "json")]
    #[test]
    fn jwk_forms() {
        let key = HybridPrivateKey::generate().unwrap();
        let public = key.public_key().to_jwk_json();
        let private = key.to_jwk_json();
        let v: serde_json::Value = serde_json::from_str(&public).unwrap();
        assert_eq!(v["kty"], "AKP");
        assert_eq!(v["alg"], "MLKEM768-X25519");
        assert!(v.get("priv").is_none());
        let canon = serde_json::json!({"alg": v["alg"], "kty": v["kty"], "pub": v["pub"]});
        let want = Base64UrlUnpadded::encode_string(&Sha256::digest(canon.to_string().as_bytes()));
        assert_eq!(v["kid"], want.as_str());
        assert_eq!(key.kid(), want);
        assert!(is_hybrid_jwk(&public) && is_hybrid_jwk(&private));
        assert!(!is_hybrid_jwk(
            &crate::PrivateKey::generate().unwrap().to_jwk().to_json()
        ));

        let back = HybridPrivateKey::from_jwk_json(&private).unwrap();
        assert_eq!(*back.to_seed(), *key.to_seed());
        assert_eq!(
            HybridPublicKey::from_jwk_json(&public).unwrap(),
            *key.public_key()
        );
        assert_eq!(
            HybridPrivateKey::from_jwk_json(&public).unwrap_err().code(),
            "NOT_PRIVATE_KEY"
        );
        let other = HybridPrivateKey::generate().unwrap();
        let mut mixed: serde_json::Value = serde_json::from_str(&private).unwrap();
        mixed["pub"] = serde_json::from_str::<serde_json::Value>(&other.public_key().to_jwk_json())
            .unwrap()["pub"]
            .clone();
        assert_eq!(
            HybridPrivateKey::from_jwk_json(&mixed.to_string())
                .unwrap_err()
                .code(),
            "INVALID_KEY"
        );
        let mut wrong_kid: serde_json::Value = serde_json::from_str(&public).unwrap();
        wrong_kid["kid"] = other.kid().into();
        assert_eq!(
            HybridPublicKey::from_jwk_json(&wrong_kid.to_string())
                .unwrap_err()
                .code(),
            "KID_MISMATCH"
        );
        for (member, value) in [
            ("kty", "OKP"),
            ("alg", "MLKEM768"),
            ("pub", "AAAA"),
            ("pub", "not base64!"),
        ] {
            let mut j: serde_json::Value = serde_json::from_str(&public).unwrap();
            j[member] = value.into();
            j.as_object_mut().unwrap().remove("kid");
            let e = HybridPublicKey::from_jwk_json(&j.to_string()).unwrap_err();
            assert_eq!(e.code(), "INVALID_KEY", "{member}={value}");
        }
        let mut short: serde_json::Value = serde_json::from_str(&private).unwrap();
        short["priv"] = Base64UrlUnpadded::encode_string(&[1u8; 31]).into();
        short.as_object_mut().unwrap().remove("pub");
        short.as_object_mut().unwrap().remove("kid");
        assert_eq!(
            HybridPrivateKey::from_jwk_json(&short.to_string())
                .unwrap_err()
                .code(),
            "INVALID_KEY"
        );
    }
}
