#!/usr/bin/env node
// The form component in Firefox and WebKit: a subset of the Chromium e2e
// suite (tests/e2e/run.mjs), driven through W3C WebDriver (geckodriver for
// Debian's firefox-esr, headless; WebKitWebDriver for WebKitGTK's MiniBrowser
// on Xvfb, via tests/npm/webkit.mjs). playwright-core cannot drive these
// builds, and nothing may be downloaded at run time.
//
// A small server serves the demo's built component (www/dist/assets/slice-seal)
// and the case pages, and records every non-GET request. Cases, per engine:
//   readme   the README's form (www/examples/govuk-form.html, the macro's
//            output) seals and sends; the envelopes open with the example key
//   clobber  controls named action, method, enctype, target, submit, elements…
//            change nothing (native submit, a submit button named submit)
//   paths    form.submit(), a listener that stops the submit event, a clone
//            of the form: no marked value leaves; a form= control outside
//            the form is sealed
//   once     a double click sends once
//   submitter  formaction, formmethod=get, formnovalidate, input type=image;
//            validation still blocks a plain submit
//   record   fetch mode, a record reference in the submission id, checkboxes
//   unavailable  the .wasm does not load: WASM_UNAVAILABLE reported at
//            start and at submit, nothing sent
//   demo     the demo's three steps (native and fetch mode) through the low
//            side, every answer opened on the high side, none in the store
//   fail     a pin that is not in the page's key set: error summary,
//            console, slice-seal:error; nothing sent
//
//   node tests/e2e/engines.mjs [firefox] [webkit]     (needs www/dist: bash .ci/demo-server --build-only)
// Prints `engines: N passed, N failed`; exit status 1 if any failed.
import { createServer } from 'node:http';
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, existsSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize, extname } from 'node:path';
import { ROOT, CLI, startServer, stopServer, makeDataDir, removeDir } from './harness.mjs';
import { call, freePort, startWebKit } from '../npm/webkit.mjs';

const ASSETS = join(ROOT, 'www', 'dist', 'assets', 'slice-seal');
const EXAMPLE = readFileSync(join(ROOT, 'www', 'examples', 'govuk-form.html'), 'utf8');
const EXAMPLE_KEY = join(ROOT, 'tests', 'e2e', 'fixtures', 'readme-example.private.jwk');
const KID = /data-slice-seal-kid="([^"]+)"/.exec(EXAMPLE)[1];
const JWKS = /data-slice-seal-key>([^<]+)<\/script>/.exec(EXAMPLE)[1];
const GECKODRIVER = process.env.SLICE_SEAL_GECKODRIVER || join(process.env.HOME || '/root', '.cargo', 'bin', 'geckodriver');
const FIREFOX_OPTIONS = JSON.parse(readFileSync(join(ROOT, '.ci', 'webdriver.json'), 'utf8'))['moz:firefoxOptions'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- pages
const KEY_SCRIPT = `<script type="application/jwk-set+json" data-slice-seal-key>${JWKS}</script>`;
const RECORDER = `<script>window.__errors=[];window.__events=[];
(function(){var ce=console.error;console.error=function(){window.__errors.push(Array.prototype.map.call(arguments,String).join(' '));return ce.apply(this,arguments);};
document.addEventListener('slice-seal:error',function(e){window.__events.push(e.detail.code+':'+e.detail.phase);},true);})();</script>`;
// Sets window.__ready once every component's keys are checked (the page's
// own module graph: the same form.js instance as the page's).
const READY = (src) => `<script type="module">import(${JSON.stringify(src)}).then(async (m) => {
  await m.ready.catch(() => {});
  for (const f of document.forms) { const i = m.SliceSealForm.getInstance(f); if (i) await i.ready; }
  window.__ready = true;
});</script>`;
const CLOBBER = ['matches', 'action', 'method', 'enctype', 'target', 'elements', 'id', 'getAttribute', 'querySelectorAll',
  'closest', 'hasAttribute', 'addEventListener', 'dispatchEvent', 'length', 'requestSubmit'];
const FORM_ATTRS = (id, extra = '') => `data-module="slice-seal" data-slice-seal-form="${id}" data-slice-seal-kid="${KID}" ${extra}`;
const PAGES = {
  readme: EXAMPLE,
  clobber: `${KEY_SCRIPT}<form method="post" action="/sink/clobber" novalidate ${FORM_ATTRS('clobber')}>
${CLOBBER.map((n) => `<input type="hidden" name="${n}" value="v-${n}">`).join('')}
<input id="secret" name="secret" data-slice-seal>
<button type="submit" name="submit" value="go" disabled aria-disabled="true">Send</button></form>
<script type="module" src="/assets/slice-seal/form.js"></script>`,
  paths: `${KEY_SCRIPT}<form id="f1" method="post" action="/sink/paths" novalidate ${FORM_ATTRS('paths')}>
<input name="plain" value="visible"><input id="secret" name="secret" data-slice-seal>
<button type="submit" disabled aria-disabled="true">Send</button></form>
<input id="outside" form="f1" name="outside" data-slice-seal>
<script type="module" src="/assets/slice-seal/form.js"></script>`,
  once: `${KEY_SCRIPT}<form method="post" action="/sink/once" novalidate ${FORM_ATTRS('once')}>
<input id="secret" name="secret" data-slice-seal>
<button type="submit" disabled aria-disabled="true">Send</button></form>
<script type="module" src="/assets/slice-seal/form.js"></script>`,
  submitter: `${KEY_SCRIPT}<form method="post" action="/sink/default" ${FORM_ATTRS('submitter')}>
<input id="secret" name="secret" data-slice-seal><input id="needed" name="needed" required>
<button type="submit" id="plain" disabled aria-disabled="true">Send</button>
<button type="submit" id="other" formaction="/sink/other" formnovalidate name="b" value="other" disabled>Other</button>
<button type="submit" id="get" formaction="/sink/get" formmethod="get" formnovalidate disabled>Get</button>
<input type="image" id="img" name="pic" alt="Send" formaction="/sink/image" formnovalidate src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" disabled>
</form>
<script type="module" src="/assets/slice-seal/form.js"></script>`,
  record: `${KEY_SCRIPT}<form method="post" action="/sink/record" novalidate ${FORM_ATTRS('record', 'data-slice-seal-record="APPLICANT-9" data-slice-seal-submit="fetch"')}>
<input id="secret" name="secret" data-slice-seal>
<div data-slice-seal><input type="checkbox" id="c1" name="c" value="x"><input type="checkbox" id="c2" name="c" value="y"></div>
<button type="submit" disabled aria-disabled="true">Send</button></form>
<script type="module" src="/assets/slice-seal/form.js"></script>`,
  unavailable: `${KEY_SCRIPT}<main><div class="govuk-grid-column-two-thirds"><form method="post" action="/sink/unavailable" novalidate ${FORM_ATTRS('unavailable')}>
<input id="secret" name="secret" data-slice-seal>
<button type="submit" disabled aria-disabled="true">Send</button></form></div></main>
<script type="module" src="/broken/slice-seal/form.js"></script>`,
  fail: `${KEY_SCRIPT}<main><div class="govuk-grid-column-two-thirds"><form method="post" action="/sink/fail" novalidate
 data-module="slice-seal" data-slice-seal-form="fail" data-slice-seal-kid="${'A'.repeat(43)}">
<input id="secret" name="secret" data-slice-seal>
<button type="submit" disabled aria-disabled="true">Send</button></form></div></main>
<script type="module" src="/assets/slice-seal/form.js"></script>`,
};

const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const received = [];
const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (req.method === 'GET' && url.pathname.startsWith('/sink/')) {
    received.push({ method: 'GET', path: url.pathname, body: url.search.slice(1) });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Received</title><p>received</p>');
    return;
  }
  if (req.method !== 'GET') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method, path: url.pathname, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Received</title><p>received</p>');
    });
    return;
  }
  const m = /^\/case\/(\w+)$/.exec(url.pathname);
  if (m && PAGES[m[1]]) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${m[1]}</title>${RECORDER}</head><body>${PAGES[m[1]]}${READY(m[1] === 'unavailable' ? '/broken/slice-seal/form.js' : '/assets/slice-seal/form.js')}</body></html>`);
    return;
  }
  // /broken/slice-seal/: the same files, but the .wasm answers 404.
  const broken = url.pathname.startsWith('/broken/slice-seal/');
  if (broken && url.pathname.endsWith('.wasm')) return res.writeHead(404).end('not found');
  if (url.pathname.startsWith('/assets/slice-seal/') || broken) {
    const file = normalize(join(ASSETS, url.pathname.replace(/^\/(assets|broken)\/slice-seal\//, '')));
    if (file.startsWith(ASSETS) && existsSync(file) && statSync(file).isFile()) {
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
      return;
    }
  }
  res.writeHead(404).end('not found');
});

// ---------------------------------------------------------------- drivers

/** geckodriver + headless firefox-esr, with the prefs of .ci/webdriver.json and a temp profile dir. */
async function startFirefox() {
  if (!existsSync(GECKODRIVER)) throw new Error(`no geckodriver at ${GECKODRIVER} (run .ci/setup)`);
  const port = await freePort();
  const home = mkdtempSync(join(tmpdir(), 'slice-seal-ff-'));
  let log = '';
  const driver = spawn(GECKODRIVER, ['--port', String(port), '--host', '127.0.0.1'], { env: { ...process.env, HOME: home, MOZ_HEADLESS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  driver.stdout.on('data', (d) => { log += d; });
  driver.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    try {
      await call(base, 'GET', '/status', undefined, 2000);
      break;
    } catch (e) {
      if (driver.exitCode !== null || Date.now() - t0 > 20_000) throw new Error(`geckodriver did not start: ${e.message}\n${log}`);
      await sleep(100);
    }
  }
  return {
    async newSession() {
      const caps = { browserName: 'firefox', 'moz:firefoxOptions': { ...FIREFOX_OPTIONS, args: [...(FIREFOX_OPTIONS.args || []), '-headless'] } };
      const v = await call(base, 'POST', '/session', { capabilities: { alwaysMatch: caps } }, 90_000);
      const s = (x) => `/session/${v.sessionId}${x}`;
      return {
        goto: (url) => call(base, 'POST', s('/url'), { url }),
        execute: (script, args = []) => call(base, 'POST', s('/execute/sync'), { script, args }),
        close: () => call(base, 'DELETE', s('')).catch(() => {}),
      };
    },
    async close() {
      driver.kill('SIGTERM');
      await sleep(300);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------- helpers
async function until(fn, what, ms = 20_000) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Load a case page and wait until every component's keys are checked. */
async function load(s, base, name) {
  await s.goto(`${base}/case/${name}`);
  await until(() => s.execute('return window.__ready === true'), `${name}: the component`);
}

const setValues = (s, values) => s.execute(`for (const [id, v] of Object.entries(arguments[0])) document.getElementById(id).value = v;`, [values]);

function open(envelopes) {
  return execFileSync(CLI, ['open', '--key', EXAMPLE_KEY, '--json'], { input: envelopes.join('\n') + '\n', stdio: ['pipe', 'pipe', 'ignore'] })
    .toString().trim().split('\n').map((l) => JSON.parse(l));
}

function eq(a, b, msg) {
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${msg}\n    expected ${JSON.stringify(b)}\n    actual   ${JSON.stringify(a)}`);
}

async function posts(n, what) {
  await until(() => received.length >= n, what);
  await sleep(500);
  return received.splice(0);
}

const CASES = {
  async readme(s, base) {
    await load(s, base, 'readme');
    await setValues(s, { 'full-name': 'Zoë Ōkubo', 'dob-day': '27', 'dob-month': '3', 'dob-year': '1985' });
    await s.execute('document.querySelector("button[type=submit]").click()');
    const [p] = await posts(1, 'the post');
    eq([p.method, p.path], ['POST', '/apply/personal-details'], 'posted to the action');
    const params = new URLSearchParams(p.body);
    eq([...params.keys()], ['full-name', 'dob-day', 'dob-month', 'dob-year', 'slice-seal-submission'], 'fields');
    eq(open(['full-name', 'dob-day', 'dob-month', 'dob-year'].map((n) => params.get(n))).map((o) => [o.form, o.field, o.plaintext]),
      [['vetting-step-1', 'full-name', 'Zoë Ōkubo'], ['vetting-step-1', 'dob-day', '27'], ['vetting-step-1', 'dob-month', '3'], ['vetting-step-1', 'dob-year', '1985']], 'opened');
    if (p.body.includes('Ōkubo') || p.body.includes(encodeURIComponent('Ōkubo'))) throw new Error('plaintext sent');
  },
  async clobber(s, base) {
    await load(s, base, 'clobber');
    await setValues(s, { secret: 'clobber secret' });
    await s.execute('document.querySelector("button[type=submit]").click()');
    const [p] = await posts(1, 'the post');
    eq([p.method, p.path], ['POST', '/sink/clobber'], 'the form\'s own method and action');
    const params = new URLSearchParams(p.body);
    for (const n of CLOBBER) eq(params.get(n), `v-${n}`, `unmarked ${n}`);
    eq(params.get('submit'), 'go', 'the submit button named submit sent its value');
    eq(open([params.get('secret')])[0].plaintext, 'clobber secret', 'sealed');
  },
  async paths(s, base) {
    await load(s, base, 'paths');
    await setValues(s, { secret: 'do not leak', outside: 'outside value' });
    await s.execute('HTMLFormElement.prototype.submit.call(document.getElementById("f1"))');
    const [p1] = await posts(1, 'form.submit()');
    eq(p1.body, 'plain=visible', 'form.submit() carries no marked value');
    // A capturing listener on window that stops the submit event before the component.
    await load(s, base, 'paths');
    await setValues(s, { secret: 'do not leak', outside: 'nor this' });
    await s.execute('window.addEventListener("submit", (e) => e.stopImmediatePropagation(), true); document.getElementById("f1").requestSubmit()');
    const [pb] = await posts(1, 'the bypassing submit');
    eq(pb.body, 'plain=visible', 'a stopped submit event: only the unmarked field');
    // A clone of the protected form (a page-cache snapshot) is blocked by the guard.
    await load(s, base, 'paths');
    await setValues(s, { secret: 'do not leak' });
    const names = await s.execute(`const c = document.getElementById("f1").cloneNode(true); c.id = "f2"; document.body.append(c);
      c.querySelector("button").disabled = false; c.requestSubmit(); return [...new FormData(c)].map(([n]) => n);`);
    eq(names, ['plain'], 'the clone holds no marked name');
    await until(() => s.execute('return !!document.querySelector("[data-slice-seal-error-summary]")'), 'the error summary for the clone');
    eq(await s.execute('return window.__events'), ['NOT_READY:submit'], 'NOT_READY reported for the clone');
    await sleep(300);
    eq(received.splice(0), [], 'the clone sent nothing');
    await load(s, base, 'paths');
    await setValues(s, { secret: 'sealed inside', outside: 'sealed outside' });
    await s.execute('document.querySelector("button[type=submit]").click()');
    const [p2] = await posts(1, 'the sealed post');
    const params = new URLSearchParams(p2.body);
    eq([...params.keys()], ['plain', 'secret', 'outside', 'slice-seal-submission'], 'fields in tree order');
    eq(open([params.get('secret'), params.get('outside')]).map((o) => o.plaintext), ['sealed inside', 'sealed outside'], 'the form= control sealed too');
  },
  async once(s, base) {
    await load(s, base, 'once');
    await setValues(s, { secret: 'once only' });
    await s.execute('const b = document.querySelector("button[type=submit]"); b.click(); b.click(); b.click();');
    await sleep(1500);
    const all = await posts(1, 'the post');
    eq(all.length, 1, 'sent once');
    eq(open([new URLSearchParams(all[0].body).get('secret')])[0].plaintext, 'once only', 'the typed value');
  },
  async submitter(s, base) {
    await load(s, base, 'submitter');
    // Interactive validation still applies without formnovalidate (a required field is empty).
    await setValues(s, { secret: 'x' });
    await s.execute('document.getElementById("plain").click()');
    await sleep(800);
    eq(received.length, 0, 'validation blocks the plain button');
    const send = async (id) => {
      await load(s, base, 'submitter');
      await setValues(s, { secret: `typed for ${id}` });
      await s.execute(`document.getElementById(${JSON.stringify(id)}).click()`);
      const [p] = await posts(1, `the ${id} submit`);
      const params = new URLSearchParams(p.body);
      eq(open([params.get('secret')])[0].plaintext, `typed for ${id}`, `${id}: sealed`);
      return { p, params };
    };
    let r = await send('other');
    eq([r.p.method, r.p.path, r.params.get('b')], ['POST', '/sink/other', 'other'], 'formaction and the submitter\'s value');
    r = await send('get');
    eq([r.p.method, r.p.path, [...r.params.keys()]], ['GET', '/sink/get', ['secret', 'needed', 'slice-seal-submission']], 'formmethod=get');
    r = await send('img');
    eq([r.p.path, r.params.has('pic.x'), r.params.has('pic.y')], ['/sink/image', true, true], 'input type=image');
  },
  async record(s, base) {
    await load(s, base, 'record');
    await setValues(s, { secret: 'bound' });
    await s.execute('document.getElementById("c2").checked = true; document.querySelector("button[type=submit]").click()');
    const [p] = await posts(1, 'the fetch');
    const params = new URLSearchParams(p.body);
    const sub = params.get('slice-seal-submission');
    if (!/^APPLICANT-9:[0-9a-f]{32}$/.test(sub)) throw new Error(`submission id ${sub}`);
    eq(open([params.get('secret'), params.get('c')]).map((o) => [o.submission, o.plaintext]), [[sub, 'bound'], [sub, '["y"]']], 'sealed with the record in the submission id');
    await until(() => s.execute('return document.getElementById("secret").value === ""'), 'cleared after the send');
  },
  async unavailable(s, base) {
    await load(s, base, 'unavailable');
    eq(await s.execute('return document.querySelector("button").disabled'), false, 'the button answers (enabled)');
    await setValues(s, { secret: 'kept' });
    await s.execute('document.querySelector("button[type=submit]").click()');
    await until(() => s.execute('return !!document.querySelector("[data-slice-seal-error-summary]")'), 'the error summary');
    const st = await s.execute('return { errors: window.__errors, events: window.__events, value: document.getElementById("secret").value }');
    eq(st.events, ['WASM_UNAVAILABLE:init', 'WASM_UNAVAILABLE:submit'], 'slice-seal:error events');
    if (!st.errors.some((e) => /^slice-seal: form "unavailable" not sent: WASM_UNAVAILABLE: /.test(e))) throw new Error(`console: ${st.errors.join(' | ')}`);
    eq(st.value, 'kept', 'value kept');
    await sleep(300);
    eq(received.splice(0), [], 'nothing sent');
  },
  // The demo end to end: the three steps of one application through the low
  // side (native and fetch mode), opened on the high side (the health answer
  // is for the medical adviser: "not for this team").
  async demo(s) {
    const { low, high } = demo;
    await s.goto(`${low}/`);
    await s.execute('document.querySelector("button.govuk-button--start").click()');
    const ref = (await until(async () => /\/apply\/([0-9a-f]{32})$/.exec(await s.execute('return location.pathname')), 'the task list'))[1];
    const steps = {
      'personal-details': { text: { 'full-name': 'Zoë Ōkubo', 'date-of-birth-day': '27', 'date-of-birth-month': '3', 'date-of-birth-year': '1985', nationality: 'Japanese' }, check: [] },
      'address-history': { text: { 'previous-addresses': 'Flat 3, 12 Rue de l\'Été' }, check: [['lived-abroad', 'yes']] },
      declarations: { text: { 'health-conditions': 'Asthma' }, check: [['criminal-record', 'no'], ['financial-issues', 'ccj'], ['financial-issues', 'arrears']] },
    };
    for (const [slug, v] of Object.entries(steps)) {
      await s.goto(`${low}/apply/${ref}/${slug}`);
      await until(() => s.execute('const b = document.querySelector("form[data-slice-seal-init] button[type=submit]"); return !!b && !b.disabled'), `${slug}: protected`);
      await s.execute(`const [text, check] = arguments;
        for (const [id, val] of Object.entries(text)) document.getElementById(id).value = val;
        for (const [n, val] of check) document.querySelector('input[data-slice-seal-name="' + n + '"][value="' + val + '"]').checked = true;
        document.querySelector('form[data-slice-seal-init] button[type=submit]').click();`, [v.text, v.check]);
      await until(async () => (await s.execute('return location.pathname')) === `/apply/${ref}`, `${slug}: back to the task list`);
    }
    const ans = await (await fetch(`${high}/api/applicant/${ref}`)).json();
    const f = (slug, n) => ans.steps[slug].fields[n];
    eq([f('personal-details', 'full-name').value, f('personal-details', 'date-of-birth-year').value, f('personal-details', 'nationality').value],
      ['Zoë Ōkubo', '1985', 'Japanese'], 'step 1 opened');
    eq([f('address-history', 'previous-addresses').value, f('address-history', 'lived-abroad').value], ['Flat 3, 12 Rue de l\'Été', 'yes'], 'step 2 opened');
    eq([f('declarations', 'criminal-record').value, f('declarations', 'criminal-record-details').value, f('declarations', 'financial-issues').value],
      ['no', '', '["ccj","arrears"]'], 'step 3 opened');
    eq([f('declarations', 'health-conditions').notForTeam, 'value' in f('declarations', 'health-conditions')], [true, false], 'the health answer is not for the vetting team');
    const store = readFileSync(join(demo.dir, 'submissions.jsonl'), 'utf8');
    for (const v of ['Ōkubo', 'Japanese', 'Asthma', 'arrears']) if (store.includes(v) || store.includes(encodeURIComponent(v))) throw new Error(`${v} in the store`);
  },
  async fail(s, base) {
    await load(s, base, 'fail');
    await setValues(s, { secret: 'kept' });
    await s.execute('document.querySelector("button[type=submit]").click()');
    await until(() => s.execute('return !!document.querySelector("[data-slice-seal-error-summary]")'), 'the error summary');
    const st = await s.execute('return { errors: window.__errors, events: window.__events, value: document.getElementById("secret").value, title: document.title }');
    eq(st.events, ['KID_MISMATCH:init', 'KID_MISMATCH:submit'], 'slice-seal:error events');
    if (!st.errors.some((e) => /^slice-seal: form "fail" not sent: KID_MISMATCH: /.test(e))) throw new Error(`console: ${st.errors.join(' | ')}`);
    eq([st.value, st.title.startsWith('Error: ')], ['kept', true], 'value kept, title');
    await sleep(300);
    eq(received.splice(0), [], 'nothing sent');
  },
};

// ---------------------------------------------------------------- main
const engines = process.argv.slice(2).length ? process.argv.slice(2) : ['firefox', 'webkit'];
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
// The demo's two sides, on a temp data dir with fresh keys.
const demo = { dir: makeDataDir() };
let lowSrv;
let highSrv;
try {
  lowSrv = await startServer('server.mjs', ['--data', demo.dir], 'low side');
  highSrv = await startServer('high-side.mjs', ['--data', demo.dir, '--cli', CLI], 'high side');
  demo.low = lowSrv.url;
  demo.high = highSrv.url;
} catch (e) {
  console.log(`engines: the demo did not start: ${e.message}`);
}
const base = `http://127.0.0.1:${server.address().port}`;
let passed = 0;
let failed = 0;
if (!existsSync(join(ASSETS, 'form.js'))) {
  console.log(`engines: missing ${ASSETS}/form.js (bash .ci/demo-server --build-only)`);
  failed++;
}
for (const engine of failed ? [] : engines) {
  let browser;
  try {
    browser = engine === 'firefox' ? await startFirefox() : await startWebKit();
  } catch (e) {
    console.log(`not ok - ${engine}: the browser did not start: ${e.message}`);
    failed++;
    continue;
  }
  for (const [name, fn] of Object.entries(CASES)) {
    const t0 = Date.now();
    let s;
    try {
      s = await browser.newSession();
      received.length = 0;
      await fn(s, base);
      passed++;
      console.log(`ok - ${engine}: ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      let errs = '';
      try { errs = JSON.stringify(await s.execute('return window.__errors')); } catch { /* no page */ }
      console.log(`not ok - ${engine}: ${name} (${Date.now() - t0} ms)\n  ${String(e.stack || e).split('\n').join('\n  ')}\n  page errors: ${errs}`);
    } finally {
      if (s) await s.close();
    }
  }
  await browser.close();
}
server.close();
await Promise.all([lowSrv, highSrv].map(stopServer));
removeDir(demo.dir);
console.log(`engines: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
