#!/usr/bin/env node
// Installs a folder's npm dependencies from its committed package-lock.json,
// never rewriting the lock, and survives one kind of registry drift: optional
// packages of other platforms (e.g. @rollup/rollup-darwin-arm64) that the
// registry now serves, or no longer serves, which make `npm ci` refuse the lock.
//
//   node .ci/npm-install.mjs DIR
//
// 1. `npm ci`. Done if it succeeds.
// 2. If it refused the lock as out of sync (EUSAGE), the lock npm would write
//    today (`npm install --package-lock-only` on a copy) is compared with the
//    committed one, entry by entry. Differences only in optional packages whose
//    os/cpu/libc exclude this machine are tolerated: said in one line, and the
//    packages are installed with `npm ci` from the regenerated lock, which pins
//    the same version and integrity for every package this machine installs;
//    the committed lock is restored byte for byte. Any other difference (a
//    version or integrity of a package this machine uses, a package this
//    platform needs that the lock lacks, package.json edited) fails.
// Exit status: 0 installed; 1 refused or failed (one message on stderr).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const NPM_FLAGS = ['--no-audit', '--no-fund', '--loglevel=error'];

/** This machine's libc as npm names it ('glibc' or 'musl'), Linux only. */
function hostLibc() {
  if (process.platform !== 'linux') return undefined;
  return process.report?.getReport()?.header?.glibcVersionRuntime ? 'glibc' : 'musl';
}

/** npm's rule for an os/cpu/libc list: `!x` excludes x; a positive list must name the value. */
function listAllows(list, value) {
  if (!Array.isArray(list) || list.length === 0 || value === undefined) return true;
  if (list.includes(`!${value}`)) return false;
  const positive = list.filter((v) => !v.startsWith('!'));
  return positive.length === 0 || positive.includes(value);
}

/** Would npm install this lock entry on this machine, platform-wise? */
export function fitsHost(entry, host = { os: process.platform, cpu: process.arch, libc: hostLibc() }) {
  return listAllows(entry.os, host.os) && listAllows(entry.cpu, host.cpu) && listAllows(entry.libc, host.libc);
}

/** An optional package that npm would skip here because of its platform fields. */
function otherPlatformOptional(entry, host) {
  return Boolean(entry && (entry.optional || entry.devOptional) && !fitsHost(entry, host));
}

const ROOT_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];

/**
 * Compares the committed lock with the lock npm writes today.
 * Returns { tolerated: [names], fatal: [messages] }.
 */
export function compareLocks(committed, today, host) {
  const a = committed.packages ?? {};
  const b = today.packages ?? {};
  const tolerated = [];
  const fatal = [];
  const label = (k, e) => `${k.replace(/^.*node_modules\//, '')}@${e?.version ?? '?'}`;
  for (const f of ROOT_FIELDS) {
    if (JSON.stringify(a['']?.[f] ?? {}) !== JSON.stringify(b['']?.[f] ?? {})) {
      fatal.push(`package.json's ${f} differ from the lock's`);
    }
  }
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (k === '') continue;
    const [x, y] = [a[k], b[k]];
    const same = x && y && x.version === y.version && x.integrity === y.integrity && x.resolved === y.resolved;
    if (same) continue;
    if ((!x || otherPlatformOptional(x, host)) && (!y || otherPlatformOptional(y, host))) {
      tolerated.push(label(k, y ?? x));
    } else if (!x) {
      fatal.push(`the lock lacks ${label(k, y)}, which this machine installs`);
    } else if (!y) {
      fatal.push(`the lock has ${label(k, x)}, which package.json no longer brings in`);
    } else {
      fatal.push(`${k.replace(/^.*node_modules\//, '')}: the lock has ${x.version} (${x.integrity ?? 'no integrity'}), npm resolves ${y.version} (${y.integrity ?? 'no integrity'})`);
    }
  }
  return { tolerated, fatal };
}

function npm(dir, args) {
  const r = spawnSync('npm', [...args, ...NPM_FLAGS], { cwd: dir, encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function fail(msg) {
  process.stderr.write(`[npm-install] ERROR: ${msg}\n`);
  process.exit(1);
}

function main(dirArg) {
  if (!dirArg) fail('usage: node .ci/npm-install.mjs DIR');
  const dir = resolve(dirArg);
  const lockPath = join(dir, 'package-lock.json');
  if (!existsSync(lockPath)) fail(`${dirArg}/package-lock.json is missing`);
  const committedBytes = readFileSync(lockPath);

  const ci = npm(dir, ['ci']);
  if (ci.ok) return;
  if (!/\bEUSAGE\b/.test(ci.out)) fail(`npm ci failed in ${dirArg}/:\n${ci.out.trim()}`);

  // What npm would write today, on a copy: the committed files stay untouched.
  const scratch = mkdtempSync(join(tmpdir(), 'slice-seal-npm-'));
  try {
    for (const f of ['package.json', 'package-lock.json', '.npmrc']) {
      if (existsSync(join(dir, f))) cpSync(join(dir, f), join(scratch, f));
    }
    const regen = npm(scratch, ['install', '--package-lock-only', '--ignore-scripts']);
    if (!regen.ok) fail(`npm ci refused ${dirArg}/package-lock.json and npm install --package-lock-only failed too:\n${regen.out.trim()}`);
    const todayBytes = readFileSync(join(scratch, 'package-lock.json'));
    const { tolerated, fatal } = compareLocks(JSON.parse(committedBytes), JSON.parse(todayBytes));
    if (fatal.length) {
      fail(`${dirArg}/package-lock.json is out of sync with ${dirArg}/package.json for this machine:\n  ${fatal.slice(0, 12).join('\n  ')}\nrun 'npm install' in ${dirArg}/ and commit the lock`);
    }
    if (!tolerated.length) fail(`npm ci refused ${dirArg}/package-lock.json for no reason this script recognises:\n${ci.out.trim()}`);
    // Swap the regenerated lock in for the install only; a signal waits for
    // the restore below (spawnSync's child gets it too and ends).
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => {});
    writeFileSync(lockPath, todayBytes);
    let second;
    try {
      second = npm(dir, ['ci']);
    } finally {
      writeFileSync(lockPath, committedBytes);
    }
    if (!second.ok) fail(`npm ci from the regenerated lock failed in ${dirArg}/:\n${second.out.trim()}`);
    const shown = tolerated.slice(0, 3).join(', ') + (tolerated.length > 3 ? `, … (${tolerated.length} in all)` : '');
    console.log(`[npm-install] ${dirArg}/: npm ci refused the lock only for optional packages of other platforms (${shown}); installed this machine's packages at the locked versions; lock unchanged`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (!readFileSync(lockPath).equals(committedBytes)) fail(`${dirArg}/package-lock.json changed during the install`);
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv[2]);
