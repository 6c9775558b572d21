//! The async API's `"auto"` mode (the default) on a fresh page: each kind of
//! work (P-256 encapsulation, opening, AES-GCM of large values) is done once
//! through WebCrypto and once through wasm, both timed and both used, and
//! from then on by the faster — the argmin of what `backendTimings()`
//! reports, whatever the engine. One test: the measurement is per page.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use slice_seal_wasm::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

/// `seal`, `open` or `aesGcm` of `backendTimings()`.
fn timing(work: &str) -> JsValue {
    member(&backend_timings(), work)
}

/// The faster of a timing's two figures (WebCrypto on a tie).
fn argmin(t: &JsValue) -> &'static str {
    let w = member(t, "webcrypto")
        .as_f64()
        .expect("WebCrypto was timed");
    let m = member(t, "wasm").as_f64().expect("wasm was timed");
    if m < w { "wasm" } else { "webcrypto" }
}

#[wasm_bindgen_test]
async fn auto_mode_times_both_backends_once_and_uses_the_faster() {
    assert!(
        subtle_object().is_some(),
        "crypto.subtle: Node ≥ 19 and the test pages (secure contexts) have it"
    );
    for work in ["seal", "open", "aesGcm"] {
        let t = timing(work);
        assert!(member(&t, "choice").is_undefined(), "{work}: no choice yet");
        assert!(member(&t, "webcrypto").is_undefined());
    }
    let p = pair();
    let c = ctx("f", "a");

    // Sealing: prepareAsync(3) makes one encapsulation through WebCrypto and
    // one through wasm (timed), then the third by the faster.
    let mut sealer = JsSealer::new(p.public.clone(), JsValue::UNDEFINED).unwrap();
    let (log, undo) = spy_subtle().unwrap();
    let ready = settle(sealer.prepare_async(JsValue::from_f64(3.0)))
        .await
        .unwrap();
    undo.call0(&JsValue::NULL).unwrap();
    assert_eq!(ready.as_f64(), Some(3.0));
    let t = timing("seal");
    let choice = argmin(&t);
    console_log!(
        "seal: {:?} -> {choice}",
        js_sys::JSON::stringify(&t).unwrap()
    );
    assert_eq!(member_str(&t, "choice"), choice);
    assert_eq!(
        calls(&log, "generateKey"),
        1 + usize::from(choice == "webcrypto")
    );
    // The pool is used last made first: the choice's, wasm's, WebCrypto's.
    let mut envs = Vec::new();
    for want in [choice, "wasm", "webcrypto"] {
        envs.push(settle_str(sealer.seal_async(s("prepared"), c.clone())).await);
        assert_eq!(sealer.backend().as_string().unwrap(), want);
    }
    // Nothing prepared: the faster, for this sealer, a new one and the one-shot call.
    envs.push(settle_str(sealer.seal_async(s("made now"), c.clone())).await);
    assert_eq!(sealer.backend().as_string().unwrap(), choice);
    let fresh = JsSealer::new(p.public.clone(), JsValue::UNDEFINED).unwrap();
    let (log, undo) = spy_subtle().unwrap();
    envs.push(settle_str(fresh.seal_async(s("fresh"), c.clone())).await);
    envs.push(settle_str(seal_async(p.public.clone(), s("one-shot"), c.clone())).await);
    undo.call0(&JsValue::NULL).unwrap();
    assert_eq!(fresh.backend().as_string().unwrap(), choice);
    assert_eq!(
        calls(&log, "generateKey"),
        2 * usize::from(choice == "webcrypto")
    );
    assert_eq!(
        member_str(&timing("seal"), "choice"),
        choice,
        "measured once"
    );
    for env in &envs {
        open_text(p.private.clone(), s(env), c.clone()).unwrap();
    }

    // Opening: the first openAsync through WebCrypto, the second through
    // wasm (both timed), then the faster.
    let opener = JsOpener::new(p.private.clone(), JsValue::UNDEFINED).unwrap();
    let mut used = Vec::new();
    for env in &envs[..4] {
        settle(opener.open_text_async(s(env), c.clone()))
            .await
            .unwrap();
        used.push(opener.backend().as_string().unwrap());
    }
    let t = timing("open");
    let choice = argmin(&t);
    console_log!(
        "open: {:?} -> {choice}",
        js_sys::JSON::stringify(&t).unwrap()
    );
    assert_eq!(member_str(&t, "choice"), choice);
    assert_eq!(used, ["webcrypto", "wasm", choice, choice]);
    let (log, undo) = spy_subtle().unwrap();
    settle(open_text_async(p.private.clone(), s(&envs[0]), c.clone()))
        .await
        .unwrap();
    undo.call0(&JsValue::NULL).unwrap();
    assert_eq!(
        calls(&log, "deriveBits"),
        usize::from(choice == "webcrypto")
    );

    // AES-GCM of large values (64 KiB): WebCrypto's `encrypt` once, wasm's
    // once, then the faster, for sealing and opening alike.
    sealer.prepare(JsValue::from_f64(4.0)).unwrap();
    let big: Vec<u8> = (0..64 << 10).map(|i| (i % 251) as u8).collect();
    let mut encrypts = Vec::new();
    let mut large = Vec::new();
    for _ in 0..3 {
        let (log, undo) = spy_subtle().unwrap();
        large.push(settle_str(sealer.seal_async(bytes(&big), c.clone())).await);
        undo.call0(&JsValue::NULL).unwrap();
        encrypts.push(calls(&log, "encrypt"));
    }
    let t = timing("aesGcm");
    let choice = argmin(&t);
    console_log!(
        "aesGcm: {:?} -> {choice}",
        js_sys::JSON::stringify(&t).unwrap()
    );
    assert_eq!(member_str(&t, "choice"), choice);
    let web = usize::from(choice == "webcrypto");
    assert_eq!(encrypts, [1, 0, web]);
    let (log, undo) = spy_subtle().unwrap();
    for env in &large {
        let opened = settle(opener.open_async(s(env), c.clone())).await.unwrap();
        assert_eq!(to_vec(&opened), big);
    }
    undo.call0(&JsValue::NULL).unwrap();
    assert_eq!(calls(&log, "decrypt"), 3 * web);
    // And the option: "auto" is the default, by name too.
    assert!(JsSealer::new(p.public.clone(), obj(&[("webCrypto", s("auto"))])).is_ok());
}
