//! Sealing and opening slices: HPKE base mode, one encapsulation per slice.

use hpke::aead::AesGcm256;
use hpke::kdf::HkdfSha256;
use hpke::{Deserializable, OpModeR, OpModeS, Serializable};

use crate::context::Context;
use crate::envelope::{ENC_LEN, Envelope, MAX_PLAINTEXT};
use crate::error::{Error, Result};
use crate::keys::{Kem, PrivateKey, PublicKey};
use crate::rng::CheckedRng;

type EncappedKey = <Kem as hpke::Kem>::EncappedKey;

/// Seal `plaintext` to `recipient` under `context`; returns envelope text.
///
/// ```
/// use slice_seal::{open, seal, Context, PrivateKey};
/// let key = PrivateKey::generate()?;
/// let ctx = Context::new("vetting-step-2", "date-of-birth")?;
/// let envelope = seal(key.public_key(), b"1990-04-01", &ctx)?;
/// assert!(envelope.starts_with("ss1."));
/// let opened = open(&key, &envelope, Some(&ctx))?;
/// assert_eq!(opened.plaintext, b"1990-04-01");
/// // The same slice moved to another field does not open.
/// let moved = Context::new("vetting-step-2", "surname")?;
/// assert_eq!(open(&key, &envelope, Some(&moved)).unwrap_err().code(), "CONTEXT_MISMATCH");
/// # Ok::<(), slice_seal::Error>(())
/// ```
pub fn seal(recipient: &PublicKey, plaintext: &[u8], context: &Context) -> Result<String> {
    Ok(seal_envelope(recipient, plaintext, context)?.to_string())
}

/// As [`seal`], returning the parsed [`Envelope`].
pub fn seal_envelope(
    recipient: &PublicKey,
    plaintext: &[u8],
    context: &Context,
) -> Result<Envelope> {
    if plaintext.len() > MAX_PLAINTEXT {
        return Err(Error::input("plaintext is larger than 4 MiB"));
    }
    let mut rng = CheckedRng::new();
    let sealed = seal_with(recipient, plaintext, context, &mut rng);
    rng.finish()?;
    sealed
}

/// Seal with the given source of the 32 bytes of ephemeral-key material.
pub(crate) fn seal_with(
    recipient: &PublicKey,
    plaintext: &[u8],
    context: &Context,
    rng: &mut impl hpke::rand_core::CryptoRng,
) -> Result<Envelope> {
    if plaintext.len() > MAX_PLAINTEXT {
        return Err(Error::input("plaintext is larger than 4 MiB"));
    }
    let info = context.info()?;
    let (encapped, ct) = hpke::single_shot_seal_with_rng::<AesGcm256, HkdfSha256, Kem>(
        &OpModeS::Base,
        recipient.hpke(),
        &info,
        plaintext,
        &[],
        rng,
    )
    .map_err(|_| Error::EncryptFailed)?;
    let mut enc = [0u8; ENC_LEN];
    enc.copy_from_slice(&encapped.to_bytes());
    Ok(Envelope::new(
        *recipient.kid_bytes(),
        context.clone(),
        info,
        enc,
        ct,
    ))
}

/// An opened slice. Its kid and context are authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    /// Key id of the recipient key.
    pub kid: String,
    /// The context the slice was sealed to.
    pub context: Context,
    /// The plaintext.
    pub plaintext: Vec<u8>,
}

/// Open envelope text with `key`.
///
/// With `expected`, the envelope must have been sealed to that form and field
/// (and submission, if `expected.submission` is set), else
/// [`Error::ContextMismatch`]. Without it, any context is accepted and
/// returned in [`Opened::context`] for the caller to route on.
pub fn open(key: &PrivateKey, envelope: &str, expected: Option<&Context>) -> Result<Opened> {
    open_envelope(key, &Envelope::parse(envelope)?, expected)
}

/// As [`open`], for a parsed [`Envelope`].
pub fn open_envelope(
    key: &PrivateKey,
    envelope: &Envelope,
    expected: Option<&Context>,
) -> Result<Opened> {
    key.public_key().check_kid(&envelope.kid())?;
    if let Some(want) = expected {
        want.validate()?;
        envelope.context().check_expected(want)?;
    }
    let encapped = EncappedKey::from_bytes(envelope.enc())
        .map_err(|_| Error::envelope("enc is not an uncompressed P-256 point"))?;
    let plaintext = hpke::single_shot_open::<AesGcm256, HkdfSha256, Kem>(
        &OpModeR::Base,
        key.hpke(),
        &encapped,
        envelope.info(),
        envelope.ciphertext(),
        &[],
    )
    .map_err(|_| Error::DecryptFailed)?;
    Ok(Opened {
        kid: envelope.kid(),
        context: envelope.context().clone(),
        plaintext,
    })
}

/// A validated recipient key, optionally pinned to a kid, that seals many slices.
///
/// ```
/// use slice_seal::{Context, PrivateKey, Sealer};
/// let key = PrivateKey::generate()?;
/// let kid = key.kid();
/// let sealer = Sealer::pinned(key.public_key().clone(), &kid)?;
/// let ctx = Context::new("f", "a")?;
/// let env = sealer.seal(b"x", &ctx)?;
/// assert!(env.starts_with("ss1."));
/// let other = PrivateKey::generate()?;
/// assert_eq!(Sealer::pinned(other.public_key().clone(), &kid).unwrap_err().code(), "KID_MISMATCH");
/// # Ok::<(), slice_seal::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Sealer {
    recipient: PublicKey,
}

impl Sealer {
    /// Seal to `recipient`.
    pub fn new(recipient: PublicKey) -> Self {
        Sealer { recipient }
    }

    /// Seal to `recipient` only if its thumbprint is `kid`.
    pub fn pinned(recipient: PublicKey, kid: &str) -> Result<Self> {
        recipient.check_kid(kid)?;
        Ok(Sealer { recipient })
    }

    /// The recipient key.
    pub fn recipient(&self) -> &PublicKey {
        &self.recipient
    }

    /// Seal one slice.
    pub fn seal(&self, plaintext: &[u8], context: &Context) -> Result<String> {
        seal(&self.recipient, plaintext, context)
    }
}
