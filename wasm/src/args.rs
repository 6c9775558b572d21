//! Every JS argument the API takes, read in one place: keys (JWK/JWKS
//! objects or text, PEM, SEC1 bytes), contexts, plaintexts, envelopes,
//! options and building-block inputs. JWK and JWKS text is parsed by the
//! host's `JSON.parse` and then read by the same object reader as a JWK
//! object (so the core's key-text parsers, through [`HostJson`], and the
//! object inputs follow one set of rules).
//!
//! Inputs are read by hand with `js-sys` rather than deserialized blindly, so
//! that:
//! * a value of the wrong JS type is an `INVALID_ARGUMENT` error naming the
//!   argument, never a wasm trap;
//! * no input is copied into wasm memory before its size is checked (a huge
//!   string or array could otherwise exhaust the 4 GiB address space, which
//!   aborts the module);
//! * secret inputs (plaintexts, private keys) are zeroized once used.

use js_sys::{Array, JSON, JsString, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use zeroize::Zeroizing;

use crate::errors::{JsErr, JsResult, arg_error, core_error};
use slice_seal::hazmat::{self, MAX_ENVELOPE_LEN};
use slice_seal::{
    Context, Error, HybridPrivateKey, HybridPublicKey, JsonReader, Jwk, JwkSecret, Jwks,
    MAX_CONTEXT_LEN, MAX_PLAINTEXT, PrivateKey, PublicKey,
};

/// Longest key text (PEM, JWK or JWKS JSON) accepted, in UTF-16 code units.
const MAX_KEY_TEXT: u32 = 1 << 20;
/// Longest string member of a JWK object.
const MAX_JWK_MEMBER: u32 = 4096;
/// Most keys read from a JWKS.
const MAX_JWKS_KEYS: u32 = 1024;
/// Longest SEC1 input inspected (a real one is 33 or 65 bytes).
const MAX_SEC1: u32 = 1024;
/// Largest byte input of a building block in `primitives` (16 MiB).
const MAX_PRIMITIVE_INPUT: u32 = 16 << 20;

/// Why a value could not be read: a JS-level argument problem
/// (`INVALID_ARGUMENT`) or a core error (e.g. `INVALID_KEY`).
pub(crate) enum Bad {
    Arg(String),
    Core(Error),
}

impl From<Error> for Bad {
    fn from(e: Error) -> Self {
        Bad::Core(e)
    }
}

impl From<Bad> for JsValue {
    fn from(b: Bad) -> JsValue {
        match b {
            Bad::Arg(m) => arg_error(&m),
            Bad::Core(e) => core_error(e),
        }
    }
}

impl Bad {
    /// As a core error: for key text, everything wrong is `INVALID_KEY`.
    fn into_key_error(self) -> Error {
        match self {
            Bad::Arg(m) => hazmat::key_error(m),
            Bad::Core(e) => e,
        }
    }
}

type Read<T> = Result<T, Bad>;

// ---------------------------------------------------------------- JS values

pub(crate) fn get(obj: &JsValue, key: &str, what: &str) -> JsResult<JsValue> {
    read_member(obj, key, what).map_err(JsValue::from)
}

fn read_member(obj: &JsValue, key: &str, what: &str) -> Read<JsValue> {
    Reflect::get(obj, &JsValue::from_str(key))
        .map_err(|_| Bad::Arg(format!("could not read {what}.{key}")))
}

fn has_member(obj: &JsValue, key: &str) -> Read<bool> {
    Reflect::has(obj, &JsValue::from_str(key))
        .map_err(|_| Bad::Arg(format!("could not read key.{key}")))
}

pub(crate) fn is_plain_object(v: &JsValue) -> bool {
    v.is_object() && !Array::is_array(v) && !v.is_instance_of::<Uint8Array>()
}

fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// A JS string, if `v` is one no longer than `max` UTF-16 code units;
/// `Ok(None)` if `v` is not a string; `Err(too_long())` if it is too long.
pub(crate) fn string_of<E>(
    v: &JsValue,
    max: u32,
    too_long: impl FnOnce() -> E,
) -> Result<Option<String>, E> {
    match v.dyn_ref::<JsString>() {
        None => Ok(None),
        Some(s) if s.length() > max => Err(too_long()),
        Some(_) => Ok(v.as_string()),
    }
}

/// A genuine `Uint8Array` copy of `v` if `v` is a `Uint8Array` (or a
/// subclass such as Node's `Buffer`). Copying in JS first makes the length
/// trustworthy (a subclass may override `length`).
fn uint8_array_of(v: &JsValue) -> Option<Uint8Array> {
    v.is_instance_of::<Uint8Array>().then(|| Uint8Array::new(v))
}

/// Copy a `Uint8Array` into a zeroize-on-drop buffer.
fn copy_bytes(a: &Uint8Array) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(vec![0u8; a.length() as usize]);
    a.copy_to(&mut out);
    out
}

// ---------------------------------------------------------------- bytes, text, envelopes

/// A byte argument of a building block: a `Uint8Array` of at most 16 MiB.
pub(crate) fn bytes_arg(v: &JsValue, name: &str) -> JsResult<Zeroizing<Vec<u8>>> {
    let a = uint8_array_of(v).ok_or_else(|| arg_error(&format!("{name} must be a Uint8Array")))?;
    if a.length() > MAX_PRIMITIVE_INPUT {
        return Err(hazmat::input_error(format!("{name} is larger than 16 MiB")).js_err());
    }
    Ok(copy_bytes(&a))
}

/// An optional byte argument: `undefined`/`null` is empty.
pub(crate) fn opt_bytes_arg(v: &JsValue, name: &str) -> JsResult<Zeroizing<Vec<u8>>> {
    if absent(v) {
        Ok(Zeroizing::new(Vec::new()))
    } else {
        bytes_arg(v, name)
    }
}

/// A plaintext: a string (sealed as its UTF-8 bytes) or a `Uint8Array`.
pub(crate) fn plaintext_arg(v: &JsValue) -> JsResult<Zeroizing<Vec<u8>>> {
    let too_big = || core_error(hazmat::input_error("plaintext is larger than 4 MiB"));
    if let Some(a) = uint8_array_of(v) {
        if a.length() as usize > MAX_PLAINTEXT {
            return Err(too_big());
        }
        return Ok(copy_bytes(&a));
    }
    // A string of n UTF-16 units has at least n UTF-8 bytes; the core checks
    // the exact limit after encoding.
    match string_of(v, MAX_PLAINTEXT as u32, too_big)? {
        Some(s) => Ok(Zeroizing::new(s.into_bytes())),
        None => Err(arg_error("plaintext must be a string or a Uint8Array")),
    }
}

/// A plaintext for the binary form (`sealBytesAsync`): the caller's own
/// `Uint8Array`, not copied (WebCrypto's `encrypt` reads it where it lies),
/// or a string's UTF-8, ours.
pub(crate) enum SealValue {
    /// The caller's bytes, as given; `len` its `byteLength` when given.
    Caller { bytes: Uint8Array, len: usize },
    /// A string's UTF-8 bytes, zeroized on drop.
    Owned(Zeroizing<Vec<u8>>),
}

impl SealValue {
    /// The plaintext length the checks are made on: for the caller's bytes
    /// their `byteLength` as it reads, which an object may fake, so they are
    /// checked again by what is sealed (the copy into wasm, or `encrypt`'s
    /// ciphertext).
    pub(crate) fn len(&self) -> usize {
        match self {
            SealValue::Caller { len, .. } => *len,
            SealValue::Owned(b) => b.len(),
        }
    }

    /// The bytes in wasm, for AES-GCM in wasm: a copy of the caller's, made
    /// as [`plaintext_arg`] makes it (a genuine `Uint8Array` first, whose
    /// length is the real one) and checked again by that length.
    pub(crate) fn to_wasm(&self) -> slice_seal::Result<Zeroizing<Vec<u8>>> {
        match self {
            SealValue::Caller { bytes, .. } => {
                let copy = Uint8Array::new(bytes);
                hazmat::check_plaintext(copy.length() as usize)?;
                Ok(copy_bytes(&copy))
            }
            SealValue::Owned(b) => Ok(b.clone()),
        }
    }
}

/// A plaintext as [`plaintext_arg`] reads it (same types, limits and
/// errors), a `Uint8Array` kept as the caller's.
pub(crate) fn seal_value_arg(v: &JsValue) -> JsResult<SealValue> {
    if v.is_instance_of::<Uint8Array>() {
        let bytes: Uint8Array = v.clone().unchecked_into();
        let len = bytes.byte_length() as usize;
        if len > MAX_PLAINTEXT {
            return Err(core_error(hazmat::input_error(
                "plaintext is larger than 4 MiB",
            )));
        }
        return Ok(SealValue::Caller { bytes, len });
    }
    plaintext_arg(v).map(SealValue::Owned)
}

/// An envelope for the openers: its text (`string`), or its binary body
/// (`Uint8Array`, docs/FORMAT.md "Binary form"), copied into wasm once its
/// length is checked.
pub(crate) enum EnvelopeIn {
    Text(String),
    Body(Vec<u8>),
}

impl EnvelopeIn {
    /// Parse the text or the body: the same checks in the same order after
    /// base64url decoding, so the same errors.
    pub(crate) fn parse(&self) -> slice_seal::Result<slice_seal::Envelope> {
        match self {
            EnvelopeIn::Text(t) => slice_seal::Envelope::parse(t),
            EnvelopeIn::Body(b) => slice_seal::Envelope::from_body(b),
        }
    }

    /// As `parse`, for the hybrid suite (`SUITE_MISMATCH` for a P-256 envelope).
    pub(crate) fn parse_hybrid(&self) -> slice_seal::Result<slice_seal::HybridEnvelope> {
        match self {
            EnvelopeIn::Text(t) => slice_seal::HybridEnvelope::parse(t),
            EnvelopeIn::Body(b) => slice_seal::HybridEnvelope::from_body(b),
        }
    }
}

/// Longest envelope body accepted: the body of the longest text accepted.
const MAX_BODY_LEN: usize = (MAX_ENVELOPE_LEN - 4) * 3 / 4;

/// An envelope argument of the openers: a string (the text) or a
/// `Uint8Array` (the binary body).
pub(crate) fn envelope_in_arg(v: &JsValue) -> JsResult<EnvelopeIn> {
    if let Some(a) = uint8_array_of(v) {
        if a.length() as usize > MAX_BODY_LEN {
            return Err(hazmat::envelope_error("longer than the largest slice").js_err());
        }
        let mut body = vec![0u8; a.length() as usize];
        a.copy_to(&mut body);
        return Ok(EnvelopeIn::Body(body));
    }
    string_of(v, MAX_ENVELOPE_LEN as u32, || {
        hazmat::envelope_error("longer than the largest slice").js_err()
    })?
    .map(EnvelopeIn::Text)
    .ok_or_else(|| arg_error("envelope must be a string or a Uint8Array"))
}

pub(crate) fn envelope_arg(v: &JsValue) -> JsResult<String> {
    string_of(v, MAX_ENVELOPE_LEN as u32, || {
        hazmat::envelope_error("longer than the largest slice").js_err()
    })?
    .ok_or_else(|| arg_error("envelope must be a string"))
}

// ---------------------------------------------------------------- keys

fn key_text_arg(v: &JsValue) -> JsResult<Option<Zeroizing<String>>> {
    Ok(string_of(v, MAX_KEY_TEXT, || {
        hazmat::key_error("key text is longer than 1 MiB").js_err()
    })?
    .map(Zeroizing::new))
}

/// An optional string member of a JWK object.
fn jwk_member(obj: &JsValue, name: &str) -> Read<Option<String>> {
    let v = read_member(obj, name, "JWK")?;
    if absent(&v) {
        return Ok(None);
    }
    string_of(&v, MAX_JWK_MEMBER, || {
        Bad::Core(hazmat::key_error(format!("JWK \"{name}\" is too long")))
    })?
    .map(Some)
    .ok_or_else(|| {
        Bad::Core(hazmat::key_error(format!(
            "JWK \"{name}\" must be a string"
        )))
    })
}

/// The one JWK reader: a JWK object (given, or from `JSON.parse`) member by
/// member; unknown members are ignored, `null` is absent.
fn jwk_from_object(obj: &JsValue) -> Read<Jwk> {
    if !is_plain_object(obj) {
        return Err(Bad::Core(hazmat::key_error("a JWK must be an object")));
    }
    Ok(Jwk {
        kty: jwk_member(obj, "kty")?,
        crv: jwk_member(obj, "crv")?,
        x: jwk_member(obj, "x")?,
        y: jwk_member(obj, "y")?,
        d: jwk_member(obj, "d")?.map(JwkSecret::new),
        kid: jwk_member(obj, "kid")?,
        use_: jwk_member(obj, "use")?,
        alg: jwk_member(obj, "alg")?,
    })
}

/// The one JWKS reader: `{keys: [...]}`, at most 1,024 JWK objects.
fn jwks_from_object(obj: &JsValue) -> Read<Jwks> {
    let keys = read_member(obj, "keys", "JWKS")?;
    if !Array::is_array(&keys) {
        return Err(Bad::Core(hazmat::key_error(
            "JWKS \"keys\" must be an array",
        )));
    }
    let keys: Array = keys.unchecked_into();
    if keys.length() > MAX_JWKS_KEYS {
        return Err(Bad::Core(hazmat::key_error(
            "JWKS holds more than 1024 keys",
        )));
    }
    let mut out = Vec::with_capacity(keys.length() as usize);
    for i in 0..keys.length() {
        let k = keys.get(i);
        if !is_plain_object(&k) {
            return Err(Bad::Core(hazmat::key_error(
                "every JWKS key must be a JWK object",
            )));
        }
        out.push(jwk_from_object(&k)?);
    }
    Ok(Jwks { keys: out })
}

/// `JSON.parse` of key text.
fn parse_json(json: &str, what: &str) -> slice_seal::Result<JsValue> {
    JSON::parse(json).map_err(|_| hazmat::key_error(format!("{what} is not valid JSON")))
}

/// Whether a parsed value is a JWKS (an object with a `keys` member).
fn is_jwks_value(v: &JsValue) -> Read<bool> {
    Ok(is_plain_object(v) && has_member(v, "keys")?)
}

/// The core's key-text parsers read JSON with this: the host's `JSON.parse`,
/// then the object readers above.
pub(crate) struct HostJson;

impl JsonReader for HostJson {
    fn jwk(&self, json: &str) -> slice_seal::Result<Jwk> {
        jwk_from_object(&parse_json(json, "JWK")?).map_err(Bad::into_key_error)
    }
    fn jwks(&self, json: &str) -> slice_seal::Result<Jwks> {
        let v = parse_json(json, "JWKS")?;
        if !is_jwks_value(&v).map_err(Bad::into_key_error)? {
            return Err(hazmat::key_error("JWKS has no \"keys\" array"));
        }
        jwks_from_object(&v).map_err(Bad::into_key_error)
    }
    fn is_jwks(&self, json: &str) -> bool {
        matches!(JSON::parse(json), Ok(v) if matches!(is_jwks_value(&v), Ok(true)))
    }
}

/// Choose a key from a set: by kid if given, else the only one.
fn from_jwks(set: &Jwks, kid: Option<&str>) -> JsResult<PublicKey> {
    Ok(match kid {
        Some(kid) => set.find(kid).js_err()?,
        None => set.single().js_err()?,
    })
}

/// A public key from any accepted input; with `kid`, a JWKS is searched for
/// it and any other input must have that thumbprint.
pub(crate) fn public_key_arg(v: &JsValue, kid: Option<&str>) -> JsResult<PublicKey> {
    let key = if let Some(text) = key_text_arg(v)? {
        let t = text.trim_start();
        if t.starts_with('{') && HostJson.is_jwks(t) {
            return from_jwks(&HostJson.jwks(t).js_err()?, kid);
        }
        PublicKey::parse_with(t, &HostJson).js_err()?
    } else if let Some(a) = uint8_array_of(v) {
        if a.length() > MAX_SEC1 {
            return Err(hazmat::key_error(
                "SEC1 point must be 33 bytes (compressed) or 65 bytes (uncompressed)",
            )
            .js_err());
        }
        PublicKey::from_sec1(&copy_bytes(&a)).js_err()?
    } else if is_plain_object(v) {
        if has_member(v, "keys")? {
            return from_jwks(&jwks_from_object(v)?, kid);
        }
        PublicKey::from_jwk(&jwk_from_object(v)?).js_err()?
    } else {
        return Err(arg_error(
            "public key must be a JWK or JWKS object, a PEM/JSON string or a SEC1 Uint8Array",
        ));
    };
    if let Some(kid) = kid {
        key.check_kid(kid).js_err()?;
    }
    Ok(key)
}

// ---------------------------------------------------------------- either suite

/// The members of an AKP JWK (docs/FORMAT.md §11) that are read; the key
/// itself is made in [`crate::hybrid`].
pub(crate) struct AkpJwk {
    pub(crate) alg: Option<String>,
    pub(crate) pub_: Option<String>,
    pub(crate) priv_: Option<Zeroizing<String>>,
    pub(crate) kid: Option<String>,
}

/// Whether `obj` (a plain object) is a JWK of `kty` "AKP" (a hybrid key).
fn is_akp(obj: &JsValue) -> Read<bool> {
    Ok(jwk_member(obj, "kty")?.as_deref() == Some(slice_seal::HYBRID_JWK_KTY))
}

fn akp_from_object(obj: &JsValue) -> Read<AkpJwk> {
    Ok(AkpJwk {
        alg: jwk_member(obj, "alg")?,
        pub_: jwk_member(obj, "pub")?,
        priv_: jwk_member(obj, "priv")?.map(Zeroizing::new),
        kid: jwk_member(obj, "kid")?,
    })
}

/// The AKP JWK `v` holds, if it holds one: a JWK object or its JSON text,
/// or (with `jwks`) the key of a JWKS that [`from_jwks`] would choose: the
/// only key, or with `kid` the first whose `kid` member is `kid` (a key
/// without one: whose thumbprint is `kid`). `None` for anything else, which
/// the P-256 readers then read (and refuse with their errors).
fn akp_of(v: &JsValue, kid: Option<&str>, jwks: bool) -> JsResult<Option<AkpJwk>> {
    let parsed;
    let obj = match key_text_arg(v)? {
        Some(text) if text.trim_start().starts_with('{') => match JSON::parse(&text) {
            Ok(p) => {
                parsed = p;
                &parsed
            }
            Err(_) => return Ok(None),
        },
        Some(_) => return Ok(None),
        None => v,
    };
    if !is_plain_object(obj) {
        return Ok(None);
    }
    if !has_member(obj, "keys")? {
        return Ok(if is_akp(obj)? {
            Some(akp_from_object(obj)?)
        } else {
            None
        });
    }
    let keys = read_member(obj, "keys", "JWKS")?;
    if !jwks || !Array::is_array(&keys) {
        return Ok(None);
    }
    let keys: Array = keys.unchecked_into();
    if keys.length() > MAX_JWKS_KEYS {
        return Ok(None);
    }
    let Some(kid) = kid else {
        let one = keys.get(0);
        let single = keys.length() == 1 && is_plain_object(&one) && is_akp(&one)?;
        return Ok(if single {
            Some(akp_from_object(&one)?)
        } else {
            None
        });
    };
    for k in keys.iter() {
        if !is_plain_object(&k) {
            return Ok(None);
        }
        let member = jwk_member(&k, "kid")?;
        if member.as_deref().is_some_and(|m| m != kid) {
            continue;
        }
        if !is_akp(&k)? {
            if member.is_some() {
                return Ok(None);
            }
            continue;
        }
        let akp = akp_from_object(&k)?;
        let chosen = member.is_some()
            || crate::hybrid::public_from_akp(&akp).is_ok_and(|pk| pk.kid() == kid);
        if chosen {
            return Ok(Some(akp));
        }
    }
    Ok(None)
}

/// A recipient key of either suite, by the key: AKP keys are hybrid
/// (MLKEM768-X25519), everything else is read by [`public_key_arg`].
pub(crate) enum AnyPublicKey {
    P256(PublicKey),
    Hybrid(Box<HybridPublicKey>),
}

impl AnyPublicKey {
    pub(crate) fn kid(&self) -> String {
        match self {
            AnyPublicKey::P256(k) => k.kid(),
            AnyPublicKey::Hybrid(k) => k.kid(),
        }
    }
}

/// A public key of either suite from any accepted input (`kid` as in
/// [`public_key_arg`]).
pub(crate) fn any_public_key_arg(v: &JsValue, kid: Option<&str>) -> JsResult<AnyPublicKey> {
    match akp_of(v, kid, true)? {
        Some(akp) => {
            let key = crate::hybrid::public_from_akp(&akp).js_err()?;
            if let Some(kid) = kid {
                key.check_kid(kid).js_err()?;
            }
            Ok(AnyPublicKey::Hybrid(Box::new(key)))
        }
        None => public_key_arg(v, kid).map(AnyPublicKey::P256),
    }
}

/// A private key of either suite: a private AKP JWK (object or JSON) is
/// hybrid, everything else is read by [`private_key_arg`].
pub(crate) enum AnyPrivateKey {
    P256(PrivateKey),
    Hybrid(Box<HybridPrivateKey>),
}

pub(crate) fn any_private_key_arg(v: &JsValue) -> JsResult<AnyPrivateKey> {
    match akp_of(v, None, false)? {
        Some(akp) => Ok(AnyPrivateKey::Hybrid(Box::new(
            crate::hybrid::private_from_akp(&akp).js_err()?,
        ))),
        None => private_key_arg(v).map(AnyPrivateKey::P256),
    }
}

/// An AKP JWK object or its JSON text (for `thumbprint`), if `v` is one.
pub(crate) fn akp_jwk_arg(v: &JsValue) -> JsResult<Option<AkpJwk>> {
    akp_of(v, None, false)
}

/// A private key: a private JWK object, or its JSON, or PEM.
pub(crate) fn private_key_arg(v: &JsValue) -> JsResult<PrivateKey> {
    if let Some(text) = key_text_arg(v)? {
        Ok(PrivateKey::parse_with(&text, &HostJson).js_err()?)
    } else if is_plain_object(v) {
        Ok(PrivateKey::from_jwk(&jwk_from_object(v)?).js_err()?)
    } else {
        Err(arg_error(
            "private key must be a private JWK object or a PEM/JSON string",
        ))
    }
}

/// A JWK object or its JSON text (for `thumbprint`).
pub(crate) fn jwk_arg(v: &JsValue) -> JsResult<Jwk> {
    if let Some(text) = key_text_arg(v)? {
        HostJson.jwk(&text).js_err()
    } else if is_plain_object(v) {
        Ok(jwk_from_object(v)?)
    } else {
        Err(arg_error("jwk must be a JWK object or its JSON text"))
    }
}

// ---------------------------------------------------------------- contexts

fn context_member(obj: &JsValue, name: &str, what: &str) -> JsResult<Option<String>> {
    let v = get(obj, name, "context")?;
    if absent(&v) {
        return Ok(None);
    }
    // Longer than 256 UTF-16 units means longer than 256 UTF-8 bytes.
    string_of(&v, MAX_CONTEXT_LEN as u32, || {
        hazmat::context_error(format!("{what} is longer than {MAX_CONTEXT_LEN} bytes")).js_err()
    })?
    .map(Some)
    .ok_or_else(|| arg_error(&format!("context.{name} must be a string")))
}

/// A context object `{form, field, submission?}`, validated by the core.
pub(crate) fn context_arg(v: &JsValue) -> JsResult<Context> {
    if !is_plain_object(v) {
        return Err(arg_error(
            "context must be an object {form, field, submission?}",
        ));
    }
    let form = context_member(v, "form", "form id")?
        .ok_or_else(|| arg_error("context.form is required"))?;
    let field = context_member(v, "field", "field name")?
        .ok_or_else(|| arg_error("context.field is required"))?;
    let submission = context_member(v, "submission", "submission id")?;
    let ctx = Context {
        form,
        field,
        submission,
    };
    ctx.validate().js_err()?;
    Ok(ctx)
}

pub(crate) fn opt_context_arg(v: &JsValue) -> JsResult<Option<Context>> {
    if absent(v) {
        Ok(None)
    } else {
        context_arg(v).map(Some)
    }
}

/// The items of `Sealer.sealMany`: an array of at most
/// [`slice_seal::MAX_PREPARED`] `{plaintext, context}` objects.
pub(crate) fn seal_items_arg(v: &JsValue) -> JsResult<Vec<(Zeroizing<Vec<u8>>, Context)>> {
    if !Array::is_array(v) {
        return Err(arg_error("items must be an array of {plaintext, context}"));
    }
    let arr: &Array = v.unchecked_ref();
    let n = arr.length();
    if n as usize > slice_seal::MAX_PREPARED {
        return Err(arg_error(&format!(
            "items holds {n} slices; at most {} per call",
            slice_seal::MAX_PREPARED
        )));
    }
    let mut out = Vec::with_capacity(n as usize);
    for i in 0..n {
        let item = arr.get(i);
        if !is_plain_object(&item) {
            return Err(arg_error(&format!(
                "items[{i}] must be an object {{plaintext, context}}"
            )));
        }
        let plaintext = plaintext_arg(&get(&item, "plaintext", "item")?)?;
        let context = context_arg(&get(&item, "context", "item")?)?;
        out.push((plaintext, context));
    }
    Ok(out)
}

// ---------------------------------------------------------------- options and numbers

/// `options` if given: `Ok(None)` for `undefined`/`null`, an error unless an object.
fn options_of(options: &JsValue) -> JsResult<Option<&JsValue>> {
    if absent(options) {
        return Ok(None);
    }
    if !is_plain_object(options) {
        return Err(arg_error("options must be an object"));
    }
    Ok(Some(options))
}

/// `options.kid`, if `options` is given.
pub(crate) fn kid_option(options: &JsValue) -> JsResult<Option<String>> {
    let Some(options) = options_of(options)? else {
        return Ok(None);
    };
    let kid = get(options, "kid", "options")?;
    if absent(&kid) {
        return Ok(None);
    }
    string_of(&kid, MAX_JWK_MEMBER, || {
        arg_error("options.kid is too long")
    })?
    .map(Some)
    .ok_or_else(|| arg_error("options.kid must be a string"))
}

/// How a `Sealer`/`Opener` may use WebCrypto (`options.webCrypto`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WebCryptoMode {
    /// `"auto"` (the default): WebCrypto or wasm, whichever measured faster
    /// on this page.
    Auto,
    /// `true`: WebCrypto wherever `crypto.subtle` works.
    Always,
    /// `false`: wasm only.
    Never,
}

/// `options.webCrypto`: `"auto"` (default), `true` or `false`.
pub(crate) fn web_crypto_option(options: &JsValue) -> JsResult<WebCryptoMode> {
    let Some(options) = options_of(options)? else {
        return Ok(WebCryptoMode::Auto);
    };
    let v = get(options, "webCrypto", "options")?;
    if v.is_undefined() || v.as_string().as_deref() == Some("auto") {
        return Ok(WebCryptoMode::Auto);
    }
    match v.as_bool() {
        Some(true) => Ok(WebCryptoMode::Always),
        Some(false) => Ok(WebCryptoMode::Never),
        None => Err(arg_error(
            "options.webCrypto must be true, false or \"auto\"",
        )),
    }
}

/// A count of encapsulations to prepare (capped at [`slice_seal::MAX_PREPARED`]).
pub(crate) fn count_arg(count: &JsValue) -> JsResult<usize> {
    match count.as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 => {
            Ok(n.min(slice_seal::MAX_PREPARED as f64) as usize)
        }
        _ => Err(arg_error("count must be a non-negative integer")),
    }
}

/// An HKDF output length.
pub(crate) fn length_arg(v: &JsValue) -> JsResult<usize> {
    match v.as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= 1e9 => Ok(n as usize),
        Some(n) if n > 1e9 && n.fract() == 0.0 => {
            Err(hazmat::input_error("HKDF-SHA256 output is limited to 8160 bytes").js_err())
        }
        _ => Err(arg_error("length must be a non-negative integer")),
    }
}
