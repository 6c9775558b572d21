//! External test vectors: Wycheproof (AES-GCM, P-256 ECDH, HKDF-SHA256) and
//! RFC 9180 Appendix A (DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128/256-GCM,
//! all four modes).
//!
//! The files are read at run time from `<CARGO_MANIFEST_DIR>/../shared/vectors`
//! (see its README for provenance and schemas). A missing file fails the test.
//! Every case is counted and the counts are checked against the README, so no
//! case can be skipped silently.

mod common;

use common::{arrf, hexf, intf, load_json, strf};
use slice_seal::{PrivateKey, PublicKey, primitives};

fn code<T: std::fmt::Debug>(r: slice_seal::Result<T>) -> &'static str {
    r.expect_err("expected an error").code()
}

fn check_header(v: &serde_json::Value, algorithm: &str, number_of_tests: u64) {
    assert_eq!(strf(v, "algorithm"), algorithm, "unexpected vector file");
    assert_eq!(
        intf(v, "numberOfTests"),
        number_of_tests,
        "numberOfTests differs from the README"
    );
}

// ---------------------------------------------------------------- AES-GCM

#[test]
fn wycheproof_aes_gcm() {
    let v = load_json("wycheproof/aes_gcm_test.json");
    check_header(&v, "AES-GCM", 316);

    let (mut ours_valid, mut ours_invalid) = (0usize, 0usize);
    let (mut other_rejected, mut total_valid, mut total_invalid) = (0usize, 0usize, 0usize);
    for g in arrf(&v, "testGroups") {
        let key_size = intf(g, "keySize");
        let iv_size = intf(g, "ivSize");
        let tag_size = intf(g, "tagSize");
        let ours = key_size == 256 && iv_size == 96 && tag_size == 128;
        for t in arrf(g, "tests") {
            let id = intf(t, "tcId");
            let (key, iv, aad) = (hexf(t, "key"), hexf(t, "iv"), hexf(t, "aad"));
            let (msg, ct, tag) = (hexf(t, "msg"), hexf(t, "ct"), hexf(t, "tag"));
            assert_eq!(key.len() * 8, key_size as usize, "tcId {id}: key size");
            assert_eq!(iv.len() * 8, iv_size as usize, "tcId {id}: iv size");
            let mut ct_tag = ct.clone();
            ct_tag.extend_from_slice(&tag);
            let result = strf(t, "result");
            match result {
                "valid" => total_valid += 1,
                "invalid" => total_invalid += 1,
                other => panic!("tcId {id}: unexpected result {other:?}"),
            }
            if ours {
                if result == "valid" {
                    let sealed = primitives::aes_gcm_seal(&key, &iv, &aad, &msg)
                        .unwrap_or_else(|e| panic!("tcId {id}: seal failed: {e}"));
                    assert_eq!(
                        hex::encode(&sealed),
                        hex::encode(&ct_tag),
                        "tcId {id}: ct||tag"
                    );
                    let opened = primitives::aes_gcm_open(&key, &iv, &aad, &ct_tag)
                        .unwrap_or_else(|e| panic!("tcId {id}: open failed: {e}"));
                    assert_eq!(opened, msg, "tcId {id}: plaintext");
                    ours_valid += 1;
                } else {
                    let c = code(primitives::aes_gcm_open(&key, &iv, &aad, &ct_tag));
                    assert!(
                        c == "DECRYPT_FAILED" || c == "INVALID_INPUT",
                        "tcId {id}: invalid case rejected with {c}"
                    );
                    // Sealing the message must not reproduce the forged ciphertext.
                    let sealed = primitives::aes_gcm_seal(&key, &iv, &aad, &msg)
                        .unwrap_or_else(|e| panic!("tcId {id}: seal failed: {e}"));
                    assert_ne!(sealed, ct_tag, "tcId {id}: invalid ct reproduced by seal");
                    ours_invalid += 1;
                }
            } else {
                // Our building blocks are AES-256-GCM with 96-bit nonces only:
                // any other key or nonce size is refused, never misused.
                assert_eq!(
                    code(primitives::aes_gcm_seal(&key, &iv, &aad, &msg)),
                    "INVALID_INPUT",
                    "tcId {id}: seal with key {key_size} / iv {iv_size} bits"
                );
                assert_eq!(
                    code(primitives::aes_gcm_open(&key, &iv, &aad, &ct_tag)),
                    "INVALID_INPUT",
                    "tcId {id}: open with key {key_size} / iv {iv_size} bits"
                );
                other_rejected += 1;
            }
        }
    }
    assert_eq!(
        (ours_valid, ours_invalid),
        (39, 27),
        "AES-256 / 96-bit IV cases"
    );
    assert_eq!(ours_valid + ours_invalid + other_rejected, 316, "all cases");
    assert_eq!((total_valid, total_invalid), (229, 87), "valid / invalid");
    eprintln!(
        "AES-GCM: {ours_valid} valid + {ours_invalid} invalid AES-256/96-bit cases checked, \
         {other_rejected} other-size cases rejected with INVALID_INPUT"
    );
}

// ---------------------------------------------------------------- ECDH

/// Wycheproof private keys are minimal two's-complement big-endian integers:
/// they may carry a leading 00 byte or be shorter than 32 bytes.
fn scalar32(raw: &[u8]) -> [u8; 32] {
    let mut s = raw;
    while s.len() > 32 && s[0] == 0 {
        s = &s[1..];
    }
    assert!(s.len() <= 32, "private scalar longer than 32 bytes");
    let mut out = [0u8; 32];
    out[32 - s.len()..].copy_from_slice(s);
    out
}

#[test]
fn wycheproof_ecdh_p256_ecpoint() {
    let v = load_json("wycheproof/ecdh_secp256r1_ecpoint_test.json");
    check_header(&v, "ECDH", 355);

    let (mut valid, mut acceptable, mut invalid) = (0usize, 0usize, 0usize);
    for g in arrf(&v, "testGroups") {
        assert_eq!(strf(g, "curve"), "secp256r1");
        assert_eq!(strf(g, "encoding"), "ecpoint");
        for t in arrf(g, "tests") {
            let id = intf(t, "tcId");
            let public = hexf(t, "public");
            let private = scalar32(&hexf(t, "private"));
            let shared = hexf(t, "shared");
            match strf(t, "result") {
                // "acceptable" is a compressed point: we accept compressed
                // SEC1 points, so it must then give the right secret.
                r @ ("valid" | "acceptable") => {
                    let pk = PublicKey::from_sec1(&public)
                        .unwrap_or_else(|e| panic!("tcId {id}: public key rejected: {e}"));
                    let sk = PrivateKey::from_bytes(&private)
                        .unwrap_or_else(|e| panic!("tcId {id}: private key rejected: {e}"));
                    let z = primitives::ecdh(&sk, &pk);
                    assert_eq!(hex::encode(*z), hex::encode(&shared), "tcId {id}: shared");
                    // The point re-encodes to the same bytes in its own form.
                    assert_eq!(pk.to_sec1(public.len() == 33), public, "tcId {id}: SEC1");
                    if r == "valid" {
                        valid += 1;
                    } else {
                        assert_eq!(public.len(), 33, "tcId {id}: acceptable is compressed");
                        acceptable += 1;
                    }
                }
                "invalid" => {
                    assert_eq!(
                        code(PublicKey::from_sec1(&public)),
                        "INVALID_KEY",
                        "tcId {id}: invalid public key"
                    );
                    invalid += 1;
                }
                other => panic!("tcId {id}: unexpected result {other:?}"),
            }
        }
    }
    assert_eq!((valid, acceptable, invalid), (330, 1, 24), "ECDH cases");
    eprintln!("ECDH: {valid} valid, {acceptable} acceptable, {invalid} invalid checked");
}

// ---------------------------------------------------------------- HKDF

#[test]
fn wycheproof_hkdf_sha256() {
    let v = load_json("wycheproof/hkdf_sha256_test.json");
    check_header(&v, "HKDF-SHA-256", 86);

    let (mut valid, mut invalid) = (0usize, 0usize);
    for g in arrf(&v, "testGroups") {
        for t in arrf(g, "tests") {
            let id = intf(t, "tcId");
            let (ikm, salt, info) = (hexf(t, "ikm"), hexf(t, "salt"), hexf(t, "info"));
            let size = intf(t, "size") as usize;
            match strf(t, "result") {
                "valid" => {
                    let okm = hexf(t, "okm");
                    let out = primitives::hkdf(&salt, &ikm, &info, size)
                        .unwrap_or_else(|e| panic!("tcId {id}: hkdf failed: {e}"));
                    assert_eq!(hex::encode(&*out), hex::encode(&okm), "tcId {id}: okm");
                    let prk = primitives::hkdf_extract(&salt, &ikm);
                    let out2 = primitives::hkdf_expand(prk.as_ref(), &info, size)
                        .unwrap_or_else(|e| panic!("tcId {id}: expand failed: {e}"));
                    assert_eq!(*out2, okm, "tcId {id}: extract+expand");
                    valid += 1;
                }
                "invalid" => {
                    assert!(size > primitives::HKDF_MAX_LEN, "tcId {id}: size {size}");
                    assert_eq!(
                        code(primitives::hkdf(&salt, &ikm, &info, size)),
                        "INVALID_INPUT",
                        "tcId {id}"
                    );
                    invalid += 1;
                }
                other => panic!("tcId {id}: unexpected result {other:?}"),
            }
        }
    }
    assert_eq!((valid, invalid), (83, 3), "HKDF cases");
    eprintln!("HKDF: {valid} valid, {invalid} invalid checked");
}

// ---------------------------------------------------------------- RFC 9180

mod rfc9180 {
    use super::*;
    use common::reference::{FixedRng, Kem};
    use hpke::kdf::HkdfSha256;
    use hpke::{Deserializable, Kem as KemTrait, OpModeR, OpModeS, PskBundle, Serializable};
    use slice_seal::danger;

    type EncappedKey = <Kem as KemTrait>::EncappedKey;

    // RFC 9180 §4 LabeledExtract / LabeledExpand, composed from our own
    // HKDF building blocks as an independent check of the key schedule.
    fn labeled_extract(suite: &[u8], salt: &[u8], label: &str, ikm: &[u8]) -> Vec<u8> {
        let mut labeled = b"HPKE-v1".to_vec();
        labeled.extend_from_slice(suite);
        labeled.extend_from_slice(label.as_bytes());
        labeled.extend_from_slice(ikm);
        primitives::hkdf_extract(salt, &labeled).to_vec()
    }

    fn labeled_expand(suite: &[u8], prk: &[u8], label: &str, info: &[u8], len: usize) -> Vec<u8> {
        let mut labeled = (len as u16).to_be_bytes().to_vec();
        labeled.extend_from_slice(b"HPKE-v1");
        labeled.extend_from_slice(suite);
        labeled.extend_from_slice(label.as_bytes());
        labeled.extend_from_slice(info);
        primitives::hkdf_expand(prk, &labeled, len)
            .expect("hkdf_expand")
            .to_vec()
    }

    fn aes_open_direct(aead_id: u64, key: &[u8], nonce: &[u8], aad: &[u8], ct: &[u8]) -> Vec<u8> {
        match aead_id {
            2 => primitives::aes_gcm_open(key, nonce, aad, ct).expect("AES-256-GCM open"),
            1 => {
                use aes_gcm::aead::{Aead as _, KeyInit, Payload};
                let c = aes_gcm::Aes128Gcm::new_from_slice(key).expect("AES-128 key");
                let mut n = aes_gcm::Nonce::<aes_gcm::aead::consts::U12>::default();
                n.copy_from_slice(nonce);
                c.decrypt(&n, Payload { msg: ct, aad })
                    .expect("AES-128-GCM open")
            }
            other => panic!("unexpected aead_id {other}"),
        }
    }

    #[derive(Default)]
    pub(super) struct Counts {
        pub entries: usize,
        pub encryptions: usize,
        pub exports: usize,
        /// Base-mode entries run through the crate's engine, and their
        /// AES-256-GCM encryptions.
        pub engine: usize,
        pub engine_encryptions: usize,
    }

    pub(super) fn run_entry<A: hpke::aead::Aead>(e: &serde_json::Value, n: &mut Counts) {
        let mode = intf(e, "mode");
        let aead_id = intf(e, "aead_id");
        let what = format!("mode {mode}, aead {aead_id}");
        assert_eq!((intf(e, "kem_id"), intf(e, "kdf_id")), (16, 1), "{what}");
        let info = hexf(e, "info");
        let (sk_rm, pk_rm) = (hexf(e, "skRm"), hexf(e, "pkRm"));
        let (sk_em, pk_em) = (hexf(e, "skEm"), hexf(e, "pkEm"));
        let ikm_e = hexf(e, "ikmE");
        let enc = hexf(e, "enc");
        let shared_secret = hexf(e, "shared_secret");
        let has_psk = mode == 1 || mode == 3;
        let has_auth = mode == 2 || mode == 3;
        let (psk, psk_id) = if has_psk {
            (hexf(e, "psk"), hexf(e, "psk_id"))
        } else {
            assert!(e.get("psk").is_none(), "{what}: unexpected psk");
            (Vec::new(), Vec::new())
        };

        // DeriveKeyPair (RFC 9180 §7.1.3).
        let (sk_r, pk_r) = Kem::derive_keypair(&hexf(e, "ikmR"));
        assert_eq!(sk_r.to_bytes().to_vec(), sk_rm, "{what}: skRm");
        assert_eq!(pk_r.to_bytes().to_vec(), pk_rm, "{what}: pkRm");
        let (sk_e, pk_e) = Kem::derive_keypair(&ikm_e);
        assert_eq!(sk_e.to_bytes().to_vec(), sk_em, "{what}: skEm");
        assert_eq!(pk_e.to_bytes().to_vec(), pk_em, "{what}: pkEm");
        assert_eq!(pk_em, enc, "{what}: enc is pkEm");
        let sender = if has_auth {
            let (sk_s, pk_s) = Kem::derive_keypair(&hexf(e, "ikmS"));
            assert_eq!(sk_s.to_bytes().to_vec(), hexf(e, "skSm"), "{what}: skSm");
            assert_eq!(pk_s.to_bytes().to_vec(), hexf(e, "pkSm"), "{what}: pkSm");
            Some((sk_s, pk_s))
        } else {
            None
        };

        // Our own key types agree with the vector keys.
        let our_r = PrivateKey::from_bytes(&sk_rm).expect("skRm imports");
        assert_eq!(our_r.public_key().to_sec1(false), pk_rm, "{what}: our pkR");
        assert_eq!(
            PublicKey::from_sec1(&pk_rm).expect("pkRm imports"),
            *our_r.public_key(),
            "{what}: pkRm import"
        );
        let our_e = PrivateKey::from_bytes(&sk_em).expect("skEm imports");
        assert_eq!(our_e.public_key().to_sec1(false), pk_em, "{what}: our pkE");

        // DHKEM encapsulation (RFC 9180 §4.1) from our raw ECDH: the vector's
        // shared_secret is ExtractAndExpand(dh, kem_context), not dh itself.
        let dh_e = primitives::ecdh(&our_e, our_r.public_key());
        assert_eq!(
            *dh_e,
            *primitives::ecdh(&our_r, our_e.public_key()),
            "{what}: ECDH symmetric"
        );
        let mut dh = dh_e.to_vec();
        let mut kem_context = [enc.as_slice(), pk_rm.as_slice()].concat();
        if has_auth {
            let our_s = PrivateKey::from_bytes(&hexf(e, "skSm")).expect("skSm imports");
            dh.extend_from_slice(&*primitives::ecdh(&our_s, our_r.public_key()));
            kem_context.extend_from_slice(&our_s.public_key().to_sec1(false));
        }
        let kem_suite = [b"KEM".as_slice(), &16u16.to_be_bytes()].concat();
        let eae_prk = labeled_extract(&kem_suite, b"", "eae_prk", &dh);
        let ss = labeled_expand(&kem_suite, &eae_prk, "shared_secret", &kem_context, 32);
        assert_eq!(
            hex::encode(&ss),
            hex::encode(&shared_secret),
            "{what}: shared_secret"
        );
        assert_ne!(ss, dh[..32], "{what}: shared_secret is not raw DH");

        // Key schedule (RFC 9180 §5.1).
        let suite = [
            b"HPKE".as_slice(),
            &16u16.to_be_bytes(),
            &1u16.to_be_bytes(),
            &(aead_id as u16).to_be_bytes(),
        ]
        .concat();
        let psk_id_hash = labeled_extract(&suite, b"", "psk_id_hash", &psk_id);
        let info_hash = labeled_extract(&suite, b"", "info_hash", &info);
        let ksc = [&[mode as u8][..], &psk_id_hash, &info_hash].concat();
        assert_eq!(
            ksc,
            hexf(e, "key_schedule_context"),
            "{what}: key_schedule_context"
        );
        let secret = labeled_extract(&suite, &ss, "secret", &psk);
        assert_eq!(secret, hexf(e, "secret"), "{what}: secret");
        let nk = if aead_id == 1 { 16 } else { 32 };
        let key = labeled_expand(&suite, &secret, "key", &ksc, nk);
        assert_eq!(key, hexf(e, "key"), "{what}: key");
        let base_nonce = labeled_expand(&suite, &secret, "base_nonce", &ksc, 12);
        assert_eq!(base_nonce, hexf(e, "base_nonce"), "{what}: base_nonce");
        let exporter_secret = labeled_expand(&suite, &secret, "exp", &ksc, 32);
        assert_eq!(
            exporter_secret,
            hexf(e, "exporter_secret"),
            "{what}: exporter_secret"
        );

        // The crate's own engine, for the base mode it implements: Encap with
        // the vector's ephemeral key (DeriveKeyPair(ikmE), the variable-base
        // ECDH, ExtractAndExpand), Decap with skR (the opening ECDH),
        // KeySchedule; the encryptions below use its key and nonce.
        let ours = (mode == 0).then(|| {
            let (our_enc, our_ss) =
                danger::encap_deterministic(our_r.public_key(), &ikm_e).expect("our Encap");
            assert_eq!(our_enc.to_vec(), enc, "{what}: our Encap enc");
            assert_eq!(our_ss.to_vec(), shared_secret, "{what}: our Encap secret");
            let enc65: [u8; 65] = enc.clone().try_into().expect("65-byte enc");
            let decapped = danger::decap(&our_r, &enc65).expect("our Decap");
            assert_eq!(decapped.to_vec(), shared_secret, "{what}: our Decap");
            let ks = danger::key_schedule_base(&our_ss, &info, aead_id as u16, nk);
            assert_eq!(ks.key_schedule_context, ksc, "{what}: our context");
            assert_eq!(ks.secret.to_vec(), secret, "{what}: our secret");
            assert_eq!(ks.key, key, "{what}: our key");
            assert_eq!(ks.base_nonce.to_vec(), base_nonce, "{what}: our base_nonce");
            assert_eq!(
                ks.exporter_secret.to_vec(),
                exporter_secret,
                "{what}: our exporter_secret"
            );
            n.engine += 1;
            ks
        });

        // The hpke crate, end to end, with the vector's ephemeral key material.
        let bundle = PskBundle::new(&psk, &psk_id).expect("psk bundle");
        let mode_s: OpModeS<Kem> = match mode {
            0 => OpModeS::Base,
            1 => OpModeS::Psk(bundle),
            2 => OpModeS::Auth(sender.clone().expect("sender")),
            3 => OpModeS::AuthPsk(sender.clone().expect("sender"), bundle),
            m => panic!("unexpected mode {m}"),
        };
        let pk_s = sender.as_ref().map(|s| s.1.clone());
        let mode_r: OpModeR<Kem> = match mode {
            0 => OpModeR::Base,
            1 => OpModeR::Psk(bundle),
            2 => OpModeR::Auth(pk_s.clone().expect("pkS")),
            _ => OpModeR::AuthPsk(pk_s.clone().expect("pkS"), bundle),
        };
        let mut rng = FixedRng {
            bytes: ikm_e.clone(),
            pos: 0,
        };
        let (encapped, mut ctx_s) =
            hpke::setup_sender_with_rng::<A, HkdfSha256, Kem>(&mode_s, &pk_r, &info, &mut rng)
                .expect("setup_sender");
        assert_eq!(rng.pos, ikm_e.len(), "{what}: all of ikmE used");
        assert_eq!(encapped.to_bytes().to_vec(), enc, "{what}: enc");
        let encapped_r = EncappedKey::from_bytes(&enc).expect("enc parses");
        let decapped = Kem::decap(&sk_r, pk_s.as_ref(), &encapped_r).expect("decap");
        assert_eq!(decapped.0.to_vec(), shared_secret, "{what}: decap");
        let mut ctx_r =
            hpke::setup_receiver::<A, HkdfSha256, Kem>(&mode_r, &sk_r, &encapped_r, &info)
                .expect("setup_receiver");

        for (seq, x) in arrf(e, "encryptions").iter().enumerate() {
            let (aad, pt, ct, nonce) = (
                hexf(x, "aad"),
                hexf(x, "pt"),
                hexf(x, "ct"),
                hexf(x, "nonce"),
            );
            // nonce = base_nonce XOR I2OSP(seq, 12)
            let mut want_nonce = base_nonce.clone();
            for (b, s) in want_nonce[4..].iter_mut().zip((seq as u64).to_be_bytes()) {
                *b ^= s;
            }
            assert_eq!(nonce, want_nonce, "{what}: nonce {seq}");
            let sealed = ctx_s.seal(&pt, &aad).expect("seal");
            assert_eq!(hex::encode(&sealed), hex::encode(&ct), "{what}: ct {seq}");
            assert_eq!(
                ctx_r.open(&ct, &aad).expect("open"),
                pt,
                "{what}: open {seq}"
            );
            assert_eq!(
                aes_open_direct(aead_id, &key, &nonce, &aad, &ct),
                pt,
                "{what}: AES {seq}"
            );
            if let Some(ks) = ours.as_ref().filter(|_| aead_id == 2) {
                let ct_ours = primitives::aes_gcm_seal(&ks.key, &nonce, &aad, &pt).expect("seal");
                assert_eq!(ct_ours, ct, "{what}: our ct {seq}");
                assert_eq!(
                    primitives::aes_gcm_open(&ks.key, &nonce, &aad, &ct).expect("open"),
                    pt,
                    "{what}: our open {seq}"
                );
                n.engine_encryptions += 1;
            }
            n.encryptions += 1;
        }
        for x in arrf(e, "exports") {
            let (ectx, want) = (hexf(x, "exporter_context"), hexf(x, "exported_value"));
            let len = intf(x, "L") as usize;
            let mut out_s = vec![0u8; len];
            ctx_s.export(&ectx, &mut out_s).expect("export");
            assert_eq!(out_s, want, "{what}: export (sender)");
            let mut out_r = vec![0u8; len];
            ctx_r.export(&ectx, &mut out_r).expect("export");
            assert_eq!(out_r, want, "{what}: export (receiver)");
            let direct = labeled_expand(&suite, &exporter_secret, "sec", &ectx, len);
            assert_eq!(direct, want, "{what}: export (key schedule)");
            n.exports += 1;
        }
        n.entries += 1;
    }
}

#[test]
fn rfc9180_p256_hkdfsha256_aesgcm() {
    let v = load_json("hpke/p256-hkdfsha256-aesgcm.json");
    let entries = v.as_array().expect("the HPKE vector file is a JSON array");
    assert_eq!(entries.len(), 8, "HPKE entries");
    let mut n = rfc9180::Counts::default();
    let mut seen = Vec::new();
    for e in entries {
        let (mode, aead) = (intf(e, "mode"), intf(e, "aead_id"));
        match aead {
            1 => rfc9180::run_entry::<hpke::aead::AesGcm128>(e, &mut n),
            2 => rfc9180::run_entry::<hpke::aead::AesGcm256>(e, &mut n),
            other => panic!("unexpected aead_id {other}"),
        }
        seen.push((mode, aead));
    }
    seen.sort();
    let want: Vec<(u64, u64)> = (0..4).flat_map(|m| [(m, 1), (m, 2)]).collect();
    assert_eq!(seen, want, "one entry per (mode, aead)");
    assert_eq!(
        (n.entries, n.encryptions, n.exports),
        (8, 2056, 24),
        "HPKE counts"
    );
    assert_eq!(
        (n.engine, n.engine_encryptions),
        (2, 257),
        "base-mode entries through the crate's engine"
    );
    eprintln!(
        "RFC 9180: {} entries, {} encryptions, {} exports checked",
        n.entries, n.encryptions, n.exports
    );
}

#[test]
fn missing_vector_file_fails_loudly() {
    let err = std::panic::catch_unwind(|| load_json("wycheproof/no_such_file.json"))
        .expect_err("a missing vector file must fail the test");
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        msg.contains("no_such_file.json"),
        "message names the path: {msg}"
    );
    assert!(msg.contains("missing"), "message says it is missing: {msg}");
}
