//! README.md's Rust and command-line examples, run as they are printed: the
//! README's `rust` block must be the code of `rust_example` below, and its
//! `sh` block under "Command line" is run with the built `slice-seal`.
#![cfg(all(unix, not(target_arch = "wasm32")))]

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Command;

#[path = "../../tests/common/process.rs"]
mod process;
use process::{BIN, TempDir, stderr, stdout};

const README: &str = include_str!("../../README.md");

/// The fenced blocks of `lang` in the README section under `## heading`.
fn blocks(heading: &str, lang: &str) -> Vec<String> {
    let start = README
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("README.md has no \"## {heading}\" section"));
    let section = &README[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let fence = format!("\n```{lang}\n");
    let mut found = Vec::new();
    let mut rest = section;
    while let Some(i) = rest.find(&fence) {
        let body = &rest[i + fence.len()..];
        let end = body.find("\n```\n").expect("an unclosed code block") + 1;
        found.push(body[..end].to_owned());
        rest = &body[end..];
    }
    found
}

#[test]
fn rust_example() -> Result<(), slice_seal::Error> {
    // README begin
    use slice_seal::{Context, PrivateKey, PublicKey, open, seal};

    let key = PrivateKey::generate()?; // high side, once
    let published = key.public_key().to_jwk().to_json(); // public JWK with its kid
    let recipient = PublicKey::from_jwk_json(&published)?; // low side
    let ctx = Context::new("vetting-step-1", "full-name")?.with_submission("s-1")?;
    let envelope = seal(&recipient, b"Ada Lovelace", &ctx)?; // "ss1.…"
    let opened = open(&key, &envelope, Some(&ctx))?; // high side
    assert_eq!(opened.plaintext, b"Ada Lovelace");
    // README end
    Ok(())
}

#[test]
fn readme_rust_block_is_rust_example() {
    let me = include_str!("readme.rs");
    let begin = me.find("    // README begin\n").unwrap() + "    // README begin\n".len();
    let end = me.find("    // README end\n").unwrap();
    let code: String = me[begin..end]
        .lines()
        .map(|l| format!("{}\n", l.strip_prefix("    ").unwrap_or(l)))
        .collect();
    assert_eq!(blocks("Rust", "rust"), [code]);
}

#[test]
fn readme_cli_example_runs() {
    let [script] = &blocks("Command line", "sh")[..] else {
        panic!("README.md \"Command line\" should hold one sh block");
    };
    let dir = TempDir::new("readme");
    // The document the example seals as a file: a few chunks' worth of bytes.
    let scan: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(dir.file("scan.pdf"), &scan).unwrap();
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c", script])
        .current_dir(dir.path())
        .env("PATH", path)
        .output()
        .expect("bash");
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "Ada Lovelace\n", "stderr: {}", stderr(&out));
    assert_eq!(
        std::fs::metadata(dir.file("high-side.jwk")).unwrap().mode() & 0o777,
        0o600
    );
    assert!(dir.read("envelopes.txt").starts_with("ss1."));
    let sealed = std::fs::read(dir.file("scan.ssf")).unwrap();
    assert!(
        sealed.starts_with(b"ssf1")
            && !sealed
                .windows(64)
                .any(|w| scan.windows(64).next() == Some(w))
    );
    assert_eq!(std::fs::read(dir.file("opened.pdf")).unwrap(), scan);
}
