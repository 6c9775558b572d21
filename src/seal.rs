//! Sealing and opening slices: HPKE base mode, one encapsulation per slice,
//! all through one RFC 9180 engine (the DH value from a [`crate::dh`]
//! source, then [`crate::schedule`], AES-256-GCM and the envelope).

use std::sync::Arc;

use p256::Scalar;
use zeroize::Zeroizing;

use crate::context::Context;
use crate::dh::{self, Decapsulate, Source};
use crate::envelope::{AEAD_ID, ENC_LEN, Envelope, MAX_PLAINTEXT};
use crate::error::{Error, Result};
use crate::keys::{KID_LEN, PrivateKey, PublicKey};
use crate::prepared::{FixedBaseTable, random_scalar};
use crate::schedule;

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
    Ok(seal_envelope(recipient, plaintext, context)?.to_text())
}

/// As [`seal`], returning the parsed [`Envelope`].
pub fn seal_envelope(
    recipient: &PublicKey,
    plaintext: &[u8],
    context: &Context,
) -> Result<Envelope> {
    let info = check_inputs(plaintext.len(), context)?;
    let k = Zeroizing::new(*random_scalar()?);
    Encapsulation::variable_base(recipient, &k).seal_checked(recipient, info, plaintext, context)
}

/// As [`seal_envelope`] with the ephemeral key of RFC 9180
/// `DeriveKeyPair(ikm_e)` and, given a table, its DH source: reproducible
/// envelopes for the tests and docs/FORMAT.md (`danger`), never real data.
pub(crate) fn seal_derived(
    recipient: &PublicKey,
    table: Option<&FixedBaseTable>,
    plaintext: &[u8],
    context: &Context,
    ikm_e: &[u8],
) -> Result<Envelope> {
    let info = check_inputs(plaintext.len(), context)?;
    let k = derived_scalar(ikm_e)?;
    let pk_rm = recipient.uncompressed();
    let encap = match table {
        Some(table) => Encapsulation::new(&pk_rm, dh::fixed_base(table, &k), Source::FixedBase),
        None => Encapsulation::variable_base(recipient, &k),
    };
    encap.seal_checked(recipient, info, plaintext, context)
}

/// RFC 9180 `DeriveKeyPair(ikm_e)`'s scalar (`danger` only).
pub(crate) fn derived_scalar(ikm_e: &[u8]) -> Result<Zeroizing<Scalar>> {
    schedule::derive_scalar(ikm_e)
        .map(|k| Zeroizing::new(*k))
        .ok_or(Error::RandomFailed)
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

/// As [`open`], for a parsed [`Envelope`]: [`Opener::open_envelope`].
pub fn open_envelope(
    key: &PrivateKey,
    envelope: &Envelope,
    expected: Option<&Context>,
) -> Result<Opened> {
    Opener::new(key.clone()).open_envelope(envelope, expected)
}

/// A validated recipient key, optionally pinned to a kid, that seals many slices.
///
/// A `Sealer` prepares the recipient once: besides parsing and validating the
/// key, it builds a table of multiples of it, so each slice's ECDH is a
/// fixed-base multiplication (several times faster than the one-shot
/// [`seal`]). Whole encapsulations (ephemeral key pair and ECDH) can also be
/// made ahead of time with [`Sealer::prepare`] (e.g. while the browser is
/// idle), or with an ECDH computed elsewhere ([`Sealer::prepare_with_agreement`]);
/// each is used for one slice only and zeroized. Envelopes are identical in
/// format to [`seal`]'s.
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
/// A clone shares the recipient and its table but starts with nothing
/// prepared: each prepared secret can be taken by one `Sealer` only.
pub struct Sealer {
    recipient: PublicKey,
    pk_rm: [u8; ENC_LEN],
    /// Built by [`Sealer::new`]; on first use for the async JS API's sealer,
    /// which may never need it (WebCrypto does its P-256 work).
    table: Option<FixedBaseTable>,
    /// Prepared encapsulations, whoever made them; each used once.
    pool: Vec<Encapsulation>,
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

/// Most encapsulations a [`Sealer`] keeps prepared.
pub const MAX_PREPARED: usize = 256;

impl Sealer {
    /// Seal to `recipient`.
    pub fn new(recipient: PublicKey) -> Self {
        let mut sealer = Self::lazy(recipient);
        sealer.table();
        sealer
    }

    /// As [`Sealer::new`], the table built on first use.
    pub(crate) fn lazy(recipient: PublicKey) -> Self {
        Sealer {
            pk_rm: recipient.uncompressed(),
            recipient,
            table: None,
            pool: Vec::new(),
        }
    }

    fn table(&mut self) -> &FixedBaseTable {
        let point = self.recipient.point();
        self.table
            .get_or_insert_with(|| FixedBaseTable::new(point.as_affine()))
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

    /// Make encapsulations ahead of time until `count` (at most
    /// [`MAX_PREPARED`]) are ready; returns how many are ready.
    pub fn prepare(&mut self, count: usize) -> Result<usize> {
        let want = count.min(MAX_PREPARED);
        while self.pool.len() < want {
            let encap = self.encapsulate()?;
            self.pool.push(encap);
        }
        Ok(self.pool.len())
    }

    /// Prepare one encapsulation from an ECDH computed elsewhere (e.g. by
    /// WebCrypto at idle time), checked as [`seal_with_agreement`] checks
    /// it; returns how many are ready. Beyond [`MAX_PREPARED`] it is dropped.
    ///
    /// ```
    /// use slice_seal::{open, Context, PrivateKey, Sealer};
    /// let key = PrivateKey::generate()?;
    /// let eph = PrivateKey::generate()?; // stands in for WebCrypto's key pair
    /// let dh = slice_seal::primitives::ecdh(&eph, key.public_key());
    /// let mut sealer = Sealer::new(key.public_key().clone());
    /// assert_eq!(sealer.prepare_with_agreement(&eph.public_key().to_sec1(false), &*dh)?, 1);
    /// let ctx = Context::new("f", "a")?;
    /// let env = sealer.seal(b"x", &ctx)?;
    /// assert_eq!(sealer.prepared(), 0);
    /// assert_eq!(open(&key, &env, Some(&ctx))?.plaintext, b"x");
    /// # Ok::<(), slice_seal::Error>(())
    /// ```
    pub fn prepare_with_agreement(&mut self, enc: &[u8], dh: &[u8]) -> Result<usize> {
        let encap = Encapsulation::agreed(&self.pk_rm, enc, dh)?;
        self.add_prepared([encap]);
        Ok(self.pool.len())
    }

    /// Add encapsulations made for this recipient (by
    /// [`Encapsulation::from_agreement`]), up to [`MAX_PREPARED`].
    pub(crate) fn add_prepared(&mut self, made: impl IntoIterator<Item = Encapsulation>) {
        let room = MAX_PREPARED.saturating_sub(self.pool.len());
        self.pool.extend(made.into_iter().take(room));
    }

    /// A prepared encapsulation, if one is ready (it leaves the pool).
    pub(crate) fn take_prepared(&mut self) -> Option<Encapsulation> {
        self.pool.pop()
    }

    /// How many prepared encapsulations are ready.
    pub fn prepared(&self) -> usize {
        self.pool.len()
    }

    /// A fresh encapsulation with the table ([`Source::FixedBase`]).
    fn encapsulate(&mut self) -> Result<Encapsulation> {
        let k = Zeroizing::new(*random_scalar()?);
        let made = dh::fixed_base(self.table(), &k);
        Ok(Encapsulation::new(&self.pk_rm, made, Source::FixedBase))
    }

    /// Seal one slice, with a prepared encapsulation if one is ready.
    pub fn seal(&mut self, plaintext: &[u8], context: &Context) -> Result<String> {
        Ok(self.seal_envelope(plaintext, context)?.to_text())
    }

    /// As [`Sealer::seal`], returning the parsed [`Envelope`].
    pub fn seal_envelope(&mut self, plaintext: &[u8], context: &Context) -> Result<Envelope> {
        let info = check_inputs(plaintext.len(), context)?;
        let encap = match self.take_prepared() {
            Some(encap) => encap,
            None => self.encapsulate()?,
        };
        encap.seal_checked(&self.recipient, info, plaintext, context)
    }

    /// As [`seal_with_agreement`], for this sealer's recipient.
    pub fn seal_with_agreement(
        &self,
        enc: &[u8],
        dh: &[u8],
        plaintext: &[u8],
        context: &Context,
    ) -> Result<Envelope> {
        Encapsulation::agreed(&self.pk_rm, enc, dh)?.seal(&self.recipient, plaintext, context)
    }

    /// [`seal_derived`] with this sealer's table (`danger` only).
    pub(crate) fn seal_derived(
        &self,
        plaintext: &[u8],
        context: &Context,
        ikm_e: &[u8],
    ) -> Result<Envelope> {
        let built;
        let table = match &self.table {
            Some(t) => t,
            None => {
                built = FixedBaseTable::new(self.recipient.point().as_affine());
                &built
            }
        };
        seal_derived(&self.recipient, Some(table), plaintext, context, ikm_e)
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
    Encapsulation::from_agreement(recipient, enc, dh)?.seal(recipient, plaintext, context)
}

/// RFC 9180 `Encap(pkR)` for one slice: `enc` and the KEM shared secret
/// (`ExtractAndExpand` of the DH value, whichever [`Source`] computed it).
/// Every sealing path goes through one; made ahead of time, it sits in a
/// [`Sealer`]'s pool, and sealing with it is `KeySchedule` + AES-GCM only.
/// Not `Clone` and consumed by sealing, so it serves one slice; the secret
/// is zeroized on drop.
pub struct Encapsulation {
    enc: [u8; ENC_LEN],
    shared: Zeroizing<[u8; 32]>,
    source: Source,
}

impl Encapsulation {
    /// `ExtractAndExpand(dh, enc || pkRm)` of a DH value from `source`.
    fn new(
        pk_rm: &[u8; ENC_LEN],
        (enc, dh): ([u8; ENC_LEN], Zeroizing<[u8; 32]>),
        source: Source,
    ) -> Self {
        let shared = schedule::extract_and_expand(&dh, &enc, pk_rm);
        Encapsulation {
            enc,
            shared,
            source,
        }
    }

    /// With ephemeral scalar `k` and p256's variable-base multiplication.
    fn variable_base(recipient: &PublicKey, k: &Scalar) -> Self {
        let made = dh::variable_base(recipient.point().as_affine(), k);
        Self::new(&recipient.uncompressed(), made, Source::VariableBase)
    }

    /// A fresh encapsulation to `recipient` as the one-shot [`seal`] makes
    /// it: a random ephemeral scalar and p256's variable-base
    /// multiplication, no table ([`Source::VariableBase`]).
    pub fn fresh(recipient: &PublicKey) -> Result<Self> {
        let k = Zeroizing::new(*random_scalar()?);
        Ok(Self::variable_base(recipient, &k))
    }

    /// From the ephemeral public key `enc` and `dh` = x(skE·pkR) computed
    /// elsewhere ([`Source::WebCrypto`]), checked as [`seal_with_agreement`]
    /// checks them.
    pub fn from_agreement(recipient: &PublicKey, enc: &[u8], dh: &[u8]) -> Result<Self> {
        Self::agreed(&recipient.uncompressed(), enc, dh)
    }

    /// From `enc` and `dh` made by a P-256 implementation the caller trusts
    /// (WebCrypto's own key pair): shapes checked, no point check, so no
    /// P-256 arithmetic is linked (the lean browser module).
    pub(crate) fn agreed_unchecked(pk_rm: &[u8; ENC_LEN], enc: &[u8], dh: &[u8]) -> Result<Self> {
        let enc: [u8; ENC_LEN] = match <[u8; ENC_LEN]>::try_from(enc) {
            Ok(e @ [0x04, ..]) => e,
            _ => {
                return Err(Error::input(
                    "ephemeral public key must be 65 bytes (uncompressed SEC1)",
                ));
            }
        };
        let dh = Zeroizing::new(*agreed(dh)?);
        Ok(Self::new(pk_rm, (enc, dh), Source::WebCrypto))
    }

    fn agreed(pk_rm: &[u8; ENC_LEN], enc: &[u8], dh: &[u8]) -> Result<Self> {
        let (enc, dh) = agreement(enc, dh)?;
        let dh = Zeroizing::new(*dh);
        Ok(Self::new(pk_rm, (enc, dh), Source::WebCrypto))
    }

    /// The implementation that made its DH value.
    #[cfg_attr(not(feature = "hazmat"), allow(dead_code))]
    pub fn source(&self) -> Source {
        self.source
    }

    /// Seal one slice to `recipient` (the key the encapsulation was made for).
    pub fn seal(
        self,
        recipient: &PublicKey,
        plaintext: &[u8],
        context: &Context,
    ) -> Result<Envelope> {
        self.begin(plaintext.len(), context)?
            .seal(recipient, plaintext, context)
    }

    /// [`Encapsulation::seal`] after [`check_inputs`] gave `info`.
    fn seal_checked(
        self,
        recipient: &PublicKey,
        info: Vec<u8>,
        plaintext: &[u8],
        context: &Context,
    ) -> Result<Envelope> {
        Sealing::new(&self.shared, self.enc, info).seal(recipient, plaintext, context)
    }

    /// The checks and RFC 9180 `KeySchedule` of [`Encapsulation::seal`], for
    /// an AES-GCM done elsewhere (WebCrypto, for large slices).
    pub fn begin(self, plaintext_len: usize, context: &Context) -> Result<Sealing> {
        let info = check_inputs(plaintext_len, context)?;
        Ok(Sealing::new(&self.shared, self.enc, info))
    }

    /// `enc` and the KEM shared secret (`danger`, for the RFC 9180 vectors).
    pub(crate) fn into_parts(self) -> ([u8; ENC_LEN], Zeroizing<[u8; 32]>) {
        (self.enc, self.shared)
    }

    /// `Encap(pkR)` with the scalar of `DeriveKeyPair(ikm_e)` (`danger`).
    pub(crate) fn derived(recipient: &PublicKey, ikm_e: &[u8]) -> Result<Self> {
        Ok(Self::variable_base(recipient, &*derived_scalar(ikm_e)?))
    }
}

/// One slice between `KeySchedule` and the envelope, for every sealing path.
pub struct Sealing {
    enc: [u8; ENC_LEN],
    info: Vec<u8>,
    /// The AEAD key and base nonce.
    pub ks: schedule::Schedule,
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
    pub fn seal(
        self,
        recipient: &PublicKey,
        plaintext: &[u8],
        context: &Context,
    ) -> Result<Envelope> {
        self.seal_to(recipient.kid_bytes(), plaintext, context)
    }

    /// The envelope body (docs/FORMAT.md §4) up to `ct`: what
    /// [`Envelope::to_body`] of [`Sealing::finish`] puts before the
    /// ciphertext, for a caller that writes the ciphertext after it itself
    /// (the JS binary form, from WebCrypto's AES-GCM).
    pub fn body_head(&self, recipient: &PublicKey) -> Vec<u8> {
        let mut out = Vec::with_capacity(6 + KID_LEN + 2 + self.info.len() + ENC_LEN);
        crate::envelope::write_head(&mut out, recipient.kid_bytes(), &self.info, &self.enc);
        out
    }

    /// The envelope around `ct` (ciphertext and tag).
    pub fn finish(self, recipient: &PublicKey, context: &Context, ct: Vec<u8>) -> Envelope {
        self.finish_to(recipient.kid_bytes(), context, ct)
    }

    /// [`Sealing::finish`] for the recipient whose key id is `kid`.
    pub(crate) fn finish_to(self, kid: &[u8; KID_LEN], context: &Context, ct: Vec<u8>) -> Envelope {
        Envelope::new(*kid, context.clone(), self.info, self.enc, ct)
    }

    /// [`Sealing::seal`] for the recipient whose key id is `kid`.
    pub(crate) fn seal_to(
        self,
        kid: &[u8; KID_LEN],
        plaintext: &[u8],
        context: &Context,
    ) -> Result<Envelope> {
        let ct = crate::primitives::aes_gcm_seal(
            &self.ks.key,
            self.ks.base_nonce.as_ref(),
            b"",
            plaintext,
        )?;
        Ok(self.finish_to(kid, context, ct))
    }
}

/// Check the shapes of an ECDH result computed elsewhere.
fn agreement<'a>(enc: &[u8], dh: &'a [u8]) -> Result<([u8; ENC_LEN], &'a [u8; 32])> {
    let enc: [u8; ENC_LEN] = enc
        .try_into()
        .map_err(|_| Error::input("ephemeral public key must be 65 bytes (uncompressed SEC1)"))?;
    // The point check only (no thumbprint): this is per slice.
    p256::PublicKey::from_sec1_bytes(&enc)
        .map_err(|_| Error::input("ephemeral public key is not a P-256 point"))?;
    Ok((enc, agreed(dh)?))
}

/// A private key made ready to open many slices, by itself or with an ECDH
/// computed elsewhere (e.g. WebCrypto's `deriveBits` with a non-extractable
/// key).
///
/// [`open`] is an `Opener` used once: one scalar multiplication (`skR·pkE`,
/// the [`crate::dh`] source `VariableBase`, a caller's `Decapsulate` given to
/// `hazmat::opener_with`, or WebCrypto's), then the crate's RFC 9180 key
/// schedule and AES-GCM.
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
    /// A caller's `skR·pkE` ([`Decapsulate`]; clones share it), else p256's.
    decap: Option<Arc<dyn Decapsulate>>,
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
        Opener {
            key,
            pk_rm,
            decap: None,
        }
    }

    /// An opener whose `skR·pkE` is `make(skR)`'s (`skR` big-endian, 32
    /// bytes, zeroized after the call): [`crate::hazmat::opener_with`].
    /// `INVALID_KEY` unless `make`'s source gives `skR·G = pkR` (so it holds
    /// this key).
    #[cfg_attr(not(feature = "hazmat"), allow(dead_code))]
    pub(crate) fn with_decap<D: Decapsulate + 'static>(
        key: PrivateKey,
        make: impl FnOnce(&[u8; 32]) -> Result<D>,
    ) -> Result<Self> {
        let mut scalar = Zeroizing::new([0u8; 32]);
        scalar.copy_from_slice(&Zeroizing::new(key.secret().to_bytes()));
        let decap = make(&scalar)?;
        drop(scalar);
        let mut opener = Opener::new(key);
        let g = crate::prepared::encode(&p256::AffinePoint::GENERATOR);
        if decap.dh(&g)?[..] != opener.pk_rm[1..33] {
            return Err(Error::key("the DH source does not hold this private key"));
        }
        opener.decap = Some(Arc::new(decap));
        Ok(opener)
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
        let pk_e = self.checked(envelope, expected)?;
        let dh = match &self.decap {
            None => dh::decap(self.key.secret(), &pk_e),
            Some(caller) => caller.dh(envelope.enc())?,
        };
        self.finish(envelope, &dh)
    }

    /// Every check [`open`] makes before its ECDH, in the same order: the
    /// envelope is for this key (else `KID_MISMATCH`), it matches `expected`
    /// (else `CONTEXT_MISMATCH` / `INVALID_CONTEXT`), and its `enc` is a
    /// P-256 point (else `MALFORMED_ENVELOPE`).
    pub fn check(&self, envelope: &Envelope, expected: Option<&Context>) -> Result<()> {
        self.checked(envelope, expected).map(|_| ())
    }

    /// [`Opener::check`], giving `pkE`.
    fn checked(
        &self,
        envelope: &Envelope,
        expected: Option<&Context>,
    ) -> Result<p256::AffinePoint> {
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
        dh::enc_point(envelope.enc())
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
}

/// For the async JS API (wasm/src/async_opener.rs), after its WebCrypto ECDH
/// (through [`crate::hazmat`]).
#[cfg_attr(not(feature = "hazmat"), allow(dead_code))]
impl Opener {
    /// [`Opener::open_with_agreement`]'s plaintext only, for an envelope that
    /// already passed [`Opener::check`].
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
pub fn aead_open(ks: &schedule::Schedule, envelope: &Envelope) -> Result<Vec<u8>> {
    crate::primitives::aes_gcm_open(&ks.key, ks.base_nonce.as_ref(), b"", envelope.ciphertext())
        .map_err(|_| Error::DecryptFailed)
}

/// The plaintext size limit, with the error every sealing path gives.
pub fn check_plaintext(len: usize) -> Result<()> {
    if len > MAX_PLAINTEXT {
        return Err(Error::input("plaintext is larger than 4 MiB"));
    }
    Ok(())
}

/// The checks every sealing path makes before any P-256 work, in this
/// order: the plaintext size, then the context; gives the HPKE `info`.
pub(crate) fn check_inputs(plaintext_len: usize, context: &Context) -> Result<Vec<u8>> {
    check_plaintext(plaintext_len)?;
    context.info()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An encapsulation made ahead of time seals to the same bytes as
    /// `seal_with_agreement` with the same `enc` and ECDH (so the hpke-crate
    /// and RFC-vector proofs of that path cover it), refuses what it refuses
    /// (as `Sealer::prepare_with_agreement` does, adding nothing to the pool),
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
            let mut sealer = Sealer::new(recipient.clone());
            let c = sealer.prepare_with_agreement(e, d).unwrap_err();
            assert_eq!((a.code(), a.to_string()), (c.code(), c.to_string()));
            assert_eq!(sealer.prepared(), 0);
        }
        let fresh = || Encapsulation::from_agreement(recipient, &enc, &*dh).unwrap();
        let big = vec![0u8; MAX_PLAINTEXT + 1];
        assert_eq!(
            fresh().seal(recipient, &big, &ctx).unwrap_err().code(),
            "INVALID_INPUT"
        );
    }

    /// `body_head` is the body of the finished envelope up to `ct`, so head
    /// || ct (the JS binary form, AES-GCM done elsewhere) is `to_body()`,
    /// and its base64url after `ss1.` the envelope text, for every length of
    /// info (context items of 1–256 bytes, with and without a submission).
    #[test]
    fn body_head_is_the_body_before_ct() {
        let key = PrivateKey::generate().unwrap();
        let recipient = key.public_key();
        let eph = PrivateKey::generate().unwrap();
        let enc = eph.public_key().to_sec1(false);
        let dh = crate::primitives::ecdh(&eph, recipient);
        let long = "f".repeat(256);
        let contexts = [
            Context::new("f", "a").unwrap(),
            Context::new(&long, "a")
                .unwrap()
                .with_submission("s:1")
                .unwrap(),
        ];
        for ctx in &contexts {
            for len in [0usize, 1, 3000] {
                let pt = vec![0xa5; len];
                let sealing = Encapsulation::from_agreement(recipient, &enc, &*dh)
                    .unwrap()
                    .begin(len, ctx)
                    .unwrap();
                let head = sealing.body_head(recipient);
                let env = sealing.seal(recipient, &pt, ctx).unwrap();
                let body = env.to_body();
                assert_eq!(&body[..head.len()], &head[..]);
                assert_eq!(&body[head.len()..], env.ciphertext());
                let mut joined = head.clone();
                joined.extend_from_slice(env.ciphertext());
                assert_eq!(Envelope::from_body(&joined).unwrap(), env);
                assert_eq!(open(&key, &env.to_text(), Some(ctx)).unwrap().plaintext, pt);
            }
        }
    }

    /// `Encapsulation::fresh` is the one-shot seal's: variable-base, a new
    /// ephemeral key each time, and its envelopes open.
    #[test]
    fn fresh_encapsulations_are_variable_base_and_new_each_time() {
        let key = PrivateKey::generate().unwrap();
        let ctx = Context::new("f", "a").unwrap();
        let a = Encapsulation::fresh(key.public_key()).unwrap();
        let b = Encapsulation::fresh(key.public_key()).unwrap();
        assert_eq!(a.source(), Source::VariableBase);
        let (ea, eb) = (
            a.seal(key.public_key(), b"x", &ctx).unwrap(),
            b.seal(key.public_key(), b"x", &ctx).unwrap(),
        );
        assert_ne!(ea.enc(), eb.enc());
        for env in [ea, eb] {
            assert_eq!(
                open(&key, &env.to_text(), Some(&ctx)).unwrap().plaintext,
                b"x"
            );
        }
    }
}
