//! JSON on wasm32 without serde_json (the core is built without its `json` feature): the host's `JSON.parse`, then the
//! members read with `Reflect` (the same rules as the serde path natively:
//! unknown members ignored, `null` = absent, a member of the wrong type or a
//! top level that is not an object is an error). Messages carry no line and
//! column (JSON.parse does not report them portably).

use js_sys::{Array, JSON, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use slice_seal::hazmat;
use slice_seal::{Error, JsonReader, Jwk, JwkSecret, Jwks, Result};

/// The core's key-text parsers read JSON with this: the host's `JSON.parse`.
pub(crate) struct HostJson;

impl JsonReader for HostJson {
    fn jwk(&self, json: &str) -> Result<Jwk> {
        jwk_from_json(json)
    }
    fn jwks(&self, json: &str) -> Result<Jwks> {
        jwks_from_json(json)
    }
    fn is_jwks(&self, json: &str) -> bool {
        is_jwks(json)
    }
}

fn parse(json: &str, what: &str) -> Result<JsValue> {
    JSON::parse(json).map_err(|_| hazmat::key_error(format!("{what} is not valid JSON")))
}

fn is_object(v: &JsValue) -> bool {
    v.is_object() && !Array::is_array(v)
}

fn wrong_type(what: &str) -> Error {
    hazmat::key_error(format!("{what} has a member of the wrong type"))
}

/// A member that is absent/null, or a string.
fn member(obj: &JsValue, name: &str, what: &str) -> Result<Option<String>> {
    let v = Reflect::get(obj, &JsValue::from_str(name)).map_err(|_| wrong_type(what))?;
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| wrong_type(what))
}

fn jwk_from_value(v: &JsValue, what: &str) -> Result<Jwk> {
    if !is_object(v) {
        return Err(wrong_type(what));
    }
    Ok(Jwk {
        kty: member(v, "kty", what)?,
        crv: member(v, "crv", what)?,
        x: member(v, "x", what)?,
        y: member(v, "y", what)?,
        d: member(v, "d", what)?.map(JwkSecret::new),
        kid: member(v, "kid", what)?,
        use_: member(v, "use", what)?,
        alg: member(v, "alg", what)?,
    })
}

pub(crate) fn jwk_from_json(json: &str) -> Result<Jwk> {
    jwk_from_value(&parse(json, "JWK")?, "JWK")
}

fn keys_of(v: &JsValue) -> Option<JsValue> {
    let keys = Reflect::get(v, &JsValue::from_str("keys")).ok()?;
    (!keys.is_undefined() && !keys.is_null()).then_some(keys)
}

pub(crate) fn jwks_from_json(json: &str) -> Result<Jwks> {
    let v = parse(json, "JWKS")?;
    if !is_object(&v) {
        return Err(wrong_type("JWKS"));
    }
    let keys = keys_of(&v).ok_or_else(|| hazmat::key_error("JWKS has no \"keys\" array"))?;
    let keys: Array = keys.dyn_into().map_err(|_| wrong_type("JWKS"))?;
    let mut out = Vec::with_capacity(keys.length() as usize);
    for k in keys.iter() {
        out.push(jwk_from_value(&k, "JWK in JWKS")?);
    }
    Ok(Jwks { keys: out })
}

pub(crate) fn is_jwks(json: &str) -> bool {
    matches!(JSON::parse(json), Ok(v) if is_object(&v) && keys_of(&v).is_some())
}
