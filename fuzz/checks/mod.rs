//! The properties the fuzz targets check, shared with `tests/regressions.rs`
//! (which replays the committed seed corpora and every crash input through the
//! same functions on stable Rust). Uses `slice_seal`, `std`, and the `hpke`
//! crate as the reference opener (with `base64ct` to read the key's scalar).
//!
//! Every function must return normally for every input: a panic here is a
//! finding (either a panic inside slice-seal or a broken property).
#![allow(dead_code)]

use std::sync::{LazyLock, Mutex};

use slice_seal::{
    AnyPrivateKey, AnyPublicKey, HybridEnvelope, HybridPrivateKey, HybridPublicKey, Keyring,
    is_hybrid_jwk, open_hybrid,
};
use slice_seal::{
    Context, Envelope, Error, Jwk, Jwks, MAX_CONTEXT_LEN, MAX_PLAINTEXT, PrivateKey, PublicKey,
    Sealer, open as open_text, open_envelope, seal as seal_text, thumbprint,
};

/// Every error has a code and a message.
fn error_ok(e: &Error, secret: Option<&str>) {
    let msg = e.to_string();
    assert!(
        !e.code().is_empty() && !msg.is_empty(),
        "empty error: {e:?}"
    );
    if let Some(d) = secret {
        // Short strings ("EC", "x") can occur in any message by chance.
        if d.len() >= 16 {
            assert!(!msg.contains(d), "error message repeats the private d");
        }
    }
}

// ------------------------------------------------------------ envelope_parse

fn envelope_invariants(env: &Envelope) {
    let text = env.to_string();
    let again = Envelope::parse(&text).expect("Display output of a parsed envelope must parse");
    assert_eq!(&again, env, "text round trip changed the envelope");
    let again = Envelope::from_body(&env.to_body()).expect("to_body output must parse");
    assert_eq!(&again, env, "body round trip changed the envelope");
    assert_eq!(
        env.context().info().expect("a parsed context is valid"),
        env.info(),
        "context does not re-encode to the envelope's info"
    );
    assert_eq!(env.kid().len(), 43);
    assert!(env.ciphertext().len() >= 16);
    let _ = format!("{env:?}");
}

/// Arbitrary bytes as envelope text and as an envelope body: never panics;
/// whatever parses is canonical (its text / body reproduce the input exactly)
/// and round-trips to an equal value.
pub fn envelope_parse(data: &[u8]) {
    if let Ok(text) = core::str::from_utf8(data) {
        match Envelope::parse(text) {
            Ok(env) => {
                envelope_invariants(&env);
                assert_eq!(
                    env.to_string(),
                    text,
                    "non-canonical envelope text accepted"
                );
            }
            Err(e) => error_ok(&e, None),
        }
    }
    match Envelope::from_body(data) {
        Ok(env) => {
            envelope_invariants(&env);
            assert_eq!(env.to_body(), data, "non-canonical envelope body accepted");
        }
        Err(e) => error_ok(&e, None),
    }
    hybrid_envelope_parse(data);
}

/// The hybrid suite's parser (docs/FORMAT.md §11) on the same input:
/// canonical round trips, and never both suites' parsers accepting one input.
fn hybrid_envelope_parse(data: &[u8]) {
    if let Ok(text) = core::str::from_utf8(data) {
        match HybridEnvelope::parse(text) {
            Ok(env) => {
                assert_eq!(env.to_text(), text, "non-canonical hybrid envelope text");
                assert_eq!(HybridEnvelope::parse(&env.to_text()).as_ref(), Ok(&env));
                assert!(Envelope::parse(text).is_err(), "both suites parse one text");
            }
            Err(e) => error_ok(&e, None),
        }
    }
    match HybridEnvelope::from_body(data) {
        Ok(env) => {
            assert_eq!(env.to_body(), data, "non-canonical hybrid envelope body");
            assert_eq!(env.enc().len(), slice_seal::HYBRID_ENC_LEN);
            assert_eq!(
                env.context().info().expect("a parsed context is valid"),
                env.info()
            );
        }
        Err(e) => error_ok(&e, None),
    }
}

// ---------------------------------------------------------------------- open

/// The fuzzing-only private key the `open` seeds are sealed to.
pub static FUZZ_KEY: LazyLock<PrivateKey> = LazyLock::new(|| {
    PrivateKey::from_jwk_json(include_str!("../fixtures/fuzz-only.private.jwk"))
        .expect("fixture key")
});

/// The fuzzing-only hybrid key (docs/FORMAT.md §11) the hybrid seeds are
/// sealed to.
pub static FUZZ_HYBRID_KEY: LazyLock<HybridPrivateKey> = LazyLock::new(|| {
    HybridPrivateKey::from_jwk_json(include_str!("../fixtures/fuzz-only-hybrid.private.jwk"))
        .expect("hybrid fixture key")
});

/// Both fuzzing-only keys in one keyring (the suites mixed).
pub static FUZZ_RING: LazyLock<Keyring> = LazyLock::new(|| {
    Keyring::from_keys([
        AnyPrivateKey::from(FUZZ_KEY.clone()),
        AnyPrivateKey::from(FUZZ_HYBRID_KEY.clone()),
    ])
    .expect("two kids")
});

/// Contexts the seeds were sealed under, plus near misses.
static EXPECTED: LazyLock<Vec<Context>> = LazyLock::new(|| {
    let c = |form: &str, field: &str| Context::new(form, field).expect("valid context");
    vec![
        c("fuzz-form", "full-name"),
        c("fuzz-form", "full-name")
            .with_submission("sub-1")
            .unwrap(),
        c("fuzz-form", "full-name")
            .with_submission("sub-2")
            .unwrap(),
        c("fuzz-form", "date-of-birth"),
        c("other-form", "full-name"),
    ]
});

/// Arbitrary text opened with [`FUZZ_KEY`], without and with expected
/// contexts: never panics; a successful open agrees with the parser and with
/// the expected context. With [`FUZZ_HYBRID_KEY`] and the mixed
/// [`FUZZ_RING`]: the ring opens exactly what one of its keys opens, to the
/// same result. Returns how many opens succeeded.
pub fn open(data: &[u8]) -> usize {
    let Ok(text) = core::str::from_utf8(data) else {
        return 0;
    };
    let key = &*FUZZ_KEY;
    let mut opened_count = 0;
    let free = open_text(key, text, None);
    let hybrid = open_hybrid(&FUZZ_HYBRID_KEY, text, None);
    match (FUZZ_RING.open(text, None), &free, &hybrid) {
        (Ok(o), single, hybrid) => {
            assert!(
                single.as_ref() == Ok(&o) || hybrid.as_ref() == Ok(&o),
                "the mixed keyring opened what neither key opens"
            );
            if hybrid.is_ok() {
                opened_count += 1;
            }
        }
        (Err(e), single, hybrid) => {
            error_ok(&e, None);
            assert!(
                single.is_err() && hybrid.is_err(),
                "the mixed keyring refused what one of its keys opens: {e}"
            );
        }
    }
    match &free {
        Ok(opened) => {
            opened_count += 1;
            let env = Envelope::parse(text).expect("an envelope that opened must parse");
            assert_eq!(opened.kid, key.kid());
            assert_eq!(opened.kid, env.kid());
            assert_eq!(&opened.context, env.context());
            assert!(opened.plaintext.len() <= MAX_PLAINTEXT);
            let own = open_envelope(key, &env, Some(&opened.context))
                .expect("an envelope must open under its own context");
            assert_eq!(own, *opened);
        }
        Err(e) => error_ok(e, None),
    }
    for want in EXPECTED.iter() {
        match open_text(key, text, Some(want)) {
            Ok(opened) => {
                opened_count += 1;
                opened
                    .context
                    .check_expected(want)
                    .expect("opened under a context that was not expected");
                assert_eq!(
                    Some(&opened),
                    free.as_ref().ok(),
                    "open with/without context disagree"
                );
            }
            Err(e) => error_ok(&e, None),
        }
    }
    opened_count
}

// ---------------------------------------------------------------- key_import

fn public_round_trip(pk: &PublicKey) {
    let kid = pk.kid();
    assert_eq!(kid.len(), 43);
    pk.check_kid(&kid).expect("own kid");
    let jwk = pk.to_jwk();
    assert_eq!(thumbprint(&jwk).as_deref(), Ok(kid.as_str()));
    assert_eq!(&PublicKey::from_jwk(&jwk).expect("own JWK"), pk);
    assert_eq!(
        &PublicKey::from_jwk_json(&jwk.to_json()).expect("own JWK JSON"),
        pk
    );
    assert_eq!(
        &PublicKey::from_sec1(&pk.to_sec1(true)).expect("own SEC1 (compressed)"),
        pk
    );
    assert_eq!(
        &PublicKey::from_sec1(&pk.to_sec1(false)).expect("own SEC1"),
        pk
    );
    assert_eq!(
        &PublicKey::from_spki_der(&pk.to_spki_der()).expect("own SPKI DER"),
        pk
    );
    assert_eq!(
        &PublicKey::from_spki_pem(&pk.to_spki_pem()).expect("own SPKI PEM"),
        pk
    );
    assert_eq!(
        &PublicKey::parse(&pk.to_spki_pem()).expect("own PEM via parse"),
        pk
    );
    let jwks = Jwks::from_public(pk);
    assert_eq!(&jwks.find(&kid).expect("own kid in own JWKS"), pk);
    let set = Jwks::from_json(&jwks.to_json()).expect("own JWKS");
    assert_eq!(&set.single().expect("one key"), pk);
}

fn private_round_trip(sk: &PrivateKey) {
    public_round_trip(sk.public_key());
    let again = PrivateKey::from_jwk(&sk.to_jwk()).expect("own private JWK");
    assert_eq!(again.public_key(), sk.public_key());
    let again = PrivateKey::from_pem(&sk.to_pkcs8_pem()).expect("own PKCS#8 PEM");
    assert_eq!(again.public_key(), sk.public_key());
}

fn key_text(t: &str) {
    let jwk = Jwk::from_json(t).ok();
    let d = jwk
        .as_ref()
        .and_then(|j| j.d.as_ref())
        .map(|d| d.expose().to_owned());
    let d = d.as_deref();
    if let Some(jwk) = &jwk {
        // Only when d is nowhere else in the input: another member may hold
        // it as a substring (a fuzzer found a y containing d).
        if let Some(d) = d.filter(|d| d.len() >= 16 && t.matches(*d).count() == 1) {
            assert!(!format!("{jwk:?}").contains(d), "Debug of a JWK shows d");
        }
        match thumbprint(jwk) {
            Ok(kid) => assert_eq!(kid.len(), 43),
            Err(e) => error_ok(&e, d),
        }
    }
    match PublicKey::from_jwk_json(t) {
        Ok(pk) => {
            if let Some(kid) = jwk.as_ref().and_then(|j| j.kid.as_ref()) {
                assert_eq!(
                    kid,
                    &pk.kid(),
                    "imported a JWK whose kid is not its thumbprint"
                );
            }
            public_round_trip(&pk);
        }
        Err(e) => error_ok(&e, d),
    }
    match PrivateKey::from_jwk_json(t) {
        Ok(sk) => private_round_trip(&sk),
        Err(e) => error_ok(&e, d),
    }
    match Jwks::from_json(t) {
        Ok(set) => {
            let mut kids: Vec<String> = set.keys.iter().filter_map(|k| k.kid.clone()).collect();
            kids.push(FUZZ_KEY.kid());
            for kid in &kids {
                match set.find(kid) {
                    Ok(pk) => {
                        assert_eq!(&pk.kid(), kid, "find returned a key with another kid");
                        public_round_trip(&pk);
                    }
                    Err(e) => error_ok(&e, None),
                }
            }
            match set.single() {
                Ok(pk) => public_round_trip(&pk),
                Err(e) => error_ok(&e, None),
            }
            let _ = set.to_json();
        }
        Err(e) => error_ok(&e, None),
    }
    match PublicKey::from_spki_pem(t) {
        Ok(pk) => public_round_trip(&pk),
        Err(e) => error_ok(&e, None),
    }
    match PrivateKey::from_pem(t) {
        Ok(sk) => private_round_trip(&sk),
        Err(e) => error_ok(&e, None),
    }
    match PublicKey::parse(t) {
        Ok(pk) => public_round_trip(&pk),
        Err(e) => error_ok(&e, d),
    }
    match PrivateKey::parse(t) {
        Ok(sk) => private_round_trip(&sk),
        Err(e) => error_ok(&e, d),
    }
}

/// The either-suite importers and keyrings on key text: `AnyPublicKey` /
/// `AnyPrivateKey` agree with the importer of the suite they pick and
/// round-trip; a JWKS lookup returns the key with that kid; a keyring
/// (either suite, mixed) round-trips through its file and its public JWKS,
/// and neither `Debug` nor an error repeats `secret` (a JWK's `d`).
fn any_key_text(t: &str, secret: Option<&str>) {
    match AnyPublicKey::from_jwk_json(t) {
        Ok(pk) => {
            match &pk {
                AnyPublicKey::P256(k) => {
                    assert_eq!(PublicKey::from_jwk_json(t).as_ref(), Ok(k));
                }
                AnyPublicKey::Hybrid(k) => {
                    assert_eq!(HybridPublicKey::from_jwk_json(t).as_ref(), Ok(&**k));
                }
                other => panic!("a suite the checks do not know: {other:?}"),
            }
            let again = AnyPublicKey::from_jwk_json(&pk.to_jwk_json()).expect("round trip");
            assert_eq!(again, pk);
            pk.check_kid(&pk.kid()).expect("a key has its own kid");
        }
        Err(e) => error_ok(&e, secret),
    }
    match AnyPublicKey::parse(t) {
        Ok(pk) => assert_eq!(AnyPublicKey::parse(&pk.to_jwk_json()).as_ref(), Ok(&pk)),
        Err(e) => error_ok(&e, secret),
    }
    for kid in [FUZZ_KEY.kid(), FUZZ_HYBRID_KEY.kid()] {
        match AnyPublicKey::from_jwks_json(t, &kid) {
            Ok(pk) => assert_eq!(pk.kid(), kid, "from_jwks_json returned another kid"),
            Err(e) => error_ok(&e, secret),
        }
    }
    for r in [AnyPrivateKey::from_jwk_json(t), AnyPrivateKey::parse(t)] {
        match r {
            Ok(sk) => {
                let again = AnyPrivateKey::from_jwk_json(&sk.to_jwk_json()).expect("round trip");
                assert_eq!(again.public_key(), sk.public_key());
                assert_eq!(again.kem_id(), sk.kem_id());
            }
            Err(e) => error_ok(&e, secret),
        }
    }
    match Keyring::parse(t) {
        Ok(ring) => {
            let back = Keyring::parse(&ring.to_json()).expect("a keyring file re-reads");
            fn kids(r: &Keyring) -> Vec<(String, Option<String>)> {
                r.iter()
                    .map(|(k, c)| (k.kid(), c.map(String::from)))
                    .collect()
            }
            assert_eq!(kids(&back), kids(&ring), "keyring round trip changed it");
            let jwks = ring.public_jwks();
            for (key, _) in ring.iter() {
                let pk = AnyPublicKey::from_jwks_json(&jwks, &key.kid()).expect("published");
                assert_eq!(pk, key.public_key());
            }
            if let Some(d) = secret.filter(|d| d.len() >= 16) {
                assert!(
                    !format!("{ring:?}").contains(d),
                    "Debug of a keyring shows d"
                );
                assert!(!jwks.contains(d), "public JWKS shows d");
            }
        }
        Err(e) => error_ok(&e, secret),
    }
}

/// The hybrid key importers (docs/FORMAT.md §11) on key text.
fn hybrid_key_text(t: &str) {
    let _ = is_hybrid_jwk(t);
    match HybridPublicKey::from_jwk_json(t) {
        Ok(pk) => {
            let again = HybridPublicKey::from_jwk_json(&pk.to_jwk_json()).expect("round trip");
            assert_eq!(again, pk);
        }
        Err(e) => error_ok(&e, None),
    }
    match HybridPrivateKey::from_jwk_json(t) {
        Ok(sk) => {
            let again = HybridPrivateKey::from_jwk_json(&sk.to_jwk_json()).expect("round trip");
            assert_eq!(again.public_key(), sk.public_key());
        }
        Err(e) => error_ok(&e, None),
    }
}

fn key_bytes(b: &[u8]) {
    match HybridPublicKey::from_bytes(b) {
        Ok(pk) => assert_eq!(&pk.to_bytes()[..], b, "hybrid public key not canonical"),
        Err(e) => error_ok(&e, None),
    }
    match HybridPrivateKey::from_seed(b) {
        Ok(sk) => assert_eq!(&sk.to_seed()[..], b),
        Err(e) => error_ok(&e, None),
    }
    match PublicKey::from_sec1(b) {
        Ok(pk) => {
            assert_eq!(pk.to_sec1(b.len() == 33), b, "SEC1 import is not canonical");
            public_round_trip(&pk);
        }
        Err(e) => error_ok(&e, None),
    }
    match PublicKey::from_spki_der(b) {
        Ok(pk) => public_round_trip(&pk),
        Err(e) => error_ok(&e, None),
    }
    match PrivateKey::from_pkcs8_der(b) {
        Ok(sk) => private_round_trip(&sk),
        Err(e) => error_ok(&e, None),
    }
    match PrivateKey::from_bytes(b) {
        Ok(sk) => private_round_trip(&sk),
        Err(e) => error_ok(&e, None),
    }
}

/// Every key importer on arbitrary input (as text if UTF-8, and as bytes):
/// never panics; an imported key survives every export format unchanged; a
/// JWK's claimed kid is its thumbprint; errors never repeat the private `d`.
pub fn key_import(data: &[u8]) {
    if let Ok(t) = core::str::from_utf8(data) {
        key_text(t);
        hybrid_key_text(t);
        let jwk = Jwk::from_json(t).ok();
        let d = jwk.as_ref().and_then(|j| j.d.as_ref()).map(|d| d.expose());
        any_key_text(t, d);
    }
    key_bytes(data);
}

// -------------------------------------------------------------- context_info

fn rule_ok(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_CONTEXT_LEN && !s.chars().any(char::is_control)
}

/// `Context::from_info` on arbitrary bytes: never panics; decoding is strict
/// (what decodes re-encodes to the same bytes).
pub fn context_info_bytes(data: &[u8]) {
    match Context::from_info(data) {
        Ok(ctx) => {
            assert_eq!(
                ctx.info().expect("decoded context is valid"),
                data,
                "info is not canonical"
            );
            ctx.check_expected(&ctx).expect("a context matches itself");
        }
        Err(e) => error_ok(&e, None),
    }
}

/// An arbitrary `Context` value: `validate`, `info` and the constructors
/// agree with the documented rules; a valid context's info decodes back to it.
pub fn context_struct(form: String, field: String, submission: Option<String>) {
    let ctx = Context {
        form: form.clone(),
        field: field.clone(),
        submission: submission.clone(),
    };
    let valid =
        rule_ok(&ctx.form) && rule_ok(&ctx.field) && ctx.submission.as_deref().is_none_or(rule_ok);
    assert_eq!(
        ctx.validate().is_ok(),
        valid,
        "validate disagrees with the rules"
    );
    match ctx.info() {
        Ok(info) => {
            assert!(valid, "info accepted an invalid context");
            let back = Context::from_info(&info).expect("own info decodes");
            assert_eq!(back, ctx, "info round trip changed the context");
            ctx.check_expected(&ctx).expect("a context matches itself");
        }
        Err(e) => {
            assert!(!valid, "info rejected a valid context");
            assert_eq!(e.code(), "INVALID_CONTEXT");
        }
    }
    let built = Context::new(form, field).and_then(|c| match submission {
        Some(s) => c.with_submission(s),
        None => Ok(c),
    });
    assert_eq!(built.is_ok(), valid, "constructors disagree with validate");
    if let Ok(b) = built {
        assert_eq!(b, ctx);
    }
}

// ---------------------------------------------------------------------- seal

/// The `hpke` crate's single-shot open (base mode, AES-256-GCM, empty aad)
/// with [`FUZZ_KEY`]: the reference slice-seal's own RFC 9180 engine is
/// checked against. `None` if it refuses.
pub fn hpke_open(env: &Envelope) -> Option<Vec<u8>> {
    use base64ct::Encoding;
    use hpke::Deserializable;
    type Kem = hpke::kem::DhP256HkdfSha256;
    static SK: LazyLock<<Kem as hpke::Kem>::PrivateKey> = LazyLock::new(|| {
        let d = FUZZ_KEY.to_jwk().d.expect("private JWK");
        let d = base64ct::Base64UrlUnpadded::decode_vec(d.expose()).expect("d");
        <Kem as hpke::Kem>::PrivateKey::from_bytes(&d).expect("skR")
    });
    let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(env.enc()).ok()?;
    hpke::single_shot_open::<hpke::aead::AesGcm256, hpke::kdf::HkdfSha256, Kem>(
        &hpke::OpModeR::Base,
        &SK,
        &enc,
        env.info(),
        env.ciphertext(),
        &[],
    )
    .ok()
}

/// A [`Sealer`] (the fast path: per-recipient table, prepared ephemerals,
/// RFC 9180 schedule composed in slice-seal) for [`FUZZ_KEY`]'s public key.
static SEALER: LazyLock<Mutex<Sealer>> = LazyLock::new(|| {
    Mutex::new(Sealer::pinned(FUZZ_KEY.public_key().clone(), &FUZZ_KEY.kid()).expect("pin"))
});

/// Seal arbitrary plaintext under an arbitrary context with `seal` and with
/// the [`Sealer`] fast path (a prepared or a fresh ephemeral key), then open
/// with `open` and with the `hpke` crate: invalid contexts are refused with
/// INVALID_CONTEXT; everything sealed opens to the same plaintext under the
/// same context, and its envelope text is canonical.
pub fn seal_round_trip(
    form: String,
    field: String,
    submission: Option<String>,
    plaintext: &[u8],
    prepare: bool,
) {
    let ctx = Context {
        form,
        field,
        submission,
    };
    let valid = ctx.validate().is_ok();
    let key = &*FUZZ_KEY;
    let mut sealer = SEALER.lock().unwrap_or_else(|p| p.into_inner());
    if prepare {
        assert_eq!(sealer.prepare(1).expect("prepare"), 1);
    }
    let fast = sealer.seal(plaintext, &ctx);
    drop(sealer);
    for (path, sealed) in [
        ("seal", seal_text(key.public_key(), plaintext, &ctx)),
        ("Sealer", fast),
    ] {
        match sealed {
            Ok(text) => {
                assert!(valid, "{path} accepted an invalid context");
                envelope_parse(text.as_bytes());
                let opened = open_text(key, &text, Some(&ctx))
                    .unwrap_or_else(|e| panic!("{path} output does not open: {e}"));
                assert_eq!(opened.plaintext, plaintext, "{path}: plaintext changed");
                assert_eq!(opened.context, ctx, "{path}: context changed");
                let env = Envelope::parse(&text).expect("parses");
                assert_eq!(
                    hpke_open(&env).as_deref(),
                    Some(plaintext),
                    "{path}: the hpke crate does not open it"
                );
            }
            Err(e) => {
                assert!(!valid, "{path} refused a valid context: {e}");
                assert_eq!(e.code(), "INVALID_CONTEXT", "{path}");
            }
        }
    }
}

/// [`Sealer::seal_with_agreement`] (the WebCrypto path) with arbitrary `enc`,
/// `dh` and plaintext: never panics; wrong lengths and points that are not on
/// the curve are refused; what it returns is a canonical envelope that `open`
/// and the `hpke` crate both open to the plaintext, or both refuse (`open`
/// with DECRYPT_FAILED), without panicking.
pub fn seal_with_agreement(enc: &[u8], dh: &[u8], plaintext: &[u8], form: &str) {
    let Ok(ctx) = Context::new(form, "field") else {
        return;
    };
    let sealer = SEALER.lock().unwrap_or_else(|p| p.into_inner());
    match sealer.seal_with_agreement(enc, dh, plaintext, &ctx) {
        Ok(env) => {
            assert_eq!(enc.len(), 65);
            assert_eq!(dh.len(), 32);
            assert!(
                PublicKey::from_sec1(enc).is_ok(),
                "enc off the curve accepted"
            );
            envelope_parse(env.to_string().as_bytes());
            let opened = open_envelope(&FUZZ_KEY, &env, Some(&ctx));
            if let Err(e) = &opened {
                assert_eq!(e.code(), "DECRYPT_FAILED");
            }
            let ours = opened.ok().map(|o| o.plaintext);
            assert_eq!(ours, hpke_open(&env), "open and the hpke crate disagree");
            if let Some(pt) = ours {
                assert_eq!(pt, plaintext);
            }
        }
        Err(e) => assert_eq!(e.code(), "INVALID_INPUT"),
    }
}

// ---------------------------------------------------------------- file_open

/// Arbitrary bytes as a sealed file (docs/FORMAT.md §10) opened with
/// [`FUZZ_KEY`]: never panics; every error has a code; a file that opens has
/// exactly the announced length and size, and opens to the same plaintext
/// chunk by chunk (`open_chunk`) as whole (`open_body`). Returns 1 if it opened.
pub fn file_open(data: &[u8]) -> usize {
    use slice_seal::FileOpener;
    // The mixed keyring opens the header exactly when one of its keys does.
    let single = FileOpener::new(&FUZZ_KEY, data, None);
    let hybrid = FileOpener::new_hybrid(&FUZZ_HYBRID_KEY, data, None);
    let opener = match FileOpener::with_keyring(&FUZZ_RING, data, None) {
        Ok(o) => {
            let by_key = single.as_ref().or(hybrid.as_ref()).expect("a key opens it");
            assert_eq!((by_key.kid(), by_key.meta()), (o.kid(), o.meta()));
            o
        }
        Err(e) => {
            error_ok(&e, None);
            assert!(
                single.is_err() && hybrid.is_err(),
                "the keyring refused a header: {e}"
            );
            return 0;
        }
    };
    let meta = opener.meta().clone();
    let body = &data[opener.preamble_len()..];
    let mut stepwise = FileOpener::with_keyring(&FUZZ_RING, data, None).expect("opened once");
    match opener.open_body(body) {
        Ok(plain) => {
            assert_eq!(plain.len() as u64, meta.size);
            assert_eq!(body.len() as u64, meta.body_len());
            let mut rest = body;
            let mut again = Vec::new();
            while let Some(n) = stepwise.next_chunk_len() {
                let (chunk, tail) = rest.split_at(n);
                again.extend_from_slice(&stepwise.open_chunk(chunk).expect("chunk opened before"));
                rest = tail;
            }
            stepwise.finish().expect("all chunks opened");
            assert_eq!(again, *plain);
            1
        }
        Err(e) => {
            error_ok(&e, None);
            0
        }
    }
}
