//! The hybrid suite (MLKEM768-X25519, docs/FORMAT.md §11) both ways with
//! Python `cryptography` 50: tests/python/interop_hybrid.py re-implements
//! the envelope, the AKP JWK and its kid from the specification over
//! `hpke.Suite(KEM.MLKEM768_X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)`.
//! Keys, seals and opens here go through the CLI (`keygen --suite
//! mlkem768-x25519`, `seal`, `open`). Needs python3 with tests/requirements.txt;
//! without it these tests FAIL.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;

use base64ct::{Base64UrlUnpadded, Encoding};
use serde_json::{Value, json};

#[path = "../../tests/common/process.rs"]
mod process;
use process::{BIN, TempDir, run_program as run};
#[path = "../../tests/common/interop.rs"]
mod interop;
use interop::{case_json, cli, python};

/// The Python side of these tests (tests/python/).
const SCRIPT: &str = "interop_hybrid.py";

/// A hybrid key pair made by the CLI: private.jwk, public.jwk.
fn keys(dir: &TempDir) -> Value {
    let out = cli(
        &[
            "keygen",
            "--suite",
            "mlkem768-x25519",
            "--out",
            "private.jwk",
        ],
        dir.path(),
        b"",
    );
    fs::write(dir.file("public.jwk"), &out.stdout).unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

/// (form, field, submission, plaintext)
fn cases() -> Vec<(&'static str, &'static str, Option<&'static str>, Vec<u8>)> {
    vec![
        (
            "vetting-step-2",
            "date-of-birth",
            Some("4f1c2a9e"),
            b"1990-04-01".to_vec(),
        ),
        ("vetting-step-1", "middle-name", None, Vec::new()),
        (
            "fòrm-ünïcode",
            "feld-ß",
            Some("s-ü"),
            "Zoë Ødegård — 東京 🚀".as_bytes().to_vec(),
        ),
        ("vetting-step-3", "photo", Some("s"), (0..=255u8).collect()),
        ("vetting-step-3", "notes", None, vec![b'n'; 10 * 1024]),
    ]
}

#[test]
fn cli_seals_hybrid_python_opens() {
    let dir = TempDir::new("pq-cli-seals");
    keys(&dir);
    let mut all = Vec::new();
    for (form, field, sub, pt) in cases() {
        let mut args = vec![
            "seal",
            "--to",
            "public.jwk",
            "--form",
            form,
            "--field",
            field,
        ];
        if let Some(s) = sub {
            args.extend_from_slice(&["--submission", s]);
        }
        let out = cli(&args, dir.path(), &pt);
        let envelope = String::from_utf8(out.stdout).unwrap().trim_end().to_owned();
        // The suite ids say MLKEM768-X25519 / HKDF-SHA256 / AES-256-GCM.
        let body = Base64UrlUnpadded::decode_vec(envelope.strip_prefix("ss1.").unwrap()).unwrap();
        assert_eq!(body[..6], [0x64, 0x7a, 0, 1, 0, 2]);
        let mut case = case_json(form, field, sub, &pt);
        case["envelope"] = json!(envelope);
        all.push(case);
    }
    fs::write(dir.file("cases.json"), serde_json::to_string(&all).unwrap()).unwrap();
    let v = python(
        SCRIPT,
        &["open", "--jwk", "private.jwk", "--cases", "cases.json"],
        dir.path(),
    );
    let n = all.len();
    assert_eq!(v, json!({"cases": n, "opened": n, "moved_rejected": n}));
}

#[test]
fn python_seals_hybrid_cli_opens() {
    let dir = TempDir::new("pq-py-seals");
    let public = keys(&dir);
    let input: Vec<Value> = cases()
        .into_iter()
        .map(|(form, field, sub, pt)| case_json(form, field, sub, &pt))
        .collect();
    fs::write(dir.file("in.json"), serde_json::to_string(&input).unwrap()).unwrap();
    let v = python(
        SCRIPT,
        &[
            "seal",
            "--public-jwk",
            "public.jwk",
            "--cases",
            "in.json",
            "--out",
            "out.json",
        ],
        dir.path(),
    );
    assert_eq!(v, json!({"sealed": input.len()}));
    let sealed: Vec<Value> =
        serde_json::from_str(&fs::read_to_string(dir.file("out.json")).unwrap()).unwrap();
    let mut lines = String::new();
    for case in &sealed {
        lines.push_str(case["envelope"].as_str().unwrap());
        lines.push('\n');
    }
    let out = cli(
        &["open", "--key", "private.jwk", "--json"],
        dir.path(),
        lines.as_bytes(),
    );
    let results: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), input.len());
    for (i, (got, (form, field, sub, pt))) in results.iter().zip(cases()).enumerate() {
        assert_eq!(got["kid"], public["kid"], "case {i}");
        assert_eq!(
            (&got["form"], &got["field"], &got["submission"]),
            (&json!(form), &json!(field), &json!(sub)),
            "case {i}"
        );
        let plaintext = match (got.get("plaintext"), got.get("plaintext_b64")) {
            (Some(t), None) => t.as_str().unwrap().as_bytes().to_vec(),
            (None, Some(b)) => Base64UrlUnpadded::decode_vec(b.as_str().unwrap()).unwrap(),
            _ => panic!("line {}: {got}", i + 1),
        };
        assert_eq!(plaintext, pt, "case {i}");
    }

    // A P-256 key refuses them with SUITE_MISMATCH, line by line.
    cli(&["keygen", "--out", "p256.jwk"], dir.path(), b"");
    let out = run(
        BIN,
        &["open", "--key", "p256.jwk", "--json"],
        dir.path(),
        lines.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), input.len());
    for l in text.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["error"]["code"], "SUITE_MISMATCH", "{l}");
    }
}
