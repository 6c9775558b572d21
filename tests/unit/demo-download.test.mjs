// The demo high side's download headers (www/lib/download.mjs) for a
// document whose name and media type come from the sealed header, i.e. from
// whoever sealed it: never active content inline, never a header injection,
// never a name that hides what it is.
//
//   node --test tests/unit/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const { safeType, disposition, safeName } = await import(pathToFileURL(join(ROOT, 'www', 'lib', 'download.mjs')).href);

/** The filename and filename* Node's HTTP layer would accept, and what they decode to. */
function parse(header) {
  // Node refuses a header value with CR, LF or NUL: this is what writeHead would send.
  assert.doesNotMatch(header, /[\r\n\0]/);
  assert.match(header, /^[\x20-\x7e]*$/, 'ASCII only');
  const m = /^attachment; filename="([^"\\]*)"; filename\*=UTF-8''([A-Za-z0-9%!._~-]*)$/.exec(header);
  assert.ok(m, header);
  return { ascii: m[1], name: decodeURIComponent(m[2]) };
}

test('download media type: only a short list as it is; HTML, SVG, XML, scripts, parameters, odd case or spaces: application/octet-stream', () => {
  for (const t of ['application/pdf', 'image/png', 'text/plain', 'image/jpeg']) assert.equal(safeType(t), t);
  assert.equal(safeType(' Image/PNG '), 'image/png');
  for (const t of ['text/html', 'image/svg+xml', 'application/xhtml+xml', 'text/xml', 'application/xml', 'text/javascript', 'application/javascript',
    'text/plain; charset=utf-7', 'text/html;', 'application/pdf, text/html', '', undefined, null, 'multipart/x-mixed-replace', 'application/x-msdownload']) {
    assert.equal(safeType(t), 'application/octet-stream', String(t));
  }
});

test('download name: quotes, CR/LF, control and bidi/format characters, paths and leading dots never reach the header; non-ASCII kept as RFC 8187; empty: the fallback', () => {
  const cases = [
    ['a"; filename="evil.html', 'a__ filename__evil.html', 'a"; filename="evil.html'],
    ['x\r\nSet-Cookie: a=b.pdf', 'xSet-Cookie_ a_b.pdf', 'xSet-Cookie: a=b.pdf'],
    ['Zoë passport.png', 'Zo_ passport.png', 'Zoë passport.png'],
    ['../../etc/passwd', 'passwd', 'passwd'],
    ['C:\\Users\\x\\scan.pdf', 'scan.pdf', 'scan.pdf'],
    ['.htaccess', 'htaccess', 'htaccess'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe', 'invoicefdp.exe'], // RIGHT-TO-LEFT OVERRIDE: shown as "invoiceexe.pdf"
    ['a\u2066b\u200Bc\uFEFF\u2028d.txt', 'abcd.txt', 'abcd.txt'],
    ['', 'doc-1', 'doc-1'],
    ['\u202E', 'doc-1', 'doc-1'],
    ['...', 'doc-1', 'doc-1'],
    [`a${'.'.repeat(300)}`, 'doc-1', 'doc-1'],
  ];
  for (const [name, ascii, utf8] of cases) {
    assert.deepEqual(parse(disposition(name, 'doc-1')), { ascii, name: utf8 }, JSON.stringify(name));
    assert.equal(safeName(name, 'doc-1'), utf8, 'the name the high side lists');
  }
  const long = parse(disposition(`${'é'.repeat(300)}.pdf`, 'doc-1'));
  assert.equal([...long.name].length, 200);
  assert.ok(long.name.endsWith('.pdf'), 'the extension kept');
});
