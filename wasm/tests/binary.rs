//! The binary envelope form (docs/FORMAT.md "Binary form"): `sealBytesAsync`
//! (one-shot and `Sealer`) resolves to the body whose base64url is the
//! envelope text; every opener takes it with the text form's checks and
//! errors; from 2 KiB a `Uint8Array` plaintext is handed to WebCrypto's
//! `encrypt` itself (no copy), and a failing `encrypt` falls back to wasm.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use slice_seal_wasm::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 11 % 253) as u8).collect()
}

/// Open `body` every way there is (sync and async, one-shot and `Opener`,
/// bytes and text) and check each gives `pt`; its text form opens too.
async fn opens_everywhere(p: &Pair, body: &[u8], pt: &[u8], c: &JsValue) {
    let b = || JsValue::from(Uint8Array::from(body));
    let opener = JsOpener::new(p.private.clone(), JsValue::UNDEFINED).unwrap();
    let web = JsOpener::new(p.private.clone(), web_always()).unwrap();
    assert_eq!(
        to_vec(&open(p.private.clone(), b(), c.clone()).unwrap()),
        pt
    );
    assert_eq!(to_vec(&opener.open(b(), c.clone()).unwrap()), pt);
    for o in [&opener, &web] {
        assert_eq!(
            to_vec(&settle(o.open_async(b(), c.clone())).await.unwrap()),
            pt
        );
    }
    let one = settle(open_async(p.private.clone(), b(), c.clone())).await;
    assert_eq!(to_vec(&one.unwrap()), pt);
    assert_eq!(
        to_vec(&open(p.private.clone(), s(&text(body)), c.clone()).unwrap()),
        pt
    );
}

#[wasm_bindgen_test]
async fn bytes_round_trip_through_every_opener() {
    let p = pair();
    let c = ctx_sub("f", "a", "s-1");
    for mode in [
        JsValue::UNDEFINED,
        web_always(),
        obj(&[("webCrypto", JsValue::FALSE)]),
    ] {
        let sealer = JsSealer::new(p.public.clone(), mode).unwrap();
        for (len, prepare) in [
            (0usize, false),
            (2031, true),
            (2032, false),
            (2032, true),
            (70_000, false),
        ] {
            if prepare {
                settle(sealer.prepare_async(JsValue::from_f64(1.0)))
                    .await
                    .unwrap();
            }
            let pt = pattern(len);
            let body = to_vec(
                &settle(sealer.seal_bytes_async(bytes(&pt), c.clone()))
                    .await
                    .unwrap(),
            );
            // Suite, kid, info_len (40), info (26: label, f, a, s-1), enc, ct, tag.
            assert_eq!(body.len(), 40 + 26 + 65 + len + 16, "{len}");
            assert!(sealer.backend().is_string());
            opens_everywhere(&p, &body, &pt, &c).await;
            let one = settle(seal_bytes_async(p.public.clone(), bytes(&pt), c.clone())).await;
            opens_everywhere(&p, &to_vec(&one.unwrap()), &pt, &c).await;
        }
    }
    // A string is sealed as its UTF-8; openText reads the body too.
    let long = "é".repeat(3000);
    let body = settle(seal_bytes_async(p.public.clone(), s(&long), c.clone()))
        .await
        .unwrap();
    assert_eq!(
        open_text(p.private.clone(), body.clone(), c.clone()).unwrap(),
        s(&long)
    );
    let opener = JsOpener::new(p.private.clone(), JsValue::UNDEFINED).unwrap();
    let got = settle(opener.open_text_async(body, c.clone()))
        .await
        .unwrap();
    assert_eq!(got, s(&long));
}

/// From 2 KiB, with WebCrypto: one `encrypt`, given the caller's own
/// `Uint8Array` (not a copy), and the plaintext is not wiped (it is the
/// caller's); below, no `encrypt`. A failing `encrypt` falls back to wasm.
#[wasm_bindgen_test]
async fn large_bytes_go_to_encrypt_as_they_are() {
    let Some(subtle) = subtle_object() else {
        console_log!("no crypto.subtle here: nothing to check");
        return;
    };
    let p = pair();
    let c = ctx("f", "a");
    let sealer = JsSealer::new(p.public.clone(), web_always()).unwrap();
    let watch = Function::new_with_args(
        "subtle, seen",
        "const orig = subtle.encrypt;
         subtle.encrypt = function (alg, key, data) { seen.push(data); return orig.call(this, alg, key, data); };
         return () => { delete subtle.encrypt; };",
    );
    for (len, web) in [(2031usize, false), (2032, true), (1 << 20, true)] {
        let pt = pattern(len);
        let given = Uint8Array::from(&pt[..]);
        let seen = Array::new();
        let undo: Function = watch
            .call2(&JsValue::NULL, &subtle, &seen)
            .unwrap()
            .unchecked_into();
        let body = settle(sealer.seal_bytes_async(given.clone().into(), c.clone())).await;
        undo.call0(&JsValue::NULL).unwrap();
        assert_eq!(seen.length(), u32::from(web), "{len}");
        if web {
            assert!(
                Object::is(&seen.get(0), &given),
                "encrypt got a copy, {len}"
            );
        }
        assert_eq!(
            given.to_vec(),
            pt,
            "the caller's bytes are left as they were"
        );
        opens_everywhere(&p, &to_vec(&body.unwrap()), &pt, &c).await;
        assert_eq!(sealer.backend().as_string().unwrap(), "webcrypto");
    }
    let pt = pattern(4096);
    for body_js in [
        "return Promise.reject(new DOMException('no AES here', 'NotSupportedError'));",
        "throw new TypeError('encrypt is broken');",
    ] {
        Reflect::set(&subtle, &s("encrypt"), &Function::new_no_args(body_js)).unwrap();
        let body = settle(sealer.seal_bytes_async(bytes(&pt), c.clone())).await;
        Reflect::delete_property(subtle.unchecked_ref::<Object>(), &s("encrypt")).unwrap();
        opens_everywhere(&p, &to_vec(&body.unwrap()), &pt, &c).await;
    }
}

/// A bad body gets the same error (code and message) as its text form, from
/// every opener: truncated header, truncated after it, another suite, the
/// hybrid suite, a flipped tag; a body longer than any slice is refused
/// before it is copied; a wrong type is INVALID_ARGUMENT.
#[wasm_bindgen_test]
async fn bad_bodies_have_the_text_forms_errors() {
    let p = pair();
    let c = ctx("f", "a");
    let good = to_vec(
        &settle(seal_bytes_async(p.public.clone(), s("hello"), c.clone()))
            .await
            .unwrap(),
    );
    let with = |i: usize, x: u8| {
        let mut b = good.clone();
        b[i] ^= x;
        b
    };
    let mut tag = good.clone();
    *tag.last_mut().unwrap() ^= 1;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", vec![], "MALFORMED_ENVELOPE"),
        (
            "truncated header",
            good[..39].to_vec(),
            "MALFORMED_ENVELOPE",
        ),
        (
            "truncated body",
            good[..good.len() - 17].to_vec(),
            "MALFORMED_ENVELOPE",
        ),
        ("kem 0x0011", with(1, 0x01), "UNSUPPORTED_SUITE"),
        ("aead 0x0003", with(5, 0x01), "UNSUPPORTED_SUITE"),
        (
            "hybrid kem",
            [&[0x64, 0x7a][..], &good[2..]].concat(),
            "SUITE_MISMATCH",
        ),
        // The last byte of enc (y), before ct (5 bytes) and the tag.
        (
            "enc not a point",
            with(good.len() - 16 - 5 - 1, 0x01),
            "MALFORMED_ENVELOPE",
        ),
        ("flipped tag", tag, "DECRYPT_FAILED"),
    ];
    let opener = JsOpener::new(p.private.clone(), JsValue::UNDEFINED).unwrap();
    for (what, body, want) in cases {
        let b = || JsValue::from(Uint8Array::from(&body[..]));
        let from_text = open(p.private.clone(), s(&text(&body)), c.clone()).unwrap_err();
        let from_body = open(p.private.clone(), b(), c.clone()).unwrap_err();
        assert_eq!(code(Err::<(), _>(from_body.clone())), want, "{what}");
        assert_eq!(
            member(&from_body, "message"),
            member(&from_text, "message"),
            "{what}"
        );
        assert_eq!(code(opener.open(b(), c.clone())), want, "{what}");
        assert_eq!(
            code_async(opener.open_async(b(), c.clone())).await,
            want,
            "{what}"
        );
        assert_eq!(
            code_async(open_async(p.private.clone(), b(), c.clone())).await,
            want,
            "{what}"
        );
    }
    let huge = JsValue::from(Uint8Array::new_with_length(6 << 20));
    assert_eq!(
        code(open(p.private.clone(), huge.clone(), c.clone())),
        "MALFORMED_ENVELOPE"
    );
    assert_eq!(
        code_async(opener.open_async(huge, c.clone())).await,
        "MALFORMED_ENVELOPE"
    );
    let n = JsValue::from_f64(1.0);
    assert_eq!(
        code(open(p.private.clone(), n.clone(), c.clone())),
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code_async(opener.open_async(n, c.clone())).await,
        "INVALID_ARGUMENT"
    );
}

/// `sealBytesAsync` refuses what `sealAsync` refuses, with the same codes,
/// before any key pair is made or prepared one used.
#[wasm_bindgen_test]
async fn seal_bytes_checks_its_inputs_first() {
    let p = pair();
    let c = ctx("f", "a");
    let mut sealer = JsSealer::new(p.public.clone(), JsValue::UNDEFINED).unwrap();
    assert_eq!(sealer.prepare(JsValue::from_f64(1.0)).unwrap(), 1);
    let too_big = JsValue::from(Uint8Array::new_with_length((4 << 20) + 1));
    let cases: Vec<(JsValue, JsValue, &str)> = vec![
        (too_big, c.clone(), "INVALID_INPUT"),
        (JsValue::from_f64(3.0), c.clone(), "INVALID_ARGUMENT"),
        (s("x"), ctx("", "a"), "INVALID_CONTEXT"),
        (s("x"), JsValue::NULL, "INVALID_ARGUMENT"),
    ];
    for (pt, cx, want) in cases {
        let text = code_async(sealer.seal_async(pt.clone(), cx.clone())).await;
        let body = code_async(sealer.seal_bytes_async(pt.clone(), cx.clone())).await;
        let once = code_async(seal_bytes_async(p.public.clone(), pt, cx)).await;
        assert_eq!(
            (text.as_str(), body.as_str(), once.as_str()),
            (want, want, want)
        );
    }
    assert_eq!(
        sealer.prepared(),
        1,
        "no prepared encapsulation used by a refused input"
    );
    // A `byteLength` faked on the instance does not let more than 4 MiB
    // through: checked again by what is sealed, in wasm (faked small) and
    // by WebCrypto's ciphertext (faked at 4 KiB).
    let fake = js_sys::Function::new_with_args(
        "n, len",
        "const a = new Uint8Array(n); Object.defineProperty(a, 'byteLength', { value: len }); return a;",
    );
    let web = JsSealer::new(p.public.clone(), web_always()).unwrap();
    for faked in [0.0, 4096.0] {
        let n = JsValue::from_f64(((4 << 20) + 1) as f64);
        let a = fake
            .call2(&JsValue::NULL, &n, &JsValue::from_f64(faked))
            .unwrap();
        let got = code_async(web.seal_bytes_async(a.clone(), c.clone())).await;
        assert_eq!(got, "INVALID_INPUT", "{faked}");
        let got = code_async(seal_bytes_async(p.public.clone(), a, c.clone())).await;
        assert_eq!(got, "INVALID_INPUT", "{faked}");
    }
    let bad_key = code_async(seal_bytes_async(s("nope"), s("x"), c)).await;
    assert_eq!(bad_key, "INVALID_KEY");
}
