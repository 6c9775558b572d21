//! Opening: the one-shot `open` / `openText` / `openAsync` /
//! `openTextAsync` and the `Opener` class.

use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::args::{
    AnyPrivateKey, EnvelopeIn, WebCryptoMode, any_private_key_arg, envelope_in_arg,
    opt_context_arg, web_crypto_option,
};
use crate::async_opener::AsyncOpener;
use crate::errors::{JsErr, JsResult};
use crate::hybrid::JsHybridOpener;
use crate::out::{OpenedOut, bytes_out, opened_bytes, opened_out, text_out};
use crate::sealer::backend_out;
use slice_seal::Context;

fn open_bytes(
    private_key: &JsValue,
    envelope: &JsValue,
    context: &JsValue,
) -> JsResult<Zeroizing<Vec<u8>>> {
    let key = any_private_key_arg(private_key)?;
    let envelope = envelope_in_arg(envelope)?;
    let expected = opt_context_arg(context)?;
    match key {
        AnyPrivateKey::P256(key) => {
            let opened = envelope
                .parse()
                .and_then(|env| slice_seal::open_envelope(&key, &env, expected.as_ref()))
                .js_err()?;
            Ok(Zeroizing::new(opened.plaintext))
        }
        AnyPrivateKey::Hybrid(key) => JsHybridOpener::new(*key)
            .open(&envelope, expected.as_ref())
            .js_err(),
    }
}

/// Open an envelope with the recipient's private key; returns the plaintext bytes.
///
/// `envelope` is its text (`ss1.…`) or its binary body (a `Uint8Array`, as
/// `sealBytesAsync` makes; docs/FORMAT.md "Binary form"), with the same
/// checks and errors.
///
/// With `context`, the envelope must have been sealed to that form and field
/// (and submission, if given), else `CONTEXT_MISMATCH`. Without it any
/// context is accepted: read it first with `inspect` if you need it.
/// A hybrid (AKP) private key opens hybrid envelopes; the other suite's
/// envelope is `SUITE_MISMATCH`, whichever the key.
#[wasm_bindgen(unchecked_return_type = "Uint8Array")]
pub fn open(
    #[wasm_bindgen(js_name = privateKey, unchecked_param_type = "PrivateKeyInput")]
    private_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] envelope: JsValue,
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
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] envelope: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "SealContext")] context: JsValue,
) -> JsResult<JsValue> {
    text_out(&open_bytes(&private_key, &envelope, &context)?)
}

fn open_async_args(
    envelope: &JsValue,
    context: &JsValue,
) -> JsResult<(EnvelopeIn, Option<Context>)> {
    Ok((envelope_in_arg(envelope)?, opt_context_arg(context)?))
}

/// Open an envelope, as `open`, returning a promise; the ECDH runs in
/// WebCrypto (the private key imported non-extractable) or in wasm,
/// whichever this page measured faster (`backendTimings()`). To open many,
/// prefer `Opener`, which imports the key once.
#[wasm_bindgen(js_name = openAsync, unchecked_return_type = "Promise<Uint8Array>")]
pub fn open_async(
    #[wasm_bindgen(js_name = privateKey, unchecked_param_type = "PrivateKeyInput")]
    private_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] envelope: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "SealContext")] context: JsValue,
) -> Promise {
    one_shot_open(&private_key, &envelope, &context, false)
}

/// As `openAsync`, decoding the plaintext as UTF-8 (`INVALID_UTF8` if it is not).
#[wasm_bindgen(js_name = openTextAsync, unchecked_return_type = "Promise<string>")]
pub fn open_text_async(
    #[wasm_bindgen(js_name = privateKey, unchecked_param_type = "PrivateKeyInput")]
    private_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] envelope: JsValue,
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
        any_private_key_arg(private_key).and_then(|k| Ok((k, open_async_args(envelope, context)?)));
    match args {
        Ok((AnyPrivateKey::P256(key), (env, expected))) => AsyncOpener::new(
            key,
            WebCryptoMode::Auto,
        )
        .open_promise(&env, expected, opened_out(text)),
        Ok((AnyPrivateKey::Hybrid(key), (env, expected))) => {
            JsHybridOpener::new(*key).open_promise(&env, expected.as_ref(), opened_out(text))
        }
        Err(e) => Promise::reject(&e),
    }
}

/// The key of a JS `Opener`, by its suite.
enum Key {
    P256(Rc<AsyncOpener>),
    Hybrid(Box<JsHybridOpener>),
}

/// A private key parsed and checked once, for opening many envelopes.
///
/// `open`/`openText` are synchronous and pure wasm; `openAsync`/`openTextAsync`
/// do the ECDH in WebCrypto (the key imported once, non-extractable) or wasm,
/// whichever the page measured faster (`{ webCrypto: true }` always
/// WebCrypto where it exists, `false` never). A hybrid (AKP) key opens in
/// wasm (`backend` "wasm"). Call `free()` (or use `using`) when done: the
/// key lives in wasm memory.
#[wasm_bindgen(js_name = Opener)]
pub struct JsOpener {
    inner: Key,
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
        let mode = web_crypto_option(&options)?;
        let inner = match any_private_key_arg(&private_key)? {
            AnyPrivateKey::P256(key) => Key::P256(AsyncOpener::new(key, mode)),
            AnyPrivateKey::Hybrid(key) => Key::Hybrid(Box::new(JsHybridOpener::new(*key))),
        };
        Ok(JsOpener { inner })
    }

    /// The key id (RFC 7638 thumbprint) of the key.
    #[wasm_bindgen(getter)]
    pub fn kid(&self) -> String {
        match &self.inner {
            Key::P256(o) => o.core().key().kid(),
            Key::Hybrid(o) => o.kid(),
        }
    }

    /// Which implementation did the ECDH of the last `openAsync`:
    /// `"webcrypto"` or `"wasm"` (`undefined` before the first).
    #[wasm_bindgen(getter, unchecked_return_type = "Backend | undefined")]
    pub fn backend(&self) -> JsValue {
        backend_out(match &self.inner {
            Key::P256(o) => o.last_backend(),
            Key::Hybrid(o) => o.last_backend(),
        })
    }

    /// Open synchronously, in wasm; see `open`.
    #[wasm_bindgen(unchecked_return_type = "Uint8Array")]
    pub fn open(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] envelope: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SealContext")] context: JsValue,
    ) -> JsResult<JsValue> {
        self.open_sync(&envelope, &context, opened_bytes)
    }

    /// As `open`, decoding the plaintext as UTF-8; `INVALID_UTF8` if it is not.
    #[wasm_bindgen(js_name = openText, unchecked_return_type = "string")]
    pub fn open_text(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] envelope: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SealContext")] context: JsValue,
    ) -> JsResult<JsValue> {
        self.open_sync(&envelope, &context, text_out)
    }

    /// Open, as `openAsync`, with this key.
    #[wasm_bindgen(js_name = openAsync, unchecked_return_type = "Promise<Uint8Array>")]
    pub fn open_async(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] envelope: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SealContext")] context: JsValue,
    ) -> Promise {
        self.open_promise(&envelope, &context, false)
    }

    /// As `openAsync`, decoding the plaintext as UTF-8.
    #[wasm_bindgen(js_name = openTextAsync, unchecked_return_type = "Promise<string>")]
    pub fn open_text_async(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] envelope: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SealContext")] context: JsValue,
    ) -> Promise {
        self.open_promise(&envelope, &context, true)
    }

    fn open_sync(
        &self,
        envelope: &JsValue,
        context: &JsValue,
        out: OpenedOut,
    ) -> JsResult<JsValue> {
        let (env, expected) = open_async_args(envelope, context)?;
        let plaintext = match &self.inner {
            Key::P256(o) => Zeroizing::new(
                env.parse()
                    .and_then(|env| o.core().open_envelope(&env, expected.as_ref()))
                    .js_err()?
                    .plaintext,
            ),
            Key::Hybrid(o) => o.open(&env, expected.as_ref()).js_err()?,
        };
        out(&plaintext)
    }

    fn open_promise(&self, envelope: &JsValue, context: &JsValue, text: bool) -> Promise {
        match open_async_args(envelope, context) {
            Ok((env, expected)) => match &self.inner {
                Key::P256(o) => o.open_promise(&env, expected, opened_out(text)),
                Key::Hybrid(o) => o.open_promise(&env, expected.as_ref(), opened_out(text)),
            },
            Err(e) => Promise::reject(&e),
        }
    }
}
