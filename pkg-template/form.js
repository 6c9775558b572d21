// slice-seal/form: seal the marked fields of GOV.UK forms on submit.
//
//   <script type="module" src="/assets/slice-seal/form.js"></script>
//
// Importing this module
//   1. at once adds a capturing `submit` guard on the document: a
//      form[data-module="slice-seal"] that the WebAssembly code has not taken
//      over yet (still loading, failed to load, or set up wrongly) is NOT
//      submitted, keeps what was typed, and shows a GOV.UK error summary;
//   2. then loads the WebAssembly module and protects every such form
//      (autoInit). Fail closed: if loading fails, the guard stays.
//
// Submit buttons of these forms are rendered `disabled aria-disabled="true"`
// so that without JavaScript nothing can be sent (not even by pressing Enter:
// implicit submission does nothing when the default button is disabled). The
// WebAssembly code enables them once a form is protected and its key checked.
// If a form cannot be protected (the module did not load, or the set-up is
// wrong), this module enables its buttons so that a click is answered by the
// guard's error summary instead of silence.
//
// The wasm glue is imported dynamically so that a missing or blocked file
// cannot stop step 1.

const FORM_SELECTOR = 'form[data-module="slice-seal"]';
const INIT_ATTR = 'data-slice-seal-init';
const SUMMARY_ATTR = 'data-slice-seal-error-summary';
const SUMMARY_CONTAINER = '[data-slice-seal-error-container], [class*="govuk-grid-column-"], main';

// Same markup as the WebAssembly side (src/wasm/form.rs SUMMARY_HTML).
const SUMMARY_HTML =
  '<div role="alert">' +
  '<h2 class="govuk-error-summary__title">There is a problem</h2>' +
  '<div class="govuk-error-summary__body">' +
  '<p>Your answers have not been sent.</p>' +
  '<ul class="govuk-list govuk-error-summary__list">' +
  '<li>Your answers are still on this page. Try again later.</li>' +
  '</ul></div></div>';

let loadError = null;

/** Show the GOV.UK error summary for `form` (replacing any earlier one) and focus it. */
export function showErrorSummary(form) {
  document.querySelectorAll(`[${SUMMARY_ATTR}]`).forEach((el) => el.remove());
  const summary = document.createElement('div');
  summary.className = 'govuk-error-summary';
  summary.setAttribute(SUMMARY_ATTR, '');
  summary.setAttribute('tabindex', '-1');
  summary.innerHTML = SUMMARY_HTML;
  // At the top of the form's content column (or of <main>), above the
  // caption and the page heading, as the GOV.UK pattern puts it.
  const container = form.closest(SUMMARY_CONTAINER);
  if (container) container.prepend(summary);
  else form.before(summary);
  if (!document.title.startsWith('Error: ')) document.title = `Error: ${document.title}`;
  summary.focus();
  return summary;
}

function guard(event) {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches(FORM_SELECTOR)) return;
  if (form.hasAttribute(INIT_ATTR)) return; // the WebAssembly handler is in charge
  event.preventDefault();
  event.stopImmediatePropagation();
  const why = loadError
    ? `WASM_UNAVAILABLE: the slice-seal WebAssembly module did not load: ${loadError}`
    : 'NOT_READY: the form is not protected (still loading, or its set-up failed: see earlier errors)';
  console.error(`slice-seal: form ${JSON.stringify(form.dataset.sliceSealForm || '')} not sent: ${why}`);
  showErrorSummary(form);
}

document.addEventListener('submit', guard, true);

/** Enable the disabled submit buttons of opted-in forms the WebAssembly code did not take over. */
function enableUnprotected() {
  for (const form of document.querySelectorAll(FORM_SELECTOR)) {
    if (form.hasAttribute(INIT_ATTR)) continue; // enabled by the WebAssembly code
    for (const el of form.elements) {
      const submit = (el instanceof HTMLButtonElement && el.type === 'submit') ||
        (el instanceof HTMLInputElement && (el.type === 'submit' || el.type === 'image'));
      if (submit && el.disabled) {
        el.disabled = false;
        el.removeAttribute('aria-disabled');
      }
    }
  }
}

async function start() {
  try {
    const wasm = await import('./web/slice_seal.js');
    await wasm.default();
    const count = wasm.autoInit();
    enableUnprotected();
    return { protectForm: wasm.protectForm, autoInit: wasm.autoInit, count };
  } catch (e) {
    loadError = (e && e.message) || String(e);
    console.error(`slice-seal: WASM_UNAVAILABLE: ${loadError}`);
    enableUnprotected();
    throw e;
  }
}

/**
 * Resolves with `{ protectForm, autoInit, count }` once the WebAssembly module
 * is loaded and every opted-in form on the page is protected; rejects if it
 * could not load (the submit guard then keeps blocking those forms).
 */
export const ready = start();
// An unhandled rejection is already reported above.
ready.catch(() => {});
