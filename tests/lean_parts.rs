//! The byte-level hazmat entry points of the lean browser module
//! (wasm-lean/): the same envelope bytes and key checks as the full path.

use slice_seal::hazmat::{encapsulation_unchecked, jwk_point_unchecked, seal_to_kid};
use slice_seal::{Context, Jwk, PrivateKey, PublicKey, open, seal_with_agreement};

fn ctx() -> Context {
    Context::new("vetting-step-1", "full-name")
        .unwrap()
        .with_submission("s-1")
        .unwrap()
}

#[test]
fn seal_to_kid_matches_seal_with_agreement_byte_for_byte() {
    let key = PrivateKey::generate().unwrap();
    let eph = PrivateKey::generate().unwrap();
    let dh = slice_seal::primitives::ecdh(&eph, key.public_key());
    let enc = eph.public_key().to_sec1(false);
    let pk_rm: [u8; 65] = key.public_key().to_sec1(false).try_into().unwrap();
    let reference = seal_with_agreement(key.public_key(), &enc, &*dh, b"Ada", &ctx()).unwrap();
    let encap = encapsulation_unchecked(&pk_rm, &enc, &*dh).unwrap();
    let lean = seal_to_kid(encap, key.public_key().kid_bytes(), b"Ada", &ctx()).unwrap();
    assert_eq!(lean.to_string(), reference.to_string());
    assert_eq!(
        open(&key, &lean.to_string(), Some(&ctx()))
            .unwrap()
            .plaintext,
        b"Ada"
    );
    // Shapes only: a compressed or short enc, a short dh.
    assert_eq!(
        encapsulation_unchecked(&pk_rm, &enc[..33], &*dh)
            .err()
            .unwrap()
            .code(),
        "INVALID_INPUT"
    );
    let mut bad = enc.clone();
    bad[0] = 0x02;
    assert_eq!(
        encapsulation_unchecked(&pk_rm, &bad, &*dh)
            .err()
            .unwrap()
            .code(),
        "INVALID_INPUT"
    );
    assert_eq!(
        encapsulation_unchecked(&pk_rm, &enc, &dh[..31])
            .err()
            .unwrap()
            .code(),
        "INVALID_INPUT"
    );
    // Inputs checked before sealing, as every sealing path checks them.
    let encap = encapsulation_unchecked(&pk_rm, &enc, &*dh).unwrap();
    let bad_ctx = Context {
        form: String::new(),
        field: "a".into(),
        submission: None,
    };
    assert_eq!(
        seal_to_kid(encap, key.public_key().kid_bytes(), b"x", &bad_ctx)
            .unwrap_err()
            .code(),
        "INVALID_CONTEXT"
    );
}

#[test]
fn jwk_point_unchecked_checks_as_from_jwk_except_the_curve() {
    let key = PrivateKey::generate().unwrap();
    let jwk = key.public_key().to_jwk();
    let (point, kid) = jwk_point_unchecked(&jwk).unwrap();
    assert_eq!(point.to_vec(), key.public_key().to_sec1(false));
    assert_eq!(&kid, key.public_key().kid_bytes());
    let cases: Vec<Jwk> = vec![
        Jwk {
            kty: None,
            ..jwk.clone()
        },
        Jwk {
            kty: Some("RSA".into()),
            ..jwk.clone()
        },
        Jwk {
            crv: Some("P-384".into()),
            ..jwk.clone()
        },
        Jwk {
            x: None,
            ..jwk.clone()
        },
        Jwk {
            y: Some("AAAA".into()),
            ..jwk.clone()
        },
        Jwk {
            x: Some(format!("{}=", jwk.x.clone().unwrap())),
            ..jwk.clone()
        },
        Jwk {
            kid: Some(PrivateKey::generate().unwrap().kid()),
            ..jwk.clone()
        },
    ];
    for bad in cases {
        let full = PublicKey::from_jwk(&bad).unwrap_err();
        let lean = jwk_point_unchecked(&bad).unwrap_err();
        assert_eq!(
            (lean.code(), lean.to_string()),
            (full.code(), full.to_string()),
            "{bad:?}"
        );
    }
    // Off the curve: refused by from_jwk, left to WebCrypto by the lean check.
    let off = Jwk {
        y: jwk.x.clone(),
        kid: None,
        ..jwk.clone()
    };
    assert_eq!(PublicKey::from_jwk(&off).unwrap_err().code(), "INVALID_KEY");
    assert!(jwk_point_unchecked(&off).is_ok());
}
