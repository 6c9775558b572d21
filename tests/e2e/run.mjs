#!/usr/bin/env node
// The end-to-end cases that stay Chromium-only (playwright-core,
// /usr/bin/chromium): those that need Playwright's request interception of
// binary request bodies and setInputFiles with in-memory files (test n, the
// documents step). Every other browser case is in tests/e2e/engines.mjs,
// which runs in Chromium, Firefox and WebKit.
//
//   node tests/e2e/run.mjs [name-filter]
// Needs: target/release/slice-seal, www/dist (node www/build.mjs), tests/node_modules.
// Prints `N passed, N failed`; exit status 1 if any failed.

import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

import {
  ROOT, CLI, ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, startServer, stopServer, makeDataDir, removeDir,
  readStore, test, assert, assertEq, runAll,
} from './harness.mjs';

let browser;
let dataDir;
let low;
let high;

async function newContext(options = {}) {
  const ctx = await browser.newContext(options);
  const posts = [];
  const errors = [];
  ctx.on('request', (r) => {
    if (r.method() !== 'GET') posts.push({ url: r.url(), method: r.method(), body: r.postData() ?? '' });
  });
  ctx.on('page', (p) => {
    p.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
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

function encodings(v) {
  return [v, encodeURIComponent(v), new URLSearchParams({ a: v }).toString().slice(2), JSON.stringify(v).slice(1, -1)];
}

function highAnswers(r) {
  return fetch(`${high}/api/applicant/${r}`).then((x) => x.json());
}

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
