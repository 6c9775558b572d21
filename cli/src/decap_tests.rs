//! Tests of the CLI's DH source (src/decap.rs), apart from it so that its
//! benchmark (benches/open.rs) can include it alone.

use std::sync::atomic::{AtomicU64, Ordering};

use base64ct::{Base64UrlUnpadded, Encoding};
use slice_seal::hazmat::Decapsulate;
use slice_seal::{
    Context, ENC_LEN, Envelope, Keyring, Opened, Opener, PrivateKey, PublicKey, Result, danger,
    hazmat, open, primitives, seal,
};
use zeroize::{ZeroizeOnDrop, Zeroizing};

use crate::decap::{P256V013, use_p256_v013};

#[path = "../../tests/common/not_clone.rs"]
mod not_clone;
use not_clone::NotClone;

#[test]
fn the_scalar_is_zeroized_on_drop_and_not_clone() {
    fn zeroized_on_drop<T: ZeroizeOnDrop>() {}
    zeroized_on_drop::<p256_v013::SecretKey>();
    zeroized_on_drop::<P256V013>();
    <P256V013 as NotClone<_>>::check();
}

fn vectors(rel: &str) -> serde_json::Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/vectors")
        .join(rel);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("vector file {} is missing ({e})", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn hexf(v: &serde_json::Value, name: &str) -> Vec<u8> {
    hex::decode(v[name].as_str().unwrap()).unwrap()
}

fn enc65(bytes: &[u8]) -> [u8; ENC_LEN] {
    bytes.try_into().unwrap()
}

/// Wycheproof's P-256 ECDH cases with an uncompressed point (the form of
/// `enc`): the CLI's source gives their shared secret, as the core does.
#[test]
fn wycheproof_ecdh_through_the_cli_source() {
    let v = vectors("wycheproof/ecdh_secp256r1_ecpoint_test.json");
    let mut checked = 0;
    for g in v["testGroups"].as_array().unwrap() {
        for t in g["tests"].as_array().unwrap() {
            let public = hexf(t, "public");
            if t["result"] != "valid" || public.len() != ENC_LEN {
                continue;
            }
            let raw = hexf(t, "private");
            let raw = &raw[raw.len().saturating_sub(32)..];
            let mut scalar = [0u8; 32];
            scalar[32 - raw.len()..].copy_from_slice(raw);
            let dh = P256V013::new(&scalar).unwrap().dh(&enc65(&public)).unwrap();
            assert_eq!(dh.to_vec(), hexf(t, "shared"), "tcId {}", t["tcId"]);
            let core = primitives::ecdh(
                &PrivateKey::from_bytes(&scalar).unwrap(),
                &PublicKey::from_sec1(&public).unwrap(),
            );
            assert_eq!(*dh, *core, "tcId {}", t["tcId"]);
            checked += 1;
        }
    }
    // The 330 valid cases, all uncompressed (the one compressed point
    // is "acceptable"): none skipped.
    assert_eq!(checked, 330);
}

/// RFC 9180 Appendix A, base mode (the mode slice-seal uses):
/// `Decap(enc, skR)` with the CLI's DH source gives the vector's
/// `shared_secret`, and an opener accepts the source for `skR`.
#[test]
fn rfc9180_decap_through_the_cli_source() {
    let v = vectors("hpke/p256-hkdfsha256-aesgcm.json");
    let mut checked = 0;
    for e in v.as_array().unwrap().iter().filter(|e| e["mode"] == 0) {
        let sk_rm: [u8; 32] = hexf(e, "skRm").try_into().unwrap();
        let (pk_rm, enc) = (enc65(&hexf(e, "pkRm")), enc65(&hexf(e, "enc")));
        let dh = P256V013::new(&sk_rm).unwrap().dh(&enc).unwrap();
        let ss = danger::dhkem_shared_secret(&dh, &enc, &pk_rm);
        assert_eq!(ss.to_vec(), hexf(e, "shared_secret"));
        let key = PrivateKey::from_bytes(&sk_rm).unwrap();
        assert_eq!(danger::decap(&key, &enc).unwrap(), ss);
        hazmat::opener_with(key, P256V013::new).unwrap();
        checked += 1;
    }
    assert_eq!(checked, 2, "base-mode entries (AES-128-GCM, AES-256-GCM)");
}

/// A small deterministic generator for the test's choices.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The text of an envelope with its `enc` replaced (only `enc` differs).
fn with_enc(envelope: &str, enc: &[u8; ENC_LEN]) -> String {
    let env = Envelope::parse(envelope).unwrap();
    let mut body = env.to_body();
    let at = body.len() - env.ciphertext().len() - ENC_LEN;
    assert_eq!(&body[at..at + ENC_LEN], env.enc());
    body[at..at + ENC_LEN].copy_from_slice(enc);
    format!("ss1.{}", Base64UrlUnpadded::encode_string(&body))
}

/// `Ok` as the opened slice, `Err` as its code and message.
fn outcome(r: Result<Opened>) -> std::result::Result<Opened, (String, String)> {
    r.map_err(|e| (e.code().to_owned(), e.to_string()))
}

/// Good and bad envelopes for `key`: random sizes and contexts, `enc`
/// off the curve or another key's point, tampered ciphertext, another
/// kid, text that does not parse; with the context each is opened under.
fn cases(rng: &mut Rng, key: &PrivateKey, other: &PrivateKey) -> Vec<(String, Option<Context>)> {
    let mut out = Vec::new();
    for i in 0..8 {
        let len = [0, 1, 31, 1024, 5000][rng.below(5) as usize];
        let pt: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let ctx = Context::new(format!("form-{}", rng.below(3)), "field")
            .unwrap()
            .with_submission(format!("s-{i}"))
            .unwrap();
        let good = seal(key.public_key(), &pt, &ctx).unwrap();
        let wrong_ctx = Context::new("form-x", "field").unwrap();
        let mut off_curve = *Envelope::parse(&good).unwrap().enc();
        off_curve[64] ^= 1 << rng.below(8);
        let mut tampered = good.clone().into_bytes();
        let at = tampered.len() - 1 - rng.below(20) as usize;
        tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
        let mut zero_enc = [0u8; ENC_LEN];
        zero_enc[0] = 4;
        let other_point = enc65(&other.public_key().to_sec1(false));
        for (text, expected) in [
            (good.clone(), Some(ctx.clone())),
            (good.clone(), None),
            (good.clone(), Some(wrong_ctx)),
            (with_enc(&good, &off_curve), Some(ctx.clone())),
            (with_enc(&good, &zero_enc), None),
            (with_enc(&good, &other_point), Some(ctx.clone())),
            (String::from_utf8(tampered).unwrap(), Some(ctx.clone())),
            (seal(other.public_key(), &pt, &ctx).unwrap(), Some(ctx)),
            (good[..good.len() / 2].to_owned(), None),
        ] {
            out.push((text, expected));
        }
    }
    out
}

/// The CLI's opener (p256 0.13) and the core's (p256 0.14) give the same
/// outcome, plaintext or error code and message, for every case over
/// many random keys; so do keyrings built each way, in batches.
#[test]
fn the_cli_opener_equals_the_core_opener() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut oks, mut errs) = (0, std::collections::BTreeMap::<String, usize>::new());
    for _ in 0..16 {
        let key = PrivateKey::generate().unwrap();
        let other = PrivateKey::generate().unwrap();
        let core = Opener::new(key.clone());
        let cli = hazmat::opener_with(key.clone(), P256V013::new).unwrap();
        let cases = cases(&mut rng, &key, &other);
        for (text, expected) in &cases {
            let want = outcome(core.open(text, expected.as_ref()));
            assert_eq!(outcome(cli.open(text, expected.as_ref())), want, "{text}");
            assert_eq!(outcome(open(&key, text, expected.as_ref())), want);
            match &want {
                Ok(_) => oks += 1,
                Err((code, _)) => *errs.entry(code.clone()).or_default() += 1,
            }
        }
        let ring = Keyring::from_keys([key.clone()]).unwrap();
        let mut cli_ring = Keyring::from_keys([key]).unwrap();
        use_p256_v013(&mut cli_ring).unwrap();
        let texts: Vec<&str> = cases.iter().map(|(t, _)| t.as_str()).collect();
        let ctx = cases[0].1.as_ref();
        let want: Vec<_> = ring
            .open_batch(&texts, ctx)
            .into_iter()
            .map(outcome)
            .collect();
        let got: Vec<_> = cli_ring
            .open_batch(&texts, ctx)
            .into_iter()
            .map(outcome)
            .collect();
        assert_eq!(got, want);
    }
    // Every kind of case occurred.
    assert!(oks >= 16 * 8 * 2, "{oks}");
    for code in [
        "MALFORMED_ENVELOPE",
        "DECRYPT_FAILED",
        "CONTEXT_MISMATCH",
        "KID_MISMATCH",
    ] {
        assert!(
            errs.get(code).copied().unwrap_or(0) >= 16,
            "{code}: {errs:?}"
        );
    }
}

/// The keyring really opens through the CLI's source, for the keys it
/// held and those added or merged later; a source for another key is
/// refused (`INVALID_KEY`), leaving the keyring as it was.
#[test]
fn the_keyring_opens_through_the_cli_source() {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    struct Counting(P256V013);
    impl Decapsulate for Counting {
        fn dh(&self, enc: &[u8; ENC_LEN]) -> Result<Zeroizing<[u8; 32]>> {
            CALLS.fetch_add(1, Ordering::Relaxed);
            self.0.dh(enc)
        }
    }
    let keys: Vec<PrivateKey> = (0..3).map(|_| PrivateKey::generate().unwrap()).collect();
    let ctx = Context::new("f", "a").unwrap();
    let envs: Vec<String> = keys
        .iter()
        .map(|k| seal(k.public_key(), b"x", &ctx).unwrap())
        .collect();
    let mut ring = Keyring::from_keys([keys[0].clone()]).unwrap();
    hazmat::keyring_with(&mut ring, |s: &[u8; 32]| P256V013::new(s).map(Counting)).unwrap();
    ring.add(keys[1].clone(), None).unwrap();
    ring.merge(Keyring::from_keys([keys[2].clone()]).unwrap())
        .unwrap();
    let before = CALLS.load(Ordering::Relaxed);
    for env in &envs {
        assert_eq!(ring.open(env, Some(&ctx)).unwrap().plaintext, b"x");
    }
    assert_eq!(CALLS.load(Ordering::Relaxed) - before, 3);

    // A source holding another key.
    let stranger = PrivateKey::generate().unwrap();
    let d = stranger.to_jwk().d.unwrap();
    let d: [u8; 32] = Base64UrlUnpadded::decode_vec(d.expose())
        .unwrap()
        .try_into()
        .unwrap();
    let wrong = move |_: &[u8; 32]| P256V013::new(&d);
    let err = hazmat::keyring_with(&mut ring, wrong).unwrap_err();
    assert_eq!(err.code(), "INVALID_KEY");
    assert_eq!(ring.len(), 3);
    assert_eq!(ring.open(&envs[0], Some(&ctx)).unwrap().plaintext, b"x");
    let err = hazmat::opener_with(keys[0].clone(), wrong).unwrap_err();
    assert_eq!(err.code(), "INVALID_KEY");
}
