// The form component with a hybrid post-quantum key (MLKEM768-X25519, an
// AKP JWK in the page's key set): a form pinned to the hybrid kid seals
// every marked field with the hybrid suite; per-control pins choose each
// field's suite from one mixed key set; the envelopes open with the
// hybrid private key (and are SUITE_MISMATCH to a P-256 one).
//
//   node --test tests/unit/form-hybrid.test.mjs   (needs pkg/: bash .ci/build-pkg; tests/node_modules)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { m, api, keys, sent, form, submitAndSettle } from './form-setup.mjs';

const h = api.generateKeyPair({ suite: 'mlkem768-x25519' });
const p256 = JSON.parse(keys.jwks).keys[0];
const mixed = JSON.stringify({ keys: [p256, h.publicKey] });
const HYBRID_KEM = 0x647a;

test('a form pinned to a hybrid key seals every marked field with it', async () => {
  const f = form(`<input name="surname" data-slice-seal value="Lovelace">
    <input name="plain" value="p">
    <div data-slice-seal><input type="checkbox" name="c" value="x" checked><input type="checkbox" name="c" value="y" checked></div>`,
  `data-module="slice-seal" data-slice-seal-form="unit-hybrid" data-slice-seal-kid="${h.publicKey.kid}" data-slice-seal-submit="fetch"`);
  const c = new m.SliceSealForm(f, { jwks: mixed });
  await c.ready;
  sent.length = 0;
  const d = await c.submit(null);
  const body = new URLSearchParams(sent[0].body);
  assert.equal(body.get('plain'), 'p');
  const ctx = (field) => ({ form: 'unit-hybrid', field, submission: d.submission });
  for (const [name, want] of [['surname', 'Lovelace'], ['c', '["x","y"]']]) {
    const info = api.inspect(body.get(name));
    assert.equal(info.kem, HYBRID_KEM, `${name} is sealed with the hybrid suite`);
    assert.equal(info.kid, h.publicKey.kid);
    assert.equal(api.openText(h.privateKey, body.get(name), ctx(name)), want);
    assert.throws(() => api.openText(keys.privateKey, body.get(name)), (e) => e.code === 'SUITE_MISMATCH');
  }
});

test('per-control pins choose each field\'s suite from one mixed key set', async () => {
  const f = form(`<input name="a" data-slice-seal value="classic">
    <textarea name="health" data-slice-seal data-slice-seal-kid="${h.publicKey.kid}">decades</textarea>`,
  `data-module="slice-seal" data-slice-seal-form="unit-mixed" data-slice-seal-kid="${keys.kid}" data-slice-seal-submit="fetch"`);
  const c = new m.SliceSealForm(f, { jwks: mixed });
  await c.ready;
  sent.length = 0;
  const d = await c.submit(null);
  const body = new URLSearchParams(sent[0].body);
  const ctx = (field) => ({ form: 'unit-mixed', field, submission: d.submission });
  assert.equal(api.inspect(body.get('a')).kem, 0x10);
  assert.equal(api.openText(keys.privateKey, body.get('a'), ctx('a')), 'classic');
  assert.equal(api.inspect(body.get('health')).kem, HYBRID_KEM);
  assert.equal(api.openText(h.privateKey, body.get('health'), ctx('health')), 'decades');
});

test('no downgrade: a form pinned to a hybrid kid whose key set holds only a P-256 key sends nothing', async () => {
  const f = form('<input name="surname" data-slice-seal value="kept">',
    `data-module="slice-seal" data-slice-seal-form="unit-hybrid" data-slice-seal-kid="${h.publicKey.kid}" data-slice-seal-submit="fetch"`);
  const onError = [];
  const c = new m.SliceSealForm(f, { jwks: keys.jwks, onError: (e) => onError.push(e.code) });
  await c.ready;
  sent.length = 0;
  assert.equal(await submitAndSettle(f), 'error');
  assert.deepEqual(onError, ['KID_MISMATCH', 'KID_MISMATCH']);
  assert.equal(sent.length, 0);
  assert.equal(f.querySelector('[data-slice-seal-name=surname]').value, 'kept');
});
