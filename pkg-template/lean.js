// slice-seal/lean: the async sealing API of the form page without the full
// module. Where `crypto.subtle` exists, WebCrypto does every P-256 step (the
// recipient key's import and curve check, each slice's key pair and ECDH)
// and lean/slice_seal_lean_bg.wasm the rest of RFC 9180 (JWK checks and
// thumbprint, ExtractAndExpand, KeySchedule, AES-256-GCM, context,
// envelope) in two synchronous calls per slice (agree, seal). The full module (./index.js)
// is fetched only when needed: no `crypto.subtle` or one that does not
// check public keys (webCryptoChecksPoints), input the lean path does
// not take (PEM, SEC1 bytes, `webCrypto: false`), an input it refuses (the
// full module then gives the error, so codes and messages are the full
// module's), a WebCrypto failure, or WebCrypto's P-256 measured slower than
// the full module's wasm on this page (see `Sealer.timings`).
import initLean, * as lw from './lean/slice_seal_lean.js';

/** A WebCrypto encapsulation faster than this (ms) is kept without timing the full module's wasm; the wasm path's own encapsulation is below it in the three engines (benches/README.md). */
export const WASM_BOUND_MS = 2;
const ECDH = { name: 'ECDH', namedCurve: 'P-256' };
const MAX_PLAINTEXT = 4 << 20;
const MAX_PREPARED = 256;

let options = {};
let leanReady = null;
let fullReady = null;

function subtleOf() {
  const s = globalThis.crypto && globalThis.crypto.subtle;
  const ok = s && ['generateKey', 'exportKey', 'deriveBits', 'importKey'].every((f) => typeof s[f] === 'function');
  return ok ? s : null;
}

/** The full module, loaded and instantiated once (`options.full` overrides how, e.g. Node's entry). */
export function loadFull() {
  fullReady ??= (options.full ? Promise.resolve(options.full()) : import('./index.js').then(async (m) => {
    await m.default();
    return m;
  })).catch((e) => {
    fullReady = null;
    throw e;
  });
  return fullReady;
}

/**
 * Load the lean module where `crypto.subtle` exists, else the full one.
 * `opts.wasm`: the lean .wasm (URL, Response, bytes, Module; default: next
 * to the glue); `opts.full`: a function giving the instantiated full module.
 * Rejects only if neither loads.
 */
export default function init(opts = {}) {
  options = opts || {};
  leanReady ??= (async () => {
    if (subtleOf()) {
      try {
        await initLean(options.wasm === undefined ? undefined : { module_or_path: options.wasm });
        return true;
      } catch (e) {
        console.warn('slice-seal: the lean module did not load; using the full module:', e);
      }
    }
    await loadFull();
    return false;
  })().catch((e) => {
    leanReady = null;
    throw e;
  });
  return leanReady.then(() => undefined);
}

const isPlain = (v) => v !== null && typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);
const optStr = (v) => v === undefined || v === null || typeof v === 'string';

function b64url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Whether the full module reads every member of `jwk` without an error (strings of at most 4096 units, or absent). */
const readable = (jwk) => isPlain(jwk) && ['kty', 'crv', 'x', 'y', 'd', 'kid', 'use', 'alg'].every((k) => optStr(jwk[k]) && !(jwk[k]?.length > 4096));

/** `[point, kidBytes]` of a JWK the lean path takes, else null (checks as the full module's, except the curve). */
function jwkParts(jwk) {
  if (!readable(jwk)) return null;
  let r;
  try {
    r = lw.recipient(jwk.kty ?? undefined, jwk.crv ?? undefined, jwk.x ?? undefined, jwk.y ?? undefined, jwk.kid ?? undefined);
  } catch {
    return null;
  }
  return [r.subarray(0, 65), r.subarray(65)];
}

let pointsChecked = null;

/**
 * Whether this WebCrypto refuses public keys off the curve (the lean path's
 * curve check). WebKitGTK's (2.50, libgcrypt) imports them, and even
 * derives with them: there the full module takes every key.
 */
export function webCryptoChecksPoints() {
  const subtle = subtleOf();
  if (!subtle) return Promise.resolve(false);
  pointsChecked ??= (async () => {
    // Off the curve: x = y; x not below p.
    const x = Uint8Array.from(atob('eywhzYPo3Enh4prUCLscSY/Pcg7NmRuwkYLPzrENN0Y='), (c) => c.charCodeAt(0));
    const probes = [[x, x], [new Uint8Array(32).fill(255), x]];
    for (const [px, py] of probes) {
      const raw = new Uint8Array(65);
      raw[0] = 4;
      raw.set(px, 1);
      raw.set(py, 33);
      if (await importPoint(subtle, raw)) return false;
    }
    return true;
  })();
  return pointsChecked;
}

/** The WebCrypto public key of `point`, or null if WebCrypto refuses it (not on the curve). */
async function importPoint(subtle, point) {
  try {
    return await subtle.importKey('raw', point, ECDH, true, []);
  } catch {
    return null;
  }
}

/** The recipient the full module would choose for (key, kid), if the lean path takes it; else null. */
async function leanRecipient(subtle, key, kid) {
  if (typeof key === 'string') {
    if (key.length > 1 << 20 || !key.trimStart().startsWith('{')) return null;
    try {
      key = JSON.parse(key);
    } catch {
      return null;
    }
  }
  if (!isPlain(key)) return null;
  let candidates;
  if ('keys' in key) {
    const keys = key.keys;
    if (!Array.isArray(keys) || keys.length > 1024 || !keys.every(readable)) return null;
    if (kid === undefined) {
      if (keys.length !== 1) return null;
      candidates = keys;
    } else {
      // Jwks::find: the first key whose kid member is `kid`; a key without
      // one is taken if valid and its thumbprint is `kid`.
      const i = keys.findIndex((k) => k.kid === kid || (k.kid === undefined || k.kid === null) && (jwkParts(k)?.[1] && b64url(jwkParts(k)[1]) === kid));
      if (i < 0) return null;
      candidates = [keys[i]];
    }
  } else {
    if (!readable(key)) return null;
    candidates = [key];
  }
  const parts = jwkParts(candidates[0]);
  if (!parts) return null;
  const kidText = b64url(parts[1]);
  if (kid !== undefined && kidText !== kid) return null;
  const peer = await importPoint(subtle, parts[0]);
  return peer ? { point: parts[0], kidBytes: parts[1], kid: kidText, peer } : null;
}

/**
 * A Sealer for `key` (a JWK or JWKS, object or JSON text; with
 * `options.kid`, pinned and chosen from a JWKS by it): the lean one where it
 * can be, else the full module's `Sealer` (which also gives the errors).
 */
export async function createSealer(key, opts) {
  await init(options);
  const subtle = subtleOf();
  if ((await leanReady) && subtle && (opts === undefined || opts === null || isPlain(opts)) && (await webCryptoChecksPoints())) {
    const kid = opts?.kid ?? undefined;
    const web = opts?.webCrypto;
    if ((kid === undefined || typeof kid === 'string') && (web === undefined || web === true)) {
      const r = await leanRecipient(subtle, key, kid).catch(() => null);
      if (r) return new Sealer(r, subtle);
    }
  }
  const m = await loadFull();
  return new m.Sealer(key, opts);
}

// ---------------------------------------------------------------- backend choice

let choice = null; // the page's one measurement: Promise<{ backend, timings }>

async function time(f) {
  const t0 = performance.now();
  const out = await f();
  return [performance.now() - t0, out];
}

/**
 * Which P-256 backend is faster on this page, measured once: two WebCrypto
 * encapsulations (kept as prepared); if the faster is above WASM_BOUND_MS,
 * the full module's wasm encapsulation is timed too (two, after one to
 * warm up), and the faster wins.
 */
function measure(sealer) {
  choice ??= (async () => {
    const web = [];
    for (let i = 0; i < 2; i++) {
      const [ms, made] = await time(() => sealer._encapsulate(1));
      sealer._add(made);
      web.push(ms);
    }
    const timings = { webcrypto: Math.min(...web), wasm: undefined, bound: WASM_BOUND_MS };
    if (timings.webcrypto <= WASM_BOUND_MS) return { backend: 'webcrypto', timings };
    const full = await sealer._full();
    full.prepare(full.prepared + 1);
    const wasm = [];
    for (let i = 0; i < 2; i++) wasm.push((await time(async () => full.prepare(full.prepared + 1)))[0]);
    timings.wasm = Math.min(...wasm);
    return { backend: timings.wasm < timings.webcrypto ? 'wasm' : 'webcrypto', timings };
  })();
  return choice;
}

/** The page's measurement, once made: `{ backend, timings: { webcrypto, wasm, bound } }`, else null. */
export async function backendChoice() {
  return choice ? choice : null;
}

// ---------------------------------------------------------------- the sealer

const encoder = new TextEncoder();

/** `{bytes, owned, form, field, submission}` of a slice the lean path takes, else null. */
function sliceArgs(plaintext, context) {
  let bytes;
  let owned = false;
  if (plaintext instanceof Uint8Array) {
    if (plaintext.length > MAX_PLAINTEXT) return null;
    bytes = plaintext;
  } else if (typeof plaintext === 'string') {
    if (plaintext.length > MAX_PLAINTEXT) return null;
    bytes = encoder.encode(plaintext);
    owned = true;
  } else {
    return null;
  }
  const done = (v) => {
    if (owned) bytes.fill(0);
    return v;
  };
  if (!isPlain(context) || typeof context.form !== 'string' || typeof context.field !== 'string' || !optStr(context.submission)) return done(null);
  const sub = context.submission ?? undefined;
  try {
    lw.check(bytes.length, context.form, context.field, sub);
  } catch {
    return done(null);
  }
  return { bytes, owned, form: context.form, field: context.field, submission: sub };
}

/**
 * The lean Sealer (from `createSealer`): the async API of the full
 * module's Sealer that the form uses (`kid`, `prepared`, `prepareAsync`,
 * `sealAsync`, `sealMany`, `backend`, `free`), same envelopes and errors.
 */
export class Sealer {
  static name = 'Sealer'; // the package is minified without --keep-names
  #r;
  #subtle;
  #pool = []; // handles of prepared encapsulations (secrets in wasm)
  #full = null; // the full module's Sealer (webCrypto: false), once needed
  #backend = undefined;

  constructor(recipient, subtle) {
    if (!recipient || !recipient.peer) throw new TypeError('use createSealer()');
    this.#r = recipient;
    this.#subtle = subtle;
  }

  /** The recipient's key id (RFC 7638 thumbprint). */
  get kid() {
    return this.#r.kid;
  }

  /** Prepared slices: WebCrypto's (here) and the full module's wasm ones. */
  get prepared() {
    return this.#pool.length + (this.#full ? this.#full.prepared : 0);
  }

  /** The P-256 backend this page chose ('webcrypto' / 'wasm'); undefined before the first P-256 work. */
  get backend() {
    return this.#backend;
  }

  /** The measurement behind `backend`: `{ webcrypto, wasm, bound }` in ms (wasm undefined if not timed). */
  get timings() {
    return this.#timings;
  }

  #timings = undefined;

  /** @internal The full module's Sealer for this recipient, pure wasm. */
  async _full() {
    if (!this.#full) {
      const m = await loadFull();
      this.#full = new m.Sealer(this.#r.point, { kid: this.#r.kid, webCrypto: false });
    }
    return this.#full;
  }

  /** @internal Keep prepared encapsulations. */
  _add(handles) {
    for (const h of handles) {
      if (this.#pool.length < MAX_PREPARED) this.#pool.push(h);
      else lw.release(h);
    }
  }

  /** @internal `n` encapsulations with WebCrypto (all in flight together): their handles. */
  async _encapsulate(n) {
    const s = this.#subtle;
    const pairs = await Promise.all(Array.from({ length: n }, () => s.generateKey(ECDH, false, ['deriveBits'])));
    const alg = { name: 'ECDH', public: this.#r.peer };
    const out = await Promise.all(pairs.flatMap((p) => [s.exportKey('raw', p.publicKey), s.deriveBits(alg, p.privateKey, 256)]));
    const handles = [];
    try {
      for (let i = 0; i < out.length; i += 2) handles.push(lw.agree(this.#r.point, new Uint8Array(out[i]), new Uint8Array(out[i + 1])));
    } finally {
      for (let i = 1; i < out.length; i += 2) new Uint8Array(out[i]).fill(0);
    }
    return handles;
  }

  /** The page's backend; a WebCrypto failure makes it 'wasm' for this sealer. */
  async #choose() {
    if (this.#backend === undefined) {
      try {
        const c = await measure(this);
        this.#backend = c.backend;
        this.#timings = c.timings;
      } catch (e) {
        this.#giveUp(e);
      }
    }
    return this.#backend;
  }

  #giveUp(e) {
    if (this.#backend !== 'wasm') console.warn('slice-seal: WebCrypto P-256 failed; using the wasm path:', e);
    this.#backend = 'wasm';
  }

  #sealPrepared(a) {
    return lw.seal(this.#pool.pop(), this.#r.kidBytes, a.bytes, a.form, a.field, a.submission);
  }

  /** Make up to `count` (at most 256) slices' P-256 work ahead of time; resolves to how many are ready. */
  async prepareAsync(count) {
    if (typeof count !== 'number' || !(count >= 0) || !Number.isInteger(count)) return (await this._full()).prepareAsync(count);
    const want = Math.min(count, MAX_PREPARED);
    if ((await this.#choose()) === 'webcrypto' && this.#pool.length < want) {
      try {
        this._add(await this._encapsulate(want - this.#pool.length));
        return this.prepared;
      } catch (e) {
        this.#giveUp(e);
      }
    }
    if (this.#backend === 'wasm' && this.prepared < want) {
      const full = await this._full();
      await full.prepareAsync(want - this.#pool.length);
    }
    return this.prepared;
  }

  /** Seal one answer: one WebCrypto key pair and ECDH (or a prepared one), then one wasm call. */
  async sealAsync(plaintext, context) {
    const a = sliceArgs(plaintext, context);
    if (!a) return (await this._full()).sealAsync(plaintext, context);
    try {
      if (this.#pool.length) return this.#sealPrepared(a);
      if ((await this.#choose()) === 'webcrypto') {
        try {
          const s = this.#subtle;
          const pair = await s.generateKey(ECDH, false, ['deriveBits']);
          const [enc, bits] = await Promise.all([s.exportKey('raw', pair.publicKey), s.deriveBits({ name: 'ECDH', public: this.#r.peer }, pair.privateKey, 256)]);
          const dh = new Uint8Array(bits);
          // Two synchronous calls (agree, then seal with that handle): the
          // module keeps one sealing export (~0.5 KB gzip less than a third).
          let h;
          try {
            h = lw.agree(this.#r.point, new Uint8Array(enc), dh);
            return lw.seal(h, this.#r.kidBytes, a.bytes, a.form, a.field, a.submission);
          } finally {
            dh.fill(0);
            if (h !== undefined) lw.release(h); // a no-op once sealed
          }
        } catch (e) {
          this.#giveUp(e);
        }
      }
      if (this.#pool.length) return this.#sealPrepared(a);
      return await (await this._full()).sealAsync(a.bytes, context);
    } finally {
      if (a.owned) a.bytes.fill(0);
    }
  }

  /** Seal many answers (`[{plaintext, context}]`): every input checked first, prepared ones used first, the rest made together. */
  async sealMany(items) {
    const args = Array.isArray(items) && items.length <= MAX_PREPARED && items.every(isPlain) ? items.map((i) => sliceArgs(i.plaintext, i.context)) : null;
    if (!args || args.some((a) => !a)) {
      for (const a of args || []) if (a && a.owned) a.bytes.fill(0);
      return (await this._full()).sealMany(items);
    }
    try {
      const out = [];
      while (out.length < args.length && this.#pool.length) out.push(this.#sealPrepared(args[out.length]));
      const rest = args.slice(out.length);
      if (!rest.length) return out;
      if ((await this.#choose()) === 'webcrypto') {
        try {
          this._add(await this._encapsulate(rest.length));
        } catch (e) {
          this.#giveUp(e);
        }
      }
      while (out.length < args.length && this.#pool.length) out.push(this.#sealPrepared(args[out.length]));
      if (out.length < args.length) {
        const left = items.slice(out.length).map((i, k) => ({ plaintext: args[out.length + k].bytes, context: i.context }));
        out.push(...(await (await this._full()).sealMany(left)));
      }
      return out;
    } finally {
      for (const a of args) if (a.owned) a.bytes.fill(0);
    }
  }

  /** Drop the prepared secrets (zeroized in wasm) and the full module's sealer, if any. */
  free() {
    for (const h of this.#pool.splice(0)) lw.release(h);
    if (this.#full) this.#full.free();
    this.#full = null;
  }
}

// ---------------------------------------------------------------- sealed files

let fileApi = null;

/**
 * `sealFile(sealer, blob, context, options)` of file.d.ts for a sealer from
 * `createSealer` (the header through `sealer.sealAsync`, the chunks with
 * WebCrypto's AES-GCM); ./file.js is loaded on first use.
 */
export async function sealFile(sealer, file, context, opts) {
  if (!(sealer instanceof Sealer)) return (await loadFull()).sealFile(sealer, file, context, opts);
  fileApi ??= import('./file.js').then(({ createFileApi }) => createFileApi({
    Sealer,
    // The chunk cipher's wasm fallback (no WebCrypto AES-GCM): the full module's.
    primitives: {
      aesGcmSeal: async (...a) => (await loadFull()).primitives.aesGcmSeal(...a),
      aesGcmOpen: async (...a) => (await loadFull()).primitives.aesGcmOpen(...a),
    },
  }));
  return (await fileApi).sealFile(sealer, file, context, opts);
}
