//! Properties of sealing and opening: round trips over sizes and contexts,
//! tamper evidence (every single-bit flip of the text and of the body),
//! moved slices, wrong keys, truncation, versions and suites, parser
//! robustness, and error messages that never carry secrets.
//!
//! Keys are generated once per process; proptest case counts are kept modest
//! so the whole file runs in well under a minute in a debug build.

use std::sync::LazyLock;

use base64ct::{Base64UrlUnpadded, Encoding};
use proptest::prelude::*;
use slice_seal::{
    Context, ENC_LEN, Envelope, Error, KID_LEN, PrivateKey, open, seal, seal_envelope,
};

static KEY: LazyLock<PrivateKey> = LazyLock::new(|| PrivateKey::generate().unwrap());
static OTHER: LazyLock<PrivateKey> = LazyLock::new(|| PrivateKey::generate().unwrap());

const HEADER_LEN: usize = 6 + KID_LEN + 2;
const TAG_LEN: usize = 16;
/// A plaintext that must never show up in an error message.
const SECRET_PT: &[u8] = b"PT-4f1c9e-TOP-SECRET-plaintext";

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn ctx(form: &str, field: &str) -> Context {
    Context::new(form, field).unwrap()
}

fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

fn text_of(body: &[u8]) -> String {
    format!("ss1.{}", b64(body))
}

/// Rebuild a body from its parts (docs/FORMAT.md §4), to play the attacker.
fn body(suite: [u16; 3], kid: &[u8], info: &[u8], enc: &[u8], ct: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    for id in suite {
        b.extend_from_slice(&id.to_be_bytes());
    }
    b.extend_from_slice(kid);
    b.extend_from_slice(&(info.len() as u16).to_be_bytes());
    b.extend_from_slice(info);
    b.extend_from_slice(enc);
    b.extend_from_slice(ct);
    b
}

fn suite() -> [u16; 3] {
    [0x0010, 0x0001, 0x0002]
}

/// Every spelling of a secret that must not appear in a message.
fn secret_forms() -> Vec<String> {
    let d = KEY.to_jwk().d.unwrap().expose().to_owned();
    let raw = Base64UrlUnpadded::decode_vec(&d).unwrap();
    let pt = String::from_utf8(SECRET_PT.to_vec()).unwrap();
    vec![
        d,
        hex::encode(&raw),
        hex::encode_upper(&raw),
        format!("{:?}", &raw[..6]).trim_end_matches(']').to_owned(),
        pt[3..20].to_owned(),
        hex::encode(SECRET_PT),
        b64(SECRET_PT)[..20].to_owned(),
        format!("{:?}", &SECRET_PT[..6])
            .trim_end_matches(']')
            .to_owned(),
    ]
}

fn assert_no_secret(e: &Error, forms: &[String]) {
    let msg = format!("{e} | {e:?}");
    for f in forms {
        assert!(
            !msg.contains(f.as_str()),
            "error message carries a secret ({f}): {msg}"
        );
    }
}

// ------------------------------------------------------------ round trips

#[test]
fn round_trip_edge_sizes() {
    let c = ctx("f", "a").with_submission("s").unwrap();
    for n in [0usize, 1, 15, 16, 17, 1023, 1024, 65535, 65536] {
        let pt: Vec<u8> = (0..n).map(|i| (i * 31 + 7) as u8).collect();
        let env = seal(KEY.public_key(), &pt, &c).unwrap();
        let body_len = HEADER_LEN + c.info().unwrap().len() + ENC_LEN + n + TAG_LEN;
        assert_eq!(env.len(), 4 + b64(&vec![0; body_len]).len(), "size {n}");
        let opened = open(&KEY, &env, Some(&c)).unwrap();
        assert_eq!(opened.plaintext, pt, "size {n}");
        assert_eq!(opened.kid, KEY.kid());
        assert_eq!(opened.context, c);
    }
}

#[test]
fn seal_is_randomised() {
    let c = ctx("f", "a");
    let a = seal(KEY.public_key(), b"same", &c).unwrap();
    let b = seal(KEY.public_key(), b"same", &c).unwrap();
    assert_ne!(
        a, b,
        "two seals of one slice must differ (fresh ephemeral key)"
    );
}

proptest! {
    #![proptest_config(config(12))]

    #[test]
    fn round_trip_any_size(len in 0usize..=65536, seed in any::<u8>()) {
        let pt: Vec<u8> = (0..len).map(|i| (i as u8).wrapping_mul(seed) ^ seed).collect();
        let c = ctx("form", "field");
        let env = seal(KEY.public_key(), &pt, &c).unwrap();
        prop_assert_eq!(open(&KEY, &env, Some(&c)).unwrap().plaintext, pt);
    }
}

/// A context item: 1..=256 bytes of valid UTF-8, no control characters.
fn item() -> impl Strategy<Value = String> {
    prop::collection::vec(
        any::<char>().prop_filter("no controls", |c| !c.is_control()),
        1..=80,
    )
    .prop_map(|chars| {
        let mut s = String::new();
        for c in chars {
            if s.len() + c.len_utf8() > 256 {
                break;
            }
            s.push(c);
        }
        s
    })
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn round_trip_any_context(
        form in item(),
        field in item(),
        submission in prop::option::of(item()),
        pt in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut c = Context::new(form, field).unwrap();
        if let Some(s) = submission {
            c = c.with_submission(s).unwrap();
        }
        prop_assert_eq!(Context::from_info(&c.info().unwrap()).unwrap(), c.clone());
        let env = seal(KEY.public_key(), &pt, &c).unwrap();
        let parsed = Envelope::parse(&env).unwrap();
        prop_assert_eq!(parsed.context(), &c);
        prop_assert_eq!(parsed.to_string(), env.clone());
        let opened = open(&KEY, &env, Some(&c)).unwrap();
        prop_assert_eq!(&opened.plaintext, &pt);
        let routed = open(&KEY, &env, None).unwrap();
        prop_assert_eq!(routed.context, c);
    }
}

#[test]
fn context_limits() {
    let max = "é".repeat(128); // 256 bytes
    assert!(Context::new(max.as_str(), "a").is_ok());
    let c = Context::new(max.as_str(), max.as_str())
        .unwrap()
        .with_submission(max.as_str())
        .unwrap();
    let env = seal(KEY.public_key(), b"x", &c).unwrap();
    assert_eq!(open(&KEY, &env, Some(&c)).unwrap().context, c);
    let over = format!("{max}a");
    for (f, d) in [
        (over.as_str(), "a"),
        ("a", over.as_str()),
        ("", "a"),
        ("a", ""),
        ("a\n", "b"),
        ("a", "b\u{7f}"),
        ("a", "\u{85}"),
    ] {
        assert_eq!(
            Context::new(f, d).unwrap_err().code(),
            "INVALID_CONTEXT",
            "{f:?} {d:?}"
        );
    }
    assert_eq!(
        ctx("a", "b").with_submission("").unwrap_err().code(),
        "INVALID_CONTEXT"
    );
    assert_eq!(
        ctx("a", "b").with_submission(over).unwrap_err().code(),
        "INVALID_CONTEXT"
    );
    // A context built by hand (public fields) is checked when sealing.
    let bad = Context {
        form: String::new(),
        field: "a".into(),
        submission: None,
    };
    assert_eq!(
        seal(KEY.public_key(), b"x", &bad).unwrap_err().code(),
        "INVALID_CONTEXT"
    );
}

// ------------------------------------------------------------ tampering

/// Open must fail, and the error must not carry secrets.
fn must_not_open(
    text: &str,
    expected: Option<&Context>,
    forms: &[String],
    what: &str,
) -> &'static str {
    match open(&KEY, text, expected) {
        Ok(o) => panic!("{what}: tampered envelope opened: {:?}", o.context),
        Err(e) => {
            assert_no_secret(&e, forms);
            e.code()
        }
    }
}

/// Open under the expected context must fail; if it fails only because the
/// clear context changed, opening under whatever context the envelope now
/// claims must fail too (that is the decryption that matters). Returns the
/// code of the deepest check reached.
fn reject(text: &str, expected: &Context, forms: &[String], what: &str) -> &'static str {
    match must_not_open(text, Some(expected), forms, what) {
        "CONTEXT_MISMATCH" => {
            let code = must_not_open(text, None, forms, what);
            assert_eq!(code, "DECRYPT_FAILED", "{what}: moved by a flip");
            code
        }
        code => code,
    }
}

#[test]
fn every_text_bit_flip_fails() {
    let c = ctx("f", "n").with_submission("s").unwrap();
    let env = seal(KEY.public_key(), SECRET_PT, &c).unwrap();
    assert!(env.is_ascii());
    let forms = secret_forms();
    let mut codes = std::collections::BTreeMap::<&str, usize>::new();
    let mut flips = 0;
    for i in 0..env.len() {
        for bit in 0..7 {
            let mut b = env.clone().into_bytes();
            b[i] ^= 1 << bit;
            let t = String::from_utf8(b).expect("ASCII stays ASCII");
            let what = format!("char {i} bit {bit}");
            *codes.entry(reject(&t, &c, &forms, &what)).or_default() += 1;
            flips += 1;
        }
    }
    assert_eq!(flips, env.len() * 7);
    // The flips reach every layer, not just the base64 decoder.
    for code in [
        "MALFORMED_ENVELOPE",
        "KID_MISMATCH",
        "DECRYPT_FAILED",
        "UNSUPPORTED_SUITE",
    ] {
        assert!(codes.contains_key(code), "no flip gave {code}: {codes:?}");
    }
    eprintln!("{flips} text bit flips rejected: {codes:?}");
}

#[test]
fn every_body_bit_flip_fails() {
    // A short plaintext keeps the number of full HPKE opens (debug build) low.
    let c = ctx("f", "n");
    let pt = b"1990-04-01";
    let env = seal_envelope(KEY.public_key(), pt, &c).unwrap();
    let body = env.to_body();
    let mut forms = secret_forms();
    forms.push("1990-04-01".into());
    forms.push(hex::encode(pt));
    let mut codes = std::collections::BTreeMap::<&str, usize>::new();
    for i in 0..body.len() {
        for bit in 0..8 {
            let mut b = body.clone();
            b[i] ^= 1 << bit;
            let what = format!("byte {i} bit {bit}");
            *codes
                .entry(reject(&text_of(&b), &c, &forms, &what))
                .or_default() += 1;
        }
    }
    eprintln!("{} body bit flips rejected: {codes:?}", body.len() * 8);
}

#[test]
fn moved_slices_fail() {
    let sealed_for = ctx("vetting", "name").with_submission("sub-1").unwrap();
    let env = seal_envelope(KEY.public_key(), SECRET_PT, &sealed_for).unwrap();
    let text = env.to_string();
    let forms = secret_forms();
    let elsewhere = [
        ctx("vetting", "surname").with_submission("sub-1").unwrap(),
        ctx("other-form", "name").with_submission("sub-1").unwrap(),
        ctx("vetting", "name").with_submission("sub-2").unwrap(),
        ctx("Vetting", "name").with_submission("sub-1").unwrap(),
    ];
    for want in &elsewhere {
        let e = open(&KEY, &text, Some(want)).unwrap_err();
        assert_eq!(e.code(), "CONTEXT_MISMATCH", "{want:?}");
        assert_no_secret(&e, &forms);
        // The attacker rewrites the clear context to the new location: the
        // context check passes, HPKE's info binding does not.
        let forged = body(
            suite(),
            env.kid_bytes(),
            &want.info().unwrap(),
            env.enc(),
            env.ciphertext(),
        );
        let forged = text_of(&forged);
        assert_eq!(Envelope::parse(&forged).unwrap().context(), want);
        let e = open(&KEY, &forged, Some(want)).unwrap_err();
        assert_eq!(e.code(), "DECRYPT_FAILED", "{want:?}");
        assert_no_secret(&e, &forms);
        assert_eq!(
            open(&KEY, &forged, None).unwrap_err().code(),
            "DECRYPT_FAILED"
        );
    }
    // Without a submission in the expectation, any submission is accepted
    // (and reported); with one, a slice sealed without it does not match.
    let any_sub = ctx("vetting", "name");
    assert_eq!(
        open(&KEY, &text, Some(&any_sub)).unwrap().context,
        sealed_for
    );
    let no_sub = seal(KEY.public_key(), b"x", &any_sub).unwrap();
    assert_eq!(
        open(&KEY, &no_sub, Some(&sealed_for)).unwrap_err().code(),
        "CONTEXT_MISMATCH"
    );
    // Dropping the submission from the clear info is caught by HPKE too.
    let dropped = text_of(&body(
        suite(),
        env.kid_bytes(),
        &any_sub.info().unwrap(),
        env.enc(),
        env.ciphertext(),
    ));
    assert_eq!(
        open(&KEY, &dropped, Some(&any_sub)).unwrap_err().code(),
        "DECRYPT_FAILED"
    );
}

#[test]
fn wrong_key_fails() {
    let c = ctx("f", "a");
    let env = seal_envelope(KEY.public_key(), SECRET_PT, &c).unwrap();
    let forms = secret_forms();
    let e = open(&OTHER, &env.to_string(), Some(&c)).unwrap_err();
    assert_eq!(e.code(), "KID_MISMATCH");
    assert!(
        e.to_string().contains(&KEY.kid()) && e.to_string().contains(&OTHER.kid()),
        "{e}"
    );
    // The kid rewritten to the other key's: the other key cannot decrypt.
    let other_kid = OTHER.public_key().kid_bytes();
    let forged = text_of(&body(
        suite(),
        other_kid,
        env.info(),
        env.enc(),
        env.ciphertext(),
    ));
    let e = open(&OTHER, &forged, Some(&c)).unwrap_err();
    assert_eq!(e.code(), "DECRYPT_FAILED");
    assert_no_secret(&e, &forms);
    // ... and the right key now refuses it by kid.
    assert_eq!(
        open(&KEY, &forged, Some(&c)).unwrap_err().code(),
        "KID_MISMATCH"
    );
    // The enc swapped for another valid point.
    let other_enc = seal_envelope(KEY.public_key(), b"", &c).unwrap();
    let forged = text_of(&body(
        suite(),
        env.kid_bytes(),
        env.info(),
        other_enc.enc(),
        env.ciphertext(),
    ));
    assert_eq!(
        open(&KEY, &forged, Some(&c)).unwrap_err().code(),
        "DECRYPT_FAILED"
    );
}

// ------------------------------------------------------------ truncation

#[test]
fn every_truncation_fails() {
    let c = ctx("f", "a");
    let forms = secret_forms();
    for pt in [&b""[..], SECRET_PT] {
        let env = seal_envelope(KEY.public_key(), pt, &c).unwrap();
        let text = env.to_string();
        let body = env.to_body();
        // Bytes after which a parse can still succeed: ct keeps at least its tag.
        let min_body = body.len() - pt.len();
        for n in 0..body.len() {
            if n < min_body {
                let e = Envelope::from_body(&body[..n]).unwrap_err();
                assert_eq!(e.code(), "MALFORMED_ENVELOPE", "body[..{n}]");
            }
            let code = must_not_open(&text_of(&body[..n]), None, &forms, "truncated body");
            if n < min_body {
                assert_eq!(code, "MALFORMED_ENVELOPE", "body[..{n}]");
            } else {
                // Only the ciphertext was shortened; HPKE catches it.
                assert_eq!(code, "DECRYPT_FAILED", "body[..{n}]");
            }
        }
        let min_text = 4 + b64(&body[..min_body]).len();
        for n in 0..text.len() {
            let code = must_not_open(&text[..n], None, &forms, "truncated text");
            if n < min_text || pt.is_empty() {
                assert_eq!(
                    code,
                    "MALFORMED_ENVELOPE",
                    "text[..{n}] (of {})",
                    text.len()
                );
            } else {
                assert!(
                    matches!(code, "MALFORMED_ENVELOPE" | "DECRYPT_FAILED"),
                    "text[..{n}]: {code}"
                );
            }
        }
        // Anything appended is caught as well.
        for extra in ["A", "AA", "AAA", "AAAA", "=", ".", " ", "\n"] {
            must_not_open(&format!("{text}{extra}"), None, &forms, "appended");
        }
    }
}

// ------------------------------------------------------------ versions and suites

#[test]
fn versions_and_suites() {
    let c = ctx("f", "a");
    let env = seal_envelope(KEY.public_key(), b"x", &c).unwrap();
    let text = env.to_string();
    let rest = text.strip_prefix("ss1.").unwrap();
    for v in ["ss2", "ss0", "ss10", "ss9999"] {
        let e = Envelope::parse(&format!("{v}.{rest}")).unwrap_err();
        assert_eq!(e.code(), "UNSUPPORTED_VERSION", "{v}");
        assert!(e.to_string().contains(v), "{e}");
        assert_eq!(
            open(&KEY, &format!("{v}.{rest}"), None).unwrap_err().code(),
            "UNSUPPORTED_VERSION"
        );
    }
    for p in ["SS1", "ss", "ss1x", "ss-1", "ss99999", "xx1", "", "ss1 "] {
        assert_eq!(
            Envelope::parse(&format!("{p}.{rest}")).unwrap_err().code(),
            "MALFORMED_ENVELOPE",
            "{p:?}"
        );
    }
    assert_eq!(
        Envelope::parse(rest).unwrap_err().code(),
        "MALFORMED_ENVELOPE"
    );
    assert_eq!(
        Envelope::parse(&format!(" {text}")).unwrap_err().code(),
        "MALFORMED_ENVELOPE"
    );
    // Padding and the standard alphabet are not the format.
    let body = env.to_body();
    let std_b64 = base64ct::Base64::encode_string(&body);
    if std_b64.contains(['+', '/', '=']) {
        assert_eq!(
            Envelope::parse(&format!("ss1.{std_b64}"))
                .unwrap_err()
                .code(),
            "MALFORMED_ENVELOPE"
        );
    }
    let padded = base64ct::Base64Url::encode_string(&body);
    if padded.ends_with('=') {
        assert_eq!(
            Envelope::parse(&format!("ss1.{padded}"))
                .unwrap_err()
                .code(),
            "MALFORMED_ENVELOPE"
        );
    }
}

#[test]
fn non_canonical_base64_is_rejected() {
    // Body lengths ≡ 0, 1, 2 (mod 3): the last character then carries 0, 4
    // or 2 unused bits, which must be zero.
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut residues = std::collections::BTreeSet::new();
    for n in 0..3 {
        let env = seal_envelope(KEY.public_key(), &vec![b'z'; n], &ctx("f", "a")).unwrap();
        let text = env.to_string();
        let unused = match env.to_body().len() % 3 {
            0 => 0,
            1 => 4,
            _ => 2,
        };
        residues.insert(unused);
        let last = *text.as_bytes().last().unwrap();
        let v = alphabet.iter().position(|&c| c == last).unwrap();
        assert_eq!(v & ((1 << unused) - 1), 0, "our own encoding is canonical");
        for m in 1..(1usize << unused) {
            let mut t = text.clone().into_bytes();
            *t.last_mut().unwrap() = alphabet[v | m];
            let t = String::from_utf8(t).unwrap();
            // Same bytes under a lenient decoder, but not the canonical text.
            assert_eq!(
                Envelope::parse(&t).unwrap_err().code(),
                "MALFORMED_ENVELOPE",
                "{m}"
            );
            assert_eq!(
                open(&KEY, &t, None).unwrap_err().code(),
                "MALFORMED_ENVELOPE"
            );
        }
    }
    assert_eq!(residues.len(), 3, "all three tail shapes covered");
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn other_suites_are_unsupported(kem in any::<u16>(), kdf in any::<u16>(), aead in any::<u16>()) {
        prop_assume!([kem, kdf, aead] != suite());
        let env = seal_envelope(KEY.public_key(), b"x", &ctx("f", "a")).unwrap();
        let b = body([kem, kdf, aead], env.kid_bytes(), env.info(), env.enc(), env.ciphertext());
        match Envelope::from_body(&b).unwrap_err() {
            Error::UnsupportedSuite { kem: k, kdf: d, aead: a } => prop_assert_eq!((k, d, a), (kem, kdf, aead)),
            other => prop_assert!(false, "expected UNSUPPORTED_SUITE, got {other:?}"),
        }
        prop_assert_eq!(open(&KEY, &text_of(&b), None).unwrap_err().code(), "UNSUPPORTED_SUITE");
    }
}

#[test]
fn known_other_suites_are_unsupported() {
    let env = seal_envelope(KEY.public_key(), b"x", &ctx("f", "a")).unwrap();
    // AES-128-GCM, ChaCha20-Poly1305, export-only; X25519 KEM; HKDF-SHA384.
    for s in [
        [0x10, 1, 1],
        [0x10, 1, 3],
        [0x10, 1, 0xffff],
        [0x20, 1, 2],
        [0x10, 2, 2],
        [0x11, 2, 2],
        [0, 0, 0],
    ] {
        let b = body(s, env.kid_bytes(), env.info(), env.enc(), env.ciphertext());
        let e = open(&KEY, &text_of(&b), None).unwrap_err();
        assert_eq!(e.code(), "UNSUPPORTED_SUITE", "{s:?}");
        assert!(e.to_string().contains(&format!("0x{:04x}", s[2])), "{e}");
    }
}

// ------------------------------------------------------------ parser robustness

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn parse_never_panics_on_strings(s in any::<String>()) {
        let _ = Envelope::parse(&s);
        let _ = Envelope::parse(&format!("ss1.{s}"));
        let _ = open(&KEY, &format!("ss1.{s}"), None);
    }

    #[test]
    fn parse_never_panics_on_bytes(b in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = Envelope::from_body(&b);
        let _ = Envelope::parse(&text_of(&b));
        // Latin-1 view of the bytes as text after the prefix.
        let s: String = b.iter().map(|&x| x as char).collect();
        let _ = Envelope::parse(&format!("ss1.{s}"));
    }

    #[test]
    fn structured_bodies_never_panic(
        info_len in any::<u16>(),
        info in prop::collection::vec(any::<u8>(), 0..64),
        tail in prop::collection::vec(any::<u8>(), 0..200),
        kid_is_ours in any::<bool>(),
    ) {
        // A valid header (so parsing goes past the suite) with random rest.
        let kid = if kid_is_ours { *KEY.public_key().kid_bytes() } else { [7u8; KID_LEN] };
        let mut b = body(suite(), &kid, &[], &[], &[]);
        let n = b.len();
        b[n - 2..].copy_from_slice(&info_len.to_be_bytes());
        b.extend_from_slice(&info);
        b.extend_from_slice(&tail);
        let r = open(&KEY, &text_of(&b), None);
        prop_assert!(r.is_err());
    }

    #[test]
    fn random_info_never_panics(
        items in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..20), 0..6),
        extra in prop::collection::vec(any::<u8>(), 0..4),
    ) {
        // Random length-prefixed items, sometimes with the real label.
        let mut info = Vec::new();
        for (i, it) in items.iter().enumerate() {
            let it: &[u8] = if i == 0 && it.len() % 2 == 0 { b"slice-seal/v1" } else { it };
            info.extend_from_slice(&(it.len() as u16).to_be_bytes());
            info.extend_from_slice(it);
        }
        info.extend_from_slice(&extra);
        if let Ok(c) = Context::from_info(&info) {
            prop_assert_eq!(c.info().unwrap(), info);
        }
    }
}

// ------------------------------------------------------------ messages

#[test]
fn error_messages_never_carry_secrets() {
    let forms = secret_forms();
    let c = ctx("f", "a");
    let env = seal_envelope(KEY.public_key(), SECRET_PT, &c).unwrap();
    let text = env.to_string();
    let mut errors = vec![
        open(&OTHER, &text, None).unwrap_err(),
        open(&KEY, &text, Some(&ctx("g", "a"))).unwrap_err(),
        open(&KEY, &text.replace("ss1.", "ss2."), None).unwrap_err(),
        open(
            &KEY,
            &text_of(&env.to_body()[..env.to_body().len() - 1]),
            None,
        )
        .unwrap_err(),
        open(&KEY, &text[..40], None).unwrap_err(),
    ];
    let mut ct = env.ciphertext().to_vec();
    ct[0] ^= 1;
    errors.push(
        open(
            &KEY,
            &text_of(&body(suite(), env.kid_bytes(), env.info(), env.enc(), &ct)),
            None,
        )
        .unwrap_err(),
    );
    let codes: Vec<_> = errors.iter().map(Error::code).collect();
    assert_eq!(
        codes,
        [
            "KID_MISMATCH",
            "CONTEXT_MISMATCH",
            "UNSUPPORTED_VERSION",
            "DECRYPT_FAILED",
            "MALFORMED_ENVELOPE",
            "DECRYPT_FAILED"
        ]
    );
    for e in &errors {
        assert_no_secret(e, &forms);
    }
    // Envelope's Debug shows lengths, not ciphertext; Opened is for the caller.
    let dbg = format!("{env:?}");
    assert!(!dbg.contains(&b64(env.ciphertext())[..16]), "{dbg}");
    assert!(
        seal(
            KEY.public_key(),
            &vec![0u8; slice_seal::MAX_PLAINTEXT + 1],
            &c
        )
        .is_err()
    );
}
