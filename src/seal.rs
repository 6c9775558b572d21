//! Sealing and opening slices: HPKE base mode, one encapsulation per slice.

use hpke::aead::AesGcm256;
use hpke::kdf::HkdfSha256;
#[cfg(not(target_arch = "wasm32"))]
use hpke::{Deserializable, OpModeR};
use hpke::{OpModeS, Serializable};

use crate::context::Context;
use crate::envelope::{AEAD_ID, ENC_LEN, Envelope, MAX_PLAINTEXT};
use crate::error::{Error, Result};
use crate::keys::{Kem, PrivateKey, PublicKey};
use crate::prepared::{self, Ephemeral, FixedBaseTable};
#[cfg(not(target_arch = "wasm32"))]
use crate::rng::CheckedRng;
use crate::schedule;
use zeroize::Zeroizing;

#[cfg(not(target_arch = "wasm32"))]
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
    check_plaintext(plaintext.len())?;
    // wasm32: the composed RFC 9180 path (as `Sealer`, without a table), so
    // the `hpke` crate's KEM/AEAD code is not in the module. Natively: `hpke`.
    #[cfg(target_arch = "wasm32")]
    return {
        let info = context.info()?;
        let (enc, dh) = prepared::ephemeral_and_dh_to(recipient.point().as_affine())?;
        finish_seal(
            recipient,
            &recipient.uncompressed(),
            &enc,
            &dh,
            context,
            info,
            plaintext,
        )
    };
    #[cfg(not(target_arch = "wasm32"))]
    {
        let mut rng = CheckedRng::new();
        let sealed = seal_with(recipient, plaintext, context, &mut rng);
        rng.finish()?;
        sealed
    }
}

/// Seal with the given source of the 32 bytes of ephemeral-key material.
pub(crate) fn seal_with(
    recipient: &PublicKey,
    plaintext: &[u8],
    context: &Context,
    rng: &mut impl hpke::rand_core::CryptoRng,
) -> Result<Envelope> {
    check_plaintext(plaintext.len())?;
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
    // wasm32: the composed recipient side of `Opener` (same checks, order and
    // errors), so the `hpke` crate is not in the module. Natively: `hpke`.
    #[cfg(target_arch = "wasm32")]
    return Opener::new(key.clone()).open_envelope(envelope, expected);
    #[cfg(not(target_arch = "wasm32"))]
    open_envelope_hpke(key, envelope, expected)
}

#[cfg(not(target_arch = "wasm32"))]
fn open_envelope_hpke(
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
/// A `Sealer` prepares the recipient once: besides parsing and validating the
/// key, it builds a table of multiples of it, so each slice's ECDH is a
/// fixed-base multiplication (several times faster than the one-shot
/// [`seal`]). Ephemeral key pairs can also be made ahead of time with
/// [`Sealer::prepare`] (e.g. while the browser is idle); each is used for one
/// slice only and zeroized. Envelopes are identical in format to [`seal`]'s.
///
/// ```
/// use slice_seal::{open, Context, PrivateKey, Sealer};
/// let key = PrivateKey::generate()?;
/// let kid = key.kid();
/// let mut sealer = Sealer::pinned(key.public_key().clone(), &kid)?;
/// sealer.prepare(2)?;
/// let ctx = Context::new("f", "a")?;
/// let env = sealer.seal(b"x", &ctx)?;
/// assert_eq!(open(&key, &env, Some(&ctx))?.plaintext, b"x");
/// let other = PrivateKey::generate()?;
/// assert_eq!(Sealer::pinned(other.public_key().clone(), &kid).unwrap_err().code(), "KID_MISMATCH");
/// # Ok::<(), slice_seal::Error>(())
/// ```
///
/// A clone shares the recipient and its table but starts with no prepared
/// key pairs: each prepared secret can be taken by one `Sealer` only.
pub struct Sealer {
    recipient: PublicKey,
    pk_rm: [u8; ENC_LEN],
    table: FixedBaseTable,
    pool: Vec<Ephemeral>,
}

impl Clone for Sealer {
    fn clone(&self) -> Self {
        Sealer {
            recipient: self.recipient.clone(),
            pk_rm: self.pk_rm,
            table: self.table.clone(),
            pool: Vec::new(),
        }
    }
}

impl core::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Sealer")
            .field("kid", &self.recipient.kid())
            .field("prepared", &self.pool.len())
            .finish()
    }
}

/// Most ephemeral key pairs a [`Sealer`] keeps prepared.
pub const MAX_PREPARED: usize = 256;

impl Sealer {
    /// Seal to `recipient`.
    pub fn new(recipient: PublicKey) -> Self {
        let pk_rm = recipient.uncompressed();
        let table = FixedBaseTable::new(recipient.point().as_affine());
        Sealer {
            recipient,
            pk_rm,
            table,
            pool: Vec::new(),
        }
    }

    /// Seal to `recipient` only if its thumbprint is `kid`.
    pub fn pinned(recipient: PublicKey, kid: &str) -> Result<Self> {
        recipient.check_kid(kid)?;
        Ok(Self::new(recipient))
    }

    /// The recipient key.
    pub fn recipient(&self) -> &PublicKey {
        &self.recipient
    }

    /// Make ephemeral key pairs ahead of time until `count` (at most
    /// [`MAX_PREPARED`]) are ready; returns how many are ready.
    pub fn prepare(&mut self, count: usize) -> Result<usize> {
        let want = count.min(MAX_PREPARED);
        while self.pool.len() < want {
            self.pool.push(Ephemeral::generate()?);
        }
        Ok(self.pool.len())
    }

    /// How many prepared ephemeral key pairs are ready.
    pub fn prepared(&self) -> usize {
        self.pool.len()
    }

    /// Seal one slice, with a prepared ephemeral key pair if one is ready.
    pub fn seal(&mut self, plaintext: &[u8], context: &Context) -> Result<String> {
        Ok(self.seal_envelope(plaintext, context)?.to_string())
    }

    /// As [`Sealer::seal`], returning the parsed [`Envelope`].
    pub fn seal_envelope(&mut self, plaintext: &[u8], context: &Context) -> Result<Envelope> {
        check_plaintext(plaintext.len())?;
        let info = context.info()?;
        let (enc, dh) = match self.pool.pop() {
            Some(eph) => (eph.enc, prepared::dh_prepared(&self.table, &eph)),
            None => prepared::ephemeral_and_dh(&self.table)?,
        };
        self.finish(&enc, &dh, context, info, plaintext)
    }

    /// As [`seal_with_agreement`], for this sealer's recipient.
    pub fn seal_with_agreement(
        &self,
        enc: &[u8],
        dh: &[u8],
        plaintext: &[u8],
        context: &Context,
    ) -> Result<Envelope> {
        seal_agreed(&self.recipient, &self.pk_rm, enc, dh, plaintext, context)
    }

    fn finish(
        &self,
        enc: &[u8; ENC_LEN],
        dh: &[u8; 32],
        context: &Context,
        info: Vec<u8>,
        plaintext: &[u8],
    ) -> Result<Envelope> {
        finish_seal(
            &self.recipient,
            &self.pk_rm,
            enc,
            dh,
            context,
            info,
            plaintext,
        )
    }

    /// Seal with the ephemeral scalar of RFC 9180 `DeriveKeyPair(ikm_e)` —
    /// for tests that compare this path with the `hpke` crate's.
    pub(crate) fn seal_derived(
        &self,
        plaintext: &[u8],
        context: &Context,
        ikm_e: &[u8],
    ) -> Result<Envelope> {
        use hpke::Serializable;
        let (sk, _) = <Kem as hpke::Kem>::derive_keypair(ikm_e);
        let mut bytes = Zeroizing::new(p256::FieldBytes::default());
        bytes.copy_from_slice(&sk.to_bytes());
        let scalar = Option::<p256::NonZeroScalar>::from(p256::NonZeroScalar::from_repr(*bytes))
            .ok_or_else(|| Error::input("derived scalar out of range"))?;
        let eph = Ephemeral::from_scalar(scalar);
        check_plaintext(plaintext.len())?;
        let dh = prepared::dh_prepared(&self.table, &eph);
        self.finish(&eph.enc, &dh, context, context.info()?, plaintext)
    }
}

/// Seal with an ECDH computed elsewhere (e.g. by WebCrypto's `deriveBits`):
/// `enc` is the ephemeral public key `pkE` (65 bytes, uncompressed SEC1) and
/// `dh` the x-coordinate of `skE·pkR` (32 bytes). The rest of RFC 9180
/// `Encap` (`ExtractAndExpand` over `enc || pkRm`), `KeySchedule` and `Seal`
/// run here, so the envelope is the one [`seal`] would make with that
/// ephemeral key. Each ephemeral key must be used for one slice only.
///
/// ```
/// use slice_seal::{open, seal_with_agreement, Context, PrivateKey};
/// let key = PrivateKey::generate()?;
/// let eph = PrivateKey::generate()?; // stands in for WebCrypto's key pair
/// let dh = slice_seal::primitives::ecdh(&eph, key.public_key());
/// let ctx = Context::new("f", "a")?;
/// let env = seal_with_agreement(key.public_key(), &eph.public_key().to_sec1(false), &*dh, b"x", &ctx)?;
/// assert_eq!(open(&key, &env.to_string(), Some(&ctx))?.plaintext, b"x");
/// # Ok::<(), slice_seal::Error>(())
/// ```
pub fn seal_with_agreement(
    recipient: &PublicKey,
    enc: &[u8],
    dh: &[u8],
    plaintext: &[u8],
    context: &Context,
) -> Result<Envelope> {
    seal_agreed(
        recipient,
        &recipient.uncompressed(),
        enc,
        dh,
        plaintext,
        context,
    )
}

/// Both `seal_with_agreement`s: check the inputs, then finish the seal.
fn seal_agreed(
    recipient: &PublicKey,
    pk_rm: &[u8; ENC_LEN],
    enc: &[u8],
    dh: &[u8],
    plaintext: &[u8],
    context: &Context,
) -> Result<Envelope> {
    let (enc, dh) = agreement(enc, dh)?;
    check_plaintext(plaintext.len())?;
    let info = context.info()?;
    finish_seal(recipient, pk_rm, &enc, dh, context, info, plaintext)
}

/// An RFC 9180 `Encap(pkR)` made ahead of time, for one slice: `enc` and the
/// KEM shared secret (`ExtractAndExpand` of the ECDH computed elsewhere, e.g.
/// by WebCrypto at idle time). Sealing with it is `KeySchedule` + AES-GCM
/// only, so no P-256 work is left for the moment of sealing. Used once
/// (sealing consumes it); the secret is zeroized on drop. The envelope is
/// the one [`seal_with_agreement`] makes from the same `enc` and ECDH.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) struct Encapsulation {
    enc: [u8; ENC_LEN],
    shared: Zeroizing<[u8; 32]>,
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
impl Encapsulation {
    /// From the ephemeral public key `enc` and `dh` = x(skE·pkR), checked as
    /// [`seal_with_agreement`] checks them.
    pub(crate) fn from_agreement(recipient: &PublicKey, enc: &[u8], dh: &[u8]) -> Result<Self> {
        let (enc, dh) = agreement(enc, dh)?;
        let shared = schedule::extract_and_expand(dh, &enc, &recipient.uncompressed());
        Ok(Encapsulation { enc, shared })
    }

    /// Seal one slice to `recipient` (the key the encapsulation was made for).
    pub(crate) fn seal(
        self,
        recipient: &PublicKey,
        plaintext: &[u8],
        context: &Context,
    ) -> Result<Envelope> {
        self.begin(plaintext.len(), context)?
            .seal(recipient, plaintext, context)
    }

    /// The checks and RFC 9180 `KeySchedule` of [`Encapsulation::seal`], for
    /// an AES-GCM done elsewhere (WebCrypto, for large slices).
    pub(crate) fn begin(self, plaintext_len: usize, context: &Context) -> Result<Sealing> {
        check_plaintext(plaintext_len)?;
        Ok(Sealing::new(&self.shared, self.enc, context.info()?))
    }
}

/// One slice between `KeySchedule` and the envelope, for every composed
/// sealing path: after a DH ([`finish_seal`]) or an [`Encapsulation`].
pub(crate) struct Sealing {
    enc: [u8; ENC_LEN],
    info: Vec<u8>,
    /// The AEAD key and base nonce.
    pub(crate) ks: schedule::Schedule,
}

impl Sealing {
    /// RFC 9180 `KeySchedule` (mode_base) from the KEM shared secret.
    fn new(shared: &[u8; 32], enc: [u8; ENC_LEN], info: Vec<u8>) -> Self {
        let ks = schedule::key_schedule_base(shared, &info, AEAD_ID, 32);
        Sealing { enc, info, ks }
    }

    /// RFC 9180 `Seal` at sequence number 0 (empty aad) with the crate's
    /// AES-GCM, and the envelope (the async JS API may use WebCrypto's
    /// AES-GCM instead, then [`Sealing::finish`]).
    pub(crate) fn seal(
        self,
        recipient: &PublicKey,
        plaintext: &[u8],
        context: &Context,
    ) -> Result<Envelope> {
        let ct = crate::primitives::aes_gcm_seal(
            &self.ks.key,
            self.ks.base_nonce.as_ref(),
            b"",
            plaintext,
        )?;
        Ok(self.finish(recipient, context, ct))
    }

    /// The envelope around `ct` (ciphertext and tag).
    pub(crate) fn finish(self, recipient: &PublicKey, context: &Context, ct: Vec<u8>) -> Envelope {
        Envelope::new(
            *recipient.kid_bytes(),
            context.clone(),
            self.info,
            self.enc,
            ct,
        )
    }
}

/// Check the shapes of an ECDH result computed elsewhere.
fn agreement<'a>(enc: &[u8], dh: &'a [u8]) -> Result<([u8; ENC_LEN], &'a [u8; 32])> {
    let enc: [u8; ENC_LEN] = enc
        .try_into()
        .map_err(|_| Error::input("ephemeral public key must be 65 bytes (uncompressed SEC1)"))?;
    // The point check only (no thumbprint, no `hpke` key): this is per slice.
    p256::PublicKey::from_sec1_bytes(&enc)
        .map_err(|_| Error::input("ephemeral public key is not a P-256 point"))?;
    Ok((enc, agreed(dh)?))
}

/// RFC 9180 `Encap`'s `ExtractAndExpand` after the DH, then [`Sealing`].
fn finish_seal(
    recipient: &PublicKey,
    pk_rm: &[u8; ENC_LEN],
    enc: &[u8; ENC_LEN],
    dh: &[u8; 32],
    context: &Context,
    info: Vec<u8>,
    plaintext: &[u8],
) -> Result<Envelope> {
    let shared = schedule::extract_and_expand(dh, enc, pk_rm);
    Sealing::new(&shared, *enc, info).seal(recipient, plaintext, context)
}

/// A private key made ready to open many slices, by itself or with an ECDH
/// computed elsewhere (e.g. WebCrypto's `deriveBits` with a non-extractable
/// key).
///
/// [`Opener::open`] gives exactly the results of [`open`] (same checks, same
/// order, same errors) but composes the recipient side of RFC 9180 from the
/// crate's key schedule, so it costs one scalar multiplication (`skR·pkE`)
/// instead of two.
///
/// ```
/// use slice_seal::{seal, Context, Envelope, Opener, PrivateKey};
/// let key = PrivateKey::generate()?;
/// let ctx = Context::new("f", "a")?;
/// let text = seal(key.public_key(), b"x", &ctx)?;
/// let opener = Opener::new(key.clone());
/// assert_eq!(opener.open(&text, Some(&ctx))?.plaintext, b"x");
/// // With the ECDH done elsewhere: check first, then finish with dh.
/// let env = Envelope::parse(&text)?;
/// opener.check(&env, Some(&ctx))?;
/// let pk_e = slice_seal::PublicKey::from_sec1(env.enc())?;
/// let dh = slice_seal::primitives::ecdh(&key, &pk_e);
/// assert_eq!(opener.open_with_agreement(&env, &*dh, Some(&ctx))?.plaintext, b"x");
/// # Ok::<(), slice_seal::Error>(())
/// ```
#[derive(Clone)]
pub struct Opener {
    key: PrivateKey,
    pk_rm: [u8; ENC_LEN],
    /// The same scalar for p256 0.13's multiplication (native only; see
    /// [`Opener::dh`]). Zeroized on drop.
    #[cfg(not(target_arch = "wasm32"))]
    fast: Option<p256_v013::SecretKey>,
}

impl core::fmt::Debug for Opener {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Opener")
            .field("kid", &self.key.kid())
            .finish_non_exhaustive()
    }
}

impl Opener {
    /// Open with `key`.
    pub fn new(key: PrivateKey) -> Self {
        let pk_rm = key.public_key().uncompressed();
        #[cfg(not(target_arch = "wasm32"))]
        let fast = {
            let bytes = Zeroizing::new(key.secret().to_bytes());
            p256_v013::SecretKey::from_slice(bytes.as_slice()).ok()
        };
        Opener {
            key,
            pk_rm,
            #[cfg(not(target_arch = "wasm32"))]
            fast,
        }
    }

    /// The private key.
    pub fn key(&self) -> &PrivateKey {
        &self.key
    }

    /// As [`open`].
    pub fn open(&self, envelope: &str, expected: Option<&Context>) -> Result<Opened> {
        self.open_envelope(&Envelope::parse(envelope)?, expected)
    }

    /// As [`open_envelope`].
    pub fn open_envelope(&self, envelope: &Envelope, expected: Option<&Context>) -> Result<Opened> {
        self.check(envelope, expected)?;
        let dh = self.dh(envelope.enc())?;
        self.finish(envelope, &dh)
    }

    /// `skR·pkE` (its x-coordinate), constant-time in `skR`. Natively with
    /// p256 0.13, whose variable-base multiplication measured 1.75x faster
    /// than 0.14's (opening is ~95% this multiplication); in wasm with 0.14
    /// (the async API does it in WebCrypto instead). Both are proven equal
    /// to the `hpke` crate's `open` by the tests.
    fn dh(&self, enc: &[u8; ENC_LEN]) -> Result<Zeroizing<[u8; 32]>> {
        let bad = || Error::envelope("enc is not an uncompressed P-256 point");
        let mut dh = Zeroizing::new([0u8; 32]);
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(fast) = &self.fast {
            let pk_e = p256_v013::PublicKey::from_sec1_bytes(enc).map_err(|_| bad())?;
            let shared =
                p256_v013::ecdh::diffie_hellman(fast.to_nonzero_scalar(), pk_e.as_affine());
            dh.copy_from_slice(&shared.raw_secret_bytes()[..]);
            return Ok(dh);
        }
        let pk_e = p256::PublicKey::from_sec1_bytes(enc).map_err(|_| bad())?;
        let shared =
            p256::ecdh::diffie_hellman(self.key.secret().to_nonzero_scalar(), pk_e.as_affine());
        dh.copy_from_slice(shared.raw_secret_bytes());
        Ok(dh)
    }

    /// Every check [`open`] makes before its ECDH, in the same order: the
    /// envelope is for this key (else `KID_MISMATCH`), it matches `expected`
    /// (else `CONTEXT_MISMATCH` / `INVALID_CONTEXT`), and its `enc` is a
    /// P-256 point (else `MALFORMED_ENVELOPE`).
    pub fn check(&self, envelope: &Envelope, expected: Option<&Context>) -> Result<()> {
        // Equal kid bytes are equal base64url texts (canonical encoding), and
        // the error is the one `PublicKey::check_kid` makes.
        let public = self.key.public_key();
        if envelope.kid_bytes() != public.kid_bytes() {
            return Err(Error::KidMismatch {
                expected: envelope.kid(),
                found: public.kid(),
            });
        }
        if let Some(want) = expected {
            want.validate()?;
            envelope.context().check_expected(want)?;
        }
        p256::PublicKey::from_sec1_bytes(envelope.enc())
            .map(|_| ())
            .map_err(|_| Error::envelope("enc is not an uncompressed P-256 point"))
    }

    /// Open with an ECDH computed elsewhere: `dh` is the x-coordinate of
    /// `skR·pkE` (32 bytes), `pkE` being `envelope.enc()`. Makes every check of
    /// [`Opener::check`] first. A wrong `dh` gives `DECRYPT_FAILED`.
    pub fn open_with_agreement(
        &self,
        envelope: &Envelope,
        dh: &[u8],
        expected: Option<&Context>,
    ) -> Result<Opened> {
        self.check(envelope, expected)?;
        self.finish(envelope, agreed(dh)?)
    }

    /// RFC 9180 `Decap` after the DH (`ExtractAndExpand(dh, enc || pkRm)`),
    /// `KeySchedule` (mode_base) and `Open` at sequence number 0, empty aad.
    fn finish(&self, envelope: &Envelope, dh: &[u8; 32]) -> Result<Opened> {
        Ok(Opened {
            plaintext: self.decrypt(envelope, dh)?,
            kid: envelope.kid(),
            context: envelope.context().clone(),
        })
    }

    /// [`Opener::finish`]'s plaintext only (the async JS API returns just
    /// that; the kid and context strings are not made).
    fn decrypt(&self, envelope: &Envelope, dh: &[u8; 32]) -> Result<Vec<u8>> {
        let ks = self.schedule(envelope, dh);
        aead_open(&ks, envelope)
    }

    /// RFC 9180 `ExtractAndExpand` and `KeySchedule` for an envelope: the
    /// AEAD key and nonce that open it.
    fn schedule(&self, envelope: &Envelope, dh: &[u8; 32]) -> schedule::Schedule {
        let kem_secret = schedule::extract_and_expand(dh, envelope.enc(), &self.pk_rm);
        schedule::key_schedule_base(&kem_secret, envelope.info(), AEAD_ID, 32)
    }

    /// [`Opener::open_with_agreement`]'s plaintext only, for an envelope that
    /// already passed [`Opener::check`].
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn plaintext_checked_with_agreement(
        &self,
        envelope: &Envelope,
        dh: &[u8],
    ) -> Result<Vec<u8>> {
        self.decrypt(envelope, agreed(dh)?)
    }

    /// The AEAD key and nonce of a checked envelope, for an AES-GCM done
    /// elsewhere (WebCrypto, for large slices); [`aead_open`] is the same
    /// step in wasm.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn schedule_checked_with_agreement(
        &self,
        envelope: &Envelope,
        dh: &[u8],
    ) -> Result<schedule::Schedule> {
        Ok(self.schedule(envelope, agreed(dh)?))
    }
}

/// A 32-byte ECDH value computed elsewhere.
fn agreed(dh: &[u8]) -> Result<&[u8; 32]> {
    dh.try_into()
        .map_err(|_| Error::input("ECDH shared secret must be 32 bytes"))
}

/// RFC 9180 `Open` at sequence number 0 (empty aad) with the schedule's key
/// and base nonce.
pub(crate) fn aead_open(ks: &schedule::Schedule, envelope: &Envelope) -> Result<Vec<u8>> {
    crate::primitives::aes_gcm_open(&ks.key, ks.base_nonce.as_ref(), b"", envelope.ciphertext())
        .map_err(|_| Error::DecryptFailed)
}

/// The plaintext size limit, with the error every sealing path gives.
pub(crate) fn check_plaintext(len: usize) -> Result<()> {
    if len > MAX_PLAINTEXT {
        return Err(Error::input("plaintext is larger than 4 MiB"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The opening ECDH (natively p256 0.13) equals p256 0.14's
    /// (`primitives::ecdh`) for random key pairs, and refuses what 0.14 refuses.
    #[test]
    fn opener_dh_equals_p256_0_14() {
        for _ in 0..100 {
            let key = PrivateKey::generate().unwrap();
            let eph = PrivateKey::generate().unwrap();
            let opener = Opener::new(key.clone());
            #[cfg(not(target_arch = "wasm32"))]
            assert!(opener.fast.is_some());
            let mut enc = [0u8; ENC_LEN];
            enc.copy_from_slice(&eph.public_key().to_sec1(false));
            let want = crate::primitives::ecdh(&key, eph.public_key());
            assert_eq!(*opener.dh(&enc).unwrap(), *want);
            enc[64] ^= 1;
            assert_eq!(opener.dh(&enc).unwrap_err().code(), "MALFORMED_ENVELOPE");
        }
    }

    /// An encapsulation made ahead of time seals to the same bytes as
    /// `seal_with_agreement` with the same `enc` and ECDH (so the hpke-crate
    /// and RFC-vector proofs of that path cover it), refuses what it refuses,
    /// and checks the plaintext size at sealing time.
    #[test]
    fn encapsulation_equals_seal_with_agreement() {
        let key = PrivateKey::generate().unwrap();
        let recipient = key.public_key();
        let ctx = Context::new("f", "a")
            .unwrap()
            .with_submission("s-1")
            .unwrap();
        for len in [0usize, 1, 50, 1024, 4096] {
            let eph = PrivateKey::generate().unwrap();
            let enc = eph.public_key().to_sec1(false);
            let dh = crate::primitives::ecdh(&eph, recipient);
            let pt = vec![0x5a; len];
            let want = seal_with_agreement(recipient, &enc, &*dh, &pt, &ctx).unwrap();
            let enc_ = Encapsulation::from_agreement(recipient, &enc, &*dh).unwrap();
            let got = enc_.seal(recipient, &pt, &ctx).unwrap();
            assert_eq!(got.to_string(), want.to_string());
            assert_eq!(
                open(&key, &got.to_string(), Some(&ctx)).unwrap().plaintext,
                pt
            );
        }
        let eph = PrivateKey::generate().unwrap();
        let enc = eph.public_key().to_sec1(false);
        let dh = crate::primitives::ecdh(&eph, recipient);
        let mut bad = enc.clone();
        bad[64] ^= 1;
        for (e, d) in [
            (&bad[..], &dh[..]),
            (&enc[..64], &dh[..]),
            (&enc[..], &dh[..31]),
        ] {
            let a = seal_with_agreement(recipient, e, d, b"x", &ctx).unwrap_err();
            let b = Encapsulation::from_agreement(recipient, e, d)
                .err()
                .unwrap();
            assert_eq!((a.code(), a.to_string()), (b.code(), b.to_string()));
        }
        let fresh = || Encapsulation::from_agreement(recipient, &enc, &*dh).unwrap();
        let big = vec![0u8; MAX_PLAINTEXT + 1];
        assert_eq!(
            fresh().seal(recipient, &big, &ctx).unwrap_err().code(),
            "INVALID_INPUT"
        );
    }
}
