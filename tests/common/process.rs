//! Helpers for the tests that run programs (the `slice-seal` binary,
//! `python3`): a temporary directory removed on drop, and a run with piped
//! stdin that cannot deadlock on a large output.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_slice-seal");

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "slice-seal-test-{}-{}-{tag}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
    pub fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
    /// Write a file with `mode` (Unix permission bits); returns its path.
    pub fn write_mode(&self, name: &str, contents: impl AsRef<[u8]>, mode: u32) -> String {
        let p = self.file(name);
        fs::write(&p, contents).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&p, fs::Permissions::from_mode(mode)).unwrap();
        }
        #[cfg(not(unix))]
        let _ = mode;
        p.to_str().unwrap().to_owned()
    }
    /// Write a file readable by its owner only (key files must be).
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        self.write_mode(name, contents, 0o600)
    }
    pub fn read(&self, name: &str) -> String {
        fs::read_to_string(self.file(name)).unwrap()
    }
    /// Names in the subdirectory `sub`, sorted.
    pub fn names(&self, sub: &str) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(self.0.join(sub))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Run `program` in `cwd` with `stdin`, collecting its output; stdin is fed
/// from another thread so a large output cannot deadlock the test.
pub fn run_program<S: AsRef<OsStr>>(program: &str, args: &[S], cwd: &Path, stdin: &[u8]) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e} (bash .ci/setup installs it)"));
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

/// Run the `slice-seal` binary in `dir`; it must never panic.
pub fn run_cli<S: AsRef<OsStr>>(dir: &Path, args: &[S], stdin: &[u8]) -> Output {
    let out = run_program(BIN, args, dir, stdin);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "slice-seal panicked: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Stdout as UTF-8 text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// Stderr as UTF-8 text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// The exit status (the process must have exited, not been killed).
pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}
