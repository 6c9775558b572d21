#!/usr/bin/env node
// Browser benchmark runner: slice-seal vs @hpke/core, jose, raw WebCrypto,
// libsodium-wrappers and @noble, in headless Chromium (playwright-core,
// /usr/bin/chromium), plus the bundle sizes of each library's seal path.
//
//   node benches/browser/run.mjs [--pkg DIR] [--smoke] [--rounds N] [--ops N]
//        [--extra NAME[,NAME]] [--out FILE | --no-write] [--json FILE] [--no-form] [--no-large]
//
// Usually run through `bash .ci/bench-browser`, which builds the package first.
//   --pkg DIR     the slice-seal package under test (default $SLICE_SEAL_PKG or
//                 <repo>/pkg): a `.ci/build-pkg` output (index.js + web/) or a
//                 plain `wasm-pack build --target web` directory.
//   --smoke       1 round of 2 ops, 1 form submit: proves every round trip,
//                 timings meaningless; does not write results.md.
//   --extra       more slice-seal exports to time (see SS_REGISTRY in
//                 src/bench.js): "name" = function(publicKey, pt, ctx),
//                 "Sealer#name" = sealer.name(pt, ctx); "open*" names time opens.
//   --out FILE    where to write the markdown (default benches/browser/results.md).
//   --no-large    skip the 64 KiB / 1 MiB seal rows.
// Exits 1 if any library's round trip failed (or the page broke), 2 on usage errors.

import { createServer } from 'node:http';
import { readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { gzipSync, brotliCompressSync, constants as zc } from 'node:zlib';
import { join, resolve, dirname, normalize, sep, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, median, quant } from './common.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const CSP = [
  "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'",
  "connect-src 'self'", "img-src 'self' data:", "form-action 'self'", "base-uri 'none'",
  "object-src 'none'", "frame-ancestors 'none'",
].join('; ');
const TOTAL_TIMEOUT_MS = 170_000;

// ---------------------------------------------------------------- args
function usage(msg) {
  if (msg) console.error(`bench-browser: ${msg}`);
  console.error('usage: run.mjs [--pkg DIR] [--smoke] [--rounds N] [--ops N] [--extra NAME,..] [--out FILE|--no-write] [--json FILE] [--no-form] [--no-large]');
  process.exit(2);
}
const args = process.argv.slice(2);
const opt = { pkg: process.env.SLICE_SEAL_PKG || join(ROOT, 'pkg'), smoke: false, rounds: null, ops: null, extra: [], out: join(HERE, 'results.md'), write: true, json: null, form: true, large: true };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const val = () => {
    if (a.includes('=')) return a.slice(a.indexOf('=') + 1);
    if (i + 1 >= args.length) usage(`${a} needs a value`);
    return args[++i];
  };
  const name = a.split('=')[0];
  const int = (v) => (/^\d+$/.test(v) && +v > 0 ? +v : usage(`${name} needs a positive integer`));
  switch (name) {
    case '--pkg': opt.pkg = resolve(val()); break;
    case '--smoke': opt.smoke = true; break;
    case '--rounds': opt.rounds = int(val()); break;
    case '--ops': opt.ops = int(val()); break;
    case '--extra': opt.extra.push(...val().split(',').filter(Boolean)); break;
    case '--out': opt.out = resolve(val()); break;
    case '--no-write': opt.write = false; break;
    case '--json': opt.json = resolve(val()); break;
    case '--no-form': opt.form = false; break;
    case '--no-large': opt.large = false; break;
    case '-h': case '--help': usage(); break;
    default: usage(`unknown argument ${a}`);
  }
}
if (opt.smoke && !args.some((a) => a.startsWith('--out'))) opt.write = false;
const cfg = {
  size: 1024,
  rounds: opt.rounds ?? (opt.smoke ? 1 : 15),
  ops: opt.ops ?? (opt.smoke ? 2 : 20),
  warmupOps: opt.smoke ? 1 : 5,
  fields: 30,
  fieldSize: 50,
  formIters: opt.form ? (opt.smoke ? 1 : 15) : 0,
  formWarmup: opt.smoke ? 0 : 2,
  extra: opt.extra,
  // Large values (64 KiB, 1 MiB), nothing prepared: a batch of `ops` per round.
  large: !opt.large ? [] : opt.smoke ? [{ size: 65536, ops: 1 }, { size: 1 << 20, ops: 1 }] : [{ size: 65536, ops: 10 }, { size: 1 << 20, ops: 3 }],
};

// ---------------------------------------------------------------- package
const pkgDir = opt.pkg;
// A .ci/build-pkg directory (index.js, form.js, web/…) or a plain wasm-pack --target web one.
const layout = existsSync(join(pkgDir, 'web', 'slice_seal.js'))
  ? { glue: 'web/slice_seal.js', wasm: 'web/slice_seal_bg.wasm', index: 'index.js', form: existsSync(join(pkgDir, 'form.js')) ? 'form.js' : null }
  : existsSync(join(pkgDir, 'slice_seal.js'))
    ? { glue: 'slice_seal.js', wasm: 'slice_seal_bg.wasm', index: null, form: null }
    : null;
if (!layout || !existsSync(join(pkgDir, layout.wasm))) {
  console.error(`bench-browser: no slice-seal package in ${pkgDir} (expected web/slice_seal.js + web/slice_seal_bg.wasm; build it with bash .ci/build-pkg)`);
  process.exit(2);
}
// For a plain wasm-pack directory, /pkg/index.js is this shim.
const INDEX_SHIM = "export * from './slice_seal.js';\nexport { default } from './slice_seal.js';\n";

// ---------------------------------------------------------------- bundles
const sliceSealPlugin = {
  name: 'slice-seal-pkg',
  setup(b) {
    b.onResolve({ filter: /^slice-seal(\/form)?$/ }, (a) => {
      if (a.path === 'slice-seal/form') {
        if (!layout.form) return { errors: [{ text: 'the package has no form.js' }] };
        return { path: join(pkgDir, layout.form) };
      }
      return { path: join(pkgDir, layout.index ?? layout.glue) };
    });
  },
};

// libsodium-wrappers 0.7.14+ ships an ESM build that imports "./libsodium.mjs",
// a file that lives in the `libsodium` package instead (upstream packaging
// bug); point it there, as any bundler user has to.
const libsodiumFixPlugin = {
  name: 'libsodium-esm-fix',
  setup(b) {
    b.onResolve({ filter: /^\.\/libsodium\.mjs$/ }, (a) => {
      if (!a.importer.includes(`${sep}libsodium-wrappers${sep}`)) return undefined;
      return { path: join(HERE, 'node_modules', 'libsodium', 'dist', 'modules-esm', 'libsodium.mjs') };
    });
  },
};

async function buildPage() {
  const r = await esbuild.build({
    entryPoints: [join(HERE, 'src', 'bench.js')],
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false,
    external: ['/pkg/*'], plugins: [libsodiumFixPlugin], logLevel: 'error', absWorkingDir: HERE,
  });
  return r.outputFiles[0].contents;
}

const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const br = (buf) => brotliCompressSync(buf, { params: { [zc.BROTLI_PARAM_QUALITY]: 11 } }).length;

async function bundleSize(entry) {
  const r = await esbuild.build({
    entryPoints: [join(HERE, 'src', 'size', entry)],
    bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false,
    plugins: [sliceSealPlugin, libsodiumFixPlugin], logLevel: 'error', absWorkingDir: HERE,
  });
  const js = r.outputFiles[0].contents;
  return { min: js.length, gz: gz(js), br: br(js) };
}

async function sizes() {
  const wasm = readFileSync(join(pkgDir, layout.wasm));
  const wasmSize = { raw: wasm.length, gz: gz(wasm), br: br(wasm) };
  const rows = [];
  const peer = [
    ['@hpke/core 1.9.0 (`CipherSuite.seal`, P-256/HKDF-SHA256/AES-256-GCM)', 'hpke.js'],
    ['jose (`CompactEncrypt` ECDH-ES + A256GCM)', 'jose.js'],
    ['raw WebCrypto (ECDH + HKDF + AES-GCM, our 20 lines)', 'webcrypto.js'],
    ['libsodium-wrappers (`crypto_box_seal`, X25519; wasm inlined in JS)', 'sodium.js'],
    ['@noble curves+hashes+ciphers (p256 + hkdf + gcm)', 'noble.js'],
  ];
  for (const [label, entry] of peer) {
    try {
      const s = await bundleSize(entry);
      rows.push({ label, js: s, wasm: null, total: { raw: s.min, gz: s.gz, br: s.br } });
    } catch (e) {
      rows.push({ label, error: e.message.split('\n')[0] });
    }
  }
  const ssJs = await bundleSize('slice-seal.js');
  rows.unshift({
    label: 'slice-seal (`init` + `new Sealer(jwk).seal`): JS glue + .wasm',
    js: ssJs, wasm: wasmSize,
    total: { raw: ssJs.min + wasmSize.raw, gz: ssJs.gz + wasmSize.gz, br: ssJs.br + wasmSize.br },
    ss: true,
  });
  if (layout.form) {
    const f = await bundleSize('slice-seal-form.js');
    rows.splice(1, 0, {
      label: 'slice-seal form integration (`slice-seal/form`: guard + glue) + .wasm',
      js: f, wasm: wasmSize,
      total: { raw: f.min + wasmSize.raw, gz: f.gz + wasmSize.gz, br: f.br + wasmSize.br },
      ss: true,
    });
  }
  return rows;
}

// ---------------------------------------------------------------- server
const PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>slice-seal browser benchmark</title>
<script type="module" src="/bench.js"></script></head>
<body><main><h1>slice-seal browser benchmark</h1><p>Driven by benches/browser/run.mjs.</p></main></body></html>
`;
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.ts': 'text/plain' };

function startServer(benchJs) {
  const posts = { count: 0 };
  const server = createServer((req, res) => {
    const headers = {
      'Content-Security-Policy': CSP,
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    };
    const send = (code, type, body) => {
      res.writeHead(code, { ...headers, 'Content-Type': type });
      res.end(body);
    };
    const url = new URL(req.url, 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/bench/submit') {
      let n = 0;
      req.on('data', (c) => { n += c.length; });
      req.on('end', () => {
        posts.count++;
        send(200, 'application/json', JSON.stringify({ ok: true, bytes: n }));
      });
      return;
    }
    if (req.method !== 'GET') return send(405, 'text/plain', 'method not allowed');
    if (url.pathname === '/') return send(200, 'text/html; charset=utf-8', PAGE);
    if (url.pathname === '/bench.js') return send(200, 'text/javascript', benchJs);
    if (url.pathname === '/favicon.ico') return send(204, 'text/plain', '');
    if (url.pathname.startsWith('/pkg/')) {
      const rel = decodeURIComponent(url.pathname.slice(5));
      if (rel === 'index.js' && !layout.index) return send(200, 'text/javascript', INDEX_SHIM);
      const file = normalize(join(pkgDir, rel));
      if (!file.startsWith(pkgDir + sep) || !existsSync(file) || !statSync(file).isFile()) return send(404, 'text/plain', 'not found');
      const ext = file.slice(file.lastIndexOf('.'));
      return send(200, TYPES[ext] ?? 'application/octet-stream', readFileSync(file));
    }
    send(404, 'text/plain', 'not found');
  });
  return new Promise((ok, bad) => {
    server.on('error', bad);
    server.listen(0, '127.0.0.1', () => ok({ server, posts, url: `http://127.0.0.1:${server.address().port}/` }));
  });
}

// ---------------------------------------------------------------- stats + tables
const fmtUs = (us) => (!Number.isFinite(us) ? 'n/a' : us >= 100 ? Math.round(us).toLocaleString('en-GB') : us.toFixed(1));
const fmtMs = (us) => (!Number.isFinite(us) ? 'n/a' : (us / 1000).toFixed(2));
const fmtX = (x) => (!Number.isFinite(x) ? 'n/a' : x >= 10 ? `${x.toFixed(0)}×` : `${x.toFixed(2)}×`);
const kb = (n) => (n == null ? '–' : (n / 1024).toFixed(1));

function opTable(res, kind) {
  const keys = Object.keys(res.tasks).filter((k) => k.startsWith(`${kind}:`));
  const rows = keys.map((k) => {
    const s = res.tasks[k].samples;
    return { k, ...res.labels[k], med: median(s), p25: quant(s, 0.25), p75: quant(s, 0.75), n: s.length };
  });
  const ssBest = Math.min(...rows.filter((r) => r.group === 'slice-seal' && r.n).map((r) => r.med));
  const wc = rows.find((r) => r.k === `${kind}:webcrypto`)?.med ?? NaN;
  const ssName = `slice-seal best ${kind}`;
  const lines = [
    `| ${kind} of 1 KiB | median µs | IQR µs | × ${ssName} | × WebCrypto raw |`,
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    lines.push(`| ${r.label} | **${fmtUs(r.med)}** | ${fmtUs(r.p25)}–${fmtUs(r.p75)} | ${fmtX(r.med / ssBest)} | ${fmtX(r.med / wc)} |`);
  }
  for (const [id, call] of [['ss-prepared', 'Sealer.prepare(n)'], ['ss-async-prepared', 'await Sealer.prepareAsync(n)'], ['ss-hybrid-async-prepared', 'await Sealer.prepareAsync(n)']]) {
    const prep = res.tasks[`${kind}:${id}`]?.extra ?? [];
    if (!prep.length) continue;
    const per = prep.map((e) => (e.prepareMs * 1000) / e.prepared);
    lines.push('', `The row "${res.labels[`${kind}:${id}`].label}" excludes \`${call}\` itself (meant for idle time): median **${fmtUs(median(per))} µs** per prepared slice (IQR ${fmtUs(quant(per, 0.25))}–${fmtUs(quant(per, 0.75))}), timed in the same rounds.`);
  }
  return lines.join('\n');
}

// Large values: time per seal, throughput, and ratios to raw WebCrypto and
// @hpke/core in the same run (throughput ratio = their time / ours).
function largeTable(res) {
  const sizes = [...new Set(Object.keys(res.tasks).filter((k) => k.startsWith('large:')).map((k) => +k.split(':')[1]))];
  if (!sizes.length) return '_Large values: not measured (--no-large)._';
  const lines = [
    '| seal, nothing prepared | size | median ms | IQR ms | MB/s | throughput × raw WebCrypto | × @hpke/core |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const size of sizes) {
    const keys = Object.keys(res.tasks).filter((k) => k.startsWith(`large:${size}:`));
    const med = (id) => (res.tasks[`large:${size}:${id}`] ? median(res.tasks[`large:${size}:${id}`].samples) : NaN);
    const wc = med('webcrypto');
    const hp = med('hpke');
    for (const k of keys) {
      const s = res.tasks[k].samples;
      const m = median(s);
      lines.push(`| ${res.labels[k].label} | ${size >= 1 << 20 ? `${size >> 20} MiB` : `${size >> 10} KiB`} | **${fmtMs(m)}** | ${fmtMs(quant(s, 0.25))}–${fmtMs(quant(s, 0.75))} | ${(size / m).toFixed(0)} | ${fmtX(wc / m)} | ${fmtX(hp / m)} |`);
    }
  }
  return lines.join('\n');
}

function fieldsTable(res) {
  const keys = Object.keys(res.tasks).filter((k) => k.startsWith('fields:'));
  const rows = keys.map((k) => ({ k, ...res.labels[k], med: median(res.tasks[k].samples), p25: quant(res.tasks[k].samples, 0.25), p75: quant(res.tasks[k].samples, 0.75) }));
  const ssBest = Math.min(...rows.filter((r) => r.group === 'slice-seal').map((r) => r.med));
  const lines = [
    `| ${res.config.fields} fields × ${res.config.fieldSize} B | median ms | IQR ms | × slice-seal best |`,
    '| --- | ---: | ---: | ---: |',
  ];
  for (const r of rows) lines.push(`| ${r.label} | **${fmtMs(r.med)}** | ${fmtMs(r.p25)}–${fmtMs(r.p75)} | ${fmtX(r.med / ssBest)} |`);
  return lines.join('\n');
}

function formTable(res) {
  const f = res.form;
  if (!f) return '_Form integration: not measured (failed, see above, or --no-form)._';
  if (!f.available) return '_Form integration: the package has no `protectForm` export._';
  return [
    `| form with ${f.fields} marked fields (protectForm, fetch mode), ${f.toFetchUs.length} submits | median ms | IQR ms |`,
    '| --- | ---: | ---: |',
    `| requestSubmit() → sealed body handed to fetch() | **${fmtMs(median(f.toFetchUs))}** | ${fmtMs(quant(f.toFetchUs, 0.25))}–${fmtMs(quant(f.toFetchUs, 0.75))} |`,
    `| requestSubmit() → onSealed (incl. local POST + 200) | **${fmtMs(median(f.toSealedUs))}** | ${fmtMs(quant(f.toSealedUs, 0.25))}–${fmtMs(quant(f.toSealedUs, 0.75))} |`,
  ].join('\n');
}

// The issue's targets, as ratios within this run (not pass/fail: noisy machines).
function targetsTable(res, sizeRows) {
  const med = (k) => (res.tasks[k] ? median(res.tasks[k].samples) : NaN);
  const best = (kind, ids) => {
    const c = ids.map((id) => ({ id, us: med(`${kind}:${id}`) })).filter((r) => Number.isFinite(r.us));
    return c.length ? c.reduce((a, b) => (b.us < a.us ? b : a)) : { id: 'n/a', us: NaN };
  };
  const label = (kind, id) => res.labels[`${kind}:${id}`]?.label ?? id;
  const ok = (x, max) => (Number.isFinite(x) ? (x <= max ? 'met' : '**not met**') : 'n/a');
  const row = (what, target, value, verdict) => `| ${what} | ${target} | ${value} | ${verdict} |`;
  const lines = ['| target | bound | this run | |', '| --- | --- | --- | --- |'];
  for (const kind of ['seal', 'open']) {
    const asyncIds = kind === 'seal' ? ['ss-async', 'ss-async-prepared'] : ['ss-opener-async'];
    const b = best(kind, asyncIds);
    const wc = med(`${kind}:webcrypto`);
    const hp = med(`${kind}:hpke`);
    lines.push(row(`${kind} 1 KiB, public async API (${label(kind, b.id)}) vs raw WebCrypto`, '≤ 1.0×', `${fmtUs(b.us)} / ${fmtUs(wc)} µs = ${fmtX(b.us / wc)}`, ok(b.us / wc, 1.0)));
    lines.push(row(`${kind} 1 KiB, same vs @hpke/core`, '≤ 0.6×', `${fmtUs(b.us)} / ${fmtUs(hp)} µs = ${fmtX(b.us / hp)}`, ok(b.us / hp, 0.6)));
    if (kind === 'seal' && b.id !== 'ss-async') {
      // The same with nothing prepared: all of the P-256 work at the call.
      const u = med('seal:ss-async');
      lines.push(row(`seal 1 KiB, nothing prepared (${label('seal', 'ss-async')}) vs raw WebCrypto; vs @hpke/core`, '(≤ 1.0×; ≤ 0.6×)', `${fmtUs(u)} / ${fmtUs(wc)} µs = ${fmtX(u / wc)}; ${fmtX(u / hp)}`, `${ok(u / wc, 1.0)}; ${ok(u / hp, 0.6)}`));
    }
  }
  {
    // The lean entry (the form page's), nothing prepared: all of the P-256 work at the call.
    const u = med('seal:ss-lean-async');
    const wc = med('seal:webcrypto');
    lines.push(row(`seal 1 KiB, nothing prepared, lean entry (${label('seal', 'ss-lean-async')}) vs raw WebCrypto`, '≤ 1.0×', `${fmtUs(u)} / ${fmtUs(wc)} µs = ${fmtX(u / wc)}`, ok(u / wc, 1.0)));
  }
  {
    // The hybrid suite (issue 15): all in wasm; nothing prepared within 2.5x
    // the P-256 async seal, and prepared at idle as the P-256 one is.
    const h = med('seal:ss-hybrid-async');
    const p = med('seal:ss-async');
    const l = med('seal:ss-lean-async');
    lines.push(row(`hybrid seal 1 KiB, nothing prepared (${label('seal', 'ss-hybrid-async')}) vs P-256 nothing prepared (${label('seal', 'ss-async')}); vs the lean entry`, '≤ 2.5×', `${fmtUs(h)} / ${fmtUs(p)} µs = ${fmtX(h / p)}; ${fmtX(h / l)}`, `${ok(h / p, 2.5)}; ${ok(h / l, 2.5)}`));
    const hp = med('seal:ss-hybrid-async-prepared');
    const pp = med('seal:ss-async-prepared');
    lines.push(row(`hybrid seal 1 KiB, prepared at idle (${label('seal', 'ss-hybrid-async-prepared')}) vs P-256 prepared (${label('seal', 'ss-async-prepared')})`, '≤ 1.5×', `${fmtUs(hp)} / ${fmtUs(pp)} µs = ${fmtX(hp / pp)}`, ok(hp / pp, 1.5)));
  }
  {
    const b = best('seal', ['ss-sealer', 'ss-prepared']);
    const wc = med('seal:webcrypto');
    lines.push(row(`sync pure-wasm seal (${label('seal', b.id)}) vs raw WebCrypto`, '≤ 1.5×', `${fmtUs(b.us)} / ${fmtUs(wc)} µs = ${fmtX(b.us / wc)}`, ok(b.us / wc, 1.5)));
  }
  {
    // Large values (issue 14): throughput ratios, so the bound is a minimum.
    const atLeast = (x, min) => (Number.isFinite(x) ? (x >= min ? 'met' : '**not met**') : 'n/a');
    const sizes = [...new Set(Object.keys(res.tasks).filter((k) => k.startsWith('large:')).map((k) => +k.split(':')[1]))];
    for (const size of sizes) {
      const m = (id) => med(`large:${size}:${id}`);
      const name = size >= 1 << 20 ? `${size >> 20} MiB` : `${size >> 10} KiB`;
      const wc = m('webcrypto');
      for (const id of ['ss-async-oneshot', 'ss-async', 'ss-bytes-oneshot', 'ss-bytes']) {
        const us = m(id);
        lines.push(row(`seal ${name}, nothing prepared, ${res.labels[`large:${size}:${id}`]?.label ?? id}: throughput vs raw WebCrypto`, '≥ 0.7×', `${fmtMs(wc)} / ${fmtMs(us)} ms = ${fmtX(wc / us)}`, atLeast(wc / us, 0.7)));
      }
      if (size >= 1 << 20) {
        const hp = m('hpke');
        const us = m('ss-sealer');
        lines.push(row(`seal ${name}, pure-wasm Sealer.seal: throughput vs @hpke/core`, '≥ 0.5×', `${fmtMs(hp)} / ${fmtMs(us)} ms = ${fmtX(hp / us)}`, atLeast(hp / us, 0.5)));
      }
    }
  }
  const f = res.form;
  if (f && f.available) {
    const m = median(f.toFetchUs) / 1000;
    lines.push(row(`${f.fields} marked fields sealed at submit, through protectForm (submit → body handed to fetch)`, '≤ 5 ms', `${m.toFixed(2)} ms`, ok(m, 5)));
  }
  const ss = sizeRows.find((r) => /slice-seal/.test(r.label) && !r.error);
  if (ss) lines.push(row('.wasm + JS glue, gzip -9 (minimal seal path)', '≤ 40 KB', `${kb(ss.total.gz)} KiB`, ok(ss.total.gz / 1000, 40)));
  const be = res.env.backends || {};
  lines.push('', `Backends used by the async rows: seal \`${be.seal}\`, open \`${be.open}\`; P-256 of the large-value \`Sealer\` rows \`${be.large}\`.`);
  const tm = res.env.timings;
  if (tm) lines.push('', `The page's measured choices (\`backendTimings()\`, ms; aesGcm ms per MiB): ${['seal', 'open', 'aesGcm'].map((k) => `${k} ${JSON.stringify(tm[k])}`).join(', ')}.`);
  return lines.join('\n');
}

function sizeTable(rows) {
  const lines = [
    '| minimal seal path, esbuild --bundle --minify | JS min KiB | JS gzip -9 KiB | .wasm gzip -9 KiB | **total gzip -9 KiB** | total brotli KiB |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    if (r.error) { lines.push(`| ${r.label} | build failed: ${r.error} | | | | |`); continue; }
    lines.push(`| ${r.label} | ${kb(r.js.min)} | ${kb(r.js.gz)} | ${r.wasm ? kb(r.wasm.gz) : '–'} | **${kb(r.total.gz)}** | ${kb(r.total.br)} |`);
  }
  return lines.join('\n');
}

function machine(browserVersion, res) {
  let model = 'unknown';
  try {
    const l = execFileSync('lscpu', { encoding: 'utf8' });
    model = (/^Model name:\s*(.+)$/m.exec(l) || [])[1]?.trim() ?? model;
  } catch { /* lscpu missing */ }
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no', '--', 'src', 'Cargo.toml', 'Cargo.lock'], { encoding: 'utf8' }).trim();
    if (dirty) commit += ' (+ uncommitted src changes)';
  } catch { /* not a git checkout */ }
  const wasmHash = createHash('sha256').update(readFileSync(join(pkgDir, layout.wasm))).digest('hex').slice(0, 12);
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' / ');
  return [
    `- CPU: ${model}, ${os.cpus().length} logical cores (navigator.hardwareConcurrency ${res.env.hardwareConcurrency}); load average at start ${load} (1/5/15 min)`,
    `- Browser: ${browserVersion} headless (${CHROMIUM}); Node ${process.version}; playwright-core`,
    `- Timer: performance.now() resolution ${res.env.timerResolutionUs} µs (crossOriginIsolated: ${res.env.crossOriginIsolated}); page served with CSP \`script-src 'self' 'wasm-unsafe-eval'\``,
    `- slice-seal: commit ${commit}, package ${relative(ROOT, pkgDir) || '.'} (wasm sha256 ${wasmHash}…), wasm init ${res.env.wasmInitMs.toFixed(1)} ms`,
    `- Method: ${res.config.rounds} rounds × ${res.config.ops} ops per library, interleaved (each round runs every library's batch once, order rotated per round), 1 warm-up round of ${res.config.warmupOps} ops; per-op time = batch time / ops; median and IQR over rounds; every batch's output decrypted and compared. Rounds took ${(res.env.roundsMs / 1000).toFixed(1)} s.`,
  ].join('\n');
}

function notes(res) {
  const peerNotes = Object.entries(res.labels)
    .filter(([k, v]) => k.startsWith('seal:') && v.note)
    .map(([, v]) => `- ${v.label}: ${v.note}`);
  const ex = res.extras;
  const q = (xs) => xs.map((n) => `\`${n}\``).join(', ');
  const extraLine = [
    ex.found.length ? `- Extra slice-seal exports timed: ${q(ex.found)}.` : '- No extra slice-seal `seal*`/`open*` exports found.',
    ex.missing.length ? ` Not exported by this package: ${q(ex.missing)}.` : '',
  ].join('');
  return [
    '- All P-256 libraries seal to the same recipient key (generated once by slice-seal, imported as a CryptoKey / SEC1 bytes); libsodium has no P-256 and seals to an X25519 key.',
    '- slice-seal seals with context `{form, field}` (HPKE info ≈ 40 bytes); the HPKE-style peers bind a 44-byte info string.',
    ...peerNotes,
    extraLine,
  ].join('\n');
}

// ---------------------------------------------------------------- main
async function main() {
  const deadline = setTimeout(() => {
    console.error(`bench-browser: timed out after ${TOTAL_TIMEOUT_MS / 1000} s`);
    process.exit(1);
  }, TOTAL_TIMEOUT_MS);
  deadline.unref();

  const t0 = Date.now();
  const benchJs = await buildPage();
  const sizeRows = await sizes();
  const srv = await startServer(benchJs);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 30_000 });
  const problems = [];
  let res;
  let browserVersion;
  try {
    browserVersion = `Chromium ${browser.version()}`;
    const page = await browser.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/^slice-seal: form/.test(m.text())) problems.push(`console error: ${m.text()}`);
    });
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    await page.goto(srv.url, { waitUntil: 'load', timeout: 30_000 });
    await page.waitForFunction(() => window.benchReady === true, null, { timeout: 30_000 });
    res = await page.evaluate((c) => window.runBench(c), cfg);
  } finally {
    await browser.close();
    srv.server.close();
  }

  const failures = [...res.failures, ...problems];
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const md = [
    '# slice-seal browser benchmark',
    '',
    `Generated by \`bash .ci/bench-browser\` (benches/browser/run.mjs) on ${when}${opt.smoke ? ' — SMOKE RUN, timings meaningless' : ''}.`,
    'Timings on a shared, loaded machine are noisy: compare ratios within one run, not across runs.',
    '',
    'Run: `bash .ci/bench-browser` (rebuilds pkg/ if older than src/; ~1 min plus the build) — options: `--smoke` (1 round of 2 ops: round trips only), `--rounds N`, `--ops N`, `--pkg DIR`, `--extra NAME[,NAME]`, `--no-form`, `--json FILE`; `--help` for all.',
    '',
    '## Machine',
    '',
    machine(browserVersion, res),
    '',
    '## Targets (issues 6, 14 and 15), within this run',
    '',
    targetsTable(res, sizeRows),
    '',
    '## Seal: 1 KiB to a P-256 public key (whole public call)',
    '',
    opTable(res, 'seal'),
    '',
    '## Open: 1 KiB',
    '',
    opTable(res, 'open'),
    '',
    '## Large values: 64 KiB and 1 MiB, nothing prepared (issue 14)',
    '',
    'Random bytes; every batch\'s last envelope opened and compared. MB/s = 10⁶ bytes of plaintext per second.',
    '',
    largeTable(res),
    '',
    `## ${cfg.fields} marked fields of ${cfg.fieldSize} bytes (one form submit's worth of sealing)`,
    '',
    fieldsTable(res),
    '',
    formTable(res),
    '',
    '## Bundle size of each library\'s minimal seal path',
    '',
    sizeTable(sizeRows),
    '',
    'One-function entries in benches/browser/src/size/, bundled with esbuild (--bundle --minify, ESM, browser); gzip level 9 and brotli quality 11 via node:zlib. slice-seal = minified JS glue + the .wasm (each compressed separately).',
    '',
    '## Notes',
    '',
    notes(res),
    '',
    failures.length ? `## FAILURES\n\n${failures.map((f) => `- ${f}`).join('\n')}\n` : `All round trips verified (${Object.keys(res.tasks).length} timed tasks${res.form?.available ? ' + the form submits' : ''}).`,
    '',
  ].join('\n');

  process.stdout.write(md);
  if (opt.write) {
    // Keep the sealed-file section (benches/browser/files.mjs) at the end.
    const FILES_MARK = '<!-- sealed-files: written by benches/browser/files.mjs -->';
    const old = existsSync(opt.out) ? readFileSync(opt.out, 'utf8') : '';
    const files = old.includes(FILES_MARK) ? `\n${old.slice(old.indexOf(FILES_MARK))}` : '';
    writeFileSync(opt.out, md + files);
    console.error(`bench-browser: wrote ${relative(process.cwd(), opt.out)}`);
  }
  if (opt.json) writeFileSync(opt.json, JSON.stringify({ cfg, res, sizes: sizeRows, browserVersion }, null, 2));
  console.error(`bench-browser: ${failures.length ? `${failures.length} FAILURE(S)` : 'all round trips ok'} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  clearTimeout(deadline);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(`bench-browser: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
