//! The JS API (issue 3): thin `#[wasm_bindgen]` exports over the core.
//!
//! Every function here converts JS values to core types, calls the core, and
//! converts the result back. Nothing here does cryptography.
//!
//! Inputs are read by hand with `js-sys` rather than deserialized blindly, so
//! that:
//! * a value of the wrong JS type is an `INVALID_ARGUMENT` error naming the
//!   argument, never a wasm trap;
//! * no input is copied into wasm memory before its size is checked (a huge
//!   string or array could otherwise exhaust the 4 GiB address space, which
//!   aborts the module);
//! * secret inputs (plaintexts, private keys) are zeroized once used.
//!
//! Results (JWKs, key pairs, envelope metadata) cross back with
//! `js_sys::Reflect` as plain JSON-compatible objects.

use std::rc::Rc;

use js_sys::{Array, JsString, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use zeroize::Zeroizing;

use super::json::{self, HostJson};
use super::webcrypto::{self, AsyncOpener, AsyncSealer};
use super::{JsErr, core_error, js_error};
use slice_seal::hazmat::{self, MAX_ENVELOPE_LEN};
use slice_seal::{
    AEAD_ID, Context, Envelope, Jwk, JwkSecret, Jwks, KDF_ID, KEM_ID, MAX_CONTEXT_LEN,
    MAX_PLAINTEXT, PrivateKey, PublicKey, primitives,
};

/// Binding-level code: a JS argument has the wrong type or a required member
/// is missing.
pub const INVALID_ARGUMENT: &str = "INVALID_ARGUMENT";
/// Binding-level code: `openText` opened a plaintext that is not UTF-8.
pub const INVALID_UTF8: &str = "INVALID_UTF8";

/// Longest key text (PEM, JWK or JWKS JSON) accepted, in UTF-16 code units.
const MAX_KEY_TEXT: u32 = 1 << 20;
/// Longest string member of a JWK object.
const MAX_JWK_MEMBER: u32 = 4096;
/// Most keys read from a JWKS object.
const MAX_JWKS_KEYS: u32 = 1024;
/// Longest SEC1 input inspected (a real one is 33 or 65 bytes).
const MAX_SEC1: u32 = 1024;
/// Largest byte input of a building block in `primitives` (16 MiB).
const MAX_PRIMITIVE_INPUT: u32 = 16 << 20;

type JsResult<T> = Result<T, JsValue>;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/**
 * A P-256 JSON Web Key (RFC 7517). Public keys have `x` and `y`; private keys
 * also `d`. `kid` is the RFC 7638 SHA-256 thumbprint (base64url); when
 * present on input it must match the key.
 */
export interface Jwk {
  kty: "EC";
  crv: "P-256";
  /** Affine x coordinate, 32 bytes, unpadded base64url. */
  x: string;
  /** Affine y coordinate, 32 bytes, unpadded base64url. */
  y: string;
  /** Private scalar, 32 bytes, unpadded base64url (private keys only). */
  d?: string;
  /** RFC 7638 thumbprint (SHA-256, unpadded base64url). */
  kid?: string;
  /** Intended use; slice-seal writes `"enc"`. */
  use?: string;
  /** Algorithm hint; slice-seal writes `"HPKE-P256-SHA256-A256GCM"`. */
  alg?: string;
}

/** A JWK Set (RFC 7517 §5). */
export interface Jwks {
  keys: Jwk[];
}

/** Where a slice belongs. A slice opens only under the context it was sealed with. */
export interface SealContext {
  /** Form id, 1–256 UTF-8 bytes, no control characters. */
  form: string;
  /** Field name, 1–256 UTF-8 bytes, no control characters. */
  field: string;
  /** Submission id (optional), 1–256 UTF-8 bytes, no control characters. */
  submission?: string;
}

/**
 * The clear metadata of an envelope, as read by `inspect`. It is NOT
 * authenticated until the envelope is opened: use it for routing only.
 */
export interface EnvelopeInfo {
  /** Envelope format version. */
  version: 1;
  /** HPKE KEM id: DHKEM(P-256, HKDF-SHA256). */
  kem: 16;
  /** HPKE KDF id: HKDF-SHA256. */
  kdf: 1;
  /** HPKE AEAD id: AES-256-GCM. */
  aead: 2;
  /** Key id (thumbprint) of the recipient key. */
  kid: string;
  form: string;
  field: string;
  submission?: string;
}

/** A fresh key pair from `generateKeyPair`. */
export interface KeyPair {
  /** Public JWK with `kid`, `use` and `alg`: publish this. */
  publicKey: Jwk;
  /** Private JWK (with `d`): keep this on the high side only. */
  privateKey: Jwk;
}

/** Options of `new Sealer(...)`. */
export interface SealerOptions {
  /** Expected key id: the key is refused (KID_MISMATCH) unless its thumbprint is this. */
  kid?: string;
  /**
   * Let `sealAsync`/`prepareAsync` do the P-256 work in WebCrypto where
   * `crypto.subtle` exists (default `true`); `false` keeps it all in wasm.
   */
  webCrypto?: boolean;
}

/** One answer for `Sealer.sealMany`. */
export interface SealItem {
  plaintext: string | Uint8Array;
  context: SealContext;
}

/** Options of `new Opener(...)`. */
export interface OpenerOptions {
  /** Let `openAsync` do the ECDH in WebCrypto where it can (default `true`). */
  webCrypto?: boolean;
}

/** Options of `importPublicKey`. */
export interface ImportOptions {
  /** Choose this key from a JWKS; for a single key, require this thumbprint. */
  kid?: string;
}

/** A public key as accepted by `seal`, `Sealer`, `importPublicKey`, `exportPublicKey`. */
export type PublicKeyInput = Jwk | Jwks | string | Uint8Array;

/** A private key: a private JWK, or its JSON, or a PEM (PKCS#8 / SEC1) string. */
export type PrivateKeyInput = Jwk | string;

/** Output forms of `exportPublicKey`. */
export type PublicKeyFormat = "jwk" | "jwks" | "spki-pem" | "sec1" | "sec1-compressed";

/** Every `code` a slice-seal error can carry. */
export type SliceSealErrorCode =
  | "INVALID_KEY" | "KEY_NOT_FOUND" | "KID_MISMATCH" | "MALFORMED_ENVELOPE"
  | "UNSUPPORTED_VERSION" | "UNSUPPORTED_SUITE" | "INVALID_CONTEXT" | "CONTEXT_MISMATCH"
  | "DECRYPT_FAILED" | "ENCRYPT_FAILED" | "INVALID_INPUT" | "RANDOM_FAILED"
  | "INVALID_ARGUMENT" | "INVALID_UTF8";

/** What every function of this module throws: an `Error` with a stable `code`. */
export interface SliceSealError extends Error {
  name: "SliceSealError";
  code: SliceSealErrorCode;
}
"#;

// ---------------------------------------------------------------- errors

fn arg_error(msg: &str) -> JsValue {
    js_error(INVALID_ARGUMENT, msg)
}

/// `obj[key] = value` on a fresh plain object (cannot fail).
fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// A JWK as a plain object, members in the order of the Rust struct (and of
/// its JSON): kty, crv, x, y, d, kid, use, alg; absent members left out.
fn jwk_to_js(jwk: &Jwk) -> JsValue {
    let obj = Object::new();
    let members = [
        ("kty", jwk.kty.as_deref()),
        ("crv", jwk.crv.as_deref()),
        ("x", jwk.x.as_deref()),
        ("y", jwk.y.as_deref()),
        ("d", jwk.d.as_ref().map(JwkSecret::expose)),
        ("kid", jwk.kid.as_deref()),
        ("use", jwk.use_.as_deref()),
        ("alg", jwk.alg.as_deref()),
    ];
    for (name, value) in members {
        if let Some(v) = value {
            set(&obj, name, &JsValue::from_str(v));
        }
    }
    obj.into()
}

fn jwks_to_js(set_: &Jwks) -> JsValue {
    let obj = Object::new();
    let keys: Array = set_.keys.iter().map(jwk_to_js).collect();
    set(&obj, "keys", &keys);
    obj.into()
}

fn get(obj: &JsValue, key: &str, what: &str) -> JsResult<JsValue> {
    Reflect::get(obj, &JsValue::from_str(key))
        .map_err(|_| arg_error(&format!("could not read {what}.{key}")))
}

// ---------------------------------------------------------------- reading JS values

/// A JS string, if `v` is one no longer than `max` UTF-16 code units;
/// `Ok(None)` if `v` is not a string; `Err(too_long())` if it is too long.
fn string_of(
    v: &JsValue,
    max: u32,
    too_long: impl FnOnce() -> JsValue,
) -> JsResult<Option<String>> {
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
    if v.is_instance_of::<Uint8Array>() {
        Some(Uint8Array::new(v))
    } else {
        None
    }
}

/// Copy a `Uint8Array` into a zeroize-on-drop buffer.
fn copy_bytes(a: &Uint8Array) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(vec![0u8; a.length() as usize]);
    a.copy_to(&mut out);
    out
}

/// A byte argument of a building block: a `Uint8Array` of at most 16 MiB.
fn bytes_arg(v: &JsValue, name: &str) -> JsResult<Zeroizing<Vec<u8>>> {
    let a = uint8_array_of(v).ok_or_else(|| arg_error(&format!("{name} must be a Uint8Array")))?;
    if a.length() > MAX_PRIMITIVE_INPUT {
        return Err(hazmat::input_error(format!("{name} is larger than 16 MiB")).js_err());
    }
    Ok(copy_bytes(&a))
}

/// An optional byte argument: `undefined`/`null` is empty.
fn opt_bytes_arg(v: &JsValue, name: &str) -> JsResult<Zeroizing<Vec<u8>>> {
    if v.is_undefined() || v.is_null() {
        Ok(Zeroizing::new(Vec::new()))
    } else {
        bytes_arg(v, name)
    }
}

/// A plaintext: a string (sealed as its UTF-8 bytes) or a `Uint8Array`.
fn plaintext_arg(v: &JsValue) -> JsResult<Zeroizing<Vec<u8>>> {
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

fn envelope_arg(v: &JsValue) -> JsResult<String> {
    string_of(v, MAX_ENVELOPE_LEN as u32, || {
        hazmat::envelope_error("longer than the largest slice").js_err()
    })?
    .ok_or_else(|| arg_error("envelope must be a string"))
}

fn key_text_arg(v: &JsValue) -> JsResult<Option<Zeroizing<String>>> {
    Ok(string_of(v, MAX_KEY_TEXT, || {
        hazmat::key_error("key text is longer than 1 MiB").js_err()
    })?
    .map(Zeroizing::new))
}

/// An optional string member of a JWK object.
fn jwk_member(obj: &JsValue, name: &str) -> JsResult<Option<String>> {
    let v = get(obj, name, "JWK")?;
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    string_of(&v, MAX_JWK_MEMBER, || {
        hazmat::key_error(format!("JWK \"{name}\" is too long")).js_err()
    })?
    .map(Some)
    .ok_or_else(|| hazmat::key_error(format!("JWK \"{name}\" must be a string")).js_err())
}

/// Read a JWK object member by member (unknown members are ignored).
fn jwk_from_object(obj: &JsValue) -> JsResult<Jwk> {
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

fn is_plain_object(v: &JsValue) -> bool {
    v.is_object() && !Array::is_array(v) && !v.is_instance_of::<Uint8Array>()
}

fn has_member(obj: &JsValue, key: &str) -> JsResult<bool> {
    Reflect::has(obj, &JsValue::from_str(key))
        .map_err(|_| arg_error(&format!("could not read key.{key}")))
}

/// A JWKS object (`{keys: [...]}`).
fn jwks_from_object(obj: &JsValue) -> JsResult<Jwks> {
    let keys = get(obj, "keys", "JWKS")?;
    if !Array::is_array(&keys) {
        return Err(hazmat::key_error("JWKS \"keys\" must be an array").js_err());
    }
    let keys: Array = keys.unchecked_into();
    if keys.length() > MAX_JWKS_KEYS {
        return Err(hazmat::key_error("JWKS holds more than 1024 keys").js_err());
    }
    let mut out = Vec::with_capacity(keys.length() as usize);
    for i in 0..keys.length() {
        let k = keys.get(i);
        if !is_plain_object(&k) {
            return Err(hazmat::key_error("every JWKS key must be a JWK object").js_err());
        }
        out.push(jwk_from_object(&k)?);
    }
    Ok(Jwks { keys: out })
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
fn public_key_arg(v: &JsValue, kid: Option<&str>) -> JsResult<PublicKey> {
    let key = if let Some(text) = key_text_arg(v)? {
        let t = text.trim_start();
        match (t.starts_with('{'), json::jwks_from_json(t)) {
            (true, Ok(set)) => return from_jwks(&set, kid),
            _ => PublicKey::parse_with(t, &HostJson).js_err()?,
        }
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

fn private_key_arg(v: &JsValue) -> JsResult<PrivateKey> {
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

/// `options.kid`, if `options` is given.
fn kid_option(options: &JsValue) -> JsResult<Option<String>> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    if !is_plain_object(options) {
        return Err(arg_error("options must be an object"));
    }
    let kid = get(options, "kid", "options")?;
    if kid.is_undefined() || kid.is_null() {
        return Ok(None);
    }
    string_of(&kid, MAX_JWK_MEMBER, || {
        arg_error("options.kid is too long")
    })?
    .map(Some)
    .ok_or_else(|| arg_error("options.kid must be a string"))
}

fn context_member(obj: &JsValue, name: &str, what: &str) -> JsResult<Option<String>> {
    let v = get(obj, name, "context")?;
    if v.is_undefined() || v.is_null() {
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
fn context_arg(v: &JsValue) -> JsResult<Context> {
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

/// The items of `Sealer.sealMany`: an array of at most
/// [`slice_seal::MAX_PREPARED`] `{plaintext, context}` objects.
fn seal_items_arg(v: &JsValue) -> JsResult<Vec<(Zeroizing<Vec<u8>>, Context)>> {
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

fn opt_context_arg(v: &JsValue) -> JsResult<Option<Context>> {
    if v.is_undefined() || v.is_null() {
        Ok(None)
    } else {
        context_arg(v).map(Some)
    }
}

/// A plaintext as a JS string, or `INVALID_UTF8`.
fn text_out(pt: &[u8]) -> JsResult<JsValue> {
    match core::str::from_utf8(pt) {
        Ok(s) => Ok(JsValue::from_str(s)),
        Err(_) => Err(js_error(INVALID_UTF8, "plaintext is not valid UTF-8")),
    }
}

fn bytes_out(b: &[u8]) -> Uint8Array {
    Uint8Array::from(b)
}

// ---------------------------------------------------------------- exports

/// Generate a new P-256 key pair for the high side.
///
/// `publicKey` carries its `kid` (RFC 7638 thumbprint); publish it to the low
/// side. `privateKey` holds the secret `d`: keep it on the high side.
#[wasm_bindgen(js_name = generateKeyPair, unchecked_return_type = "KeyPair")]
pub fn generate_key_pair() -> JsResult<JsValue> {
    let key = PrivateKey::generate().js_err()?;
    let obj = Object::new();
    set(&obj, "publicKey", &jwk_to_js(&key.public_key().to_jwk()));
    set(&obj, "privateKey", &jwk_to_js(&key.to_jwk()));
    Ok(obj.into())
}

/// Seal one answer to the recipient's public key.
///
/// `publicKey` is a JWK (or single-key JWKS) object, or its JSON, or a PEM
/// `PUBLIC KEY` string. `plaintext` is a string (sealed as UTF-8) or bytes,
/// at most 4 MiB. `context` names the form and field (and optionally the
/// submission) the answer belongs to; the envelope opens only under it.
///
/// Returns the envelope text (`ss1.…`). To seal many answers to one key,
/// prefer `Sealer`, which parses and checks the key once.
#[wasm_bindgen]
pub fn seal(
    #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "PublicKeyInput")]
    public_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] plaintext: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SealContext")] context: JsValue,
) -> JsResult<String> {
    let key = public_key_arg(&public_key, None)?;
    let plaintext = plaintext_arg(&plaintext)?;
    let context = context_arg(&context)?;
    slice_seal::seal(&key, &plaintext, &context).js_err()
}

fn open_bytes(
    private_key: &JsValue,
    envelope: &JsValue,
    context: &JsValue,
) -> JsResult<Zeroizing<Vec<u8>>> {
    let key = private_key_arg(private_key)?;
    let envelope = envelope_arg(envelope)?;
    let expected = opt_context_arg(context)?;
    let opened = slice_seal::open(&key, &envelope, expected.as_ref()).js_err()?;
    Ok(Zeroizing::new(opened.plaintext))
}

/// Open an envelope with the recipient's private key; returns the plaintext bytes.
///
/// With `context`, the envelope must have been sealed to that form and field
/// (and submission, if given), else `CONTEXT_MISMATCH`. Without it any
/// context is accepted: read it first with `inspect` if you need it.
#[wasm_bindgen(unchecked_return_type = "Uint8Array")]
pub fn open(
    #[wasm_bindgen(js_name = privateKey, unchecked_param_type = "PrivateKeyInput")]
    private_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] envelope: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "SealContext")] context: JsValue,
) -> JsResult<JsValue> {
    let pt = open_bytes(&private_key, &envelope, &context)?;
    Ok(bytes_out(&pt).into())
}

/// As `open`, decoding the plaintext as UTF-8; `INVALID_UTF8` if it is not.
#[wasm_bindgen(js_name = openText, unchecked_return_type = "string")]
pub fn open_text(
    #[wasm_bindgen(js_name = privateKey, unchecked_param_type = "PrivateKeyInput")]
    private_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] envelope: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "SealContext")] context: JsValue,
) -> JsResult<JsValue> {
    text_out(&open_bytes(&private_key, &envelope, &context)?)
}

/// Seal one answer, as `seal`, returning a promise. Where `crypto.subtle`
/// exists (secure contexts, workers, Node ≥ 19) the P-256 key generation and
/// ECDH run in WebCrypto (the key schedule, AES-GCM and the envelope in wasm),
/// else everything runs in wasm; the envelopes are the same either way.
/// Argument errors reject the promise.
#[wasm_bindgen(js_name = sealAsync, unchecked_return_type = "Promise<string>")]
pub fn seal_async(
    #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "PublicKeyInput")]
    public_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] plaintext: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SealContext")] context: JsValue,
) -> Promise {
    let args = (|| -> JsResult<_> {
        Ok((
            public_key_arg(&public_key, None)?,
            plaintext_arg(&plaintext)?,
            context_arg(&context)?,
        ))
    })();
    let (key, plaintext, context) = match args {
        Ok(a) => a,
        Err(e) => return Promise::reject(&e),
    };
    let sealer = AsyncSealer::new(key, true);
    if !sealer.uses_web_crypto() {
        // No WebCrypto: the one-shot wasm seal (no per-recipient table).
        let sealed = slice_seal::seal(sealer.recipient(), &plaintext, &context);
        return webcrypto::settled(sealed.map(JsValue::from).map_err(core_error));
    }
    sealer.seal_promise(plaintext, context)
}

fn opened_out(text: bool) -> webcrypto::OpenedOut {
    if text { text_out } else { opened_bytes }
}

/// `openAsync`'s result: the plaintext bytes (a fresh `Uint8Array`).
fn opened_bytes(pt: &[u8]) -> JsResult<JsValue> {
    Ok(bytes_out(pt).into())
}

fn open_async_args(envelope: &JsValue, context: &JsValue) -> JsResult<(String, Option<Context>)> {
    Ok((envelope_arg(envelope)?, opt_context_arg(context)?))
}

/// Open an envelope, as `open`, returning a promise; the ECDH runs in
/// WebCrypto where `crypto.subtle` exists (the private key is imported
/// non-extractable), else in wasm. To open many, prefer `Opener`, which
/// imports the key once.
#[wasm_bindgen(js_name = openAsync, unchecked_return_type = "Promise<Uint8Array>")]
pub fn open_async(
    #[wasm_bindgen(js_name = privateKey, unchecked_param_type = "PrivateKeyInput")]
    private_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] envelope: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "SealContext")] context: JsValue,
) -> Promise {
    one_shot_open(&private_key, &envelope, &context, false)
}

/// As `openAsync`, decoding the plaintext as UTF-8 (`INVALID_UTF8` if it is not).
#[wasm_bindgen(js_name = openTextAsync, unchecked_return_type = "Promise<string>")]
pub fn open_text_async(
    #[wasm_bindgen(js_name = privateKey, unchecked_param_type = "PrivateKeyInput")]
    private_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] envelope: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "SealContext")] context: JsValue,
) -> Promise {
    one_shot_open(&private_key, &envelope, &context, true)
}

fn one_shot_open(
    private_key: &JsValue,
    envelope: &JsValue,
    context: &JsValue,
    text: bool,
) -> Promise {
    let args =
        private_key_arg(private_key).and_then(|k| Ok((k, open_async_args(envelope, context)?)));
    match args {
        Ok((key, (env, expected))) => {
            AsyncOpener::new(key, true).open_promise(&env, expected, opened_out(text))
        }
        Err(e) => Promise::reject(&e),
    }
}

/// `options.webCrypto` (default true).
fn web_crypto_option(options: &JsValue) -> JsResult<bool> {
    if options.is_undefined() || options.is_null() {
        return Ok(true);
    }
    if !is_plain_object(options) {
        return Err(arg_error("options must be an object"));
    }
    let v = get(options, "webCrypto", "options")?;
    if v.is_undefined() {
        return Ok(true);
    }
    v.as_bool()
        .ok_or_else(|| arg_error("options.webCrypto must be a boolean"))
}

fn backend_out(b: Option<webcrypto::Backend>) -> JsValue {
    b.map_or(JsValue::UNDEFINED, |b| JsValue::from_str(b.name()))
}

fn count_arg(count: &JsValue) -> JsResult<usize> {
    match count.as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 => {
            Ok(n.min(slice_seal::MAX_PREPARED as f64) as usize)
        }
        _ => Err(arg_error("count must be a non-negative integer")),
    }
}

/// A recipient key parsed and checked once, for sealing many answers.
///
/// Pass `{ kid }` to pin the key: the constructor throws `KID_MISMATCH` unless
/// the key's RFC 7638 thumbprint is that kid. Pinning is recommended, so that
/// a swapped key file cannot redirect answers. `sealAsync` uses WebCrypto for
/// the P-256 work where it can (`{ webCrypto: false }` turns that off);
/// `seal` is synchronous and pure wasm. Call `free()` (or use `using`) when
/// done: the key lives in wasm memory.
#[wasm_bindgen(js_name = Sealer)]
pub struct JsSealer {
    inner: Rc<AsyncSealer>,
    kid: String,
}

#[wasm_bindgen(js_class = Sealer)]
impl JsSealer {
    /// Parse and validate `publicKey` (JWK, JWKS, JSON, PEM or SEC1 bytes);
    /// with `options.kid`, refuse a key whose thumbprint differs, and choose
    /// that key from a JWKS.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "PublicKeyInput")]
        public_key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SealerOptions")] options: JsValue,
    ) -> JsResult<JsSealer> {
        let kid = kid_option(&options)?;
        let web = web_crypto_option(&options)?;
        let key = public_key_arg(&public_key, kid.as_deref())?;
        let kid = key.kid();
        Ok(JsSealer {
            inner: AsyncSealer::new(key, web),
            kid,
        })
    }

    /// The key id (RFC 7638 thumbprint) of the recipient key.
    #[wasm_bindgen(getter)]
    pub fn kid(&self) -> String {
        self.kid.clone()
    }

    /// Make up to `count` (at most 256) encapsulations (ephemeral key pair
    /// and ECDH) ahead of time, in wasm, e.g. from `requestIdleCallback`.
    /// Each is used for one answer only. Returns how many are ready (see
    /// `prepared`).
    pub fn prepare(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] count: JsValue,
    ) -> JsResult<u32> {
        let count = count_arg(&count)?;
        self.inner.with_sync(|s| s.prepare(count)).js_err()?;
        Ok(self.inner.prepared() as u32)
    }

    /// Prepare up to `count` (at most 256) slices' P-256 work ahead of time
    /// for `sealAsync`. With WebCrypto: whole encapsulations (a
    /// non-extractable key pair and its ECDH with the recipient; `sealAsync`
    /// then makes no WebCrypto call and settles at once). Without: the same
    /// in wasm. Resolves to how many are ready.
    #[wasm_bindgen(js_name = prepareAsync, unchecked_return_type = "Promise<number>")]
    pub fn prepare_async(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] count: JsValue,
    ) -> Promise {
        let count = match count_arg(&count) {
            Ok(c) => c,
            Err(e) => return Promise::reject(&e),
        };
        let inner = self.inner.clone();
        future_to_promise(async move { Ok((inner.prepare(count).await.js_err()? as u32).into()) })
    }

    /// How many slices are prepared: encapsulations, WebCrypto's and wasm's
    /// (one pool; `seal` and `sealAsync` both use it).
    #[wasm_bindgen(getter)]
    pub fn prepared(&self) -> u32 {
        self.inner.prepared() as u32
    }

    /// Which implementation did the P-256 work of the last `sealAsync`:
    /// `"webcrypto"` or `"wasm"` (`undefined` before the first).
    #[wasm_bindgen(getter, unchecked_return_type = "\"webcrypto\" | \"wasm\" | undefined")]
    pub fn backend(&self) -> JsValue {
        backend_out(self.inner.last_backend())
    }

    /// Seal one answer synchronously, in wasm; see `seal`.
    pub fn seal(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] plaintext: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SealContext")] context: JsValue,
    ) -> JsResult<String> {
        let plaintext = plaintext_arg(&plaintext)?;
        let context = context_arg(&context)?;
        self.inner.seal_sync(&plaintext, &context).js_err()
    }

    /// Seal many answers at once: `items` is an array of
    /// `{plaintext, context}`. Every input is checked before any key pair is
    /// used; prepared encapsulations are used first, then the rest are made
    /// with WebCrypto's calls all in flight together (or in wasm). Resolves
    /// to the envelopes in the order of `items`; rejects with the first
    /// error, and then nothing is returned.
    #[wasm_bindgen(js_name = sealMany, unchecked_return_type = "Promise<string[]>")]
    pub fn seal_many(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SealItem[]")] items: JsValue,
    ) -> Promise {
        let items = match seal_items_arg(&items) {
            Ok(i) => i,
            Err(e) => return Promise::reject(&e),
        };
        let inner = self.inner.clone();
        future_to_promise(async move {
            let envelopes = inner.seal_many(items).await.js_err()?;
            Ok(envelopes
                .into_iter()
                .map(|e| JsValue::from_str(&e))
                .collect::<Array>()
                .into())
        })
    }

    /// Seal one answer; see `sealAsync`. Uses what `prepareAsync` made, if
    /// one is ready.
    #[wasm_bindgen(js_name = sealAsync, unchecked_return_type = "Promise<string>")]
    pub fn seal_async(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] plaintext: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SealContext")] context: JsValue,
    ) -> Promise {
        let args = plaintext_arg(&plaintext).and_then(|p| Ok((p, context_arg(&context)?)));
        let (plaintext, context) = match args {
            Ok(a) => a,
            Err(e) => return Promise::reject(&e),
        };
        self.inner.seal_promise(plaintext, context)
    }
}

/// A private key parsed and checked once, for opening many envelopes.
///
/// `open`/`openText` are synchronous and pure wasm; `openAsync`/`openTextAsync`
/// do the ECDH in WebCrypto where they can (the key is imported once,
/// non-extractable; `{ webCrypto: false }` turns that off). Call `free()` (or
/// use `using`) when done: the key lives in wasm memory.
#[wasm_bindgen(js_name = Opener)]
pub struct JsOpener {
    inner: Rc<AsyncOpener>,
}

#[wasm_bindgen(js_class = Opener)]
impl JsOpener {
    /// Parse and validate `privateKey` (private JWK, its JSON, or PEM).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = privateKey, unchecked_param_type = "PrivateKeyInput")]
        private_key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "OpenerOptions")] options: JsValue,
    ) -> JsResult<JsOpener> {
        let web = web_crypto_option(&options)?;
        let key = private_key_arg(&private_key)?;
        Ok(JsOpener {
            inner: AsyncOpener::new(key, web),
        })
    }

    /// The key id (RFC 7638 thumbprint) of the key.
    #[wasm_bindgen(getter)]
    pub fn kid(&self) -> String {
        self.inner.core().key().kid()
    }

    /// Which implementation did the ECDH of the last `openAsync`:
    /// `"webcrypto"` or `"wasm"` (`undefined` before the first).
    #[wasm_bindgen(getter, unchecked_return_type = "\"webcrypto\" | \"wasm\" | undefined")]
    pub fn backend(&self) -> JsValue {
        backend_out(self.inner.last_backend())
    }

    /// Open synchronously, in wasm; see `open`.
    #[wasm_bindgen(unchecked_return_type = "Uint8Array")]
    pub fn open(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] envelope: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SealContext")] context: JsValue,
    ) -> JsResult<JsValue> {
        self.open_sync(&envelope, &context, opened_bytes)
    }

    /// As `open`, decoding the plaintext as UTF-8; `INVALID_UTF8` if it is not.
    #[wasm_bindgen(js_name = openText, unchecked_return_type = "string")]
    pub fn open_text(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] envelope: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SealContext")] context: JsValue,
    ) -> JsResult<JsValue> {
        self.open_sync(&envelope, &context, text_out)
    }

    /// Open, as `openAsync`, with this key.
    #[wasm_bindgen(js_name = openAsync, unchecked_return_type = "Promise<Uint8Array>")]
    pub fn open_async(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] envelope: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SealContext")] context: JsValue,
    ) -> Promise {
        self.open_promise(&envelope, &context, false)
    }

    /// As `openAsync`, decoding the plaintext as UTF-8.
    #[wasm_bindgen(js_name = openTextAsync, unchecked_return_type = "Promise<string>")]
    pub fn open_text_async(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] envelope: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SealContext")] context: JsValue,
    ) -> Promise {
        self.open_promise(&envelope, &context, true)
    }

    fn open_sync(
        &self,
        envelope: &JsValue,
        context: &JsValue,
        out: webcrypto::OpenedOut,
    ) -> JsResult<JsValue> {
        let (env, expected) = open_async_args(envelope, context)?;
        let pt = Zeroizing::new(
            self.inner
                .core()
                .open(&env, expected.as_ref())
                .js_err()?
                .plaintext,
        );
        out(&pt)
    }

    fn open_promise(&self, envelope: &JsValue, context: &JsValue, text: bool) -> Promise {
        match open_async_args(envelope, context) {
            Ok((env, expected)) => self.inner.open_promise(&env, expected, opened_out(text)),
            Err(e) => Promise::reject(&e),
        }
    }
}

/// The RFC 7638 SHA-256 thumbprint (base64url) of a P-256 JWK: its `kid`.
/// A `kid` member of the input is ignored; `d` is ignored.
#[wasm_bindgen]
pub fn thumbprint(
    #[wasm_bindgen(unchecked_param_type = "Jwk | string")] jwk: JsValue,
) -> JsResult<String> {
    let jwk = if let Some(text) = key_text_arg(&jwk)? {
        json::jwk_from_json(&text).js_err()?
    } else if is_plain_object(&jwk) {
        jwk_from_object(&jwk)?
    } else {
        return Err(arg_error("jwk must be a JWK object or its JSON text"));
    };
    slice_seal::thumbprint(&jwk).js_err()
}

/// Import and validate a public key, returning it as a normalised public JWK
/// with `kid`, `use` and `alg`.
///
/// `input` is a JWK or JWKS (object or JSON), a PEM `PUBLIC KEY` string, or
/// SEC1 bytes (33 or 65). From a JWKS the key with `options.kid` is chosen
/// (`KEY_NOT_FOUND` if absent); without `kid` the set must hold one key.
/// For any other input, `options.kid` must be the key's thumbprint
/// (`KID_MISMATCH`). A `d` member is dropped.
#[wasm_bindgen(js_name = importPublicKey, unchecked_return_type = "Jwk")]
pub fn import_public_key(
    #[wasm_bindgen(unchecked_param_type = "PublicKeyInput")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ImportOptions")] options: JsValue,
) -> JsResult<JsValue> {
    let kid = kid_option(&options)?;
    let key = public_key_arg(&input, kid.as_deref())?;
    Ok(jwk_to_js(&key.to_jwk()))
}

/// Export a public key (any input `importPublicKey` accepts) as:
/// `"jwk"` → `Jwk`, `"jwks"` → `Jwks` (one key), `"spki-pem"` → PEM string,
/// `"sec1"` → 65 bytes, `"sec1-compressed"` → 33 bytes.
#[wasm_bindgen(js_name = exportPublicKey, unchecked_return_type = "Jwk | Jwks | string | Uint8Array")]
pub fn export_public_key(
    #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "PublicKeyInput")]
    public_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PublicKeyFormat")] format: JsValue,
) -> JsResult<JsValue> {
    let format = string_of(&format, 32, || arg_error("unknown format"))?;
    let key = public_key_arg(&public_key, None)?;
    match format.as_deref() {
        Some("jwk") => Ok(jwk_to_js(&key.to_jwk())),
        Some("jwks") => Ok(jwks_to_js(&Jwks::from_public(&key))),
        Some("spki-pem") => Ok(JsValue::from_str(&key.to_spki_pem())),
        Some("sec1") => Ok(bytes_out(&key.to_sec1(false)).into()),
        Some("sec1-compressed") => Ok(bytes_out(&key.to_sec1(true)).into()),
        _ => Err(arg_error(
            "format must be \"jwk\", \"jwks\", \"spki-pem\", \"sec1\" or \"sec1-compressed\"",
        )),
    }
}

/// Read an envelope's clear metadata without a key: version, suite, `kid`
/// and context. Checks the envelope's structure (same errors as `open`) but
/// NOT its authenticity: use the result to route an envelope to the right
/// key or store, never as proof of where it came from.
#[wasm_bindgen(unchecked_return_type = "EnvelopeInfo")]
pub fn inspect(
    #[wasm_bindgen(unchecked_param_type = "string")] envelope: JsValue,
) -> JsResult<JsValue> {
    let text = envelope_arg(&envelope)?;
    let env = Envelope::parse(&text).js_err()?;
    let ctx = env.context();
    let obj = Object::new();
    set(&obj, "version", &JsValue::from(1u8));
    set(&obj, "kem", &JsValue::from(KEM_ID));
    set(&obj, "kdf", &JsValue::from(KDF_ID));
    set(&obj, "aead", &JsValue::from(AEAD_ID));
    set(&obj, "kid", &JsValue::from_str(&env.kid()));
    set(&obj, "form", &JsValue::from_str(&ctx.form));
    set(&obj, "field", &JsValue::from_str(&ctx.field));
    if let Some(sub) = &ctx.submission {
        set(&obj, "submission", &JsValue::from_str(sub));
    }
    Ok(obj.into())
}

// ---------------------------------------------------------------- primitives

/// P-256 ECDH: the raw 32-byte shared secret (x-coordinate of d·Q). For the
/// raw two-party pattern only; prefer `seal`.
#[wasm_bindgen(js_namespace = primitives, js_name = ecdh, unchecked_return_type = "Uint8Array")]
pub fn primitives_ecdh(
    #[wasm_bindgen(js_name = privateKey, unchecked_param_type = "PrivateKeyInput")]
    private_key: JsValue,
    #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "PublicKeyInput")]
    public_key: JsValue,
) -> JsResult<JsValue> {
    let sk = private_key_arg(&private_key)?;
    let pk = public_key_arg(&public_key, None)?;
    let shared = primitives::ecdh(&sk, &pk);
    Ok(bytes_out(shared.as_ref()).into())
}

fn length_arg(v: &JsValue) -> JsResult<usize> {
    match v.as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= 1e9 => Ok(n as usize),
        Some(n) if n > 1e9 && n.fract() == 0.0 => {
            Err(hazmat::input_error("HKDF-SHA256 output is limited to 8160 bytes").js_err())
        }
        _ => Err(arg_error("length must be a non-negative integer")),
    }
}

/// HKDF-SHA256 (RFC 5869) extract-then-expand to `length` ≤ 8160 bytes.
/// An empty `salt` means 32 zero bytes.
#[wasm_bindgen(js_namespace = primitives, js_name = hkdf, unchecked_return_type = "Uint8Array")]
pub fn primitives_hkdf(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] ikm: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] salt: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] info: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] length: JsValue,
) -> JsResult<JsValue> {
    let ikm = bytes_arg(&ikm, "ikm")?;
    let salt = bytes_arg(&salt, "salt")?;
    let info = bytes_arg(&info, "info")?;
    let len = length_arg(&length)?;
    let okm = primitives::hkdf(&salt, &ikm, &info, len).js_err()?;
    Ok(bytes_out(&okm).into())
}

/// HKDF-SHA256 extract (RFC 5869 §2.2): the 32-byte pseudorandom key.
/// Arguments in the order of `hkdf` (`ikm`, then `salt`).
#[wasm_bindgen(js_namespace = primitives, js_name = hkdfExtract, unchecked_return_type = "Uint8Array")]
pub fn primitives_hkdf_extract(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] ikm: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] salt: JsValue,
) -> JsResult<JsValue> {
    let ikm = bytes_arg(&ikm, "ikm")?;
    let salt = bytes_arg(&salt, "salt")?;
    let prk = primitives::hkdf_extract(&salt, &ikm);
    Ok(bytes_out(prk.as_ref()).into())
}

/// HKDF-SHA256 expand (RFC 5869 §2.3) of a pseudorandom key (≥ 32 bytes) to
/// `length` ≤ 8160 bytes.
#[wasm_bindgen(js_namespace = primitives, js_name = hkdfExpand, unchecked_return_type = "Uint8Array")]
pub fn primitives_hkdf_expand(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] prk: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] info: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] length: JsValue,
) -> JsResult<JsValue> {
    let prk = bytes_arg(&prk, "prk")?;
    let info = bytes_arg(&info, "info")?;
    let len = length_arg(&length)?;
    let okm = primitives::hkdf_expand(&prk, &info, len).js_err()?;
    Ok(bytes_out(&okm).into())
}

/// AES-256-GCM encrypt with a 32-byte key and 12-byte nonce; returns
/// ciphertext ‖ 16-byte tag. Never reuse a nonce with the same key.
#[wasm_bindgen(js_namespace = primitives, js_name = aesGcmSeal, unchecked_return_type = "Uint8Array")]
pub fn primitives_aes_gcm_seal(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] nonce: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] plaintext: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Uint8Array")] aad: JsValue,
) -> JsResult<JsValue> {
    let key = bytes_arg(&key, "key")?;
    let nonce = bytes_arg(&nonce, "nonce")?;
    let pt = bytes_arg(&plaintext, "plaintext")?;
    let aad = opt_bytes_arg(&aad, "aad")?;
    let ct = primitives::aes_gcm_seal(&key, &nonce, &aad, &pt).js_err()?;
    Ok(bytes_out(&ct).into())
}

/// AES-256-GCM decrypt of ciphertext ‖ tag; `DECRYPT_FAILED` if the tag does
/// not verify.
#[wasm_bindgen(js_namespace = primitives, js_name = aesGcmOpen, unchecked_return_type = "Uint8Array")]
pub fn primitives_aes_gcm_open(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] nonce: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] ciphertext: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Uint8Array")] aad: JsValue,
) -> JsResult<JsValue> {
    let key = bytes_arg(&key, "key")?;
    let nonce = bytes_arg(&nonce, "nonce")?;
    let ct = bytes_arg(&ciphertext, "ciphertext")?;
    let aad = opt_bytes_arg(&aad, "aad")?;
    let pt = Zeroizing::new(primitives::aes_gcm_open(&key, &nonce, &aad, &ct).js_err()?);
    Ok(bytes_out(&pt).into())
}
