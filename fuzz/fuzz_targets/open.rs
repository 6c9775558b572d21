//! Arbitrary envelope text opened with a fixed private key (a fuzzing-only
//! key, fuzz/fixtures/fuzz-only.private.jwk, to which the seed envelopes in
//! fuzz/corpus/open/ are sealed), without and with expected contexts.
//!
//! Properties: never panics; a successful open agrees with the parser (kid,
//! context) and with the expected context; an envelope that opens without an
//! expected context also opens when its own context is expected.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use slice_seal::{Context, Envelope, PrivateKey, open, open_envelope};

static KEY: LazyLock<PrivateKey> = LazyLock::new(|| {
    PrivateKey::from_jwk_json(include_str!("../fixtures/fuzz-only.private.jwk"))
        .expect("fixture key")
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

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let key = &*KEY;
    let free = open(key, text, None);
    if let Ok(opened) = &free {
        let env = Envelope::parse(text).expect("an envelope that opened must parse");
        assert_eq!(opened.kid, key.kid());
        assert_eq!(opened.kid, env.kid());
        assert_eq!(&opened.context, env.context());
        assert!(opened.plaintext.len() <= slice_seal::MAX_PLAINTEXT);
        let own = open_envelope(key, &env, Some(&opened.context))
            .expect("an envelope must open under its own context");
        assert_eq!(own, *opened);
    }
    for want in EXPECTED.iter() {
        match open(key, text, Some(want)) {
            Ok(opened) => {
                assert!(
                    free.is_ok(),
                    "opened with an expected context but not without"
                );
                opened
                    .context
                    .check_expected(want)
                    .expect("opened under a context that was not expected");
                assert_eq!(Some(&opened), free.as_ref().ok());
            }
            Err(e) => {
                assert!(!e.code().is_empty());
                let _ = e.to_string();
            }
        }
    }
});
