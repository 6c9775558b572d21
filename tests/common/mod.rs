//! Helpers shared by the native integration tests (vectors, properties, keys).
#![allow(dead_code)]

use std::path::PathBuf;

/// `<CARGO_MANIFEST_DIR>/../shared/vectors`.
pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("shared")
        .join("vectors")
}

/// Read and parse a vector file; panics (fails the test) naming the path if
/// it is missing or not JSON. Vectors are never skipped.
pub fn load_json(rel: &str) -> serde_json::Value {
    let path = vectors_dir().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "test vector file {} is missing or unreadable ({e}); \
             the shared vectors must be present at <repo>/../shared/vectors",
            path.display()
        )
    });
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("test vector file {} is not valid JSON: {e}", path.display()))
}

/// Decode a hex string member of a JSON object (panics naming the member).
pub fn hexf(v: &serde_json::Value, name: &str) -> Vec<u8> {
    let s = v[name]
        .as_str()
        .unwrap_or_else(|| panic!("vector member {name:?} is missing or not a string: {v}"));
    hex::decode(s).unwrap_or_else(|e| panic!("vector member {name:?} is not hex: {e}"))
}

/// A string member.
pub fn strf<'a>(v: &'a serde_json::Value, name: &str) -> &'a str {
    v[name]
        .as_str()
        .unwrap_or_else(|| panic!("vector member {name:?} is missing or not a string"))
}

/// An integer member.
pub fn intf(v: &serde_json::Value, name: &str) -> u64 {
    v[name]
        .as_u64()
        .unwrap_or_else(|| panic!("vector member {name:?} is missing or not an integer"))
}

/// An array member.
pub fn arrf<'a>(v: &'a serde_json::Value, name: &str) -> &'a Vec<serde_json::Value> {
    v[name]
        .as_array()
        .unwrap_or_else(|| panic!("vector member {name:?} is missing or not an array"))
}

/// The `hpke` crate (a dev-dependency): the reference the crate's own RFC
/// 9180 engine is compared with (base mode, DHKEM(P-256, HKDF-SHA256),
/// HKDF-SHA256, AES-256-GCM, empty aad, as slice-seal uses it).
pub mod reference {
    use core::convert::Infallible;
    use hpke::aead::AesGcm256;
    use hpke::kdf::HkdfSha256;
    use hpke::rand_core::{TryCryptoRng, TryRng};
    use hpke::{Deserializable, OpModeR, OpModeS, Serializable};

    pub type Kem = hpke::kem::DhP256HkdfSha256;

    /// Serves exactly the given bytes; asking for more fails the test.
    pub struct FixedRng {
        pub bytes: Vec<u8>,
        pub pos: usize,
    }

    impl TryRng for FixedRng {
        type Error = Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Infallible> {
            let mut b = [0u8; 4];
            self.try_fill_bytes(&mut b)?;
            Ok(u32::from_le_bytes(b))
        }
        fn try_next_u64(&mut self) -> Result<u64, Infallible> {
            let mut b = [0u8; 8];
            self.try_fill_bytes(&mut b)?;
            Ok(u64::from_le_bytes(b))
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
            let end = self.pos + dst.len();
            assert!(end <= self.bytes.len(), "HPKE asked for more than ikmE");
            dst.copy_from_slice(&self.bytes[self.pos..end]);
            self.pos = end;
            Ok(())
        }
    }
    impl TryCryptoRng for FixedRng {}

    /// The hpke crate's single-shot seal with the ephemeral key of
    /// `DeriveKeyPair(ikm_e)` (32 bytes): `(enc, ct)`.
    pub fn seal(pk_rm: &[u8], info: &[u8], pt: &[u8], ikm_e: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let pk = <Kem as hpke::Kem>::PublicKey::from_bytes(pk_rm).expect("pkRm");
        let mut rng = FixedRng {
            bytes: ikm_e.to_vec(),
            pos: 0,
        };
        let (enc, ct) = hpke::single_shot_seal_with_rng::<AesGcm256, HkdfSha256, Kem>(
            &OpModeS::Base,
            &pk,
            info,
            pt,
            &[],
            &mut rng,
        )
        .expect("hpke seal");
        assert_eq!(rng.pos, ikm_e.len(), "all of ikm_e used");
        (enc.to_bytes().to_vec(), ct)
    }

    /// The hpke crate's single-shot open: the plaintext, or `None` if it
    /// refuses `enc` or the ciphertext.
    pub fn open(sk_rm: &[u8], enc: &[u8], info: &[u8], ct: &[u8]) -> Option<Vec<u8>> {
        let sk = <Kem as hpke::Kem>::PrivateKey::from_bytes(sk_rm).expect("skRm");
        let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(enc).ok()?;
        hpke::single_shot_open::<AesGcm256, HkdfSha256, Kem>(
            &OpModeR::Base,
            &sk,
            &enc,
            info,
            ct,
            &[],
        )
        .ok()
    }
}
