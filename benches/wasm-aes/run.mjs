#!/usr/bin/env node
// AES-256-GCM alone in wasm against WebCrypto's, in one headless Chromium page.
//
//   source .ci/env && node benches/wasm-aes/run.mjs [--mib N] [--rounds N]
//
// Builds this crate (benches/wasm-aes, the aes-gcm/aes/polyval versions of the
// package's Cargo.lock) for wasm32 with the levers allowed without writing a
// primitive, and times each on the same bytes, interleaved with WebCrypto's
// `encrypt` (median of the rounds, each round 5 encryptions):
//   s              opt-level "s" + simd128 (as the package ships)
//   s-nosimd       without simd128
//   o3-aes         aes, polyval, ghash, aes-gcm at opt-level 3
//   compact        --cfg aes_backend_soft="compact" (the aes crate's smaller soft AES)
// Prints MB/s and gzip -9 bytes of each module. Target dir: target/wasm-aes.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// playwright-core from the browser benchmark's dependencies (npm ci there).
import { chromium } from '../browser/node_modules/playwright-core/index.mjs';
import { CHROMIUM, CHROMIUM_ARGS, median } from '../browser/common.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const TARGET = resolve(HERE, '../../target/wasm-aes');
const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? +process.argv[i + 1] : def; };
const MIB = arg('--mib', 1);
const ROUNDS = arg('--rounds', 9);
const SIMD = '-C target-feature=+simd128';
const VARIANTS = [
  ['s', 'release', SIMD],
  ['s-nosimd', 'release', ''],
  ['o3-aes', 'o3-aes', SIMD],
  ['compact', 'release', `${SIMD} --cfg aes_backend_soft="compact"`],
];
const mods = {};
for (const [name, profile, flags] of VARIANTS) {
  execFileSync('cargo', ['build', '--offline', '--locked', '--quiet', '--profile', profile, '--target', 'wasm32-unknown-unknown', '--target-dir', join(TARGET, name)], {
    cwd: HERE, stdio: 'inherit', env: { ...process.env, CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS: flags },
  });
  mods[name] = readFileSync(join(TARGET, name, 'wasm32-unknown-unknown', profile, 'wasm_aes_bench.wasm'));
}
const srv = createServer((q, r) => { r.writeHead(200, { 'content-type': 'text/html' }); r.end('<!doctype html><title>wasm-aes</title>'); });
await new Promise((ok) => srv.listen(0, '127.0.0.1', ok));
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${srv.address().port}/`);
  const res = await page.evaluate(async ([bytes, len, rounds]) => {
    const inst = {};
    for (const [k, b] of Object.entries(bytes)) inst[k] = (await WebAssembly.instantiate(new Uint8Array(b))).instance.exports;
    const key = await crypto.subtle.importKey('raw', new Uint8Array(32), 'AES-GCM', false, ['encrypt']);
    const pt = new Uint8Array(len);
    const out = { webcrypto: [] };
    for (const k of Object.keys(inst)) { out[k] = []; inst[k].run(len, 1); }
    for (let r = 0; r < rounds; r++) {
      const names = Object.keys(inst);
      for (const k of r % 2 ? names.reverse() : names) { const t0 = performance.now(); inst[k].run(len, 5); out[k].push((performance.now() - t0) / 5); }
      const t0 = performance.now();
      for (let i = 0; i < 5; i++) await crypto.subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, key, pt);
      out.webcrypto.push((performance.now() - t0) / 5);
    }
    return out;
  }, [Object.fromEntries(Object.entries(mods).map(([k, v]) => [k, [...v]])), MIB << 20, ROUNDS]);
  const wc = median(res.webcrypto);
  console.log(`AES-256-GCM of ${MIB} MiB in Chromium ${browser.version()}, median of ${ROUNDS} rounds × 5 (${new Date().toISOString()})`);
  console.log('| variant | ms | MB/s | × WebCrypto | .wasm gzip -9 B |\n| --- | ---: | ---: | ---: | ---: |');
  for (const [k, v] of Object.entries(res)) {
    const ms = median(v);
    console.log(`| ${k} | ${ms.toFixed(2)} | ${((MIB << 20) / ms / 1000).toFixed(0)} | ${(wc / ms).toFixed(2)}× | ${mods[k] ? gzipSync(mods[k], { level: 9 }).length : '–'} |`);
  }
} finally {
  await browser.close();
  srv.close();
}
