// The lean entry (pkg/lean.js) in Node (≥ 19: WebCrypto's crypto.subtle):
// its envelopes open with the full module's Opener and with the CLI; every
// bad input of the catalogue (tests/bad-inputs.json) and of the lean path's
// own edge cases gives the same error (name, code, message) as the full
// module; the full module is loaded only when needed; the P-256 backend is
// the faster one measured (WebCrypto's deriveBits delayed → 'wasm').
//
//   node --test tests/npm/lean.test.mjs   (needs pkg/: bash .ci/build-pkg; the CLI: cargo build --release)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { decode, readCatalogue } from '../bad-inputs/catalogue.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PKG = process.env.SLICE_SEAL_PKG ?? join(ROOT, 'pkg');
const CLI = process.env.SLICE_SEAL_CLI ?? join(ROOT, 'target', 'release', 'slice-seal');
const full = await import(pathToFileURL(join(PKG, 'node.mjs')).href);
await full.default();
const LEAN_WASM = readFileSync(join(PKG, 'lean', 'slice_seal_lean_bg.wasm'));

/** A fresh instance of lean.js (its own page-level state), counting loads of the full module. */
async function freshLean(tag) {
  const lean = await import(`${pathToFileURL(join(PKG, 'lean.js')).href}?${tag}`);
  const loads = { full: 0 };
  await lean.default({ wasm: LEAN_WASM, full: () => { loads.full++; return full; } });
  return { lean, loads };
}

/** The full module is loaded only to time its wasm, when WebCrypto measured above the bound. */
async function assertNotLoaded(lean, loads) {
  const c = await lean.backendChoice();
  assert.equal(loads.full, c && c.timings.wasm !== undefined ? 1 : 0, JSON.stringify(c));
}

const kp = full.generateKeyPair();
const other = full.generateKeyPair();
const ctx = { form: 'vetting-step-1', field: 'full-name', submission: 's-1' };

test('lean envelopes open with the full module\'s Opener and with the CLI; the full module is not loaded', async () => {
  const { lean, loads } = await freshLean('roundtrip');
  const s = await lean.createSealer({ keys: [other.publicKey, kp.publicKey] }, { kid: kp.publicKey.kid });
  assert.ok(s instanceof lean.Sealer, 'the lean Sealer');
  assert.equal(s.kid, kp.publicKey.kid);
  const texts = ['Zoë Ōkubo 👩‍💻', '', 'x'.repeat(5000)];
  const envs = [];
  for (const t of texts) envs.push(await s.sealAsync(t, ctx));
  envs.push(await s.sealAsync(new Uint8Array([1, 2, 3]), ctx));
  assert.equal(await s.prepareAsync(3), 3);
  assert.equal(s.prepared, 3);
  const many = await s.sealMany(['a', 'b', 'c', 'd'].map((p, i) => ({ plaintext: p, context: { ...ctx, field: `f${i}` } })));
  assert.equal(s.prepared, 0);
  const opener = new full.Opener(kp.privateKey);
  texts.forEach((t, i) => assert.equal(opener.openText(envs[i], ctx), t));
  assert.deepEqual([...opener.open(envs[3], ctx)], [1, 2, 3]);
  many.forEach((e, i) => assert.equal(opener.openText(e, { ...ctx, field: `f${i}` }), 'abcd'[i]));
  assert.equal(new Set([...envs, ...many]).size, envs.length + many.length, 'every envelope differs');
  await assertNotLoaded(lean, loads);
  assert.equal(s.backend === 'webcrypto' || s.backend === 'wasm', true);

  const dir = mkdtempSync(join(tmpdir(), 'slice-seal-lean-'));
  try {
    writeFileSync(join(dir, 'key.jwk'), JSON.stringify(kp.privateKey), { mode: 0o600 });
    const out = execFileSync(CLI, ['open', '--key', join(dir, 'key.jwk'), '--json'], { input: [envs[0], ...many].join('\n') + '\n' });
    const lines = out.toString().trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.plaintext), [texts[0], 'a', 'b', 'c', 'd']);
    assert.deepEqual(lines.map((l) => l.field), ['full-name', 'f0', 'f1', 'f2', 'f3']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('JSON text keys and a pinned JWK take the lean path too', async () => {
  const { lean, loads } = await freshLean('text');
  for (const [key, o] of [[JSON.stringify({ keys: [kp.publicKey] }), undefined], [`  ${JSON.stringify(kp.publicKey)}`, { kid: kp.publicKey.kid }], [{ ...kp.publicKey, kid: undefined }, {}]]) {
    const s = await lean.createSealer(key, o);
    assert.ok(s instanceof lean.Sealer);
    assert.equal(new full.Opener(kp.privateKey).openText(await s.sealAsync('t', ctx), ctx), 't');
  }
  await assertNotLoaded(lean, loads);
});

test('PEM keys, SEC1 bytes and webCrypto: false go to the full module', async () => {
  const { lean, loads } = await freshLean('pem');
  const pem = full.exportPublicKey(kp.publicKey, 'spki-pem');
  for (const [key, o] of [[pem, undefined], [full.exportPublicKey(kp.publicKey, 'sec1'), undefined], [kp.publicKey, { webCrypto: false }]]) {
    const s = await lean.createSealer(key, o);
    assert.ok(s instanceof full.Sealer, 'the full module\'s Sealer');
    assert.equal(new full.Opener(kp.privateKey).openText(await s.sealAsync('p', ctx), ctx), 'p');
  }
  assert.equal(loads.full, 1);
});

/** `{name, code, message}` of what `f` throws or rejects with (or `{ok}`). */
async function outcome(f) {
  try {
    await f();
    return { ok: true };
  } catch (e) {
    return { name: e?.name, code: e?.code, message: e?.message };
  }
}

test('bad inputs: the lean path gives the full module\'s error for every case (catalogue and lean edge cases)', async () => {
  const { lean } = await freshLean('bad');
  const good = kp.publicKey;
  const jwk = { kty: 'EC', crv: 'P-256', x: good.x, y: good.y };
  const offCurve = { ...jwk, y: good.x };
  // The kid a key without a kid member would need to be chosen by thumbprint.
  const offKid = (() => {
    try {
      return full.thumbprint(offCurve);
    } catch {
      return 'gfjLbJkuFnCl67CgGJPe61u2NLO3egHslzOsXLtP4iU';
    }
  })();
  const cases = [];
  const catalogue = readCatalogue();
  for (const c of catalogue.filter((c) => c.surface === 'js')) {
    const { call } = c.input;
    const a = decode(c.input.args);
    if (call === 'seal') cases.push([c.id, [a[0]], 'sealAsync', [a[1], a[2]]]);
    else if (call === 'new Sealer') cases.push([c.id, a, null, []]);
    else if (call === 'Sealer.seal') cases.push([c.id, decode(c.input.ctor), 'sealAsync', a]);
    else if (call === 'Sealer.prepare') cases.push([c.id, decode(c.input.ctor), 'prepareAsync', a]);
  }
  assert.ok(cases.length >= 29, `catalogue cases: ${cases.length}`);
  const seal = (pt = 'x', c = ctx) => ['sealAsync', [pt, c]];
  const extra = {
    'jwks, kid: another key has a member of the wrong type': [[{ keys: [good, { ...jwk, alg: 5 }] }, { kid: good.kid }], ...seal()],
    'jwks, kid: the key claiming it is off the curve': [[{ keys: [{ ...offCurve, kid: good.kid }, good] }, { kid: good.kid }], ...seal()],
    'jwks, kid: a key without kid off the curve': [[{ keys: [offCurve] }, { kid: offKid }], ...seal()],
    // WebCrypto's importKey is the lean path's curve check: points it must refuse.
    'a point off the curve, no kid (WebCrypto\'s check)': [[offCurve], ...seal()],
    'the zero point, no kid': [[{ ...jwk, x: 'A'.repeat(43), y: 'A'.repeat(43) }], ...seal()],
    'x not below p, no kid': [[{ ...jwk, x: '_'.repeat(42) + 'w' }], ...seal()],
    'jwks of one off-curve key, no kid': [[{ keys: [offCurve] }], ...seal()],
    'jwks without kid, two keys': [[{ keys: [good, other.publicKey] }], ...seal()],
    'jwks, empty': [[{ keys: [] }, { kid: good.kid }], ...seal()],
    'jwks keys not an array': [[{ keys: 'k' }], ...seal()],
    'jwk kid is not its thumbprint': [[{ ...jwk, kid: other.publicKey.kid }], ...seal()],
    'pinned kid differs': [[good, { kid: other.publicKey.kid }], ...seal()],
    'kid option a number': [[good, { kid: 5 }], ...seal()],
    'options not an object': [[good, 'x'], ...seal()],
    'webCrypto option not a boolean': [[good, { webCrypto: 'yes' }], ...seal()],
    'json text with trailing garbage': [[`${JSON.stringify(good)}x`], ...seal()],
    'json text of an array': [['[1]'], ...seal()],
    'a jwk with a long member': [[{ ...jwk, use: 'e'.repeat(5000) }], ...seal()],
    'plaintext over 4 MiB (bytes)': [[good], ...seal(new Uint8Array((4 << 20) + 1))],
    'plaintext over 4 MiB of UTF-8 (string)': [[good], ...seal('é'.repeat((2 << 20) + 1))],
    'context.submission empty': [[good], ...seal('x', { form: 'f', field: 'a', submission: '' })],
    'context.submission a number': [[good], ...seal('x', { form: 'f', field: 'a', submission: 1 })],
    'context missing': [[good], 'sealAsync', ['x', undefined]],
    'context.form 257 bytes': [[good], ...seal('x', { form: 'f'.repeat(257), field: 'a' })],
    'sealMany: not an array': [[good], 'sealMany', [{}]],
    'sealMany: 257 items': [[good], 'sealMany', [Array.from({ length: 257 }, () => ({ plaintext: 'x', context: ctx }))]],
    'sealMany: a bad context in item 2': [[good], 'sealMany', [[{ plaintext: 'x', context: ctx }, { plaintext: 'y', context: { form: '', field: 'a' } }]]],
    'sealMany: an item not an object': [[good], 'sealMany', [[{ plaintext: 'x', context: ctx }, 7]]],
    'prepareAsync: 1.5': [[good], 'prepareAsync', [1.5]],
  };
  for (const [name, [ctor, method, args]] of Object.entries(extra)) cases.push([name, ctor, method, args]);
  const differ = [];
  for (const [name, ctor, method, args] of cases) {
    const viaFull = await outcome(async () => {
      const s = new full.Sealer(...ctor);
      if (method) await s[method](...args);
    });
    const viaLean = await outcome(async () => {
      const s = await lean.createSealer(...ctor);
      if (method) await s[method](...args);
    });
    assert.ok(!viaFull.ok, `${name}: the full module must refuse it`);
    if (JSON.stringify(viaLean) !== JSON.stringify(viaFull)) differ.push(`${name}: lean ${JSON.stringify(viaLean)} vs full ${JSON.stringify(viaFull)}`);
  }
  assert.deepEqual(differ, []);
});

test('a WebCrypto that imports points off the curve (WebKitGTK\'s) is not the lean path\'s key check: the full module takes the keys', async () => {
  const subtle = globalThis.crypto.subtle;
  const real = subtle.importKey;
  const E = { name: 'ECDH', namedCurve: 'P-256' };
  // A raw import that accepts any point, as WebKitGTK's does (it imports a
  // point on the curve in its place).
  subtle.importKey = function (format, data, ...rest) {
    return format === 'raw' ? real.call(this, 'raw', full.exportPublicKey(other.publicKey, 'sec1'), E, true, []) : real.call(this, format, data, ...rest);
  };
  try {
    const { lean, loads } = await freshLean('unchecked');
    assert.equal(await lean.webCryptoChecksPoints(), false);
    const s = await lean.createSealer(kp.publicKey);
    const x = 'eywhzYPo3Enh4prUCLscSY_Pcg7NmRuwkYLPzrENN0Y';
    await assert.rejects(lean.createSealer({ kty: 'EC', crv: 'P-256', x, y: x }), { code: 'INVALID_KEY', message: 'invalid key: JWK x/y is not a point on the P-256 curve' });
    subtle.importKey = real; // the full module's own WebCrypto path imports keys too
    assert.ok(s instanceof full.Sealer, 'the full module\'s Sealer');
    assert.equal(new full.Opener(kp.privateKey).openText(await s.sealAsync('u', ctx), ctx), 'u');
    assert.equal(loads.full, 1);
  } finally {
    subtle.importKey = real;
  }
  const { lean } = await freshLean('checked');
  assert.equal(await lean.webCryptoChecksPoints(), true, 'Node\'s WebCrypto refuses them');
});

test('sealFile with a lean sealer: the header sealed by the lean path, opened by the full module', async () => {
  const { lean, loads } = await freshLean('file');
  const s = await lean.createSealer(kp.publicKey, { kid: kp.publicKey.kid });
  const data = new Uint8Array(200_000).map((_, i) => i * 7);
  const blob = await lean.sealFile(s, new Blob([data], { type: 'application/pdf' }), ctx, {});
  const opened = await full.openFile(kp.privateKey, blob, ctx);
  assert.deepEqual(new Uint8Array(await opened.blob.arrayBuffer()), data);
  await assertNotLoaded(lean, loads);
});

test('backend by measurement: the argmin of the timings; WebCrypto\'s deriveBits delayed → wasm', async () => {
  const { lean } = await freshLean('choice-plain');
  const s = await lean.createSealer(kp.publicKey);
  await s.sealAsync('m', ctx);
  const t = s.timings;
  assert.ok(t && t.webcrypto > 0, `timings: ${JSON.stringify(t)}`);
  const expected = t.wasm === undefined ? (t.webcrypto <= t.bound ? 'webcrypto' : null) : (t.wasm < t.webcrypto ? 'wasm' : 'webcrypto');
  assert.equal(s.backend, expected, JSON.stringify(t));

  const subtle = globalThis.crypto.subtle;
  const real = subtle.deriveBits;
  subtle.deriveBits = async function (...a) {
    await new Promise((r) => setTimeout(r, 25));
    return real.apply(this, a);
  };
  try {
    const { lean: slow, loads } = await freshLean('choice-slow');
    const w = await slow.createSealer(kp.publicKey);
    const env = await w.sealAsync('slow', ctx);
    assert.equal(new full.Opener(kp.privateKey).openText(env, ctx), 'slow');
    const tw = w.timings;
    assert.ok(tw.webcrypto >= 25 && tw.wasm !== undefined && tw.wasm < tw.webcrypto, JSON.stringify(tw));
    assert.equal(w.backend, 'wasm');
    assert.equal(loads.full, 1);
    // With 'wasm' chosen, a nothing-prepared seal makes no WebCrypto call.
    let calls = 0;
    subtle.deriveBits = async function (...a) {
      calls++;
      return real.apply(this, a);
    };
    while (w.prepared > 0) await w.sealAsync('drain', ctx);
    assert.equal(new full.Opener(kp.privateKey).openText(await w.sealAsync('after', ctx), ctx), 'after');
    assert.equal(calls, 0);
    assert.deepEqual(await slow.backendChoice(), { backend: 'wasm', timings: tw });
  } finally {
    subtle.deriveBits = real;
  }
});

test('the form page\'s files, minified without --keep-names, keep their exported classes\' names', async () => {
  const { lean } = await freshLean('names');
  const form = await import(pathToFileURL(join(PKG, 'form.js')).href);
  assert.deepEqual([lean.Sealer.name, form.SliceSealForm.name, form.SliceSealFormError.name],
    ['Sealer', 'SliceSealForm', 'SliceSealFormError']);
  // Instances: the class name and the error name the catalogue compares.
  const e = new form.SliceSealFormError('FORM_CONFIG', 'x');
  assert.deepEqual([e.constructor.name, e.name, e.code], ['SliceSealFormError', 'SliceSealError', 'FORM_CONFIG']);
});
