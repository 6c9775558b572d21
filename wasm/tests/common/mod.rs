//! Helpers shared by the wasm-bindgen-test files (wasm/tests/*.rs): JS
//! values made and read from Rust, key pairs, error codes, promises, and
//! spies on `crypto.subtle`. Each test file uses some of them.
#![allow(dead_code)]

use base64ct::{Base64UrlUnpadded, Encoding};
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use slice_seal_wasm::generate_key_pair;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

pub fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}

pub fn obj(members: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in members {
        Reflect::set(&o, &s(k), v).unwrap();
    }
    o.into()
}

pub fn ctx(form: &str, field: &str) -> JsValue {
    obj(&[("form", s(form)), ("field", s(field))])
}

pub fn ctx_sub(form: &str, field: &str, sub: &str) -> JsValue {
    obj(&[
        ("form", s(form)),
        ("field", s(field)),
        ("submission", s(sub)),
    ])
}

pub fn member(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &s(k)).unwrap()
}

pub fn member_str(o: &JsValue, k: &str) -> String {
    member(o, k)
        .as_string()
        .unwrap_or_else(|| panic!("{k} is not a string"))
}

/// A copy of a JWK object with one member replaced (or removed with `None`).
pub fn with(o: &JsValue, k: &str, v: Option<JsValue>) -> JsValue {
    let c = Object::assign(&Object::new(), o.unchecked_ref());
    match v {
        Some(v) => {
            Reflect::set(&c, &s(k), &v).unwrap();
        }
        None => {
            Reflect::delete_property(&c, &s(k)).unwrap();
        }
    }
    c.into()
}

pub fn bytes(b: &[u8]) -> JsValue {
    Uint8Array::from(b).into()
}

pub fn to_vec(v: &JsValue) -> Vec<u8> {
    v.dyn_ref::<Uint8Array>().expect("a Uint8Array").to_vec()
}

pub struct Pair {
    pub public: JsValue,
    pub private: JsValue,
}

pub fn pair() -> Pair {
    let kp = generate_key_pair(JsValue::UNDEFINED).expect("generateKeyPair");
    Pair {
        public: member(&kp, "publicKey"),
        private: member(&kp, "privateKey"),
    }
}

/// The `code` of a thrown value, after checking it is a `SliceSealError`.
pub fn code<T>(r: Result<T, JsValue>) -> String {
    let Err(e) = r else {
        panic!("expected an error, got a result");
    };
    let err = e
        .dyn_ref::<js_sys::Error>()
        .unwrap_or_else(|| panic!("thrown value is not an Error: {e:?}"));
    assert_eq!(String::from(err.name()), "SliceSealError");
    let message = String::from(err.message());
    assert!(!message.is_empty(), "empty message");
    member(&e, "code")
        .as_string()
        .unwrap_or_else(|| panic!("error without a string code: {message}"))
}

pub fn body(envelope: &str) -> Vec<u8> {
    Base64UrlUnpadded::decode_vec(envelope.strip_prefix("ss1.").unwrap()).unwrap()
}

pub fn text(body: &[u8]) -> String {
    format!("ss1.{}", Base64UrlUnpadded::encode_string(body))
}

pub fn hex(h: &str) -> Vec<u8> {
    (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
        .collect()
}

/// Options that make a `Sealer`/`Opener` use WebCrypto wherever it works
/// (not the page's measured choice): for the tests of the WebCrypto path.
pub fn web_always() -> JsValue {
    obj(&[("webCrypto", JsValue::TRUE)])
}

pub async fn settle(p: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p).await
}

pub async fn settle_str(p: Promise) -> String {
    settle(p)
        .await
        .expect("resolves")
        .as_string()
        .expect("a string")
}

/// `globalThis.crypto.subtle`, if this runtime has it.
pub fn subtle_object() -> Option<JsValue> {
    let crypto = Reflect::get(&js_sys::global(), &s("crypto")).ok()?;
    let subtle = Reflect::get(&crypto, &s("subtle")).ok()?;
    subtle.is_object().then_some(subtle)
}

/// Count calls to WebCrypto methods: returns the call log and an undo (which
/// puts back any wrapper a test had installed).
pub fn spy_subtle() -> Option<(Array, Function)> {
    let subtle = subtle_object()?;
    let install = Function::new_with_args(
        "subtle, log",
        "const names = ['generateKey', 'deriveBits', 'exportKey', 'importKey', 'encrypt', 'decrypt'];
         const saved = names.map((n) => Object.getOwnPropertyDescriptor(subtle, n));
         for (const n of names) {
           const orig = subtle[n];
           subtle[n] = function (...a) { log.push(n); return orig.apply(this, a); };
         }
         return () => names.forEach((n, i) => {
           if (saved[i]) Object.defineProperty(subtle, n, saved[i]); else delete subtle[n];
         });",
    );
    let log = Array::new();
    let undo = install.call2(&JsValue::NULL, &subtle, &log).unwrap();
    Some((log, undo.unchecked_into()))
}

pub fn calls(log: &Array, name: &str) -> usize {
    log.iter()
        .filter(|v| v.as_string().as_deref() == Some(name))
        .count()
}

/// Run `f` with `crypto.subtle` hidden (as in an insecure context).
pub async fn without_subtle<F: std::future::Future<Output = ()>>(f: impl FnOnce() -> F) {
    let crypto = Reflect::get(&js_sys::global(), &s("crypto")).unwrap();
    let hide = Function::new_with_args(
        "c",
        "Object.defineProperty(c, 'subtle', { value: undefined, configurable: true });",
    );
    hide.call1(&JsValue::NULL, &crypto).unwrap();
    assert!(subtle_object().is_none());
    f().await;
    Reflect::delete_property(crypto.unchecked_ref::<Object>(), &s("subtle")).unwrap();
}

pub async fn code_async(p: Promise) -> String {
    code(settle(p).await)
}

pub fn memory_bytes() -> f64 {
    let mem: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    mem.buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}

/// Let the event loop run a task (a `setTimeout(0)`), so a long test does not
/// block the page: chromedriver gives up on a renderer busy for 30 s.
pub async fn yield_to_event_loop() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let set_timeout: Function =
            Reflect::get(&js_sys::global(), &JsValue::from_str("setTimeout"))
                .expect("setTimeout exists in Node and browsers")
                .unchecked_into();
        set_timeout
            .call2(&JsValue::UNDEFINED, &resolve, &JsValue::from(0))
            .expect("setTimeout accepts a function");
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .expect("the timer promise resolves");
}
