// A tiny static file server for the consumer tests: binds 127.0.0.1 on a free
// port, serves GET/HEAD from the given mounts ({ urlPrefix: directory }),
// refuses paths outside them, records every request path (and every response:
// path, status, content type), and closes itself. `htmlPrelude`, if given, is
// put first in <head> of every .html served (the WebKit runs' error recorder).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.map': 'application/json',
};

export function serve(mounts, { htmlPrelude } = {}) {
  // Longest prefix first.
  const table = Object.entries(mounts).sort((a, b) => b[0].length - a[0].length);
  const requests = [];
  const responses = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const p = decodeURIComponent(url.pathname);
    requests.push(p);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      responses.push({ path: p, status: 405, type: null });
      res.writeHead(405).end();
      return;
    }
    for (const [prefix, dir] of table) {
      const base = prefix === '/' ? '/' : `${prefix}/`;
      if (!(p === prefix || p.startsWith(base))) continue;
      const rel = p.slice(base.length - 1);
      const file = path.resolve(dir, `.${rel}`);
      if (file !== dir && !file.startsWith(dir + path.sep)) break;
      let st;
      try {
        st = fs.statSync(file);
      } catch {
        continue;
      }
      if (!st.isFile()) continue;
      const type = TYPES[path.extname(file)] || 'application/octet-stream';
      let body = null;
      if (htmlPrelude && path.extname(file) === '.html') {
        const html = fs.readFileSync(file, 'utf8');
        const head = /<head[^>]*>/i.exec(html);
        body = Buffer.from(head
          ? html.slice(0, head.index + head[0].length) + htmlPrelude + html.slice(head.index + head[0].length)
          : htmlPrelude + html);
      }
      responses.push({ path: p, status: 200, type });
      res.writeHead(200, {
        'content-type': type,
        'content-length': body ? body.length : st.size,
        'cache-control': 'no-store',
      });
      if (req.method === 'HEAD') res.end();
      else if (body) res.end(body);
      else fs.createReadStream(file).pipe(res);
      return;
    }
    responses.push({ path: p, status: 404, type: 'text/plain' });
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  server.keepAliveTimeout = 1000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        responses,
        close: () => new Promise((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
      });
    });
  });
}
