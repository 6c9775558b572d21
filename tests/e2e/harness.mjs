// Shared pieces of the browser tests: the demo's servers on free 127.0.0.1
// ports with a temp data dir and fresh keys, Chromium's path and flags,
// assertions, and a small runner (test/runAll: bounded timeouts, a
// `N passed, N failed` summary) for the suites with one engine.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const CLI = process.env.SLICE_SEAL_CLI ?? join(ROOT, 'target', 'release', 'slice-seal');
export const ARTIFACTS = join(ROOT, 'tests', 'artifacts');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run',
];

/** Start a node server script with `--port 0`; resolves with {url, proc, log}. */
export function startServer(script, extraArgs, name) {
  return new Promise((ok, bad) => {
    const proc = spawn(process.execPath, [join(ROOT, 'www', script), '--port', '0', ...extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = [];
    let done = false;
    const timer = setTimeout(() => {
      if (!done) {
        done = true;
        proc.kill('SIGKILL');
        bad(new Error(`${name} did not start in 20 s:\n${log.join('')}`));
      }
    }, 20_000);
    const onData = (c) => {
      const s = c.toString();
      log.push(s);
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(s);
      if (m && !done) {
        done = true;
        clearTimeout(timer);
        ok({ url: `http://127.0.0.1:${m[1]}`, proc, log });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        bad(new Error(`${name} exited ${code}:\n${log.join('')}`));
      }
    });
  });
}

export function stopServer(s) {
  return new Promise((ok) => {
    if (!s || s.proc.exitCode !== null) return ok();
    const t = setTimeout(() => s.proc.kill('SIGKILL'), 5000);
    s.proc.once('exit', () => {
      clearTimeout(t);
      ok();
    });
    s.proc.kill('SIGTERM');
  });
}

/** A temp data dir with fresh key pairs made by the CLI: the vetting team's and the medical adviser's. */
export function makeDataDir({ suite = 'p256' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'slice-seal-e2e-'));
  const keys = join(dir, 'keys');
  mkdirSync(keys, { mode: 0o700 });
  // The vetting team's key, and the medical adviser's (the demo's health
  // answer is sealed to it); with suite mlkem768-x25519 both are hybrid keys,
  // as .ci/demo-server makes them with SUITE=mlkem768-x25519.
  for (const [priv, pub] of [['private.jwk', 'public.jwks.json'], ['medical.jwk', 'medical-public.jwks.json']]) {
    execFileSync(CLI, ['keygen', '--suite', suite, '--out', join(keys, priv)], { stdio: ['ignore', 'ignore', 'inherit'] });
    const jwk = JSON.parse(execFileSync(CLI, ['public', '--key', join(keys, priv)]));
    writeFileSync(join(keys, pub), JSON.stringify({ keys: [jwk] }));
  }
  return dir;
}

export function removeDir(dir) {
  if (dir && dir.startsWith(tmpdir())) rmSync(dir, { recursive: true, force: true });
}

export function readStore(dir) {
  const f = join(dir, 'submissions.jsonl');
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

// ---------------------------------------------------------------- runner
const tests = [];
export function test(name, fn, { timeout = 180_000 } = {}) {
  tests.push({ name, fn, timeout });
}

export function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

// Objects compare by their members whatever their order (a WebDriver sorts them).
const canonical = (v) => JSON.stringify(v, (k, x) => (x && typeof x === 'object' && !Array.isArray(x)
  ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0))) : x));

export function assertEq(actual, expected, msg) {
  const a = canonical(actual);
  const e = canonical(expected);
  if (a !== e) {
    const short = (s) => (s && s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s);
    throw new Error(`assertion failed: ${msg}\n    expected ${short(e)}\n    actual   ${short(a)}`);
  }
}

export async function runAll(filter) {
  let passed = 0;
  let failed = 0;
  const failures = [];
  for (const t of tests) {
    if (filter && !new RegExp(filter).test(t.name)) continue;
    const t0 = Date.now();
    let timer;
    try {
      await Promise.race([
        t.fn(),
        new Promise((_, bad) => {
          timer = setTimeout(() => bad(new Error(`timed out after ${t.timeout / 1000} s`)), t.timeout);
        }),
      ]);
      passed++;
      console.log(`ok - ${t.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      failures.push(t.name);
      console.log(`not ok - ${t.name} (${Date.now() - t0} ms)\n  ${String(e && e.stack || e).split('\n').join('\n  ')}`);
    } finally {
      clearTimeout(timer);
    }
  }
  if (failures.length) console.log(`failed: ${failures.join('; ')}`);
  return { passed, failed };
}
