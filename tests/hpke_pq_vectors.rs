//! The draft-ietf-hpke-pq vectors that Python `cryptography` 50 tests its
//! HPKE against (`hpke-pq/hpke-pq-test-vectors.json`, 13 entries; see the
//! vectors README), read at run time: a missing file fails the test.
//!
//! Every entry whose KEM the crate implements is run: DHKEM(P-256) (0x0010)
//! and MLKEM768-X25519 (0x647a). Its KEM part whatever its KDF and AEAD:
//! `DeriveKeyPair(ikmR) = (skRm, pkRm)`, `Encap(pkR)` with `ikmE` =
//! `(enc, shared_secret)`, `Decap(enc, skR) = shared_secret`. For an entry
//! with HKDF-SHA256 (kdf 1), also the base-mode key schedule (`suite_id`,
//! `key`, `base_nonce`, `exporter_secret`) and every encryption, sealed and
//! opened with the entry's AEAD. The counts are checked against the file.

mod common;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use common::{arrf, hexf, intf, load_json};
use slice_seal::{HybridPublicKey, danger};

/// The AEAD `aead_id` of an entry: seal `pt` (returns ct || tag) and open
/// it, with `key` and `nonce`.
fn aead(aead_id: u64, key: &[u8], nonce: &[u8], aad: &[u8], pt: &[u8], ct: &[u8]) -> Vec<u8> {
    let seal = Payload { msg: pt, aad };
    let open = Payload { msg: ct, aad };
    let (sealed, opened) = match aead_id {
        1 => {
            let c = aes_gcm::Aes128Gcm::new_from_slice(key).unwrap();
            let n = nonce.try_into().unwrap();
            (c.encrypt(n, seal).unwrap(), c.decrypt(n, open).unwrap())
        }
        2 => {
            let sealed = slice_seal::primitives::aes_gcm_seal(key, nonce, aad, pt).unwrap();
            let opened = slice_seal::primitives::aes_gcm_open(key, nonce, aad, ct).unwrap();
            (sealed, opened)
        }
        3 => {
            let c = chacha20poly1305::ChaCha20Poly1305::new_from_slice(key).unwrap();
            let n = nonce.try_into().unwrap();
            (c.encrypt(n, seal).unwrap(), c.decrypt(n, open).unwrap())
        }
        other => panic!("unknown aead_id {other}"),
    };
    assert_eq!(opened, pt, "AEAD {aead_id}: opened plaintext");
    sealed
}

#[test]
fn draft_ietf_hpke_pq_vectors() {
    let v = load_json("hpke-pq/hpke-pq-test-vectors.json");
    let entries = v.as_array().expect("a JSON list of entries");
    assert_eq!(entries.len(), 13, "the README lists 13 entries");

    let (mut kem_p256, mut kem_hybrid, mut schedules, mut encryptions) = (0, 0, 0, 0);
    for (i, e) in entries.iter().enumerate() {
        let (kem_id, kdf_id, aead_id) = (intf(e, "kem_id"), intf(e, "kdf_id"), intf(e, "aead_id"));
        assert_eq!(intf(e, "mode"), 0, "entry {i}: base mode only");
        let (ikm_r, ikm_e) = (hexf(e, "ikmR"), hexf(e, "ikmE"));
        let (sk_rm, pk_rm, enc, ss) = (
            hexf(e, "skRm"),
            hexf(e, "pkRm"),
            hexf(e, "enc"),
            hexf(e, "shared_secret"),
        );
        let shared: [u8; 32] = match kem_id {
            0x0010 => {
                let key = danger::derive_key_pair(&ikm_r).unwrap();
                assert_eq!(
                    key.to_jwk().d.unwrap().expose(),
                    b64(&sk_rm),
                    "entry {i}: skRm"
                );
                assert_eq!(key.public_key().to_sec1(false), pk_rm, "entry {i}: pkRm");
                let (our_enc, our_ss) =
                    danger::encap_deterministic(key.public_key(), &ikm_e).unwrap();
                assert_eq!(
                    (&our_enc[..], &our_ss[..]),
                    (&enc[..], &ss[..]),
                    "entry {i}: Encap"
                );
                let decapped = danger::decap(&key, &enc.clone().try_into().unwrap()).unwrap();
                assert_eq!(decapped[..], ss[..], "entry {i}: Decap");
                kem_p256 += 1;
                decapped
            }
            0x647a => {
                let key = danger::hybrid_derive_key_pair(&ikm_r);
                assert_eq!(key.to_seed()[..], sk_rm[..], "entry {i}: skRm");
                assert_eq!(
                    key.public_key().to_bytes()[..],
                    pk_rm[..],
                    "entry {i}: pkRm"
                );
                let public = HybridPublicKey::from_bytes(&pk_rm).unwrap();
                let (our_enc, our_ss) =
                    danger::hybrid_encap_deterministic(&public, &ikm_e).unwrap();
                assert_eq!(
                    (&our_enc[..], &our_ss[..]),
                    (&enc[..], &ss[..]),
                    "entry {i}: Encap"
                );
                let decapped = danger::hybrid_decap(&key, &enc).unwrap();
                assert_eq!(decapped[..], ss[..], "entry {i}: Decap");
                kem_hybrid += 1;
                decapped
            }
            _ => continue,
        };
        if kdf_id != 1 {
            continue;
        }
        let nk = match aead_id {
            1 => 16,
            2 | 3 => 32,
            other => panic!("entry {i}: unknown aead_id {other}"),
        };
        let mut suite_id = b"HPKE".to_vec();
        for id in [kem_id, kdf_id, aead_id] {
            suite_id.extend_from_slice(&(id as u16).to_be_bytes());
        }
        assert_eq!(suite_id, hexf(e, "suite_id"), "entry {i}: suite_id");
        let ks = danger::key_schedule_base_kem(
            kem_id as u16,
            &shared,
            &hexf(e, "info"),
            aead_id as u16,
            nk,
        );
        assert_eq!(ks.key, hexf(e, "key"), "entry {i}: key");
        assert_eq!(
            ks.base_nonce[..],
            hexf(e, "base_nonce")[..],
            "entry {i}: base_nonce"
        );
        assert_eq!(
            ks.exporter_secret[..],
            hexf(e, "exporter_secret")[..],
            "entry {i}: exporter_secret"
        );
        schedules += 1;
        let encs = arrf(e, "encryptions");
        assert!(!encs.is_empty(), "entry {i}: no encryptions");
        for (seq, x) in encs.iter().enumerate() {
            let nonce = hexf(x, "nonce");
            // RFC 9180 §5.2: base_nonce XOR I2OSP(seq, Nn).
            let mut want = ks.base_nonce;
            for (b, s) in want[4..].iter_mut().zip((seq as u64).to_be_bytes()) {
                *b ^= s;
            }
            assert_eq!(nonce, want, "entry {i}, encryption {seq}: nonce");
            let ct = hexf(x, "ct");
            let sealed = aead(
                aead_id,
                &ks.key,
                &nonce,
                &hexf(x, "aad"),
                &hexf(x, "pt"),
                &ct,
            );
            assert_eq!(sealed, ct, "entry {i}, encryption {seq}: ct");
            encryptions += 1;
        }
    }
    println!(
        "hpke-pq vectors: KEM DHKEM(P-256) {kem_p256}, MLKEM768-X25519 {kem_hybrid}; \
         HKDF-SHA256 key schedules {schedules}, encryptions {encryptions}"
    );
    // What the file holds for these KEMs: 0x0010 with kdf 0x0010 (KEM only);
    // 0x647a with kdf 1 (10 encryptions, ChaCha20-Poly1305) and 0x0011.
    assert_eq!(
        (kem_p256, kem_hybrid, schedules, encryptions),
        (1, 2, 1, 10)
    );
}

fn b64(bytes: &[u8]) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::encode_string(bytes)
}
