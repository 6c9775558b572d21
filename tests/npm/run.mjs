// Consumer tests of the built npm package (run by tests/run-wasm.sh after
// .ci/build-pkg):
//   (a) a Vite 7 app, (b) a webpack 5 app, (c) a plain <script type="module">
//   page, (h) sealed files (apps/files.js: round trips, every tamper case,
//   WebCrypto and wasm chunks) — each built/served on 127.0.0.1 and run in
//   headless Chromium (playwright-core), in Firefox (geckodriver, through
//   ../e2e/drivers.mjs) and in WebKit (WebKitGTK's MiniBrowser through
//   WebKitWebDriver under Xvfb, ./webkit.mjs), one test per engine;
//   (d) Node import and require, and sealed files in Node (the same cases,
//   the stream API over files, 100 MiB); (e) @hpke/core interop both ways;
//   (f) `npm pack --dry-run` lists exactly the expected files.
// The package is installed into each app from its own `npm pack` tarball, so
// the apps see exactly what a user would get. No registry access.
//
//   node tests/npm/run.mjs            (package in ./pkg, or $SLICE_SEAL_PKG)
//   SLICE_SEAL_NPM_SEALS=100000       seals in the plain page's memory test
//   SLICE_SEAL_NPM_BROWSERS="chromium firefox webkit"   engines for (a)-(c), (h)
//   SLICE_SEAL_NPM_FILE_MIB=100     size of the Node big-file round trip
//   SLICE_SEAL_NPM_FILE_BIG_MIB=640 the Blob sealed in Chromium: readable or STORAGE_FAILED (0: none)
//
// Prints `npm: N passed, N failed` and exits non-zero on any failure.
import assert from 'node:assert/strict';
import { execFile as execFileCb } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expectedFileCases } from './apps/files.js';
import { serve } from './server.mjs';
import { ERROR_RECORDER, startWebKit } from './webkit.mjs';

const execFile = promisify(execFileCb);
const here = path.dirname(fileURLToPath(import.meta.url));
const testsDir = path.dirname(here);
const root = path.dirname(testsDir);
const pkgDir = path.resolve(process.env.SLICE_SEAL_PKG || path.join(root, 'pkg'));
const work = path.join(testsDir, 'artifacts', 'npm');
const SEALS = Number(process.env.SLICE_SEAL_NPM_SEALS || '100000');
const CHROMIUM_ARGS = [
  '--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run',
];
const requireTests = createRequire(path.join(testsDir, 'package.json'));
const ENGINE_NAMES = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKit' };
const ENGINES = (process.env.SLICE_SEAL_NPM_BROWSERS || 'chromium firefox webkit').split(/\s+/).filter(Boolean);
const FILE_MIB = Number(process.env.SLICE_SEAL_NPM_FILE_MIB || '100');
const FILE_BIG_MIB = Number(process.env.SLICE_SEAL_NPM_FILE_BIG_MIB || '640');
for (const e of ENGINES) {
  if (!ENGINE_NAMES[e]) {
    console.error(`unknown engine ${e} in SLICE_SEAL_NPM_BROWSERS (chromium firefox webkit)`);
    process.exit(2);
  }
}

const results = [];
async function test(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok - ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`not ok - ${name} (${Date.now() - t0} ms)\n  ${String(e && e.stack || e).split('\n').join('\n  ')}`);
  }
}

// ---------------------------------------------------------------- setup

if (!fs.existsSync(path.join(pkgDir, 'package.json'))) {
  console.error(`no package at ${pkgDir}: run .ci/build-pkg first`);
  console.log('npm: 0 passed, 1 failed');
  process.exit(1);
}
const pkgJson = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });

// npm pack once; every app installs from this tarball.
const { stdout: packOut } = await execFile('npm', ['pack', '--json', '--pack-destination', work], {
  cwd: pkgDir, timeout: 120_000,
});
const tarball = path.join(work, JSON.parse(packOut)[0].filename);

async function installInto(appDir) {
  const dest = path.join(appDir, 'node_modules', 'slice-seal');
  fs.mkdirSync(dest, { recursive: true });
  await execFile('tar', ['-xzf', tarball, '-C', dest, '--strip-components=1'], { timeout: 60_000 });
}

function copyApp(name, into) {
  const dir = path.join(work, into || name);
  fs.cpSync(path.join(here, 'apps', name), dir, { recursive: true });
  return dir;
}

let browser = null;
async function getBrowser() {
  if (!browser) {
    const { chromium } = requireTests('playwright-core');
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
  }
  return browser;
}

/** Load `url` in a fresh Chromium page, wait (bounded) for window.__result. */
async function runPageChromium(url, timeoutMs) {
  const b = await getBrowser();
  const context = await b.newContext();
  const page = await context.newPage();
  const errors = [];
  const offHost = [];
  const wasmResponses = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('response', (r) => {
    if (r.url().endsWith('.wasm')) wasmResponses.push({ url: r.url(), status: r.status(), type: r.headers()['content-type'] });
  });
  await page.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.hostname === '127.0.0.1') return route.continue();
    offHost.push(u.href);
    return route.abort();
  });
  try {
    await page.goto(url, { timeout: 30_000 });
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: timeoutMs, polling: 250 });
    const result = await page.evaluate(() => window.__result);
    return { result, errors, offHost, wasmResponses };
  } finally {
    await context.close();
  }
}

let webkit = null;
async function getWebKit() {
  if (!webkit) webkit = startWebKit();
  return webkit;
}

let firefox = null;
async function getFirefox() {
  if (!firefox) firefox = import('../e2e/drivers.mjs').then((d) => d.launch('firefox'));
  return firefox;
}

/**
 * Load `url` in a fresh MiniBrowser or Firefox, wait (bounded) for
 * window.__result. What Playwright observes in Chromium comes here from the
 * page and the server: errors from ERROR_RECORDER (which `server` must put in
 * every page), requests to other hosts from the page's resource timing, the
 * .wasm responses from the server's log.
 */
async function runPageWebDriver(engine, url, timeoutMs, server) {
  let session;
  if (engine === 'webkit') {
    session = await (await getWebKit()).newSession({ scriptTimeoutMs: timeoutMs });
    assert.equal(session.capabilities.browserName, 'MiniBrowser');
  } else {
    session = await (await getFirefox()).newSession();
  }
  try {
    await session.goto(url);
    const deadline = Date.now() + timeoutMs;
    let json = null;
    for (;;) {
      json = await session.execute('return window.__result === undefined ? null : JSON.stringify(window.__result);');
      if (json !== null) break;
      if (Date.now() > deadline) {
        const status = await session.execute('return [document.readyState, String(window.__errors)];').catch((e) => String(e));
        throw new Error(`no window.__result after ${timeoutMs} ms (${JSON.stringify(status)})`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const result = JSON.parse(json);
    const errors = await session.execute('return window.__errors === undefined ? null : window.__errors.slice();');
    assert.ok(Array.isArray(errors), 'the error recorder ran in the page');
    const urls = await session.execute(
      "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).map((e) => e.name);",
    );
    const offHost = urls.filter((u) => new URL(u).hostname !== '127.0.0.1');
    const wasmResponses = server.responses.filter((r) => r.path.endsWith('.wasm'))
      .map((r) => ({ url: server.url + r.path, status: r.status, type: r.type }));
    return { result, errors, offHost, wasmResponses, userAgent: await session.execute('return navigator.userAgent;') };
  } finally {
    await session.close();
  }
}

/** Serve `mounts` and run `url` (a path) in `engine`; the server is closed after. */
async function runIn(engine, mounts, urlPath, timeoutMs, check) {
  const server = await serve(mounts, engine === 'chromium' ? {} : { htmlPrelude: ERROR_RECORDER });
  try {
    const url = `${server.url}${urlPath}`;
    const p = engine === 'chromium' ? await runPageChromium(url, timeoutMs) : await runPageWebDriver(engine, url, timeoutMs, server);
    await check(p, server);
  } finally {
    await server.close();
  }
}

/** Memoize an async step (one build shared by the engines' tests). */
function once(fn) {
  let p = null;
  return () => (p ||= fn());
}

function checkRoundTrip(r) {
  assert.equal(r.ok, true, r.error);
  assert.equal(r.prefix, 'ss1.');
  assert.equal(r.text, 'Grace Hopper ✓');
  assert.deepEqual(r.bytes, [1, 2, 3]);
  assert.equal(r.inspectKidMatches, true);
  assert.equal(r.sealerKid, true);
  assert.equal(r.ecdhLength, 32);
  assert.equal(r.moved, 'CONTEXT_MISMATCH');
  assert.deepEqual(r.wrongType, { isError: true, name: 'SliceSealError', code: 'INVALID_ARGUMENT' });
  assert.deepEqual(r.afterFree, { isError: true, isTrap: false });
  // The async API: the same envelopes; every page here is a secure context
  // (Node ≥ 19 has globalThis.crypto), so both backends were timed and the
  // faster one used.
  assert.equal(r.async.hasSubtle, true);
  const { choices, ...rest } = r.async;
  console.log(`  backend choice: ${choices}`);
  assert.deepEqual(rest, {
    text: 'Ada Lovelace ✓', oneShot: 'one-shot', syncOpen: 'Ada Lovelace ✓',
    sealBackendIsChoice: true, openBackendIsChoice: true, bothTimed: true, hasSubtle: true, moved: 'CONTEXT_MISMATCH',
  }, choices);
}

/** The shared sealed-file cases (apps/files.js), as every engine must report them. */
function checkFileCases(r, sizes = [0, 1, 65535, 65536, 65537, 3 * 65536, 40 * 65536 + 7]) {
  assert.equal(r.ok, true, r.error);
  const want = expectedFileCases(sizes);
  assert.equal(r.type, 'application/vnd.slice-seal.file');
  assert.deepEqual(r.roundTrips.map((t) => t.size), want.sizes);
  for (const t of r.roundTrips) {
    assert.deepEqual(t, {
      size: t.size, sealedType: 'application/vnd.slice-seal.file', sealedSizeOk: true, same: true,
      name: 'scan ✓.pdf', type: 'application/pdf', blobType: 'application/pdf', openedSize: t.size, chunkSize: 65536,
      context: { form: 'consumer-files', field: 'document', submission: 's-1' }, kidOk: true,
      sealProgressOk: true, openProgressOk: true,
    }, `round trip of ${t.size} bytes`);
  }
  assert.deepEqual(r.format, {
    magic: true, headerIsSlice: true, version: 1, chunkSize: 65536, size: 3 * 65536 + 5,
    nameType: ['a.bin', 'application/octet-stream'], hpLength: true, chunksDecrypt: true, endsAtLastChunk: true,
    lastAsNotLast: 'failed',
  });
  // 6 chunks: WebCrypto seals/opens each with one AES-GCM call; the wasm path makes none.
  assert.deepEqual(r.backends, {
    webCryptoSealCalls: 6, wasmSealCalls: 0, webCryptoOpenCalls: 6, wasmOpenCalls: 0, sameSize: true,
    wasmSealedOpensWithWebCrypto: true, webCryptoSealedOpensWithWasm: true, sealerAndOpenerObjects: true,
  });
  assert.deepEqual(r.tamper, want.tamper);
  assert.deepEqual(r.layout, want.layout);
  assert.deepEqual(r.sealErrors, want.sealErrors);
}

function checkPage(p) {
  checkRoundTrip(p.result);
  assert.deepEqual(p.errors, [], 'page errors');
  assert.deepEqual(p.offHost, [], 'requests to other hosts');
  assert.equal(p.wasmResponses.length, 1, `one .wasm fetched: ${JSON.stringify(p.wasmResponses)}`);
  assert.equal(p.wasmResponses[0].status, 200);
  assert.equal(p.wasmResponses[0].type, 'application/wasm');
}

// ---------------------------------------------------------------- (f) npm pack

await test('npm pack --dry-run lists exactly the package files', async () => {
  const { stdout } = await execFile('npm', ['pack', '--dry-run', '--json'], { cwd: pkgDir, timeout: 120_000 });
  const [info] = JSON.parse(stdout);
  const files = info.files.map((f) => f.path).sort();
  const expected = [
    'README.md', 'file.d.ts', 'file.js', 'form.d.ts', 'form.js', 'index.d.ts', 'index.js', 'node.cjs', 'node.mjs',
    'file.js.map', 'form.js.map', 'index.js.map', 'lean.js.map', 'lean/slice_seal_lean.js.map', 'web/slice_seal.js.map',
    'lean.js', 'lean.d.ts', 'lean/slice_seal_lean.js', 'lean/slice_seal_lean.d.ts', 'lean/slice_seal_lean_bg.wasm',
    'node/file.cjs', 'node/package.json', 'node/slice_seal.js', 'package.json',
    'govuk-prototype-kit.config.json', 'nunjucks/slice-seal/form/macro.njk', 'nunjucks/slice-seal/form/template.njk',
    'web/slice_seal.d.ts', 'web/slice_seal.js', 'web/slice_seal_bg.wasm',
  ].sort();
  assert.deepEqual(files, expected);
  assert.equal(info.name, 'slice-seal');
  assert.equal(info.version, pkgJson.version);
  const cargo = fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8');
  assert.equal(pkgJson.version, /^version = "([^"]+)"/m.exec(cargo)[1], 'version from Cargo.toml');
  assert.equal(pkgJson.type, 'module');
  assert.equal(pkgJson.exports['.'].node.import, './node.mjs');
  assert.equal(pkgJson.exports['.'].node.require, './node.cjs');
  assert.equal(pkgJson.exports['.'].browser, './index.js');
  // Everything the exports map points at is packed.
  const targets = [];
  (function walk(v) {
    if (typeof v === 'string') targets.push(v.replace(/^\.\//, ''));
    else for (const x of Object.values(v)) walk(x);
  })(pkgJson.exports);
  assert.ok(targets.length >= 8);
  for (const t of targets) assert.ok(files.includes(t), `exports target ${t} is packed`);
  // The browser JS is minified, each file with its source map, whose source is
  // pkg-template/'s readable file (the glue's: wasm-bindgen's output).
  for (const map of files.filter((f) => f.endsWith('.js.map'))) {
    const js = map.slice(0, -4);
    const code = fs.readFileSync(path.join(pkgDir, js), 'utf8');
    const base = path.posix.basename(js);
    assert.ok(code.endsWith(`//# sourceMappingURL=${base}.map\n`), `${js} names its map`);
    const m = JSON.parse(fs.readFileSync(path.join(pkgDir, map), 'utf8'));
    assert.equal(m.version, 3);
    assert.equal(m.file, base);
    assert.equal(m.sourcesContent.length, 1);
    assert.ok(m.mappings.length > 0);
    assert.ok(code.length < m.sourcesContent[0].length * 0.7, `${js} is minified`);
    const tpl = path.join(root, 'pkg-template', js);
    if (fs.existsSync(tpl)) assert.equal(m.sourcesContent[0], fs.readFileSync(tpl, 'utf8'), `${map}: the source is pkg-template/${js}`);
  }
});

// ---------------------------------------------------------------- (d) Node

const nodeApp = path.join(work, 'node-app');
fs.mkdirSync(nodeApp, { recursive: true });
await installInto(nodeApp);

await test('Node: import and require both round-trip (one shared instance)', async () => {
  fs.writeFileSync(path.join(nodeApp, 'esm.mjs'), `
    import init, * as m from 'slice-seal';
    import { createRequire } from 'node:module';
    import { roundTrip } from './roundtrip.js';
    const cjs = createRequire(import.meta.url)('slice-seal');
    const r = await roundTrip({ ...m, default: init });
    const resolved = import.meta.resolve('slice-seal');
    console.log(JSON.stringify({ ok: true, ...r, same: cjs.Sealer === m.Sealer, resolved }));
  `);
  fs.writeFileSync(path.join(nodeApp, 'cjs.cjs'), `
    const m = require('slice-seal');
    import('./roundtrip.js').then(({ roundTrip }) => roundTrip(m)).then((r) => {
      console.log(JSON.stringify({ ok: true, ...r, resolved: require.resolve('slice-seal') }));
    });
  `);
  fs.copyFileSync(path.join(here, 'apps', 'roundtrip.js'), path.join(nodeApp, 'roundtrip.js'));
  fs.writeFileSync(path.join(nodeApp, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  const esm = JSON.parse((await execFile(process.execPath, ['esm.mjs'], { cwd: nodeApp, timeout: 60_000 })).stdout);
  checkRoundTrip(esm);
  assert.equal(esm.same, true);
  assert.ok(esm.resolved.endsWith('/node_modules/slice-seal/node.mjs'), esm.resolved);
  const cjs = JSON.parse((await execFile(process.execPath, ['cjs.cjs'], { cwd: nodeApp, timeout: 60_000 })).stdout);
  checkRoundTrip(cjs);
  assert.ok(cjs.resolved.endsWith('/node_modules/slice-seal/node.cjs'), cjs.resolved);
});

await test(`Node: sealed files (round trips, tamper codes, WebCrypto/wasm chunks, streams over files, ${FILE_MIB} MiB)`, async () => {
  for (const f of ['files.js', 'files-node.mjs']) fs.copyFileSync(path.join(here, 'apps', f), path.join(nodeApp, f));
  const { stdout } = await execFile(process.execPath, ['files-node.mjs', String(FILE_MIB)], {
    cwd: nodeApp, timeout: 300_000, maxBuffer: 16 << 20,
  });
  const r = JSON.parse(stdout);
  assert.equal(r.ok, true, r.error);
  checkFileCases({ ok: true, ...r.cases });
  assert.equal(r.cjsSame, true, 'require and import give the same file functions');
  assert.equal(r.sealIsReadable, true);
  assert.deepEqual(r.streams, {
    sealedSize: true, streamSealedOpensAsBlob: true, streamOpened: true,
    meta: { name: 'letter.pdf', type: 'application/pdf', size: 40 * 65536 + 123, context: { form: 'consumer-files', field: 'document' }, kidOk: true },
    openIsReadable: true, blobSealedOpensAsStream: true, sealProgress: true, openProgress: true, webStreamSource: true,
    sourceShort: 'FILE_TRUNCATED', sourceLong: 'FILE_EXTENDED', sizeMissing: 'INVALID_ARGUMENT',
  });
  // Header errors reject; body errors fail the stream after only authenticated
  // bytes (a prefix of the plaintext, none of the bad chunk's window or the one before).
  const t = r.streamTamper;
  assert.deepEqual(t.wrongContext, { rejected: 'CONTEXT_MISMATCH' });
  assert.deepEqual(t.magic, { rejected: 'MALFORMED_FILE' });
  assert.deepEqual(t.chunk33, { code: 'CHUNK_DECRYPT_FAILED', emitted: 16 * 65536, prefix: true });
  assert.deepEqual(t.truncated, { code: 'FILE_TRUNCATED', emitted: 16 * 65536, prefix: true });
  assert.deepEqual(t.extended, { code: 'FILE_EXTENDED', emitted: 32 * 65536, prefix: true });
  if (FILE_MIB > 0) {
    const b = r.big;
    assert.deepEqual([b.mib, b.blobRoundTrip, b.sealedSize, b.streamRoundTrip], [FILE_MIB, true, true, true]);
    console.log(`  ${FILE_MIB} MiB in Node: sealFile ${b.msSealBlob} ms, openFile ${b.msOpenBlob} ms, sealFileStream ${b.msSealStream} ms, openFileStream ${b.msOpenStream} ms (process RSS at most ${b.rssPeakOpenStreamMiB} MiB while opening the stream, after the Blob round trip)`);
  }
});

// ---------------------------------------------------------------- (e) @hpke/core

const enc = new TextEncoder();
function lp(s) {
  const b = enc.encode(s);
  return [b.length >> 8, b.length & 0xff, ...b];
}
/** info per docs/FORMAT.md: lp("slice-seal/v1") || lp(form) || lp(field) || lp(submission or ""). */
function infoFor({ form, field, submission }) {
  return new Uint8Array([...lp('slice-seal/v1'), ...lp(form), ...lp(field), ...lp(submission || '')]);
}
const b64u = {
  decode: (s) => new Uint8Array(Buffer.from(s, 'base64url')),
  encode: (b) => Buffer.from(b).toString('base64url'),
};
/** Split an envelope body per the format. */
function parseEnvelope(text) {
  assert.ok(text.startsWith('ss1.'));
  const b = b64u.decode(text.slice(4));
  const u16 = (i) => (b[i] << 8) | b[i + 1];
  const infoLen = u16(38);
  const infoEnd = 40 + infoLen;
  return {
    kem: u16(0), kdf: u16(2), aead: u16(4),
    kid: b.slice(6, 38), info: b.slice(40, infoEnd),
    enc: b.slice(infoEnd, infoEnd + 65), ct: b.slice(infoEnd + 65),
  };
}
function buildEnvelope({ kid, info, enc: encBytes, ct }) {
  const head = [0x00, 0x10, 0x00, 0x01, 0x00, 0x02];
  const body = new Uint8Array([...head, ...kid, info.length >> 8, info.length & 0xff, ...info, ...encBytes, ...ct]);
  return `ss1.${b64u.encode(body)}`;
}

await test('@hpke/core opens our envelopes and we open @hpke/core\'s; moved slices fail', async () => {
  const ss = createRequire(path.join(nodeApp, 'x.js'))('slice-seal');
  const hpke = await import(pathToFileURL(requireTests.resolve('@hpke/core')).href);
  const suite = new hpke.CipherSuite({
    kem: new hpke.DhkemP256HkdfSha256(), kdf: new hpke.HkdfSha256(), aead: new hpke.Aes256Gcm(),
  });
  const kp = ss.generateKeyPair();
  const { kty, crv, x, y, d } = kp.privateKey;
  const sk = await suite.kem.importKey('jwk', { kty, crv, x, y, d }, false);
  const pk = await suite.kem.importKey('jwk', { kty, crv, x, y }, true);
  const ctx = { form: 'vetting-step-2', field: 'date-of-birth', submission: 'sub-42' };
  const moved = { ...ctx, field: 'surname' };

  // Ours -> @hpke/core, with info built from the context (not copied).
  const env = ss.seal(kp.publicKey, '1990-04-01', ctx);
  const parts = parseEnvelope(env);
  assert.deepEqual([parts.kem, parts.kdf, parts.aead], [0x10, 0x01, 0x02]);
  assert.equal(b64u.encode(parts.kid), kp.publicKey.kid);
  assert.deepEqual(parts.info, infoFor(ctx));
  const pt = await suite.open({ recipientKey: sk, enc: parts.enc, info: infoFor(ctx) }, parts.ct);
  assert.equal(new TextDecoder().decode(pt), '1990-04-01');
  await assert.rejects(
    suite.open({ recipientKey: sk, enc: parts.enc, info: infoFor(moved) }, parts.ct),
    (e) => e instanceof hpke.OpenError,
  );

  // @hpke/core -> ours, envelope assembled per the format.
  const info = infoFor(ctx);
  const sealed = await suite.seal({ recipientPublicKey: pk, info }, enc.encode('sealed by @hpke/core ✓'));
  const theirs = buildEnvelope({
    kid: b64u.decode(kp.publicKey.kid), info, enc: new Uint8Array(sealed.enc), ct: new Uint8Array(sealed.ct),
  });
  assert.equal(ss.openText(kp.privateKey, theirs, ctx), 'sealed by @hpke/core ✓');
  assert.deepEqual(ss.inspect(theirs).field, 'date-of-birth');
  assert.throws(() => ss.open(kp.privateKey, theirs, moved), (e) => e.code === 'CONTEXT_MISMATCH');
  // Moved by rewriting the clear context (same length): authentication fails.
  const forged = buildEnvelope({
    kid: b64u.decode(kp.publicKey.kid), info: infoFor({ ...ctx, field: 'date-of-DEATH' }),
    enc: new Uint8Array(sealed.enc), ct: new Uint8Array(sealed.ct),
  });
  assert.throws(() => ss.open(kp.privateKey, forged), (e) => e.code === 'DECRYPT_FAILED');
});

// ---------------------------------------------------------------- (g) TypeScript

await test('TypeScript (strict): the declarations type a consumer precisely', async () => {
  const dir = copyApp('types');
  await installInto(dir);
  const tsc = requireTests.resolve('typescript/bin/tsc');
  for (const resolution of [['--moduleResolution', 'Bundler', '--module', 'ESNext'], ['--moduleResolution', 'NodeNext', '--module', 'NodeNext']]) {
    if (resolution[1] === 'NodeNext') fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    try {
      await execFile(process.execPath, [tsc, '-p', dir, ...resolution], { cwd: dir, timeout: 120_000 });
    } catch (e) {
      assert.fail(`tsc ${resolution.join(' ')}:\n${e.stdout}${e.stderr}`);
    }
  }
});

// ---------------------------------------------------------------- (a) Vite

const viteApp = once(async () => {
  const dir = copyApp('vite');
  fs.copyFileSync(path.join(here, 'apps', 'roundtrip.js'), path.join(dir, 'roundtrip.js'));
  await installInto(dir);
  const vite = await import(pathToFileURL(requireTests.resolve('vite')).href);
  await vite.build({ root: dir, logLevel: 'warn', configFile: false, build: { outDir: 'dist', emptyOutDir: true } });
  const assets = fs.readdirSync(path.join(dir, 'dist', 'assets'));
  assert.ok(assets.some((f) => f.endsWith('.wasm')), `vite emitted the .wasm: ${assets}`);
  return dir;
});
for (const engine of ENGINES) {
  await test(`Vite 7 app: vite build, served on 127.0.0.1, round trip in ${ENGINE_NAMES[engine]}`, async () => {
    const dir = await viteApp();
    await runIn(engine, { '/': path.join(dir, 'dist') }, '/index.html', 60_000, (p) => {
      checkPage(p);
      assert.match(p.wasmResponses[0].url, /\/assets\/.*\.wasm$/);
    });
  });
}

// ---------------------------------------------------------------- (b) webpack

const webpackApp = once(async () => {
  const dir = copyApp('webpack');
  fs.copyFileSync(path.join(here, 'apps', 'roundtrip.js'), path.join(dir, 'src', 'roundtrip.js'));
  await installInto(dir);
  const webpack = requireTests('webpack');
  const stats = await new Promise((resolve, reject) => {
    webpack({
      mode: 'production',
      context: dir,
      entry: './src/index.js',
      target: 'web',
      output: { path: path.join(dir, 'dist'), filename: 'main.js', clean: true },
      resolve: { modules: [path.join(dir, 'node_modules'), path.join(testsDir, 'node_modules')] },
      performance: { hints: false },
      infrastructureLogging: { level: 'error' },
    }, (err, s) => (err ? reject(err) : resolve(s)));
  });
  assert.ok(!stats.hasErrors(), stats.toString('errors-only'));
  fs.copyFileSync(path.join(dir, 'index.html'), path.join(dir, 'dist', 'index.html'));
  const out = fs.readdirSync(path.join(dir, 'dist'));
  assert.ok(out.some((f) => f.endsWith('.wasm')), `webpack emitted the .wasm: ${out}`);
  return dir;
});
for (const engine of ENGINES) {
  await test(`webpack 5 app: production build, served on 127.0.0.1, round trip in ${ENGINE_NAMES[engine]}`, async () => {
    const dir = await webpackApp();
    await runIn(engine, { '/': path.join(dir, 'dist') }, '/index.html', 60_000, (p) => checkPage(p));
  });
}

// ---------------------------------------------------------------- (c) plain page

const plainApp = once(async () => {
  const dir = copyApp('plain');
  fs.copyFileSync(path.join(here, 'apps', 'roundtrip.js'), path.join(dir, 'roundtrip.js'));
  return dir;
});
for (const engine of ENGINES) {
  await test(`plain <script type="module"> page: init(wasmUrl), round trip, ${SEALS} seals leave memory flat, in ${ENGINE_NAMES[engine]}`, async () => {
    const dir = await plainApp();
    const mounts = { '/pkg': pkgDir, '/app': dir, '/': dir };
    await runIn(engine, mounts, `/index.html?seals=${SEALS}`, 120_000 + SEALS * 10, (p, server) => {
      checkPage(p);
      assert.equal(p.result.raw, 'plain');
      assert.equal(p.result.sameInstance, true);
      if (SEALS > 0) {
        const m = p.result.memory;
        console.log(`  memory (JS glue, one page, ${ENGINE_NAMES[engine]}): ${m.before} bytes after 1,000 warm-up seals, ${m.after} after ${m.seals} more; ${m.msPerSeal.toFixed(3)} ms per seal`);
        assert.equal(m.lastOpens, true);
        assert.ok(m.after - m.before <= 65536, `wasm memory grew by ${m.after - m.before} bytes`);
      }
      if (p.userAgent) console.log(`  ${p.userAgent}`);
      assert.ok(server.requests.includes('/pkg/web/slice_seal_bg.wasm'));
    });
  });
}

// ---------------------------------------------------------------- (h) sealed files in browsers

// The page imports the package as packed (installed from the tarball).
const filesApp = once(async () => {
  const dir = copyApp('files');
  fs.copyFileSync(path.join(here, 'apps', 'files.js'), path.join(dir, 'files.js'));
  await installInto(dir);
  return dir;
});
for (const engine of ENGINES) {
  await test(`sealed files: round trips, tamper codes, WebCrypto and wasm chunks, in ${ENGINE_NAMES[engine]}`, async () => {
    const dir = await filesApp();
    const mounts = { '/pkg': path.join(dir, 'node_modules', 'slice-seal'), '/app': dir, '/': dir };
    // Chromium: also a Blob larger than its Blob storage here (about 500 MiB).
    const big = engine === 'chromium' ? FILE_BIG_MIB : 0;
    await runIn(engine, mounts, `/index.html?big=${big}`, 180_000, (p) => {
      checkFileCases(p.result);
      if (big > 0) {
        const b = p.result.big;
        console.log(`  sealFile of a ${b.mib} MiB Blob in ${ENGINE_NAMES[engine]}: ${b.outcome}${b.outcome === 'sealed' ? `, readable: ${b.readable}` : ''}`);
        assert.ok(b.outcome === 'STORAGE_FAILED' || (b.outcome === 'sealed' && b.readable === true), `a big sealed Blob is readable or STORAGE_FAILED: ${JSON.stringify(b)}`);
      }
      assert.deepEqual(p.errors, [], 'page errors');
      assert.deepEqual(p.offHost, [], 'requests to other hosts');
    });
  });
}

if (browser) await browser.close();
if (webkit) await (await webkit.catch(() => null))?.close();
if (firefox) await (await firefox.catch(() => null))?.close();
// Every engine asked for ran its page tests (a run with 0 tests in an engine fails).
for (const engine of ENGINES) {
  const mine = results.filter((r) => r.name.endsWith(` in ${ENGINE_NAMES[engine]}`));
  const ok = mine.filter((r) => r.ok).length;
  console.log(`npm[${ENGINE_NAMES[engine]}]: ${ok} passed, ${mine.length - ok} failed`);
  if (mine.length === 0) results.push({ name: `${ENGINE_NAMES[engine]} ran no tests`, ok: false });
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`npm: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
