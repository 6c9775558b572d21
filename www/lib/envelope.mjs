// Parse the clear metadata of a slice-seal v1 envelope (docs/FORMAT.md),
// without any key: suite ids, kid, and the context (form, field, submission)
// carried as HPKE info. Used by the low side to refuse anything that is not a
// well-formed envelope for the right form and field.

const PREFIX = 'ss1.';
const LABEL = 'slice-seal/v1';
const KID_LEN = 32;
const ENC_LEN = 65;
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
  if (kem !== 0x0010 || kdf !== 0x0001 || aead !== 0x0002) fail('unsupported HPKE suite');
  const kid = body.subarray(6, 6 + KID_LEN).toString('base64url');
  const infoLen = body.readUInt16BE(6 + KID_LEN);
  const infoStart = min;
  const encStart = infoStart + infoLen;
  if (body.length < encStart + ENC_LEN + TAG_LEN) fail('body is truncated');
  const info = body.subarray(infoStart, encStart);
  const enc = body.subarray(encStart, encStart + ENC_LEN);
  if (enc[0] !== 0x04) fail('enc is not an uncompressed point');
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
  return { kid, form, field, submission: submission || null, size: body.length };
}
