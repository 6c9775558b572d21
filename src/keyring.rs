//! Keyrings: the high side's private keys, several at once during a key
//! rotation. Each envelope is opened with the key its kid names.
//!
//! A keyring file is a JWKS (`{"keys":[...]}`) of private JWKs of either
//! suite, P-256 (`"kty":"EC"`) and MLKEM768-X25519 (`"kty":"AKP"`) mixed;
//! each member may carry `"kid"` (which must then be its RFC 7638 thumbprint) and
//! `"created"` (an RFC 3339 UTC time, e.g. `2026-12-01T07:30:00Z`). A single
//! private JWK or PEM is a one-key keyring. See docs/FORMAT.md, "Keyrings".

use base64ct::{Base64UrlUnpadded, Encoding};
use core::fmt;
use std::sync::Arc;

use serde_json::Value;
use zeroize::Zeroizing;

use crate::any::AnyPrivateKey;
use crate::batch::map_batch;
use crate::context::Context;
use crate::dh::Decapsulate;
use crate::envelope::{Envelope, HYBRID_KEM_ID, KEM_ID, check_suite, text_body};
use crate::error::{Error, Result};
use crate::hybrid::{HybridEnvelope, HybridPrivateKey, RawJwk, open_hybrid_envelope};
use crate::json::json_error;
use crate::keys::{Jwk, JwkSecret, PrivateKey};
use crate::seal::{Opened, Opener};

/// At most this many keys in one keyring (bounds the per-envelope lookup).
pub const MAX_KEYRING_KEYS: usize = 1024;

struct Member {
    key: AnyPrivateKey,
    /// A P-256 key's opener (holding a copy of the key, zeroized on drop
    /// too); `None` for a hybrid key.
    opener: Option<Opener>,
    created: Option<String>,
}

impl Member {
    fn kid_bytes(&self) -> &[u8; crate::KID_LEN] {
        self.key.kid_bytes()
    }
}

/// A set of private keys of either suite ([`AnyPrivateKey`]) with distinct
/// key ids, each with an optional creation time. An envelope is opened with
/// the key its kid names, by the suite of that key (an envelope of the other
/// suite under that kid is `SUITE_MISMATCH`). Private material is zeroized on drop and never shown by
/// `Debug`.
///
/// ```
/// use slice_seal::{seal, Context, Keyring, PrivateKey};
/// let (old, new) = (PrivateKey::generate()?, PrivateKey::generate()?);
/// let ctx = Context::new("f", "a")?;
/// let a = seal(old.public_key(), b"old", &ctx)?;
/// let b = seal(new.public_key(), b"new", &ctx)?;
/// let ring = Keyring::from_keys([old, new])?;
/// let opened = ring.open_batch(&[a.as_str(), b.as_str()], None);
/// assert_eq!(opened[0].as_ref().unwrap().plaintext, b"old");
/// assert_eq!(opened[1].as_ref().unwrap().plaintext, b"new");
/// # Ok::<(), slice_seal::Error>(())
/// ```
#[derive(Default)]
pub struct Keyring {
    members: Vec<Member>,
    /// The openers' DH source, if a caller's ([`Keyring::set_decap`]).
    decap: Option<MakeOpener>,
}

/// Makes a member's opener with a caller's DH source.
type MakeOpener = Arc<dyn Fn(PrivateKey) -> Result<Opener> + Send + Sync>;

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.members.iter().map(|m| m.key.kid()))
            .finish()
    }
}

impl Keyring {
    /// An empty keyring.
    pub fn new() -> Self {
        Keyring::default()
    }

    /// A keyring of `keys` (P-256, hybrid or [`AnyPrivateKey`]; no creation
    /// times); [`Error::DuplicateKid`] if two have the same kid.
    pub fn from_keys<K: Into<AnyPrivateKey>>(keys: impl IntoIterator<Item = K>) -> Result<Self> {
        let mut ring = Keyring::new();
        for key in keys {
            ring.add(key, None)?;
        }
        Ok(ring)
    }

    /// Read a keyring from text: a JWKS of private JWKs (P-256 and hybrid
    /// mixed), a single private JWK, or a PEM private key (PKCS#8 or SEC1).
    ///
    /// Errors: [`Error::InvalidKey`] for a malformed member (the message
    /// names it by its index, `keys[i]`, never by its content),
    /// [`Error::NotPrivateKey`] for a public key (a member without `"d"` or,
    /// hybrid, `"priv"`; a `PUBLIC KEY` PEM), [`Error::DuplicateKid`] for two members with the
    /// same key id.
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        if t.starts_with("-----BEGIN PUBLIC KEY-----") {
            return Err(Error::NotPrivateKey(
                "the PEM is a PUBLIC KEY, a private key is needed".into(),
            ));
        }
        if t.starts_with("-----BEGIN") {
            return Keyring::from_keys([PrivateKey::from_pem(t)?]);
        }
        if !t.starts_with('{') {
            return Err(Error::key(
                "expected a JWKS of private JWKs, a private JWK or a PEM private key",
            ));
        }
        let value: Value = serde_json::from_str(t).map_err(|e| json_error("keyring", &e))?;
        let Value::Object(mut top) = value else {
            return Err(Error::key("keyring is not a JSON object"));
        };
        let mut ring = Keyring::new();
        match top.remove("keys") {
            None => {
                let (key, created) = member(Value::Object(top), None)?;
                ring.add(key, created)?;
            }
            Some(Value::Array(keys)) => {
                if keys.len() > MAX_KEYRING_KEYS {
                    return Err(Error::key(format!(
                        "keyring holds {} keys, more than {MAX_KEYRING_KEYS}",
                        keys.len()
                    )));
                }
                let mut members = keys.into_iter().enumerate();
                let added = members.by_ref().try_for_each(|(i, value)| {
                    let at = format!("keys[{i}]");
                    let (key, created) = member(value, Some(&at))?;
                    let kid = key.kid();
                    if let Some(j) = ring.position(&kid) {
                        return Err(Error::DuplicateKid(format!(
                            "keys[{j}] and keys[{i}] have the same kid {kid}"
                        )));
                    }
                    ring.add(key, created)
                });
                if added.is_err() {
                    // The members not read yet still hold their secrets.
                    members.for_each(|(_, v)| scrub(v));
                }
                added?;
            }
            Some(_) => return Err(Error::key("keyring \"keys\" is not an array")),
        }
        Ok(ring)
    }

    /// Add `key` with an optional creation time (RFC 3339 UTC, e.g.
    /// `2026-12-01T07:30:00Z`). [`Error::DuplicateKid`] if a key with its kid
    /// is already there; [`Error::InvalidKey`] for a malformed time.
    pub fn add(&mut self, key: impl Into<AnyPrivateKey>, created: Option<String>) -> Result<()> {
        let key = key.into();
        let kid = key.kid();
        if self.position(&kid).is_some() {
            return Err(Error::DuplicateKid(format!(
                "the keyring already holds kid {kid}"
            )));
        }
        if self.members.len() >= MAX_KEYRING_KEYS {
            return Err(Error::key(format!(
                "a keyring holds at most {MAX_KEYRING_KEYS} keys"
            )));
        }
        if let Some(c) = &created
            && !is_rfc3339_utc(c)
        {
            return Err(Error::key(format!(
                "kid {kid}: \"created\" is not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ)"
            )));
        }
        let opener = match (&key, &self.decap) {
            (AnyPrivateKey::Hybrid(_), _) => None,
            (AnyPrivateKey::P256(k), Some(make)) => Some(make(k.clone())?),
            (AnyPrivateKey::P256(k), None) => Some(Opener::new(k.clone())),
        };
        self.members.push(Member {
            key,
            opener,
            created,
        });
        Ok(())
    }

    /// Open with `make`'s DH source from now on, the P-256 keys already here
    /// included (`self` unchanged on an error): [`crate::hazmat::keyring_with`].
    /// Hybrid keys are not concerned.
    #[cfg_attr(not(feature = "hazmat"), allow(dead_code))]
    pub(crate) fn set_decap<D: Decapsulate + 'static>(
        &mut self,
        make: impl Fn(&[u8; 32]) -> Result<D> + Send + Sync + 'static,
    ) -> Result<()> {
        let make: MakeOpener = Arc::new(move |key| Opener::with_decap(key, &make));
        let openers = self
            .members
            .iter()
            .map(|m| m.key.as_p256().map(|k| make(k.clone())).transpose())
            .collect::<Result<Vec<_>>>()?;
        for (m, opener) in self.members.iter_mut().zip(openers) {
            m.opener = opener;
        }
        self.decap = Some(make);
        Ok(())
    }

    /// Add every key of `other` ([`Error::DuplicateKid`] if a kid is in both;
    /// `self` is then unchanged).
    pub fn merge(&mut self, other: Keyring) -> Result<()> {
        for m in &other.members {
            let kid = m.key.kid();
            if self.position(&kid).is_some() {
                return Err(Error::DuplicateKid(format!("kid {kid} is given twice")));
            }
        }
        if self.members.len() + other.members.len() > MAX_KEYRING_KEYS {
            return Err(Error::key(format!(
                "a keyring holds at most {MAX_KEYRING_KEYS} keys"
            )));
        }
        let mut added = other.members;
        if let Some(make) = &self.decap {
            for m in &mut added {
                if let Some(k) = m.key.as_p256() {
                    m.opener = Some(make(k.clone())?);
                }
            }
        }
        self.members.extend(added);
        Ok(())
    }

    /// Remove and return the key with `kid` ([`Error::KeyNotFound`] if none).
    pub fn remove(&mut self, kid: &str) -> Result<AnyPrivateKey> {
        let i = self
            .position(kid)
            .ok_or_else(|| Error::KeyNotFound(kid.to_owned()))?;
        Ok(self.members.remove(i).key)
    }

    /// Keep only the key with `kid` ([`Error::KeyNotFound`] if none).
    pub fn retain_kid(&mut self, kid: &str) -> Result<()> {
        let i = self
            .position(kid)
            .ok_or_else(|| Error::KeyNotFound(kid.to_owned()))?;
        let keep = self.members.swap_remove(i);
        self.members.clear();
        self.members.push(keep);
        Ok(())
    }

    fn position(&self, kid: &str) -> Option<usize> {
        self.members.iter().position(|m| m.key.kid() == kid)
    }

    /// The key with `kid`.
    pub fn get(&self, kid: &str) -> Option<&AnyPrivateKey> {
        self.position(kid).map(|i| &self.members[i].key)
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// `true` if there is no key.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The keys in order, each with its creation time if known.
    pub fn iter(&self) -> impl Iterator<Item = (&AnyPrivateKey, Option<&str>)> {
        self.members.iter().map(|m| (&m.key, m.created.as_deref()))
    }

    /// The public keys, as compact JWK Set text (what to publish during a
    /// rotation): P-256 and hybrid public JWKs in keyring order.
    pub fn public_jwks(&self) -> String {
        let mut out = String::from("{\"keys\":[");
        for (i, m) in self.members.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&m.key.public_key().to_jwk_json());
        }
        out.push_str("]}");
        out
    }

    /// The keyring file: compact JSON `{"keys":[...]}`, private JWKs with
    /// `"created"` where known. Holds the secrets: zeroize-on-drop.
    pub fn to_json(&self) -> Zeroizing<String> {
        let members: Vec<Zeroizing<String>> = self
            .members
            .iter()
            .map(|m| {
                let jwk = m.key.to_jwk_json();
                let Some(created) = &m.created else {
                    return jwk;
                };
                let head = jwk.strip_suffix('}').unwrap_or("{");
                let mut out = Zeroizing::new(String::with_capacity(jwk.len() + created.len() + 16));
                out.push_str(head);
                out.push_str(",\"created\":");
                // `created` is validated ASCII without quotes or escapes.
                out.push('"');
                out.push_str(created);
                out.push_str("\"}");
                out
            })
            .collect();
        let len = 12 + members.iter().map(|m| m.len() + 1).sum::<usize>();
        let mut out = Zeroizing::new(String::with_capacity(len));
        out.push_str("{\"keys\":[");
        for (i, m) in members.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(m);
        }
        out.push_str("]}");
        out
    }

    /// Open envelope text of either suite with the key its kid names: as
    /// [`crate::open`] or [`crate::open_hybrid`] with that key, or
    /// [`Error::KeyNotFound`] if the keyring has none. The envelope's suite
    /// ids pick the parser; if the keyring holds no key of that suite (or,
    /// under that kid, a key of the other suite) the result is
    /// [`Error::SuiteMismatch`], as a single key of the other suite gives.
    pub fn open(&self, envelope: &str, expected: Option<&Context>) -> Result<Opened> {
        let body = text_body(envelope)?;
        let kem = match check_suite(&body, KEM_ID) {
            Ok(()) => KEM_ID,
            Err(Error::SuiteMismatch { envelope, .. }) => envelope,
            Err(e) => return Err(e),
        };
        // The suite before the rest of the body, as for one key (§5 step 5).
        if let Some(m) = self.members.first()
            && self.members.iter().all(|m| m.key.kem_id() != kem)
        {
            return Err(Error::SuiteMismatch {
                envelope: kem,
                key: m.key.kem_id(),
            });
        }
        if kem == KEM_ID {
            self.open_envelope(&Envelope::from_body(&body)?, expected)
        } else {
            self.open_hybrid_envelope(&HybridEnvelope::from_body(&body)?, expected)
        }
    }

    /// As [`Keyring::open`], for a parsed hybrid envelope.
    pub fn open_hybrid_envelope(
        &self,
        envelope: &HybridEnvelope,
        expected: Option<&Context>,
    ) -> Result<Opened> {
        match self.member(envelope.kid_bytes(), HYBRID_KEM_ID)? {
            Member {
                key: AnyPrivateKey::Hybrid(k),
                ..
            } => open_hybrid_envelope(k, envelope, expected),
            m => Err(Error::SuiteMismatch {
                envelope: HYBRID_KEM_ID,
                key: m.key.kem_id(),
            }),
        }
    }

    /// As [`Keyring::open`], for a parsed [`Envelope`].
    pub fn open_envelope(&self, envelope: &Envelope, expected: Option<&Context>) -> Result<Opened> {
        match self.member(envelope.kid_bytes(), KEM_ID)? {
            Member {
                opener: Some(opener),
                ..
            } => opener.open_envelope(envelope, expected),
            m => Err(Error::SuiteMismatch {
                envelope: KEM_ID,
                key: m.key.kem_id(),
            }),
        }
    }

    /// The member with key id `kid` for an envelope of KEM `kem`:
    /// `SUITE_MISMATCH` if no member is of that suite (what one key of the
    /// other suite gives, §5 step 5 before the kid), else `KEY_NOT_FOUND`
    /// if none has the kid.
    fn member(&self, kid: &[u8; crate::KID_LEN], kem: u16) -> Result<&Member> {
        if let Some(m) = self.members.iter().find(|m| m.kid_bytes() == kid) {
            return Ok(m);
        }
        match self.members.first() {
            Some(m) if self.members.iter().all(|m| m.key.kem_id() != kem) => {
                Err(Error::SuiteMismatch {
                    envelope: kem,
                    key: m.key.kem_id(),
                })
            }
            _ => Err(Error::KeyNotFound(Base64UrlUnpadded::encode_string(kid))),
        }
    }

    /// [`Keyring::open`] for every envelope, in parallel as
    /// [`crate::open_batch`]; result `i` is the outcome for `envelopes[i]`.
    pub fn open_batch(
        &self,
        envelopes: &[&str],
        expected: Option<&Context>,
    ) -> Vec<Result<Opened>> {
        map_batch(envelopes, |e| self.open(e, expected))
    }
}

/// Zeroize the `"d"` (P-256) or `"priv"` (hybrid) string of a member that
/// is not used.
fn scrub(value: Value) {
    if let Value::Object(mut map) = value {
        for name in ["d", "priv"] {
            if let Some(Value::String(secret)) = map.remove(name) {
                drop(Zeroizing::new(secret));
            }
        }
    }
}

/// A private key and its creation time from one JSON member; `at` names it
/// in messages (`keys[3]`; `None` for a single JWK).
fn member(value: Value, at: Option<&str>) -> Result<(AnyPrivateKey, Option<String>)> {
    let prefix = at.map(|a| format!("{a}: ")).unwrap_or_default();
    let at = at.unwrap_or("the JWK");
    let Value::Object(mut map) = value else {
        return Err(Error::key(format!("{at} is not a JSON object")));
    };
    if map.get("kty").and_then(Value::as_str) == Some(crate::HYBRID_JWK_KTY) {
        return hybrid_member(map, at, &prefix);
    }
    // Moved, not copied, into a zeroize-on-drop string.
    let d = match map.remove("d") {
        None | Some(Value::Null) => {
            return Err(Error::NotPrivateKey(format!(
                "{at} has no \"d\": it is a public key"
            )));
        }
        Some(Value::String(s)) => JwkSecret::new(s),
        Some(_) => return Err(Error::key(format!("{prefix}\"d\" is not a string"))),
    };
    let mut text = |name: &str| -> Result<Option<String>> {
        match map.remove(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(Error::key(format!("{prefix}\"{name}\" is not a string"))),
        }
    };
    let jwk = Jwk {
        kty: text("kty")?,
        crv: text("crv")?,
        x: text("x")?,
        y: text("y")?,
        d: Some(d),
        kid: text("kid")?,
        use_: text("use")?,
        alg: text("alg")?,
    };
    let created = text("created")?;
    let key = PrivateKey::from_jwk(&jwk).map_err(|e| in_member(e, &prefix))?;
    check_created(created.as_deref(), &prefix)?;
    Ok((key.into(), created))
}

/// [`member`] for a hybrid (`"kty":"AKP"`) member: `"priv"` is moved into a
/// zeroize-on-drop string before anything else is read.
fn hybrid_member(
    mut map: serde_json::Map<String, Value>,
    at: &str,
    prefix: &str,
) -> Result<(AnyPrivateKey, Option<String>)> {
    let priv_ = match map.remove("priv") {
        None | Some(Value::Null) => {
            return Err(Error::NotPrivateKey(format!(
                "{at} has no \"priv\": it is a public key"
            )));
        }
        Some(Value::String(s)) => JwkSecret::new(s),
        Some(_) => return Err(Error::key(format!("{prefix}\"priv\" is not a string"))),
    };
    let mut text = |name: &str| -> Result<Option<String>> {
        match map.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(Error::key(format!("{prefix}\"{name}\" is not a string"))),
        }
    };
    let raw = RawJwk {
        kty: text("kty")?,
        alg: text("alg")?,
        pub_: text("pub")?,
        priv_: Some(priv_),
        kid: text("kid")?,
    };
    let created = text("created")?;
    let key = raw
        .check()
        .and_then(HybridPrivateKey::from_raw_jwk)
        .map_err(|e| in_member(e, prefix))?;
    check_created(created.as_deref(), prefix)?;
    Ok((key.into(), created))
}

/// A member's key error, named by its index (`prefix`, empty for a single
/// JWK, which keeps the error it has everywhere else).
fn in_member(e: Error, prefix: &str) -> Error {
    match e {
        e if prefix.is_empty() => e,
        Error::InvalidKey(m) => Error::InvalidKey(format!("{prefix}{m}")),
        other => Error::InvalidKey(format!("{prefix}{other}")),
    }
}

fn check_created(created: Option<&str>, prefix: &str) -> Result<()> {
    if let Some(c) = created
        && !is_rfc3339_utc(c)
    {
        return Err(Error::key(format!(
            "{prefix}\"created\" is not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ)"
        )));
    }
    Ok(())
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` with fields in range.
pub(crate) fn is_rfc3339_utc(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 20 || b.len() > 40 || b[b.len() - 1] != b'Z' {
        return false;
    }
    let num = |r: core::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        if part.iter().all(u8::is_ascii_digit) {
            Some(part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
        } else {
            None
        }
    };
    let seps = b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':' && b[16] == b':';
    let fields = (
        num(0..4),
        num(5..7),
        num(8..10),
        num(11..13),
        num(14..16),
        num(17..19),
    );
    let (Some(_), Some(mo), Some(d), Some(h), Some(mi), Some(se)) = fields else {
        return false;
    };
    let frac = &b[19..b.len() - 1];
    let frac_ok = frac.is_empty()
        || (frac.len() >= 2 && frac[0] == b'.' && frac[1..].iter().all(u8::is_ascii_digit));
    seps && (1..=12).contains(&mo)
        && (1..=31).contains(&d)
        && h < 24
        && mi < 60
        && se <= 60
        && frac_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::seal;

    fn code<T>(r: Result<T>) -> &'static str {
        match r {
            Ok(_) => "OK",
            Err(e) => e.code(),
        }
    }

    #[test]
    fn parse_round_trip_and_errors() {
        let (a, b) = (
            PrivateKey::generate().unwrap(),
            PrivateKey::generate().unwrap(),
        );
        let mut ring = Keyring::new();
        ring.add(a.clone(), Some("2026-12-01T07:30:00Z".into()))
            .unwrap();
        ring.add(b.clone(), None).unwrap();
        let text = ring.to_json();
        let back = Keyring::parse(&text).unwrap();
        let listed: Vec<(String, Option<&str>)> = back.iter().map(|(k, c)| (k.kid(), c)).collect();
        assert_eq!(
            listed,
            [(a.kid(), Some("2026-12-01T07:30:00Z")), (b.kid(), None)]
        );
        let jwks = crate::Jwks::from_json(&back.public_jwks()).unwrap();
        assert_eq!(jwks.keys.len(), 2);
        assert!(jwks.keys.iter().all(|k| k.d.is_none()));
        assert!(!back.public_jwks().contains("\"d\""));
        assert!(!format!("{back:?}").contains(a.to_jwk().d.unwrap().expose()));

        // One key: a private JWK or a PEM.
        assert_eq!(Keyring::parse(&a.to_jwk().to_json()).unwrap().len(), 1);
        assert_eq!(Keyring::parse(&a.to_pkcs8_pem()).unwrap().len(), 1);

        let ja = a.to_jwk().to_json();
        let pa = a.public_key().to_jwk().to_json();
        assert_eq!(code(ring.add(a.clone(), None)), "DUPLICATE_KID");
        assert_eq!(
            code(Keyring::from_keys([a.clone(), a.clone()])),
            "DUPLICATE_KID"
        );
        assert_eq!(
            code(Keyring::parse(&format!("{{\"keys\":[{},{}]}}", *ja, *ja))),
            "DUPLICATE_KID"
        );
        assert_eq!(code(Keyring::parse(&pa)), "NOT_PRIVATE_KEY");
        assert_eq!(
            code(Keyring::parse(&format!("{{\"keys\":[{}]}}", *pa))),
            "NOT_PRIVATE_KEY"
        );
        assert_eq!(
            code(Keyring::parse(&a.public_key().to_spki_pem())),
            "NOT_PRIVATE_KEY"
        );
        let e = Keyring::parse(&format!("{{\"keys\":[{},{{\"d\":7}}]}}", *ja)).unwrap_err();
        assert_eq!(e.code(), "INVALID_KEY");
        assert!(e.to_string().contains("keys[1]"), "{e}");
        assert_eq!(
            code(ring.add(b.clone(), Some("now".into()))),
            "DUPLICATE_KID"
        );
        let mut other = Keyring::new();
        assert_eq!(
            code(other.add(a.clone(), Some("now".into()))),
            "INVALID_KEY"
        );
        assert_eq!(
            code(other.merge(Keyring::from_keys([b.clone()]).unwrap())),
            "OK"
        );
        assert_eq!(
            code(other.merge(Keyring::from_keys([b.clone()]).unwrap())),
            "DUPLICATE_KID"
        );
        assert_eq!(other.len(), 1);
    }

    #[test]
    fn each_envelope_opens_with_its_key() {
        let (a, b, c) = (
            PrivateKey::generate().unwrap(),
            PrivateKey::generate().unwrap(),
            PrivateKey::generate().unwrap(),
        );
        let ctx = Context::new("f", "x").unwrap();
        let ring = Keyring::from_keys([a.clone(), b.clone()]).unwrap();
        let envs: Vec<String> = (0..40)
            .map(|i| {
                let key = [&a, &b, &c][i % 3];
                seal(key.public_key(), &[i as u8], &ctx).unwrap()
            })
            .collect();
        let refs: Vec<&str> = envs.iter().map(String::as_str).collect();
        let results = ring.open_batch(&refs, Some(&ctx));
        for (i, r) in results.iter().enumerate() {
            match i % 3 {
                2 => assert_eq!(r.as_ref().unwrap_err(), &Error::KeyNotFound(c.kid())),
                k => {
                    let o = r.as_ref().unwrap();
                    assert_eq!(o.plaintext, [i as u8]);
                    assert_eq!(o.kid, [&a, &b][k].kid());
                }
            }
        }
        assert_eq!(code(ring.open("garbage", None)), "MALFORMED_ENVELOPE");
        let mut only_b = Keyring::from_keys([a.clone(), b.clone()]).unwrap();
        only_b.retain_kid(&b.kid()).unwrap();
        assert_eq!(code(only_b.open(&envs[0], None)), "KEY_NOT_FOUND");
        assert_eq!(only_b.open(&envs[1], None).unwrap().plaintext, [1]);
        assert_eq!(code(only_b.retain_kid(&a.kid())), "KEY_NOT_FOUND");
        assert_eq!(code(only_b.remove(&a.kid())), "KEY_NOT_FOUND");
        assert_eq!(only_b.remove(&b.kid()).unwrap().kid(), b.kid());
        assert!(only_b.is_empty());
    }

    #[test]
    fn rfc3339_utc() {
        for ok in [
            "2026-12-01T07:30:00Z",
            "1999-01-31T23:59:60Z",
            "2026-12-01T07:30:00.123Z",
        ] {
            assert!(is_rfc3339_utc(ok), "{ok}");
        }
        for bad in [
            "",
            "2026-12-01",
            "2026-12-01T07:30:00",
            "2026-12-01T07:30:00+00:00",
            "2026-13-01T07:30:00Z",
            "2026-12-00T07:30:00Z",
            "2026-12-01T24:30:00Z",
            "2026-12-01 07:30:00Z",
            "2026-12-01T07:30:00.Z",
            "2026-12-01T07:30:0xZ",
            "2026-12-01T07:30:00\"Z",
            "２026-12-01T07:30:00Z",
        ] {
            assert!(!is_rfc3339_utc(bad), "{bad}");
        }
    }
}
