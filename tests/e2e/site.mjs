// The test's own 127.0.0.1 server in front of a demo side: what Playwright's
// request interception does in Chromium, done on the server so it works in
// every engine.
//   - proxies every request to `upstream` (the low or the high side);
//   - records every non-GET request (site.posts), the path of every GET
//     (site.gets), and every HTML document's
//     CSP header (site.documents);
//   - puts /__test/recorder.js first in every HTML page: window.__rec holds
//     console.error lines, uncaught errors, slice-seal:error/sent events and
//     pageshow events; CSP violations are also posted to /__test/csp
//     (site.cspReports); window.__ready is set once the page's form.js
//     module has loaded and every component checked its keys
//     (window.__formModule is that module); site.init is appended (an
//     init script, as Playwright's addInitScript);
//   - /fixture serves site.fixture (a page of a case); /sink/* records and
//     answers a small page; /__test/axe.js is axe-core; a page may post
//     lines to /__test/log (site.log), e.g. from before a navigation;
//   - site.route(method, regexp, handler) overrides a path for one case
//     (a 404 .wasm, a slow or failing send, a mutated page), cleared by reset().
import { createServer, request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const RECORDER = `(function () {
  var r = window.__rec = { errors: [], events: [], csp: [], pageshow: [] };
  function s(x) { return String(x && x.message !== undefined ? x.message : x); }
  addEventListener('error', function (ev) { var t = ev.target; r.errors.push(ev.error ? 'error: ' + s(ev.error) : (ev.message || ('failed to load ' + (t && (t.src || t.href))))); }, true);
  addEventListener('unhandledrejection', function (ev) { r.errors.push('unhandledrejection: ' + s(ev.reason)); });
  var ce = console.error;
  console.error = function () { r.errors.push(Array.prototype.map.call(arguments, String).join(' ')); return ce.apply(this, arguments); };
  ['slice-seal:error', 'slice-seal:sent'].forEach(function (t) {
    document.addEventListener(t, function (e) { var d = e.detail || {}; r.events.push({ type: t, code: d.code || null, phase: d.phase || null, formId: d.formId }); }, true);
  });
  document.addEventListener('securitypolicyviolation', function (e) {
    var v = e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber;
    r.csp.push(v);
    fetch('/__test/csp', { method: 'POST', body: location.pathname + ': ' + v, keepalive: true });
  });
  addEventListener('pageshow', function (e) { r.pageshow.push(e.persisted); });
  document.addEventListener('DOMContentLoaded', function () {
    var el = document.querySelector('script[type=module][src*="slice-seal/form.js"]');
    if (!el) { window.__ready = 'no component'; return; }
    import(el.src).then(function (m) {
      window.__formModule = m;
      return m.ready.catch(function () {}).then(function () {
        return Promise.all(Array.prototype.map.call(document.forms, function (f) { var i = m.SliceSealForm.getInstance(f); return i && i.ready; }));
      });
    }).then(function () { window.__ready = true; }, function (e) { window.__ready = 'failed: ' + e; });
  });
})();
`;

const page = (title, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;

/** Start a site in front of `upstream` (e.g. http://127.0.0.1:1234). */
export function startSite(upstream) {
  const site = {
    url: '', posts: [], gets: [], documents: [], cspReports: [], log: [], routes: [], init: '', fixture: '',
    /** Override METHOD paths matching `re` for the current case: handler(req, res, body, site). */
    route(method, re, handler) {
      site.routes.push({ method, re, handler });
    },
    reset() {
      site.posts.length = 0;
      site.gets.length = 0;
      site.log.length = 0;
      site.routes.length = 0;
      site.init = '';
      site.fixture = '';
    },
    /** Forward to upstream; with `html`, (status, headers, text) of the page instead of streaming it. */
    forward,
  };

  function forward(req, res, body, { html } = {}) {
    return new Promise((ok) => {
      const u = httpRequest(`${upstream}${req.url}`, {
        method: req.method,
        headers: { ...req.headers, host: new URL(upstream).host, 'accept-encoding': 'identity' },
      }, (up) => {
        const type = up.headers['content-type'] || '';
        if (!type.startsWith('text/html') || req.method === 'HEAD') {
          res.writeHead(up.statusCode, up.headers);
          up.pipe(res);
          up.on('end', ok);
          return;
        }
        const chunks = [];
        up.on('data', (c) => chunks.push(c));
        up.on('end', () => {
          let text = Buffer.concat(chunks).toString('utf8');
          site.documents.push({ path: req.url, status: up.statusCode, csp: up.headers['content-security-policy'] });
          if (html) text = html(text);
          const headers = { ...up.headers };
          delete headers['content-length'];
          res.writeHead(up.statusCode, headers).end(inject(text));
          ok();
        });
      });
      u.on('error', () => { res.writeHead(502).end(); ok(); });
      u.end(body);
    });
  }

  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/__test/recorder.js') {
      return res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' }).end(RECORDER + site.init);
    }
    if (path === '/__test/axe.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(AXE);
    if (path === '/__test/csp' || path === '/__test/log') {
      (path === '/__test/csp' ? site.cspReports : site.log).push(body.toString('utf8'));
      return res.writeHead(204).end();
    }
    if (req.method === 'GET') site.gets.push(path);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      site.posts.push({ method: req.method, path, url: req.url, type: req.headers['content-type'] || '', body: body.toString('utf8'), raw: body });
    }
    for (const r of site.routes) {
      if ((r.method === '*' || r.method === req.method) && r.re.test(req.url)) return r.handler(req, res, body, site);
    }
    if (path === '/fixture') {
      return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(inject(site.fixture));
    }
    if (path.startsWith('/sink/')) {
      if (req.method === 'GET') site.posts.push({ method: 'GET', path, url: req.url, type: '', body: new URL(req.url, 'http://x').search.slice(1) });
      return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('Received', '<p>received</p>'));
    }
    return forward(req, res, body);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => {
    site.url = `http://127.0.0.1:${server.address().port}`;
    site.close = () => new Promise((done) => { server.closeAllConnections(); server.close(done); });
    ok(site);
  }));
}

/** The recorder first in <head> (after <meta charset>, or at the top). */
function inject(html) {
  const tag = '<script src="/__test/recorder.js"></script>';
  const m = /<meta charset="utf-8">/i.exec(html) || /<head>/i.exec(html);
  return m ? html.slice(0, m.index + m[0].length) + tag + html.slice(m.index + m[0].length) : tag + html;
}

// Handlers for site.route().
export const answer = (status, body = '', type = 'text/html; charset=utf-8') => (req, res) => res.writeHead(status, { 'content-type': type }).end(body);
/** Hold the request `ms`, then answer as usual (or with `then`). */
export const slow = (ms, then) => async (req, res, body, site) => {
  await sleep(ms);
  if (res.destroyed) return;
  return then ? then(req, res, body, site) : site.forward(req, res, body);
};
/** Drop the connection (a network failure). */
export const abort = () => (req) => req.socket.destroy();
/** The upstream page with `fn` applied to its HTML. */
export const mutate = (fn) => (req, res, body, site) => site.forward(req, res, body, { html: fn });
export const receivedPage = page('Received', '<p>received</p>');
