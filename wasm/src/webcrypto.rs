//! The WebCrypto fast path of the async API (issue 6).
//!
//! Where `crypto.subtle` exists (browsers in secure contexts, workers, Node
//! ≥ 19), P-256 key generation and ECDH run in the platform's native code:
//! `generateKey` (non-extractable private key) + `exportKey("raw")` for the
//! ephemeral key pair, `deriveBits` for the shared secret. The rest of RFC
//! 9180 — `ExtractAndExpand`, `KeySchedule`, AES-256-GCM — and the envelope
//! are the core's ([`slice_seal::seal_with_agreement`],
//! [`slice_seal::Opener::open_with_agreement`]), so the envelopes are the same as
//! the pure-wasm path's and are checked by the same tests.
//!
//! Where `crypto.subtle` is missing, or a P-256 WebCrypto call fails (e.g. a
//! platform without P-256 ECDH), the call falls back to the pure-wasm path
//! and that `Sealer`/`Opener` does not try WebCrypto again. Private keys stay
//! non-extractable `CryptoKey`s. Secrets cross between wasm and JS only as
//! buffers wiped at once: the ECDH result (copied into wasm), and what
//! [`import_secret`] hands to `importKey` (the opener's PKCS#8 private key,
//! the AES-GCM key of a large slice).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};
use zeroize::Zeroizing;

use crate::JsErr;
use slice_seal::hazmat::{self, Encapsulation, Schedule, Sealing, Source};
use slice_seal::{Context, Envelope, Error, Opener, PrivateKey, PublicKey, Sealer};

#[wasm_bindgen]
extern "C" {
    /// `crypto.subtle`, called structurally (no `instanceof`).
    pub(crate) type Subtle;
    #[wasm_bindgen(method, catch, js_name = generateKey)]
    fn generate_key(
        this: &Subtle,
        alg: &Object,
        extractable: bool,
        usages: &Array,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = exportKey)]
    fn export_key(this: &Subtle, format: &JsValue, key: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = importKey)]
    fn import_key(
        this: &Subtle,
        format: &JsValue,
        data: &Uint8Array,
        alg: &Object,
        extractable: bool,
        usages: &Array,
    ) -> Result<Promise, JsValue>;
    /// A `Promise`, for a `then` whose handlers' results are kept (js-sys's
    /// typed `then` drops them), so a handler can return the next promise.
    type Then;
    #[wasm_bindgen(method, js_name = then)]
    fn and_then(this: &Then, ok: &Handler) -> Promise;
    #[wasm_bindgen(method, js_name = then)]
    fn and_then_or(this: &Then, ok: &Handler, err: &Handler) -> Promise;
    #[wasm_bindgen(method, catch)]
    fn encrypt(
        this: &Subtle,
        alg: &Object,
        key: &JsValue,
        data: &Uint8Array,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn decrypt(
        this: &Subtle,
        alg: &Object,
        key: &JsValue,
        data: &Uint8Array,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = deriveBits)]
    fn derive_bits(
        this: &Subtle,
        alg: &Object,
        key: &JsValue,
        length: u32,
    ) -> Result<Promise, JsValue>;
}

/// Which implementation did the P-256 work of an async call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    WebCrypto,
    Wasm,
}

impl Backend {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Backend::WebCrypto => "webcrypto",
            Backend::Wasm => "wasm",
        }
    }
}

/// `globalThis.crypto.subtle` if it is usable. Looked up when a `Sealer` or
/// `Opener` first needs it (and on every one-shot call).
fn subtle() -> Option<Subtle> {
    let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto")).ok()?;
    if !crypto.is_object() {
        return None;
    }
    let subtle = Reflect::get(&crypto, &JsValue::from_str("subtle")).ok()?;
    let has =
        |name: &str| Reflect::get(&subtle, &JsValue::from_str(name)).is_ok_and(|f| f.is_function());
    (subtle.is_object() && has("generateKey") && has("deriveBits") && has("importKey"))
        .then(|| subtle.unchecked_into())
}

/// Whether a `Sealer`/`Opener` uses WebCrypto: allowed by its options,
/// `crypto.subtle` looked up on first use, and given up on after a failure.
struct Web {
    allowed: bool,
    /// Set once a WebCrypto call has failed: the pure-wasm path from then on.
    failed: Cell<bool>,
    found: std::cell::OnceCell<Option<Subtle>>,
}

impl Web {
    fn new(allowed: bool) -> Self {
        Web {
            allowed,
            failed: Cell::new(false),
            found: std::cell::OnceCell::new(),
        }
    }

    /// `crypto.subtle`, if this owner uses WebCrypto now.
    fn subtle(&self) -> Option<Subtle> {
        if self.allowed && !self.failed.get() {
            self.found.get_or_init(subtle).as_ref().map(own)
        } else {
            None
        }
    }

    /// Give up on WebCrypto for this owner (warning once).
    fn give_up(&self, err: &JsValue) {
        if !self.failed.replace(true) {
            web_sys::console::warn_2(
                &JsValue::from_str("slice-seal: WebCrypto P-256 failed; using the wasm path:"),
                err,
            );
        }
    }
}

/// Another handle on the same `crypto.subtle`.
fn own(s: &Subtle) -> Subtle {
    JsValue::clone(s).unchecked_into()
}

async fn settle(p: Result<Promise, JsValue>) -> Result<JsValue, JsValue> {
    JsFuture::from(p?).await
}

fn obj(pairs: &[(&str, &JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        // Setting a data property on a fresh plain object cannot fail.
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

/// The WebCrypto arguments every call shares, made once: `{name: "ECDH",
/// namedCurve: "P-256"}`, `["deriveBits"]`, `[]` (WebCrypto reads them,
/// never changes them), and the strings the calls use, so that no call
/// converts a Rust string to JS (measured: ~4% of `openAsync`).
struct Args {
    ecdh_p256: Object,
    derive: Array,
    none: Array,
    name: JsValue,
    public: JsValue,
    ecdh: JsValue,
    raw: JsValue,
    pkcs8: JsValue,
    public_key: JsValue,
    private_key: JsValue,
    /// `{name: "AES-GCM"}`, `["decrypt"]` and the strings of `{name, iv}`.
    aes_gcm: Object,
    encrypt: Array,
    decrypt: Array,
    aes_gcm_name: JsValue,
    iv: JsValue,
}

thread_local! {
    static ARGS: Args = Args {
        ecdh_p256: obj(&[
            ("name", &JsValue::from_str("ECDH")),
            ("namedCurve", &JsValue::from_str("P-256")),
        ]),
        derive: Array::of1(&JsValue::from_str("deriveBits")),
        none: Array::new(),
        name: JsValue::from_str("name"),
        public: JsValue::from_str("public"),
        ecdh: JsValue::from_str("ECDH"),
        raw: JsValue::from_str("raw"),
        pkcs8: JsValue::from_str("pkcs8"),
        public_key: JsValue::from_str("publicKey"),
        private_key: JsValue::from_str("privateKey"),
        aes_gcm: obj(&[("name", &JsValue::from_str("AES-GCM"))]),
        encrypt: Array::of1(&JsValue::from_str("encrypt")),
        decrypt: Array::of1(&JsValue::from_str("decrypt")),
        aes_gcm_name: JsValue::from_str("AES-GCM"),
        iv: JsValue::from_str("iv"),
    };
}

/// `{name: "ECDH", public}`: the `deriveBits` algorithm for a peer key.
fn derive_alg(public: &JsValue) -> Object {
    let o = Object::new();
    ARGS.with(|a| {
        // Setting a data property on a fresh plain object cannot fail.
        let _ = Reflect::set(&o, &a.name, &a.ecdh);
        let _ = Reflect::set(&o, &a.public, public);
    });
    o
}

/// `exportKey("raw")`'s output: the 65-byte uncompressed public key.
fn take_enc(raw: &JsValue) -> Result<[u8; 65], JsValue> {
    let raw = Uint8Array::new(raw);
    if raw.length() != 65 {
        return Err(JsValue::from_str("exportKey(raw) did not give 65 bytes"));
    }
    let mut enc = [0u8; 65];
    raw.copy_to(&mut enc);
    Ok(enc)
}

/// `deriveBits`'s output: the 32-byte ECDH value, copied into wasm; the JS
/// buffer is zeroed whatever its length.
fn take_dh(bits: &JsValue) -> Result<Zeroizing<[u8; 32]>, JsValue> {
    let bits = Uint8Array::new(bits);
    let mut dh = Zeroizing::new([0u8; 32]);
    let ok = bits.length() == 32;
    if ok {
        bits.copy_to(dh.as_mut());
    }
    bits.fill(0, 0, bits.length());
    if ok {
        Ok(dh)
    } else {
        Err(JsValue::from_str("deriveBits did not give 32 bytes"))
    }
}

async fn import_public(subtle: &Subtle, sec1: &[u8]) -> Result<JsValue, JsValue> {
    settle(import_public_promise(subtle, sec1)).await
}

/// The core's checks of one slice's inputs, made before any WebCrypto call so
/// that a bad input costs no key pair.
fn check_inputs(plaintext: &[u8], context: &Context) -> slice_seal::Result<()> {
    context.info()?;
    slice_seal::hazmat::check_plaintext(plaintext.len())
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

/// A recipient key for the JS `Sealer` and the form integration: the async
/// API goes through WebCrypto where it can, the sync API is pure wasm (its
/// per-recipient table is built on first use only).
///
/// `prepare` (the async API's `prepareAsync`, the form's idle-time
/// preparation) makes whole encapsulations with WebCrypto: key pair, ECDH
/// with the recipient, and `ExtractAndExpand` in wasm. Sealing with one is
/// then `KeySchedule` + AES-GCM in wasm, with no WebCrypto call and no
/// await. They go into the core [`Sealer`]'s pool, beside the ones it
/// makes itself: one pool, whoever made them.
pub(crate) struct AsyncSealer {
    recipient: PublicKey,
    web: Web,
    sealer: RefCell<Sealer>,
    /// `{name: "ECDH", public: recipient}`, the recipient key imported into
    /// WebCrypto once.
    peer: RefCell<Option<Object>>,
    last: Cell<Option<Backend>>,
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

impl AsyncSealer {
    pub(crate) fn new(recipient: PublicKey, web_allowed: bool) -> Rc<Self> {
        Rc::new(AsyncSealer {
            sealer: RefCell::new(hazmat::sealer_lazy(recipient.clone())),
            recipient,
            web: Web::new(web_allowed),
            peer: RefCell::new(None),
            last: Cell::new(None),
        })
    }

    /// The recipient key.
    pub(crate) fn recipient(&self) -> &PublicKey {
        &self.recipient
    }

    /// Whether async calls would use WebCrypto now.
    pub(crate) fn uses_web_crypto(&self) -> bool {
        self.subtle().is_some()
    }

    /// The backend the last async call used, if any.
    pub(crate) fn last_backend(&self) -> Option<Backend> {
        self.last.get()
    }

    fn subtle(&self) -> Option<Subtle> {
        self.web.subtle()
    }

    /// Run `f` on the core sealer (its table is built on first use).
    pub(crate) fn with_sync<T>(&self, f: impl FnOnce(&mut Sealer) -> T) -> T {
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

    /// Seal with a prepared encapsulation, if there is one (its P-256 work
    /// was done when it was made). The caller has checked the inputs.
    fn seal_prepared(
        &self,
        plaintext: &[u8],
        context: &Context,
    ) -> Option<slice_seal::Result<String>> {
        let encap = self.take_prepared()?;
        Some(
            encap
                .seal(&self.recipient, plaintext, context)
                .map(|e| e.to_string()),
        )
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
    /// WebCrypto call for the P-256 work (settled at once below
    /// [`WEB_AES_MIN`]); else [`AsyncSealer::seal`].
    pub(crate) fn seal_promise(
        self: &Rc<Self>,
        plaintext: Zeroizing<Vec<u8>>,
        context: Context,
    ) -> Promise {
        if let Err(e) = check_inputs(&plaintext, &context) {
            return Promise::reject(&e.js_err());
        }
        match self.take_prepared() {
            Some(encap) => self.seal_encap(encap, plaintext, context),
            None => {
                let me = self.clone();
                future_to_promise(me.seal(plaintext, context))
            }
        }
    }

    /// Seal checked inputs through WebCrypto if possible (a prepared
    /// encapsulation, else a key pair and an ECDH made now), else in wasm.
    /// Resolves to the envelope text as the JS string it already is: taking
    /// it back into wasm and out again cost a 1 MiB slice ~5 ms.
    async fn seal(
        self: Rc<Self>,
        plaintext: Zeroizing<Vec<u8>>,
        context: Context,
    ) -> Result<JsValue, JsValue> {
        let prepared = self.take_prepared();
        let encap = match (prepared, self.subtle()) {
            (Some(encap), _) => Some(encap),
            (None, Some(subtle)) => match self.encapsulate(&subtle, 1).await {
                Ok(mut made) => made.pop(),
                Err(Stop::Core(e)) => return Err(e.js_err()),
                Err(Stop::Web(e)) => {
                    self.web.give_up(&e);
                    None
                }
            },
            (None, None) => None,
        };
        let Some(encap) = encap else {
            self.last.set(Some(Backend::Wasm));
            return self
                .seal_sync(&plaintext, &context)
                .js_err()
                .map(JsValue::from);
        };
        self.last.set(Some(Backend::of(&encap)));
        JsFuture::from(self.seal_encap(encap, plaintext, context)).await
    }

    /// Seal with `encap`, resolving to the envelope text: AES-GCM in wasm
    /// (settled at once) below [`WEB_AES_MIN`], else WebCrypto's.
    fn seal_encap(
        &self,
        encap: Encapsulation,
        plaintext: Zeroizing<Vec<u8>>,
        context: Context,
    ) -> Promise {
        let sealing = match encap.begin(plaintext.len(), &context) {
            Ok(s) => s,
            Err(e) => return Promise::reject(&e.js_err()),
        };
        let web = (plaintext.len() + slice_seal::hazmat::TAG_LEN >= WEB_AES_MIN)
            .then(|| self.subtle())
            .flatten();
        match web {
            Some(subtle) => {
                web_aes_seal(&subtle, sealing, self.recipient.clone(), plaintext, context)
            }
            None => settled(seal_in_wasm(sealing, &self.recipient, &plaintext, &context)),
        }
    }

    /// Seal many slices at once: prepared encapsulations first, then the
    /// rest with WebCrypto's calls for all of them in flight together (or in
    /// wasm). Results are in the order of `items`.
    pub(crate) async fn seal_many(
        self: Rc<Self>,
        items: Vec<(Zeroizing<Vec<u8>>, Context)>,
    ) -> slice_seal::Result<Vec<String>> {
        for (plaintext, context) in &items {
            check_inputs(plaintext, context)?;
        }
        let mut out = Vec::with_capacity(items.len());
        while let Some((plaintext, context)) = items.get(out.len()) {
            match self.seal_prepared(plaintext, context) {
                Some(r) => out.push(r?),
                None => break,
            }
        }
        let todo = &items[out.len()..];
        if todo.is_empty() {
            return Ok(out);
        }
        if let Some(subtle) = self.subtle() {
            match self.encapsulate(&subtle, todo.len()).await {
                Ok(made) => {
                    self.last.set(Some(Backend::WebCrypto));
                    for (encap, (plaintext, context)) in made.into_iter().zip(todo) {
                        out.push(encap.seal(&self.recipient, plaintext, context)?.to_text());
                    }
                    return Ok(out);
                }
                Err(Stop::Core(e)) => return Err(e),
                Err(Stop::Web(e)) => self.web.give_up(&e),
            }
        }
        self.last.set(Some(Backend::Wasm));
        for (plaintext, context) in todo {
            out.push(self.seal_sync(plaintext, context)?);
        }
        Ok(out)
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
        let key = import_public(subtle, &hazmat::uncompressed(&self.recipient)).await?;
        let alg = derive_alg(&key);
        *self.peer.borrow_mut() = Some(alg.clone());
        Ok(alg)
    }

    /// Prepare until `count` (at most [`slice_seal::MAX_PREPARED`]) are ready:
    /// encapsulations made with WebCrypto (concurrently, off the main thread
    /// in browsers) if possible, else in wasm; all go into the one pool.
    pub(crate) async fn prepare(self: Rc<Self>, count: usize) -> slice_seal::Result<usize> {
        let want = count.min(slice_seal::MAX_PREPARED);
        if let Some(subtle) = self.subtle() {
            let have = self.prepared();
            if have >= want {
                return Ok(have);
            }
            match self.encapsulate(&subtle, want - have).await {
                Ok(made) => {
                    self.with_sync(|s| hazmat::add_prepared(s, made));
                    return Ok(self.prepared());
                }
                Err(Stop::Core(e)) => return Err(e),
                Err(Stop::Web(e)) => self.web.give_up(&e),
            }
        }
        self.with_sync(|s| s.prepare(want))?;
        Ok(self.prepared())
    }
}

/// One step of a [`chain`]: gets the previous stage's value, returns a value
/// or a promise for the next.
type Step = Box<dyn FnOnce(JsValue) -> Result<JsValue, JsValue>>;
/// The end of a [`chain`]: gets the last stage's value or the first
/// rejection; its result settles the chain's promise.
type Done = Box<dyn FnOnce(Result<JsValue, JsValue>) -> Result<JsValue, JsValue>>;
type Handler = Closure<dyn FnMut(JsValue) -> Result<JsValue, JsValue>>;

/// `start.then(steps[0]).then(steps[1])….then(ok, err)` with `done` at the
/// end, built from plain `Promise.then` calls: one microtask per stage and
/// no executor, where `wasm-bindgen-futures` adds a task queue and a
/// closure pair per `await` (measured on `openAsync`: ~40% of its time was
/// that machinery). A rejection at any stage skips to `done(Err)`. Every
/// handler is freed when `done` runs (exactly one of its two handlers runs,
/// as they end the chain); until then they keep what they captured alive,
/// so a chain finishes even if its JS owner is freed or collected.
fn chain(start: Promise, steps: Vec<Step>, done: Done) -> Promise {
    let keep: Rc<RefCell<Vec<Handler>>> =
        Rc::new(RefCell::new(Vec::with_capacity(steps.len() + 2)));
    let mut promise = start;
    for step in steps {
        let mut step = Some(step);
        let handler: Handler = Closure::new(move |v| match step.take() {
            Some(f) => f(v),
            None => Err(JsValue::from_str("slice-seal: promise step ran twice")),
        });
        promise = promise.unchecked_ref::<Then>().and_then(&handler);
        keep.borrow_mut().push(handler);
    }
    let done = Rc::new(RefCell::new(Some(done)));
    let end = |ok: bool| -> Handler {
        let keep = keep.clone();
        let done = done.clone();
        Closure::new(move |v| {
            // Freed after this call returns (wasm-bindgen counts calls in flight).
            let handlers = std::mem::take(&mut *keep.borrow_mut());
            let f = done.borrow_mut().take();
            let out = match f {
                Some(f) => f(if ok { Ok(v) } else { Err(v) }),
                None => Err(JsValue::from_str("slice-seal: promise chain ended twice")),
            };
            drop(handlers);
            out
        })
    };
    let (ok, err) = (end(true), end(false));
    let promise = promise.unchecked_ref::<Then>().and_then_or(&ok, &err);
    keep.borrow_mut().extend([ok, err]);
    promise
}

/// A private key for the JS `Opener`: `open` is pure wasm, `openAsync` does
/// the ECDH through WebCrypto where it can.
pub(crate) struct AsyncOpener {
    core: Opener,
    web: Web,
    /// The import of the private key into WebCrypto (non-extractable),
    /// started on first use.
    private: RefCell<Option<Promise>>,
    /// The derive step every open shares, made once that import has settled.
    derive: RefCell<Option<Rc<Handler>>>,
    last: Cell<Option<Backend>>,
}

/// What `openAsync` gives back: the plaintext as bytes or as text.
pub(crate) type OpenedOut = fn(&[u8]) -> Result<JsValue, JsValue>;

impl AsyncOpener {
    pub(crate) fn new(key: PrivateKey, web_allowed: bool) -> Rc<Self> {
        Rc::new(AsyncOpener {
            core: Opener::new(key),
            web: Web::new(web_allowed),
            private: RefCell::new(None),
            derive: RefCell::new(None),
            last: Cell::new(None),
        })
    }

    pub(crate) fn core(&self) -> &Opener {
        &self.core
    }

    pub(crate) fn last_backend(&self) -> Option<Backend> {
        self.last.get()
    }

    /// Open `envelope` as a promise of `out(plaintext)`. The envelope is
    /// parsed and checked first, synchronously and in the same order as the
    /// sync path, so a bad one costs no WebCrypto call. Then `importKey(pkE)`
    /// and `deriveBits` in WebCrypto, and the rest in wasm in one call; if
    /// WebCrypto fails, the same envelope is opened in wasm instead.
    pub(crate) fn open_promise(
        self: &Rc<Self>,
        envelope: &str,
        expected: Option<Context>,
        out: OpenedOut,
    ) -> Promise {
        let env = match Envelope::parse(envelope)
            .and_then(|env| self.core.check(&env, expected.as_ref()).map(|()| env))
        {
            Ok(env) => env,
            Err(e) => return Promise::reject(&e.js_err()),
        };
        let Some(subtle) = self.web.subtle() else {
            return settled(self.open_wasm(&env, out));
        };
        let enc = *env.enc();
        let me = self.clone();
        let aes = own(&subtle);
        // Keeps `me` (and so the shared derive step) alive until it has run.
        let done: Done = Box::new(move |bits| match bits.and_then(|bits| take_dh(&bits)) {
            Ok(dh) => {
                me.last.set(Some(Backend::WebCrypto));
                if env.ciphertext().len() >= WEB_AES_MIN {
                    let ks = hazmat::schedule_checked_with_agreement(&me.core, &env, dh.as_ref())
                        .js_err()?;
                    return Ok(web_aes_open(&aes, ks, env, out).into());
                }
                let pt = hazmat::plaintext_checked_with_agreement(&me.core, &env, dh.as_ref())
                    .js_err()?;
                out(&Zeroizing::new(pt))
            }
            Err(e) => {
                me.web.give_up(&e);
                me.open_wasm(&env, out)
            }
        });
        let derive = self.derive.borrow().clone();
        if let Some(derive) = derive {
            // The usual case: importKey(pkE), then the shared derive step.
            return match import_public_promise(&subtle, &enc) {
                Ok(p) => settle_once(p.unchecked_ref::<Then>().and_then(&derive), done),
                Err(e) => settled(done(Err(e))),
            };
        }
        match self.first_steps(&subtle, &enc) {
            Ok((start, steps)) => chain(start, steps, done),
            Err(e) => settled(done(Err(e))),
        }
    }

    /// Open a checked envelope in wasm.
    fn open_wasm(&self, env: &Envelope, out: OpenedOut) -> Result<JsValue, JsValue> {
        self.last.set(Some(Backend::Wasm));
        let opened = self.core.open_envelope(env, None).js_err()?;
        out(&Zeroizing::new(opened.plaintext))
    }

    /// Until the private key is in WebCrypto: its import (started once,
    /// shared by the calls waiting for it), then `importKey(pkE)`, then the
    /// derive step, which the import makes for every later call.
    fn first_steps(
        self: &Rc<Self>,
        subtle: &Subtle,
        enc: &[u8],
    ) -> Result<(Promise, Vec<Step>), JsValue> {
        let existing = self.private.borrow().clone();
        let private = match existing {
            Some(p) => p,
            None => {
                let p = import_private_promise(subtle, self.core.key())?;
                *self.private.borrow_mut() = Some(p.clone());
                p
            }
        };
        let (me, subtle, enc) = (self.clone(), own(subtle), enc.to_vec());
        let import: Step = Box::new(move |key| {
            me.derive_handler(&subtle, key);
            import_public_promise(&subtle, &enc).map(JsValue::from)
        });
        let me = self.clone();
        let derive: Step = Box::new(move |pk_e| {
            let derive = me.derive.borrow().clone();
            let f: &js_sys::Function = match &derive {
                Some(h) => h.as_ref().as_ref().unchecked_ref(),
                None => return Err(JsValue::from_str("slice-seal: no WebCrypto private key")),
            };
            f.call1(&JsValue::UNDEFINED, &pk_e)
        });
        Ok((private, vec![import, derive]))
    }

    /// Make the shared derive step for the imported private key `key`, once:
    /// `pkE ↦ deriveBits({name: "ECDH", public: pkE}, key, 256)`, with one
    /// algorithm object whose `public` is set per call (WebCrypto reads it
    /// during the call).
    fn derive_handler(&self, subtle: &Subtle, key: JsValue) {
        if self.derive.borrow().is_some() {
            return;
        }
        let subtle = own(subtle);
        let alg = derive_alg(&JsValue::NULL);
        let handler: Handler = Closure::new(move |pk_e: JsValue| {
            ARGS.with(|a| Reflect::set(&alg, &a.public, &pk_e))?;
            subtle.derive_bits(&alg, &key, 256).map(JsValue::from)
        });
        *self.derive.borrow_mut() = Some(Rc::new(handler));
    }
}

/// Ciphertexts (tag included) from this size are sealed and opened with
/// WebCrypto's AES-GCM (`importKey` + `encrypt`/`decrypt`, two more promise
/// steps) rather than in wasm, by the async calls (not by `seal_many`, the
/// form's path, whose fields stay in wasm). Measured in headless Chromium, whole `openAsync`, interleaved:
/// 1 KiB 160 µs wasm vs 180 WebCrypto, 2 KiB 186 vs 186, 4 KiB 236 vs 210,
/// 8 KiB 340 vs 254, 64 KiB 1,720 vs 720. AES-GCM alone: wasm ~6 µs + ~25 ns
/// per byte; WebCrypto 1 MiB 2.7 ms vs wasm 23.5 ms.
const WEB_AES_MIN: usize = 2048;

/// RFC 9180 `Open` of `env` with WebCrypto's AES-GCM under the schedule's key
/// and nonce. The key crosses into WebCrypto once (non-extractable; the JS
/// copy is zeroed as soon as `importKey` has copied it). If WebCrypto refuses
/// — a tampered slice (wrong tag) or no AES-GCM — the same step runs in wasm,
/// which gives the answer (`DECRYPT_FAILED` or the plaintext); either way the
/// opener keeps using WebCrypto.
fn web_aes_open(subtle: &Subtle, ks: Schedule, env: Envelope, out: OpenedOut) -> Promise {
    let in_wasm = move |ks: &Schedule, env: &Envelope| -> Result<JsValue, JsValue> {
        out(&Zeroizing::new(
            slice_seal::hazmat::aead_open(ks, env).js_err()?,
        ))
    };
    let import = ARGS.with(|a| import_secret(subtle, &a.raw, &ks.key, &a.aes_gcm, &a.decrypt));
    let Ok(import) = import else {
        return settled(in_wasm(&ks, &env));
    };
    let nonce = Uint8Array::from(&ks.base_nonce[..]);
    let ct = Uint8Array::from(env.ciphertext());
    let subtle = own(subtle);
    let decrypt: Step = Box::new(move |key| {
        subtle
            .decrypt(&aes_alg(&nonce), &key, &ct)
            .map(JsValue::from)
    });
    chain(
        import,
        vec![decrypt],
        Box::new(move |plain| match plain {
            Ok(buf) => {
                let buf = Uint8Array::new(&buf);
                let mut pt = Zeroizing::new(vec![0u8; buf.length() as usize]);
                buf.copy_to(&mut pt);
                buf.fill(0, 0, buf.length());
                out(&pt)
            }
            Err(_) => in_wasm(&ks, &env),
        }),
    )
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
/// is deterministic for a key and nonce).
fn web_aes_seal(
    subtle: &Subtle,
    sealing: Sealing,
    recipient: PublicKey,
    plaintext: Zeroizing<Vec<u8>>,
    context: Context,
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
                Ok(sealing.finish(&recipient, &context, ct).to_text().into())
            }
            Err(_) => seal_in_wasm(sealing, &recipient, &plaintext, &context),
        }),
    )
}

/// `{name: "AES-GCM", iv}`.
fn aes_alg(iv: &Uint8Array) -> Object {
    let alg = Object::new();
    ARGS.with(|a| {
        // Setting a data property on a fresh plain object cannot fail.
        let _ = Reflect::set(&alg, &a.name, &a.aes_gcm_name);
        let _ = Reflect::set(&alg, &a.iv, iv);
    });
    alg
}

/// `promise.then(h, h)` with one handler `h` that runs `done` (a fulfilled
/// `ArrayBuffer` from `deriveBits` is `Ok`, anything else — a rejection —
/// `Err`) and then frees itself.
fn settle_once(promise: Promise, done: Done) -> Promise {
    let slot: Rc<RefCell<Option<Handler>>> = Rc::new(RefCell::new(None));
    let mine = slot.clone();
    let mut done = Some(done);
    let handler: Handler = Closure::new(move |v: JsValue| {
        // Freed after this call returns (wasm-bindgen counts calls in flight).
        let this = mine.borrow_mut().take();
        let out = match done.take() {
            Some(f) if v.is_instance_of::<js_sys::ArrayBuffer>() => f(Ok(v)),
            Some(f) => f(Err(v)),
            None => Err(JsValue::from_str("slice-seal: promise settled twice")),
        };
        drop(this);
        out
    });
    let out = promise
        .unchecked_ref::<Then>()
        .and_then_or(&handler, &handler);
    *slot.borrow_mut() = Some(handler);
    out
}

/// A promise settled with `r`.
pub(crate) fn settled(r: Result<JsValue, JsValue>) -> Promise {
    match r {
        Ok(v) => Promise::resolve(&v),
        Err(e) => Promise::reject(&e),
    }
}

fn import_public_promise(subtle: &Subtle, sec1: &[u8]) -> Result<Promise, JsValue> {
    let data = Uint8Array::from(sec1);
    ARGS.with(|a| subtle.import_key(&a.raw, &data, &a.ecdh_p256, true, &a.none))
}

fn import_private_promise(subtle: &Subtle, key: &PrivateKey) -> Result<Promise, JsValue> {
    let der = hazmat::pkcs8_der(key).js_err()?;
    ARGS.with(|a| import_secret(subtle, &a.pkcs8, &der, &a.ecdh_p256, &a.derive))
}

/// `importKey(format, secret, alg, false, usages)`: non-extractable, and the
/// JS copy of `secret` is wiped as soon as the call returns (WebCrypto copies
/// its input before it returns).
fn import_secret(
    subtle: &Subtle,
    format: &JsValue,
    secret: &[u8],
    alg: &Object,
    usages: &Array,
) -> Result<Promise, JsValue> {
    let data = Uint8Array::from(secret);
    let promise = subtle.import_key(format, &data, alg, false, usages);
    data.fill(0, 0, data.length());
    promise
}
