// Bad-input catalogue, JS surface (issue 5): every `"surface": "js"` case of
// tests/bad-inputs.json is a call of an export of the npm package (pkg/node.mjs)
// that must throw an Error whose `.code` is the expected one, whose message is
// non-empty and does not contain a secret of the input (any JWK `d`), and that
// is not a wasm trap (RuntimeError / "unreachable"). Afterwards the module
// must still seal and open (no poisoned state).
//
// Input encoding: `{"call": "seal" | "new Sealer" | "Sealer.seal" |
// "primitives.aesGcmSeal" | …, "args": [...], "ctor": [...]}`; in args,
// `{"$bytes": "hex"}` is a Uint8Array and `{"$undefined": true}` is undefined.
//
// Usage: node tests/bad-inputs/run-js.mjs   (needs pkg/: bash .ci/build-pkg)
import { fileURLToPath } from 'node:url';
import { decode, readCatalogue } from './catalogue.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const catalogue = { cases: readCatalogue() };
const ss = await import(`${ROOT}pkg/node.mjs`);
await ss.default();

/** Every string value of a `d` member anywhere in the input. */
function secrets(v, out = []) {
  if (Array.isArray(v)) v.forEach((x) => secrets(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'd' && typeof x === 'string' && x.length >= 8) out.push(x);
      secrets(x, out);
    }
  }
  return out;
}

function invoke({ call, args, ctor }) {
  const a = decode(args);
  if (call === 'new Sealer') return new ss.Sealer(...a);
  if (call.startsWith('Sealer.')) {
    const s = new ss.Sealer(...decode(ctor));
    try {
      return s[call.slice(7)](...a);
    } finally {
      s.free();
    }
  }
  if (call.startsWith('primitives.')) return ss.primitives[call.slice(11)](...a);
  if (typeof ss[call] !== 'function') throw new Error(`runner: unknown call ${call}`);
  return ss[call](...a);
}

const cases = catalogue.cases.filter((c) => c.surface === 'js');
const ids = new Set();
let passed = 0;
let failed = 0;
let ran = 0;
for (const c of cases) {
  ran++;
  const problems = [];
  if (ids.has(c.id)) problems.push('duplicate id');
  ids.add(c.id);
  let thrown;
  let returned;
  try {
    returned = invoke(c.input);
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined) {
    problems.push(`did not throw (returned ${String(returned).slice(0, 60)})`);
  } else if (thrown instanceof WebAssembly.RuntimeError || /unreachable|RuntimeError/.test(String(thrown?.message ?? thrown))) {
    problems.push(`wasm trap: ${thrown}`);
  } else if (!(thrown instanceof Error)) {
    problems.push(`thrown value is not an Error: ${typeof thrown} ${String(thrown)}`);
  } else {
    if (thrown.code !== c.code) problems.push(`code ${thrown.code}, expected ${c.code} (${thrown.message})`);
    if (typeof thrown.message !== 'string' || thrown.message.trim() === '') problems.push('empty message');
    for (const s of secrets(c.input)) {
      if (thrown.message.includes(s) || String(thrown.stack ?? '').includes(s)) problems.push('message contains a secret d');
    }
  }
  if (problems.length) {
    failed++;
    console.log(`FAIL ${c.id}: ${problems.join('; ')}`);
  } else {
    passed++;
    console.log(`ok   ${c.id}: ${c.code}: ${thrown.message}`);
  }
}

// The module still works after all of that.
try {
  const kp = ss.generateKeyPair();
  const ctx = { form: 'f', field: 'a' };
  const env = ss.seal(kp.publicKey, 'still alive', ctx);
  if (ss.openText(kp.privateKey, env, ctx) !== 'still alive') throw new Error('round trip gave another text');
  passed++;
  console.log('ok   module still seals and opens after the catalogue');
} catch (e) {
  failed++;
  console.log(`FAIL module unusable after the catalogue: ${e}`);
}

const expected = catalogue.cases.filter((c) => c.surface === 'js').length;
if (ran !== expected || expected < 25) {
  failed++;
  console.log(`FAIL ran ${ran} js cases, the catalogue has ${expected} (at least 25 required)`);
}
console.log(`bad-inputs (js): ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
