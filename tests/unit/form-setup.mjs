// Shared set-up of the form component's unit tests (form.test.mjs,
// form-file.test.mjs): the DOM globals from one jsdom window, form.js
// loaded next to an index.js that re-exports the package's Node entry, a
// stubbed fetch that records what is sent, and two fresh key pairs.
//
//   (needs pkg/: bash .ci/build-pkg; tests/node_modules)
import assert from 'node:assert/strict';
import { mkdtempSync, copyFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { JSDOM } from 'jsdom';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PKG = resolve(process.env.SLICE_SEAL_PKG ?? join(ROOT, 'pkg'));

/** Node's own FormData (jsdom's replaces the global below). */
export const NodeFormData = globalThis.FormData;
// The DOM globals the component uses, from one jsdom window.
export const { window } = new JSDOM('<!doctype html><html lang="en"><head><title>Unit</title></head><body></body></html>', { url: 'https://service.example/apply' });
for (const k of ['window', 'document', 'Node', 'Element', 'HTMLElement', 'HTMLFormElement', 'HTMLInputElement',
  'HTMLSelectElement', 'HTMLTextAreaElement', 'HTMLButtonElement', 'HTMLOptionElement', 'HTMLFieldSetElement',
  'HTMLOutputElement', 'HTMLObjectElement', 'HTMLCollection', 'Document', 'Event', 'CustomEvent', 'EventTarget',
  'SubmitEvent', 'PageTransitionEvent', 'FormData', 'customElements']) {
  if (window[k] !== undefined) globalThis[k] = window[k];
}
if (globalThis.window) globalThis.window.crypto ??= globalThis.crypto;

/** What the stubbed fetch received. */
export const sent = [];

// form.js may load `./index.js` (the browser entry): here, next to a copy of
// form.js, an index.js that re-exports the package's Node entry point...
assert.ok(existsSync(join(PKG, 'node.mjs')), `${PKG}/node.mjs missing: bash .ci/build-pkg`);
const dir = mkdtempSync(join(tmpdir(), 'slice-seal-unit-'));
copyFileSync(join(ROOT, 'pkg-template', 'form.js'), join(dir, 'form.js'));
const node = pathToFileURL(join(PKG, 'node.mjs')).href;
writeFileSync(join(dir, 'index.js'), `export * from ${JSON.stringify(node)};\nexport { default } from ${JSON.stringify(node)};\n`);
// ...and it loads `./lean.js` first: the package's, given the lean .wasm's
// bytes (no fetch of file: URLs in Node) and the Node entry as its full module.
const lean = pathToFileURL(join(PKG, 'lean.js')).href;
writeFileSync(join(dir, 'lean.js'), `import { readFileSync } from 'node:fs';
import init from ${JSON.stringify(lean)};
export * from ${JSON.stringify(lean)};
export default () => init({ wasm: readFileSync(${JSON.stringify(join(PKG, 'lean', 'slice_seal_lean_bg.wasm'))}),
  full: async () => { const m = await import(${JSON.stringify(node)}); await m.default(); return m; } });
`);
globalThis.fetch = async (url, init) => {
  sent.push({ url: String(url), method: init.method, body: init.body });
  return new Response('ok', { status: 200 });
};
/** The wasm API (the package's Node entry). */
export const api = await import(node);
await api.default();
const a = api.generateKeyPair();
const b = api.generateKeyPair();
/** { jwks, kid, privateKey, otherKid, otherPrivate } */
export const keys = { jwks: JSON.stringify({ keys: [a.publicKey, b.publicKey] }), kid: a.publicKey.kid, privateKey: a.privateKey,
  otherKid: b.publicKey.kid, otherPrivate: b.privateKey };
// The page's key set, as the inline key script the component falls back to.
const script = document.createElement('script');
script.setAttribute('type', 'application/jwk-set+json');
script.setAttribute('data-slice-seal-key', '');
script.textContent = keys.jwks;
document.body.append(script);
/** The component module. */
export const m = await import(pathToFileURL(join(dir, 'form.js')).href);
await m.ready;

let n = 0;
/** A form in the document from `html`, returned with its id. */
export function form(html, attrs = '') {
  const id = `f${++n}`;
  const holder = document.createElement('div');
  holder.innerHTML = `<form id="${id}" method="post" action="/submit" novalidate ${attrs}>${html}</form>`;
  document.body.append(holder);
  return document.getElementById(id);
}
export const attrs = (extra = '') => `data-module="slice-seal" data-slice-seal-form="unit" data-slice-seal-kid="${keys.kid}" ${extra}`;
/** `Name:CODE` of what `fn` throws, or 'no throw'. */
export function code(fn) {
  try {
    fn();
  } catch (e) {
    return `${e.name}:${e.code}`;
  }
  return 'no throw';
}
/** The [code, phase] of every slice-seal:error dispatched on `f` from now on. */
export const errorsOf = (f) => {
  const out = [];
  f.addEventListener('slice-seal:error', (e) => out.push([e.detail.code, e.detail.phase]));
  return out;
};

// ---------------------------------------------------------------- file inputs
const idl = createRequire(import.meta.url)('jsdom/lib/jsdom/living/generated/utils.js');

/**
 * Select `files` in a file input, as a user would. jsdom cannot read a
 * Blob's bytes, so Node's File objects are put in the input's FileList
 * (jsdom hands them out as they are); the component only reads the list.
 * jsdom's own Files (window.File) go in as jsdom keeps them, for its FormData.
 */
export function select(input, files) {
  const list = idl.implForWrapper(input.files);
  list.length = 0;
  list.push(...files.map((f) => idl.implForWrapper(f) ?? f)); // jsdom's own Files as its FileList holds them
}
export const selected = (input) => Array.from(input.files, (f) => [f.name, f.size]);
export const tick = (ms = 50) => new Promise((ok) => setTimeout(ok, ms));

/** Submit `f` as a click would and wait until the component is done (sent or error). */
export async function submitAndSettle(f) {
  const done = new Promise((ok) => {
    f.addEventListener('slice-seal:sent', () => ok('sent'), { once: true });
    f.addEventListener('slice-seal:error', () => ok('error'), { once: true });
  });
  const orig = console.error;
  console.error = () => {};
  try {
    f.dispatchEvent(new SubmitEvent('submit', { bubbles: true, cancelable: true }));
    return await Promise.race([done, tick(20_000).then(() => 'timeout')]);
  } finally {
    console.error = orig;
  }
}

/**
 * Run `fn` with a FormData that holds Node's Blobs for the body the
 * component builds (jsdom's FormData takes only jsdom's Blobs); FormData
 * of a form stays jsdom's. The stubbed fetch then sees a Node FormData.
 */
export async function withNodeFormData(fn) {
  const Dom = window.FormData;
  globalThis.FormData = function FormData(formEl, submitter) {
    if (formEl) return submitter ? new Dom(formEl, submitter) : new Dom(formEl);
    return new NodeFormData();
  };
  globalThis.FormData.prototype = Dom.prototype;
  try {
    return await fn();
  } finally {
    globalThis.FormData = Dom;
  }
}

/** Submit `f` (its files sealed for real); it must be sent once, with POST: returns the slice-seal:sent detail. */
export async function sendOnce(f) {
  sent.length = 0;
  const details = [];
  f.addEventListener('slice-seal:sent', (e) => details.push(e.detail), { once: true });
  assert.equal(await withNodeFormData(() => submitAndSettle(f)), 'sent');
  assert.equal(sent.length, 1);
  assert.equal(sent[0].method, 'POST');
  return details[0];
}
