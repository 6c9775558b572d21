//! Form integration (issue 4): seal the marked fields of a GOV.UK form on submit.
//!
//! Markup contract (see `www/README.md` for the full description):
//!
//! * `<form data-module="slice-seal" data-slice-seal-form="FORM-ID">` opts in;
//! * `data-slice-seal` on an `input`/`textarea`/`select` marks that control;
//!   on any other element (a radios/checkboxes wrapper, a GOV.UK date-input
//!   group, a fieldset) it marks every named control inside it;
//! * the recipient key comes from `options.jwks`, `options.jwksUrl`, an inline
//!   `<script type="application/jwk-set+json" data-slice-seal-key>` (inside the
//!   form, else anywhere in the document), or `data-slice-seal-jwks-url`;
//! * the key is pinned by `options.kid`, the form's `data-slice-seal-kid`, or
//!   the key script's `data-slice-seal-kid`. Without a pin nothing is sent.
//!
//! Sealing rule: every marked control *name* becomes exactly one envelope,
//! sealed under `{form: FORM-ID, field: name, submission: random id}`. The
//! plaintext is the control's value; for a name whose controls are checkboxes
//! or a `select multiple`, it is the JSON array of the selected values (`[]`
//! when none). A radio group with nothing chosen, an empty text field or a
//! blank select is sealed as the empty string, so emptiness is confidential
//! too. Each control of a date-input group has its own name and is sealed
//! separately. A hidden `slice-seal-submission` field carries the submission id.
//!
//! Fail closed: any error (no key, invalid key, pin mismatch, sealing error,
//! network error) sends nothing, leaves the typed values in the form, shows a
//! GOV.UK error summary and logs `slice-seal: CODE: detail` to the console.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{
    CustomEvent, CustomEventInit, Document, Element, Event, FormData, HtmlElement, HtmlFormElement,
    HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement, PageTransitionEvent, RequestInit,
    Response, SubmitEvent, UrlSearchParams, Window,
};

use zeroize::Zeroizing;

use super::subtle::AsyncSealer;
use crate::{Context, Jwks, PublicKey};

/// Name of the hidden field that carries the submission id.
pub const SUBMISSION_FIELD: &str = "slice-seal-submission";
const INIT_ATTR: &str = "data-slice-seal-init";
const SUMMARY_ATTR: &str = "data-slice-seal-error-summary";
const FORM_SELECTOR: &str = "form[data-module=\"slice-seal\"]";
const KEY_SCRIPT_SELECTOR: &str = "script[type=\"application/jwk-set+json\"][data-slice-seal-key]";
const SUMMARY_CONTAINER: &str =
    "[data-slice-seal-error-container], [class*=\"govuk-grid-column-\"], main";
const MARKED_SELECTOR: &str = "[data-slice-seal]";
const CONTROL_SELECTOR: &str = "input[name], select[name], textarea[name]";
/// Ephemeral key pairs made per idle callback (each is one P-256 scalar
/// multiplication, about a millisecond), so the main thread is never held long.
const PREPARE_CHUNK: usize = 2;
/// Prepared key pairs kept beyond one per marked name.
const PREPARE_SPARE: usize = 2;

/// The error summary shown when answers could not be sent. Plain words, no
/// jargon; the developer detail goes to the console.
pub(crate) const SUMMARY_HTML: &str = concat!(
    "<div role=\"alert\">",
    "<h2 class=\"govuk-error-summary__title\">There is a problem</h2>",
    "<div class=\"govuk-error-summary__body\">",
    "<p>Your answers have not been sent.</p>",
    "<ul class=\"govuk-list govuk-error-summary__list\">",
    "<li>Your answers are still on this page. Try again later.</li>",
    "</ul></div></div>"
);

/// Everything that stops a submission, with a stable code.
#[derive(Debug, Clone)]
enum FormError {
    /// A core error (INVALID_KEY, KEY_NOT_FOUND, KID_MISMATCH, INVALID_CONTEXT, ...).
    Core(crate::Error),
    /// The page or the options are not set up correctly.
    Config(String),
    /// The key set could not be fetched, or the server did not accept the answers.
    Network(String),
}

impl FormError {
    fn code(&self) -> &'static str {
        match self {
            FormError::Core(e) => e.code(),
            FormError::Config(_) => "FORM_CONFIG",
            FormError::Network(_) => "NETWORK_ERROR",
        }
    }
    fn message(&self) -> String {
        match self {
            FormError::Core(e) => e.to_string(),
            FormError::Config(m) | FormError::Network(m) => m.clone(),
        }
    }
    fn to_js(&self) -> JsValue {
        super::js_error(self.code(), &self.message())
    }
}

impl From<crate::Error> for FormError {
    fn from(e: crate::Error) -> Self {
        FormError::Core(e)
    }
}

type FResult<T> = Result<T, FormError>;

/// The body to send (name, value), the submission id, and the sealed names.
type SealedBody = (Vec<(String, String)>, String, Vec<String>);

fn config(msg: impl Into<String>) -> FormError {
    FormError::Config(msg.into())
}

/// How the sealed answers are sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SubmitMode {
    /// A hidden shadow form is built and submitted (page navigates).
    Native,
    /// `fetch` POST; the page stays.
    Fetch,
}

/// Where the recipient key comes from.
#[derive(Clone, Debug)]
enum KeySource {
    Inline(String),
    Url(String),
}

struct FormState {
    form: HtmlFormElement,
    form_id: String,
    kid: Option<String>,
    source: Option<KeySource>,
    mode: SubmitMode,
    on_sealed: Option<js_sys::Function>,
    key: RefCell<Option<PublicKey>>,
    /// Built once the pinned key is validated; holds what is prepared at idle
    /// time: WebCrypto encapsulations (key pair + ECDH) where it can, else
    /// key pairs in wasm.
    sealer: RefCell<Option<Rc<AsyncSealer>>>,
    /// An idle-time preparation chain is scheduled.
    preparing: Cell<bool>,
    busy: Cell<bool>,
}

fn window() -> FResult<Window> {
    web_sys::window().ok_or_else(|| config("no window"))
}

fn document() -> FResult<Document> {
    window()?.document().ok_or_else(|| config("no document"))
}

fn js_msg(v: &JsValue) -> String {
    v.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| v.as_string())
        .unwrap_or_else(|| "unknown JavaScript error".to_owned())
}

fn get_opt(options: &JsValue, name: &str) -> FResult<Option<JsValue>> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    if !options.is_object() {
        return Err(config("options must be an object"));
    }
    let v = js_sys::Reflect::get(options, &JsValue::from_str(name))
        .map_err(|e| config(format!("cannot read options.{name}: {}", js_msg(&e))))?;
    Ok(if v.is_undefined() || v.is_null() {
        None
    } else {
        Some(v)
    })
}

fn get_opt_string(options: &JsValue, name: &str) -> FResult<Option<String>> {
    match get_opt(options, name)? {
        None => Ok(None),
        Some(v) => v
            .as_string()
            .map(Some)
            .ok_or_else(|| config(format!("options.{name} must be a string"))),
    }
}

fn attr(el: &Element, name: &str) -> Option<String> {
    el.get_attribute(name).filter(|s| !s.trim().is_empty())
}

impl FormState {
    fn from_options(form: HtmlFormElement, options: &JsValue) -> FResult<FormState> {
        let form_id = attr(&form, "data-slice-seal-form")
            .ok_or_else(|| config("the form has no data-slice-seal-form id"))?;
        // The form id must be a valid context item.
        Context::new(form_id.clone(), SUBMISSION_FIELD)?;

        let kid = get_opt_string(options, "kid")?;
        let mode = match get_opt_string(options, "submit")?
            .or_else(|| attr(&form, "data-slice-seal-submit"))
            .as_deref()
        {
            None | Some("native") => SubmitMode::Native,
            Some("fetch") => SubmitMode::Fetch,
            Some(other) => {
                return Err(config(format!(
                    "submit must be \"native\" or \"fetch\", not {}",
                    crate::error::Quoted(other)
                )));
            }
        };
        let on_sealed = match get_opt(options, "onSealed")? {
            None => None,
            Some(f) => Some(
                f.dyn_into::<js_sys::Function>()
                    .map_err(|_| config("options.onSealed must be a function"))?,
            ),
        };
        let jwks_opt = match get_opt(options, "jwks")? {
            None => None,
            Some(v) if v.is_string() => v.as_string(),
            Some(v) => Some(
                js_sys::JSON::stringify(&v)
                    .map_err(|e| config(format!("options.jwks: {}", js_msg(&e))))?
                    .into(),
            ),
        };
        let source = if let Some(j) = jwks_opt {
            Some(KeySource::Inline(j))
        } else {
            get_opt_string(options, "jwksUrl")?.map(KeySource::Url)
        };
        let mut state = FormState {
            form,
            form_id,
            kid,
            source,
            mode,
            on_sealed,
            key: RefCell::new(None),
            sealer: RefCell::new(None),
            preparing: Cell::new(false),
            busy: Cell::new(false),
        };
        state.read_markup_key()?;
        Ok(state)
    }

    /// Fill the key source and pin from the markup where the options left them out.
    fn read_markup_key(&mut self) -> FResult<()> {
        let form: &Element = self.form.as_ref();
        if self.kid.is_none() {
            self.kid = attr(form, "data-slice-seal-kid");
        }
        if self.source.is_some() {
            return Ok(());
        }
        let script = match form.query_selector(KEY_SCRIPT_SELECTOR).ok().flatten() {
            Some(s) => Some(s),
            None => document()?
                .query_selector(KEY_SCRIPT_SELECTOR)
                .ok()
                .flatten(),
        };
        if let Some(script) = script {
            if self.kid.is_none() {
                self.kid = attr(&script, "data-slice-seal-kid");
            }
            self.source = Some(KeySource::Inline(script.text_content().unwrap_or_default()));
        } else if let Some(url) = attr(form, "data-slice-seal-jwks-url") {
            self.source = Some(KeySource::Url(url));
        }
        Ok(())
    }

    /// The pinned recipient key (fetched once for a JWKS URL).
    async fn recipient(&self) -> FResult<PublicKey> {
        if let Some(k) = self.key.borrow().as_ref() {
            return Ok(k.clone());
        }
        let kid = self.kid.clone().ok_or_else(|| {
            config("no key id pin: set data-slice-seal-kid or options.kid to the key's kid")
        })?;
        let text = match &self.source {
            None => {
                return Err(config(
                    "no recipient key: add a <script type=\"application/jwk-set+json\" \
                     data-slice-seal-key>, data-slice-seal-jwks-url, or options.jwks/jwksUrl",
                ));
            }
            Some(KeySource::Inline(t)) => t.clone(),
            Some(KeySource::Url(u)) => fetch_text(u).await?,
        };
        let key = select_key(&text, &kid)?;
        if self.key.borrow().is_none() {
            *self.sealer.borrow_mut() = Some(AsyncSealer::new(key.clone(), true));
            *self.key.borrow_mut() = Some(key.clone());
        }
        Ok(key)
    }

    /// Names of the marked controls, in document order, with whether each is
    /// multi-valued (checkboxes, select multiple).
    fn marked_names(&self) -> FResult<Vec<(String, bool)>> {
        let mut out: Vec<(String, bool)> = Vec::new();
        let form: &Element = self.form.as_ref();
        for el in marked_controls(form)? {
            let name = el.get_attribute("name").unwrap_or_default();
            if name.is_empty() {
                return Err(config(format!(
                    "a marked <{}> has no name",
                    el.tag_name().to_ascii_lowercase()
                )));
            }
            if name == SUBMISSION_FIELD {
                return Err(config(format!("{SUBMISSION_FIELD} is a reserved name")));
            }
            let multi = if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
                match i.type_().as_str() {
                    "file" => {
                        return Err(config(format!(
                            "marked field {} is a file input, which cannot be sealed",
                            crate::error::Quoted(&name)
                        )));
                    }
                    "checkbox" => true,
                    _ => false,
                }
            } else if let Some(s) = el.dyn_ref::<HtmlSelectElement>() {
                s.multiple()
            } else {
                false
            };
            Context::new(self.form_id.clone(), name.clone())?;
            match out.iter_mut().find(|(n, _)| *n == name) {
                Some(entry) => entry.1 |= multi,
                None => out.push((name, multi)),
            }
        }
        Ok(out)
    }

    /// Seal the form: the body to send (name, value) with every marked value
    /// replaced by its envelope, the submission id, and the sealed names.
    async fn seal_body(&self, submitter: Option<HtmlElement>) -> FResult<SealedBody> {
        let marked = self.marked_names()?;
        let data = FormData::new_with_form(&self.form)
            .map_err(|e| config(format!("cannot read the form: {}", js_msg(&e))))?;
        let mut entries: Vec<(String, String)> = Vec::new();
        let iter = js_sys::try_iter(&data)
            .map_err(|e| config(js_msg(&e)))?
            .ok_or_else(|| config("FormData is not iterable"))?;
        for item in iter {
            let item = item.map_err(|e| config(js_msg(&e)))?;
            let pair: js_sys::Array = item.unchecked_into();
            let name = pair.get(0).as_string().unwrap_or_default();
            let value = pair.get(1).as_string().ok_or_else(|| {
                config(format!(
                    "field {} is a file upload, which slice-seal forms do not support",
                    crate::error::Quoted(&name)
                ))
            })?;
            entries.push((name, value));
        }
        // The submit button's own name/value, as a native submission would send.
        if let Some(b) = submitter
            && let Some(n) = attr(&b, "name")
        {
            let v = b.get_attribute("value").unwrap_or_default();
            entries.push((n, v));
        }

        let mut sub = [0u8; 16];
        crate::rng::fill(&mut sub)?;
        let submission: String = sub
            .iter()
            .flat_map(|b| [b >> 4, b & 15])
            .map(|d| char::from(b"0123456789abcdef"[usize::from(d)]))
            .collect();

        let sealer = self
            .sealer
            .borrow()
            .clone()
            .ok_or_else(|| config("the recipient key is not ready"))?;
        let mut items: Vec<(Zeroizing<Vec<u8>>, Context)> = Vec::with_capacity(marked.len());
        for (name, multi) in &marked {
            let values: Vec<String> = entries
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .collect();
            let plaintext = if *multi {
                let mut json = String::from("[");
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        json.push(',');
                    }
                    crate::keys::push_json_str(&mut json, v);
                }
                json.push(']');
                json
            } else {
                match values.len() {
                    0 => String::new(),
                    1 => values.into_iter().next().unwrap_or_default(),
                    _ => {
                        return Err(config(format!(
                            "several controls are named {}: give them distinct names",
                            crate::error::Quoted(name)
                        )));
                    }
                }
            };
            let ctx = Context::new(self.form_id.clone(), name.clone())?
                .with_submission(submission.clone())?;
            items.push((Zeroizing::new(plaintext.into_bytes()), ctx));
        }
        // All fields at once: with WebCrypto, their ECDHs are in flight together.
        let envelopes = sealer.seal_many(items).await?;
        let sealed: Vec<(String, String)> = marked
            .iter()
            .map(|(name, _)| name.clone())
            .zip(envelopes)
            .collect();

        // Same order as the form; each marked name once, as its envelope.
        let mut body: Vec<(String, String)> = Vec::with_capacity(entries.len() + 1);
        let mut done: BTreeSet<&str> = BTreeSet::new();
        for (n, v) in &entries {
            if n == SUBMISSION_FIELD {
                continue;
            }
            if let Some((_, env)) = sealed.iter().find(|(m, _)| m == n) {
                if done.insert(n.as_str()) {
                    body.push((n.clone(), env.clone()));
                }
            } else {
                body.push((n.clone(), v.clone()));
            }
        }
        for (n, env) in &sealed {
            if !done.contains(n.as_str()) {
                body.push((n.clone(), env.clone()));
            }
        }
        body.push((SUBMISSION_FIELD.to_owned(), submission.clone()));
        Ok((
            body,
            submission,
            marked.into_iter().map(|(n, _)| n).collect(),
        ))
    }

    /// The whole submit: key, seal, send. Nothing is sent unless all of it works.
    async fn submit(self: Rc<Self>, submitter: Option<HtmlElement>) -> FResult<()> {
        self.recipient().await?;
        let (body, submission, fields) = self.seal_body(submitter).await?;
        // Make fresh key pairs for the next submission while the page is idle.
        schedule_prepare(&self);
        match self.mode {
            SubmitMode::Native => {
                self.post_native(&body)?;
                self.clear_marked();
                self.announce(&submission, &fields, None)?;
            }
            SubmitMode::Fetch => {
                let response = self.post_fetch(&body).await?;
                self.clear_marked();
                self.announce(&submission, &fields, Some(response))?;
            }
        }
        Ok(())
    }

    /// Build a hidden shadow form holding the sealed body and submit it, so
    /// the visible inputs never hold envelopes.
    fn post_native(&self, body: &[(String, String)]) -> FResult<()> {
        let doc = document()?;
        let fail = |e: JsValue| config(format!("cannot build the submission: {}", js_msg(&e)));
        let shadow: HtmlFormElement = doc.create_element("form").map_err(fail)?.unchecked_into();
        shadow.set_action(&self.form.action());
        shadow.set_method(&self.form.method());
        shadow.set_enctype(&self.form.enctype());
        shadow.set_accept_charset("UTF-8");
        let target = self.form.target();
        if !target.is_empty() {
            shadow.set_target(&target);
        }
        shadow.set_hidden(true);
        shadow
            .set_attribute("data-slice-seal-shadow", "")
            .map_err(fail)?;
        for (n, v) in body {
            let input: HtmlInputElement =
                doc.create_element("input").map_err(fail)?.unchecked_into();
            input.set_type("hidden");
            input.set_name(n);
            input.set_value(v);
            shadow.append_child(&input).map_err(fail)?;
        }
        let parent: Element = match doc.body() {
            Some(b) => b.into(),
            None => doc
                .document_element()
                .ok_or_else(|| config("no document element"))?,
        };
        parent.append_child(&shadow).map_err(fail)?;
        let sent = shadow.submit();
        // The entry list was built synchronously by submit(); the shadow form
        // is no longer needed.
        shadow.remove();
        sent.map_err(|e| FormError::Network(format!("form submission failed: {}", js_msg(&e))))
    }

    async fn post_fetch(&self, body: &[(String, String)]) -> FResult<Response> {
        let net = |e: JsValue| FormError::Network(format!("sending failed: {}", js_msg(&e)));
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_credentials(web_sys::RequestCredentials::SameOrigin);
        if self.form.enctype() == "multipart/form-data" {
            let fd = FormData::new().map_err(net)?;
            for (n, v) in body {
                fd.append_with_str(n, v).map_err(net)?;
            }
            init.set_body(&fd);
        } else {
            let params = UrlSearchParams::new().map_err(net)?;
            for (n, v) in body {
                params.append(n, v);
            }
            init.set_body(&params);
        }
        let promise = window()?.fetch_with_str_and_init(&self.form.action(), &init);
        let resp: Response = JsFuture::from(promise).await.map_err(net)?.unchecked_into();
        if !resp.ok() {
            return Err(FormError::Network(format!(
                "the server answered HTTP {}",
                resp.status()
            )));
        }
        Ok(resp)
    }

    /// Dispatch `slice-seal:sent` on the form and call `onSealed` with
    /// `{formId, submission, fields, response}`.
    fn announce(
        &self,
        submission: &str,
        fields: &[String],
        response: Option<Response>,
    ) -> FResult<()> {
        let detail = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| {
            let _ = js_sys::Reflect::set(&detail, &JsValue::from_str(k), v);
        };
        set("formId", &JsValue::from_str(&self.form_id));
        set("submission", &JsValue::from_str(submission));
        set(
            "fields",
            &fields
                .iter()
                .map(|f| JsValue::from_str(f))
                .collect::<js_sys::Array>(),
        );
        set(
            "response",
            &response.map(JsValue::from).unwrap_or(JsValue::NULL),
        );
        dispatch(&self.form, "slice-seal:sent", &detail);
        if let Some(f) = &self.on_sealed
            && let Err(e) = f.call1(&JsValue::NULL, &detail)
        {
            web_sys::console::error_2(&JsValue::from_str("slice-seal: onSealed threw"), &e);
        }
        Ok(())
    }

    /// Empty every marked control (after a send, and on a back/forward-cache restore).
    fn clear_marked(&self) {
        if let Ok(list) = marked_controls(self.form.as_ref()) {
            for el in list {
                clear_control(&el);
            }
        }
    }

    fn fail(&self, err: &FormError) {
        web_sys::console::error_1(&JsValue::from_str(&format!(
            "slice-seal: form {} not sent: {}: {}",
            crate::error::Quoted(&self.form_id),
            err.code(),
            err.message()
        )));
        let detail = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&detail, &JsValue::from_str("error"), &err.to_js());
        dispatch(&self.form, "slice-seal:error", &detail);
        show_error_summary(&self.form);
    }
}

/// How many prepared slices `state` should hold: one per marked name, plus spares.
fn prepare_target(state: &FormState) -> usize {
    state.marked_names().map_or(0, |m| m.len()) + PREPARE_SPARE
}

/// Prepare slices' P-256 work for `state` at idle time, [`PREPARE_CHUNK`]
/// per callback, until [`prepare_target`] are ready. At most one chain runs
/// per form; a failure (no secure random numbers) just stops it, since
/// sealing makes a fresh pair itself when none is prepared (and fails closed).
fn schedule_prepare(state: &Rc<FormState>) {
    if state.sealer.borrow().is_none() || state.preparing.replace(true) {
        return;
    }
    if !request_idle(state.clone()) {
        state.preparing.set(false);
    }
}

/// One idle step. With WebCrypto, make every missing encapsulation at once
/// (key generation and ECDH run off the main thread); else prepare a chunk
/// of key pairs in wasm and schedule the next if more are needed.
fn prepare_step(state: Rc<FormState>) {
    let target = prepare_target(&state);
    let Some(sealer) = state.sealer.borrow().clone() else {
        state.preparing.set(false);
        return;
    };
    let warn = |state: &FormState, e: crate::Error| {
        web_sys::console::warn_1(&JsValue::from_str(&format!(
            "slice-seal: form {}: cannot prepare keys ahead: {}: {}",
            crate::error::Quoted(&state.form_id),
            e.code(),
            e
        )));
    };
    if sealer.uses_web_crypto() {
        spawn_local(async move {
            match sealer.clone().prepare(target).await {
                Ok(n) => announce_prepared(&state, n),
                Err(e) => warn(&state, e),
            }
            state.preparing.set(false);
        });
        return;
    }
    let want = (sealer.prepared() + PREPARE_CHUNK).min(target);
    let more = match sealer.with_sync(|s| s.prepare(want)) {
        Ok(_) if sealer.prepared() >= target => {
            announce_prepared(&state, sealer.prepared());
            false
        }
        Ok(_) => true,
        Err(e) => {
            warn(&state, e);
            false
        }
    };
    if !(more && request_idle(state.clone())) {
        state.preparing.set(false);
    }
}

/// Dispatch `slice-seal:prepared` (`detail.prepared`: slices prepared) on the
/// form once idle-time preparation has made enough for a submission.
fn announce_prepared(state: &FormState, prepared: usize) {
    let detail = js_sys::Object::new();
    let _ = js_sys::Reflect::set(
        &detail,
        &JsValue::from_str("prepared"),
        &JsValue::from(prepared as u32),
    );
    dispatch(&state.form, "slice-seal:prepared", &detail);
}

/// Run [`prepare_step`] in a `requestIdleCallback` (a `setTimeout` where
/// there is none). Returns false if nothing could be scheduled.
fn request_idle(state: Rc<FormState>) -> bool {
    let Ok(win) = window() else { return false };
    let cb = Closure::once_into_js(move || prepare_step(state));
    let cb: &js_sys::Function = cb.unchecked_ref();
    let ric = js_sys::Reflect::get(&win, &JsValue::from_str("requestIdleCallback"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    match ric {
        Some(ric) => {
            let opts = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&opts, &JsValue::from_str("timeout"), &2000.into());
            ric.call2(&win, cb, &opts).is_ok()
        }
        None => win
            .set_timeout_with_callback_and_timeout_and_arguments_0(cb, 0)
            .is_ok(),
    }
}

/// Enable the form's submit buttons. The markup renders them `disabled`
/// (with `aria-disabled="true"`) so that, without JavaScript, neither a click
/// nor implicit submission (Enter in a text field) can send anything.
fn enable_submit_buttons(form: &HtmlFormElement) {
    // form.elements also holds buttons associated with a `form="…"` attribute.
    let Ok(elements) = js_sys::Reflect::get(form, &JsValue::from_str("elements")) else {
        return;
    };
    let Ok(Some(iter)) = js_sys::try_iter(&elements) else {
        return;
    };
    for item in iter.flatten() {
        let Ok(el) = item.dyn_into::<Element>() else {
            continue;
        };
        let ty = js_sys::Reflect::get(&el, &JsValue::from_str("type"))
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default();
        let is_submit = match el.tag_name().to_ascii_lowercase().as_str() {
            "button" => ty == "submit",
            "input" => ty == "submit" || ty == "image",
            _ => false,
        };
        if is_submit && el.has_attribute("disabled") {
            let _ = el.remove_attribute("disabled");
            let _ = el.remove_attribute("aria-disabled");
        }
    }
}

fn dispatch(target: &HtmlFormElement, name: &str, detail: &JsValue) {
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_detail(detail);
    if let Ok(ev) = CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = target.dispatch_event(&ev);
    }
}

/// Pick the pinned key from a JWKS: a one-key set must hold the pinned key
/// (else KID_MISMATCH); in a larger set the key is chosen by kid and its
/// thumbprint checked too (a `kid` member is only a claim).
fn select_key(jwks_text: &str, kid: &str) -> FResult<PublicKey> {
    let jwks = Jwks::from_json(jwks_text)?;
    let key = if jwks.keys.len() == 1 {
        jwks.single()?
    } else {
        jwks.find(kid)?
    };
    key.check_kid(kid)?;
    Ok(key)
}

async fn fetch_text(url: &str) -> FResult<String> {
    let net = |e: JsValue| FormError::Network(format!("cannot fetch the key set: {}", js_msg(&e)));
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let promise = window()?.fetch_with_str_and_init(url, &init);
    let resp: Response = JsFuture::from(promise).await.map_err(net)?.unchecked_into();
    if !resp.ok() {
        return Err(FormError::Network(format!(
            "cannot fetch the key set: HTTP {}",
            resp.status()
        )));
    }
    let text = JsFuture::from(resp.text().map_err(net)?)
        .await
        .map_err(net)?;
    text.as_string()
        .ok_or_else(|| FormError::Network("the key set is not text".to_owned()))
}

/// Every named control that is marked, or inside a marked element.
fn marked_controls(form: &Element) -> FResult<Vec<Element>> {
    let mut out: Vec<Element> = Vec::new();
    let marked = form
        .query_selector_all(MARKED_SELECTOR)
        .map_err(|e| config(js_msg(&e)))?;
    for i in 0..marked.length() {
        let Some(el) = marked.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        if is_control(&el) {
            if !out.iter().any(|o| o == &el) {
                out.push(el);
            }
            continue;
        }
        let inner = el
            .query_selector_all(CONTROL_SELECTOR)
            .map_err(|e| config(js_msg(&e)))?;
        if inner.length() == 0 {
            return Err(config(format!(
                "a marked <{}> holds no named input, select or textarea",
                el.tag_name().to_ascii_lowercase()
            )));
        }
        for j in 0..inner.length() {
            if let Some(c) = inner.item(j).and_then(|n| n.dyn_into::<Element>().ok())
                && !out.iter().any(|o| o == &c)
            {
                out.push(c);
            }
        }
    }
    Ok(out)
}

fn is_control(el: &Element) -> bool {
    el.is_instance_of::<HtmlInputElement>()
        || el.is_instance_of::<HtmlTextAreaElement>()
        || el.is_instance_of::<HtmlSelectElement>()
}

fn clear_control(el: &Element) {
    if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
        match i.type_().as_str() {
            "checkbox" | "radio" => i.set_checked(false),
            _ => i.set_value(""),
        }
    } else if let Some(t) = el.dyn_ref::<HtmlTextAreaElement>() {
        t.set_value("");
    } else if let Some(s) = el.dyn_ref::<HtmlSelectElement>() {
        if s.multiple() {
            s.set_selected_index(-1);
        } else {
            s.set_value("");
        }
    }
}

/// Show (or replace) the GOV.UK error summary for `form`, and focus it.
fn show_error_summary(form: &HtmlFormElement) {
    let Ok(doc) = document() else { return };
    if let Ok(Some(old)) = doc.query_selector(&format!("[{SUMMARY_ATTR}]")) {
        old.remove();
    }
    let Ok(summary) = doc.create_element("div") else {
        return;
    };
    summary.set_class_name("govuk-error-summary");
    let _ = summary.set_attribute(SUMMARY_ATTR, "");
    let _ = summary.set_attribute("tabindex", "-1");
    summary.set_inner_html(SUMMARY_HTML);
    let form_el: &Element = form.as_ref();
    // At the top of the form's content column (or of <main>), above the
    // caption and the page heading, as the GOV.UK pattern puts it.
    let placed = match form_el.closest(SUMMARY_CONTAINER).ok().flatten() {
        Some(container) => container.prepend_with_node_1(&summary).is_ok(),
        None => false,
    };
    if !placed {
        let _ = form_el.before_with_node_1(&summary);
    }
    let title = doc.title();
    if !title.starts_with("Error: ") {
        doc.set_title(&format!("Error: {title}"));
    }
    if let Some(h) = summary.dyn_ref::<HtmlElement>() {
        let _ = h.focus();
    }
}

fn remove_error_summary() {
    if let Ok(doc) = document()
        && let Ok(Some(old)) = doc.query_selector(&format!("[{SUMMARY_ATTR}]"))
    {
        old.remove();
        let title = doc.title();
        if let Some(rest) = title.strip_prefix("Error: ") {
            doc.set_title(rest);
        }
    }
}

fn protect(form: HtmlFormElement, options: &JsValue) -> FResult<()> {
    let el: &Element = form.as_ref();
    if el.has_attribute(INIT_ATTR) {
        return Err(config("this form is already protected by slice-seal"));
    }
    let state = Rc::new(FormState::from_options(form.clone(), options)?);

    // Marked fields must not be remembered by the browser.
    let _ = form.set_attribute("autocomplete", "off");
    for c in marked_controls(el)? {
        let _ = c.set_attribute("autocomplete", "off");
    }
    // Check the set-up now so a developer sees problems before anyone submits.
    state.marked_names()?;

    let st = state.clone();
    let on_submit = Closure::<dyn FnMut(Event)>::new(move |ev: Event| {
        ev.prevent_default();
        ev.stop_immediate_propagation();
        if st.busy.replace(true) {
            return; // a submit is already being sealed
        }
        let submitter = ev.dyn_ref::<SubmitEvent>().and_then(SubmitEvent::submitter);
        let st2 = st.clone();
        spawn_local(async move {
            match st2.clone().submit(submitter).await {
                Ok(()) => remove_error_summary(),
                Err(e) => st2.fail(&e),
            }
            st2.busy.set(false);
            // Replace the key pairs this attempt used (no-op if still full).
            schedule_prepare(&st2);
        });
    });
    form.add_event_listener_with_callback_and_bool(
        "submit",
        on_submit.as_ref().unchecked_ref(),
        true,
    )
    .map_err(|e| config(js_msg(&e)))?;
    on_submit.forget(); // lives as long as the page

    let st = state.clone();
    let on_pageshow = Closure::<dyn FnMut(Event)>::new(move |ev: Event| {
        let persisted = ev
            .dyn_ref::<PageTransitionEvent>()
            .is_some_and(PageTransitionEvent::persisted);
        if persisted {
            st.clear_marked();
            st.busy.set(false);
        }
    });
    window()?
        .add_event_listener_with_callback("pageshow", on_pageshow.as_ref().unchecked_ref())
        .map_err(|e| config(js_msg(&e)))?;
    on_pageshow.forget();

    let _ = form.set_attribute(INIT_ATTR, "");

    // Validate the key (fetches a JWKS URL once) and report problems early;
    // then enable the submit buttons. On success, key pairs are prepared at
    // idle time. On failure the buttons are enabled too: the submit handler
    // is in place, so a click sends nothing and shows the error summary.
    let st = state.clone();
    spawn_local(async move {
        match st.recipient().await {
            Ok(_) => schedule_prepare(&st),
            Err(e) => web_sys::console::error_1(&JsValue::from_str(&format!(
                "slice-seal: form {}: {}: {} (submitting will fail)",
                crate::error::Quoted(&st.form_id),
                e.code(),
                e.message()
            ))),
        }
        enable_submit_buttons(&st.form);
    });
    Ok(())
}

/// Protect one form: seal its marked fields on submit and fail closed.
///
/// `options`: `{ kid?, jwks?, jwksUrl?, onSealed?, submit?: 'native' | 'fetch' }`.
/// Throws a `SliceSealError` (with `code`) if the form is not set up correctly;
/// key problems are reported on submit (nothing is sent).
#[wasm_bindgen(js_name = protectForm)]
pub fn protect_form(form: JsValue, options: JsValue) -> Result<(), JsValue> {
    let form = form
        .dyn_into::<HtmlFormElement>()
        .map_err(|_| config("protectForm expects a <form> element").to_js())?;
    protect(form, &options).map_err(|e| e.to_js())
}

/// Protect every `form[data-module="slice-seal"]` under `root` (an element or
/// a document; default: the document) that is not protected yet. Returns the
/// number of forms protected; a form that cannot be protected is logged and
/// left to the page's submit guard (which blocks it).
#[wasm_bindgen(js_name = autoInit)]
pub fn auto_init(root: JsValue) -> Result<u32, JsValue> {
    let doc = document().map_err(|e| e.to_js())?;
    let mut forms: Vec<HtmlFormElement> = Vec::new();
    let list = if root.is_undefined() || root.is_null() {
        doc.query_selector_all(FORM_SELECTOR)?
    } else if let Some(d) = root.dyn_ref::<Document>() {
        d.query_selector_all(FORM_SELECTOR)?
    } else if let Some(r) = root.dyn_ref::<Element>() {
        if r.matches(FORM_SELECTOR).unwrap_or(false)
            && let Some(f) = r.dyn_ref::<HtmlFormElement>()
        {
            forms.push(f.clone());
        }
        r.query_selector_all(FORM_SELECTOR)?
    } else {
        return Err(config("autoInit expects an element or a document").to_js());
    };
    for i in 0..list.length() {
        if let Some(f) = list
            .item(i)
            .and_then(|n| n.dyn_into::<HtmlFormElement>().ok())
        {
            forms.push(f);
        }
    }
    let mut count = 0;
    for f in forms {
        let el: &Element = f.as_ref();
        if el.has_attribute(INIT_ATTR) {
            continue;
        }
        match protect(f.clone(), &JsValue::UNDEFINED) {
            Ok(()) => count += 1,
            Err(e) => web_sys::console::error_1(&JsValue::from_str(&format!(
                "slice-seal: cannot protect form {}: {}: {}",
                crate::error::Quoted(&el.get_attribute("data-slice-seal-form").unwrap_or_default()),
                e.code(),
                e.message()
            ))),
        }
    }
    Ok(count)
}
