//! The sealed-file worked example of docs/FORMAT.md §10: every value it
//! prints is read back from the document and compared with the file sealed
//! here from the documented inputs (fixed ephemeral key and file key); the
//! file reassembled from the printed values opens with the library, with
//! AES-GCM per chunk by the documented nonces, and with the CLI.
//!
//! `SLICE_SEAL_PRINT_FILE_EXAMPLE=1 cargo test --test format_file_example --
//! --nocapture` prints the values (to write the section; a normal run only
//! compares).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use sha2::{Digest, Sha256};
use slice_seal::danger::file_sealer_deterministic;
use slice_seal::primitives::aes_gcm_open;
use slice_seal::{Context, FileMeta, PrivateKey, open, open_file};

const RECIPIENT_SEED: &str = "slice-seal example recipient";
const EPHEMERAL_SEED: &str = "slice-seal example file ephemeral";
const FILE_KEY_SEED: &str = "slice-seal example file key";
const FORM: &str = "vetting-step-3";
const FIELD: &str = "passport-scan";
const SUBMISSION: &str = "4f1c2a9e-demo";
const NAME: &str = "note.txt";
const TYPE: &str = "text/plain";
const SIZE: usize = 1030;
const CHUNK: u32 = 1024;

fn sha(s: &[u8]) -> Vec<u8> {
    Sha256::digest(s).to_vec()
}

fn plaintext() -> Vec<u8> {
    (0..SIZE).map(|i| i as u8).collect()
}

fn ctx() -> Context {
    Context::new(FORM, FIELD)
        .unwrap()
        .with_submission(SUBMISSION)
        .unwrap()
}

/// The example file, sealed from its inputs: (preamble, header text, chunks).
fn compute() -> (Vec<u8>, String, Vec<Vec<u8>>) {
    let key = PrivateKey::from_bytes(&sha(RECIPIENT_SEED.as_bytes())).unwrap();
    let meta = FileMeta::new(NAME, TYPE, SIZE as u64)
        .unwrap()
        .with_chunk_size(CHUNK)
        .unwrap();
    let mut sealer = file_sealer_deterministic(
        key.public_key(),
        &ctx(),
        meta,
        &sha(EPHEMERAL_SEED.as_bytes()),
        &sha(FILE_KEY_SEED.as_bytes()),
    )
    .unwrap();
    let preamble = sealer.preamble().to_vec();
    let header = String::from_utf8(preamble[6..].to_vec()).unwrap();
    let chunks = plaintext()
        .chunks(CHUNK as usize)
        .map(|c| sealer.seal_chunk(c).unwrap())
        .collect();
    sealer.finish().unwrap();
    (preamble, header, chunks)
}

/// Section 10 of docs/FORMAT.md, from its heading to the next one (or the end).
fn doc_section_10() -> String {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("docs/FORMAT.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("\n## 10. ").expect("FORMAT.md has a §10");
    let end = text[start + 1..]
        .find("\n## ")
        .map_or(text.len(), |e| start + 1 + e);
    text[start..end].to_owned()
}

/// The `name = value` entries of the section's plain code blocks; a value
/// goes on over the indented lines that follow it (hex printed in rows).
/// Also the lines of those blocks that begin with `ss1.` (the header).
fn doc_values() -> (BTreeMap<String, String>, Vec<String>) {
    let section = doc_section_10();
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    let mut envelopes = Vec::new();
    let (mut open, mut plain) = (false, false);
    let mut last: Option<String> = None;
    for line in section.lines() {
        if line.starts_with("```") {
            // A fence opens a block (plain if it names no language) or closes one.
            (open, plain) = (!open, !open && line == "```");
            last = None;
            continue;
        }
        if !plain {
            continue;
        }
        if line.starts_with("ss1.") {
            envelopes.push(line.to_owned());
            continue;
        }
        if line.starts_with(' ')
            && let Some(name) = &last
        {
            let more = line.split_whitespace().next().unwrap_or("");
            if let Some(v) = values.get_mut(name) {
                v.push_str(more);
            }
            continue;
        }
        let mut words = line.split_whitespace();
        if let (Some(name), Some("="), Some(value)) = (words.next(), words.next(), words.next()) {
            values.insert(name.to_owned(), value.to_owned());
            last = Some(name.to_owned());
        } else {
            last = None;
        }
    }
    (values, envelopes)
}

fn nonce(i: u64, last: bool) -> Vec<u8> {
    let mut n = vec![0u8; 3];
    n.extend_from_slice(&i.to_be_bytes());
    n.push(u8::from(last));
    n
}

#[test]
fn print_or_compare_the_documented_values() {
    let (preamble, header, chunks) = compute();
    let file: Vec<u8> = [preamble.clone(), chunks.concat()].concat();
    let key = PrivateKey::from_bytes(&sha(RECIPIENT_SEED.as_bytes())).unwrap();
    let hp = open(&key, &header, Some(&ctx())).unwrap().plaintext;
    let mut want = BTreeMap::new();
    let mut put = |k: &str, v: String| want.insert(k.to_owned(), v);
    put("ikm_e", hex::encode(sha(EPHEMERAL_SEED.as_bytes())));
    put("file_key", hex::encode(sha(FILE_KEY_SEED.as_bytes())));
    put("plaintext_sha256", hex::encode(sha(&plaintext())));
    put("header_plaintext", hex::encode(&hp));
    put("header_sha256", hex::encode(sha(header.as_bytes())));
    put("lead", hex::encode(&preamble[..6]));
    put("nonce_0", hex::encode(nonce(0, false)));
    put("nonce_1", hex::encode(nonce(1, true)));
    put("chunk_0", hex::encode(&chunks[0]));
    put("chunk_1", hex::encode(&chunks[1]));
    put("file_len", file.len().to_string());
    put("file_sha256", hex::encode(sha(&file)));
    if std::env::var_os("SLICE_SEAL_PRINT_FILE_EXAMPLE").is_some() {
        println!("{header}");
        for (k, v) in &want {
            println!("{k} = {v}");
        }
    }
    let (got, envelopes) = doc_values();
    for (k, v) in &want {
        assert_eq!(got.get(k), Some(v), "FORMAT.md §10: {k}");
    }
    assert_eq!(
        envelopes,
        [header],
        "FORMAT.md §10: the header, on one line"
    );
    let section = doc_section_10();
    for seed in [
        RECIPIENT_SEED,
        EPHEMERAL_SEED,
        FILE_KEY_SEED,
        FORM,
        FIELD,
        SUBMISSION,
    ] {
        assert!(section.contains(seed), "§10 names {seed}");
    }
}

/// The file reassembled from the document's values alone opens: with the
/// library, with AES-256-GCM per chunk (the documented nonces, empty aad),
/// and with `slice-seal open-file`.
#[test]
fn the_documented_file_opens() {
    let (v, envelopes) = doc_values();
    let h = |k: &str| hex::decode(&v[k]).unwrap_or_else(|e| panic!("{k}: {e}"));
    let header = &envelopes[0];
    let mut file = h("lead");
    assert_eq!(&file[..4], b"ssf1");
    assert_eq!(
        usize::from(u16::from_be_bytes([file[4], file[5]])),
        header.len()
    );
    file.extend_from_slice(header.as_bytes());
    file.extend(h("chunk_0"));
    file.extend(h("chunk_1"));
    assert_eq!(file.len().to_string(), v["file_len"]);
    assert_eq!(hex::encode(sha(&file)), v["file_sha256"]);

    // The header plaintext, field by field (FORMAT.md §10 layout).
    let hp = h("header_plaintext");
    let file_key = h("file_key");
    assert_eq!(hp[0], 1);
    assert_eq!(hp[1..33], file_key[..]);
    assert_eq!(hp[33..37], CHUNK.to_be_bytes());
    assert_eq!(hp[37..45], (SIZE as u64).to_be_bytes());
    assert_eq!(hp[45..47], (NAME.len() as u16).to_be_bytes());
    let t = 47 + NAME.len();
    assert_eq!(&hp[47..t], NAME.as_bytes());
    assert_eq!(hp[t..t + 2], (TYPE.len() as u16).to_be_bytes());
    assert_eq!(&hp[t + 2..], TYPE.as_bytes());

    // Chunk by chunk with AES-256-GCM and the documented nonces.
    let mut plain = aes_gcm_open(&file_key, &h("nonce_0"), b"", &h("chunk_0")).unwrap();
    plain.extend(aes_gcm_open(&file_key, &h("nonce_1"), b"", &h("chunk_1")).unwrap());
    assert_eq!(plain, plaintext());
    assert_eq!(hex::encode(sha(&plain)), v["plaintext_sha256"]);
    // The wrong last flag does not open.
    assert!(aes_gcm_open(&file_key, &nonce(1, false), b"", &h("chunk_1")).is_err());

    let key = PrivateKey::from_bytes(&sha(RECIPIENT_SEED.as_bytes())).unwrap();
    let (meta, context, got) = open_file(&key, &file, Some(&ctx())).unwrap();
    assert_eq!((meta.name.as_str(), meta.media_type.as_str()), (NAME, TYPE));
    assert_eq!((context, got.to_vec()), (ctx(), plaintext()));

    let dir = std::env::temp_dir().join(format!("slice-seal-file-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key_path = dir.join("example.private.jwk");
    std::fs::write(&key_path, key.to_jwk().to_json().as_bytes()).unwrap();
    let sealed = dir.join("example.ssf");
    std::fs::write(&sealed, &file).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_slice-seal"))
        .args(["open-file", "--form", FORM, "--field", FIELD, "--key"])
        .arg(&key_path)
        .arg(&sealed)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, plaintext());
}
