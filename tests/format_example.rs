//! The worked example of docs/FORMAT.md, `tests/vectors/envelope-v1.json`,
//! reproduced byte for byte from its fixed inputs.
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
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/envelope-v1.json")
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
