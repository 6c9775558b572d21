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

// form.js loads `./index.js` (the browser entry): here, next to a copy of
// form.js, an index.js that re-exports the package's Node entry point.
assert.ok(existsSync(join(PKG, 'node.mjs')), `${PKG}/node.mjs missing: bash .ci/build-pkg`);
const dir = mkdtempSync(join(tmpdir(), 'slice-seal-unit-'));
copyFileSync(join(ROOT, 'pkg-template', 'form.js'), join(dir, 'form.js'));
const node = pathToFileURL(join(PKG, 'node.mjs')).href;
writeFileSync(join(dir, 'index.js'), `export * from ${JSON.stringify(node)};\nexport { default } from ${JSON.stringify(node)};\n`);
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
