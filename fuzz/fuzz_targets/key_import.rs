//! Every key importer on arbitrary input: JWK JSON (public and private),
//! JWKS JSON + `find` / `single`, PEM public / private (PKCS#8 and SEC1),
//! the text auto-detectors, SEC1 points, PKCS#8 DER, SPKI DER, raw scalars.
//!
//! Properties: never panics; an imported key survives a round trip through
//! every export format unchanged; the kid a JWK claims is the thumbprint; an
//! error message never repeats the private `d` it was given.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slice_seal::{Error, Jwk, Jwks, PrivateKey, PublicKey, thumbprint};

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
    assert_eq!(
        &Jwks::from_json(&jwks.to_json())
            .expect("own JWKS")
            .single()
            .expect("one key"),
        pk
    );
}

fn private_round_trip(sk: &PrivateKey) {
    public_round_trip(sk.public_key());
    let jwk = sk.to_jwk();
    let again = PrivateKey::from_jwk(&jwk).expect("own private JWK");
    assert_eq!(again.public_key(), sk.public_key());
    let pem = sk.to_pkcs8_pem();
    let again = PrivateKey::from_pem(&pem).expect("own PKCS#8 PEM");
    assert_eq!(again.public_key(), sk.public_key());
}

fn error_ok(e: &Error, secret: Option<&str>) {
    let msg = e.to_string();
    assert!(!e.code().is_empty() && !msg.is_empty());
    if let Some(d) = secret {
        // Short strings ("EC", "x") can occur in any message by chance.
        if d.len() >= 16 {
            assert!(!msg.contains(d), "error message repeats the private d");
        }
    }
}

fn text(t: &str) {
    let jwk = Jwk::from_json(t).ok();
    let d = jwk
        .as_ref()
        .and_then(|j| j.d.as_ref())
        .map(|d| d.expose().to_owned());
    if let Some(jwk) = &jwk {
        // Debug of a JWK must not show the secret.
        if let Some(d) = &d {
            if d.len() >= 16 {
                assert!(!format!("{jwk:?}").contains(d.as_str()), "Debug shows d");
            }
        }
        match thumbprint(jwk) {
            Ok(kid) => assert_eq!(kid.len(), 43),
            Err(e) => error_ok(&e, d.as_deref()),
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
        Err(e) => error_ok(&e, d.as_deref()),
    }
    match PrivateKey::from_jwk_json(t) {
        Ok(sk) => private_round_trip(&sk),
        Err(e) => error_ok(&e, d.as_deref()),
    }
    match Jwks::from_json(t) {
        Ok(set) => {
            let mut kids: Vec<String> = set.keys.iter().filter_map(|k| k.kid.clone()).collect();
            kids.push("rtqYVbKqDRgNNpJDwum9_LeHlObzfQWZ0kIEdZLdRcs".into());
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
        Err(e) => error_ok(&e, d.as_deref()),
    }
    match PrivateKey::parse(t) {
        Ok(sk) => private_round_trip(&sk),
        Err(e) => error_ok(&e, d.as_deref()),
    }
}

fn bytes(b: &[u8]) {
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

fuzz_target!(|data: &[u8]| {
    if let Ok(t) = core::str::from_utf8(data) {
        text(t);
    }
    bytes(data);
});
