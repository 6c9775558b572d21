//! Keys and envelope metadata: `generateKeyPair`, `thumbprint`,
//! `importPublicKey`, `exportPublicKey`, `inspect`.

use js_sys::Object;
use wasm_bindgen::prelude::*;

use crate::args::{self, jwk_arg, kid_option, public_key_arg, string_of};
use crate::errors::{JsErr, JsResult, arg_error};
use crate::out::{bytes_out, jwk_to_js, jwks_to_js, set};
use slice_seal::{AEAD_ID, Envelope, Jwks, KDF_ID, KEM_ID, PrivateKey};

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

/// The RFC 7638 SHA-256 thumbprint (base64url) of a P-256 JWK: its `kid`.
/// A `kid` member of the input is ignored; `d` is ignored.
#[wasm_bindgen]
pub fn thumbprint(
    #[wasm_bindgen(unchecked_param_type = "Jwk | string")] jwk: JsValue,
) -> JsResult<String> {
    slice_seal::thumbprint(&jwk_arg(&jwk)?).js_err()
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
    let text = args::envelope_arg(&envelope)?;
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
