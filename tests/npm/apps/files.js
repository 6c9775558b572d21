// Sealed files (sealFile/openFile), shared by the Node test and the browser
// page of tests/npm/run.mjs: given the slice-seal module namespace, run the
// round trips and every tamper case of the format and report what happened.
// The format is also checked independently of openFile: the header is opened
// with `open`, the header plaintext parsed here, every chunk decrypted with
// WebCrypto using the nonce built here (file-format-plan / FORMAT.md §10).
const CHUNK = 65536;
const TAG = 16;
const MAGIC = [0x73, 0x73, 0x66, 0x31];
const enc = new TextEncoder();

/** Deterministic test bytes (not all zero, different per size). */
export function pattern(size, seed = 1) {
  const b = new Uint8Array(size);
  let x = (seed * 2654435761) >>> 0;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

const cat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const flip = (b, i) => {
  const c = b.slice();
  c[i] ^= 0x01;
  return c;
};
const equal = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
const bytesOf = async (blob) => new Uint8Array(await blob.arrayBuffer());
const b64uDecode = (s) => {
  const t = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(t + '='.repeat((4 - (t.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};
const b64uEncode = (b) => btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** Split a sealed file: header text and offsets, per the format. */
export function splitFile(f) {
  const hlen = (f[4] << 8) | f[5];
  const header = String.fromCharCode(...f.subarray(6, 6 + hlen));
  return { hlen, header, bodyAt: 6 + hlen };
}

/** nonce_i = u88be(i) || last flag, written out independently of file.js. */
function nonce(i, last) {
  const n = new Uint8Array(12);
  let v = i;
  for (let k = 10; k >= 0; k--) {
    n[k] = v % 256;
    v = Math.floor(v / 256);
  }
  n[11] = last ? 1 : 0;
  return n;
}

/** Header plaintext, for the MALFORMED_FILE cases (built here, sealed with `sealAsync`). */
function headerPlaintext({ version = 1, key, chunk = CHUNK, sizeHi = 0, size, name = '', type = '', extra = [] }) {
  const nb = enc.encode(name);
  const tb = enc.encode(type);
  const hp = new Uint8Array(1 + 32 + 4 + 8 + 2 + nb.length + 2 + tb.length);
  const dv = new DataView(hp.buffer);
  hp[0] = version;
  hp.set(key, 1);
  dv.setUint32(33, chunk);
  dv.setUint32(37, sizeHi);
  dv.setUint32(41, size);
  dv.setUint16(45, nb.length);
  hp.set(nb, 47);
  dv.setUint16(47 + nb.length, tb.length);
  hp.set(tb, 49 + nb.length);
  return cat(hp, Uint8Array.from(extra));
}

/** Count WebCrypto AES-GCM encrypt/decrypt calls while fn runs. */
async function countAesGcm(fn) {
  const proto = Object.getPrototypeOf(globalThis.crypto.subtle);
  const orig = { encrypt: proto.encrypt, decrypt: proto.decrypt };
  const count = { encrypt: 0, decrypt: 0 };
  for (const op of ['encrypt', 'decrypt']) {
    proto[op] = function (alg, ...rest) {
      if (alg && alg.name === 'AES-GCM') count[op]++;
      return orig[op].call(this, alg, ...rest);
    };
  }
  try {
    return { value: await fn(), count };
  } finally {
    proto.encrypt = orig.encrypt;
    proto.decrypt = orig.decrypt;
  }
}

async function codeOf(p) {
  try {
    await p;
    return 'opened';
  } catch (e) {
    return e && e.code ? e.code : `uncoded: ${e}`;
  }
}

/**
 * Run everything; `sizes` are the round-trip sizes. Returns a plain object
 * (JSON-able) that tests/npm/run.mjs checks.
 */
export async function fileCases(m, { sizes } = {}) {
  const kp = m.generateKeyPair();
  const other = m.generateKeyPair();
  const ctx = { form: 'consumer-files', field: 'document', submission: 's-1' };
  const r = { type: m.SEALED_FILE_TYPE, roundTrips: [], tamper: {}, backends: {}, format: {}, layout: {} };
  const sizeList = sizes || [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 40 * CHUNK + 7];

  // Round trips, each with its progress reports and the sealed size the format predicts.
  for (const size of sizeList) {
    const data = pattern(size, size + 1);
    const file = typeof File === 'function'
      ? new File([data], 'scan ✓.pdf', { type: 'application/pdf' })
      : new Blob([data], { type: 'application/pdf' });
    const sealProgress = [];
    const sealed = await m.sealFile(kp.publicKey, file, ctx, { onProgress: (d, t) => sealProgress.push([d, t]) });
    const f = await bytesOf(sealed);
    const { hlen } = splitFile(f);
    const n = Math.max(1, Math.ceil(size / CHUNK));
    const openProgress = [];
    const o = await m.openFile(kp.privateKey, sealed, ctx, { onProgress: (d, t) => openProgress.push([d, t]) });
    const back = await bytesOf(o.blob);
    const monotone = (p) => p.length > 0 && p.every(([d, t], i) => t === size && (i === 0 ? d >= 0 : d > p[i - 1][0]))
      && p[p.length - 1][0] === size;
    r.roundTrips.push({
      size,
      sealedType: sealed.type,
      sealedSizeOk: sealed.size === 6 + hlen + size + TAG * n,
      same: equal(back, data),
      name: o.name,
      type: o.type,
      blobType: o.blob.type,
      openedSize: o.size,
      chunkSize: o.chunkSize,
      context: o.context,
      kidOk: o.kid === kp.publicKey.kid,
      sealProgressOk: monotone(sealProgress),
      openProgressOk: monotone(openProgress),
    });
  }

  // The format, checked without openFile: magic, header = a slice for ctx
  // whose plaintext is the layout, chunks = AES-GCM under the STREAM nonces.
  {
    const size = 3 * CHUNK + 5;
    const data = pattern(size, 7);
    const f = await bytesOf(await m.sealFile(kp.publicKey, new Blob([data]), ctx, { name: 'a.bin', type: 'application/octet-stream' }));
    const { header, bodyAt } = splitFile(f);
    const hp = m.open(kp.privateKey, header, ctx);
    const dv = new DataView(hp.buffer, hp.byteOffset);
    const key = await crypto.subtle.importKey('raw', hp.slice(1, 33), 'AES-GCM', false, ['decrypt']);
    const chunks = [];
    let at = bodyAt;
    for (let i = 0; i < 4; i++) {
      const len = (i < 3 ? CHUNK : 5) + TAG;
      chunks.push(new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce(i, i === 3) }, key, f.subarray(at, at + len))));
      at += len;
    }
    let lastAsNotLast = 'opened';
    await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce(3, false) }, key, f.subarray(at - 5 - TAG, at)).catch(() => { lastAsNotLast = 'failed'; });
    r.format = {
      magic: equal(f.subarray(0, 4), MAGIC),
      headerIsSlice: header.startsWith('ss1.') && m.inspect(header).field === 'document',
      version: hp[0],
      chunkSize: dv.getUint32(33),
      size: dv.getUint32(37) * 2 ** 32 + dv.getUint32(41),
      nameType: [hp.subarray(47, 47 + dv.getUint16(45)), hp.subarray(49 + dv.getUint16(45))].map((b) => new TextDecoder().decode(b)),
      hpLength: hp.length === 49 + 5 + 24,
      chunksDecrypt: equal(cat(...chunks), data),
      endsAtLastChunk: at === f.length,
      lastAsNotLast,
    };
  }

  // WebCrypto and wasm chunk paths: the same format, each opens the other's.
  if (globalThis.crypto && globalThis.crypto.subtle) {
    const data = pattern(5 * CHUNK + 3, 9);
    const viaWc = await countAesGcm(() => m.sealFile(kp.publicKey, new Blob([data]), ctx));
    const viaWasm = await countAesGcm(() => m.sealFile(kp.publicKey, new Blob([data]), ctx, { webCrypto: false }));
    const openWc = await countAesGcm(async () => bytesOf((await m.openFile(kp.privateKey, viaWasm.value, ctx)).blob));
    const openWasm = await countAesGcm(async () => bytesOf((await m.openFile(kp.privateKey, viaWc.value, ctx, { webCrypto: false })).blob));
    const sealer = new m.Sealer(kp.publicKey, { kid: kp.publicKey.kid, webCrypto: false });
    const opener = new m.Opener(kp.privateKey, { webCrypto: false });
    const withObjects = await bytesOf((await m.openFile(opener, await m.sealFile(sealer, new Blob([data]), ctx, { webCrypto: false }), ctx, { webCrypto: false })).blob);
    sealer.free();
    opener.free();
    r.backends = {
      webCryptoSealCalls: viaWc.count.encrypt,
      wasmSealCalls: viaWasm.count.encrypt,
      webCryptoOpenCalls: openWc.count.decrypt,
      wasmOpenCalls: openWasm.count.decrypt,
      sameSize: viaWc.value.size === viaWasm.value.size,
      wasmSealedOpensWithWebCrypto: equal(openWc.value, data),
      webCryptoSealedOpensWithWasm: equal(openWasm.value, data),
      sealerAndOpenerObjects: equal(withObjects, data),
    };
  }

  // Tampering: every case of the plan, with its code.
  {
    const data = pattern(3 * CHUNK + 100, 3);
    const A = await bytesOf(await m.sealFile(kp.publicKey, new Blob([data]), ctx));
    const B = await bytesOf(await m.sealFile(kp.publicKey, new Blob([data]), ctx));
    const { header, bodyAt: at } = splitFile(A);
    const C = CHUNK + TAG;
    const chunk = (f, i) => f.subarray(at + i * C, at + (i + 1) * C);
    // The header envelope with one ciphertext byte changed (its last byte: the tag).
    const hb = b64uDecode(header.slice(4));
    const forgedHeader = enc.encode(`ss1.${b64uEncode(flip(hb, hb.length - 1))}`);
    const cases = {
      cutInsideChunk: A.subarray(0, at + C + 100),
      cutAtChunkBoundary: A.subarray(0, at + C),
      cutInsideLastChunk: A.subarray(0, A.length - 1),
      cutAfterHeader: A.subarray(0, at),
      cutInsideHeader: A.subarray(0, at - 1),
      cutInsideLength: A.subarray(0, 5),
      empty: new Uint8Array(0),
      plusOneByte: cat(A, [0]),
      plusOneChunk: cat(A, chunk(A, 1)),
      magicFlipped: flip(A, 0),
      headerLengthZero: cat(A.subarray(0, 4), [0, 0], A.subarray(6)),
      headerCiphertextFlipped: cat(A.subarray(0, 6), forgedHeader, A.subarray(at)),
      chunkFlipped: flip(A, at + C + 10),
      tagFlipped: flip(A, at + C - 1),
      lastChunkFlipped: flip(A, A.length - 1),
      chunksSwapped: cat(A.subarray(0, at), chunk(A, 1), chunk(A, 0), A.subarray(at + 2 * C)),
      lastChunkDropped: A.subarray(0, at + 3 * C),
      chunkFromOtherFile: cat(A.subarray(0, at + C), chunk(B, 1), A.subarray(at + 2 * C)),
      bodyFromOtherFile: cat(A.subarray(0, at), B.subarray(at)),
      headerFromOtherFile: cat(B.subarray(0, at), A.subarray(at)),
      chunkFlippedAndTruncated: flip(A, at + 10).subarray(0, at + 2 * C + 5),
    };
    for (const [k, v] of Object.entries(cases)) r.tamper[k] = await codeOf(m.openFile(kp.privateKey, new Blob([v]), ctx));
    r.tamper.wrongKey = await codeOf(m.openFile(other.privateKey, new Blob([A]), ctx));
    r.tamper.wrongContext = await codeOf(m.openFile(kp.privateKey, new Blob([A]), { ...ctx, field: 'other-document' }));
    r.tamper.wrongSubmission = await codeOf(m.openFile(kp.privateKey, new Blob([A]), { ...ctx, submission: 's-2' }));
    r.tamper.noExpectedContext = await codeOf(m.openFile(kp.privateKey, new Blob([A])));
    // A header that is a slice but not a file header: MALFORMED_FILE per layout rule.
    const key = pattern(32, 5);
    const withHeader = async (hp) => {
      const h = enc.encode(await m.sealAsync(kp.publicKey, hp, ctx));
      return codeOf(m.openFile(kp.privateKey, new Blob([cat(MAGIC, [h.length >> 8, h.length & 255], h, A.subarray(at))]), ctx));
    };
    r.layout = {
      good: await withHeader(headerPlaintext({ key, size: 3 * CHUNK + 100 })),
      version2: await withHeader(headerPlaintext({ version: 2, key, size: 10 })),
      chunkTooSmall: await withHeader(headerPlaintext({ key, chunk: 1023, size: 10 })),
      chunkTooBig: await withHeader(headerPlaintext({ key, chunk: 4194305, size: 10 })),
      sizeOver2p53: await withHeader(headerPlaintext({ key, sizeHi: 0x200000, size: 0 })),
      trailingByte: await withHeader(headerPlaintext({ key, size: 10, extra: [0] })),
      typeNotAscii: await withHeader(headerPlaintext({ key, size: 10, type: 'text/é' })),
      nameNotUtf8: await withHeader(cat(headerPlaintext({ key, size: 10 }).subarray(0, 45), [0, 1, 0xff, 0, 0])),
      short: await withHeader(new Uint8Array(40)),
      notAFileHeader: await withHeader(enc.encode('an ordinary answer')),
    };
    r.tamper.errorShape = await m.openFile(kp.privateKey, new Blob([flip(A, at + 3)]), ctx).then(
      () => null,
      (e) => ({ isError: e instanceof Error, name: e.name, code: e.code, namesChunk: /chunk 0\b/.test(e.message) }),
    );
  }

  // Sealing-side input checks.
  r.sealErrors = {
    nameTooLong: await codeOf(m.sealFile(kp.publicKey, new Blob([]), ctx, { name: 'x'.repeat(1025) })),
    name1024: await codeOf(m.sealFile(kp.publicKey, new Blob([]), ctx, { name: 'é'.repeat(512) })),
    typeNotAscii: await codeOf(m.sealFile(kp.publicKey, new Blob([]), ctx, { type: 'text/é' })),
    notABlob: await codeOf(m.sealFile(kp.publicKey, 'text', ctx)),
    badContext: await codeOf(m.sealFile(kp.publicKey, new Blob([]), { form: '', field: 'x' })),
    wrongKid: await codeOf(m.sealFile(kp.publicKey, new Blob([]), ctx, { kid: other.publicKey.kid })),
  };
  return r;
}

/**
 * Seal a big Blob (mib MiB: one random 16 MiB block repeated): sealFile must
 * hand back a Blob the browser can read to its last byte, or reject with
 * STORAGE_FAILED (a browser that cannot store that much) — never a Blob
 * whose reads fail.
 */
export async function bigBlobCase(m, mib) {
  const kp = m.generateKeyPair();
  const block = new Blob(Array.from({ length: 256 }, () => crypto.getRandomValues(new Uint8Array(CHUNK))));
  const blob = new Blob(Array.from({ length: Math.ceil(mib / 16) }, (_, i) => (i < Math.floor(mib / 16) ? block : block.slice(0, (mib % 16) << 20))));
  let sealed;
  try {
    sealed = await m.sealFile(kp.publicKey, blob, { form: 'big', field: 'file' });
  } catch (e) {
    return { mib, outcome: e.code };
  }
  let readable;
  try {
    const head = new Uint8Array(await sealed.slice(0, 4).arrayBuffer());
    const tail = new Uint8Array(await sealed.slice(sealed.size - 16).arrayBuffer());
    readable = equal(head, MAGIC) && tail.length === 16;
  } catch (e) {
    readable = `${e && e.name}`;
  }
  return { mib, outcome: 'sealed', readable };
}

/** What every caller expects of fileCases' result (sizes as given). */
export function expectedFileCases(sizes) {
  return {
    tamper: {
      cutInsideChunk: 'FILE_TRUNCATED',
      cutAtChunkBoundary: 'FILE_TRUNCATED',
      cutInsideLastChunk: 'FILE_TRUNCATED',
      cutAfterHeader: 'FILE_TRUNCATED',
      cutInsideHeader: 'MALFORMED_FILE',
      cutInsideLength: 'MALFORMED_FILE',
      empty: 'MALFORMED_FILE',
      plusOneByte: 'FILE_EXTENDED',
      plusOneChunk: 'FILE_EXTENDED',
      magicFlipped: 'MALFORMED_FILE',
      headerLengthZero: 'MALFORMED_FILE',
      headerCiphertextFlipped: 'DECRYPT_FAILED',
      chunkFlipped: 'CHUNK_DECRYPT_FAILED',
      tagFlipped: 'CHUNK_DECRYPT_FAILED',
      lastChunkFlipped: 'CHUNK_DECRYPT_FAILED',
      chunksSwapped: 'CHUNK_DECRYPT_FAILED',
      lastChunkDropped: 'FILE_TRUNCATED',
      chunkFromOtherFile: 'CHUNK_DECRYPT_FAILED',
      bodyFromOtherFile: 'CHUNK_DECRYPT_FAILED',
      headerFromOtherFile: 'CHUNK_DECRYPT_FAILED',
      chunkFlippedAndTruncated: 'CHUNK_DECRYPT_FAILED',
      wrongKey: 'KID_MISMATCH',
      wrongContext: 'CONTEXT_MISMATCH',
      wrongSubmission: 'CONTEXT_MISMATCH',
      noExpectedContext: 'opened',
      errorShape: { isError: true, name: 'SliceSealError', code: 'CHUNK_DECRYPT_FAILED', namesChunk: true },
    },
    layout: {
      good: 'CHUNK_DECRYPT_FAILED', // a well-formed header with another key: the body is checked
      version2: 'MALFORMED_FILE',
      chunkTooSmall: 'MALFORMED_FILE',
      chunkTooBig: 'MALFORMED_FILE',
      sizeOver2p53: 'MALFORMED_FILE',
      trailingByte: 'MALFORMED_FILE',
      typeNotAscii: 'MALFORMED_FILE',
      nameNotUtf8: 'MALFORMED_FILE',
      short: 'MALFORMED_FILE',
      notAFileHeader: 'MALFORMED_FILE',
    },
    sealErrors: {
      nameTooLong: 'INVALID_INPUT',
      name1024: 'opened',
      typeNotAscii: 'INVALID_INPUT',
      notABlob: 'INVALID_ARGUMENT',
      badContext: 'INVALID_CONTEXT',
      wrongKid: 'KID_MISMATCH',
    },
    sizes,
  };
}
