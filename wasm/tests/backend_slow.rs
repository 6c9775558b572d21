//! A page where WebCrypto's P-256 is slow (as in Debian's WebKitGTK): here
//! `crypto.subtle`'s `generateKey` and `deriveBits` are wrapped to wait
//! 40 ms first. The `"auto"` mode measures that and uses wasm from then on
//! (`{ webCrypto: true }` still uses WebCrypto), and the AES-GCM of a large
//! value is still chosen on its own. One test: the measurement is per page.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use js_sys::Function;
use slice_seal_wasm::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

const DELAY_MS: f64 = 40.0;

#[wasm_bindgen_test]
async fn slow_web_crypto_is_measured_and_wasm_chosen() {
    let subtle = subtle_object()
        .expect("crypto.subtle: Node ≥ 19 and the test pages (secure contexts) have it");
    let slow = Function::new_with_args(
        "subtle, ms",
        "for (const n of ['generateKey', 'deriveBits']) {
           const orig = subtle[n];
           subtle[n] = (...a) => new Promise((r) => setTimeout(r, ms)).then(() => orig.apply(subtle, a));
         }",
    );
    slow.call2(&JsValue::NULL, &subtle, &JsValue::from_f64(DELAY_MS))
        .unwrap();
    let p = pair();
    let c = ctx("f", "a");

    // Sealing: WebCrypto first (timed, slow), wasm next (timed), then wasm.
    let sealer = JsSealer::new(p.public.clone(), JsValue::UNDEFINED).unwrap();
    let mut used = Vec::new();
    let mut envs = Vec::new();
    for _ in 0..3 {
        envs.push(settle_str(sealer.seal_async(s("x"), c.clone())).await);
        used.push(sealer.backend().as_string().unwrap());
    }
    assert_eq!(used, ["webcrypto", "wasm", "wasm"]);
    let t = member(&backend_timings(), "seal");
    assert!(
        member(&t, "webcrypto").as_f64().unwrap() >= DELAY_MS,
        "{t:?}"
    );
    assert!(member(&t, "wasm").as_f64().unwrap() < DELAY_MS, "{t:?}");
    assert_eq!(member_str(&t, "choice"), "wasm");

    // From now on no P-256 call: prepareAsync, the one-shot sealAsync, a new
    // Sealer; opening is measured the same way.
    let (log, undo) = spy_subtle().unwrap();
    let fresh = JsSealer::new(p.public.clone(), JsValue::UNDEFINED).unwrap();
    settle(fresh.prepare_async(JsValue::from_f64(3.0)))
        .await
        .unwrap();
    envs.push(settle_str(fresh.seal_async(s("y"), c.clone())).await);
    assert_eq!(fresh.backend().as_string().unwrap(), "wasm");
    envs.push(settle_str(seal_async(p.public.clone(), s("z"), c.clone())).await);
    undo.call0(&JsValue::NULL).unwrap();
    assert_eq!(calls(&log, "generateKey"), 0, "{log:?}");
    assert_eq!(calls(&log, "deriveBits"), 0, "{log:?}");

    // The one-shot seals' wasm P-256 leaves a large value's AES-GCM to its
    // own choice, still open here: the first large unit is WebCrypto's
    // (the one-shot once sealed it all in wasm, 10× slower at 1 MiB).
    let big: Vec<u8> = (0..64 << 10).map(|i| (i % 251) as u8).collect();
    let (log, undo) = spy_subtle().unwrap();
    let body = settle(seal_bytes_async(p.public.clone(), bytes(&big), c.clone())).await;
    undo.call0(&JsValue::NULL).unwrap();
    assert_eq!(
        (calls(&log, "generateKey"), calls(&log, "encrypt")),
        (0, 1),
        "{log:?}"
    );
    assert_eq!(
        to_vec(&open(p.private.clone(), body.unwrap(), c.clone()).unwrap()),
        big
    );
    let t = member(&backend_timings(), "aesGcm");
    assert!(member(&t, "webcrypto").as_f64().is_some(), "{t:?}");

    let opener = JsOpener::new(p.private.clone(), JsValue::UNDEFINED).unwrap();
    let mut used = Vec::new();
    for env in &envs {
        settle(opener.open_text_async(s(env), c.clone()))
            .await
            .unwrap();
        used.push(opener.backend().as_string().unwrap());
    }
    assert_eq!(used, ["webcrypto", "wasm", "wasm", "wasm", "wasm"]);
    let t = member(&backend_timings(), "open");
    assert!(
        member(&t, "webcrypto").as_f64().unwrap() >= DELAY_MS,
        "{t:?}"
    );
    assert_eq!(member_str(&t, "choice"), "wasm");

    // Forced: still WebCrypto (and still slow).
    let forced = JsSealer::new(p.public.clone(), web_always()).unwrap();
    let env = settle_str(forced.seal_async(s("forced"), c.clone())).await;
    assert_eq!(forced.backend().as_string().unwrap(), "webcrypto");
    for name in ["generateKey", "deriveBits"] {
        js_sys::Reflect::delete_property(subtle.unchecked_ref::<js_sys::Object>(), &s(name))
            .unwrap();
    }
    assert_eq!(
        open_text(p.private.clone(), s(&env), c).unwrap(),
        s("forced")
    );
}
