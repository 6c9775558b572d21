//! The CLI with the hybrid suite (docs/FORMAT.md §11, docs/CLI.md):
//! `keygen --suite`, `public`, `seal` and `open` following the key and the
//! envelope, pinning, and the errors of mixing suites.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../../tests/common/process.rs"]
mod process;
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
    // Never overwritten without --force; no keyrings of hybrid keys yet.
    let again = run_cli(
        d,
        &["keygen", "--suite", "mlkem768-x25519", "--out", "pq.jwk"],
        b"",
    );
    assert_eq!(code(&again), 2);
    assert!(stderr(&again).contains("FILE_EXISTS"), "{}", stderr(&again));
    let ring = run_cli(
        d,
        &[
            "keygen",
            "--suite",
            "mlkem768-x25519",
            "--add-to",
            "ring.jwks",
        ],
        b"",
    );
    assert_eq!(code(&ring), 2);
    assert!(
        stderr(&ring).starts_with("slice-seal: USAGE: "),
        "{}",
        stderr(&ring)
    );
    assert!(!dir.file("ring.jwks").exists());

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
