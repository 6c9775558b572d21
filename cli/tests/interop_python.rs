//! Interoperability with an independent HPKE implementation: Python
//! `cryptography` (tests/python/interop.py re-implements the envelope format
//! from docs/FORMAT.md). Needs `python3` with the `cryptography` pinned in
//! tests/requirements.txt (`bash .ci/setup`); without it these tests FAIL.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;

use base64ct::{Base64UrlUnpadded, Encoding};
use serde_json::{Value, json};
use slice_seal::PrivateKey;

#[path = "../../tests/common/process.rs"]
mod process;
use process::{BIN, TempDir, run_program as run};
#[path = "../../tests/common/interop.rs"]
mod interop;
use interop::{case_json, cli, python, root};

/// The Python side of these tests (tests/python/).
const SCRIPT: &str = "interop.py";

/// A key made by the CLI, with every file both sides need.
fn keys(dir: &TempDir) -> PrivateKey {
    let out = cli(&["keygen", "--out", "private.jwk"], dir.path(), b"");
    fs::write(dir.file("public.jwk"), &out.stdout).unwrap();
    let out = cli(
        &["public", "--key", "private.jwk", "--pem"],
        dir.path(),
        b"",
    );
    fs::write(dir.file("public.pem"), &out.stdout).unwrap();
    let key = PrivateKey::parse(&fs::read_to_string(dir.file("private.jwk")).unwrap()).unwrap();
    fs::write(dir.file("private.pem"), key.to_pkcs8_pem().as_bytes()).unwrap();
    key
}

/// (form, field, submission, plaintext)
fn cases() -> Vec<(&'static str, String, Option<&'static str>, Vec<u8>)> {
    let ten_kb: Vec<u8> = (0..10 * 1024).map(|i| b"abcdefghij"[i % 10]).collect();
    vec![
        (
            "vetting-step-2",
            "date-of-birth".into(),
            Some("4f1c2a9e"),
            b"1990-04-01".to_vec(),
        ),
        ("vetting-step-1", "middle-name".into(), None, Vec::new()),
        (
            "vetting-step-1",
            "full-name".into(),
            Some("s-ü"),
            "Zoë Ødegård — 東京 🚀\nsecond line".as_bytes().to_vec(),
        ),
        ("vetting-step-3", "notes".into(), None, ten_kb),
        (
            "vetting-step-3",
            "photo".into(),
            Some("s"),
            (0..=255u8).collect(),
        ),
        ("fòrm-ünïcode", "feld-ß".into(), None, b"x".to_vec()),
        ("f", "x".repeat(256), Some("s"), b"long field name".to_vec()),
    ]
}

/// `command` followed by `--form`, `--field` and, if given, `--submission`.
fn with_context<'a>(
    command: &[&'a str],
    form: &'a str,
    field: &'a str,
    sub: Option<&'a str>,
) -> Vec<&'a str> {
    let mut args = command.to_vec();
    args.extend_from_slice(&["--form", form, "--field", field]);
    if let Some(s) = sub {
        args.extend_from_slice(&["--submission", s]);
    }
    args
}

#[test]
fn python_hpke_is_available() {
    let v = python(SCRIPT, &["check"], &root());
    assert!(v["cryptography"].is_string());
}

#[test]
fn cli_seals_python_opens() {
    let dir = TempDir::new("cli-seals");
    keys(&dir);
    let mut all = Vec::new();
    for (form, field, sub, pt) in cases() {
        let args = with_context(&["seal", "--to", "public.jwk"], form, &field, sub);
        let out = cli(&args, dir.path(), &pt);
        let envelope = String::from_utf8(out.stdout).unwrap().trim_end().to_owned();
        let mut case = case_json(form, &field, sub, &pt);
        case["envelope"] = json!(envelope);
        all.push(case);
    }
    fs::write(dir.file("cases.json"), serde_json::to_string(&all).unwrap()).unwrap();
    let v = python(
        SCRIPT,
        &[
            "open",
            "--jwk",
            "private.jwk",
            "--pem",
            "private.pem",
            "--cases",
            "cases.json",
        ],
        dir.path(),
    );
    let n = all.len();
    assert_eq!(v, json!({"cases": n, "opened": 2 * n, "moved_rejected": n}));
}

#[test]
fn python_seals_cli_opens() {
    let dir = TempDir::new("py-seals");
    let key = keys(&dir);
    let input: Vec<Value> = cases()
        .into_iter()
        .map(|(form, field, sub, pt)| case_json(form, &field, sub, &pt))
        .collect();
    fs::write(dir.file("in.json"), serde_json::to_string(&input).unwrap()).unwrap();
    let v = python(
        SCRIPT,
        &[
            "seal",
            "--public-jwk",
            "public.jwk",
            "--public-pem",
            "public.pem",
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
    assert_eq!(sealed.len(), input.len());

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
    for (i, ((want, got), (form, field, sub, pt))) in
        input.iter().zip(&results).zip(cases()).enumerate()
    {
        assert_eq!(got["line"], i + 1);
        assert_eq!(got["kid"], key.kid());
        assert_eq!(got["form"], want["context"]["form"]);
        assert_eq!(got["form"], form);
        assert_eq!(got["field"], field.as_str());
        assert_eq!(got["submission"], json!(sub));
        let plaintext = match (got.get("plaintext"), got.get("plaintext_b64")) {
            (Some(t), None) => t.as_str().unwrap().as_bytes().to_vec(),
            (None, Some(b)) => Base64UrlUnpadded::decode_vec(b.as_str().unwrap()).unwrap(),
            _ => panic!("line {}: {got}", i + 1),
        };
        assert_eq!(plaintext, pt, "case {i}");
    }

    // With the expected context given, each opens alone; under another field it does not.
    for (case, (form, field, sub, pt)) in sealed.iter().zip(cases()) {
        let env = format!("{}\n", case["envelope"].as_str().unwrap());
        // --raw: some plaintexts hold a line break or bytes that are not
        // UTF-8, which plain output refuses without it.
        let args = with_context(
            &["open", "--raw", "--key", "private.pem"],
            form,
            &field,
            sub,
        );
        let out = cli(&args, dir.path(), env.as_bytes());
        let mut want = pt.clone();
        want.push(b'\n');
        assert_eq!(out.stdout, want);
        let moved = run(
            BIN,
            &[
                "open",
                "--key",
                "private.jwk",
                "--form",
                form,
                "--field",
                "elsewhere",
            ],
            dir.path(),
            env.as_bytes(),
        );
        assert_eq!(moved.status.code(), Some(1));
        // A failed line is an empty output line.
        assert_eq!(moved.stdout, b"\n");
    }
}

#[test]
fn worked_example_opens_in_python() {
    let path = root().join("tests/vectors/envelope-v1.json");
    let v = python(SCRIPT, &["vector", path.to_str().unwrap()], &root());
    assert_eq!(v, json!({"vector": "ok", "plaintext": "1990-04-01"}));
}
