//! The hybrid suite (MLKEM768-X25519, docs/FORMAT.md §11) through the JS
//! API: the suite follows the key (an AKP JWK) in `seal`, `sealAsync`,
//! `Sealer`, `open`, `openAsync` and `Opener`; hybrid key pairs, thumbprints
//! and pinning; prepared encapsulations; every hybrid call in wasm (no
//! WebCrypto call, `.backend` "wasm"); and each bad input's code. Runs in
//! Node, Chromium, Firefox and WebKit (tests/run-wasm.sh).
#![cfg(target_arch = "wasm32")]

mod common;

use base64ct::{Base64UrlUnpadded, Encoding};
use common::*;
use js_sys::{Array, JSON};
use slice_seal_wasm::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

fn hybrid_pair() -> Pair {
    let kp = generate_key_pair(obj(&[("suite", s("mlkem768-x25519"))])).expect("generateKeyPair");
    Pair {
        public: member(&kp, "publicKey"),
        private: member(&kp, "privateKey"),
    }
}

fn json(v: &JsValue) -> JsValue {
    JSON::stringify(v).unwrap().into()
}

fn jwks(keys: &[&JsValue]) -> JsValue {
    let a = Array::new();
    for k in keys {
        a.push(k);
    }
    obj(&[("keys", a.into())])
}

fn pinned(kid: &str) -> JsValue {
    obj(&[("kid", s(kid))])
}

/// The suite ids (first 6 bytes) of an envelope.
fn suite_ids(env: &str) -> Vec<u8> {
    body(env)[..6].to_vec()
}

/// The `enc` of a hybrid envelope (1120 bytes after the `info`).
fn enc_of(env: &str) -> Vec<u8> {
    let b = body(env);
    let start = 40 + u16::from_be_bytes([b[38], b[39]]) as usize;
    b[start..start + 1120].to_vec()
}

const HYBRID_SUITE: [u8; 6] = [0x64, 0x7a, 0x00, 0x01, 0x00, 0x02];
const P256_SUITE: [u8; 6] = [0x00, 0x10, 0x00, 0x01, 0x00, 0x02];

#[wasm_bindgen_test]
fn hybrid_key_pair_shape_and_thumbprint() {
    let p = hybrid_pair();
    for (k, v) in [("kty", "AKP"), ("alg", "MLKEM768-X25519"), ("use", "enc")] {
        assert_eq!(member_str(&p.public, k), v);
        assert_eq!(member_str(&p.private, k), v);
    }
    let pub_ = member_str(&p.public, "pub");
    assert_eq!(Base64UrlUnpadded::decode_vec(&pub_).unwrap().len(), 1216);
    assert!(member(&p.public, "priv").is_undefined());
    assert_eq!(
        Base64UrlUnpadded::decode_vec(&member_str(&p.private, "priv"))
            .unwrap()
            .len(),
        32
    );
    let kid = member_str(&p.public, "kid");
    assert_eq!(member_str(&p.private, "kid"), kid);
    // RFC 7638 over {alg, kty, pub}; a kid member and priv are ignored.
    assert_eq!(thumbprint(p.public.clone()).unwrap(), kid);
    assert_eq!(thumbprint(with(&p.private, "kid", None)).unwrap(), kid);
    assert_eq!(thumbprint(json(&p.public)).unwrap(), kid);
    // Two key pairs differ; the P-256 default is unchanged.
    assert_ne!(member_str(&hybrid_pair().public, "kid"), kid);
    let p256 = generate_key_pair(obj(&[("suite", s("p256"))])).unwrap();
    assert_eq!(member_str(&member(&p256, "publicKey"), "kty"), "EC");
    assert_eq!(
        code(generate_key_pair(obj(&[("suite", s("kyber"))]))),
        "INVALID_ARGUMENT"
    );
    // importPublicKey normalises (drops priv); exportPublicKey has jwk, jwks and raw.
    let imported = import_public_key(p.private.clone(), JsValue::UNDEFINED).unwrap();
    assert!(member(&imported, "priv").is_undefined());
    assert_eq!(member_str(&imported, "kid"), kid);
    let raw = export_public_key(p.public.clone(), s("raw")).unwrap();
    assert_eq!(Base64UrlUnpadded::encode_string(&to_vec(&raw)), pub_);
    let set = export_public_key(p.public.clone(), s("jwks")).unwrap();
    assert_eq!(
        member_str(&Array::from(&member(&set, "keys")).get(0), "kid"),
        kid
    );
    assert_eq!(
        code(export_public_key(p.public.clone(), s("spki-pem"))),
        "INVALID_KEY"
    );
    let p256 = pair();
    assert_eq!(
        code(export_public_key(p256.public, s("raw"))),
        "INVALID_KEY"
    );
}

#[wasm_bindgen_test]
fn hybrid_round_trips_in_every_key_form() {
    let p = hybrid_pair();
    let other = pair();
    let kid = member_str(&p.public, "kid");
    let c = ctx_sub("vetting-step-1", "full-name", "sub-1");
    let forms = [
        p.public.clone(),
        json(&p.public),
        jwks(&[&p.public]),
        json(&jwks(&[&p.public])),
        // The private JWK's public part seals too.
        p.private.clone(),
    ];
    for key in forms {
        let env = seal(key, s("Ada Lovelace ✓"), c.clone()).unwrap();
        assert_eq!(suite_ids(&env), HYBRID_SUITE);
        assert_eq!(
            body(&env)[6..38],
            Base64UrlUnpadded::decode_vec(&kid).unwrap()
        );
        assert_eq!(
            open_text(p.private.clone(), s(&env), c.clone()).unwrap(),
            s("Ada Lovelace ✓")
        );
        assert_eq!(
            open_text(json(&p.private), s(&env), c.clone()).unwrap(),
            s("Ada Lovelace ✓")
        );
    }
    // A mixed JWKS: the kid chooses the suite.
    let mixed = jwks(&[&other.public, &with(&p.public, "kid", None)]);
    let s1 = JsSealer::new(mixed.clone(), pinned(&kid)).unwrap();
    assert_eq!(s1.kid(), kid);
    let mut s1 = s1;
    assert_eq!(
        suite_ids(&s1.seal(s("h"), c.clone()).unwrap()),
        HYBRID_SUITE
    );
    let mut s2 = JsSealer::new(mixed, pinned(&member_str(&other.public, "kid"))).unwrap();
    assert_eq!(suite_ids(&s2.seal(s("p"), c.clone()).unwrap()), P256_SUITE);
    // Bytes (empty, non-UTF-8); inspect names the hybrid KEM.
    let env = seal(p.public.clone(), bytes(&[0xff, 0, 0xfe]), c.clone()).unwrap();
    assert_eq!(
        to_vec(&open(p.private.clone(), s(&env), JsValue::UNDEFINED).unwrap()),
        vec![0xff, 0, 0xfe]
    );
    let info = inspect(s(&env)).unwrap();
    assert_eq!(member(&info, "kem").as_f64(), Some(25722.0));
    assert_eq!(member_str(&info, "kid"), kid);
    assert_eq!(member_str(&info, "submission"), "sub-1");
    // enc is 1120 bytes: body = 40 + info + 1120 + plaintext + 16.
    let info_len = u16::from_be_bytes([body(&env)[38], body(&env)[39]]) as usize;
    assert_eq!(body(&env).len(), 40 + info_len + 1120 + 3 + 16);
    let env = seal(p.public.clone(), bytes(&[]), c.clone()).unwrap();
    assert!(to_vec(&open(p.private.clone(), s(&env), c).unwrap()).is_empty());
}

#[wasm_bindgen_test]
async fn hybrid_sealer_pinned_prepared_async_and_opener() {
    let p = hybrid_pair();
    let kid = member_str(&p.public, "kid");
    let c = ctx("f", "a");
    let mut sealer = JsSealer::new(p.public.clone(), pinned(&kid)).unwrap();
    assert_eq!(sealer.kid(), kid);
    assert!(sealer.backend().is_undefined());
    // Prepared at idle (sync and async fill one pool); each used once.
    assert_eq!(code(sealer.prepare(s("x"))), "INVALID_ARGUMENT");
    assert_eq!(sealer.prepare(JsValue::from(2)).unwrap(), 2);
    let n = settle(sealer.prepare_async(JsValue::from(5)))
        .await
        .unwrap();
    assert_eq!(n.as_f64(), Some(5.0));
    assert_eq!(sealer.prepared(), 5);
    let a = settle_str(sealer.seal_async(s("one"), c.clone())).await;
    assert_eq!(sealer.prepared(), 4);
    let b = sealer.seal(s("two"), c.clone()).unwrap();
    assert_eq!(sealer.prepared(), 3);
    let many = settle(
        sealer.seal_many(
            [("m0", "f0"), ("m1", "f1"), ("m2", "f2"), ("m3", "f3")]
                .iter()
                .map(|(pt, f)| obj(&[("plaintext", s(pt)), ("context", ctx("f", f))]))
                .collect::<Array>()
                .into(),
        ),
    )
    .await
    .unwrap();
    assert_eq!(sealer.prepared(), 0);
    assert_eq!(sealer.backend(), s("wasm"));
    // Nothing prepared: made now.
    let d = settle_str(sealer.seal_async(s("three"), c.clone())).await;
    // A bad input in sealMany: nothing sealed, no prepared encapsulation used.
    sealer.prepare(JsValue::from(1)).unwrap();
    let bad = Array::of2(
        &obj(&[("plaintext", s("ok")), ("context", c.clone())]),
        &obj(&[("plaintext", s("bad")), ("context", ctx("", "a"))]),
    );
    assert_eq!(
        code_async(sealer.seal_many(bad.into())).await,
        "INVALID_CONTEXT"
    );
    assert_eq!(sealer.prepared(), 1);

    let opener = JsOpener::new(p.private.clone(), JsValue::UNDEFINED).unwrap();
    assert_eq!(opener.kid(), kid);
    assert!(opener.backend().is_undefined());
    assert_eq!(opener.open_text(s(&a), c.clone()).unwrap(), s("one"));
    assert_eq!(
        settle(opener.open_text_async(s(&b), c.clone()))
            .await
            .unwrap(),
        s("two")
    );
    assert_eq!(
        to_vec(&settle(opener.open_async(s(&d), c.clone())).await.unwrap()),
        b"three"
    );
    assert_eq!(opener.backend(), s("wasm"));
    let many = Array::from(&many);
    for i in 0..4u32 {
        let env = many.get(i).as_string().unwrap();
        let field = format!("f{i}");
        assert_eq!(
            opener.open_text(s(&env), ctx("f", &field)).unwrap(),
            s(&format!("m{i}"))
        );
    }
    // Every envelope has its own encapsulation.
    let mut all = vec![a.clone(), b.clone(), d.clone()];
    all.extend(many.iter().map(|e| e.as_string().unwrap()));
    let encs: std::collections::HashSet<Vec<u8>> = all.iter().map(|e| enc_of(e)).collect();
    assert_eq!(encs.len(), 7);
    // One-shot async forms.
    let env = settle_str(seal_async(p.public.clone(), s("async"), c.clone())).await;
    assert_eq!(suite_ids(&env), HYBRID_SUITE);
    assert_eq!(
        settle(open_text_async(p.private.clone(), s(&env), c.clone()))
            .await
            .unwrap(),
        s("async")
    );
    assert_eq!(
        to_vec(
            &settle(open_async(json(&p.private), s(&env), c))
                .await
                .unwrap()
        ),
        b"async"
    );
}

#[wasm_bindgen_test]
async fn hybrid_work_makes_no_webcrypto_call() {
    let Some((log, undo)) = spy_subtle() else {
        return; // no crypto.subtle here: nothing to spy on (Node has it)
    };
    let p = hybrid_pair();
    let c = ctx("f", "a");
    let sealer = JsSealer::new(p.public.clone(), web_always()).unwrap();
    settle(sealer.prepare_async(JsValue::from(2)))
        .await
        .unwrap();
    let mut envs = vec![];
    for _ in 0..3 {
        envs.push(settle_str(sealer.seal_async(s("x"), c.clone())).await);
    }
    envs.push(settle_str(seal_async(p.public.clone(), s("x"), c.clone())).await);
    let opener = JsOpener::new(p.private.clone(), web_always()).unwrap();
    for e in &envs {
        settle(opener.open_async(s(e), c.clone())).await.unwrap();
    }
    undo.call0(&JsValue::NULL).unwrap();
    assert_eq!(log.length(), 0, "WebCrypto calls: {:?}", log.to_vec());
    assert_eq!(sealer.backend(), s("wasm"));
    assert_eq!(opener.backend(), s("wasm"));
}

#[wasm_bindgen_test]
async fn hybrid_bad_inputs_have_their_codes() {
    let p = hybrid_pair();
    let p256 = pair();
    let c = ctx("f", "a");
    let hybrid_env = seal(p.public.clone(), s("h"), c.clone()).unwrap();
    let p256_env = seal(p256.public.clone(), s("p"), c.clone()).unwrap();
    // The other suite's envelope, both ways, sync and async.
    assert_eq!(
        code(open(p.private.clone(), s(&p256_env), c.clone())),
        "SUITE_MISMATCH"
    );
    assert_eq!(
        code(open(p256.private.clone(), s(&hybrid_env), c.clone())),
        "SUITE_MISMATCH"
    );
    assert_eq!(
        code_async(open_async(p.private.clone(), s(&p256_env), c.clone())).await,
        "SUITE_MISMATCH"
    );
    assert_eq!(
        code_async(open_async(p256.private.clone(), s(&hybrid_env), c.clone())).await,
        "SUITE_MISMATCH"
    );
    let ho = JsOpener::new(p.private.clone(), JsValue::UNDEFINED).unwrap();
    let po = JsOpener::new(p256.private.clone(), JsValue::UNDEFINED).unwrap();
    assert_eq!(
        code(ho.open(s(&p256_env), JsValue::UNDEFINED)),
        "SUITE_MISMATCH"
    );
    assert_eq!(
        code(po.open(s(&hybrid_env), JsValue::UNDEFINED)),
        "SUITE_MISMATCH"
    );
    assert_eq!(
        code_async(ho.open_async(s(&p256_env), JsValue::UNDEFINED)).await,
        "SUITE_MISMATCH"
    );
    // An unknown suite.
    let mut b = body(&hybrid_env);
    b[1] = 0x7b;
    assert_eq!(
        code(ho.open(s(&text(&b)), JsValue::UNDEFINED)),
        "UNSUPPORTED_SUITE"
    );
    assert_eq!(code(inspect(s(&text(&b)))), "UNSUPPORTED_SUITE");
    // Wrong-length keys; a wrong alg; a missing priv; a pub not the seed's.
    let pub_ = Base64UrlUnpadded::decode_vec(&member_str(&p.public, "pub")).unwrap();
    for len in [0, 1215, 1217, 1184] {
        let mut key = pub_[..len.min(1216)].to_vec();
        key.resize(len, 0);
        let short = with(
            &p.public,
            "pub",
            Some(s(&Base64UrlUnpadded::encode_string(&key))),
        );
        let short = with(&short, "kid", None);
        assert_eq!(
            code(seal(short.clone(), s("x"), c.clone())),
            "INVALID_KEY",
            "{len}"
        );
        assert_eq!(
            code(JsSealer::new(short, JsValue::UNDEFINED)),
            "INVALID_KEY"
        );
    }
    for seed_len in [31, 33, 0] {
        let bad = with(
            &with(&with(&p.private, "pub", None), "kid", None),
            "priv",
            Some(s(&Base64UrlUnpadded::encode_string(&vec![7u8; seed_len]))),
        );
        assert_eq!(
            code(JsOpener::new(bad, JsValue::UNDEFINED)),
            "INVALID_KEY",
            "{seed_len}"
        );
    }
    assert_eq!(
        code(JsOpener::new(p.public.clone(), JsValue::UNDEFINED)),
        "NOT_PRIVATE_KEY"
    );
    let other = hybrid_pair();
    let swapped = with(&other.private, "pub", Some(member(&p.public, "pub")));
    assert_eq!(
        code(JsOpener::new(
            with(&swapped, "kid", None),
            JsValue::UNDEFINED
        )),
        "INVALID_KEY"
    );
    for alg in ["X-Wing", "ML-KEM-768"] {
        assert_eq!(
            code(seal(
                with(&p.public, "alg", Some(s(alg))),
                s("x"),
                c.clone()
            )),
            "INVALID_KEY"
        );
    }
    assert_eq!(
        code(seal(with(&p.public, "alg", None), s("x"), c.clone())),
        "INVALID_KEY"
    );
    assert_eq!(
        code(seal(
            with(&p.public, "pub", Some(s("not base64!"))),
            s("x"),
            c.clone()
        )),
        "INVALID_KEY"
    );
    // Pinning: the wrong kid; a kid member that is not the thumbprint.
    let p256_kid = member_str(&p256.public, "kid");
    assert_eq!(
        code(JsSealer::new(p.public.clone(), pinned(&p256_kid))),
        "KID_MISMATCH"
    );
    assert_eq!(
        code(seal(
            with(&p.public, "kid", Some(s(&p256_kid))),
            s("x"),
            c.clone()
        )),
        "KID_MISMATCH"
    );
    assert_eq!(
        code(JsSealer::new(jwks(&[&p.public]), pinned(&p256_kid))),
        "KEY_NOT_FOUND"
    );
    // The other hybrid key: KID_MISMATCH; a tampered slice: DECRYPT_FAILED;
    // another context: CONTEXT_MISMATCH.
    assert_eq!(
        code(open(other.private.clone(), s(&hybrid_env), c.clone())),
        "KID_MISMATCH"
    );
    let mut t = body(&hybrid_env);
    let last = t.len() - 1;
    t[last] ^= 1;
    assert_eq!(code(ho.open(s(&text(&t)), c.clone())), "DECRYPT_FAILED");
    assert_eq!(
        code(ho.open(s(&hybrid_env), ctx("f", "b"))),
        "CONTEXT_MISMATCH"
    );
    // Truncated: shorter than its 1120-byte enc.
    let cut = &body(&hybrid_env)[..body(&hybrid_env).len() - 20];
    assert_eq!(
        code(ho.open(s(&text(cut)), JsValue::UNDEFINED)),
        "MALFORMED_ENVELOPE"
    );
}

/// The binary form with a hybrid key: `sealBytesAsync` (one-shot, and a
/// `Sealer` with and without a prepared encapsulation) gives the hybrid
/// body, whose text is the envelope; every opener takes it; the other
/// suite's key is `SUITE_MISMATCH` on a body as on text.
#[wasm_bindgen_test]
async fn hybrid_binary_form() {
    let p = hybrid_pair();
    let p256 = pair();
    let c = ctx_sub("f", "a", "s-1");
    let sealer = JsSealer::new(p.public.clone(), pinned(&member_str(&p.public, "kid"))).unwrap();
    for (len, prepare) in [(0usize, false), (3000, true), (70_000, false)] {
        if prepare {
            settle(sealer.prepare_async(JsValue::from_f64(1.0)))
                .await
                .unwrap();
            assert_eq!(sealer.prepared(), 1);
        }
        let pt: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let one = settle(seal_bytes_async(p.public.clone(), bytes(&pt), c.clone()))
            .await
            .unwrap();
        let from_sealer = settle(sealer.seal_bytes_async(bytes(&pt), c.clone()))
            .await
            .unwrap();
        assert_eq!(sealer.prepared(), 0);
        for b in [to_vec(&one), to_vec(&from_sealer)] {
            // Suite, kid, info_len, info (26), enc (1120), ct, tag.
            assert_eq!(b[..6], HYBRID_SUITE);
            assert_eq!(b.len(), 40 + 26 + 1120 + len + 16);
            assert_eq!(
                to_vec(&open(p.private.clone(), bytes(&b), c.clone()).unwrap()),
                pt
            );
            assert_eq!(
                to_vec(&open(p.private.clone(), s(&text(&b)), c.clone()).unwrap()),
                pt
            );
            let opener = JsOpener::new(p.private.clone(), JsValue::UNDEFINED).unwrap();
            let got = settle(opener.open_async(bytes(&b), c.clone()))
                .await
                .unwrap();
            assert_eq!(to_vec(&got), pt);
            assert_eq!(
                code(open(p256.private.clone(), bytes(&b), c.clone())),
                "SUITE_MISMATCH"
            );
        }
    }
    let p256_body = settle(seal_bytes_async(p256.public.clone(), s("x"), c.clone()))
        .await
        .unwrap();
    assert_eq!(
        code(open(p.private.clone(), p256_body.clone(), c.clone())),
        "SUITE_MISMATCH"
    );
    let opener = JsOpener::new(p.private.clone(), JsValue::UNDEFINED).unwrap();
    assert_eq!(
        code_async(opener.open_async(p256_body, c.clone())).await,
        "SUITE_MISMATCH"
    );
    // A bad input rejects before any sealing.
    assert_eq!(
        code_async(sealer.seal_bytes_async(bytes(&[0]), ctx("", "a"))).await,
        "INVALID_CONTEXT"
    );
}
