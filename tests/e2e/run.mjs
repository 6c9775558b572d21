#!/usr/bin/env node
// End-to-end tests of the form integration and the demo service, in headless
// Chromium (playwright-core, /usr/bin/chromium). Starts the low and high side
// servers on free 127.0.0.1 ports with a temp data dir and a fresh key pair.
//
//   node tests/e2e/run.mjs [name-filter]
// Needs: target/release/slice-seal, www/dist (node www/build.mjs), tests/node_modules.
// Prints `N passed, N failed`; exit status 1 if any failed.

import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createRequire } from 'node:module';

import {
  ROOT, CLI, ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, startServer, stopServer, makeDataDir, removeDir,
  readStore, test, assert, assertEq, runAll,
} from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const EXPECTED_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

// ---------------------------------------------------------------- test data
const ADDRESS_LINE = "Flat 3, 12 Rue de l'Été, 75001 Paris — from 2015 to 2017; then 4 Kōenji, Tōkyō 166-0002.\n";
const BIG = ADDRESS_LINE.repeat(Math.ceil(10240 / ADDRESS_LINE.length)).slice(0, 10240);
const NAME = 'Zoë Ōkubo-Łukasiewicz 👩‍💻';
const HEALTH = 'Asthma, well managed – no effect on work ✓';
const MARKED = {
  'personal-details': {
    'full-name': NAME,
    'date-of-birth-day': '27',
    'date-of-birth-month': '3',
    'date-of-birth-year': '1985',
    nationality: 'Japanese',
  },
  'address-history': {
    'previous-addresses': BIG,
    'lived-abroad': '', // left unanswered: sealed as the empty string
  },
  'declarations': {
    'criminal-record': 'no',
    'criminal-record-details': '', // optional, left blank: sealed as ""
    'financial-issues': '["ccj","arrears"]',
    'health-conditions': HEALTH, // sealed to the medical adviser's key
  },
};
// Marked fields sealed to the medical adviser's key (data-slice-seal-kid on the control).
const MEDICAL = new Set(['health-conditions']);
const CLEAR = { 'personal-details': { 'contact-preference': 'email' }, 'address-history': {}, 'declarations': {} };
const FORMS = { 'personal-details': 'vetting-step-1', 'address-history': 'vetting-step-2', 'declarations': 'vetting-step-3' };

// ---------------------------------------------------------------- shared state
let browser;
let dataDir;
let low;
let high;
let otherKid;
let otherJwk;
let vettingKid; // the forms' pinned key
let medicalKid; // the health answer's key
const BOTH_KEYS = () => ['--key', join(dataDir, 'keys', 'private.jwk'), '--key', join(dataDir, 'keys', 'medical.jwk')];
const documents = []; // {url, csp} of every HTML page loaded
const cspViolations = [];
const consoleCsp = [];
let ref; // the applicant of the happy path
const capturedBodies = []; // every non-GET request body of the happy path

async function newContext(options = {}) {
  const ctx = await browser.newContext(options);
  const posts = [];
  const errors = [];
  ctx.on('request', (r) => {
    if (r.method() !== 'GET') posts.push({ url: r.url(), method: r.method(), body: r.postData() ?? '' });
  });
  ctx.on('response', async (r) => {
    if (r.request().resourceType() === 'document') {
      documents.push({ url: r.url(), status: r.status(), csp: (await r.allHeaders())['content-security-policy'] });
    }
  });
  // Route interception sees the body as sent too (and lets tests block things).
  await ctx.route('**/*', async (route) => {
    const req = route.request();
    if (req.method() !== 'GET') posts.push({ url: req.url(), method: req.method(), body: req.postDataBuffer()?.toString('utf8') ?? '', routed: true });
    await route.continue();
  });
  if (options.javaScriptEnabled !== false) {
    await ctx.exposeBinding('__reportCsp', (_src, v) => cspViolations.push(v));
    await ctx.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__reportCsp(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
      });
    });
  }
  ctx.on('page', (p) => {
    p.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
      if (/Content Security Policy|Refused to (load|execute|apply|connect|evaluate)/i.test(m.text())) consoleCsp.push(m.text());
    });
    p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  });
  return { ctx, posts, errors };
}

async function startApplication(page) {
  await page.goto(`${low}/`);
  await Promise.all([page.waitForURL(/\/apply\/[0-9a-f]{32}$/), page.click('button.govuk-button--start')]);
  return page.url().split('/').pop();
}

async function waitProtected(page) {
  await page.waitForSelector('form[data-module="slice-seal"][data-slice-seal-init]', { state: 'attached', timeout: 20_000 });
}

async function fillStep(page, slug) {
  if (slug === 'personal-details') {
    await page.fill('#full-name', NAME);
    await page.fill('#date-of-birth-day', '27');
    await page.fill('#date-of-birth-month', '3');
    await page.fill('#date-of-birth-year', '1985');
    await page.selectOption('#nationality', 'Japanese');
    await page.check('input[name="contact-preference"][value="email"]');
  } else if (slug === 'address-history') {
    await page.fill('#previous-addresses', BIG);
  } else {
    await page.check('input[data-slice-seal-name="criminal-record"][value="no"]');
    await page.check('input[data-slice-seal-name="financial-issues"][value="ccj"]');
    await page.check('input[data-slice-seal-name="financial-issues"][value="arrears"]');
    await page.fill('#health-conditions', HEALTH);
  }
}

/** Values of the marked controls of step 1 as the user sees them. */
async function step1Values(page) {
  return {
    name: await page.inputValue('#full-name'),
    day: await page.inputValue('#date-of-birth-day'),
    month: await page.inputValue('#date-of-birth-month'),
    year: await page.inputValue('#date-of-birth-year'),
    nationality: await page.inputValue('#nationality'),
  };
}
const STEP1_TYPED = { name: NAME, day: '27', month: '3', year: '1985', nationality: 'Japanese' };

function encodings(v) {
  return [v, encodeURIComponent(v), new URLSearchParams({ a: v }).toString().slice(2), JSON.stringify(v).slice(1, -1)];
}

function highAnswers(r) {
  return fetch(`${high}/api/applicant/${r}`).then((x) => x.json());
}

async function expectErrorSummary(page, posts, errors, codeRe) {
  const summary = page.locator('.govuk-error-summary');
  await summary.waitFor({ state: 'visible', timeout: 20_000 });
  assertEq(await summary.count(), 1, 'one error summary');
  const text = await summary.innerText();
  assert(text.includes('Your answers have not been sent'), `summary says not sent: ${text}`);
  assert(text.includes('Try again later'), 'summary says try again later');
  assert(!/[A-Z]{3,}_[A-Z]{3,}|wasm|kid|key|seal/i.test(text), `no jargon in the summary: ${text}`);
  assertEq(await summary.locator('[role="alert"]').count(), 1, 'role=alert in the summary');
  assertEq(await summary.getAttribute('tabindex'), '-1', 'summary tabindex=-1');
  assert(await page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary')), 'summary focused');
  assert((await page.title()).startsWith('Error: '), 'title starts with Error:');
  assertEq(await step1Values(page), STEP1_TYPED, 'typed values stay in the form');
  assertEq(posts.filter((p) => !p.url.endsWith('/start')), [], 'nothing was sent');
  assert(errors.some((e) => codeRe.test(e)), `console.error names the code ${codeRe}: ${JSON.stringify(errors)}`);
}

// ---------------------------------------------------------------- tests
test('a: every step sealed in the browser, nothing marked sent in clear, high side opens each slice exactly', async () => {
  const { ctx, posts, errors } = await newContext();
  const page = await ctx.newPage();
  ref = await startApplication(page);
  assert(await page.locator('.govuk-task-list').isVisible(), 'task list shown');
  assert(!(await page.locator('.app-js-required').isVisible()), 'JS-needed notice hidden when JS is on');

  for (const slug of Object.keys(MARKED)) {
    await page.click(`a.govuk-task-list__link[href$="/${slug}"]`);
    await waitProtected(page);
    // Marked controls have autocomplete=off, and no name (kept in
    // data-slice-seal-name): no native submission can carry them.
    const ac = await page.$$eval('form [data-slice-seal]', (els) => els.flatMap((el) => {
      const cs = el.matches('input,select,textarea') ? [el] : [...el.querySelectorAll('input,select,textarea')];
      return cs.map((c) => [c.getAttribute('data-slice-seal-name'), c.hasAttribute('name'), c.getAttribute('autocomplete')]);
    }));
    assert(ac.length > 0 && ac.every(([n, named, a]) => n && !named && a === 'off'), `marked controls: names moved, autocomplete=off: ${JSON.stringify(ac)}`);
    assertEq(await page.$$eval('form[data-module="slice-seal"]', (fs) => [...new FormData(fs[0])].map(([n]) => n)),
      Object.keys(CLEAR[slug]).filter((n) => n !== 'contact-preference'), 'a native submission of the form carries no marked field');
    // No private key material in the page: the inline JWKS is public only.
    const jwks = JSON.parse(await page.textContent('script[data-slice-seal-key]'));
    assert(jwks.keys.length === 2 && jwks.keys.every((k) => !('d' in k)), 'inline JWKS holds the two readers\' public keys only');
    assertEq(jwks.keys.map((k) => k.kid), [vettingKid, medicalKid], 'the page\'s key set: vetting team, medical adviser');

    await fillStep(page, slug);
    if (slug === 'declarations') {
      // Fetch mode: record the marked values at the moment the answers were accepted.
      await page.evaluate(() => {
        document.addEventListener('slice-seal:sent', () => {
          const f = document.querySelector('form[data-module="slice-seal"]');
          window.__afterSend = [...f.querySelectorAll('input,textarea,select')]
            .filter((c) => c.closest('[data-slice-seal]'))
            .map((c) => (c.type === 'checkbox' || c.type === 'radio' ? c.checked : c.value));
        }, { capture: true });
        window.__stay = new Promise((ok) => document.addEventListener('slice-seal:sent', (e) => {
          e.stopImmediatePropagation();
          ok();
        }, { capture: true, once: true }));
      });
      await page.click('button:has-text("Save and continue")');
      await page.evaluate(() => window.__stay);
      const after = await page.evaluate(() => window.__afterSend);
      assert(after.length === 8 && after.every((v) => v === false || v === ''), `marked inputs cleared after submit: ${JSON.stringify(after)}`);
      await page.goto(`${low}/apply/${ref}`);
    } else {
      await Promise.all([page.waitForURL(`${low}/apply/${ref}`), page.click('button:has-text("Save and continue")')]);
    }
  }
  const statuses = await page.$$eval('.govuk-task-list__status', (els) => els.map((e) => e.textContent.trim()));
  assertEq(statuses, ['Completed', 'Completed', 'Completed', 'Not yet started'], 'task list shows every section of the test completed (documents: test n)');

  // Every request body: marked fields are envelopes for the right form/field;
  // no marked value appears in any encoding.
  const bodies = posts.filter((p) => !p.url.endsWith('/start'));
  assertEq(bodies.filter((p) => !p.routed).length, 3, 'three submissions observed');
  capturedBodies.push(...bodies);
  for (const p of bodies) {
    const params = new URLSearchParams(p.body);
    const slug = Object.keys(MARKED).find((s) => p.url.endsWith(`/${s}`));
    assert(slug, `post to a step: ${p.url}`);
    const sub = params.get('slice-seal-submission');
    assert(new RegExp(`^${ref}:[0-9a-f]{32}$`).test(sub), `submission id is the applicant reference (record), ':' and 128-bit hex: ${sub}`);
    for (const [name, value] of Object.entries(MARKED[slug])) {
      const env = params.get(name);
      assert(env && env.startsWith('ss1.'), `${name} sent as an envelope`);
      const meta = JSON.parse(execFileSync(CLI, ['open', ...BOTH_KEYS(), '--json'], { input: env + '\n' }));
      assertEq([meta.form, meta.field, meta.submission], [FORMS[slug], name, sub], `${name} sealed to its form/field/submission`);
      assertEq(meta.kid, MEDICAL.has(name) ? medicalKid : vettingKid, `${name} sealed to its reader's key`);
      assertEq(meta.plaintext, value, `${name} opens to what was typed`);
      for (const [n2, v2] of params) if (n2 !== name) assert(v2 !== value || value === '' || n2 in CLEAR[slug], `${name}'s value not sent under ${n2}`);
    }
    assertEq([...params.keys()].sort(), [...Object.keys(MARKED[slug]), ...Object.keys(CLEAR[slug]), 'slice-seal-submission'].sort(), 'only the expected fields are sent');
    for (const [name, value] of Object.entries(CLEAR[slug])) assertEq(params.get(name), value, `unmarked ${name} passes in clear`);
    const distinctive = [NAME, 'Japanese', BIG, BIG.slice(100, 164), ADDRESS_LINE.trim(), 'Ōkubo', '👩‍💻', 'arrears', HEALTH];
    for (const v of distinctive) for (const e of encodings(v)) assert(!p.body.includes(e), `${JSON.stringify(v.slice(0, 20))} not in a request body`);
  }
  // The low side stored envelopes only.
  const store = readFileSync(join(dataDir, 'submissions.jsonl'), 'utf8');
  for (const v of [NAME, 'Japanese', ADDRESS_LINE.trim(), 'Ōkubo']) for (const e of encodings(v)) assert(!store.includes(e), 'no plaintext in the store');

  // The high side (the vetting team's keyring) opens every slice to the
  // exact value; the medical adviser's slice is "not for this team".
  const ans = await highAnswers(ref);
  for (const [slug, fields] of Object.entries(MARKED)) {
    for (const [name, value] of Object.entries(fields)) {
      const v = ans.steps[slug].fields[name];
      if (MEDICAL.has(name)) {
        assertEq([v.ok, v.notForTeam, v.code, 'value' in v], [false, true, 'KEY_NOT_FOUND', false], `${slug}/${name} not for the vetting team`);
        continue;
      }
      assert(v && v.ok, `${slug}/${name} opened: ${JSON.stringify(v)}`);
      assertEq(v.value, value, `${slug}/${name} value`);
    }
    assertEq(ans.steps[slug].clear, CLEAR[slug], `${slug} clear fields`);
  }
  {
    const { ctx: hctx } = await newContext();
    const hp = await hctx.newPage();
    const resp = await hp.goto(`${high}/applicant/${ref}`);
    assertEq(resp.status(), 200, 'the vetting team\'s page is not an error page');
    assertEq(await hp.locator('[data-field="health-conditions"] .app-not-for-team').innerText(), 'Not for this team', 'shown as not for this team');
    assert(!(await hp.content()).includes('Asthma'), 'no health answer on the vetting team\'s page');
    await hctx.close();
  }
  // A high side holding both keys (the medical adviser's desk) opens it.
  const medicalDesk = await startServer('high-side.mjs', ['--data', dataDir, '--cli', CLI, '--audit', join(dataDir, 'medical-audit.jsonl'),
    '--key', join(dataDir, 'keys', 'private.jwk'), '--key', join(dataDir, 'keys', 'medical.jwk')], 'medical desk');
  try {
    const both = await fetch(`${medicalDesk.url}/api/applicant/${ref}`).then((x) => x.json());
    assertEq([both.steps.declarations.fields['health-conditions'].ok, both.steps.declarations.fields['health-conditions'].value], [true, HEALTH], 'the medical adviser opens the health answer');
    assertEq(both.steps['personal-details'].fields['full-name'].value, NAME, 'and the rest');
  } finally {
    await stopServer(medicalDesk);
  }

  // Nothing sensitive left on the device.
  const storage = await page.evaluate(async () => ({
    local: localStorage.length,
    session: sessionStorage.length,
    idb: (await indexedDB.databases()).length,
    cookie: document.cookie,
  }));
  assertEq(storage, { local: 0, session: 0, idb: 0, cookie: '' }, 'no web storage, IndexedDB or cookies');
  assertEq(await ctx.cookies(), [], 'no cookies in the browser context');
  assertEq(errors, [], 'no console errors');
  await ctx.close();
});

test('b: swapped, moved and tampered slices are rejected by the high side; the low side refuses a crafted replay', async () => {
  assert(ref, 'needs test a');
  const file = join(dataDir, 'submissions.jsonl');
  const original = readFileSync(file, 'utf8');
  const recs = readStore(dataDir);
  const s1 = recs.find((r) => r.applicant === ref && r.step === 'personal-details');
  const s2 = recs.find((r) => r.applicant === ref && r.step === 'address-history');
  const s3 = recs.find((r) => r.applicant === ref && r.step === 'declarations');
  // Swap two fields within a step, and two fields across steps; flip a ciphertext byte.
  [s1.slices['full-name'], s1.slices.nationality] = [s1.slices.nationality, s1.slices['full-name']];
  [s2.slices['previous-addresses'], s3.slices['criminal-record-details']] = [s3.slices['criminal-record-details'], s2.slices['previous-addresses']];
  const env = s3.slices['criminal-record'];
  const body = Buffer.from(env.slice(4), 'base64url');
  body[body.length - 1] ^= 1; // the GCM tag
  s3.slices['criminal-record'] = 'ss1.' + body.toString('base64url');
  writeFileSync(file, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');

  const ans = await highAnswers(ref);
  const f = (slug, name) => ans.steps[slug].fields[name];
  for (const [slug, name] of [['personal-details', 'full-name'], ['personal-details', 'nationality'], ['address-history', 'previous-addresses'], ['declarations', 'criminal-record-details']]) {
    assertEq([f(slug, name).ok, f(slug, name).code], [false, 'CONTEXT_MISMATCH'], `${slug}/${name} rejected as moved`);
    assert(!('value' in f(slug, name)), 'a rejected slice shows no value');
  }
  assertEq([f('declarations', 'criminal-record').ok, f('declarations', 'criminal-record').code], [false, 'DECRYPT_FAILED'], 'tampered slice rejected');
  assertEq(f('personal-details', 'date-of-birth-year'), { ok: true, value: '1985', kid: f('personal-details', 'date-of-birth-year').kid, envelopeBytes: f('personal-details', 'date-of-birth-year').envelopeBytes }, 'untouched slices still open');
  // The page shows them as rejected.
  const { ctx } = await newContext();
  const page = await ctx.newPage();
  await page.goto(`${high}/applicant/${ref}`);
  assertEq(await page.locator('.govuk-summary-list__value .govuk-tag--red').count(), 5, 'five rejected slices on the high side page');
  assert(!(await page.content()).includes('Ōkubo'), 'the moved name is not shown');
  await page.screenshot({ path: join(ARTIFACTS, 'high-side-rejected.png'), fullPage: true });
  await ctx.close();
  writeFileSync(file, original);

  // A crafted request replaying a step-2 envelope as a step-1 answer is refused and not stored.
  const p1 = new URLSearchParams(capturedBodies.find((p) => p.url.endsWith('/personal-details')).body);
  const p2 = new URLSearchParams(capturedBodies.find((p) => p.url.endsWith('/address-history')).body);
  p1.set('full-name', p2.get('previous-addresses'));
  const before = readStore(dataDir).length;
  const r = await fetch(`${low}/apply/${ref}/personal-details`, { method: 'POST', body: p1, redirect: 'manual' });
  assertEq(r.status, 400, 'crafted replay refused');
  // A plaintext value for a marked field is refused too.
  p1.set('full-name', 'Plain Text');
  const r2 = await fetch(`${low}/apply/${ref}/personal-details`, { method: 'POST', body: p1, redirect: 'manual' });
  assertEq(r2.status, 400, 'plaintext refused');
  assertEq(readStore(dataDir).length, before, 'nothing stored');
});

test('l: record binding: a step moved to another applicant is rejected by the high side; the low side refuses answers sealed for another application', async () => {
  assert(ref, 'needs test a');
  const file = join(dataDir, 'submissions.jsonl');
  const original = readFileSync(file, 'utf8');
  const s1 = readStore(dataDir).find((r) => r.applicant === ref && r.step === 'personal-details');
  const other = 'f'.repeat(32);
  // The whole step, consistent in itself (form, fields, submission), filed under another applicant.
  writeFileSync(file, original + JSON.stringify({ ...s1, applicant: other }) + '\n');
  try {
    const ans = await highAnswers(other);
    const fields = ans.steps['personal-details'].fields;
    assertEq(Object.keys(fields).sort(), Object.keys(MARKED['personal-details']).sort(), 'every slice of the step checked');
    for (const [name, v] of Object.entries(fields)) {
      assertEq([v.ok, v.code], [false, 'CONTEXT_MISMATCH'], `${name} rejected under another applicant`);
      assert(v.reason.includes(ref) && v.reason.includes(other), `${name}: the reason names both records: ${v.reason}`);
      assert(!('value' in v), 'no value shown');
    }
    const { ctx } = await newContext();
    const page = await ctx.newPage();
    await page.goto(`${high}/applicant/${other}`);
    assertEq(await page.locator('[data-step="personal-details"] .govuk-tag--red').count(), 5, 'five rejected slices shown');
    assert(!(await page.content()).includes('Ōkubo'), 'the moved name is not shown');
    await ctx.close();
    // Still opens under its own applicant.
    assert(Object.values((await highAnswers(ref)).steps['personal-details'].fields).every((v) => v.ok), 'still fine under its own applicant');
  } finally {
    writeFileSync(file, original);
  }
  // The low side refuses a step sealed for one application posted to another.
  const body = capturedBodies.find((p) => p.url.endsWith('/personal-details')).body;
  const r2 = await (await fetch(`${low}/start`, { method: 'POST', redirect: 'manual' })).headers.get('location').split('/').pop();
  const before = readStore(dataDir).length;
  const resp = await fetch(`${low}/apply/${r2}/personal-details`, { method: 'POST', body: new URLSearchParams(body), redirect: 'manual' });
  assertEq(resp.status, 400, 'answers sealed for another application refused');
  assertEq(readStore(dataDir).length, before, 'nothing stored');
});

async function failClosed(name, setup, codeRe, submit = (page) => page.click('button:has-text("Save and continue")')) {
  const { ctx, posts, errors } = await newContext();
  const page = await ctx.newPage();
  const r = await startApplication(page);
  await setup(page, r);
  await page.goto(`${low}/apply/${r}/personal-details`);
  await fillStep(page, 'personal-details');
  await submit(page);
  await expectErrorSummary(page, posts, errors, codeRe);
  await page.screenshot({ path: join(ARTIFACTS, `error-summary-${name}.png`), fullPage: true });
  await ctx.close();
  assertEq(readStore(dataDir).filter((x) => x.applicant === r), [], 'nothing stored');
}

function mutateStepPage(mutate) {
  return async (page, r) => {
    await page.route(`**/apply/${r}/personal-details`, async (route) => {
      if (route.request().method() !== 'GET') return route.fallback();
      const resp = await route.fetch();
      const html = await resp.text();
      const changed = mutate(html);
      assert(changed !== html, 'page mutated');
      await route.fulfill({ response: resp, body: changed });
    });
  };
}

test('c: a corrupt inline JWKS fails closed (INVALID_KEY)', () =>
  failClosed('bad-key', mutateStepPage((h) => h.replace(/"x":"[A-Za-z0-9_-]{8}/, '"x":"AAAAAAAA')), /INVALID_KEY/));

test('c: a pin mismatch fails closed (KID_MISMATCH)', () =>
  failClosed('pin-mismatch', mutateStepPage((h) => h.replace(/data-slice-seal-kid="[^"]+"/, `data-slice-seal-kid="${otherKid}"`)), /KID_MISMATCH/));

test('c: a missing pin fails closed', () =>
  failClosed('no-pin', mutateStepPage((h) => h.replace(/ data-slice-seal-kid="[^"]+"/, '')), /FORM_CONFIG/));

test('c: the wasm blocked fails closed (WASM_UNAVAILABLE)', () =>
  failClosed('wasm-blocked', async (page) => {
    await page.route('**/*.wasm', (route) => route.abort());
    page.on('console', () => {});
  }, /WASM_UNAVAILABLE/));

test('c: a submit before the wasm has loaded is blocked', () =>
  failClosed('wasm-loading', async (page) => {
    // Hold the .wasm back until after the submit.
    await page.route('**/*.wasm', async (route) => {
      await new Promise((ok) => setTimeout(ok, 8000));
      await route.continue().catch(() => {});
    });
  }, /NOT_READY/, async (page) => {
    // While loading the button is still disabled: a click or Enter does nothing…
    assert(await page.locator('button:has-text("Save and continue")').isDisabled(), 'disabled while loading');
    await page.focus('#full-name');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(500);
    assertEq(await page.locator('.govuk-error-summary').count(), 0, 'Enter did nothing');
    // …and a scripted submit is stopped, and reported as any failure is
    // (summary, console, and a slice-seal:error event).
    const code = await page.evaluate(() => {
      const f = document.querySelector('form[data-module="slice-seal"]');
      let got = null;
      f.addEventListener('slice-seal:error', (e) => { got = `${e.detail.code}:${e.detail.phase}`; });
      f.requestSubmit();
      return new Promise((ok) => setTimeout(() => ok(got), 300));
    });
    assertEq(code, 'NOT_READY:submit', 'slice-seal:error dispatched while loading');
  }));

test('i: the form seals with encapsulations prepared at idle through WebCrypto (key pair + ECDH per field before the submit, no WebCrypto call at submit); without crypto.subtle it seals in wasm', async () => {
  const slug = 'declarations'; // fetch mode: the page stays, so its counters can be read
  for (const subtle of [true, false]) {
    const { ctx, errors } = await newContext();
    await ctx.addInitScript((keep) => {
      window.__wc = { generateKey: 0, deriveBits: 0, importKey: 0, exportKey: 0 };
      window.__prepared = 0;
      document.addEventListener('slice-seal:prepared', (e) => { window.__prepared = e.detail.prepared; }, true);
      // WebCrypto calls up to the moment the sealed body is handed to fetch
      // (after that, idle time replaces the used encapsulations).
      const fetch0 = window.fetch;
      window.fetch = function (url, init) {
        if (init && init.method === 'POST' && !window.__atFetch) window.__atFetch = { ...window.__wc };
        return fetch0.call(this, url, init);
      };
      window.__sent = new Promise((ok) => document.addEventListener('slice-seal:sent', (e) => {
        e.stopImmediatePropagation(); // stay on the page
        ok(window.__atFetch);
      }, { capture: true, once: true }));
      if (!keep) {
        Object.defineProperty(crypto, 'subtle', { value: undefined, configurable: true });
        return;
      }
      if (!crypto.subtle) return; // e.g. the initial about:blank
      for (const n of Object.keys(window.__wc)) {
        const orig = crypto.subtle[n];
        crypto.subtle[n] = function (...a) { window.__wc[n] += 1; return orig.apply(this, a); };
      }
    }, subtle);
    const page = await ctx.newPage();
    const r = await startApplication(page);
    await page.goto(`${low}/apply/${r}/${slug}`);
    await waitProtected(page);
    const names = Object.keys(MARKED[slug]).length;
    await page.waitForFunction((n) => window.__prepared >= n, names, { timeout: 20_000 });
    const before = await page.evaluate(() => ({ ...window.__wc }));
    await fillStep(page, slug);
    await page.click('button:has-text("Save and continue")');
    const after = await page.evaluate(() => window.__sent);
    if (subtle) {
      assert(before.generateKey >= names, `key pairs generated at idle: ${JSON.stringify(before)}`);
      assertEq(before.deriveBits, before.generateKey, 'one ECDH per prepared key pair, at idle');
      assertEq(after, before, 'no WebCrypto call at submit');
    } else {
      assertEq(after, { generateKey: 0, deriveBits: 0, importKey: 0, exportKey: 0 }, 'no WebCrypto use without crypto.subtle');
    }
    const ans = await highAnswers(r);
    for (const [name, value] of Object.entries(MARKED[slug])) {
      const v = ans.steps[slug].fields[name];
      if (MEDICAL.has(name)) {
        assertEq(v.notForTeam, true, `${name} not for the vetting team (subtle ${subtle})`);
        const meta = openAll([readStore(dataDir).find((x) => x.applicant === r && x.step === slug).slices[name]])[0];
        assertEq(meta.plaintext, value, `${name} value (subtle ${subtle})`);
        continue;
      }
      assert(v && v.ok, `${name} opened (subtle ${subtle}): ${JSON.stringify(v)}`);
      assertEq(v.value, value, `${name} value (subtle ${subtle})`);
    }
    assertEq(errors, [], 'no console errors');
    await ctx.close();
  }
});

test('c: sealing that throws (no secure random numbers) fails closed', async () => {
  const { ctx, posts, errors } = await newContext();
  const page = await ctx.newPage();
  const r = await startApplication(page);
  await page.goto(`${low}/apply/${r}/personal-details`);
  await waitProtected(page);
  await fillStep(page, 'personal-details');
  await page.evaluate(() => {
    Object.defineProperty(crypto, 'getRandomValues', { value: () => { throw new Error('blocked for the test'); } });
  });
  await page.click('button:has-text("Save and continue")');
  await expectErrorSummary(page, posts, errors, /RANDOM_FAILED/);
  await ctx.close();
});

test('c: a failed send (fetch mode, network down) keeps the answers and shows the error summary', async () => {
  const { ctx, errors } = await newContext();
  const page = await ctx.newPage();
  const r = await startApplication(page);
  await page.route(`**/apply/${r}/declarations`, (route) => (route.request().method() === 'POST' ? route.abort() : route.fallback()));
  await page.goto(`${low}/apply/${r}/declarations`);
  await waitProtected(page);
  await fillStep(page, 'declarations');
  await page.click('button:has-text("Save and continue")');
  await page.locator('.govuk-error-summary').waitFor({ state: 'visible', timeout: 20_000 });
  assert(await page.isChecked('input[data-slice-seal-name="criminal-record"][value="no"]'), 'radio kept');
  assert(await page.isChecked('input[data-slice-seal-name="financial-issues"][value="ccj"]'), 'checkbox kept');
  assert(errors.some((e) => /NETWORK_ERROR/.test(e)), 'console names NETWORK_ERROR');
  assertEq(readStore(dataDir).filter((x) => x.applicant === r), [], 'nothing stored');
  await ctx.close();
});

test('c: JavaScript off: the page says JavaScript is needed; nothing can be sent; a crafted plaintext post is refused', async () => {
  const { ctx, posts } = await newContext({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  const r = await startApplication(page);
  await page.goto(`${low}/apply/${r}/personal-details`);
  assert(await page.locator('.app-js-required').isVisible(), 'JS-needed notice visible');
  assert((await page.locator('.app-js-required').innerText()).includes('You need JavaScript turned on to use this service'), 'notice text');
  await page.screenshot({ path: join(ARTIFACTS, 'js-disabled-step.png'), fullPage: true });
  const button = page.locator('button:has-text("Save and continue")');
  assert(await button.isDisabled(), 'submit button disabled without JavaScript');
  assertEq(await button.getAttribute('aria-disabled'), 'true', 'aria-disabled="true"');
  await fillStep(page, 'personal-details');
  const before = posts.length;
  // A click on the disabled button (forced past Playwright's actionability check) does nothing.
  await button.click({ force: true, timeout: 5000 });
  // Implicit submission: Enter in a marked text field does nothing when the default button is disabled.
  await page.focus('#full-name');
  await page.keyboard.press('Enter');
  await page.focus('#date-of-birth-year');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(1500);
  assertEq(posts.slice(before), [], 'no request sent');
  assertEq(page.url(), `${low}/apply/${r}/personal-details`, 'still on the step');
  assertEq(await page.inputValue('#full-name'), NAME, 'typed value kept');
  assertEq(readStore(dataDir).filter((x) => x.applicant === r), [], 'nothing stored');

  // Defence in depth: a crafted plaintext post (as an old page or a script could send) is refused.
  const body = new URLSearchParams({
    'full-name': NAME, 'date-of-birth-day': '27', 'date-of-birth-month': '3', 'date-of-birth-year': '1985',
    nationality: 'Japanese', 'contact-preference': 'email',
  });
  const resp = await fetch(`${low}/apply/${r}/personal-details`, { method: 'POST', body, redirect: 'manual' });
  assertEq(resp.status, 400, 'server refuses plaintext');
  const text = await resp.text();
  assert(text.includes('You need JavaScript turned on to use this service'), 'refusal page says JS needed');
  assert(text.includes('Your answers have not been saved'), 'refusal page says nothing saved');
  assertEq(readStore(dataDir).filter((x) => x.applicant === r), [], 'nothing stored');
  await ctx.close();
});

test('c: with JavaScript the submit button is enabled once the form is protected and its key checked', async () => {
  const { ctx } = await newContext();
  const page = await ctx.newPage();
  const r = await startApplication(page);
  await page.goto(`${low}/apply/${r}/personal-details`);
  await waitProtected(page);
  const button = page.locator('button:has-text("Save and continue")');
  await page.waitForFunction(() => !document.querySelector('form[data-module="slice-seal"] button[type=submit]').disabled, null, { timeout: 20_000 });
  assertEq(await button.getAttribute('aria-disabled'), null, 'aria-disabled removed');
  await ctx.close();
});

test('g: marked inputs are cleared on a back/forward-cache pageshow and not restored on back', async () => {
  const { ctx } = await newContext();
  const page = await ctx.newPage();
  const r = await startApplication(page);
  await page.goto(`${low}/apply/${r}/personal-details`);
  await waitProtected(page);
  await fillStep(page, 'personal-details');
  await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true })));
  assertEq(await step1Values(page), { name: '', day: '', month: '', year: '', nationality: '' }, 'cleared on persisted pageshow');
  assert(await page.isChecked('input[name="contact-preference"][value="email"]'), 'unmarked answer kept');
  await fillStep(page, 'personal-details');
  await Promise.all([page.waitForURL(`${low}/apply/${r}`), page.click('a:has-text("Cancel")')]);
  await page.goBack();
  await waitProtected(page);
  assertEq(await step1Values(page), { name: '', day: '', month: '', year: '', nationality: '' }, 'not restored on back');
  await ctx.close();
});

test('d: every page carries the strict CSP header, and nothing violated it', async () => {
  for (const u of [`${low}/`, `${low}/apply/${ref}`, `${low}/apply/${ref}/personal-details`, `${high}/`, `${high}/applicant/${ref}`, `${high}/audit`]) {
    const r = await fetch(u);
    assertEq(r.headers.get('content-security-policy'), EXPECTED_CSP, `CSP on ${u}`);
    assertEq(r.headers.get('x-content-type-options'), 'nosniff', `nosniff on ${u}`);
  }
  assert(documents.length >= 10, `pages observed: ${documents.length}`);
  for (const d of documents) assertEq(d.csp, EXPECTED_CSP, `CSP on ${d.url}`);
  assertEq(cspViolations, [], 'no securitypolicyviolation events');
  assertEq(consoleCsp, [], 'no CSP console messages');
});

test('e: axe-core finds no accessibility violations (form steps, the documents step and its file error, task list, error summary, refusal, high side)', async () => {
  // bypassCSP only here, so axe can be injected.
  const { ctx } = await newContext({ bypassCSP: true });
  const page = await ctx.newPage();
  const results = [];
  async function check(label) {
    await page.addScriptTag({ path: AXE });
    const r = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    }));
    results.push([label, r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)]);
  }
  const r = await startApplication(page);
  await check('task list');
  await page.goto(`${low}/`);
  await check('start');
  for (const slug of [...Object.keys(MARKED), 'identity-documents']) {
    await page.goto(`${low}/apply/${r}/${slug}`);
    await waitProtected(page);
    await check(slug);
  }
  // A file over its limit: the GOV.UK file upload error state.
  await page.setInputFiles('#passport-scan', { name: 'big.png', mimeType: 'image/png', buffer: Buffer.alloc(5 * 1024 * 1024 + 1) });
  await page.click('button:has-text("Save and continue")');
  await page.locator('#passport-scan-error').waitFor({ timeout: 20_000 });
  await check('file too large');
  await page.route(`**/apply/${r}/personal-details`, async (route) => {
    if (route.request().method() !== 'GET') return route.fallback();
    const resp = await route.fetch();
    await route.fulfill({ response: resp, body: (await resp.text()).replace(/data-slice-seal-kid="[^"]+"/, `data-slice-seal-kid="${otherKid}"`) });
  });
  await page.goto(`${low}/apply/${r}/personal-details`);
  await waitProtected(page);
  await fillStep(page, 'personal-details');
  await page.click('button:has-text("Save and continue")');
  await page.locator('.govuk-error-summary').waitFor();
  await check('error summary');
  // The refusal page: a plain post without sealing.
  await page.evaluate((action) => {
    const f = document.createElement('form');
    f.method = 'post';
    f.action = action;
    document.body.append(f);
    f.submit();
  }, `${low}/apply/${r}/personal-details`);
  await page.waitForSelector('text=Your answers were not accepted');
  await check('refusal page');
  await page.goto(`${high}/`);
  await check('high side list');
  await page.goto(`${high}/applicant/${ref}`);
  await check('high side applicant');
  await page.goto(`${high}/audit`);
  await check('high side audit log');
  await ctx.close();
  const bad = results.filter(([, v]) => v.length);
  if (bad.length) console.log(JSON.stringify(bad, null, 1));
  assertEq(bad, [], 'no axe violations');
  assertEq(results.length, 12, 'twelve pages checked');
});

test('f: screenshots of a form step, the error summary and the high side', async () => {
  const { ctx } = await newContext({ viewport: { width: 1024, height: 900 } });
  const page = await ctx.newPage();
  const r = await startApplication(page);
  await page.screenshot({ path: join(ARTIFACTS, 'task-list.png'), fullPage: true });
  await page.goto(`${low}/apply/${r}/personal-details`);
  await waitProtected(page);
  await fillStep(page, 'personal-details');
  await page.screenshot({ path: join(ARTIFACTS, 'form-step.png'), fullPage: true });
  await page.route('**/*.wasm', (route) => route.abort());
  await page.goto(`${high}/applicant/${ref}`);
  await page.screenshot({ path: join(ARTIFACTS, 'high-side.png'), fullPage: true });
  for (const f of ['task-list.png', 'form-step.png', 'high-side.png', 'error-summary-pin-mismatch.png']) {
    assert(existsSync(join(ARTIFACTS, f)), `${f} saved`);
  }
  await ctx.close();
});

test('h: protectForm options (jwksUrl, kid, onSealed, fetch, select multiple); a lying kid member and bad arguments fail', async () => {
  const { ctx, posts } = await newContext();
  const page = await ctx.newPage();
  const r = await startApplication(page);
  await page.goto(`${low}/apply/${r}/personal-details`);
  await waitProtected(page);
  await page.route('**/api-test', (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'ok' }));
  const kid = await page.getAttribute('form[data-module="slice-seal"]', 'data-slice-seal-kid');
  const realJwk = JSON.parse(await page.textContent('script[data-slice-seal-key]')).keys[0];
  const out = await page.evaluate(async ({ kid, realJwk, otherJwk }) => {
    const api = await (await import('/assets/slice-seal/form.js')).ready;
    const bad = [];
    for (const arg of [null, 42, document.body]) {
      try {
        api.protectForm(arg);
        bad.push('no throw');
      } catch (e) {
        bad.push(`${e.name}:${e.code}`);
      }
    }
    const make = (id) => {
      const f = document.createElement('form');
      f.action = '/api-test';
      f.method = 'post';
      f.dataset.sliceSealForm = id;
      f.innerHTML = '<input name="secret" data-slice-seal value="tölle Geheimnis">' +
        '<input name="plain" value="visible">' +
        '<select name="multi" multiple data-slice-seal><option value="a" selected>a</option>' +
        '<option value="b">b</option><option value="c" selected>c</option></select>' +
        '<button>Send</button>';
      document.querySelector('main').append(f);
      return f;
    };
    // 1. JWKS from a URL, pinned in the call, fetch mode, onSealed.
    const f = make('api-test');
    const sealed = new Promise((ok) => api.protectForm(f, { jwksUrl: '/keys/jwks.json', kid, submit: 'fetch', onSealed: ok }));
    f.requestSubmit();
    const d = await sealed;
    const first = {
      fields: d.fields, formId: d.formId, status: d.response.status,
      secret: f.querySelector('[data-slice-seal-name=secret]').value, plain: f.querySelector('[name=plain]').value,
      multi: [...f.querySelector('[data-slice-seal-name=multi]').selectedOptions].length,
    };
    // 2. A JWKS whose first key claims the pinned kid but is another key.
    const g = make('api-test-2');
    const failed = new Promise((ok) => g.addEventListener('slice-seal:error', (e) => ok(e.detail.error.code)));
    api.protectForm(g, { jwks: { keys: [{ ...otherJwk, kid }, realJwk] }, kid, submit: 'fetch', onSealed: () => { throw new Error('must not be called'); } });
    g.requestSubmit();
    const code = await failed;
    return { bad, first, code, kept: g.querySelector('[data-slice-seal-name=secret]').value };
  }, { kid, realJwk, otherJwk });
  assertEq(out.bad, ['SliceSealError:FORM_CONFIG', 'SliceSealError:FORM_CONFIG', 'SliceSealError:FORM_CONFIG'], 'non-forms are refused with FORM_CONFIG');
  assertEq(out.first, { fields: ['secret', 'multi'], formId: 'api-test', status: 200, secret: '', plain: 'visible', multi: 0 }, 'sealed, sent, marked cleared, unmarked kept');
  assertEq(out.code, 'KID_MISMATCH', 'a kid member is only a claim: thumbprint checked');
  assertEq(out.kept, 'tölle Geheimnis', 'values kept on failure');
  const sent = posts.filter((p) => p.url.endsWith('/api-test') && !p.routed);
  assertEq(sent.length, 1, 'one request (the failing form sent nothing)');
  const params = new URLSearchParams(sent[0].body);
  assertEq([...params.keys()], ['secret', 'plain', 'multi', 'slice-seal-submission'], 'body fields in form order');
  assertEq(params.get('plain'), 'visible', 'unmarked passes');
  const opened = execFileSync(CLI, ['open', '--key', join(dataDir, 'keys', 'private.jwk'), '--json'], { input: `${params.get('secret')}\n${params.get('multi')}\n` })
    .toString().trim().split('\n').map((l) => JSON.parse(l));
  assertEq(opened.map((o) => [o.form, o.field, o.submission, o.plaintext]), [
    ['api-test', 'secret', params.get('slice-seal-submission'), 'tölle Geheimnis'],
    ['api-test', 'multi', params.get('slice-seal-submission'), '["a","c"]'],
  ], 'opened to the typed values (select multiple as a JSON array)');
  await ctx.close();
});

test('j: the high side keeps an audit log (an entry per slice opened or refused, never a plaintext) and shows it', async () => {
  assert(ref, 'needs test a');
  const file = join(dataDir, 'audit.jsonl');
  assert(existsSync(file), 'the high side writes DATA/audit.jsonl');
  assertEq(statSync(file).mode & 0o777, 0o600, 'audit log mode 0600');
  const count = () => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).length;
  const before = count();
  // The high side opens every slice of the applicant again.
  const ans = await highAnswers(ref);
  assert(Object.values(ans.steps).every((s) => Object.values(s.fields).every((v) => v.ok || v.notForTeam)), 'all slices opened (or not for this team)');
  const text = readFileSync(file, 'utf8');
  const entries = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  const fresh = entries.slice(before);
  const latest = new Map();
  for (const r of readStore(dataDir)) if (r.applicant === ref) latest.set(r.step, r);
  const slices = [...latest.values()].flatMap((r) => Object.entries(r.slices).map(([field, env]) => ({ r, field, env })));
  assertEq(fresh.length, slices.length, 'one new audit entry per slice opened');
  for (const { r, field, env } of slices) {
    const sha256 = createHash('sha256').update(env).digest('hex');
    const e = fresh.find((x) => x.sha256 === sha256);
    assert(e, `an entry with the envelope hash of ${field}`);
    assertEq([e.result, e.form, e.field, e.submission], [MEDICAL.has(field) ? 'KEY_NOT_FOUND' : 'OK', r.form, field, r.submission], `${field} entry`);
    assert(/^[A-Za-z0-9_-]{43}$/.test(e.kid), `${field} entry has the kid`);
    assert(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(e.time), `RFC 3339 UTC time: ${e.time}`);
    assertEq(Object.keys(e).sort(), ['field', 'form', 'kid', 'line', 'result', 'sha256', 'submission', 'time'], 'entry members');
  }
  // The tampered slice of test b was refused, and recorded so.
  assert(entries.some((e) => e.result === 'DECRYPT_FAILED' && e.field === 'criminal-record'), 'the refused slice is in the log');
  // Never a plaintext, in any encoding.
  for (const v of [NAME, 'Japanese', ADDRESS_LINE.trim(), BIG.slice(100, 164), 'Ōkubo', 'arrears']) {
    for (const e of encodings(v)) assert(!text.includes(e), `${JSON.stringify(v.slice(0, 20))} not in the audit log`);
  }

  // The audit page lists the entries, GOV.UK styled, newest first.
  const { ctx, errors } = await newContext();
  const page = await ctx.newPage();
  await page.goto(`${high}/`);
  await Promise.all([page.waitForURL(`${high}/audit`), page.click('a[href="/audit"]')]);
  assertEq(await page.locator('h1').innerText(), 'Audit log', 'audit page heading');
  const rows = page.locator('table.govuk-table tbody tr');
  assertEq(await rows.count(), entries.length, 'a row per entry');
  assert(await page.locator('tr[data-result="OK"] .govuk-tag--green').count() >= slices.filter((x) => !MEDICAL.has(x.field)).length, 'opened entries tagged');
  assert(await page.locator('tr[data-result="DECRYPT_FAILED"] .govuk-tag--red').count() >= 1, 'refused entries tagged');
  assertEq(await rows.first().getAttribute('data-result'), fresh[fresh.length - 1].result, 'newest first');
  const html = await page.content();
  for (const v of [NAME, 'Japanese', 'Ōkubo']) assert(!html.includes(v), 'no answer on the audit page');
  const api = await fetch(`${high}/api/audit`).then((x) => x.json());
  assertEq(api.length, entries.length, '/api/audit lists the entries');
  await page.screenshot({ path: join(ARTIFACTS, 'high-side-audit.png'), fullPage: true });
  assertEq(errors, [], 'no console errors');
  await ctx.close();
});

// ---------------------------------------------------------------- the component on its own pages
// Pages served (by route) on the low side's origin, so they load the demo's
// /assets/slice-seal/form.js; every request to /sink/* is recorded and
// answered with a small page.

let pageKey; // {kid, jwksJson} of the low side's key
async function lowKey() {
  if (!pageKey) {
    const jwks = await fetch(`${low}/keys/jwks.json`).then((r) => r.json());
    pageKey = { kid: jwks.keys[0].kid, jwksJson: JSON.stringify(jwks) };
  }
  return pageKey;
}

function openAll(envelopes) {
  if (!envelopes.length) return [];
  return execFileSync(CLI, ['open', ...BOTH_KEYS(), '--json'], { input: envelopes.join('\n') + '\n' })
    .toString().trim().split('\n').map((l) => JSON.parse(l));
}

/** A context whose /fixture page is `html` (inside <main>), with the page key script; records /sink requests. */
async function fixture(html, { key = true, head = '', setup = null, script = true, js = true } = {}) {
  const { ctx, errors } = await newContext(js ? {} : { javaScriptEnabled: false });
  if (setup) await setup(ctx);
  const { jwksJson } = await lowKey();
  const sink = [];
  await ctx.route(`${low}/fixture`, (route) => route.fulfill({
    status: 200,
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fixture</title>${head}</head>
<body><main class="govuk-main-wrapper"><div class="govuk-grid-column-two-thirds">
${key ? `<script type="application/jwk-set+json" data-slice-seal-key>${jwksJson}</script>` : ''}
${html}
</div></main>
${script ? '<script type="module" src="/assets/slice-seal/form.js"></script>' : ''}</body></html>`,
  }));
  await ctx.route(`${low}/sink/**`, (route) => {
    const req = route.request();
    sink.push({ method: req.method(), url: req.url(), type: req.headers()['content-type'] ?? '', body: req.postDataBuffer()?.toString('utf8') ?? '' });
    return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>Received</title><p>received</p>' });
  });
  const page = await ctx.newPage();
  const events = [];
  if (!js) {
    await page.goto(`${low}/fixture`);
    return { ctx, page, sink, errors, events };
  }
  await page.exposeBinding('__event', (_s, e) => events.push(e));
  await page.addInitScript(() => {
    for (const t of ['slice-seal:error', 'slice-seal:sent']) {
      document.addEventListener(t, (e) => window.__event({ type: t, code: e.detail.code ?? null, phase: e.detail.phase ?? null, formId: e.detail.formId }), true);
    }
  });
  await page.goto(`${low}/fixture`);
  return { ctx, page, sink, errors, events };
}

/** Wait until the component has loaded and every protected form's keys are checked. */
async function componentsReady(page) {
  await page.evaluate(async () => {
    const m = await import('/assets/slice-seal/form.js');
    await m.ready.catch(() => {});
    for (const f of document.forms) {
      const i = m.SliceSealForm.getInstance(f);
      if (i) await i.ready;
    }
  });
}

async function waitSink(sink, n, page) {
  for (let i = 0; i < 100 && sink.length < n; i++) await page.waitForTimeout(100);
  assert(sink.length >= n, `expected ${n} request(s) at /sink, got ${sink.length}`);
}

// Every property the component reads from a form or a control, as control names.
const CLOBBER = ['matches', 'action', 'method', 'enctype', 'target', 'submit', 'elements', 'id', 'length', 'item',
  'getAttribute', 'setAttribute', 'removeAttribute', 'hasAttribute', 'closest', 'querySelectorAll', 'querySelector',
  'dataset', 'requestSubmit', 'noValidate', 'autocomplete', 'addEventListener', 'dispatchEvent', 'prepend', 'before',
  'remove', 'localName', 'tagName', 'nodeName', 'attributes', 'parentNode', 'ownerDocument', 'children', 'reset',
  'checkValidity', 'reportValidity', 'name', 'encoding', 'acceptCharset', 'textContent', 'appendChild', 'contains'];

test('k: clobbering: controls named after every form property the component reads change nothing (native and fetch; a submit button named submit)', async () => {
  const { kid } = await lowKey();
  for (const mode of ['native', 'fetch']) {
    const clear = CLOBBER.map((n) => `<input type="hidden" name="${n}" value="v-${n}">`).join('');
    const { ctx, page, sink, errors, events } = await fixture(`
<form id="f1" method="post" action="/sink/clobber" novalidate data-module="slice-seal" data-slice-seal-form="clobber-${mode}"
  data-slice-seal-kid="${kid}" data-slice-seal-submit="${mode}">
${clear}
<input id="action" name="secret" data-slice-seal value="" class="govuk-input">
<input id="method" name="secret2" data-slice-seal class="govuk-input">
<button type="submit" name="submit" value="go" class="govuk-button" disabled aria-disabled="true">Send</button>
</form>`);
    await componentsReady(page);
    // (Playwright's own fill and click read the clobbered form too: plain DOM calls here.)
    await page.evaluate(() => {
      document.querySelector('[data-slice-seal-name="secret"]').value = 'clobber secret ü';
      document.querySelector('[data-slice-seal-name="secret2"]').value = 'second';
      document.querySelector('button[type=submit]').click();
    });
    await waitSink(sink, 1, page);
    assertEq(sink.length, 1, `${mode}: one request`);
    const s = sink[0];
    assertEq([s.method, new URL(s.url).pathname], ['POST', '/sink/clobber'], `${mode}: the form's own method and action`);
    assert(s.type.startsWith('application/x-www-form-urlencoded'), `${mode}: urlencoded: ${s.type}`);
    const params = new URLSearchParams(s.body);
    for (const n of CLOBBER) assertEq(params.get(n), `v-${n}`, `${mode}: unmarked ${n} sent as is`);
    assertEq(params.get('submit'), 'v-submit', `${mode}: the hidden "submit" control`);
    assertEq(params.getAll('submit'), ['v-submit', 'go'], `${mode}: and the submitter's name/value`);
    const opened = openAll([params.get('secret'), params.get('secret2')]);
    assertEq(opened.map((o) => [o.form, o.field, o.plaintext]), [[`clobber-${mode}`, 'secret', 'clobber secret ü'], [`clobber-${mode}`, 'secret2', 'second']], `${mode}: sealed values`);
    for (const e of encodings('clobber secret ü')) assert(!s.body.includes(e), `${mode}: no plaintext in the body`);
    for (let i = 0; i < 50 && !events.length; i++) await new Promise((ok) => setTimeout(ok, 100));
    assertEq(errors, [], `${mode}: no console errors`);
    assertEq(events.map((e) => e.type), ['slice-seal:sent'], `${mode}: one sent event`);
    await ctx.close();
  }
});

test('k: marked controls lose their name at once: form.submit(), a listener that stops the submit event, and a clone of the form carry no marked value', async () => {
  const { kid } = await lowKey();
  const { ctx, page, sink, events } = await fixture(`
<form id="f1" method="post" action="/sink/native" novalidate data-module="slice-seal" data-slice-seal-form="paths" data-slice-seal-kid="${kid}">
<input name="plain" value="visible">
<input name="secret" id="secret" data-slice-seal class="govuk-input">
<div data-slice-seal><input type="radio" name="choice" value="a" id="ca"><input type="radio" name="choice" value="b" id="cb"></div>
<button type="submit" class="govuk-button" disabled aria-disabled="true">Send</button>
</form>`);
  // Names are gone before the wasm loads: read right after the module ran.
  const early = await page.evaluate(() => [...document.querySelectorAll('[data-slice-seal-name]')].map((c) => c.hasAttribute('name')));
  assertEq(early, [false, false, false], 'no marked control has a name');
  await componentsReady(page);
  await page.fill('#secret', 'do not leak');
  // The radios still behave as one group without their name.
  await page.check('#ca');
  await page.check('#cb');
  assertEq(await page.evaluate(() => [document.querySelector('#ca').checked, document.querySelector('#cb').checked]), [false, true], 'one radio checked');
  await page.focus('#cb');
  await page.keyboard.press('ArrowUp');
  assertEq(await page.evaluate(() => [document.querySelector('#ca').checked, document.querySelector('#cb').checked, document.activeElement.id]), [true, false, 'ca'], 'arrow keys move the choice');
  // 1. form.submit() bypasses the submit event.
  await Promise.all([page.waitForURL(`${low}/sink/native`), page.evaluate(() => HTMLFormElement.prototype.submit.call(document.querySelector('#f1')))]);
  assertEq(new URLSearchParams(sink[0].body).toString(), 'plain=visible', 'form.submit(): only the unmarked field');
  await page.goBack();
  await componentsReady(page);
  await page.fill('#secret', 'do not leak');
  // 2. A capturing listener on window stops the submit event before the component.
  await page.evaluate(() => window.addEventListener('submit', (e) => e.stopImmediatePropagation(), true));
  await Promise.all([page.waitForURL(`${low}/sink/native`), page.evaluate(() => document.querySelector('#f1').requestSubmit())]);
  assertEq(new URLSearchParams(sink[1].body).toString(), 'plain=visible', 'stopped submit event: only the unmarked field');
  await page.goBack();
  await componentsReady(page);
  await page.fill('#secret', 'do not leak');
  // 3. A clone (Turbo/pjax snapshot) keeps data-slice-seal-init but no component: the guard blocks it.
  const clone = await page.evaluate(() => {
    const c = document.querySelector('#f1').cloneNode(true);
    c.id = 'f2';
    document.querySelector('main').append(c);
    const names = [...new FormData(c)].map(([n]) => n);
    c.querySelector('button').disabled = false;
    c.requestSubmit();
    return { names, init: c.hasAttribute('data-slice-seal-init') };
  });
  assertEq(clone, { names: ['plain'], init: true }, 'the clone holds no marked name');
  await page.locator('.govuk-error-summary').waitFor({ state: 'visible' });
  assert(events.some((e) => e.type === 'slice-seal:error' && e.code === 'NOT_READY'), `NOT_READY event for the clone: ${JSON.stringify(events)}`);
  await page.waitForTimeout(300);
  assertEq(sink.length, 2, 'the clone sent nothing');
  assert(!sink.some((s) => s.body.includes('leak')), 'no marked value in any request');
  await ctx.close();
});

test('k: the marked set is the form\'s controls (form= outside it included); a marked control of another form, an unnamed one, a custom element are FORM_CONFIG', async () => {
  const { kid } = await lowKey();
  const { ctx, page, sink, errors } = await fixture(`
<form id="f1" method="post" action="/sink/owned" novalidate data-module="slice-seal" data-slice-seal-form="owned" data-slice-seal-kid="${kid}">
<input name="inside" data-slice-seal value="in">
</form>
<input form="f1" name="outside" data-slice-seal value="out">
<input form="f1" name="outside-plain" value="op">
<button form="f1" type="submit" name="via" value="outside-button" class="govuk-button" disabled aria-disabled="true">Send</button>`);
  await componentsReady(page);
  await page.click('button[form=f1]');
  await waitSink(sink, 1, page);
  const params = new URLSearchParams(sink[0].body);
  assertEq([...params.keys()], ['inside', 'outside', 'outside-plain', 'via', 'slice-seal-submission'], 'tree order, the outside button as submitter');
  assertEq(params.get('outside-plain'), 'op', 'unmarked outside control passes');
  assertEq(openAll([params.get('inside'), params.get('outside')]).map((o) => [o.field, o.plaintext]), [['inside', 'in'], ['outside', 'out']], 'the form= control is sealed');
  assertEq(errors, [], 'no console errors');
  await ctx.close();

  for (const [label, markup, re] of [
    ['another form', '<input name="secret" id="secret" data-slice-seal><input name="x" form="f2" data-slice-seal value="other">', /FORM_CONFIG: marked field "x" belongs to another form/],
    ['unnamed', '<input name="secret" id="secret" data-slice-seal><input data-slice-seal value="nameless">', /FORM_CONFIG: a marked <input> has no name/],
    ['custom element', '<input name="secret" id="secret" data-slice-seal><x-fancy name="fancy" data-slice-seal></x-fancy>', /FORM_CONFIG: marked <x-fancy> "fancy" is a form-associated custom element/],
  ]) {
    const head = `<script>customElements.define('x-fancy', class extends HTMLElement { static formAssociated = true;
      constructor() { super(); this.i = this.attachInternals(); this.i.setFormValue('fancy value'); } });</script>`;
    const f = await fixture(`
<form id="f1" method="post" action="/sink/bad" novalidate data-module="slice-seal" data-slice-seal-form="bad" data-slice-seal-kid="${kid}">
${markup}
<button type="submit" class="govuk-button" disabled aria-disabled="true">Send</button>
</form><form id="f2" method="post" action="/sink/other"></form>`, { head });
    await componentsReady(f.page);
    await f.page.fill('#secret', 'kept');
    await f.page.click('#f1 button');
    await f.page.locator('.govuk-error-summary').waitFor({ state: 'visible' });
    assert(f.errors.some((e) => re.test(e)), `${label}: console names the problem: ${f.errors.join(' | ')}`);
    assertEq(f.events.filter((e) => e.type === 'slice-seal:error').map((e) => [e.code, e.phase]), [['FORM_CONFIG', 'init'], ['FORM_CONFIG', 'submit']], `${label}: error events at start and at submit`);
    assertEq(await f.page.inputValue('#secret'), 'kept', `${label}: typed value kept`);
    assertEq(await f.page.evaluate(() => document.querySelector('#secret').hasAttribute('name')), false, `${label}: the marked control lost its name anyway`);
    if (label === 'another form') {
      // The other form's native submission does not carry it either.
      await f.page.evaluate(() => HTMLFormElement.prototype.submit.call(document.querySelector('#f2')));
      await waitSink(f.sink, 1, f.page);
      assertEq(f.sink[0].body, '', 'the other form sends no marked value');
    } else {
      await f.page.waitForTimeout(300);
      assertEq(f.sink, [], `${label}: nothing sent`);
    }
    await f.ctx.close();
  }
});

test('k: the submitter\'s formaction, formmethod, formenctype, formtarget and formnovalidate are honoured; input type=image', async () => {
  const { kid } = await lowKey();
  const { ctx, page, sink } = await fixture(`
<form id="f1" method="post" action="/sink/default" data-module="slice-seal" data-slice-seal-form="submitter" data-slice-seal-kid="${kid}">
<input name="secret" id="secret" data-slice-seal>
<input name="needed" id="needed" required>
<button type="submit" id="plain" class="govuk-button" disabled aria-disabled="true">Send</button>
<button type="submit" id="other" formaction="/sink/other" formnovalidate name="b" value="other" disabled>Other</button>
<button type="submit" id="get" formaction="/sink/get" formmethod="get" formnovalidate disabled>Get</button>
<button type="submit" id="multi" formaction="/sink/multi" formenctype="multipart/form-data" formnovalidate disabled>Multipart</button>
<button type="submit" id="framed" formaction="/sink/framed" formtarget="frame1" formnovalidate disabled>Framed</button>
<input type="image" id="img" name="pic" alt="Send as image" formaction="/sink/image" formnovalidate src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" disabled>
</form>
<iframe name="frame1" title="target frame"></iframe>`);
  await componentsReady(page);
  const send = async (id, n) => {
    await page.fill('#secret', `typed for ${id}`);
    await page.click(`#${id}`);
    await waitSink(sink, n, page);
    const s = sink[n - 1];
    await page.waitForTimeout(200);
    if (page.url() !== `${low}/fixture`) {
      await page.goBack();
      await componentsReady(page);
    }
    return s;
  };
  // Interactive validation still runs for the plain button (required field empty): nothing sent.
  await page.fill('#secret', 'x');
  await page.click('#plain');
  await page.waitForTimeout(500);
  assertEq(sink.length, 0, 'validation blocks the plain button');
  let s = await send('other', 1);
  assertEq([s.method, new URL(s.url).pathname, new URLSearchParams(s.body).get('b')], ['POST', '/sink/other', 'other'], 'formaction + formnovalidate + submitter value');
  s = await send('get', 2);
  const u = new URL(s.url);
  assertEq([s.method, u.pathname, [...u.searchParams.keys()]], ['GET', '/sink/get', ['secret', 'needed', 'slice-seal-submission']], 'formmethod=get');
  assert(u.searchParams.get('secret').startsWith('ss1.'), 'GET carries the envelope, not the value');
  s = await send('multi', 3);
  assert(s.type.startsWith('multipart/form-data'), `formenctype multipart: ${s.type}`);
  assert(!s.body.includes('typed for multi'), 'multipart body holds no plaintext');
  s = await send('framed', 4);
  assertEq(new URL(s.url).pathname, '/sink/framed', 'formtarget: sent');
  assertEq(page.url(), `${low}/fixture`, 'formtarget: the page itself stays');
  assertEq(await page.frame({ name: 'frame1' }).evaluate(() => location.pathname), '/sink/framed', 'formtarget: the frame navigated');
  s = await send('img', 5);
  const ip = new URLSearchParams(s.body);
  assertEq([new URL(s.url).pathname, ip.has('pic.x'), ip.has('pic.y')], ['/sink/image', true, true], 'input type=image sends its coordinates');
  assertEq(openAll([ip.get('secret')])[0].plaintext, 'typed for img', 'sealed');
  await ctx.close();
});

test('k: one send per submit: a double click, repeated Enter, and clicks while a fetch is in flight send once', async () => {
  const { kid } = await lowKey();
  for (const mode of ['native', 'fetch']) {
    const { ctx, page, sink } = await fixture(`
<form id="f1" method="post" action="/sink/once" novalidate data-module="slice-seal" data-slice-seal-form="once" data-slice-seal-kid="${kid}" data-slice-seal-submit="${mode}">
<input name="secret" id="secret" data-slice-seal>
<button type="submit" class="govuk-button" disabled aria-disabled="true">Send</button>
</form>`);
    if (mode === 'fetch') {
      await ctx.route(`${low}/sink/once`, async (route) => {
        sink.push({ method: route.request().method(), body: route.request().postData() });
        await new Promise((ok) => setTimeout(ok, 1500));
        await route.fulfill({ status: 200, body: 'ok' });
      });
    }
    await componentsReady(page);
    await page.fill('#secret', 'once only');
    if (mode === 'native') {
      // Hold the navigation back so the page is still there for the extra clicks.
      await ctx.route(`${low}/sink/once`, async (route) => {
        sink.push({ method: route.request().method(), body: route.request().postData() });
        await new Promise((ok) => setTimeout(ok, 1500));
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>ok</title>' });
      });
    }
    await page.dblclick('button[type=submit]');
    await page.focus('#secret').catch(() => {});
    await page.keyboard.press('Enter').catch(() => {});
    await page.keyboard.press('Enter').catch(() => {});
    await page.waitForTimeout(2500);
    assertEq(sink.length, 1, `${mode}: sent once`);
    assertEq(openAll([new URLSearchParams(sink[0].body).get('secret')])[0].plaintext, 'once only', `${mode}: the typed value, not a cleared one`);
    await ctx.close();
  }
});

test('k: every failure is reported the same way (summary, console line, slice-seal:error): not ready, wasm unavailable, set-up errors; options in markup or the constructor alike', async () => {
  const { kid } = await lowKey();
  const form = (attrs) => `<form id="f1" method="post" action="/sink/x" novalidate data-module="slice-seal" ${attrs}>
<input name="secret" id="secret" data-slice-seal>
<button type="submit" class="govuk-button" disabled aria-disabled="true">Send</button></form>`;
  const cases = [
    ['wasm unavailable', form(`data-slice-seal-form="e1" data-slice-seal-kid="${kid}"`), 'WASM_UNAVAILABLE', async (ctx) => ctx.route('**/*.wasm', (r) => r.abort())],
    ['unknown submit mode', form(`data-slice-seal-form="e2" data-slice-seal-kid="${kid}" data-slice-seal-submit="xhr"`), 'FORM_CONFIG'],
    ['bad record', form(`data-slice-seal-form="e3" data-slice-seal-kid="${kid}" data-slice-seal-record="${'r'.repeat(300)}"`), 'INVALID_CONTEXT'],
    // A per-control pin must name a key of the page's key set.
    ['control pinned to a key not in the page\'s set', form(`data-slice-seal-form="e4" data-slice-seal-kid="${kid}"`)
      .replace('<input name="secret" id="secret" data-slice-seal>', `<input name="secret" id="secret" data-slice-seal data-slice-seal-kid="${otherKid}">`), 'KID_MISMATCH'],
  ];
  for (const [label, html, code, setup] of cases) {
    const g = await fixture(html, { setup });
    await componentsReady(g.page);
    await g.page.waitForSelector('button:not([disabled])');
    await g.page.fill('#secret', 'kept');
    await g.page.click('button');
    await g.page.locator('.govuk-error-summary').waitFor({ state: 'visible' });
    assert(g.errors.some((e) => new RegExp(`^slice-seal: .*${code}: `).test(e)), `${label}: console line: ${g.errors.join(' | ')}`);
    assertEq(g.events.filter((e) => e.type === 'slice-seal:error').map((e) => [e.code, e.phase]), [[code, 'init'], [code, 'submit']], `${label}: events`);
    assertEq(await g.page.inputValue('#secret'), 'kept', `${label}: kept`);
    assertEq(g.sink, [], `${label}: nothing sent`);
    await g.ctx.close();
  }

  // The same options in markup or given to the constructor (form id included) seal alike.
  const { ctx, page, sink } = await fixture(`
<form id="m" method="post" action="/sink/markup" novalidate data-module="slice-seal" data-slice-seal-form="opt-form" data-slice-seal-kid="${kid}" data-slice-seal-submit="fetch" data-slice-seal-record="R-7">
<input name="secret" data-slice-seal value="same"><button type="submit">Send</button></form>
<form id="c" method="post" action="/sink/ctor" novalidate>
<input name="secret" data-slice-seal value="same"><button type="submit">Send</button></form>`);
  await componentsReady(page);
  const thrown = await page.evaluate(async ({ kid }) => {
    const m = await import('/assets/slice-seal/form.js');
    const out = [];
    for (const opts of [{ formId: 'opt-form', kid, submit: 'xhr' }, { formId: '', kid }, { formId: 'x', kid, bogus: 1 }, { formId: 'x', kid, onError: 'no' }]) {
      try {
        new m.SliceSealForm(document.querySelector('#c'), opts);
        out.push('no throw');
      } catch (e) {
        out.push(`${e.name}:${e.code}`);
      }
    }
    const errs = [];
    const inst = new m.SliceSealForm(document.querySelector('#c'), { formId: 'opt-form', kid, submit: 'fetch', record: 'R-7', onError: (e) => errs.push(e.code) });
    await inst.ready;
    document.querySelector('#m').requestSubmit();
    document.querySelector('#c').requestSubmit();
    return { out, errs };
  }, { kid });
  assertEq(thrown.out, ['SliceSealError:FORM_CONFIG', 'SliceSealError:FORM_CONFIG', 'SliceSealError:FORM_CONFIG', 'SliceSealError:FORM_CONFIG'], 'bad options are FORM_CONFIG');
  await waitSink(sink, 2, page);
  const metas = sink.map((s) => openAll([new URLSearchParams(s.body).get('secret')])[0]);
  assertEq(metas.map((o) => [o.form, o.field, o.plaintext, /^R-7:[0-9a-f]{32}$/.test(o.submission)]), [['opt-form', 'secret', 'same', true], ['opt-form', 'secret', 'same', true]], 'markup and constructor alike');
  assertEq(thrown.errs, [], 'no errors');
  await ctx.close();
});

test('m: the README\'s form (www/examples/govuk-form.html, the sliceSealForm macro\'s output) seals and sends; without JavaScript its button is disabled', async () => {
  const html = readFileSync(join(ROOT, 'www', 'examples', 'govuk-form.html'), 'utf8');
  const key = join(ROOT, 'tests', 'e2e', 'fixtures', 'readme-example.private.jwk');
  const { ctx, page, sink, errors } = await fixture(html, { key: false, script: false });
  const posted = [];
  await ctx.route(`${low}/apply/personal-details`, (route) => {
    posted.push(route.request().postData() ?? '');
    return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Saved</title>' });
  });
  await componentsReady(page);
  await page.fill('#full-name', NAME);
  await page.fill('#dob-day', '27');
  await page.fill('#dob-month', '3');
  await page.fill('#dob-year', '1985');
  await Promise.all([page.waitForURL(`${low}/apply/personal-details`), page.click('button:has-text("Save and continue")')]);
  assertEq(posted.length, 1, 'one post');
  const params = new URLSearchParams(posted[0]);
  assertEq([...params.keys()], ['full-name', 'dob-day', 'dob-month', 'dob-year', 'slice-seal-submission'], 'the marked fields, as envelopes');
  const opened = execFileSync(CLI, ['open', '--key', key, '--json'], { input: ['full-name', 'dob-day', 'dob-month', 'dob-year'].map((n) => params.get(n)).join('\n') + '\n', stdio: ['pipe', 'pipe', 'ignore'] })
    .toString().trim().split('\n').map((l) => JSON.parse(l));
  assertEq(opened.map((o) => [o.form, o.field, o.plaintext]), [['vetting-step-1', 'full-name', NAME], ['vetting-step-1', 'dob-day', '27'],
    ['vetting-step-1', 'dob-month', '3'], ['vetting-step-1', 'dob-year', '1985']], 'opened with the example key');
  for (const e of encodings(NAME)) assert(!posted[0].includes(e), 'no plaintext');
  assertEq(errors, [], 'no console errors');
  assertEq(sink, [], 'nothing else sent');
  await ctx.close();

  const off = await fixture(html, { key: false, script: false, js: false });
  assert(await off.page.locator('button:has-text("Save and continue")').isDisabled(), 'disabled without JavaScript');
  await off.page.fill('#full-name', NAME);
  await off.page.focus('#full-name');
  await off.page.keyboard.press('Enter');
  await off.page.waitForTimeout(800);
  assertEq(off.page.url(), `${low}/fixture`, 'Enter sends nothing without JavaScript');
  await off.ctx.close();
});

test('n: documents: files sealed in the browser (a small one; 1 MiB in chunks over a multiple input) go as binary parts with neutral names; the low side stores the sealed bytes as they came; the high side lists them and serves the exact bytes; a file over the limit and a failed send keep the selection', async () => {
  const { ctx, posts, errors } = await newContext();
  const page = await ctx.newPage();
  const r = await startApplication(page);
  const step = `${low}/apply/${r}/identity-documents`;
  const { randomBytes } = await import('node:crypto');
  const scan = { name: 'passport photo page – Zoë.png', mimeType: 'image/png', buffer: randomBytes(3000) };
  const letter = { name: 'employer letter.pdf', mimeType: 'application/pdf', buffer: randomBytes(1024 * 1024) }; // 16 chunks
  const page2 = { name: 'notes.html', mimeType: 'text/html', buffer: Buffer.from('<script>alert(1)</script> my notes') };
  const selection = (css) => page.$eval(css, (el) => [...el.files].map((f) => [f.name, f.size]));
  const storedFor = () => readStore(dataDir).filter((x) => x.applicant === r);
  // Every POST body to the step, as the browser sent it (bytes).
  const bodies = [];
  let down = false;
  await page.route(step, async (route) => {
    const req = route.request();
    if (req.method() !== 'POST') return route.fallback();
    if (down) return route.abort('internetdisconnected');
    bodies.push({ body: req.postDataBuffer(), type: await req.headerValue('content-type') });
    return route.fallback();
  });
  await page.goto(step);
  await waitProtected(page);
  // GOV.UK file upload markup; the marked inputs have lost their names.
  for (const id of ['passport-scan', 'supporting-documents']) {
    const el = await page.$eval(`#${id}`, (x) => [x.className, x.hasAttribute('name'), x.getAttribute('data-slice-seal-name'), x.type,
      document.querySelector(`label[for="${x.id}"]`)?.className, x.getAttribute('aria-describedby')]);
    assertEq(el, ['govuk-file-upload', false, id, 'file', 'govuk-label govuk-label--m', `${id}-hint`], `${id}: GOV.UK file upload, name removed`);
  }

  // 1. A file over data-slice-seal-max-bytes (5 MiB): the error at the input and in the summary; nothing sealed or sent.
  await page.setInputFiles('#passport-scan', { name: 'too big.png', mimeType: 'image/png', buffer: Buffer.alloc(5 * 1024 * 1024 + 1) });
  await page.click('button:has-text("Save and continue")');
  const summary = page.locator('.govuk-error-summary');
  await summary.waitFor({ state: 'visible', timeout: 20_000 });
  assertEq(await summary.locator('a[href="#passport-scan"]').count(), 1, `a link in the summary: ${await summary.innerText()} ${JSON.stringify(errors)}`);
  assertEq(await summary.locator('a[href="#passport-scan"]').innerText(), 'The selected file must be smaller than 5MB', 'summary links to the input');
  assertEq(await page.locator('#passport-scan-error').textContent(), 'Error: The selected file must be smaller than 5MB', 'error message at the input');
  assert(await page.locator('.govuk-form-group--error #passport-scan.govuk-file-upload--error').count() === 1, 'GOV.UK error style on the group and the input');
  await summary.locator('a[href="#passport-scan"]').click();
  assert(await page.evaluate(() => document.activeElement?.id === 'passport-scan'), 'the summary link moves to the input');
  assertEq(await selection('#passport-scan'), [['too big.png', 5 * 1024 * 1024 + 1]], 'the selection stays');
  assertEq(bodies.length, 0, 'nothing sent');
  assert(errors.some((e) => /FILE_TOO_LARGE/.test(e)), 'console names FILE_TOO_LARGE');

  // 2. The network down: nothing arrives, the selection stays, the error summary.
  await page.setInputFiles('#passport-scan', scan);
  await page.setInputFiles('#supporting-documents', [letter, page2]);
  down = true;
  await page.click('button:has-text("Save and continue")');
  await page.waitForFunction(() => document.querySelector('.govuk-error-summary')?.textContent.includes('Try again later'), null, { timeout: 20_000 });
  assert(errors.some((e) => /NETWORK_ERROR/.test(e)), 'console names NETWORK_ERROR');
  assertEq(await page.locator('#passport-scan-error').count(), 0, 'the size error is gone');
  assertEq(await selection('#passport-scan'), [[scan.name, scan.buffer.length]], 'passport selection kept');
  assertEq(await selection('#supporting-documents'), [[letter.name, letter.buffer.length], [page2.name, page2.buffer.length]], 'multiple selection kept');
  assertEq(storedFor(), [], 'nothing stored');
  down = false;

  // 3. The send (native mode: with fetch, then the server's redirect is followed), with progress shown for the 1 MiB.
  const progress = [];
  await page.exposeFunction('__progress', (t) => progress.push(t));
  await page.evaluate(() => new MutationObserver(() => {
    const s = document.querySelector('[data-slice-seal-progress] [role="status"]');
    const bar = document.querySelector('[data-slice-seal-progress] progress');
    if (s) window.__progress(`${s.textContent}|${bar?.getAttribute('aria-labelledby') === s.id}`);
  }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true }));
  await Promise.all([page.waitForURL(`${low}/apply/${r}`, { timeout: 60_000 }), page.click('button:has-text("Save and continue")')]);
  assert(progress.some((t) => /^Protecting your files before sending: \d+%\|true$/.test(t)), `progress shown, labelled: ${JSON.stringify(progress.slice(0, 3))}`);
  const statuses = await page.$$eval('.govuk-task-list__status', (els) => els.map((e) => e.textContent.trim()));
  assertEq(statuses[3], 'Completed', 'the documents step is completed');

  // What was sent: multipart, one part per file, named after its field, neutral file name and type; nothing in clear.
  assertEq(bodies.length, 1, 'one send');
  const { body, type } = bodies[0];
  assert(body && body.length > letter.buffer.length, `the body was captured (${body?.length} bytes)`);
  assert(/^multipart\/form-data; boundary=/.test(type), `multipart: ${type}`);
  const { parseMultipart } = await import(join(ROOT, 'www', 'lib', 'multipart.mjs'));
  const parts = parseMultipart(body, type);
  assertEq(parts.map((x) => [x.name, x.filename, x.type]), [
    ['passport-scan', 'passport-scan.ssf', 'application/vnd.slice-seal.file'],
    ['supporting-documents', 'supporting-documents-1.ssf', 'application/vnd.slice-seal.file'],
    ['supporting-documents', 'supporting-documents-2.ssf', 'application/vnd.slice-seal.file'],
    ['slice-seal-submission', null, null]], 'the parts');
  for (const needle of [scan.buffer.subarray(100, 164), letter.buffer.subarray(0, 64), letter.buffer.subarray(700_000, 700_064), page2.buffer,
    ...[scan.name, letter.name, page2.name, 'passport photo page', 'employer letter', 'notes.html'].flatMap((n) => encodings(n).map((e) => Buffer.from(e)))]) {
    assertEq(body.indexOf(needle), -1, `no plaintext or original file name in the body: ${needle.toString('utf8', 0, 20)}`);
  }
  for (const p of parts.slice(0, 3)) assertEq(p.data.subarray(0, 4).toString('latin1'), 'ssf1', `${p.filename}: a sealed file`);
  // The low side stored the sealed files byte for byte as they came.
  const rec = storedFor().find((x) => x.step === 'identity-documents');
  assertEq(Object.keys(rec.files), ['passport-scan', 'supporting-documents'], 'files recorded');
  const stored = [...rec.files['passport-scan'], ...rec.files['supporting-documents']];
  stored.forEach((f, i) => assert(readFileSync(join(dataDir, f.file)).equals(parts[i].data), `${f.file} is the part as sent`));
  const storeText = readFileSync(join(dataDir, 'submissions.jsonl'), 'utf8');
  for (const n of [scan.name, letter.name, page2.name]) assert(!storeText.includes(n), 'no original file name in the store');

  // The high side lists them (opened with the package's Node API) and serves the exact bytes, as attachments.
  const ans = await highAnswers(r);
  const files = ans.steps['identity-documents'].files;
  const listed = [...files['passport-scan'], ...files['supporting-documents']];
  assertEq(listed.map((v) => [v.ok, v.name, v.type, v.size]), [[true, scan.name, 'image/png', 3000], [true, letter.name, 'application/pdf', 1024 * 1024],
    [true, page2.name, 'text/html', page2.buffer.length]], 'listed on the high side');
  const expect = [[scan, 'image/png', 'passport photo page _ Zo_.png'], [letter, 'application/pdf', 'employer letter.pdf'], [page2, 'application/octet-stream', 'notes.html']];
  for (const [i, v] of listed.entries()) {
    const resp = await fetch(`${high}${v.href}`);
    assertEq(resp.status, 200, `${v.href} served`);
    const [orig, mediaType, ascii] = expect[i];
    assert(Buffer.from(await resp.arrayBuffer()).equals(orig.buffer), `${orig.name}: exactly the original bytes`);
    assertEq(resp.headers.get('content-type'), mediaType, `${orig.name}: media type (a safe one, else octet-stream)`);
    assertEq(resp.headers.get('x-content-type-options'), 'nosniff', 'nosniff');
    assertEq(resp.headers.get('content-disposition'), `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(orig.name)}`, 'attachment with a safe name');
  }
  const { ctx: hctx } = await newContext();
  const hp = await hctx.newPage();
  await hp.goto(`${high}/applicant/${r}`);
  assertEq(await hp.locator('[data-field="supporting-documents"] a.app-document').allInnerTexts(), [letter.name, page2.name], 'the high side page lists the documents');
  await hctx.close();

  // Filed under another applicant: every document rejected (record binding), the download refused.
  const storeFile = join(dataDir, 'submissions.jsonl');
  const other = 'e'.repeat(32);
  writeFileSync(storeFile, storeText + JSON.stringify({ ...rec, applicant: other }) + '\n');
  try {
    const moved = await highAnswers(other);
    const mv = Object.values(moved.steps['identity-documents'].files).flat();
    assertEq(mv.map((v) => [v.ok, v.code, 'name' in v]), [[false, 'CONTEXT_MISMATCH', false], [false, 'CONTEXT_MISMATCH', false], [false, 'CONTEXT_MISMATCH', false]], 'moved documents rejected');
    const resp = await fetch(`${high}${mv[1].href}`);
    assertEq(resp.status, 422, 'a moved document is not served');
    const text = await resp.text();
    assert(text.includes('CONTEXT_MISMATCH') && !text.includes(letter.name), 'the refusal says why, without the file');
  } finally {
    writeFileSync(storeFile, storeText);
  }
  // Audited: a line per document opened (sha256 of the sealed file, its stored path; no name).
  const auditLines = readFileSync(join(dataDir, 'audit.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.file);
  for (const f of stored) {
    const sha = createHash('sha256').update(readFileSync(join(dataDir, f.file))).digest('hex');
    assert(auditLines.some((e) => e.file === f.file && e.sha256 === sha && e.result === 'OK' && e.submission === rec.submission), `${f.file} audited`);
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
    const resp = await fetch(step, { method: 'POST', body: fd, redirect: 'manual' });
    assertEq(resp.status, 400, `${what} refused`);
    assertEq(readStore(dataDir).length, before, `${what}: nothing stored`);
  }
  assertEq(errors.filter((e) => !/FILE_TOO_LARGE|NETWORK_ERROR|net::ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e)), [], 'no other console errors');
  await ctx.close();
}, { timeout: 240_000 });

// ---------------------------------------------------------------- main
async function main() {
  for (const p of [CLI, CHROMIUM, join(ROOT, 'www', 'dist', 'assets', 'slice-seal', 'web', 'slice_seal_bg.wasm')]) {
    if (!existsSync(p)) {
      console.error(`e2e: missing ${p} (run tests/run-e2e.sh, which builds everything)`);
      console.log('0 passed, 1 failed');
      process.exit(1);
    }
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  dataDir = makeDataDir();
  otherJwk = JSON.parse(execFileSync(CLI, ['keygen', '--out', join(dataDir, 'other.jwk')]));
  otherKid = otherJwk.kid;
  vettingKid = JSON.parse(readFileSync(join(dataDir, 'keys', 'public.jwks.json'), 'utf8')).keys[0].kid;
  medicalKid = JSON.parse(readFileSync(join(dataDir, 'keys', 'medical-public.jwks.json'), 'utf8')).keys[0].kid;
  let result = { passed: 0, failed: 1 };
  let lowSrv;
  let highSrv;
  try {
    lowSrv = await startServer('server.mjs', ['--data', dataDir], 'low side');
    highSrv = await startServer('high-side.mjs', ['--data', dataDir, '--cli', CLI], 'high side');
    low = lowSrv.url;
    high = highSrv.url;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
    result = await runAll(process.argv[2]);
  } catch (e) {
    console.error(`e2e: setup failed: ${e.stack || e}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    await Promise.all([lowSrv, highSrv].map(stopServer));
    if (result.failed && process.env.E2E_KEEP_LOGS !== '0') {
      for (const s of [lowSrv, highSrv]) if (s) console.log(s.log.join('').split('\n').slice(-30).join('\n'));
    }
    removeDir(dataDir);
  }
  console.log(`${result.passed} passed, ${result.failed} failed`);
  process.exit(result.failed ? 1 : 0);
}

main();
