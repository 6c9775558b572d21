//! Sealing: the one-shot `seal` / `sealAsync` and the `Sealer` class.

use std::rc::Rc;

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::args::{
    AnyPublicKey, WebCryptoMode, any_public_key_arg, context_arg, count_arg, kid_option,
    plaintext_arg, seal_items_arg, seal_value_arg, web_crypto_option,
};
use crate::async_sealer::AsyncSealer;
use crate::backend::Backend;
use crate::chain::settled;
use crate::errors::{JsErr, JsResult};
use crate::hybrid::JsHybridSealer;
use crate::out::bytes_out;
use slice_seal::Context;

/// The one-shot seals' arguments, read in order: the key (either suite),
/// the plaintext as `read` takes it, the context.
fn one_shot_args<T>(
    public_key: &JsValue,
    plaintext: &JsValue,
    context: &JsValue,
    read: fn(&JsValue) -> JsResult<T>,
) -> JsResult<(AnyPublicKey, T, Context)> {
    Ok((
        any_public_key_arg(public_key, None)?,
        read(plaintext)?,
        context_arg(context)?,
    ))
}

/// Seal one answer to the recipient's public key.
///
/// `publicKey` is a JWK (or single-key JWKS) object, or its JSON, or a PEM
/// `PUBLIC KEY` string. `plaintext` is a string (sealed as UTF-8) or bytes,
/// at most 4 MiB. `context` names the form and field (and optionally the
/// submission) the answer belongs to; the envelope opens only under it.
///
/// Returns the envelope text (`ss1.…`). To seal many answers to one key,
/// prefer `Sealer`, which parses and checks the key once. The suite follows
/// the key: an AKP JWK (`alg` "MLKEM768-X25519") seals with the hybrid
/// post-quantum suite.
#[wasm_bindgen]
pub fn seal(
    #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "PublicKeyInput")]
    public_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] plaintext: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SealContext")] context: JsValue,
) -> JsResult<String> {
    let (key, plaintext, context) =
        one_shot_args(&public_key, &plaintext, &context, plaintext_arg)?;
    match key {
        AnyPublicKey::P256(key) => slice_seal::seal(&key, &plaintext, &context),
        AnyPublicKey::Hybrid(key) => slice_seal::seal_hybrid(&key, &plaintext, &context),
    }
    .js_err()
}

/// Seal one answer, as `seal`, returning a promise. The P-256 key generation
/// and ECDH run in WebCrypto or in wasm, whichever this page measured faster
/// (`backendTimings()`; wasm where `crypto.subtle` is missing); the key
/// schedule, AES-GCM and the envelope in wasm (AES-GCM of large values by
/// the same kind of measurement). The envelopes are the same either way.
/// A hybrid key's work is all in wasm (WebCrypto has no ML-KEM).
/// Argument errors reject the promise.
#[wasm_bindgen(js_name = sealAsync, unchecked_return_type = "Promise<string>")]
pub fn seal_async(
    #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "PublicKeyInput")]
    public_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] plaintext: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SealContext")] context: JsValue,
) -> Promise {
    match one_shot_args(&public_key, &plaintext, &context, plaintext_arg) {
        Ok((AnyPublicKey::P256(key), plaintext, context)) => {
            AsyncSealer::new(key, WebCryptoMode::Auto).seal_once(plaintext, context)
        }
        Ok((AnyPublicKey::Hybrid(key), plaintext, context)) => settled(
            slice_seal::seal_hybrid(&key, &plaintext, &context)
                .map(JsValue::from)
                .js_err(),
        ),
        Err(e) => Promise::reject(&e),
    }
}

/// Seal one answer, as `sealAsync`, resolving to the envelope's binary body
/// (docs/FORMAT.md "Binary form"): a `Uint8Array` whose unpadded base64url
/// after `ss1.` is the envelope text. For large values: no base64 and no
/// JS string, and from 2 KiB a `Uint8Array` plaintext goes to WebCrypto's
/// AES-GCM as it is, not copied (P-256; a hybrid key's seal is all wasm).
/// The openers (`open`, `Opener.openAsync`, …, the CLI's `open --binary`,
/// the Python package's `open_envelope`) take it.
#[wasm_bindgen(js_name = sealBytesAsync, unchecked_return_type = "Promise<Uint8Array>")]
pub fn seal_bytes_async(
    #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "PublicKeyInput")]
    public_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] plaintext: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SealContext")] context: JsValue,
) -> Promise {
    match one_shot_args(&public_key, &plaintext, &context, seal_value_arg) {
        Ok((AnyPublicKey::P256(key), value, context)) => {
            AsyncSealer::new(key, WebCryptoMode::Auto).seal_bytes_once(value, context)
        }
        Ok((AnyPublicKey::Hybrid(key), value, context)) => settled(
            value
                .to_wasm()
                .and_then(|pt| slice_seal::seal_hybrid_envelope(&key, &pt, &context))
                .map(|env| bytes_out(&env.to_body()).into())
                .js_err(),
        ),
        Err(e) => Promise::reject(&e),
    }
}

/// The recipient of a JS `Sealer`, by its key's suite.
enum Recipient {
    P256(Rc<AsyncSealer>),
    Hybrid(Rc<JsHybridSealer>),
}

/// `.backend`: the backend's name, or `undefined` before the first call.
pub(crate) fn backend_out(b: Option<Backend>) -> JsValue {
    b.map_or(JsValue::UNDEFINED, |b| JsValue::from_str(b.name()))
}

/// A recipient key parsed and checked once, for sealing many answers.
///
/// Pass `{ kid }` to pin the key: the constructor throws `KID_MISMATCH` unless
/// the key's RFC 7638 thumbprint is that kid. Pinning is recommended, so that
/// a swapped key file cannot redirect answers. `sealAsync` does the P-256
/// work in WebCrypto or wasm, whichever the page measured faster
/// (`{ webCrypto: true }` always WebCrypto where it exists, `false` never);
/// `seal` is synchronous and pure wasm. A hybrid (AKP) key seals with the
/// hybrid suite, all in wasm (`backend` "wasm"), its encapsulations prepared
/// by `prepare`/`prepareAsync` alike. Call `free()` (or use `using`) when
/// done: the key lives in wasm memory.
#[wasm_bindgen(js_name = Sealer)]
pub struct JsSealer {
    inner: Recipient,
    kid: String,
}

#[wasm_bindgen(js_class = Sealer)]
impl JsSealer {
    /// Parse and validate `publicKey` (JWK, JWKS, JSON, PEM or SEC1 bytes);
    /// with `options.kid`, refuse a key whose thumbprint differs, and choose
    /// that key from a JWKS.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "PublicKeyInput")]
        public_key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SealerOptions")] options: JsValue,
    ) -> JsResult<JsSealer> {
        let kid = kid_option(&options)?;
        let mode = web_crypto_option(&options)?;
        let key = any_public_key_arg(&public_key, kid.as_deref())?;
        let kid = key.kid();
        let inner = match key {
            AnyPublicKey::P256(key) => Recipient::P256(AsyncSealer::new(key, mode)),
            AnyPublicKey::Hybrid(key) => Recipient::Hybrid(Rc::new(JsHybridSealer::new(*key))),
        };
        Ok(JsSealer { inner, kid })
    }

    /// The key id (RFC 7638 thumbprint) of the recipient key.
    #[wasm_bindgen(getter)]
    pub fn kid(&self) -> String {
        self.kid.clone()
    }

    /// Make up to `count` (at most 256) encapsulations (ephemeral key pair
    /// and ECDH) ahead of time, in wasm, e.g. from `requestIdleCallback`.
    /// Each is used for one answer only. Returns how many are ready (see
    /// `prepared`).
    pub fn prepare(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] count: JsValue,
    ) -> JsResult<u32> {
        let count = count_arg(&count)?;
        match &self.inner {
            Recipient::P256(s) => {
                s.with_sync(|s| s.prepare(count)).js_err()?;
            }
            Recipient::Hybrid(s) => {
                s.prepare(count).js_err()?;
            }
        }
        Ok(self.prepared())
    }

    /// Prepare up to `count` (at most 256) slices' P-256 work ahead of time
    /// for `sealAsync`: whole encapsulations (an ephemeral key pair and its
    /// ECDH with the recipient), made by WebCrypto (non-extractable keys) or
    /// wasm as `sealAsync` would; `sealAsync` then does no P-256 work and
    /// settles at once. Resolves to how many are ready.
    #[wasm_bindgen(js_name = prepareAsync, unchecked_return_type = "Promise<number>")]
    pub fn prepare_async(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] count: JsValue,
    ) -> Promise {
        let count = match count_arg(&count) {
            Ok(c) => c,
            Err(e) => return Promise::reject(&e),
        };
        let inner = match &self.inner {
            Recipient::P256(s) => s.clone(),
            Recipient::Hybrid(s) => return s.prepare_promise(count),
        };
        future_to_promise(async move { Ok((inner.prepare(count).await.js_err()? as u32).into()) })
    }

    /// How many slices are prepared: encapsulations, WebCrypto's and wasm's
    /// (one pool; `seal` and `sealAsync` both use it).
    #[wasm_bindgen(getter)]
    pub fn prepared(&self) -> u32 {
        (match &self.inner {
            Recipient::P256(s) => s.prepared(),
            Recipient::Hybrid(s) => s.prepared(),
        }) as u32
    }

    /// Which implementation did the P-256 work of the last `sealAsync` (or
    /// `sealMany`): `"webcrypto"` or `"wasm"` (`undefined` before the first).
    #[wasm_bindgen(getter, unchecked_return_type = "Backend | undefined")]
    pub fn backend(&self) -> JsValue {
        backend_out(match &self.inner {
            Recipient::P256(s) => s.last_backend(),
            Recipient::Hybrid(s) => s.last_backend(),
        })
    }

    /// Seal one answer synchronously, in wasm; see `seal`.
    pub fn seal(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] plaintext: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SealContext")] context: JsValue,
    ) -> JsResult<String> {
        let plaintext = plaintext_arg(&plaintext)?;
        let context = context_arg(&context)?;
        match &self.inner {
            Recipient::P256(s) => s.seal_sync(&plaintext, &context),
            Recipient::Hybrid(s) => s.seal(&plaintext, &context),
        }
        .js_err()
    }

    /// Seal many answers at once: `items` is an array of
    /// `{plaintext, context}`. Every input is checked before any key pair is
    /// used; prepared encapsulations are used first, then the rest are made
    /// together (WebCrypto's calls all in flight at once, or in wasm).
    /// Resolves to the envelopes in the order of `items`; rejects with the
    /// first error, and then nothing is returned.
    #[wasm_bindgen(js_name = sealMany, unchecked_return_type = "Promise<string[]>")]
    pub fn seal_many(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SealItem[]")] items: JsValue,
    ) -> Promise {
        let items = match seal_items_arg(&items) {
            Ok(i) => i,
            Err(e) => return Promise::reject(&e),
        };
        let to_js = |envelopes: Vec<String>| -> JsValue {
            envelopes
                .into_iter()
                .map(|e| JsValue::from_str(&e))
                .collect::<Array>()
                .into()
        };
        let inner = match &self.inner {
            Recipient::P256(s) => s.clone(),
            Recipient::Hybrid(s) => return settled(s.seal_many(&items).map(to_js).js_err()),
        };
        future_to_promise(async move { Ok(to_js(inner.seal_many(items).await.js_err()?)) })
    }

    /// Seal one answer; see `sealAsync`. Uses what `prepareAsync` made, if
    /// one is ready.
    #[wasm_bindgen(js_name = sealAsync, unchecked_return_type = "Promise<string>")]
    pub fn seal_async(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] plaintext: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SealContext")] context: JsValue,
    ) -> Promise {
        let args = plaintext_arg(&plaintext).and_then(|p| Ok((p, context_arg(&context)?)));
        match args {
            Ok((plaintext, context)) => match &self.inner {
                Recipient::P256(s) => s.seal_promise(plaintext, context),
                Recipient::Hybrid(s) => s.seal_promise(&plaintext, &context),
            },
            Err(e) => Promise::reject(&e),
        }
    }

    /// Seal one answer, as `sealAsync`, resolving to the envelope's binary
    /// body; see `sealBytesAsync`. Uses what `prepareAsync` made, if one is
    /// ready.
    #[wasm_bindgen(js_name = sealBytesAsync, unchecked_return_type = "Promise<Uint8Array>")]
    pub fn seal_bytes_async(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] plaintext: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SealContext")] context: JsValue,
    ) -> Promise {
        let args = seal_value_arg(&plaintext).and_then(|p| Ok((p, context_arg(&context)?)));
        match args {
            Ok((value, context)) => match &self.inner {
                Recipient::P256(s) => s.seal_bytes_promise(value, context),
                Recipient::Hybrid(s) => match value.to_wasm() {
                    Ok(pt) => s.seal_bytes_promise(&pt, &context),
                    Err(e) => Promise::reject(&e.js_err()),
                },
            },
            Err(e) => Promise::reject(&e),
        }
    }
}
