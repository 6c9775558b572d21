// Bad-input catalogue, form surface (issue 5): every `"surface": "form"` case
// of tests/bad-inputs.json is a page with one opted-in form set up wrongly,
// loaded in headless Chromium with the npm package's form.js (pkg/). Each
// must: log the expected code to the console (`slice-seal: … CODE: …`), show
// the GOV.UK error summary when submitted, keep the typed value, and send
// nothing (no non-GET request). No page error or wasm trap may occur.
//
// Case input: {formAttrs: {attr: value}, keyScript: JSON text | null,
// keyScriptAttrs, controls: HTML, script: JS run after `ready` with the
// module as `m` (a thrown error is logged as `slice-seal: page script: CODE: msg`)}.
// Optional `consoleIncludes`: text one console error line with the code must hold.
//
// Usage: node tests/bad-inputs/run-form.mjs   (needs pkg/: bash .ci/build-pkg)
import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join, normalize, extname } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, CHROMIUM, CHROMIUM_ARGS, test, assert, runAll } from '../e2e/harness.mjs';

const catalogue = JSON.parse(readFileSync(join(ROOT, 'tests', 'bad-inputs.json'), 'utf8'));
const cases = catalogue.cases.filter((c) => c.surface === 'form');
const PKG = join(ROOT, 'pkg');
if (!existsSync(join(PKG, 'form.js'))) {
  console.error('pkg/form.js is missing: bash .ci/build-pkg');
  process.exit(1);
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
function page(c) {
  const i = c.input;
  const attrs = Object.entries(i.formAttrs).map(([k, v]) => ` ${k}="${esc(v)}"`).join('');
  const key = i.keyScript == null ? ''
    : `<script type="application/jwk-set+json" data-slice-seal-key${i.keyScriptAttrs ? ` ${i.keyScriptAttrs}` : ''}>${i.keyScript.replace(/</g, '\\u003c')}</script>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(c.id)}</title></head>
<body><main class="govuk-main-wrapper"><div class="govuk-grid-column-two-thirds">
<div id="not-a-form"></div>
<form method="post" action="/submit" novalidate${attrs}>
${key}
${i.controls}
<button type="submit" class="govuk-button" disabled aria-disabled="true">Send</button>
</form></div></main>
<script type="module">
import { ready } from '/pkg/form.js';
window.__done = false;
ready.then(async (m) => {
  try { ${i.script || ''} } catch (e) { console.error('slice-seal: page script: ' + e.code + ': ' + e.message); }
}).catch(() => {}).finally(() => { window.__done = true; });
</script></body></html>`;
}

const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const received = []; // every non-GET request the server saw
const server = createServer((req, res) => {
  if (req.method !== 'GET') {
    received.push(`${req.method} ${req.url}`);
    res.writeHead(500).end();
    return;
  }
  const url = new URL(req.url, 'http://x');
  const m = /^\/case\/([\w-]+)$/.exec(url.pathname);
  if (m) {
    const c = cases.find((x) => x.id === m[1]);
    if (!c) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(c));
    return;
  }
  if (url.pathname.startsWith('/pkg/')) {
    const file = normalize(join(PKG, url.pathname.slice(5)));
    if (file.startsWith(PKG) && existsSync(file) && statSync(file).isFile()) {
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
      return;
    }
  }
  res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });

const ids = new Set();
let ran = 0;
for (const c of cases) {
  test(`${c.id}: ${c.code} (${c.note})`, async () => {
    ran++;
    assert(!ids.has(c.id), `duplicate id ${c.id}`);
    ids.add(c.id);
    const ctx = await browser.newContext();
    try {
      const requests = [];
      const errors = [];
      const pageErrors = [];
      ctx.on('request', (r) => { if (r.method() !== 'GET') requests.push(`${r.method()} ${r.url()}`); });
      const p = await ctx.newPage();
      p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      p.on('pageerror', (e) => pageErrors.push(e.message));
      const before = received.length;
      await p.goto(`${base}/case/${c.id}`);
      await p.waitForFunction(() => window.__done === true, null, { timeout: 30_000 });
      // The key check (and a JWKS fetch) runs after protection; wait for the
      // buttons to be enabled by either side.
      await p.waitForSelector('button[type=submit]:not([disabled])', { timeout: 30_000 }).catch((e) => {
        throw new Error(`submit button still disabled; console errors: ${errors.join(' | ')}; page errors: ${pageErrors.join(' | ')}`);
      });
      const typed = 'typed answer 123';
      await p.fill('#secret', typed);
      await p.click('button[type=submit]');
      await p.waitForSelector('[data-slice-seal-error-summary]', { state: 'visible', timeout: 10_000 });
      const summary = await p.textContent('[data-slice-seal-error-summary]');
      assert(/There is a problem/.test(summary) && /not been sent/.test(summary), `summary text: ${summary}`);
      assert(await p.inputValue('#secret') === typed, 'the typed value is kept');
      await p.waitForTimeout(300);
      assert(requests.length === 0, `requests sent: ${requests.join(', ')}`);
      assert(received.length === before, `server received: ${received.slice(before).join(', ')}`);
      assert(p.url() === `${base}/case/${c.id}`, `page navigated to ${p.url()}`);
      const re = new RegExp(`^slice-seal: .*\\b${c.code}: \\S`);
      const hits = errors.filter((e) => re.test(e));
      assert(hits.length > 0, `no console error with ${c.code}; console errors:\n    ${errors.join('\n    ')}`);
      if (c.consoleIncludes) {
        assert(hits.some((e) => e.includes(c.consoleIncludes)), `no ${c.code} line includes ${JSON.stringify(c.consoleIncludes)}: ${hits.join(' | ')}`);
      }
      assert(!errors.concat(pageErrors).some((e) => /unreachable|RuntimeError|panicked/.test(e)), `wasm trap: ${errors.concat(pageErrors).join(' | ')}`);
      assert(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);
      console.log(`    console: ${hits[0].slice(0, 160)}`);
    } finally {
      await ctx.close();
    }
  }, { timeout: 60_000 });
}

let passed = 0;
let failed = 0;
try {
  ({ passed, failed } = await runAll(process.env.BAD_INPUTS_FILTER));
} finally {
  await browser.close();
  server.close();
}
if (!process.env.BAD_INPUTS_FILTER && (ran !== cases.length || cases.length < 10)) {
  failed++;
  console.log(`not ok - ran ${ran} form cases, the catalogue has ${cases.length} (at least 10 required)`);
}
console.log(`bad-inputs (form): ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
