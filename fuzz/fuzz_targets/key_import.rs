//! Every key importer on arbitrary input: JWK JSON (public and private), JWKS
//! JSON + `find` / `single`, PEM public / private (PKCS#8 and SEC1), the text
//! auto-detectors, SEC1 points, PKCS#8 DER, SPKI DER, raw scalars; see
//! `checks::key_import`.
#![no_main]

#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::key_import(data));
