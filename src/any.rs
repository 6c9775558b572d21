//! One key type per role for callers that take keys of either suite
//! (docs/FORMAT.md §11): [`AnyPublicKey`] seals with the suite of the key,
//! [`AnyPrivateKey`] opens the envelopes of its own suite and names the
//! other suite's `SUITE_MISMATCH`. The P-256-only types and functions are
//! unchanged; these wrap them.

use core::fmt;
use zeroize::Zeroizing;

use crate::context::Context;
use crate::envelope::{HYBRID_KEM_ID, KEM_ID};
#[cfg(feature = "json")]
use crate::error::Error;
use crate::error::Result;
use crate::hybrid::{HybridPrivateKey, HybridPublicKey, open_hybrid, seal_hybrid};
use crate::keys::{KID_LEN, PrivateKey, PublicKey};
use crate::seal::{Opened, open, seal};

/// A recipient public key of either suite: P-256 (`kty` "EC") or
/// MLKEM768-X25519 (`kty` "AKP").
///
/// ```
/// use slice_seal::{AnyPrivateKey, AnyPublicKey, Context, HybridPrivateKey};
/// let key = AnyPrivateKey::from(HybridPrivateKey::generate()?);
/// let published = key.public_key().to_jwk_json();
/// // The sender does not need to know the suite: the key says it.
/// let recipient = AnyPublicKey::from_jwk_json(&published)?;
/// recipient.check_kid(&key.kid())?;
/// let ctx = Context::new("vetting-step-1", "full-name")?;
/// let env = recipient.seal(b"Ada Lovelace", &ctx)?;
/// assert_eq!(key.open(&env, Some(&ctx))?.plaintext, b"Ada Lovelace");
/// # Ok::<(), slice_seal::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnyPublicKey {
    /// DHKEM(P-256, HKDF-SHA256), KEM 0x0010.
    P256(PublicKey),
    /// MLKEM768-X25519, KEM 0x647a.
    Hybrid(Box<HybridPublicKey>),
}

impl From<PublicKey> for AnyPublicKey {
    fn from(key: PublicKey) -> Self {
        AnyPublicKey::P256(key)
    }
}

impl From<HybridPublicKey> for AnyPublicKey {
    fn from(key: HybridPublicKey) -> Self {
        AnyPublicKey::Hybrid(Box::new(key))
    }
}

impl AnyPublicKey {
    /// The HPKE KEM id of the key's suite ([`crate::KEM_ID`] or
    /// [`crate::HYBRID_KEM_ID`]).
    pub fn kem_id(&self) -> u16 {
        match self {
            AnyPublicKey::P256(_) => KEM_ID,
            AnyPublicKey::Hybrid(_) => HYBRID_KEM_ID,
        }
    }

    /// The key id (RFC 7638 thumbprint, base64url).
    pub fn kid(&self) -> String {
        match self {
            AnyPublicKey::P256(k) => k.kid(),
            AnyPublicKey::Hybrid(k) => k.kid(),
        }
    }

    /// The raw 32-byte key id.
    pub fn kid_bytes(&self) -> &[u8; KID_LEN] {
        match self {
            AnyPublicKey::P256(k) => k.kid_bytes(),
            AnyPublicKey::Hybrid(k) => k.kid_bytes(),
        }
    }

    /// `KID_MISMATCH` unless the key's thumbprint is `expected` (pinning).
    pub fn check_kid(&self, expected: &str) -> Result<()> {
        match self {
            AnyPublicKey::P256(k) => k.check_kid(expected),
            AnyPublicKey::Hybrid(k) => k.check_kid(expected),
        }
    }

    /// The public JWK as compact JSON (with `kid`, `use` and `alg`).
    pub fn to_jwk_json(&self) -> String {
        match self {
            AnyPublicKey::P256(k) => k.to_jwk().to_json().to_string(),
            AnyPublicKey::Hybrid(k) => k.to_jwk_json(),
        }
    }

    /// A public JWK of either suite, chosen by its `kty`: "EC" is read as
    /// [`PublicKey::from_jwk_json`] does, "AKP" as
    /// [`HybridPublicKey::from_jwk_json`]; any other or none is
    /// `INVALID_KEY`.
    #[cfg(feature = "json")]
    pub fn from_jwk_json(json: &str) -> Result<Self> {
        match jwk_kty(json)? {
            Kty::Ec => PublicKey::from_jwk_json(json).map(Self::P256),
            Kty::Akp => HybridPublicKey::from_jwk_json(json).map(Self::from),
        }
    }

    /// Key text of either suite: a PEM `PUBLIC KEY` (P-256), a JWK
    /// ([`AnyPublicKey::from_jwk_json`]) or a JWKS holding exactly one key.
    #[cfg(feature = "json")]
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        if t.starts_with("-----BEGIN") {
            return PublicKey::from_spki_pem(t).map(Self::P256);
        }
        if !t.starts_with('{') {
            return Err(Error::key("expected a JWK, a JWKS or a PEM public key"));
        }
        if !crate::json::is_jwks(t) {
            return Self::from_jwk_json(t);
        }
        let keys = jwks_members(t)?;
        match keys.as_slice() {
            [one] => Self::from_jwk_json(one),
            [] => Err(Error::key("JWKS is empty")),
            _ => Err(Error::key("JWKS holds several keys: choose one by kid")),
        }
    }

    /// The key of a JWKS (members of either suite) whose `kid` is `kid`
    /// (a member without `kid` is matched by its thumbprint): as
    /// [`crate::Jwks::find`], `KEY_NOT_FOUND` if none, and a member that
    /// claims the kid but is invalid is an error, not skipped.
    #[cfg(feature = "json")]
    pub fn from_jwks_json(json: &str, kid: &str) -> Result<Self> {
        #[derive(serde::Deserialize)]
        struct KidProbe {
            kid: Option<String>,
        }
        for member in jwks_members(json)? {
            let claimed = serde_json::from_str::<KidProbe>(&member)
                .map_err(|e| crate::json::json_error("JWK in JWKS", &e))?
                .kid;
            match claimed {
                Some(k) if k == kid => return Self::from_jwk_json(&member),
                Some(_) => continue,
                None => {
                    if let Ok(key) = Self::from_jwk_json(&member)
                        && key.kid() == kid
                    {
                        return Ok(key);
                    }
                }
            }
        }
        Err(Error::KeyNotFound(kid.to_owned()))
    }

    /// Seal `plaintext` to this key with its suite: [`crate::seal`] for a
    /// P-256 key (the same envelope), [`crate::seal_hybrid`] for a hybrid one.
    pub fn seal(&self, plaintext: &[u8], context: &Context) -> Result<String> {
        match self {
            AnyPublicKey::P256(k) => seal(k, plaintext, context),
            AnyPublicKey::Hybrid(k) => seal_hybrid(k, plaintext, context),
        }
    }
}

/// A recipient private key of either suite. Secrets are zeroized on drop and
/// never shown by `Debug`.
#[derive(Clone, Debug)]
pub enum AnyPrivateKey {
    /// DHKEM(P-256, HKDF-SHA256), KEM 0x0010.
    P256(PrivateKey),
    /// MLKEM768-X25519, KEM 0x647a.
    Hybrid(Box<HybridPrivateKey>),
}

impl From<PrivateKey> for AnyPrivateKey {
    fn from(key: PrivateKey) -> Self {
        AnyPrivateKey::P256(key)
    }
}

impl From<HybridPrivateKey> for AnyPrivateKey {
    fn from(key: HybridPrivateKey) -> Self {
        AnyPrivateKey::Hybrid(Box::new(key))
    }
}

impl AnyPrivateKey {
    /// The HPKE KEM id of the key's suite.
    pub fn kem_id(&self) -> u16 {
        match self {
            AnyPrivateKey::P256(_) => KEM_ID,
            AnyPrivateKey::Hybrid(_) => HYBRID_KEM_ID,
        }
    }

    /// The key id of the public key.
    pub fn kid(&self) -> String {
        match self {
            AnyPrivateKey::P256(k) => k.kid(),
            AnyPrivateKey::Hybrid(k) => k.kid(),
        }
    }

    /// The raw 32-byte key id.
    pub fn kid_bytes(&self) -> &[u8; KID_LEN] {
        match self {
            AnyPrivateKey::P256(k) => k.public_key().kid_bytes(),
            AnyPrivateKey::Hybrid(k) => k.public_key().kid_bytes(),
        }
    }

    /// The public key.
    pub fn public_key(&self) -> AnyPublicKey {
        match self {
            AnyPrivateKey::P256(k) => AnyPublicKey::P256(k.public_key().clone()),
            AnyPrivateKey::Hybrid(k) => AnyPublicKey::from(k.public_key().clone()),
        }
    }

    /// The P-256 key, if it is one.
    pub fn as_p256(&self) -> Option<&PrivateKey> {
        match self {
            AnyPrivateKey::P256(k) => Some(k),
            AnyPrivateKey::Hybrid(_) => None,
        }
    }

    /// The hybrid key, if it is one.
    pub fn as_hybrid(&self) -> Option<&HybridPrivateKey> {
        match self {
            AnyPrivateKey::P256(_) => None,
            AnyPrivateKey::Hybrid(k) => Some(k),
        }
    }

    /// The private JWK (zeroize-on-drop): `d` for P-256, `priv` for hybrid.
    pub fn to_jwk_json(&self) -> Zeroizing<String> {
        match self {
            AnyPrivateKey::P256(k) => k.to_jwk().to_json(),
            AnyPrivateKey::Hybrid(k) => k.to_jwk_json(),
        }
    }

    /// A private JWK of either suite, chosen by its `kty` ("EC" or "AKP",
    /// else `INVALID_KEY`); `NOT_PRIVATE_KEY` for a public JWK (no `d`,
    /// no `priv`).
    #[cfg(feature = "json")]
    pub fn from_jwk_json(json: &str) -> Result<Self> {
        match jwk_kty(json)? {
            Kty::Ec if !has_member(json, "d")? => Err(Error::NotPrivateKey(
                "the P-256 JWK has no \"d\" member".into(),
            )),
            Kty::Ec => PrivateKey::from_jwk_json(json).map(Self::P256),
            Kty::Akp => HybridPrivateKey::from_jwk_json(json).map(Self::from),
        }
    }

    /// Key text of either suite: a P-256 PEM private key, or a private JWK.
    #[cfg(feature = "json")]
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        if t.starts_with('{') {
            Self::from_jwk_json(t)
        } else {
            PrivateKey::parse(t).map(Self::P256)
        }
    }

    /// Open envelope text with this key: [`crate::open`] or
    /// [`crate::open_hybrid`] by the key's suite, each of which reads the
    /// envelope's suite ids first: the other suite's envelope is
    /// `SUITE_MISMATCH`, an unknown one `UNSUPPORTED_SUITE`.
    pub fn open(&self, envelope: &str, expected: Option<&Context>) -> Result<Opened> {
        match self {
            AnyPrivateKey::P256(k) => open(k, envelope, expected),
            AnyPrivateKey::Hybrid(k) => open_hybrid(k, envelope, expected),
        }
    }
}

impl fmt::Display for AnyPublicKey {
    /// The public JWK.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_jwk_json())
    }
}

#[cfg(feature = "json")]
enum Kty {
    Ec,
    Akp,
}

/// The suite a JWK's `kty` names (only `kty` is read: no secret member is
/// copied into an unzeroized string).
#[cfg(feature = "json")]
fn jwk_kty(json: &str) -> Result<Kty> {
    #[derive(serde::Deserialize)]
    struct Probe {
        kty: Option<String>,
    }
    let probe: Probe =
        serde_json::from_str(json).map_err(|e| crate::json::json_error("JWK", &e))?;
    match probe.kty.as_deref() {
        Some("EC") => Ok(Kty::Ec),
        Some(crate::hybrid::HYBRID_JWK_KTY) => Ok(Kty::Akp),
        None => Err(Error::key("JWK has no \"kty\"")),
        Some(_) => Err(Error::key("JWK \"kty\" must be \"EC\" or \"AKP\"")),
    }
}

/// Whether the JSON object has member `name` (not `null`); its value is
/// skipped, not copied.
#[cfg(feature = "json")]
fn has_member(json: &str, name: &str) -> Result<bool> {
    let map: std::collections::BTreeMap<String, Option<serde::de::IgnoredAny>> =
        serde_json::from_str(json).map_err(|e| crate::json::json_error("JWK", &e))?;
    Ok(matches!(map.get(name), Some(Some(_))))
}

/// The members of a JWKS's `keys` array, as JSON text each
/// (Public keys only: the members are copied.)
#[cfg(feature = "json")]
fn jwks_members(json: &str) -> Result<Vec<String>> {
    #[derive(serde::Deserialize)]
    struct Raw {
        keys: Option<Vec<serde_json::Value>>,
    }
    let raw: Raw = serde_json::from_str(json).map_err(|e| crate::json::json_error("JWKS", &e))?;
    let keys = raw
        .keys
        .ok_or_else(|| Error::key("JWKS has no \"keys\" array"))?;
    Ok(keys.iter().map(serde_json::Value::to_string).collect())
}
