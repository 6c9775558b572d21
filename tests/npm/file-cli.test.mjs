// Sealed files across implementations: the npm package (Node entry of the
// built package) against the Rust CLI's seal-file/open-file and the Python
// reference opener docs/examples/open_file.py (pyca/cryptography only).
//
//   node --test tests/npm/file-cli.test.mjs
//   SLICE_SEAL_CLI=path/to/slice-seal  (default target/debug/slice-seal, built with open-file)
//   SLICE_SEAL_PKG=dir                 (default pkg/, from .ci/build-pkg)
//   SLICE_SEAL_PY_OPENER=file          (default docs/examples/open_file.py)
import assert from 'node:assert/strict';
import { execFile as execFileCb } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { pattern } from './apps/files.js';

const execFile = promisify(execFileCb);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = process.env.SLICE_SEAL_CLI || path.join(root, 'target', 'debug', 'slice-seal');
const PY_OPENER = process.env.SLICE_SEAL_PY_OPENER || path.join(root, 'docs', 'examples', 'open_file.py');
const pkgDir = path.resolve(process.env.SLICE_SEAL_PKG || path.join(root, 'pkg'));
const m = await import(pathToFileURL(path.join(pkgDir, 'node.mjs')).href);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slice-seal-file-cli-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const at = (f) => path.join(dir, f);
const kp = m.generateKeyPair();
fs.writeFileSync(at('pub.jwk'), JSON.stringify(kp.publicKey));
fs.writeFileSync(at('priv.jwk'), JSON.stringify(kp.privateKey), { mode: 0o600 });
const ctx = { form: 'vetting-step-3', field: 'passport-scan', submission: 'sub-1' };
const ctxArgs = ['--form', ctx.form, '--field', ctx.field, '--submission', ctx.submission];

/** Run the CLI; resolves { code, stdout, stderr } whatever the exit status. */
async function cli(args) {
  try {
    const r = await execFile(CLI, args, { timeout: 60_000, maxBuffer: 64 << 20 });
    return { code: 0, ...r };
  } catch (e) {
    if (typeof e.code !== 'number') throw e; // not started
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const SIZES = [0, 1, 65535, 65536, 65537, 200_003];

test('open-file opens what sealFile sealed (WebCrypto and wasm chunks), checked against its context', async () => {
  for (const size of SIZES) {
    for (const webCrypto of [true, false]) {
      const data = pattern(size, size + 3);
      const sealed = await m.sealFile(kp.publicKey, new File([data], 'scan ✓.pdf', { type: 'application/pdf' }), ctx, { webCrypto });
      const f = at(`n${size}${webCrypto}.ssf`);
      fs.writeFileSync(f, Buffer.from(await sealed.arrayBuffer()));
      const r = await cli(['open-file', '--key', at('priv.jwk'), ...ctxArgs, '-o', `${f}.out`, f]);
      assert.equal(r.code, 0, `open-file of ${size} bytes: ${r.stderr}`);
      assert.ok(Buffer.from(data).equals(fs.readFileSync(`${f}.out`)), `${size} bytes, webCrypto ${webCrypto}`);
    }
  }
});

test('the Python reference opener (cryptography only) opens what sealFile sealed', async () => {
  const data = pattern(200_003, 9);
  const f = at('py.ssf');
  fs.writeFileSync(f, Buffer.from(await (await m.sealFile(kp.publicKey, new Blob([data]), ctx, { name: 'a.bin' })).arrayBuffer()));
  await execFile('python3', [PY_OPENER, at('priv.jwk'), f, `${f}.out`], { timeout: 60_000 });
  assert.ok(Buffer.from(data).equals(fs.readFileSync(`${f}.out`)));
});

test('openFile and openFileStream open what seal-file sealed (chunk sizes 1024, 65536, 4 MiB)', async () => {
  const data = pattern(300_001, 5);
  fs.writeFileSync(at('plain.bin'), data);
  for (const chunk of [1024, 65536, 4194304]) {
    const f = at(`cli${chunk}.ssf`);
    const r = await cli(['seal-file', '--to', at('pub.jwk'), ...ctxArgs, '--name', 'from cli.bin', '--type', 'application/octet-stream',
      '--chunk-size', String(chunk), '-o', f, at('plain.bin')]);
    assert.equal(r.code, 0, r.stderr);
    const o = await m.openFile(kp.privateKey, new Blob([fs.readFileSync(f)]), ctx);
    assert.deepEqual({ name: o.name, type: o.type, size: o.size, chunkSize: o.chunkSize, context: o.context, kid: o.kid },
      { name: 'from cli.bin', type: 'application/octet-stream', size: data.length, chunkSize: chunk, context: ctx, kid: kp.publicKey.kid });
    assert.ok(Buffer.from(await o.blob.arrayBuffer()).equals(Buffer.from(data)));
    const s = await m.openFileStream(kp.privateKey, fs.createReadStream(f), ctx);
    const parts = [];
    for await (const b of s.stream) parts.push(b);
    assert.ok(Buffer.concat(parts).equals(Buffer.from(data)));
  }
});

test('both sides give the same codes for a cut, extended or altered file', async () => {
  const data = pattern(200_003, 7);
  const mine = Buffer.from(await (await m.sealFile(kp.publicKey, new Blob([data]), ctx)).arrayBuffer());
  fs.writeFileSync(at('plain2.bin'), data);
  const r = await cli(['seal-file', '--to', at('pub.jwk'), ...ctxArgs, '-o', at('theirs.ssf'), at('plain2.bin')]);
  assert.equal(r.code, 0, r.stderr);
  const theirs = fs.readFileSync(at('theirs.ssf'));
  const flip = (b, i) => {
    const c = Buffer.from(b);
    c[i] ^= 1;
    return c;
  };
  for (const [name, file] of [['npm', mine], ['cli', theirs]]) {
    const cases = {
      FILE_TRUNCATED: file.subarray(0, file.length - 5),
      FILE_EXTENDED: Buffer.concat([file, Buffer.from([0])]),
      CHUNK_DECRYPT_FAILED: flip(file, file.length - 30),
      MALFORMED_FILE: flip(file, 0),
    };
    for (const [code, bytes] of Object.entries(cases)) {
      const f = at(`${name}-${code}.ssf`);
      fs.writeFileSync(f, bytes);
      const c = await cli(['open-file', '--key', at('priv.jwk'), '-o', `${f}.out`, f]);
      assert.equal(c.code, 1, `${name} ${code}: ${c.stderr}`);
      assert.match(c.stderr, new RegExp(`^slice-seal: ${code}: `), `${name} ${code} through the CLI`);
      assert.equal(fs.existsSync(`${f}.out`), false, 'no output left behind');
      await assert.rejects(m.openFile(kp.privateKey, new Blob([bytes]), ctx), (e) => e.code === code, `${name} ${code} through openFile`);
    }
  }
});
