#!/usr/bin/env node
// Where a large seal spends its time: a CPU profile (Chrome DevTools Protocol
// `Profiler`, 50 µs sampling) of N seals of SIZE random bytes in headless
// Chromium, printed as self time per function (JS glue, wasm, WebCrypto).
//
//   node benches/browser/profile.mjs [--pkg DIR] [--size BYTES] [--n N]
//        [--mode async|oneshot|sync]
//
//   --pkg   a .ci/build-pkg directory (default pkg/). For wasm function names,
//           build one with the name section kept:
//           WASM_OPT_FLAGS="-O3 -g" bash .ci/build-pkg /tmp/pkg-names
//   --mode  async: `Sealer.sealAsync` (nothing prepared; default), oneshot:
//           `sealAsync(publicKey, …)`, sync: the pure-wasm `Sealer.seal`.
// Profiling slows the page; the shares, not the times, are the result.
import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join, normalize, resolve, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './common.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const opt = { pkg: resolve(HERE, '../../pkg'), size: 1 << 20, n: 30, mode: 'async' };
for (let i = 2; i < process.argv.length; i += 2) {
  const [k, v] = [process.argv[i], process.argv[i + 1]];
  if (k === '--pkg') opt.pkg = resolve(v);
  else if (k === '--size' || k === '--n') opt[k.slice(2)] = +v;
  else if (k === '--mode' && ['async', 'oneshot', 'sync'].includes(v)) opt.mode = v;
  else { console.error(`usage: profile.mjs [--pkg DIR] [--size BYTES] [--n N] [--mode async|oneshot|sync] (bad: ${k})`); process.exit(2); }
}
if (!existsSync(join(opt.pkg, 'index.js'))) { console.error(`no package in ${opt.pkg} (bash .ci/build-pkg)`); process.exit(2); }

const PAGE = `<!doctype html><title>profile</title><script type=module>
import * as ss from '/pkg/index.js';
await ss.default();
const { publicKey, privateKey } = ss.generateKeyPair();
const ctx = { form: 'bench', field: 'answer' };
const sealer = new ss.Sealer(publicKey);
let pt;
window.run = async (size, n, mode) => {
  if (pt?.length !== size) {
    pt = new Uint8Array(size);
    for (let o = 0; o < size; o += 65536) crypto.getRandomValues(pt.subarray(o, Math.min(size, o + 65536)));
  }
  const one = mode === 'sync' ? async () => sealer.seal(pt, ctx) : mode === 'oneshot' ? () => ss.sealAsync(publicKey, pt, ctx) : () => sealer.sealAsync(pt, ctx);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await one();
  return (performance.now() - t0) / n;
};
// The round trip, checked outside the profiled calls.
window.check = async (mode) => {
  const env = mode === 'sync' ? sealer.seal(pt, ctx) : await sealer.sealAsync(pt, ctx);
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
  console.log(`${opt.mode} seal of ${opt.size} bytes × ${opt.n}, ${ms.toFixed(2)} ms each while profiled; Chromium ${browser.version()}; ${new Date().toISOString()}`);
  console.log('| self time | function |\n| ---: | --- |');
  for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`| ${((us / total) * 100).toFixed(1)}% | \`${name.replace(/\|/g, '\\|').slice(0, 110)}\` |`);
  }
} finally {
  await browser.close();
  srv.close();
}
