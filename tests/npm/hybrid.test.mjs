// The hybrid post-quantum suite (MLKEM768-X25519, docs/FORMAT.md §11)
// through the built npm package in Node: the suite follows the key (an AKP
// JWK) in the same API; envelopes of both suites open with the CLI; sealed
// files with a hybrid key (both ways with the CLI); the bad inputs' codes; the lean entry hands a hybrid key to the full module;
// and interop both ways with @hpke/core + @hpke/hybridkem-x-wing (X-Wing
// draft 06), with what differs between the two shown.
//
//   node --test tests/npm/hybrid.test.mjs   (needs pkg/: bash .ci/build-pkg; the CLI: cargo build --release)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PKG = process.env.SLICE_SEAL_PKG ?? join(ROOT, 'pkg');
const CLI = process.env.SLICE_SEAL_CLI ?? join(ROOT, 'target', 'release', 'slice-seal');
const VECTORS = join(ROOT, '..', 'shared', 'vectors', 'hpke-pq', 'hpke-pq-test-vectors.json');
const ss = await import(pathToFileURL(join(PKG, 'node.mjs')).href);
await ss.default();
const requireTests = createRequire(join(ROOT, 'tests', 'package.json'));
const hpke = await import(pathToFileURL(requireTests.resolve('@hpke/core')).href);
const { XWing } = await import(pathToFileURL(requireTests.resolve('@hpke/hybridkem-x-wing')).href);

const HYBRID = { suite: 'mlkem768-x25519' };
const ctx = { form: 'vetting-step-2', field: 'date-of-birth', submission: 'sub-42' };
const b64u = {
  decode: (s) => new Uint8Array(Buffer.from(s, 'base64url')),
  encode: (b) => Buffer.from(b).toString('base64url'),
};
const utf8 = new TextEncoder();

function lp(s) {
  const b = utf8.encode(s);
  return [b.length >> 8, b.length & 0xff, ...b];
}
/** info per docs/FORMAT.md §3: lp("slice-seal/v1") || lp(form) || lp(field) || lp(submission or ""). */
function infoFor({ form, field, submission }) {
  return new Uint8Array([...lp('slice-seal/v1'), ...lp(form), ...lp(field), ...lp(submission || '')]);
}
/** An envelope body split per §4/§11 (`enc` of 65 or 1120 bytes by the KEM id). */
function parseEnvelope(text) {
  assert.ok(text.startsWith('ss1.'));
  const b = b64u.decode(text.slice(4));
  const u16 = (i) => (b[i] << 8) | b[i + 1];
  const kem = u16(0);
  const encLen = kem === 0x647a ? 1120 : 65;
  const infoEnd = 40 + u16(38);
  return {
    kem, kdf: u16(2), aead: u16(4), kid: b.slice(6, 38), info: b.slice(40, infoEnd),
    enc: b.slice(infoEnd, infoEnd + encLen), ct: b.slice(infoEnd + encLen),
  };
}
function buildEnvelope({ kem = 0x647a, kid, info, enc, ct }) {
  const body = new Uint8Array([kem >> 8, kem & 0xff, 0x00, 0x01, 0x00, 0x02, ...kid, info.length >> 8, info.length & 0xff, ...info, ...enc, ...ct]);
  return `ss1.${b64u.encode(body)}`;
}
/** The `code` a call throws (or rejects with). */
async function codeOf(f) {
  try {
    await f();
  } catch (e) {
    assert.equal(e.name, 'SliceSealError', String(e));
    return e.code;
  }
  assert.fail('expected an error');
}

const hkp = ss.generateKeyPair(HYBRID);
const pkp = ss.generateKeyPair();

test('the suite follows the key: both suites round trip through the same calls, and open with the CLI', async () => {
  assert.equal(hkp.publicKey.kty, 'AKP');
  assert.equal(hkp.publicKey.alg, 'MLKEM768-X25519');
  assert.equal(pkp.publicKey.kty, 'EC');
  const envs = [];
  for (const [kp, kem] of [[hkp, 0x647a], [pkp, 0x10]]) {
    const kid = kp.publicKey.kid;
    const sealer = new ss.Sealer(JSON.stringify({ keys: [pkp.publicKey, hkp.publicKey] }), { kid });
    assert.equal(sealer.kid, kid);
    assert.equal(await sealer.prepareAsync(2), 2);
    const mine = [
      ss.seal(kp.publicKey, 'one', ctx),
      await ss.sealAsync(kp.publicKey, 'two', ctx),
      await sealer.sealAsync('three', ctx),
      sealer.seal('four', ctx),
      ...(await sealer.sealMany([{ plaintext: 'five', context: ctx }, { plaintext: 'six', context: ctx }])),
    ];
    assert.equal(sealer.prepared, 0);
    if (kem === 0x647a) assert.equal(sealer.backend, 'wasm');
    for (const e of mine) {
      assert.equal(parseEnvelope(e).kem, kem);
      assert.equal(ss.inspect(e).kem, kem);
    }
    const opener = new ss.Opener(kp.privateKey);
    assert.equal(opener.kid, kid);
    const texts = ['one', 'two', 'three', 'four', 'five', 'six'];
    for (const [i, e] of mine.entries()) {
      assert.equal(opener.openText(e, ctx), texts[i]);
      assert.equal(await opener.openTextAsync(e, ctx), texts[i]);
      assert.equal(await ss.openTextAsync(JSON.stringify(kp.privateKey), e, ctx), texts[i]);
    }
    envs.push({ kp, mine, texts });
  }

  const dir = mkdtempSync(join(tmpdir(), 'slice-seal-hybrid-'));
  try {
    for (const [i, { kp, mine, texts }] of envs.entries()) {
      writeFileSync(join(dir, `key${i}.jwk`), JSON.stringify(kp.privateKey), { mode: 0o600 });
      const out = execFileSync(CLI, ['open', '--key', join(dir, `key${i}.jwk`), '--json'], { input: mine.join('\n') + '\n' });
      const lines = out.toString().trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(lines.map((l) => l.plaintext), texts);
      assert.deepEqual(lines.map((l) => l.kid), mine.map(() => kp.publicKey.kid));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad inputs: SUITE_MISMATCH both ways, INVALID_KEY for wrong lengths, KID_MISMATCH when pinned, UNSUPPORTED_SUITE', async () => {
  const h = ss.seal(hkp.publicKey, 'h', ctx);
  const p = ss.seal(pkp.publicKey, 'p', ctx);
  assert.equal(await codeOf(() => ss.open(hkp.privateKey, p, ctx)), 'SUITE_MISMATCH');
  assert.equal(await codeOf(() => ss.open(pkp.privateKey, h, ctx)), 'SUITE_MISMATCH');
  assert.equal(await codeOf(() => new ss.Opener(hkp.privateKey).openAsync(p)), 'SUITE_MISMATCH');
  assert.equal(await codeOf(() => new ss.Opener(pkp.privateKey).openAsync(h)), 'SUITE_MISMATCH');
  const pub = b64u.decode(hkp.publicKey.pub);
  for (const bytes of [pub.slice(0, 1215), new Uint8Array([...pub, 0]), pub.slice(0, 1184)]) {
    const key = { kty: 'AKP', alg: 'MLKEM768-X25519', pub: b64u.encode(bytes) };
    assert.equal(await codeOf(() => ss.seal(key, 'x', ctx)), 'INVALID_KEY');
    assert.equal(await codeOf(() => ss.sealAsync(key, 'x', ctx)), 'INVALID_KEY');
    assert.equal(await codeOf(() => new ss.Sealer(key)), 'INVALID_KEY');
  }
  const { kid: _, ...bare } = hkp.privateKey;
  for (const n of [31, 33]) {
    assert.equal(await codeOf(() => new ss.Opener({ ...bare, pub: undefined, priv: b64u.encode(new Uint8Array(n)) })), 'INVALID_KEY');
  }
  assert.equal(await codeOf(() => new ss.Opener(hkp.publicKey)), 'NOT_PRIVATE_KEY');
  assert.equal(await codeOf(() => new ss.Sealer(hkp.publicKey, { kid: pkp.publicKey.kid })), 'KID_MISMATCH');
  assert.equal(await codeOf(() => new ss.Sealer({ keys: [hkp.publicKey] }, { kid: pkp.publicKey.kid })), 'KEY_NOT_FOUND');
  // No downgrade: pinned to the hybrid kid, a P-256 key is refused.
  assert.equal(await codeOf(() => new ss.Sealer(pkp.publicKey, { kid: hkp.publicKey.kid })), 'KID_MISMATCH');
  assert.equal(await codeOf(() => new ss.Sealer({ keys: [pkp.publicKey] }, { kid: hkp.publicKey.kid })), 'KEY_NOT_FOUND');
  const parts = parseEnvelope(h);
  const unknown = buildEnvelope({ ...parts, kem: 0x647b });
  assert.equal(await codeOf(() => ss.open(hkp.privateKey, unknown)), 'UNSUPPORTED_SUITE');
  assert.equal(await codeOf(() => ss.inspect(unknown)), 'UNSUPPORTED_SUITE');
});

test('sealed files with a hybrid key: the header is a hybrid slice; round trips (WebCrypto and wasm chunks); a P-256 key is SUITE_MISMATCH', async () => {
  const fctx = { form: 'vetting-step-3', field: 'passport-scan', submission: 'sub-1' };
  for (const size of [0, 1, 65536, 70001]) {
    const data = Uint8Array.from({ length: size }, (_, i) => (i * 7) & 255);
    for (const webCrypto of [true, false]) {
      const sealed = await ss.sealFile(new ss.Sealer(hkp.publicKey, { kid: hkp.publicKey.kid }), new File([data], 'scan.pdf', { type: 'application/pdf' }), fctx, { webCrypto });
      const bytes = new Uint8Array(await sealed.arrayBuffer());
      const headerLen = (bytes[4] << 8) | bytes[5];
      const header = new TextDecoder().decode(bytes.subarray(6, 6 + headerLen));
      assert.equal(parseEnvelope(header).kem, 0x647a, 'the header is a hybrid envelope');
      const opened = await ss.openFile(hkp.privateKey, sealed, fctx, { webCrypto });
      assert.equal(opened.name, 'scan.pdf');
      assert.equal(opened.kid, hkp.publicKey.kid);
      assert.deepEqual(new Uint8Array(await opened.blob.arrayBuffer()), data, `${size} bytes, webCrypto ${webCrypto}`);
      if (size === 1) assert.equal(await codeOf(() => ss.openFile(pkp.privateKey, sealed, fctx)), 'SUITE_MISMATCH');
    }
  }
});

test('sealed files with a hybrid key across implementations: the CLI\'s open-file opens sealFile\'s, and openFile opens the CLI\'s seal-file', async () => {
  const fctx = { form: 'vetting-step-3', field: 'passport-scan', submission: 'sub-1' };
  const ctxArgs = ['--form', fctx.form, '--field', fctx.field, '--submission', fctx.submission];
  const dir = mkdtempSync(join(tmpdir(), 'slice-seal-hybrid-files-'));
  try {
    writeFileSync(join(dir, 'priv.jwk'), JSON.stringify(hkp.privateKey), { mode: 0o600 });
    writeFileSync(join(dir, 'pub.jwk'), JSON.stringify(hkp.publicKey));
    for (const size of [0, 65537]) {
      const data = Uint8Array.from({ length: size }, (_, i) => (i * 13) & 255);
      const sealed = await ss.sealFile(hkp.publicKey, new File([data], 'scan.pdf', { type: 'application/pdf' }), fctx);
      writeFileSync(join(dir, `js${size}.ssf`), new Uint8Array(await sealed.arrayBuffer()));
      execFileSync(CLI, ['open-file', '--key', join(dir, 'priv.jwk'), ...ctxArgs, '-o', join(dir, `js${size}.out`), join(dir, `js${size}.ssf`)]);
      assert.deepEqual(new Uint8Array(readFileSync(join(dir, `js${size}.out`))), data, `open-file of ${size} bytes`);

      writeFileSync(join(dir, `in${size}`), data);
      execFileSync(CLI, ['seal-file', '--to', join(dir, 'pub.jwk'), ...ctxArgs, '-o', join(dir, `cli${size}.ssf`), join(dir, `in${size}`)]);
      const opened = await ss.openFile(new ss.Opener(hkp.privateKey), new Blob([readFileSync(join(dir, `cli${size}.ssf`))]), fctx);
      assert.equal(opened.kid, hkp.publicKey.kid);
      assert.deepEqual(new Uint8Array(await opened.blob.arrayBuffer()), data, `openFile of the CLI's ${size} bytes`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('slice-seal/lean: a hybrid key goes to the full module; a P-256 key stays lean', async () => {
  const lean = await import(`${pathToFileURL(join(PKG, 'lean.js')).href}?hybrid`);
  const loads = { full: 0 };
  await lean.default({ wasm: readFileSync(join(PKG, 'lean', 'slice_seal_lean_bg.wasm')), full: () => { loads.full++; return ss; } });
  const p = await lean.createSealer(pkp.publicKey, { kid: pkp.publicKey.kid });
  assert.ok(p instanceof lean.Sealer);
  for (const key of [hkp.publicKey, JSON.stringify({ keys: [pkp.publicKey, hkp.publicKey] })]) {
    const s = await lean.createSealer(key, { kid: hkp.publicKey.kid });
    assert.ok(s instanceof ss.Sealer, 'the full module\'s Sealer');
    const env = await s.sealAsync('lean page, hybrid key', ctx);
    assert.equal(parseEnvelope(env).kem, 0x647a);
    assert.equal(new ss.Opener(hkp.privateKey).openText(env, ctx), 'lean page, hybrid key');
  }
  assert.equal(loads.full, 1);
});

test('@hpke/hybridkem-x-wing (X-Wing draft 06, KEM 0x647a): opens our envelopes and we open its; keys cross as raw bytes', async () => {
  const xwing = new XWing();
  assert.equal(xwing.id, 0x647a);
  const suite = new hpke.CipherSuite({ kem: xwing, kdf: new hpke.HkdfSha256(), aead: new hpke.Aes256Gcm() });
  // Keys cross as raw bytes: the 32-byte seed and the 1216-byte public key.
  const seed = b64u.decode(hkp.privateKey.priv);
  const theirPair = await xwing.generateKeyPairDerand(seed);
  const theirPub = new Uint8Array(await xwing.serializePublicKey(theirPair.publicKey));
  assert.equal(b64u.encode(theirPub), hkp.publicKey.pub, 'the same seed gives the same public key');
  const sk = await suite.kem.importKey('raw', seed, false);
  const pk = await suite.kem.importKey('raw', b64u.decode(hkp.publicKey.pub), true);
  const moved = { ...ctx, field: 'surname' };

  // Ours -> @hpke: decrypt(enc || ct) under the info of §3.
  const env = await new ss.Sealer(hkp.publicKey).sealAsync('1990-04-01', ctx);
  const parts = parseEnvelope(env);
  assert.deepEqual([parts.kem, parts.kdf, parts.aead], [0x647a, 0x01, 0x02]);
  assert.deepEqual(parts.info, infoFor(ctx));
  const pt = await suite.open({ recipientKey: sk, enc: parts.enc, info: infoFor(ctx) }, parts.ct);
  assert.equal(new TextDecoder().decode(pt), '1990-04-01');
  await assert.rejects(suite.open({ recipientKey: sk, enc: parts.enc, info: infoFor(moved) }, parts.ct), (e) => e instanceof hpke.OpenError);

  // @hpke -> ours, the envelope assembled per §11.
  const sealed = await suite.seal({ recipientPublicKey: pk, info: infoFor(ctx) }, utf8.encode('sealed by @hpke ✓'));
  assert.equal(sealed.enc.byteLength, 1120);
  const theirs = buildEnvelope({ kid: b64u.decode(hkp.publicKey.kid), info: infoFor(ctx), enc: new Uint8Array(sealed.enc), ct: new Uint8Array(sealed.ct) });
  assert.equal(ss.openText(hkp.privateKey, theirs, ctx), 'sealed by @hpke ✓');
  assert.equal(await new ss.Opener(hkp.privateKey).openTextAsync(theirs, ctx), 'sealed by @hpke ✓');
  assert.equal(await codeOf(() => ss.open(hkp.privateKey, theirs, moved)), 'CONTEXT_MISMATCH');

  // What differs. (1) JWKs: @hpke's AKP JWK names the KEM "X-Wing", ours
  // "MLKEM768-X25519" (draft-ietf-hpke-pq's name); neither reads the other's.
  await assert.rejects(suite.kem.importKey('jwk', hkp.publicKey, true));
  await suite.kem.importKey('jwk', { ...hkp.publicKey, alg: 'X-Wing' }, true);
  assert.equal(await codeOf(() => ss.seal({ ...hkp.publicKey, alg: 'X-Wing', kid: undefined }, 'x', ctx)), 'INVALID_KEY');
});

test('@hpke/hybridkem-x-wing against the draft-ietf-hpke-pq vectors: Decap agrees; its deriveKeyPair is not the draft\'s DeriveKeyPair', async () => {
  const vectors = JSON.parse(readFileSync(VECTORS, 'utf8')).filter((v) => Number(v.kem_id) === 0x647a);
  assert.ok(vectors.length >= 1, 'the MLKEM768-X25519 entries');
  const hex = (h) => new Uint8Array(Buffer.from(h, 'hex'));
  const xwing = new XWing();
  for (const v of vectors) {
    // The private key is the seed (skRm); its public key and Decap agree.
    const pair = await xwing.generateKeyPairDerand(hex(v.skRm));
    assert.equal(Buffer.from(await xwing.serializePublicKey(pair.publicKey)).toString('hex'), v.pkRm);
    const ss2 = await xwing.decap({ enc: hex(v.enc), recipientKey: pair.privateKey });
    assert.equal(Buffer.from(ss2).toString('hex'), v.shared_secret);
    // (2) @hpke's deriveKeyPair(ikm) is SHAKE256(ikm, 32) (X-Wing's own), not
    // the draft's LabeledDerive: from the vector's ikmR it makes another key.
    // slice-seal uses DeriveKeyPair only for test vectors (FORMAT.md §11).
    const derived = await xwing.deriveKeyPair(hex(v.ikmR));
    assert.notEqual(Buffer.from(await xwing.serializePublicKey(derived.publicKey)).toString('hex'), v.pkRm);
  }
});
