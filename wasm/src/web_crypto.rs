//! WebCrypto (`crypto.subtle`) as the bindings call it: the externs, the
//! argument objects every call shares, and the small steps around the calls
//! (importing keys, taking results into wasm and wiping the JS copies).
//!
//! Secrets cross between wasm and JS only as buffers wiped at once: the ECDH
//! result (copied into wasm), and what [`import_secret`] hands to
//! `importKey` (the opener's PKCS#8 private key, the AES-GCM key of a large
//! slice). Private keys stay non-extractable `CryptoKey`s.

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use zeroize::Zeroizing;

use crate::errors::JsErr;
use slice_seal::PrivateKey;
use slice_seal::hazmat;

#[wasm_bindgen]
extern "C" {
    /// `crypto.subtle`, called structurally (no `instanceof`).
    pub(crate) type Subtle;
    #[wasm_bindgen(method, catch, js_name = generateKey)]
    pub(crate) fn generate_key(
        this: &Subtle,
        alg: &Object,
        extractable: bool,
        usages: &Array,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = exportKey)]
    pub(crate) fn export_key(
        this: &Subtle,
        format: &JsValue,
        key: &JsValue,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = importKey)]
    pub(crate) fn import_key(
        this: &Subtle,
        format: &JsValue,
        data: &Uint8Array,
        alg: &Object,
        extractable: bool,
        usages: &Array,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn encrypt(
        this: &Subtle,
        alg: &Object,
        key: &JsValue,
        data: &Uint8Array,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub(crate) fn decrypt(
        this: &Subtle,
        alg: &Object,
        key: &JsValue,
        data: &Uint8Array,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = deriveBits)]
    pub(crate) fn derive_bits(
        this: &Subtle,
        alg: &Object,
        key: &JsValue,
        length: u32,
    ) -> Result<Promise, JsValue>;
}

/// `globalThis.crypto.subtle` if it is usable. Looked up when a `Sealer` or
/// `Opener` first needs it (and on every one-shot call), so a page (or a
/// test) may wrap it before.
pub(crate) fn find_subtle() -> Option<Subtle> {
    let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto")).ok()?;
    if !crypto.is_object() {
        return None;
    }
    let subtle = Reflect::get(&crypto, &JsValue::from_str("subtle")).ok()?;
    let has =
        |name: &str| Reflect::get(&subtle, &JsValue::from_str(name)).is_ok_and(|f| f.is_function());
    (subtle.is_object() && has("generateKey") && has("deriveBits") && has("importKey"))
        .then(|| subtle.unchecked_into())
}

/// Another handle on the same `crypto.subtle`.
pub(crate) fn own(s: &Subtle) -> Subtle {
    JsValue::clone(s).unchecked_into()
}

pub(crate) async fn settle(p: Result<Promise, JsValue>) -> Result<JsValue, JsValue> {
    JsFuture::from(p?).await
}

fn obj(pairs: &[(&str, &JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        // Setting a data property on a fresh plain object cannot fail.
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

/// The WebCrypto arguments every call shares, made once: `{name: "ECDH",
/// namedCurve: "P-256"}`, `["deriveBits"]`, `[]` (WebCrypto reads them,
/// never changes them), and the strings the calls use, so that no call
/// converts a Rust string to JS (measured: ~4% of `openAsync`).
pub(crate) struct Args {
    pub(crate) ecdh_p256: Object,
    pub(crate) derive: Array,
    pub(crate) none: Array,
    pub(crate) name: JsValue,
    pub(crate) public: JsValue,
    pub(crate) ecdh: JsValue,
    pub(crate) raw: JsValue,
    pub(crate) pkcs8: JsValue,
    pub(crate) public_key: JsValue,
    pub(crate) private_key: JsValue,
    /// `{name: "AES-GCM"}`, `["decrypt"]` and the strings of `{name, iv}`.
    pub(crate) aes_gcm: Object,
    pub(crate) encrypt: Array,
    pub(crate) decrypt: Array,
    pub(crate) aes_gcm_name: JsValue,
    pub(crate) iv: JsValue,
}

thread_local! {
    pub(crate) static ARGS: Args = Args {
        ecdh_p256: obj(&[
            ("name", &JsValue::from_str("ECDH")),
            ("namedCurve", &JsValue::from_str("P-256")),
        ]),
        derive: Array::of1(&JsValue::from_str("deriveBits")),
        none: Array::new(),
        name: JsValue::from_str("name"),
        public: JsValue::from_str("public"),
        ecdh: JsValue::from_str("ECDH"),
        raw: JsValue::from_str("raw"),
        pkcs8: JsValue::from_str("pkcs8"),
        public_key: JsValue::from_str("publicKey"),
        private_key: JsValue::from_str("privateKey"),
        aes_gcm: obj(&[("name", &JsValue::from_str("AES-GCM"))]),
        encrypt: Array::of1(&JsValue::from_str("encrypt")),
        decrypt: Array::of1(&JsValue::from_str("decrypt")),
        aes_gcm_name: JsValue::from_str("AES-GCM"),
        iv: JsValue::from_str("iv"),
    };
}

/// `{name: "ECDH", public}`: the `deriveBits` algorithm for a peer key.
pub(crate) fn derive_alg(public: &JsValue) -> Object {
    let o = Object::new();
    ARGS.with(|a| {
        // Setting a data property on a fresh plain object cannot fail.
        let _ = Reflect::set(&o, &a.name, &a.ecdh);
        let _ = Reflect::set(&o, &a.public, public);
    });
    o
}

/// `exportKey("raw")`'s output: the 65-byte uncompressed public key.
pub(crate) fn take_enc(raw: &JsValue) -> Result<[u8; 65], JsValue> {
    let raw = Uint8Array::new(raw);
    if raw.length() != 65 {
        return Err(JsValue::from_str("exportKey(raw) did not give 65 bytes"));
    }
    let mut enc = [0u8; 65];
    raw.copy_to(&mut enc);
    Ok(enc)
}

/// `deriveBits`'s output: the 32-byte ECDH value, copied into wasm; the JS
/// buffer is zeroed whatever its length.
pub(crate) fn take_dh(bits: &JsValue) -> Result<Zeroizing<[u8; 32]>, JsValue> {
    let bits = Uint8Array::new(bits);
    let mut dh = Zeroizing::new([0u8; 32]);
    let ok = bits.length() == 32;
    if ok {
        bits.copy_to(dh.as_mut());
    }
    bits.fill(0, 0, bits.length());
    if ok {
        Ok(dh)
    } else {
        Err(JsValue::from_str("deriveBits did not give 32 bytes"))
    }
}

/// `{name: "AES-GCM", iv}`.
pub(crate) fn aes_alg(iv: &Uint8Array) -> Object {
    let alg = Object::new();
    ARGS.with(|a| {
        // Setting a data property on a fresh plain object cannot fail.
        let _ = Reflect::set(&alg, &a.name, &a.aes_gcm_name);
        let _ = Reflect::set(&alg, &a.iv, iv);
    });
    alg
}

pub(crate) fn import_public_promise(subtle: &Subtle, sec1: &[u8]) -> Result<Promise, JsValue> {
    let data = Uint8Array::from(sec1);
    ARGS.with(|a| subtle.import_key(&a.raw, &data, &a.ecdh_p256, true, &a.none))
}

pub(crate) fn import_private_promise(
    subtle: &Subtle,
    key: &PrivateKey,
) -> Result<Promise, JsValue> {
    let der = hazmat::pkcs8_der(key).js_err()?;
    ARGS.with(|a| import_secret(subtle, &a.pkcs8, &der, &a.ecdh_p256, &a.derive))
}

/// `importKey(format, secret, alg, false, usages)`: non-extractable, and the
/// JS copy of `secret` is wiped as soon as the call returns (WebCrypto copies
/// its input before it returns).
pub(crate) fn import_secret(
    subtle: &Subtle,
    format: &JsValue,
    secret: &[u8],
    alg: &Object,
    usages: &Array,
) -> Result<Promise, JsValue> {
    let data = Uint8Array::from(secret);
    let promise = subtle.import_key(format, &data, alg, false, usages);
    data.fill(0, 0, data.length());
    promise
}

/// Ciphertexts (tag included) from this size are sealed and opened with
/// WebCrypto's AES-GCM (`importKey` + `encrypt`/`decrypt`, two more promise
/// steps) rather than in wasm, by the async calls (not by `seal_many`, the
/// form's path, whose fields stay in wasm). Measured in headless Chromium, whole `openAsync`, interleaved:
/// 1 KiB 160 µs wasm vs 180 WebCrypto, 2 KiB 186 vs 186, 4 KiB 236 vs 210,
/// 8 KiB 340 vs 254, 64 KiB 1,720 vs 720. AES-GCM alone: wasm ~6 µs + ~25 ns
/// per byte; WebCrypto 1 MiB 2.7 ms vs wasm 23.5 ms. In `"auto"` mode the
/// page's measurement ([`crate::backend`]) decides between the two above it.
pub(crate) const WEB_AES_MIN: usize = 2048;
