//! Integration tests of the `slice-seal` binary: every command, every key
//! format, per-line error reporting, exit statuses, and large batches.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use slice_seal::{Context, Envelope, Jwks, PrivateKey, PublicKey, Sealer};

#[path = "../../tests/common/process.rs"]
mod process;
use process::{BIN, TempDir, code, run_cli as run, stderr, stdout};

#[track_caller]
fn assert_ok(o: &Output) {
    assert_eq!(code(o), 0, "stderr: {}", stderr(o));
}

/// Exit status 2, nothing on stdout, exactly one `slice-seal: CODE: ...` line.
#[track_caller]
fn assert_fatal(o: &Output, expected_code: &str) {
    assert_eq!(code(o), 2, "stdout: {} stderr: {}", stdout(o), stderr(o));
    assert!(o.stdout.is_empty(), "stdout not empty: {:?}", stdout(o));
    let err = stderr(o);
    assert_eq!(err.lines().count(), 1, "expected one stderr line: {err:?}");
    assert!(err.ends_with('\n'));
    let prefix = format!("slice-seal: {expected_code}: ");
    assert!(err.starts_with(&prefix), "expected {prefix:?}, got {err:?}");
    assert!(err.len() > prefix.len() + 5, "message too short: {err:?}");
}

/// A directory holding a key made by `keygen`: `private.jwk`, `public.jwk`.
fn keyed(tag: &str) -> (TempDir, PrivateKey) {
    let dir = TempDir::new(tag);
    let o = run(dir.path(), &["keygen", "--out", "private.jwk"], b"");
    assert_ok(&o);
    fs::write(dir.file("public.jwk"), &o.stdout).unwrap();
    let key = PrivateKey::parse(&fs::read_to_string(dir.file("private.jwk")).unwrap()).unwrap();
    (dir, key)
}

fn seal_cli(dir: &Path, to: &str, ctx: &[&str], plaintext: &[u8]) -> String {
    let mut args = vec!["seal", "--to", to];
    args.extend_from_slice(ctx);
    let o = run(dir, &args, plaintext);
    assert_ok(&o);
    let s = stdout(&o);
    assert!(s.ends_with('\n') && s.lines().count() == 1, "{s:?}");
    s.trim_end().to_owned()
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn keygen_default_path_mode_0600_refuses_overwrite_and_force_replaces() {
    let dir = TempDir::new("keygen");
    let o = run(dir.path(), &["keygen"], b"");
    assert_ok(&o);
    assert!(o.stderr.is_empty());
    let path = dir.file("slice-seal.private.jwk");
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    let private_text = fs::read_to_string(&path).unwrap();
    assert!(private_text.ends_with("}\n") && private_text.lines().count() == 1);
    let key = PrivateKey::parse(&private_text).unwrap();
    assert!(private_text.contains("\"d\":"));

    // stdout: the public JWK with its kid, and no secret.
    let public_text = stdout(&o);
    assert!(public_text.ends_with('\n') && public_text.lines().count() == 1);
    assert!(!public_text.contains("\"d\""));
    let public = PublicKey::from_jwk_json(public_text.trim()).unwrap();
    assert_eq!(&public, key.public_key());
    let v: serde_json::Value = serde_json::from_str(&public_text).unwrap();
    assert_eq!(v["kid"], key.kid());

    // No overwrite without --force: status 2, file unchanged.
    let o = run(dir.path(), &["keygen"], b"");
    assert_fatal(&o, "FILE_EXISTS");
    assert!(stderr(&o).contains("--force"));
    assert_eq!(fs::read_to_string(&path).unwrap(), private_text);

    // --force replaces it atomically: new key, still 0600, no temp files left.
    let o = run(dir.path(), &["keygen", "--force"], b"");
    assert_ok(&o);
    let replaced = fs::read_to_string(&path).unwrap();
    assert_ne!(replaced, private_text);
    let new_key = PrivateKey::parse(&replaced).unwrap();
    assert_eq!(
        PublicKey::from_jwk_json(stdout(&o).trim()).unwrap(),
        *new_key.public_key()
    );
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, vec!["slice-seal.private.jwk".to_owned()]);

    // --out into a subdirectory; --force also creates a file that does not exist.
    fs::create_dir(dir.file("sub")).unwrap();
    assert_ok(&run(dir.path(), &["keygen", "--out", "sub/k.jwk"], b""));
    assert_ok(&run(
        dir.path(),
        &["keygen", "--out", "sub/k2.jwk", "--force"],
        b"",
    ));
    #[cfg(unix)]
    {
        assert_eq!(mode(&dir.file("sub/k.jwk")), 0o600);
        assert_eq!(mode(&dir.file("sub/k2.jwk")), 0o600);
    }
    // A directory that does not exist: one clear error.
    assert_fatal(
        &run(dir.path(), &["keygen", "--out", "nope/k.jwk"], b""),
        "IO_ERROR",
    );
}

#[test]
fn help_documents_the_default_key_file() {
    let o = run(Path::new("."), &["keygen", "--help"], b"");
    assert_ok(&o);
    assert!(stdout(&o).contains("slice-seal.private.jwk"));
    let o = run(Path::new("."), &["--help"], b"");
    assert_ok(&o);
    for cmd in ["keygen", "public", "seal", "open"] {
        assert!(stdout(&o).contains(cmd));
    }
    // Usage errors: clap's status 2.
    assert_eq!(code(&run(Path::new("."), &["frobnicate"], b"")), 2);
    assert_eq!(code(&run(Path::new("."), &["seal", "--form", "f"], b"")), 2);
}

#[test]
fn public_prints_jwk_jwks_and_pem() {
    let (dir, key) = keyed("public");
    let keygen_public = fs::read_to_string(dir.file("public.jwk")).unwrap();

    let o = run(dir.path(), &["public", "--key", "private.jwk"], b"");
    assert_ok(&o);
    assert_eq!(stdout(&o), keygen_public);
    assert!(!stdout(&o).contains("\"d\""));

    let o = run(
        dir.path(),
        &["public", "--key", "private.jwk", "--jwks"],
        b"",
    );
    assert_ok(&o);
    let set = Jwks::from_json(stdout(&o).trim()).unwrap();
    assert_eq!(set.keys.len(), 1);
    assert_eq!(set.single().unwrap(), *key.public_key());
    assert_eq!(
        stdout(&o),
        format!("{{\"keys\":[{}]}}\n", keygen_public.trim())
    );

    let o = run(
        dir.path(),
        &["public", "--key", "private.jwk", "--pem"],
        b"",
    );
    assert_ok(&o);
    let pem = stdout(&o);
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
    assert!(pem.ends_with("-----END PUBLIC KEY-----\n"));
    assert_eq!(PublicKey::from_spki_pem(&pem).unwrap(), *key.public_key());

    // The private key may also be PEM.
    dir.write("private.pem", key.to_pkcs8_pem().as_bytes());
    let o = run(dir.path(), &["public", "--key", "private.pem"], b"");
    assert_ok(&o);
    assert_eq!(stdout(&o), keygen_public);

    let o = run(
        dir.path(),
        &["public", "--key", "private.jwk", "--jwks", "--pem"],
        b"",
    );
    assert_eq!(code(&o), 2);
    assert!(o.stdout.is_empty());
}

/// A kid is base64url, so one in 64 starts with `-`; ids may too. Such values
/// are taken as values, not as unknown options (this was a flaky failure of
/// the test below when a random key's kid began with `-`).
#[test]
fn values_starting_with_a_hyphen_are_values() {
    let dir = TempDir::new("hyphen");
    // Bounded: the chance that 4,000 keys have no kid starting with '-' is
    // (63/64)^4000, about 1e-27.
    let key = (0..4000)
        .map(|_| PrivateKey::generate().unwrap())
        .find(|k| k.kid().starts_with('-'))
        .expect("a kid starting with '-'");
    let kid = key.kid();
    dir.write("private.jwk", key.to_jwk().to_json().as_str());
    dir.write("public.jwk", key.public_key().to_jwk().to_json());
    let ctx = ["--form", "-f", "--field", "--x", "--submission", "-1"];
    let mut args = vec!["--kid", kid.as_str()];
    args.extend_from_slice(&ctx);
    let env = seal_cli(dir.path(), "public.jwk", &args, b"hyphens");
    let opened = slice_seal::open(&key, &env, None).unwrap();
    assert_eq!(opened.plaintext, b"hyphens");
    assert_eq!(opened.context.form, "-f");
    assert_eq!(opened.context.field, "--x");
    assert_eq!(opened.context.submission.as_deref(), Some("-1"));

    let mut args = vec!["open", "--key", "private.jwk", "--kid", kid.as_str()];
    args.extend_from_slice(&ctx);
    let o = run(dir.path(), &args, format!("{env}\n").as_bytes());
    assert_ok(&o);
    assert_eq!(stdout(&o), "hyphens\n");
    let o = run(
        dir.path(),
        &["public", "--key", "private.jwk", "--kid", &kid],
        b"",
    );
    assert_ok(&o);

    // A kid that is not this key's is still refused, hyphen or not.
    let o = run(
        dir.path(),
        &["public", "--key", "private.jwk", "--kid", "-not-this-key"],
        b"",
    );
    assert_fatal(&o, "KID_MISMATCH");
}

#[test]
fn seal_open_roundtrip_for_every_key_format() {
    let (dir, key) = keyed("formats");
    let pk = key.public_key();
    dir.write("public.jwks", Jwks::from_public(pk).to_json());
    dir.write("public.pem", pk.to_spki_pem());
    dir.write("private.pem", key.to_pkcs8_pem().as_bytes());
    // A private JWKS with two keys, chosen by --kid.
    let other = PrivateKey::generate().unwrap();
    let private_set = format!(
        "{{\"keys\":[{},{}]}}",
        other.to_jwk().to_json().as_str(),
        key.to_jwk().to_json().as_str()
    );
    dir.write("private.jwks", &private_set);
    let kid = key.kid();

    let ctx = ["--form", "vetting-step-2", "--field", "date-of-birth"];
    for to in ["public.jwk", "public.jwks", "public.pem"] {
        let pt = format!("1990-04-01 via {to} ✓");
        let env = seal_cli(dir.path(), to, &ctx, pt.as_bytes());
        assert!(env.starts_with("ss1."));
        // The library agrees.
        let opened = slice_seal::open(&key, &env, None).unwrap();
        assert_eq!(opened.plaintext, pt.as_bytes());
        assert_eq!(opened.context.form, "vetting-step-2");
        assert_eq!(opened.context.submission, None);

        let input = format!("{env}\n");
        for key_args in [
            &["--key", "private.jwk"][..],
            &["--key", "private.pem"][..],
            &["--key", "private.jwks", "--kid", &kid][..],
        ] {
            let mut args = vec!["open"];
            args.extend_from_slice(key_args);
            let o = run(dir.path(), &args, input.as_bytes());
            assert_ok(&o);
            assert_eq!(stdout(&o), format!("{pt}\n"));
            assert!(o.stderr.is_empty());

            args.extend_from_slice(&ctx);
            args.push("--json");
            let o = run(dir.path(), &args, input.as_bytes());
            assert_ok(&o);
            let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
            assert_eq!(
                v,
                serde_json::json!({"line": 1, "kid": kid, "form": "vetting-step-2",
                    "field": "date-of-birth", "submission": null, "plaintext": pt})
            );
        }
    }

    // Seal to a JWKS of several keys: --kid picks one; without it, status 2.
    let public_set = format!(
        "{{\"keys\":[{},{}]}}",
        other.public_key().to_jwk().to_json().as_str(),
        pk.to_jwk().to_json().as_str()
    );
    dir.write("two.jwks", &public_set);
    let env = seal_cli(
        dir.path(),
        "two.jwks",
        &["--kid", &kid, "--form", "f", "--field", "a"],
        b"x",
    );
    assert_eq!(slice_seal::open(&key, &env, None).unwrap().plaintext, b"x");
    let env = seal_cli(
        dir.path(),
        "two.jwks",
        &["--kid", &other.kid(), "--form", "f", "--field", "a"],
        b"y",
    );
    assert_eq!(
        slice_seal::open(&other, &env, None).unwrap().plaintext,
        b"y"
    );
    assert_fatal(
        &run(
            dir.path(),
            &["seal", "--to", "two.jwks", "--form", "f", "--field", "a"],
            b"x",
        ),
        "INVALID_KEY",
    );
    assert_fatal(
        &run(
            dir.path(),
            &[
                "seal", "--to", "two.jwks", "--kid", "nope", "--form", "f", "--field", "a",
            ],
            b"x",
        ),
        "KEY_NOT_FOUND",
    );
    // A private JWKS of several keys is a keyring: each envelope is opened
    // with the key its kid names, no --kid needed.
    let both = format!(
        "{}\n{}\n",
        slice_seal::seal(pk, b"mine", &Context::new("f", "a").unwrap()).unwrap(),
        slice_seal::seal(
            other.public_key(),
            b"other's",
            &Context::new("f", "a").unwrap()
        )
        .unwrap()
    );
    let o = run(
        dir.path(),
        &["open", "--key", "private.jwks"],
        both.as_bytes(),
    );
    assert_ok(&o);
    assert_eq!(stdout(&o), "mine\nother's\n");
    // --kid on a single key is checked against its thumbprint.
    assert_fatal(
        &run(
            dir.path(),
            &[
                "seal",
                "--to",
                "public.pem",
                "--kid",
                &other.kid(),
                "--form",
                "f",
                "--field",
                "a",
            ],
            b"x",
        ),
        "KID_MISMATCH",
    );
    assert_fatal(
        &run(
            dir.path(),
            &["open", "--key", "private.jwk", "--kid", &other.kid()],
            b"",
        ),
        "KID_MISMATCH",
    );
}

#[test]
fn submission_and_binary_and_empty_plaintexts() {
    let (dir, key) = keyed("binary");
    let ctx = ["--form", "f", "--field", "photo", "--submission", "s-42"];
    let binary: Vec<u8> = (0..=255u8).rev().collect();
    let env_bin = seal_cli(dir.path(), "public.jwk", &ctx, &binary);
    let env_empty = seal_cli(dir.path(), "public.jwk", &ctx, b"");
    let input = format!("{env_bin}\n{env_empty}\n");

    // Plain output refuses a plaintext that is not one safe line (binary,
    // with a newline and control characters): an empty line, a coded report
    // pointing to --json, status 1. The empty plaintext is fine.
    let o = run(
        dir.path(),
        &["open", "--key", "private.jwk"],
        input.as_bytes(),
    );
    assert_eq!(code(&o), 1);
    assert_eq!(stdout(&o), "\n\n");
    let err = stderr(&o);
    assert!(err.starts_with("line 1: UNSAFE_PLAINTEXT: "), "{err}");
    assert!(err.contains("--json") && err.contains("--raw"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    // --raw writes it as it is.
    let o = run(
        dir.path(),
        &["open", "--key", "private.jwk", "--raw"],
        input.as_bytes(),
    );
    assert_ok(&o);
    let mut expected = binary.clone();
    expected.extend_from_slice(b"\n\n");
    assert_eq!(o.stdout, expected);

    let o = run(
        dir.path(),
        &[
            "open",
            "--key",
            "private.jwk",
            "--json",
            "--form",
            "f",
            "--field",
            "photo",
            "--submission",
            "s-42",
        ],
        input.as_bytes(),
    );
    assert_ok(&o);
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["submission"], "s-42");
    assert!(lines[0].get("plaintext").is_none());
    use base64ct::{Base64UrlUnpadded, Encoding};
    assert_eq!(
        Base64UrlUnpadded::decode_vec(lines[0]["plaintext_b64"].as_str().unwrap()).unwrap(),
        binary
    );
    assert_eq!(lines[1]["plaintext"], "");
    assert_eq!(lines[1]["kid"], key.kid());

    // Another submission id: CONTEXT_MISMATCH per line, status 1.
    let o = run(
        dir.path(),
        &[
            "open",
            "--key",
            "private.jwk",
            "--form",
            "f",
            "--field",
            "photo",
            "--submission",
            "s-43",
        ],
        input.as_bytes(),
    );
    assert_eq!(code(&o), 1);
    // A failed line is an empty output line.
    assert_eq!(stdout(&o), "\n\n");
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(err.starts_with("line 1: CONTEXT_MISMATCH: "), "{err}");
    assert!(err.contains("\nline 2: CONTEXT_MISMATCH: "), "{err}");
}

#[test]
fn open_with_matching_and_mismatching_context() {
    let (dir, _key) = keyed("context");
    let env = seal_cli(
        dir.path(),
        "public.jwk",
        &["--form", "vetting-step-2", "--field", "date-of-birth"],
        b"1990-04-01",
    );
    let input = format!("{env}\n");
    let open = |extra: &[&str]| {
        let mut args = vec!["open", "--key", "private.jwk"];
        args.extend_from_slice(extra);
        run(dir.path(), &args, input.as_bytes())
    };

    let o = open(&["--form", "vetting-step-2", "--field", "date-of-birth"]);
    assert_ok(&o);
    assert_eq!(stdout(&o), "1990-04-01\n");

    for wrong in [
        &["--form", "vetting-step-2", "--field", "surname"][..],
        &["--form", "vetting-step-3", "--field", "date-of-birth"][..],
        // A sealed slice without submission does not match a required one.
        &[
            "--form",
            "vetting-step-2",
            "--field",
            "date-of-birth",
            "--submission",
            "s",
        ][..],
    ] {
        let o = open(wrong);
        assert_eq!(code(&o), 1, "{wrong:?}");
        assert_eq!(stdout(&o), "\n");
        let err = stderr(&o);
        assert!(err.starts_with("line 1: CONTEXT_MISMATCH: "), "{err}");
        assert_eq!(err.lines().count(), 1);

        let mut json_args = wrong.to_vec();
        json_args.push("--json");
        let o = open(&json_args);
        assert_eq!(code(&o), 1);
        assert!(o.stderr.is_empty());
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["line"], 1);
        assert_eq!(v["error"]["code"], "CONTEXT_MISMATCH");
        assert!(v["error"]["message"].as_str().unwrap().contains("expected"));
        assert!(v.get("plaintext").is_none());
    }

    // --form and --field only together (clap usage error, status 2).
    for half in [
        &["--form", "x"][..],
        &["--field", "x"][..],
        &["--submission", "x"][..],
    ] {
        let o = open(half);
        assert_eq!(code(&o), 2, "{half:?}");
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn batch_with_bad_lines_reports_each_and_opens_the_rest() {
    let (dir, key) = keyed("batch");
    let stranger = PrivateKey::generate().unwrap();
    let ctx = Context::new("f", "a").unwrap();
    let mut sealer = Sealer::new(key.public_key().clone());
    let e1 = sealer.seal(b"one", &ctx).unwrap();
    let e2 = sealer.seal(b"two", &ctx).unwrap();
    let e4 = sealer.seal(b"four", &ctx).unwrap();
    let e6 = sealer.seal(b"six", &ctx).unwrap();
    let foreign = slice_seal::seal(stranger.public_key(), b"x", &ctx).unwrap();
    // Flip one base64url character in the ciphertext part.
    let mut tampered = e2.clone().into_bytes();
    let last = tampered.len() - 3;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();

    // Lines: 1 ok, 2 ok (CRLF, padded), 3 garbage, 4 ok, 5 blank, 6 ok,
    // 7 other key, 8 tampered, 9 whitespace only.
    let input =
        format!("{e1}\n  {e2}\r\nnot an envelope\n{e4}\n\n{e6}\n{foreign}\n{tampered}\n \t\n");
    let o = run(
        dir.path(),
        &["open", "--key", "private.jwk"],
        input.as_bytes(),
    );
    assert_eq!(code(&o), 1);
    // One output line per input line: failed and blank lines are empty.
    assert_eq!(stdout(&o), "one\ntwo\n\nfour\n\nsix\n\n\n\n");
    let err = stderr(&o);
    let err_lines: Vec<&str> = err.lines().collect();
    assert_eq!(err_lines.len(), 3, "{err}");
    assert!(
        err_lines[0].starts_with("line 3: MALFORMED_ENVELOPE: "),
        "{err}"
    );
    assert!(err_lines[1].starts_with("line 7: KEY_NOT_FOUND: "), "{err}");
    assert!(
        err_lines[2].starts_with("line 8: DECRYPT_FAILED: "),
        "{err}"
    );

    let o = run(
        dir.path(),
        &["open", "--key", "private.jwk", "--json"],
        input.as_bytes(),
    );
    assert_eq!(code(&o), 1);
    assert!(o.stderr.is_empty());
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let numbers: Vec<u64> = lines.iter().map(|v| v["line"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 6, 7, 8]);
    let summary: Vec<String> = lines
        .iter()
        .map(|v| match v.get("error") {
            Some(e) => e["code"].as_str().unwrap().to_owned(),
            None => v["plaintext"].as_str().unwrap().to_owned(),
        })
        .collect();
    assert_eq!(
        summary,
        [
            "one",
            "two",
            "MALFORMED_ENVELOPE",
            "four",
            "six",
            "KEY_NOT_FOUND",
            "DECRYPT_FAILED"
        ]
    );

    // Blank lines only: nothing to open, success; one empty line each.
    let o = run(dir.path(), &["open", "--key", "private.jwk"], b"\n\n");
    assert_ok(&o);
    assert_eq!(stdout(&o), "\n\n");
    // A non-UTF-8 line is reported like any bad line.
    let mut bad = b"\xff\xfe\n".to_vec();
    bad.extend_from_slice(format!("{e1}\n").as_bytes());
    let o = run(dir.path(), &["open", "--key", "private.jwk"], &bad);
    assert_eq!(code(&o), 1);
    assert_eq!(stdout(&o), "\none\n");
    assert!(stderr(&o).starts_with("line 1: MALFORMED_ENVELOPE: "));
}

#[test]
fn bad_inputs_exit_2_with_one_line_and_empty_stdout() {
    let (dir, key) = keyed("bad");
    let env = seal_cli(
        dir.path(),
        "public.jwk",
        &["--form", "f", "--field", "a"],
        b"x",
    );
    let input = format!("{env}\n");
    dir.write(
        "garbage.jwk",
        "{\"kty\":\"EC\",\"crv\":\"P-256\",\"d\":\"???\"}",
    );
    dir.write("notjson.jwk", "hello");
    dir.write("binary.key", [0xffu8, 0x00, 0x12]);
    dir.write("public.pem", key.public_key().to_spki_pem());
    dir.write("empty.jwks", "{\"keys\":[]}");

    let cases: &[(&[&str], &str)] = &[
        (&["open", "--key", "missing.jwk"], "IO_ERROR"),
        (&["open", "--key", "garbage.jwk"], "INVALID_KEY"),
        (&["open", "--key", "notjson.jwk"], "INVALID_KEY"),
        (&["open", "--key", "binary.key"], "INVALID_KEY"),
        (&["open", "--key", "empty.jwks"], "INVALID_KEY"),
        // Public keys are not private keys.
        (&["open", "--key", "public.jwk"], "NOT_PRIVATE_KEY"),
        (&["open", "--key", "public.pem"], "NOT_PRIVATE_KEY"),
        (&["public", "--key", "public.jwk"], "NOT_PRIVATE_KEY"),
        (
            &["open", "--key", "private.jwk", "--form", "", "--field", "a"],
            "INVALID_CONTEXT",
        ),
        (
            &[
                "open",
                "--key",
                "private.jwk",
                "--form",
                "f",
                "--field",
                "a\u{1}b",
            ],
            "INVALID_CONTEXT",
        ),
        (
            &["seal", "--to", "missing.jwk", "--form", "f", "--field", "a"],
            "IO_ERROR",
        ),
        (
            &["seal", "--to", "garbage.jwk", "--form", "f", "--field", "a"],
            "INVALID_KEY",
        ),
        (
            &["seal", "--to", "notjson.jwk", "--form", "f", "--field", "a"],
            "INVALID_KEY",
        ),
        (
            &["seal", "--to", "public.jwk", "--form", "", "--field", "a"],
            "INVALID_CONTEXT",
        ),
        (
            &[
                "seal",
                "--to",
                "public.jwk",
                "--form",
                "f",
                "--field",
                "a\nb",
            ],
            "INVALID_CONTEXT",
        ),
        (
            &[
                "seal",
                "--to",
                "public.jwk",
                "--form",
                "f",
                "--field",
                "a\u{7f}",
            ],
            "INVALID_CONTEXT",
        ),
        (
            &[
                "seal",
                "--to",
                "public.jwk",
                "--form",
                "f",
                "--field",
                "a",
                "--submission",
                "",
            ],
            "INVALID_CONTEXT",
        ),
    ];
    let long = "x".repeat(257);
    let long_case = [
        "seal",
        "--to",
        "public.jwk",
        "--form",
        long.as_str(),
        "--field",
        "a",
    ];
    for (args, expected) in cases
        .iter()
        .copied()
        .chain([(&long_case[..], "INVALID_CONTEXT")])
    {
        let o = run(dir.path(), args, input.as_bytes());
        assert_fatal(&o, expected);
        // Messages name the problem, never echo key material.
        assert!(!stderr(&o).contains("???"));
    }

    // Plaintext over 4 MiB.
    let big = vec![b'z'; slice_seal::MAX_PLAINTEXT + 1];
    let o = run(
        dir.path(),
        &["seal", "--to", "public.jwk", "--form", "f", "--field", "a"],
        &big,
    );
    assert_fatal(&o, "INVALID_INPUT");
    // Exactly 4 MiB is fine.
    let o = run(
        dir.path(),
        &["seal", "--to", "public.jwk", "--form", "f", "--field", "a"],
        &big[..slice_seal::MAX_PLAINTEXT],
    );
    assert_ok(&o);
    let opened = slice_seal::open(&key, stdout(&o).trim_end(), None).unwrap();
    assert_eq!(opened.plaintext.len(), slice_seal::MAX_PLAINTEXT);
}

#[test]
fn a_moved_slice_does_not_open() {
    let (dir, key) = keyed("moved");
    let env = seal_cli(
        dir.path(),
        "public.jwk",
        &[
            "--form",
            "vetting-step-2",
            "--field",
            "date-of-birth",
            "--submission",
            "s1",
        ],
        b"1990-04-01",
    );
    let parsed = Envelope::parse(&env).unwrap();
    let body = parsed.to_body();
    // Rebuild the body with another field in info, same enc and ct: the
    // envelope now claims to be the surname of the same submission.
    let moved_ctx = Context::new("vetting-step-2", "surname")
        .unwrap()
        .with_submission("s1")
        .unwrap();
    let new_info = moved_ctx.info().unwrap();
    let old_info_len = parsed.info().len();
    let mut moved = body[..38].to_vec();
    moved.extend_from_slice(&(new_info.len() as u16).to_be_bytes());
    moved.extend_from_slice(&new_info);
    moved.extend_from_slice(&body[40 + old_info_len..]);
    let moved_env = Envelope::from_body(&moved).unwrap().to_string();
    assert_eq!(Envelope::parse(&moved_env).unwrap().context(), &moved_ctx);

    // Opened where it claims to belong, or with no expectation: DECRYPT_FAILED.
    for extra in [
        &[][..],
        &[
            "--form",
            "vetting-step-2",
            "--field",
            "surname",
            "--submission",
            "s1",
        ][..],
    ] {
        let mut args = vec!["open", "--key", "private.jwk"];
        args.extend_from_slice(extra);
        let o = run(dir.path(), &args, format!("{moved_env}\n").as_bytes());
        assert_eq!(code(&o), 1);
        assert_eq!(stdout(&o), "\n");
        assert!(
            stderr(&o).starts_with("line 1: DECRYPT_FAILED: "),
            "{}",
            stderr(&o)
        );
    }
    // Where it was sealed, with the original text: it opens.
    assert_eq!(
        slice_seal::open(&key, &env, None).unwrap().plaintext,
        b"1990-04-01"
    );
}

#[test]
fn open_2000_envelopes_matches_the_sequential_expectation() {
    let (dir, key) = keyed("many");
    let mut sealer = Sealer::new(key.public_key().clone());
    // 61 distinct slices (a prime, so a reordering of chunks shows), each
    // with its own plaintext and field, arranged into 2,000 lines.
    let distinct: Vec<(String, String, String)> = (0..61)
        .map(|i| {
            let field = format!("field-{i}");
            let pt = format!("answer {i}: {}", "é".repeat(i % 7));
            let ctx = Context::new("bulk", field.clone()).unwrap();
            (sealer.seal(pt.as_bytes(), &ctx).unwrap(), field, pt)
        })
        .collect();
    let order: Vec<usize> = (0..2000usize).map(|i| (i * 17 + i / 61) % 61).collect();
    let mut input = String::new();
    let mut expected_plain = String::new();
    let mut expected_json = String::new();
    for (n, &i) in order.iter().enumerate() {
        let (env, field, pt) = &distinct[i];
        input.push_str(env);
        input.push('\n');
        expected_plain.push_str(pt);
        expected_plain.push('\n');
        expected_json.push_str(
            &serde_json::json!({"line": n + 1, "kid": key.kid(), "form": "bulk",
                "field": field, "submission": null, "plaintext": pt})
            .to_string(),
        );
        expected_json.push('\n');
    }
    let o = run(
        dir.path(),
        &["open", "--key", "private.jwk"],
        input.as_bytes(),
    );
    assert_ok(&o);
    assert!(
        o.stdout == expected_plain.as_bytes(),
        "plain output differs from the sequential expectation"
    );

    let o = run(
        dir.path(),
        &["open", "--key", "private.jwk", "--json"],
        input.as_bytes(),
    );
    assert_ok(&o);
    let got: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let want: Vec<serde_json::Value> = expected_json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got.len(), 2000);
    assert!(
        got == want,
        "JSON output differs from the sequential expectation"
    );
}

/// `slice-seal open` (its own p256 0.13 DH source, cli/src/decap.rs) gives
/// for each line what the core's `Keyring::open` (p256 0.14) gives: the
/// plaintext, or the same error code and message; over two keys, good and
/// bad envelopes (another key's point or a point off the curve as `enc`,
/// tampered ciphertext, a context that differs, a kid not in the keyring).
#[test]
fn open_gives_what_the_core_gives_line_by_line() {
    use base64ct::{Base64UrlUnpadded, Encoding};
    let dir = TempDir::new("equal");
    let keys = [
        PrivateKey::generate().unwrap(),
        PrivateKey::generate().unwrap(),
    ];
    let ring = slice_seal::Keyring::from_keys(keys.clone()).unwrap();
    dir.write("ring.json", ring.to_json().as_bytes());
    let stranger = PrivateKey::generate().unwrap();
    let ctx = Context::new("f", "a").unwrap();
    let other_ctx = Context::new("f", "b").unwrap();
    let mut lines = Vec::new();
    for i in 0..60usize {
        let key = &keys[i % 2];
        let pt = format!("answer {i}");
        let good = slice_seal::seal(key.public_key(), pt.as_bytes(), &ctx).unwrap();
        let mut body = Envelope::parse(&good).unwrap().to_body();
        let ct_len = Envelope::parse(&good).unwrap().ciphertext().len();
        let at = body.len() - ct_len - 65;
        let text = |body: &[u8]| format!("ss1.{}", Base64UrlUnpadded::encode_string(body));
        lines.push(match i % 6 {
            0 | 1 => good,
            2 => {
                body[at..at + 65].copy_from_slice(&stranger.public_key().to_sec1(false));
                text(&body)
            }
            3 => {
                body[at + 64] ^= 1;
                text(&body)
            }
            4 => {
                let last = body.len() - 1;
                body[last] ^= 0x80;
                text(&body)
            }
            _ if i % 12 == 5 => slice_seal::seal(key.public_key(), b"x", &other_ctx).unwrap(),
            _ => slice_seal::seal(stranger.public_key(), b"x", &ctx).unwrap(),
        });
    }
    let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let o = run(
        dir.path(),
        &[
            "open",
            "--key",
            "ring.json",
            "--form",
            "f",
            "--field",
            "a",
            "--json",
        ],
        input.as_bytes(),
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let got: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got.len(), lines.len());
    let mut codes = std::collections::BTreeSet::new();
    for (n, (line, got)) in lines.iter().zip(&got).enumerate() {
        match ring.open(line, Some(&ctx)) {
            Ok(opened) => {
                let pt = String::from_utf8(opened.plaintext).unwrap();
                assert_eq!(got["plaintext"], pt.as_str(), "line {}", n + 1);
            }
            Err(e) => {
                assert_eq!(got["error"]["code"], e.code(), "line {}", n + 1);
                assert_eq!(got["error"]["message"], e.to_string(), "line {}", n + 1);
                codes.insert(e.code());
            }
        }
    }
    assert_eq!(
        codes.into_iter().collect::<Vec<_>>(),
        [
            "CONTEXT_MISMATCH",
            "DECRYPT_FAILED",
            "KEY_NOT_FOUND",
            "MALFORMED_ENVELOPE"
        ]
    );
}

#[test]
fn closed_stdout_does_not_panic() {
    let (dir, key) = keyed("epipe");
    let ctx = Context::new("f", "a").unwrap();
    let env = slice_seal::seal(key.public_key(), &[b'p'; 4096], &ctx).unwrap();
    let input = format!("{env}\n").repeat(300);
    let mut child = Command::new(BIN)
        .args(["open", "--key", "private.jwk"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close our end of stdout before the child writes anything.
    drop(child.stdout.take());
    let mut pipe = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let _ = pipe.write_all(input.as_bytes());
    });
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    feeder.join().unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(status.code(), Some(1), "stderr: {err}");
    assert!(err.is_empty(), "a closed pipe is not reported: {err}");
}
