//! The hybrid suite (MLKEM768-X25519, docs/FORMAT.md §11) behind the same
//! JS API: keys from AKP JWKs, and the `Sealer`/`Opener` parts for a hybrid
//! key. All of its work is the core's, in wasm: WebCrypto has no ML-KEM, so
//! the async calls settle at once and `.backend` is `"wasm"`. Prepared
//! encapsulations are the core [`HybridSealer`]'s.

use std::cell::{Cell, RefCell};

use base64ct::{Base64UrlUnpadded, Encoding};
use js_sys::{JSON, Promise};
use wasm_bindgen::JsValue;
use zeroize::Zeroizing;

use crate::args::{AkpJwk, EnvelopeIn};
use crate::backend::Backend;
use crate::chain::settled;
use crate::errors::JsErr;
use crate::out::{OpenedOut, bytes_out};
use slice_seal::hazmat;
use slice_seal::{
    Context, Error, HYBRID_JWK_ALG, HybridPrivateKey, HybridPublicKey, HybridSealer, Result,
    open_hybrid_envelope,
};

/// `INVALID_KEY` unless the JWK names the hybrid KEM (`kty` was checked).
fn check_alg(jwk: &AkpJwk) -> Result<()> {
    match jwk.alg.as_deref() {
        Some(HYBRID_JWK_ALG) => Ok(()),
        Some(other) => Err(hazmat::key_error(format!(
            "an AKP JWK's \"alg\" must be \"{HYBRID_JWK_ALG}\", got \"{other}\""
        ))),
        None => Err(hazmat::key_error(format!(
            "an AKP JWK needs \"alg\": \"{HYBRID_JWK_ALG}\""
        ))),
    }
}

fn pub_bytes(jwk: &AkpJwk) -> Result<Vec<u8>> {
    let text = jwk
        .pub_
        .as_deref()
        .ok_or_else(|| hazmat::key_error("the AKP JWK has no \"pub\""))?;
    Base64UrlUnpadded::decode_vec(text)
        .map_err(|_| hazmat::key_error("the AKP JWK's \"pub\" is not unpadded base64url"))
}

/// The hybrid public key of an AKP JWK, with the core's rules (FORMAT.md
/// §11): `alg`, a 1216-byte `pub` whose ML-KEM part is valid, and a `kid`
/// member, if any, that is its thumbprint (`KID_MISMATCH`). `priv` is ignored.
pub(crate) fn public_from_akp(jwk: &AkpJwk) -> Result<HybridPublicKey> {
    check_alg(jwk)?;
    let key = HybridPublicKey::from_bytes(&pub_bytes(jwk)?)?;
    if let Some(kid) = &jwk.kid {
        key.check_kid(kid)?;
    }
    Ok(key)
}

/// The hybrid private key of a private AKP JWK: a 32-byte `priv` (the
/// seed); `NOT_PRIVATE_KEY` without it; a `pub`, if given, must be the
/// seed's and a `kid` its thumbprint.
pub(crate) fn private_from_akp(jwk: &AkpJwk) -> Result<HybridPrivateKey> {
    check_alg(jwk)?;
    let Some(secret) = &jwk.priv_ else {
        return Err(Error::NotPrivateKey(
            "the MLKEM768-X25519 JWK has no \"priv\" member".into(),
        ));
    };
    let seed = Zeroizing::new(
        Base64UrlUnpadded::decode_vec(secret)
            .map_err(|_| hazmat::key_error("the AKP JWK's \"priv\" is not unpadded base64url"))?,
    );
    let key = HybridPrivateKey::from_seed(&seed)?;
    if jwk.pub_.is_some() && pub_bytes(jwk)?[..] != key.public_key().to_bytes()[..] {
        return Err(hazmat::key_error(
            "\"pub\" is not the public key of \"priv\"",
        ));
    }
    if let Some(kid) = &jwk.kid {
        key.public_key().check_kid(kid)?;
    }
    Ok(key)
}

/// The core's JWK text as a plain JS object.
pub(crate) fn jwk_text_to_js(json: &str) -> JsValue {
    // The core writes valid JSON; a failure here would be a core bug.
    JSON::parse(json).unwrap_or(JsValue::UNDEFINED)
}

/// The public JWK of a hybrid key as a JS object.
pub(crate) fn public_jwk(key: &HybridPublicKey) -> JsValue {
    jwk_text_to_js(&key.to_jwk_json())
}

/// A new hybrid key pair as `{publicKey, privateKey}` JWK objects.
pub(crate) fn generate() -> Result<(JsValue, JsValue)> {
    let key = HybridPrivateKey::generate()?;
    Ok((
        public_jwk(key.public_key()),
        jwk_text_to_js(&key.to_jwk_json()),
    ))
}

/// The core's input checks of one slice (before a prepared encapsulation
/// is used).
fn check_inputs(plaintext: &[u8], context: &Context) -> Result<()> {
    context.info()?;
    hazmat::check_plaintext(plaintext.len())
}

/// The JS `Sealer`'s state for a hybrid recipient: the core sealer and its
/// pool of prepared encapsulations, shared by `seal` and `sealAsync`.
pub(crate) struct JsHybridSealer {
    sealer: RefCell<HybridSealer>,
    used: Cell<bool>,
}

impl JsHybridSealer {
    pub(crate) fn new(recipient: HybridPublicKey) -> Self {
        JsHybridSealer {
            sealer: RefCell::new(HybridSealer::new(recipient)),
            used: Cell::new(false),
        }
    }

    /// `.backend`: `"wasm"` once a call has sealed.
    pub(crate) fn last_backend(&self) -> Option<Backend> {
        self.used.get().then_some(Backend::Wasm)
    }

    pub(crate) fn prepared(&self) -> usize {
        self.sealer.borrow().prepared()
    }

    pub(crate) fn prepare(&self, count: usize) -> Result<usize> {
        self.sealer.borrow_mut().prepare(count)
    }

    /// `prepareAsync`: the same work as `prepare` (there is no WebCrypto
    /// part), settled at once.
    pub(crate) fn prepare_promise(&self, count: usize) -> Promise {
        settled(
            self.prepare(count)
                .map(|n| JsValue::from(n as u32))
                .js_err(),
        )
    }

    pub(crate) fn seal(&self, plaintext: &[u8], context: &Context) -> Result<String> {
        self.used.set(true);
        self.sealer.borrow_mut().seal(plaintext, context)
    }

    /// `sealAsync`: with a prepared encapsulation if one is ready, settled at once.
    pub(crate) fn seal_promise(&self, plaintext: &[u8], context: &Context) -> Promise {
        settled(self.seal(plaintext, context).map(JsValue::from).js_err())
    }

    /// `sealBytesAsync`: the envelope's binary body, settled at once.
    pub(crate) fn seal_bytes_promise(&self, plaintext: &[u8], context: &Context) -> Promise {
        self.used.set(true);
        let sealed = self.sealer.borrow_mut().seal_envelope(plaintext, context);
        settled(sealed.map(|env| bytes_out(&env.to_body()).into()).js_err())
    }

    /// `sealMany`: every input checked before any encapsulation is used,
    /// then each sealed in order (prepared ones first).
    pub(crate) fn seal_many(&self, items: &[(Zeroizing<Vec<u8>>, Context)]) -> Result<Vec<String>> {
        for (plaintext, context) in items {
            check_inputs(plaintext, context)?;
        }
        items.iter().map(|(p, c)| self.seal(p, c)).collect()
    }
}

/// The JS `Opener`'s state for a hybrid private key.
pub(crate) struct JsHybridOpener {
    key: HybridPrivateKey,
    used: Cell<bool>,
}

impl JsHybridOpener {
    pub(crate) fn new(key: HybridPrivateKey) -> Self {
        JsHybridOpener {
            key,
            used: Cell::new(false),
        }
    }

    pub(crate) fn kid(&self) -> String {
        self.key.kid()
    }

    pub(crate) fn last_backend(&self) -> Option<Backend> {
        self.used.get().then_some(Backend::Wasm)
    }

    /// Open (the other suite's envelope is `SUITE_MISMATCH`).
    pub(crate) fn open(
        &self,
        envelope: &EnvelopeIn,
        expected: Option<&Context>,
    ) -> Result<Zeroizing<Vec<u8>>> {
        self.used.set(true);
        let env = envelope.parse_hybrid()?;
        Ok(Zeroizing::new(
            open_hybrid_envelope(&self.key, &env, expected)?.plaintext,
        ))
    }

    /// `openAsync`: the same, settled at once.
    pub(crate) fn open_promise(
        &self,
        envelope: &EnvelopeIn,
        expected: Option<&Context>,
        out: OpenedOut,
    ) -> Promise {
        settled(
            self.open(envelope, expected)
                .js_err()
                .and_then(|pt| out(&pt)),
        )
    }
}
