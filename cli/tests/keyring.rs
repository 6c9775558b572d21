//! The high side for real operations (issue 13), CLI surface: keyrings and
//! key rotation, unambiguous `open` output (plain lines, --raw, --json,
//! --out-dir), the audit log, one-line USAGE errors, and bad keyrings and
//! key files.
#![cfg(all(unix, not(target_arch = "wasm32")))]

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use slice_seal::{Context, Jwks, PrivateKey, PublicKey, seal};

#[path = "../../tests/common/process.rs"]
mod process;
use process::{BIN, TempDir, code, run_cli as run, stderr, stdout};

#[track_caller]
fn assert_ok(o: &Output) {
    assert_eq!(code(o), 0, "stderr: {}", stderr(o));
    assert!(o.stderr.is_empty(), "stderr: {}", stderr(o));
}

/// Exit status 2, nothing on stdout, exactly one `slice-seal: CODE: ...` line.
#[track_caller]
fn assert_fatal(o: &Output, expected_code: &str) -> String {
    assert_eq!(code(o), 2, "stdout: {} stderr: {}", stdout(o), stderr(o));
    assert!(o.stdout.is_empty(), "stdout not empty: {:?}", stdout(o));
    let err = stderr(o);
    assert_eq!(err.lines().count(), 1, "expected one stderr line: {err:?}");
    let prefix = format!("slice-seal: {expected_code}: ");
    assert!(err.starts_with(&prefix), "expected {prefix:?}, got {err:?}");
    assert!(err.len() > prefix.len() + 5, "message too short: {err:?}");
    err
}

fn ctx(form: &str, field: &str) -> Context {
    Context::new(form, field).unwrap()
}

fn private_json(key: &PrivateKey) -> String {
    key.to_jwk().to_json().to_string()
}

fn secret_of(key: &PrivateKey) -> String {
    key.to_jwk().d.unwrap().expose().to_owned()
}

/// `YYYY-MM-DDTHH:MM:SSZ`.
fn is_utc_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b[19] == b'Z'
        && b[10] == b'T'
        && [4, 7].iter().all(|&i| b[i] == b'-')
        && [13, 16].iter().all(|&i| b[i] == b':')
        && b.iter()
            .enumerate()
            .all(|(i, c)| [4, 7, 10, 13, 16, 19].contains(&i) || c.is_ascii_digit())
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

fn json_lines(s: &str) -> Vec<Value> {
    s.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// docs/CLI.md's rotation runbook, walked: publish both keys, pin the new
/// kid, keep the old private key until its slices are opened (old and new
/// slices open in one run), then retire it.
#[test]
fn rotation_runbook() {
    let dir = TempDir::new("rotation");
    // Day 0: the first key, in a keyring created by keygen --add-to.
    let o = run(dir.path(), &["keygen", "--add-to", "ring.jwks"], b"");
    assert_ok(&o);
    let old = PublicKey::from_jwk_json(stdout(&o).trim()).unwrap();
    assert_eq!(
        fs::metadata(dir.file("ring.jwks")).unwrap().mode() & 0o777,
        0o600
    );
    let o = run(dir.path(), &["public", "--key", "ring.jwks", "--jwks"], b"");
    assert_ok(&o);
    dir.write("published-1.jwks", &o.stdout);
    let env_old = run(
        dir.path(),
        &[
            "seal",
            "--to",
            "published-1.jwks",
            "--kid",
            &old.kid(),
            "--form",
            "f",
            "--field",
            "a",
        ],
        b"sealed to the old key",
    );
    assert_ok(&env_old);

    // Rotation, step 1: a new key in the same keyring; publish both.
    let inode = fs::metadata(dir.file("ring.jwks")).unwrap().ino();
    let o = run(dir.path(), &["keygen", "--add-to", "ring.jwks"], b"");
    assert_ok(&o);
    let new = PublicKey::from_jwk_json(stdout(&o).trim()).unwrap();
    assert_ne!(old.kid(), new.kid());
    // Rewritten by rename (a new inode), still 0600, no temporary file left.
    let meta = fs::metadata(dir.file("ring.jwks")).unwrap();
    assert_ne!(
        meta.ino(),
        inode,
        "the keyring was not replaced by a rename"
    );
    assert_eq!(meta.mode() & 0o777, 0o600);
    assert_eq!(
        dir.names("."),
        ["published-1.jwks", "ring.jwks"].map(String::from)
    );
    let o = run(dir.path(), &["public", "--key", "ring.jwks", "--jwks"], b"");
    assert_ok(&o);
    let published = Jwks::from_json(stdout(&o).trim()).unwrap();
    assert_eq!(published.find(&old.kid()).unwrap(), old);
    assert_eq!(published.find(&new.kid()).unwrap(), new);
    assert_eq!(published.keys.len(), 2);
    assert!(!stdout(&o).contains("\"d\""));
    dir.write("published-2.jwks", &o.stdout);

    // Step 2: the forms pin the new kid; new slices go to the new key while
    // old ones are still in the store.
    let env_new = run(
        dir.path(),
        &[
            "seal",
            "--to",
            "published-2.jwks",
            "--kid",
            &new.kid(),
            "--form",
            "f",
            "--field",
            "a",
        ],
        b"sealed to the new key",
    );
    assert_ok(&env_new);
    let input = format!("{}{}", stdout(&env_old), stdout(&env_new));

    // Step 3: the old private key is kept until its slices are opened: both
    // open in one run, each with its own key.
    let o = run(
        dir.path(),
        &["open", "--key", "ring.jwks", "--json"],
        input.as_bytes(),
    );
    assert_ok(&o);
    let lines = json_lines(&stdout(&o));
    assert_eq!(lines[0]["kid"], old.kid());
    assert_eq!(lines[0]["plaintext"], "sealed to the old key");
    assert_eq!(lines[1]["kid"], new.kid());
    assert_eq!(lines[1]["plaintext"], "sealed to the new key");

    // keyring list: both, with their creation times, no private material.
    let o = run(dir.path(), &["keyring", "list", "--key", "ring.jwks"], b"");
    assert_ok(&o);
    let listed: Vec<Vec<String>> = stdout(&o)
        .lines()
        .map(|l| l.split('\t').map(String::from).collect())
        .collect();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0][0], old.kid());
    assert_eq!(listed[1][0], new.kid());
    for row in &listed {
        assert_eq!(row.len(), 3, "{row:?}");
        assert!(is_utc_time(&row[1]), "{row:?}");
        let jwk = PublicKey::from_jwk_json(&row[2]).unwrap();
        assert_eq!(jwk.kid(), row[0]);
        assert!(!row[2].contains("\"d\""));
    }
    let ring = slice_seal::Keyring::parse(&dir.read("ring.jwks")).unwrap();
    for (key, _) in ring.iter() {
        assert!(!stdout(&o).contains(&secret_of(key.as_p256().unwrap())));
    }

    let remove = |kid: &str| {
        run(
            dir.path(),
            &["keyring", "remove", "--key", "ring.jwks", "--kid", kid],
            b"",
        )
    };
    // Step 4: retire the old key. Its slices no longer open (KEY_NOT_FOUND),
    // the new ones still do; the published set is the new key alone.
    let o = remove(&old.kid());
    assert_ok(&o);
    assert!(o.stdout.is_empty());
    assert_eq!(
        fs::metadata(dir.file("ring.jwks")).unwrap().mode() & 0o777,
        0o600
    );
    let o = run(
        dir.path(),
        &["open", "--key", "ring.jwks"],
        input.as_bytes(),
    );
    assert_eq!(code(&o), 1);
    assert_eq!(stdout(&o), "\nsealed to the new key\n");
    assert!(
        stderr(&o).starts_with(&format!(
            "line 1: KEY_NOT_FOUND: no key with kid {}",
            old.kid()
        )),
        "{}",
        stderr(&o)
    );
    let o = run(dir.path(), &["public", "--key", "ring.jwks", "--jwks"], b"");
    assert_ok(&o);
    assert_eq!(
        Jwks::from_json(stdout(&o).trim())
            .unwrap()
            .single()
            .unwrap(),
        new
    );
    // The last key is not removed (that would leave an empty keyring).
    let o = remove(&new.kid());
    assert_fatal(&o, "INVALID_ARGS");
    let o = remove(&old.kid());
    assert_fatal(&o, "KEY_NOT_FOUND");
}

#[test]
fn repeated_key_options_form_one_keyring() {
    let dir = TempDir::new("repeated");
    let (a, b) = (
        PrivateKey::generate().unwrap(),
        PrivateKey::generate().unwrap(),
    );
    dir.write("a.jwk", private_json(&a));
    dir.write("b.pem", b.to_pkcs8_pem().as_bytes());
    let c = ctx("f", "x");
    let input = format!(
        "{}\n{}\n",
        seal(a.public_key(), b"for a", &c).unwrap(),
        seal(b.public_key(), b"for b", &c).unwrap()
    );
    let o = run(
        dir.path(),
        &["open", "--key", "a.jwk", "--key", "b.pem"],
        input.as_bytes(),
    );
    assert_ok(&o);
    assert_eq!(stdout(&o), "for a\nfor b\n");

    // One of them alone: the other's envelope has no key (KEY_NOT_FOUND).
    let o = run(dir.path(), &["open", "--key", "a.jwk"], input.as_bytes());
    assert_eq!(code(&o), 1);
    assert_eq!(stdout(&o), "for a\n\n");
    assert!(
        stderr(&o).starts_with("line 2: KEY_NOT_FOUND: "),
        "{}",
        stderr(&o)
    );
    // --kid narrows the keyring to one key.
    let o = run(
        dir.path(),
        &[
            "open",
            "--key",
            "a.jwk",
            "--key",
            "b.pem",
            "--kid",
            &b.kid(),
            "--json",
        ],
        input.as_bytes(),
    );
    assert_eq!(code(&o), 1);
    let lines = json_lines(&stdout(&o));
    assert_eq!(lines[0]["error"]["code"], "KEY_NOT_FOUND");
    assert_eq!(lines[1]["plaintext"], "for b");

    // The same key twice: DUPLICATE_KID.
    dir.write("a-again.pem", a.to_pkcs8_pem().as_bytes());
    let o = run(
        dir.path(),
        &["open", "--key", "a.jwk", "--key", "a-again.pem"],
        input.as_bytes(),
    );
    let err = assert_fatal(&o, "DUPLICATE_KID");
    assert!(err.contains(&a.kid()), "{err}");

    // public: one key needs --kid, --jwks prints them all.
    let o = run(
        dir.path(),
        &["public", "--key", "a.jwk", "--key", "b.pem"],
        b"",
    );
    assert_fatal(&o, "INVALID_KEY");
    let o = run(
        dir.path(),
        &[
            "public",
            "--key",
            "a.jwk",
            "--key",
            "b.pem",
            "--kid",
            &b.kid(),
            "--pem",
        ],
        b"",
    );
    assert_ok(&o);
    assert_eq!(
        PublicKey::from_spki_pem(&stdout(&o)).unwrap(),
        *b.public_key()
    );
    let o = run(
        dir.path(),
        &["public", "--key", "a.jwk", "--key", "b.pem", "--jwks"],
        b"",
    );
    assert_ok(&o);
    let set = Jwks::from_json(stdout(&o).trim()).unwrap();
    assert_eq!(set.keys.len(), 2);
    assert_eq!(set.find(&a.kid()).unwrap(), *a.public_key());
    assert_eq!(set.find(&b.kid()).unwrap(), *b.public_key());

    // keyring list of keys without "created": "-".
    let o = run(
        dir.path(),
        &["keyring", "list", "--key", "a.jwk", "--key", "b.pem"],
        b"",
    );
    assert_ok(&o);
    let listed = stdout(&o);
    let rows: Vec<&str> = listed.lines().collect();
    assert_eq!(rows.len(), 2);
    assert!(
        rows[0].starts_with(&format!("{}\t-\t{{", a.kid())),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].starts_with(&format!("{}\t-\t{{", b.kid())),
        "{}",
        rows[1]
    );
    assert!(!stdout(&o).contains(&secret_of(&a)) && !stdout(&o).contains(&secret_of(&b)));
}

/// Each bad keyring is refused with its code, before anything is read from
/// stdin or written; keygen --add-to leaves it unchanged.
#[test]
fn bad_keyrings_are_refused_and_left_unchanged() {
    let dir = TempDir::new("bad");
    let (a, b) = (
        PrivateKey::generate().unwrap(),
        PrivateKey::generate().unwrap(),
    );
    let (ja, jb) = (private_json(&a), private_json(&b));
    let public_b = b.public_key().to_jwk().to_json().to_string();
    // The member with "d" of the wrong length, another key's x/y, etc.
    let mut short_d: Value = serde_json::from_str(&jb).unwrap();
    short_d["d"] = json!("AAAA");
    let mut foreign_xy: Value = serde_json::from_str(&jb).unwrap();
    let va: Value = serde_json::from_str(&ja).unwrap();
    foreign_xy["x"] = va["x"].clone();
    foreign_xy["y"] = va["y"].clone();
    let mut wrong_kid: Value = serde_json::from_str(&jb).unwrap();
    wrong_kid["kid"] = json!(a.kid());
    let mut bad_created: Value = serde_json::from_str(&jb).unwrap();
    bad_created["created"] = json!("yesterday");
    let cases: Vec<(String, &str, &str)> = vec![
        (
            format!("{{\"keys\":[{ja},{short_d}]}}"),
            "INVALID_KEY",
            "keys[1]",
        ),
        (
            format!("{{\"keys\":[{ja},{foreign_xy}]}}"),
            "INVALID_KEY",
            "keys[1]",
        ),
        (
            format!("{{\"keys\":[{wrong_kid}]}}"),
            "INVALID_KEY",
            "keys[0]",
        ),
        (
            format!("{{\"keys\":[{ja},{bad_created}]}}"),
            "INVALID_KEY",
            "keys[1]",
        ),
        (format!("{{\"keys\":[{ja},42]}}"), "INVALID_KEY", "keys[1]"),
        (
            format!("{{\"keys\":[{ja},{jb},{ja}]}}"),
            "DUPLICATE_KID",
            "keys[0] and keys[2]",
        ),
        (
            format!("{{\"keys\":[{public_b}]}}"),
            "NOT_PRIVATE_KEY",
            "keys[0]",
        ),
        (
            format!("{{\"keys\":[{ja},{public_b}]}}"),
            "NOT_PRIVATE_KEY",
            "keys[1]",
        ),
        (public_b.to_string(), "NOT_PRIVATE_KEY", "\"d\""),
        (
            b.public_key().to_spki_pem(),
            "NOT_PRIVATE_KEY",
            "PUBLIC KEY",
        ),
        ("{\"keys\":[]}".into(), "INVALID_KEY", "no key"),
        ("{\"keys\":{}}".into(), "INVALID_KEY", "array"),
        (format!("{{\"keys\":[{ja}"), "INVALID_KEY", "JSON"),
    ];
    let env = format!("{}\n", seal(a.public_key(), b"x", &ctx("f", "a")).unwrap());
    for (i, (text, expected, mention)) in cases.iter().enumerate() {
        let name = format!("ring-{i}.jwks");
        dir.write(&name, text);
        for args in [
            &["open", "--key", &name][..],
            &[
                "open",
                "--key",
                &name,
                "--out-dir",
                "out",
                "--audit",
                "audit.jsonl",
            ][..],
            &["public", "--key", &name, "--jwks"][..],
            &["keyring", "list", "--key", &name][..],
            &["keygen", "--add-to", &name][..],
        ] {
            if *expected == "INVALID_KEY" && *mention == "no key" && args[0] == "keygen" {
                // An empty keyring can be added to.
                continue;
            }
            let o = run(dir.path(), args, env.as_bytes());
            let err = assert_fatal(&o, expected);
            assert!(err.contains(mention), "case {i} {args:?}: {err}");
            assert!(
                err.contains(&name),
                "case {i} {args:?}: names the file: {err}"
            );
            // Never key material.
            for key in [&a, &b] {
                assert!(!err.contains(&secret_of(key)), "case {i}: {err}");
            }
            assert!(!err.contains("AAAA\""), "case {i}: {err}");
            // Nothing half-written: the keyring unchanged, no out dir, no
            // audit log, no temporary file.
            assert_eq!(&dir.read(&name), text, "case {i} {args:?}");
            let left: Vec<String> = dir
                .names(".")
                .into_iter()
                .filter(|n| !n.starts_with("ring-"))
                .collect();
            assert!(left.is_empty(), "case {i} {args:?}: {left:?}");
        }
    }
}

#[test]
fn key_file_readable_by_others_warns_and_strict_refuses() {
    let dir = TempDir::new("perms");
    let key = PrivateKey::generate().unwrap();
    let env = format!(
        "{}\n",
        seal(key.public_key(), b"ok", &ctx("f", "a")).unwrap()
    );
    for mode in [0o644, 0o640, 0o604] {
        dir.write_mode("k.jwk", private_json(&key), mode);
        let o = run(dir.path(), &["open", "--key", "k.jwk"], env.as_bytes());
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert_eq!(stdout(&o), "ok\n");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("slice-seal: warning: KEY_FILE_PERMISSIONS: key file k.jwk "),
            "{err}"
        );
        assert!(err.contains(&format!("{mode:04o}")), "{err}");
        for args in [
            &["open", "--key", "k.jwk", "--strict"][..],
            &["public", "--key", "k.jwk", "--strict"][..],
            &["keyring", "list", "--key", "k.jwk", "--strict"][..],
        ] {
            assert_fatal(
                &run(dir.path(), args, env.as_bytes()),
                "KEY_FILE_PERMISSIONS",
            );
        }
        let before = dir.read("k.jwk");
        assert_fatal(
            &run(
                dir.path(),
                &["keygen", "--add-to", "k.jwk", "--strict"],
                b"",
            ),
            "KEY_FILE_PERMISSIONS",
        );
        assert_eq!(dir.read("k.jwk"), before);
    }
    // 0600 and 0400: no warning, --strict is content.
    for mode in [0o600, 0o400] {
        dir.write_mode("k.jwk", private_json(&key), mode);
        let o = run(
            dir.path(),
            &["open", "--key", "k.jwk", "--strict"],
            env.as_bytes(),
        );
        assert_ok(&o);
        assert_eq!(stdout(&o), "ok\n");
    }
    // A public key file may be world-readable: no warning for seal --to.
    dir.write_mode("p.jwk", key.public_key().to_jwk().to_json(), 0o644);
    let o = run(
        dir.path(),
        &["seal", "--to", "p.jwk", "--form", "f", "--field", "a"],
        b"x",
    );
    assert_ok(&o);
    // keygen --add-to rewrites a loose keyring (with the warning) as 0600.
    dir.write_mode(
        "loose.jwks",
        format!("{{\"keys\":[{}]}}", private_json(&key)),
        0o644,
    );
    let o = run(dir.path(), &["keygen", "--add-to", "loose.jwks"], b"");
    assert_eq!(code(&o), 0);
    assert!(stderr(&o).starts_with("slice-seal: warning: KEY_FILE_PERMISSIONS: "));
    assert_eq!(
        fs::metadata(dir.file("loose.jwks")).unwrap().mode() & 0o777,
        0o600
    );
}

#[test]
fn keygen_add_to_creates_appends_and_keeps_every_key() {
    let dir = TempDir::new("addto");
    let mut kids = Vec::new();
    let mut secrets = Vec::new();
    for n in 1..=3 {
        let o = run(dir.path(), &["keygen", "--add-to", "ring.jwks"], b"");
        assert_ok(&o);
        let public = PublicKey::from_jwk_json(stdout(&o).trim()).unwrap();
        assert!(!stdout(&o).contains("\"d\""));
        kids.push(public.kid());
        let text = dir.read("ring.jwks");
        assert!(text.ends_with("]}\n"));
        let v: Value = serde_json::from_str(&text).unwrap();
        let members = v["keys"].as_array().unwrap();
        assert_eq!(members.len(), n);
        // Earlier keys are kept exactly (same secret), in order.
        for (i, s) in secrets.iter().enumerate() {
            assert_eq!(&members[i]["d"], s);
        }
        secrets.push(members[n - 1]["d"].clone());
        for (m, kid) in members.iter().zip(&kids) {
            assert_eq!(&m["kid"], kid);
            assert!(is_utc_time(m["created"].as_str().unwrap()), "{m}");
        }
        assert_eq!(dir.names("."), ["ring.jwks"]);
    }
    // --add-to with --out or --force: a usage error, nothing written.
    for extra in [&["--out", "x.jwk"][..], &["--force"][..]] {
        let mut args = vec!["keygen", "--add-to", "ring.jwks"];
        args.extend_from_slice(extra);
        assert_fatal(&run(dir.path(), &args, b""), "USAGE");
    }
    // Into a directory that does not exist: IO_ERROR, nothing created.
    assert_fatal(
        &run(dir.path(), &["keygen", "--add-to", "nope/ring.jwks"], b""),
        "IO_ERROR",
    );
    assert_eq!(dir.names("."), ["ring.jwks"]);
}

/// Writers of one keyring exclude each other (a lock file beside it): no
/// key whose public half was printed is ever lost by a concurrent update.
#[test]
fn concurrent_keygen_add_to_loses_no_key() {
    let dir = TempDir::new("concurrent");
    let children: Vec<_> = (0..6)
        .map(|_| {
            Command::new(BIN)
                .args(["keygen", "--add-to", "ring.jwks"])
                .current_dir(dir.path())
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut printed = Vec::new();
    for child in children {
        let o = child.wait_with_output().unwrap();
        match code(&o) {
            0 => printed.push(PublicKey::from_jwk_json(stdout(&o).trim()).unwrap().kid()),
            2 => {
                let err = stderr(&o);
                assert!(
                    err.starts_with("slice-seal: FILE_EXISTS: ")
                        || err.starts_with("slice-seal: IO_ERROR: "),
                    "{err}"
                );
            }
            other => panic!("status {other}: {}", stderr(&o)),
        }
    }
    assert!(!printed.is_empty());
    let ring = slice_seal::Keyring::parse(&dir.read("ring.jwks")).unwrap();
    let mut in_ring: Vec<String> = ring.iter().map(|(k, _)| k.kid()).collect();
    in_ring.sort();
    printed.sort();
    assert_eq!(
        in_ring, printed,
        "every key printed is in the keyring, and only those"
    );
    assert_eq!(
        dir.names("."),
        ["ring.jwks"],
        "no lock or temporary file left"
    );

    // A lock left by another writer: refused, nothing changed, the lock kept.
    let before = dir.read("ring.jwks");
    dir.write(".ring.jwks.lock", "");
    for args in [
        &["keygen", "--add-to", "ring.jwks"][..],
        &[
            "keyring",
            "remove",
            "--key",
            "ring.jwks",
            "--kid",
            &printed[0],
        ][..],
    ] {
        let err = assert_fatal(&run(dir.path(), args, b""), "FILE_EXISTS");
        assert!(err.contains(".ring.jwks.lock"), "{err}");
        assert_eq!(dir.read("ring.jwks"), before);
        assert_eq!(dir.names("."), [".ring.jwks.lock", "ring.jwks"]);
    }
}

/// Plain output: line N of stdout is input line N; a plaintext that would
/// break that (line break, control character, not UTF-8) is refused with a
/// code pointing to --json, --out-dir and --raw.
#[test]
fn plain_output_keeps_one_line_per_input_line() {
    let dir = TempDir::new("plain");
    let key = PrivateKey::generate().unwrap();
    dir.write("k.jwk", private_json(&key));
    let c = ctx("f", "a");
    let s = |pt: &[u8]| seal(key.public_key(), pt, &c).unwrap();
    let unsafe_ones: [&[u8]; 7] = [
        b"two\nlines",
        b"carriage\rreturn",
        b"tab\there",
        b"nul\0",
        "line\u{2028}separator".as_bytes(),
        b"\x1b[31mred",
        b"\xff\xfe not utf-8",
    ];
    let mut input = format!("{}\n", s(b"first"));
    for pt in unsafe_ones {
        input.push_str(&s(pt));
        input.push('\n');
    }
    input.push_str("not an envelope\n\n");
    input.push_str(&s("last ✓".as_bytes()));
    input.push('\n');
    let o = run(dir.path(), &["open", "--key", "k.jwk"], input.as_bytes());
    assert_eq!(code(&o), 1);
    // 11 input lines, 11 output lines.
    assert_eq!(stdout(&o), format!("first\n{}last ✓\n", "\n".repeat(9)));
    let err = stderr(&o);
    let err_lines: Vec<&str> = err.lines().collect();
    assert_eq!(err_lines.len(), 8, "{err}");
    for (i, l) in err_lines[..7].iter().enumerate() {
        assert!(
            l.starts_with(&format!("line {}: UNSAFE_PLAINTEXT: ", i + 2)),
            "{l}"
        );
        assert!(
            l.contains("--json") && l.contains("--out-dir") && l.contains("--raw"),
            "{l}"
        );
    }
    assert!(err_lines[7].starts_with("line 9: MALFORMED_ENVELOPE: "));
    // No plaintext leaks into the reports.
    assert!(
        !err.contains("lines") && !err.contains("separator"),
        "{err}"
    );

    // --raw: every plaintext as it is (the lines no longer match).
    let o = run(
        dir.path(),
        &["open", "--key", "k.jwk", "--raw"],
        input.as_bytes(),
    );
    assert_eq!(code(&o), 1);
    let mut want = b"first\n".to_vec();
    for pt in unsafe_ones {
        want.extend_from_slice(pt);
        want.push(b'\n');
    }
    want.extend_from_slice("\n\nlast ✓\n".as_bytes());
    assert_eq!(o.stdout, want);
    // --json: every one, unambiguously.
    let o = run(
        dir.path(),
        &["open", "--key", "k.jwk", "--json"],
        input.as_bytes(),
    );
    assert_eq!(code(&o), 1);
    let lines = json_lines(&stdout(&o));
    assert_eq!(lines.len(), 10);
    assert_eq!(lines[1]["plaintext"], "two\nlines");
    assert!(lines[7].get("plaintext_b64").is_some());
    assert_eq!(lines[8]["line"], 9);
    assert_eq!(lines[9]["line"], 11);
    // --raw does not combine with --json or --out-dir.
    for other in [&["--json"][..], &["--out-dir", "o"][..]] {
        let mut args = vec!["open", "--key", "k.jwk", "--raw"];
        args.extend_from_slice(other);
        assert_fatal(&run(dir.path(), &args, input.as_bytes()), "USAGE");
    }
}

#[test]
fn out_dir_writes_one_complete_file_per_slice() {
    let dir = TempDir::new("outdir");
    let key = PrivateKey::generate().unwrap();
    let stranger = PrivateKey::generate().unwrap();
    dir.write("k.jwk", private_json(&key));
    let c = ctx("f", "a");
    let binary: Vec<u8> = (0..=255u8).collect();
    let input = format!(
        "{}\n\n{}\ngarbage\n{}\n{}\n",
        seal(key.public_key(), b"one\ntwo", &c).unwrap(),
        seal(key.public_key(), &binary, &c).unwrap(),
        seal(stranger.public_key(), b"not ours", &c).unwrap(),
        seal(key.public_key(), b"", &c).unwrap(),
    );
    let o = run(
        dir.path(),
        &["open", "--key", "k.jwk", "--out-dir", "out"],
        input.as_bytes(),
    );
    assert_eq!(code(&o), 1);
    assert!(o.stdout.is_empty());
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(err.starts_with("line 4: MALFORMED_ENVELOPE: "), "{err}");
    assert!(err.contains("\nline 5: KEY_NOT_FOUND: "), "{err}");
    // Files named by input line number; failed and blank lines have none;
    // no temporary file is left.
    assert_eq!(dir.names("out"), ["000001.bin", "000003.bin", "000006.bin"]);
    assert_eq!(fs::read(dir.file("out/000001.bin")).unwrap(), b"one\ntwo");
    assert_eq!(fs::read(dir.file("out/000003.bin")).unwrap(), binary);
    assert_eq!(fs::read(dir.file("out/000006.bin")).unwrap(), b"");
    for f in dir.names("out") {
        let m = fs::metadata(dir.file("out").join(f)).unwrap().mode();
        assert_eq!(m & 0o777, 0o600);
    }
    assert_eq!(fs::metadata(dir.file("out")).unwrap().mode() & 0o777, 0o700);

    // A directory that is not empty is refused before anything is opened
    // (an older NNNNNN.bin would look like this run's).
    let o = run(
        dir.path(),
        &["open", "--key", "k.jwk", "--out-dir", "out"],
        input.as_bytes(),
    );
    assert_fatal(&o, "FILE_EXISTS");
    assert_eq!(dir.names("out").len(), 3);
    // ... and before the audit log is created.
    let o = run(
        dir.path(),
        &[
            "open",
            "--key",
            "k.jwk",
            "--out-dir",
            "out",
            "--audit",
            "a.jsonl",
        ],
        input.as_bytes(),
    );
    assert_fatal(&o, "FILE_EXISTS");
    assert!(!dir.file("a.jsonl").exists());

    // An existing empty directory is fine; with --json, stdout names the files.
    fs::create_dir(dir.file("out2")).unwrap();
    let o = run(
        dir.path(),
        &["open", "--key", "k.jwk", "--out-dir", "out2", "--json"],
        input.as_bytes(),
    );
    assert_eq!(code(&o), 1);
    assert!(o.stderr.is_empty());
    let lines = json_lines(&stdout(&o));
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["file"], "000001.bin");
    assert_eq!(lines[0]["kid"], key.kid());
    assert!(lines[0].get("plaintext").is_none());
    assert_eq!(lines[2]["error"]["code"], "MALFORMED_ENVELOPE");
    assert_eq!(lines[3]["error"]["code"], "KEY_NOT_FOUND");
    assert_eq!(lines[4]["file"], "000006.bin");
    assert_eq!(dir.names("out2"), dir.names("out"));

    // A place where the directory cannot be made: IO_ERROR before opening.
    dir.write("plainfile", "x");
    let o = run(
        dir.path(),
        &["open", "--key", "k.jwk", "--out-dir", "plainfile/sub"],
        input.as_bytes(),
    );
    assert_eq!(code(&o), 2);
    assert!(o.stdout.is_empty());
}

#[test]
fn audit_log_records_every_envelope_and_never_a_plaintext() {
    let dir = TempDir::new("audit");
    let key = PrivateKey::generate().unwrap();
    let stranger = PrivateKey::generate().unwrap();
    dir.write("k.jwk", private_json(&key));
    let c = Context::new("vetting-step-1", "full-name")
        .unwrap()
        .with_submission("s-1")
        .unwrap();
    let ok = seal(key.public_key(), b"Ada Lovelace secret", &c).unwrap();
    let unsafe_pt = seal(key.public_key(), b"multi\nline secret", &c).unwrap();
    let foreign = seal(stranger.public_key(), b"foreign secret", &c).unwrap();
    let input = format!("{ok}\n\n  {unsafe_pt}  \n{foreign}\nnot an envelope\n");
    let o = run(
        dir.path(),
        &["open", "--key", "k.jwk", "--audit", "audit.jsonl"],
        input.as_bytes(),
    );
    assert_eq!(code(&o), 1);
    assert_eq!(stdout(&o), "Ada Lovelace secret\n\n\n\n\n");
    let log = dir.read("audit.jsonl");
    assert_eq!(
        fs::metadata(dir.file("audit.jsonl")).unwrap().mode() & 0o777,
        0o600
    );
    let entries = json_lines(&log);
    assert_eq!(entries.len(), 4, "{log}");
    let want = [
        (1, &ok, Some(key.kid()), "OK"),
        (3, &unsafe_pt, Some(key.kid()), "UNSAFE_PLAINTEXT"),
        (4, &foreign, Some(stranger.kid()), "KEY_NOT_FOUND"),
    ];
    for (e, (line, env, kid, result)) in entries.iter().zip(&want) {
        assert_eq!(e["line"], *line);
        assert_eq!(e["kid"], json!(kid));
        assert_eq!(e["form"], "vetting-step-1");
        assert_eq!(e["field"], "full-name");
        assert_eq!(e["submission"], "s-1");
        assert_eq!(e["result"], *result);
        assert_eq!(e["sha256"], sha256_hex(env), "the hash of the trimmed line");
        assert!(is_utc_time(e["time"].as_str().unwrap()), "{e}");
        let mut names: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "field",
                "form",
                "kid",
                "line",
                "result",
                "sha256",
                "submission",
                "time"
            ]
        );
    }
    assert_eq!(entries[3]["line"], 5);
    assert_eq!(entries[3]["result"], "MALFORMED_ENVELOPE");
    assert_eq!(entries[3]["kid"], Value::Null);
    assert_eq!(entries[3]["sha256"], sha256_hex("not an envelope"));
    assert!(!log.contains("secret") && !log.contains("Ada"), "{log}");

    // Appended, not replaced; with --json and --out-dir too.
    let o = run(
        dir.path(),
        &["open", "--key", "k.jwk", "--audit", "audit.jsonl", "--json"],
        format!("{ok}\n").as_bytes(),
    );
    assert_eq!(code(&o), 0);
    let o = run(
        dir.path(),
        &[
            "open",
            "--key",
            "k.jwk",
            "--audit",
            "audit.jsonl",
            "--out-dir",
            "out",
        ],
        format!("{unsafe_pt}\n").as_bytes(),
    );
    assert_eq!(code(&o), 0);
    let entries = json_lines(&dir.read("audit.jsonl"));
    assert_eq!(entries.len(), 6);
    assert_eq!(entries[4]["result"], "OK");
    assert_eq!(entries[5]["result"], "OK", "--out-dir writes any plaintext");
    assert!(!dir.read("audit.jsonl").contains("secret"));

    // An audit log that cannot be opened: status 2 before anything is opened.
    fs::create_dir(dir.file("a-dir")).unwrap();
    let o = run(
        dir.path(),
        &["open", "--key", "k.jwk", "--audit", "a-dir"],
        input.as_bytes(),
    );
    assert_fatal(&o, "IO_ERROR");
}

/// Every argument parsing error is one `slice-seal: USAGE: ...` line with
/// status 2; --help and --version still print normally with status 0.
/// The audit log is on disk before any plaintext leaves the process: traced
/// with strace (installed by .ci/setup), the audit file's fdatasync/fsync
/// comes after its write and before the first write to stdout.
#[test]
fn audit_log_is_synced_before_any_plaintext_is_written() {
    let dir = TempDir::new("audit-sync");
    let key = PrivateKey::generate().unwrap();
    dir.write("k.jwk", private_json(&key));
    let c = ctx("f", "x");
    let input = format!(
        "{}\n{}\n",
        seal(key.public_key(), b"first", &c).unwrap(),
        seal(key.public_key(), b"second", &c).unwrap()
    );
    let trace = dir.file("trace.log");
    let args = [
        "-f",
        "-e",
        "trace=openat,write,fdatasync,fsync",
        "-o",
        trace.to_str().unwrap(),
        BIN,
        "open",
        "--key",
        "k.jwk",
        "--audit",
        "audit.jsonl",
    ];
    let o = process::run_program("strace", &args, dir.path(), input.as_bytes());
    assert_eq!(code(&o), 0, "stderr: {}", stderr(&o));
    assert_eq!(stdout(&o), "first\nsecond\n");
    let log = fs::read_to_string(&trace).unwrap();
    let calls: Vec<&str> = log
        .lines()
        .map(|l| l.split_once(' ').map_or(l, |(_, call)| call.trim_start()))
        .collect();
    let fd = calls
        .iter()
        .find(|c| c.starts_with("openat(") && c.contains("\"audit.jsonl\""))
        .and_then(|c| c.rsplit_once("= "))
        .map(|(_, fd)| fd.trim().to_owned())
        .expect("the audit file is opened");
    let at = |pred: &dyn Fn(&str) -> bool| calls.iter().position(|c| pred(c));
    let written = at(&|c| c.starts_with(&format!("write({fd}, "))).expect("audit written");
    let synced = at(&|c| {
        c.starts_with(&format!("fdatasync({fd})")) || c.starts_with(&format!("fsync({fd})"))
    })
    .expect("audit synced");
    let plaintext = at(&|c| c.starts_with("write(1, ")).expect("plaintext written");
    assert!(
        written < synced && synced < plaintext,
        "order: audit write {written}, sync {synced}, stdout write {plaintext}\n{log}"
    );
}

#[test]
fn usage_errors_are_one_coded_line() {
    let dir = TempDir::new("usage");
    let not_utf8 = OsStr::from_bytes(b"f\xff");
    let cases: Vec<Vec<&OsStr>> = vec![
        ["open", "--key", "k.jwk", "--form"]
            .iter()
            .map(OsStr::new)
            .chain([not_utf8, OsStr::new("--field"), OsStr::new("a")])
            .collect(),
        vec![OsStr::new("frobnicate")],
        vec![],
        vec![OsStr::new("keyring")],
        vec![OsStr::new("open")],
        ["seal", "--form", "f"].iter().map(OsStr::new).collect(),
        ["open", "--key", "k", "--form", "f"]
            .iter()
            .map(OsStr::new)
            .collect(),
        ["open", "--key", "k", "--bogus\nflag"]
            .iter()
            .map(OsStr::new)
            .collect(),
        ["public", "--key", "k", "--jwks", "--pem"]
            .iter()
            .map(OsStr::new)
            .collect(),
    ];
    for args in &cases {
        let o = run(dir.path(), args, b"");
        let err = assert_fatal(&o, "USAGE");
        assert!(err.contains("--help"), "{args:?}: {err}");
    }
    for args in [
        &["--help"][..],
        &["--version"][..],
        &["open", "--help"][..],
        &["keyring", "--help"][..],
        &["keyring", "list", "--help"][..],
        &["keygen", "-h"][..],
    ] {
        let o = run(dir.path(), args, b"");
        assert_ok(&o);
        assert!(o.stdout.len() > 10, "{args:?}");
    }
    let o = run(dir.path(), &["open", "--help"], b"");
    for word in [
        "--audit",
        "--out-dir",
        "--raw",
        "--strict",
        "UNSAFE_PLAINTEXT",
    ] {
        assert!(stdout(&o).contains(word), "{word}");
    }
}
