// The bad-input catalogue (tests/bad-inputs.json) for JS readers: the file
// read, and its argument encoding decoded. No top-level effects, so that
// run-js.mjs and tests/npm/lean.test.mjs share it.
import { readFileSync } from 'node:fs';

/** Every case of tests/bad-inputs.json (its `cases` array). */
export function readCatalogue() {
  return JSON.parse(readFileSync(new URL('../bad-inputs.json', import.meta.url), 'utf8')).cases;
}

/** An input of the catalogue as JS values: `{"$bytes": "hex"}` is a Uint8Array, `{"$undefined": true}` undefined. */
export function decode(v) {
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === 'object') {
    if ('$bytes' in v) return Uint8Array.from(Buffer.from(v.$bytes, 'hex'));
    if ('$undefined' in v) return undefined;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  }
  return v;
}
