//! JSON text of JWKs and JWK Sets, and the one place that picks how. With
//! the `json` feature, serde_json reads and writes it. Without it (the wasm
//! crate, so serde_json is not in the `.wasm`), the caller's [`JsonReader`]
//! reads it (the host's `JSON.parse`: wasm/src/args.rs) and a small writer
//! writes it.

use crate::error::Result;
use crate::keys::{Jwk, Jwks};

/// Reads the JSON text of a JWK or a JWK Set, for the key-text parsers
/// ([`crate::PublicKey::parse_with`], [`crate::PrivateKey::parse_with`]).
/// Same rules as the `json` feature's serde_json reader: unknown members
/// ignored, `null` = absent, a member of the wrong type is a `KEY_INVALID`
/// error.
pub trait JsonReader {
    /// Parse a JWK.
    fn jwk(&self, json: &str) -> Result<Jwk>;
    /// Parse a JWK Set (a `keys` array of JWKs).
    fn jwks(&self, json: &str) -> Result<Jwks>;
    /// Whether the text is an object with a `keys` member (a JWKS, not a JWK).
    fn is_jwks(&self, json: &str) -> bool;
}

#[cfg(not(feature = "json"))]
pub(crate) use host::*;
#[cfg(feature = "json")]
pub(crate) use native::*;

#[cfg(feature = "json")]
mod native {
    use serde::Deserialize;

    use crate::error::{Error, Result};
    use crate::keys::{Jwk, Jwks};

    pub(crate) fn jwk_from_json(json: &str) -> Result<Jwk> {
        serde_json::from_str(json).map_err(|e| json_error("JWK", &e))
    }

    pub(crate) fn jwks_from_json(json: &str) -> Result<Jwks> {
        #[derive(Deserialize)]
        struct Raw {
            keys: Option<Vec<serde_json::Value>>,
        }
        let raw: Raw = serde_json::from_str(json).map_err(|e| json_error("JWKS", &e))?;
        let keys = raw
            .keys
            .ok_or_else(|| Error::key("JWKS has no \"keys\" array"))?;
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            out.push(serde_json::from_value(k).map_err(|e| json_error("JWK in JWKS", &e))?);
        }
        Ok(Jwks { keys: out })
    }

    /// Whether the object has a `keys` member (a JWKS rather than a JWK).
    pub(crate) fn is_jwks(json: &str) -> bool {
        #[derive(Deserialize)]
        struct Probe {
            keys: Option<serde::de::IgnoredAny>,
        }
        matches!(
            serde_json::from_str::<Probe>(json),
            Ok(Probe { keys: Some(_) })
        )
    }

    /// The members of a JWK except `d`, as compact JSON.
    pub(crate) fn public_jwk_json(jwk: &Jwk) -> String {
        // Serializing plain strings cannot fail.
        serde_json::to_string(jwk).unwrap_or_default()
    }

    pub(crate) fn jwks_to_json(jwks: &Jwks) -> String {
        serde_json::to_string(jwks).unwrap_or_default()
    }

    /// The `json` feature's reader: serde_json.
    pub(crate) struct SerdeJson;

    impl super::JsonReader for SerdeJson {
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

    pub(crate) fn json_error(what: &str, e: &serde_json::Error) -> Error {
        use serde_json::error::Category;
        // The message names the position only: serde's own text may quote values.
        let kind = match e.classify() {
            Category::Syntax | Category::Eof | Category::Io => "is not valid JSON",
            Category::Data => "has a member of the wrong type",
        };
        Error::key(format!(
            "{what} {kind} (line {}, column {})",
            e.line(),
            e.column()
        ))
    }
}

#[cfg(not(feature = "json"))]
mod host {
    use crate::keys::{Jwk, Jwks, push_json_str};

    /// The members of a JWK except `d`, as compact JSON in serde's order.
    pub(crate) fn public_jwk_json(jwk: &Jwk) -> String {
        let mut out = String::from("{");
        let members = [
            ("kty", &jwk.kty),
            ("crv", &jwk.crv),
            ("x", &jwk.x),
            ("y", &jwk.y),
            ("kid", &jwk.kid),
            ("use", &jwk.use_),
            ("alg", &jwk.alg),
        ];
        for (name, value) in members {
            if let Some(v) = value {
                if out.len() > 1 {
                    out.push(',');
                }
                push_json_str(&mut out, name);
                out.push(':');
                push_json_str(&mut out, v);
            }
        }
        out.push('}');
        out
    }

    pub(crate) fn jwks_to_json(jwks: &Jwks) -> String {
        let mut out = String::from("{\"keys\":[");
        for (i, k) in jwks.keys.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&k.to_json());
        }
        out.push_str("]}");
        out
    }
}
