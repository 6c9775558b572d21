//! Key import and export: JWK / JWKS, RFC 7638 thumbprints, SPKI, PKCS#8,
//! SEC1, and every way a key can be malformed.

use base64ct::{Base64UrlUnpadded, Encoding};
use sha2::{Digest, Sha256};
use slice_seal::{JWK_ALG, Jwk, JwkSecret, Jwks, PrivateKey, PublicKey, primitives, thumbprint};
use zeroize::{Zeroize, Zeroizing};

/// RFC 7517 Appendix A.1 / A.2: the P-256 example key (public members, and
/// `d` from A.2).
const A_X: &str = "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4";
const A_Y: &str = "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM";
const A_D: &str = "870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE";
/// Its RFC 7638 SHA-256 thumbprint, computed independently with Node.js 20's
/// `node:crypto` (not with this crate):
/// `crypto.createHash("sha256").update('{"crv":"P-256","kty":"EC","x":"<x>","y":"<y>"}').digest("base64url")`.
const A_THUMBPRINT: &str = "cn-I_WNMClehiVp51i_0VpOENW1upEerA8sEam5hn-s";

/// RFC 7515 Appendix A.3: the ES256 example key.
const B_X: &str = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
const B_Y: &str = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
const B_D: &str = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";
/// Computed the same way with Node.js `node:crypto`.
const B_THUMBPRINT: &str = "oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U";
/// The RFC 7515 A.3 x with a corrupted y (one that circulates in copies of the
/// example): Node.js WebCrypto `importKey` rejects it as not on the curve.
const B_Y_CORRUPT: &str = "x_FEzRjGk_sKb0rRGNIZCwXl9nS-NYaiEMFUMCsCSIc";

/// The RFC 7517 A.2 key exported by Node.js 20 (`createPrivateKey({key: jwk,
/// format: "jwk"}).export({type: "pkcs8" | "sec1", format: "pem"})` and the
/// public key's `{type: "spki", format: "pem"}`).
const A_PKCS8_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg870MB6gfuTJ4HtUn
UvYMyJpr5eUZNP4Bk43bVdj3eAGhRANCAAQwoEJM0hwpRIOKLXXJKzfnbqINnwCJ
OjtO7oo8Cq/sPuBLZekkVtmIi1Kzeb371R7oae8fD8ZbZllpW2zOCBcj
-----END PRIVATE KEY-----
";
const A_SEC1_PEM: &str = "-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIPO9DAeoH7kyeB7VJ1L2DMiaa+XlGTT+AZON21XY93gBoAoGCCqGSM49
AwEHoUQDQgAEMKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D7gS2XpJFbZ
iItSs3m9+9Ue6GnvHw/GW2ZZaVtszggXIw==
-----END EC PRIVATE KEY-----
";
const A_SPKI_PEM: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEMKBCTNIcKUSDii11ySs3526iDZ8A
iTo7Tu6KPAqv7D7gS2XpJFbZiItSs3m9+9Ue6GnvHw/GW2ZZaVtszggXIw==
-----END PUBLIC KEY-----
";

/// The order n of the P-256 group.
const N_HEX: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

fn code<T: std::fmt::Debug>(r: slice_seal::Result<T>) -> &'static str {
    r.expect_err("expected an error").code()
}

fn jwk(x: &str, y: &str) -> Jwk {
    Jwk {
        kty: Some("EC".into()),
        crv: Some("P-256".into()),
        x: Some(x.into()),
        y: Some(y.into()),
        ..Jwk::default()
    }
}

fn private_jwk(x: &str, y: &str, d: &str) -> Jwk {
    Jwk {
        d: Some(JwkSecret::new(d.into())),
        ..jwk(x, y)
    }
}

fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

// ------------------------------------------------------------ thumbprints

#[test]
fn rfc7517_example_key_thumbprint_matches_independent_value() {
    let pk = PublicKey::from_jwk(&jwk(A_X, A_Y)).unwrap();
    assert_eq!(pk.kid(), A_THUMBPRINT);
    assert_eq!(thumbprint(&jwk(A_X, A_Y)).unwrap(), A_THUMBPRINT);
    assert_eq!(b64(pk.kid_bytes()), A_THUMBPRINT);
    let pk = PublicKey::from_jwk(&jwk(B_X, B_Y)).unwrap();
    assert_eq!(pk.kid(), B_THUMBPRINT);
    // A JWK's own kid that is not its thumbprint is refused: RFC 7517 A.1
    // labels this key kid "1".
    let mut labelled = jwk(A_X, A_Y);
    labelled.kid = Some("1".into());
    let err = PublicKey::from_jwk(&labelled).unwrap_err();
    assert_eq!(err.code(), "KID_MISMATCH");
    assert!(err.to_string().contains(A_THUMBPRINT), "{err}");
    // thumbprint() ignores kid and d.
    assert_eq!(thumbprint(&labelled).unwrap(), A_THUMBPRINT);
}

#[test]
fn thumbprint_is_sha256_of_canonical_json() {
    for _ in 0..4 {
        let key = PrivateKey::generate().unwrap();
        let j = key.public_key().to_jwk();
        // RFC 7638 §3.2: required members only, lexicographic order, no spaces.
        let canonical = format!(
            r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
            j.x.as_deref().unwrap(),
            j.y.as_deref().unwrap()
        );
        let digest = Sha256::digest(canonical.as_bytes());
        assert_eq!(key.kid(), b64(&digest));
        assert_eq!(key.public_key().kid_bytes().as_slice(), digest.as_slice());
        assert_eq!(j.kid.as_deref(), Some(key.kid().as_str()));
    }
}

// ------------------------------------------------------------ round trips

#[test]
fn public_jwk_round_trip() {
    let key = PrivateKey::generate().unwrap();
    let pk = key.public_key();
    let j = pk.to_jwk();
    assert_eq!(j.kty.as_deref(), Some("EC"));
    assert_eq!(j.crv.as_deref(), Some("P-256"));
    assert_eq!(j.use_.as_deref(), Some("enc"));
    assert_eq!(j.alg.as_deref(), Some(JWK_ALG));
    assert!(j.d.is_none());
    assert_eq!(j.x.as_ref().unwrap().len(), 43);
    assert_eq!(j.y.as_ref().unwrap().len(), 43);
    let json = j.to_json();
    assert!(!json.contains("\"d\""));
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["use"], "enc");
    assert_eq!(&PublicKey::from_jwk_json(&json).unwrap(), pk);
    assert_eq!(&PublicKey::parse(&json).unwrap(), pk);
    assert_eq!(Jwk::from_json(&json).unwrap(), j);
}

#[test]
fn private_jwk_round_trip() {
    let key = PrivateKey::generate().unwrap();
    let j = key.to_jwk();
    let d = j.d.as_ref().expect("private JWK has d").expose().to_owned();
    assert_eq!(d.len(), 43);
    let json = j.to_json();
    // Valid JSON, all members present, d intact.
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    for m in ["kty", "crv", "x", "y", "d", "kid", "use", "alg"] {
        assert!(value.get(m).is_some(), "member {m} missing in {}", value);
    }
    assert_eq!(value["d"], d.as_str());
    assert_eq!(Jwk::from_json(&json).unwrap(), j);
    let back = PrivateKey::from_jwk_json(&json).unwrap();
    assert_eq!(back.kid(), key.kid());
    assert_eq!(*back.to_pkcs8_pem(), *key.to_pkcs8_pem());
    assert_eq!(PrivateKey::parse(&json).unwrap().kid(), key.kid());
    // The public part of a private JWK imports as the public key.
    assert_eq!(PublicKey::from_jwk_json(&json).unwrap(), *key.public_key());
}

#[test]
fn jwk_to_json_escapes_any_member() {
    // Jwk is a plain data type: to_json must produce valid JSON that parses
    // back to the same value whatever its members hold.
    let odd = "a\"b\\c\u{1}\n\u{1f}é\u{2028}😀";
    for d in [None, Some(""), Some(odd), Some(A_D)] {
        for kid in [None, Some(odd)] {
            let j = Jwk {
                d: d.map(|d| JwkSecret::new(d.into())),
                kid: kid.map(Into::into),
                alg: Some(odd.into()),
                ..Jwk::default()
            };
            let json = j.to_json();
            assert_eq!(Jwk::from_json(&json).unwrap(), j, "{}", &*json);
        }
    }
    assert_eq!(*Jwk::default().to_json(), "{}");
    let only_d = Jwk {
        d: Some(JwkSecret::new("x".into())),
        ..Jwk::default()
    };
    assert_eq!(*only_d.to_json(), r#"{"d":"x"}"#);
}

#[test]
fn rfc7517_private_key_matches_node_exports() {
    let key = PrivateKey::from_jwk(&private_jwk(A_X, A_Y, A_D)).unwrap();
    assert_eq!(key.kid(), A_THUMBPRINT);
    let from_pkcs8 = PrivateKey::from_pem(A_PKCS8_PEM).unwrap();
    let from_sec1 = PrivateKey::from_pem(A_SEC1_PEM).unwrap();
    assert_eq!(from_pkcs8.kid(), A_THUMBPRINT);
    assert_eq!(from_sec1.kid(), A_THUMBPRINT);
    assert_eq!(PrivateKey::parse(A_PKCS8_PEM).unwrap().kid(), A_THUMBPRINT);
    assert_eq!(from_pkcs8.to_jwk().d.unwrap().expose(), A_D);
    // SPKI DER is deterministic: ours must be byte-identical to Node's.
    assert_eq!(key.public_key().to_spki_pem(), A_SPKI_PEM);
    assert_eq!(
        PublicKey::from_spki_pem(A_SPKI_PEM).unwrap(),
        *key.public_key()
    );
    assert_eq!(PublicKey::parse(A_SPKI_PEM).unwrap(), *key.public_key());
    // RFC 7515 A.3 private key, too.
    let b = PrivateKey::from_jwk(&private_jwk(B_X, B_Y, B_D)).unwrap();
    assert_eq!(b.kid(), B_THUMBPRINT);
}

#[test]
fn spki_pkcs8_sec1_round_trips() {
    let key = PrivateKey::generate().unwrap();
    let pk = key.public_key();
    let der = pk.to_spki_der();
    assert_eq!(der.len(), 91);
    assert_eq!(&PublicKey::from_spki_der(&der).unwrap(), pk);
    let pem = pk.to_spki_pem();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{pem}");
    assert_eq!(&PublicKey::from_spki_pem(&pem).unwrap(), pk);
    assert_eq!(
        &PublicKey::from_spki_pem(&format!("\n  {pem}\n")).unwrap(),
        pk
    );
    assert_eq!(&PublicKey::parse(&pem).unwrap(), pk);

    let p8 = key.to_pkcs8_pem();
    assert!(p8.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    let back = PrivateKey::from_pem(&p8).unwrap();
    assert_eq!(back.kid(), key.kid());
    assert_eq!(*back.to_pkcs8_pem(), *p8);
    assert_eq!(PrivateKey::parse(&p8).unwrap().kid(), key.kid());

    let unc = pk.to_sec1(false);
    let com = pk.to_sec1(true);
    assert_eq!(unc.len(), 65);
    assert_eq!(unc[0], 0x04);
    assert_eq!(com.len(), 33);
    assert!(com[0] == 0x02 || com[0] == 0x03);
    assert_eq!(com[1..], unc[1..33]);
    assert_eq!(&PublicKey::from_sec1(&unc).unwrap(), pk);
    assert_eq!(&PublicKey::from_sec1(&com).unwrap(), pk);
    assert_eq!(PublicKey::from_sec1(&com).unwrap().to_sec1(false), unc);

    // Raw scalar round trip through the JWK d.
    let d = Base64UrlUnpadded::decode_vec(key.to_jwk().d.unwrap().expose()).unwrap();
    assert_eq!(PrivateKey::from_bytes(&d).unwrap().kid(), key.kid());
}

// ------------------------------------------------------------ JWKS

#[test]
fn jwks_find_and_single() {
    let a = PrivateKey::generate().unwrap();
    let b = PrivateKey::generate().unwrap();
    let one = Jwks::from_public(a.public_key());
    let parsed = Jwks::from_json(&one.to_json()).unwrap();
    assert_eq!(parsed, one);
    assert_eq!(&parsed.single().unwrap(), a.public_key());
    assert_eq!(&parsed.find(&a.kid()).unwrap(), a.public_key());
    assert_eq!(&PublicKey::parse(&one.to_json()).unwrap(), a.public_key());
    let err = parsed.find(&b.kid()).unwrap_err();
    assert_eq!(err.code(), "KEY_NOT_FOUND");
    assert!(err.to_string().contains(&b.kid()), "{err}");

    let two = Jwks {
        keys: vec![a.public_key().to_jwk(), b.public_key().to_jwk()],
    };
    let two = Jwks::from_json(&two.to_json()).unwrap();
    assert_eq!(&two.find(&a.kid()).unwrap(), a.public_key());
    assert_eq!(&two.find(&b.kid()).unwrap(), b.public_key());
    assert_eq!(code(two.single()), "INVALID_KEY");
    assert_eq!(code(PublicKey::parse(&two.to_json())), "INVALID_KEY");
    assert_eq!(code(Jwks { keys: vec![] }.single()), "INVALID_KEY");

    // A key without a kid is found by its thumbprint.
    let mut no_kid = b.public_key().to_jwk();
    no_kid.kid = None;
    let set = Jwks {
        keys: vec![a.public_key().to_jwk(), no_kid],
    };
    assert_eq!(&set.find(&b.kid()).unwrap(), b.public_key());
    assert_eq!(code(set.find("nope")), "KEY_NOT_FOUND");

    // A key that claims the kid but is broken is an error, not skipped.
    let mut broken = a.public_key().to_jwk();
    broken.y = b.public_key().to_jwk().y;
    let set = Jwks { keys: vec![broken] };
    assert_eq!(code(set.find(&a.kid())), "INVALID_KEY");

    for bad in ["{}", r#"{"keys":{}}"#, r#"{"keys":[1]}"#, "[", ""] {
        assert_eq!(code(Jwks::from_json(bad)), "INVALID_KEY", "{bad}");
    }
}

// ------------------------------------------------------------ rejections

#[test]
fn off_curve_and_identity_points_are_rejected() {
    assert_eq!(
        code(PublicKey::from_jwk(&jwk(B_X, B_Y_CORRUPT))),
        "INVALID_KEY"
    );
    let key = PrivateKey::generate().unwrap();
    let mut unc = key.public_key().to_sec1(false);
    unc[64] ^= 1;
    assert_eq!(code(PublicKey::from_sec1(&unc)), "INVALID_KEY");
    let j = jwk(&b64(&unc[1..33]), &b64(&unc[33..]));
    assert_eq!(code(PublicKey::from_jwk(&j)), "INVALID_KEY");
    // All-zero coordinates (0, 0) are not on the curve.
    let zero = b64(&[0u8; 32]);
    assert_eq!(code(PublicKey::from_jwk(&jwk(&zero, &zero))), "INVALID_KEY");
    // The point at infinity.
    assert_eq!(code(PublicKey::from_sec1(&[0x00])), "INVALID_KEY");
    let mut inf = vec![0u8; 65];
    assert_eq!(code(PublicKey::from_sec1(&inf)), "INVALID_KEY");
    inf[0] = 0x04;
    assert_eq!(code(PublicKey::from_sec1(&inf)), "INVALID_KEY");
    // Wrong lengths: truncated or zero-extended uncompressed points.
    let good = key.public_key().to_sec1(false);
    for (len, what) in [
        (0usize, "empty"),
        (1, "tag only"),
        (32, "short"),
        (64, "65-1"),
        (66, "65+1"),
    ] {
        let mut b = good.clone();
        b.resize(len, 0);
        assert_eq!(code(PublicKey::from_sec1(&b)), "INVALID_KEY", "{what}");
    }
    let mut com = key.public_key().to_sec1(true);
    com.push(0);
    assert_eq!(
        code(PublicKey::from_sec1(&com)),
        "INVALID_KEY",
        "34-byte compressed"
    );
    assert_eq!(
        code(PublicKey::from_sec1(&com[..32])),
        "INVALID_KEY",
        "32-byte compressed"
    );
    for tag in [0x01u8, 0x05, 0x06, 0x07, 0xff] {
        let mut b = good.clone();
        b[0] = tag;
        assert_eq!(
            code(PublicKey::from_sec1(&b)),
            "INVALID_KEY",
            "tag {tag:#x}"
        );
    }
}

#[test]
fn malformed_public_jwks_are_rejected() {
    let good = jwk(A_X, A_Y);
    let x = Base64UrlUnpadded::decode_vec(A_X).unwrap();
    let mut cases: Vec<(&str, Jwk)> = Vec::new();
    let with = |f: &dyn Fn(&mut Jwk)| {
        let mut j = good.clone();
        f(&mut j);
        j
    };
    cases.push(("x 31 bytes", with(&|j| j.x = Some(b64(&x[..31])))));
    cases.push((
        "x 33 bytes",
        with(&|j| j.x = Some(b64(&[x.as_slice(), &[0]].concat()))),
    ));
    cases.push((
        "x 33 bytes (leading 0)",
        with(&|j| j.x = Some(b64(&[&[0], x.as_slice()].concat()))),
    ));
    cases.push(("x padded", with(&|j| j.x = Some(format!("{A_X}=")))));
    cases.push(("y padded", with(&|j| j.y = Some(format!("{A_Y}=")))));
    cases.push((
        "x standard base64",
        with(&|j| j.x = Some(A_X.replace('-', "+").replace('_', "/") + "+")),
    ));
    cases.push((
        "y with '/'",
        with(&|j| j.y = Some(A_Y.replacen('4', "/", 1))),
    ));
    cases.push((
        "x with space",
        with(&|j| j.x = Some(format!(" {}", &A_X[1..]))),
    ));
    cases.push(("x empty", with(&|j| j.x = Some(String::new()))));
    cases.push(("x 44 chars", with(&|j| j.x = Some(format!("{A_X}A")))));
    // Non-canonical: the last character of 32 bytes carries 2 unused bits.
    let last = A_X.chars().last().unwrap();
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let idx = alphabet.find(last).unwrap();
    let noncanon = alphabet.as_bytes()[idx ^ 1] as char;
    cases.push((
        "x non-canonical",
        with(&|j| j.x = Some(format!("{}{noncanon}", &A_X[..42]))),
    ));
    cases.push(("kty RSA", with(&|j| j.kty = Some("RSA".into()))));
    cases.push(("kty OKP", with(&|j| j.kty = Some("OKP".into()))));
    cases.push(("kty ec", with(&|j| j.kty = Some("ec".into()))));
    cases.push(("crv P-384", with(&|j| j.crv = Some("P-384".into()))));
    cases.push(("crv secp256k1", with(&|j| j.crv = Some("secp256k1".into()))));
    cases.push(("crv p-256", with(&|j| j.crv = Some("p-256".into()))));
    cases.push(("no kty", with(&|j| j.kty = None)));
    cases.push(("no crv", with(&|j| j.crv = None)));
    cases.push(("no x", with(&|j| j.x = None)));
    cases.push(("no y", with(&|j| j.y = None)));
    for (what, j) in &cases {
        assert_eq!(code(PublicKey::from_jwk(j)), "INVALID_KEY", "{what}");
        let json = serde_json::to_string(j).unwrap();
        assert_eq!(
            code(PublicKey::from_jwk_json(&json)),
            "INVALID_KEY",
            "{what} (JSON)"
        );
    }
    // Same thing through JSON with wrong member types.
    for json in [
        r#"{"kty":"EC","crv":"P-256","x":1,"y":"a"}"#,
        r#"{"kty":["EC"],"crv":"P-256"}"#,
        r#"{"kty":"EC","crv":"P-256","x":null}"#,
        r#"[]"#,
        r#"{"kty":"EC""#,
        "",
        "not json",
    ] {
        assert_eq!(
            code(PublicKey::from_jwk_json(json)),
            "INVALID_KEY",
            "{json}"
        );
    }
    assert_eq!(code(PublicKey::parse("hello")), "INVALID_KEY");
    assert_eq!(code(PublicKey::from_spki_der(&[0x30, 0x00])), "INVALID_KEY");
    assert_eq!(
        code(PublicKey::from_spki_pem(
            "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----"
        )),
        "INVALID_KEY"
    );
    // An SPKI PEM given where a private key is expected, and vice versa.
    assert_eq!(code(PrivateKey::from_pem(A_SPKI_PEM)), "INVALID_KEY");
    assert_eq!(code(PublicKey::from_spki_pem(A_PKCS8_PEM)), "INVALID_KEY");
}

#[test]
fn malformed_private_keys_are_rejected() {
    let n = hex::decode(N_HEX).unwrap();
    let mut n_plus_1 = n.clone();
    n_plus_1[31] += 1;
    let mut n_minus_1 = n.clone();
    n_minus_1[31] -= 1;
    // n - 1 is the largest valid scalar.
    assert!(PrivateKey::from_bytes(&n_minus_1).is_ok());
    let mut one = [0u8; 32];
    one[31] = 1;
    assert!(PrivateKey::from_bytes(&one).is_ok());
    for (what, d) in [
        ("d = 0", vec![0u8; 32]),
        ("d = n", n.clone()),
        ("d = n + 1", n_plus_1.clone()),
        ("d = 2^256 - 1", vec![0xff; 32]),
        ("d 31 bytes", vec![1u8; 31]),
        ("d 33 bytes", [&[0u8][..], &one].concat()),
        ("d empty", vec![]),
    ] {
        assert_eq!(code(PrivateKey::from_bytes(&d)), "INVALID_KEY", "{what}");
        let j = private_jwk(A_X, A_Y, &b64(&d));
        assert_eq!(
            code(PrivateKey::from_jwk(&j)),
            "INVALID_KEY",
            "{what} (JWK)"
        );
    }
    let good = private_jwk(A_X, A_Y, A_D);
    assert!(PrivateKey::from_jwk(&good).is_ok());
    // x/y of another key.
    assert_eq!(
        code(PrivateKey::from_jwk(&private_jwk(B_X, B_Y, A_D))),
        "INVALID_KEY"
    );
    // Off-curve x/y with a valid d.
    assert_eq!(
        code(PrivateKey::from_jwk(&private_jwk(B_X, B_Y_CORRUPT, B_D))),
        "INVALID_KEY"
    );
    // Public JWK where a private key is required.
    let err = PrivateKey::from_jwk(&jwk(A_X, A_Y)).unwrap_err();
    assert_eq!(err.code(), "INVALID_KEY");
    assert!(err.to_string().contains("public"), "{err}");
    // Missing x / y alongside d, wrong kty / crv, bad base64 d.
    for (what, f) in [
        ("no x", &(|j: &mut Jwk| j.x = None) as &dyn Fn(&mut Jwk)),
        ("no y", &|j: &mut Jwk| j.y = None),
        ("kty", &|j: &mut Jwk| j.kty = Some("oct".into())),
        ("crv", &|j: &mut Jwk| j.crv = Some("P-521".into())),
        ("d padded", &|j: &mut Jwk| {
            j.d = Some(JwkSecret::new(format!("{A_D}=")))
        }),
    ] {
        let mut j = good.clone();
        f(&mut j);
        assert_eq!(code(PrivateKey::from_jwk(&j)), "INVALID_KEY", "{what}");
    }
    // Standard (not URL-safe) base64 for d.
    assert!(PrivateKey::from_jwk(&private_jwk(B_X, B_Y, B_D)).is_ok());
    let std_d = B_D.replace('-', "+").replace('_', "/");
    assert_ne!(std_d, B_D);
    assert_eq!(
        code(PrivateKey::from_jwk(&private_jwk(B_X, B_Y, &std_d))),
        "INVALID_KEY"
    );
    // kid that is not the thumbprint.
    let mut wrong_kid = good.clone();
    wrong_kid.kid = Some(B_THUMBPRINT.into());
    assert_eq!(code(PrivateKey::from_jwk(&wrong_kid)), "KID_MISMATCH");
    let mut right_kid = good.clone();
    right_kid.kid = Some(A_THUMBPRINT.into());
    assert!(PrivateKey::from_jwk(&right_kid).is_ok());
    for bad in [
        "",
        "hello",
        "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----",
        "{}",
    ] {
        assert_eq!(code(PrivateKey::parse(bad)), "INVALID_KEY", "{bad:?}");
    }
    assert_eq!(
        code(PrivateKey::from_pkcs8_der(&[0x30, 0x03, 0x02, 0x01, 0x00])),
        "INVALID_KEY"
    );
}

// ------------------------------------------------------------ no secret leaks

#[test]
fn json_errors_do_not_echo_secret_values() {
    let secret_number = "98765432109876543210987654321";
    let d_hex = hex::encode(Base64UrlUnpadded::decode_vec(A_D).unwrap());
    for json in [
        format!(r#"{{"kty":"EC","crv":"P-256","x":"{A_X}","y":"{A_Y}","d":{secret_number}}}"#),
        format!(r#"{{"kty":"EC","crv":"P-256","x":"{A_X}","y":"{A_Y}","d":["{A_D}"]}}"#),
        format!(r#"{{"kty":"EC","crv":"P-256","x":"{A_X}","y":"{A_Y}","d":{{"v":"{A_D}"}}}}"#),
        format!(r#"{{"kty":"EC","crv":"P-256","d":"{A_D}","x":{secret_number}}}"#),
        format!(r#"{{"kty":"EC","crv":"P-256","d":"{A_D}"#),
        format!(r#"{{"kty":"EC","crv":"P-256","d":"{A_D}" "x":1}}"#),
        format!(r#"{{"kty":"EC","crv":"P-256","d":"{A_D}\q"}}"#),
        format!(r#"{{"keys":[{{"kty":"EC","d":{secret_number}}}]}}"#),
        // Well-formed JSON, but the d does not match x / y.
        format!(r#"{{"kty":"EC","crv":"P-256","x":"{B_X}","y":"{B_Y}","d":"{A_D}"}}"#),
        format!(r#"{{"kty":"EC","crv":"P-256","x":"{A_X}","y":"{A_Y}","d":"{A_D}A"}}"#),
    ] {
        let mut errors = vec![
            PrivateKey::from_jwk_json(&json).unwrap_err(),
            PrivateKey::parse(&json).unwrap_err(),
        ];
        if let Err(e) = Jwks::from_json(&json) {
            errors.push(e);
        }
        if let Err(e) = Jwk::from_json(&json) {
            errors.push(e);
        }
        for e in errors {
            assert_eq!(e.code(), "INVALID_KEY", "{json}");
            let msg = format!("{e} {e:?}");
            for secret in [secret_number, A_D, &A_D[..20], &d_hex] {
                assert!(!msg.contains(secret), "error echoes a secret: {msg}");
            }
        }
    }
}

#[test]
fn debug_output_redacts_the_scalar() {
    let key = PrivateKey::from_jwk(&private_jwk(A_X, A_Y, A_D)).unwrap();
    let raw = Base64UrlUnpadded::decode_vec(A_D).unwrap();
    let forms = [
        A_D.to_owned(),
        hex::encode(&raw),
        hex::encode_upper(&raw),
        format!("{:?}", raw),
        format!("{:?}", &raw[..8]).trim_end_matches(']').to_owned(),
    ];
    let jwk = key.to_jwk();
    for dbg in [
        format!("{key:?}"),
        format!("{key:#?}"),
        format!("{:?}", jwk.d.as_ref().unwrap()),
        format!("{jwk:?}"),
        format!("{jwk:#?}"),
        format!("{:?}", key.public_key()),
    ] {
        for f in &forms {
            assert!(!dbg.contains(f.as_str()), "Debug leaks d: {dbg}");
        }
    }
    assert!(format!("{key:?}").contains(A_THUMBPRINT));
}

// ------------------------------------------------------------ zeroize

/// Compiles only if the value is wrapped in `Zeroizing` (wiped on drop).
fn zeroizing<T: Zeroize>(z: Zeroizing<T>) -> Zeroizing<T> {
    z
}

/// Compiles only for zeroize-on-drop types.
fn assert_zeroize_on_drop<T: zeroize::ZeroizeOnDrop>() {}

#[test]
fn secrets_are_returned_zeroizing() {
    let a = PrivateKey::generate().unwrap();
    let b = PrivateKey::generate().unwrap();
    let s = zeroizing(primitives::ecdh(&a, b.public_key()));
    assert_eq!(*s, *primitives::ecdh(&b, a.public_key()));
    let okm = zeroizing(primitives::hkdf(b"salt", s.as_ref(), b"info", 42).unwrap());
    assert_eq!(okm.len(), 42);
    let prk = zeroizing(primitives::hkdf_extract(b"salt", s.as_ref()));
    let okm2 = zeroizing(primitives::hkdf_expand(prk.as_ref(), b"info", 42).unwrap());
    assert_eq!(*okm, *okm2);
    let pem = zeroizing(a.to_pkcs8_pem());
    assert!(pem.contains("PRIVATE KEY"));
    let json = zeroizing(a.to_jwk().to_json());
    assert!(json.contains("\"d\""));
    // The types PrivateKey holds its scalar in.
    assert_zeroize_on_drop::<p256::SecretKey>();
    assert_zeroize_on_drop::<Zeroizing<String>>();
}

/// The crate writes PKCS#8 itself (with the public key it holds, so the wasm
/// build does not recompute d·G): byte for byte what p256's encoder writes.
#[test]
fn private_key_encodings_match_p256() {
    use p256::pkcs8::{EncodePrivateKey, LineEnding};
    for _ in 0..20 {
        let key = PrivateKey::generate().unwrap();
        let d = Base64UrlUnpadded::decode_vec(key.to_jwk().d.unwrap().expose()).unwrap();
        let theirs = p256::SecretKey::from_slice(&d)
            .unwrap()
            .to_pkcs8_pem(LineEnding::LF)
            .unwrap();
        assert_eq!(*key.to_pkcs8_pem(), *theirs);
        assert_eq!(PrivateKey::from_pem(&theirs).unwrap().kid(), key.kid());
    }
}

/// [`AnyPublicKey`] / [`AnyPrivateKey`]: JWK text of either suite is read by
/// its `kty`, kid and pinning are the suite's own, the one-shot seal takes
/// the key's suite (a P-256 envelope is one `open` reads), and each key opens
/// its suite's envelopes only (`SUITE_MISMATCH` for the other).
#[test]
fn any_keys_pick_the_suite_from_the_key() {
    use slice_seal::{
        AnyPrivateKey, AnyPublicKey, Context, HYBRID_KEM_ID, HybridPrivateKey, KEM_ID,
    };
    let ctx = Context::new("f", "a").unwrap();
    let p256 = PrivateKey::generate().unwrap();
    let hybrid = HybridPrivateKey::generate().unwrap();
    let keys = [
        (AnyPrivateKey::from(p256.clone()), KEM_ID, "EC"),
        (AnyPrivateKey::from(hybrid.clone()), HYBRID_KEM_ID, "AKP"),
    ];
    let mut envs = Vec::new();
    for (key, kem, kty) in &keys {
        assert_eq!(key.kem_id(), *kem);
        let public = key.public_key();
        assert_eq!(public.kem_id(), *kem);
        assert_eq!(public.kid(), key.kid());
        let text = public.to_jwk_json();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["kty"], *kty);
        let back = AnyPublicKey::from_jwk_json(&text).unwrap();
        assert_eq!(back, public);
        assert_eq!(AnyPublicKey::parse(&text).unwrap(), public);
        assert_eq!(
            AnyPublicKey::parse(&format!("{{\"keys\":[{text}]}}")).unwrap(),
            public
        );
        back.check_kid(&key.kid()).unwrap();
        let other = if *kem == KEM_ID {
            &keys[1].0
        } else {
            &keys[0].0
        };
        assert_eq!(code(back.check_kid(&other.kid())), "KID_MISMATCH");
        // The private JWK reads back to the same key; as public text it is
        // NOT_PRIVATE_KEY.
        let private = key.to_jwk_json();
        let again = AnyPrivateKey::from_jwk_json(&private).unwrap();
        assert_eq!(again.kid(), key.kid());
        assert_eq!(AnyPrivateKey::parse(&private).unwrap().kid(), key.kid());
        assert_eq!(code(AnyPrivateKey::from_jwk_json(&text)), "NOT_PRIVATE_KEY");
        // A public JWK read as a public key drops nothing it needs.
        assert_eq!(AnyPublicKey::from_jwk_json(&private).unwrap(), public);
        let env = back.seal(b"x", &ctx).unwrap();
        assert_eq!(key.open(&env, Some(&ctx)).unwrap().plaintext, b"x");
        let e = other.open(&env, None).unwrap_err();
        assert_eq!(e.code(), "SUITE_MISMATCH", "{e}");
        envs.push(env);
    }
    // The P-256 envelope of the one-shot seal is one `open` reads and
    // `open_hybrid` refuses; the hybrid one the other way round.
    assert_eq!(
        slice_seal::open(&p256, &envs[0], None).unwrap().plaintext,
        b"x"
    );
    assert_eq!(
        code(slice_seal::open_hybrid(&hybrid, &envs[0], None)),
        "SUITE_MISMATCH"
    );
    assert_eq!(
        slice_seal::open_hybrid(&hybrid, &envs[1], None)
            .unwrap()
            .plaintext,
        b"x"
    );
    assert_eq!(
        code(slice_seal::open(&p256, &envs[1], None)),
        "SUITE_MISMATCH"
    );
    assert!(envs[0].len() < 400 && envs[1].len() > 1500);

    // A PEM is a P-256 key.
    let pem = p256.public_key().to_spki_pem();
    assert_eq!(
        AnyPublicKey::parse(&pem).unwrap(),
        AnyPublicKey::from(p256.public_key().clone())
    );
    assert_eq!(
        AnyPrivateKey::parse(&p256.to_pkcs8_pem()).unwrap().kid(),
        p256.kid()
    );
    // Any other kty, or none, or not JSON: INVALID_KEY.
    for bad in [
        r#"{"kty":"OKP","crv":"X25519","x":"AAAA"}"#,
        r#"{"kty":"RSA"}"#,
        r#"{"crv":"P-256"}"#,
        r#"{"kty":7}"#,
        "{",
        "[]",
        "not a key",
    ] {
        assert_eq!(code(AnyPublicKey::parse(bad)), "INVALID_KEY", "{bad}");
        assert_eq!(code(AnyPrivateKey::parse(bad)), "INVALID_KEY", "{bad}");
    }
    // A hybrid JWK of the wrong length is INVALID_KEY through either door.
    let mut short: serde_json::Value =
        serde_json::from_str(&hybrid.public_key().to_jwk_json()).unwrap();
    short["pub"] = b64(&[1u8; 1215]).into();
    short.as_object_mut().unwrap().remove("kid");
    assert_eq!(
        code(AnyPublicKey::from_jwk_json(&short.to_string())),
        "INVALID_KEY"
    );
}

/// A JWKS may mix both suites: a key is found by kid (or, without a kid
/// member, by thumbprint) whatever its suite; several keys need a kid; a
/// member that claims the kid but is bad is an error, not skipped.
#[test]
fn mixed_jwks_find_by_kid() {
    use slice_seal::{AnyPublicKey, HybridPrivateKey};
    let p256 = PrivateKey::generate().unwrap();
    let hybrid = HybridPrivateKey::generate().unwrap();
    let pj = p256.public_key().to_jwk().to_json().to_string();
    let hj = hybrid.public_key().to_jwk_json();
    let set = format!("{{\"keys\":[{pj},{hj}]}}");
    assert_eq!(
        AnyPublicKey::from_jwks_json(&set, &hybrid.kid()).unwrap(),
        AnyPublicKey::from(hybrid.public_key().clone())
    );
    assert_eq!(
        AnyPublicKey::from_jwks_json(&set, &p256.kid()).unwrap(),
        AnyPublicKey::from(p256.public_key().clone())
    );
    let mut no_kid: serde_json::Value = serde_json::from_str(&hj).unwrap();
    no_kid.as_object_mut().unwrap().remove("kid");
    let set2 = format!("{{\"keys\":[{pj},{no_kid}]}}");
    assert_eq!(
        AnyPublicKey::from_jwks_json(&set2, &hybrid.kid())
            .unwrap()
            .kid(),
        hybrid.kid()
    );
    assert_eq!(
        code(AnyPublicKey::from_jwks_json(&set, "nope")),
        "KEY_NOT_FOUND"
    );
    assert_eq!(code(AnyPublicKey::parse(&set)), "INVALID_KEY");
    assert_eq!(code(AnyPublicKey::parse(r#"{"keys":[]}"#)), "INVALID_KEY");
    let mut bad: serde_json::Value = serde_json::from_str(&hj).unwrap();
    bad["pub"] = b64(&[0xffu8; 1216]).into();
    let set3 = format!("{{\"keys\":[{bad},{pj}]}}");
    assert_eq!(
        code(AnyPublicKey::from_jwks_json(&set3, &hybrid.kid())),
        "INVALID_KEY"
    );
    assert_eq!(
        code(AnyPublicKey::from_jwks_json(r#"{"other":1}"#, "k")),
        "INVALID_KEY"
    );
}

/// A keyring holds P-256 and hybrid keys together: parse / to_json / add /
/// get / public_jwks / open / open_batch; the envelope's kid and suite pick
/// the key; a key of the other suite under that kid is SUITE_MISMATCH; a
/// hybrid member's errors are named by index and its secret is not echoed.
#[test]
fn keyrings_mix_both_suites() {
    use slice_seal::{
        AnyPrivateKey, AnyPublicKey, Context, HybridEnvelope, HybridPrivateKey, Keyring,
        seal_hybrid,
    };
    let ctx = Context::new("f", "a").unwrap();
    let p = PrivateKey::generate().unwrap();
    let h = HybridPrivateKey::generate().unwrap();
    let h2 = HybridPrivateKey::generate().unwrap();
    let mut ring = Keyring::new();
    ring.add(p.clone(), Some("2026-12-01T07:30:00Z".into()))
        .unwrap();
    ring.add(h.clone(), Some("2026-12-01T08:00:00Z".into()))
        .unwrap();
    assert_eq!(code(ring.add(h.clone(), None)), "DUPLICATE_KID");
    assert!(matches!(ring.get(&h.kid()), Some(AnyPrivateKey::Hybrid(_))));
    assert!(matches!(ring.get(&p.kid()), Some(AnyPrivateKey::P256(_))));

    let text = ring.to_json();
    let back = Keyring::parse(&text).unwrap();
    let listed: Vec<(String, Option<&str>)> = back.iter().map(|(k, c)| (k.kid(), c)).collect();
    assert_eq!(
        listed,
        [
            (p.kid(), Some("2026-12-01T07:30:00Z")),
            (h.kid(), Some("2026-12-01T08:00:00Z"))
        ]
    );
    // The public set mixes both, with no secret member, and each reads back.
    let jwks = back.public_jwks();
    assert!(
        !jwks.contains("\"d\"") && !jwks.contains("\"priv\""),
        "{jwks}"
    );
    for k in [
        AnyPrivateKey::from(p.clone()),
        AnyPrivateKey::from(h.clone()),
    ] {
        assert_eq!(
            AnyPublicKey::from_jwks_json(&jwks, &k.kid()).unwrap(),
            k.public_key()
        );
    }
    // One hybrid private JWK is a one-key keyring.
    assert_eq!(Keyring::parse(&h.to_jwk_json()).unwrap().len(), 1);

    let envs: Vec<String> = (0..12u8)
        .map(|i| match i % 4 {
            0 => slice_seal::seal(p.public_key(), &[i], &ctx).unwrap(),
            1 => seal_hybrid(h.public_key(), &[i], &ctx).unwrap(),
            2 => seal_hybrid(h2.public_key(), &[i], &ctx).unwrap(),
            _ => {
                // A hybrid envelope that names the P-256 key's kid.
                let env = seal_hybrid(h.public_key(), &[i], &ctx).unwrap();
                let mut body = HybridEnvelope::parse(&env).unwrap().to_body();
                body[6..38].copy_from_slice(p.public_key().kid_bytes());
                format!("ss1.{}", b64(&body))
            }
        })
        .collect();
    let refs: Vec<&str> = envs.iter().map(String::as_str).collect();
    for (i, r) in back.open_batch(&refs, Some(&ctx)).iter().enumerate() {
        match i % 4 {
            0 | 1 => {
                let o = r.as_ref().unwrap();
                assert_eq!(o.plaintext, [i as u8]);
                assert_eq!(o.kid, if i % 4 == 0 { p.kid() } else { h.kid() });
            }
            2 => assert_eq!(r.as_ref().unwrap_err().code(), "KEY_NOT_FOUND"),
            _ => assert_eq!(r.as_ref().unwrap_err().code(), "SUITE_MISMATCH"),
        }
    }
    // A P-256 envelope under the hybrid key's kid: SUITE_MISMATCH too.
    let p_env = slice_seal::Envelope::parse(&envs[0]).unwrap();
    let mut body = p_env.to_body();
    body[6..38].copy_from_slice(h.public_key().kid_bytes());
    assert_eq!(
        code(back.open(&format!("ss1.{}", b64(&body)), None)),
        "SUITE_MISMATCH"
    );
    // An unknown suite stays UNSUPPORTED_SUITE; garbage MALFORMED_ENVELOPE.
    let mut unknown = HybridEnvelope::parse(&envs[1]).unwrap().to_body();
    unknown[1] = 0x41;
    assert_eq!(
        code(back.open(&format!("ss1.{}", b64(&unknown)), None)),
        "UNSUPPORTED_SUITE"
    );
    assert_eq!(code(back.open("ss1.AAAA", None)), "MALFORMED_ENVELOPE");

    // A keyring with no key of the envelope's suite: SUITE_MISMATCH, as one
    // key of the other suite gives (FORMAT.md §9); with one, KEY_NOT_FOUND.
    let only_p = Keyring::from_keys([p.clone()]).unwrap();
    assert_eq!(code(only_p.open(&envs[1], None)), "SUITE_MISMATCH");
    let only_h = Keyring::from_keys([h2.clone()]).unwrap();
    assert_eq!(code(only_h.open(&envs[0], None)), "SUITE_MISMATCH");
    assert_eq!(code(only_h.open(&envs[1], None)), "KEY_NOT_FOUND");
    assert_eq!(code(Keyring::new().open(&envs[1], None)), "KEY_NOT_FOUND");
    // The suite is checked before the body's lengths, as for one key: a
    // truncated envelope of the suite the ring lacks is SUITE_MISMATCH.
    for (env, ring, want) in [
        (&envs[1], &only_p, "SUITE_MISMATCH"),
        (&envs[1], &back, "MALFORMED_ENVELOPE"),
        (&envs[0], &only_h, "SUITE_MISMATCH"),
        (&envs[0], &back, "MALFORMED_ENVELOPE"),
    ] {
        let mut body = base64ct::Base64UrlUnpadded::decode_vec(&env[4..]).unwrap();
        body.truncate(60);
        let cut = format!("ss1.{}", b64(&body));
        assert_eq!(code(ring.open(&cut, None)), want);
    }

    // remove / merge / retain with hybrid keys.
    let mut r2 = Keyring::parse(&text).unwrap();
    assert!(matches!(
        r2.remove(&h.kid()).unwrap(),
        AnyPrivateKey::Hybrid(_)
    ));
    // Only the P-256 key left: no key of the hybrid suite.
    assert_eq!(code(r2.open(&envs[1], None)), "SUITE_MISMATCH");
    r2.merge(Keyring::from_keys([h.clone(), h2.clone()]).unwrap())
        .unwrap();
    assert_eq!(r2.open(&envs[2], None).unwrap().plaintext, [2]);
    r2.retain_kid(&h2.kid()).unwrap();
    assert_eq!(r2.len(), 1);

    // Bad hybrid members: named by index, coded, no secret in the message.
    let hj = h.to_jwk_json();
    let pj = p.to_jwk().to_json();
    let mut pub_only: serde_json::Value = serde_json::from_str(&hj).unwrap();
    pub_only.as_object_mut().unwrap().remove("priv");
    assert_eq!(
        code(Keyring::parse(&format!(
            "{{\"keys\":[{},{pub_only}]}}",
            *pj
        ))),
        "NOT_PRIVATE_KEY"
    );
    let mut short: serde_json::Value = serde_json::from_str(&hj).unwrap();
    short["priv"] = b64(&[9u8; 31]).into();
    let e = Keyring::parse(&format!("{{\"keys\":[{},{short}]}}", *pj)).unwrap_err();
    assert_eq!(e.code(), "INVALID_KEY");
    assert!(e.to_string().contains("keys[1]"), "{e}");
    let mut other_pub: serde_json::Value = serde_json::from_str(&hj).unwrap();
    other_pub["pub"] = serde_json::from_str::<serde_json::Value>(&h2.public_key().to_jwk_json())
        .unwrap()["pub"]
        .clone();
    other_pub.as_object_mut().unwrap().remove("kid");
    let e = Keyring::parse(&format!("{{\"keys\":[{other_pub}]}}")).unwrap_err();
    assert_eq!(e.code(), "INVALID_KEY");
    let seed = serde_json::from_str::<serde_json::Value>(&hj).unwrap()["priv"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!e.to_string().contains(&seed), "{e}");
    for (member, value) in [
        ("alg", serde_json::json!("ML-KEM-768")),
        ("priv", serde_json::json!(7)),
        ("created", serde_json::json!("yesterday")),
    ] {
        let mut j: serde_json::Value = serde_json::from_str(&hj).unwrap();
        j[member] = value;
        let e = Keyring::parse(&format!("{{\"keys\":[{},{j}]}}", *pj)).unwrap_err();
        assert_eq!(e.code(), "INVALID_KEY", "{member}");
        assert!(e.to_string().contains("keys[1]"), "{member}: {e}");
        assert!(!e.to_string().contains(&seed), "{e}");
    }
    let e = Keyring::parse(&format!("{{\"keys\":[{},{}]}}", *hj, *hj)).unwrap_err();
    assert_eq!(e.code(), "DUPLICATE_KID");
    assert!(!format!("{back:?}").contains(&seed));
}
