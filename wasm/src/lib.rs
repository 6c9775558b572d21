//! wasm-bindgen bindings: a thin layer that converts JS values to core types
//! and core errors to JS `Error`s with a stable `code`. No crypto here.

use wasm_bindgen::prelude::*;

pub mod api;
pub(crate) mod json;
mod webcrypto;

/// A JS `Error` with `name` = `SliceSealError` and a stable `code` property.
pub(crate) fn js_error(code: &str, message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    e.set_name("SliceSealError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&e, &JsValue::from_str("code"), &JsValue::from_str(code));
    e.into()
}

impl From<crate::Error> for JsValue {
    fn from(e: crate::Error) -> JsValue {
        js_error(e.code(), &e.to_string())
    }
}
