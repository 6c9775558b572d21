// Tests of .ci/npm-install.mjs: a committed lock is installed as it is, never
// rewritten; a lock that differs from today's registry only in optional
// packages of other platforms still installs; every other mismatch fails.
// Runs real `npm ci` on copies of tests/setup/fixture (rollup and its platform
// packages; npm's cache makes repeats fast).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { compareLocks, fitsHost } from '../../.ci/npm-install.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SCRIPT = join(HERE, '..', '..', '.ci', 'npm-install.mjs');
const FIXTURE = join(HERE, 'fixture');
const LOCK = JSON.parse(readFileSync(join(FIXTURE, 'package-lock.json'), 'utf8'));
const PLATFORM_KEYS = Object.keys(LOCK.packages).filter((k) => k.startsWith('node_modules/@rollup/rollup-'));
const HOST_KEYS = PLATFORM_KEYS.filter((k) => fitsHost(LOCK.packages[k]));
const OTHER_KEYS = PLATFORM_KEYS.filter((k) => !fitsHost(LOCK.packages[k]));

/** Copies the fixture, lets `doctor` edit its lock and package.json, runs the script. */
function run(t, doctor = () => {}) {
  const dir = mkdtempSync(join(tmpdir(), 'slice-seal-npm-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const lock = structuredClone(LOCK);
  const pkg = JSON.parse(readFileSync(join(FIXTURE, 'package.json'), 'utf8'));
  doctor(lock, pkg);
  const lockText = `${JSON.stringify(lock, null, 2)}\n`;
  writeFileSync(join(dir, 'package-lock.json'), lockText);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  const r = spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8', timeout: 300_000 });
  const installed = (name) => {
    const p = join(dir, 'node_modules', name, 'package.json');
    return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')).version : undefined;
  };
  return { status: r.status, out: r.stdout, err: r.stderr, installed, lockAfter: readFileSync(join(dir, 'package-lock.json'), 'utf8'), lockText };
}

test('the fixture has platform packages for this machine and for others', () => {
  assert.ok(HOST_KEYS.length >= 1, `no rollup platform package fits ${process.platform}/${process.arch}`);
  assert.ok(OTHER_KEYS.length >= 10);
});

test('fitsHost follows npm: positive lists, ! exclusions, libc on Linux', () => {
  const host = { os: 'linux', cpu: 'x64', libc: 'glibc' };
  assert.equal(fitsHost({}, host), true);
  assert.equal(fitsHost({ os: ['linux'], cpu: ['x64'], libc: ['glibc'] }, host), true);
  assert.equal(fitsHost({ os: ['linux'], cpu: ['x64'], libc: ['musl'] }, host), false);
  assert.equal(fitsHost({ os: ['darwin'] }, host), false);
  assert.equal(fitsHost({ os: ['!win32'] }, host), true);
  assert.equal(fitsHost({ cpu: ['!x64'] }, host), false);
});

test('compareLocks tolerates only other-platform optional packages', () => {
  const host = { os: 'linux', cpu: 'x64', libc: 'glibc' };
  const base = { packages: { '': { devDependencies: { a: '1' } }, 'node_modules/a': { version: '1', integrity: 'i1' } } };
  const mac = { version: '1', integrity: 'm', optional: true, os: ['darwin'] };
  const linux = { version: '1', integrity: 'l', optional: true, os: ['linux'], cpu: ['x64'] };
  const withPkg = (k, e) => ({ packages: { ...base.packages, [k]: e } });
  assert.deepEqual(compareLocks(base, withPkg('node_modules/mac', mac), host), { tolerated: ['mac@1'], fatal: [] });
  assert.deepEqual(compareLocks(withPkg('node_modules/mac', mac), base, host), { tolerated: ['mac@1'], fatal: [] });
  assert.equal(compareLocks(base, withPkg('node_modules/linux', linux), host).fatal.length, 1);
  const bumped = { packages: { ...base.packages, 'node_modules/a': { version: '2', integrity: 'i2' } } };
  assert.match(compareLocks(base, bumped, host).fatal[0], /^a: the lock has 1 .*npm resolves 2/);
  const edited = { packages: { ...base.packages, '': { devDependencies: { a: '2' } } } };
  assert.match(compareLocks(base, edited, host).fatal[0], /devDependencies differ/);
});

test('a current lock installs with npm ci and stays as it was', (t) => {
  const r = run(t);
  assert.equal(r.status, 0, r.err);
  assert.doesNotMatch(r.out, /other platforms/);
  assert.equal(r.installed('rollup'), LOCK.packages['node_modules/rollup'].version);
  assert.equal(r.lockAfter, r.lockText);
});

test('a lock missing only other platforms\' optional packages installs, says so, and is not rewritten', (t) => {
  const r = run(t, (lock) => {
    for (const k of OTHER_KEYS.slice(0, 5)) delete lock.packages[k];
  });
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /npm ci refused the lock only for optional packages of other platforms .*lock unchanged/);
  assert.equal(r.out.trim().split('\n').length, 1, 'one line');
  assert.equal(r.installed('rollup'), LOCK.packages['node_modules/rollup'].version);
  for (const k of HOST_KEYS) {
    assert.equal(r.installed(k.slice('node_modules/'.length)), LOCK.packages[k].version, `${k} installed`);
  }
  assert.equal(r.lockAfter, r.lockText, 'the doctored lock is byte for byte what it was');
});

test('a lock missing this machine\'s own platform package fails', (t) => {
  const r = run(t, (lock) => {
    for (const k of HOST_KEYS) delete lock.packages[k];
  });
  assert.equal(r.status, 1);
  assert.match(r.err, new RegExp(`the lock lacks ${HOST_KEYS[0].slice('node_modules/'.length)}@`));
  assert.match(r.err, /run 'npm install' in .* and commit the lock/);
  assert.equal(r.lockAfter, r.lockText);
});

test('a lock pinning another version of a used package fails', (t) => {
  const r = run(t, (lock) => {
    lock.packages['node_modules/rollup'].version = '4.68.6';
  });
  assert.equal(r.status, 1);
  assert.match(r.err, /rollup: the lock has 4\.68\.6 .*npm resolves 4\.68\.7/);
  assert.equal(r.lockAfter, r.lockText);
});

test('a lock with another integrity for a used package fails', (t) => {
  const r = run(t, (lock) => {
    const e = lock.packages['node_modules/@types/estree'];
    e.integrity = `sha512-${Buffer.alloc(64, 7).toString('base64')}`;
  });
  assert.equal(r.status, 1);
  assert.match(r.err, /npm ci failed|integrity/i);
  assert.equal(r.lockAfter, r.lockText);
});

test('a package.json edited without its lock fails', (t) => {
  const r = run(t, (_lock, pkg) => {
    pkg.devDependencies['is-number'] = '7.0.0';
  });
  assert.equal(r.status, 1);
  assert.match(r.err, /out of sync/);
  assert.equal(r.lockAfter, r.lockText);
});
