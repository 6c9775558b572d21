//! Hand-chained promises: `Promise.then` calls built from Rust closures,
//! one microtask per stage and no executor. Used only where measured to win
//! over `wasm-bindgen-futures` (whose task queue and closure pair per
//! `await` were ~40% of `openAsync`; the chains took `openAsync` −10%,
//! benches/README.md): `Opener.openAsync`, and WebCrypto AES-GCM of large
//! slices (against `async` code: 4 KiB sealed 294–337 µs vs 445–508, opened
//! 824–911 vs 923–968 in Node, benches/README.md). Everything else async
//! uses `wasm-bindgen-futures`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// A `Promise`, for a `then` whose handlers' results are kept (js-sys's
    /// typed `then` drops them), so a handler can return the next promise.
    pub(crate) type Then;
    #[wasm_bindgen(method, js_name = then)]
    pub(crate) fn and_then(this: &Then, ok: &Handler) -> Promise;
    #[wasm_bindgen(method, js_name = then)]
    fn and_then_or(this: &Then, ok: &Handler, err: &Handler) -> Promise;
}

/// One step of a [`chain`]: gets the previous stage's value, returns a value
/// or a promise for the next.
pub(crate) type Step = Box<dyn FnOnce(JsValue) -> Result<JsValue, JsValue>>;
/// The end of a [`chain`]: gets the last stage's value or the first
/// rejection; its result settles the chain's promise.
pub(crate) type Done = Box<dyn FnOnce(Result<JsValue, JsValue>) -> Result<JsValue, JsValue>>;
pub(crate) type Handler = Closure<dyn FnMut(JsValue) -> Result<JsValue, JsValue>>;

/// `start.then(steps[0]).then(steps[1])….then(ok, err)` with `done` at the
/// end, built from plain `Promise.then` calls: one microtask per stage and
/// no executor, where `wasm-bindgen-futures` adds a task queue and a
/// closure pair per `await` (measured on `openAsync`: ~40% of its time was
/// that machinery). A rejection at any stage skips to `done(Err)`. Every
/// handler is freed when `done` runs (exactly one of its two handlers runs,
/// as they end the chain); until then they keep what they captured alive,
/// so a chain finishes even if its JS owner is freed or collected.
pub(crate) fn chain(start: Promise, steps: Vec<Step>, done: Done) -> Promise {
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

/// `promise.then(h, h)` with one handler `h` that runs `done` (a fulfilled
/// `ArrayBuffer` from `deriveBits` is `Ok`, anything else — a rejection —
/// `Err`) and then frees itself.
pub(crate) fn settle_once(promise: Promise, done: Done) -> Promise {
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

#[cfg(test)]
mod tests {
    //! The chains on their own: stages in order, values passed along, a
    //! rejection or a thrown step skipping to `done(Err)`, a step returning a
    //! promise awaited, `done`'s own error rejecting, `settle_once` telling
    //! an `ArrayBuffer` from a rejection. (Their use by `openAsync` and the
    //! AES-GCM path is tested in wasm/tests/webcrypto.rs.)
    use super::*;
    use wasm_bindgen_futures::JsFuture;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn num(v: &JsValue) -> f64 {
        v.as_f64().expect("a number")
    }

    fn add(n: f64) -> Step {
        Box::new(move |v| Ok(JsValue::from_f64(num(&v) + n)))
    }

    fn report() -> Done {
        Box::new(|r| match r {
            Ok(v) => Ok(JsValue::from_str(&format!("ok {}", num(&v)))),
            Err(e) => Ok(JsValue::from_str(&format!(
                "err {}",
                e.as_string().unwrap_or_default()
            ))),
        })
    }

    async fn run(p: Promise) -> Result<JsValue, JsValue> {
        JsFuture::from(p).await
    }

    #[wasm_bindgen_test]
    async fn stages_run_in_order_and_rejections_skip_to_done() {
        let start = Promise::resolve(&JsValue::from_f64(1.0));
        let p = chain(start, vec![add(1.0), add(10.0)], report());
        assert_eq!(run(p).await.unwrap(), "ok 12");

        // A step returning a promise: its value goes to the next step.
        let later: Step =
            Box::new(|v| Ok(Promise::resolve(&JsValue::from_f64(num(&v) * 3.0)).into()));
        let p = chain(
            Promise::resolve(&JsValue::from_f64(2.0)),
            vec![later, add(1.0)],
            report(),
        );
        assert_eq!(run(p).await.unwrap(), "ok 7");

        // A rejected start, a failing step: the later steps do not run.
        let p = chain(
            Promise::reject(&JsValue::from_str("no")),
            vec![add(1.0)],
            report(),
        );
        assert_eq!(run(p).await.unwrap(), "err no");
        let fail: Step = Box::new(|_| Err(JsValue::from_str("step failed")));
        let never: Step = Box::new(|_| panic!("a step after a failure ran"));
        let p = chain(
            Promise::resolve(&JsValue::from_f64(0.0)),
            vec![fail, never],
            report(),
        );
        assert_eq!(run(p).await.unwrap(), "err step failed");

        // `done`'s error rejects the chain's promise.
        let p = chain(
            Promise::resolve(&JsValue::NULL),
            vec![],
            Box::new(|_| Err(JsValue::from_str("done failed"))),
        );
        assert_eq!(run(p).await.unwrap_err(), "done failed");
    }

    #[wasm_bindgen_test]
    async fn settle_once_takes_array_buffers_as_ok_and_anything_else_as_err() {
        let buf = js_sys::ArrayBuffer::new(4);
        let seen = |r: Result<JsValue, JsValue>| -> Result<JsValue, JsValue> {
            Ok(JsValue::from_str(if r.is_ok() { "ok" } else { "err" }))
        };
        let p = settle_once(Promise::resolve(&JsValue::from(buf)), Box::new(seen));
        assert_eq!(run(p).await.unwrap(), "ok");
        let p = settle_once(Promise::reject(&JsValue::from_str("x")), Box::new(seen));
        assert_eq!(run(p).await.unwrap(), "err");
        // A fulfilled value that is not an ArrayBuffer is not a result.
        let p = settle_once(Promise::resolve(&JsValue::from_f64(1.0)), Box::new(seen));
        assert_eq!(run(p).await.unwrap(), "err");
        assert_eq!(
            run(settled(Ok(JsValue::TRUE))).await.unwrap(),
            JsValue::TRUE
        );
        assert_eq!(
            run(settled(Err(JsValue::FALSE))).await.unwrap_err(),
            JsValue::FALSE
        );
    }
}
