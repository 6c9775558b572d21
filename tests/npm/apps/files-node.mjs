// Sealed files in Node, run by tests/npm/run.mjs inside an app that has the
// packed package installed: the shared cases (files.js), then the stream API
// over real files, and a 100 MiB round trip (Blob and streams). Prints JSON.
//
//   node files-node.mjs [bigMiB]
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as m from 'slice-seal';
import { fileCases, pattern, splitFile } from './files.js';

const CHUNK = 65536;
const C = CHUNK + 16;
const bigMiB = Number(process.argv[2] || '100');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slice-seal-files-'));
const kp = m.generateKeyPair();
const ctx = { form: 'consumer-files', field: 'document' };
const out = {};

async function drain(stream) {
  const parts = [];
  try {
    for await (const b of stream) parts.push(b);
    return { bytes: Buffer.concat(parts), code: null };
  } catch (e) {
    return { bytes: Buffer.concat(parts), code: e.code || `uncoded: ${e}` };
  }
}
const sha = (b) => createHash('sha256').update(b).digest('hex');

try {
  out.cases = await fileCases(m);
  const cjs = createRequire(import.meta.url)('slice-seal');
  out.cjsSame = cjs.sealFile === m.sealFile && cjs.openFileStream === m.openFileStream;

  // Streams over files on disk, both ways with the Blob API.
  const size = 40 * CHUNK + 123;
  const data = Buffer.from(pattern(size, 11));
  const plainPath = path.join(dir, 'letter.pdf');
  fs.writeFileSync(plainPath, data);
  const sealedPath = path.join(dir, 'letter.ssf');
  const progress = [];
  const sealStream = m.sealFileStream(kp.publicKey, fs.createReadStream(plainPath, { highWaterMark: 10_000 }), ctx,
    { size, name: 'letter.pdf', type: 'application/pdf', onProgress: (d) => progress.push(d) });
  out.sealIsReadable = sealStream instanceof Readable;
  await pipeline(sealStream, fs.createWriteStream(sealedPath));
  const sealed = fs.readFileSync(sealedPath);
  const viaBlob = await m.openFile(kp.privateKey, new Blob([sealed]), ctx);
  const opened = await m.openFileStream(kp.privateKey, fs.createReadStream(sealedPath, { highWaterMark: 7_000 }), ctx,
    { onProgress: (d) => progress.push(-d) });
  const openedBack = await drain(opened.stream);
  const fromBlob = Buffer.from(await (await m.sealFile(kp.publicKey, new Blob([data]), ctx)).arrayBuffer());
  const openedFromBlob = await m.openFileStream(kp.privateKey, Readable.from([fromBlob]), ctx);
  const seals = progress.filter((d) => d >= 0);
  const opens = progress.filter((d) => d < 0).map((d) => -d);
  const increasing = (p) => p.length > 1 && p.every((d, i) => i === 0 || d > p[i - 1]) && p[p.length - 1] === size;
  out.streams = {
    sealedSize: sealed.length === 6 + splitFile(sealed).hlen + size + 16 * 41,
    streamSealedOpensAsBlob: Buffer.from(await viaBlob.blob.arrayBuffer()).equals(data) && viaBlob.name === 'letter.pdf',
    streamOpened: openedBack.code === null && openedBack.bytes.equals(data),
    meta: { name: opened.name, type: opened.type, size: opened.size, context: opened.context, kidOk: opened.kid === kp.publicKey.kid },
    openIsReadable: opened.stream instanceof Readable,
    blobSealedOpensAsStream: (await drain(openedFromBlob.stream)).bytes.equals(data),
    sealProgress: increasing(seals),
    openProgress: increasing(opens),
    // A ReadableStream (WHATWG) source works too.
    webStreamSource: Buffer.from(await (await m.openFile(kp.privateKey, new Blob([
      (await drain(m.sealFileStream(kp.publicKey, new Blob([data]).stream(), ctx, { size }))).bytes,
    ]), ctx)).blob.arrayBuffer()).equals(data),
  };

  // The source must give exactly `size` bytes.
  out.streams.sourceShort = (await drain(m.sealFileStream(kp.publicKey, Readable.from([data]), ctx, { size: size + 1 }))).code;
  out.streams.sourceLong = (await drain(m.sealFileStream(kp.publicKey, Readable.from([data]), ctx, { size: size - 1 }))).code;
  out.streams.sizeMissing = (() => {
    try {
      m.sealFileStream(kp.publicKey, Readable.from([data]), ctx, {});
      return 'no error';
    } catch (e) {
      return e.code;
    }
  })();

  // Opening a stream: header errors reject; body errors fail the stream,
  // and no byte of a chunk is given before it authenticated.
  const at = splitFile(sealed).bodyAt;
  const flipAt = (i) => {
    const c = Buffer.from(sealed);
    c[i] ^= 1;
    return c;
  };
  const openCode = async (bytes, context = ctx) => {
    let o;
    try {
      o = await m.openFileStream(kp.privateKey, Readable.from([bytes]), context);
    } catch (e) {
      return { rejected: e.code };
    }
    const r = await drain(o.stream);
    return { code: r.code, emitted: r.bytes.length, prefix: data.subarray(0, r.bytes.length).equals(r.bytes) };
  };
  out.streamTamper = {
    wrongContext: await openCode(sealed, { ...ctx, field: 'other' }),
    magic: await openCode(flipAt(0)),
    chunk33: await openCode(flipAt(at + 33 * C + 5)),
    truncated: await openCode(sealed.subarray(0, sealed.length - 10)),
    extended: await openCode(Buffer.concat([sealed, Buffer.from([0])])),
  };

  // 100 MiB: Blob API and streams, checked by SHA-256.
  if (bigMiB > 0) {
    const bigSize = bigMiB << 20;
    const big = Buffer.from(pattern(bigSize, 13));
    const bigPath = path.join(dir, 'big.bin');
    fs.writeFileSync(bigPath, big);
    const t0 = performance.now();
    const sealedBig = await m.sealFile(kp.publicKey, new Blob([big]), ctx);
    const t1 = performance.now();
    const openedBig = await m.openFile(kp.privateKey, sealedBig, ctx);
    const t2 = performance.now();
    const bigOk = sha(Buffer.from(await openedBig.blob.arrayBuffer())) === sha(big);
    const bigSealedPath = path.join(dir, 'big.ssf');
    const t3 = performance.now();
    await pipeline(m.sealFileStream(kp.publicKey, fs.createReadStream(bigPath), ctx, { size: bigSize }), fs.createWriteStream(bigSealedPath));
    const t4 = performance.now();
    const o = await m.openFileStream(kp.privateKey, fs.createReadStream(bigSealedPath), ctx);
    const h = createHash('sha256');
    let rssMax = 0;
    for await (const b of o.stream) {
      h.update(b);
      rssMax = Math.max(rssMax, process.memoryUsage().rss);
    }
    const t5 = performance.now();
    out.big = {
      mib: bigMiB,
      blobRoundTrip: bigOk && openedBig.size === bigSize,
      sealedSize: sealedBig.size === fs.statSync(bigSealedPath).size,
      streamRoundTrip: h.digest('hex') === sha(big),
      msSealBlob: Math.round(t1 - t0),
      msOpenBlob: Math.round(t2 - t1),
      msSealStream: Math.round(t4 - t3),
      msOpenStream: Math.round(t5 - t4),
      rssPeakOpenStreamMiB: Math.round(rssMax / 1048576),
    };
  }
  console.log(JSON.stringify({ ok: true, ...out }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e && e.stack || e), ...out }));
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
