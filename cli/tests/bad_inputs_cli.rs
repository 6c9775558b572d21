//! Bad-input catalogue, CLI surface (issue 5): every `"surface": "cli"` case
//! of tests/bad-inputs.json is run against the `slice-seal` binary in its own
//! temporary directory.
//!
//! A case's `input` is `{"args": [...], "stdin": S, "files": {name: S},
//! "unchanged": [name]}` where S is a string, `{"$bytes": "hex"}` or
//! `{"$repeat": "a", "count": n}`. `exit` is the expected status; `code` the
//! expected error code: for status 2 stderr is exactly one line
//! `slice-seal: CODE: message` and stdout is empty (`USAGE`: an argument
//! parsing error, the same one line); for status 1 `code` is `line N: CODE`
//! and stderr has that line. Files are written with mode 0600, as key files
//! must be (else a KEY_FILE_PERMISSIONS warning line). Files named in `unchanged` must keep their content; no
//! stderr may contain a secret (`d`) of a key file.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

fn bytes_of(v: &Value) -> Vec<u8> {
    match v {
        Value::String(s) => s.as_bytes().to_vec(),
        Value::Object(m) if m.contains_key("$bytes") => {
            hex::decode(m["$bytes"].as_str().unwrap()).unwrap()
        }
        Value::Object(m) if m.contains_key("$repeat") => m["$repeat"]
            .as_str()
            .unwrap()
            .repeat(m["count"].as_u64().unwrap() as usize)
            .into_bytes(),
        other => panic!("bad byte spec {other}"),
    }
}

/// Every `d` member of a JSON key file (JWK or JWKS).
fn secrets_of(text: &[u8], out: &mut Vec<String>) {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    if let (true, Some(s)) = (k == "d", x.as_str())
                        && s.len() >= 8
                    {
                        out.push(s.to_owned());
                    }
                    walk(x, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    if let Ok(v) = serde_json::from_slice::<Value>(text) {
        walk(&v, out);
    }
}

#[path = "../../tests/common/process.rs"]
mod process;
use process::TempDir;

fn run_case(case: &Value, dir: &Path) -> Result<(), String> {
    let input = &case["input"];
    let code = case["code"].as_str().ok_or("no code")?;
    let exit = case["exit"].as_i64().ok_or("no exit")? as i32;
    let mut secrets = Vec::new();
    let mut before = Vec::new();
    for (name, content) in input["files"].as_object().ok_or("no files")? {
        let bytes = bytes_of(content);
        secrets_of(&bytes, &mut secrets);
        std::fs::write(dir.join(name), &bytes).map_err(|e| e.to_string())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.join(name), std::fs::Permissions::from_mode(0o600))
                .map_err(|e| e.to_string())?;
        }
        before.push((name.clone(), bytes));
    }
    let args: Vec<&str> = input["args"]
        .as_array()
        .ok_or("no args")?
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let stdin = bytes_of(&input["stdin"]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_slice-seal"))
        .args(&args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut pipe = child.stdin.take().unwrap();
    // The program may exit before reading stdin: a broken pipe is fine.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&stdin);
    });
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let status = out.status.code();
    let mut problems = Vec::new();
    if status != Some(exit) {
        problems.push(format!("exit status {status:?}, expected {exit}"));
    }
    if exit == 2 && !out.stdout.is_empty() {
        problems.push(format!(
            "stdout not empty: {:?}",
            String::from_utf8_lossy(&out.stdout)
        ));
    }
    if exit == 2 {
        let lines: Vec<&str> = stderr.lines().collect();
        let want = format!("slice-seal: {code}: ");
        if lines.len() != 1 || !lines[0].starts_with(&want) || lines[0].len() <= want.len() {
            problems.push(format!(
                "stderr is not one `{want}message` line: {stderr:?}"
            ));
        }
    } else {
        let want = format!("{code}: ");
        if !stderr
            .lines()
            .any(|l| l.starts_with(&want) && l.len() > want.len())
        {
            problems.push(format!("no `{want}message` line on stderr: {stderr:?}"));
        }
        if stderr.lines().any(|l| !l.starts_with("line ")) {
            problems.push(format!(
                "stderr has lines other than per-line reports: {stderr:?}"
            ));
        }
    }
    for s in &secrets {
        if stderr.contains(s.as_str()) {
            problems.push("stderr contains a secret d".into());
        }
    }
    if let Some(names) = input.get("unchanged").and_then(Value::as_array) {
        for name in names {
            let name = name.as_str().unwrap();
            let (_, was) = before
                .iter()
                .find(|(n, _)| n == name)
                .ok_or("unchanged file not given")?;
            match std::fs::read(dir.join(name)) {
                Ok(now) if &now == was => {}
                _ => problems.push(format!("{name} was changed")),
            }
        }
        // Nothing else (no temp or partial file) was left in the directory.
        let left: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !before.iter().any(|(b, _)| b == n))
            .collect();
        if !left.is_empty() {
            problems.push(format!("files left behind: {left:?}"));
        }
    }
    if problems.is_empty() {
        println!(
            "ok   {}: {}",
            case["id"],
            stderr.lines().next().unwrap_or("")
        );
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[test]
fn cli_bad_input_catalogue() {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("tests/bad-inputs.json");
    let catalogue: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let all = catalogue["cases"].as_array().unwrap();
    let cases: Vec<&Value> = all.iter().filter(|c| c["surface"] == "cli").collect();
    let expected = all
        .iter()
        .filter(|c| c["surface"].as_str() == Some("cli"))
        .count();
    let (mut passed, mut failed, mut ran) = (0, 0, 0);
    let mut ids = std::collections::HashSet::new();
    for (i, case) in cases.iter().enumerate() {
        ran += 1;
        let id = case["id"].as_str().unwrap();
        let dir = TempDir::new(&i.to_string());
        let r = if ids.insert(id) {
            run_case(case, dir.path())
        } else {
            Err("duplicate id".into())
        };
        match r {
            Ok(()) => passed += 1,
            Err(e) => {
                failed += 1;
                println!("FAIL {id}: {e}");
            }
        }
    }
    if ran != expected || expected < 20 {
        failed += 1;
        println!("FAIL ran {ran} cli cases, the catalogue has {expected} (at least 20 required)");
    }
    println!("bad-inputs (cli): {passed} passed, {failed} failed");
    assert_eq!(failed, 0, "{failed} CLI bad-input case(s) failed");
}
