//! 100 MiB through `seal-file` and `open-file` (to a file and to stdout) in
//! bounded memory: the peak RSS of each run (GNU time's %M) stays under
//! 32 MiB, a third of the file, so neither side holds it whole.
//!
//! Release only (debug AES-GCM takes about a minute per 100 MiB here): run
//! by tests/run-hardening.sh as `cargo test --release -p slice-seal-cli --test file_large`;
//! excluded from `cargo test --all-targets` (Cargo.toml `test = false`).
#![cfg(all(unix, not(target_arch = "wasm32")))]

use std::fs;
use std::io::Write;
use std::process::Command;

use sha2::{Digest, Sha256};

#[path = "../../tests/common/process.rs"]
mod process;
use process::{BIN, TempDir};

const SIZE: usize = 100 << 20;
const MAX_RSS_KB: u64 = 32 << 10;

/// Run the CLI under /usr/bin/time; returns its stdout and peak RSS in KiB.
fn run_timed(dir: &TempDir, args: &[&str]) -> (Vec<u8>, u64) {
    let rss = dir.file("rss.txt");
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&rss)
        .arg(BIN)
        .args(args)
        .current_dir(dir.path())
        .output()
        .expect("/usr/bin/time (GNU time; bash .ci/setup installs it)");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let kb = fs::read_to_string(&rss).unwrap().trim().parse().unwrap();
    (out.stdout, kb)
}

#[test]
fn a_100_mib_file_streams_in_bounded_memory() {
    let dir = TempDir::new("file-large");
    let o = Command::new(BIN)
        .args(["keygen", "--out", "k.jwk"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success());
    fs::write(dir.file("pub.jwk"), &o.stdout).unwrap();
    // Distinct 32-byte blocks (a counter hashed), so a misplaced chunk shows.
    let mut f = fs::File::create(dir.file("in.bin")).unwrap();
    let mut want = Sha256::new();
    let mut block = Vec::with_capacity(1 << 20);
    for i in 0..(SIZE / 32) as u64 {
        block.extend_from_slice(&Sha256::digest(i.to_be_bytes()));
        if block.len() == 1 << 20 {
            f.write_all(&block).unwrap();
            want.update(&block);
            block.clear();
        }
    }
    drop(f);
    let want = want.finalize();

    let (_, rss) = run_timed(
        &dir,
        &[
            "seal-file",
            "--to",
            "pub.jwk",
            "--form",
            "f",
            "--field",
            "doc",
            "in.bin",
            "-o",
            "s.ssf",
        ],
    );
    assert!(rss < MAX_RSS_KB, "seal-file peak RSS {rss} KiB");
    let sealed = fs::metadata(dir.file("s.ssf")).unwrap().len();
    assert!(sealed > SIZE as u64 + 1600 * 16, "{sealed}");

    let (_, rss) = run_timed(
        &dir,
        &["open-file", "--key", "k.jwk", "s.ssf", "-o", "out.bin"],
    );
    assert!(rss < MAX_RSS_KB, "open-file -o peak RSS {rss} KiB");
    assert_eq!(Sha256::digest(fs::read(dir.file("out.bin")).unwrap()), want);

    let (stdout, rss) = run_timed(&dir, &["open-file", "--key", "k.jwk", "s.ssf"]);
    assert!(rss < MAX_RSS_KB, "open-file to stdout peak RSS {rss} KiB");
    assert_eq!(Sha256::digest(&stdout), want);
}
