//! Shared by the CLI's Python interop tests (cli/tests/interop_python*.rs):
//! running a script of tests/python/, the CLI, and the JSON of one case.
//! The including file declares `mod process;` (tests/common/process.rs).

use std::path::{Path, PathBuf};
use std::process::Output;

use base64ct::{Base64UrlUnpadded, Encoding};
use serde_json::{Value, json};

use crate::process::{BIN, run_program as run};

/// The repository's root (the including package is cli/).
pub fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// Run tests/python/`script` with `args`; panics with its stderr unless it
/// succeeds (exit 3: Python HPKE unavailable). Returns its JSON summary line.
pub fn python(script: &str, args: &[&str], cwd: &Path) -> Value {
    let path = root().join("tests/python").join(script);
    let mut full = vec![path.to_str().unwrap()];
    full.extend_from_slice(args);
    let out = run("python3", &full, cwd, b"");
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => {}
        Some(3) => panic!(
            "Python HPKE is unavailable. {stderr}\nRun `bash .ci/setup` (installs tests/requirements.txt)."
        ),
        _ => panic!(
            "{script} {args:?} failed ({}):\nstdout: {}\nstderr: {stderr}",
            out.status,
            String::from_utf8_lossy(&out.stdout)
        ),
    }
    serde_json::from_slice(&out.stdout).expect("the script prints one JSON line")
}

/// Run the CLI; panics with its stderr unless it succeeds.
pub fn cli(args: &[&str], cwd: &Path, stdin: &[u8]) -> Output {
    let out = run(BIN, args, cwd, stdin);
    assert!(
        out.status.success(),
        "slice-seal {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// One case as the Python scripts read it: context and base64url plaintext.
pub fn case_json(form: &str, field: &str, sub: Option<&str>, pt: &[u8]) -> Value {
    let mut ctx = json!({"form": form, "field": field});
    if let Some(s) = sub {
        ctx["submission"] = json!(s);
    }
    json!({"context": ctx, "plaintext_b64": Base64UrlUnpadded::encode_string(pt)})
}
