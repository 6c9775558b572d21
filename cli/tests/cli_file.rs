//! `slice-seal seal-file` and `open-file`: round trips at the chunk edges
//! (files, redirected stdin, pipes), every tamper case with its code and exit
//! status, nothing left on disk by a failed open (no output, no temporary
//! file), batches into --out-dir with safe names, and the audit log.
//! 100 MiB in bounded memory: cli/tests/file_large.rs (release, run-hardening).
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
#[cfg(unix)]
use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use slice_seal::{FileMeta, FileSealer, Keyring, PrivateKey, open_file};

#[path = "../../tests/common/process.rs"]
mod process;
use process::{BIN, TempDir, code, run_cli as run, stderr, stdout};
#[path = "../../tests/common/file_data.rs"]
mod file_data;
use file_data::{ctx, data};

const CTX: [&str; 6] = [
    "--form",
    "vetting-step-3",
    "--field",
    "passport-scan",
    "--submission",
    "s-1",
];

/// A directory with a key made by `keygen` (`private.jwk`, `public.jwk`).
fn keyed() -> (TempDir, PrivateKey) {
    let dir = TempDir::new("file");
    let o = run(dir.path(), &["keygen", "--out", "private.jwk"], b"");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    fs::write(dir.file("public.jwk"), &o.stdout).unwrap();
    let key = PrivateKey::parse(&dir.read("private.jwk")).unwrap();
    (dir, key)
}

#[track_caller]
fn assert_ok(o: &Output) {
    assert_eq!(code(o), 0, "stderr: {}", stderr(o));
    assert!(o.stderr.is_empty(), "stderr: {}", stderr(o));
}

/// Exit `status`, one `slice-seal: CODE: ...` line on stderr.
#[track_caller]
fn assert_fails(o: &Output, status: i32, want: &str) {
    let err = stderr(o);
    assert_eq!(code(o), status, "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(
        err.starts_with(&format!("slice-seal: {want}: ")),
        "want {want}, got {err:?}"
    );
}

/// `seal-file` of `name` in `dir` (chunk size 1024) to `out`.
fn seal_cli(dir: &Path, name: &str, out: &str, extra: &[&str]) -> Output {
    let mut args = vec!["seal-file", "--to", "public.jwk", "--chunk-size", "1024"];
    args.extend_from_slice(&CTX);
    args.extend_from_slice(extra);
    args.extend_from_slice(&[name, "-o", out]);
    run(dir, &args, b"")
}

/// The names in `dir`, sorted (temporary files included: they begin with `.`).
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

#[test]
fn round_trips_through_files_stdin_and_pipes() {
    let (dir, key) = keyed();
    let d = dir.path();
    for len in [0, 1, 1023, 1024, 1025, 5 * 1024 + 3] {
        let plain = data(len, len as u8);
        fs::write(dir.file("in.bin"), &plain).unwrap();
        assert_ok(&seal_cli(d, "in.bin", "s.ssf", &["--type", "image/png"]));
        let sealed = fs::read(dir.file("s.ssf")).unwrap();
        let (meta, context, got) = open_file(&key, &sealed, Some(&ctx())).unwrap();
        assert_eq!(
            (
                meta.name.as_str(),
                meta.media_type.as_str(),
                meta.chunk_size
            ),
            ("in.bin", "image/png", 1024)
        );
        assert_eq!((context, got.to_vec()), (ctx(), plain.clone()));

        // To stdout, to -o, and from stdin (`-`).
        let o = run(d, &["open-file", "--key", "private.jwk", "s.ssf"], b"");
        assert_ok(&o);
        assert_eq!(o.stdout, plain, "len {len}");
        let o = run(
            d,
            &[
                "open-file",
                "--key",
                "private.jwk",
                "s.ssf",
                "-o",
                "out.bin",
            ],
            b"",
        );
        assert_ok(&o);
        assert!(o.stdout.is_empty());
        assert_eq!(fs::read(dir.file("out.bin")).unwrap(), plain);
        let o = run(d, &["open-file", "--key", "private.jwk", "-"], &sealed);
        assert_ok(&o);
        assert_eq!(o.stdout, plain);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.file("out.bin"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
    // A pipe needs --size; the name is then empty unless --name.
    let plain = data(3000, 1);
    let mut args = vec!["seal-file", "--to", "public.jwk"];
    args.extend_from_slice(&CTX);
    assert_fails(&run(d, &args, &plain), 2, "INVALID_ARGS");
    args.extend_from_slice(&["--size", "3000"]);
    let o = run(d, &args, &plain);
    assert_ok(&o);
    let (meta, _, got) = open_file(&key, &o.stdout, None).unwrap();
    assert_eq!(
        (meta.name.as_str(), meta.size, meta.chunk_size),
        ("", 3000, 65_536)
    );
    assert_eq!(*got, plain);
    // A redirected stdin has a known size.
    fs::write(dir.file("in.bin"), &plain).unwrap();
    let mut args: Vec<&str> = vec!["seal-file", "--to", "public.jwk", "--name", "x.pdf"];
    args.extend_from_slice(&CTX);
    let o = Command::new(BIN)
        .args(&args)
        .current_dir(d)
        .stdin(Stdio::from(fs::File::open(dir.file("in.bin")).unwrap()))
        .output()
        .unwrap();
    assert_ok(&o);
    let (meta, _, got) = open_file(&key, &o.stdout, None).unwrap();
    assert_eq!((meta.name.as_str(), meta.size), ("x.pdf", 3000));
    assert_eq!(*got, plain);
}

#[test]
fn seal_file_refuses_other_sizes_and_bad_metadata_leaving_nothing() {
    let (dir, _) = keyed();
    let d = dir.path();
    fs::write(dir.file("in.bin"), data(2000, 0)).unwrap();
    let before = listing(d);
    let mut args = vec!["seal-file", "--to", "public.jwk"];
    args.extend_from_slice(&CTX);
    for (extra, want) in [
        (vec!["--size", "1999"], "FILE_EXTENDED"),
        (vec!["--size", "2001"], "FILE_TRUNCATED"),
        (vec!["--size", "5000"], "FILE_TRUNCATED"),
        (vec!["--chunk-size", "1023"], "INVALID_INPUT"),
        (vec!["--chunk-size", "4194305"], "INVALID_INPUT"),
        (vec!["--type", "text/plain\u{7}"], "INVALID_INPUT"),
    ] {
        let mut a = args.clone();
        a.extend_from_slice(&extra);
        a.extend_from_slice(&["in.bin", "-o", "s.ssf"]);
        assert_fails(&run(d, &a, b""), 2, want);
        assert_eq!(listing(d), before, "{extra:?} left a file");
    }
    let args_bad_ctx = [
        "seal-file",
        "--to",
        "public.jwk",
        "--form",
        "",
        "--field",
        "f",
    ];
    assert_fails(
        &run(
            d,
            &[&args_bad_ctx[..], &["in.bin", "-o", "s.ssf"]].concat(),
            b"",
        ),
        2,
        "INVALID_CONTEXT",
    );
    assert_eq!(listing(d), before);
    let long = "n".repeat(1025);
    let mut a = args.clone();
    a.extend_from_slice(&["--name", &long, "in.bin", "-o", "s.ssf"]);
    assert_fails(&run(d, &a, b""), 2, "INVALID_INPUT");
    assert_eq!(listing(d), before);
}

#[test]
fn every_tamper_case_fails_with_its_code_and_leaves_no_file() {
    let (dir, _) = keyed();
    let d = dir.path();
    let plain = data(3 * 1024 - 10, 3);
    fs::write(dir.file("in.bin"), &plain).unwrap();
    fs::write(dir.file("other.bin"), data(plain.len(), 4)).unwrap();
    assert_ok(&seal_cli(d, "in.bin", "s.ssf", &[]));
    assert_ok(&seal_cli(d, "other.bin", "o.ssf", &[]));
    let file = fs::read(dir.file("s.ssf")).unwrap();
    let other = fs::read(dir.file("o.ssf")).unwrap();
    let p = slice_seal::preamble_len(&file).unwrap();
    let q = slice_seal::preamble_len(&other).unwrap();
    let c = 1024 + 16;
    let flip = |at: usize| {
        let mut f = file.clone();
        f[at] ^= 0x80;
        f
    };
    let swapped = [
        &file[..p],
        &file[p + c..p + 2 * c],
        &file[p..p + c],
        &file[p + 2 * c..],
    ]
    .concat();
    let foreign_chunk = [&file[..p + c], &other[q + c..q + 2 * c], &file[p + 2 * c..]].concat();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "cut inside chunk 1",
            file[..p + c + 7].to_vec(),
            "FILE_TRUNCATED",
        ),
        (
            "cut at a chunk boundary",
            file[..p + 2 * c].to_vec(),
            "FILE_TRUNCATED",
        ),
        (
            "cut in the header",
            file[..p - 3].to_vec(),
            "MALFORMED_FILE",
        ),
        ("one byte more", [&file[..], &[0]].concat(), "FILE_EXTENDED"),
        (
            "a chunk more",
            [&file[..], &file[p..p + c]].concat(),
            "FILE_EXTENDED",
        ),
        ("magic", flip(1), "MALFORMED_FILE"),
        ("header", flip(p - 30), "MALFORMED_ENVELOPE"),
        ("chunk 0", flip(p + 3), "CHUNK_DECRYPT_FAILED"),
        (
            "last chunk's tag",
            flip(file.len() - 1),
            "CHUNK_DECRYPT_FAILED",
        ),
        ("chunks swapped", swapped, "CHUNK_DECRYPT_FAILED"),
        (
            "chunk of another file",
            foreign_chunk,
            "CHUNK_DECRYPT_FAILED",
        ),
        (
            "body of another file",
            [&file[..p], &other[q..]].concat(),
            "CHUNK_DECRYPT_FAILED",
        ),
        (
            "header of another file",
            [&other[..q], &file[p..]].concat(),
            "CHUNK_DECRYPT_FAILED",
        ),
        ("not a sealed file", b"ss1.AAAA".to_vec(), "MALFORMED_FILE"),
    ];
    fs::write(dir.file("keep.bin"), b"earlier output").unwrap();
    for (name, bad, want) in cases {
        fs::write(dir.file("bad.ssf"), &bad).unwrap();
        let before = listing(d);
        for out in ["new.bin", "keep.bin"] {
            let o = run(
                d,
                &["open-file", "--key", "private.jwk", "bad.ssf", "-o", out],
                b"",
            );
            assert_fails(&o, 1, want);
            assert!(stderr(&o).contains(want), "{name}");
            assert_eq!(listing(d), before, "{name}: a file was left");
        }
        assert_eq!(fs::read(dir.file("keep.bin")).unwrap(), b"earlier output");
    }
    // The chunk is named.
    fs::write(dir.file("bad.ssf"), flip(p + c + 1)).unwrap();
    let o = run(d, &["open-file", "--key", "private.jwk", "bad.ssf"], b"");
    assert!(stderr(&o).contains("chunk 1 failed"), "{}", stderr(&o));
    // To stdout, the chunks before the failure were written (documented).
    assert_eq!(o.stdout, plain[..1024]);

    // OUT must be a regular file if it exists: the rename would replace a
    // device, a directory or a symlink.
    fs::create_dir(dir.file("a-dir")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("keep.bin", dir.file("link")).unwrap();
    for out in ["a-dir", "link", "/dev/null"] {
        if !Path::new(out).is_absolute() && !dir.file(out).exists() {
            continue;
        }
        let o = run(
            d,
            &["open-file", "--key", "private.jwk", "s.ssf", "-o", out],
            b"",
        );
        assert_fails(&o, 2, "INVALID_ARGS");
        let o = seal_cli(d, "in.bin", out, &[]);
        assert_fails(&o, 2, "INVALID_ARGS");
    }
    assert!(
        fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );

    // Wrong key, wrong context.
    let o = run(d, &["keygen", "--out", "other.jwk"], b"");
    assert_eq!(code(&o), 0);
    let o = run(
        d,
        &["open-file", "--key", "other.jwk", "s.ssf", "-o", "x"],
        b"",
    );
    assert_fails(&o, 1, "KEY_NOT_FOUND");
    let mut args = vec![
        "open-file",
        "--key",
        "private.jwk",
        "--form",
        "vetting-step-3",
    ];
    args.extend_from_slice(&["--field", "other", "s.ssf", "-o", "x"]);
    assert_fails(&run(d, &args, b""), 1, "CONTEXT_MISMATCH");
    assert!(!dir.file("x").exists());
    // Both keys: the one the header names opens it.
    let o = run(
        d,
        &[
            "open-file",
            "--key",
            "other.jwk",
            "--key",
            "private.jwk",
            "s.ssf",
        ],
        b"",
    );
    assert_ok(&o);
    assert_eq!(o.stdout, plain);
}

#[test]
fn batch_into_out_dir_with_safe_names_and_audit() {
    let (dir, key) = keyed();
    let d = dir.path();
    let seal_named = |name: &str, plain: &[u8], out: &str| {
        let meta = FileMeta::new(name, "application/pdf", plain.len() as u64).unwrap();
        let mut s = FileSealer::new(key.public_key(), &ctx(), meta).unwrap();
        let mut f = s.preamble().to_vec();
        f.extend(s.seal_chunk(plain).unwrap());
        s.finish().unwrap();
        fs::write(dir.file(out), f).unwrap();
    };
    seal_named("scan 1.pdf", b"first", "a.ssf");
    seal_named("../../etc/passwd\nx", b"second", "b.ssf");
    seal_named("", b"third", "c.ssf");
    seal_named("Zoë.pdf", b"fourth", "d.ssf");
    let mut bad = fs::read(dir.file("a.ssf")).unwrap();
    bad.push(0);
    fs::write(dir.file("bad.ssf"), bad).unwrap();
    let o = run(
        d,
        &[
            "open-file",
            "--key",
            "private.jwk",
            "--audit",
            "audit.log",
            "--out-dir",
            "out",
            "a.ssf",
            "bad.ssf",
            "b.ssf",
            "missing.ssf",
            "c.ssf",
            "d.ssf",
        ],
        b"",
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        dir.names("out"),
        [
            "000001-scan_1.pdf",
            "000003-.._.._etc_passwd_x",
            "000005-file",
            "000006-Zo_.pdf"
        ]
    );
    assert_eq!(
        fs::read(dir.file("out/000003-.._.._etc_passwd_x")).unwrap(),
        b"second"
    );
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].starts_with("slice-seal: FILE_EXTENDED: bad.ssf: "),
        "{err}"
    );
    assert!(
        lines[1].starts_with("slice-seal: IO_ERROR: missing.ssf: "),
        "{err}"
    );
    let records: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 4);
    assert_eq!(
        records[1],
        serde_json::json!({"input": "b.ssf", "file": "000003-.._.._etc_passwd_x",
            "kid": key.kid(), "form": "vetting-step-3", "field": "passport-scan",
            "submission": "s-1", "name": "../../etc/passwd\nx", "type": "application/pdf",
            "size": 6})
    );
    // The audit log: one line per input, never the name.
    let audit = dir.read("audit.log");
    assert!(!audit.contains("passwd") && !audit.contains("scan 1") && !audit.contains("pdf"));
    let audit: Vec<serde_json::Value> = audit
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let results: Vec<&str> = audit
        .iter()
        .map(|a| a["result"].as_str().unwrap())
        .collect();
    assert_eq!(
        results,
        ["OK", "FILE_EXTENDED", "OK", "IO_ERROR", "OK", "OK"]
    );
    let fields: Vec<&String> = audit[0].as_object().unwrap().keys().collect();
    assert_eq!(
        fields,
        [
            "field",
            "form",
            "header_sha256",
            "input",
            "kid",
            "result",
            "submission",
            "time"
        ]
    );
    assert_eq!(audit[1]["kid"], key.kid());
    assert_eq!(audit[1]["field"], "passport-scan");
    assert!(audit[3]["header_sha256"].is_null());
    let header = &fs::read(dir.file("a.ssf")).unwrap()[6..];
    let p = slice_seal::preamble_len(&fs::read(dir.file("a.ssf")).unwrap()).unwrap();
    use sha2::Digest;
    assert_eq!(
        audit[0]["header_sha256"],
        hex::encode(sha2::Sha256::digest(&header[..p - 6]))
    );

    // A directory that is not empty, stdin in a batch, several IN without it.
    let args = [
        "open-file",
        "--key",
        "private.jwk",
        "--out-dir",
        "out",
        "a.ssf",
    ];
    assert_fails(&run(d, &args, b""), 2, "FILE_EXISTS");
    let args = ["open-file", "--key", "private.jwk", "--out-dir", "new", "-"];
    assert_fails(&run(d, &args, b""), 2, "INVALID_ARGS");
    let args = ["open-file", "--key", "private.jwk", "a.ssf", "c.ssf"];
    assert_fails(&run(d, &args, b""), 2, "INVALID_ARGS");
    // Keyring::open agrees on who holds the key.
    assert_eq!(Keyring::from_keys([key]).unwrap().len(), 1);
}

/// Plaintext is not written to a terminal unless --raw; a sealed file is not
/// written to one at all. The terminal is a pty from util-linux `script`
/// (Debian's essential bsdutils).
#[cfg(unix)]
#[test]
fn no_plaintext_to_a_terminal_unless_raw() {
    let (dir, _) = keyed();
    let d = dir.path();
    fs::write(dir.file("in.bin"), b"secret text").unwrap();
    assert_ok(&seal_cli(d, "in.bin", "s.ssf", &[]));
    let on_tty = |args: &str| {
        Command::new("script")
            .args(["-qec", &format!("{BIN} {args}"), "/dev/null"])
            .current_dir(d)
            .stdin(Stdio::null())
            .output()
            .expect("script (util-linux)")
    };
    let o = on_tty("open-file --key private.jwk s.ssf");
    assert_eq!(code(&o), 2);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("slice-seal: UNSAFE_PLAINTEXT: "), "{text}");
    assert!(!text.contains("secret text"));
    let o = on_tty("open-file --key private.jwk --raw s.ssf");
    assert_eq!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stdout).contains("secret text"));
    let o = on_tty("seal-file --to public.jwk --form f --field doc in.bin");
    assert_eq!(code(&o), 2);
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .contains("slice-seal: INVALID_ARGS: stdout is a terminal")
    );
}

/// `open-file` reads, opens and writes in a pipeline of ~1 MiB blocks (1,008
/// chunks of 1 KiB): across block boundaries the codes, messages, output and
/// files left are those of reading one chunk after the other.
#[test]
fn pipeline_keeps_stream_order_across_blocks() {
    let (dir, _) = keyed();
    let d = dir.path();
    let (c, per_block): (usize, usize) = (1024 + 16, 1008);
    // Ends exactly at the end of block 2 (then a read of 0 bytes), and inside block 3.
    for len in [2 * per_block * 1024, 2500 * 1024 - 5] {
        let chunks = len.div_ceil(1024);
        let plain = data(len, 9);
        fs::write(dir.file("in.bin"), &plain).unwrap();
        assert_ok(&seal_cli(d, "in.bin", "s.ssf", &[]));
        let file = fs::read(dir.file("s.ssf")).unwrap();
        let p = slice_seal::preamble_len(&file).unwrap();
        let o = run(d, &["open-file", "--key", "private.jwk", "s.ssf"], b"");
        assert_ok(&o);
        assert_eq!(o.stdout, plain);
        let o = run(d, &["open-file", "--key", "private.jwk", "-"], &file);
        assert_ok(&o);
        assert_eq!(o.stdout, plain);

        let bad_chunk = 2100.min(chunks - 1);
        let mut flipped = file.clone();
        flipped[p + bad_chunk * c + 5] ^= 1;
        let cases: Vec<(Vec<u8>, &str, String)> = vec![
            (
                flipped,
                "CHUNK_DECRYPT_FAILED",
                format!("chunk {bad_chunk} failed"),
            ),
            (
                file[..p + per_block * c].to_vec(),
                "FILE_TRUNCATED",
                format!("chunk {per_block} is"),
            ),
            (
                file[..p + 1500 * c + 9].to_vec(),
                "FILE_TRUNCATED",
                "chunk 1500 is".into(),
            ),
            (
                [&file[..], &[7]].concat(),
                "FILE_EXTENDED",
                "follow the last chunk".into(),
            ),
            (
                [&file[..], &file[p..p + per_block * c]].concat(),
                "FILE_EXTENDED",
                "follow the last chunk".into(),
            ),
        ];
        for (bad, want, message) in cases {
            fs::write(dir.file("bad.ssf"), &bad).unwrap();
            let before = listing(d);
            let args = [
                "open-file",
                "--key",
                "private.jwk",
                "bad.ssf",
                "-o",
                "new.bin",
            ];
            let o = run(d, &args, b"");
            assert_fails(&o, 1, want);
            assert!(stderr(&o).contains(&message), "{}", stderr(&o));
            assert_eq!(listing(d), before, "{want}: a file was left");
            // To stdout: exactly the chunks before the failure.
            let o = run(d, &["open-file", "--key", "private.jwk", "-"], &bad);
            assert_fails(&o, 1, want);
            let opened = match want {
                "CHUNK_DECRYPT_FAILED" => bad_chunk * 1024,
                "FILE_TRUNCATED" => (bad.len() - p) / c * 1024,
                _ => plain.len(),
            };
            assert_eq!(o.stdout.len(), opened, "{want}");
            assert_eq!(o.stdout, plain[..opened]);
        }
    }
    // A write error (a full device) ends it with IO_ERROR, whatever is in flight.
    #[cfg(target_os = "linux")]
    {
        let o = Command::new(BIN)
            .args(["open-file", "--key", "private.jwk", "s.ssf"])
            .current_dir(d)
            .stdout(fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        assert_fails(&o, 1, "IO_ERROR");
        assert!(
            stderr(&o).contains("cannot write the output"),
            "{}",
            stderr(&o)
        );
    }
}

/// A read error after the header (a non-blocking FIFO with no more data:
/// EAGAIN) is IO_ERROR; the chunks read whole before it are opened and
/// written, as with one chunk read after the other; no file is left.
#[cfg(target_os = "linux")]
#[test]
fn read_error_in_the_body_is_io_error() {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    const O_NONBLOCK: i32 = 0o4000;
    let (dir, _) = keyed();
    let d = dir.path();
    let plain = data(100 * 1024, 5);
    fs::write(dir.file("in.bin"), &plain).unwrap();
    assert_ok(&seal_cli(d, "in.bin", "s.ssf", &[]));
    let file = fs::read(dir.file("s.ssf")).unwrap();
    let p = slice_seal::preamble_len(&file).unwrap();
    // Fits in the FIFO's 64 KiB: the header, 50 chunks and half of chunk 50.
    let sent = &file[..p + 50 * 1040 + 520];
    for out in [None, Some("new.bin")] {
        let fifo = dir.file("fifo");
        let _ = fs::remove_file(&fifo);
        let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
        assert!(made.success());
        let reader = fs::OpenOptions::new()
            .read(true)
            .custom_flags(O_NONBLOCK)
            .open(&fifo)
            .unwrap();
        let mut writer = fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        writer.write_all(sent).unwrap();
        fs::remove_file(&fifo).unwrap();
        let before = listing(d);
        let mut args = vec!["open-file", "--key", "private.jwk", "-"];
        args.extend(out.iter().flat_map(|o| ["-o", *o]));
        let o = Command::new(BIN)
            .args(&args)
            .current_dir(d)
            .stdin(reader)
            .output()
            .unwrap();
        drop(writer);
        assert_fails(&o, 1, "IO_ERROR");
        assert!(
            stderr(&o).contains("cannot read the input"),
            "{}",
            stderr(&o)
        );
        assert_eq!(listing(d), before, "a file was left");
        if out.is_none() {
            assert_eq!(o.stdout, plain[..50 * 1024]);
        }
    }
}
