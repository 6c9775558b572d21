#!/usr/bin/env node
// The browser end-to-end suite of the form component and the demo service,
// one case list run in Chromium (playwright-core), Firefox (geckodriver) and
// WebKit (WebKitGTK MiniBrowser, WebKitWebDriver, Xvfb) through the page
// driver of drivers.mjs. What Playwright's request interception would do is
// done by the test's own servers (site.mjs) in front of the demo's low and
// high sides: they record every request, inject a recorder script, serve the
// case pages, and fail, delay or change responses for a case.
//
// Checks that only touch the servers (a crafted replay to the low side, the
// audit log file, the medical desk's keyring, response headers) run in the
// first engine only; every browser step runs in each engine.
//
//   node tests/e2e/engines.mjs [chromium] [firefox] [webkit] [--grep REGEXP]
// Needs: target/release/slice-seal, www/dist (bash .ci/demo-server --build-only).
// Prints a line per case and engine, a table, and `N passed, N failed`; exit
// status 1 if anything failed or an engine ran no case (a --grep that matches
// no case at all only says so).
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, CLI, ARTIFACTS, startServer, stopServer, makeDataDir, removeDir, readStore, assert, assertEq } from './harness.mjs';
import { launch } from './drivers.mjs';
import { startSite, answer, slow, abort, mutate, receivedPage } from './site.mjs';

const EXPECTED_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
const EXAMPLE = readFileSync(join(ROOT, 'www', 'examples', 'govuk-form.html'), 'utf8');
const EXAMPLE_KEY = join(ROOT, 'tests', 'e2e', 'fixtures', 'readme-example.private.jwk');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- test data
const ADDRESS_LINE = "Flat 3, 12 Rue de l'Été, 75001 Paris — from 2015 to 2017; then 4 Kōenji, Tōkyō 166-0002.\n";
const BIG = ADDRESS_LINE.repeat(Math.ceil(10240 / ADDRESS_LINE.length)).slice(0, 10240);
const NAME = 'Zoë Ōkubo-Łukasiewicz 👩‍💻';
const HEALTH = 'Asthma, well managed – no effect on work ✓';
// What the user enters on each step: text/select values by id, then the
// radios and checkboxes to tick [name, value].
const INPUT = {
  'personal-details': { text: { 'full-name': NAME, 'date-of-birth-day': '27', 'date-of-birth-month': '3', 'date-of-birth-year': '1985', nationality: 'Japanese' }, check: [['contact-preference', 'email']] },
  'address-history': { text: { 'previous-addresses': BIG }, check: [] },
  declarations: { text: { 'health-conditions': HEALTH }, check: [['criminal-record', 'no'], ['financial-issues', 'ccj'], ['financial-issues', 'arrears']] },
};
// What each marked field opens to on the high side.
const MARKED = {
  'personal-details': { 'full-name': NAME, 'date-of-birth-day': '27', 'date-of-birth-month': '3', 'date-of-birth-year': '1985', nationality: 'Japanese' },
  'address-history': { 'previous-addresses': BIG, 'lived-abroad': '' }, // unanswered: sealed as ""
  declarations: { 'criminal-record': 'no', 'criminal-record-details': '', 'financial-issues': '["ccj","arrears"]', 'health-conditions': HEALTH },
};
const MEDICAL = new Set(['health-conditions']); // sealed to the medical adviser's key
const CLEAR = { 'personal-details': { 'contact-preference': 'email' }, 'address-history': {}, declarations: {} };
const FORMS = { 'personal-details': 'vetting-step-1', 'address-history': 'vetting-step-2', declarations: 'vetting-step-3' };
const STEP1_IDS = ['full-name', 'date-of-birth-day', 'date-of-birth-month', 'date-of-birth-year', 'nationality'];
const STEP1_TYPED = STEP1_IDS.map((id) => MARKED['personal-details'][id]);
const STEP1_EMPTY = STEP1_IDS.map(() => '');

// ---------------------------------------------------------------- shared state
let dataDir;
let L; // the site in front of the low side
let H; // the site in front of the high side
let keys; // { vetting, medical, other, otherJwk, jwksJson }
const BOTH_KEYS = () => ['--key', join(dataDir, 'keys', 'private.jwk'), '--key', join(dataDir, 'keys', 'medical.jwk')];

// ---------------------------------------------------------------- helpers
async function until(fn, what, ms = 20_000) {
  const t0 = Date.now();
  let last = '';
  for (;;) {
    let v;
    try {
      v = await fn();
    } catch (e) { // e.g. the page navigating meanwhile
      last = ` (last: ${e.message})`;
    }
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}${last}`);
    await sleep(100);
  }
}

/** Wait until the page's form.js has loaded and every component checked its keys. */
async function ready(s, what = 'the component') {
  const v = await until(() => s.execute('return window.__ready || false'), what);
  assertEq(v, true, `${what}: ready`);
}

async function gotoReady(s, url) {
  await s.goto(url);
  await ready(s, url);
}

/** Wait until the page at a URL matching `test` (a string or a RegExp) has loaded. */
async function waitUrl(s, test, what, ms) {
  return until(async () => {
    const u = await s.url();
    const m = typeof test === 'string' ? u === test : test.exec(u);
    return m && (await s.execute('return document.readyState === "complete"').catch(() => false)) && m;
  }, what, ms);
}

const rec = (s) => s.execute('return window.__rec');

/** Fill a step as the user would: text and select values by id, then radios/checkboxes by name and value. */
const fill = (s, { text = {}, check = [] }) => s.execute(`const [text, check] = arguments;
  for (const [id, v] of Object.entries(text)) {
    const c = document.getElementById(id);
    c.value = v;
    c.dispatchEvent(new Event('input', { bubbles: true }));
    c.dispatchEvent(new Event('change', { bubbles: true }));
  }
  for (const [n, v] of check) {
    const c = document.querySelector('input[data-slice-seal-name="' + n + '"][value="' + v + '"], input[name="' + n + '"][value="' + v + '"]');
    c.click();
  }`, [text, check]);

const step1Values = (s) => s.execute('return arguments[0].map((id) => document.getElementById(id).value)', [STEP1_IDS]);
const clickText = (s, tag, text) => s.execute(`const e = [...document.querySelectorAll(arguments[0])].find((x) => x.textContent.includes(arguments[1]));
  if (!e) throw new Error('no ' + arguments[0] + ' with ' + arguments[1]); e.click();`, [tag, text]);
const SAVE = 'form[data-module="slice-seal"] button[type=submit]';

function encodings(v) {
  return [v, encodeURIComponent(v), new URLSearchParams({ a: v }).toString().slice(2), JSON.stringify(v).slice(1, -1)];
}

function openAll(envelopes, keyArgs = BOTH_KEYS()) {
  if (!envelopes.length) return [];
  return execFileSync(CLI, ['open', ...keyArgs, '--json'], { input: envelopes.join('\n') + '\n', stdio: ['pipe', 'pipe', 'ignore'] })
    .toString().trim().split('\n').map((l) => JSON.parse(l));
}

const highAnswers = (r) => fetch(`${H.url}/api/applicant/${r}`).then((x) => x.json());

async function newApplicant() {
  const r = await fetch(`${L.url}/start`, { method: 'POST', redirect: 'manual' });
  L.posts.length = 0;
  return r.headers.get('location').split('/').pop();
}

async function waitPosts(n, what, site = L) {
  await until(() => site.posts.length >= n, what);
  await sleep(300);
  return site.posts;
}

async function expectErrorSummary(s, codeRe) {
  await until(() => s.execute('const e = document.querySelector(".govuk-error-summary"); return !!e && e.getClientRects().length > 0'), 'the error summary');
  const st = await s.execute(`const all = document.querySelectorAll('.govuk-error-summary'); const e = all[0];
    return { count: all.length, text: e.innerText, alerts: e.querySelectorAll('[role=alert]').length, tabindex: e.getAttribute('tabindex'),
      focused: !!document.activeElement && document.activeElement.classList.contains('govuk-error-summary'), title: document.title, errors: window.__rec.errors };`);
  assertEq(st.count, 1, 'one error summary');
  assert(st.text.includes('Your answers have not been sent') && st.text.includes('Try again later'), `summary says not sent, try again later: ${st.text}`);
  assert(!/[A-Z]{3,}_[A-Z]{3,}|wasm|kid|key|seal/i.test(st.text), `no jargon in the summary: ${st.text}`);
  assertEq([st.alerts, st.tabindex, st.focused, st.title.startsWith('Error: ')], [1, '-1', true, true], 'role=alert, tabindex=-1, focused, title starts with Error:');
  assert(st.errors.some((e) => codeRe.test(e)), `console.error names the code ${codeRe}: ${JSON.stringify(st.errors)}`);
  return st;
}

/** A /fixture page on the low side's origin: `html` in <main>, with the low side's key set and form.js. */
function fixture(html, { key = true, script = true, head = '' } = {}) {
  L.fixture = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fixture</title>${head}</head>
<body><main class="govuk-main-wrapper"><div class="govuk-grid-column-two-thirds">
${key ? `<script type="application/jwk-set+json" data-slice-seal-key>${keys.jwksJson}</script>` : ''}
${html}
</div></main>
${script ? '<script type="module" src="/assets/slice-seal/form.js"></script>' : ''}</body></html>`;
  return `${L.url}/fixture`;
}

const artifact = (engine, name) => {
  mkdirSync(join(ARTIFACTS, engine), { recursive: true });
  return join(ARTIFACTS, engine, name);
};

// ---------------------------------------------------------------- cases
// Each case: async (s, t) with s the engine's session and t = { engine,
// first (the first engine of the run), browser, ref (the applicant of case a) }.
const cases = [];
const test = (name, fn) => cases.push({ name, fn });

test('a: every step sealed in the browser, nothing marked sent in clear, high side opens each slice exactly', async (s, t) => {
  await s.goto(`${L.url}/`);
  await s.execute('document.querySelector("button.govuk-button--start").click()');
  const ref = (await waitUrl(s, /\/apply\/([0-9a-f]{32})$/, 'the task list'))[1];
  L.posts.length = 0;
  assertEq(await s.execute('return [!!document.querySelector(".govuk-task-list"), document.querySelector(".app-js-required").getClientRects().length]'), [true, 0], 'task list shown, JS-needed notice hidden');
  for (const slug of Object.keys(MARKED)) {
    await s.execute('document.querySelector(`a.govuk-task-list__link[href$="/${arguments[0]}"]`).click()', [slug]);
    await waitUrl(s, new RegExp(`/${slug}$`), `${slug}: the step`);
    await ready(s, slug);
    const st = await s.execute(`const f = document.querySelector('form[data-module="slice-seal"]');
      const marked = [...f.querySelectorAll('[data-slice-seal]')].flatMap((el) => el.matches('input,select,textarea') ? [el] : [...el.querySelectorAll('input,select,textarea')]);
      return { marked: marked.map((c) => [c.getAttribute('data-slice-seal-name'), c.hasAttribute('name'), c.getAttribute('autocomplete')]),
        native: [...new FormData(f)].map(([n]) => n), jwks: JSON.parse(document.querySelector('script[data-slice-seal-key]').textContent) };`);
    assert(st.marked.length > 0 && st.marked.every(([n, named, ac]) => n && !named && ac === 'off'), `marked controls: names moved, autocomplete=off: ${JSON.stringify(st.marked)}`);
    assertEq(st.native, [], 'a native submission of the form carries no marked field');
    assertEq([st.jwks.keys.map((k) => k.kid), st.jwks.keys.some((k) => 'd' in k)], [[keys.vetting, keys.medical], false], 'the page\'s key set: the two readers\' public keys only');
    await fill(s, INPUT[slug]);
    if (slug === 'declarations') {
      // Fetch mode: the marked values at the moment the answers were accepted.
      await s.execute(`window.__stay = new Promise((ok) => document.addEventListener('slice-seal:sent', (e) => {
        e.stopImmediatePropagation(); // stay on the page
        ok([...document.querySelectorAll('form[data-module="slice-seal"] [data-slice-seal-name]')].map((c) => (c.type === 'checkbox' || c.type === 'radio' ? c.checked : c.value)));
      }, { capture: true, once: true }));
      document.querySelector(arguments[0]).click();`, [SAVE]);
      const after = await s.execute('return window.__stay');
      assert(after.length === 8 && after.every((v) => v === false || v === ''), `marked inputs cleared after the send: ${JSON.stringify(after)}`);
      await s.goto(`${L.url}/apply/${ref}`);
    } else {
      await s.execute('document.querySelector(arguments[0]).click()', [SAVE]);
      await waitUrl(s, `${L.url}/apply/${ref}`, `${slug}: back to the task list`);
    }
  }
  assertEq(await s.execute('return arguments[0].map((slug) => document.querySelector(`a.govuk-task-list__link[href$="/${slug}"]`).closest("li").querySelector(".govuk-task-list__status").textContent.trim())', [Object.keys(MARKED)]),
    ['Completed', 'Completed', 'Completed'], 'the three sections completed');

  // Every request body: marked fields are envelopes for the right form and
  // field; no marked value appears in any encoding.
  const bodies = L.posts.filter((p) => p.path.startsWith(`/apply/${ref}/`));
  assertEq(bodies.length, 3, 'three submissions');
  t.bodies = bodies;
  for (const p of bodies) {
    const params = new URLSearchParams(p.body);
    const slug = p.path.split('/').pop();
    const sub = params.get('slice-seal-submission');
    assert(new RegExp(`^${ref}:[0-9a-f]{32}$`).test(sub), `submission id is the applicant reference (record), ':' and 128-bit hex: ${sub}`);
    const names = Object.keys(MARKED[slug]);
    const metas = openAll(names.map((n) => params.get(n)));
    names.forEach((name, i) => {
      assertEq([metas[i].form, metas[i].field, metas[i].submission, metas[i].kid, metas[i].plaintext],
        [FORMS[slug], name, sub, MEDICAL.has(name) ? keys.medical : keys.vetting, MARKED[slug][name]], `${name}: sealed to its form/field/submission/reader, opens to what was typed`);
    });
    assertEq([...params.keys()].sort(), [...names, ...Object.keys(CLEAR[slug]), 'slice-seal-submission'].sort(), 'only the expected fields are sent');
    for (const [name, value] of Object.entries(CLEAR[slug])) assertEq(params.get(name), value, `unmarked ${name} passes in clear`);
    for (const v of [NAME, 'Japanese', BIG.slice(100, 164), ADDRESS_LINE.trim(), 'Ōkubo', '👩‍💻', 'arrears', HEALTH]) {
      for (const e of encodings(v)) assert(!p.body.includes(e), `${JSON.stringify(v.slice(0, 20))} not in a request body`);
    }
  }
  const store = readFileSync(join(dataDir, 'submissions.jsonl'), 'utf8');
  for (const v of [NAME, 'Japanese', ADDRESS_LINE.trim(), 'Ōkubo', 'Asthma']) for (const e of encodings(v)) assert(!store.includes(e), 'no plaintext in the store');

  // The vetting team's high side opens every slice exactly; the medical
  // adviser's slice is "not for this team".
  const ans = await highAnswers(ref);
  for (const [slug, fields] of Object.entries(MARKED)) {
    for (const [name, value] of Object.entries(fields)) {
      const v = ans.steps[slug].fields[name];
      if (MEDICAL.has(name)) assertEq([v.ok, v.notForTeam, v.code, 'value' in v], [false, true, 'KEY_NOT_FOUND', false], `${slug}/${name} not for the vetting team`);
      else assertEq([v.ok, v.value], [true, value], `${slug}/${name} opened`);
    }
    assertEq(ans.steps[slug].clear, CLEAR[slug], `${slug} clear fields`);
  }
  const errors = (await rec(s)).errors;
  await s.goto(`${H.url}/applicant/${ref}`);
  assertEq(await s.execute('const e = document.querySelector(\'[data-field="health-conditions"] .app-not-for-team\'); return [e && e.textContent.trim(), document.body.innerHTML.includes("Asthma")]'),
    ['Not for this team', false], 'the vetting team\'s page: not for this team, no health answer');
  if (t.first) {
    // A high side holding both keys (the medical adviser's desk) opens it.
    const desk = await startServer('high-side.mjs', ['--data', dataDir, '--cli', CLI, '--audit', join(dataDir, 'medical-audit.jsonl'),
      '--key', join(dataDir, 'keys', 'private.jwk'), '--key', join(dataDir, 'keys', 'medical.jwk')], 'medical desk');
    try {
      const both = await fetch(`${desk.url}/api/applicant/${ref}`).then((x) => x.json());
      assertEq([both.steps.declarations.fields['health-conditions'].value, both.steps['personal-details'].fields['full-name'].value], [HEALTH, NAME], 'the medical adviser opens the health answer, and the rest');
    } finally {
      await stopServer(desk);
    }
  }
  // Nothing sensitive left on the device.
  await s.goto(`${L.url}/apply/${ref}`);
  const storage = await s.execute('return { local: localStorage.length, session: sessionStorage.length, idb: indexedDB.databases ? (await indexedDB.databases()).length : 0, cookie: document.cookie }');
  assertEq(storage, { local: 0, session: 0, idb: 0, cookie: '' }, 'no web storage, IndexedDB or cookies');
  assertEq(errors, [], 'no console errors');
  t.ref = ref;
});

test('b: swapped, moved and tampered slices are rejected by the high side; the low side refuses a crafted replay', async (s, t) => {
  assert(t.ref, 'needs case a');
  const file = join(dataDir, 'submissions.jsonl');
  const original = readFileSync(file, 'utf8');
  const recs = readStore(dataDir);
  const [s1, s2, s3] = ['personal-details', 'address-history', 'declarations'].map((st) => recs.find((r) => r.applicant === t.ref && r.step === st));
  [s1.slices['full-name'], s1.slices.nationality] = [s1.slices.nationality, s1.slices['full-name']];
  [s2.slices['previous-addresses'], s3.slices['criminal-record-details']] = [s3.slices['criminal-record-details'], s2.slices['previous-addresses']];
  const body = Buffer.from(s3.slices['criminal-record'].slice(4), 'base64url');
  body[body.length - 1] ^= 1; // the GCM tag
  s3.slices['criminal-record'] = 'ss1.' + body.toString('base64url');
  writeFileSync(file, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  try {
    const ans = await highAnswers(t.ref);
    const f = (slug, name) => ans.steps[slug].fields[name];
    for (const [slug, name] of [['personal-details', 'full-name'], ['personal-details', 'nationality'], ['address-history', 'previous-addresses'], ['declarations', 'criminal-record-details']]) {
      assertEq([f(slug, name).ok, f(slug, name).code, 'value' in f(slug, name)], [false, 'CONTEXT_MISMATCH', false], `${slug}/${name} rejected as moved`);
    }
    assertEq([f('declarations', 'criminal-record').ok, f('declarations', 'criminal-record').code], [false, 'DECRYPT_FAILED'], 'tampered slice rejected');
    assertEq([f('personal-details', 'date-of-birth-year').ok, f('personal-details', 'date-of-birth-year').value], [true, '1985'], 'untouched slices still open');
    await s.goto(`${H.url}/applicant/${t.ref}`);
    assertEq(await s.execute('return [document.querySelectorAll(".govuk-summary-list__value .govuk-tag--red").length, document.body.innerHTML.includes("Ōkubo")]'), [5, false], 'five rejected slices on the page, the moved name not shown');
    await s.screenshot(artifact(t.engine, 'high-side-rejected.png'));
  } finally {
    writeFileSync(file, original);
  }
  if (!t.first) return;
  // A crafted request replaying a step-2 envelope as a step-1 answer is refused, and a plaintext too.
  const p1 = new URLSearchParams(t.bodies.find((p) => p.path.endsWith('/personal-details')).body);
  const p2 = new URLSearchParams(t.bodies.find((p) => p.path.endsWith('/address-history')).body);
  const before = readStore(dataDir).length;
  p1.set('full-name', p2.get('previous-addresses'));
  assertEq((await fetch(`${L.url}/apply/${t.ref}/personal-details`, { method: 'POST', body: p1, redirect: 'manual' })).status, 400, 'crafted replay refused');
  p1.set('full-name', 'Plain Text');
  assertEq((await fetch(`${L.url}/apply/${t.ref}/personal-details`, { method: 'POST', body: p1, redirect: 'manual' })).status, 400, 'plaintext refused');
  assertEq(readStore(dataDir).length, before, 'nothing stored');
});

test('l: record binding: a step moved to another applicant is rejected by the high side; the low side refuses answers sealed for another application', async (s, t) => {
  assert(t.ref, 'needs case a');
  const file = join(dataDir, 'submissions.jsonl');
  const original = readFileSync(file, 'utf8');
  const s1 = readStore(dataDir).find((r) => r.applicant === t.ref && r.step === 'personal-details');
  const other = createHash('sha256').update(t.engine).digest('hex').slice(0, 32);
  writeFileSync(file, original + JSON.stringify({ ...s1, applicant: other }) + '\n');
  try {
    const fields = (await highAnswers(other)).steps['personal-details'].fields;
    assertEq(Object.keys(fields).sort(), Object.keys(MARKED['personal-details']).sort(), 'every slice of the step checked');
    for (const [name, v] of Object.entries(fields)) {
      assertEq([v.ok, v.code, 'value' in v], [false, 'CONTEXT_MISMATCH', false], `${name} rejected under another applicant`);
      assert(v.reason.includes(t.ref) && v.reason.includes(other), `${name}: the reason names both records: ${v.reason}`);
    }
    await s.goto(`${H.url}/applicant/${other}`);
    assertEq(await s.execute('return [document.querySelectorAll(\'[data-step="personal-details"] .govuk-tag--red\').length, document.body.innerHTML.includes("Ōkubo")]'), [5, false], 'five rejected slices shown, not the name');
    assert(Object.values((await highAnswers(t.ref)).steps['personal-details'].fields).every((v) => v.ok), 'still fine under its own applicant');
  } finally {
    writeFileSync(file, original);
  }
  if (!t.first) return;
  const r2 = await newApplicant();
  const before = readStore(dataDir).length;
  const resp = await fetch(`${L.url}/apply/${r2}/personal-details`, { method: 'POST', body: new URLSearchParams(t.bodies[0].body), redirect: 'manual' });
  assertEq(resp.status, 400, 'answers sealed for another application refused');
  assertEq(readStore(dataDir).length, before, 'nothing stored');
});

test('j: the high side keeps an audit log (an entry per slice opened or refused, never a plaintext) and shows it', async (s, t) => {
  assert(t.ref, 'needs case a');
  const file = join(dataDir, 'audit.jsonl');
  const lines = () => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  const before = lines().length;
  const ans = await highAnswers(t.ref);
  assert(Object.values(ans.steps).every((st) => Object.values(st.fields).every((v) => v.ok || v.notForTeam)), 'all slices opened (or not for this team)');
  const entries = lines();
  const fresh = entries.slice(before);
  const latest = new Map();
  for (const r of readStore(dataDir)) if (r.applicant === t.ref) latest.set(r.step, r);
  const slices = [...latest.values()].flatMap((r) => Object.entries(r.slices).map(([field, env]) => ({ r, field, env })));
  if (t.first) {
    assertEq(statSync(file).mode & 0o777, 0o600, 'audit log mode 0600');
    assertEq(fresh.length, slices.length, 'one new audit entry per slice opened');
    for (const { r, field, env } of slices) {
      const e = fresh.find((x) => x.sha256 === createHash('sha256').update(env).digest('hex'));
      assert(e, `an entry with the envelope hash of ${field}`);
      assertEq([e.result, e.form, e.field, e.submission], [MEDICAL.has(field) ? 'KEY_NOT_FOUND' : 'OK', r.form, field, r.submission], `${field} entry`);
      assert(/^[A-Za-z0-9_-]{43}$/.test(e.kid) && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(e.time), `${field}: kid and RFC 3339 UTC time`);
      assertEq(Object.keys(e).sort(), ['field', 'form', 'kid', 'line', 'result', 'sha256', 'submission', 'time'], 'entry members');
    }
    assert(entries.some((e) => e.result === 'DECRYPT_FAILED' && e.field === 'criminal-record'), 'the refused slice of case b is in the log');
    const text = readFileSync(file, 'utf8');
    for (const v of [NAME, 'Japanese', ADDRESS_LINE.trim(), BIG.slice(100, 164), 'Ōkubo', 'arrears']) for (const e of encodings(v)) assert(!text.includes(e), 'no plaintext in the audit log');
    assertEq((await fetch(`${H.url}/api/audit`).then((x) => x.json())).length, entries.length, '/api/audit lists the entries');
  }
  // The audit page lists the entries, GOV.UK styled, newest first.
  await s.goto(`${H.url}/`);
  await s.execute('document.querySelector(\'a[href="/audit"]\').click()');
  await waitUrl(s, `${H.url}/audit`, 'the audit page');
  const st = await s.execute(`const rows = document.querySelectorAll('table.govuk-table tbody tr');
    return { h1: document.querySelector('h1').textContent.trim(), rows: rows.length, first: rows[0].getAttribute('data-result'),
      ok: document.querySelectorAll('tr[data-result="OK"] .govuk-tag--green').length, refused: document.querySelectorAll('tr[data-result="DECRYPT_FAILED"] .govuk-tag--red').length,
      leaks: ${JSON.stringify([NAME, 'Japanese', 'Ōkubo'])}.filter((v) => document.documentElement.innerHTML.includes(v)), errors: window.__rec.errors };`);
  assertEq([st.h1, st.rows, st.first, st.refused >= 1, st.leaks, st.errors], ['Audit log', entries.length, fresh[fresh.length - 1].result, true, [], []], 'audit page: a row per entry, newest first, no answer, no console error');
  assert(st.ok >= slices.filter((x) => !MEDICAL.has(x.field)).length, 'opened entries tagged');
  await s.screenshot(artifact(t.engine, 'high-side-audit.png'));
});

// ---------------------------------------------------------------- fail closed on the demo's step
async function failClosed(s, t, name, setup, codeRe, submit) {
  const r = await newApplicant();
  await setup(r);
  await s.goto(`${L.url}/apply/${r}/personal-details`);
  if (!submit) {
    await until(() => s.execute('return !!window.__ready'), 'the component');
    submit = () => s.execute('document.querySelector(arguments[0]).click()', [SAVE]);
  }
  await fill(s, INPUT['personal-details']);
  await submit(s);
  await expectErrorSummary(s, codeRe);
  assertEq(await step1Values(s), STEP1_TYPED, 'typed values stay in the form');
  await s.screenshot(artifact(t.engine, `error-summary-${name}.png`));
  assertEq(L.posts, [], 'nothing was sent');
  assertEq(readStore(dataDir).filter((x) => x.applicant === r), [], 'nothing stored');
}
const step1 = (r) => new RegExp(`^/apply/${r}/personal-details$`);
const mutateStep = (fn) => (r) => L.route('GET', step1(r), mutate((h) => {
  const changed = fn(h);
  if (changed === h) throw new Error('page not mutated');
  return changed;
}));

test('c: a corrupt inline JWKS fails closed (INVALID_KEY)', (s, t) =>
  failClosed(s, t, 'bad-key', mutateStep((h) => h.replace(/"x":"[A-Za-z0-9_-]{8}/, '"x":"AAAAAAAA')), /INVALID_KEY/));

test('c: a pin mismatch fails closed (KID_MISMATCH)', (s, t) =>
  failClosed(s, t, 'pin-mismatch', mutateStep((h) => h.replace(/data-slice-seal-kid="[^"]+"/, `data-slice-seal-kid="${keys.other}"`)), /KID_MISMATCH/));

test('c: a missing pin fails closed (FORM_CONFIG)', (s, t) =>
  failClosed(s, t, 'no-pin', mutateStep((h) => h.replace(/ data-slice-seal-kid="[^"]+"/, '')), /FORM_CONFIG/));

test('c: the wasm not loading fails closed (WASM_UNAVAILABLE)', (s, t) =>
  failClosed(s, t, 'wasm-blocked', async () => L.route('GET', /\.wasm$/, answer(404, 'not found')), /WASM_UNAVAILABLE/));

test('c: a submit before the wasm has loaded is blocked (NOT_READY), the button disabled until then', (s, t) =>
  failClosed(s, t, 'wasm-loading', async () => L.route('GET', /\.wasm$/, slow(8000)), /NOT_READY/, async () => {
    assertEq(await s.enabled(SAVE), false, 'disabled while loading');
    await s.press('#full-name', 'Enter');
    await sleep(500);
    assertEq(await s.execute('return document.querySelectorAll(".govuk-error-summary").length'), 0, 'Enter did nothing');
    // A scripted submit is stopped, and reported as any failure is.
    assertEq(await s.execute(`const f = document.querySelector('form[data-module="slice-seal"]'); let got = null;
      f.addEventListener('slice-seal:error', (e) => { got = e.detail.code + ':' + e.detail.phase; });
      f.requestSubmit();
      return new Promise((ok) => setTimeout(() => ok(got), 300));`), 'NOT_READY:submit', 'slice-seal:error dispatched while loading');
  }));

test('c: sealing that throws (no secure random numbers) fails closed (RANDOM_FAILED)', (s, t) =>
  failClosed(s, t, 'no-random', async () => {}, /RANDOM_FAILED/, async () => {
    await ready(s);
    await s.execute(`Object.defineProperty(crypto, 'getRandomValues', { value: () => { throw new Error('blocked for the test'); } });
      document.querySelector(arguments[0]).click();`, [SAVE]);
  }));

test('c: a failed send (fetch mode, connection dropped) keeps the answers and shows the error summary', async (s) => {
  const r = await newApplicant();
  L.route('POST', new RegExp(`^/apply/${r}/declarations$`), abort());
  await gotoReady(s, `${L.url}/apply/${r}/declarations`);
  await fill(s, INPUT.declarations);
  await s.execute('document.querySelector(arguments[0]).click()', [SAVE]);
  await expectErrorSummary(s, /NETWORK_ERROR/);
  assertEq(await s.execute('return ["criminal-record:no", "financial-issues:ccj", "financial-issues:arrears"].map((x) => document.querySelector(`input[data-slice-seal-name="${x.split(":")[0]}"][value="${x.split(":")[1]}"]`).checked).concat(document.getElementById("health-conditions").value)'),
    [true, true, true, HEALTH], 'answers kept');
  assertEq(readStore(dataDir).filter((x) => x.applicant === r), [], 'nothing stored');
});

test('c: JavaScript off: the page says JavaScript is needed; nothing can be sent; a crafted plaintext post is refused', async (s, t) => {
  const off = await t.browser.newSession({ js: false });
  try {
    const r = await newApplicant();
    await off.goto(`${L.url}/apply/${r}/personal-details`);
    assert((await off.text('.app-js-required')).includes('You need JavaScript turned on to use this service'), 'JS-needed notice shown');
    await off.screenshot(artifact(t.engine, 'js-disabled-step.png'));
    assertEq([await off.enabled(SAVE), await off.attribute(SAVE, 'aria-disabled')], [false, 'true'], 'submit button disabled, aria-disabled');
    await off.type('#full-name', 'Zoe Okubo');
    await off.click(SAVE).catch(() => {}); // a click on the disabled button
    await off.press('#full-name', 'Enter'); // implicit submission: the default button is disabled
    await off.press('#date-of-birth-year', 'Enter');
    await sleep(1500);
    assertEq([L.posts, await off.url(), await off.value('#full-name')], [[], `${L.url}/apply/${r}/personal-details`, 'Zoe Okubo'], 'nothing sent, still on the step, typed value kept');
    // The README's form, as the macro renders it: disabled too.
    await off.goto(fixture(EXAMPLE, { key: false, script: false }));
    assertEq(await off.enabled('button[type=submit]'), false, 'the README form\'s button is disabled without JavaScript');
    await off.type('#full-name', 'Zoe');
    await off.press('#full-name', 'Enter');
    await sleep(800);
    assertEq([L.posts, await off.url()], [[], `${L.url}/fixture`], 'Enter sends nothing');
    if (t.first) {
      // Defence in depth: a crafted plaintext post is refused.
      const body = new URLSearchParams({ 'full-name': NAME, 'date-of-birth-day': '27', 'date-of-birth-month': '3', 'date-of-birth-year': '1985', nationality: 'Japanese', 'contact-preference': 'email' });
      const resp = await fetch(`${L.url}/apply/${r}/personal-details`, { method: 'POST', body, redirect: 'manual' });
      const text = await resp.text();
      assertEq([resp.status, text.includes('You need JavaScript turned on to use this service'), text.includes('Your answers have not been saved')], [400, true, true], 'server refuses plaintext, says why');
    }
    assertEq(readStore(dataDir).filter((x) => x.applicant === r), [], 'nothing stored');
  } finally {
    await off.close();
  }
});

test('c: with JavaScript the submit button is enabled once the form is protected and its key checked', async (s) => {
  const r = await newApplicant();
  await s.goto(`${L.url}/apply/${r}/personal-details`);
  await until(() => s.enabled(SAVE), 'the button enabled', 20_000);
  assertEq(await s.execute('const f = document.querySelector(\'form[data-module="slice-seal"]\'); return [f.hasAttribute("data-slice-seal-init"), document.querySelector(arguments[0]).getAttribute("aria-disabled")]', [SAVE]), [true, null], 'protected, aria-disabled removed');
});

/** Each sealer of the page's form: { backend, timings, lean } once every one has chosen its P-256 backend. */
async function backends(s) {
  return until(() => s.execute(`const i = window.__formModule.SliceSealForm.getInstance(document.querySelector('form[data-module="slice-seal"]'));
    const all = [...i.sealers.values()].map((x) => ({ backend: x.backend, timings: x.timings, lean: 'timings' in x }));
    return all.every((x) => !x.lean || x.backend !== undefined) && all;`), 'every lean sealer chose its backend');
}

/** Whether this engine's WebCrypto refuses public keys off the curve (else the lean entry gives the full module's sealers). */
const checksPoints = (s) => s.execute('return (async () => (await window.__formModule.ready).api.webCryptoChecksPoints())()');

const SLICE_ASSETS = '/assets/slice-seal/';
const FULL_WASM = `${SLICE_ASSETS}web/slice_seal_bg.wasm`;
const LEAN_WASM = `${SLICE_ASSETS}lean/slice_seal_lean_bg.wasm`;

/** Fill and send the declarations step (fetch mode, the page stays); the stored slices open to what was typed. */
async function sendDeclarations(s, r) {
  const slug = 'declarations';
  await fill(s, INPUT[slug]);
  await s.execute(`window.__sent = new Promise((ok) => document.addEventListener('slice-seal:sent', (e) => { e.stopImmediatePropagation(); ok(true); }, { capture: true, once: true }));
    document.querySelector(arguments[0]).click();`, [SAVE]);
  await s.execute('return window.__sent');
  const post = L.posts.find((p) => p.path === `/apply/${r}/${slug}`);
  const params = new URLSearchParams(post.body);
  const names = Object.keys(MARKED[slug]);
  assertEq([...params.keys()].sort(), [...names, 'slice-seal-submission'].sort(), 'only envelopes and the submission id are sent');
  const metas = openAll(names.map((n) => params.get(n)));
  assertEq(metas.map((m) => m.plaintext), Object.values(MARKED[slug]), 'every envelope opens to what was typed');
}

test('o: lean: with crypto.subtle the form page loads lean.js and the lean .wasm, the full .wasm only if WebCrypto accepts points off the curve (WebKitGTK) or to time its P-256 (WebCrypto measured slow); the backend is the argmin of the timings; points off the curve refused', async (s, t) => {
  const r = await newApplicant();
  L.gets.length = 0;
  await gotoReady(s, `${L.url}/apply/${r}/declarations`);
  const b = await backends(s);
  const lean = await checksPoints(s);
  assertEq(b.map((x) => x.lean), b.map(() => lean), 'lean sealers exactly where WebCrypto checks public keys');
  for (const x of b.filter((y) => y.lean)) {
    const { webcrypto, wasm, bound } = x.timings;
    // (WebDriver gives an undefined member back as null.)
    const argmin = wasm == null ? (webcrypto <= bound ? 'webcrypto' : 'none') : (wasm < webcrypto ? 'wasm' : 'webcrypto');
    assertEq(x.backend, argmin, `backend is the argmin of ${JSON.stringify(x.timings)}`);
  }
  await sendDeclarations(s, r);
  const fetched = L.gets.filter((p) => p.startsWith(SLICE_ASSETS));
  assert(fetched.includes(LEAN_WASM) && fetched.includes(`${SLICE_ASSETS}lean.js`), `the lean module was fetched: ${fetched}`);
  const needFull = !lean || b.some((x) => x.timings.wasm != null);
  assertEq([fetched.includes(FULL_WASM), fetched.includes(`${SLICE_ASSETS}index.js`)], [needFull, needFull], `the full module fetched only if WebCrypto does not check keys or to time its P-256: ${fetched}`);
  t.note = `${lean ? b.map((x) => `${x.backend} ${JSON.stringify(x.timings)}`)[0] : 'WebCrypto accepts points off the curve: the full module'}; fetched ${fetched.map((p) => p.slice(SLICE_ASSETS.length)).join(' ')}`;
  // This engine's WebCrypto is the lean path's curve check: points it must
  // refuse (no kid, so no other check stops them) get the full module's error.
  const x = 'eywhzYPo3Enh4prUCLscSY_Pcg7NmRuwkYLPzrENN0Y';
  const bad = [{ x, y: x }, { x: 'A'.repeat(43), y: 'A'.repeat(43) }, { x: '_'.repeat(42) + 'w', y: x }].map((p) => ({ kty: 'EC', crv: 'P-256', ...p }));
  const got = await s.execute(`return (async () => {
    const api = (await window.__formModule.ready).api;
    const out = [];
    for (const k of arguments[0]) {
      try { await api.createSealer(k); out.push('accepted'); } catch (e) { out.push(e.name + ':' + e.code + ':' + e.message); }
    }
    return out;
  })()`, [bad]);
  assertEq(got, bad.map(() => 'SliceSealError:INVALID_KEY:invalid key: JWK x/y is not a point on the P-256 curve'), `points off the curve refused, with the full module's error: ${JSON.stringify(got)}`);
  assertEq((await rec(s)).errors, [], 'no console errors');
});

test('o: lean: without crypto.subtle the form page fetches the full module (not the lean .wasm) and still sends only envelopes', async (s) => {
  L.init = `Object.defineProperty(crypto, 'subtle', { value: undefined, configurable: true });`;
  const r = await newApplicant();
  L.gets.length = 0;
  await gotoReady(s, `${L.url}/apply/${r}/declarations`);
  await sendDeclarations(s, r);
  const fetched = L.gets.filter((p) => p.startsWith(SLICE_ASSETS));
  assert(fetched.includes(FULL_WASM) && !fetched.includes(LEAN_WASM), `the full .wasm, not the lean one: ${fetched}`);
  assertEq((await rec(s)).errors, [], 'no console errors');
});

test('o: lean: WebCrypto\'s deriveBits delayed 30 ms: the page measures both and chooses wasm (where WebCrypto checks keys; else the full module\'s sealers)', async (s, t) => {
  L.init = `(function () {
    const real = SubtleCrypto.prototype.deriveBits;
    SubtleCrypto.prototype.deriveBits = function (...a) { return new Promise((ok) => setTimeout(ok, 30)).then(() => real.apply(this, a)); };
  })();`;
  const r = await newApplicant();
  L.gets.length = 0;
  await gotoReady(s, `${L.url}/apply/${r}/declarations`);
  const b = await backends(s);
  const lean = await checksPoints(s);
  assertEq(b.map((x) => x.lean), b.map(() => lean), 'lean sealers exactly where WebCrypto checks public keys');
  if (!lean) t.note = 'WebCrypto accepts points off the curve: the full module';
  for (const x of b.filter((y) => y.lean)) {
    assert(x.timings.webcrypto >= 30 && x.timings.wasm < x.timings.webcrypto, `both timed, wasm faster: ${JSON.stringify(x.timings)}`);
    assertEq(x.backend, 'wasm', 'wasm chosen');
  }
  await sendDeclarations(s, r);
  assert(L.gets.includes(FULL_WASM), 'the full module was fetched');
  assertEq((await rec(s)).errors, [], 'no console errors');
});

test('i: sealing with encapsulations prepared at idle (key pair + ECDH per field, WebCrypto timed against wasm, no WebCrypto call at submit); without crypto.subtle it seals in wasm', async (s) => {
  const slug = 'declarations'; // fetch mode: the page stays, so its counters can be read
  for (const subtle of [true, false]) {
    L.init = `(function (keep) {
      window.__wc = { generateKey: 0, deriveBits: 0, importKey: 0, exportKey: 0 };
      window.__prepared = 0;
      document.addEventListener('slice-seal:prepared', (e) => { window.__prepared = e.detail.prepared; }, true);
      // WebCrypto calls up to the moment the sealed body is handed to fetch.
      const fetch0 = window.fetch;
      window.fetch = function (url, init) {
        if (init && init.method === 'POST' && !window.__atFetch) window.__atFetch = { ...window.__wc };
        return fetch0.call(this, url, init);
      };
      window.__sent = new Promise((ok) => document.addEventListener('slice-seal:sent', (e) => { e.stopImmediatePropagation(); ok(window.__atFetch); }, { capture: true, once: true }));
      if (!keep) { Object.defineProperty(crypto, 'subtle', { value: undefined, configurable: true }); return; }
      for (const n of Object.keys(window.__wc)) {
        const orig = crypto.subtle[n];
        crypto.subtle[n] = function (...a) { window.__wc[n] += 1; return orig.apply(this, a); };
      }
    })(${subtle});`;
    const r = await newApplicant();
    await gotoReady(s, `${L.url}/apply/${r}/${slug}`);
    const names = Object.keys(MARKED[slug]).length;
    await until(() => s.execute('return window.__prepared >= arguments[0]', [names]), `${names} encapsulations prepared`);
    const before = await s.execute('return { ...window.__wc }');
    await fill(s, INPUT[slug]);
    await s.execute('document.querySelector(arguments[0]).click()', [SAVE]);
    const after = await s.execute('return window.__sent');
    if (subtle) {
      // Lean sealers prepare with the P-256 backend they measured faster
      // (case o): WebCrypto key pairs, or (WebCrypto slower) wasm ones after
      // the two WebCrypto encapsulations of the measurement. The full
      // module's sealers (where WebCrypto accepts points off the curve) do
      // their first encapsulation through WebCrypto (timed), the next in
      // wasm, the rest by the faster (wasm/src/backend.rs).
      const b = await backends(s);
      if (b.some((x) => !x.lean)) assert(before.generateKey >= 1, `key pairs generated at idle: ${JSON.stringify(before)}`);
      else if (b.every((x) => x.backend === 'webcrypto')) assert(before.generateKey >= names, `key pairs generated at idle: ${JSON.stringify(before)}`);
      else assert(b.every((x) => x.backend === 'wasm' && x.timings.wasm < x.timings.webcrypto), `wasm chosen only when measured faster: ${JSON.stringify(b)}`);
      assertEq(before.deriveBits, before.generateKey, 'one ECDH per prepared key pair, at idle');
      assertEq(after, before, 'no WebCrypto call at submit');
    } else {
      assertEq(after, { generateKey: 0, deriveBits: 0, importKey: 0, exportKey: 0 }, 'no WebCrypto use without crypto.subtle');
    }
    const stored = readStore(dataDir).find((x) => x.applicant === r && x.step === slug);
    const metas = openAll(Object.keys(MARKED[slug]).map((n) => stored.slices[n]));
    assertEq(metas.map((m) => m.plaintext), Object.values(MARKED[slug]), `every value opens (subtle ${subtle})`);
    assertEq((await rec(s)).errors, [], 'no console errors');
  }
});

test('g: marked inputs are cleared on a back/forward-cache pageshow and not restored on back', async (s, t) => {
  const r = await newApplicant();
  await gotoReady(s, `${L.url}/apply/${r}/personal-details`);
  await fill(s, INPUT['personal-details']);
  await s.execute('window.dispatchEvent(new PageTransitionEvent("pageshow", { persisted: true }))');
  assertEq(await step1Values(s), STEP1_EMPTY, 'cleared on a persisted pageshow');
  assertEq(await s.execute('return document.querySelector(\'input[name="contact-preference"][value="email"]\').checked'), true, 'unmarked answer kept');
  // Real back navigation, on the demo's step (Cache-Control: no-store) and
  // on a page an engine may keep in its back/forward cache.
  const kid = keys.vetting;
  const pages = [
    [`${L.url}/apply/${r}/personal-details`, `${L.url}/apply/${r}`, () => clickText(s, 'a', 'Cancel'), () => step1Values(s), STEP1_EMPTY],
    [fixture(`<form method="post" action="/sink/g" novalidate data-module="slice-seal" data-slice-seal-form="g" data-slice-seal-kid="${kid}">
<input id="secret" name="secret" data-slice-seal><input id="plain" name="plain"><button type="submit" disabled>Send</button></form><a href="/sink/away">away</a>`),
    `${L.url}/sink/away`, () => s.execute('document.querySelector("a").click()'), () => s.execute('return [document.getElementById("secret").value]'), ['']],
  ];
  const persisted = [];
  for (const [url, away, leave, values, empty] of pages) {
    await gotoReady(s, url);
    if (url.endsWith('/fixture')) await s.execute('document.getElementById("secret").value = "do not keep"; document.getElementById("plain").value = "kept"');
    else await fill(s, INPUT['personal-details']);
    await leave();
    await waitUrl(s, away, 'navigated away');
    await s.back();
    await waitUrl(s, url, 'back');
    await ready(s, 'the page after back');
    const shows = (await rec(s)).pageshow;
    persisted.push(shows.includes(true));
    assertEq(await values(), empty, `${url}: marked values not restored on back (pageshow persisted: ${JSON.stringify(shows)})`);
  }
  t.note = `back/forward cache used: demo step ${persisted[0]}, cacheable page ${persisted[1]}`;
  // Firefox and WebKit restore the cacheable page from their back/forward
  // cache, so the clearing on a persisted pageshow is what is tested there.
  if (t.engine !== 'chromium') assertEq(persisted[1], true, 'restored from the back/forward cache');
});

test('h: protectForm options (jwksUrl, kid, onSealed, fetch, select multiple); a lying kid member and bad arguments fail', async (s) => {
  const r = await newApplicant();
  L.route('POST', /^\/api-test$/, answer(200, 'ok', 'text/plain'));
  await gotoReady(s, `${L.url}/apply/${r}/personal-details`);
  const realJwk = JSON.parse(keys.jwksJson).keys[0];
  const out = await s.execute(`const [kid, realJwk, otherJwk] = arguments;
    const api = await window.__formModule.ready;
    const bad = [];
    for (const arg of [null, 42, document.body]) {
      try { api.protectForm(arg); bad.push('no throw'); } catch (e) { bad.push(e.name + ':' + e.code); }
    }
    const make = (id) => {
      const f = document.createElement('form');
      f.action = '/api-test';
      f.method = 'post';
      f.dataset.sliceSealForm = id;
      f.innerHTML = '<input name="secret" data-slice-seal value="tölle Geheimnis"><input name="plain" value="visible">' +
        '<select name="multi" multiple data-slice-seal><option value="a" selected>a</option><option value="b">b</option><option value="c" selected>c</option></select><button>Send</button>';
      document.querySelector('main').append(f);
      return f;
    };
    const f = make('api-test');
    const sealed = new Promise((ok) => api.protectForm(f, { jwksUrl: '/keys/jwks.json', kid, submit: 'fetch', onSealed: ok }));
    f.requestSubmit();
    const d = await sealed;
    const first = { fields: d.fields, formId: d.formId, status: d.response.status, secret: f.querySelector('[data-slice-seal-name=secret]').value,
      plain: f.querySelector('[name=plain]').value, multi: [...f.querySelector('[data-slice-seal-name=multi]').selectedOptions].length };
    const g = make('api-test-2');
    const failed = new Promise((ok) => g.addEventListener('slice-seal:error', (e) => ok(e.detail.error.code)));
    api.protectForm(g, { jwks: { keys: [{ ...otherJwk, kid }, realJwk] }, kid, submit: 'fetch', onSealed: () => { throw new Error('must not be called'); } });
    g.requestSubmit();
    const code = await failed;
    return { bad, first, code, kept: g.querySelector('[data-slice-seal-name=secret]').value };`, [keys.vetting, realJwk, keys.otherJwk]);
  assertEq(out.bad, ['SliceSealError:FORM_CONFIG', 'SliceSealError:FORM_CONFIG', 'SliceSealError:FORM_CONFIG'], 'non-forms are refused with FORM_CONFIG');
  assertEq(out.first, { fields: ['secret', 'multi'], formId: 'api-test', status: 200, secret: '', plain: 'visible', multi: 0 }, 'sealed, sent, marked cleared, unmarked kept');
  assertEq([out.code, out.kept], ['KID_MISMATCH', 'tölle Geheimnis'], 'a kid member is only a claim (thumbprint checked); values kept on failure');
  await sleep(300);
  const sent = L.posts.filter((p) => p.path === '/api-test');
  assertEq(sent.length, 1, 'one request (the failing form sent nothing)');
  const params = new URLSearchParams(sent[0].body);
  assertEq([...params.keys()], ['secret', 'plain', 'multi', 'slice-seal-submission'], 'body fields in form order');
  assertEq(openAll([params.get('secret'), params.get('multi')]).map((o) => [o.form, o.field, o.submission, o.plaintext]), [
    ['api-test', 'secret', params.get('slice-seal-submission'), 'tölle Geheimnis'],
    ['api-test', 'multi', params.get('slice-seal-submission'), '["a","c"]'],
  ], 'opened to the typed values (select multiple as a JSON array)');
});

// ---------------------------------------------------------------- the component on its own pages
// Every property the component reads from a form or a control, as control names.
const CLOBBER = ['matches', 'action', 'method', 'enctype', 'target', 'submit', 'elements', 'id', 'length', 'item',
  'getAttribute', 'setAttribute', 'removeAttribute', 'hasAttribute', 'closest', 'querySelectorAll', 'querySelector',
  'dataset', 'requestSubmit', 'noValidate', 'autocomplete', 'addEventListener', 'dispatchEvent', 'prepend', 'before',
  'remove', 'localName', 'tagName', 'nodeName', 'attributes', 'parentNode', 'ownerDocument', 'children', 'reset',
  'checkValidity', 'reportValidity', 'name', 'encoding', 'acceptCharset', 'textContent', 'appendChild', 'contains'];
const FORM = (id, attrs = '') => `data-module="slice-seal" data-slice-seal-form="${id}" data-slice-seal-kid="${keys.vetting}" ${attrs}`;
const BUTTON = '<button type="submit" class="govuk-button" disabled aria-disabled="true">Send</button>';

test('k: clobbering: controls named after every form property the component reads change nothing (native and fetch; a submit button named submit)', async (s) => {
  for (const mode of ['native', 'fetch']) {
    L.posts.length = 0;
    await gotoReady(s, fixture(`<form id="f1" method="post" action="/sink/clobber" novalidate ${FORM(`clobber-${mode}`, `data-slice-seal-submit="${mode}"`)}>
${CLOBBER.map((n) => `<input type="hidden" name="${n}" value="v-${n}">`).join('')}
<input id="action" name="secret" data-slice-seal class="govuk-input"><input id="method" name="secret2" data-slice-seal class="govuk-input">
<button type="submit" name="submit" value="go" class="govuk-button" disabled aria-disabled="true">Send</button></form>`));
    await s.execute(`document.querySelector('[data-slice-seal-name="secret"]').value = 'clobber secret ü';
      document.querySelector('[data-slice-seal-name="secret2"]').value = 'second';
      document.querySelector('button[type=submit]').click();`);
    const [p] = await waitPosts(1, `${mode}: the send`);
    assertEq([L.posts.length, p.method, p.path, p.type.startsWith('application/x-www-form-urlencoded')], [1, 'POST', '/sink/clobber', true], `${mode}: one urlencoded request with the form's own method and action`);
    const params = new URLSearchParams(p.body);
    for (const n of CLOBBER.filter((x) => x !== 'submit')) assertEq(params.get(n), `v-${n}`, `${mode}: unmarked ${n} sent as is`);
    assertEq(params.getAll('submit'), ['v-submit', 'go'], `${mode}: the hidden "submit" control and the submitter's name/value`);
    assertEq(openAll([params.get('secret'), params.get('secret2')]).map((o) => [o.form, o.field, o.plaintext]), [[`clobber-${mode}`, 'secret', 'clobber secret ü'], [`clobber-${mode}`, 'secret2', 'second']], `${mode}: sealed values`);
    for (const e of encodings('clobber secret ü')) assert(!p.body.includes(e), `${mode}: no plaintext in the body`);
    if (mode === 'fetch') {
      await until(async () => (await rec(s)).events.length, 'the sent event');
      assertEq([(await rec(s)).events.map((e) => e.type), (await rec(s)).errors], [['slice-seal:sent'], []], 'one sent event, no console errors');
    }
  }
});

test('k: marked controls lose their name at once: form.submit(), a listener that stops the submit event, and a clone of the form carry no marked value', async (s) => {
  const url = fixture(`<form id="f1" method="post" action="/sink/native" novalidate ${FORM('paths')}>
<input name="plain" value="visible"><input name="secret" id="secret" data-slice-seal class="govuk-input">
<div data-slice-seal><input type="radio" name="choice" value="a" id="ca"><input type="radio" name="choice" value="b" id="cb"></div>
${BUTTON}</form>
<input id="outside" form="f1" name="outside" data-slice-seal>`);
  await s.goto(url);
  // Names are gone before the wasm loads (the component starts synchronously).
  assertEq(await s.execute('return [...document.querySelectorAll("[data-slice-seal-name]")].map((c) => c.hasAttribute("name"))'), [false, false, false, false], 'no marked control has a name');
  await ready(s);
  // The radios still behave as one group without their name.
  await s.click('#ca');
  await s.click('#cb');
  assertEq(await s.execute('return [ca.checked, cb.checked]'), [false, true], 'one radio checked');
  await s.press('#cb', 'ArrowUp');
  assertEq(await s.execute('return [ca.checked, cb.checked, document.activeElement.id]'), [true, false, 'ca'], 'arrow keys move the choice');
  const leave = async (script, what) => {
    await gotoReady(s, url);
    await s.execute('secret.value = "do not leak"; outside.value = "nor this";');
    await s.execute(script);
    const [p] = await waitPosts(1, what);
    L.posts.length = 0;
    return p.body;
  };
  assertEq(await leave('HTMLFormElement.prototype.submit.call(f1)', 'form.submit()'), 'plain=visible', 'form.submit(): only the unmarked field');
  assertEq(await leave('window.addEventListener("submit", (e) => e.stopImmediatePropagation(), true); f1.requestSubmit()', 'the stopped submit'), 'plain=visible', 'a stopped submit event: only the unmarked field');
  // A clone (a Turbo/pjax snapshot) keeps data-slice-seal-init but no component: the guard blocks it.
  await gotoReady(s, url);
  await s.execute('secret.value = "do not leak"');
  const clone = await s.execute(`const c = f1.cloneNode(true); c.id = 'f2'; document.querySelector('main').append(c);
    const names = [...new FormData(c)].map(([n]) => n); c.querySelector('button').disabled = false; c.requestSubmit();
    return { names, init: c.hasAttribute('data-slice-seal-init') };`);
  assertEq(clone, { names: ['plain'], init: true }, 'the clone holds no marked name');
  await until(() => s.execute('return !!document.querySelector(".govuk-error-summary")'), 'the error summary for the clone');
  assertEq((await rec(s)).events.map((e) => `${e.code}:${e.phase}`), ['NOT_READY:submit'], 'NOT_READY reported for the clone');
  await sleep(300);
  assertEq(L.posts, [], 'the clone sent nothing');
  // The protected send: the form= control outside the form is sealed too, in tree order.
  await gotoReady(s, url);
  await s.execute('secret.value = "sealed inside"; outside.value = "sealed outside"; document.querySelector("button[type=submit]").click()');
  const params = new URLSearchParams((await waitPosts(1, 'the sealed post'))[0].body);
  assertEq([...params.keys()], ['plain', 'secret', 'choice', 'outside', 'slice-seal-submission'], 'fields in tree order (an unanswered radio group sealed too)');
  assertEq(openAll([params.get('secret'), params.get('outside')]).map((o) => o.plaintext), ['sealed inside', 'sealed outside'], 'sealed');
});

test('k: the marked set is the form\'s controls (form= outside it, an outside submit button); a marked control of another form, an unnamed one, a custom element are FORM_CONFIG', async (s) => {
  await gotoReady(s, fixture(`<form id="f1" method="post" action="/sink/owned" novalidate ${FORM('owned')}><input name="inside" data-slice-seal value="in"></form>
<input form="f1" name="outside" data-slice-seal value="out"><input form="f1" name="outside-plain" value="op">
<button form="f1" type="submit" name="via" value="outside-button" class="govuk-button" disabled aria-disabled="true">Send</button>`));
  await s.click('button[form=f1]');
  const params = new URLSearchParams((await waitPosts(1, 'the send'))[0].body);
  assertEq([...params.keys()], ['inside', 'outside', 'outside-plain', 'via', 'slice-seal-submission'], 'tree order, the outside button as submitter');
  assertEq(openAll([params.get('inside'), params.get('outside')]).map((o) => [o.field, o.plaintext]), [['inside', 'in'], ['outside', 'out']], 'the form= control is sealed');
  const head = `<script>customElements.define('x-fancy', class extends HTMLElement { static formAssociated = true;
    constructor() { super(); this.i = this.attachInternals(); this.i.setFormValue('fancy value'); } });</script>`;
  for (const [label, markup, re] of [
    ['another form', '<input name="x" form="f2" data-slice-seal value="other">', /FORM_CONFIG: marked field "x" belongs to another form/],
    ['unnamed', '<input data-slice-seal value="nameless">', /FORM_CONFIG: a marked <input> has no name/],
    ['custom element', '<x-fancy name="fancy" data-slice-seal></x-fancy>', /FORM_CONFIG: marked <x-fancy> "fancy" is a form-associated custom element/],
  ]) {
    L.posts.length = 0;
    await gotoReady(s, fixture(`<form id="f1" method="post" action="/sink/bad" novalidate ${FORM('bad')}>
<input name="secret" id="secret" data-slice-seal>${markup}${BUTTON}</form><form id="f2" method="post" action="/sink/other"></form>`, { head }));
    await s.execute('secret.value = "kept"');
    await s.click('#f1 button');
    await until(() => s.execute('return !!document.querySelector(".govuk-error-summary")'), `${label}: the error summary`);
    const st = await rec(s);
    assert(st.errors.some((e) => re.test(e)), `${label}: console names the problem: ${st.errors.join(' | ')}`);
    assertEq(st.events.filter((e) => e.type === 'slice-seal:error').map((e) => [e.code, e.phase]), [['FORM_CONFIG', 'init'], ['FORM_CONFIG', 'submit']], `${label}: error events at start and at submit`);
    assertEq(await s.execute('return [secret.value, secret.hasAttribute("name")]'), ['kept', false], `${label}: typed value kept, the marked control lost its name anyway`);
    if (label === 'another form') {
      await s.execute('HTMLFormElement.prototype.submit.call(f2)');
      assertEq((await waitPosts(1, 'the other form'))[0].body, '', 'the other form sends no marked value');
    } else {
      await sleep(300);
      assertEq(L.posts, [], `${label}: nothing sent`);
    }
  }
});

test('k: the submitter\'s formaction, formmethod, formenctype, formtarget and formnovalidate are honoured; input type=image', async (s) => {
  const url = fixture(`<form id="f1" method="post" action="/sink/default" ${FORM('submitter')}>
<input name="secret" id="secret" data-slice-seal><input name="needed" id="needed" required>
<button type="submit" id="plain" class="govuk-button" disabled aria-disabled="true">Send</button>
<button type="submit" id="other" formaction="/sink/other" formnovalidate name="b" value="other" disabled>Other</button>
<button type="submit" id="get" formaction="/sink/get" formmethod="get" formnovalidate disabled>Get</button>
<button type="submit" id="multi" formaction="/sink/multi" formenctype="multipart/form-data" formnovalidate disabled>Multipart</button>
<button type="submit" id="framed" formaction="/sink/framed" formtarget="frame1" formnovalidate disabled>Framed</button>
<input type="image" id="img" name="pic" alt="Send as image" formaction="/sink/image" formnovalidate src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" disabled>
</form><iframe name="frame1" title="target frame"></iframe>`);
  await gotoReady(s, url);
  // Interactive validation still runs for the plain button (a required field is empty).
  await s.execute('secret.value = "x"');
  await s.click('#plain');
  await sleep(500);
  assertEq(L.posts, [], 'validation blocks the plain button');
  const send = async (id) => {
    await gotoReady(s, url);
    await s.execute(`secret.value = 'typed for ${id}'`);
    await s.click(`#${id}`);
    const [p] = await waitPosts(1, `the ${id} submit`);
    L.posts.length = 0;
    assert(!p.body.includes(`typed for ${id}`), `${id}: no plaintext`);
    return p;
  };
  let p = await send('other');
  assertEq([p.method, p.path, new URLSearchParams(p.body).get('b')], ['POST', '/sink/other', 'other'], 'formaction + formnovalidate + the submitter\'s value');
  assertEq(openAll([new URLSearchParams(p.body).get('secret')])[0].plaintext, 'typed for other', 'sealed');
  p = await send('get');
  const q = new URLSearchParams(p.body);
  assertEq([p.method, p.path, [...q.keys()], q.get('secret').startsWith('ss1.')], ['GET', '/sink/get', ['secret', 'needed', 'slice-seal-submission'], true], 'formmethod=get carries the envelope');
  p = await send('multi');
  assert(p.type.startsWith('multipart/form-data'), `formenctype multipart: ${p.type}`);
  p = await send('framed');
  assertEq([p.path, await s.url()], ['/sink/framed', url], 'formtarget: sent, the page itself stays');
  await until(() => s.execute('try { return frames.frame1.location.pathname === "/sink/framed"; } catch { return false; }'), 'the frame navigated');
  p = await send('img');
  const ip = new URLSearchParams(p.body);
  assertEq([p.path, ip.has('pic.x'), ip.has('pic.y'), openAll([ip.get('secret')])[0].plaintext], ['/sink/image', true, true, 'typed for img'], 'input type=image sends its coordinates, sealed');
});

test('k: one send per submit: a double click, repeated Enter, and clicks while a fetch is in flight send once', async (s, t) => {
  for (const mode of ['native', 'fetch']) {
    L.posts.length = 0;
    // The send is held 1.5 s, so the page is still there for the extra clicks and keys.
    L.route('POST', /^\/sink\/once$/, slow(1500, answer(200, mode === 'native' ? receivedPage : 'ok')));
    await gotoReady(s, fixture(`<form id="f1" method="post" action="/sink/once" novalidate ${FORM('once', `data-slice-seal-submit="${mode}"`)}>
<input name="secret" id="secret" data-slice-seal>${BUTTON}</form>`));
    await s.execute('secret.value = "once only"; const b = document.querySelector("button[type=submit]"); b.click(); b.click();');
    for (let i = 0; i < 2; i++) await Promise.race([s.press('#secret', 'Enter').catch(() => {}), sleep(3000)]);
    await sleep(2500);
    assertEq(L.posts.length, 1, `${mode}: sent once`);
    assertEq(openAll([new URLSearchParams(L.posts[0].body).get('secret')])[0].plaintext, 'once only', `${mode}: the typed value, not a cleared one`);
    L.routes.length = 0;
  }
});

test('k: every failure is reported the same way (summary, console line, slice-seal:error): wasm unavailable, set-up errors; options in markup or the constructor alike', async (s) => {
  const form = (attrs, field = '<input name="secret" id="secret" data-slice-seal>') => `<form id="f1" method="post" action="/sink/x" novalidate data-module="slice-seal" ${attrs}>${field}${BUTTON}</form>`;
  for (const [label, html, code, setup] of [
    ['wasm unavailable', form(`data-slice-seal-form="e1" data-slice-seal-kid="${keys.vetting}"`), 'WASM_UNAVAILABLE', () => L.route('GET', /\.wasm$/, answer(404, 'not found'))],
    ['unknown submit mode', form(`data-slice-seal-form="e2" data-slice-seal-kid="${keys.vetting}" data-slice-seal-submit="xhr"`), 'FORM_CONFIG'],
    ['bad record', form(`data-slice-seal-form="e3" data-slice-seal-kid="${keys.vetting}" data-slice-seal-record="${'r'.repeat(300)}"`), 'INVALID_CONTEXT'],
    ['control pinned to a key not in the page\'s set', form(`data-slice-seal-form="e4" data-slice-seal-kid="${keys.vetting}"`, `<input name="secret" id="secret" data-slice-seal data-slice-seal-kid="${keys.other}">`), 'KID_MISMATCH'],
  ]) {
    L.reset();
    if (setup) setup();
    await gotoReady(s, fixture(html));
    await until(() => s.enabled('button'), `${label}: the button answers`);
    await s.execute('secret.value = "kept"');
    await s.click('button');
    await until(() => s.execute('return !!document.querySelector(".govuk-error-summary")'), `${label}: the error summary`);
    const st = await rec(s);
    assert(st.errors.some((e) => new RegExp(`^slice-seal: .*${code}: `).test(e)), `${label}: console line: ${st.errors.join(' | ')}`);
    assertEq(st.events.filter((e) => e.type === 'slice-seal:error').map((e) => [e.code, e.phase]), [[code, 'init'], [code, 'submit']], `${label}: events`);
    assertEq(await s.execute('return secret.value'), 'kept', `${label}: kept`);
    assertEq(L.posts, [], `${label}: nothing sent`);
  }
  L.reset();
  // The same options in markup or given to the constructor (form id included) seal alike.
  await gotoReady(s, fixture(`<form id="m" method="post" action="/sink/markup" novalidate ${FORM('opt-form', 'data-slice-seal-submit="fetch" data-slice-seal-record="R-7"')}>
<input name="secret" data-slice-seal value="same"><button type="submit">Send</button></form>
<form id="c" method="post" action="/sink/ctor" novalidate><input name="secret" data-slice-seal value="same"><button type="submit">Send</button></form>`));
  const out = await s.execute(`const [kid] = arguments; const m = window.__formModule; const thrown = [];
    for (const opts of [{ formId: 'opt-form', kid, submit: 'xhr' }, { formId: '', kid }, { formId: 'x', kid, bogus: 1 }, { formId: 'x', kid, onError: 'no' }]) {
      try { new m.SliceSealForm(document.querySelector('#c'), opts); thrown.push('no throw'); } catch (e) { thrown.push(e.name + ':' + e.code); }
    }
    const errs = [];
    const inst = new m.SliceSealForm(document.querySelector('#c'), { formId: 'opt-form', kid, submit: 'fetch', record: 'R-7', onError: (e) => errs.push(e.code) });
    await inst.ready;
    document.querySelector('#m').requestSubmit();
    document.querySelector('#c').requestSubmit();
    return { thrown, errs };`, [keys.vetting]);
  assertEq(out, { thrown: Array(4).fill('SliceSealError:FORM_CONFIG'), errs: [] }, 'bad options are FORM_CONFIG; no errors');
  const metas = openAll((await waitPosts(2, 'both sends')).map((p) => new URLSearchParams(p.body).get('secret')));
  assertEq(metas.map((o) => [o.form, o.field, o.plaintext, /^R-7:[0-9a-f]{32}$/.test(o.submission)]), [['opt-form', 'secret', 'same', true], ['opt-form', 'secret', 'same', true]], 'markup and constructor alike');
});

test('p: a form pinned to a hybrid key (an AKP JWK in the page\'s key set) seals with MLKEM768-X25519; a per-control P-256 pin in the same set seals with P-256', async (s) => {
  const set = JSON.stringify({ keys: [...JSON.parse(keys.jwksJson).keys, keys.hybridJwk] });
  await gotoReady(s, fixture(`<script type="application/jwk-set+json" data-slice-seal-key>${set}</script>
<form id="f1" method="post" action="/sink/hybrid" novalidate data-module="slice-seal" data-slice-seal-form="pq-form" data-slice-seal-kid="${keys.hybrid}">
<input name="secret" data-slice-seal value="${NAME}"><textarea name="classic" data-slice-seal data-slice-seal-kid="${keys.vetting}">${HEALTH}</textarea>
<input name="plain" value="p"><button type="submit">Send</button></form>`, { key: false }));
  assertEq((await rec(s)).errors, [], 'no console errors');
  await s.click('button');
  const [p] = await waitPosts(1, 'the post');
  const params = new URLSearchParams(p.body);
  assertEq([...params.keys()], ['secret', 'classic', 'plain', 'slice-seal-submission'], 'the fields');
  assertEq(params.get('plain'), 'p', 'the unmarked field in clear');
  const suite = (env) => Buffer.from(env.slice(4), 'base64url').readUInt16BE(0);
  assertEq([suite(params.get('secret')), suite(params.get('classic'))], [0x647a, 0x10], 'the hybrid suite for the form\'s pin, P-256 for the control\'s');
  const opened = [...openAll([params.get('secret')], ['--key', join(dataDir, 'hybrid.jwk')]), ...openAll([params.get('classic')])];
  assertEq(opened.map((o) => [o.kid, o.form, o.field, o.plaintext]), [[keys.hybrid, 'pq-form', 'secret', NAME], [keys.vetting, 'pq-form', 'classic', HEALTH]], 'opened with each key');
  for (const e of encodings(NAME)) assert(!p.body.includes(e), 'no plaintext');
});

test('p: hybrid demo: with hybrid post-quantum keys (SUITE=mlkem768-x25519) a step and a document are sealed with MLKEM768-X25519 in the browser and the high side opens every answer and the document', async (s, t) => {
  // The demo's servers on a data dir of hybrid keys (what .ci/demo-server
  // makes with SUITE=mlkem768-x25519), the same assets.
  const dir = makeDataDir({ suite: 'mlkem768-x25519' });
  cpSync(join(dataDir, 'dist'), join(dir, 'dist'), { recursive: true });
  const low = await startServer('server.mjs', ['--data', dir, '--dist', join(dir, 'dist')], 'hybrid low side');
  const high = await startServer('high-side.mjs', ['--data', dir, '--cli', CLI], 'hybrid high side');
  const HL = await startSite(low.url);
  try {
    const vetting = JSON.parse(readFileSync(join(dir, 'keys', 'public.jwks.json'), 'utf8')).keys[0];
    assertEq([vetting.kty, vetting.alg], ['AKP', 'MLKEM768-X25519'], 'the demo key is a hybrid one');
    const ref = (await fetch(`${HL.url}/start`, { method: 'POST', redirect: 'manual' })).headers.get('location').split('/').pop();
    await gotoReady(s, `${HL.url}/apply/${ref}/personal-details`);
    const page = await s.execute(`return { kid: document.querySelector('form[data-module="slice-seal"]').getAttribute('data-slice-seal-kid'),
      keys: JSON.parse(document.querySelector('script[data-slice-seal-key]').textContent).keys.map((k) => [k.kty, k.alg, 'priv' in k]) };`);
    assertEq(page, { kid: vetting.kid, keys: [['AKP', 'MLKEM768-X25519', false], ['AKP', 'MLKEM768-X25519', false]] }, 'the page pins the hybrid key; its key set holds the public AKP keys only');
    await fill(s, INPUT['personal-details']);
    await s.execute('document.querySelector(arguments[0]).click()', [SAVE]);
    await waitUrl(s, `${HL.url}/apply/${ref}`, 'back to the task list');
    const [stored] = readStore(dir).filter((r) => r.applicant === ref);
    assert(stored, 'the step is stored');
    const fields = MARKED['personal-details'];
    assertEq(Object.keys(stored.slices).sort(), Object.keys(fields).sort(), 'every marked field stored sealed');
    for (const [name, env] of Object.entries(stored.slices)) {
      const body = Buffer.from(env.slice(4), 'base64url');
      assertEq([body.readUInt16BE(0), body.subarray(6, 38).toString('base64url')], [0x647a, vetting.kid], `${name}: the hybrid suite, the vetting key`);
    }
    const ans = await fetch(`${high.url}/api/applicant/${ref}`).then((x) => x.json());
    for (const [name, value] of Object.entries(fields)) {
      const v = ans.steps['personal-details'].fields[name];
      assertEq([v.ok, v.value], [true, value], `${name}: opened by the high side`);
    }
    assertEq((await rec(s)).errors, [], 'no console errors');

    // A document (a file field) sealed with the hybrid key: its header is a
    // hybrid slice; the high side lists it and serves the exact bytes.
    const up = join(dir, `upload-${t.engine}`);
    mkdirSync(up, { recursive: true });
    const scan = { name: 'passport – Zoë.png', buffer: randomBytes(70_000) };
    writeFileSync(join(up, scan.name), scan.buffer);
    await gotoReady(s, `${HL.url}/apply/${ref}/identity-documents`);
    await s.upload('#passport-scan', join(up, scan.name));
    await s.execute('document.querySelector(arguments[0]).click()', [SAVE]);
    await waitUrl(s, `${HL.url}/apply/${ref}`, 'back to the task list after the documents', 60_000);
    const docs = readStore(dir).find((r) => r.applicant === ref && r.step === 'identity-documents');
    assert(docs, 'the documents step is stored');
    const sealedFile = readFileSync(join(dir, docs.files['passport-scan'][0].file));
    const header = sealedFile.subarray(6, 6 + sealedFile.readUInt16BE(4)).toString('latin1');
    assertEq([sealedFile.subarray(0, 4).toString('latin1'), Buffer.from(header.slice(4), 'base64url').readUInt16BE(0)], ['ssf1', 0x647a], 'a sealed file whose header is a hybrid slice');
    const [listed] = (await fetch(`${high.url}/api/applicant/${ref}`).then((x) => x.json())).steps['identity-documents'].files['passport-scan'];
    assertEq([listed.ok, listed.name, listed.size], [true, scan.name, scan.buffer.length], 'the high side opens the document');
    const resp = await fetch(`${high.url}${listed.href}`);
    assert(resp.status === 200 && Buffer.from(await resp.arrayBuffer()).equals(scan.buffer), 'served, exactly the original bytes');
  } finally {
    await HL.close();
    await Promise.all([low, high].map(stopServer));
    removeDir(dir);
  }
});

test('m: the README\'s form (www/examples/govuk-form.html, the sliceSealForm macro\'s output) seals and sends', async (s) => {
  L.route('POST', /^\/apply\/personal-details$/, answer(200, '<!doctype html><title>Saved</title>'));
  await gotoReady(s, fixture(EXAMPLE, { key: false, script: false }));
  await fill(s, { text: { 'full-name': NAME, 'dob-day': '27', 'dob-month': '3', 'dob-year': '1985' } });
  assertEq((await rec(s)).errors, [], 'no console errors');
  await clickText(s, 'button', 'Save and continue');
  const [p] = await waitPosts(1, 'the post');
  await waitUrl(s, `${L.url}/apply/personal-details`, 'navigated to the action');
  const params = new URLSearchParams(p.body);
  assertEq([p.method, [...params.keys()]], ['POST', ['full-name', 'dob-day', 'dob-month', 'dob-year', 'slice-seal-submission']], 'the marked fields, as envelopes');
  assertEq(openAll(['full-name', 'dob-day', 'dob-month', 'dob-year'].map((n) => params.get(n)), ['--key', EXAMPLE_KEY]).map((o) => [o.form, o.field, o.plaintext]),
    [['vetting-step-1', 'full-name', NAME], ['vetting-step-1', 'dob-day', '27'], ['vetting-step-1', 'dob-month', '3'], ['vetting-step-1', 'dob-year', '1985']], 'opened with the example key');
  for (const e of encodings(NAME)) assert(!p.body.includes(e), 'no plaintext');
});

test('n: documents: files sealed in the browser (a small one; 1 MiB in chunks over a multiple input) go as binary parts with neutral names; the low side stores the sealed bytes as they came; the high side lists them and serves the exact bytes; a file over the limit and a failed send keep the selection', async (s, t) => {
  const r = await newApplicant();
  const path = `/apply/${r}/identity-documents`;
  const dir = join(dataDir, `upload-${t.engine}`);
  mkdirSync(dir, { recursive: true });
  // The browser takes each file's type from its extension.
  const file = (name, buffer) => {
    writeFileSync(join(dir, name), buffer);
    return { name, path: join(dir, name), buffer };
  };
  const scan = file('passport photo page – Zoë.png', randomBytes(3000));
  const letter = file('employer letter.pdf', randomBytes(1024 * 1024)); // 16 chunks
  const page2 = file('notes.html', Buffer.from('<script>alert(1)</script> my notes'));
  const big = file('too big.png', Buffer.alloc(5 * 1024 * 1024 + 1));
  const selection = (id) => s.execute('return [...document.getElementById(arguments[0]).files].map((f) => [f.name, f.size])', [id]);
  const storedFor = () => readStore(dataDir).filter((x) => x.applicant === r);
  await gotoReady(s, `${L.url}${path}`);
  // GOV.UK file upload markup; the marked inputs have lost their names.
  for (const id of ['passport-scan', 'supporting-documents']) {
    const el = await s.execute(`const x = document.getElementById(arguments[0]); return [x.className, x.hasAttribute('name'), x.getAttribute('data-slice-seal-name'), x.type,
      document.querySelector('label[for="' + x.id + '"]')?.className, x.getAttribute('aria-describedby')]`, [id]);
    assertEq(el, ['govuk-file-upload', false, id, 'file', 'govuk-label govuk-label--m', `${id}-hint`], `${id}: GOV.UK file upload, name removed`);
  }

  // 1. A file over data-slice-seal-max-bytes (5 MiB): the error at the input and in the summary; nothing sealed or sent.
  await s.upload('#passport-scan', big.path);
  await s.execute('document.querySelector(arguments[0]).click()', [SAVE]);
  await until(() => s.execute('return !!document.querySelector(\'.govuk-error-summary a[href="#passport-scan"]\')'), 'the summary link');
  const st = await s.execute(`const a = document.querySelectorAll('.govuk-error-summary a[href="#passport-scan"]');
    return [a.length, a[0].textContent.trim(), document.getElementById('passport-scan-error').textContent.trim(),
      document.querySelectorAll('.govuk-form-group--error #passport-scan.govuk-file-upload--error').length];`);
  assertEq(st, [1, 'The selected file must be smaller than 5MB', 'Error: The selected file must be smaller than 5MB', 1], 'summary links to the input; the error at the input; GOV.UK error style');
  await s.click('.govuk-error-summary a[href="#passport-scan"]');
  assertEq(await s.execute('return document.activeElement?.id'), 'passport-scan', 'the summary link moves to the input');
  assertEq(await selection('passport-scan'), [[big.name, big.buffer.length]], 'the selection stays');
  assert((await rec(s)).errors.some((e) => /FILE_TOO_LARGE/.test(e)), 'console names FILE_TOO_LARGE');
  assertEq(L.posts, [], 'nothing sent');

  // 2. The connection dropped: nothing arrives, the selection stays, the error summary.
  await s.upload('#passport-scan', scan.path);
  await s.upload('#supporting-documents', [letter.path, page2.path]);
  L.route('POST', new RegExp(`^${path}$`), abort());
  await s.execute('document.querySelector(arguments[0]).click()', [SAVE]);
  await until(() => s.execute('return !!document.querySelector(".govuk-error-summary")?.textContent.includes("Try again later")'), 'the error summary');
  assert((await rec(s)).errors.some((e) => /NETWORK_ERROR/.test(e)), 'console names NETWORK_ERROR');
  assertEq(await s.execute('return document.querySelectorAll("#passport-scan-error").length'), 0, 'the size error is gone');
  assertEq([await selection('passport-scan'), await selection('supporting-documents')],
    [[[scan.name, 3000]], [[letter.name, letter.buffer.length], [page2.name, page2.buffer.length]]], 'selections kept');
  assertEq(storedFor(), [], 'nothing stored');
  assertEq((await rec(s)).errors.filter((e) => !/FILE_TOO_LARGE|NETWORK_ERROR/.test(e)), [], 'no other console errors');
  L.routes.length = 0;
  L.posts.length = 0;

  // 3. The send (native mode), with progress shown for the 1 MiB, posted to the test server as it changes.
  await s.execute(`new MutationObserver(() => {
    const st = document.querySelector('[data-slice-seal-progress] [role="status"]');
    const bar = document.querySelector('[data-slice-seal-progress] progress');
    if (st) fetch('/__test/log', { method: 'POST', keepalive: true, body: st.textContent + '|' + (bar?.getAttribute('aria-labelledby') === st.id) });
  }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  document.querySelector(arguments[0]).click();`, [SAVE]);
  await waitUrl(s, `${L.url}/apply/${r}`, 'the task list', 60_000);
  assert(L.log.some((x) => /^Protecting your files before sending: \d+%\|true$/.test(x)), `progress shown, labelled: ${JSON.stringify(L.log.slice(0, 3))}`);
  assertEq(await s.execute('return document.querySelector(\'a[href$="/identity-documents"]\').closest("li").querySelector(".govuk-task-list__status").textContent.trim()'), 'Completed', 'the documents step is completed');

  // What was sent: multipart, one part per file, named after its field, neutral file name and type; nothing in clear.
  const sent = L.posts.filter((p) => p.path === path);
  assertEq(sent.length, 1, 'one send');
  const { raw: body, type } = sent[0];
  assert(/^multipart\/form-data; boundary=/.test(type), `multipart: ${type}`);
  const { parseMultipart } = await import(join(ROOT, 'www', 'lib', 'multipart.mjs'));
  const parts = parseMultipart(body, type);
  assertEq(parts.map((x) => [x.name, x.filename, x.type]), [
    ['passport-scan', 'passport-scan.ssf', 'application/vnd.slice-seal.file'],
    ['supporting-documents', 'supporting-documents-1.ssf', 'application/vnd.slice-seal.file'],
    ['supporting-documents', 'supporting-documents-2.ssf', 'application/vnd.slice-seal.file'],
    ['slice-seal-submission', null, null]], 'the parts');
  // A 32-byte run every 4 KiB of each file and its last 32 bytes: no chunk of any file went in clear.
  const runs = (b) => [...Array.from({ length: Math.ceil(b.length / 4096) }, (_, i) => b.subarray(i * 4096, i * 4096 + 32)), b.subarray(b.length - 32)];
  for (const needle of [...runs(scan.buffer), ...runs(letter.buffer), page2.buffer,
    ...[scan.name, letter.name, page2.name, 'passport photo page', 'employer letter', 'notes.html'].flatMap((n) => encodings(n).map((e) => Buffer.from(e)))]) {
    assertEq(body.indexOf(needle), -1, `no plaintext or original file name in the body: ${needle.toString('utf8', 0, 20)}`);
  }
  for (const p of parts.slice(0, 3)) assertEq(p.data.subarray(0, 4).toString('latin1'), 'ssf1', `${p.filename}: a sealed file`);
  // The low side stored the sealed files byte for byte as they came.
  const stored = storedFor().find((x) => x.step === 'identity-documents');
  assertEq(Object.keys(stored.files), ['passport-scan', 'supporting-documents'], 'files recorded');
  const storedFiles = [...stored.files['passport-scan'], ...stored.files['supporting-documents']];
  storedFiles.forEach((f, i) => assert(readFileSync(join(dataDir, f.file)).equals(parts[i].data), `${f.file} is the part as sent`));
  const storeText = readFileSync(join(dataDir, 'submissions.jsonl'), 'utf8');
  for (const n of [scan.name, letter.name, page2.name]) assert(!storeText.includes(n), 'no original file name in the store');

  // The high side lists them (opened with the package's Node API) and serves the exact bytes, as attachments.
  const files = (await highAnswers(r)).steps['identity-documents'].files;
  const listed = [...files['passport-scan'], ...files['supporting-documents']];
  assertEq(listed.map((v) => [v.ok, v.name, v.type, v.size]), [[true, scan.name, 'image/png', 3000], [true, letter.name, 'application/pdf', 1024 * 1024],
    [true, page2.name, 'text/html', page2.buffer.length]], 'listed on the high side');
  const expect = [[scan, 'image/png', 'passport photo page _ Zo_.png'], [letter, 'application/pdf', 'employer letter.pdf'], [page2, 'application/octet-stream', 'notes.html']];
  for (const [i, v] of listed.entries()) {
    const resp = await fetch(`${H.url}${v.href}`);
    const [orig, mediaType, ascii] = expect[i];
    assert(resp.status === 200 && Buffer.from(await resp.arrayBuffer()).equals(orig.buffer), `${orig.name}: served, exactly the original bytes`);
    assertEq([resp.headers.get('content-type'), resp.headers.get('x-content-type-options'), resp.headers.get('content-disposition')],
      [mediaType, 'nosniff', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(orig.name)}`], `${orig.name}: a safe media type (else octet-stream), nosniff, attachment with a safe name`);
  }
  await s.goto(`${H.url}/applicant/${r}`);
  assertEq(await s.execute('return [...document.querySelectorAll(\'[data-field="supporting-documents"] a.app-document\')].map((a) => a.textContent.trim())'), [letter.name, page2.name], 'the high side page lists the documents');
  if (!t.first) return;

  // Filed under another applicant: every document rejected (record binding), the download refused.
  const storeFile = join(dataDir, 'submissions.jsonl');
  const other = 'e'.repeat(32);
  writeFileSync(storeFile, storeText + JSON.stringify({ ...stored, applicant: other }) + '\n');
  try {
    const mv = Object.values((await highAnswers(other)).steps['identity-documents'].files).flat();
    assertEq(mv.map((v) => [v.ok, v.code, 'name' in v]), Array(3).fill([false, 'CONTEXT_MISMATCH', false]), 'moved documents rejected');
    const resp = await fetch(`${H.url}${mv[1].href}`);
    const text = await resp.text();
    assertEq([resp.status, text.includes('CONTEXT_MISMATCH'), text.includes(letter.name)], [422, true, false], 'a moved document is not served; the refusal says why, without the file');
  } finally {
    writeFileSync(storeFile, storeText);
  }
  // Audited: a line per document opened (sha256 of the sealed file, its stored path; no name).
  const auditLines = readFileSync(join(dataDir, 'audit.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.file);
  for (const f of storedFiles) {
    const sha = createHash('sha256').update(readFileSync(join(dataDir, f.file))).digest('hex');
    assert(auditLines.some((e) => e.file === f.file && e.sha256 === sha && e.result === 'OK' && e.submission === stored.submission), `${f.file} audited`);
  }
  assert(auditLines.some((e) => e.result === 'CONTEXT_MISMATCH'), 'the refusal audited');
  for (const n of [scan.name, letter.name]) assert(!JSON.stringify(auditLines).includes(n), 'no file name in the audit log');
  // A desk without the vetting team's key: "Not for this team", not served.
  const medicalOnly = await startServer('high-side.mjs', ['--data', dataDir, '--cli', CLI, '--audit', join(dataDir, 'medical-only-audit.jsonl'),
    '--key', join(dataDir, 'keys', 'medical.jwk')], 'medical-only desk');
  try {
    const mo = Object.values((await fetch(`${medicalOnly.url}/api/applicant/${r}`).then((x) => x.json())).steps['identity-documents'].files).flat();
    assertEq(mo.map((v) => [v.ok, v.notForTeam, v.code]), Array(3).fill([false, true, 'KEY_NOT_FOUND']), 'not for this team');
    assertEq((await fetch(`${medicalOnly.url}${mo[0].href}`)).status, 403, 'not served to that desk');
  } finally {
    await stopServer(medicalOnly);
  }
  // The low side refuses a file part that is not a sealed file as the component sends it; nothing stored.
  const subId = parts[3].data.toString();
  for (const [what, filename, mediaType, data] of [
    ['a file in clear', 'passport-scan.ssf', 'application/vnd.slice-seal.file', scan.buffer],
    ['the original file name', scan.name, 'application/vnd.slice-seal.file', parts[0].data],
    ['another media type', 'passport-scan.ssf', 'image/png', parts[0].data],
  ]) {
    const fd = new FormData();
    fd.append('passport-scan', new Blob([data], { type: mediaType }), filename);
    fd.append('slice-seal-submission', subId);
    const before = readStore(dataDir).length;
    const resp = await fetch(`${L.url}${path}`, { method: 'POST', body: fd, redirect: 'manual' });
    assertEq([resp.status, readStore(dataDir).length], [400, before], `${what} refused, nothing stored`);
  }
});

test('n: documents changed while sealing: a selection replaced (DataTransfer) while the files are sealed sends nothing (FORM_CHANGED) and keeps the new one; the low side refuses crafted bodies (a text part for a file field, a file part for another field, a repeated part, a cut body), nothing stored', async (s, t) => {
  const r = await newApplicant();
  const path = `/apply/${r}/identity-documents`;
  const dir = join(dataDir, `changed-${t.engine}`);
  mkdirSync(dir, { recursive: true });
  const first = join(dir, 'first.png');
  writeFileSync(first, randomBytes(1024 * 1024)); // over the progress threshold: sealing takes a while
  const storedFor = () => readStore(dataDir).filter((x) => x.applicant === r);
  await gotoReady(s, `${L.url}${path}`);
  await s.upload('#passport-scan', first);
  // When the progress appears (sealing has started), another selection replaces it.
  await s.execute(`const input = document.getElementById('passport-scan');
    new MutationObserver((_, obs) => {
      if (!document.querySelector('[data-slice-seal-progress]')) return;
      obs.disconnect();
      const dt = new DataTransfer();
      dt.items.add(new File(['second choice'], 'second.png', { type: 'image/png' }));
      input.files = dt.files;
    }).observe(document.body, { subtree: true, childList: true });
    document.querySelector(arguments[0]).click();`, [SAVE]);
  await until(() => s.execute('return !!document.querySelector(".govuk-error-summary")'), 'the error summary');
  assert((await rec(s)).errors.some((e) => /FORM_CHANGED/.test(e)), 'console names FORM_CHANGED');
  assertEq(await s.execute('return [...document.getElementById("passport-scan").files].map((f) => [f.name, f.size])'), [['second.png', 13]], 'the new selection stays');
  assertEq([L.posts.filter((x) => x.path === path).length, storedFor()], [0, []], 'nothing sent, nothing stored');
  // Submitted again: the new selection goes.
  await s.execute('document.querySelector(arguments[0]).click()', [SAVE]);
  await waitUrl(s, `${L.url}/apply/${r}`, 'the task list', 60_000);
  const sent = L.posts.filter((x) => x.path === path);
  assertEq(sent.length, 1, 'one send');
  if (!t.first) return;
  const { parseMultipart } = await import(join(ROOT, 'www', 'lib', 'multipart.mjs'));
  const parts = parseMultipart(sent[0].raw, sent[0].type);
  const sealed = parts.find((x) => x.name === 'passport-scan');
  const sub = parts.find((x) => x.name === 'slice-seal-submission').data.toString();
  const crafted = [
    ['a text part named like the file field', (fd) => { fd.append('passport-scan', 'ssf1'); }],
    ['a file part named like the submission field', (fd) => { fd.append('slice-seal-submission', new Blob([sealed.data], { type: sealed.type }), 'passport-scan.ssf'); }],
    ['the file part twice', (fd) => { for (let i = 0; i < 2; i++) fd.append('passport-scan', new Blob([sealed.data], { type: sealed.type }), 'passport-scan.ssf'); }],
  ];
  for (const [what, add] of crafted) {
    const fd = new FormData();
    add(fd);
    const fresh = sub.replace(/.$/, (c) => (c === '0' ? '1' : '0')); // a fresh id: not refused as a replay
    fd.append('slice-seal-submission', fresh);
    const before = readStore(dataDir).length;
    const resp = await fetch(`${L.url}${path}`, { method: 'POST', body: fd, redirect: 'manual' });
    assertEq([resp.status, readStore(dataDir).length, existsSync(join(dataDir, 'files', r, fresh.split(':')[1]))], [400, before, false], `${what}: refused, nothing stored, no file written`);
  }
  const before = readStore(dataDir).length;
  const resp = await fetch(`${L.url}${path}`, { method: 'POST', body: sent[0].raw.subarray(0, sent[0].raw.length - 20), headers: { 'content-type': sent[0].type }, redirect: 'manual' });
  assertEq([resp.status, readStore(dataDir).length], [400, before], 'a cut body: refused, nothing stored');
});

test('n: documents, a redirect to another origin after the send (native mode): the fetch cannot follow it (CORS, CSP connect-src): NETWORK_ERROR although the server got the body; selection kept, the page stays', async (s) => {
  const r = await newApplicant();
  const path = `/apply/${r}/identity-documents`;
  const file = join(dataDir, 'redirect-scan.png');
  writeFileSync(file, randomBytes(2000));
  await gotoReady(s, `${L.url}${path}`);
  await s.upload('#passport-scan', file);
  L.posts.length = 0;
  const reports = L.cspReports.length;
  L.route('POST', new RegExp(`^${path}$`), (req, res) => res.writeHead(303, { location: `${H.url}/` }).end());
  try {
    await s.execute('document.querySelector(arguments[0]).click()', [SAVE]);
    await until(() => s.execute('return !!document.querySelector(".govuk-error-summary")'), 'the error summary');
  } finally {
    L.routes.length = 0;
  }
  assert((await rec(s)).errors.some((e) => /NETWORK_ERROR/.test(e)), 'console names NETWORK_ERROR');
  assertEq(L.posts.filter((x) => x.path === path && x.method === 'POST').length, 1, 'the body reached the server once');
  assertEq([await s.execute('return location.href'), await s.execute('return [...document.getElementById("passport-scan").files].map((f) => f.name)')],
    [`${L.url}${path}`, ['redirect-scan.png']], 'the page and the selection stay');
  // The blocked redirect is a connect-src violation (reported, as the CSP spec
  // says, under the URL before the redirect): expected here, so it is taken
  // out of what test d checks, and nothing else is.
  const seen = (await rec(s)).csp;
  await until(() => L.cspReports.length - reports >= seen.length, 'the page\'s CSP reports posted');
  const added = L.cspReports.splice(reports);
  assert(added.every((v) => v.includes(`connect-src ${L.url}${path} `)),
    `only the blocked redirect of ${path} violated the CSP: ${JSON.stringify(added)}`);
});

// ---------------------------------------------------------------- pages: accessibility, screenshots, CSP
test('e: axe-core finds no accessibility violations (form steps, the documents step and its file error, task list, error summary, refusal, high side)', async (s, t) => {
  const results = [];
  const check = async (label) => {
    // Same-origin script: the pages' CSP allows it.
    const v = await s.execute(`if (!window.axe) await new Promise((ok, bad) => { const e = document.createElement('script'); e.src = '/__test/axe.js'; e.onload = ok; e.onerror = bad; document.head.append(e); });
      const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
      return r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', '));`);
    results.push([label, v]);
  };
  const r = await newApplicant();
  await s.goto(`${L.url}/apply/${r}`);
  await check('task list');
  await s.goto(`${L.url}/`);
  await check('start');
  for (const slug of [...Object.keys(MARKED), 'identity-documents']) {
    await gotoReady(s, `${L.url}/apply/${r}/${slug}`);
    await check(slug);
  }
  // A file over its limit: the GOV.UK file upload error state.
  const big = join(dataDir, 'big.png');
  if (!existsSync(big)) writeFileSync(big, Buffer.alloc(5 * 1024 * 1024 + 1));
  await s.upload('#passport-scan', big);
  await s.execute('document.querySelector(arguments[0]).click()', [SAVE]);
  await until(() => s.execute('return !!document.getElementById("passport-scan-error")'), 'the file error');
  await check('file too large');
  L.route('GET', step1(r), mutate((h) => h.replace(/data-slice-seal-kid="[^"]+"/, `data-slice-seal-kid="${keys.other}"`)));
  await gotoReady(s, `${L.url}/apply/${r}/personal-details`);
  await fill(s, INPUT['personal-details']);
  await s.execute('document.querySelector(arguments[0]).click()', [SAVE]);
  await until(() => s.execute('return !!document.querySelector(".govuk-error-summary")'), 'the error summary');
  await check('error summary');
  // The refusal page: a plain post without sealing.
  await s.execute('const f = document.createElement("form"); f.method = "post"; f.action = arguments[0]; document.body.append(f); f.submit();', [`/apply/${r}/personal-details`]);
  await until(() => s.execute('return document.title.includes("not accepted") || document.body.textContent.includes("Your answers were not accepted")'), 'the refusal page');
  await check('refusal page');
  for (const [label, path] of [['high side list', '/'], ['high side applicant', `/applicant/${t.ref}`], ['high side audit log', '/audit']]) {
    await s.goto(`${H.url}${path}`);
    await check(label);
  }
  const bad = results.filter(([, v]) => v.length);
  assertEq([bad, results.length], [[], 12], 'no axe violations on twelve pages');
});

test('f: screenshots of the task list, a form step, the error summary and the high side', async (s, t) => {
  const r = await newApplicant();
  await s.goto(`${L.url}/apply/${r}`);
  await s.screenshot(artifact(t.engine, 'task-list.png'));
  await gotoReady(s, `${L.url}/apply/${r}/personal-details`);
  await fill(s, INPUT['personal-details']);
  await s.screenshot(artifact(t.engine, 'form-step.png'));
  await s.goto(`${H.url}/applicant/${t.ref}`);
  await s.screenshot(artifact(t.engine, 'high-side.png'));
  for (const f of ['task-list.png', 'form-step.png', 'high-side.png', 'error-summary-pin-mismatch.png']) {
    const file = artifact(t.engine, f);
    assert(existsSync(file) && readFileSync(file).subarray(1, 4).toString() === 'PNG', `${t.engine}/${f} saved`);
  }
});

test('d: every page carries the strict CSP header, and nothing violated it', async (s, t) => {
  if (t.first) {
    for (const u of [`${L.url}/`, `${L.url}/apply/${t.ref}`, `${L.url}/apply/${t.ref}/personal-details`, `${H.url}/`, `${H.url}/applicant/${t.ref}`, `${H.url}/audit`]) {
      const r = await fetch(u);
      assertEq([r.headers.get('content-security-policy'), r.headers.get('x-content-type-options')], [EXPECTED_CSP, 'nosniff'], `CSP and nosniff on ${u}`);
    }
  }
  // Every demo page this engine loaded (the sites saw each response) …
  const docs = [...L.documents, ...H.documents].slice(0);
  assert(docs.length >= 10, `pages observed: ${docs.length}`);
  for (const d of docs) assertEq(d.csp, EXPECTED_CSP, `CSP on ${d.path}`);
  // … and no securitypolicyviolation event on any of them.
  assertEq([...L.cspReports, ...H.cspReports], [], 'no securitypolicyviolation events');
});

// ---------------------------------------------------------------- main
const argv = process.argv.slice(2);
const gi = argv.indexOf('--grep');
const grep = gi >= 0 ? new RegExp(argv.splice(gi, 2)[1]) : null;
const engines = argv.length ? argv : ['chromium', 'firefox', 'webkit'];
const results = new Map(); // case -> engine -> 'ok' | 'FAIL'
const seconds = {}; // engine -> wall time of its cases, browser start included
let failed = 0;

async function main() {
  for (const p of [CLI, join(ROOT, 'www', 'dist', 'assets', 'slice-seal', 'form.js')]) {
    if (!existsSync(p)) throw new Error(`missing ${p} (run tests/run-e2e.sh, which builds everything)`);
  }
  dataDir = makeDataDir();
  const other = JSON.parse(execFileSync(CLI, ['keygen', '--out', join(dataDir, 'other.jwk')]));
  const kidOf = (f) => JSON.parse(readFileSync(join(dataDir, 'keys', f), 'utf8')).keys[0].kid;
  keys = { vetting: kidOf('public.jwks.json'), medical: kidOf('medical-public.jwks.json'), other: other.kid, otherJwk: other };
  // A hybrid post-quantum key (MLKEM768-X25519) for the cases that pin one.
  keys.hybridJwk = JSON.parse(execFileSync(CLI, ['keygen', '--suite', 'mlkem768-x25519', '--out', join(dataDir, 'hybrid.jwk')]));
  keys.hybrid = keys.hybridJwk.kid;
  // A copy of www/dist taken now: the same assets for every engine, even if a build runs meanwhile.
  cpSync(join(ROOT, 'www', 'dist'), join(dataDir, 'dist'), { recursive: true });
  const low = await startServer('server.mjs', ['--data', dataDir, '--dist', join(dataDir, 'dist')], 'low side');
  const high = await startServer('high-side.mjs', ['--data', dataDir, '--cli', CLI], 'high side');
  try {
    L = await startSite(low.url);
    H = await startSite(high.url);
    keys.jwksJson = JSON.stringify(await fetch(`${L.url}/keys/jwks.json`).then((r) => r.json()));
    const selected = cases.filter((c) => !grep || grep.test(c.name));
    if (!selected.length) {
      console.log(`engines: no case matches ${grep}`);
      return;
    }
    for (const [i, engine] of engines.entries()) {
      const t = { engine, first: i === 0 };
      const t0 = Date.now();
      let ran = 0;
      for (const site of [L, H]) { site.documents.length = 0; site.cspReports.length = 0; }
      try {
        t.browser = await launch(engine);
      } catch (e) {
        console.log(`not ok - ${engine}: the browser did not start: ${e.message}`);
        failed++;
        continue;
      }
      let s = await t.browser.newSession();
      for (const c of selected) {
        const t0 = Date.now();
        L.reset();
        H.reset();
        t.note = '';
        if (!results.has(c.name)) results.set(c.name, {});
        try {
          await c.fn(s, t);
          results.get(c.name)[engine] = 'ok';
          console.log(`ok - ${engine}: ${c.name} (${Date.now() - t0} ms)${t.note ? ` [${t.note}]` : ''}`);
        } catch (e) {
          failed++;
          results.get(c.name)[engine] = 'FAIL';
          let page = '';
          try { page = JSON.stringify(await Promise.race([s.execute('return [location.href, window.__rec]'), sleep(5000)])); } catch { /* no page */ }
          console.log(`not ok - ${engine}: ${c.name} (${Date.now() - t0} ms)\n  ${String(e.stack || e).split('\n').join('\n  ')}\n  page: ${page}`);
          await s.close(); // a fresh session for the next case
          s = await t.browser.newSession();
        }
        ran++;
      }
      await s.close();
      await t.browser.close();
      seconds[engine] = Math.round((Date.now() - t0) / 1000);
      if (!ran) {
        console.log(`not ok - ${engine}: no case ran`);
        failed++;
      }
    }
  } finally {
    for (const site of [L, H]) if (site) await site.close();
    await Promise.all([low, high].map(stopServer));
    removeDir(dataDir);
  }
}

try {
  await main();
} catch (e) {
  console.log(`not ok - setup: ${e.stack || e}`);
  failed++;
}
// A case x engine table, then the summary line.
const passed = [...results.values()].reduce((n, r) => n + Object.values(r).filter((v) => v === 'ok').length, 0);
console.log(`\n| case | ${engines.join(' | ')} |\n|---|${engines.map(() => '---').join('|')}|`);
for (const [name, r] of results) console.log(`| ${name.split(':')[0]}: ${name.slice(name.indexOf(':') + 2, name.indexOf(':') + 60)}… | ${engines.map((e) => r[e] ?? '-').join(' | ')} |`);
for (const engine of engines) {
  const n = [...results.values()].filter((r) => r[engine] === 'ok').length;
  console.log(`${engine}: ${n} passed, ${[...results.values()].filter((r) => r[engine] === 'FAIL').length} failed (${seconds[engine] ?? '-'} s)`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
