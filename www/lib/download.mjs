// The high side's download headers for an opened document: its media type
// only if on a short list of safe ones, and an attachment with a safe file name.

/** Media types served as they are; any other (HTML, SVG, scripts…) goes as application/octet-stream. */
export const SAFE_TYPES = new Set(['application/pdf', 'image/jpeg', 'image/png', 'image/gif', 'image/webp', 'text/plain', 'text/csv',
  'application/msword', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/vnd.oasis.opendocument.text']);

export function safeType(type) {
  const t = String(type ?? '').trim().toLowerCase();
  return SAFE_TYPES.has(t) ? t : 'application/octet-stream';
}

/**
 * A document's name as shown and offered for download (untrusted text from
 * the sealed header): its last path segment without control, format (bidi
 * overrides such as U+202E, which make "x\u202Efdp.exe" show as "xexe.pdf";
 * zero widths) or line/paragraph separator characters, at most 200
 * characters (the end kept), no leading dots; `fallback` if nothing is left.
 */
export function safeName(name, fallback) {
  let base = String(name ?? '').split(/[/\\]/).pop().replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '');
  if ([...base].length > 200) base = [...base].slice(-200).join('');
  base = base.trim().replace(/^\.+/, '').trim();
  return base || fallback;
}

/** A Content-Disposition for `name`: attachment, safeName as an ASCII fallback (other characters as "_") and as RFC 8187 UTF-8. */
export function disposition(name, fallback) {
  const base = safeName(name, fallback);
  const ascii = base.replace(/[^A-Za-z0-9._ ()-]/g, '_');
  const utf8 = encodeURIComponent(base).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}
