#!/usr/bin/env node
// Where a large seal spends its time: a CPU profile (Chrome DevTools Protocol
// `Profiler`, 50 µs sampling) of N seals of SIZE random bytes in headless
// Chromium, printed as self time per function (JS glue, wasm, WebCrypto).
//
//   node benches/browser/profile.mjs [--pkg DIR] [--size BYTES] [--n N]
//        [--mode async|oneshot|sync|bytes|bytes-oneshot|raw|raw-body] [--webcrypto]
//
//   --pkg   a .ci/build-pkg directory (default pkg/). For wasm function names,
//           build one with the name section kept:
//           WASM_OPT_FLAGS="-O3 -g" bash .ci/build-pkg /tmp/pkg-names
//   --mode  async: `Sealer.sealAsync` (nothing prepared; default), oneshot:
//           `sealAsync(publicKey, …)`, sync: the pure-wasm `Sealer.seal`;
//           bytes / bytes-oneshot: the binary form (`Sealer.sealBytesAsync`,
//           `sealBytesAsync(publicKey, …)`); raw: raw WebCrypto's seal of the
//           browser benchmark (ECDH + HKDF + AES-GCM), for comparison;
//           raw-body: that, then enc and ct copied into one buffer after a
//           150-byte head, as a binary-form body is (the copy's cost).
//   --webcrypto  the Sealer made with { webCrypto: true } (else "auto": the
//           page's measured choice, which may be wasm for P-256).
// Profiling slows the page; the shares, not the times, are the result.
import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join, normalize, resolve, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './common.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const MODES = ['async', 'oneshot', 'sync', 'bytes', 'bytes-oneshot', 'raw', 'raw-body'];
const opt = { pkg: resolve(HERE, '../../pkg'), size: 1 << 20, n: 30, mode: 'async' };
for (let i = 2; i < process.argv.length; i += 2) {
  const [k, v] = [process.argv[i], process.argv[i + 1]];
  if (k === '--webcrypto') { opt.webcrypto = true; i--; continue; }
  if (k === '--pkg') opt.pkg = resolve(v);
  else if (k === '--size' || k === '--n') opt[k.slice(2)] = +v;
  else if (k === '--mode' && MODES.includes(v)) opt.mode = v;
  else { console.error(`usage: profile.mjs [--pkg DIR] [--size BYTES] [--n N] [--mode ${MODES.join('|')}] (bad: ${k})`); process.exit(2); }
}
if (!existsSync(join(opt.pkg, 'index.js'))) { console.error(`no package in ${opt.pkg} (bash .ci/build-pkg)`); process.exit(2); }

const PAGE = `<!doctype html><title>profile</title><script type=module>
import * as ss from '/pkg/index.js';
await ss.default();
const { publicKey, privateKey } = ss.generateKeyPair();
const ctx = { form: 'bench', field: 'answer' };
const sealer = new ss.Sealer(publicKey, ${opt.webcrypto ? '{ webCrypto: true }' : 'undefined'});
let pt;
window.run = async (size, n, mode) => {
  if (pt?.length !== size) {
    pt = new Uint8Array(size);
    for (let o = 0; o < size; o += 65536) crypto.getRandomValues(pt.subarray(o, Math.min(size, o + 65536)));
  }
  const one = {
    sync: async () => sealer.seal(pt, ctx),
    oneshot: () => ss.sealAsync(publicKey, pt, ctx),
    async: () => sealer.sealAsync(pt, ctx),
    bytes: () => sealer.sealBytesAsync(pt, ctx),
    'bytes-oneshot': () => ss.sealBytesAsync(publicKey, pt, ctx),
    raw: () => raw(pt),
    'raw-body': async () => {
      const { enc, ct } = await raw(pt);
      const body = new Uint8Array(85 + enc.length + ct.byteLength);
      body.set(enc, 85);
      body.set(new Uint8Array(ct), 85 + enc.length);
      return body;
    },
  }[mode];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await one();
  return (performance.now() - t0) / n;
};
// The round trip, checked outside the profiled calls.
// The browser benchmark's raw WebCrypto seal (benches/browser/src/peers.js).
const subtle = crypto.subtle;
const ECDH = { name: 'ECDH', namedCurve: 'P-256' };
const rawKey = await subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: publicKey.x, y: publicKey.y }, ECDH, true, []);
const info = new TextEncoder().encode('bench');
async function raw(data) {
  const eph = await subtle.generateKey(ECDH, true, ['deriveBits']);
  const [dh, enc] = await Promise.all([subtle.deriveBits({ name: 'ECDH', public: rawKey }, eph.privateKey, 256), subtle.exportKey('raw', eph.publicKey)]);
  const ikm = await subtle.importKey('raw', dh, 'HKDF', false, ['deriveBits']);
  const okm = new Uint8Array(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: enc, info }, ikm, 44 * 8));
  const key = await subtle.importKey('raw', okm.subarray(0, 32), 'AES-GCM', false, ['encrypt']);
  return { enc: new Uint8Array(enc), ct: await subtle.encrypt({ name: 'AES-GCM', iv: okm.subarray(32) }, key, data) };
}
window.check = async (mode) => {
  if (mode.startsWith('raw')) return;
  const env = mode === 'sync' ? sealer.seal(pt, ctx) : mode.startsWith('bytes') ? await sealer.sealBytesAsync(pt, ctx) : await sealer.sealAsync(pt, ctx);
  const got = ss.open(privateKey, env, ctx);
  if (got.length !== pt.length || got.some((b, i) => b !== pt[i])) throw new Error('round trip failed');
};
window.ready = true;
</script>`;
const srv = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  if (path === '/') { res.writeHead(200, { 'content-type': 'text/html' }); return res.end(PAGE); }
  const file = normalize(join(opt.pkg, path.replace(/^\/pkg\//, '')));
  if (!path.startsWith('/pkg/') || !file.startsWith(opt.pkg + sep) || !existsSync(file) || !statSync(file).isFile()) { res.writeHead(404); return res.end(); }
  res.writeHead(200, { 'content-type': file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' });
  res.end(readFileSync(file));
});
await new Promise((ok) => srv.listen(0, '127.0.0.1', ok));
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${srv.address().port}/`);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 30_000 });
  await page.evaluate(([s, m]) => window.run(s, 3, m), [opt.size, opt.mode]); // warm-up
  await page.evaluate((m) => window.check(m), opt.mode);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  const ms = await page.evaluate(([s, n, m]) => window.run(s, n, m), [opt.size, opt.n, opt.mode]);
  const { profile } = await cdp.send('Profiler.stop');
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame;
    const name = `${f.functionName || '(anonymous)'}${f.url ? ` [${f.url.split('/').pop()}]` : ''}`;
    self.set(name, (self.get(name) ?? 0) + profile.timeDeltas[i]);
    total += profile.timeDeltas[i];
  });
  console.log(`${opt.mode}${opt.webcrypto ? " (webCrypto: true)" : ""} seal of ${opt.size} bytes × ${opt.n}, ${ms.toFixed(2)} ms each while profiled; Chromium ${browser.version()}; ${new Date().toISOString()}`);
  console.log('| self time | function |\n| ---: | --- |');
  for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`| ${((us / total) * 100).toFixed(1)}% | \`${name.replace(/\|/g, '\\|').slice(0, 110)}\` |`);
  }
} finally {
  await browser.close();
  srv.close();
}
