//! 100,000 seals through one `Sealer` keep wasm memory flat.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use slice_seal_wasm::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

/// 100,000 seals through one `Sealer` leave wasm memory flat.
#[wasm_bindgen_test]
async fn hundred_thousand_seals_keep_memory_flat() {
    let p = pair();
    let kid = member_str(&p.public, "kid");
    let c = ctx_sub("memory-test", "field", "submission");
    let mut sealer = JsSealer::new(p.public.clone(), obj(&[("kid", s(&kid))])).unwrap();
    let pt = s("a typical answer of a few dozen bytes, e.g. 1990-04-01");
    let mut last = String::new();
    for _ in 0..1_000 {
        last = sealer.seal(pt.clone(), c.clone()).unwrap();
    }
    let before = memory_bytes();
    let mut ms = 0.0;
    for _ in 0..50 {
        let t0 = js_sys::Date::now();
        for _ in 0..2_000 {
            last = sealer.seal(pt.clone(), c.clone()).unwrap();
        }
        ms += js_sys::Date::now() - t0;
        yield_to_event_loop().await;
    }
    let after = memory_bytes();
    // Also: 1,000 Sealers made and dropped, 1,000 one-shot seals.
    for _ in 0..1_000 {
        let mut s2 = JsSealer::new(p.public.clone(), JsValue::UNDEFINED).unwrap();
        s2.seal(pt.clone(), c.clone()).unwrap();
        seal(p.public.clone(), pt.clone(), c.clone()).unwrap();
    }
    let end = memory_bytes();
    console_log!(
        "memory: after 1,000 warm-up seals {before} bytes; after 100,000 more {after} bytes \
         (growth {}); after 1,000 Sealer new/drop + 1,000 seal() {end} bytes; \
         {:.3} ms per Sealer.seal",
        after - before,
        ms / 100_000.0
    );
    assert_eq!(open_text(p.private, s(&last), c).unwrap(), pt);
    assert!(
        after - before <= 65_536.0,
        "grew by {} bytes",
        after - before
    );
    assert!(end - before <= 65_536.0, "grew by {} bytes", end - before);
}
