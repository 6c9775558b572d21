// The demo low side's multipart/form-data reader (www/lib/multipart.mjs) and
// sealed-file metadata parser (www/lib/envelope.mjs): bodies as browsers
// build them, read back exactly; anything out of shape refused.
//
//   node --test tests/unit/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const { parseMultipart } = await import(pathToFileURL(join(ROOT, 'www', 'lib', 'multipart.mjs')).href);
const { parseSealedFile } = await import(pathToFileURL(join(ROOT, 'www', 'lib', 'envelope.mjs')).href);
const api = await import(pathToFileURL(join(resolve(process.env.SLICE_SEAL_PKG ?? join(ROOT, 'pkg')), 'node.mjs')).href);

/** The body and Content-Type fetch makes of a FormData. */
async function encode(fd) {
  const req = new Request('http://x/', { method: 'POST', body: fd });
  return { body: Buffer.from(await req.arrayBuffer()), type: req.headers.get('content-type') };
}
const code = (fn) => {
  try {
    fn();
    return 'no throw';
  } catch (e) {
    return e.code;
  }
};

test('multipart: text and binary parts read back byte for byte (CRLF and dashes inside a file too)', async () => {
  const bin = Buffer.concat([randomBytes(5000), Buffer.from('\r\n--\r\n\r\n--'), randomBytes(10)]);
  const fd = new FormData();
  fd.append('a', 'Zoë');
  fd.append('doc', new Blob([bin], { type: 'application/vnd.slice-seal.file' }), 'doc.ssf');
  fd.append('empty', new Blob([]), 'e.ssf');
  fd.append('s', '');
  const { body, type } = await encode(fd);
  const parts = parseMultipart(body, type);
  assert.deepEqual(parts.map((p) => [p.name, p.filename, p.type]),
    [['a', null, null], ['doc', 'doc.ssf', 'application/vnd.slice-seal.file'], ['empty', 'e.ssf', 'application/octet-stream'], ['s', null, null]]);
  assert.equal(parts[0].data.toString('utf8'), 'Zoë');
  assert.ok(parts[1].data.equals(bin));
  assert.equal(parts[2].data.length, 0);
});

test('multipart: out of shape is MALFORMED_MULTIPART', async () => {
  const fd = new FormData();
  fd.append('a', 'x');
  const { body, type } = await encode(fd);
  const b = type.split('boundary=')[1];
  const cases = [
    [body, 'multipart/form-data'], // no boundary
    [Buffer.concat([Buffer.from('x'), body]), type], // not starting with the boundary
    [body.subarray(0, body.length - 10), type], // cut inside the last part
    [Buffer.from(`--${b}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--${b}--\r\n`), type], // no name
    [Buffer.from(`--${b}\r\nContent-Disposition: attachment; name="a"\r\n\r\nx\r\n--${b}--\r\n`), type], // not form-data
    [Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="a"\r\nContent-Disposition: form-data; name="b"\r\n\r\nx\r\n--${b}--\r\n`), type], // repeated header
    [Buffer.from(`--${b}\r\nX: ${'y'.repeat(5000)}\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--${b}--\r\n`), type], // header block too long
    [Buffer.from(`--${b}${`\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--${b}`.repeat(201)}--\r\n`), type], // too many parts
  ];
  for (const [buf, t] of cases) assert.equal(code(() => parseMultipart(buf, t)), 'MALFORMED_MULTIPART', buf.toString('latin1', 0, 80));
});

test('sealed-file metadata: the header envelope\'s kid and context, read without a key; anything else is MALFORMED_FILE', async () => {
  const kp = api.generateKeyPair();
  const ctx = { form: 'vetting-step-4', field: 'passport-scan', submission: `${'a'.repeat(32)}:${'b'.repeat(32)}` };
  const sealed = Buffer.from(await (await api.sealFile(kp.publicKey, new Blob([randomBytes(70_000)]), ctx, { name: 'x.pdf' })).arrayBuffer());
  const meta = parseSealedFile(sealed);
  assert.deepEqual([meta.kid, meta.form, meta.field, meta.submission], [kp.publicKey.kid, ctx.form, ctx.field, ctx.submission]);
  assert.equal(6 + meta.headerLength + meta.bodyLength, sealed.length);
  assert.equal(meta.bodyLength, 70_000 + 16 * 2, 'two chunks');
  const bad = [Buffer.from('ssf'), Buffer.concat([Buffer.from('ssf2'), sealed.subarray(4)]), Buffer.concat([sealed.subarray(0, 4), Buffer.from([0, 0]), sealed.subarray(6)]),
    Buffer.concat([sealed.subarray(0, 4), Buffer.from([0xff, 0xff]), sealed.subarray(6, 100)]), Buffer.concat([sealed.subarray(0, 6), Buffer.from('xx1.'), sealed.subarray(10)])];
  for (const b of bad) assert.equal(code(() => parseSealedFile(b)), 'MALFORMED_FILE', b.toString('latin1', 0, 12));
});

test('multipart: every cut and 3000 random byte changes of a body are parsed or MALFORMED_MULTIPART, never another exception; boundary tricks and huge headers are coded', async () => {
  const fd = new FormData();
  fd.append('typed', 'envelope');
  fd.append('doc', new Blob([randomBytes(300)], { type: 'application/vnd.slice-seal.file' }), 'doc.ssf');
  fd.append('slice-seal-submission', 'x');
  const { body, type } = await encode(fd);
  const outcome = (buf, t = type) => {
    try {
      parseMultipart(buf, t);
      return 'parsed';
    } catch (e) {
      assert.equal(e.code, 'MALFORMED_MULTIPART', `${e.name}: ${e.message}`);
      return 'refused';
    }
  };
  for (let i = 0; i < body.length; i++) outcome(body.subarray(0, i));
  for (let i = 0; i < 3000; i++) {
    const b = Buffer.from(body);
    for (let k = 0; k < 1 + (i % 4); k++) b[(i * 7919 + k * 104729) % b.length] = randomBytes(1)[0];
    outcome(b);
  }
  const b = type.split('boundary=')[1];
  const big = Buffer.concat([Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="a"\r\n`), Buffer.alloc(8 << 20, 0x41)]); // no end of headers in 8 MiB
  assert.equal(outcome(big), 'refused');
  for (const t of ['multipart/form-data; boundary=', `multipart/form-data; boundary="${'x'.repeat(71)}"`, 'multipart/form-data; boundary="a', `multipart/form-data; xboundary=${b}`]) {
    assert.equal(outcome(body, t), 'refused', t);
  }
  // A delimiter inside a part that is not at a line start, or not followed by CRLF or "--", is data of the part.
  const inner = Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="a"\r\n\r\nx--${b}\r\n\r\n--${b}X\r\n--${b}--\r\n`);
  assert.equal(outcome(inner), 'refused', 'a delimiter followed by junk');
  const ok = Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="a"\r\n\r\nx--${b}\r\n--${b}--\r\n`);
  assert.deepEqual(parseMultipart(ok, type).map((p) => p.data.toString()), [`x--${b}`]);
});
