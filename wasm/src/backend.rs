//! Which implementation does the work of the async API: WebCrypto or wasm,
//! chosen by measurement, once per page (per instance of the module).
//!
//! WebCrypto is not always the faster: Debian's WebKitGTK took 14 ms for a
//! P-256 `generateKey` and 5.4 ms for a `deriveBits`, against ~0.8 ms for a
//! whole pure-wasm seal (benches/README.md). So, for each kind of work, the
//! first unit done with the choice open (in `"auto"` mode, the default) goes
//! through WebCrypto and is timed, the next through wasm and is timed, and
//! from then on the faster one is used on this page. Both timed units are
//! real work whose results are used; nothing is computed twice.
//! [`backend_timings`] (JS `backendTimings()`) shows the figures and the
//! choice; `.backend` on a `Sealer`/`Opener` shows what its last call used.

use std::cell::{Cell, OnceCell};

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::args::WebCryptoMode;
use crate::out::set;
use crate::web_crypto::{Subtle, find_subtle, own};

/// Which implementation did the work of an async call.
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

/// A kind of work timed and chosen separately.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Work {
    /// A P-256 encapsulation (ephemeral key pair + ECDH with the recipient),
    /// in ms, without the `Sealer`'s one-time setup (WebCrypto: the
    /// recipient key's import; wasm: the recipient's table).
    Seal,
    /// Opening a small slice (ECDH + key schedule + AES-GCM; for WebCrypto
    /// after the private key's import, once per `Opener`), in ms.
    Open,
    /// AES-256-GCM of a large slice (from 2 KiB), in ms per MiB.
    Aes,
}

const WORKS: [(Work, &str); 3] = [
    (Work::Seal, "seal"),
    (Work::Open, "open"),
    (Work::Aes, "aesGcm"),
];

#[derive(Default)]
struct Timing {
    webcrypto: Cell<Option<f64>>,
    wasm: Cell<Option<f64>>,
}

impl Timing {
    fn of(&self, b: Backend) -> &Cell<Option<f64>> {
        match b {
            Backend::WebCrypto => &self.webcrypto,
            Backend::Wasm => &self.wasm,
        }
    }

    /// The next unit's backend: whichever is not timed yet (WebCrypto
    /// first), then the faster (WebCrypto on a tie).
    fn next(&self) -> Backend {
        match (self.webcrypto.get(), self.wasm.get()) {
            (None, _) => Backend::WebCrypto,
            (Some(_), None) => Backend::Wasm,
            (Some(w), Some(m)) if m < w => Backend::Wasm,
            _ => Backend::WebCrypto,
        }
    }

    fn choice(&self) -> Option<Backend> {
        (self.webcrypto.get().is_some() && self.wasm.get().is_some()).then(|| self.next())
    }
}

thread_local! {
    static TIMINGS: [Timing; 3] = Default::default();
}

fn with_timing<T>(work: Work, f: impl FnOnce(&Timing) -> T) -> T {
    TIMINGS.with(|t| f(&t[work as usize]))
}

/// `performance.now()` (ms, sub-millisecond where the engine allows), else
/// `Date.now()`.
pub(crate) fn now() -> f64 {
    let perf = Reflect::get(&js_sys::global(), &JsValue::from_str("performance")).ok();
    let now = perf.as_ref().and_then(|p| {
        let f = Reflect::get(p, &JsValue::from_str("now")).ok()?;
        f.dyn_ref::<js_sys::Function>()?.call0(p).ok()?.as_f64()
    });
    now.unwrap_or_else(js_sys::Date::now)
}

/// A unit of work being timed: recorded when it finishes (the first figure
/// for its kind and backend is kept).
pub(crate) struct Timer {
    work: Work,
    backend: Backend,
    start: f64,
    /// For [`Work::Aes`]: the bytes, so that the figure is per MiB.
    bytes: Option<usize>,
}

impl Timer {
    pub(crate) fn start(work: Work, backend: Backend) -> Self {
        Timer {
            work,
            backend,
            start: now(),
            bytes: None,
        }
    }

    pub(crate) fn per_mib(mut self, bytes: usize) -> Self {
        self.bytes = Some(bytes);
        self
    }

    /// Restart the clock (e.g. once a one-time key import is done).
    pub(crate) fn restart(&mut self) {
        self.start = now();
    }

    pub(crate) fn finish(self) {
        let mut ms = now() - self.start;
        if let Some(n) = self.bytes {
            ms *= (1u64 << 20) as f64 / n.max(1) as f64;
        }
        with_timing(self.work, |t| {
            let cell = t.of(self.backend);
            if cell.get().is_none() {
                cell.set(Some(ms.max(0.0)));
            }
        });
    }
}

/// Whether a `Sealer`/`Opener` uses WebCrypto for a unit of work: allowed by
/// its options, `crypto.subtle` looked up on first use, given up on after a
/// failure, and in `"auto"` mode only when the page's measurement says so.
pub(crate) struct Web {
    mode: WebCryptoMode,
    /// Set once a WebCrypto call has failed: the pure-wasm path from then on.
    failed: Cell<bool>,
    found: OnceCell<Option<Subtle>>,
}

impl Web {
    pub(crate) fn new(mode: WebCryptoMode) -> Self {
        Web {
            mode,
            failed: Cell::new(false),
            found: OnceCell::new(),
        }
    }

    /// `crypto.subtle`, if this owner may use it now (whatever the measurement).
    pub(crate) fn available(&self) -> Option<Subtle> {
        if self.mode != WebCryptoMode::Never && !self.failed.get() {
            self.found.get_or_init(find_subtle).as_ref().map(own)
        } else {
            None
        }
    }

    /// The backend for the next unit of `work`, with `crypto.subtle` if it
    /// is WebCrypto, and a timer if that unit is to be measured.
    pub(crate) fn plan(&self, work: Work) -> (Option<Subtle>, Option<Timer>) {
        let Some(subtle) = self.available() else {
            return (None, None);
        };
        if self.mode == WebCryptoMode::Always {
            return (Some(subtle), None);
        }
        let (next, open) = with_timing(work, |t| (t.next(), t.choice().is_none()));
        let timer = open.then(|| Timer::start(work, next));
        match next {
            Backend::WebCrypto => (Some(subtle), timer),
            Backend::Wasm => (None, timer),
        }
    }

    /// Whether the choice for `work` is still open for this owner (it would
    /// time its next unit).
    pub(crate) fn measuring(&self, work: Work) -> bool {
        self.mode == WebCryptoMode::Auto
            && self.available().is_some()
            && with_timing(work, |t| t.choice().is_none())
    }

    /// Give up on WebCrypto for this owner (warning once).
    pub(crate) fn give_up(&self, err: &JsValue) {
        if !self.failed.replace(true) {
            web_sys::console::warn_2(
                &JsValue::from_str("slice-seal: WebCrypto failed; using the wasm path:"),
                err,
            );
        }
    }
}

/// What the page measured and chose, for the async API's `"auto"` mode:
/// `{seal, open, aesGcm}`, each `{webcrypto?, wasm?, choice?}` — the first
/// unit's time through each (ms; `aesGcm` in ms per MiB) and, once both are
/// known, the faster one, used from then on.
#[wasm_bindgen(js_name = backendTimings, unchecked_return_type = "BackendTimings")]
pub fn backend_timings() -> JsValue {
    let out = Object::new();
    for (work, name) in WORKS {
        let o = Object::new();
        with_timing(work, |t| {
            for b in [Backend::WebCrypto, Backend::Wasm] {
                if let Some(ms) = t.of(b).get() {
                    set(&o, b.name(), &JsValue::from_f64(ms));
                }
            }
            if let Some(c) = t.choice() {
                set(&o, "choice", &JsValue::from_str(c.name()));
            }
        });
        set(&out, name, &o);
    }
    out.into()
}
