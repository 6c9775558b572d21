//! Every malformed input is a `SliceSealError` with its `code`, never a
//! wasm trap (a panic aborts the module and fails the whole run).
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use js_sys::{Array, Function, Object, Reflect};
use slice_seal_wasm::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn context_errors() {
    let p = pair();
    let pk = || p.public.clone();
    let missing_field = obj(&[("form", s("f"))]);
    let missing_form = obj(&[("field", s("a"))]);
    let numeric = obj(&[("form", s("f")), ("field", JsValue::from_f64(1.0))]);
    let bad_sub = obj(&[
        ("form", s("f")),
        ("field", s("a")),
        ("submission", JsValue::TRUE),
    ]);
    for c in [
        JsValue::UNDEFINED,
        JsValue::NULL,
        s("f/a"),
        missing_field,
        missing_form,
        numeric,
        bad_sub,
        Array::new().into(),
    ] {
        assert_eq!(code(seal(pk(), s("x"), c)), "INVALID_ARGUMENT");
    }
    let long = "x".repeat(257);
    for c in [
        ctx("", "a"),
        ctx("f", ""),
        ctx(&long, "a"),
        ctx("f", &long),
        ctx("f\n", "a"),
        ctx("f", "a\u{7f}"),
        ctx_sub("f", "a", ""),
        ctx_sub("f", "a", &long),
    ] {
        assert_eq!(code(seal(pk(), s("x"), c)), "INVALID_CONTEXT");
    }
    // 256 bytes is the limit, in UTF-8 bytes (é is 2 bytes).
    assert!(seal(pk(), s("x"), ctx(&"x".repeat(256), "a")).is_ok());
    assert_eq!(
        code(seal(pk(), s("x"), ctx(&"é".repeat(129), "a"))),
        "INVALID_CONTEXT"
    );
    // Moved slices.
    let env = seal(pk(), s("x"), ctx_sub("f", "a", "s1")).unwrap();
    for c in [ctx("f", "b"), ctx("g", "a"), ctx_sub("f", "a", "s2")] {
        assert_eq!(
            code(open(p.private.clone(), s(&env), c)),
            "CONTEXT_MISMATCH"
        );
    }
    // An invalid expected context on open.
    assert_eq!(
        code(open(p.private.clone(), s(&env), ctx("", "a"))),
        "INVALID_CONTEXT"
    );
    assert_eq!(
        code(open(p.private.clone(), s(&env), s("f"))),
        "INVALID_ARGUMENT"
    );
}

#[wasm_bindgen_test]
fn argument_type_errors() {
    let p = pair();
    let c = ctx("f", "a");
    let env = seal(p.public.clone(), s("x"), c.clone()).unwrap();
    let weird = [
        JsValue::UNDEFINED,
        JsValue::NULL,
        JsValue::TRUE,
        JsValue::from_f64(1.5),
        JsValue::from_f64(f64::NAN),
        JsValue::bigint_from_str("12"),
        JsValue::symbol(Some("s")),
        Function::new_no_args("return 1").into(),
        Array::new().into(),
    ];
    for w in &weird {
        assert_eq!(
            code(seal(w.clone(), s("x"), c.clone())),
            "INVALID_ARGUMENT",
            "key {w:?}"
        );
        assert_eq!(
            code(open(w.clone(), s(&env), c.clone())),
            "INVALID_ARGUMENT",
            "sk {w:?}"
        );
        assert_eq!(
            code(open(p.private.clone(), w.clone(), c.clone())),
            "INVALID_ARGUMENT"
        );
        assert_eq!(
            code(open_text(p.private.clone(), w.clone(), c.clone())),
            "INVALID_ARGUMENT"
        );
        assert_eq!(code(inspect(w.clone())), "INVALID_ARGUMENT");
        assert_eq!(code(thumbprint(w.clone())), "INVALID_ARGUMENT");
        assert_eq!(
            code(import_public_key(w.clone(), JsValue::UNDEFINED)),
            "INVALID_ARGUMENT"
        );
        assert_eq!(
            code(JsSealer::new(w.clone(), JsValue::UNDEFINED)),
            "INVALID_ARGUMENT"
        );
        assert_eq!(
            code(export_public_key(p.public.clone(), w.clone())),
            "INVALID_ARGUMENT"
        );
        if !w.is_undefined() && !w.is_null() {
            assert_eq!(
                code(import_public_key(p.public.clone(), w.clone())),
                "INVALID_ARGUMENT"
            );
        }
    }
    // Plaintext: neither string nor Uint8Array (an ArrayBuffer, a number array, an object).
    for pt in [
        JsValue::UNDEFINED,
        JsValue::NULL,
        JsValue::from_f64(7.0),
        Array::of1(&JsValue::from_f64(1.0)).into(),
        js_sys::ArrayBuffer::new(4).into(),
        obj(&[]),
    ] {
        assert_eq!(
            code(seal(p.public.clone(), pt, c.clone())),
            "INVALID_ARGUMENT"
        );
    }
    assert_eq!(
        code(export_public_key(p.public.clone(), s("der"))),
        "INVALID_ARGUMENT"
    );
    // A Uint8Array subclass (Node's Buffer is one) is accepted.
    let sub = js_sys::eval("(class B extends Uint8Array { get length() { return 1e9 } })")
        .unwrap()
        .unchecked_into::<Function>();
    let inst = Reflect::construct(&sub, &Array::of1(&JsValue::from_f64(3.0))).unwrap();
    let env2 = seal(p.public.clone(), inst, c.clone()).unwrap();
    assert_eq!(
        to_vec(&open(p.private.clone(), s(&env2), c).unwrap()),
        vec![0, 0, 0]
    );
}

#[wasm_bindgen_test]
fn throwing_getters_are_errors_not_traps() {
    let p = pair();
    let proxy: JsValue = js_sys::eval(
        "new Proxy({}, { get() { throw new Error('boom') }, has() { throw new Error('boom') } })",
    )
    .unwrap();
    assert_eq!(
        code(seal(proxy.clone(), s("x"), ctx("f", "a"))),
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code(seal(p.public.clone(), s("x"), proxy.clone())),
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code(open(proxy.clone(), s("ss1.x"), JsValue::UNDEFINED)),
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code(JsSealer::new(p.public.clone(), proxy)),
        "INVALID_ARGUMENT"
    );
}

#[wasm_bindgen_test]
fn malformed_keys() {
    let p = pair();
    let c = ctx("f", "a");
    let pk = &p.public;
    let bad_public = [
        with(pk, "kty", None),
        with(pk, "kty", Some(s("RSA"))),
        with(pk, "crv", Some(s("P-384"))),
        with(pk, "crv", None),
        with(pk, "x", None),
        with(pk, "x", Some(s("AAAA"))),
        with(pk, "x", Some(JsValue::from_f64(5.0))),
        with(pk, "y", Some(s(&"A".repeat(43)))), // not on the curve
        with(
            pk,
            "y",
            Some(s("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")),
        ),
        with(pk, "alg", Some(JsValue::from_f64(5.0))),
        with(pk, "x", Some(s(&"A".repeat(5000)))),
        obj(&[]),
        s("{"),
        s("{\"kty\":\"EC\"}"),
        s("not a key"),
        s("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"),
        bytes(&[]),
        bytes(&[4; 65]),
        bytes(&[2; 34]),
        bytes(&[0]),
        bytes(&[9; 2000]),
    ];
    for k in bad_public {
        assert_eq!(
            code(seal(k.clone(), s("x"), c.clone())),
            "INVALID_KEY",
            "{k:?}"
        );
        assert_eq!(
            code(import_public_key(k, JsValue::UNDEFINED)),
            "INVALID_KEY"
        );
    }
    // A kid that is not the thumbprint.
    let lying = with(
        pk,
        "kid",
        Some(s("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")),
    );
    assert_eq!(code(seal(lying.clone(), s("x"), c.clone())), "KID_MISMATCH");
    assert_eq!(
        code(thumbprint(with(pk, "x", Some(s("AAAA"))))),
        "INVALID_KEY"
    );
    // Private keys.
    let env = seal(pk.clone(), s("x"), c.clone()).unwrap();
    let other = pair();
    let sk = &p.private;
    let bad_private = [
        pk.clone(), // no d
        with(sk, "d", Some(s("AAAA"))),
        with(sk, "d", Some(s(&"A".repeat(43)))), // zero scalar
        with(sk, "d", Some(s(&"_".repeat(43)))), // above the order
        with(sk, "d", Some(JsValue::from_f64(1.0))),
        with(sk, "x", member(&other.public, "x").into()), // x/y of another key
        s("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"),
        s("[]"),
    ];
    for k in bad_private {
        assert_eq!(
            code(open(k.clone(), s(&env), c.clone())),
            "INVALID_KEY",
            "{k:?}"
        );
    }
    // The wrong (valid) private key: its kid is not the envelope's.
    assert_eq!(
        code(open(other.private.clone(), s(&env), c)),
        "KID_MISMATCH"
    );
}

#[wasm_bindgen_test]
fn malformed_envelopes() {
    let p = pair();
    let c = ctx("f", "a");
    let env = seal(p.public.clone(), s("secret"), c.clone()).unwrap();
    let b = body(&env);
    let open_code = |t: &str| code(open(p.private.clone(), s(t), c.clone()));
    // Truncated text and body. Too short for a header: malformed.
    for n in [0, 3, 4, 10, 50] {
        assert_eq!(
            open_code(&env[..n]),
            "MALFORMED_ENVELOPE",
            "text cut at {n}"
        );
    }
    // One character short: non-canonical base64url (malformed), or, when the
    // dropped bits happen to be zero, a ciphertext one byte short (fails to
    // authenticate) — which one depends on the random envelope.
    let got = open_code(&env[..env.len() - 1]);
    assert!(
        got == "MALFORMED_ENVELOPE" || got == "DECRYPT_FAILED",
        "text cut by one: {got}"
    );
    for n in [0, 5, 39, 40, 60, b.len() - 17, b.len() - 1] {
        let got = open_code(&text(&b[..n]));
        assert!(
            got == "MALFORMED_ENVELOPE" || got == "DECRYPT_FAILED",
            "body cut at {n}: {got}"
        );
    }
    assert_eq!(open_code(&text(&b[..b.len() - 17])), "MALFORMED_ENVELOPE");
    assert_eq!(open_code("hello"), "MALFORMED_ENVELOPE");
    assert_eq!(open_code(&format!("{env}=")), "MALFORMED_ENVELOPE");
    assert_eq!(
        open_code(&env.replacen("ss1.", "ss2.", 1)),
        "UNSUPPORTED_VERSION"
    );
    let mut suite = b.clone();
    suite[5] = 0x01; // AES-128-GCM
    assert_eq!(open_code(&text(&suite)), "UNSUPPORTED_SUITE");
    // A flipped ciphertext bit, a flipped tag bit.
    let mut ct = b.clone();
    let n = ct.len();
    ct[n - 20] ^= 1;
    assert_eq!(open_code(&text(&ct)), "DECRYPT_FAILED");
    ct = b.clone();
    ct[n - 1] ^= 0x80;
    assert_eq!(open_code(&text(&ct)), "DECRYPT_FAILED");
    // Too long to be an envelope (rejected before it is copied into wasm).
    let huge = format!("ss1.{}", "A".repeat(6 << 20));
    assert_eq!(open_code(&huge), "MALFORMED_ENVELOPE");
    assert_eq!(code(inspect(s(&huge))), "MALFORMED_ENVELOPE");
}

#[wasm_bindgen_test]
fn open_text_rejects_non_utf8() {
    let p = pair();
    let c = ctx("f", "a");
    let env = seal(p.public.clone(), bytes(&[0x61, 0xff, 0x62]), c.clone()).unwrap();
    assert_eq!(
        code(open_text(p.private.clone(), s(&env), c.clone())),
        "INVALID_UTF8"
    );
    // The bytes are still available from open().
    assert_eq!(
        to_vec(&open(p.private.clone(), s(&env), c).unwrap()),
        vec![0x61, 0xff, 0x62]
    );
}

#[wasm_bindgen_test]
fn plaintext_size_limit() {
    let p = pair();
    let c = ctx("f", "a");
    let max = 4 << 20;
    let env = seal(p.public.clone(), bytes(&vec![7u8; max]), c.clone()).unwrap();
    assert_eq!(
        to_vec(&open(p.private.clone(), s(&env), c.clone()).unwrap()).len(),
        max
    );
    assert_eq!(
        code(seal(
            p.public.clone(),
            bytes(&vec![7u8; max + 1]),
            c.clone()
        )),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(seal(p.public.clone(), s(&"a".repeat(max + 1)), c.clone())),
        "INVALID_INPUT"
    );
    // 4 Mi UTF-16 units of a 3-byte character: too long once encoded.
    assert_eq!(
        code(seal(p.public.clone(), s(&"€".repeat(max / 2)), c)),
        "INVALID_INPUT"
    );
}

#[wasm_bindgen_test]
fn broken_random_source_is_random_failed() {
    // getrandom calls globalThis.crypto.getRandomValues on every request.
    let crypto = Reflect::get(&js_sys::global(), &s("crypto")).unwrap();
    let key = s("getRandomValues");
    let thrower = Function::new_no_args("throw new Error('no entropy')");
    Reflect::set(&crypto, &key, &thrower).unwrap();
    let p_err = code(generate_key_pair(JsValue::UNDEFINED));
    let restored = Reflect::delete_property(crypto.unchecked_ref::<Object>(), &key).unwrap();
    assert!(restored);
    assert_eq!(p_err, "RANDOM_FAILED");
    let p = pair();
    Reflect::set(&crypto, &key, &thrower).unwrap();
    let seal_err = code(seal(p.public.clone(), s("x"), ctx("f", "a")));
    Reflect::delete_property(crypto.unchecked_ref::<Object>(), &key).unwrap();
    assert_eq!(seal_err, "RANDOM_FAILED");
    assert!(seal(p.public, s("x"), ctx("f", "a")).is_ok());
}
