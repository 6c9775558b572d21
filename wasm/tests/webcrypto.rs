//! The async API's WebCrypto path (`{ webCrypto: true }`: WebCrypto
//! wherever it works), checked with spies on `crypto.subtle`: one pool of
//! encapsulations, prepared ones used with no P-256 call, concurrent opens
//! sharing one key import (the hand-chained promises), fallback to wasm,
//! WebCrypto AES-GCM for large slices, `sealMany`.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use slice_seal_wasm::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

/// One pool, whoever made the encapsulations: those made in wasm
/// (`prepare`) and by WebCrypto (`prepareAsync`) are counted together, and
/// `seal` and `sealAsync` both take from it (last made, first used), with no
/// P-256 call left; `backend` names who made the one a `sealAsync` used.
#[wasm_bindgen_test]
async fn sealer_has_one_pool_for_wasm_and_webcrypto_encapsulations() {
    let p = pair();
    let c = ctx_sub("f", "a", "s-1");
    let mut sealer = JsSealer::new(p.public.clone(), web_always()).unwrap();
    let web = subtle_object().is_some();
    assert_eq!(sealer.prepare(JsValue::from_f64(2.0)).unwrap(), 2);
    let ready = settle(sealer.prepare_async(JsValue::from_f64(4.0)))
        .await
        .unwrap();
    assert_eq!(ready.as_f64(), Some(4.0));
    assert_eq!(sealer.prepared(), 4, "both kinds in one count");
    let spy = spy_subtle();
    let first = settle_str(sealer.seal_async(s("one"), c.clone())).await;
    let made_last = if web { "webcrypto" } else { "wasm" };
    assert_eq!(sealer.backend().as_string().unwrap(), made_last);
    let second = sealer.seal(s("two"), c.clone()).unwrap();
    assert_eq!(
        sealer.prepared(),
        2,
        "the sync seal takes from the same pool"
    );
    let third = settle_str(sealer.seal_async(s("three"), c.clone())).await;
    assert_eq!(sealer.backend().as_string().unwrap(), "wasm");
    let fourth = settle_str(sealer.seal_async(s("four"), c.clone())).await;
    assert_eq!(sealer.prepared(), 0);
    if let Some((log, undo)) = spy {
        undo.call0(&JsValue::NULL).unwrap();
        assert_eq!(log.length(), 0, "P-256 work left at sealing: {log:?}");
    }
    let mut encs = std::collections::HashSet::new();
    for (env, want) in [
        (first, "one"),
        (second, "two"),
        (third, "three"),
        (fourth, "four"),
    ] {
        let enc = slice_seal::Envelope::parse(&env).unwrap().enc().to_vec();
        assert!(encs.insert(enc), "ephemeral key reused");
        assert_eq!(
            open_text(p.private.clone(), s(&env), c.clone()).unwrap(),
            s(want)
        );
    }
}

#[wasm_bindgen_test]
async fn sealer_seal_async_uses_webcrypto_and_prepared_keys() {
    let p = pair();
    let kid = member_str(&p.public, "kid");
    let c = ctx_sub("f", "a", "s-1");
    let sealer = JsSealer::new(
        p.public.clone(),
        obj(&[("kid", s(&kid)), ("webCrypto", JsValue::TRUE)]),
    )
    .unwrap();
    assert!(sealer.backend().is_undefined());
    let web = subtle_object().is_some();
    console_log!("crypto.subtle present: {web}");

    let spy = spy_subtle();
    let env = settle_str(sealer.seal_async(s("hello"), c.clone())).await;
    let expected = if web { "webcrypto" } else { "wasm" };
    assert_eq!(sealer.backend().as_string().unwrap(), expected);
    if let Some((log, undo)) = spy {
        undo.call0(&JsValue::NULL).unwrap();
        // Recipient imported once, one key pair generated and exported, one ECDH.
        assert_eq!(calls(&log, "importKey"), 1);
        assert_eq!(calls(&log, "generateKey"), 1);
        assert_eq!(calls(&log, "exportKey"), 1);
        assert_eq!(calls(&log, "deriveBits"), 1);
    }
    assert_eq!(
        open_text(p.private.clone(), s(&env), c.clone()).unwrap(),
        s("hello")
    );
    // The envelope is bound to its context like any other.
    assert_eq!(
        code(open(p.private.clone(), s(&env), ctx_sub("f", "b", "s-1"))),
        "CONTEXT_MISMATCH"
    );

    // Prepared at idle time: whole encapsulations (key pair + ECDH), so
    // sealing then makes no WebCrypto call at all.
    let spy = spy_subtle();
    let ready = settle(sealer.prepare_async(JsValue::from_f64(5.0)))
        .await
        .unwrap();
    assert_eq!(ready.as_f64(), Some(5.0));
    assert_eq!(sealer.prepared(), 5);
    if let Some((log, undo)) = spy {
        undo.call0(&JsValue::NULL).unwrap();
        assert_eq!(calls(&log, "generateKey"), 5);
        assert_eq!(calls(&log, "exportKey"), 5);
        assert_eq!(calls(&log, "deriveBits"), 5);
        assert_eq!(calls(&log, "importKey"), 0, "recipient imported once");
    }
    let spy = spy_subtle();
    let mut encs = std::collections::HashSet::new();
    for i in 0..5u8 {
        let env = settle_str(sealer.seal_async(bytes(&[i; 40]), c.clone())).await;
        let enc = slice_seal::Envelope::parse(&env).unwrap().enc().to_vec();
        assert!(encs.insert(enc), "ephemeral key reused");
        assert_eq!(
            to_vec(&open(p.private.clone(), s(&env), c.clone()).unwrap()),
            [i; 40]
        );
    }
    assert_eq!(sealer.prepared(), 0);
    if let Some((log, undo)) = spy {
        undo.call0(&JsValue::NULL).unwrap();
        assert_eq!(
            log.length(),
            0,
            "WebCrypto called while sealing prepared: {log:?}"
        );
        assert_eq!(sealer.backend().as_string().unwrap(), "webcrypto");
    }
    // Empty and 64 KiB plaintexts.
    let env = settle_str(sealer.seal_async(s(""), c.clone())).await;
    assert_eq!(
        open_text(p.private.clone(), s(&env), c.clone()).unwrap(),
        s("")
    );
    let big = vec![0xa5u8; 64 << 10];
    let env = settle_str(sealer.seal_async(bytes(&big), c.clone())).await;
    assert_eq!(
        to_vec(&open(p.private.clone(), s(&env), c.clone()).unwrap()),
        big
    );

    // Bad arguments reject with the same codes as the sync API.
    assert_eq!(
        code_async(sealer.seal_async(JsValue::from_f64(1.0), c.clone())).await,
        "INVALID_ARGUMENT"
    );
    // A bad input is refused before any WebCrypto call, with nothing
    // prepared and with something prepared (which it leaves unused). The
    // string is within 4 Mi UTF-16 units, so only the check after UTF-8
    // encoding (in `sealAsync`, before any P-256 work) refuses it.
    let too_big = Uint8Array::new_with_length((4 << 20) + 1);
    let too_big_text = s(&"é".repeat((2 << 20) + 1));
    for prepare in [0.0, 1.0] {
        settle(sealer.prepare_async(JsValue::from_f64(prepare)))
            .await
            .unwrap();
        assert_eq!(sealer.prepared(), prepare as u32);
        let spy = spy_subtle();
        assert_eq!(
            code_async(sealer.seal_async(s("x"), ctx("", "a"))).await,
            "INVALID_CONTEXT"
        );
        assert_eq!(
            code_async(sealer.seal_async(too_big.clone().into(), c.clone())).await,
            "INVALID_INPUT"
        );
        assert_eq!(
            code_async(sealer.seal_async(too_big_text.clone(), c.clone())).await,
            "INVALID_INPUT"
        );
        assert_eq!(sealer.prepared(), prepare as u32);
        if let Some((log, undo)) = spy {
            undo.call0(&JsValue::NULL).unwrap();
            assert_eq!(log.length(), 0, "WebCrypto called for a bad input: {log:?}");
        }
    }
    assert_eq!(
        code_async(sealer.prepare_async(JsValue::from_f64(-1.0))).await,
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code(JsSealer::new(
            p.public.clone(),
            obj(&[("webCrypto", s("yes"))])
        )),
        "INVALID_ARGUMENT"
    );
}

#[wasm_bindgen_test]
async fn one_shot_async_calls_and_opener() {
    let p = pair();
    let other = pair();
    let c = ctx("f", "a");
    let env = settle_str(seal_async(p.public.clone(), s("Ada"), c.clone())).await;
    assert_eq!(
        settle(open_text_async(p.private.clone(), s(&env), c.clone()))
            .await
            .unwrap(),
        s("Ada")
    );
    assert_eq!(
        to_vec(
            &settle(open_async(p.private.clone(), s(&env), JsValue::UNDEFINED))
                .await
                .unwrap()
        ),
        b"Ada"
    );
    assert_eq!(
        code_async(seal_async(s("not a key"), s("x"), c.clone())).await,
        "INVALID_KEY"
    );

    let opener = JsOpener::new(p.private.clone(), web_always()).unwrap();
    assert_eq!(opener.kid(), member_str(&p.public, "kid"));
    assert!(opener.backend().is_undefined());
    let spy = spy_subtle();
    for _ in 0..3 {
        assert_eq!(
            settle(opener.open_text_async(s(&env), c.clone()))
                .await
                .unwrap(),
            s("Ada")
        );
    }
    let web = subtle_object().is_some();
    assert_eq!(
        opener.backend().as_string().unwrap(),
        if web { "webcrypto" } else { "wasm" }
    );
    if let Some((log, undo)) = spy {
        undo.call0(&JsValue::NULL).unwrap();
        // The private key once, then each envelope's enc; one ECDH each.
        assert_eq!(calls(&log, "importKey"), 4);
        assert_eq!(calls(&log, "deriveBits"), 3);
    }
    assert_eq!(opener.open_text(s(&env), c.clone()).unwrap(), s("Ada"));
    assert_eq!(to_vec(&opener.open(s(&env), c.clone()).unwrap()), b"Ada");

    // Every failure is the sync API's, in the async API too.
    let mut tampered = body(&env);
    *tampered.last_mut().unwrap() ^= 1;
    let foreign = seal(other.public.clone(), s("x"), c.clone()).unwrap();
    let not_utf8 = seal(p.public.clone(), bytes(&[0xff, 0xfe]), c.clone()).unwrap();
    let cases: Vec<(String, JsValue, &str)> = vec![
        (env.clone(), ctx("f", "b"), "CONTEXT_MISMATCH"),
        (foreign, c.clone(), "KID_MISMATCH"),
        (text(&tampered), c.clone(), "DECRYPT_FAILED"),
        ("ss1.AAAA".into(), c.clone(), "MALFORMED_ENVELOPE"),
        ("ss9.AAAA".into(), c.clone(), "UNSUPPORTED_VERSION"),
        (env.clone(), ctx("", "a"), "INVALID_CONTEXT"),
    ];
    for (e, cx, want) in &cases {
        assert_eq!(code(opener.open(s(e), cx.clone())), *want, "{e}");
        assert_eq!(
            code_async(opener.open_async(s(e), cx.clone())).await,
            *want,
            "{e}"
        );
        assert_eq!(
            code_async(open_async(p.private.clone(), s(e), cx.clone())).await,
            *want,
            "{e}"
        );
    }
    assert_eq!(
        code_async(opener.open_text_async(s(&not_utf8), c.clone())).await,
        "INVALID_UTF8"
    );
    assert_eq!(
        to_vec(
            &settle(opener.open_async(s(&not_utf8), c.clone()))
                .await
                .unwrap()
        ),
        [0xff, 0xfe]
    );
    assert_eq!(
        code_async(opener.open_async(JsValue::from_f64(1.0), c.clone())).await,
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code(JsOpener::new(p.public.clone(), JsValue::UNDEFINED)),
        "INVALID_KEY"
    );
}

#[wasm_bindgen_test]
async fn async_api_falls_back_to_wasm() {
    let p = pair();
    let c = ctx("f", "a");
    // Turned off by option: no WebCrypto call at all.
    let sealer = JsSealer::new(p.public.clone(), obj(&[("webCrypto", JsValue::FALSE)])).unwrap();
    let opener = JsOpener::new(p.private.clone(), obj(&[("webCrypto", JsValue::FALSE)])).unwrap();
    let spy = spy_subtle();
    assert_eq!(
        settle(sealer.prepare_async(JsValue::from_f64(2.0)))
            .await
            .unwrap()
            .as_f64(),
        Some(2.0)
    );
    let env = settle_str(sealer.seal_async(s("off"), c.clone())).await;
    assert_eq!(
        settle(opener.open_text_async(s(&env), c.clone()))
            .await
            .unwrap(),
        s("off")
    );
    assert_eq!(sealer.backend().as_string().unwrap(), "wasm");
    assert_eq!(opener.backend().as_string().unwrap(), "wasm");
    if let Some((log, undo)) = spy {
        undo.call0(&JsValue::NULL).unwrap();
        assert_eq!(log.length(), 0, "WebCrypto was called: {log:?}");
    }

    // No crypto.subtle (an insecure context): everything still works, in wasm.
    without_subtle(|| async {
        let sealer = JsSealer::new(p.public.clone(), JsValue::UNDEFINED).unwrap();
        let env = settle_str(sealer.seal_async(s("plain http"), c.clone())).await;
        assert_eq!(sealer.backend().as_string().unwrap(), "wasm");
        let env2 = settle_str(seal_async(p.public.clone(), s("one-shot"), c.clone())).await;
        let opener = JsOpener::new(p.private.clone(), JsValue::UNDEFINED).unwrap();
        assert_eq!(
            settle(opener.open_text_async(s(&env), c.clone()))
                .await
                .unwrap(),
            s("plain http")
        );
        assert_eq!(opener.backend().as_string().unwrap(), "wasm");
        assert_eq!(
            settle(open_text_async(p.private.clone(), s(&env2), c.clone()))
                .await
                .unwrap(),
            s("one-shot")
        );
    })
    .await;

    // WebCrypto present but failing (e.g. no P-256 ECDH): the call still
    // succeeds in wasm, and that Sealer does not try WebCrypto again.
    let Some(subtle) = subtle_object() else {
        return;
    };
    let reject = Function::new_no_args(
        "return Promise.reject(new DOMException('no ECDH here', 'NotSupportedError'));",
    );
    Reflect::set(&subtle, &s("deriveBits"), &reject).unwrap();
    let sealer = JsSealer::new(p.public.clone(), web_always()).unwrap();
    let opener = JsOpener::new(p.private.clone(), web_always()).unwrap();
    let env = settle_str(sealer.seal_async(s("fallback"), c.clone())).await;
    let opened = settle(opener.open_text_async(s(&env), c.clone())).await;
    Reflect::delete_property(subtle.unchecked_ref::<Object>(), &s("deriveBits")).unwrap();
    assert_eq!(opened.unwrap(), s("fallback"));
    assert_eq!(sealer.backend().as_string().unwrap(), "wasm");
    assert_eq!(opener.backend().as_string().unwrap(), "wasm");
    let spy = spy_subtle();
    let env = settle_str(sealer.seal_async(s("again"), c.clone())).await;
    if let Some((log, undo)) = spy {
        undo.call0(&JsValue::NULL).unwrap();
        assert_eq!(log.length(), 0, "a failed Sealer tried WebCrypto again");
    }
    assert_eq!(
        open_text(p.private.clone(), s(&env), c).unwrap(),
        s("again")
    );
    // A fresh Sealer uses WebCrypto again.
    let fresh = JsSealer::new(p.public.clone(), web_always()).unwrap();
    settle_str(fresh.seal_async(s("x"), ctx("f", "a"))).await;
    assert_eq!(fresh.backend().as_string().unwrap(), "webcrypto");
}

/// `Opener.openAsync`'s promise chain and `Sealer.sealAsync` with prepared
/// encapsulations: concurrent opens share one private-key import, a failing
/// `deriveBits` (rejected or thrown) falls back to wasm, and a call in
/// flight finishes after its `Sealer`/`Opener` is freed.
#[wasm_bindgen_test]
async fn chained_async_calls_share_fall_back_and_outlive_their_owner() {
    let Some(subtle) = subtle_object() else {
        console_log!("no crypto.subtle here: the chains are not used");
        return;
    };
    let p = pair();
    let c = ctx("f", "a");
    let envs: Vec<String> = (0..8u8)
        .map(|i| seal(p.public.clone(), bytes(&[i; 33]), c.clone()).unwrap())
        .collect();

    // Eight opens in flight at once on a fresh Opener: one import of the
    // private key, then one importKey(pkE) and one deriveBits each.
    let opener = JsOpener::new(p.private.clone(), web_always()).unwrap();
    let (log, undo) = spy_subtle().unwrap();
    let all: Array = envs
        .iter()
        .map(|e| opener.open_async(s(e), c.clone()))
        .collect();
    let opened: Array = settle(Promise::all(&all)).await.unwrap().unchecked_into();
    undo.call0(&JsValue::NULL).unwrap();
    for (i, pt) in opened.iter().enumerate() {
        assert_eq!(to_vec(&pt), [i as u8; 33]);
    }
    assert_eq!(calls(&log, "importKey"), 1 + 8);
    assert_eq!(calls(&log, "deriveBits"), 8);
    assert_eq!(opener.backend().as_string().unwrap(), "webcrypto");

    // A sealer on its fast path: recipient imported, encapsulations prepared.
    let sealer = JsSealer::new(p.public.clone(), web_always()).unwrap();
    settle(sealer.prepare_async(JsValue::from_f64(4.0)))
        .await
        .unwrap();
    let env = settle_str(sealer.seal_async(s("first"), c.clone())).await;
    assert_eq!(sealer.backend().as_string().unwrap(), "webcrypto");
    assert_eq!(opener.open_text(s(&env), c.clone()).unwrap(), s("first"));
    assert_eq!(sealer.prepared(), 3);

    // Freed while in flight: the calls still finish.
    let sealing = sealer.seal_async(s("freed sealer"), c.clone());
    let opening = opener.open_text_async(s(&env), c.clone());
    drop(sealer);
    drop(opener);
    let env = settle_str(sealing).await;
    assert_eq!(settle(opening).await.unwrap(), s("first"));
    assert_eq!(
        open_text(p.private.clone(), s(&env), c.clone()).unwrap(),
        s("freed sealer")
    );

    // deriveBits fails, by rejecting and by throwing, for an opener on its
    // chained path, a sealer making its key pair at the call, and a sealer
    // preparing: every call still succeeds, in wasm, and says so.
    let failures = [
        "return Promise.reject(new DOMException('no ECDH here', 'NotSupportedError'));",
        "throw new TypeError('deriveBits is broken');",
    ];
    for body in failures {
        let sealer = JsSealer::new(p.public.clone(), web_always()).unwrap();
        let preparing = JsSealer::new(p.public.clone(), web_always()).unwrap();
        let opener = JsOpener::new(p.private.clone(), web_always()).unwrap();
        settle_str(sealer.seal_async(s("warm"), c.clone())).await;
        settle_str(preparing.seal_async(s("warm"), c.clone())).await;
        settle(opener.open_async(s(&envs[0]), c.clone()))
            .await
            .unwrap();
        assert_eq!(sealer.backend().as_string().unwrap(), "webcrypto");
        assert_eq!(opener.backend().as_string().unwrap(), "webcrypto");

        Reflect::set(&subtle, &s("deriveBits"), &Function::new_no_args(body)).unwrap();
        let env = settle(sealer.seal_async(s("fell back"), c.clone())).await;
        let opened = settle(opener.open_async(s(&envs[1]), c.clone())).await;
        let ready = settle(preparing.prepare_async(JsValue::from_f64(3.0))).await;
        Reflect::delete_property(subtle.unchecked_ref::<Object>(), &s("deriveBits")).unwrap();
        let env = env.unwrap().as_string().unwrap();
        assert_eq!(to_vec(&opened.unwrap()), [1u8; 33], "{body}");
        assert_eq!(sealer.backend().as_string().unwrap(), "wasm", "{body}");
        assert_eq!(opener.backend().as_string().unwrap(), "wasm", "{body}");
        assert_eq!(
            open_text(p.private.clone(), s(&env), c.clone()).unwrap(),
            s("fell back")
        );
        // Prepared in wasm instead; sealing uses those key pairs.
        assert_eq!(ready.unwrap().as_f64(), Some(3.0), "{body}");
        let env = settle_str(preparing.seal_async(s("prepared in wasm"), c.clone())).await;
        assert_eq!(preparing.backend().as_string().unwrap(), "wasm", "{body}");
        assert_eq!(preparing.prepared(), 2);
        assert_eq!(
            open_text(p.private.clone(), s(&env), c.clone()).unwrap(),
            s("prepared in wasm")
        );
    }
}

/// `sealAsync` and `openAsync` encrypt and decrypt ciphertexts of 2 KiB and
/// more (tag included) with WebCrypto's AES-GCM, smaller ones in wasm; a
/// tampered large slice is `DECRYPT_FAILED` (decided in wasm after WebCrypto
/// refuses) and leaves the opener on WebCrypto; a failing `encrypt` or
/// `decrypt` falls back to wasm.
#[wasm_bindgen_test]
async fn large_slices_use_webcrypto_aes() {
    let Some(subtle) = subtle_object() else {
        console_log!("no crypto.subtle here: nothing to check");
        return;
    };
    let p = pair();
    let c = ctx("f", "a");
    let opener = JsOpener::new(p.private.clone(), web_always()).unwrap();
    let warm = seal(p.public.clone(), s("warm"), c.clone()).unwrap();
    settle(opener.open_async(s(&warm), c.clone()))
        .await
        .unwrap();
    // plaintext + 16-byte tag: 2,047 bytes in wasm, 2,048 in WebCrypto.
    for (len, web) in [
        (0usize, false),
        (1024, false),
        (2031, false),
        (2032, true),
        (64 << 10, true),
    ] {
        let pt: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let env = seal(p.public.clone(), bytes(&pt), c.clone()).unwrap();
        let (log, undo) = spy_subtle().unwrap();
        let opened = settle(opener.open_async(s(&env), c.clone())).await.unwrap();
        undo.call0(&JsValue::NULL).unwrap();
        assert_eq!(to_vec(&opened), pt, "{len}");
        assert_eq!(calls(&log, "decrypt"), usize::from(web), "{len}");
        assert_eq!(calls(&log, "importKey"), 1 + usize::from(web), "{len}");
        assert_eq!(opener.backend().as_string().unwrap(), "webcrypto");
    }
    let long = "é".repeat(2000);
    let env = seal(p.public.clone(), s(&long), c.clone()).unwrap();
    assert_eq!(
        settle(opener.open_text_async(s(&env), c.clone()))
            .await
            .unwrap(),
        s(&long)
    );

    // Tampered: WebCrypto refuses, wasm says DECRYPT_FAILED; WebCrypto stays on.
    let big = vec![9u8; 4096];
    let env = seal(p.public.clone(), bytes(&big), c.clone()).unwrap();
    let mut tampered = body(&env);
    *tampered.last_mut().unwrap() ^= 1;
    assert_eq!(
        code_async(opener.open_async(s(&text(&tampered)), c.clone())).await,
        "DECRYPT_FAILED"
    );
    let (log, undo) = spy_subtle().unwrap();
    assert_eq!(
        to_vec(&settle(opener.open_async(s(&env), c.clone())).await.unwrap()),
        big
    );
    undo.call0(&JsValue::NULL).unwrap();
    assert_eq!(
        calls(&log, "decrypt"),
        1,
        "still on WebCrypto after a tampered slice"
    );

    // Sealing: prepared and not, both sides of the threshold; encrypt
    // failing falls back to wasm with the same result.
    let sealer = JsSealer::new(p.public.clone(), web_always()).unwrap();
    for (len, web, prepare) in [
        (2031usize, false, true),
        (2032, true, true),
        (2032, true, false),
        (64 << 10, true, true),
    ] {
        if prepare {
            settle(sealer.prepare_async(JsValue::from_f64(1.0)))
                .await
                .unwrap();
        }
        let pt: Vec<u8> = (0..len).map(|i| (i * 3 % 253) as u8).collect();
        let (log, undo) = spy_subtle().unwrap();
        let env = settle_str(sealer.seal_async(bytes(&pt), c.clone())).await;
        undo.call0(&JsValue::NULL).unwrap();
        assert_eq!(calls(&log, "encrypt"), usize::from(web), "{len} {prepare}");
        assert_eq!(
            calls(&log, "deriveBits"),
            usize::from(!prepare),
            "{len} {prepare}"
        );
        assert_eq!(
            to_vec(&open(p.private.clone(), s(&env), c.clone()).unwrap()),
            pt
        );
        assert_eq!(sealer.backend().as_string().unwrap(), "webcrypto");
    }
    for body_js in [
        "return Promise.reject(new DOMException('no AES here', 'NotSupportedError'));",
        "throw new TypeError('encrypt is broken');",
    ] {
        settle(sealer.prepare_async(JsValue::from_f64(1.0)))
            .await
            .unwrap();
        Reflect::set(&subtle, &s("encrypt"), &Function::new_no_args(body_js)).unwrap();
        let env = settle(sealer.seal_async(bytes(&big), c.clone())).await;
        Reflect::delete_property(subtle.unchecked_ref::<Object>(), &s("encrypt")).unwrap();
        let env = env.unwrap().as_string().unwrap();
        assert_eq!(
            to_vec(&open(p.private.clone(), s(&env), c.clone()).unwrap()),
            big,
            "{body_js}"
        );
    }

    // decrypt rejecting or throwing: the slice still opens, in wasm.
    for body_js in [
        "return Promise.reject(new DOMException('no AES here', 'NotSupportedError'));",
        "throw new TypeError('decrypt is broken');",
    ] {
        Reflect::set(&subtle, &s("decrypt"), &Function::new_no_args(body_js)).unwrap();
        let opened = settle(opener.open_async(s(&env), c.clone())).await;
        Reflect::delete_property(subtle.unchecked_ref::<Object>(), &s("decrypt")).unwrap();
        assert_eq!(to_vec(&opened.unwrap()), big, "{body_js}");
    }
}

#[wasm_bindgen_test]
async fn sealer_seal_many_seals_in_order_and_checks_every_input_first() {
    let p = pair();
    let kid = member_str(&p.public, "kid");
    let sealer = JsSealer::new(p.public.clone(), obj(&[("kid", s(&kid))])).unwrap();
    let item = |pt: JsValue, c: JsValue| obj(&[("plaintext", pt), ("context", c)]);
    // Two prepared, three to make at the call: results in the order of the items.
    settle(sealer.prepare_async(JsValue::from_f64(2.0)))
        .await
        .unwrap();
    let items: js_sys::Array = (0..5u8)
        .map(|i| {
            item(
                s(&format!("answer {i}")),
                ctx_sub("f", &format!("q{i}"), "sub"),
            )
        })
        .collect();
    let out: js_sys::Array = settle(sealer.seal_many(items.into()))
        .await
        .unwrap()
        .unchecked_into();
    assert_eq!(out.length(), 5);
    let mut encs = std::collections::HashSet::new();
    for i in 0..5u8 {
        let env = out.get(u32::from(i));
        let c = ctx_sub("f", &format!("q{i}"), "sub");
        assert_eq!(
            open_text(p.private.clone(), env.clone(), c).unwrap(),
            s(&format!("answer {i}"))
        );
        let enc = slice_seal::Envelope::parse(&env.as_string().unwrap())
            .unwrap()
            .enc()
            .to_vec();
        assert!(encs.insert(enc), "ephemeral key reused");
    }
    assert_eq!(sealer.prepared(), 0);
    // Bytes and the empty array.
    let one: js_sys::Array = [item(bytes(&[1, 2, 3]), ctx("f", "b"))]
        .into_iter()
        .collect();
    let env = settle(sealer.seal_many(one.into())).await.unwrap();
    let env = js_sys::Array::from(&env).get(0);
    assert_eq!(
        to_vec(&open(p.private.clone(), env, ctx("f", "b")).unwrap()),
        [1, 2, 3]
    );
    let none = settle(sealer.seal_many(js_sys::Array::new().into()))
        .await
        .unwrap();
    assert_eq!(js_sys::Array::from(&none).length(), 0);

    // One bad item refuses the whole call, before any prepared key is used.
    settle(sealer.prepare_async(JsValue::from_f64(1.0)))
        .await
        .unwrap();
    let bad: js_sys::Array = [item(s("ok"), ctx("f", "a")), item(s("x"), ctx("", "a"))]
        .into_iter()
        .collect();
    assert_eq!(
        code_async(sealer.seal_many(bad.into())).await,
        "INVALID_CONTEXT"
    );
    assert_eq!(sealer.prepared(), 1, "nothing used by a refused call");
    for arg in [
        JsValue::from_f64(1.0),
        s("items"),
        [JsValue::from_f64(3.0)]
            .into_iter()
            .collect::<js_sys::Array>()
            .into(),
        [obj(&[("plaintext", s("x"))])]
            .into_iter()
            .collect::<js_sys::Array>()
            .into(),
        [item(JsValue::from_f64(1.0), ctx("f", "a"))]
            .into_iter()
            .collect::<js_sys::Array>()
            .into(),
    ] {
        assert_eq!(code_async(sealer.seal_many(arg)).await, "INVALID_ARGUMENT");
    }
    let many: js_sys::Array = (0..257).map(|_| item(s("x"), ctx("f", "a"))).collect();
    assert_eq!(
        code_async(sealer.seal_many(many.into())).await,
        "INVALID_ARGUMENT"
    );
}
