// slice-seal/form: a GOV.UK Frontend-style component that seals the marked
// answers of a form in the browser before they leave it.
//
//   <script type="module" src="/assets/slice-seal/form.js"></script>
//
// Importing this module (side effects):
//   1. adds a capturing `submit` guard on the document: a
//      form[data-module="slice-seal"] that no component instance handles
//      (its set-up failed, or it was added or cloned after the start) is NOT
//      submitted, keeps what was typed, and shows a GOV.UK error summary;
//   2. starts a component on every form[data-module="slice-seal"] of the
//      page at once (initAll), before the WebAssembly module is loaded;
//   3. then loads the WebAssembly module (the lean entry ./lean.js over
//      WebCrypto; the full ./index.js only where needed), checks each
//      form's pinned keys, and enables the form's
//      disabled submit buttons.
//
// Protection by construction: the moment a component starts on a form, every
// marked control owned by the form (form.elements, so `form="…"` controls
// outside it too) loses its `name` (kept in data-slice-seal-name). A browser
// submits no nameless control, so no native submission path (form.submit(),
// a listener that stops the submit event, a clone of the form) can carry a
// marked value. The sealed body is built from the component's own list.
//
// Every form and element property is read through the prototypes, never
// through the element, so a control named `action`, `method`, `elements`,
// `submit`… cannot change what the component does.

const MODULE_NAME = 'slice-seal';
const FORM_SELECTOR = 'form[data-module="slice-seal"]';
const INIT_ATTR = 'data-slice-seal-init';
const NAME_ATTR = 'data-slice-seal-name';
const MARK_ATTR = 'data-slice-seal';
const SUMMARY_ATTR = 'data-slice-seal-error-summary';
const SUMMARY_CONTAINER = '[data-slice-seal-error-container], [class*="govuk-grid-column-"], main';
const KEY_SCRIPT_SELECTOR = 'script[type="application/jwk-set+json"][data-slice-seal-key]';
/** Name of the field that carries the submission id. */
export const SUBMISSION_FIELD = 'slice-seal-submission';
/** Prepared slices made per idle callback. */
const PREPARE_CHUNK = 2;
/** Prepared slices kept beyond one per marked name. */
const PREPARE_SPARE = 2;
/** Longest context item (form id, field name, submission id), in UTF-8 bytes. */
const MAX_CONTEXT = 256;
/** Longest record reference: the submission id adds ':' and 32 hex digits. */
const MAX_RECORD = MAX_CONTEXT - 33;
/** Per-file size limit of a marked file input (on the input, its marked wrapper, or the form). */
const MAX_BYTES_ATTR = 'data-slice-seal-max-bytes';
/** Media type and file name extension of a sealed file's multipart part (docs/FORMAT.md §10). */
const FILE_PART_TYPE = 'application/vnd.slice-seal.file';
/** Progress is shown for a file field whose selected files hold at least this many bytes. */
const PROGRESS_MIN_BYTES = 512 * 1024;
const FILE_ERROR_ATTR = 'data-slice-seal-file-error';
const PROGRESS_ATTR = 'data-slice-seal-progress';

const SUMMARY_HTML =
  '<div role="alert">' +
  '<h2 class="govuk-error-summary__title">There is a problem</h2>' +
  '<div class="govuk-error-summary__body">' +
  '<p>Your answers have not been sent.</p>' +
  '<ul class="govuk-list govuk-error-summary__list">' +
  '<li>Your answers are still on this page. Try again later.</li>' +
  '</ul></div></div>';

// ---------------------------------------------------------------- prototypes
// Read once, at load: the component never reads a property through a form
// or a control (a control named after a property shadows it on the form).

function member(proto, name) {
  for (let p = proto; p; p = Object.getPrototypeOf(p)) {
    const d = Object.getOwnPropertyDescriptor(p, name);
    if (d) return d;
  }
  throw new Error(`slice-seal: ${name} not found on the prototype chain`);
}
const getterOf = (proto, name) => {
  const d = member(proto, name);
  return d.get ? (el) => d.get.call(el) : () => d.value;
};
/**
 * An event's property: through the prototype's getter where there is one;
 * else (a DOM implementation with own properties) read on the event, which
 * has no named children to shadow it.
 */
const eventGetterOf = (proto, name) => {
  for (let p = proto; p; p = Object.getPrototypeOf(p)) {
    const d = Object.getOwnPropertyDescriptor(p, name);
    if (d && d.get) return (ev) => d.get.call(ev);
  }
  return (ev) => ev[name];
};
const setterOf = (proto, name) => {
  const d = member(proto, name);
  return (el, v) => d.set.call(el, v);
};
const methodOf = (proto, name) => {
  const f = member(proto, name).value;
  return (el, ...args) => f.apply(el, args);
};

let P = null;
function prototypes() {
  if (P) return P;
  const E = Element.prototype;
  const F = HTMLFormElement.prototype;
  const I = HTMLInputElement.prototype;
  const S = HTMLSelectElement.prototype;
  const T = HTMLTextAreaElement.prototype;
  const B = HTMLButtonElement.prototype;
  P = {
    getAttribute: methodOf(E, 'getAttribute'),
    setAttribute: methodOf(E, 'setAttribute'),
    removeAttribute: methodOf(E, 'removeAttribute'),
    hasAttribute: methodOf(E, 'hasAttribute'),
    closest: methodOf(E, 'closest'),
    matches: methodOf(E, 'matches'),
    querySelectorAll: methodOf(E, 'querySelectorAll'),
    docQuerySelectorAll: methodOf(Document.prototype, 'querySelectorAll'),
    prepend: methodOf(E, 'prepend'),
    before: methodOf(E, 'before'),
    after: methodOf(E, 'after'),
    remove: methodOf(E, 'remove'),
    localName: getterOf(E, 'localName'),
    textContent: getterOf(Node.prototype, 'textContent'),
    nodeType: (n) => (n instanceof Node ? getterOf(Node.prototype, 'nodeType')(n) : 0),
    appendChild: methodOf(Node.prototype, 'appendChild'),
    contains: methodOf(Node.prototype, 'contains'),
    addEventListener: methodOf(EventTarget.prototype, 'addEventListener'),
    // Window.prototype's own chain (a DOM implementation may give the window
    // an EventTarget of its own); read once, at load.
    windowAddEventListener: ((f) => (...args) => f.apply(window, args))(
      member(Object.getPrototypeOf(window), 'addEventListener').value),
    dispatchEvent: methodOf(EventTarget.prototype, 'dispatchEvent'),
    formElements: getterOf(F, 'elements'),
    formAction: getterOf(F, 'action'),
    formMethod: getterOf(F, 'method'),
    formEnctype: getterOf(F, 'enctype'),
    formTarget: getterOf(F, 'target'),
    formSubmit: methodOf(F, 'submit'),
    collectionLength: getterOf(HTMLCollection.prototype, 'length'),
    collectionItem: methodOf(HTMLCollection.prototype, 'item'),
    inputType: getterOf(I, 'type'),
    inputValue: getterOf(I, 'value'),
    setInputValue: setterOf(I, 'value'),
    inputChecked: getterOf(I, 'checked'),
    setInputChecked: setterOf(I, 'checked'),
    inputDisabled: getterOf(I, 'disabled'),
    inputForm: getterOf(I, 'form'),
    inputFiles: getterOf(I, 'files'),
    inputMultiple: getterOf(I, 'multiple'),
    inputId: getterOf(Element.prototype, 'id'),
    selectValue: getterOf(S, 'value'),
    setSelectValue: setterOf(S, 'value'),
    selectMultiple: getterOf(S, 'multiple'),
    selectDisabled: getterOf(S, 'disabled'),
    selectedOptions: getterOf(S, 'selectedOptions'),
    setSelectedIndex: setterOf(S, 'selectedIndex'),
    optionValue: getterOf(HTMLOptionElement.prototype, 'value'),
    textareaValue: getterOf(T, 'value'),
    setTextareaValue: setterOf(T, 'value'),
    textareaDisabled: getterOf(T, 'disabled'),
    buttonType: getterOf(B, 'type'),
    setDisabled: (el, v) => (el instanceof HTMLInputElement ? setterOf(I, 'disabled') : setterOf(B, 'disabled'))(el, v),
    isDisabled: (el) => (el instanceof HTMLInputElement ? getterOf(I, 'disabled') : getterOf(B, 'disabled'))(el),
    focus: methodOf(HTMLElement.prototype, 'focus'),
    preventDefault: methodOf(Event.prototype, 'preventDefault'),
    stopImmediatePropagation: methodOf(Event.prototype, 'stopImmediatePropagation'),
    eventTarget: eventGetterOf(Event.prototype, 'target'),
    submitter: typeof SubmitEvent === 'function' ? eventGetterOf(SubmitEvent.prototype, 'submitter') : () => null,
    persisted: typeof PageTransitionEvent === 'function' ? eventGetterOf(PageTransitionEvent.prototype, 'persisted') : (ev) => ev.persisted === true,
    formDataEntries: methodOf(FormData.prototype, 'entries'),
  };
  return P;
}

// ---------------------------------------------------------------- errors

/** A form set-up or sending error, with a stable `code`. */
export class SliceSealFormError extends Error {
  static name = 'SliceSealFormError'; // the package is minified without --keep-names
  constructor(code, message) {
    super(message);
    this.name = 'SliceSealError';
    this.code = code;
  }
}
const configError = (m) => new SliceSealFormError('FORM_CONFIG', m);
const networkError = (m) => new SliceSealFormError('NETWORK_ERROR', m);

/** Any thrown value as an error with a code. */
function coded(e) {
  if (e && typeof e === 'object' && typeof e.code === 'string' && typeof e.message === 'string') return e;
  const msg = (e && e.message) || String(e);
  return new SliceSealFormError('FORM_CONFIG', msg);
}

const q = (s) => JSON.stringify(String(s));
const utf8Length = (s) => new TextEncoder().encode(s).length;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/** A context item (form id, field name, record): 1–max UTF-8 bytes, no control characters. */
function checkItem(what, v, max = MAX_CONTEXT) {
  if (v === '') throw configError(`${what} is empty`);
  if (CONTROL_CHARS.test(v)) throw new SliceSealFormError('INVALID_CONTEXT', `${what} holds a control character`);
  if (utf8Length(v) > max) throw new SliceSealFormError('INVALID_CONTEXT', `${what} is longer than ${max} bytes`);
  return v;
}

/** A size limit in bytes: a non-negative safe integer, or its decimal digits (markup). */
function byteLimit(from, v) {
  const n = typeof v === 'string' && /^[0-9]{1,16}$/.test(v.trim()) ? Number(v.trim()) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw configError(`${from} must be a whole number of bytes, not ${q(v)}`);
  }
  return n;
}

// ---------------------------------------------------------------- config

/**
 * The configuration schema. Each option can be given to the constructor or,
 * in markup, as the data attribute named here (constructor options win).
 */
export const CONFIG_SCHEMA = Object.freeze({
  formId: { type: 'string', attribute: 'data-slice-seal-form', required: true },
  kid: { type: 'string', attribute: 'data-slice-seal-kid' },
  jwks: { type: 'jwks' },
  jwksUrl: { type: 'string', attribute: 'data-slice-seal-jwks-url' },
  submit: { type: 'string', attribute: 'data-slice-seal-submit', enum: ['native', 'fetch'] },
  record: { type: 'string', attribute: 'data-slice-seal-record' },
  maxFileBytes: { type: 'bytes', attribute: MAX_BYTES_ATTR },
  onSealed: { type: 'function' },
  onError: { type: 'function' },
});

const DEFAULTS = Object.freeze({ submit: 'native' });

function readConfig(form, options) {
  const p = prototypes();
  if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) {
    throw configError('options must be an object');
  }
  const opts = options ?? {};
  for (const k of Object.keys(opts)) {
    if (!(k in CONFIG_SCHEMA)) throw configError(`unknown option ${q(k)}`);
  }
  const config = { ...DEFAULTS };
  for (const [key, spec] of Object.entries(CONFIG_SCHEMA)) {
    let v = opts[key];
    let from = `options.${key}`;
    if ((v === undefined || v === null) && spec.attribute) {
      const a = p.getAttribute(form, spec.attribute);
      // A blank size limit is an error, not "no limit" (a template's empty value).
      if (a !== null && (a.trim() !== '' || spec.type === 'bytes')) {
        v = a;
        from = spec.attribute;
      }
    }
    if (v === undefined || v === null) continue;
    if (spec.type === 'string' && typeof v !== 'string') throw configError(`${from} must be a string`);
    if (spec.type === 'function' && typeof v !== 'function') throw configError(`${from} must be a function`);
    if (spec.type === 'jwks' && typeof v !== 'string' && (typeof v !== 'object' || Array.isArray(v))) {
      throw configError(`${from} must be a JWKS object or its JSON text`);
    }
    if (spec.type === 'bytes') v = byteLimit(from, v);
    if (spec.enum && !spec.enum.includes(v)) {
      throw configError(`${from} must be ${spec.enum.map((e) => q(e)).join(' or ')}, not ${q(v)}`);
    }
    config[key] = v;
  }
  if (config.formId === undefined) {
    throw configError('the form has no data-slice-seal-form id (or options.formId)');
  }
  checkItem('the form id', config.formId);
  if (config.record !== undefined) checkItem('the record reference', config.record, MAX_RECORD);
  return config;
}

// ---------------------------------------------------------------- marked controls

function listed(form) {
  const p = prototypes();
  const c = p.formElements(form);
  const out = [];
  for (let i = 0, n = p.collectionLength(c); i < n; i++) out.push(p.collectionItem(c, i));
  return out;
}

/** The control's field name: its `name`, or the one the component kept. */
function fieldName(el) {
  const p = prototypes();
  return p.getAttribute(el, 'name') ?? p.getAttribute(el, NAME_ATTR) ?? '';
}

/** Remove a marked control's name (kept in data-slice-seal-name). */
function unname(el) {
  const p = prototypes();
  const name = p.getAttribute(el, 'name');
  if (name === null) return;
  p.setAttribute(el, NAME_ATTR, name);
  p.removeAttribute(el, 'name');
}

/**
 * Find the form's marked controls and take their names away. Returns
 * `{controls, error}`: controls in tree order; `error` is the first set-up
 * problem found (every marked control still loses its name).
 */
function markControls(form) {
  const p = prototypes();
  const owned = listed(form);
  const ownedSet = new Set(owned);
  const controls = [];
  let error = null;
  const problem = (e) => { if (!error) error = e; };
  // Marked elements inside the form: their controls must be the form's.
  const inside = p.querySelectorAll(form, `[${MARK_ATTR}]`);
  for (const m of inside) {
    const isControl = m instanceof HTMLInputElement || m instanceof HTMLSelectElement || m instanceof HTMLTextAreaElement ||
      ownedSet.has(m);
    const group = isControl ? [m] : [...p.querySelectorAll(m, 'input, select, textarea, button, [name]')];
    if (!isControl && !group.some((c) => c instanceof HTMLInputElement || c instanceof HTMLSelectElement || c instanceof HTMLTextAreaElement)) {
      problem(configError(`a marked <${p.localName(m)}> holds no input, select or textarea`));
    }
    for (const c of group) {
      if (!ownedSet.has(c) && (c instanceof HTMLInputElement || c instanceof HTMLSelectElement || c instanceof HTMLTextAreaElement)) {
        unname(c);
        problem(configError(`marked field ${q(fieldName(c))} belongs to another form (its form attribute)`));
      }
    }
  }
  for (const el of owned) {
    const mark = p.closest(el, `[${MARK_ATTR}]`);
    if (!mark) continue;
    const direct = mark === el;
    const name = fieldName(el);
    if (el instanceof HTMLButtonElement || (el instanceof HTMLInputElement && ['submit', 'image', 'button', 'reset'].includes(p.inputType(el)))) {
      if (direct) problem(configError(`a marked <${p.localName(el)}> is a button, which cannot be sealed`));
      continue;
    }
    if (el instanceof HTMLFieldSetElement) continue; // a marked fieldset is a group: its controls are listed too
    if (el instanceof HTMLOutputElement || el instanceof HTMLObjectElement) {
      if (direct) problem(configError(`a marked <${p.localName(el)}> has no value to seal: mark its controls, or a wrapper`));
      continue;
    }
    unname(el);
    if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement)) {
      problem(configError(`marked <${p.localName(el)}> ${q(name)} is a form-associated custom element, which cannot be sealed`));
      continue;
    }
    if (name === '') {
      problem(configError(`a marked <${p.localName(el)}> has no name`));
      continue;
    }
    if (name === SUBMISSION_FIELD) {
      problem(configError(`${SUBMISSION_FIELD} is a reserved name`));
      continue;
    }
    p.setAttribute(el, 'autocomplete', 'off');
    const control = { el, name, kid: p.getAttribute(el, 'data-slice-seal-kid') ?? p.getAttribute(mark, 'data-slice-seal-kid') };
    if (el instanceof HTMLInputElement && p.inputType(el) === 'file') {
      // A file input: sealed as a file (FORMAT.md §10), sent as binary parts.
      control.file = true;
      const limit = p.getAttribute(el, MAX_BYTES_ATTR) ?? p.getAttribute(mark, MAX_BYTES_ATTR);
      try {
        if (limit !== null) control.maxBytes = byteLimit(`${MAX_BYTES_ATTR} of ${q(name)}`, limit);
      } catch (e) {
        problem(e);
        continue;
      }
    }
    controls.push(control);
  }
  return { controls, error };
}

/** Group controls by name: [{name, kid, multi, controls}], in tree order. */
function fieldsOf(controls) {
  const p = prototypes();
  const fields = [];
  const byName = new Map();
  for (const c of controls) {
    let f = byName.get(c.name);
    if (f && (c.file || f.file)) throw configError(`several controls are named ${q(c.name)}, one a file input: give them distinct names`);
    if (!f) {
      f = { name: c.name, kid: c.kid, multi: false, controls: [], file: c.file === true, maxBytes: c.maxBytes };
      byName.set(c.name, f);
      fields.push(f);
    } else if (c.kid && f.kid && c.kid !== f.kid) {
      throw configError(`the controls named ${q(c.name)} are pinned to different keys`);
    } else if (c.kid) {
      f.kid = c.kid;
    }
    if ((c.el instanceof HTMLInputElement && p.inputType(c.el) === 'checkbox') ||
        (c.el instanceof HTMLSelectElement && p.selectMultiple(c.el))) f.multi = true;
    f.controls.push(c.el);
  }
  return fields;
}

/** The plaintext of a field: its value, or a JSON array for checkboxes / select multiple. */
function plaintextOf(field) {
  const p = prototypes();
  const values = [];
  for (const el of field.controls) {
    if (el instanceof HTMLInputElement) {
      if (p.inputDisabled(el)) continue;
      const type = p.inputType(el);
      if (type === 'checkbox' || type === 'radio') {
        if (p.inputChecked(el)) values.push(p.inputValue(el));
      } else {
        values.push(p.inputValue(el));
      }
    } else if (el instanceof HTMLSelectElement) {
      if (p.selectDisabled(el)) continue;
      for (const o of p.selectedOptions(el)) values.push(p.optionValue(o));
    } else if (el instanceof HTMLTextAreaElement) {
      if (p.textareaDisabled(el)) continue;
      values.push(p.textareaValue(el));
    }
  }
  if (field.multi) return JSON.stringify(values);
  if (values.length > 1) throw configError(`several controls are named ${q(field.name)}: give them distinct names`);
  return values[0] ?? '';
}

/** Each field's answer (plaintext) or selected files (an array), read now. */
function snapshot(fields) {
  return new Map(fields.map((f) => [f, f.file ? selectedFiles(f) : plaintextOf(f)]));
}

/** Whether field `f` still holds what `snap` read (the same answer; the same File objects). */
function unchanged(f, snap) {
  const was = snap.get(f);
  if (!f.file) return plaintextOf(f) === was;
  const now = selectedFiles(f);
  return now.length === was.length && now.every((x, i) => x === was[i]);
}

function clearControl(el) {
  const p = prototypes();
  if (el instanceof HTMLInputElement) {
    const type = p.inputType(el);
    if (type === 'checkbox' || type === 'radio') p.setInputChecked(el, false);
    else p.setInputValue(el, '');
  } else if (el instanceof HTMLTextAreaElement) {
    p.setTextareaValue(el, '');
  } else if (el instanceof HTMLSelectElement) {
    if (p.selectMultiple(el)) p.setSelectedIndex(el, -1);
    else p.setSelectValue(el, '');
  }
}

/**
 * A nameless radio is a group of its own: keep the marked radios of one
 * name behaving as one group (one checked; arrow keys move the choice; one
 * tab stop), as they did with their name.
 */
function keepRadioGroups(form, controls) {
  const p = prototypes();
  const groups = new Map();
  for (const c of controls) {
    if (c.el instanceof HTMLInputElement && p.inputType(c.el) === 'radio') {
      if (!groups.has(c.name)) groups.set(c.name, []);
      groups.get(c.name).push(c.el);
    }
  }
  const tabStops = (group) => {
    const enabled = group.filter((r) => !p.inputDisabled(r));
    const stop = enabled.find((r) => p.inputChecked(r)) ?? enabled[0];
    for (const r of group) p.setAttribute(r, 'tabindex', r === stop ? '0' : '-1');
  };
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    tabStops(group);
    for (const r of group) {
      p.addEventListener(r, 'change', () => {
        if (p.inputChecked(r)) for (const o of group) if (o !== r) p.setInputChecked(o, false);
        tabStops(group);
      });
      p.addEventListener(r, 'keydown', (ev) => {
        const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[ev.key];
        if (!step) return;
        const enabled = group.filter((x) => !p.inputDisabled(x));
        const i = enabled.indexOf(r);
        if (i < 0) return;
        const next = enabled[(i + step + enabled.length) % enabled.length];
        p.preventDefault(ev);
        p.setInputChecked(next, true);
        p.focus(next);
        next.dispatchEvent(new Event('input', { bubbles: true }));
        next.dispatchEvent(new Event('change', { bubbles: true }));
      });
    }
  }
  return () => { for (const g of groups.values()) if (g.length > 1) tabStops(g); };
}

// ---------------------------------------------------------------- page helpers

/**
 * Show the GOV.UK error summary for `form` (replacing any earlier one) and
 * focus it. `items` ([{el, message}]): errors of particular inputs, listed
 * as links to them instead of the general advice.
 */
export function showErrorSummary(form, items) {
  const p = prototypes();
  for (const el of p.docQuerySelectorAll(document, `[${SUMMARY_ATTR}]`)) p.remove(el);
  const summary = document.createElement('div');
  summary.className = 'govuk-error-summary';
  summary.setAttribute(SUMMARY_ATTR, '');
  summary.setAttribute('tabindex', '-1');
  summary.innerHTML = SUMMARY_HTML;
  if (items && items.length) {
    const list = summary.querySelector('.govuk-error-summary__list');
    list.textContent = '';
    for (const { el, message } of items) {
      const li = document.createElement('li');
      const id = p.inputId(el);
      const a = document.createElement(id ? 'a' : 'span');
      if (id) a.setAttribute('href', `#${id}`);
      a.textContent = message; // a file name may be in it: text, never markup
      li.appendChild(a);
      list.appendChild(li);
    }
  }
  // At the top of the form's content column (or of <main>), above the
  // caption and the page heading, as the GOV.UK pattern puts it.
  const container = p.closest(form, SUMMARY_CONTAINER);
  if (container) p.prepend(container, summary);
  else p.before(form, summary);
  if (!document.title.startsWith('Error: ')) document.title = `Error: ${document.title}`;
  summary.focus();
  return summary;
}

function removeErrorSummary() {
  const p = prototypes();
  const old = p.docQuerySelectorAll(document, `[${SUMMARY_ATTR}]`);
  if (!old.length) return;
  for (const el of old) p.remove(el);
  if (document.title.startsWith('Error: ')) document.title = document.title.slice(7);
}

function dispatch(form, type, detail) {
  prototypes().dispatchEvent(form, new CustomEvent(type, { bubbles: true, detail }));
}

function formIdOf(form) {
  return prototypes().getAttribute(form, 'data-slice-seal-form') ?? '';
}

/** Report a failure: console line, `slice-seal:error` event, onError, and (at submit) the error summary. */
function report(form, error, { phase, summary, items, onError, formId = formIdOf(form) }) {
  const what = phase === 'init' ? 'cannot protect form' : 'form';
  const tail = phase === 'init' ? ' (submitting will fail)' : ' not sent';
  console.error(`slice-seal: ${what} ${q(formId)}${phase === 'init' ? '' : tail}: ${error.code}: ${error.message}${phase === 'init' ? tail : ''}`);
  if (form instanceof HTMLFormElement) dispatch(form, 'slice-seal:error', { error, code: error.code, phase, formId });
  if (onError) {
    try {
      onError(error);
    } catch (e) {
      console.error('slice-seal: onError threw', e);
    }
  }
  if (summary && form instanceof HTMLFormElement) showErrorSummary(form, items);
}

function submitButtons(form) {
  const p = prototypes();
  const buttons = listed(form).filter((el) => (el instanceof HTMLButtonElement && p.buttonType(el) === 'submit') ||
    (el instanceof HTMLInputElement && p.inputType(el) === 'submit'));
  // form.elements leaves out <input type="image">: find the form's own.
  for (const el of p.docQuerySelectorAll(document, 'input[type="image" i]')) {
    if (p.inputForm(el) === form) buttons.push(el);
  }
  return buttons;
}

/** Enable the form's submit buttons (rendered `disabled` for pages without JavaScript). */
function enableSubmitButtons(form) {
  const p = prototypes();
  for (const b of submitButtons(form)) {
    if (p.hasAttribute(b, 'disabled')) {
      p.removeAttribute(b, 'disabled');
      p.removeAttribute(b, 'aria-disabled');
    }
  }
}

function randomHex(bytes) {
  let b;
  try {
    b = crypto.getRandomValues(new Uint8Array(bytes));
  } catch (e) {
    throw new SliceSealFormError('RANDOM_FAILED', `no secure random numbers: ${e.message}`);
  }
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function requestIdle(fn) {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(fn, { timeout: 2000 });
  else setTimeout(fn, 0);
}

// ---------------------------------------------------------------- files

/** Add `cls` to el's class list (through the prototypes); returns the undo. */
function addClass(el, cls) {
  const p = prototypes();
  if (!el) return () => {};
  const before = p.getAttribute(el, 'class');
  const list = (before ?? '').split(/\s+/).filter(Boolean);
  if (list.includes(cls)) return () => {};
  p.setAttribute(el, 'class', [...list, cls].join(' '));
  return () => (before === null ? p.removeAttribute(el, 'class') : p.setAttribute(el, 'class', before));
}

/** The files selected in a file field's input (none if it is disabled). */
function selectedFiles(field) {
  const p = prototypes();
  const el = field.controls[0];
  if (p.inputDisabled(el)) return [];
  return Array.from(p.inputFiles(el) ?? []);
}

/** A form with files goes with fetch as multipart/form-data: POST, in this window. */
function checkFileRoute(route, mode) {
  if (route.method !== 'post') throw configError('a form with a file input must be sent with method="post"');
  const self = route.target === '' || route.target.toLowerCase() === '_self';
  if (mode !== 'fetch' && !self) throw configError('a form with a file input cannot be sent to another window (target)');
}

/** "5MB", "1.5MB", "200KB", "10 bytes": a limit in the GOV.UK file upload error style. */
function sizeText(n) {
  const unit = (d, u) => `${Number((n / d).toFixed(1))}${u}`;
  if (n >= 1024 * 1024) return unit(1024 * 1024, 'MB');
  if (n >= 1024) return unit(1024, 'KB');
  return `${n} bytes`;
}

/** The selected files over their field's limit: [{el, message, detail}]. */
function oversized(selected, formMax) {
  const p = prototypes();
  const out = [];
  for (const { field, files } of selected) {
    const max = field.maxBytes ?? formMax;
    if (max === undefined) continue;
    const big = files.filter((f) => f.size > max);
    if (!big.length) continue;
    const el = field.controls[0];
    const message = p.inputMultiple(el) && files.length > 1
      ? `The selected file ‘${big[0].name}’ must be smaller than ${sizeText(max)}`
      : `The selected file must be smaller than ${sizeText(max)}`;
    out.push({ el, message, detail: `field ${q(field.name)}: ${big.length} selected file(s) over its limit of ${max} bytes` });
  }
  return out;
}

/**
 * Visible, accessible progress below a file input while its files are
 * sealed: a <progress> bar and a status line (announced every 10 %).
 */
function showProgress(el) {
  const p = prototypes();
  const box = document.createElement('div');
  p.setAttribute(box, PROGRESS_ATTR, '');
  p.setAttribute(box, 'class', 'govuk-!-margin-top-2');
  const text = document.createElement('p');
  p.setAttribute(text, 'class', 'govuk-body-s govuk-!-margin-bottom-1');
  p.setAttribute(text, 'role', 'status');
  const id = `${p.inputId(el) || 'slice-seal-file'}-progress`;
  p.setAttribute(text, 'id', id);
  const bar = document.createElement('progress');
  p.setAttribute(bar, 'max', '100');
  p.setAttribute(bar, 'value', '0');
  p.setAttribute(bar, 'aria-labelledby', id);
  p.appendChild(box, text);
  p.appendChild(box, bar);
  p.after(p.closest(el, '.govuk-drop-zone') ?? el, box);
  let shown = -1;
  const update = (fraction) => {
    const pct = Math.max(0, Math.min(100, Math.floor(fraction * 100)));
    p.setAttribute(bar, 'value', String(pct));
    const step = Math.floor(pct / 10) * 10;
    if (step !== shown) {
      shown = step;
      text.textContent = `Protecting your ${p.inputMultiple(el) ? 'files' : 'file'} before sending: ${step}%`;
    }
  };
  update(0);
  return { update, remove: () => p.remove(box) };
}

/**
 * Seal a file field's files with the package's sealFile (to the field's
 * pinned Sealer, under `ctx`), one after another. Returns its body entries:
 * [name, Blob, neutral filename] — `NAME.ssf`, or `NAME-K.ssf` for a
 * multiple input; the original name is only inside the sealed header.
 */
async function sealFiles(sealer, field, files, ctx) {
  const p = prototypes();
  const el = field.controls[0];
  const multiple = p.inputMultiple(el);
  const total = files.reduce((n, f) => n + f.size, 0);
  const progress = total >= PROGRESS_MIN_BYTES ? showProgress(el) : null;
  const entries = [];
  try {
    let before = 0;
    for (let k = 0; k < files.length; k++) {
      const file = files[k];
      const onProgress = progress
        ? (a, b) => progress.update((before + progressBytes(a, b, file.size)) / total)
        : undefined;
      const blob = await wasmApi.sealFile(sealer, file, ctx, onProgress ? { onProgress } : {});
      before += file.size;
      progress?.update(before / total);
      const filename = multiple ? `${field.name}-${k + 1}.ssf` : `${field.name}.ssf`;
      entries.push([field.name, new Blob([blob], { type: FILE_PART_TYPE }), filename]);
    }
  } finally {
    progress?.remove();
  }
  return entries;
}

/** Bytes done from an onProgress call: (done, total) or ({loaded|done, total}). */
function progressBytes(a, _b, size) {
  const n = a && typeof a === 'object' ? a.loaded ?? a.done ?? a.bytes : a;
  return typeof n === 'number' && Number.isFinite(n) ? Math.min(n, size) : 0;
}

// ---------------------------------------------------------------- loading the wasm

let wasmPromise = null;
let wasmError = null;
let wasmApi = null;

/**
 * Load the WebAssembly module once (dynamically, so a failure cannot stop
 * the guard): the lean entry (./lean.js), which uses WebCrypto and the lean
 * module where `crypto.subtle` exists and loads the full module only when
 * needed.
 */
function loadWasm() {
  if (!wasmPromise) {
    wasmPromise = import('./lean.js')
      .then(async (m) => {
        await m.default();
        wasmApi = m;
        return m;
      })
      .catch((e) => {
        wasmError = (e && e.message) || String(e);
        throw new SliceSealFormError('WASM_UNAVAILABLE', `the slice-seal WebAssembly module did not load: ${wasmError}`);
      });
  }
  return wasmPromise;
}

// ---------------------------------------------------------------- the component

// Shared by every copy of this module in the page (a bundled copy and the
// package's, say), so that a form gets one component only.
const REGISTRY = Symbol.for('slice-seal/form');
const registry = (globalThis[REGISTRY] ??= { instances: new WeakMap(), failures: new WeakMap() });
const instances = registry.instances; // form -> SliceSealForm
const failures = registry.failures; // form -> the error that stopped its set-up

/**
 * The slice-seal form component: one per protected form. `new
 * SliceSealForm(form, config)` protects the form at once (marked controls
 * lose their names); throws a `SliceSealFormError` with `code` FORM_CONFIG
 * (or INVALID_CONTEXT) if the form is not set up correctly.
 */
export class SliceSealForm {
  static name = 'SliceSealForm'; // minified without --keep-names
  static moduleName = MODULE_NAME;
  static defaults = DEFAULTS;
  static schema = CONFIG_SCHEMA;

  constructor($root, config) {
    if (typeof HTMLFormElement === 'undefined' || !($root instanceof HTMLFormElement)) {
      throw configError('SliceSealForm expects a <form> element');
    }
    const p = prototypes();
    if (instances.has($root)) throw configError('this form is already protected by slice-seal');
    this.$root = $root;
    // 1. Protection first, before anything can fail: no marked value can
    //    leave through a native submission from here on.
    const { controls, error } = markControls($root);
    try {
      if (error) throw error;
      this.config = readConfig($root, config);
      this.options = config ?? {};
      this.fields = fieldsOf(controls);
      for (const f of this.fields) {
        checkItem(`marked field name ${q(f.name.slice(0, 40))}`, f.name);
        if (f.kid !== null && f.kid !== undefined) checkItem(`the kid of ${q(f.name)}`, f.kid);
      }
      this.keySource = this.#keySource();
    } catch (e) {
      failures.set($root, coded(e));
      throw e;
    }
    this.controls = controls;
    this.formId = this.config.formId;
    this.sealers = null; // kid -> Sealer, once the keys are checked
    this.keyError = null;
    this.busy = false;
    this.sent = false;
    this.preparing = false;
    this.fileErrors = []; // undo steps of the file errors shown
    this.refreshRadios = keepRadioGroups($root, controls);
    instances.set($root, this);
    failures.delete($root);
    p.setAttribute($root, 'autocomplete', 'off');
    p.setAttribute($root, INIT_ATTR, '');
    p.addEventListener($root, 'submit', (ev) => this.#onSubmit(ev), true);
    p.windowAddEventListener('pageshow', (ev) => {
      if (p.persisted(ev)) {
        this.clear();
        this.busy = false;
        this.sent = false;
      }
    });
    this.ready = this.#checkKeys();
  }

  /** Where the keys come from, and the pins: `{jwks | jwksUrl, kids: [form pin, per-field pins…]}`. */
  #keySource() {
    const p = prototypes();
    const form = this.$root;
    let kid = this.config.kid;
    let source = null;
    if (this.config.jwks !== undefined) source = { jwks: this.config.jwks };
    else if (this.options.jwksUrl !== undefined && this.options.jwksUrl !== null) source = { jwksUrl: this.config.jwksUrl };
    if (!source) {
      const script = p.querySelectorAll(form, KEY_SCRIPT_SELECTOR)[0] ?? p.docQuerySelectorAll(document, KEY_SCRIPT_SELECTOR)[0];
      if (script) {
        kid ??= p.getAttribute(script, 'data-slice-seal-kid') ?? undefined;
        source = { jwks: p.textContent(script) };
      } else if (this.config.jwksUrl !== undefined) {
        source = { jwksUrl: this.config.jwksUrl };
      }
    }
    if (!source) {
      throw configError('no recipient key: add a <script type="application/jwk-set+json" data-slice-seal-key>, ' +
        'data-slice-seal-jwks-url, or options.jwks/jwksUrl');
    }
    const unpinned = this.fields.filter((f) => !f.kid);
    if (!kid && unpinned.length) {
      throw configError('no key id pin: set data-slice-seal-kid or options.kid to the key\'s kid');
    }
    this.pin = kid;
    return source;
  }

  /** Load the wasm, read the key set and build one pinned Sealer per kid. */
  async #checkKeys() {
    try {
      const m = await loadWasm();
      let jwks = this.keySource.jwks;
      if (jwks === undefined) jwks = await fetchText(this.keySource.jwksUrl);
      const kids = new Set(this.fields.map((f) => f.kid || this.pin));
      if (this.pin) kids.add(this.pin);
      const sealers = new Map();
      for (const kid of kids) sealers.set(kid, await pinnedSealer(m, jwks, kid));
      this.sealers = sealers;
      this.#schedulePrepare();
    } catch (e) {
      this.keyError = coded(e);
      report(this.$root, this.keyError, { phase: 'init', onError: this.config.onError, formId: this.formId });
    }
    enableSubmitButtons(this.$root);
  }

  #target(kid) {
    return this.fields.filter((f) => (f.kid || this.pin) === kid).length + PREPARE_SPARE;
  }

  /** Prepare slices' P-256 work at idle time, PREPARE_CHUNK per callback. */
  #schedulePrepare() {
    if (!this.sealers || this.preparing) return;
    this.preparing = true;
    const step = async () => {
      try {
        let more = false;
        for (const [kid, s] of this.sealers) {
          const target = this.#target(kid);
          if (s.prepared < target) {
            await s.prepareAsync(Math.min(s.prepared + PREPARE_CHUNK, target));
            if (s.prepared < target) more = true;
          }
        }
        if (more) return requestIdle(step);
        this.preparing = false;
        let total = 0;
        for (const s of this.sealers.values()) total += s.prepared;
        dispatch(this.$root, 'slice-seal:prepared', { prepared: total, formId: this.formId });
      } catch (e) {
        this.preparing = false;
        console.warn(`slice-seal: form ${q(this.formId)}: cannot prepare keys ahead: ${coded(e).code}: ${coded(e).message}`);
      }
    };
    requestIdle(step);
  }

  #onSubmit(ev) {
    const p = prototypes();
    p.preventDefault(ev);
    p.stopImmediatePropagation(ev);
    if (this.busy || this.sent) return; // one send per submit
    this.busy = true;
    const submitter = p.submitter(ev);
    this.submit(submitter).then(
      () => removeErrorSummary(),
      (e) => {
        if (e && e.fieldErrors) this.#showFileErrors(e.fieldErrors);
        report(this.$root, coded(e), { phase: 'submit', summary: true, items: e && e.fieldErrors, onError: this.config.onError, formId: this.formId });
      },
    ).finally(() => {
      this.busy = false;
      this.#schedulePrepare();
    });
  }

  /**
   * Show each file error at its input, in the GOV.UK file upload
   * component's error style: the form group's --error modifier, an error
   * message above the input (named in its aria-describedby), the input's
   * --error modifier. Undone at the next submit.
   */
  #showFileErrors(items) {
    const p = prototypes();
    this.#clearFileErrors();
    for (const { el, message } of items) {
      const id = p.inputId(el);
      const msg = document.createElement('p');
      p.setAttribute(msg, 'class', 'govuk-error-message');
      p.setAttribute(msg, FILE_ERROR_ATTR, '');
      if (id) p.setAttribute(msg, 'id', `${id}-error`);
      const hidden = document.createElement('span');
      p.setAttribute(hidden, 'class', 'govuk-visually-hidden');
      hidden.textContent = 'Error:';
      p.appendChild(msg, hidden);
      p.appendChild(msg, document.createTextNode(` ${message}`));
      const wrapper = p.closest(el, '.govuk-drop-zone') ?? el;
      p.before(wrapper, msg);
      const undo = [() => p.remove(msg)];
      const group = p.closest(el, '.govuk-form-group');
      undo.push(addClass(group, 'govuk-form-group--error'), addClass(el, 'govuk-file-upload--error'));
      if (id) {
        const before = p.getAttribute(el, 'aria-describedby');
        p.setAttribute(el, 'aria-describedby', before ? `${before} ${id}-error` : `${id}-error`);
        undo.push(() => (before === null ? p.removeAttribute(el, 'aria-describedby') : p.setAttribute(el, 'aria-describedby', before)));
      }
      this.fileErrors.push(...undo);
    }
  }

  #clearFileErrors() {
    for (const undo of this.fileErrors.splice(0)) undo();
  }

  /**
   * Fail closed (FORM_CONFIG) if the protection was undone by another
   * script: a marked control with a name again (taken away again here), or a
   * marked control added after the start, which the component would
   * otherwise send as typed (named) or drop silently (nameless).
   */
  #checkProtected() {
    const p = prototypes();
    for (const c of this.controls) {
      if (p.hasAttribute(c.el, 'name')) {
        p.removeAttribute(c.el, 'name');
        throw configError(`marked field ${q(c.name)} was given a name again by another script: nothing was sent`);
      }
    }
    const known = new Set(this.controls.map((c) => c.el));
    for (const el of listed(this.$root)) {
      if (known.has(el) || !p.closest(el, `[${MARK_ATTR}]`)) continue;
      // As markControls: buttons, fieldsets, <output>, <object> carry no answer.
      const noValue = el instanceof HTMLButtonElement || el instanceof HTMLFieldSetElement || el instanceof HTMLOutputElement ||
        el instanceof HTMLObjectElement || (el instanceof HTMLInputElement && ['submit', 'image', 'button', 'reset'].includes(p.inputType(el)));
      if (!noValue) {
        throw configError(`marked field ${q(fieldName(el))} was added after the form was protected: protect the form once it is complete`);
      }
    }
  }

  /** How and where the form (with this submitter) is sent. */
  #route(submitter) {
    const p = prototypes();
    const form = this.$root;
    let action = p.formAction(form);
    let method = p.formMethod(form);
    let enctype = p.formEnctype(form);
    let target = p.formTarget(form);
    if (submitter instanceof HTMLButtonElement || submitter instanceof HTMLInputElement) {
      // The submitter's attributes, read and normalised as the HTML form
      // submission algorithm does (an empty formaction is the document's URL;
      // an invalid formmethod is GET, an invalid formenctype urlencoded).
      const attr = (n) => p.getAttribute(submitter, n);
      if (attr('formaction') !== null) action = new URL(attr('formaction') || document.URL, document.baseURI).href;
      if (attr('formmethod') !== null) {
        const v = attr('formmethod').toLowerCase();
        method = ['get', 'post', 'dialog'].includes(v) ? v : 'get';
      }
      if (attr('formenctype') !== null) {
        const v = attr('formenctype').toLowerCase();
        enctype = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'].includes(v) ? v : 'application/x-www-form-urlencoded';
      }
      if (attr('formtarget') !== null) target = attr('formtarget');
    }
    if (method === 'dialog') throw configError('method="dialog" forms cannot be protected');
    if (enctype === 'text/plain') throw configError('enctype="text/plain" is not supported');
    return { action, method, enctype, target };
  }

  /**
   * The body: the unmarked entries (FormData, submitter included) with each
   * marked name's entries (its envelope, or its sealed files as
   * [name, Blob, filename]) in its place, in tree order.
   */
  #body(submitter, sealed) {
    const p = prototypes();
    let fd;
    try {
      fd = submitter ? new FormData(this.$root, submitter) : new FormData(this.$root);
    } catch (e) {
      throw configError(`cannot read the form: ${e.message}`);
    }
    const entries = [...p.formDataEntries(fd)];
    for (const [n, v] of entries) {
      if (typeof v !== 'string') throw configError(`field ${q(n)} is a file upload without data-slice-seal: mark it to seal it, or move it out of the form`);
      if (n === SUBMISSION_FIELD) throw configError(`${SUBMISSION_FIELD} is a reserved name`);
    }
    const body = [];
    const done = new Set();
    const markedEls = new Map(this.controls.map((c) => [c.el, c.name]));
    let k = 0;
    for (const el of listed(this.$root)) {
      const marked = markedEls.get(el);
      if (marked !== undefined) {
        if (!done.has(marked)) {
          done.add(marked);
          body.push(...sealed.get(marked));
        }
        continue;
      }
      const n = p.getAttribute(el, 'name');
      if (n === null || n === '') continue;
      const dir = p.getAttribute(el, 'dirname');
      const mine = (x) => x === n || x === `${n}.x` || x === `${n}.y` || (dir && x === dir);
      while (k < entries.length && mine(entries[k][0])) body.push(entries[k++]);
    }
    body.push(...entries.slice(k));
    for (const [name, entries] of sealed) if (!done.has(name)) body.push(...entries);
    return body;
  }

  /**
   * Seal and send the form now (the submit handler calls this): the keys,
   * then every marked field sealed, then one send. Nothing is sent unless
   * all of it works.
   */
  async submit(submitter = null) {
    if (wasmError) throw new SliceSealFormError('WASM_UNAVAILABLE', `the slice-seal WebAssembly module did not load: ${wasmError}`);
    if (!wasmApi) throw new SliceSealFormError('NOT_READY', 'the form is not ready yet (the WebAssembly module is still loading)');
    // The module is loaded: a key set still being fetched is waited for.
    if (!this.sealers && !this.keyError) await this.ready;
    if (this.keyError) throw this.keyError;
    if (!this.sealers) throw new SliceSealFormError('NOT_READY', 'the form\'s keys are not ready');
    this.#clearFileErrors();
    this.#checkProtected();
    const route = this.#route(submitter);
    const fileFields = this.fields.filter((f) => f.file);
    // What is sealed: each field's answer or selected files, read once, now.
    const snap = snapshot(this.fields);
    const selected = fileFields.map((f) => ({ field: f, files: snap.get(f) }));
    if (fileFields.length) checkFileRoute(route, this.config.submit);
    // Sizes first: a file over its limit is reported at its input, before anything is sealed.
    const tooLarge = oversized(selected, this.config.maxFileBytes);
    if (tooLarge.length) {
      const e = new SliceSealFormError('FILE_TOO_LARGE', tooLarge.map((x) => x.detail).join('; '));
      e.fieldErrors = tooLarge;
      throw e;
    }
    const random = randomHex(16);
    const submission = this.config.record === undefined ? random : `${this.config.record}:${random}`;
    // Plaintexts and contexts first (a set-up problem costs no key pair).
    const byKid = new Map();
    for (const f of this.fields) {
      if (f.file) continue;
      const kid = f.kid || this.pin;
      if (!byKid.has(kid)) byKid.set(kid, []);
      byKid.get(kid).push(f);
    }
    const sealed = new Map();
    const jobs = [];
    for (const [kid, fields] of byKid) {
      const items = fields.map((f) => ({ plaintext: snap.get(f), context: { form: this.formId, field: f.name, submission } }));
      jobs.push(this.sealers.get(kid).sealMany(items).then((envs) => fields.map((f, i) => [f.name, envs[i]])));
    }
    const results = await Promise.all(jobs);
    const byName = new Map(results.flat());
    for (const f of this.fields) if (!f.file) sealed.set(f.name, [[f.name, byName.get(f.name)]]);
    // Files one after another (bounded memory): each a binary part with a neutral name.
    for (const { field, files } of selected) {
      const ctx = { form: this.formId, field: field.name, submission };
      sealed.set(field.name, await sealFiles(this.sealers.get(field.kid || this.pin), field, files, ctx));
    }
    // Sealing took time: another script may have undone the protection, and
    // the user may have changed an answer or a selection, which would be
    // lost unsent (cleared below). Either: nothing is sent.
    this.#checkProtected();
    if (this.fields.some((f) => !unchanged(f, snap))) {
      throw new SliceSealFormError('FORM_CHANGED', 'an answer or a file selection changed while the form was being sealed: nothing was sent');
    }
    const body = this.#body(submitter, sealed);
    body.push([SUBMISSION_FIELD, submission]);
    const fields = this.fields.map((f) => f.name);
    let response = null;
    let navigate = null;
    if (fileFields.length) {
      // Binary parts need fetch (multipart/form-data), in native mode too;
      // native mode then follows the server's redirect (Post/Redirect/Get).
      response = await postFetch({ ...route, method: 'post', enctype: 'multipart/form-data' }, body);
      if (this.config.submit !== 'fetch') {
        // Sent, as a native send: further submits do nothing until the page
        // navigates away (or pageshow), even if the answer is no redirect.
        this.sent = true;
        if (response.redirected) {
          navigate = response.url;
          response = null;
        }
      }
    } else if (this.config.submit === 'fetch') {
      response = await postFetch(route, body);
    } else {
      postNative(route, body);
      const self = route.target === '' || route.target.toLowerCase() === '_self';
      if (self) this.sent = true; // until the page navigates away (or pageshow)
    }
    // Cleared: what was sent (an answer changed during the upload stays).
    for (const f of this.fields) if (unchanged(f, snap)) for (const el of f.controls) clearControl(el);
    this.refreshRadios();
    const detail = { formId: this.formId, submission, fields, response };
    dispatch(this.$root, 'slice-seal:sent', detail);
    if (this.config.onSealed) {
      try {
        this.config.onSealed(detail);
      } catch (e) {
        console.error('slice-seal: onSealed threw', e);
      }
    }
    if (navigate) window.location.assign(navigate);
    return detail;
  }

  /** Empty every marked control (after a send, and on a back/forward-cache restore). */
  clear() {
    for (const c of this.controls) clearControl(c.el);
    this.refreshRadios();
  }

  /** The component on `form`, if any. */
  static getInstance(form) {
    return instances.get(form) ?? null;
  }
}

/**
 * A Sealer for the key `kid` of the key set `jwks` (the API picks it by
 * kid and checks its thumbprint). A non-empty set without the pinned key is
 * KID_MISMATCH (the page's keys are not the pinned ones: swapped), not
 * KEY_NOT_FOUND; an empty set stays KEY_NOT_FOUND.
 */
async function pinnedSealer(m, jwks, kid) {
  try {
    return await m.createSealer(jwks, { kid });
  } catch (e) {
    if (e && e.code === 'KEY_NOT_FOUND') {
      let count = 0;
      try {
        const set = typeof jwks === 'string' ? JSON.parse(jwks) : jwks;
        count = Array.isArray(set.keys) ? set.keys.length : 0;
      } catch {
        count = 0;
      }
      if (count > 0) {
        throw new SliceSealFormError('KID_MISMATCH', `none of the ${count} key(s) of the page's key set is the pinned ${kid}`);
      }
    }
    throw e;
  }
}

async function fetchText(url) {
  let resp;
  try {
    resp = await fetch(url, { method: 'GET', credentials: 'same-origin' });
  } catch (e) {
    throw networkError(`cannot fetch the key set: ${e.message}`);
  }
  if (!resp.ok) throw networkError(`cannot fetch the key set: HTTP ${resp.status}`);
  return resp.text();
}

/** A hidden form holding the sealed body, submitted natively (the page navigates). */
function postNative(route, body) {
  const p = prototypes();
  const shadow = document.createElement('form');
  p.setAttribute(shadow, 'action', route.action);
  p.setAttribute(shadow, 'method', route.method);
  p.setAttribute(shadow, 'enctype', route.enctype);
  p.setAttribute(shadow, 'accept-charset', 'UTF-8');
  if (route.target) p.setAttribute(shadow, 'target', route.target);
  p.setAttribute(shadow, 'hidden', '');
  p.setAttribute(shadow, 'novalidate', '');
  p.setAttribute(shadow, 'data-slice-seal-shadow', '');
  for (const [n, v] of body) {
    const input = document.createElement('input');
    p.setAttribute(input, 'type', 'hidden');
    p.setAttribute(input, 'name', n);
    p.setInputValue(input, v);
    p.appendChild(shadow, input);
  }
  p.appendChild(document.body ?? document.documentElement, shadow);
  try {
    p.formSubmit(shadow);
  } catch (e) {
    throw networkError(`form submission failed: ${e.message}`);
  } finally {
    // The entry list was built synchronously by submit().
    p.remove(shadow);
  }
}

/** POST (or GET) the sealed body with fetch; the page stays. */
async function postFetch(route, body) {
  let url = route.action;
  const init = { method: route.method === 'get' ? 'GET' : 'POST', credentials: 'same-origin' };
  if (init.method === 'GET') {
    const u = new URL(url);
    u.search = new URLSearchParams(body).toString();
    url = u.href;
  } else if (route.enctype === 'multipart/form-data') {
    const fd = new FormData();
    for (const [n, v, filename] of body) {
      if (filename === undefined) fd.append(n, v);
      else fd.append(n, v, filename);
    }
    init.body = fd;
  } else {
    init.body = new URLSearchParams(body);
  }
  let resp;
  try {
    resp = await fetch(url, init);
  } catch (e) {
    throw networkError(`sending failed: ${e.message}`);
  }
  if (!resp.ok) throw networkError(`the server answered HTTP ${resp.status}`);
  return resp;
}

// ---------------------------------------------------------------- entry points

function formsUnder(root) {
  const p = prototypes();
  const r = root ?? document;
  if (p.nodeType(r) === 9) return [...p.docQuerySelectorAll(r, FORM_SELECTOR)]; // a Document
  if (r instanceof Element) {
    const out = p.matches(r, FORM_SELECTOR) ? [r] : [];
    return out.concat([...p.querySelectorAll(r, FORM_SELECTOR)]);
  }
  throw configError('initAll expects an element or a document');
}

/**
 * Start a component on every form[data-module="slice-seal"] under `root`
 * (default: the document) that has none yet. A form that cannot be protected
 * is reported (console, `slice-seal:error`, `onError`) and left to the submit
 * guard, which blocks it. Returns the components started.
 */
export function createAll(root, config) {
  const out = [];
  for (const form of formsUnder(root)) {
    if (instances.has(form)) continue;
    try {
      out.push(new SliceSealForm(form, config));
    } catch (e) {
      report(form, coded(e), { phase: 'init', onError: config?.onError });
    }
  }
  return out;
}

/** Like `createAll`, in govuk-frontend's naming; returns how many forms were protected. */
export function initAll(root, config) {
  return createAll(root, config).length;
}

/** Protect one form (`new SliceSealForm(form, options)`); throws FORM_CONFIG if it cannot. */
export function protectForm(form, options) {
  return new SliceSealForm(form, options);
}

/** Old name of `initAll`. */
export const autoInit = initAll;

// ---------------------------------------------------------------- the guard

function guard(event) {
  const p = prototypes();
  const form = p.eventTarget(event);
  if (!(form instanceof HTMLFormElement) || !p.matches(form, FORM_SELECTOR)) return;
  if (instances.has(form)) return; // the component is in charge
  p.preventDefault(event);
  p.stopImmediatePropagation(event);
  const err = failures.get(form) ?? (wasmError
    ? new SliceSealFormError('WASM_UNAVAILABLE', `the slice-seal WebAssembly module did not load: ${wasmError}`)
    : new SliceSealFormError('NOT_READY', 'the form is not protected (added after the start, or a copy of a protected form): call initAll'));
  report(form, err, { phase: 'submit', summary: true });
}

/** Enable the buttons of opted-in forms without a component, so a click gets the error summary instead of silence. */
function enableUnprotected() {
  for (const form of formsUnder(document)) if (!instances.has(form)) enableSubmitButtons(form);
}

async function start() {
  prototypes().addEventListener(document, 'submit', guard, true); // a <form name="addEventListener"> shadows document's
  const count = initAll(document);
  // A page without a protected form (a layout that includes the script on
  // every page, as the Prototype Kit does) downloads no .wasm; a component
  // started later loads it itself.
  if (formsUnder(document).length === 0) {
    return { SliceSealForm, protectForm, autoInit, initAll, createAll, showErrorSummary, count, api: null };
  }
  try {
    await loadWasm();
  } catch (e) {
    console.error(`slice-seal: ${e.code}: ${e.message}`);
    for (const form of formsUnder(document)) {
      const inst = instances.get(form);
      if (inst) await inst.ready;
    }
    enableUnprotected();
    throw e;
  }
  enableUnprotected();
  return { SliceSealForm, protectForm, autoInit, initAll, createAll, showErrorSummary, count, api: wasmApi };
}

/**
 * Resolves once the WebAssembly module is loaded, with the entry points and
 * `count` (forms protected by the automatic start); rejects if it could not
 * load (the forms then answer every submit with the error summary). On a
 * page with no slice-seal form at start it resolves at once, `api: null`,
 * without loading the module.
 */
export const ready = typeof document === 'undefined' ? Promise.reject(new Error('slice-seal/form needs a DOM')) : start();
ready.catch(() => {}); // reported above
