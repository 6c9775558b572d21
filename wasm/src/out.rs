//! Results as JS values: JWKs and sets as plain JSON-compatible objects,
//! bytes as fresh `Uint8Array`s, plaintexts as text.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::JsValue;

use crate::errors::{INVALID_UTF8, JsResult, js_error};
use slice_seal::{Jwk, JwkSecret, Jwks};

/// `obj[key] = value` on a fresh plain object (cannot fail).
pub(crate) fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// A JWK as a plain object, members in the order of the Rust struct (and of
/// its JSON): kty, crv, x, y, d, kid, use, alg; absent members left out.
pub(crate) fn jwk_to_js(jwk: &Jwk) -> JsValue {
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

pub(crate) fn jwks_to_js(keys: &Jwks) -> JsValue {
    let obj = Object::new();
    let list: Array = keys.keys.iter().map(jwk_to_js).collect();
    set(&obj, "keys", &list);
    obj.into()
}

pub(crate) fn bytes_out(b: &[u8]) -> Uint8Array {
    Uint8Array::from(b)
}

/// What an open gives back: the plaintext as bytes or as text.
pub(crate) type OpenedOut = fn(&[u8]) -> JsResult<JsValue>;

/// The plaintext bytes (a fresh `Uint8Array`).
pub(crate) fn opened_bytes(pt: &[u8]) -> JsResult<JsValue> {
    Ok(bytes_out(pt).into())
}

/// A plaintext as a JS string, or `INVALID_UTF8`.
pub(crate) fn text_out(pt: &[u8]) -> JsResult<JsValue> {
    match core::str::from_utf8(pt) {
        Ok(s) => Ok(JsValue::from_str(s)),
        Err(_) => Err(js_error(INVALID_UTF8, "plaintext is not valid UTF-8")),
    }
}

pub(crate) fn opened_out(text: bool) -> OpenedOut {
    if text { text_out } else { opened_bytes }
}
