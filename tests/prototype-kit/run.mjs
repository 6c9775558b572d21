// slice-seal as a GOV.UK Prototype Kit plugin, in a real kit (issue 16).
//
//   node tests/prototype-kit/run.mjs [PKG_DIR [NAME_REGEX]]   (default: pkg/, from .ci/build-pkg; all tests)
//
// Makes a kit in a temp dir as `npx govuk-prototype-kit create` would, but
// offline: the kit and govuk-frontend come from tests/prototype-kit/node_modules
// (installed by .ci/setup from the committed lock, linked here), slice-seal
// from an `npm pack` tarball of the built package (what npm would install);
// the kit's own `init` writes the starter files, then the pages in
// tests/prototype-kit/app/ are added. Then:
//   1. the kit's `validate-plugin` passes on the installed package (and
//      refuses a copy whose config is broken, so the check can fail);
//   2. the kit's own `start` serves the pages (bound to 127.0.0.1 by
//      loopback.cjs: the kit has no host setting); in headless Chromium the
//      sliceSealForm page is protected (marked controls nameless, the submit
//      button enabled once the key is checked), and a submit sends the kit
//      only envelopes for the marked fields, which open with the fixture's
//      private key (the CLI) under the form, field and submission id;
//   3. sliceSealForm works in a page without an import (the config's
//      nunjucksMacros) and with a key set from the kit's /public assets.
// Prints `N passed, N failed`; exits non-zero on any failure.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, ROOT, assert, assertEq, runAll, stopServer, test } from '../e2e/harness.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const PKG = resolve(process.argv[2] ?? join(ROOT, 'pkg'));
const CLI = process.env.SLICE_SEAL_CLI ?? join(ROOT, 'target', 'debug', 'slice-seal');
const KEY = join(HERE, 'fixtures', 'kit-example.private.jwk');
const KIT_CLI = ['node_modules/govuk-prototype-kit/bin/cli'];
const FORM_ID = 'vetting-step-1';
const MARKED = ['full-name', 'dob-day', 'dob-month', 'dob-year'];

/** Run a command to completion (bounded); returns { status, out }. */
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, ...opts });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** A kit in `dir`: package.json, node_modules (linked + slice-seal unpacked), the kit's `init`, our pages. */
function makeKit(dir) {
  mkdirSync(dir);
  const pack = run('npm', ['pack', PKG, '--pack-destination', dir, '--ignore-scripts', '--json', '--loglevel=error']);
  assert(pack.status === 0, `npm pack ${PKG} failed:\n${pack.out}`);
  const tarball = JSON.parse(pack.out.slice(pack.out.indexOf('[')))[0].filename;
  const nm = join(dir, 'node_modules');
  mkdirSync(nm);
  for (const e of readdirSync(join(HERE, 'node_modules'))) {
    if (!e.startsWith('.')) symlinkSync(join(HERE, 'node_modules', e), join(nm, e));
  }
  mkdirSync(join(nm, 'slice-seal'));
  const untar = run('tar', ['-xzf', join(dir, tarball), '-C', join(nm, 'slice-seal'), '--strip-components=1']);
  assert(untar.status === 0, `tar failed: ${untar.out}`);
  const locked = JSON.parse(readFileSync(join(HERE, 'package.json'), 'utf8')).dependencies;
  // What `npm install govuk-prototype-kit govuk-frontend ./slice-seal-x.tgz` writes.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ dependencies: { ...locked, 'slice-seal': `file:${tarball}` } }, null, 2));
  const init = run('node', [...KIT_CLI, 'init', '--running-within-create-script', '--no-version-control', dir], { cwd: dir });
  assert(init.status === 0, `govuk-prototype-kit init failed:\n${init.out}`);
  cpSync(join(HERE, 'app'), join(dir, 'app'), { recursive: true });
}

/** The kit's own `start`, on 127.0.0.1 and a free port; resolves with { url, proc, log }. */
function startKit(dir) {
  return new Promise((ok, bad) => {
    const env = {
      ...process.env,
      NODE_ENV: 'production', // `start` as on a host: no nodemon, no browser-sync
      USE_AUTH: 'false', // no password page
      USE_HTTPS: 'false', // no redirect to https
      PORT: '0',
      NODE_OPTIONS: `--require ${join(HERE, 'loopback.cjs')}`,
    };
    const proc = spawn(process.execPath, [...KIT_CLI, 'start'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = [];
    let done = false;
    const finish = (f, v) => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        f(v);
      }
    };
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      finish(bad, new Error(`the kit did not start in 90 s:\n${log.join('')}`));
    }, 90_000);
    const onData = (c) => {
      log.push(c.toString());
      const m = /\[loopback\] listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(log.join(''));
      if (m) finish(ok, { url: m[1], proc, log });
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => finish(bad, new Error(`the kit exited ${code}:\n${log.join('')}`)));
  });
}

/** form.js and every file it loads: relative imports, followed through, and `new URL('…', import.meta.url)`. */
function pageModules(pkgDir) {
  const seen = new Set(['form.js']);
  const todo = ['form.js'];
  while (todo.length) {
    const file = todo.pop();
    const src = readFileSync(join(pkgDir, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const refs = [
      ...src.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm),
      ...src.matchAll(/new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g),
    ].map((m) => posix.normalize(posix.join(posix.dirname(file), m[1])));
    for (const r of refs) {
      if (!seen.has(r)) {
        seen.add(r);
        if (r.endsWith('.js')) todo.push(r);
      }
    }
  }
  return [...seen].sort();
}

let tmp;
let kitDir;
let kit;
let browser;

/** The kit, started by the first test that needs it (after validate-plugin). */
async function kitUp() {
  if (!kit) {
    const t = Date.now();
    kit = await startKit(kitDir);
    console.log(`# kit started at ${kit.url} in ${Date.now() - t} ms`);
  }
  return kit;
}

/** A page that records page errors and console errors; fails the test on any. */
async function openPage(path) {
  await kitUp();
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console.error: ${m.text()}`));
  // networkidle: the page's scripts (the kit's, govuk-frontend's, form.js and the wasm) have loaded.
  const resp = await page.goto(kit.url + path, { waitUntil: 'networkidle' });
  assertEq(resp.status(), 200, `GET ${path}`);
  return { page, problems };
}

test('validate-plugin: the kit accepts the installed package, and refuses a broken config', async () => {
  const good = run('node', [...KIT_CLI, 'validate-plugin', 'node_modules/slice-seal'], { cwd: kitDir });
  assert(good.status === 0 && good.out.includes('The plugin config is valid.'), `validate-plugin failed:\n${good.out}`);
  // The same check on a copy whose script entry is written as a page's <script> (src, not path).
  const broken = join(tmp, 'broken');
  cpSync(join(kitDir, 'node_modules', 'slice-seal'), broken, { recursive: true });
  const cfg = JSON.parse(readFileSync(join(broken, 'govuk-prototype-kit.config.json'), 'utf8'));
  cfg.scripts = [{ src: '/form.js', type: 'module' }];
  writeFileSync(join(broken, 'govuk-prototype-kit.config.json'), JSON.stringify(cfg));
  const bad = run('node', [...KIT_CLI, 'validate-plugin', broken], { cwd: kitDir });
  assert(bad.status !== 0 && /In section scripts/.test(bad.out), `validate-plugin accepted a broken config:\n${bad.out}`);
});

test('the sliceSealForm page renders in the kit: form attributes, key script, disabled button, plugin script', async () => {
  await kitUp();
  const resp = await fetch(`${kit.url}/personal-details`);
  assertEq(resp.status, 200, 'GET /personal-details');
  const html = await resp.text();
  assert(/<form method="post" action="\/check-answers" novalidate autocomplete="off"\s+data-module="slice-seal" data-slice-seal-form="vetting-step-1" data-slice-seal-kid="8fjixGr7taouL3jOC1tfTECRQMyFx1jzZ1KGhg2xeTI">/.test(html), `form tag:\n${html.slice(html.indexOf('<form'), html.indexOf('<form') + 300)}`);
  assert(html.includes('<script type="application/jwk-set+json" data-slice-seal-key>{"keys":[{"kty":"EC"'), 'inline key script');
  assert(/<button type="submit" class="govuk-button" data-module="govuk-button" disabled aria-disabled="true">Save and continue<\/button>/.test(html), 'submit button rendered disabled (nothing sent without JavaScript)');
  // govukInput / govukDateInput `attributes` mark the name input and the date group.
  const flat = html.replace(/\s+/g, ' ');
  assert(flat.includes('id="full-name" name="full-name" type="text" data-slice-seal="">'), 'full-name marked');
  assert(flat.includes('class="govuk-date-input" data-slice-seal="" id="dob">'), 'date of birth group marked');
  assert(flat.includes('id="email" name="email" type="email">'), 'email unmarked');
  assert(html.includes('<script type="module" src="/plugin-assets/slice-seal/form.js"></script>'), 'the kit adds form.js as a module script');
  // Every module form.js loads (relative imports followed through) and the .wasm are served by the kit.
  for (const path of pageModules(join(kitDir, 'node_modules', 'slice-seal'))) {
    const r = await fetch(`${kit.url}/plugin-assets/slice-seal/${path}`);
    const type = path.endsWith('.wasm') ? 'application/wasm' : 'javascript';
    assert(r.status === 200, `GET /plugin-assets/slice-seal/${path}: ${r.status} (missing from the config's assets?)`);
    assert((r.headers.get('content-type') ?? '').includes(type), `${path}: content-type ${r.headers.get('content-type')}`);
    await r.arrayBuffer();
  }
});

test('the package README shows this page verbatim, and the versions tested', async () => {
  const readme = readFileSync(join(kitDir, 'node_modules', 'slice-seal', 'README.md'), 'utf8');
  const page = readFileSync(join(HERE, 'app', 'views', 'personal-details.html'), 'utf8');
  assert(readme.includes('```njk\n' + page + '```\n'), 'README.md (Prototype Kit) does not show app/views/personal-details.html as it is');
  const deps = JSON.parse(readFileSync(join(HERE, 'package.json'), 'utf8')).dependencies;
  const said = readme.replace(/\s+/g, ' ');
  for (const [name, v] of Object.entries(deps)) assert(said.includes(`${name} ${v}`), `README.md does not say "${name} ${v}"`);
});

test('in Chromium the form is protected, and the kit receives only envelopes for the marked fields', async () => {
  const { page, problems } = await openPage('/personal-details');
  try {
    const button = page.locator('form[data-module="slice-seal"] button[type="submit"]');
    await page.waitForFunction(() => {
      const b = document.querySelector('form[data-module="slice-seal"] button[type="submit"]');
      return b && !b.disabled;
    }, null, { timeout: 30_000 });
    // Marked controls lost their name at start (kept in data-slice-seal-name).
    const names = await page.evaluate(() => [...document.querySelectorAll('form input')].map((i) => [i.id, i.getAttribute('name'), i.getAttribute('data-slice-seal-name')]));
    assertEq(names, [
      ['full-name', null, 'full-name'], ['dob-day', null, 'dob-day'], ['dob-month', null, 'dob-month'], ['dob-year', null, 'dob-year'], ['email', 'email', null],
    ], 'marked controls nameless, the unmarked one named');
    const typed = { 'full-name': 'Ada Lovelace', 'dob-day': '10', 'dob-month': '12', 'dob-year': '1815', email: 'ada@example.org' };
    for (const [id, v] of Object.entries(typed)) await page.fill(`#${id}`, v);
    const posts = [];
    page.on('request', (r) => r.method() === 'POST' && posts.push({ url: r.url(), body: r.postData() ?? '' }));
    await Promise.all([page.waitForURL(`${kit.url}/check-answers`, { timeout: 30_000 }), button.click()]);
    assertEq(posts.map((p) => p.url), [`${kit.url}/check-answers`], 'one POST, to the form action');
    const raw = posts[0].body;
    for (const secret of ['Lovelace', 'Ada', '1815']) assert(!raw.includes(secret), `the POST body carries "${secret}" in clear`);
    const body = Object.fromEntries(new URLSearchParams(raw));
    assertEq(Object.keys(body).sort(), [...MARKED, 'email', 'slice-seal-submission'].sort(), 'POST fields');
    assertEq(body.email, typed.email, 'the unmarked field is sent as typed');
    for (const f of MARKED) assert(/^ss1\.[A-Za-z0-9_-]+$/.test(body[f]), `${f} is an envelope: ${body[f]}`);
    // What the kit's app received (app/routes.js records each body). Its session
    // data is not read: the kit's file store can lose a save that races the
    // redirect it follows (express-session sends a 302's headers before the
    // store has written; a read of a half-written file destroys the session).
    const received = await (await fetch(`${kit.url}/test/received`)).json();
    assertEq(received, [body], 'the kit received what was sent, once');
    // The high side: the CLI opens each envelope under its form, field and submission id.
    const key = join(tmp, 'kit-example.private.jwk'); // a copy with mode 0600, as the CLI wants a key file
    cpSync(KEY, key);
    chmodSync(key, 0o600);
    const opened = run(CLI, ['open', '--strict', '--key', key, '--json'], { input: MARKED.map((f) => body[f]).join('\n') + '\n' });
    assert(opened.status === 0, `slice-seal open failed:\n${opened.out}`);
    const lines = opened.out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    assertEq(lines.map((l) => [l.form, l.field, l.submission, l.plaintext]),
      MARKED.map((f) => [FORM_ID, f, body['slice-seal-submission'], typed[f]]), 'opened slices');
    assertEq(problems, [], 'no page errors or console errors');
  } finally {
    await page.close();
  }
});

test('a kit page without a slice-seal form loads form.js (the layout adds it to every page) but not the .wasm', async () => {
  await kitUp();
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
  const page = await browser.newPage();
  try {
    const urls = [];
    page.on('request', (r) => urls.push(new URL(r.url()).pathname));
    const resp = await page.goto(`${kit.url}/check-answers`, { waitUntil: 'networkidle' });
    assertEq(resp.status(), 200, 'GET /check-answers');
    assertEq(await page.locator('form[data-module="slice-seal"]').count(), 0, 'no slice-seal form on the page');
    const ours = urls.filter((u) => u.startsWith('/plugin-assets/slice-seal/'));
    assert(ours.includes('/plugin-assets/slice-seal/form.js'), `form.js not loaded: ${ours}`);
    assert(!ours.some((u) => u.endsWith('.wasm')), `a page without a form downloaded the .wasm: ${ours}`);
    const api = await page.evaluate(async () => (await import('/plugin-assets/slice-seal/form.js')).ready.then((r) => [r.count, r.api]));
    assertEq(api, [0, null], 'ready resolves at once with count 0 and no api');
  } finally {
    await page.close();
  }
});

test('sliceSealForm without an import (nunjucksMacros), key set from the kit\'s /public', async () => {
  const { page, problems } = await openPage('/auto-import');
  try {
    assertEq(await page.locator('form[data-module="slice-seal"]').getAttribute('data-slice-seal-jwks-url'), '/public/keys.json', 'form rendered by the macro');
    await page.waitForFunction(() => {
      const b = document.querySelector('form[data-module="slice-seal"] button[type="submit"]');
      return b && !b.disabled;
    }, null, { timeout: 30_000 });
    assertEq(await page.locator('#reference').getAttribute('name'), null, 'marked control nameless');
    assertEq(problems, [], 'no page errors or console errors');
  } finally {
    await page.close();
  }
});

let result = { passed: 0, failed: 1 };
const t0 = Date.now();
try {
  tmp = mkdtempSync(join(tmpdir(), 'slice-seal-kit-'));
  kitDir = join(tmp, 'kit');
  makeKit(kitDir);
  console.log(`# kit made in ${Date.now() - t0} ms`);
  result = await runAll(process.argv[3]);
} catch (e) {
  console.error(`prototype-kit: setup failed: ${e.stack || e}`);
  if (kit) console.error(kit.log.join(''));
} finally {
  if (browser) await browser.close().catch(() => {});
  await stopServer(kit);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
console.log(`prototype-kit: ${Date.now() - t0} ms`);
console.log(`${result.passed} passed, ${result.failed} failed`);
process.exit(result.failed === 0 && result.passed > 0 ? 0 : 1);
