// Unit tests of the form component (pkg-template/form.js) against jsdom, a
// DOM implementation in Node: configuration, marking, ownership,
// clobbering, errors, and a whole submit (fetch mode, the real wasm API
// through the package's Node entry point).
//
//   node --test tests/unit/        (needs pkg/: bash .ci/build-pkg; tests/node_modules)
// Set-up shared with form-file.test.mjs: form-setup.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { m, api, keys, sent, form, attrs, code, errorsOf } from './form-setup.mjs';

test('govuk-frontend shape: moduleName, defaults, schema, entry points', () => {
  assert.equal(m.SliceSealForm.moduleName, 'slice-seal');
  assert.deepEqual(m.SliceSealForm.defaults, { submit: 'native' });
  assert.equal(m.SliceSealForm.schema.formId.attribute, 'data-slice-seal-form');
  for (const f of ['initAll', 'createAll', 'protectForm', 'autoInit', 'showErrorSummary']) assert.equal(typeof m[f], 'function');
  assert.equal(m.SUBMISSION_FIELD, 'slice-seal-submission');
});

test('config: markup and constructor options alike, options win; bad values are FORM_CONFIG', () => {
  const a = new m.SliceSealForm(form('<input name="s" data-slice-seal>', attrs('data-slice-seal-submit="fetch" data-slice-seal-record="R1"')));
  assert.deepEqual([a.formId, a.config.submit, a.config.record, a.config.kid], ['unit', 'fetch', 'R1', keys.kid]);
  const b = new m.SliceSealForm(form('<input name="s" data-slice-seal>', attrs()), { formId: 'other', submit: 'fetch', jwks: keys.jwks });
  assert.deepEqual([b.formId, b.config.submit], ['other', 'fetch']);
  const cases = [
    [attrs('data-slice-seal-submit="xhr"'), undefined],
    [`data-module="slice-seal" data-slice-seal-kid="${keys.kid}"`, undefined], // no form id
    [attrs(), { bogus: true }],
    [attrs(), { kid: 5 }],
    [attrs(), { onSealed: 'no' }],
    [attrs(), { jwks: [1] }],
    [attrs(), 'options'],
  ];
  for (const [at, opts] of cases) assert.equal(code(() => new m.SliceSealForm(form('<input name="s" data-slice-seal>', at), opts)), 'SliceSealError:FORM_CONFIG', `${at} ${JSON.stringify(opts)}`);
  assert.equal(code(() => new m.SliceSealForm(form('<input name="s" data-slice-seal>', attrs(`data-slice-seal-record="${'r'.repeat(224)}"`)))), 'SliceSealError:INVALID_CONTEXT');
  assert.equal(code(() => new m.SliceSealForm(document.createElement('div'))), 'SliceSealError:FORM_CONFIG');
  const f = form('<input name="s" data-slice-seal>', attrs());
  new m.SliceSealForm(f);
  assert.equal(code(() => new m.SliceSealForm(f)), 'SliceSealError:FORM_CONFIG', 'twice on one form');
});

test('marking: names move to data-slice-seal-name at once; groups; unmarked keep theirs; autocomplete off', () => {
  const f = form(`<input name="a" data-slice-seal><input name="plain">
    <div data-slice-seal><input type="radio" name="r" value="1"><input type="radio" name="r" value="2"></div>
    <fieldset data-slice-seal><input type="checkbox" name="c" value="x"></fieldset>`, attrs());
  new m.SliceSealForm(f);
  const marked = [...f.querySelectorAll('[data-slice-seal-name]')].map((c) => [c.getAttribute('data-slice-seal-name'), c.hasAttribute('name'), c.getAttribute('autocomplete')]);
  assert.deepEqual(marked, [['a', false, 'off'], ['r', false, 'off'], ['r', false, 'off'], ['c', false, 'off']]);
  assert.equal(f.querySelector('[name=plain]').getAttribute('name'), 'plain');
  assert.ok(f.hasAttribute('data-slice-seal-init'));
});

test('ownership: a form= control outside the form is marked and protected; another form\'s marked control is FORM_CONFIG (and loses its name)', () => {
  const f = form('<input name="in" data-slice-seal>', attrs());
  const out = document.createElement('input');
  out.setAttribute('form', f.id);
  out.setAttribute('name', 'out');
  out.setAttribute('data-slice-seal', '');
  document.body.append(out);
  const c = new m.SliceSealForm(f);
  assert.deepEqual(c.fields.map((x) => x.name), ['in', 'out']);
  assert.equal(out.hasAttribute('name'), false);

  const other = form('');
  const g = form(`<input name="x" form="${other.id}" data-slice-seal>`, attrs());
  const errs = errorsOf(g);
  assert.equal(m.initAll(g), 0);
  assert.deepEqual(errs, [['FORM_CONFIG', 'init']]);
  assert.equal(g.querySelector('[data-slice-seal-name=x]').hasAttribute('name'), false, 'fail closed: name removed anyway');
});

test('set-up errors: unnamed, reserved name, marked button, empty group, overlong name, no key, no pin', () => {
  const cases = [
    ['<input data-slice-seal>', 'FORM_CONFIG'],
    ['<input name="slice-seal-submission" data-slice-seal>', 'FORM_CONFIG'],
    ['<button name="b" data-slice-seal>x</button>', 'FORM_CONFIG'],
    ['<div data-slice-seal><span>no controls</span></div>', 'FORM_CONFIG'],
    [`<input name="${'n'.repeat(300)}" data-slice-seal>`, 'INVALID_CONTEXT'],
  ];
  for (const [html, c] of cases) assert.equal(code(() => new m.SliceSealForm(form(html, attrs()))), `SliceSealError:${c}`, html);
  // No key anywhere: the document's key script is the fallback, so use a fresh document body without one.
  const f = form('<input name="s" data-slice-seal>', 'data-module="slice-seal" data-slice-seal-form="unit"');
  assert.equal(code(() => new m.SliceSealForm(f, { jwks: keys.jwks })), 'SliceSealError:FORM_CONFIG', 'no pin');
});

test('clobbering: controls named after form properties change nothing', async () => {
  const names = ['action', 'method', 'enctype', 'target', 'submit', 'elements', 'matches', 'getAttribute', 'querySelectorAll',
    'closest', 'hasAttribute', 'setAttribute', 'removeAttribute', 'addEventListener', 'dispatchEvent', 'id', 'length'];
  const f = form(`${names.map((x) => `<input type="hidden" name="${x}" value="v-${x}">`).join('')}<input name="secret" data-slice-seal value="s3cret">`,
    attrs('data-slice-seal-submit="fetch"'));
  const c = new m.SliceSealForm(f, { jwks: keys.jwks });
  await c.ready;
  sent.length = 0;
  const detail = await c.submit(null);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].method, 'POST');
  assert.equal(new URL(sent[0].url).pathname, '/submit');
  const body = new URLSearchParams(sent[0].body);
  for (const x of names) assert.equal(body.get(x), `v-${x}`);
  assert.equal(api.openText(keys.privateKey, body.get('secret'), { form: 'unit', field: 'secret', submission: detail.submission }), 's3cret');
  assert.equal(f.querySelector('[data-slice-seal-name=secret]').value, '', 'cleared after the send');
});

test('a whole submit: values, JSON arrays, empty answers, per-control kid, record binding, body order', async () => {
  const f = form(`<input name="a" data-slice-seal value="Zoë">
    <input name="plain" value="p">
    <div data-slice-seal><input type="checkbox" name="c" value="x" checked><input type="checkbox" name="c" value="y"><input type="checkbox" name="c" value="z" checked></div>
    <div data-slice-seal><input type="radio" name="r" value="1"><input type="radio" name="r" value="2"></div>
    <textarea name="health" data-slice-seal data-slice-seal-kid="${keys.otherKid}">private</textarea>`,
  attrs('data-slice-seal-submit="fetch" data-slice-seal-record="APPLICANT-1"'));
  const c = new m.SliceSealForm(f, { jwks: keys.jwks });
  await c.ready;
  sent.length = 0;
  const d = await c.submit(null);
  assert.match(d.submission, /^APPLICANT-1:[0-9a-f]{32}$/);
  const body = new URLSearchParams(sent[0].body);
  assert.deepEqual([...body.keys()], ['a', 'plain', 'c', 'r', 'health', 'slice-seal-submission']);
  const ctx = (field) => ({ form: 'unit', field, submission: d.submission });
  assert.equal(api.openText(keys.privateKey, body.get('a'), ctx('a')), 'Zoë');
  assert.equal(api.openText(keys.privateKey, body.get('c'), ctx('c')), '["x","z"]');
  assert.equal(api.openText(keys.privateKey, body.get('r'), ctx('r')), '');
  assert.equal(api.inspect(body.get('health')).kid, keys.otherKid, 'the control\'s own pin');
  assert.equal(api.openText(keys.otherPrivate, body.get('health'), ctx('health')), 'private');
  assert.throws(() => api.openText(keys.privateKey, body.get('health')), (e) => e.code === 'KID_MISMATCH' || e.code === 'KEY_NOT_FOUND');
});

test('errors: a pin not in the key set is KID_MISMATCH at start and at submit, with events, console and the error summary; nothing sent', async () => {
  const f = form(`<input name="a" data-slice-seal value="kept">`, `data-module="slice-seal" data-slice-seal-form="unit" data-slice-seal-kid="${'A'.repeat(43)}" data-slice-seal-submit="fetch"`);
  const errs = errorsOf(f);
  const logged = [];
  const orig = console.error;
  console.error = (msg) => logged.push(String(msg));
  const onError = [];
  try {
    const c = new m.SliceSealForm(f, { jwks: keys.jwks, onError: (e) => onError.push(e.code) });
    await c.ready;
    sent.length = 0;
    f.dispatchEvent(new SubmitEvent('submit', { bubbles: true, cancelable: true }));
    await new Promise((ok) => setTimeout(ok, 50));
  } finally {
    console.error = orig;
  }
  assert.deepEqual(errs, [['KID_MISMATCH', 'init'], ['KID_MISMATCH', 'submit']]);
  assert.deepEqual(onError, ['KID_MISMATCH', 'KID_MISMATCH']);
  assert.ok(logged.some((l) => /^slice-seal: form "unit" not sent: KID_MISMATCH: /.test(l)), logged.join('\n'));
  assert.equal(sent.length, 0);
  assert.equal(f.querySelector('[data-slice-seal-name=a]').value, 'kept');
  const summary = document.querySelector('[data-slice-seal-error-summary]');
  assert.ok(summary && /Your answers have not been sent/.test(summary.textContent));
});

test('one send per submit: a second submit while the first is in flight does nothing', async () => {
  const f = form('<input name="a" data-slice-seal value="once">', attrs('data-slice-seal-submit="fetch"'));
  const c = new m.SliceSealForm(f, { jwks: keys.jwks });
  await c.ready;
  sent.length = 0;
  const done = new Promise((ok) => f.addEventListener('slice-seal:sent', ok));
  for (let i = 0; i < 3; i++) f.dispatchEvent(new SubmitEvent('submit', { bubbles: true, cancelable: true }));
  await done;
  await new Promise((ok) => setTimeout(ok, 50));
  assert.equal(sent.length, 1);
});

test('initAll/createAll start only the opted-in forms without a component; the guard blocks the others', () => {
  const root = document.createElement('section');
  root.innerHTML = `<form data-module="slice-seal" data-slice-seal-form="x" data-slice-seal-kid="${keys.kid}"><input name="a" data-slice-seal></form>
    <form><input name="b"></form>`;
  document.body.append(root);
  const made = m.createAll(root);
  assert.equal(made.length, 1);
  assert.equal(m.initAll(root), 0, 'already started');
  const clone = root.querySelector('form').cloneNode(true);
  root.append(clone);
  const errs = errorsOf(clone);
  const ev = new SubmitEvent('submit', { bubbles: true, cancelable: true });
  const orig = console.error;
  console.error = () => {};
  try {
    clone.dispatchEvent(ev);
  } finally {
    console.error = orig;
  }
  assert.equal(ev.defaultPrevented, true, 'a clone without a component is blocked');
  assert.deepEqual(errs, [['NOT_READY', 'submit']]);
  assert.equal(clone.querySelector('[data-slice-seal-name=a]').hasAttribute('name'), false, 'and carries no marked name');
});

test('submit-time set-up errors: two marked text controls with one name, an unmarked file input in the form: FORM_CONFIG, nothing sent', async () => {
  for (const html of ['<input name="a" data-slice-seal value="1"><input name="a" data-slice-seal value="2">',
    '<input name="a" data-slice-seal value="1"><input type="file" name="upload">']) {
    const f = form(html, attrs('data-slice-seal-submit="fetch"'));
    const c = new m.SliceSealForm(f, { jwks: keys.jwks });
    await c.ready;
    sent.length = 0;
    await assert.rejects(c.submit(null), (e) => e.code === 'FORM_CONFIG', html);
    assert.equal(sent.length, 0);
  }
});
