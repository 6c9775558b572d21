// GOV.UK page shell and small HTTP helpers shared by both servers.

import { readFileSync, statSync, createReadStream, existsSync } from 'node:fs';
import { join, extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WWW = fileURLToPath(new URL('..', import.meta.url));
const GOVUK = join(WWW, 'node_modules', 'govuk-frontend', 'dist', 'govuk');

export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

export const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

export function esc(s) {
  return String(s ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** HTML of a component's fixture from the govuk-frontend package (header, footer). */
function fixture(component, name) {
  const data = JSON.parse(readFileSync(join(GOVUK, 'components', component, 'fixtures.json'), 'utf8'));
  const f = data.fixtures.find((x) => x.name === name);
  if (!f) throw new Error(`govuk-frontend fixture ${component}/${name} not found`);
  return f.html;
}

let shell = null;
function partials() {
  if (!shell) {
    shell = {
      header: fixture('header', 'default'),
      footer: fixture('footer', 'default'),
    };
  }
  return shell;
}

/**
 * A full GOV.UK page. `scripts`: extra module script URLs (same origin).
 */
export function page({ title, serviceName, serviceUrl = '/', body, beforeContent = '', scripts = [], error = false, jsNotice = true }) {
  const { header, footer } = partials();
  const fullTitle = `${error ? 'Error: ' : ''}${title} – ${serviceName} – GOV.UK`;
  const notice = jsNotice
    ? `<div class="govuk-notification-banner app-js-required" role="region" aria-labelledby="js-required-title">
  <div class="govuk-notification-banner__header">
    <h2 class="govuk-notification-banner__title" id="js-required-title">Important</h2>
  </div>
  <div class="govuk-notification-banner__content">
    <p class="govuk-notification-banner__heading">You need JavaScript turned on to use this service.</p>
    <p class="govuk-body">Your answers are protected in your browser before they are sent. Turn on JavaScript and reload the page.</p>
  </div>
</div>`
    : '';
  return `<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head>
<meta charset="utf-8">
<title>${esc(fullTitle)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="theme-color" content="#1d70b8">
<link rel="icon" sizes="48x48" href="/assets/images/favicon.ico">
<link rel="icon" sizes="any" href="/assets/images/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/govuk-frontend.min.css">
<link rel="stylesheet" href="/assets/app/app.css">
</head>
<body class="govuk-template__body">
<script src="/assets/app/js-enabled.js"></script>
<a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">Skip to main content</a>
<header class="govuk-template__header">
${header}
<section aria-label="Service information" class="govuk-service-navigation" data-module="govuk-service-navigation">
  <div class="govuk-width-container">
    <div class="govuk-service-navigation__container">
      <span class="govuk-service-navigation__service-name">
        <a href="${esc(serviceUrl)}" class="govuk-service-navigation__link">${esc(serviceName)}</a>
      </span>
    </div>
  </div>
</section>
<div class="govuk-width-container">
<div class="govuk-phase-banner">
  <p class="govuk-phase-banner__content">
    <strong class="govuk-tag govuk-phase-banner__content__tag">Demo</strong>
    <span class="govuk-phase-banner__text">This is a demonstration service. Do not enter real personal information.</span>
  </p>
</div>
</div>
</header>
<div class="govuk-width-container">
<main class="govuk-main-wrapper" id="main-content">
${beforeContent}
${notice}
${body}
</main>
</div>
<footer class="govuk-template__footer">
${footer}
</footer>
<script type="module" src="/assets/app/app.js"></script>
${scripts.map((s) => `<script type="module" src="${esc(s)}"></script>`).join('\n')}
</body>
</html>
`;
}

export function send(res, status, html, extra = {}) {
  const buf = Buffer.from(html, 'utf8');
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': buf.length,
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(buf);
}

export function redirect(res, location) {
  res.writeHead(303, { ...SECURITY_HEADERS, Location: location, 'Cache-Control': 'no-store', 'Content-Length': 0 });
  res.end();
}

const TYPES = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Serve `urlPath` (under /assets/) from `dir`; false if not found. */
export function serveStatic(res, dir, urlPath) {
  let rel;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return false;
  }
  const root = resolve(dir);
  const file = resolve(root, '.' + rel);
  if (!file.startsWith(root + sep)) return false;
  const type = TYPES[extname(file)];
  if (!type || !existsSync(file)) return false;
  const st = statSync(file);
  if (!st.isFile()) return false;
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': type,
    'Content-Length': st.size,
    'Cache-Control': 'no-cache',
  });
  createReadStream(file).pipe(res);
  return true;
}

/** Read a request body up to `limit` bytes; rejects with status 413 beyond. */
export function readBody(req, limit) {
  return new Promise((ok, bad) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) {
        bad(Object.assign(new Error('request body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => ok(Buffer.concat(chunks)));
    req.on('error', bad);
  });
}

/** `--name value` command-line options. */
export function args(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)$/.exec(argv[i]);
    if (m && i + 1 < argv.length) out[m[1]] = argv[++i];
  }
  return out;
}
