//! The RFC 9180 engine's parts, for code that composes them with a DH value
//! computed elsewhere: the wasm crate's WebCrypto path (wasm/src/async_*.rs)
//! runs P-256 in the browser and the key schedule, AES-GCM and the envelope
//! here; the CLI opens with its own `skR·pkE` ([`opener_with`]). Prefer [`crate::seal`] / [`crate::Sealer`]: misuse of these (a
//! reused [`Encapsulation`]'s secret, a wrong DH value) breaks the scheme.

pub use crate::dh::{Decapsulate, Source};
pub use crate::envelope::{MAX_ENVELOPE_LEN, TAG_LEN};
pub use crate::schedule::Schedule;
pub use crate::seal::{Encapsulation, Sealing, aead_open, check_plaintext};

use zeroize::Zeroizing;

use crate::{Envelope, Error, Opener, PrivateKey, PublicKey, Result, Sealer};

/// A [`Sealer`] whose fixed-base table is built on first use.
pub fn sealer_lazy(recipient: PublicKey) -> Sealer {
    Sealer::lazy(recipient)
}

/// Add encapsulations made for the sealer's recipient (by
/// [`Encapsulation::from_agreement`]) to its pool, up to [`crate::MAX_PREPARED`].
pub fn add_prepared(sealer: &mut Sealer, made: impl IntoIterator<Item = Encapsulation>) {
    sealer.add_prepared(made);
}

/// A prepared encapsulation from the sealer's pool, if one is ready.
pub fn take_prepared(sealer: &mut Sealer) -> Option<Encapsulation> {
    sealer.take_prepared()
}

/// The uncompressed SEC1 point (65 bytes).
pub fn uncompressed(key: &PublicKey) -> [u8; crate::ENC_LEN] {
    key.uncompressed()
}

/// PKCS#8 DER of the private key (zeroized on drop).
pub fn pkcs8_der(key: &PrivateKey) -> Result<Zeroizing<Vec<u8>>> {
    key.to_pkcs8_der()
}

/// An [`Opener`] whose `skR·pkE` comes from `make(skR)` (`skR` the key's
/// big-endian scalar, zeroized after the call) instead of p256's; every
/// check, its error code and the rest of RFC 9180 stay the crate's. The CLI
/// opens this way with p256 0.13 (measured faster natively). `INVALID_KEY`
/// if the source does not give `skR·G = pkR`.
pub fn opener_with<D: Decapsulate + 'static>(
    key: PrivateKey,
    make: impl FnOnce(&[u8; 32]) -> Result<D>,
) -> Result<Opener> {
    Opener::with_decap(key, make)
}

/// Make the keyring's openers as [`opener_with`] does, for the keys it
/// holds and those added later (`ring` unchanged on an error).
#[cfg(all(feature = "json", not(target_arch = "wasm32")))]
pub fn keyring_with<D: Decapsulate + 'static>(
    ring: &mut crate::Keyring,
    make: impl Fn(&[u8; 32]) -> Result<D> + Send + Sync + 'static,
) -> Result<()> {
    ring.set_decap(make)
}

/// [`Opener::open_with_agreement`]'s plaintext, for an envelope that passed
/// [`Opener::check`], with the ECDH value `dh` computed elsewhere.
pub fn plaintext_checked_with_agreement(
    opener: &Opener,
    envelope: &Envelope,
    dh: &[u8],
) -> Result<Vec<u8>> {
    opener.plaintext_checked_with_agreement(envelope, dh)
}

/// The AEAD key and nonce of a checked envelope, for an AES-GCM done
/// elsewhere ([`aead_open`] is the same step here).
pub fn schedule_checked_with_agreement(
    opener: &Opener,
    envelope: &Envelope,
    dh: &[u8],
) -> Result<Schedule> {
    opener.schedule_checked_with_agreement(envelope, dh)
}

/// [`Error::InvalidKey`] with `msg`.
pub fn key_error(msg: impl Into<String>) -> Error {
    Error::key(msg)
}

/// [`Error::InvalidInput`] with `msg`.
pub fn input_error(msg: impl Into<String>) -> Error {
    Error::input(msg)
}

/// [`Error::MalformedEnvelope`] with `msg`.
pub fn envelope_error(msg: impl Into<String>) -> Error {
    Error::envelope(msg)
}

/// [`Error::InvalidContext`] with `msg`.
pub fn context_error(msg: impl Into<String>) -> Error {
    Error::context(msg)
}

/// The checks of [`PublicKey::from_jwk`] except the curve check, and the
/// key's uncompressed SEC1 point (`pkRm`) and RFC 7638 thumbprint: for a
/// caller that imports the point into a P-256 implementation that checks it
/// (the lean browser module: WebCrypto's `importKey`). No P-256 arithmetic.
pub fn jwk_point_unchecked(
    jwk: &crate::Jwk,
) -> Result<([u8; crate::ENC_LEN], [u8; crate::KID_LEN])> {
    crate::keys::jwk_point_unchecked(jwk)
}

/// [`Encapsulation::from_agreement`] for the recipient point `pk_rm`, with
/// `enc` checked for its shape only (65 bytes, tag 0x04), not as a point:
/// for an ephemeral key pair made by a P-256 implementation the caller
/// trusts (WebCrypto's `generateKey`). No P-256 arithmetic.
pub fn encapsulation_unchecked(
    pk_rm: &[u8; crate::ENC_LEN],
    enc: &[u8],
    dh: &[u8],
) -> Result<Encapsulation> {
    Encapsulation::agreed_unchecked(pk_rm, enc, dh)
}

/// [`Encapsulation::seal`] for the recipient whose key id (thumbprint) is
/// `kid`, without a [`PublicKey`]: the inputs checked first, then
/// `KeySchedule`, AES-GCM and the envelope.
pub fn seal_to_kid(
    encap: Encapsulation,
    kid: &[u8; crate::KID_LEN],
    plaintext: &[u8],
    context: &crate::Context,
) -> Result<Envelope> {
    encap
        .begin(plaintext.len(), context)?
        .seal_to(kid, plaintext, context)
}
