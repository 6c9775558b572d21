//! Arbitrary bytes as envelope text and as an envelope body.
//!
//! Properties: parsing never panics; whatever parses is canonical — its text
//! form (`Display`) and its body (`to_body`) reproduce the input exactly and
//! re-parse to an equal value; its context re-encodes to its `info`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slice_seal::{Envelope, Error};

fn check(env: &Envelope) {
    let text = env.to_string();
    let again = Envelope::parse(&text).expect("Display output of a parsed envelope must parse");
    assert_eq!(&again, env, "text round trip changed the envelope");
    let body = env.to_body();
    let again = Envelope::from_body(&body).expect("to_body output must parse");
    assert_eq!(&again, env, "body round trip changed the envelope");
    assert_eq!(
        env.context().info().expect("a parsed context is valid"),
        env.info(),
        "context does not re-encode to the envelope's info"
    );
    assert_eq!(env.kid().len(), 43);
    assert_eq!(env.ciphertext().len() >= 16, true);
    // Debug must not print ciphertext bytes; it must not panic either.
    let _ = format!("{env:?}");
}

fn check_error(e: &Error) {
    assert!(!e.code().is_empty());
    assert!(!e.to_string().is_empty());
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = core::str::from_utf8(data) {
        match Envelope::parse(text) {
            Ok(env) => {
                check(&env);
                // Canonical: only one text form per envelope.
                assert_eq!(
                    env.to_string(),
                    text,
                    "non-canonical envelope text accepted"
                );
            }
            Err(e) => check_error(&e),
        }
        let _ = text.parse::<Envelope>();
    }
    match Envelope::from_body(data) {
        Ok(env) => {
            check(&env);
            assert_eq!(env.to_body(), data, "non-canonical envelope body accepted");
        }
        Err(e) => check_error(&e),
    }
});
