//! Hardening regressions (issue 5).
//!
//! 1. Every committed fuzz seed (`fuzz/corpus/<target>/`) and every input that
//!    once crashed a fuzz target (`tests/regressions/<target>/`) is replayed on
//!    stable Rust through the very property checks the libFuzzer targets run
//!    (`fuzz/checks/mod.rs`), so a regression fails `cargo test`, not only a
//!    nightly fuzzing run.
//! 2. Named tests for each bug the fuzzers found, and for edge cases next to
//!    them, with the exact error code expected.

#[path = "../fuzz/checks/mod.rs"]
mod checks;

use std::path::{Path, PathBuf};

use slice_seal::{Context, Envelope, PrivateKey, PublicKey};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The files of one directory, sorted; missing directory = none.
fn files_in(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<_> = rd
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.is_file())
        .map(|p| {
            let data = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, data)
        })
        .collect();
    out.sort();
    out
}

/// Seeds (which must exist) plus recorded crash inputs of one fuzz target.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let seeds = files_in(&root().join("fuzz/corpus").join(target));
    assert!(
        seeds.len() >= 4,
        "fuzz/corpus/{target}/ has {} seed files; the committed seeds are missing",
        seeds.len()
    );
    let mut all = seeds;
    all.extend(files_in(&root().join("tests/regressions").join(target)));
    all
}

fn replay(target: &str, check: impl Fn(&[u8])) -> usize {
    let all = inputs(target);
    for (path, data) in &all {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(data)));
        assert!(
            r.is_ok(),
            "{target}: input {} fails its checks",
            path.display()
        );
    }
    all.len()
}

#[test]
fn fuzz_inputs_envelope_parse() {
    replay("envelope_parse", checks::envelope_parse);
    // The valid seeds really are valid (so the replay exercised the round trips).
    let valid = inputs("envelope_parse")
        .iter()
        .filter(|(_, d)| std::str::from_utf8(d).is_ok_and(|t| Envelope::parse(t).is_ok()))
        .count();
    assert!(valid >= 5, "only {valid} seed envelopes parse");
    // And the hybrid suite's seeds (docs/FORMAT.md §11), text and body.
    let hybrid = inputs("envelope_parse")
        .iter()
        .filter(|(_, d)| {
            std::str::from_utf8(d).is_ok_and(|t| slice_seal::HybridEnvelope::parse(t).is_ok())
                || slice_seal::HybridEnvelope::from_body(d).is_ok()
        })
        .count();
    assert_eq!(hybrid, 2, "the hybrid seed envelopes (text and body) parse");
}

#[test]
fn fuzz_inputs_open() {
    let mut opened = 0;
    for (path, data) in inputs("open") {
        let r = std::panic::catch_unwind(|| checks::open(&data));
        match r {
            Ok(n) => opened += n,
            Err(_) => panic!("open: input {} fails its checks", path.display()),
        }
    }
    // Five seeds, each opening without context and under >= 1 expected context,
    // and one hybrid seed (counted once, by the hybrid key and the mixed ring).
    assert!(
        opened >= 13,
        "only {opened} opens succeeded on the seed envelopes"
    );
}

#[test]
fn fuzz_inputs_file_open() {
    let mut opened = 0;
    for (path, data) in inputs("file_open") {
        match std::panic::catch_unwind(|| checks::file_open(&data)) {
            Ok(n) => opened += n,
            Err(_) => panic!("file_open: input {} fails its checks", path.display()),
        }
    }
    assert!(opened >= 6, "only {opened} seed files opened");
    // Two of them have a hybrid header (docs/FORMAT.md §11).
    let hybrid = inputs("file_open")
        .iter()
        .filter(|(_, d)| {
            slice_seal::FileOpener::new_hybrid(&checks::FUZZ_HYBRID_KEY, d, None).is_ok()
        })
        .count();
    assert!(hybrid >= 2, "only {hybrid} hybrid seed files opened");
}

#[test]
fn fuzz_inputs_key_import() {
    replay("key_import", checks::key_import);
    let seeds = inputs("key_import");
    let text_keys = seeds
        .iter()
        .filter_map(|(_, d)| std::str::from_utf8(d).ok())
        .filter(|t| PublicKey::parse(t).is_ok() || PrivateKey::parse(t).is_ok())
        .count();
    assert!(text_keys >= 5, "only {text_keys} text seeds import");
    // A keyring and a public JWKS that mix both suites.
    let mixed = |t: &str| {
        slice_seal::Keyring::parse(t).is_ok_and(|r| {
            let kems: Vec<u16> = r.iter().map(|(k, _)| k.kem_id()).collect();
            kems.contains(&slice_seal::KEM_ID) && kems.contains(&slice_seal::HYBRID_KEM_ID)
        })
    };
    let texts: Vec<&str> = seeds
        .iter()
        .filter_map(|(_, d)| std::str::from_utf8(d).ok())
        .collect();
    assert!(texts.iter().any(|t| mixed(t)), "no mixed keyring seed");
    assert!(
        texts.iter().any(|t| {
            slice_seal::AnyPublicKey::from_jwks_json(t, &checks::FUZZ_HYBRID_KEY.kid()).is_ok()
                && slice_seal::AnyPublicKey::from_jwks_json(t, &checks::FUZZ_KEY.kid()).is_ok()
        }),
        "no mixed public JWKS seed"
    );
}

#[test]
fn fuzz_inputs_context_info() {
    replay("context_info", checks::context_info_bytes);
    let decoded = inputs("context_info")
        .iter()
        .filter(|(_, d)| Context::from_info(d).is_ok())
        .count();
    assert!(decoded >= 5, "only {decoded} info seeds decode");
}

#[test]
fn context_rules_at_the_edges() {
    let s = |n: usize, c: char| std::iter::repeat_n(c, n).collect::<String>();
    let cases: Vec<(String, String, Option<String>)> = vec![
        ("f".into(), "a".into(), None),
        ("f".into(), "a".into(), Some(String::new())),
        (String::new(), "a".into(), None),
        (s(256, 'x'), s(256, 'y'), Some(s(256, 'z'))),
        (s(257, 'x'), "a".into(), None),
        // 128 two-byte characters = 256 bytes; one more is 258 bytes.
        (s(128, 'é'), s(129, 'é'), None),
        // 3-byte and 4-byte characters around the byte limit.
        (s(85, '€'), s(64, '🦀'), Some(s(65, '🦀'))),
        ("f\u{0}".into(), "a".into(), None),
        ("f".into(), "a\u{7f}".into(), None),
        ("f".into(), "a".into(), Some("s\u{85}".into())),
        ("f\u{2028}".into(), "a\u{202e}".into(), None),
        ("f\n".into(), "a".into(), None),
    ];
    for (form, field, sub) in cases {
        checks::context_struct(form, field, sub);
    }
}

#[test]
fn seal_paths_round_trip_and_refuse_invalid_contexts() {
    let cases: Vec<(&str, &str, Option<&str>, &[u8])> = vec![
        ("fuzz-form", "full-name", Some("sub-1"), b"Ada Lovelace"),
        ("f", "a", None, b""),
        ("f", "a", Some(""), b"x"),
        ("", "a", None, b"x"),
        ("f\u{1b}", "a", None, b"x"),
        ("f", "a", None, &[0u8; 5000]),
    ];
    for prepare in [false, true] {
        for (form, field, sub, pt) in &cases {
            checks::seal_round_trip(
                (*form).into(),
                (*field).into(),
                sub.map(str::to_owned),
                pt,
                prepare,
            );
        }
    }
}

#[test]
fn seal_with_agreement_refuses_bad_inputs() {
    let point = checks::FUZZ_KEY.public_key().to_sec1(false);
    let mut off_curve = point.clone();
    off_curve[64] ^= 1;
    let dh = [7u8; 32];
    for (enc, dh) in [
        (&point[..], &dh[..]),
        (&point[..64], &dh[..]),
        (&point[..], &dh[..31]),
        (&off_curve[..], &dh[..]),
        (&[][..], &[][..]),
        (&[0u8; 65][..], &dh[..]),
    ] {
        checks::seal_with_agreement(enc, dh, b"1990-04-01", "fuzz-form");
    }
}

/// One text form per envelope: padding, whitespace, a non-canonical last
/// base64url character (non-zero unused bits) and standard-alphabet characters
/// are all MALFORMED_ENVELOPE; extra ciphertext parses but does not open; the
/// original still opens.
#[test]
fn envelope_text_is_canonical_only() {
    let key = &*checks::FUZZ_KEY;
    let ctx = Context::new("fuzz-form", "full-name").unwrap();
    let text = slice_seal::seal(key.public_key(), b"Ada Lovelace", &ctx).unwrap();
    assert_eq!(
        slice_seal::open(key, &text, Some(&ctx)).unwrap().plaintext,
        b"Ada Lovelace"
    );
    // The last base64url character of a body whose length is not a multiple
    // of 3 carries unused low bits: 4 (len % 3 == 1) or 2 (len % 3 == 2).
    let body_len = Envelope::parse(&text).unwrap().to_body().len();
    let unused = match body_len % 3 {
        1 => 4,
        2 => 2,
        _ => panic!("body length {body_len} leaves no unused bits; change the plaintext"),
    };
    let mask = (1usize << unused) - 1;

    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let last = *text.as_bytes().last().unwrap();
    let idx = ALPHABET.iter().position(|&c| c == last).unwrap();
    assert_eq!(idx & mask, 0, "the encoder wrote non-zero unused bits");
    let mut variants = Vec::new();
    for low in 1..=mask {
        // Same decoded bytes, different unused low bits.
        let mut t = text.clone();
        t.pop();
        t.push(ALPHABET[idx | low] as char);
        variants.push(t);
    }
    variants.push(format!("{text}="));
    variants.push(format!("{text}\n"));
    variants.push(format!(" {text}"));
    variants.push(text.replacen('-', "+", 1));
    variants.push(text.replacen('_', "/", 1));
    variants.push(format!("SS1.{}", &text[4..]));
    let mut checked = 0;
    for v in variants.iter().filter(|v| **v != text) {
        let err = Envelope::parse(v).expect_err(v);
        assert!(
            matches!(err.code(), "MALFORMED_ENVELOPE" | "UNSUPPORTED_VERSION"),
            "{v}: {err}"
        );
        assert!(slice_seal::open(key, v, None).is_err());
        checked += 1;
    }
    assert!(
        checked >= 8,
        "only {checked} variants differ from the original"
    );
}

/// The largest slice (4 MiB plaintext, maximal contexts) fits the text
/// limit, parses and opens; one more byte is refused before sealing, and a
/// forged body with one more ciphertext byte is refused by the parser.
#[test]
fn largest_slice_round_trips_and_one_more_byte_is_refused() {
    let key = &*checks::FUZZ_KEY;
    let long = "x".repeat(slice_seal::MAX_CONTEXT_LEN);
    let ctx = Context::new(long.clone(), long.clone())
        .unwrap()
        .with_submission(long)
        .unwrap();
    let pt = vec![0x5a; slice_seal::MAX_PLAINTEXT];
    let text = slice_seal::seal(key.public_key(), &pt, &ctx).unwrap();
    let opened = slice_seal::open(key, &text, Some(&ctx)).unwrap();
    assert_eq!(opened.plaintext.len(), slice_seal::MAX_PLAINTEXT);

    let too_big = vec![0u8; slice_seal::MAX_PLAINTEXT + 1];
    let err = slice_seal::seal(key.public_key(), &too_big, &ctx).unwrap_err();
    assert_eq!(err.code(), "INVALID_INPUT");

    let mut body = Envelope::parse(&text).unwrap().to_body();
    body.push(0);
    assert_eq!(
        Envelope::from_body(&body).unwrap_err().code(),
        "MALFORMED_ENVELOPE"
    );
}

/// Issue 14: a cloned `Sealer` used to copy its prepared ephemeral keys, so
/// the original and the clone sealed two slices with the same `enc`, key and
/// nonce (XOR of ciphertexts = XOR of plaintexts). A clone now starts empty.
#[test]
fn cloned_sealer_never_reuses_a_prepared_ephemeral_key() {
    let key = PrivateKey::generate().unwrap();
    let ctx = Context::new("f", "a").unwrap();
    let mut sealer = slice_seal::Sealer::new(key.public_key().clone());
    assert_eq!(sealer.prepare(4).unwrap(), 4);
    let mut clone = sealer.clone();
    assert_eq!(
        clone.prepared(),
        0,
        "a clone must not carry prepared secrets"
    );
    assert_eq!(sealer.prepared(), 4);
    let mut encs = std::collections::HashSet::new();
    for i in 0..4u8 {
        for s in [&mut sealer, &mut clone] {
            let text = s.seal(&[i; 16], &ctx).unwrap();
            let env = Envelope::parse(&text).unwrap();
            assert!(encs.insert(env.enc().to_vec()), "enc reused after clone");
            assert_eq!(
                slice_seal::open(&key, &text, Some(&ctx)).unwrap().plaintext,
                [i; 16]
            );
        }
    }
    assert_eq!(encs.len(), 8);
}
