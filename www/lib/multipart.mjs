// A strict multipart/form-data reader (RFC 7578) for the low side: the body
// is in memory (bounded by the caller), parts are returned as they came,
// file parts as the exact bytes sent (no re-encoding).

export class MultipartError extends Error {
  constructor(message) {
    super(message);
    this.name = 'MultipartError';
    this.code = 'MALFORMED_MULTIPART';
  }
}
const fail = (m) => {
  throw new MultipartError(m);
};
/** Most parts a body may have (loops stay bounded). */
const MAX_PARTS = 200;
const MAX_HEADER_BYTES = 4096;

/** The boundary of a `multipart/form-data; boundary=…` Content-Type. */
export function boundaryOf(contentType) {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))\s*(?:;|$)/i.exec(contentType ?? '');
  if (!m) fail('no boundary');
  return m[1] ?? m[2];
}

/** A Content-Disposition parameter (`name`, `filename`) as the browser quoted it. */
function param(disposition, key) {
  const m = new RegExp(`;\\s*${key}="([^"]*)"`, 'i').exec(disposition);
  return m ? m[1] : null;
}

/**
 * Parse `buf`: returns [{name, filename|null, type|null, data: Buffer}] in
 * order. Anything out of shape (no closing delimiter, a header block that
 * is not form-data with a name, too many parts) is a MultipartError.
 */
export function parseMultipart(buf, contentType) {
  const boundary = boundaryOf(contentType);
  const delim = Buffer.from(`--${boundary}`);
  const next = Buffer.from(`\r\n--${boundary}`);
  if (!buf.subarray(0, delim.length).equals(delim)) fail('the body does not start with the boundary');
  const parts = [];
  let pos = delim.length;
  for (;;) {
    if (buf[pos] === 0x2d && buf[pos + 1] === 0x2d) return parts; // "--": the closing delimiter (an epilogue is ignored)
    if (buf[pos] !== 0x0d || buf[pos + 1] !== 0x0a) fail('a delimiter is not followed by a line break');
    if (parts.length >= MAX_PARTS) fail(`more than ${MAX_PARTS} parts`);
    const start = pos + 2;
    const end = buf.indexOf('\r\n\r\n', start);
    if (end < 0 || end - start > MAX_HEADER_BYTES) fail('a part\'s header block is missing or too long');
    const headers = new Map();
    for (const line of buf.subarray(start, end).toString('utf8').split('\r\n')) {
      const i = line.indexOf(':');
      if (i <= 0) fail('a part header has no name');
      const key = line.slice(0, i).trim().toLowerCase();
      if (headers.has(key)) fail(`a part repeats the ${key} header`);
      headers.set(key, line.slice(i + 1).trim());
    }
    const disposition = headers.get('content-disposition') ?? '';
    if (!/^form-data\s*(;|$)/i.test(disposition)) fail('a part is not form-data');
    const name = param(disposition, 'name');
    if (name === null || name === '') fail('a part has no name');
    const bodyStart = end + 4;
    const bodyEnd = buf.indexOf(next, bodyStart);
    if (bodyEnd < 0) fail('the body ends inside a part');
    parts.push({
      name,
      filename: param(disposition, 'filename'),
      type: headers.has('content-type') ? headers.get('content-type') : null,
      data: buf.subarray(bodyStart, bodyEnd),
    });
    pos = bodyEnd + next.length;
  }
}
