//! The crate's one RFC 9180 engine, with each source of its DH value (the
//! Sealer's table, the one-shot variable-base multiplication, an ECDH done
//! elsewhere), against the `hpke` crate, and its schedule against the RFC
//! 9180 vectors in ../shared/vectors.

mod common;

use base64ct::Encoding;
use common::reference;
use slice_seal::{
    Context, Envelope, Opener, PrivateKey, PublicKey, Sealer, danger, open, seal,
    seal_with_agreement,
};
use std::path::PathBuf;

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/vectors")
}

fn hx(v: &serde_json::Value) -> Vec<u8> {
    hex::decode(v.as_str().expect("hex string")).expect("valid hex")
}

/// The private scalar `skRm` (for the hpke crate).
fn scalar(key: &PrivateKey) -> Vec<u8> {
    let d = key.to_jwk().d.unwrap();
    base64ct::Base64UrlUnpadded::decode_vec(d.expose()).unwrap()
}

#[test]
fn sealer_fast_path_equals_hpke_crate_for_the_same_ephemeral_key() {
    let key = PrivateKey::generate().unwrap();
    let sealer = Sealer::new(key.public_key().clone());
    let pk_rm = key.public_key().to_sec1(false);
    let ctx = Context::new("vetting-step-2", "date-of-birth")
        .unwrap()
        .with_submission("s-1")
        .unwrap();
    let info = ctx.info().unwrap();
    for i in 0u8..64 {
        let ikm_e = [i; 32];
        let pt = vec![i; (i as usize) * 37];
        let (enc, ct) = reference::seal(&pk_rm, &info, &pt, &ikm_e);
        // The table (Sealer) and the variable-base multiplication (seal).
        let fast = danger::sealer_seal_deterministic(&sealer, &pt, &ctx, &ikm_e).unwrap();
        let one_shot = danger::seal_deterministic(key.public_key(), &pt, &ctx, &ikm_e).unwrap();
        for env in [&fast, &one_shot] {
            assert_eq!(
                (env.enc().to_vec(), env.ciphertext()),
                (enc.clone(), &ct[..]),
                "ikm_e = [{i}; 32]"
            );
            assert_eq!(env.info(), info);
        }
        assert_eq!(fast.to_string(), one_shot.to_string(), "ikm_e = [{i}; 32]");
        // The hpke crate opens ours, and we open the hpke crate's.
        let sk = scalar(&key);
        assert_eq!(
            reference::open(&sk, &enc, &info, fast.ciphertext()),
            Some(pt.clone())
        );
        assert_eq!(
            open(&key, &one_shot.to_string(), Some(&ctx))
                .unwrap()
                .plaintext,
            pt
        );
    }
}

/// `open` (and so `Opener`, `open_batch`) gives the hpke crate's result for
/// every envelope addressed to the key: the plaintext, or a refusal.
#[test]
fn open_equals_hpke_crate() {
    let key = PrivateKey::generate().unwrap();
    let sk = scalar(&key);
    let (ctx, other) = contexts();
    let (mut opened, mut refused) = (0, 0);
    for t in mixed(&key, &ctx, &other) {
        let Ok(env) = Envelope::parse(&t) else {
            continue;
        };
        if env.kid_bytes() != key.public_key().kid_bytes() {
            continue;
        }
        let want = reference::open(&sk, env.enc(), env.info(), env.ciphertext());
        let got = open(&key, &t, None);
        assert_eq!(got.as_ref().ok().map(|o| o.plaintext.clone()), want, "{t}");
        if want.is_some() {
            opened += 1;
        } else {
            refused += 1;
            let code = got.unwrap_err().code();
            assert!(
                ["DECRYPT_FAILED", "MALFORMED_ENVELOPE"].contains(&code),
                "{code}"
            );
        }
    }
    assert!(
        opened > 15 && refused >= 3,
        "{opened} opened, {refused} refused"
    );
}

#[test]
fn sealer_random_and_prepared_ephemerals_open() {
    let key = PrivateKey::generate().unwrap();
    let mut sealer = Sealer::new(key.public_key().clone());
    let ctx = Context::new("f", "x").unwrap();
    let mut seen = std::collections::HashSet::new();
    assert_eq!(sealer.prepare(8).unwrap(), 8);
    for i in 0..32u32 {
        let env = sealer.seal(&i.to_be_bytes(), &ctx).unwrap();
        // Each slice has its own ephemeral key: enc never repeats.
        let parsed = slice_seal::Envelope::parse(&env).unwrap();
        assert!(seen.insert(*parsed.enc()), "ephemeral key reused");
        assert_eq!(
            open(&key, &env, Some(&ctx)).unwrap().plaintext,
            i.to_be_bytes()
        );
    }
    assert_eq!(sealer.prepared(), 0);
    assert_eq!(sealer.prepare(100_000).unwrap(), slice_seal::MAX_PREPARED);
}

#[test]
fn seal_with_agreement_matches_and_validates() {
    let key = PrivateKey::generate().unwrap();
    let sealer = Sealer::new(key.public_key().clone());
    let eph = PrivateKey::generate().unwrap();
    let dh = slice_seal::primitives::ecdh(&eph, key.public_key());
    let enc = eph.public_key().to_sec1(false);
    let ctx = Context::new("f", "x").unwrap();
    let env = sealer
        .seal_with_agreement(&enc, dh.as_ref(), b"hi", &ctx)
        .unwrap();
    assert_eq!(
        open(&key, &env.to_string(), Some(&ctx)).unwrap().plaintext,
        b"hi"
    );
    let err = |r: slice_seal::Result<slice_seal::Envelope>| r.unwrap_err().code();
    assert_eq!(
        err(sealer.seal_with_agreement(&enc[..64], dh.as_ref(), b"", &ctx)),
        "INVALID_INPUT"
    );
    assert_eq!(
        err(sealer.seal_with_agreement(&enc, &dh[..31], b"", &ctx)),
        "INVALID_INPUT"
    );
    let mut bad = enc.clone();
    bad[64] ^= 1;
    assert_eq!(
        err(sealer.seal_with_agreement(&bad, dh.as_ref(), b"", &ctx)),
        "INVALID_INPUT"
    );
    // A wrong DH value seals something the recipient cannot open.
    let mut wrong = *dh;
    wrong[0] ^= 1;
    let env = sealer
        .seal_with_agreement(&enc, &wrong, b"hi", &ctx)
        .unwrap();
    assert_eq!(
        open(&key, &env.to_string(), Some(&ctx)).unwrap_err().code(),
        "DECRYPT_FAILED"
    );
}

/// One pool, whoever made the encapsulations: ones from an ECDH done
/// elsewhere (WebCrypto's in the browser) sit beside the Sealer's own, each
/// seals exactly the envelope `seal_with_agreement` makes from it, each is
/// used once, a clone starts empty, and bad input never enters the pool.
#[test]
fn prepared_with_agreement_share_the_sealers_pool() {
    let key = PrivateKey::generate().unwrap();
    let mut sealer = Sealer::new(key.public_key().clone());
    let ctx = Context::new("f", "x").unwrap();
    assert_eq!(sealer.prepare(2).unwrap(), 2);
    let mut agreements = std::collections::HashMap::new();
    for i in 0..3usize {
        let eph = PrivateKey::generate().unwrap();
        let dh = slice_seal::primitives::ecdh(&eph, key.public_key());
        let enc = eph.public_key().to_sec1(false);
        assert_eq!(
            sealer.prepare_with_agreement(&enc, dh.as_ref()).unwrap(),
            3 + i
        );
        agreements.insert(enc, dh);
    }
    assert_eq!(sealer.clone().prepared(), 0, "a clone starts empty");
    assert_eq!(sealer.prepare(4).unwrap(), 5, "prepare counts both kinds");
    let mut encs = std::collections::HashSet::new();
    let mut agreed = 0;
    for i in 0..5u8 {
        let text = sealer.seal(&[i], &ctx).unwrap();
        let env = Envelope::parse(&text).unwrap();
        assert!(encs.insert(*env.enc()), "enc reused");
        assert_eq!(open(&key, &text, Some(&ctx)).unwrap().plaintext, [i]);
        // Last in, first out: the three agreed ones first, each sealing
        // exactly what seal_with_agreement makes from its enc and ECDH.
        if let Some(dh) = agreements.get(&env.enc()[..]) {
            assert_eq!(i, agreed);
            let want =
                seal_with_agreement(key.public_key(), env.enc(), dh.as_ref(), &[i], &ctx).unwrap();
            assert_eq!(text, want.to_string());
            agreed += 1;
        }
    }
    assert_eq!((agreed, sealer.prepared()), (3, 0));
    // Bad input is refused as seal_with_agreement refuses it (src/seal.rs
    // `encapsulation_equals_seal_with_agreement`), before the pool.
    let eph = PrivateKey::generate().unwrap();
    let dh = slice_seal::primitives::ecdh(&eph, key.public_key());
    let enc = eph.public_key().to_sec1(false);
    assert!(
        sealer
            .prepare_with_agreement(&enc[1..], dh.as_ref())
            .is_err()
    );
    assert_eq!(sealer.prepared(), 0);
    for _ in 0..slice_seal::MAX_PREPARED + 3 {
        sealer.prepare_with_agreement(&enc, dh.as_ref()).unwrap();
    }
    assert_eq!(sealer.prepared(), slice_seal::MAX_PREPARED);
}

#[test]
fn free_seal_with_agreement_equals_the_sealers() {
    let key = PrivateKey::generate().unwrap();
    let sealer = Sealer::new(key.public_key().clone());
    let ctx = Context::new("f", "x")
        .unwrap()
        .with_submission("s")
        .unwrap();
    for i in 0..8usize {
        let eph = PrivateKey::generate().unwrap();
        let dh = slice_seal::primitives::ecdh(&eph, key.public_key());
        let enc = eph.public_key().to_sec1(false);
        let pt = vec![7u8; i * 100];
        let a = seal_with_agreement(key.public_key(), &enc, dh.as_ref(), &pt, &ctx).unwrap();
        let b = sealer
            .seal_with_agreement(&enc, dh.as_ref(), &pt, &ctx)
            .unwrap();
        assert_eq!(a.to_string(), b.to_string());
        assert_eq!(
            open(&key, &a.to_string(), Some(&ctx)).unwrap().plaintext,
            pt
        );
    }
    let eph = PrivateKey::generate().unwrap();
    let dh = slice_seal::primitives::ecdh(&eph, key.public_key());
    let enc = eph.public_key().to_sec1(false);
    let code = |r: slice_seal::Result<Envelope>| r.unwrap_err().code();
    let pk = key.public_key();
    assert_eq!(
        code(seal_with_agreement(pk, &enc[1..], dh.as_ref(), b"", &ctx)),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(seal_with_agreement(pk, &enc, &dh[1..], b"", &ctx)),
        "INVALID_INPUT"
    );
    let big = vec![0u8; slice_seal::MAX_PLAINTEXT + 1];
    assert_eq!(
        code(seal_with_agreement(pk, &enc, dh.as_ref(), &big, &ctx)),
        "INVALID_INPUT"
    );
}

/// Two contexts of one form and submission, for [`mixed`].
fn contexts() -> (Context, Context) {
    let c = |field| {
        Context::new("f", field)
            .unwrap()
            .with_submission("s")
            .unwrap()
    };
    (c("a"), c("b"))
}

/// Valid, foreign, tampered, moved and malformed envelopes for `key`.
fn mixed(key: &PrivateKey, ctx: &Context, other: &Context) -> Vec<String> {
    let edit = |text: &str, f: &dyn Fn(&mut Vec<u8>)| {
        let mut body = Envelope::parse(text).unwrap().to_body();
        f(&mut body);
        Envelope::from_body(&body)
            .map(|e| e.to_string())
            .unwrap_or_else(|_| "ss1.AAAA".into())
    };
    let stranger = PrivateKey::generate().unwrap();
    let mut texts: Vec<String> = (0..24u32)
        .map(|i| {
            let c = if i % 11 == 5 { other } else { ctx };
            seal(key.public_key(), &vec![i as u8; i as usize * 13], c).unwrap()
        })
        .collect();
    let good = texts[1].clone();
    let info = ctx.info().unwrap();
    let other_info = other.info().unwrap();
    assert_eq!(info.len(), other_info.len());
    let body = Envelope::parse(&good).unwrap().to_body();
    let info_at = body.windows(info.len()).position(|w| w == info).unwrap();
    let enc_at = info_at + info.len();
    let other_enc = Envelope::parse(&texts[2]).unwrap().enc().to_vec();
    texts[3] = "garbage".into();
    texts[4] = seal(stranger.public_key(), b"x", ctx).unwrap();
    texts[6] = edit(&good, &|b| *b.last_mut().unwrap() ^= 1);
    texts[7] = edit(&good, &|b| {
        b[enc_at..enc_at + 65].copy_from_slice(&other_enc)
    });
    texts[8] = edit(&good, &|b| b[enc_at + 64] ^= 1);
    texts[9] = edit(&good, &|b| b[info_at..enc_at].copy_from_slice(&other_info));
    texts[10] = "ss2.AAAA".into();
    texts
}

#[test]
fn opener_equals_open_by_itself_and_with_an_agreement_done_elsewhere() {
    let key = PrivateKey::generate().unwrap();
    let opener = Opener::new(key.clone());
    let (ctx, other) = contexts();
    let texts = mixed(&key, &ctx, &other);
    let mut codes = std::collections::BTreeSet::new();
    let mut opened = 0;
    for expected in [None, Some(&ctx), Some(&other)] {
        for t in &texts {
            let want = open(&key, t, expected);
            assert_eq!(opener.open(t, expected), want, "{t}");
            // The same through check + an ECDH computed outside the Opener.
            let via_agreement = Envelope::parse(t).and_then(|env| {
                opener.check(&env, expected)?;
                let pk_e = PublicKey::from_sec1(env.enc())?;
                let dh = slice_seal::primitives::ecdh(&key, &pk_e);
                opener.open_with_agreement(&env, dh.as_ref(), expected)
            });
            assert_eq!(via_agreement, want, "{t}");
            match want {
                Ok(_) => opened += 1,
                Err(e) => {
                    codes.insert(e.code());
                }
            }
        }
    }
    assert!(opened > 30, "{opened}");
    let want: std::collections::BTreeSet<_> = [
        "MALFORMED_ENVELOPE",
        "KID_MISMATCH",
        "DECRYPT_FAILED",
        "CONTEXT_MISMATCH",
        "UNSUPPORTED_VERSION",
    ]
    .into_iter()
    .collect();
    assert!(want.is_subset(&codes), "{codes:?}");

    // The checks come first: a foreign envelope is KID_MISMATCH whatever dh says.
    let env = Envelope::parse(&texts[4]).unwrap();
    assert_eq!(
        opener
            .open_with_agreement(&env, &[0u8; 32], None)
            .unwrap_err()
            .code(),
        "KID_MISMATCH"
    );
    // A wrong or short dh.
    let env = Envelope::parse(&texts[0]).unwrap();
    let pk_e = PublicKey::from_sec1(env.enc()).unwrap();
    let mut dh = *slice_seal::primitives::ecdh(&key, &pk_e);
    assert!(opener.open_with_agreement(&env, &dh, Some(&ctx)).is_ok());
    assert_eq!(
        opener
            .open_with_agreement(&env, &dh[..31], Some(&ctx))
            .unwrap_err()
            .code(),
        "INVALID_INPUT"
    );
    dh[31] ^= 1;
    assert_eq!(
        opener
            .open_with_agreement(&env, &dh, Some(&ctx))
            .unwrap_err()
            .code(),
        "DECRYPT_FAILED"
    );
}

#[test]
fn composed_schedule_matches_rfc9180_vectors() {
    let path = vectors_dir().join("hpke/p256-hkdfsha256-aesgcm.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("RFC 9180 vectors missing at {}: {e}", path.display()));
    let entries: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let mut checked = 0;
    for v in entries.iter().filter(|v| v["mode"] == 0) {
        let aead_id = v["aead_id"].as_u64().unwrap() as u16;
        let nk = match aead_id {
            1 => 16,
            2 => 32,
            other => panic!("unexpected aead {other}"),
        };
        // DH from the vector's ephemeral and recipient keys, through our ECDH.
        let sk_e = PrivateKey::from_bytes(&hx(&v["skEm"])).unwrap();
        let pk_r = slice_seal::PublicKey::from_sec1(&hx(&v["pkRm"])).unwrap();
        let dh = slice_seal::primitives::ecdh(&sk_e, &pk_r);
        let enc: [u8; 65] = hx(&v["enc"]).try_into().unwrap();
        assert_eq!(sk_e.public_key().to_sec1(false), enc);
        let pk_rm: [u8; 65] = hx(&v["pkRm"]).try_into().unwrap();
        let shared = danger::dhkem_shared_secret(&dh, &enc, &pk_rm);
        assert_eq!(shared.to_vec(), hx(&v["shared_secret"]));
        let danger::ScheduleValues {
            key_schedule_context: ctx,
            secret,
            key,
            base_nonce: nonce,
            exporter_secret: exp,
        } = danger::key_schedule_base(&shared, &hx(&v["info"]), aead_id, nk);
        assert_eq!(ctx, hx(&v["key_schedule_context"]));
        assert_eq!(secret.to_vec(), hx(&v["secret"]));
        assert_eq!(key, hx(&v["key"]));
        assert_eq!(nonce.to_vec(), hx(&v["base_nonce"]));
        assert_eq!(exp.to_vec(), hx(&v["exporter_secret"]));
        if aead_id == 2 {
            let e0 = &v["encryptions"][0];
            let ct =
                slice_seal::primitives::aes_gcm_seal(&key, &nonce, &hx(&e0["aad"]), &hx(&e0["pt"]))
                    .unwrap();
            assert_eq!(ct, hx(&e0["ct"]));
        }
        checked += 1;
    }
    assert_eq!(checked, 2, "base mode with AES-128-GCM and AES-256-GCM");
}
