// Sealed files (docs/FORMAT.md §10): a header that is an ordinary slice
// carrying a fresh AES-256-GCM file key and the metadata, then the body in
// 64 KiB AES-256-GCM chunks with STREAM nonces (11-byte counter, last flag).
//
//   file = "ssf1" || u16be(len(header)) || header || chunk_0 || … || chunk_{n-1}
//
// Built on the package's public API only (Sealer.sealAsync / Opener.openAsync
// for the header, primitives.aesGcm* where WebCrypto is missing). The module
// has no imports: `createFileApi(m)` is given the wasm module's exports, so one
// source serves index.js (ESM) and node.cjs (.ci/build-pkg writes a CommonJS
// copy, node/file.cjs, by replacing the single export line at the end).
//
// Memory: a window of chunks (1 MiB) is read, sealed or opened, and handed
// on; sealed output is folded into Blobs every FOLD_BYTES, so neither the
// input nor the output is ever held whole in JS memory.

/** Media type of a sealed file (Blob type, HTTP part type). */
const SEALED_FILE_TYPE = 'application/vnd.slice-seal.file';

const MAGIC = [0x73, 0x73, 0x66, 0x31]; // "ssf1"
const PREFIX = 6; // magic + u16be header length
const CHUNK_SIZE = 65536;
const MIN_CHUNK = 1024;
const MAX_CHUNK = 4194304;
const TAG = 16;
const MAX_NAME = 1024;
const MAX_TYPE = 255;
const MAX_HEADER = 65535;
/** Header plaintext without name and type: version, key, chunk size, size, two lengths. */
const HP_FIXED = 1 + 32 + 4 + 8 + 2 + 2;
/** Plaintext bytes read (and chunks sealed or opened concurrently) per step. */
const WINDOW_BYTES = 1 << 20;
/** Sealed or opened bytes gathered before they are folded into one Blob. */
const FOLD_BYTES = 4 << 20;

/** An error with a stable `code`, shaped like the wasm module's (`name` "SliceSealError"). */
function fileError(code, message) {
  const e = new Error(message);
  e.name = 'SliceSealError';
  e.code = code;
  return e;
}
const malformed = (m) => fileError('MALFORMED_FILE', m);

/** nonce_i = u88be(i) || last_i (age's STREAM nonce). i < 2^53. */
function chunkNonce(i, last) {
  const n = new Uint8Array(12);
  const v = new DataView(n.buffer);
  v.setUint32(3, Math.floor(i / 0x100000000));
  v.setUint32(7, i >>> 0);
  n[11] = last ? 1 : 0;
  return n;
}

const chunkCount = (size, chunkSize) => Math.max(1, Math.ceil(size / chunkSize));

/** Check the metadata a file will carry; returns the UTF-8 name and ASCII type. */
function checkMeta(size, name, type) {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw fileError('INVALID_ARGUMENT', 'size must be a whole number of bytes, 0 to 2^53 - 1');
  }
  if (typeof name !== 'string') throw fileError('INVALID_ARGUMENT', 'name must be a string');
  if (typeof type !== 'string') throw fileError('INVALID_ARGUMENT', 'type must be a string');
  const nameBytes = new TextEncoder().encode(name);
  if (nameBytes.length > MAX_NAME) throw fileError('INVALID_INPUT', `the file name is longer than ${MAX_NAME} UTF-8 bytes`);
  if (type.length > MAX_TYPE) throw fileError('INVALID_INPUT', `the media type is longer than ${MAX_TYPE} characters`);
  if (!/^[\x20-\x7e]*$/.test(type)) throw fileError('INVALID_INPUT', 'the media type holds a character outside printable ASCII');
  return { nameBytes, typeBytes: new TextEncoder().encode(type) };
}

/** hp = u8(1) || key || u32be(chunk) || u64be(size) || u16be(|name|) || name || u16be(|type|) || type */
function headerPlaintext(key, chunkSize, size, nameBytes, typeBytes) {
  const hp = new Uint8Array(HP_FIXED + nameBytes.length + typeBytes.length);
  const v = new DataView(hp.buffer);
  hp[0] = 1;
  hp.set(key, 1);
  v.setUint32(33, chunkSize);
  v.setUint32(37, Math.floor(size / 0x100000000));
  v.setUint32(41, size >>> 0);
  v.setUint16(45, nameBytes.length);
  hp.set(nameBytes, 47);
  v.setUint16(47 + nameBytes.length, typeBytes.length);
  hp.set(typeBytes, 49 + nameBytes.length);
  return hp;
}

/** Parse an opened header plaintext; MALFORMED_FILE unless it is exactly the layout. */
function parseHeaderPlaintext(hp) {
  if (hp.length < HP_FIXED) throw malformed('the header plaintext is too short');
  const v = new DataView(hp.buffer, hp.byteOffset, hp.byteLength);
  if (hp[0] !== 1) throw malformed(`header layout version ${hp[0]} is not 1`);
  const chunkSize = v.getUint32(33);
  if (chunkSize < MIN_CHUNK || chunkSize > MAX_CHUNK) throw malformed(`chunk size ${chunkSize} is outside ${MIN_CHUNK}..${MAX_CHUNK}`);
  const hi = v.getUint32(37);
  if (hi > 0x1fffff) throw malformed('the file size is over 2^53 - 1');
  const size = hi * 0x100000000 + v.getUint32(41);
  const nameLen = v.getUint16(45);
  if (nameLen > MAX_NAME) throw malformed(`the name is longer than ${MAX_NAME} bytes`);
  if (hp.length < 49 + nameLen) throw malformed('the header plaintext ends inside the name');
  let name;
  try {
    name = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(hp.subarray(47, 47 + nameLen));
  } catch {
    throw malformed('the name is not UTF-8');
  }
  const typeLen = v.getUint16(47 + nameLen);
  if (typeLen > MAX_TYPE) throw malformed(`the media type is longer than ${MAX_TYPE} bytes`);
  const typeAt = 49 + nameLen;
  if (hp.length < typeAt + typeLen) throw malformed('the header plaintext ends inside the media type');
  if (hp.length > typeAt + typeLen) throw malformed('bytes follow the media type in the header plaintext');
  let type = '';
  for (const b of hp.subarray(typeAt)) {
    if (b < 0x20 || b > 0x7e) throw malformed('the media type holds a byte outside printable ASCII');
    type += String.fromCharCode(b);
  }
  return { key: hp.slice(1, 33), chunkSize, size, name, type };
}

/**
 * Free a window buffer now, not at a later GC (V8 lets tens of MiB of garbage
 * ArrayBuffers pile up first). Only for buffers allocated here (new
 * ArrayBuffer / Uint8Array): detaching one the browser allocated (a stream
 * chunk, a WebCrypto result) frees nothing until GC in Chromium and hides it
 * from V8's accounting. WebCrypto has copied its input at the call.
 */
function release(u8) {
  const b = u8.buffer;
  if (OWN.has(b) && typeof b.transfer === 'function' && !b.detached) b.transfer(0);
}
/** The window buffers allocated here (the only ones `release` detaches). */
const OWN = new WeakSet();
const own = (u8) => {
  OWN.add(u8.buffer);
  return u8;
};

const unreadable = (e) => fileError('FILE_UNREADABLE', `the file could not be read (${e && e.name}: ${e && e.message}): was it changed or removed after it was chosen?`);

/** A BYOB reader of a byte stream, or null if `stream` is not one. */
function byobOf(stream) {
  try {
    return stream.getReader({ mode: 'byob' });
  } catch {
    return null;
  }
}

/** Read by length straight into our own buffers: no browser-allocated chunk per read. */
function byobReader(byob, onError) {
  let ended = false;
  return {
    async read(n) {
      let buf = new ArrayBuffer(n);
      let got = 0;
      try {
        while (got < n && !ended) {
          const { done, value } = await byob.read(new Uint8Array(buf, got, n - got));
          if (value) buf = value.buffer;
          if (done) ended = true;
          else got += value.byteLength;
        }
      } catch (e) {
        throw onError(e);
      }
      return own(new Uint8Array(buf, 0, got));
    },
    close() {
      if (!ended) {
        ended = true;
        byob.cancel().catch(() => {});
      }
    },
  };
}

/** A Blob read by length: blob.stream() (far faster than slice().arrayBuffer() per step in Chromium). */
function blobReader(blob) {
  const byob = typeof blob.stream === 'function' ? byobOf(blob.stream()) : null;
  if (byob) return byobReader(byob, unreadable);
  if (typeof blob.stream !== 'function') {
    let pos = 0;
    return {
      async read(n) {
        const end = Math.min(blob.size, pos + n);
        const buf = await blob.slice(pos, end).arrayBuffer().catch((e) => { throw unreadable(e); });
        pos = end;
        return new Uint8Array(buf);
      },
      close() {},
    };
  }
  const r = streamReader(blob.stream());
  return {
    read: (n) => r.read(n).catch((e) => { throw e && e.code ? e : unreadable(e); }),
    close: r.close,
  };
}

/** An async iterable or ReadableStream read by length (a byte stream through a BYOB reader). */
function streamReader(source) {
  const byob = source && typeof source.getReader === 'function' && !source.locked ? byobOf(source) : null;
  if (byob) return byobReader(byob, (e) => e);
  let it;
  if (source && typeof source[Symbol.asyncIterator] === 'function') {
    it = source[Symbol.asyncIterator]();
  } else if (source && typeof source.getReader === 'function') {
    const r = source.getReader();
    it = { next: () => r.read(), return: async () => { await r.cancel(); return { done: true }; } };
  } else {
    throw fileError('INVALID_ARGUMENT', 'the source must be an async iterable or a ReadableStream of bytes');
  }
  let rest = new Uint8Array(0);
  let ended = false;
  return {
    /** Up to n bytes; fewer only at the end of the source. */
    async read(n) {
      const out = own(new Uint8Array(n));
      let got = 0;
      for (;;) {
        const take = Math.min(rest.length, n - got);
        out.set(rest.subarray(0, take), got);
        got += take;
        rest = rest.subarray(take);
        if (got === n || ended) return got === n ? out : out.subarray(0, got);
        const r = await it.next();
        if (r.done) {
          ended = true;
          continue;
        }
        if (!(r.value instanceof Uint8Array)) {
          throw fileError('INVALID_ARGUMENT', 'the source gave something other than bytes (Uint8Array / Buffer)');
        }
        rest = r.value;
      }
    },
    close() {
      if (!ended && typeof it.return === 'function') {
        ended = true;
        Promise.resolve(it.return()).catch(() => {});
      }
    },
  };
}

/**
 * The wasm module's exports `m` in, the file API out. `toStream` turns the
 * async iterables of the stream functions into the platform's stream (Node: a
 * Readable); by default they are returned as they are. `crypto`: the
 * WebCrypto object (Node 18 has no global one).
 */
function createFileApi(m, { toStream = (it) => it, crypto = globalThis.crypto } = {}) {
  const hasSubtle = () => !!(crypto && crypto.subtle);

  /** The chunk cipher: WebCrypto AES-GCM (non-extractable key) where it exists, else wasm. `key` is zeroed. */
  async function chunkCipher(key, usage, webCrypto) {
    if (webCrypto !== false && hasSubtle()) {
      const subtle = crypto.subtle;
      let ck = null;
      try {
        ck = await subtle.importKey('raw', key, { name: 'AES-GCM' }, false, [usage]);
      } catch {
        ck = null; // e.g. a partial WebCrypto: wasm below
      }
      if (ck) {
        key.fill(0);
        return {
          backend: 'webcrypto',
          run: async (nonce, data) => new Uint8Array(await subtle[usage]({ name: 'AES-GCM', iv: nonce }, ck, data)),
          close() {},
        };
      }
    }
    const op = usage === 'encrypt' ? m.primitives.aesGcmSeal : m.primitives.aesGcmOpen;
    return {
      backend: 'wasm',
      run: async (nonce, data) => op(key, nonce, data),
      close() { key.fill(0); },
    };
  }

  function freshKey() {
    try {
      return crypto.getRandomValues(new Uint8Array(32));
    } catch {
      throw fileError('RANDOM_FAILED', 'crypto.getRandomValues is unavailable or failed');
    }
  }

  /** A Sealer from a key (freed after), or the caller's Sealer as it is. */
  function sealerFor(keyOrSealer, opts) {
    if (keyOrSealer instanceof m.Sealer) return { sealer: keyOrSealer, own: false };
    const o = {};
    if (opts.kid !== undefined) o.kid = opts.kid;
    if (opts.webCrypto !== undefined) o.webCrypto = opts.webCrypto;
    return { sealer: new m.Sealer(keyOrSealer, o), own: true };
  }

  function openerFor(keyOrOpener, opts) {
    if (keyOrOpener instanceof m.Opener) return { opener: keyOrOpener, own: false };
    const o = {};
    if (opts.webCrypto !== undefined) o.webCrypto = opts.webCrypto;
    return { opener: new m.Opener(keyOrOpener, o), own: true };
  }

  function checkProgress(onProgress) {
    if (onProgress !== undefined && typeof onProgress !== 'function') {
      throw fileError('INVALID_ARGUMENT', 'onProgress must be a function');
    }
    return onProgress || (() => {});
  }

  /**
   * The sealed file as a sequence of byte arrays: the prefix and header,
   * then the chunks of each window. `reader.read` gives the plaintext.
   */
  async function* sealParts(keyOrSealer, reader, context, size, meta, opts, onProgress, checkEnd) {
    const { sealer, own } = sealerFor(keyOrSealer, opts);
    const key = freshKey();
    let cipher = null;
    try {
      const hp = headerPlaintext(key, CHUNK_SIZE, size, meta.nameBytes, meta.typeBytes);
      let header;
      try {
        header = await sealer.sealAsync(hp, context);
      } finally {
        hp.fill(0);
      }
      if (header.length > MAX_HEADER) throw fileError('INVALID_INPUT', 'the header is longer than 65535 bytes');
      const prefix = new Uint8Array(PREFIX + header.length);
      prefix.set(MAGIC);
      new DataView(prefix.buffer).setUint16(4, header.length);
      for (let i = 0; i < header.length; i++) prefix[PREFIX + i] = header.charCodeAt(i);
      cipher = await chunkCipher(key, 'encrypt', opts.webCrypto);
      yield [prefix];

      const n = chunkCount(size, CHUNK_SIZE);
      const per = Math.max(1, Math.floor(WINDOW_BYTES / CHUNK_SIZE));
      const readWindow = async (first) => {
        const want = Math.min(size, (first + per) * CHUNK_SIZE) - first * CHUNK_SIZE;
        const data = await reader.read(want);
        if (data.length !== want) {
          throw fileError('FILE_TRUNCATED', `the input ended after ${first * CHUNK_SIZE + data.length} bytes; ${size} were announced`);
        }
        return data;
      };
      // Pipelined: window k+1 is read and encrypted while window k is handed on.
      let next = readWindow(0);
      let sealing = null; // { out: Promise of window k's chunks, done }
      for (let first = 0; first < n; first += per) {
        const data = await next;
        if (first + per < n) {
          next = readWindow(first + per);
          next.catch(() => {}); // awaited next round; no unhandled rejection if we stop first
        }
        const count = Math.min(per, n - first);
        const jobs = [];
        for (let j = 0; j < count; j++) {
          const i = first + j;
          jobs.push(cipher.run(chunkNonce(i, i === n - 1), data.subarray(j * CHUNK_SIZE, Math.min(data.length, (j + 1) * CHUNK_SIZE))));
        }
        const out = Promise.all(jobs).then(
          (o) => { release(data); return o; },
          (e) => { throw e && e.code ? e : fileError('ENCRYPT_FAILED', 'a chunk could not be encrypted'); },
        );
        out.catch(() => {}); // awaited below or next round
        if (sealing) {
          yield await sealing.out;
          onProgress(sealing.done, size);
        }
        sealing = { out, done: Math.min(size, (first + count) * CHUNK_SIZE) };
      }
      yield await sealing.out;
      onProgress(sealing.done, size);
      if (checkEnd) await checkEnd();
    } finally {
      key.fill(0);
      if (cipher) cipher.close();
      if (own) sealer.free();
      reader.close();
    }
  }

  /**
   * Read and open the prefix and header; returns the metadata and a
   * generator of authenticated plaintext windows (each handed out only
   * after every chunk in it authenticated; the last one only after the end
   * of the input was checked).
   */
  async function openHeader(keyOrOpener, reader, expected, opts) {
    const { opener, own } = openerFor(keyOrOpener, opts);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (own) opener.free();
      reader.close();
    };
    try {
      const pre = await reader.read(PREFIX);
      if (pre.length < 4 || MAGIC.some((b, i) => pre[i] !== b)) throw malformed('no "ssf1" magic: not a sealed file');
      if (pre.length < PREFIX) throw malformed('the input ends inside the header length');
      const hlen = (pre[4] << 8) | pre[5];
      if (hlen === 0) throw malformed('the header length is 0');
      const hb = await reader.read(hlen);
      if (hb.length < hlen) throw malformed('the header length is longer than the input');
      let header = '';
      for (const b of hb) header += String.fromCharCode(b);
      const hp = expected === undefined || expected === null
        ? await opener.openAsync(header)
        : await opener.openAsync(header, expected);
      let meta;
      try {
        meta = parseHeaderPlaintext(hp);
      } finally {
        hp.fill(0);
      }
      const info = m.inspect(header);
      const context = { form: info.form, field: info.field };
      if (info.submission !== undefined) context.submission = info.submission;
      return {
        name: meta.name,
        type: meta.type,
        size: meta.size,
        chunkSize: meta.chunkSize,
        context,
        kid: info.kid,
        body: openBody(meta, reader, opts, finish),
      };
    } catch (e) {
      finish();
      throw e;
    }
  }

  async function* openBody(meta, reader, opts, finish) {
    const { chunkSize, size } = meta;
    let cipher = null;
    try {
      cipher = await chunkCipher(meta.key, 'decrypt', opts.webCrypto);
      const n = chunkCount(size, chunkSize);
      const per = Math.max(1, Math.floor(WINDOW_BYTES / chunkSize));
      const ptLen = (i) => (i === n - 1 ? size - i * chunkSize : chunkSize);
      let held = null;
      let next = null;
      const readWindow = (first) => {
        let want = 0;
        for (let i = first; i < Math.min(n, first + per); i++) want += ptLen(i) + TAG;
        return reader.read(want);
      };
      next = readWindow(0);
      for (let first = 0; first < n; first += per) {
        const data = await next;
        const count = Math.min(per, n - first);
        let expect = 0;
        for (let j = 0; j < count; j++) expect += ptLen(first + j) + TAG;
        if (data.length === expect && first + per < n) {
          next = readWindow(first + per);
          next.catch(() => {}); // awaited next round; no unhandled rejection if we stop first
        }
        // Every whole chunk of the window is opened; errors count in chunk order.
        const jobs = [];
        let at = 0;
        let whole = 0;
        for (let j = 0; j < count; j++) {
          const i = first + j;
          const len = ptLen(i) + TAG;
          if (at + len > data.length) break;
          const ct = data.subarray(at, at + len);
          jobs.push(cipher.run(chunkNonce(i, i === n - 1), ct).then(
            (pt) => pt,
            () => { throw fileError('CHUNK_DECRYPT_FAILED', `chunk ${i} failed authentication (altered, moved, or from another file)`); },
          ));
          at += len;
          whole++;
        }
        const settled = await Promise.allSettled(jobs);
        release(data);
        const bad = settled.find((s) => s.status === 'rejected');
        if (bad) throw bad.reason;
        if (whole < count) {
          throw fileError('FILE_TRUNCATED', `the input ends inside chunk ${first + whole} of ${n}`);
        }
        const out = settled.map((s) => s.value);
        if (held) yield held;
        held = { parts: out, done: Math.min(size, (first + count) * chunkSize) };
      }
      const extra = await reader.read(1);
      if (extra.length) throw fileError('FILE_EXTENDED', `bytes follow the last chunk (chunk ${n - 1})`);
      yield held;
    } finally {
      meta.key.fill(0);
      if (cipher) cipher.close();
      finish();
    }
  }

  function fileOptions(options) {
    if (options === undefined || options === null) return {};
    if (typeof options !== 'object') throw fileError('INVALID_ARGUMENT', 'options must be an object');
    return options;
  }

  /**
   * Gathers byte arrays into a Blob, folding them every FOLD_BYTES (then they
   * are garbage). Each fold waits until the browser has stored the one before
   * (a 1-byte read waits for it): back-pressure, and a Blob the browser could
   * not store (Chromium caps Blob storage; past it every read of the Blob
   * fails) is STORAGE_FAILED here instead of a broken Blob handed back.
   */
  function blobBuilder() {
    const blobs = [];
    let pending = [];
    let pendingBytes = 0;
    const stored = async (b) => {
      if (b.size === 0) return;
      try {
        await b.slice(0, 1).arrayBuffer();
      } catch (e) {
        throw fileError('STORAGE_FAILED', `the browser could not store the output Blob (${e && e.name}: ${e && e.message}): out of Blob storage?`);
      }
    };
    const fold = async () => {
      const prev = blobs[blobs.length - 1];
      blobs.push(new Blob(pending));
      pending = [];
      pendingBytes = 0;
      if (prev) await stored(prev);
    };
    return {
      async add(parts) {
        for (const p of parts) {
          pending.push(p);
          pendingBytes += p.length;
        }
        if (pendingBytes >= FOLD_BYTES) await fold();
      },
      async finish(type) {
        await fold();
        await stored(blobs[blobs.length - 1]);
        return new Blob(blobs, { type });
      },
    };
  }

  function checkBlob(blob) {
    if (typeof Blob === 'undefined' || !(blob instanceof Blob)) throw fileError('INVALID_ARGUMENT', 'expected a Blob or File');
  }

  /** Seal a Blob/File: Promise<Blob> of type application/vnd.slice-seal.file. */
  async function sealFile(publicKeyOrSealer, blob, context, options) {
    const opts = fileOptions(options);
    checkBlob(blob);
    const onProgress = checkProgress(opts.onProgress);
    const name = opts.name !== undefined ? opts.name : (typeof blob.name === 'string' ? blob.name : '');
    const type = opts.type !== undefined ? opts.type : blob.type;
    const meta = checkMeta(blob.size, name, type);
    const out = blobBuilder();
    for await (const parts of sealParts(publicKeyOrSealer, blobReader(blob), context, blob.size, meta, opts, onProgress)) await out.add(parts);
    return out.finish(SEALED_FILE_TYPE);
  }

  /** Open a sealed Blob: Promise<{ blob, name, type, size, chunkSize, context, kid }>. */
  async function openFile(privateKeyOrOpener, blob, expectedContext, options) {
    const opts = fileOptions(options);
    checkBlob(blob);
    const onProgress = checkProgress(opts.onProgress);
    const { body, ...meta } = await openHeader(privateKeyOrOpener, blobReader(blob), expectedContext, opts);
    const out = blobBuilder();
    for await (const w of body) {
      await out.add(w.parts);
      onProgress(w.done, meta.size);
    }
    return { blob: await out.finish(meta.type), ...meta };
  }

  /**
   * Seal `size` bytes from `source` (Node Readable, async iterable or
   * ReadableStream of bytes): a stream of the sealed file. The source must
   * give exactly `size` bytes, else the stream fails with FILE_TRUNCATED
   * (fewer) or FILE_EXTENDED (more), as the CLI's seal-file.
   */
  function sealFileStream(publicKeyOrSealer, source, context, options) {
    const opts = fileOptions(options);
    const onProgress = checkProgress(opts.onProgress);
    const meta = checkMeta(opts.size, opts.name === undefined ? '' : opts.name, opts.type === undefined ? '' : opts.type);
    const reader = streamReader(source);
    const checkEnd = async () => {
      if ((await reader.read(1)).length) throw fileError('FILE_EXTENDED', `the input is longer than the ${opts.size} bytes announced`);
    };
    async function* bytes() {
      for await (const parts of sealParts(publicKeyOrSealer, reader, context, opts.size, meta, opts, onProgress, checkEnd)) yield* parts;
    }
    return toStream(bytes());
  }

  /**
   * Open a sealed file from `source`: the header is read and opened first
   * (its errors reject the promise); resolves to the metadata and `stream`,
   * the plaintext, whose bytes are given only after their chunk
   * authenticated and which fails with the code of any later error.
   */
  async function openFileStream(privateKeyOrOpener, source, expectedContext, options) {
    const opts = fileOptions(options);
    const onProgress = checkProgress(opts.onProgress);
    const { body, ...meta } = await openHeader(privateKeyOrOpener, streamReader(source), expectedContext, opts);
    async function* bytes() {
      for await (const w of body) {
        for (const p of w.parts) if (p.length) yield p;
        onProgress(w.done, meta.size);
      }
    }
    return { ...meta, stream: toStream(bytes()) };
  }

  return { sealFile, openFile, sealFileStream, openFileStream, SEALED_FILE_TYPE };
}

export { createFileApi };
