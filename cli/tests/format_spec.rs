//! Statements of docs/FORMAT.md §3–§5 and §8 that an implementation written
//! from the document alone has to get right, each shown on the Rust library
//! (and, for the line reader, the CLI): the order of the opening steps and
//! so which code wins when two checks fail, the `ssN.` prefixes, the lengths
//! (`body` < 40 bytes, over-long text and ciphertext), `enc` off the curve,
//! the expected-context comparison (byte for byte, missing submission not
//! checked), a BOM in a form id, and white space (CLI trims around a line,
//! the library refuses it anywhere).
#![cfg(not(target_arch = "wasm32"))]

#[path = "../../tests/common/process.rs"]
mod process;

use base64ct::{Base64UrlUnpadded, Encoding};
use process::{TempDir, code, run_cli, stderr, stdout};
use slice_seal::{
    Context, Envelope, Keyring, MAX_PLAINTEXT, PrivateKey, open, open_envelope, seal, seal_envelope,
};

/// Longest envelope text the parser reads, in UTF-8 bytes (FORMAT.md §5 step 1):
/// `4 + floor((4 MiB + 4096) * 4 / 3) + 4`.
const MAX_TEXT: usize = 5_597_874;

fn ctx(form: &str, field: &str, submission: Option<&str>) -> Context {
    let c = Context::new(form, field).unwrap();
    match submission {
        Some(s) => c.with_submission(s).unwrap(),
        None => c,
    }
}

fn code_of<T: std::fmt::Debug>(r: slice_seal::Result<T>) -> &'static str {
    r.unwrap_err().code()
}

fn lp(out: &mut Vec<u8>, item: &[u8]) {
    out.extend_from_slice(&u16::try_from(item.len()).unwrap().to_be_bytes());
    out.extend_from_slice(item);
}

/// `info` from raw items (label, form, field, submission), not validated.
fn raw_info(items: [&[u8]; 4]) -> Vec<u8> {
    let mut out = Vec::new();
    for item in items {
        lp(&mut out, item);
    }
    out
}

/// The parts of a body (FORMAT.md §4), to be put together with changes.
#[derive(Clone)]
struct Parts {
    suite: [u8; 6],
    kid: Vec<u8>,
    info: Vec<u8>,
    enc: Vec<u8>,
    ct: Vec<u8>,
}

impl Parts {
    /// A real slice sealed to `key` under `c`.
    fn sealed(key: &PrivateKey, c: &Context, plaintext: &[u8]) -> Self {
        let env = seal_envelope(key.public_key(), plaintext, c).unwrap();
        Parts {
            suite: [0x00, 0x10, 0x00, 0x01, 0x00, 0x02],
            kid: env.kid_bytes().to_vec(),
            info: env.info().to_vec(),
            enc: env.enc().to_vec(),
            ct: env.ciphertext().to_vec(),
        }
    }

    fn body(&self) -> Vec<u8> {
        let mut b = self.suite.to_vec();
        b.extend_from_slice(&self.kid);
        b.extend_from_slice(&u16::try_from(self.info.len()).unwrap().to_be_bytes());
        b.extend_from_slice(&self.info);
        b.extend_from_slice(&self.enc);
        b.extend_from_slice(&self.ct);
        b
    }

    fn text(&self) -> String {
        text_of(&self.body())
    }
}

fn text_of(body: &[u8]) -> String {
    format!("ss1.{}", Base64UrlUnpadded::encode_string(body))
}

struct Setup {
    key: PrivateKey,
    other: PrivateKey,
    c: Context,
    good: Parts,
}

fn setup() -> Setup {
    let key = PrivateKey::generate().unwrap();
    let other = PrivateKey::generate().unwrap();
    let c = ctx("vetting-step-2", "date-of-birth", Some("4f1c2a9e-demo"));
    let good = Parts::sealed(&key, &c, b"1990-04-01");
    Setup {
        key,
        other,
        c,
        good,
    }
}

/// An `enc` of 65 bytes, first byte 0x04, that is not a point on P-256.
fn off_curve(enc: &[u8]) -> Vec<u8> {
    let mut e = enc.to_vec();
    e[64] ^= 1;
    assert!(slice_seal::PublicKey::from_sec1(&e).is_err());
    e
}

// ------------------------------------------------------------- §5 step 1

#[test]
fn text_longer_than_the_limit_is_malformed_before_the_prefix_is_read() {
    // Exactly the limit: the length check passes, the prefix decides.
    let at_limit = format!("ss2.{}", "A".repeat(MAX_TEXT - 4));
    assert_eq!(at_limit.len(), MAX_TEXT);
    assert_eq!(code_of(Envelope::parse(&at_limit)), "UNSUPPORTED_VERSION");
    // One byte more: MALFORMED_ENVELOPE whatever the prefix says.
    for prefix in ["ss2.", "ss1.", "xx"] {
        let text = format!("{prefix}{}", "A".repeat(MAX_TEXT + 1 - prefix.len()));
        assert_eq!(text.len(), MAX_TEXT + 1);
        assert_eq!(
            code_of(Envelope::parse(&text)),
            "MALFORMED_ENVELOPE",
            "{prefix}"
        );
    }
    // The limit counts UTF-8 bytes, not characters: 'é' is 2 bytes.
    let text = format!("ss2.{}", "é".repeat((MAX_TEXT - 4) / 2 + 1));
    assert!(text.chars().count() <= MAX_TEXT && text.len() > MAX_TEXT);
    assert_eq!(code_of(Envelope::parse(&text)), "MALFORMED_ENVELOPE");
}

// ------------------------------------------------------------- §5 step 2

#[test]
fn version_prefixes() {
    let body = setup().good.text()[4..].to_owned();
    let with = |prefix: &str| format!("{prefix}{body}");
    assert!(Envelope::parse(&with("ss1.")).is_ok());
    // "ss" then 1 to 4 ASCII digits, other than exactly "1": another version.
    for p in [
        "ss0.", "ss2.", "ss9.", "ss10.", "ss01.", "ss001.", "ss0001.", "ss9999.",
    ] {
        assert_eq!(
            code_of(Envelope::parse(&with(p))),
            "UNSUPPORTED_VERSION",
            "{p}"
        );
    }
    // The version is decided by the prefix alone: the rest is not read.
    assert_eq!(code_of(Envelope::parse("ss2.")), "UNSUPPORTED_VERSION");
    assert_eq!(
        code_of(Envelope::parse("ss2.!!! ===")),
        "UNSUPPORTED_VERSION"
    );
    // Anything else before the first '.' is not an envelope.
    for p in [
        "ss10000.",
        "ss00001.",
        "ss.",
        "ss1a.",
        "ssa.",
        "ss-1.",
        "ss+1.",
        "ss 1.",
        "ss1 .",
        "SS1.",
        "Ss1.",
        "sS2.",
        " ss1.",
        "\u{feff}ss1.",
        "ss\u{0661}.",
        "ss\u{ff11}.",
        "s1.",
        ".",
        "1.",
        "sss1.",
    ] {
        assert_eq!(
            code_of(Envelope::parse(&with(p))),
            "MALFORMED_ENVELOPE",
            "{p:?}"
        );
    }
    // No '.' at all.
    for t in ["", "ss1", "ss2", &body] {
        assert_eq!(code_of(Envelope::parse(t)), "MALFORMED_ENVELOPE", "{t:?}");
    }
    // The prefix ends at the first '.': a second one is in the body.
    assert_eq!(
        code_of(Envelope::parse(&format!("ss1.{body}.x"))),
        "MALFORMED_ENVELOPE"
    );
    assert_eq!(
        code_of(Envelope::parse(&format!("ss1.ss1.{body}"))),
        "MALFORMED_ENVELOPE"
    );
}

// ------------------------------------------------------------- §5 step 3

#[test]
fn body_must_be_canonical_base64url() {
    let s = setup();
    // 184-byte body: the last character carries 2 bits and 4 unused ones.
    let p = Parts::sealed(&s.key, &s.c, b"xy");
    assert_eq!(p.body().len() % 3, 1);
    let t = p.text();
    assert!(open(&s.key, &t, Some(&s.c)).is_ok());
    let last = t.chars().last().unwrap();
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let i = alphabet.find(last).unwrap();
    assert_eq!(i % 16, 0);
    let noncanonical = format!("{}{}", &t[..t.len() - 1], &alphabet[i + 1..i + 2]);
    assert_eq!(
        code_of(Envelope::parse(&noncanonical)),
        "MALFORMED_ENVELOPE"
    );
    for bad in [format!("{t}=="), t.replace('-', "+"), t.replace('_', "/")] {
        if bad != t {
            assert_eq!(
                code_of(Envelope::parse(&bad)),
                "MALFORMED_ENVELOPE",
                "{bad}"
            );
        }
    }
}

#[test]
fn library_refuses_white_space_anywhere() {
    let s = setup();
    let text = s.good.text();
    let mid = text.len() / 2;
    let cases = [
        format!(" {text}"),
        format!("{text} "),
        format!("{text}\n"),
        format!("{text}\r\n"),
        format!("\t{text}"),
        format!("{}\n{}", &text[..mid], &text[mid..]),
        format!("{} {}", &text[..mid], &text[mid..]),
        format!("ss1. {}", &text[4..]),
        format!("{text}\u{a0}"),
        format!("\u{feff}{text}"),
        format!("{text}="),
    ];
    for t in &cases {
        assert_eq!(
            code_of(open(&s.key, t, Some(&s.c))),
            "MALFORMED_ENVELOPE",
            "{t:?}"
        );
    }
    assert!(open(&s.key, &text, Some(&s.c)).is_ok());
}

// ------------------------------------------------------------- §5 step 4

#[test]
fn body_shorter_than_40_bytes_is_malformed_whatever_its_suite() {
    let s = setup();
    let full = s.good.body();
    for n in [0, 1, 6, 38, 39] {
        assert_eq!(
            code_of(Envelope::parse(&text_of(&full[..n]))),
            "MALFORMED_ENVELOPE",
            "{n}"
        );
        // A short body with foreign suite ids is still MALFORMED_ENVELOPE.
        let short = vec![0xff; n];
        assert_eq!(
            code_of(Envelope::parse(&text_of(&short))),
            "MALFORMED_ENVELOPE",
            "{n}"
        );
    }
    // 40 bytes pass step 4; with foreign suite ids step 5 answers.
    let mut forty = full[..40].to_vec();
    forty[1] = 0x11;
    assert_eq!(
        code_of(Envelope::parse(&text_of(&forty))),
        "UNSUPPORTED_SUITE"
    );
}

// ------------------------------------------------------------- §5 step 5

#[test]
fn suite_ids_other_than_v1_are_unsupported_suite() {
    let s = setup();
    for (i, v) in [(1, 0x11u8), (3, 0x03), (5, 0x01), (5, 0x03)] {
        let mut p = s.good.clone();
        p.suite[i] = v;
        assert_eq!(code_of(Envelope::parse(&p.text())), "UNSUPPORTED_SUITE");
    }
}

/// §5 step 5 with the hybrid suite (§11): each suite's reader gives
/// `SUITE_MISMATCH` for the other suite's ids, and ids that are neither
/// suite (0x647a with another KDF or AEAD) stay `UNSUPPORTED_SUITE`.
#[test]
fn the_other_suite_is_suite_mismatch() {
    let s = setup();
    let mut hybrid = s.good.clone();
    hybrid.suite[..2].copy_from_slice(&[0x64, 0x7a]);
    assert_eq!(code_of(Envelope::parse(&hybrid.text())), "SUITE_MISMATCH");
    assert_eq!(
        code_of(slice_seal::HybridEnvelope::parse(&s.good.text())),
        "SUITE_MISMATCH"
    );
    for (i, v) in [(3, 0x03u8), (5, 0x01)] {
        let mut p = hybrid.clone();
        p.suite[i] = v;
        assert_eq!(code_of(Envelope::parse(&p.text())), "UNSUPPORTED_SUITE");
        assert_eq!(
            code_of(slice_seal::HybridEnvelope::parse(&p.text())),
            "UNSUPPORTED_SUITE"
        );
    }
}

// ------------------------------------------------------------- §5 step 6

#[test]
fn body_too_short_for_info_enc_and_tag_is_malformed() {
    let s = setup();
    let full = s.good.body();
    // Shortest acceptable: info, enc and a 16-byte tag (empty plaintext).
    let empty = Parts::sealed(&s.key, &s.c, b"");
    assert_eq!(empty.ct.len(), 16);
    assert_eq!(
        open(&s.key, &empty.text(), Some(&s.c)).unwrap().plaintext,
        b""
    );
    let e = empty.body();
    assert_eq!(
        code_of(Envelope::parse(&text_of(&e[..e.len() - 1]))),
        "MALFORMED_ENVELOPE"
    );
    // info_len larger than what follows.
    let mut big = full.clone();
    big[38..40].copy_from_slice(&0xffffu16.to_be_bytes());
    assert_eq!(
        code_of(Envelope::parse(&text_of(&big))),
        "MALFORMED_ENVELOPE"
    );
}

// ------------------------------------------------------------- §5 step 7

#[test]
fn info_that_does_not_decode_is_malformed() {
    let s = setup();
    let bad_infos: Vec<Vec<u8>> = vec![
        raw_info([b"slice-seal/v2", b"f", b"a", b""]),
        raw_info([b"slice-seal/v1", b"", b"a", b""]),
        raw_info([b"slice-seal/v1", b"f\x07", b"a", b""]),
        raw_info([b"slice-seal/v1", b"f", b"\xc3", b""]),
        raw_info([b"slice-seal/v1", &[b'f'; 257], b"a", b""]),
        {
            let mut i = raw_info([b"slice-seal/v1", b"f", b"a", b""]);
            i.push(0);
            i
        },
        raw_info([b"slice-seal/v1", b"f", b"a", b""])[..20].to_vec(),
    ];
    for info in bad_infos {
        let mut p = s.good.clone();
        p.info = info;
        assert_eq!(code_of(Envelope::parse(&p.text())), "MALFORMED_ENVELOPE");
    }
}

// ------------------------------------------------------------- §5 step 8

#[test]
fn enc_that_is_not_a_p256_point_is_malformed() {
    let s = setup();
    let mut encs = vec![off_curve(&s.good.enc)];
    // Compressed/hybrid prefixes on 65 bytes, the all-zero string, x = p.
    for first in [0x02, 0x03, 0x06, 0x07, 0x00] {
        let mut e = s.good.enc.clone();
        e[0] = first;
        encs.push(e);
    }
    encs.push(vec![0; 65]);
    let mut xp = vec![0x04];
    xp.extend_from_slice(
        &hex::decode("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff").unwrap(),
    );
    xp.extend_from_slice(&s.good.enc[33..]);
    encs.push(xp);
    let mut yp = s.good.enc[..33].to_vec();
    yp.extend_from_slice(
        &hex::decode("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff").unwrap(),
    );
    encs.push(yp);
    for enc in encs {
        let mut p = s.good.clone();
        p.enc = enc;
        let t = p.text();
        assert_eq!(code_of(Envelope::parse(&t)), "MALFORMED_ENVELOPE");
        assert_eq!(code_of(open(&s.key, &t, Some(&s.c))), "MALFORMED_ENVELOPE");
    }
}

// ------------------------------------------------------- §5 steps 1, 9

#[test]
fn largest_valid_envelope_is_5_593_623_characters() {
    let key = PrivateKey::generate().unwrap();
    let item = "f".repeat(256);
    let c = ctx(&item, &item, Some(&item));
    let mut p = Parts::sealed(&key, &c, b"x");
    assert_eq!(p.info.len(), 789);
    p.ct = vec![0; MAX_PLAINTEXT + 16];
    let t = p.text();
    assert_eq!(t.len(), 5_593_623);
    assert!(t.len() < MAX_TEXT);
    assert!(Envelope::parse(&t).is_ok());
}

#[test]
fn ciphertext_longer_than_4_mib_plus_tag_is_malformed() {
    let s = setup();
    let mut p = s.good.clone();
    // The longest ciphertext allowed parses (it would then fail to decrypt).
    p.ct = vec![0; MAX_PLAINTEXT + 16];
    let t = p.text();
    assert!(t.len() <= MAX_TEXT);
    assert!(Envelope::parse(&t).is_ok());
    // One byte more is MALFORMED_ENVELOPE, though the text is under the limit.
    p.ct.push(0);
    let t = p.text();
    assert!(t.len() <= MAX_TEXT);
    let e = Envelope::parse(&t).unwrap_err();
    assert_eq!(e.code(), "MALFORMED_ENVELOPE");
    // With the wrong key too: the format is checked first.
    assert_eq!(
        code_of(open(&s.other, &t, Some(&s.c))),
        "MALFORMED_ENVELOPE"
    );
}

// ------------------------------------------------------- §5 steps 10–12

#[test]
fn kid_then_expected_context_then_decryption() {
    let s = setup();
    let t = s.good.text();
    assert_eq!(code_of(open(&s.other, &t, Some(&s.c))), "KID_MISMATCH");
    let ring = Keyring::from_keys([s.other.clone()]).unwrap();
    assert_eq!(code_of(ring.open(&t, Some(&s.c))), "KEY_NOT_FOUND");
    let moved = ctx("vetting-step-2", "surname", Some("4f1c2a9e-demo"));
    assert_eq!(code_of(open(&s.key, &t, Some(&moved))), "CONTEXT_MISMATCH");
    let mut p = s.good.clone();
    *p.ct.last_mut().unwrap() ^= 1;
    assert_eq!(
        code_of(open(&s.key, &p.text(), Some(&s.c))),
        "DECRYPT_FAILED"
    );
    assert_eq!(code_of(open(&s.key, &p.text(), None)), "DECRYPT_FAILED");
    // A kid changed in the clear part (still 32 bytes): KID_MISMATCH for the
    // key, KEY_NOT_FOUND for a keyring of that key.
    let mut p = s.good.clone();
    p.kid[0] ^= 1;
    assert_eq!(code_of(open(&s.key, &p.text(), None)), "KID_MISMATCH");
    let ring = Keyring::from_keys([s.key.clone()]).unwrap();
    assert_eq!(code_of(ring.open(&p.text(), None)), "KEY_NOT_FOUND");
    // A kid that names this key on a slice sealed to another: DECRYPT_FAILED.
    let mut forged = Parts::sealed(&s.other, &s.c, b"1990-04-01");
    forged.kid = s.good.kid.clone();
    assert_eq!(
        code_of(open(&s.key, &forged.text(), Some(&s.c))),
        "DECRYPT_FAILED"
    );
    // A slice moved by rewriting its info: passes step 11, fails step 12.
    let moved = ctx("vetting-step-2", "surname", Some("4f1c2a9e-demo"));
    let mut p = s.good.clone();
    p.info = moved.info().unwrap();
    assert_eq!(
        code_of(open(&s.key, &p.text(), Some(&moved))),
        "DECRYPT_FAILED"
    );
}

/// The issue's case and every other pair of failing checks: the code is the
/// one of the earlier step.
#[test]
fn the_first_failing_step_gives_the_code() {
    let s = setup();
    let wrong_key = &s.other;
    let ring_without = Keyring::from_keys([s.other.clone()]).unwrap();
    let moved = ctx("vetting-step-2", "surname", None);

    // Wrong key and bad info: MALFORMED_ENVELOPE (step 7 before step 10).
    let mut bad_info = s.good.clone();
    bad_info.info = raw_info([b"slice-seal/v2", b"vetting-step-2", b"date-of-birth", b""]);
    assert_eq!(
        code_of(open(wrong_key, &bad_info.text(), Some(&s.c))),
        "MALFORMED_ENVELOPE"
    );
    assert_eq!(
        code_of(ring_without.open(&bad_info.text(), None)),
        "MALFORMED_ENVELOPE"
    );

    // Wrong key and a body too short for info, enc and tag: MALFORMED_ENVELOPE.
    let mut truncated = s.good.body();
    truncated.truncate(truncated.len() - 11);
    assert_eq!(
        code_of(open(wrong_key, &text_of(&truncated), None)),
        "MALFORMED_ENVELOPE"
    );
    assert_eq!(
        code_of(ring_without.open(&text_of(&truncated), None)),
        "MALFORMED_ENVELOPE"
    );

    // Wrong key and enc off the curve: MALFORMED_ENVELOPE.
    let mut bad_enc = s.good.clone();
    bad_enc.enc = off_curve(&s.good.enc);
    assert_eq!(
        code_of(open(wrong_key, &bad_enc.text(), None)),
        "MALFORMED_ENVELOPE"
    );
    assert_eq!(
        code_of(ring_without.open(&bad_enc.text(), None)),
        "MALFORMED_ENVELOPE"
    );
    // Context mismatch and enc off the curve: MALFORMED_ENVELOPE.
    assert_eq!(
        code_of(open(&s.key, &bad_enc.text(), Some(&moved))),
        "MALFORMED_ENVELOPE"
    );

    // Wrong key and foreign suite: UNSUPPORTED_SUITE.
    let mut suite = s.good.clone();
    suite.suite[5] = 0x01;
    assert_eq!(
        code_of(open(wrong_key, &suite.text(), None)),
        "UNSUPPORTED_SUITE"
    );
    // Foreign suite and bad info / truncated: UNSUPPORTED_SUITE (step 5 first).
    let mut both = bad_info.clone();
    both.suite[5] = 0x01;
    assert_eq!(code_of(Envelope::parse(&both.text())), "UNSUPPORTED_SUITE");
    let mut short = suite.body();
    short.truncate(60);
    assert_eq!(
        code_of(Envelope::parse(&text_of(&short))),
        "UNSUPPORTED_SUITE"
    );

    // Other version and a body that is not base64url: UNSUPPORTED_VERSION.
    assert_eq!(
        code_of(open(wrong_key, "ss2.!!!", None)),
        "UNSUPPORTED_VERSION"
    );

    // Wrong key and context mismatch: KID_MISMATCH / KEY_NOT_FOUND.
    let t = s.good.text();
    assert_eq!(code_of(open(wrong_key, &t, Some(&moved))), "KID_MISMATCH");
    assert_eq!(
        code_of(ring_without.open(&t, Some(&moved))),
        "KEY_NOT_FOUND"
    );
    // Wrong key and an invalid expected context: KID_MISMATCH; right key:
    // INVALID_CONTEXT (the library checks the expected context at step 11).
    let invalid = Context {
        form: String::new(),
        field: "a".into(),
        submission: None,
    };
    assert_eq!(code_of(open(wrong_key, &t, Some(&invalid))), "KID_MISMATCH");
    assert_eq!(code_of(open(&s.key, &t, Some(&invalid))), "INVALID_CONTEXT");
    // Context mismatch and altered ciphertext: CONTEXT_MISMATCH.
    let mut altered = s.good.clone();
    altered.ct[0] ^= 1;
    assert_eq!(
        code_of(open(&s.key, &altered.text(), Some(&moved))),
        "CONTEXT_MISMATCH"
    );
    // Wrong key and altered ciphertext: KID_MISMATCH.
    assert_eq!(
        code_of(open(wrong_key, &altered.text(), None)),
        "KID_MISMATCH"
    );
}

// ------------------------------------------------------------- §5 step 11

#[test]
fn a_missing_expected_submission_is_not_checked() {
    let key = PrivateKey::generate().unwrap();
    let with = seal(key.public_key(), b"x", &ctx("f", "a", Some("s-1"))).unwrap();
    let without = seal(key.public_key(), b"x", &ctx("f", "a", None)).unwrap();
    let expect_any = ctx("f", "a", None);
    // Expected without a submission: any submission, or none, opens.
    let o = open(&key, &with, Some(&expect_any)).unwrap();
    assert_eq!(o.context.submission.as_deref(), Some("s-1"));
    assert!(open(&key, &without, Some(&expect_any)).is_ok());
    // Expected with one: it must be that one, and an envelope without one fails.
    assert!(open(&key, &with, Some(&ctx("f", "a", Some("s-1")))).is_ok());
    assert_eq!(
        code_of(open(&key, &with, Some(&ctx("f", "a", Some("s-2"))))),
        "CONTEXT_MISMATCH"
    );
    assert_eq!(
        code_of(open(&key, &without, Some(&ctx("f", "a", Some("s-1"))))),
        "CONTEXT_MISMATCH"
    );
}

#[test]
fn contexts_are_compared_byte_for_byte() {
    let key = PrivateKey::generate().unwrap();
    let nfc = "caf\u{e9}";
    let nfd = "cafe\u{301}";
    let env = seal(key.public_key(), b"x", &ctx(nfc, "a", None)).unwrap();
    assert!(open(&key, &env, Some(&ctx(nfc, "a", None))).is_ok());
    // The same text in NFD is another form id.
    assert_eq!(
        code_of(open(&key, &env, Some(&ctx(nfd, "a", None)))),
        "CONTEXT_MISMATCH"
    );
    assert_ne!(
        ctx(nfc, "a", None).info().unwrap(),
        ctx(nfd, "a", None).info().unwrap()
    );
    // Nor case folding, nor trimming of (non-control) white space.
    for other in ["Caf\u{e9}", " caf\u{e9}", "caf\u{e9} ", "caf\u{e9}\u{a0}"] {
        assert_eq!(
            code_of(open(&key, &env, Some(&ctx(other, "a", None)))),
            "CONTEXT_MISMATCH",
            "{other:?}"
        );
    }
    // Same for the field and the submission.
    let env = seal(key.public_key(), b"x", &ctx("f", nfd, Some(nfc))).unwrap();
    assert_eq!(
        code_of(open(&key, &env, Some(&ctx("f", nfc, None)))),
        "CONTEXT_MISMATCH"
    );
    assert_eq!(
        code_of(open(&key, &env, Some(&ctx("f", nfd, Some(nfd))))),
        "CONTEXT_MISMATCH"
    );
}

// ------------------------------------------------------------- §3

#[test]
fn a_bom_may_begin_a_form_id_and_is_kept() {
    let key = PrivateKey::generate().unwrap();
    let bom_form = "\u{feff}vetting-step-2";
    let c = ctx(bom_form, "\u{feff}a", Some("\u{feff}s"));
    let info = c.info().unwrap();
    // U+FEFF is category Cf, not Cc: allowed, and encoded as EF BB BF.
    assert_eq!(&info[15..20], b"\x00\x11\xef\xbb\xbf");
    let env = seal(key.public_key(), b"x", &c).unwrap();
    let opened = open(&key, &env, Some(&c)).unwrap();
    assert_eq!(opened.context.form, bom_form);
    assert_eq!(Envelope::parse(&env).unwrap().context(), &c);
    // Not stripped: without it the form id is another one.
    assert_eq!(
        code_of(open(
            &key,
            &env,
            Some(&ctx("vetting-step-2", "\u{feff}a", None))
        )),
        "CONTEXT_MISMATCH"
    );
    // White space (not Cc) is allowed too and is part of the id; control
    // characters (Cc) are not.
    assert!(Context::new(" f ", "a b").is_ok());
    for cc in ["f\t", "f\n", "\u{7f}f", "f\u{85}", "f\u{9f}"] {
        assert_eq!(code_of(Context::new(cc, "a")), "INVALID_CONTEXT", "{cc:?}");
    }
    for cf in ["\u{200b}f", "f\u{2028}", "f\u{ad}"] {
        assert!(Context::new(cf, "a").is_ok(), "{cf:?}");
    }
}

// ------------------------------------------------------------- §4 / CLI

/// The CLI's line reader splits stdin at LF, trims ASCII white space (space,
/// HT, CR, FF) around each line and skips blank lines; the library never
/// trims. Inner white space, other characters around the envelope (VT, NBSP,
/// a BOM) are refused.
#[test]
fn cli_trims_ascii_white_space_around_a_line_only() {
    let s = setup();
    let dir = TempDir::new("format-spec");
    let key_path = dir.write("k.jwk", s.key.to_jwk().to_json().as_bytes());
    let t = s.good.text();
    let (a, b) = t.split_at(t.len() / 2);
    let lines = [
        format!("  {t}\t\r"),   // 1: trimmed, opens
        format!("\x0c{t} "),    // 2: FF and space trimmed, opens
        "   \t".to_string(),    // 3: blank, skipped
        format!("{a} {b}"),     // 4: inner space
        format!("{a}\t{b}"),    // 5: inner tab
        format!("\x0b{t}"),     // 6: VT is not trimmed
        format!("{t}\u{a0}"),   // 7: NBSP is not trimmed
        format!("\u{feff}{t}"), // 8: BOM is not trimmed
        format!("{a}\r{b}"),    // 9: inner CR
        t.clone(),              // 10: as is
    ];
    let mut input = lines.join("\n").into_bytes();
    input.extend_from_slice(b"\r\n"); // CRLF at the end: the CR is trimmed
    let out = run_cli(dir.path(), &["open", "--json", "--key", &key_path], &input);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let got: Vec<(u64, String)> = stdout(&out)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let what = match v.get("error") {
                Some(e) => e["code"].as_str().unwrap().to_owned(),
                None => format!("ok:{}", v["plaintext"].as_str().unwrap()),
            };
            (v["line"].as_u64().unwrap(), what)
        })
        .collect();
    let ok = "ok:1990-04-01".to_string();
    let bad = "MALFORMED_ENVELOPE".to_string();
    assert_eq!(
        got,
        vec![
            (1, ok.clone()),
            (2, ok.clone()),
            (4, bad.clone()),
            (5, bad.clone()),
            (6, bad.clone()),
            (7, bad.clone()),
            (8, bad.clone()),
            (9, bad),
            (10, ok),
        ]
    );
    // The library refuses the line the CLI accepted.
    assert_eq!(code_of(open(&s.key, &lines[0], None)), "MALFORMED_ENVELOPE");
    assert!(open_envelope(&s.key, &Envelope::parse(lines[0].trim()).unwrap(), None).is_ok());
}

/// A final LF ends the last line (it does not start another one); a blank
/// line is skipped, not an error.
#[test]
fn cli_line_ends_and_blank_lines() {
    let s = setup();
    let dir = TempDir::new("format-spec-lines");
    let key_path = dir.write("k.jwk", s.key.to_jwk().to_json().as_bytes());
    let t = s.good.text();
    let args = ["open", "--key", &key_path];
    // Plain output: one output line per input line.
    let out = run_cli(dir.path(), &args, format!("{t}\n").as_bytes());
    assert_eq!((code(&out), stdout(&out)), (0, "1990-04-01\n".to_string()));
    let out = run_cli(dir.path(), &args, t.as_bytes());
    assert_eq!((code(&out), stdout(&out)), (0, "1990-04-01\n".to_string()));
    let out = run_cli(dir.path(), &args, format!("{t}\n\n").as_bytes());
    assert_eq!(
        (code(&out), stdout(&out)),
        (0, "1990-04-01\n\n".to_string())
    );
    let out = run_cli(dir.path(), &args, format!(" \t\r\n{t}\r\n").as_bytes());
    assert_eq!(
        (code(&out), stdout(&out)),
        (0, "\n1990-04-01\n".to_string())
    );
    assert_eq!(stderr(&out), "");
    // A line that is not UTF-8.
    let mut input = t.clone().into_bytes();
    input.push(0xff);
    let out = run_cli(dir.path(), &args, &input);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("line 1: MALFORMED_ENVELOPE"),
        "{}",
        stderr(&out)
    );
}

/// The CLI opens with a keyring: a key file without the envelope's kid gives
/// KEY_NOT_FOUND (step 10), and that wins over a context mismatch. An invalid
/// expected context is refused before any envelope is read (exit status 2).
#[test]
fn cli_key_not_found_and_expected_context_checked_first() {
    let s = setup();
    let dir = TempDir::new("format-spec-cli");
    let other = dir.write("o.jwk", s.other.to_jwk().to_json().as_bytes());
    let key = dir.write("k.jwk", s.key.to_jwk().to_json().as_bytes());
    let t = format!("{}\n", s.good.text());
    let out = run_cli(
        dir.path(),
        &["open", "--key", &other, "--form", "x", "--field", "y"],
        t.as_bytes(),
    );
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("line 1: KEY_NOT_FOUND"),
        "{}",
        stderr(&out)
    );
    for form in ["", "f\u{7}"] {
        let out = run_cli(
            dir.path(),
            &["open", "--key", &key, "--form", form, "--field", "y"],
            b"not an envelope\n",
        );
        assert_eq!(code(&out), 2);
        assert!(stderr(&out).contains("INVALID_CONTEXT"), "{}", stderr(&out));
        assert!(!stderr(&out).contains("line 1"), "{}", stderr(&out));
    }
}
