// The binary envelope form (docs/FORMAT.md "Binary form") across
// implementations: bodies made by the npm package's sealBytesAsync (Node
// entry of the built package) open with the package's openers (bytes and the
// text form), with the CLI's `open --binary`, and with the Python package's
// open_envelope; the body is the base64url-decoded text; bad bodies get the
// same codes everywhere.
//
//   node --test tests/npm/binary.test.mjs
//   SLICE_SEAL_CLI=path/to/slice-seal  (default target/release/slice-seal)
//   SLICE_SEAL_PKG=dir                 (default pkg/, from .ci/build-pkg)
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = process.env.SLICE_SEAL_CLI || path.join(root, 'target', 'release', 'slice-seal');
const pkgDir = path.resolve(process.env.SLICE_SEAL_PKG || path.join(root, 'pkg'));
const m = await import(pathToFileURL(path.join(pkgDir, 'node.mjs')).href);
await m.default();

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slice-seal-binary-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const at = (f) => path.join(dir, f);
const kp = m.generateKeyPair();
fs.writeFileSync(at('priv.jwk'), JSON.stringify(kp.privateKey), { mode: 0o600 });
const ctx = { form: 'vetting-step-3', field: 'passport-scan', submission: 'sub-1' };
const ctxArgs = ['--form', ctx.form, '--field', ctx.field, '--submission', ctx.submission];
const text = (body) => `ss1.${Buffer.from(body).toString('base64url')}`;
const pattern = (n) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255);
const SIZES = [0, 1, 2031, 2032, 65536, 1 << 20];

/** `slice-seal open --binary --json` of `body`: [exit code, the record]. */
function cliOpen(body) {
  const r = spawnSync(CLI, ['open', '--key', at('priv.jwk'), '--binary', '--json', ...ctxArgs], { input: Buffer.from(body), timeout: 60_000, maxBuffer: 64 << 20 });
  assert.equal(r.error, undefined);
  return [r.status, JSON.parse(r.stdout.toString())];
}

/** Python's open_envelope of each body: the plaintext's hex, or the error code. */
function pyOpen(bodies) {
  const script = `
import json, sys
import slice_seal
key = slice_seal.Keyring.load(sys.argv[1])
ctx = slice_seal.Context(*sys.argv[2:5])
out = []
for h in json.load(sys.stdin):
    try:
        out.append(slice_seal.open_envelope(bytes.fromhex(h), key, ctx).hex())
    except slice_seal.SliceSealError as e:
        out.append(e.code)
print(json.dumps(out))`;
  const input = JSON.stringify(bodies.map((b) => Buffer.from(b).toString('hex')));
  const stdout = execFileSync('python3', ['-c', script, at('priv.jwk'), ctx.form, ctx.field, ctx.submission], {
    input, env: { ...process.env, PYTHONPATH: path.join(root, 'python', 'src') }, maxBuffer: 64 << 20, timeout: 120_000,
  });
  return JSON.parse(stdout.toString());
}

test('sealBytesAsync bodies open in JS (bytes and text), with the CLI and with Python', async () => {
  const sealer = new m.Sealer(kp.publicKey, { kid: kp.publicKey.kid });
  const opener = new m.Opener(kp.privateKey);
  const bodies = [];
  for (const size of SIZES) {
    const pt = pattern(size);
    for (const body of [await m.sealBytesAsync(kp.publicKey, pt, ctx), await sealer.sealBytesAsync(pt, ctx)]) {
      assert.ok(body instanceof Uint8Array);
      assert.deepEqual(m.open(kp.privateKey, body, ctx), pt, `${size}`);
      assert.deepEqual(await opener.openAsync(body, ctx), pt, `${size}`);
      assert.deepEqual(opener.open(text(body), ctx), pt, `${size}: the text form`);
      const info = m.inspect(text(body));
      assert.deepEqual([info.kid, info.form, info.field, info.submission], [kp.publicKey.kid, ctx.form, ctx.field, ctx.submission]);
      const [code, rec] = cliOpen(body);
      assert.equal(code, 0, JSON.stringify(rec));
      const got = rec.plaintext_b64 !== undefined ? Buffer.from(rec.plaintext_b64, 'base64url') : Buffer.from(rec.plaintext);
      assert.deepEqual(got, Buffer.from(pt), `CLI ${size}`);
      bodies.push([body, pt]);
    }
  }
  const py = pyOpen(bodies.map(([b]) => b));
  bodies.forEach(([, pt], i) => assert.equal(py[i], Buffer.from(pt).toString('hex'), `Python ${i}`));
  // A string is sealed as its UTF-8.
  const s = 'Zoë Ōkubo 👩‍💻'.repeat(200);
  assert.equal(m.openText(kp.privateKey, await sealer.sealBytesAsync(s, ctx), ctx), s);
});

test('a body has the text form\'s layout: the head of sealAsync\'s envelope for the same key and context, then enc', async () => {
  const pt = pattern(5000);
  const t = await m.sealAsync(kp.publicKey, pt, ctx);
  const b = await m.sealBytesAsync(kp.publicKey, pt, ctx);
  const tb = Buffer.from(t.slice(4), 'base64url');
  assert.equal(b.length, tb.length);
  // Suite, kid, info_len and info (40 + 42 bytes) are equal; enc and ct are per seal.
  const head = 40 + 2 + 13 + 2 + ctx.form.length + 2 + ctx.field.length + 2 + ctx.submission.length;
  assert.deepEqual(Buffer.from(b.subarray(0, head)), tb.subarray(0, head));
  assert.equal(b[head], 0x04, 'enc follows info');
});

test('bad bodies: the same codes from JS, the CLI and Python', async () => {
  const body = await m.sealBytesAsync(kp.publicKey, 'hello', ctx);
  const flip = (i) => { const b = Uint8Array.from(body); b[i] ^= 1; return b; };
  const cases = [
    ['empty', new Uint8Array(0), 'MALFORMED_ENVELOPE'],
    ['truncated header', body.subarray(0, 39), 'MALFORMED_ENVELOPE'],
    ['truncated body', body.subarray(0, body.length - 17), 'MALFORMED_ENVELOPE'],
    ['kem 0x0011', flip(1), 'UNSUPPORTED_SUITE'],
    ['hybrid suite', Uint8Array.from([0x64, 0x7a, ...body.subarray(2)]), 'SUITE_MISMATCH'],
    ['flipped tag', flip(body.length - 1), 'DECRYPT_FAILED'],
  ];
  const py = pyOpen(cases.map(([, b]) => b));
  cases.forEach(([what, bad, want], i) => {
    assert.throws(() => m.open(kp.privateKey, bad, ctx), (e) => e.code === want, `JS ${what}`);
    const [code, rec] = cliOpen(bad);
    assert.equal(code, 1, what);
    assert.equal(rec.error.code, want, `CLI ${what}`);
    assert.equal(py[i], want, `Python ${what}`);
  });
  for (const [what, bad, want] of cases) {
    await assert.rejects(new m.Opener(kp.privateKey).openAsync(bad, ctx), (e) => e.code === want, `openAsync ${what}`);
  }
});
