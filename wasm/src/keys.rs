//! Keys and envelope metadata: `generateKeyPair`, `thumbprint`,
//! `importPublicKey`, `exportPublicKey`, `inspect`.

use js_sys::Object;
use wasm_bindgen::prelude::*;

use crate::args::{
    self, AkpJwk, AnyPublicKey, akp_jwk_arg, any_public_key_arg, jwk_arg, kid_option, string_of,
};
use crate::errors::{JsErr, JsResult, arg_error};
use crate::hybrid;
use crate::out::{bytes_out, jwk_to_js, jwks_to_js, set};
use slice_seal::hazmat;
use slice_seal::{
    AEAD_ID, Envelope, Error, HYBRID_KEM_ID, HybridEnvelope, Jwks, KDF_ID, KEM_ID, PrivateKey,
};

/// `options.suite` of `generateKeyPair`: `"p256"` (the default) or
/// `"mlkem768-x25519"` (the hybrid post-quantum suite).
fn hybrid_suite_option(options: &JsValue) -> JsResult<bool> {
    if options.is_undefined() || options.is_null() {
        return Ok(false);
    }
    if !args::is_plain_object(options) {
        return Err(arg_error("options must be an object"));
    }
    let suite = args::get(options, "suite", "options")?;
    if suite.is_undefined() {
        return Ok(false);
    }
    match suite.as_string().as_deref() {
        Some("p256") => Ok(false),
        Some("mlkem768-x25519") => Ok(true),
        _ => Err(arg_error(
            "options.suite must be \"p256\" or \"mlkem768-x25519\"",
        )),
    }
}

/// Generate a new key pair for the high side: P-256, or with
/// `{ suite: "mlkem768-x25519" }` a hybrid post-quantum key (AKP JWKs).
///
/// `publicKey` carries its `kid` (RFC 7638 thumbprint); publish it to the low
/// side. `privateKey` holds the secret (`d`, or the hybrid seed `priv`):
/// keep it on the high side.
// Typed by hand in wasm/ts/keys.d.ts (overloads: the pair's JWK type follows `suite`).
#[wasm_bindgen(js_name = generateKeyPair, skip_typescript)]
pub fn generate_key_pair(
    #[wasm_bindgen(unchecked_optional_param_type = "KeyPairOptions")] options: JsValue,
) -> JsResult<JsValue> {
    let obj = Object::new();
    if hybrid_suite_option(&options)? {
        let (public, private) = hybrid::generate().js_err()?;
        set(&obj, "publicKey", &public);
        set(&obj, "privateKey", &private);
        return Ok(obj.into());
    }
    let key = PrivateKey::generate().js_err()?;
    set(&obj, "publicKey", &jwk_to_js(&key.public_key().to_jwk()));
    set(&obj, "privateKey", &jwk_to_js(&key.to_jwk()));
    Ok(obj.into())
}

/// The RFC 7638 SHA-256 thumbprint (base64url) of a JWK (P-256, or a hybrid
/// AKP key): its `kid`. A `kid` member of the input is ignored; `d` and
/// `priv` are ignored.
#[wasm_bindgen]
pub fn thumbprint(
    #[wasm_bindgen(unchecked_param_type = "AnyJwk | string")] jwk: JsValue,
) -> JsResult<String> {
    if let Some(akp) = akp_jwk_arg(&jwk)? {
        let akp = AkpJwk { kid: None, ..akp };
        return Ok(hybrid::public_from_akp(&akp).js_err()?.kid());
    }
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
/// A hybrid (AKP) key is returned as its public AKP JWK (`priv` dropped).
// Typed by hand in wasm/ts/keys.d.ts (overloads: the JWK type follows the input's).
#[wasm_bindgen(js_name = importPublicKey, skip_typescript)]
pub fn import_public_key(
    #[wasm_bindgen(unchecked_param_type = "PublicKeyInput")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ImportOptions")] options: JsValue,
) -> JsResult<JsValue> {
    let kid = kid_option(&options)?;
    Ok(match any_public_key_arg(&input, kid.as_deref())? {
        AnyPublicKey::P256(key) => jwk_to_js(&key.to_jwk()),
        AnyPublicKey::Hybrid(key) => hybrid::public_jwk(&key),
    })
}

/// Export a public key (any input `importPublicKey` accepts) as:
/// `"jwk"` → `Jwk`, `"jwks"` → `Jwks` (one key), `"spki-pem"` → PEM string,
/// `"sec1"` → 65 bytes, `"sec1-compressed"` → 33 bytes. A hybrid key has the
/// `"jwk"` and `"jwks"` forms and `"raw"` (the 1216-byte `pk_M || pk_X`);
/// the P-256 forms are `INVALID_KEY` for it, as `"raw"` is for a P-256 key.
// Typed by hand in wasm/ts/keys.d.ts (overloads by the key's suite).
#[wasm_bindgen(js_name = exportPublicKey, skip_typescript)]
pub fn export_public_key(
    #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "PublicKeyInput")]
    public_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PublicKeyFormat")] format: JsValue,
) -> JsResult<JsValue> {
    let format = string_of(&format, 32, || arg_error("unknown format"))?;
    let key = match any_public_key_arg(&public_key, None)? {
        AnyPublicKey::P256(key) => key,
        AnyPublicKey::Hybrid(key) => {
            return match format.as_deref() {
                Some("jwk") => Ok(hybrid::public_jwk(&key)),
                Some("jwks") => {
                    let keys = js_sys::Array::of1(&hybrid::public_jwk(&key));
                    let obj = Object::new();
                    set(&obj, "keys", &keys);
                    Ok(obj.into())
                }
                Some("raw") => Ok(bytes_out(key.to_bytes()).into()),
                Some("spki-pem" | "sec1" | "sec1-compressed") => Err(hazmat::key_error(
                    "an MLKEM768-X25519 key has no PEM or SEC1 form (use \"jwk\" or \"raw\")",
                )
                .js_err()),
                _ => Err(arg_error(
                    "format must be \"jwk\", \"jwks\" or \"raw\" for an MLKEM768-X25519 key",
                )),
            };
        }
    };
    match format.as_deref() {
        Some("jwk") => Ok(jwk_to_js(&key.to_jwk())),
        Some("jwks") => Ok(jwks_to_js(&Jwks::from_public(&key))),
        Some("spki-pem") => Ok(JsValue::from_str(&key.to_spki_pem())),
        Some("sec1") => Ok(bytes_out(&key.to_sec1(false)).into()),
        Some("sec1-compressed") => Ok(bytes_out(&key.to_sec1(true)).into()),
        Some("raw") => Err(hazmat::key_error(
            "\"raw\" is the form of an MLKEM768-X25519 key; a P-256 key has \"sec1\"",
        )
        .js_err()),
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
    // The suite ids say which suite: a hybrid envelope is SUITE_MISMATCH to
    // the P-256 parser, and is read by the hybrid one.
    let (kem, kid, ctx) = match Envelope::parse(&text) {
        Ok(env) => (KEM_ID, env.kid(), env.context().clone()),
        Err(Error::SuiteMismatch { .. }) => {
            let env = HybridEnvelope::parse(&text).js_err()?;
            (HYBRID_KEM_ID, env.kid(), env.context().clone())
        }
        Err(e) => return Err(e.js_err()),
    };
    let obj = Object::new();
    set(&obj, "version", &JsValue::from(1u8));
    set(&obj, "kem", &JsValue::from(kem));
    set(&obj, "kdf", &JsValue::from(KDF_ID));
    set(&obj, "aead", &JsValue::from(AEAD_ID));
    set(&obj, "kid", &JsValue::from_str(&kid));
    set(&obj, "form", &JsValue::from_str(&ctx.form));
    set(&obj, "field", &JsValue::from_str(&ctx.field));
    if let Some(sub) = &ctx.submission {
        set(&obj, "submission", &JsValue::from_str(sub));
    }
    Ok(obj.into())
}
