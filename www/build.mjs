#!/usr/bin/env node
// Build the demo's served assets into www/dist/assets/ (git-ignored):
//   govuk-frontend (CSS, JS, fonts, images, manifest) from node_modules,
//   www/assets/* as /assets/app/, and the slice-seal package as /assets/slice-seal/
//   (web/slice_seal.js + web/slice_seal_bg.wasm, index.js and the file API file.js it imports, the form component form.js,
//   and the lean entry lean.js + lean/ it loads first).
//
//   node www/build.mjs [--pkg DIR]   (default: ../pkg, the npm package of .ci/build-pkg)
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const WWW = fileURLToPath(new URL('.', import.meta.url));
const argv = process.argv.slice(2);
const pkgArg = argv.indexOf('--pkg');
const PKG = resolve(pkgArg >= 0 ? argv[pkgArg + 1] : process.env.SLICE_SEAL_PKG ?? join(WWW, '..', 'pkg'));
const GOVUK = join(WWW, 'node_modules', 'govuk-frontend', 'dist', 'govuk');
const OUT = join(WWW, 'dist', 'assets');

function need(p, hint) {
  if (!existsSync(p)) {
    console.error(`build: missing ${p}${hint ? ` (${hint})` : ''}`);
    process.exit(1);
  }
  return p;
}

need(GOVUK, 'run npm ci in www/');
const web = existsSync(join(PKG, 'web', 'slice_seal.js')) ? join(PKG, 'web') : PKG;
need(join(web, 'slice_seal.js'), 'build the package: .ci/build-pkg, or wasm-pack build --target web');
need(join(web, 'slice_seal_bg.wasm'));
// form.js (the component) loads the package's public API, index.js, which loads web/.
const pkgFile = (f) => (existsSync(join(PKG, f)) ? join(PKG, f) : need(join(WWW, '..', 'pkg-template', f)));

rmSync(join(WWW, 'dist'), { recursive: true, force: true });
mkdirSync(join(OUT, 'slice-seal', 'web'), { recursive: true });
for (const f of ['govuk-frontend.min.css', 'govuk-frontend.min.js']) cpSync(join(GOVUK, f), join(OUT, f));
for (const d of ['fonts', 'images']) cpSync(join(GOVUK, 'assets', d), join(OUT, d), { recursive: true });
cpSync(join(GOVUK, 'assets', 'manifest.json'), join(OUT, 'manifest.json'));
cpSync(join(WWW, 'assets'), join(OUT, 'app'), { recursive: true });
for (const f of ['slice_seal.js', 'slice_seal_bg.wasm']) cpSync(join(web, f), join(OUT, 'slice-seal', 'web', f));
for (const f of ['form.js', 'lean.js', 'index.js', 'file.js']) cpSync(pkgFile(f), join(OUT, 'slice-seal', f));
// The lean module form.js loads through lean.js where crypto.subtle exists.
cpSync(need(join(PKG, 'lean'), 'build the package: .ci/build-pkg'), join(OUT, 'slice-seal', 'lean'), { recursive: true });
// The package's Nunjucks macro (sliceSealForm), which renders the step forms:
// beside the assets, not served.
cpSync(pkgFile('nunjucks'), join(WWW, 'dist', 'nunjucks'), { recursive: true });
console.log(`build: www/dist/assets from govuk-frontend, www/assets and ${web}`);
