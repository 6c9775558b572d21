//! The bindings' one error type on the JS side: an `Error` named
//! `SliceSealError` with a stable `code` (the core's codes, plus the two
//! binding-level ones below).

use wasm_bindgen::JsValue;

/// Binding-level code: a JS argument has the wrong type or a required member
/// is missing.
pub const INVALID_ARGUMENT: &str = "INVALID_ARGUMENT";
/// Binding-level code: `openText` opened a plaintext that is not UTF-8.
pub const INVALID_UTF8: &str = "INVALID_UTF8";

pub(crate) type JsResult<T> = Result<T, JsValue>;

/// A JS `Error` with `name` = `SliceSealError` and a stable `code` property.
pub(crate) fn js_error(code: &str, message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    e.set_name("SliceSealError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&e, &JsValue::from_str("code"), &JsValue::from_str(code));
    e.into()
}

/// An `INVALID_ARGUMENT` error.
pub(crate) fn arg_error(msg: &str) -> JsValue {
    js_error(INVALID_ARGUMENT, msg)
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
