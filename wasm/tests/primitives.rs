//! The `primitives` building blocks: known answers and argument checks.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use slice_seal_wasm::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

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
