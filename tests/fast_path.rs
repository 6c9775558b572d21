//! The Sealer fast path (per-recipient table, composed RFC 9180 key schedule)
//! against the `hpke` crate, and the composed schedule against the RFC 9180
//! vectors in ../shared/vectors.

use slice_seal::{Context, PrivateKey, Sealer, danger, open};
use std::path::PathBuf;

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/vectors")
}

fn hx(v: &serde_json::Value) -> Vec<u8> {
    hex::decode(v.as_str().expect("hex string")).expect("valid hex")
}

#[test]
fn sealer_fast_path_equals_hpke_crate_for_the_same_ephemeral_key() {
    let key = PrivateKey::generate().unwrap();
    let sealer = Sealer::new(key.public_key().clone());
    let ctx = Context::new("vetting-step-2", "date-of-birth")
        .unwrap()
        .with_submission("s-1")
        .unwrap();
    for i in 0u8..64 {
        let ikm_e = [i; 32];
        let pt = vec![i; (i as usize) * 37];
        let reference = danger::seal_deterministic(key.public_key(), &pt, &ctx, &ikm_e).unwrap();
        let fast = danger::sealer_seal_deterministic(&sealer, &pt, &ctx, &ikm_e).unwrap();
        assert_eq!(fast.to_string(), reference.to_string(), "ikm_e = [{i}; 32]");
    }
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
