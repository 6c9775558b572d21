// Adversarial unit tests of the form component (pkg-template/form.js) in
// jsdom: what another script, a change while the files are sealed, an
// unmarked file input or a failing file read can do to "nothing sent in
// clear" and "nothing typed or selected lost".
//
//   node --test tests/unit/        (needs pkg/: bash .ci/build-pkg; tests/node_modules)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { m, keys, sent, form, attrs, code, errorsOf, window, select, selected, submitAndSettle, withNodeFormData } from './form-setup.mjs';

/** A File that runs `hook` when sealing starts to read it (the moment it is being sealed). */
class HookFile extends File {
  constructor(bits, name, hook) {
    super(bits, name);
    this.hook = hook;
  }
  stream() {
    const h = this.hook;
    this.hook = null;
    if (h) h();
    return super.stream();
  }
}

/** A protected fetch-mode form with a typed answer and a file input holding a file that runs `hook` while it is sealed. */
async function sealingForm(hook, extra = '') {
  const f = form(`<input id="typed" name="typed" data-slice-seal value="first answer"><input name="plain" value="p">
    <input type="file" id="doc" name="doc" data-slice-seal>${extra}`, attrs('data-slice-seal-submit="fetch"'));
  const c = new m.SliceSealForm(f, { jwks: keys.jwks });
  await c.ready;
  select(f.querySelector('#doc'), [new HookFile([randomBytes(2000)], 'scan.pdf', () => hook(f))]);
  sent.length = 0;
  return f;
}

/** Every string or byte run of what fetch was given, as text. */
async function sentText() {
  const out = [];
  for (const s of sent) out.push(Buffer.from(await new Request('https://service.example/', { method: 'POST', body: s.body }).arrayBuffer()).toString('latin1'));
  return out.join('\n');
}

test('an answer typed while the files are sealed: nothing sent (FORM_CHANGED), the new answer and the selection kept', async () => {
  const f = await sealingForm((g) => { g.querySelector('#typed').value = 'second answer'; });
  const errs = errorsOf(f);
  assert.equal(await withNodeFormData(() => submitAndSettle(f)), 'error');
  assert.deepEqual(errs, [['FORM_CHANGED', 'submit']]);
  assert.equal(sent.length, 0, 'nothing sent');
  assert.equal(f.querySelector('#typed').value, 'second answer', 'the new answer stays');
  assert.deepEqual(selected(f.querySelector('#doc')), [['scan.pdf', 2000]]);
});

test('the file selection replaced while the files are sealed: nothing sent (FORM_CHANGED), the new selection kept', async () => {
  const f = await sealingForm((g) => select(g.querySelector('#doc'), [new File(['other'], 'other.pdf')]));
  const errs = errorsOf(f);
  assert.equal(await withNodeFormData(() => submitAndSettle(f)), 'error');
  assert.deepEqual(errs, [['FORM_CHANGED', 'submit']]);
  assert.equal(sent.length, 0, 'nothing sent');
  assert.deepEqual(selected(f.querySelector('#doc')), [['other.pdf', 5]]);
  assert.equal(f.querySelector('#typed').value, 'first answer');
});

test('a marked control given its name back by another script (while sealing, or before): its value is never sent in clear; nothing sent (FORM_CONFIG), name taken away again', async () => {
  for (const id of ['typed', 'doc']) {
    const f = await sealingForm((g) => g.querySelector(`#${id}`).setAttribute('name', id));
    const errs = errorsOf(f);
    assert.equal(await withNodeFormData(() => submitAndSettle(f)), 'error', id);
    assert.deepEqual(errs, [['FORM_CONFIG', 'submit']], id);
    assert.equal(sent.length, 0, `${id}: nothing sent`);
    assert.equal(f.querySelector(`#${id}`).hasAttribute('name'), false, `${id}: nameless again`);
    assert.equal(f.querySelector('#typed').value, 'first answer');
  }
});

test('a marked control added after the start (the "add another" pattern): not sent in clear, not silently dropped: FORM_CONFIG, nothing sent', async () => {
  for (const named of [true, false]) {
    const f = form('<input id="a" name="a" data-slice-seal value="x">', attrs('data-slice-seal-submit="fetch"'));
    const c = new m.SliceSealForm(f, { jwks: keys.jwks });
    await c.ready;
    f.insertAdjacentHTML('beforeend', `<div data-slice-seal><input id="late" ${named ? 'name="late"' : ''} value="late secret"></div>`);
    const errs = errorsOf(f);
    sent.length = 0;
    assert.equal(await submitAndSettle(f), 'error');
    assert.deepEqual(errs, [['FORM_CONFIG', 'submit']]);
    assert.equal(sent.length, 0, 'nothing sent');
    assert.equal(f.querySelector('#late').value, 'late secret', 'kept');
  }
});

test('an unmarked file input in a protected form, with or without a file, outside the form by form= too: FORM_CONFIG at submit, nothing sent, nothing cleared', async () => {
  for (const where of ['inside', 'outside']) {
    for (const chosen of [false, true]) {
      const f = form(`<input id="t" name="t" data-slice-seal value="kept">${where === 'inside' ? '<input type="file" id="u" name="u">' : ''}`, attrs('data-slice-seal-submit="fetch"'));
      if (where === 'outside') f.insertAdjacentHTML('afterend', `<input type="file" id="u" name="u" form="${f.id}">`);
      const u = document.getElementById('u');
      const c = new m.SliceSealForm(f, { jwks: keys.jwks });
      await c.ready;
      if (chosen) select(u, [new window.File(['clear bytes'], 'clear.pdf')]); // jsdom's File: its FormData takes no other
      const errs = errorsOf(f);
      sent.length = 0;
      assert.equal(await withNodeFormData(() => submitAndSettle(f)), 'error', `${where} ${chosen}`);
      assert.deepEqual(errs, [['FORM_CONFIG', 'submit']]);
      assert.equal(sent.length, 0);
      assert.equal(f.querySelector('#t').value, 'kept');
      u.remove();
    }
  }
});

test('a file whose read fails half way: FILE_UNREADABLE, nothing sent, the selection and typed answers kept, the progress removed', async () => {
  const size = 600 * 1024; // over the progress threshold
  class Failing extends File {
    stream() {
      let n = 0;
      return new ReadableStream({
        type: 'bytes',
        pull(ctl) {
          if (n++ === 0) ctl.enqueue(new Uint8Array(65536));
          else ctl.error(new DOMException('the file changed', 'NotReadableError'));
        },
      });
    }
  }
  const f = form('<input id="typed" name="typed" data-slice-seal value="kept"><input type="file" id="doc" name="doc" data-slice-seal>', attrs());
  const errs = errorsOf(f);
  const c = new m.SliceSealForm(f, { jwks: keys.jwks });
  await c.ready;
  select(f.querySelector('#doc'), [new Failing([new Uint8Array(size)], 'scan.pdf')]);
  sent.length = 0;
  assert.equal(await withNodeFormData(() => submitAndSettle(f)), 'error');
  assert.deepEqual(errs, [['FILE_UNREADABLE', 'submit']]);
  assert.equal(sent.length, 0);
  assert.deepEqual(selected(f.querySelector('#doc')), [['scan.pdf', size]]);
  assert.equal(f.querySelector('#typed').value, 'kept');
  assert.equal(f.querySelector('[data-slice-seal-progress]'), null, 'progress removed');
});

test('a submitter with formmethod="get" or formtarget="_blank" on a native form with a file input: FORM_CONFIG, nothing sent; formaction is where the fetch goes', async () => {
  for (const [attr, expect] of [['formmethod="get"', 'FORM_CONFIG'], ['formtarget="_blank"', 'FORM_CONFIG'], ['formaction="/elsewhere"', 'sent']]) {
    const f = form(`<input type="file" id="doc" name="doc" data-slice-seal><button id="b" ${attr}>Send</button>`, attrs());
    const c = new m.SliceSealForm(f, { jwks: keys.jwks });
    await c.ready;
    select(f.querySelector('#doc'), [new File(['scan'], 'scan.pdf')]);
    sent.length = 0;
    const err = await withNodeFormData(() => c.submit(f.querySelector('#b'))).then(() => 'sent', (e) => e.code);
    assert.equal(err, expect, attr);
    if (expect === 'sent') {
      assert.deepEqual(sent.map((s) => [s.url, s.method]), [['https://service.example/elsewhere', 'POST']]);
    } else {
      assert.equal(sent.length, 0, attr);
      assert.deepEqual(selected(f.querySelector('#doc')), [['scan.pdf', 4]]);
    }
  }
});

test('a non-2xx answer to a send with files: NETWORK_ERROR, no slice-seal:sent, selection kept; the body held no run of the file and no file name', async () => {
  const f = form('<input type="file" id="doc" name="doc" data-slice-seal>', attrs('data-slice-seal-submit="fetch"'));
  const c = new m.SliceSealForm(f, { jwks: keys.jwks });
  await c.ready;
  const bytes = randomBytes(150_000);
  select(f.querySelector('#doc'), [new File([bytes], 'Zoë "x"\r\n.pdf')]);
  const ok = globalThis.fetch;
  let sentEvents = 0;
  f.addEventListener('slice-seal:sent', () => sentEvents++);
  sent.length = 0;
  globalThis.fetch = async (url, init) => {
    sent.push({ url: String(url), method: init.method, body: init.body });
    return new Response('no', { status: 500 });
  };
  try {
    assert.equal(await withNodeFormData(() => submitAndSettle(f)), 'error');
  } finally {
    globalThis.fetch = ok;
  }
  assert.equal(sentEvents, 0);
  assert.deepEqual(selected(f.querySelector('#doc')), [['Zoë "x"\r\n.pdf', 150_000]]);
  const text = await sentText();
  for (let i = 0; i + 16 <= bytes.length; i += 997) assert.equal(text.indexOf(bytes.subarray(i, i + 16).toString('latin1')), -1, `no 16-byte run of the file at ${i}`);
  for (const part of ['Zoë', 'Zo\u00c3\u00ab', '"x"', '%22x%22', '.pdf']) assert.ok(!text.includes(part), `no part of the file name: ${part}`);
});

test('data-slice-seal-max-bytes present but blank on the form is FORM_CONFIG, as on the input (not "no limit")', () => {
  for (const v of ['', '  ']) {
    assert.equal(code(() => new m.SliceSealForm(form('<input type="file" name="a" data-slice-seal>', attrs(`data-slice-seal-max-bytes="${v}"`)))),
      'SliceSealError:FORM_CONFIG', `form ${JSON.stringify(v)}`);
    assert.equal(code(() => new m.SliceSealForm(form(`<input type="file" name="a" data-slice-seal data-slice-seal-max-bytes="${v}">`, attrs()))),
      'SliceSealError:FORM_CONFIG', `input ${JSON.stringify(v)}`);
  }
  for (const v of ['0x10', '+5', '1_000', '١٢', '99999999999999999', 'Infinity', 'NaN']) {
    assert.equal(code(() => new m.SliceSealForm(form(`<input type="file" name="a" data-slice-seal data-slice-seal-max-bytes="${v}">`, attrs()))),
      'SliceSealError:FORM_CONFIG', v);
  }
});

test('native mode with files, a 2xx answer without a redirect: sent once; a second click does not send the cleared fields as blank answers', async () => {
  const f = form('<input name="typed" data-slice-seal value="x"><input type="file" id="doc" name="doc" data-slice-seal>', attrs());
  const c = new m.SliceSealForm(f, { jwks: keys.jwks });
  await c.ready;
  select(f.querySelector('#doc'), [new File(['scan'], 'scan.pdf')]);
  sent.length = 0;
  assert.equal(await withNodeFormData(() => submitAndSettle(f)), 'sent');
  assert.equal(f.querySelector('[data-slice-seal-name=typed]').value, '', 'cleared');
  f.dispatchEvent(new SubmitEvent('submit', { bubbles: true, cancelable: true }));
  await new Promise((ok) => setTimeout(ok, 200));
  assert.equal(sent.length, 1, 'sent once');
});

test('a marked file input outside the form (form=) is sealed and sent like one inside; one removed from the page while sealing is sent sealed, as selected', async () => {
  const f = form('<input name="typed" data-slice-seal value="x">', attrs('data-slice-seal-submit="fetch"'));
  f.insertAdjacentHTML('afterend', `<input type="file" id="out" name="out" form="${f.id}" data-slice-seal>`);
  const out = document.getElementById('out');
  const c = new m.SliceSealForm(f, { jwks: keys.jwks });
  await c.ready;
  assert.equal(out.hasAttribute('name'), false, 'nameless at once');
  const bytes = randomBytes(5000);
  select(out, [new HookFile([bytes], 'scan.pdf', () => out.remove())]);
  sent.length = 0;
  assert.equal(await withNodeFormData(() => submitAndSettle(f)), 'sent');
  const body = sent[0].body;
  assert.deepEqual([...body.keys()], ['typed', 'out', 'slice-seal-submission']);
  assert.equal(body.get('out').type, 'application/vnd.slice-seal.file');
  assert.equal((await sentText()).indexOf(bytes.subarray(100, 132).toString('latin1')), -1, 'no run of the file');
});

test('an answer changed while the sealed body is being uploaded: sent as sealed, and the new answer is not cleared after the send (what was sent is)', async () => {
  const f = form('<input id="typed" name="typed" data-slice-seal value="sent answer"><input type="file" id="doc" name="doc" data-slice-seal>', attrs('data-slice-seal-submit="fetch"'));
  const c = new m.SliceSealForm(f, { jwks: keys.jwks });
  await c.ready;
  select(f.querySelector('#doc'), [new File(['scan'], 'scan.pdf')]);
  const ok = globalThis.fetch;
  sent.length = 0;
  globalThis.fetch = async (url, init) => {
    f.querySelector('#typed').value = 'typed during the upload';
    return ok(url, init);
  };
  try {
    assert.equal(await withNodeFormData(() => submitAndSettle(f)), 'sent');
  } finally {
    globalThis.fetch = ok;
  }
  assert.equal(sent.length, 1);
  assert.equal(f.querySelector('#typed').value, 'typed during the upload', 'kept');
  assert.equal(f.querySelector('#doc').files.length, 0, 'the sent file is cleared');
});
