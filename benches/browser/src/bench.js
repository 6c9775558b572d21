// The benchmark page's script (bundled by run.mjs with esbuild; slice-seal
// itself is NOT bundled: it is imported from the package directory served at
// /pkg/, exactly as a page would load it).
//
// window.runBench(config) runs everything in one go and resolves with the raw
// samples; the runner (run.mjs) computes medians and prints the tables.
//
// Method: every (library, operation) pair is a "task" that runs a batch of
// `ops` operations timed as a whole (performance.now() around the batch, per
// op = batch / ops). Each round runs every task once, in an order rotated by
// one each round, so that drift (other processes, thermal, GC) hits all
// libraries alike. One warm-up round first, not recorded. Every batch's output
// is verified outside the timed region (decrypt, compare).

import * as ss from '/pkg/index.js';
import * as lean from '/pkg/lean.js';
import { PEERS, importRecipient } from './peers.js';

const te = new TextEncoder();
const now = () => performance.now();

// ---------------------------------------------------------------- registry
// Extra slice-seal paths, picked up when the package exports them. Keys are
// export names ("name": top-level function, "Sealer#name": Sealer method).
// The runner may add more with --extra=NAME[,NAME] (same conventions); any
// other export / Sealer method whose name starts with "seal" or "open" is
// discovered automatically. Sync or async (a returned promise is awaited).
export const SS_REGISTRY = {};
const KNOWN = new Set([
  'seal', 'open', 'openText', 'sealAsync', 'openAsync', 'openTextAsync',
  'Sealer#seal', 'Sealer#prepare', 'Sealer#free', 'Sealer#sealAsync', 'Sealer#prepareAsync',
  // A batch ([{plaintext, context}] → envelopes), not a one-slice path: timed
  // through the form component, which seals a submit's fields with it.
  'Sealer#sealMany',
  // Files (a Blob or a stream, not a slice): timed by files.mjs (--files).
  'sealFile', 'openFile', 'sealFileStream', 'openFileStream',
]);

function discoverExtras(extraNames) {
  const names = new Set([...Object.keys(SS_REGISTRY), ...extraNames]);
  for (const [k, v] of Object.entries(ss)) {
    if (typeof v === 'function' && /^(seal|open)/.test(k) && !KNOWN.has(k)) names.add(k);
  }
  for (const k of Object.getOwnPropertyNames(ss.Sealer.prototype)) {
    const d = Object.getOwnPropertyDescriptor(ss.Sealer.prototype, k);
    if (d && typeof d.value === 'function' && /^(seal|open)/.test(k) && !KNOWN.has(`Sealer#${k}`)) {
      names.add(`Sealer#${k}`);
    }
  }
  const found = [];
  const missing = [];
  for (const name of names) {
    const [owner, method] = name.includes('#') ? name.split('#') : [null, name];
    const present = owner === 'Sealer' ? typeof ss.Sealer.prototype[method] === 'function' : typeof ss[name] === 'function';
    if (!present) {
      missing.push(name);
      continue;
    }
    const reg = SS_REGISTRY[name] || {};
    const kind = reg.kind || (method.startsWith('open') ? 'open' : 'seal');
    found.push({ name, owner, method, kind, label: reg.label || `slice-seal ${owner ? `${owner}.` : ''}${method}` });
  }
  return { found, missing };
}

// ---------------------------------------------------------------- helpers
function equalBytes(a, b) {
  if (!(a instanceof Uint8Array)) a = new Uint8Array(a);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
const isThenable = (x) => x !== null && typeof x === 'object' && typeof x.then === 'function';
const asBytes = (x) => (typeof x === 'string' ? te.encode(x) : x instanceof Uint8Array ? x : new Uint8Array(x));

function randomText(n, seed) {
  // Printable ASCII, deterministic per seed (values differ between fields).
  let x = seed * 2654435761 >>> 0;
  let s = '';
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += String.fromCharCode(32 + ((x >>> 16) % 95));
  }
  return s;
}

// ---------------------------------------------------------------- main
window.runBench = async function runBench(cfg) {
  const out = {
    config: cfg,
    env: {
      userAgent: navigator.userAgent,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      hardwareConcurrency: navigator.hardwareConcurrency,
    },
    tasks: {},
    failures: [],
    extras: {},
    notes: [],
  };
  const fail = (task, msg) => out.failures.push(`${task}: ${msg}`);

  // Timer resolution (5 µs when cross-origin isolated, 100 µs otherwise).
  {
    let min = Infinity;
    for (let i = 0; i < 200; i++) {
      const a = now();
      let b = now();
      while (b === a) b = now();
      min = Math.min(min, b - a);
    }
    out.env.timerResolutionUs = Math.round(min * 1000 * 10) / 10;
  }

  const tInit = now();
  await ss.default();
  out.env.wasmInitMs = now() - tInit;

  const { publicKey: pubJwk, privateKey: privJwk } = ss.generateKeyPair();
  const kid = pubJwk.kid;
  const keys = await importRecipient(privJwk);
  const pt = crypto.getRandomValues(new Uint8Array(cfg.size));
  const ctx = { form: 'bench', field: 'answer' };
  const sealer = new ss.Sealer(pubJwk, { kid });
  const sealerP = new ss.Sealer(pubJwk, { kid });
  // The async API with WebCrypto's P-256 (`webCrypto: true`; the default
  // "auto" uses whichever this page measured faster, see backendTimings()).
  const sealerA = new ss.Sealer(pubJwk, { kid, webCrypto: true });
  const sealerAP = new ss.Sealer(pubJwk, { kid, webCrypto: true });
  const opener = new ss.Opener(privJwk, { webCrypto: true });
  // The lean entry (slice-seal/lean, the form page's): WebCrypto P-256 and
  // one synchronous call into the lean module; its full module is this page's.
  await lean.default({ full: () => ss });
  const sealerL = await lean.createSealer(pubJwk, { kid });
  if (!(sealerL instanceof lean.Sealer)) throw new Error('slice-seal/lean gave the full module\'s Sealer');
  // The hybrid post-quantum suite (MLKEM768-X25519): the same Sealer, an AKP
  // key; all its work is wasm (WebCrypto has no ML-KEM).
  const { publicKey: hPub, privateKey: hPriv } = ss.generateKeyPair({ suite: 'mlkem768-x25519' });
  const sealerH = new ss.Sealer(hPub, { kid: hPub.kid });
  const sealerHP = new ss.Sealer(hPub, { kid: hPub.kid });
  let largeBackend = () => undefined;
  const backends = () => ({ seal: sealerA.backend, open: opener.backend, lean: sealerL.backend, leanTimings: sealerL.timings, large: largeBackend() });

  const extras = discoverExtras(cfg.extra || []);
  out.extras = { found: extras.found.map((e) => e.name), missing: extras.missing };

  // ---- seal paths: id -> { label, call(pt, ctx) -> sealed, before?(n), verify(sealed, pt, ctx) }
  const ssVerify = (env, p, c) => equalBytes(ss.open(privJwk, env, c), p);
  // A path that seals with what `sealer[prepare](n)` made before the batch
  // (timed apart, meant for idle time); every prepared one must be used.
  const hybridVerify = (env, p, c) => equalBytes(ss.open(hPriv, env, c), p);
  const preparedPath = (id, label, s, prepare, seal, verify = ssVerify) => ({
    id,
    group: 'slice-seal',
    label,
    before: async (n) => {
      const t = now();
      const got = await s[prepare](n);
      const ms = now() - t;
      if (got < n) throw new Error(`${prepare}(${n}) made only ${got} ready`);
      return { prepareMs: ms, prepared: got };
    },
    after: (n, info) => {
      if (s.prepared !== info.prepared - n) throw new Error(`prepared count ${s.prepared} after ${n} seals (was ${info.prepared})`);
    },
    call: (p, c) => s[seal](p, c),
    verify,
  });
  const sealPaths = [
    { id: 'ss-oneshot', group: 'slice-seal', label: 'slice-seal seal(publicKey, pt, ctx) one-shot', call: (p, c) => ss.seal(pubJwk, p, c), verify: ssVerify },
    { id: 'ss-sealer', group: 'slice-seal', label: 'slice-seal Sealer.seal (prepared recipient)', call: (p, c) => sealer.seal(p, c), verify: ssVerify },
    preparedPath('ss-prepared', 'slice-seal Sealer.seal after prepare(n) (key pairs prepared; ECDH at the call)', sealerP, 'prepare', 'seal'),
    { id: 'ss-async-oneshot', group: 'slice-seal', label: 'slice-seal await sealAsync(publicKey, pt, ctx) one-shot', call: (p, c) => ss.sealAsync(pubJwk, p, c), verify: ssVerify },
    { id: 'ss-async', group: 'slice-seal', label: 'slice-seal await Sealer.sealAsync (WebCrypto P-256)', call: (p, c) => sealerA.sealAsync(p, c), verify: ssVerify },
    preparedPath('ss-async-prepared', 'slice-seal await Sealer.sealAsync after prepareAsync(n) (key pair + ECDH prepared)', sealerAP, 'prepareAsync', 'sealAsync'),
    { id: 'ss-lean-async', group: 'slice-seal', label: 'slice-seal/lean await Sealer.sealAsync (nothing prepared: WebCrypto P-256, one wasm call)', call: (p, c) => sealerL.sealAsync(p, c), verify: ssVerify },
    { id: 'ss-hybrid-async', group: 'slice-seal', label: 'slice-seal await Sealer.sealAsync, hybrid MLKEM768-X25519 key (nothing prepared; wasm)', call: (p, c) => sealerH.sealAsync(p, c), verify: hybridVerify },
    preparedPath('ss-hybrid-async-prepared', 'slice-seal await Sealer.sealAsync after prepareAsync(n), hybrid key (encapsulations prepared)', sealerHP, 'prepareAsync', 'sealAsync', hybridVerify),
  ];
  for (const e of extras.found.filter((x) => x.kind === 'seal')) {
    const fn = e.owner === 'Sealer' ? (p, c) => sealer[e.method](p, c) : (p, c) => ss[e.name](pubJwk, p, c);
    sealPaths.push({ id: `ss-x-${e.name}`, group: 'slice-seal', label: e.label, call: fn, verify: ssVerify });
  }
  const peerStates = {};
  for (const peer of PEERS) {
    try {
      peerStates[peer.id] = await peer.setup(keys);
    } catch (e) {
      fail(peer.id, `setup failed: ${e && e.message}`);
      continue;
    }
    const st = peerStates[peer.id];
    sealPaths.push({
      id: peer.id,
      group: 'peer',
      label: peer.label,
      note: peer.note,
      call: (p) => peer.seal(st, p),
      verify: async (sealed, p) => equalBytes(await peer.open(st, sealed), p),
    });
  }

  // ---- open paths (on one sealed value each, made and verified at setup)
  const ssEnv = ss.seal(pubJwk, pt, ctx);
  const openPaths = [
    { id: 'ss-open', group: 'slice-seal', label: 'slice-seal open(privateKey, env, ctx) one-shot', call: () => ss.open(privJwk, ssEnv, ctx) },
    { id: 'ss-opener', group: 'slice-seal', label: 'slice-seal Opener.open(env, ctx) (sync, wasm)', call: () => opener.open(ssEnv, ctx) },
    { id: 'ss-open-async-oneshot', group: 'slice-seal', label: 'slice-seal await openAsync(privateKey, env, ctx) one-shot', call: () => ss.openAsync(privJwk, ssEnv, ctx) },
    { id: 'ss-opener-async', group: 'slice-seal', label: 'slice-seal await Opener.openAsync(env, ctx) (WebCrypto ECDH)', call: () => opener.openAsync(ssEnv, ctx) },
  ];
  for (const e of extras.found.filter((x) => x.kind === 'open')) {
    const fn = e.owner === 'Sealer' ? null : () => ss[e.name](privJwk, ssEnv, ctx);
    if (fn) openPaths.push({ id: `ss-x-${e.name}`, group: 'slice-seal', label: e.label, call: fn });
  }
  for (const peer of PEERS) {
    const st = peerStates[peer.id];
    if (!st) continue;
    let sealed;
    try {
      sealed = await peer.seal(st, pt);
    } catch (e) {
      fail(peer.id, `seal threw: ${e && e.message}`);
      continue;
    }
    openPaths.push({ id: peer.id, group: 'peer', label: peer.label, call: () => peer.open(st, sealed) });
  }

  // ---- round trips at setup (every seal path, every open path); a failing
  // path is reported and dropped.
  const good = async (path, fn) => {
    try {
      if (!(await fn())) {
        fail(path.id, 'round trip: decrypted bytes differ from the plaintext');
        return false;
      }
      return true;
    } catch (e) {
      fail(path.id, `round trip threw: ${(e && (e.code ? `${e.code}: ` : '') + e.message) || e}`);
      return false;
    }
  };
  const sealOk = [];
  for (const p of sealPaths) {
    if (p.before) {
      try {
        await p.before(1);
      } catch (e) {
        fail(p.id, e.message);
        continue;
      }
    }
    if (await good(p, async () => { let r = p.call(pt, ctx); if (isThenable(r)) r = await r; return p.verify(r, pt, ctx); })) {
      const r = p.call(pt, ctx);
      p.sync = !isThenable(r);
      if (!p.sync) await r;
      sealOk.push(p);
    }
  }
  const openOk = [];
  for (const p of openPaths) {
    if (await good(p, async () => { let r = p.call(); if (isThenable(r)) r = await r; return equalBytes(asBytes(r), pt); })) {
      const r = p.call();
      p.sync = !isThenable(r);
      if (!p.sync) await r;
      openOk.push(p);
    }
  }

  // ---- 30 marked fields of ~50 bytes each
  const F = cfg.fields;
  const fieldVals = Array.from({ length: F }, (_, i) => te.encode(randomText(cfg.fieldSize, i + 1)));
  const fieldCtx = Array.from({ length: F }, (_, i) => ({ form: 'bench-30', field: `f${String(i + 1).padStart(2, '0')}`, submission: '0123456789abcdef0123456789abcdef' }));
  let curSealer = null;
  const fieldPaths = [
    { id: 'f-ss-sealer', group: 'slice-seal', label: `slice-seal Sealer.seal ×${F} (Sealer made earlier)`, sync: true, call: (i) => sealer.seal(fieldVals[i], fieldCtx[i]), verify: (i, r) => ssVerify(r, fieldVals[i], fieldCtx[i]) },
    {
      id: 'f-ss-newsealer',
      group: 'slice-seal',
      label: `slice-seal new Sealer(jwk) + Sealer.seal ×${F}`,
      sync: true,
      start: () => { curSealer = new ss.Sealer(pubJwk, { kid }); },
      end: () => { curSealer.free(); },
      call: (i) => curSealer.seal(fieldVals[i], fieldCtx[i]),
      verify: (i, r) => ssVerify(r, fieldVals[i], fieldCtx[i]),
    },
    {
      id: 'f-ss-prepared',
      group: 'slice-seal',
      label: `slice-seal Sealer.seal ×${F} after prepare(${F}) (idle time)`,
      sync: true,
      before: () => { if (sealerP.prepare(F) < F) throw new Error('prepare failed'); },
      call: (i) => sealerP.seal(fieldVals[i], fieldCtx[i]),
      verify: (i, r) => ssVerify(r, fieldVals[i], fieldCtx[i]),
    },
    { id: 'f-ss-oneshot', group: 'slice-seal', label: `slice-seal seal(jwk, …) ×${F}`, sync: true, call: (i) => ss.seal(pubJwk, fieldVals[i], fieldCtx[i]), verify: (i, r) => ssVerify(r, fieldVals[i], fieldCtx[i]) },
    { id: 'f-ss-async', group: 'slice-seal', label: `slice-seal await Sealer.sealAsync ×${F}, one at a time`, sync: false, call: (i) => sealerA.sealAsync(fieldVals[i], fieldCtx[i]), verify: (i, r) => ssVerify(r, fieldVals[i], fieldCtx[i]) },
    { id: 'f-ss-async-all', group: 'slice-seal', label: `slice-seal Promise.all(Sealer.sealAsync ×${F})`, all: true, call: (i) => sealerA.sealAsync(fieldVals[i], fieldCtx[i]), verify: (i, r) => ssVerify(r, fieldVals[i], fieldCtx[i]) },
    {
      id: 'f-ss-async-prepared-all',
      group: 'slice-seal',
      label: `slice-seal Promise.all(Sealer.sealAsync ×${F}) after prepareAsync(${F}) (idle time)`,
      all: true,
      before: async () => { if ((await sealerAP.prepareAsync(F)) < F) throw new Error('prepareAsync failed'); },
      call: (i) => sealerAP.sealAsync(fieldVals[i], fieldCtx[i]),
      verify: (i, r) => ssVerify(r, fieldVals[i], fieldCtx[i]),
    },
  ];
  for (const e of extras.found.filter((x) => x.kind === 'seal')) {
    const fn = e.owner === 'Sealer' ? (i) => sealer[e.method](fieldVals[i], fieldCtx[i]) : (i) => ss[e.name](pubJwk, fieldVals[i], fieldCtx[i]);
    const sp = sealOk.find((p) => p.id === `ss-x-${e.name}`);
    if (sp) fieldPaths.push({ id: `f-ss-x-${e.name}`, group: 'slice-seal', label: `${e.label} ×${F}`, sync: sp.sync, call: fn, verify: (i, r) => ssVerify(r, fieldVals[i], fieldCtx[i]) });
  }
  for (const p of sealOk.filter((q) => q.group === 'peer')) {
    fieldPaths.push({ id: `f-${p.id}`, group: 'peer', label: `${p.label} ×${F}`, sync: p.sync, call: (i) => p.call(fieldVals[i]), verify: (i, r) => p.verify(r, fieldVals[i]) });
  }

  // ---- task list
  const tasks = [];
  for (const p of sealOk) {
    tasks.push({
      key: `seal:${p.id}`,
      run: async (n, verifyAll) => {
        const info = p.before ? await p.before(n) : null;
        let r;
        const t0 = now();
        if (p.sync) for (let i = 0; i < n; i++) r = p.call(pt, ctx);
        else for (let i = 0; i < n; i++) r = await p.call(pt, ctx);
        const t1 = now();
        if (p.after) p.after(n, info);
        void verifyAll;
        if (!(await p.verify(r, pt, ctx))) throw new Error('round trip: decrypted bytes differ');
        return { us: ((t1 - t0) * 1000) / n, extra: info };
      },
    });
  }
  for (const p of openOk) {
    tasks.push({
      key: `open:${p.id}`,
      run: async (n) => {
        let r;
        const t0 = now();
        if (p.sync) for (let i = 0; i < n; i++) r = p.call();
        else for (let i = 0; i < n; i++) r = await p.call();
        const t1 = now();
        if (!equalBytes(asBytes(r), pt)) throw new Error('round trip: opened bytes differ');
        return { us: ((t1 - t0) * 1000) / n };
      },
    });
  }
  for (const p of fieldPaths) {
    tasks.push({
      key: `fields:${p.id}`,
      run: async (_n, verifyAll, round) => {
        if (p.before) await p.before();
        let res = new Array(F);
        const t0 = now();
        if (p.start) p.start();
        if (p.all) res = await Promise.all(res.fill(0).map((_, i) => p.call(i)));
        else if (p.sync) for (let i = 0; i < F; i++) res[i] = p.call(i);
        else for (let i = 0; i < F; i++) res[i] = await p.call(i);
        if (p.end) p.end();
        const t1 = now();
        const check = verifyAll ? [...Array(F).keys()] : [round % F];
        for (const i of check) if (!(await p.verify(i, res[i]))) throw new Error(`round trip of field ${i + 1} failed`);
        return { us: (t1 - t0) * 1000 };
      },
    });
  }
  // ---- large values (issue 14): 64 KiB and 1 MiB, nothing prepared, each
  // batch's last output opened and compared (outside the timed region).
  // Interleaved with every other task; a batch of `ops` large seals per round.
  const largePaths = [];
  const sealerLarge = new ss.Sealer(pubJwk, { kid }); // never prepared
  largeBackend = () => sealerLarge.backend;
  const sealerLW = new ss.Sealer(pubJwk, { kid }); // pure wasm, never prepared
  for (const { size, ops } of cfg.large || []) {
    const big = new Uint8Array(size);
    for (let o = 0; o < size; o += 65536) crypto.getRandomValues(big.subarray(o, Math.min(size, o + 65536)));
    const paths = [
      { id: 'ss-async-oneshot', group: 'slice-seal', label: 'slice-seal await sealAsync(publicKey, pt, ctx) one-shot', call: (p) => ss.sealAsync(pubJwk, p, ctx), verify: (r, p) => ssVerify(r, p, ctx) },
      { id: 'ss-async', group: 'slice-seal', label: 'slice-seal await Sealer.sealAsync, nothing prepared (Sealer made earlier)', call: (p) => sealerLarge.sealAsync(p, ctx), verify: (r, p) => ssVerify(r, p, ctx) },
      { id: 'ss-sealer', group: 'slice-seal', label: 'slice-seal Sealer.seal, pure wasm, nothing prepared', sync: true, call: (p) => sealerLW.seal(p, ctx), verify: (r, p) => ssVerify(r, p, ctx) },
      // The binary form (FORMAT.md "Binary form"): the body as a Uint8Array, no base64.
      { id: 'ss-bytes-oneshot', group: 'slice-seal', label: 'slice-seal await sealBytesAsync(publicKey, pt, ctx) one-shot, binary form', call: (p) => ss.sealBytesAsync(pubJwk, p, ctx), verify: (r, p) => ssVerify(r, p, ctx) },
      { id: 'ss-bytes', group: 'slice-seal', label: 'slice-seal await Sealer.sealBytesAsync, nothing prepared, binary form', call: (p) => sealerLarge.sealBytesAsync(p, ctx), verify: (r, p) => ssVerify(r, p, ctx) },
    ];
    for (const peerId of ['webcrypto', 'hpke']) {
      const sp = sealOk.find((q) => q.id === peerId);
      if (sp) paths.push({ id: peerId, group: 'peer', label: sp.label, sync: sp.sync, call: (p) => sp.call(p), verify: (r, p) => sp.verify(r, p) });
      else fail(`large:${size}:${peerId}`, 'peer unavailable (its 1 KiB round trip failed)');
    }
    // Raw WebCrypto with its output copied into one buffer after a head, as
    // a binary-form body is written: what that one copy costs (a reference,
    // not a target).
    const wc = sealOk.find((q) => q.id === 'webcrypto');
    if (wc) {
      paths.push({
        id: 'webcrypto-body', group: 'reference', label: 'WebCrypto raw, then enc and ct copied into one body (a binary form\'s extra copy)',
        call: async (p) => {
          const r = await wc.call(p);
          const ct = new Uint8Array(r.ct);
          const body = new Uint8Array(85 + r.enc.length + ct.length);
          body.set(r.enc, 85);
          body.set(ct, 85 + r.enc.length);
          return { ...r, body };
        },
        verify: (r, p) => wc.verify(r, p),
      });
    }
    for (const p of paths) {
      const key = `large:${size}:${p.id}`;
      if (!(await good({ id: key }, async () => { let r = p.call(big); if (isThenable(r)) r = await r; return p.verify(r, big); }))) continue;
      largePaths.push({ ...p, key, size });
      tasks.push({
        key,
        run: async (_n, _verifyAll, _round, warmUp) => {
          const m = warmUp ? 1 : ops;
          let r;
          const t0 = now();
          if (p.sync) for (let i = 0; i < m; i++) r = p.call(big);
          else for (let i = 0; i < m; i++) r = await p.call(big);
          const t1 = now();
          if (!(await p.verify(r, big))) throw new Error('round trip: decrypted bytes differ');
          return { us: ((t1 - t0) * 1000) / m };
        },
      });
    }
  }
  out.labels = Object.fromEntries([
    ...largePaths.map((p) => [p.key, { label: p.label, group: p.group, size: p.size }]),
    ...sealPaths.map((p) => [`seal:${p.id}`, { label: p.label, group: p.group, note: p.note }]),
    ...openPaths.map((p) => [`open:${p.id}`, { label: p.label, group: p.group }]),
    ...fieldPaths.map((p) => [`fields:${p.id}`, { label: p.label, group: p.group }]),
  ]);
  for (const t of tasks) out.tasks[t.key] = { samples: [], extra: [] };

  // ---- rounds (round -1 = warm-up, not recorded)
  const dead = new Set();
  const t0All = now();
  for (let round = -1; round < cfg.rounds; round++) {
    const n = round < 0 ? cfg.warmupOps : cfg.ops;
    const k = ((round % tasks.length) + tasks.length) % tasks.length;
    const order = [...tasks.slice(k), ...tasks.slice(0, k)];
    for (const t of order) {
      if (dead.has(t.key)) continue;
      try {
        const r = await t.run(n, round === cfg.rounds - 1, Math.max(round, 0), round < 0);
        if (round >= 0) {
          out.tasks[t.key].samples.push(r.us);
          if (r.extra) out.tasks[t.key].extra.push(r.extra);
        }
      } catch (e) {
        dead.add(t.key);
        fail(t.key, `round ${round}: ${(e && (e.code ? `${e.code}: ` : '') + e.message) || e}`);
      }
    }
  }
  out.env.roundsMs = now() - t0All;
  out.env.backends = backends();
  out.env.timings = ss.backendTimings();

  // ---- end to end through the form integration (protectForm, fetch mode)
  if (cfg.formIters > 0) {
    try {
      out.form = await formBench(cfg, { pubJwk, privJwk, kid, fieldVals });
    } catch (e) {
      fail('form', `${(e && (e.code ? `${e.code}: ` : '') + e.message) || e}`);
    }
  }

  sealer.free();
  sealerP.free();
  sealerLarge.free();
  sealerLW.free();
  return out;
};

// ---------------------------------------------------------------- form
// A GOV.UK-style form with F marked text inputs (+ one clear field), protected
// with slice-seal/form's protectForm(form, {submit: 'fetch', onSealed}). window.fetch is wrapped
// to note when the sealed body is handed to fetch and to capture it, so each
// envelope can be opened and checked. Timed: requestSubmit() → fetch called
// (reading the form + sealing every field), and → onSealed (+ local POST).
// The values are set, then one frame is rendered before the submit, as
// between a person's last keystroke and their click: without it,
// requestSubmit() first pays the style/layout of 30 fresh values (measured
// 1.5–3 ms), which no person's submit pays.
async function formBench(cfg, { pubJwk, privJwk, kid, fieldVals }) {
  // The form component (slice-seal/form), on the same wasm instance as /pkg/index.js.
  let protectForm;
  try {
    ({ protectForm } = await import('/pkg/form.js'));
  } catch {
    return { available: false };
  }
  if (typeof protectForm !== 'function') return { available: false };
  const F = cfg.fields;
  const td = new TextDecoder();
  const values = fieldVals.map((v) => td.decode(v));
  const form = document.createElement('form');
  form.method = 'post';
  form.action = '/bench/submit';
  form.noValidate = true;
  form.setAttribute('data-module', 'slice-seal');
  form.setAttribute('data-slice-seal-form', 'bench-30');
  form.setAttribute('data-slice-seal-kid', kid);
  for (let i = 0; i < F; i++) {
    const name = `f${String(i + 1).padStart(2, '0')}`;
    const div = document.createElement('div');
    div.className = 'govuk-form-group';
    const label = document.createElement('label');
    label.className = 'govuk-label';
    label.htmlFor = name;
    label.textContent = `Question ${i + 1}`;
    const input = document.createElement('input');
    input.className = 'govuk-input';
    input.id = name;
    input.name = name;
    input.type = 'text';
    input.setAttribute('data-slice-seal', '');
    div.append(label, input);
    form.append(div);
  }
  const clear = document.createElement('input');
  clear.type = 'hidden';
  clear.name = 'clear-note';
  clear.value = 'not sealed';
  const button = document.createElement('button');
  button.type = 'submit';
  button.className = 'govuk-button';
  button.textContent = 'Continue';
  form.append(clear, button);
  document.body.append(form);

  let pending = null;
  const origFetch = window.fetch.bind(window);
  window.fetch = (url, init) => {
    if (pending && String(url).endsWith('/bench/submit')) {
      pending.tFetch = now();
      pending.body = init && init.body;
    }
    return origFetch(url, init);
  };
  protectForm(form, {
    jwks: { keys: [pubJwk] },
    kid,
    submit: 'fetch',
    onSealed: (detail) => {
      if (pending) {
        pending.tDone = now();
        pending.resolve(detail);
      }
    },
  });
  form.addEventListener('slice-seal:error', (ev) => {
    if (pending) pending.reject(ev.detail && ev.detail.error ? ev.detail.error : new Error('slice-seal:error'));
  });

  // Idle-time key preparation (as between page load and a person's submit):
  // wait for the form's `slice-seal:prepared` event before each submit.
  let prepared = false;
  form.addEventListener('slice-seal:prepared', () => { prepared = true; });
  const waitPrepared = async () => {
    for (let i = 0; i < 200 && !prepared; i++) await new Promise((r) => setTimeout(r, 25));
    if (!prepared) throw new Error('no slice-seal:prepared event within 5 s');
  };

  const one = async () => {
    await waitPrepared();
    prepared = false;
    const inputs = form.querySelectorAll('input[data-slice-seal]');
    inputs.forEach((el, i) => { el.value = values[i]; });
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const p = {};
    const done = new Promise((res, rej) => { p.resolve = res; p.reject = rej; });
    const timer = setTimeout(() => p.reject(new Error('no onSealed within 10 s')), 10_000);
    pending = p;
    p.t0 = now();
    form.requestSubmit(button);
    let detail;
    try {
      detail = await done;
    } finally {
      clearTimeout(timer);
      pending = null;
    }
    // Check what was sent: every marked field is an envelope that opens to
    // the typed value under {form, field, submission}; the clear one is clear.
    const body = p.body instanceof URLSearchParams ? p.body : new URLSearchParams(p.body);
    const submission = body.get('slice-seal-submission');
    if (!submission || submission !== detail.submission) throw new Error('submission id missing or different from onSealed');
    if (body.get('clear-note') !== 'not sealed') throw new Error('clear field changed');
    for (let i = 0; i < F; i++) {
      const field = `f${String(i + 1).padStart(2, '0')}`;
      const env = body.get(field);
      const got = ss.openText(privJwk, env, { form: 'bench-30', field, submission });
      if (got !== values[i]) throw new Error(`field ${field}: opened value differs`);
    }
    if ([...inputs].some((el) => el.value !== '')) throw new Error('marked inputs not cleared after send');
    return { toFetchUs: (p.tFetch - p.t0) * 1000, toSealedUs: (p.tDone - p.t0) * 1000 };
  };

  const res = { available: true, fields: F, toFetchUs: [], toSealedUs: [] };
  for (let i = 0; i < cfg.formWarmup; i++) await one();
  for (let i = 0; i < cfg.formIters; i++) {
    const r = await one();
    res.toFetchUs.push(r.toFetchUs);
    res.toSealedUs.push(r.toSealedUs);
  }
  window.fetch = origFetch;
  form.remove();
  return res;
}

window.benchReady = true;
