// Unit tests of the form component's file inputs (pkg-template/form.js) in
// jsdom: marking, the size limit, multiple files, neutral part names, and
// failing closed with the selection kept. The real sealFile/openFile of the
// package's Node entry seal and open the files.
//
//   node --test tests/unit/        (needs pkg/: bash .ci/build-pkg; tests/node_modules)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { m, api, keys, sent, form, attrs, code, errorsOf, NodeFormData, select, selected, tick, submitAndSettle, withNodeFormData, sendOnce } from './form-setup.mjs';

test('a marked file input (single and multiple) is a sealable control: no FORM_CONFIG; it loses its name at once like any marked control', () => {
  const f = form(`<input type="file" id="doc" name="doc" data-slice-seal>
    <div data-slice-seal><input type="file" id="more" name="more" multiple></div><input name="plain" value="p">`, attrs());
  const c = new m.SliceSealForm(f);
  assert.deepEqual(c.fields.map((x) => [x.name, x.file]), [['doc', true], ['more', true]]);
  for (const id of ['doc', 'more']) {
    const el = f.querySelector(`#${id}`);
    assert.deepEqual([el.hasAttribute('name'), el.getAttribute('data-slice-seal-name'), el.getAttribute('autocomplete')], [false, id, 'off']);
  }
  // With files selected, a native submission of the form carries none of them.
  select(f.querySelector('#doc'), [new File(['secret scan'], 'passport.pdf', { type: 'application/pdf' })]);
  assert.deepEqual([...new window.FormData(f)].map(([n]) => n), ['plain']);
});

test('size limit: data-slice-seal-max-bytes on the input, its marked wrapper or the form (option maxFileBytes); a value that is not a whole number of bytes is FORM_CONFIG', () => {
  const c = new m.SliceSealForm(form(`<input type="file" name="a" data-slice-seal data-slice-seal-max-bytes="100">
    <div data-slice-seal data-slice-seal-max-bytes="200"><input type="file" name="b" multiple></div>
    <input type="file" name="c" data-slice-seal>`, attrs('data-slice-seal-max-bytes="300"')));
  assert.deepEqual(c.fields.map((x) => [x.name, x.maxBytes]), [['a', 100], ['b', 200], ['c', undefined]]);
  assert.equal(c.config.maxFileBytes, 300);
  const d = new m.SliceSealForm(form('<input type="file" name="a" data-slice-seal>', attrs('data-slice-seal-max-bytes="300"')), { maxFileBytes: 7 });
  assert.equal(d.config.maxFileBytes, 7, 'the option wins');
  for (const bad of ['abc', '-1', '1.5', '', '1e6']) {
    const html = `<input type="file" name="a" data-slice-seal data-slice-seal-max-bytes="${bad}">`;
    if (bad === '') {
      assert.equal(code(() => new m.SliceSealForm(form(html, attrs()))), 'SliceSealError:FORM_CONFIG', 'an empty limit');
      continue;
    }
    assert.equal(code(() => new m.SliceSealForm(form(html, attrs()))), 'SliceSealError:FORM_CONFIG', bad);
    assert.equal(code(() => new m.SliceSealForm(form('<input type="file" name="a" data-slice-seal>', attrs(`data-slice-seal-max-bytes="${bad}"`)))), 'SliceSealError:FORM_CONFIG', `form ${bad}`);
  }
  assert.equal(code(() => new m.SliceSealForm(form('<input type="file" name="a" data-slice-seal><input name="a" data-slice-seal>', attrs()))),
    'SliceSealError:FORM_CONFIG', 'a file input shares its name');
});

test('a file over its limit: FILE_TOO_LARGE at its input in the GOV.UK file upload error style and as a link in the error summary; nothing sealed or sent; the selection and typed answers stay; the next submit removes the message', async () => {
  const f = form(`<input name="typed" data-slice-seal value="kept">
    <div class="govuk-form-group"><label class="govuk-label" for="doc">Upload a scan</label>
    <div id="doc-hint" class="govuk-hint">Smaller than 100 bytes</div>
    <input class="govuk-file-upload" type="file" id="doc" name="doc" aria-describedby="doc-hint" data-slice-seal data-slice-seal-max-bytes="100"></div>`,
  attrs('data-slice-seal-submit="fetch"'));
  const errs = errorsOf(f);
  const c = new m.SliceSealForm(f, { jwks: keys.jwks });
  await c.ready;
  const input = f.querySelector('#doc');
  select(input, [new File([new Uint8Array(101)], 'passport.pdf', { type: 'application/pdf' })]);
  sent.length = 0;
  assert.equal(await submitAndSettle(f), 'error');
  assert.deepEqual(errs, [['FILE_TOO_LARGE', 'submit']]);
  assert.equal(sent.length, 0, 'nothing sent');
  // At the input: the form group's and the input's --error modifiers, the message above the input.
  const msg = input.previousElementSibling;
  assert.equal(msg.className, 'govuk-error-message');
  assert.equal(msg.id, 'doc-error');
  assert.equal(msg.textContent, 'Error: The selected file must be smaller than 100 bytes');
  assert.equal(msg.querySelector('.govuk-visually-hidden').textContent, 'Error:');
  assert.ok(input.closest('.govuk-form-group').classList.contains('govuk-form-group--error'));
  assert.ok(input.classList.contains('govuk-file-upload--error'));
  assert.equal(input.getAttribute('aria-describedby'), 'doc-hint doc-error');
  // In the summary: a link to the input.
  const link = document.querySelector('[data-slice-seal-error-summary] .govuk-error-summary__list a');
  assert.deepEqual([link.getAttribute('href'), link.textContent], ['#doc', 'The selected file must be smaller than 100 bytes']);
  // Kept: the selection and what was typed.
  assert.deepEqual(selected(input), [['passport.pdf', 101]]);
  assert.equal(f.querySelector('[data-slice-seal-name=typed]').value, 'kept');
  // A file within the limit: the message goes, the form is sent.
  select(input, [new File([new Uint8Array(100)], 'passport.pdf', { type: 'application/pdf' })]);
  assert.equal(await withNodeFormData(() => submitAndSettle(f)), 'sent');
  assert.equal(sent.length, 1);
  assert.equal(f.querySelector('.govuk-error-message'), null, 'the message is removed');
  assert.equal(input.getAttribute('aria-describedby'), 'doc-hint');
  assert.ok(!input.classList.contains('govuk-file-upload--error'));
  assert.ok(!input.closest('.govuk-form-group').classList.contains('govuk-form-group--error'));
});

test('multiple: one file over the limit names it; the others are not sent either', async () => {
  const f = form('<input type="file" id="more" name="more" multiple data-slice-seal data-slice-seal-max-bytes="1024">', attrs('data-slice-seal-submit="fetch"'));
  const c = new m.SliceSealForm(f, { jwks: keys.jwks });
  await c.ready;
  const input = f.querySelector('#more');
  select(input, [new File(['small'], 'a.txt'), new File([new Uint8Array(2048)], 'big.png')]);
  sent.length = 0;
  assert.equal(await submitAndSettle(f), 'error');
  assert.equal(sent.length, 0);
  assert.equal(document.querySelector('[data-slice-seal-error-summary] a').textContent, 'The selected file ‘big.png’ must be smaller than 1KB');
  assert.deepEqual(selected(input), [['a.txt', 5], ['big.png', 2048]]);
});

test('a whole submit with files: each file a binary part named after its field, with a neutral file name (NAME.ssf, NAME-K.ssf) and the sealed-file type; it opens to the exact bytes, name and type under the form, field and submission', async () => {
  const f = form(`<input name="typed" data-slice-seal value="typed answer"><input name="plain" value="p">
    <input type="file" id="doc" name="doc" data-slice-seal>
    <input type="file" id="more" name="more" multiple data-slice-seal><input type="file" id="none" name="none" data-slice-seal>`,
  attrs('data-slice-seal-submit="fetch" data-slice-seal-record="APPLICANT-9"'));
  const c = new m.SliceSealForm(f, { jwks: keys.jwks });
  await c.ready;
  const scan = randomBytes(70_000); // two chunks
  const letter = randomBytes(10);
  select(f.querySelector('#doc'), [new File([scan], 'passport scan – Zoë.pdf', { type: 'application/pdf' })]);
  select(f.querySelector('#more'), [new File([letter], 'letter.txt', { type: 'text/plain' }), new File([], 'empty.bin')]);
  const detail = await sendOnce(f);
  // The body as the server gets it (multipart/form-data).
  const req = new Request('https://service.example/submit', { method: 'POST', body: sent[0].body });
  assert.match(req.headers.get('content-type'), /^multipart\/form-data; boundary=/);
  const raw = Buffer.from(await req.clone().arrayBuffer());
  const body = await req.formData();
  assert.deepEqual([...body.keys()], ['typed', 'plain', 'doc', 'more', 'more', 'slice-seal-submission']);
  const sub = detail.submission;
  assert.match(sub, /^APPLICANT-9:[0-9a-f]{32}$/);
  assert.equal(api.openText(keys.privateKey, body.get('typed'), { form: 'unit', field: 'typed', submission: sub }), 'typed answer');
  const parts = [['doc', body.getAll('doc')[0], 'doc.ssf', scan, 'passport scan – Zoë.pdf', 'application/pdf'],
    ['more', body.getAll('more')[0], 'more-1.ssf', letter, 'letter.txt', 'text/plain'],
    ['more', body.getAll('more')[1], 'more-2.ssf', Buffer.alloc(0), 'empty.bin', '']];
  for (const [field, part, filename, bytes, name, type] of parts) {
    assert.deepEqual([part.name, part.type], [filename, 'application/vnd.slice-seal.file'], `${filename}: neutral name and type`);
    const opened = await api.openFile(keys.privateKey, part, { form: 'unit', field, submission: sub });
    assert.deepEqual([opened.name, opened.type, opened.size], [name, type, bytes.length]);
    assert.ok(Buffer.from(await opened.blob.arrayBuffer()).equals(bytes), `${filename} opens to the exact bytes`);
  }
  // Nothing of the files or their names in clear.
  for (const needle of [scan.subarray(1000, 1032), letter, Buffer.from('passport scan – Zoë.pdf'), Buffer.from('letter.txt'), Buffer.from('empty.bin')]) {
    assert.equal(raw.indexOf(needle), -1, `${needle.toString('hex').slice(0, 16)} not in the body`);
  }
  // Cleared after the send, like every marked control.
  assert.equal(f.querySelector('#doc').files.length, 0);
});

test('fail closed: a failed send (network down) sends nothing that counts and keeps the selection and typed answers; method="get" with a file input is FORM_CONFIG', async () => {
  const f = form('<input name="typed" data-slice-seal value="kept"><input type="file" id="doc" name="doc" data-slice-seal>', attrs('data-slice-seal-submit="fetch"'));
  const errs = errorsOf(f);
  const c = new m.SliceSealForm(f, { jwks: keys.jwks });
  await c.ready;
  select(f.querySelector('#doc'), [new File(['scan'], 'scan.pdf')]);
  const ok = globalThis.fetch;
  globalThis.fetch = async () => {
    throw new TypeError('Failed to fetch');
  };
  try {
    assert.equal(await withNodeFormData(() => submitAndSettle(f)), 'error');
  } finally {
    globalThis.fetch = ok;
  }
  assert.deepEqual(errs, [['NETWORK_ERROR', 'submit']]);
  assert.deepEqual(selected(f.querySelector('#doc')), [['scan.pdf', 4]]);
  assert.equal(f.querySelector('[data-slice-seal-name=typed]').value, 'kept');

  const g = form('<input type="file" id="g1" name="doc" data-slice-seal>', attrs('data-slice-seal-submit="fetch"'));
  g.setAttribute('method', 'get');
  const d = new m.SliceSealForm(g, { jwks: keys.jwks });
  await d.ready;
  select(g.querySelector('#g1'), [new File(['scan'], 'scan.pdf')]);
  sent.length = 0;
  await assert.rejects(d.submit(null), (e) => e.code === 'FORM_CONFIG');
  assert.equal(sent.length, 0);
  assert.deepEqual(selected(g.querySelector('#g1')), [['scan.pdf', 4]]);
});

test('one send per submit with files: submits while the files are sealed do nothing', async () => {
  const f = form('<input type="file" id="doc" name="doc" data-slice-seal>', attrs('data-slice-seal-submit="fetch"'));
  const c = new m.SliceSealForm(f, { jwks: keys.jwks });
  await c.ready;
  select(f.querySelector('#doc'), [new File([randomBytes(300_000)], 'big.bin')]);
  sent.length = 0;
  await withNodeFormData(async () => {
    const done = new Promise((ok) => f.addEventListener('slice-seal:sent', ok, { once: true }));
    for (let i = 0; i < 3; i++) f.dispatchEvent(new SubmitEvent('submit', { bubbles: true, cancelable: true }));
    await done;
    await tick();
  });
  assert.equal(sent.length, 1);
});

test('native mode with a file input: sent with fetch as multipart/form-data (whatever the enctype); a 2xx answer without a redirect is handed over in detail.response and the page stays', async () => {
  const f = form('<input name="typed" data-slice-seal value="x"><input type="file" id="doc" name="doc" data-slice-seal>', attrs());
  f.setAttribute('enctype', 'application/x-www-form-urlencoded');
  const c = new m.SliceSealForm(f, { jwks: keys.jwks });
  assert.equal(c.config.submit, 'native');
  await c.ready;
  select(f.querySelector('#doc'), [new File(['scan'], 'scan.pdf')]);
  const detail = await sendOnce(f);
  assert.ok(sent[0].body instanceof NodeFormData, 'a multipart body');
  assert.deepEqual([...sent[0].body.keys()], ['typed', 'doc', 'slice-seal-submission']);
  assert.ok(detail.response instanceof Response && detail.response.status === 200, 'the answer is handed over');
  assert.equal(document.querySelector('form[data-slice-seal-shadow]'), null, 'no shadow form');
});
