// The documentation's form snippets are the tested ones: www/examples/
// govuk-form.njk (a sliceSealForm macro call) renders exactly to
// www/examples/govuk-form.html, the page the e2e test "m: the README's form"
// loads and submits; README.md ("GOV.UK forms") and www/README.md hold
// verbatim copies of both. README.md stays within 8 KiB, its links resolve, its JavaScript
// example runs against the built package, and its stated payload is what the
// package weighs (its Rust and CLI examples: cli/tests/readme.rs).
//
//   node --test tests/unit/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const nunjucks = createRequire(join(ROOT, 'www', 'package.json'))('nunjucks');
const read = (...p) => readFileSync(join(ROOT, ...p), 'utf8');
const NJK = read('www', 'examples', 'govuk-form.njk');
const HTML = read('www', 'examples', 'govuk-form.html');

/** The fenced code blocks of `lang` in a Markdown text. */
function blocks(md, lang) {
  return [...md.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'gm'))].map((m) => m[1]);
}

test('the macro call renders exactly to the example page', () => {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader([join(ROOT, 'pkg-template', 'nunjucks'), join(ROOT, 'www', 'examples')]), { autoescape: true });
  assert.equal(env.render('govuk-form.njk', {}).trim() + '\n', HTML);
  // The no-JavaScript safeguard is in it: the submit button is rendered disabled.
  assert.match(HTML, /<button type="submit" class="govuk-button" data-module="govuk-button" disabled aria-disabled="true">/);
});

test('README.md is at most 8 KiB (8,192 bytes): a front door; details live in the files it links', () => {
  const size = readFileSync(join(ROOT, 'README.md')).length;
  assert.ok(size <= 8192, `README.md is ${size} bytes`);
});

test('README.md links to the user and contributor docs, and every relative link resolves', async () => {
  const { existsSync } = await import('node:fs');
  const md = read('README.md');
  const links = [...md.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l));
  for (const l of links) assert.ok(existsSync(join(ROOT, l)), `README.md links to ${l}, which does not exist`);
  for (const doc of ['docs/FORMAT.md', 'docs/SECURITY.md', 'www/README.md', 'pkg-template/README.md', 'python/README.md',
    'CONTRIBUTING.md', 'benches/README.md', 'CHANGELOG.md']) assert.ok(links.includes(doc), `README.md links to ${doc}`);
});

test('README.md "JavaScript": the example runs as printed against the built package, installed with npm install', async () => {
  const { mkdtempSync, writeFileSync, rmSync, existsSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { execFileSync } = await import('node:child_process');
  const md = read('README.md');
  const section = md.slice(md.indexOf('## JavaScript'), md.indexOf('\n## ', md.indexOf('## JavaScript') + 3));
  const js = blocks(section, 'js');
  assert.equal(js.length, 1, 'one js block');
  const pkg = resolve(process.env.SLICE_SEAL_PKG ?? join(ROOT, 'pkg'));
  assert.ok(existsSync(join(pkg, 'package.json')), `${pkg} (bash .ci/build-pkg)`);
  const dir = mkdtempSync(join(tmpdir(), 'slice-seal-readme-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{"private": true}\n');
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', pkg], { cwd: dir, stdio: 'pipe', timeout: 60_000 });
    writeFileSync(join(dir, 'example.mjs'), js[0]);
    const out = execFileSync(process.execPath, ['example.mjs'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    assert.equal(out, 'Ada Lovelace\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('README.md "GOV.UK forms" holds the tested macro call and its output verbatim', () => {
  const md = read('README.md');
  const section = md.slice(md.indexOf('## GOV.UK forms'), md.indexOf('\n## ', md.indexOf('## GOV.UK forms') + 3));
  assert.deepEqual(blocks(section, 'njk'), [NJK]);
  assert.deepEqual(blocks(section, 'html'), [HTML]);
});

test('www/README.md: every html and njk snippet is the tested one', () => {
  const md = read('www', 'README.md');
  const html = blocks(md, 'html');
  const njk = blocks(md, 'njk');
  assert.ok(html.length >= 1, 'the markup contract shows the page');
  for (const b of html) assert.equal(b, HTML);
  for (const b of njk) assert.equal(b, NJK);
});

test('the GOV.UK Prototype Kit plugin config names the macro, the script and the assets the package ships', () => {
  const cfg = JSON.parse(read('pkg-template', 'govuk-prototype-kit.config.json'));
  const pkg = JSON.parse(read('pkg-template', 'package.json'));
  const shipped = (p) => pkg.files.some((f) => f === p || f.startsWith(`${p}/`));
  assert.deepEqual(cfg.nunjucksPaths, ['/nunjucks']);
  assert.deepEqual(cfg.nunjucksMacros, [{ importFrom: 'slice-seal/form/macro.njk', macroName: 'sliceSealForm' }]);
  const macro = read('pkg-template', 'nunjucks', 'slice-seal', 'form', 'macro.njk');
  assert.match(macro, /\{% macro sliceSealForm\(params\) %\}/);
  assert.ok(shipped('nunjucks/slice-seal/form/macro.njk') && shipped('nunjucks/slice-seal/form/template.njk'), 'the macro is in the package');
  // The kit's script entries are {path, type} (tests/prototype-kit/run.mjs: validate-plugin, the kit's start).
  assert.deepEqual(cfg.scripts, [{ path: '/form.js', type: 'module' }]);
  for (const a of cfg.assets) assert.ok(shipped(a.slice(1)), `asset ${a} is in the package`);
  // form.js (served as the script) loads ./lean.js and ./lean/ (its module), and where needed ./index.js,
  // which loads ./file.js, ./web/slice_seal.js and its .wasm.
  assert.deepEqual(cfg.assets.sort(), ['/file.js', '/index.js', '/lean', '/lean.js', '/web'].sort());
  assert.ok(shipped('govuk-prototype-kit.config.json'));
});

test('README: the stated payload of a form page (every module form.js loads with crypto.subtle, and the .wasm; gzip -9) is what the built package weighs', async () => {
  const { gzipSync } = await import('node:zlib');
  const { existsSync } = await import('node:fs');
  const pkg = resolve(process.env.SLICE_SEAL_PKG ?? join(ROOT, 'pkg'));
  for (const f of ['form.js', 'lean.js', 'lean/slice_seal_lean.js', 'lean/slice_seal_lean_bg.wasm', 'index.js', 'web/slice_seal_bg.wasm']) {
    assert.ok(existsSync(join(pkg, f)), `${f} in ${pkg} (bash .ci/build-pkg)`);
  }
  // Every module form.js loads (static and dynamic relative imports, followed
  // through), and the .wasm the glue fetches: what a form page downloads.
  // Except what lean.js loads only when needed (the full module ./index.js,
  // and ./file.js when a file is sealed): exactly its dynamic imports.
  const { posix } = await import('node:path');
  const strip = (f) => readFileSync(join(pkg, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const lazy = [...strip('lean.js').matchAll(/\bimport\s*\(\s*['"](\.\.?\/[^'"]+)['"]/g)].map((m) => m[1]).sort();
  assert.deepEqual(lazy, ['./file.js', './index.js'], 'lean.js loads the full module and file.js only when needed');
  const page = new Set();
  const queue = ['form.js'];
  while (queue.length) {
    const f = queue.shift();
    if (page.has(f)) continue;
    page.add(f);
    const code = strip(f);
    const imports = f === 'lean.js' ? /(?:\bfrom|\bimport)\s*['"](\.\.?\/[^'"]+)['"]/g : /(?:\bfrom|\bimport\s*\(|\bimport)\s*['"](\.\.?\/[^'"]+)['"]/g;
    for (const m of code.matchAll(imports)) queue.push(posix.join(posix.dirname(f), m[1]));
    for (const m of code.matchAll(/new URL\(\s*['"]([^'"]+\.wasm)['"]\s*,\s*import\.meta\.url\s*\)/g)) page.add(posix.join(posix.dirname(f), m[1]));
  }
  assert.deepEqual([...page].sort(), ['form.js', 'lean.js', 'lean/slice_seal_lean.js', 'lean/slice_seal_lean_bg.wasm'], 'the lean form page');
  const files = [...page].map((f) => join(pkg, f));
  const gz = files.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0) / 1024;
  const raw = files.reduce((n, f) => n + readFileSync(f).length, 0) / 1024;
  const md = read('README.md');
  const m = /\*\*([\d.]+) KiB\*\* in all \(([\d.]+) KiB\s+uncompressed\)/.exec(md);
  const stated = Number(m?.[1]);
  const statedRaw = Number(m?.[2]);
  assert.ok(stated > 0 && statedRaw > 0, 'the README states the payload');
  assert.ok(Math.abs(gz - stated) / stated < 0.03, `measured ${gz.toFixed(1)} KiB gzip, README says ${stated}`);
  assert.ok(Math.abs(raw - statedRaw) / statedRaw < 0.03, `measured ${raw.toFixed(1)} KiB raw, README says ${statedRaw}`);
});
