//! Helpers shared by the native integration tests (vectors, properties, keys).
#![allow(dead_code)]

use std::path::PathBuf;

/// `<CARGO_MANIFEST_DIR>/../shared/vectors`.
pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("shared")
        .join("vectors")
}

/// Read and parse a vector file; panics (fails the test) naming the path if
/// it is missing or not JSON. Vectors are never skipped.
pub fn load_json(rel: &str) -> serde_json::Value {
    let path = vectors_dir().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "test vector file {} is missing or unreadable ({e}); \
             the shared vectors must be present at <repo>/../shared/vectors",
            path.display()
        )
    });
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("test vector file {} is not valid JSON: {e}", path.display()))
}

/// Decode a hex string member of a JSON object (panics naming the member).
pub fn hexf(v: &serde_json::Value, name: &str) -> Vec<u8> {
    let s = v[name]
        .as_str()
        .unwrap_or_else(|| panic!("vector member {name:?} is missing or not a string: {v}"));
    hex::decode(s).unwrap_or_else(|e| panic!("vector member {name:?} is not hex: {e}"))
}

/// A string member.
pub fn strf<'a>(v: &'a serde_json::Value, name: &str) -> &'a str {
    v[name]
        .as_str()
        .unwrap_or_else(|| panic!("vector member {name:?} is missing or not a string"))
}

/// An integer member.
pub fn intf(v: &serde_json::Value, name: &str) -> u64 {
    v[name]
        .as_u64()
        .unwrap_or_else(|| panic!("vector member {name:?} is missing or not an integer"))
}

/// An array member.
pub fn arrf<'a>(v: &'a serde_json::Value, name: &str) -> &'a Vec<serde_json::Value> {
    v[name]
        .as_array()
        .unwrap_or_else(|| panic!("vector member {name:?} is missing or not an array"))
}
