//! The worked example of docs/FORMAT.md, `tests/vectors/envelope-v1.json`,
//! reproduced byte for byte from its fixed inputs, and every value FORMAT.md
//! §6 prints read back from the document (reassembled by the rules it
//! states) and compared with the vector.
//!
//! The file was written once with
//! `SLICE_SEAL_WRITE_VECTOR=1 cargo test --test format_example` and is
//! committed; a normal run only reads it and fails on any difference (or if
//! it is missing). The Python interop test opens the same envelope with an
//! independent HPKE implementation.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::process::{Command, Stdio};

use base64ct::{Base64UrlUnpadded, Encoding};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use slice_seal::danger::{
    dhkem_shared_secret, key_schedule_base, seal_deterministic, sealer_seal_deterministic,
};
use slice_seal::primitives::{aes_gcm_open, ecdh};
use slice_seal::{Context, Envelope, PrivateKey, PublicKey, Sealer, open};

/// The ASCII strings whose SHA-256 digests are the example's secrets.
const RECIPIENT_SEED: &str = "slice-seal example recipient";
const EPHEMERAL_SEED: &str = "slice-seal example ephemeral";
const PLAINTEXT: &str = "1990-04-01";
const FORM: &str = "vetting-step-2";
const FIELD: &str = "date-of-birth";
const SUBMISSION: &str = "4f1c2a9e-demo";

#[derive(Serialize, Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct Derivation {
    recipient_private_d_hex: String,
    ikm_e_hex: String,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct Intermediate {
    /// x-coordinate of the ECDH point: DH(skR, pkE) = DH(skE, pkR).
    dh_hex: String,
    /// RFC 9180 DHKEM shared_secret = ExtractAndExpand(dh, enc || pkRm).
    shared_secret_hex: String,
    /// RFC 9180 key schedule (base mode, this info): AEAD key and nonce.
    key_hex: String,
    base_nonce_hex: String,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct Vector {
    description: String,
    derivation: Derivation,
    recipient_private_d_hex: String,
    recipient_public_jwk: serde_json::Value,
    kid: String,
    context: Context,
    plaintext: String,
    ikm_e_hex: String,
    info_hex: String,
    enc_hex: String,
    ct_hex: String,
    body_hex: String,
    envelope: String,
    hpke_intermediate: Intermediate,
}

fn vector_path() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("tests/vectors/envelope-v1.json")
}

fn lp(out: &mut Vec<u8>, item: &str) {
    out.extend_from_slice(&u16::try_from(item.len()).unwrap().to_be_bytes());
    out.extend_from_slice(item.as_bytes());
}

/// Compute the example from its definition.
fn compute() -> Vector {
    let d = Sha256::digest(RECIPIENT_SEED.as_bytes());
    let ikm_e = Sha256::digest(EPHEMERAL_SEED.as_bytes());
    let key = PrivateKey::from_bytes(&d).unwrap();
    let ctx = Context::new(FORM, FIELD)
        .unwrap()
        .with_submission(SUBMISSION)
        .unwrap();
    let env = seal_deterministic(key.public_key(), PLAINTEXT.as_bytes(), &ctx, &ikm_e).unwrap();

    let enc_pk = PublicKey::from_sec1(env.enc()).unwrap();
    let dh = ecdh(&key, &enc_pk);
    let pk_rm: [u8; 65] = key.public_key().to_sec1(false).try_into().unwrap();
    let ss = dhkem_shared_secret(&dh, env.enc(), &pk_rm);
    let slice_seal::danger::ScheduleValues {
        key: aead_key,
        base_nonce,
        ..
    } = key_schedule_base(&ss, env.info(), 0x0002, 32);

    Vector {
        description: "slice-seal envelope v1 worked example (docs/FORMAT.md). HPKE base mode, \
            DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM, aad empty. The ephemeral \
            key is DeriveKeyPair(ikm_e); real envelopes use fresh randomness. \
            Written by `SLICE_SEAL_WRITE_VECTOR=1 cargo test --test format_example`."
            .into(),
        derivation: Derivation {
            recipient_private_d_hex: format!("SHA-256 of the ASCII string \"{RECIPIENT_SEED}\""),
            ikm_e_hex: format!("SHA-256 of the ASCII string \"{EPHEMERAL_SEED}\""),
        },
        recipient_private_d_hex: hex::encode(d),
        recipient_public_jwk: serde_json::from_str(&key.public_key().to_jwk().to_json()).unwrap(),
        kid: key.kid(),
        context: ctx,
        plaintext: PLAINTEXT.into(),
        ikm_e_hex: hex::encode(ikm_e),
        info_hex: hex::encode(env.info()),
        enc_hex: hex::encode(env.enc()),
        ct_hex: hex::encode(env.ciphertext()),
        body_hex: hex::encode(env.to_body()),
        envelope: env.to_string(),
        hpke_intermediate: Intermediate {
            dh_hex: hex::encode(dh.as_ref()),
            shared_secret_hex: hex::encode(ss),
            key_hex: hex::encode(&aead_key),
            base_nonce_hex: hex::encode(base_nonce),
        },
    }
}

fn load() -> Vector {
    let path = vector_path();
    if std::env::var_os("SLICE_SEAL_WRITE_VECTOR").is_some() {
        let mut text = serde_json::to_string_pretty(&compute()).unwrap();
        text.push('\n');
        std::fs::write(&path, text).unwrap();
        eprintln!("wrote {}", path.display());
    }
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

#[test]
fn inputs_are_the_documented_derivations() {
    let v = load();
    assert!(
        v.derivation
            .recipient_private_d_hex
            .contains(RECIPIENT_SEED)
    );
    assert!(v.derivation.ikm_e_hex.contains(EPHEMERAL_SEED));
    assert_eq!(
        unhex(&v.recipient_private_d_hex),
        Sha256::digest(RECIPIENT_SEED.as_bytes()).to_vec()
    );
    assert_eq!(
        unhex(&v.ikm_e_hex),
        Sha256::digest(EPHEMERAL_SEED.as_bytes()).to_vec()
    );
    assert_eq!(v.plaintext, PLAINTEXT);
    assert_eq!(v.context.form, FORM);
    assert_eq!(v.context.field, FIELD);
    assert_eq!(v.context.submission.as_deref(), Some(SUBMISSION));
}

#[test]
fn every_field_is_reproduced_from_the_inputs() {
    let v = load();
    // Everything below starts from the file's inputs, not from constants.
    let key = PrivateKey::from_bytes(&unhex(&v.recipient_private_d_hex)).unwrap();
    let ikm_e = unhex(&v.ikm_e_hex);

    // Public key and kid (RFC 7638 thumbprint).
    let jwk_text = v.recipient_public_jwk.to_string();
    let public = PublicKey::from_jwk_json(&jwk_text).unwrap();
    assert_eq!(&public, key.public_key());
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&key.public_key().to_jwk().to_json()).unwrap(),
        v.recipient_public_jwk
    );
    assert_eq!(key.kid(), v.kid);
    assert_eq!(v.recipient_public_jwk["kid"], v.kid);
    let thumb_input = format!(
        "{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{}\",\"y\":\"{}\"}}",
        v.recipient_public_jwk["x"].as_str().unwrap(),
        v.recipient_public_jwk["y"].as_str().unwrap()
    );
    let kid_raw = Sha256::digest(thumb_input.as_bytes());
    assert_eq!(Base64UrlUnpadded::encode_string(&kid_raw), v.kid);

    // info, encoded here by hand.
    let mut info = Vec::new();
    for item in [
        "slice-seal/v1",
        &v.context.form,
        &v.context.field,
        v.context.submission.as_deref().unwrap_or(""),
    ] {
        lp(&mut info, item);
    }
    assert_eq!(hex::encode(&info), v.info_hex);
    assert_eq!(v.context.info().unwrap(), info);

    // Deterministic seal: enc, ct, body, text.
    let env = seal_deterministic(&public, v.plaintext.as_bytes(), &v.context, &ikm_e).unwrap();
    assert_eq!(hex::encode(env.info()), v.info_hex);
    assert_eq!(hex::encode(env.enc()), v.enc_hex);
    assert_eq!(hex::encode(env.ciphertext()), v.ct_hex);
    assert_eq!(env.ciphertext().len(), v.plaintext.len() + 16);
    assert_eq!(hex::encode(env.to_body()), v.body_hex);
    assert_eq!(env.to_string(), v.envelope);

    // The Sealer fast path gives the same bytes.
    let sealer = Sealer::new(public.clone());
    let fast =
        sealer_seal_deterministic(&sealer, v.plaintext.as_bytes(), &v.context, &ikm_e).unwrap();
    assert_eq!(fast.to_string(), v.envelope);

    // The body layout, assembled here by hand from the fields.
    let mut body = vec![0x00, 0x10, 0x00, 0x01, 0x00, 0x02];
    body.extend_from_slice(&kid_raw);
    body.extend_from_slice(&u16::try_from(info.len()).unwrap().to_be_bytes());
    body.extend_from_slice(&info);
    body.extend_from_slice(&unhex(&v.enc_hex));
    body.extend_from_slice(&unhex(&v.ct_hex));
    assert_eq!(hex::encode(&body), v.body_hex);
    assert_eq!(
        format!("ss1.{}", Base64UrlUnpadded::encode_string(&body)),
        v.envelope
    );
    let parsed = Envelope::parse(&v.envelope).unwrap();
    assert_eq!(parsed, env);
    assert_eq!(parsed.context(), &v.context);
    assert_eq!(parsed.kid(), v.kid);
}

#[test]
fn intermediate_values_open_the_ciphertext() {
    let v = load();
    let key = PrivateKey::from_bytes(&unhex(&v.recipient_private_d_hex)).unwrap();
    let enc: [u8; 65] = unhex(&v.enc_hex).try_into().unwrap();
    let dh = ecdh(&key, &PublicKey::from_sec1(&enc).unwrap());
    assert_eq!(hex::encode(dh.as_ref()), v.hpke_intermediate.dh_hex);
    let pk_rm: [u8; 65] = key.public_key().to_sec1(false).try_into().unwrap();
    let ss = dhkem_shared_secret(&dh, &enc, &pk_rm);
    assert_eq!(hex::encode(ss), v.hpke_intermediate.shared_secret_hex);
    let slice_seal::danger::ScheduleValues {
        key: aead_key,
        base_nonce,
        ..
    } = key_schedule_base(&ss, &unhex(&v.info_hex), 0x0002, 32);
    assert_eq!(hex::encode(&aead_key), v.hpke_intermediate.key_hex);
    assert_eq!(hex::encode(base_nonce), v.hpke_intermediate.base_nonce_hex);
    // Sequence number 0: the nonce is base_nonce itself; aad is empty.
    let pt = aes_gcm_open(&aead_key, &base_nonce, b"", &unhex(&v.ct_hex)).unwrap();
    assert_eq!(pt, v.plaintext.as_bytes());
}

#[test]
fn the_example_opens_with_the_library_and_the_cli() {
    let v = load();
    let key = PrivateKey::from_bytes(&unhex(&v.recipient_private_d_hex)).unwrap();
    let opened = open(&key, &v.envelope, Some(&v.context)).unwrap();
    assert_eq!(opened.plaintext, v.plaintext.as_bytes());
    assert_eq!(opened.kid, v.kid);
    let moved = Context::new(FORM, "surname").unwrap();
    assert_eq!(
        open(&key, &v.envelope, Some(&moved)).unwrap_err().code(),
        "CONTEXT_MISMATCH"
    );

    let dir = std::env::temp_dir().join(format!("slice-seal-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key_path = dir.join("example.private.jwk");
    std::fs::write(&key_path, key.to_jwk().to_json().as_bytes()).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_slice-seal"))
        .args([
            "open",
            "--json",
            "--form",
            FORM,
            "--field",
            FIELD,
            "--submission",
            SUBMISSION,
        ])
        .arg("--key")
        .arg(&key_path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{}\n", v.envelope).as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        got,
        serde_json::json!({"line": 1, "kid": v.kid, "form": FORM, "field": FIELD,
            "submission": SUBMISSION, "plaintext": PLAINTEXT})
    );
}

/// Section 6 of docs/FORMAT.md, from its heading to the next one.
fn doc_section_6() -> String {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("docs/FORMAT.md");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let start = text.find("\n## 6. ").expect("FORMAT.md has a §6");
    let end = start + text[start..].find("\n## 7. ").expect("FORMAT.md has a §7");
    text[start..end].to_owned()
}

/// A fenced block of §6: the prose before it (white space collapsed), its
/// info string and its lines.
struct Block {
    before: String,
    lang: String,
    lines: Vec<String>,
}

fn fenced_blocks(section: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut prose = Vec::new();
    let mut current: Option<Block> = None;
    for line in section.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(lang)) => {
                current = Some(Block {
                    before: prose.join(" "),
                    lang: lang.to_owned(),
                    lines: Vec::new(),
                });
                prose.clear();
            }
            (Some(_), Some("")) => blocks.push(current.take().unwrap()),
            (Some(b), _) => b.lines.push(line.to_owned()),
            (None, None) => prose.extend(line.split_whitespace().map(str::to_owned)),
        }
    }
    assert!(current.is_none(), "unclosed fenced block in §6");
    blocks
}

/// The one block whose preceding prose contains `marker`.
fn block<'a>(blocks: &'a [Block], marker: &str) -> &'a Block {
    let found: Vec<&Block> = blocks
        .iter()
        .filter(|b| b.before.contains(marker))
        .collect();
    assert_eq!(found.len(), 1, "§6 must have one block after {marker:?}");
    found[0]
}

/// `name = value` lines; an indented line continues the value before it
/// (concatenated without the indentation, as §6 says).
fn key_values(b: &Block) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in &b.lines {
        if line.starts_with(' ') {
            let last = out.last_mut().expect("a continuation line follows a value");
            last.1.push_str(line.trim());
        } else {
            let (name, value) = line.split_once(" = ").expect("name = value");
            out.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    out
}

#[test]
fn the_document_shows_the_vector() {
    let v = load();
    let section = doc_section_6();
    let prose: String = section.split_whitespace().collect::<Vec<_>>().join(" ");
    let blocks = fenced_blocks(&section);

    let recipient = key_values(block(&blocks, "Recipient key"));
    let jwk = &v.recipient_public_jwk;
    let want = [
        ("d", v.recipient_private_d_hex.as_str()),
        ("x", jwk["x"].as_str().unwrap()),
        ("y", jwk["y"].as_str().unwrap()),
        ("kid", v.kid.as_str()),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(n, x)| ((*n).to_owned(), (*x).to_owned()))
        .collect();
    assert_eq!(recipient, want);

    let json = block(&blocks, "public JWK");
    assert_eq!(json.lang, "json");
    assert_eq!(json.lines.len(), 1);
    let shown: serde_json::Value = serde_json::from_str(&json.lines[0]).unwrap();
    assert_eq!(&shown, jwk);

    let c = &v.context;
    assert!(prose.contains(&format!(
        "Context: form `{}`, field `{}`, submission `{}`. Plaintext: the {} ASCII bytes `{}`.",
        c.form,
        c.field,
        c.submission.as_deref().unwrap(),
        v.plaintext.len(),
        v.plaintext
    )));

    // info: hex before `lp(`, white space removed; the items in lp("…").
    let info_len = v.info_hex.len() / 2;
    let info = block(&blocks, &format!("`info` ({info_len} bytes)"));
    let mut hex_shown = String::new();
    let mut items = Vec::new();
    for line in &info.lines {
        let (hex_part, label) = line.split_once("lp(\"").expect("hex then lp(\"…\")");
        hex_shown.extend(hex_part.split_whitespace());
        items.push(label.strip_suffix("\")").unwrap().to_owned());
    }
    assert_eq!(hex_shown, v.info_hex);
    assert_eq!(
        items,
        [
            "slice-seal/v1",
            &c.form,
            &c.field,
            c.submission.as_deref().unwrap()
        ]
    );

    let eph = key_values(block(&blocks, "Ephemeral key"));
    let i = &v.hpke_intermediate;
    let want = [
        ("ikm_e", &v.ikm_e_hex),
        ("enc (= pkE)", &v.enc_hex),
        ("dh", &i.dh_hex),
        ("shared_secret", &i.shared_secret_hex),
        ("key", &i.key_hex),
        ("base_nonce", &i.base_nonce_hex),
        ("ct", &v.ct_hex),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(n, x)| ((*n).to_owned(), (*x).clone()))
        .collect();
    assert_eq!(eph, want);
    assert!(prose.contains(&format!(
        "`enc` is {} bytes printed on three lines: concatenate them without the indentation. \
         `ct` is {} bytes of ciphertext followed by the 16-byte tag.",
        v.enc_hex.len() / 2,
        v.plaintext.len()
    )));

    // Body: the suite ids, the raw kid, info_len.
    let body = unhex(&v.body_hex);
    let shown = block(&blocks, &format!("Body ({} bytes)", body.len()));
    let first = |n: usize| shown.lines[n].split_whitespace().collect::<Vec<_>>();
    assert_eq!(first(0)[..3], ["0010", "0001", "0002"]);
    assert_eq!(hex::encode(&body[..6]), "001000010002");
    assert_eq!(first(1)[0], hex::encode(&body[6..38]));
    assert_eq!(first(2)[0], hex::encode(&body[38..40]));
    assert!(shown.lines[2].ends_with(&format!("info_len = {info_len}")));
    assert_eq!(body.len(), 40 + info_len + 65 + v.ct_hex.len() / 2);

    // The envelope: one line, copied whole, is the vector's envelope.
    let env = block(
        &blocks,
        &format!("Envelope text, {} characters.", v.envelope.len()),
    );
    assert!(
        env.before
            .contains("The block holds it on **one line**: copy the whole line, and nothing else.")
    );
    assert_eq!(env.lines.len(), 1, "the envelope is on one line");
    assert_eq!(env.lines[0], v.envelope);
    let digest = hex::encode(Sha256::digest(v.envelope.as_bytes()));
    assert!(env.before.contains(&format!(
        "the SHA-256 of those {} ASCII bytes (no line break) is `{digest}`.",
        v.envelope.len()
    )));
    // Copied from the document, it opens.
    let key = PrivateKey::from_bytes(&unhex(&recipient[0].1)).unwrap();
    assert_eq!(
        open(&key, &env.lines[0], Some(c)).unwrap().plaintext,
        v.plaintext.as_bytes()
    );
}
