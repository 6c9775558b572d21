//! The CLI with the hybrid suite (docs/FORMAT.md §11, docs/CLI.md):
//! `keygen --suite`, `public`, `seal` and `open` following the key and the
//! envelope, pinning, and the errors of mixing suites; keyrings and JWKS
//! that mix both suites (keygen --add-to, keyring list/remove, public
//! --jwks, seal --kid, open, seal-file, open-file).
#![cfg(not(target_arch = "wasm32"))]

#[path = "../../tests/common/process.rs"]
mod process;
use base64ct::{Base64UrlUnpadded, Encoding};
use process::{TempDir, code, run_cli, stderr, stdout};
use serde_json::Value;

fn json(text: &str) -> Value {
    serde_json::from_str(text.trim()).unwrap()
}

#[test]
fn keygen_suite_seal_open_and_mismatches() {
    let dir = TempDir::new("cli-hybrid");
    let d = dir.path();

    // Default suite: P-256, as before.
    let out = run_cli(d, &["keygen", "--out", "p256.jwk"], b"");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&stdout(&out))["kty"], "EC");

    let out = run_cli(
        d,
        &["keygen", "--suite", "mlkem768-x25519", "--out", "pq.jwk"],
        b"",
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let public = json(&stdout(&out));
    assert_eq!(
        (&public["kty"], &public["alg"]),
        (&"AKP".into(), &"MLKEM768-X25519".into())
    );
    assert!(public.get("priv").is_none());
    let kid = public["kid"].as_str().unwrap().to_owned();
    dir.write("pq.pub.jwk", stdout(&out));
    let private = json(&dir.read("pq.jwk"));
    assert_eq!(private["kid"], public["kid"]);
    assert!(private["priv"].is_string());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.file("pq.jwk"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Never overwritten without --force.
    let again = run_cli(
        d,
        &["keygen", "--suite", "mlkem768-x25519", "--out", "pq.jwk"],
        b"",
    );
    assert_eq!(code(&again), 2);
    assert!(stderr(&again).contains("FILE_EXISTS"), "{}", stderr(&again));

    // `public` prints the public JWK of the private one.
    let out = run_cli(d, &["public", "--key", "pq.jwk"], b"");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&stdout(&out)), public);
    let out = run_cli(d, &["public", "--key", "pq.jwk", "--pem"], b"");
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("INVALID_ARGS"), "{}", stderr(&out));

    // Seal to the hybrid public key (pinned), open with the hybrid key.
    let seal = |to: &str, kid: Option<&str>, pt: &[u8]| {
        let mut args = vec!["seal", "--to", to, "--form", "f", "--field", "a"];
        if let Some(k) = kid {
            args.extend_from_slice(&["--kid", k]);
        }
        run_cli(d, &args, pt)
    };
    let out = seal("pq.pub.jwk", Some(&kid), b"post-quantum");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let hybrid_env = stdout(&out);
    assert!(hybrid_env.starts_with("ss1.ZHoAAQAC"), "{hybrid_env}");
    let out = run_cli(
        d,
        &[
            "open", "--key", "pq.jwk", "--kid", &kid, "--form", "f", "--field", "a",
        ],
        hybrid_env.as_bytes(),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "post-quantum\n");

    // Pinning to another kid: KID_MISMATCH, sealing and opening.
    let wrong = "A".repeat(43);
    let out = seal("pq.pub.jwk", Some(&wrong), b"x");
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("KID_MISMATCH"), "{}", stderr(&out));
    let out = run_cli(
        d,
        &["open", "--key", "pq.jwk", "--kid", &wrong],
        hybrid_env.as_bytes(),
    );
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("KID_MISMATCH"), "{}", stderr(&out));

    // The other suite's envelope: SUITE_MISMATCH, both ways.
    let p256_pub = stdout(&run_cli(d, &["public", "--key", "p256.jwk"], b""));
    dir.write("p256.pub.jwk", p256_pub);
    let p256_env = stdout(&seal("p256.pub.jwk", None, b"classic"));
    let out = run_cli(d, &["open", "--key", "pq.jwk"], p256_env.as_bytes());
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("line 1: SUITE_MISMATCH"),
        "{}",
        stderr(&out)
    );
    let out = run_cli(d, &["open", "--key", "p256.jwk"], hybrid_env.as_bytes());
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("line 1: SUITE_MISMATCH"),
        "{}",
        stderr(&out)
    );
    // Each key still opens its own.
    let out = run_cli(d, &["open", "--key", "p256.jwk"], p256_env.as_bytes());
    assert_eq!(stdout(&out), "classic\n");

    // The binary form (`open --binary`: one body on stdin) of a hybrid
    // envelope opens with its key; the P-256 key says SUITE_MISMATCH.
    let hybrid_body = Base64UrlUnpadded::decode_vec(&hybrid_env.trim()[4..]).unwrap();
    let out = run_cli(d, &["open", "--binary", "--key", "pq.jwk"], &hybrid_body);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "post-quantum\n");
    let out = run_cli(d, &["open", "--binary", "--key", "p256.jwk"], &hybrid_body);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("SUITE_MISMATCH"), "{}", stderr(&out));

    // A hybrid private JWK with a seed of the wrong length: INVALID_KEY.
    let mut bad = private.clone();
    bad["priv"] = "AAAA".into();
    bad.as_object_mut().unwrap().remove("pub");
    bad.as_object_mut().unwrap().remove("kid");
    dir.write("bad.jwk", bad.to_string());
    let out = run_cli(d, &["open", "--key", "bad.jwk"], hybrid_env.as_bytes());
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("INVALID_KEY"), "{}", stderr(&out));
}

/// A key rotation from P-256 to the hybrid suite, through every command
/// that takes keys: `keygen --suite mlkem768-x25519 --add-to` a P-256
/// keyring, `keyring list`, `public --jwks` (both suites), `seal --kid` from
/// that set, `open` of both suites' envelopes in one batch, `seal-file` /
/// `open-file` with the hybrid key, `keyring remove`, and the `--help` line.
#[test]
fn mixed_keyrings_through_every_command() {
    let dir = TempDir::new("cli-hybrid-ring");
    let d = dir.path();
    let ok = |args: &[&str], input: &[u8]| {
        let out = run_cli(d, args, input);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        stdout(&out)
    };
    let p256 = json(&ok(&["keygen", "--add-to", "ring.jwks"], b""));
    let pq = json(&ok(
        &[
            "keygen",
            "--suite",
            "mlkem768-x25519",
            "--add-to",
            "ring.jwks",
        ],
        b"",
    ));
    assert_eq!((&p256["kty"], &pq["kty"]), (&"EC".into(), &"AKP".into()));
    let (p_kid, h_kid) = (
        p256["kid"].as_str().unwrap().to_owned(),
        pq["kid"].as_str().unwrap().to_owned(),
    );
    let ring = json(&dir.read("ring.jwks"));
    assert_eq!(ring["keys"][1]["kty"], "AKP");
    assert!(ring["keys"][1]["priv"].is_string());
    assert!(ring["keys"][1]["created"].is_string());

    // keyring list: both, no private material.
    let listed = ok(&["keyring", "list", "--key", "ring.jwks"], b"");
    let rows: Vec<Vec<&str>> = listed.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 2, "{listed}");
    assert_eq!((rows[0][0], rows[1][0]), (p_kid.as_str(), h_kid.as_str()));
    assert_eq!(json(rows[1][2]), pq);
    assert!(!listed.contains("\"priv\"") && !listed.contains("\"d\""));

    // public --jwks: both suites; without --kid, JWK output needs one key.
    let jwks = ok(&["public", "--key", "ring.jwks", "--jwks"], b"");
    assert_eq!(json(&jwks)["keys"].as_array().unwrap().len(), 2);
    assert!(!jwks.contains("\"priv\""));
    dir.write("published.jwks", &jwks);
    assert_eq!(
        json(&ok(&["public", "--key", "ring.jwks", "--kid", &h_kid], b"")),
        pq
    );
    let out = run_cli(
        d,
        &["public", "--key", "ring.jwks", "--kid", &h_kid, "--pem"],
        b"",
    );
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("INVALID_ARGS"), "{}", stderr(&out));

    // seal from the published set by kid: the suite follows the key.
    let seal = |kid: &str, pt: &[u8]| {
        ok(
            &[
                "seal",
                "--to",
                "published.jwks",
                "--kid",
                kid,
                "--form",
                "f",
                "--field",
                "a",
            ],
            pt,
        )
    };
    let h_env = seal(&h_kid, b"pq");
    let p_env = seal(&p_kid, b"classic");
    assert!(h_env.starts_with("ss1.ZHoAAQAC"), "{h_env}");
    assert!(p_env.starts_with("ss1.ABAAAQAC"), "{p_env}");
    let out = run_cli(
        d,
        &[
            "seal",
            "--to",
            "published.jwks",
            "--form",
            "f",
            "--field",
            "a",
        ],
        b"x",
    );
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("INVALID_KEY"), "{}", stderr(&out));

    // open: one batch, both suites, with the keyring.
    let batch = format!("{h_env}{p_env}");
    assert_eq!(
        ok(&["open", "--key", "ring.jwks"], batch.as_bytes()),
        "pq\nclassic\n"
    );
    // --kid keeps one key: the other suite's envelope is then SUITE_MISMATCH.
    let out = run_cli(
        d,
        &["open", "--key", "ring.jwks", "--kid", &h_kid],
        batch.as_bytes(),
    );
    assert_eq!(code(&out), 1);
    assert_eq!(stdout(&out), "pq\n\n");
    assert!(
        stderr(&out).contains("line 2: SUITE_MISMATCH"),
        "{}",
        stderr(&out)
    );

    // seal-file to the hybrid key, open-file with the keyring.
    let data: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
    dir.write("doc.bin", &data);
    ok(
        &[
            "seal-file",
            "--to",
            "published.jwks",
            "--kid",
            &h_kid,
            "--form",
            "f",
            "--field",
            "upload",
            "--chunk-size",
            "1024",
            "-o",
            "doc.ssf",
            "doc.bin",
        ],
        b"",
    );
    let sealed = std::fs::read(dir.file("doc.ssf")).unwrap();
    let header_len = usize::from(u16::from_be_bytes([sealed[4], sealed[5]]));
    assert!(
        std::str::from_utf8(&sealed[6..6 + header_len])
            .unwrap()
            .starts_with("ss1.ZHoAAQAC")
    );
    ok(
        &[
            "open-file",
            "--key",
            "ring.jwks",
            "--form",
            "f",
            "--field",
            "upload",
            "-o",
            "doc.out",
            "doc.ssf",
        ],
        b"",
    );
    assert_eq!(std::fs::read(dir.file("doc.out")).unwrap(), data);
    // The P-256 key alone: SUITE_MISMATCH for the hybrid file.
    let ring_p = run_cli(d, &["keygen", "--out", "p.jwk"], b"");
    assert_eq!(code(&ring_p), 0);
    let out = run_cli(
        d,
        &["open-file", "--key", "p.jwk", "-o", "x.out", "doc.ssf"],
        b"",
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("SUITE_MISMATCH"), "{}", stderr(&out));
    assert!(!dir.file("x.out").exists());

    // Retire the P-256 key: the hybrid key alone is left; P-256 envelopes
    // are then SUITE_MISMATCH (no key of their suite).
    ok(
        &["keyring", "remove", "--key", "ring.jwks", "--kid", &p_kid],
        b"",
    );
    let left = json(&dir.read("ring.jwks"));
    assert_eq!(left["keys"].as_array().unwrap().len(), 1);
    assert_eq!(left["keys"][0]["kid"], h_kid.as_str());
    let out = run_cli(d, &["open", "--key", "ring.jwks"], batch.as_bytes());
    assert_eq!(code(&out), 1);
    assert_eq!(stdout(&out), "pq\n\n");
    assert!(
        stderr(&out).contains("line 2: SUITE_MISMATCH"),
        "{}",
        stderr(&out)
    );

    // The suite is in the help.
    let help = ok(&["keygen", "--help"], b"");
    assert!(help.contains("mlkem768-x25519"), "{help}");
}
