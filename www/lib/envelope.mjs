// Parse the clear metadata of a slice-seal v1 envelope (docs/FORMAT.md; the
// P-256 suite or the hybrid one of §11), without any key: suite ids, kid,
// and the context (form, field, submission)
// carried as HPKE info. Used by the low side to refuse anything that is not a
// well-formed envelope for the right form and field.

const PREFIX = 'ss1.';
const LABEL = 'slice-seal/v1';
const KID_LEN = 32;
const ENC_LEN = 65;
// The hybrid suite (FORMAT.md §11): KEM MLKEM768-X25519, a 1120-byte enc.
const HYBRID_KEM = 0x647a;
const HYBRID_ENC_LEN = 1120;
const TAG_LEN = 16;
const MAX_CONTEXT_LEN = 256;
const B64URL = /^[A-Za-z0-9_-]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export class EnvelopeError extends Error {
  constructor(message) {
    super(message);
    this.name = 'EnvelopeError';
    this.code = 'MALFORMED_ENVELOPE';
  }
}

function fail(msg) {
  throw new EnvelopeError(msg);
}

/**
 * @param {string} text envelope text
 * @returns {{kid: string, form: string, field: string, submission: string|null, size: number}}
 */
export function parseEnvelope(text) {
  if (typeof text !== 'string' || !text.startsWith(PREFIX)) fail('does not start with ss1.');
  const b64 = text.slice(PREFIX.length);
  if (!B64URL.test(b64) || b64.length % 4 === 1) fail('body is not base64url');
  const body = Buffer.from(b64, 'base64url');
  // Canonical encoding only (no stray trailing bits).
  if (body.toString('base64url') !== b64) fail('body is not canonical base64url');
  const min = 6 + KID_LEN + 2;
  if (body.length < min) fail('body is truncated');
  const kem = body.readUInt16BE(0);
  const kdf = body.readUInt16BE(2);
  const aead = body.readUInt16BE(4);
  if ((kem !== 0x0010 && kem !== HYBRID_KEM) || kdf !== 0x0001 || aead !== 0x0002) fail('unsupported HPKE suite');
  const encLen = kem === HYBRID_KEM ? HYBRID_ENC_LEN : ENC_LEN;
  const kid = body.subarray(6, 6 + KID_LEN).toString('base64url');
  const infoLen = body.readUInt16BE(6 + KID_LEN);
  const infoStart = min;
  const encStart = infoStart + infoLen;
  if (body.length < encStart + encLen + TAG_LEN) fail('body is truncated');
  const info = body.subarray(infoStart, encStart);
  const enc = body.subarray(encStart, encStart + encLen);
  if (kem === 0x0010 && enc[0] !== 0x04) fail('enc is not an uncompressed point');
  const items = [];
  let off = 0;
  const dec = new TextDecoder('utf-8', { fatal: true });
  for (let i = 0; i < 4; i++) {
    if (info.length - off < 2) fail('info is truncated');
    const n = info.readUInt16BE(off);
    off += 2;
    if (info.length - off < n) fail('info is truncated');
    let s;
    try {
      s = dec.decode(info.subarray(off, off + n));
    } catch {
      fail('info is not UTF-8');
    }
    items.push(s);
    off += n;
  }
  if (off !== info.length) fail('info has trailing bytes');
  const [label, form, field, submission] = items;
  if (label !== LABEL) fail('info label is not slice-seal/v1');
  for (const [what, v] of [['form', form], ['field', field]]) {
    if (!v) fail(`${what} is empty`);
    if (Buffer.byteLength(v) > MAX_CONTEXT_LEN || CONTROL.test(v)) fail(`${what} is invalid`);
  }
  if (Buffer.byteLength(submission) > MAX_CONTEXT_LEN || CONTROL.test(submission)) fail('submission is invalid');
  return { kid, kem, form, field, submission: submission || null, size: body.length };
}

// A sealed file (docs/FORMAT.md §10): "ssf1" || u16be(len(header)) ||
// header (an ordinary envelope, ASCII) || body (AES-256-GCM chunks).
const FILE_MAGIC = Buffer.from('ssf1', 'latin1');

/**
 * The clear metadata of a sealed file, without any key: its header
 * envelope's kid and context, and the header and body lengths. Throws an
 * EnvelopeError (code MALFORMED_FILE) for anything out of shape.
 */
export function parseSealedFile(buf) {
  const bad = (m) => Object.assign(new EnvelopeError(m), { code: 'MALFORMED_FILE' });
  if (buf.length < 6 || !buf.subarray(0, 4).equals(FILE_MAGIC)) throw bad('no ssf1 magic');
  const headerLength = buf.readUInt16BE(4);
  if (headerLength === 0 || 6 + headerLength > buf.length) throw bad('the header length is out of range');
  const header = buf.subarray(6, 6 + headerLength);
  if (header.some((b) => b > 0x7e || b < 0x21)) throw bad('the header is not an ASCII envelope');
  let meta;
  try {
    meta = parseEnvelope(header.toString('latin1'));
  } catch (e) {
    throw bad(`the header: ${e.message}`);
  }
  return { ...meta, headerLength, bodyLength: buf.length - 6 - headerLength };
}

/** The most bytes a sealed file of at most `maxBytes` plaintext bytes can take (chunks of ≥ 1024 bytes, FORMAT.md §10). */
export function maxSealedBytes(maxBytes, headerLength) {
  return 6 + headerLength + maxBytes + 16 * Math.max(1, Math.ceil(maxBytes / 1024));
}
