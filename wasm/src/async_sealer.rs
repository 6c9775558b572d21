//! The async side of the JS `Sealer` (and of the one-shot `sealAsync`):
//! encapsulations made with WebCrypto (`generateKey`, non-extractable, +
//! `exportKey("raw")` + `deriveBits`; `ExtractAndExpand` in wasm) or in wasm,
//! whichever the page measured faster ([`crate::backend`]); the rest of RFC
//! 9180 and the envelope are the core's, so the envelopes are the same
//! either way. Where `crypto.subtle` is missing or a WebCrypto call fails,
//! the pure-wasm path is used (and that owner does not try WebCrypto again).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};
use zeroize::Zeroizing;

use crate::args::WebCryptoMode;
use crate::backend::{Backend, Timer, Web, Work};
use crate::chain::{Step, chain, settled};
use crate::errors::JsErr;
use crate::web_crypto::{
    ARGS, Subtle, WEB_AES_MIN, aes_alg, derive_alg, import_public_promise, import_secret, own,
    settle, take_dh, take_enc,
};
use slice_seal::hazmat::{self, Encapsulation, Sealing, Source};
use slice_seal::{Context, Error, PublicKey, Sealer};

mod bytes;

/// The core's checks of one slice's inputs, made before any P-256 work so
/// that a bad input costs no key pair.
fn check_inputs(plaintext_len: usize, context: &Context) -> slice_seal::Result<()> {
    context.info()?;
    hazmat::check_plaintext(plaintext_len)
}

/// Why the WebCrypto path stopped: the platform (fall back to wasm) or the
/// core (a real error for the caller, e.g. an oversized plaintext).
enum Stop {
    Web(JsValue),
    Core(Error),
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Stop::Core(e)
    }
}

impl Backend {
    /// Which implementation made an encapsulation's DH value.
    fn of(encap: &Encapsulation) -> Self {
        match encap.source() {
            Source::WebCrypto => Backend::WebCrypto,
            Source::FixedBase | Source::VariableBase => Backend::Wasm,
        }
    }
}

/// A recipient key for the JS `Sealer`: the async API as above, the sync API
/// pure wasm (its per-recipient table is built on first use only).
///
/// `prepare` (`prepareAsync`) makes whole encapsulations ahead of time;
/// sealing with one is then `KeySchedule` + AES-GCM in wasm, with no
/// WebCrypto call and no await. They go into the core [`Sealer`]'s pool,
/// beside the ones it makes itself: one pool, whoever made them.
pub(crate) struct AsyncSealer {
    recipient: PublicKey,
    web: Web,
    sealer: RefCell<Sealer>,
    /// `{name: "ECDH", public: recipient}`, the recipient key imported into
    /// WebCrypto once.
    peer: RefCell<Option<Object>>,
    last: Cell<Option<Backend>>,
    /// Whether the core sealer may have built its table (any sync use).
    table: Cell<bool>,
}

impl AsyncSealer {
    pub(crate) fn new(recipient: PublicKey, mode: WebCryptoMode) -> Rc<Self> {
        Rc::new(AsyncSealer {
            sealer: RefCell::new(hazmat::sealer_lazy(recipient.clone())),
            recipient,
            web: Web::new(mode),
            peer: RefCell::new(None),
            last: Cell::new(None),
            table: Cell::new(false),
        })
    }

    /// The backend the last async call used, if any.
    pub(crate) fn last_backend(&self) -> Option<Backend> {
        self.last.get()
    }

    /// Run `f` on the core sealer (its table is built on first use: counted
    /// as built from here on).
    pub(crate) fn with_sync<T>(&self, f: impl FnOnce(&mut Sealer) -> T) -> T {
        self.table.set(true);
        f(&mut self.sealer.borrow_mut())
    }

    /// Prepared encapsulations, WebCrypto's and wasm's.
    pub(crate) fn prepared(&self) -> usize {
        self.sealer.borrow().prepared()
    }

    /// Seal synchronously, in wasm.
    pub(crate) fn seal_sync(
        &self,
        plaintext: &[u8],
        context: &Context,
    ) -> slice_seal::Result<String> {
        self.with_sync(|s| s.seal(plaintext, context))
    }

    /// The one-shot `sealAsync`: through this (temporary) sealer if the
    /// page's choice is WebCrypto (or still open), else with the one-shot
    /// wasm encapsulation, which needs no per-recipient table (timed while
    /// the choice is open).
    pub(crate) fn seal_once(
        self: &Rc<Self>,
        plaintext: Zeroizing<Vec<u8>>,
        context: Context,
    ) -> Promise {
        if let Err(e) = check_inputs(plaintext.len(), &context) {
            return Promise::reject(&e.js_err());
        }
        let (subtle, timer) = self.web.plan(Work::Seal);
        if subtle.is_some() {
            return self.with_encap(move |me, encap| me.seal_encap(encap, plaintext, context));
        }
        self.with_fresh(timer, move |me, encap| {
            me.seal_encap(encap, plaintext, context)
        })
    }

    /// The one-shot seals' wasm path: a fresh variable-base encapsulation
    /// (no per-recipient table), timed alone, then `then` (whose AES-GCM of
    /// a large value is by its own choice, not wasm's because the P-256 is).
    fn with_fresh(
        self: &Rc<Self>,
        timer: Option<Timer>,
        then: impl FnOnce(&Rc<Self>, Encapsulation) -> Promise,
    ) -> Promise {
        self.last.set(Some(Backend::Wasm));
        let encap = match Encapsulation::fresh(&self.recipient) {
            Ok(e) => e,
            Err(e) => return Promise::reject(&e.js_err()),
        };
        if let Some(t) = timer {
            t.finish();
        }
        then(self, encap)
    }

    /// A prepared encapsulation, if one is ready; the call it serves used
    /// the backend that made it.
    fn take_prepared(&self) -> Option<Encapsulation> {
        let encap = hazmat::take_prepared(&mut self.sealer.borrow_mut())?;
        self.last.set(Some(Backend::of(&encap)));
        Some(encap)
    }

    /// `sealAsync`: the inputs checked first (a bad one costs no key pair and
    /// no prepared encapsulation); then with a prepared encapsulation, no
    /// P-256 work (settled at once below [`WEB_AES_MIN`]); else one made now.
    pub(crate) fn seal_promise(
        self: &Rc<Self>,
        plaintext: Zeroizing<Vec<u8>>,
        context: Context,
    ) -> Promise {
        if let Err(e) = check_inputs(plaintext.len(), &context) {
            return Promise::reject(&e.js_err());
        }
        self.with_encap(move |me, encap| me.seal_encap(encap, plaintext, context))
    }

    /// `then(self, encap)` with a prepared encapsulation (at once), else with
    /// one made now (for inputs already checked); `last` is its backend.
    fn with_encap(
        self: &Rc<Self>,
        then: impl FnOnce(&Rc<Self>, Encapsulation) -> Promise + 'static,
    ) -> Promise {
        if let Some(encap) = self.take_prepared() {
            return then(self, encap);
        }
        let me = self.clone();
        future_to_promise(async move {
            let encap = match me.take_prepared() {
                Some(encap) => encap,
                None => {
                    let made = me.make(1).await.js_err()?.pop().ok_or_else(|| {
                        JsValue::from_str("slice-seal: no encapsulation was made")
                    })?;
                    me.last.set(Some(Backend::of(&made)));
                    made
                }
            };
            JsFuture::from(then(&me, encap)).await
        })
    }

    /// Seal with `encap`, resolving to the envelope text: AES-GCM in wasm
    /// (settled at once) below [`WEB_AES_MIN`], else by the page's choice.
    fn seal_encap(
        &self,
        encap: Encapsulation,
        plaintext: Zeroizing<Vec<u8>>,
        context: Context,
    ) -> Promise {
        match self.plan_aes(encap, plaintext.len(), &context) {
            Err(e) => Promise::reject(&e),
            Ok(AesPlan::Wasm(sealing, timer)) => settled(timed(
                timer,
                seal_in_wasm(sealing, &self.recipient, &plaintext, &context),
            )),
            Ok(AesPlan::Web(subtle, sealing, timer)) => web_aes_seal(
                &subtle,
                sealing,
                self.recipient.clone(),
                plaintext,
                context,
                timer,
            ),
        }
    }

    /// `KeySchedule` for `encap`, then where AES-GCM of `len` plaintext
    /// bytes runs: wasm below [`WEB_AES_MIN`] (untimed), else the page's
    /// choice, with its timer if this unit is timed. Shared by the text and
    /// binary forms.
    fn plan_aes(
        &self,
        encap: Encapsulation,
        len: usize,
        context: &Context,
    ) -> Result<AesPlan, JsValue> {
        let sealing = encap.begin(len, context).js_err()?;
        let large = len + hazmat::TAG_LEN;
        if large < WEB_AES_MIN {
            return Ok(AesPlan::Wasm(sealing, None));
        }
        let (subtle, timer) = self.web.plan(Work::Aes);
        let timer = timer.map(|t| t.per_mib(large));
        Ok(match subtle {
            Some(subtle) => AesPlan::Web(subtle, sealing, timer),
            None => AesPlan::Wasm(sealing, timer),
        })
    }

    /// Seal many slices at once: prepared encapsulations first, then the
    /// rest made together (WebCrypto's calls all in flight at once, or in
    /// wasm). Results are in the order of `items`.
    pub(crate) async fn seal_many(
        self: Rc<Self>,
        items: Vec<(Zeroizing<Vec<u8>>, Context)>,
    ) -> slice_seal::Result<Vec<String>> {
        for (plaintext, context) in &items {
            check_inputs(plaintext.len(), context)?;
        }
        let mut out = Vec::with_capacity(items.len());
        while out.len() < items.len() {
            let Some(encap) = self.take_prepared() else {
                break;
            };
            let (plaintext, context) = &items[out.len()];
            out.push(encap.seal(&self.recipient, plaintext, context)?.to_text());
        }
        let todo = &items[out.len()..];
        if todo.is_empty() {
            return Ok(out);
        }
        let made = self.make(todo.len()).await?;
        if let Some(encap) = made.last() {
            self.last.set(Some(Backend::of(encap)));
        }
        for (encap, (plaintext, context)) in made.into_iter().zip(todo) {
            out.push(encap.seal(&self.recipient, plaintext, context)?.to_text());
        }
        Ok(out)
    }

    /// `count` new encapsulations, each by the backend the page chose; while
    /// the choice is open, one at a time, timed.
    async fn make(&self, count: usize) -> slice_seal::Result<Vec<Encapsulation>> {
        let mut out = Vec::with_capacity(count);
        while out.len() < count {
            let (subtle, mut timer) = self.web.plan(Work::Seal);
            let n = if timer.is_some() {
                1
            } else {
                count - out.len()
            };
            if let Some(subtle) = subtle {
                if let Some(t) = timer.as_mut() {
                    // Timed without this sealer's one-time import of the recipient.
                    if let Err(e) = self.peer(&subtle).await {
                        self.web.give_up(&e);
                        continue;
                    }
                    t.restart();
                }
                match self.encapsulate(&subtle, n).await {
                    Ok(made) => {
                        if let Some(t) = timer {
                            t.finish();
                        }
                        out.extend(made);
                        continue;
                    }
                    Err(Stop::Core(e)) => return Err(e),
                    // The owner stays on wasm from now on; nothing is timed.
                    Err(Stop::Web(e)) => {
                        self.web.give_up(&e);
                        continue;
                    }
                }
            }
            if let Some(t) = timer.as_mut() {
                // Timed without this sealer's one-time table.
                self.ensure_table();
                t.restart();
            }
            out.extend(self.wasm_encapsulations(n)?);
            if let Some(t) = timer {
                t.finish();
            }
        }
        Ok(out)
    }

    /// Build the core sealer's per-recipient table now (it is built on first
    /// use otherwise), keeping its pool: a new [`Sealer`] takes the old one's
    /// prepared encapsulations, in order.
    fn ensure_table(&self) {
        if self.table.replace(true) {
            return;
        }
        let mut built = Sealer::new(self.recipient.clone());
        let mut old = self.sealer.borrow_mut();
        let mut pool: Vec<Encapsulation> =
            std::iter::from_fn(|| hazmat::take_prepared(&mut old)).collect();
        pool.reverse();
        hazmat::add_prepared(&mut built, pool);
        *old = built;
    }

    /// `n` (≤ [`slice_seal::MAX_PREPARED`]) encapsulations made in wasm (the
    /// core sealer's table; the last made are taken first).
    fn wasm_encapsulations(&self, n: usize) -> slice_seal::Result<Vec<Encapsulation>> {
        self.with_sync(|s| {
            let have = s.prepared();
            s.prepare(have + n)?;
            Ok((0..n).filter_map(|_| hazmat::take_prepared(s)).collect())
        })
    }

    /// `count` encapsulations to the recipient with WebCrypto, in two
    /// rounds: every `generateKey` (non-extractable) in flight together,
    /// then every `exportKey` and `deriveBits` together; `ExtractAndExpand`
    /// in wasm. Every ECDH buffer `Promise.all` gives back is taken (and
    /// zeroed), even when another result is unusable.
    async fn encapsulate(&self, subtle: &Subtle, count: usize) -> Result<Vec<Encapsulation>, Stop> {
        let peer = self.peer(subtle).await.map_err(Stop::Web)?;
        let web = |r: Result<JsValue, JsValue>| r.map_err(Stop::Web);
        let pairs: Array = ARGS
            .with(|a| {
                (0..count)
                    .map(|_| subtle.generate_key(&a.ecdh_p256, false, &a.derive))
                    .collect::<Result<Array, JsValue>>()
            })
            .map_err(Stop::Web)?;
        let pairs: Array = web(JsFuture::from(Promise::all(&pairs)).await)?.unchecked_into();
        // [exportKey(public 0), deriveBits(private 0), exportKey(public 1), …]
        let calls = Array::new();
        for pair in pairs.iter() {
            let (public, private) = ARGS.with(|a| {
                (
                    Reflect::get(&pair, &a.public_key),
                    Reflect::get(&pair, &a.private_key),
                )
            });
            let (public, private) = (web(public)?, web(private)?);
            calls.push(&web(ARGS
                .with(|a| subtle.export_key(&a.raw, &public))
                .map(JsValue::from))?);
            calls.push(&web(subtle
                .derive_bits(&peer, &private, 256)
                .map(JsValue::from))?);
        }
        let done: Array = web(JsFuture::from(Promise::all(&calls)).await)?.unchecked_into();
        let results: Vec<JsValue> = done.iter().collect();
        let dhs: Vec<_> = results.chunks(2).map(|r| take_dh(&r[1])).collect();
        results
            .chunks(2)
            .zip(dhs)
            .map(|(r, dh)| {
                let enc = take_enc(&r[0]).map_err(Stop::Web)?;
                let dh = dh.map_err(Stop::Web)?;
                Ok(Encapsulation::from_agreement(
                    &self.recipient,
                    &enc,
                    dh.as_ref(),
                )?)
            })
            .collect()
    }

    async fn peer(&self, subtle: &Subtle) -> Result<Object, JsValue> {
        if let Some(alg) = self.peer.borrow().as_ref() {
            return Ok(alg.clone());
        }
        let sec1 = hazmat::uncompressed(&self.recipient);
        let key = settle(import_public_promise(subtle, &sec1)).await?;
        let alg = derive_alg(&key);
        *self.peer.borrow_mut() = Some(alg.clone());
        Ok(alg)
    }

    /// Prepare until `count` (at most [`slice_seal::MAX_PREPARED`]) are
    /// ready, each made by the page's choice; all go into the one pool.
    pub(crate) async fn prepare(self: Rc<Self>, count: usize) -> slice_seal::Result<usize> {
        let want = count.min(slice_seal::MAX_PREPARED);
        let have = self.prepared();
        if have < want {
            let made = self.make(want - have).await?;
            hazmat::add_prepared(&mut self.sealer.borrow_mut(), made);
        }
        Ok(self.prepared())
    }
}

/// Where a seal's AES-GCM runs ([`AsyncSealer::plan_aes`]), with the
/// schedule's [`Sealing`] and the timer of a timed unit.
enum AesPlan {
    Wasm(Sealing, Option<Timer>),
    Web(Subtle, Sealing, Option<Timer>),
}

/// `result`, after stopping `timer` (a timed wasm unit).
fn timed<T>(timer: Option<Timer>, result: T) -> T {
    if let Some(t) = timer {
        t.finish();
    }
    result
}

/// RFC 9180 `Seal` in wasm and the envelope text.
fn seal_in_wasm(
    sealing: Sealing,
    recipient: &PublicKey,
    plaintext: &[u8],
    context: &Context,
) -> Result<JsValue, JsValue> {
    Ok(sealing
        .seal(recipient, plaintext, context)
        .js_err()?
        .to_text()
        .into())
}

/// RFC 9180 `Seal` with WebCrypto's AES-GCM (large slices; see
/// [`WEB_AES_MIN`]) and the envelope text. The key crosses into WebCrypto
/// once (non-extractable; the JS copy is zeroed after `importKey`), as does
/// the plaintext (zeroed once `encrypt` has copied it). If WebCrypto refuses,
/// the same step runs in wasm: the envelope is the same either way (AES-GCM
/// is deterministic for a key and nonce), and nothing is timed.
fn web_aes_seal(
    subtle: &Subtle,
    sealing: Sealing,
    recipient: PublicKey,
    plaintext: Zeroizing<Vec<u8>>,
    context: Context,
    timer: Option<Timer>,
) -> Promise {
    let import =
        ARGS.with(|a| import_secret(subtle, &a.raw, &sealing.ks.key, &a.aes_gcm, &a.encrypt));
    let Ok(import) = import else {
        return settled(seal_in_wasm(sealing, &recipient, &plaintext, &context));
    };
    let nonce = Uint8Array::from(&sealing.ks.base_nonce[..]);
    let plaintext = Rc::new(plaintext);
    let (subtle, pt) = (own(subtle), plaintext.clone());
    let encrypt: Step = Box::new(move |key| {
        let data = Uint8Array::from(&pt[..]);
        let promise = subtle.encrypt(&aes_alg(&nonce), &key, &data);
        data.fill(0, 0, data.length());
        promise.map(JsValue::from)
    });
    chain(
        import,
        vec![encrypt],
        Box::new(move |sealed| match sealed {
            Ok(buf) => {
                let ct = Uint8Array::new(&buf).to_vec();
                let env = sealing.finish(&recipient, &context, ct).to_text();
                if let Some(t) = timer {
                    t.finish();
                }
                Ok(env.into())
            }
            Err(_) => seal_in_wasm(sealing, &recipient, &plaintext, &context),
        }),
    )
}
