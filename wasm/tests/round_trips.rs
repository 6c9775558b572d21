//! Round trips through the sync API, called the way JavaScript calls it
//! (with `JsValue`s): key pairs, every key form, `Sealer`, `importPublicKey`,
//! `inspect`. Runs in Node, Chromium, Firefox and WebKit (tests/run-wasm.sh).
#![cfg(target_arch = "wasm32")]

mod common;

use base64ct::{Base64UrlUnpadded, Encoding};
use common::*;
use js_sys::{Array, Reflect};
use slice_seal_wasm::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

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
