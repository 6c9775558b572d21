//! The JS-facing API, called the way JavaScript calls it: with `JsValue`s.
//!
//! One suite for Node, headless Chromium and headless Firefox (the runner's
//! environment is chosen by `tests/run-wasm.sh`, not hard-wired here). Every
//! thrown value must be a `SliceSealError` (a JS `Error` with a `code`), never
//! a wasm trap: a panic aborts the module and fails the whole run.
#![cfg(target_arch = "wasm32")]

use base64ct::{Base64UrlUnpadded, Encoding};
use js_sys::Promise;
use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use slice_seal_wasm::api::{
    JsOpener, JsSealer, export_public_key, generate_key_pair, import_public_key, inspect, open,
    open_async, open_text, open_text_async, primitives_aes_gcm_open, primitives_aes_gcm_seal,
    primitives_ecdh, primitives_hkdf, primitives_hkdf_expand, primitives_hkdf_extract, seal,
    seal_async, thumbprint,
};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

// ---------------------------------------------------------------- helpers

fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}

fn obj(members: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in members {
        Reflect::set(&o, &s(k), v).unwrap();
    }
    o.into()
}

fn ctx(form: &str, field: &str) -> JsValue {
    obj(&[("form", s(form)), ("field", s(field))])
}

fn ctx_sub(form: &str, field: &str, sub: &str) -> JsValue {
    obj(&[
        ("form", s(form)),
        ("field", s(field)),
        ("submission", s(sub)),
    ])
}

fn member(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &s(k)).unwrap()
}

fn member_str(o: &JsValue, k: &str) -> String {
    member(o, k)
        .as_string()
        .unwrap_or_else(|| panic!("{k} is not a string"))
}

/// A copy of a JWK object with one member replaced (or removed with `None`).
fn with(o: &JsValue, k: &str, v: Option<JsValue>) -> JsValue {
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

fn bytes(b: &[u8]) -> JsValue {
    Uint8Array::from(b).into()
}

fn to_vec(v: &JsValue) -> Vec<u8> {
    v.dyn_ref::<Uint8Array>().expect("a Uint8Array").to_vec()
}

struct Pair {
    public: JsValue,
    private: JsValue,
}

fn pair() -> Pair {
    let kp = generate_key_pair().expect("generateKeyPair");
    Pair {
        public: member(&kp, "publicKey"),
        private: member(&kp, "privateKey"),
    }
}

/// The `code` of a thrown value, after checking it is a `SliceSealError`.
fn code<T>(r: Result<T, JsValue>) -> String {
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

fn body(envelope: &str) -> Vec<u8> {
    Base64UrlUnpadded::decode_vec(envelope.strip_prefix("ss1.").unwrap()).unwrap()
}

fn text(body: &[u8]) -> String {
    format!("ss1.{}", Base64UrlUnpadded::encode_string(body))
}

fn hex(h: &str) -> Vec<u8> {
    (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
        .collect()
}

// ---------------------------------------------------------------- round trips

#[wasm_bindgen_test]
fn key_pair_shape() {
    let p = pair();
    for k in ["kty", "crv", "x", "y", "kid", "use", "alg"] {
        assert!(member(&p.public, k).is_string(), "public {k}");
        assert!(member(&p.private, k).is_string(), "private {k}");
    }
    assert!(member(&p.public, "d").is_undefined());
    assert_eq!(member_str(&p.private, "d").len(), 43);
    assert_eq!(member_str(&p.public, "kid"), member_str(&p.private, "kid"));
    assert_eq!(
        thumbprint(p.public.clone()).unwrap(),
        member_str(&p.public, "kid")
    );
    // The thumbprint ignores kid and d.
    let no_kid = with(&p.private, "kid", None);
    assert_eq!(thumbprint(no_kid).unwrap(), member_str(&p.public, "kid"));
}

#[wasm_bindgen_test]
fn seal_open_round_trips() {
    let p = pair();
    let c = ctx("vetting-step-1", "full-name");
    let env = seal(p.public.clone(), s("Ada Lovelace ✓"), c.clone()).unwrap();
    assert!(env.starts_with("ss1."));
    assert_eq!(
        open_text(p.private.clone(), s(&env), c.clone()).unwrap(),
        s("Ada Lovelace ✓")
    );
    // Without an expected context any context opens.
    assert_eq!(
        open_text(p.private.clone(), s(&env), JsValue::UNDEFINED).unwrap(),
        s("Ada Lovelace ✓")
    );
    // Bytes, including non-UTF-8 and empty.
    for pt in [
        vec![0xff, 0x00, 0xfe],
        vec![],
        (0..=255u8).collect::<Vec<_>>(),
    ] {
        let env = seal(p.public.clone(), bytes(&pt), c.clone()).unwrap();
        assert_eq!(
            to_vec(&open(p.private.clone(), s(&env), c.clone()).unwrap()),
            pt
        );
    }
    // Submission id.
    let cs = ctx_sub("f", "a", "sub-1");
    let env = seal(p.public.clone(), s("x"), cs.clone()).unwrap();
    assert_eq!(open_text(p.private.clone(), s(&env), cs).unwrap(), s("x"));
    // Expected context without submission accepts any submission.
    assert_eq!(
        open_text(p.private.clone(), s(&env), ctx("f", "a")).unwrap(),
        s("x")
    );
}

#[wasm_bindgen_test]
fn every_key_form_seals() {
    let p = pair();
    let kid = member_str(&p.public, "kid");
    let c = ctx("f", "a");
    let json = js_sys::JSON::stringify(&p.public).unwrap();
    let pem = export_public_key(p.public.clone(), s("spki-pem")).unwrap();
    assert!(
        pem.as_string()
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----")
    );
    let jwks = export_public_key(p.public.clone(), s("jwks")).unwrap();
    assert_eq!(Array::from(&member(&jwks, "keys")).length(), 1);
    let jwks_json = js_sys::JSON::stringify(&jwks).unwrap();
    let sec1 = export_public_key(p.public.clone(), s("sec1")).unwrap();
    assert_eq!(to_vec(&sec1).len(), 65);
    let sec1c = export_public_key(p.public.clone(), s("sec1-compressed")).unwrap();
    assert_eq!(to_vec(&sec1c).len(), 33);
    let inputs = [
        p.public.clone(),
        json.into(),
        pem,
        jwks.clone(),
        jwks_json.into(),
        sec1,
        sec1c,
        p.private.clone(), // a private JWK's public half
    ];
    for input in inputs {
        let jwk = import_public_key(input.clone(), JsValue::UNDEFINED).unwrap();
        assert_eq!(member_str(&jwk, "kid"), kid);
        assert!(member(&jwk, "d").is_undefined());
        let env = seal(input.clone(), s("v"), c.clone()).unwrap();
        assert_eq!(
            open_text(p.private.clone(), s(&env), c.clone()).unwrap(),
            s("v")
        );
        let sealer = JsSealer::new(input, obj(&[("kid", s(&kid))])).unwrap();
        assert_eq!(sealer.kid(), kid);
    }
    // The private key as PEM opens too (exported by the core, not the JS API).
    // (From its JWK's `d`: the core is built without its serde_json reader here.)
    let d = Reflect::get(&p.private, &s("d"))
        .unwrap()
        .as_string()
        .unwrap();
    let pk =
        slice_seal::PrivateKey::from_bytes(&Base64UrlUnpadded::decode_vec(&d).unwrap()).unwrap();
    let env = seal(p.public.clone(), s("pem"), c.clone()).unwrap();
    let pem = pk.to_pkcs8_pem();
    assert_eq!(open_text(s(&pem), s(&env), c).unwrap(), s("pem"));
}

#[wasm_bindgen_test]
fn sealer_pins_and_prepares() {
    let p = pair();
    let other = pair();
    let kid = member_str(&p.public, "kid");
    let c = ctx("f", "a");
    let mut sealer = JsSealer::new(p.public.clone(), obj(&[("kid", s(&kid))])).unwrap();
    assert_eq!(sealer.kid(), kid);
    let env = sealer.seal(s("one"), c.clone()).unwrap();
    assert_eq!(
        open_text(p.private.clone(), s(&env), c.clone()).unwrap(),
        s("one")
    );
    assert_eq!(sealer.prepare(JsValue::from_f64(3.0)).unwrap(), 3);
    assert_eq!(sealer.prepared(), 3);
    let env = sealer.seal(bytes(b"two"), c.clone()).unwrap();
    assert_eq!(sealer.prepared(), 2);
    assert_eq!(
        open_text(p.private.clone(), s(&env), c.clone()).unwrap(),
        s("two")
    );
    assert_eq!(
        code(sealer.prepare(JsValue::from_f64(-1.0))),
        "INVALID_ARGUMENT"
    );
    assert_eq!(code(sealer.prepare(s("3"))), "INVALID_ARGUMENT");
    // Without a pin: allowed.
    let mut unpinned = JsSealer::new(p.public.clone(), JsValue::UNDEFINED).unwrap();
    assert_eq!(unpinned.kid(), kid);
    assert!(unpinned.seal(s("x"), c.clone()).is_ok());
    // Pinned to another key's kid: refused.
    let wrong = obj(&[("kid", member(&other.public, "kid"))]);
    assert_eq!(code(JsSealer::new(p.public.clone(), wrong)), "KID_MISMATCH");
    // A JWKS with two keys: the pin chooses.
    let set = obj(&[("keys", Array::of2(&other.public, &p.public).into())]);
    let chosen = JsSealer::new(set.clone(), obj(&[("kid", s(&kid))])).unwrap();
    assert_eq!(chosen.kid(), kid);
    assert_eq!(code(JsSealer::new(set, JsValue::UNDEFINED)), "INVALID_KEY");
    // Options of the wrong type.
    assert_eq!(
        code(JsSealer::new(p.public.clone(), s("kid"))),
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code(JsSealer::new(
            p.public.clone(),
            obj(&[("kid", JsValue::from_f64(1.0))])
        )),
        "INVALID_ARGUMENT"
    );
    // Sealer errors are the same as seal's.
    assert_eq!(
        code(unpinned.seal(JsValue::from_f64(1.0), c)),
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code(unpinned.seal(s("x"), JsValue::UNDEFINED)),
        "INVALID_ARGUMENT"
    );
}

#[wasm_bindgen_test]
fn import_public_key_chooses_by_kid() {
    let a = pair();
    let b = pair();
    let kid_b = member_str(&b.public, "kid");
    let set = obj(&[("keys", Array::of2(&a.public, &b.public).into())]);
    let got = import_public_key(set.clone(), obj(&[("kid", s(&kid_b))])).unwrap();
    assert_eq!(member_str(&got, "kid"), kid_b);
    assert_eq!(member_str(&got, "x"), member_str(&b.public, "x"));
    let set_json = js_sys::JSON::stringify(&set).unwrap();
    let got = import_public_key(set_json.clone().into(), obj(&[("kid", s(&kid_b))])).unwrap();
    assert_eq!(member_str(&got, "kid"), kid_b);
    let absent = obj(&[("kid", s("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))]);
    assert_eq!(
        code(import_public_key(set.clone(), absent.clone())),
        "KEY_NOT_FOUND"
    );
    assert_eq!(
        code(import_public_key(set_json.into(), absent.clone())),
        "KEY_NOT_FOUND"
    );
    assert_eq!(
        code(import_public_key(set, JsValue::UNDEFINED)),
        "INVALID_KEY"
    );
    // A single key without kid in a set is fine without options.
    let one = obj(&[("keys", Array::of1(&with(&a.public, "kid", None)).into())]);
    let got = import_public_key(one, JsValue::UNDEFINED).unwrap();
    assert_eq!(member_str(&got, "kid"), member_str(&a.public, "kid"));
    // A single key with the wrong expected kid.
    assert_eq!(
        code(import_public_key(a.public.clone(), absent)),
        "KID_MISMATCH"
    );
    // Empty set, keys not an array, key not an object.
    assert_eq!(
        code(import_public_key(
            obj(&[("keys", Array::new().into())]),
            JsValue::UNDEFINED
        )),
        "INVALID_KEY"
    );
    assert_eq!(
        code(import_public_key(
            obj(&[("keys", s("no"))]),
            JsValue::UNDEFINED
        )),
        "INVALID_KEY"
    );
    assert_eq!(
        code(import_public_key(
            obj(&[("keys", Array::of1(&s("no")).into())]),
            JsValue::UNDEFINED
        )),
        "INVALID_KEY"
    );
}

#[wasm_bindgen_test]
fn inspect_reads_clear_metadata() {
    let p = pair();
    let env = seal(
        p.public.clone(),
        s("x"),
        ctx_sub("form-1", "field-2", "sub-3"),
    )
    .unwrap();
    let info = inspect(s(&env)).unwrap();
    assert_eq!(member(&info, "version").as_f64(), Some(1.0));
    assert_eq!(member(&info, "kem").as_f64(), Some(16.0));
    assert_eq!(member(&info, "kdf").as_f64(), Some(1.0));
    assert_eq!(member(&info, "aead").as_f64(), Some(2.0));
    assert_eq!(member_str(&info, "kid"), member_str(&p.public, "kid"));
    assert_eq!(member_str(&info, "form"), "form-1");
    assert_eq!(member_str(&info, "field"), "field-2");
    assert_eq!(member_str(&info, "submission"), "sub-3");
    let env = seal(p.public.clone(), s("x"), ctx("f", "a")).unwrap();
    let info = inspect(s(&env)).unwrap();
    assert!(member(&info, "submission").is_undefined());
    assert_eq!(code(inspect(s("ss1.AAAA"))), "MALFORMED_ENVELOPE");
    assert_eq!(code(inspect(JsValue::NULL)), "INVALID_ARGUMENT");
}

// ---------------------------------------------------------------- error codes

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
    let p_err = code(generate_key_pair());
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

// ---------------------------------------------------------------- async API (WebCrypto fast path)

async fn settle(p: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p).await
}

async fn settle_str(p: Promise) -> String {
    settle(p)
        .await
        .expect("resolves")
        .as_string()
        .expect("a string")
}

/// `globalThis.crypto.subtle`, if this runtime has it.
fn subtle_object() -> Option<JsValue> {
    let crypto = Reflect::get(&js_sys::global(), &s("crypto")).ok()?;
    let subtle = Reflect::get(&crypto, &s("subtle")).ok()?;
    subtle.is_object().then_some(subtle)
}

/// Count calls to WebCrypto methods: returns the call log and an undo.
fn spy_subtle() -> Option<(Array, Function)> {
    let subtle = subtle_object()?;
    let install = Function::new_with_args(
        "subtle, log",
        "const names = ['generateKey', 'deriveBits', 'exportKey', 'importKey', 'encrypt', 'decrypt'];
         for (const n of names) {
           const orig = subtle[n];
           subtle[n] = function (...a) { log.push(n); return orig.apply(this, a); };
         }
         return () => { for (const n of names) delete subtle[n]; };",
    );
    let log = Array::new();
    let undo = install.call2(&JsValue::NULL, &subtle, &log).unwrap();
    Some((log, undo.unchecked_into()))
}

fn calls(log: &Array, name: &str) -> usize {
    log.iter()
        .filter(|v| v.as_string().as_deref() == Some(name))
        .count()
}

/// Run `f` with `crypto.subtle` hidden (as in an insecure context).
async fn without_subtle<F: std::future::Future<Output = ()>>(f: impl FnOnce() -> F) {
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

async fn code_async(p: Promise) -> String {
    code(settle(p).await)
}

/// One pool, whoever made the encapsulations: those made in wasm
/// (`prepare`) and by WebCrypto (`prepareAsync`) are counted together, and
/// `seal` and `sealAsync` both take from it (last made, first used), with no
/// P-256 call left; `backend` names who made the one a `sealAsync` used.
#[wasm_bindgen_test]
async fn sealer_has_one_pool_for_wasm_and_webcrypto_encapsulations() {
    let p = pair();
    let c = ctx_sub("f", "a", "s-1");
    let mut sealer = JsSealer::new(p.public.clone(), JsValue::UNDEFINED).unwrap();
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
    let sealer = JsSealer::new(p.public.clone(), obj(&[("kid", s(&kid))])).unwrap();
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

    let opener = JsOpener::new(p.private.clone(), JsValue::UNDEFINED).unwrap();
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
    let sealer = JsSealer::new(p.public.clone(), JsValue::UNDEFINED).unwrap();
    let opener = JsOpener::new(p.private.clone(), JsValue::UNDEFINED).unwrap();
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
    let fresh = JsSealer::new(p.public.clone(), JsValue::UNDEFINED).unwrap();
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
    let opener = JsOpener::new(p.private.clone(), JsValue::UNDEFINED).unwrap();
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
    let sealer = JsSealer::new(p.public.clone(), JsValue::UNDEFINED).unwrap();
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
        let sealer = JsSealer::new(p.public.clone(), JsValue::UNDEFINED).unwrap();
        let preparing = JsSealer::new(p.public.clone(), JsValue::UNDEFINED).unwrap();
        let opener = JsOpener::new(p.private.clone(), JsValue::UNDEFINED).unwrap();
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
    let opener = JsOpener::new(p.private.clone(), JsValue::UNDEFINED).unwrap();
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
    let sealer = JsSealer::new(p.public.clone(), JsValue::UNDEFINED).unwrap();
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

// ---------------------------------------------------------------- primitives

#[wasm_bindgen_test]
fn primitives_work_and_check_arguments() {
    let a = pair();
    let b = pair();
    let ab = to_vec(&primitives_ecdh(a.private.clone(), b.public.clone()).unwrap());
    let ba = to_vec(&primitives_ecdh(b.private.clone(), a.public.clone()).unwrap());
    assert_eq!(ab.len(), 32);
    assert_eq!(ab, ba);
    assert_eq!(
        code(primitives_ecdh(a.public.clone(), b.public.clone())),
        "INVALID_KEY"
    );
    assert_eq!(
        code(primitives_ecdh(a.private.clone(), JsValue::NULL)),
        "INVALID_ARGUMENT"
    );

    // RFC 5869 test case 1.
    let ikm = bytes(&[0x0b; 22]);
    let salt = bytes(&hex("000102030405060708090a0b0c"));
    let info = bytes(&hex("f0f1f2f3f4f5f6f7f8f9"));
    let prk = primitives_hkdf_extract(ikm.clone(), salt.clone()).unwrap();
    assert_eq!(
        to_vec(&prk),
        hex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
    );
    let okm =
        hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    let l42 = JsValue::from_f64(42.0);
    assert_eq!(
        to_vec(&primitives_hkdf(ikm.clone(), salt.clone(), info.clone(), l42.clone()).unwrap()),
        okm
    );
    assert_eq!(
        to_vec(&primitives_hkdf_expand(prk.clone(), info.clone(), l42.clone()).unwrap()),
        okm
    );
    assert_eq!(
        code(primitives_hkdf(
            ikm.clone(),
            salt.clone(),
            info.clone(),
            JsValue::from_f64(8161.0)
        )),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(primitives_hkdf(
            ikm.clone(),
            salt.clone(),
            info.clone(),
            JsValue::from_f64(1e12)
        )),
        "INVALID_INPUT"
    );
    for bad_len in [
        JsValue::from_f64(-1.0),
        JsValue::from_f64(1.5),
        s("42"),
        JsValue::UNDEFINED,
    ] {
        assert_eq!(
            code(primitives_hkdf(
                ikm.clone(),
                salt.clone(),
                info.clone(),
                bad_len
            )),
            "INVALID_ARGUMENT"
        );
    }
    assert_eq!(
        code(primitives_hkdf_expand(
            bytes(&[1; 31]),
            info.clone(),
            l42.clone()
        )),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(primitives_hkdf(s("ikm"), salt.clone(), info.clone(), l42)),
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code(primitives_hkdf_extract(ikm, JsValue::NULL)),
        "INVALID_ARGUMENT"
    );

    // AES-256-GCM.
    let key = bytes(&[1; 32]);
    let nonce = bytes(&[2; 12]);
    let aad = bytes(b"aad");
    let ct =
        primitives_aes_gcm_seal(key.clone(), nonce.clone(), bytes(b"hello"), aad.clone()).unwrap();
    assert_eq!(to_vec(&ct).len(), 5 + 16);
    assert_eq!(
        to_vec(
            &primitives_aes_gcm_open(key.clone(), nonce.clone(), ct.clone(), aad.clone()).unwrap()
        ),
        b"hello"
    );
    assert_eq!(
        code(primitives_aes_gcm_open(
            key.clone(),
            nonce.clone(),
            ct.clone(),
            JsValue::UNDEFINED
        )),
        "DECRYPT_FAILED"
    );
    let no_aad =
        primitives_aes_gcm_seal(key.clone(), nonce.clone(), bytes(b""), JsValue::UNDEFINED)
            .unwrap();
    assert_eq!(
        to_vec(
            &primitives_aes_gcm_open(key.clone(), nonce.clone(), no_aad, JsValue::NULL).unwrap()
        ),
        b""
    );
    assert_eq!(
        code(primitives_aes_gcm_seal(
            bytes(&[1; 16]),
            nonce.clone(),
            bytes(b"x"),
            JsValue::UNDEFINED
        )),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(primitives_aes_gcm_seal(
            key.clone(),
            bytes(&[2; 16]),
            bytes(b"x"),
            JsValue::UNDEFINED
        )),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(primitives_aes_gcm_open(
            key.clone(),
            nonce.clone(),
            bytes(&[0; 15]),
            JsValue::UNDEFINED
        )),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(primitives_aes_gcm_seal(
            key.clone(),
            nonce.clone(),
            s("text"),
            JsValue::UNDEFINED
        )),
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        code(primitives_aes_gcm_seal(key, nonce, bytes(b"x"), s("aad"))),
        "INVALID_ARGUMENT"
    );
}

// ---------------------------------------------------------------- memory

fn memory_bytes() -> f64 {
    let mem: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    mem.buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}

/// Let the event loop run a task (a `setTimeout(0)`), so a long test does not
/// block the page: chromedriver gives up on a renderer busy for 30 s.
async fn yield_to_event_loop() {
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
