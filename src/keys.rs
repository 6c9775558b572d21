//! P-256 keys: generation, JWK / JWKS, SPKI and PKCS#8 (DER and PEM), SEC1,
//! and the RFC 7638 thumbprint used as key id (`kid`).

use base64ct::{Base64UrlUnpadded, Encoding};
use core::fmt;
use p256::elliptic_curve::sec1::ToSec1Point;
use p256::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePublicKey, LineEnding};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::envelope::ENC_LEN;
use crate::error::{Error, Result};
use crate::json::{self, JsonReader};

/// Length of a raw key id (SHA-256 output).
pub const KID_LEN: usize = 32;

/// The secret `d` member of a JWK. Zeroized on drop, redacted in `Debug`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct JwkSecret(Zeroizing<String>);

impl JwkSecret {
    /// Wrap a base64url-encoded scalar.
    pub fn new(d: String) -> Self {
        JwkSecret(Zeroizing::new(d))
    }
    /// The base64url text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for JwkSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JwkSecret([redacted])")
    }
}

impl Serialize for JwkSecret {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for JwkSecret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        String::deserialize(d).map(JwkSecret::new)
    }
}

/// A JSON Web Key (RFC 7517) as it crosses API boundaries.
///
/// Every member is optional here so that a missing member is reported by
/// [`PublicKey::from_jwk`] / [`PrivateKey::from_jwk`] with a specific message.
/// Unknown members are ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    /// Key type; must be `"EC"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kty: Option<String>,
    /// Curve; must be `"P-256"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    /// Affine x, base64url (32 bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// Affine y, base64url (32 bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    /// Private scalar, base64url (32 bytes); private keys only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub d: Option<JwkSecret>,
    /// Key id: the RFC 7638 SHA-256 thumbprint, base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// Intended use (`"enc"`).
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
    /// Algorithm hint; slice-seal writes `"HPKE-P256-SHA256-A256GCM"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
}

/// The `alg` value slice-seal writes into the JWKs it exports.
pub const JWK_ALG: &str = "HPKE-P256-SHA256-A256GCM";

impl Jwk {
    /// Parse a JWK from JSON text.
    #[cfg(feature = "json")]
    pub fn from_json(json: &str) -> Result<Jwk> {
        json::jwk_from_json(json)
    }

    /// Serialize as compact JSON. For a private JWK the result holds the
    /// secret: it is returned zeroize-on-drop.
    pub fn to_json(&self) -> Zeroizing<String> {
        // The public members go through `crate::json`; `d` is appended by hand
        // into a buffer sized up front, so no reallocation ever frees an
        // unzeroized copy of the secret.
        let public = Jwk {
            d: None,
            ..self.clone()
        };
        let json = json::public_jwk_json(&public);
        let Some(d) = &self.d else {
            return Zeroizing::new(json);
        };
        let d = d.expose();
        let head = json.strip_suffix('}').unwrap_or("{");
        let mut out = Zeroizing::new(String::with_capacity(head.len() + 8 + 6 * d.len()));
        out.push_str(head);
        if head.len() > 1 {
            out.push(',');
        }
        out.push_str("\"d\":");
        push_json_str(&mut out, d);
        out.push('}');
        out
    }
}

/// Append `s` as a JSON string literal, escaped as serde_json and
/// `JSON.stringify` do (`"`, `\\`, control characters; nothing else).
pub(crate) fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A JWK Set (RFC 7517 §5).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwks {
    /// The keys of the set.
    pub keys: Vec<Jwk>,
}

impl Jwks {
    /// Parse a JWKS from JSON text.
    #[cfg(feature = "json")]
    pub fn from_json(json: &str) -> Result<Jwks> {
        json::jwks_from_json(json)
    }

    /// Compact JSON.
    pub fn to_json(&self) -> String {
        json::jwks_to_json(self)
    }

    /// A set holding one public key.
    pub fn from_public(key: &PublicKey) -> Jwks {
        Jwks {
            keys: vec![key.to_jwk()],
        }
    }

    /// The public key whose `kid` (or, for keys without one, whose thumbprint)
    /// is `kid`. A key that claims the kid but is invalid is an error, not
    /// skipped.
    pub fn find(&self, kid: &str) -> Result<PublicKey> {
        for jwk in &self.keys {
            match &jwk.kid {
                Some(k) if k == kid => return PublicKey::from_jwk(jwk),
                Some(_) => continue,
                None => {
                    if let Ok(pk) = PublicKey::from_jwk(jwk)
                        && pk.kid() == kid
                    {
                        return Ok(pk);
                    }
                }
            }
        }
        Err(Error::KeyNotFound(kid.to_owned()))
    }

    /// The only key of a one-key set.
    pub fn single(&self) -> Result<PublicKey> {
        match self.keys.as_slice() {
            [one] => PublicKey::from_jwk(one),
            [] => Err(Error::key("JWKS is empty")),
            _ => Err(Error::key("JWKS holds several keys: choose one by kid")),
        }
    }
}

fn b64_32(name: &str, value: Option<&str>) -> Result<Zeroizing<[u8; 32]>> {
    // Messages joined without `format!` (the lean module's path, as in
    // context.rs).
    let fail = |a: &str, b: &str| Error::key([a, name, b].concat());
    let text = value.ok_or_else(|| fail("JWK has no \"", "\""))?;
    let mut out = Zeroizing::new([0u8; 32]);
    match Base64UrlUnpadded::decode(text, out.as_mut()) {
        Ok(b) if b.len() == 32 => Ok(out),
        Ok(_) | Err(base64ct::Error::InvalidLength) => {
            Err(fail("JWK \"", "\" must be 32 bytes of base64url"))
        }
        Err(_) => Err(fail("JWK \"", "\" is not unpadded base64url")),
    }
}

fn check_kty_crv(jwk: &Jwk) -> Result<()> {
    match jwk.kty.as_deref() {
        Some("EC") => {}
        None => return Err(Error::key("JWK has no \"kty\"")),
        Some(_) => return Err(Error::key("JWK \"kty\" must be \"EC\"")),
    }
    match jwk.crv.as_deref() {
        Some("P-256") => Ok(()),
        None => Err(Error::key("JWK has no \"crv\"")),
        Some(_) => Err(Error::key("JWK \"crv\" must be \"P-256\"")),
    }
}

/// A recipient's P-256 public key, validated, with its key id.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    point: p256::PublicKey,
    kid: [u8; KID_LEN],
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("kid", &self.kid())
            .finish()
    }
}

impl PublicKey {
    fn from_point(point: p256::PublicKey) -> Self {
        let kid = thumbprint_of(&point);
        PublicKey { point, kid }
    }

    /// Import a JWK (`kty` EC, `crv` P-256, `x`, `y`). A `d` member is
    /// ignored. If the JWK has a `kid`, it must equal the key's RFC 7638
    /// thumbprint ([`Error::KidMismatch`] otherwise).
    pub fn from_jwk(jwk: &Jwk) -> Result<Self> {
        let sec1 = jwk_sec1(jwk)?;
        let point = p256::PublicKey::from_sec1_bytes(&sec1)
            .map_err(|_| Error::key("JWK x/y is not a point on the P-256 curve"))?;
        let key = Self::from_point(point);
        if let Some(kid) = &jwk.kid {
            key.check_kid(kid)?;
        }
        Ok(key)
    }

    /// Import a JWK from JSON text.
    #[cfg(feature = "json")]
    pub fn from_jwk_json(json: &str) -> Result<Self> {
        Self::from_jwk(&Jwk::from_json(json)?)
    }

    /// Import a SEC1 point, compressed (33 bytes) or uncompressed (65 bytes).
    pub fn from_sec1(bytes: &[u8]) -> Result<Self> {
        match bytes.first() {
            None => return Err(Error::key("SEC1 point is empty")),
            Some(0x00) => return Err(Error::key("the point at infinity is not a key")),
            Some(0x02 | 0x03) if bytes.len() == 33 => {}
            Some(0x04) if bytes.len() == 65 => {}
            Some(0x02..=0x04) => {
                return Err(Error::key(
                    "SEC1 point must be 33 bytes (compressed) or 65 bytes (uncompressed)",
                ));
            }
            Some(_) => return Err(Error::key("SEC1 point has an unknown tag byte")),
        }
        let point = p256::PublicKey::from_sec1_bytes(bytes)
            .map_err(|_| Error::key("SEC1 point is not on the P-256 curve"))?;
        Ok(Self::from_point(point))
    }

    /// Import a DER SubjectPublicKeyInfo (id-ecPublicKey, prime256v1).
    pub fn from_spki_der(der: &[u8]) -> Result<Self> {
        let point = p256::PublicKey::from_public_key_der(der)
            .map_err(|_| Error::key("not a P-256 SubjectPublicKeyInfo (DER)"))?;
        Ok(Self::from_point(point))
    }

    /// Import a PEM `PUBLIC KEY` (SPKI).
    pub fn from_spki_pem(pem: &str) -> Result<Self> {
        let point = p256::PublicKey::from_public_key_pem(pem.trim())
            .map_err(|_| Error::key("not a P-256 \"PUBLIC KEY\" PEM (SPKI)"))?;
        Ok(Self::from_point(point))
    }

    /// Import from text, detecting the form: PEM (`-----BEGIN PUBLIC KEY-----`),
    /// a JWKS holding exactly one key, or a JWK.
    #[cfg(feature = "json")]
    pub fn parse(text: &str) -> Result<Self> {
        Self::parse_with(text, &json::SerdeJson)
    }

    /// `PublicKey::parse` (the `json` feature) with JSON read by `json`.
    pub fn parse_with(text: &str, json: &impl JsonReader) -> Result<Self> {
        let t = text.trim_start();
        if t.starts_with("-----BEGIN") {
            Self::from_spki_pem(t)
        } else if t.starts_with('{') {
            if json.is_jwks(t) {
                json.jwks(t)?.single()
            } else {
                Self::from_jwk(&json.jwk(t)?)
            }
        } else {
            Err(Error::key("expected a JWK, a JWKS or a PEM public key"))
        }
    }

    /// Export as a JWK with `kid`, `use` = `enc` and `alg`.
    pub fn to_jwk(&self) -> Jwk {
        let p = self.point.as_affine().to_sec1_point(false);
        let b = p.as_bytes();
        Jwk {
            kty: Some("EC".into()),
            crv: Some("P-256".into()),
            x: Some(Base64UrlUnpadded::encode_string(&b[1..33])),
            y: Some(Base64UrlUnpadded::encode_string(&b[33..65])),
            d: None,
            kid: Some(self.kid()),
            use_: Some("enc".into()),
            alg: Some(JWK_ALG.into()),
        }
    }

    /// SEC1 encoding, compressed (33 bytes) or uncompressed (65 bytes).
    pub fn to_sec1(&self, compressed: bool) -> Vec<u8> {
        self.point
            .as_affine()
            .to_sec1_point(compressed)
            .as_bytes()
            .to_vec()
    }

    /// The uncompressed SEC1 point (65 bytes): `pkRm` in RFC 9180's key schedule.
    pub(crate) fn uncompressed(&self) -> [u8; ENC_LEN] {
        crate::prepared::encode(self.point.as_affine())
    }

    /// DER SubjectPublicKeyInfo.
    pub fn to_spki_der(&self) -> Vec<u8> {
        self.point
            .to_public_key_der()
            .map(|d| d.as_bytes().to_vec())
            .unwrap_or_default()
    }

    /// PEM `PUBLIC KEY` (SPKI), LF line endings.
    pub fn to_spki_pem(&self) -> String {
        self.point
            .to_public_key_pem(LineEnding::LF)
            .unwrap_or_default()
    }

    /// The key id: RFC 7638 JWK thumbprint (SHA-256), base64url.
    pub fn kid(&self) -> String {
        Base64UrlUnpadded::encode_string(&self.kid)
    }

    /// The raw 32-byte thumbprint.
    pub fn kid_bytes(&self) -> &[u8; KID_LEN] {
        &self.kid
    }

    /// `Ok` if this key's kid is `expected`, else [`Error::KidMismatch`].
    pub fn check_kid(&self, expected: &str) -> Result<()> {
        let kid = self.kid();
        if kid == expected {
            Ok(())
        } else {
            Err(Error::KidMismatch {
                expected: expected.to_owned(),
                found: kid,
            })
        }
    }

    pub(crate) fn point(&self) -> &p256::PublicKey {
        &self.point
    }
}

fn thumbprint_of(point: &p256::PublicKey) -> [u8; KID_LEN] {
    let p = point.as_affine().to_sec1_point(false);
    thumbprint_of_sec1(p.as_bytes())
}

/// The RFC 7638 thumbprint of an uncompressed SEC1 point's x and y.
fn thumbprint_of_sec1(b: &[u8]) -> [u8; KID_LEN] {
    // RFC 7638 §3.2: required members in lexicographic order, no white space.
    let json = [
        "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"",
        &Base64UrlUnpadded::encode_string(&b[1..33]),
        "\",\"y\":\"",
        &Base64UrlUnpadded::encode_string(&b[33..65]),
        "\"}",
    ]
    .concat();
    Sha256::digest(json.as_bytes()).into()
}

/// A public JWK's uncompressed SEC1 point and thumbprint, with every check
/// of [`PublicKey::from_jwk`] (and in its order) except that the point is on
/// the curve: for a caller that checks that itself (WebCrypto's `importKey`
/// in the lean browser module), without P-256 arithmetic.
/// A public JWK's `kty`/`crv` checked and its `x`/`y` as an uncompressed
/// SEC1 point (not yet checked to be on the curve).
fn jwk_sec1(jwk: &Jwk) -> Result<[u8; 65]> {
    check_kty_crv(jwk)?;
    let x = b64_32("x", jwk.x.as_deref())?;
    let y = b64_32("y", jwk.y.as_deref())?;
    let mut sec1 = [0u8; 65];
    sec1[0] = 0x04;
    sec1[1..33].copy_from_slice(x.as_ref());
    sec1[33..].copy_from_slice(y.as_ref());
    Ok(sec1)
}

pub(crate) fn jwk_point_unchecked(jwk: &Jwk) -> Result<([u8; 65], [u8; KID_LEN])> {
    let sec1 = jwk_sec1(jwk)?;
    let kid = thumbprint_of_sec1(&sec1);
    if let Some(expected) = &jwk.kid {
        let found = Base64UrlUnpadded::encode_string(&kid);
        if &found != expected {
            return Err(Error::KidMismatch {
                expected: expected.clone(),
                found,
            });
        }
    }
    Ok((sec1, kid))
}

/// The RFC 7638 thumbprint (SHA-256, base64url) of a public JWK, after
/// validating it as a P-256 key.
pub fn thumbprint(jwk: &Jwk) -> Result<String> {
    let mut j = jwk.clone();
    j.kid = None;
    j.d = None;
    Ok(PublicKey::from_jwk(&j)?.kid())
}

/// A recipient's P-256 private key. The scalar is zeroized on drop.
#[derive(Clone)]
pub struct PrivateKey {
    secret: p256::SecretKey,
    public: PublicKey,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("kid", &self.public.kid())
            .finish_non_exhaustive()
    }
}

impl PrivateKey {
    /// A new random key from the platform RNG.
    pub fn generate() -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        // Rejection sampling: a uniformly random 256-bit string is outside
        // [1, n) with probability < 2^-32, so 16 tries fail only if the RNG is broken.
        for _ in 0..16 {
            crate::rng::fill(bytes.as_mut())?;
            if let Ok(k) = Self::from_bytes(bytes.as_ref()) {
                return Ok(k);
            }
        }
        Err(Error::RandomFailed)
    }

    /// Import a raw big-endian scalar of exactly 32 bytes in `[1, n)`.
    pub fn from_bytes(scalar: &[u8]) -> Result<Self> {
        if scalar.len() != 32 {
            return Err(Error::key("private scalar must be 32 bytes"));
        }
        let secret = p256::SecretKey::from_slice(scalar)
            .map_err(|_| Error::key("private scalar is zero or not below the group order"))?;
        Self::from_secret(secret)
    }

    fn from_secret(secret: p256::SecretKey) -> Result<Self> {
        // d·G with the crate's generator table (src/prepared.rs); d is
        // non-zero, so the point is never the identity.
        let point = crate::prepared::mul_by_generator(&secret.to_nonzero_scalar()).to_affine();
        let public = p256::PublicKey::from_affine(point)
            .map_err(|_| Error::key("private scalar gives the identity"))?;
        let public = PublicKey::from_point(public);
        Ok(PrivateKey { secret, public })
    }

    /// Import a private JWK (`d` with its `x`, `y`). `x`/`y` must belong to
    /// `d`, and a `kid`, if present, must be the thumbprint.
    pub fn from_jwk(jwk: &Jwk) -> Result<Self> {
        check_kty_crv(jwk)?;
        let d = jwk
            .d
            .as_ref()
            .ok_or_else(|| Error::key("JWK has no \"d\": it is a public key"))?;
        let scalar = b64_32("d", Some(d.expose()))?;
        let key = Self::from_bytes(scalar.as_ref())?;
        let mut public = jwk.clone();
        public.d = None;
        let claimed = PublicKey::from_jwk(&public)?;
        if claimed != key.public {
            return Err(Error::key("JWK x/y do not belong to its d"));
        }
        Ok(key)
    }

    /// Import a private JWK from JSON text.
    #[cfg(feature = "json")]
    pub fn from_jwk_json(json: &str) -> Result<Self> {
        Self::from_jwk(&Jwk::from_json(json)?)
    }

    /// Import PKCS#8 DER (`PRIVATE KEY`).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self> {
        let secret = p256::SecretKey::from_pkcs8_der(der)
            .map_err(|_| Error::key("not a P-256 PKCS#8 private key (DER)"))?;
        Self::from_secret(secret)
    }

    /// Import a PEM `PRIVATE KEY` (PKCS#8) or `EC PRIVATE KEY` (SEC1).
    pub fn from_pem(pem: &str) -> Result<Self> {
        let pem = pem.trim();
        let secret = if pem.starts_with("-----BEGIN EC PRIVATE KEY-----") {
            p256::SecretKey::from_sec1_pem(pem)
                .map_err(|_| Error::key("not a P-256 \"EC PRIVATE KEY\" PEM"))?
        } else {
            p256::SecretKey::from_pkcs8_pem(pem)
                .map_err(|_| Error::key("not a P-256 \"PRIVATE KEY\" PEM (PKCS#8)"))?
        };
        Self::from_secret(secret)
    }

    /// Import from text: PEM, or a private JWK.
    #[cfg(feature = "json")]
    pub fn parse(text: &str) -> Result<Self> {
        Self::parse_with(text, &json::SerdeJson)
    }

    /// `PrivateKey::parse` (the `json` feature) with JSON read by `json`.
    pub fn parse_with(text: &str, json: &impl JsonReader) -> Result<Self> {
        let t = text.trim_start();
        if t.starts_with("-----BEGIN") {
            Self::from_pem(t)
        } else if t.starts_with('{') {
            Self::from_jwk(&json.jwk(t)?)
        } else {
            Err(Error::key("expected a private JWK or a PEM private key"))
        }
    }

    /// The private JWK (with `d`, `kid`, `use`, `alg`).
    pub fn to_jwk(&self) -> Jwk {
        let mut jwk = self.public.to_jwk();
        let d = Zeroizing::new(self.secret.to_bytes());
        jwk.d = Some(JwkSecret::new(Base64UrlUnpadded::encode_string(d.as_ref())));
        jwk
    }

    /// PKCS#8 PEM (`PRIVATE KEY`), LF line endings.
    pub fn to_pkcs8_pem(&self) -> Zeroizing<String> {
        self.pkcs8_document()
            .and_then(|doc| doc.to_pem("PRIVATE KEY", LineEnding::LF))
            .unwrap_or_else(|_| Zeroizing::new(String::new()))
    }

    /// PKCS#8 DER, zeroized on drop (for WebCrypto's `importKey("pkcs8", …)`).
    #[cfg_attr(not(feature = "hazmat"), allow(dead_code))]
    pub(crate) fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>> {
        self.pkcs8_document()
            .map(|doc| Zeroizing::new(doc.as_bytes().to_vec()))
            .map_err(|_| Error::key("cannot encode the private key as PKCS#8"))
    }

    /// RFC 5958 `PrivateKeyInfo` holding the RFC 5915 `ECPrivateKey` (with the
    /// public key), as p256's encoder writes it (`private_key_encodings_match_p256`
    /// checks the bytes) but with the public key this key already holds: p256's
    /// encoder recomputes `d·G`, which the wasm build does without a table.
    fn pkcs8_document(
        &self,
    ) -> core::result::Result<p256::pkcs8::der::SecretDocument, p256::pkcs8::der::Error> {
        use p256::elliptic_curve::ALGORITHM_OID;
        use p256::pkcs8::der::{Encode, SecretDocument, asn1::OctetStringRef};
        use p256::pkcs8::{AlgorithmIdentifierRef, AssociatedOid, PrivateKeyInfoRef};
        let d = Zeroizing::new(self.secret.to_bytes());
        let public = self.public.uncompressed();
        let ec = Zeroizing::new(
            sec1::EcPrivateKey {
                private_key: &d,
                parameters: None,
                public_key: Some(&public),
            }
            .to_der()?,
        );
        let algorithm = AlgorithmIdentifierRef {
            oid: ALGORITHM_OID,
            parameters: Some((&p256::NistP256::OID).into()),
        };
        SecretDocument::encode_msg(&PrivateKeyInfoRef::new(
            algorithm,
            OctetStringRef::new(&ec)?,
        ))
    }

    /// The matching public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The key id of the public key.
    pub fn kid(&self) -> String {
        self.public.kid()
    }

    pub(crate) fn secret(&self) -> &p256::SecretKey {
        &self.secret
    }
}

#[cfg(test)]
mod tests {
    /// The JSON string writer (the wasm build's JWK/JWKS JSON and the form's
    /// multi-value answers) escapes exactly as serde_json does.
    #[test]
    fn json_strings_match_serde_json() {
        let mut cases: Vec<String> = [
            "",
            "plain",
            "quote \" and \\ backslash",
            "tab\tnew\nline\rret",
            "\u{8}\u{c}\u{0}\u{1f}\u{7f}",
            "Zoë Ōkubo 👩‍💻",
            "</script>",
            "\u{2028}\u{2029}",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        cases.push((0u8..0x80).map(char::from).collect());
        for s in &cases {
            let mut ours = String::new();
            super::push_json_str(&mut ours, s);
            assert_eq!(ours, serde_json::to_string(s).unwrap(), "{s:?}");
            assert_eq!(serde_json::from_str::<String>(&ours).unwrap(), *s);
        }
    }
}
