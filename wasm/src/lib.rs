//! wasm-bindgen bindings: a thin layer that converts JS values to core types
//! and core errors to JS `Error`s with a stable `code`. No crypto here.
//! Natively the crate is empty: it builds for wasm32 only.
#![cfg(target_arch = "wasm32")]
// wasm-bindgen's generated glue is `unsafe`; this crate writes none.
#![allow(unsafe_code)]

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

/// A core error as a JS `Error` with its `code`.
pub(crate) fn core_error(e: slice_seal::Error) -> JsValue {
    js_error(e.code(), &e.to_string())
}

/// Core errors (and results) as what the bindings throw: `e.js_err()`,
/// `result.js_err()?` (a `From` impl would be an orphan here).
pub(crate) trait JsErr {
    /// The JS side of `Self`.
    type Js;
    /// Convert, errors as [`core_error`]s.
    fn js_err(self) -> Self::Js;
}

impl JsErr for slice_seal::Error {
    type Js = JsValue;
    fn js_err(self) -> JsValue {
        core_error(self)
    }
}

impl<T> JsErr for slice_seal::Result<T> {
    type Js = Result<T, JsValue>;
    fn js_err(self) -> Result<T, JsValue> {
        self.map_err(core_error)
    }
}
