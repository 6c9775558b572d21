//! The async side of the JS `Opener` (and of the one-shot `openAsync`): the
//! ECDH with `deriveBits` on the private key imported once into WebCrypto
//! (non-extractable), or in wasm, whichever the page measured faster
//! ([`crate::backend`]); the key schedule, AES-GCM (WebCrypto's for large
//! slices) and the envelope checks are the core's. Built on hand-chained
//! promises ([`crate::chain`]): measured faster here than `async` code.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::args::{EnvelopeIn, WebCryptoMode};
use crate::backend::{Backend, Timer, Web, Work};
use crate::chain::{Done, Handler, Step, Then, chain, settle_once, settled};
use crate::errors::JsErr;
use crate::out::OpenedOut;
use crate::web_crypto::{
    ARGS, Subtle, WEB_AES_MIN, aes_alg, derive_alg, import_private_promise, import_public_promise,
    import_secret, own, take_dh,
};
use slice_seal::hazmat::{self, Schedule};
use slice_seal::{Context, Envelope, Opener, PrivateKey, PublicKey};

/// A private key for the JS `Opener`: `open` is pure wasm, `openAsync` as
/// above.
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

impl AsyncOpener {
    pub(crate) fn new(key: PrivateKey, mode: WebCryptoMode) -> Rc<Self> {
        Rc::new(AsyncOpener {
            core: Opener::new(key),
            web: Web::new(mode),
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

    /// Open `envelope` (its text or binary body) as a promise of `out(plaintext)`. The envelope is
    /// parsed and checked first, synchronously and in the same order as the
    /// sync path, so a bad one costs no WebCrypto call. Then, through
    /// WebCrypto, `importKey(pkE)` and `deriveBits`, and the rest in wasm in
    /// one call; if WebCrypto fails, the same envelope is opened in wasm
    /// instead. Only slices below [`WEB_AES_MIN`] are timed (their cost is
    /// the P-256 work).
    pub(crate) fn open_promise(
        self: &Rc<Self>,
        envelope: &EnvelopeIn,
        expected: Option<Context>,
        out: OpenedOut,
    ) -> Promise {
        let env = match envelope
            .parse()
            .and_then(|env| self.core.check(&env, expected.as_ref()).map(|()| env))
        {
            Ok(env) => env,
            Err(e) => return Promise::reject(&e.js_err()),
        };
        let small = env.ciphertext().len() < WEB_AES_MIN;
        let (subtle, timer) = if small || !self.web.measuring(Work::Open) {
            self.web.plan(Work::Open)
        } else {
            // A large slice while the choice is open: WebCrypto, untimed.
            (self.web.available(), None)
        };
        let Some(subtle) = subtle else {
            if let (false, Some(web)) = (small, self.web.available()) {
                // P-256 in wasm, the AES-GCM of the large slice by its own choice.
                return self.open_large_wasm_ecdh(&web, env, out);
            }
            let r = self.open_wasm(&env, out);
            if let Some(t) = timer {
                t.finish();
            }
            return settled(r);
        };
        let enc = *env.enc();
        let me = self.clone();
        let aes = own(&subtle);
        let timer = Rc::new(RefCell::new(timer));
        let clock = timer.clone();
        // Keeps `me` (and so the shared derive step) alive until it has run.
        let done: Done = Box::new(move |bits| match bits.and_then(|bits| take_dh(&bits)) {
            Ok(dh) => {
                me.last.set(Some(Backend::WebCrypto));
                if !small {
                    let ks = hazmat::schedule_checked_with_agreement(&me.core, &env, dh.as_ref())
                        .js_err()?;
                    return Ok(me.aes_open(&aes, ks, env, out).into());
                }
                let pt = hazmat::plaintext_checked_with_agreement(&me.core, &env, dh.as_ref())
                    .js_err()?;
                let r = out(&Zeroizing::new(pt));
                if let Some(t) = clock.borrow_mut().take() {
                    t.finish();
                }
                r
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
        match self.first_steps(&subtle, &enc, timer) {
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

    /// A large slice with the ECDH in wasm and the AES-GCM step by the
    /// page's choice for it.
    fn open_large_wasm_ecdh(&self, subtle: &Subtle, env: Envelope, out: OpenedOut) -> Promise {
        self.last.set(Some(Backend::Wasm));
        let ks = PublicKey::from_sec1(env.enc())
            .map(|pk_e| slice_seal::primitives::ecdh(self.core.key(), &pk_e))
            .and_then(|dh| hazmat::schedule_checked_with_agreement(&self.core, &env, dh.as_ref()));
        match ks {
            Ok(ks) => self.aes_open(subtle, ks, env, out),
            Err(e) => Promise::reject(&e.js_err()),
        }
    }

    /// The AES-GCM step of a large slice: WebCrypto's or wasm's, by the
    /// page's choice.
    fn aes_open(&self, subtle: &Subtle, ks: Schedule, env: Envelope, out: OpenedOut) -> Promise {
        let bytes = env.ciphertext().len();
        let (web, timer) = self.web.plan(Work::Aes);
        let timer = timer.map(|t| t.per_mib(bytes));
        match web {
            Some(_) => web_aes_open(subtle, ks, env, out, timer),
            None => {
                let r = aead_open_in_wasm(&ks, &env, out);
                if let Some(t) = timer {
                    t.finish();
                }
                settled(r)
            }
        }
    }

    /// Until the private key is in WebCrypto: its import (started once,
    /// shared by the calls waiting for it), then `importKey(pkE)`, then the
    /// derive step, which the import makes for every later call. A timed
    /// call's clock restarts once the key is in (its import is once per
    /// `Opener`, as the recipient's table is for wasm).
    fn first_steps(
        self: &Rc<Self>,
        subtle: &Subtle,
        enc: &[u8],
        timer: Rc<RefCell<Option<Timer>>>,
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
            if let Some(t) = timer.borrow_mut().as_mut() {
                t.restart();
            }
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

/// RFC 9180 `Open`'s AEAD step in wasm.
fn aead_open_in_wasm(ks: &Schedule, env: &Envelope, out: OpenedOut) -> Result<JsValue, JsValue> {
    out(&Zeroizing::new(hazmat::aead_open(ks, env).js_err()?))
}

/// RFC 9180 `Open` of `env` with WebCrypto's AES-GCM under the schedule's key
/// and nonce. The key crosses into WebCrypto once (non-extractable; the JS
/// copy is zeroed as soon as `importKey` has copied it). If WebCrypto refuses
/// — a tampered slice (wrong tag) or no AES-GCM — the same step runs in wasm,
/// which gives the answer (`DECRYPT_FAILED` or the plaintext); either way the
/// opener keeps using WebCrypto, and nothing is timed.
fn web_aes_open(
    subtle: &Subtle,
    ks: Schedule,
    env: Envelope,
    out: OpenedOut,
    timer: Option<Timer>,
) -> Promise {
    let import = ARGS.with(|a| import_secret(subtle, &a.raw, &ks.key, &a.aes_gcm, &a.decrypt));
    let Ok(import) = import else {
        return settled(aead_open_in_wasm(&ks, &env, out));
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
                if let Some(t) = timer {
                    t.finish();
                }
                out(&pt)
            }
            Err(_) => aead_open_in_wasm(&ks, &env, out),
        }),
    )
}
