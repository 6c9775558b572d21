#!/usr/bin/env node
// Low side (OFFICIAL): the "Apply for security vetting" demo service.
//
//   node www/server.mjs [--port 8080] [--data www/data] [--dist www/dist]
//
// Node's built-in http server, 127.0.0.1 only, no framework, no cookies.
// The browser seals every marked answer to the high side's public key; this
// server only checks the envelopes' clear metadata and stores what arrived:
// one JSON line per submission in DATA/submissions.jsonl. It never holds a
// private key. The public keys are read from DATA/keys/public.jwks.json (the
// vetting team, pinned by every form) and DATA/keys/medical-public.jwks.json
// (the medical adviser, pinned by the health answer).

import { createServer } from 'node:http';
import nunjucks from 'nunjucks';
import { randomBytes, createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

import { STEPS, stepBySlug, markedNames, clearNames, controlNames, readerOfName, fileFields } from './lib/steps.mjs';
import { parseEnvelope, parseSealedFile, maxSealedBytes } from './lib/envelope.mjs';
import { parseMultipart } from './lib/multipart.mjs';
import { WWW, SECURITY_HEADERS, esc, page, send, redirect, serveStatic, readBody, args } from './lib/layout.mjs';

const SERVICE = 'Apply for security vetting';
const SUBMISSION_FIELD = 'slice-seal-submission';
const BODY_LIMIT = 8 * 1024 * 1024;
/** A multipart body (a step with documents): its files' limits, and room for the rest. */
const FILE_PART_TYPE = 'application/vnd.slice-seal.file';
const multipartLimit = (step) => BODY_LIMIT +
  fileFields(step).reduce((n, f) => n + (f.multiple ? f.maxFiles : 1) * maxSealedBytes(f.maxBytes, 65535), 0);
const REF = /^[0-9a-f]{32}$/;
const SUBMISSION_ID = /^[0-9a-f]{32}$/;

const opt = args(process.argv.slice(2));
const PORT = Number(opt.port ?? process.env.PORT_LOW ?? process.env.PORT ?? 8080);
const DATA = resolve(opt.data ?? process.env.DATA_DIR ?? join(WWW, 'data'));
const DIST = resolve(opt.dist ?? process.env.DIST_DIR ?? join(WWW, 'dist'));
const STORE = join(DATA, 'submissions.jsonl');
const FILES = join(DATA, 'files');
const APPLICANTS = join(DATA, 'applicants.jsonl');

// ---------------------------------------------------------------- the key
/** RFC 7638 thumbprint of a public JWK (EC, or AKP for the hybrid suite), base64url (= the kid we pin). */
function thumbprint(jwk) {
  const canon = jwk.kty === 'AKP'
    ? JSON.stringify({ alg: jwk.alg, kty: jwk.kty, pub: jwk.pub })
    : JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canon).digest('base64url');
}

/**
 * One public key of a reader: DATA/keys/FILE, a JWKS of one public key,
 * P-256 or hybrid post-quantum (an AKP JWK, `alg` MLKEM768-X25519: the
 * demo's hybrid mode, www/README.md); the forms seal with whichever it is.
 */
function loadKey(name) {
  const file = join(DATA, 'keys', name);
  const jwks = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(jwks.keys) || jwks.keys.length !== 1) throw new Error(`${file}: expected a JWKS of one key`);
  const jwk = jwks.keys[0];
  const hybrid = jwk.kty === 'AKP' && jwk.alg === 'MLKEM768-X25519' && typeof jwk.pub === 'string' && jwk.priv === undefined;
  if (!hybrid && (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || jwk.d !== undefined)) throw new Error(`${file}: expected one public P-256 or MLKEM768-X25519 JWK`);
  const kid = thumbprint(jwk);
  if (jwk.kid !== undefined && jwk.kid !== kid) throw new Error(`${file}: kid is not the key's thumbprint`);
  // What the page embeds: public members only.
  if (hybrid) return { kid, jwk: { kty: jwk.kty, alg: jwk.alg, pub: jwk.pub, kid, use: jwk.use } };
  return { kid, jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: jwk.alg, use: jwk.use } };
}
// The readers: the vetting team (the forms' pinned key) and the medical
// adviser (the health answer's own key). The page's key set holds both.
const READERS = {
  vetting: loadKey('public.jwks.json'),
  medical: loadKey('medical-public.jwks.json'),
};
const KEY = {
  kid: READERS.vetting.kid,
  jwks: { keys: [READERS.vetting.jwk, READERS.medical.jwk] },
  jwksJson: JSON.stringify({ keys: [READERS.vetting.jwk, READERS.medical.jwk] }),
};

// ---------------------------------------------------------------- the form macro
// Step forms are the output of the package's Nunjucks macro, sliceSealForm
// (copied to DIST/nunjucks by build.mjs): what the e2e tests load.
const templates = new nunjucks.Environment(new nunjucks.FileSystemLoader(join(DIST, 'nunjucks')), { autoescape: true, throwOnUndefined: false });
const FORM_TEMPLATE = '{% from "slice-seal/form/macro.njk" import sliceSealForm %}' +
  '{% call sliceSealForm(params) %}{{ questions | safe }}{% endcall %}';

// ---------------------------------------------------------------- the store
mkdirSync(DATA, { recursive: true });

function readLines(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      try {
        return JSON.parse(l);
      } catch {
        return null;
      }
    })
    .filter(Boolean);
}

function applicantExists(ref) {
  return readLines(APPLICANTS).some((a) => a.applicant === ref);
}

function completedSteps(ref) {
  const done = new Map();
  for (const s of readLines(STORE)) if (s.applicant === ref) done.set(s.step, s.received);
  return done;
}

// ---------------------------------------------------------------- pages
function startPage() {
  return page({
    title: 'Start',
    serviceName: SERVICE,
    body: `<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
<h1 class="govuk-heading-xl">${SERVICE}</h1>
<p class="govuk-body">Use this service to apply for national security vetting.</p>
<p class="govuk-body">The application is split into small tasks. You can do them in any order, over several days. Keep the link to your application to come back to it.</p>
<p class="govuk-body">Your answers are protected in your browser before they are sent, so that only the vetting team can read them.</p>
<form method="post" action="/start" novalidate>
<button type="submit" class="govuk-button govuk-button--start" data-module="govuk-button">
  Start now
  <svg class="govuk-button__start-icon" xmlns="http://www.w3.org/2000/svg" width="17.5" height="19" viewBox="0 0 33 40" aria-hidden="true" focusable="false"><path fill="currentColor" d="M0 0h13l20 20-20 20H0l20-20z"/></svg>
</button>
</form>
</div></div>`,
  });
}

function taskListPage(ref) {
  const done = completedSteps(ref);
  const items = STEPS.map((s, i) => {
    const status = done.has(s.slug)
      ? 'Completed'
      : '<strong class="govuk-tag govuk-tag--blue">Not yet started</strong>';
    return `<li class="govuk-task-list__item govuk-task-list__item--with-link">
  <div class="govuk-task-list__name-and-hint">
    <a class="govuk-link govuk-task-list__link" href="/apply/${ref}/${s.slug}" aria-describedby="task-${i}-hint task-${i}-status">${esc(s.title)}</a>
    <div id="task-${i}-hint" class="govuk-task-list__hint">${esc(s.hint)}</div>
  </div>
  <div class="govuk-task-list__status" id="task-${i}-status">${status}</div>
</li>`;
  }).join('\n');
  const count = done.size;
  return page({
    title: 'Your application',
    serviceName: SERVICE,
    serviceUrl: `/apply/${ref}`,
    body: `<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
<h1 class="govuk-heading-xl">Your security vetting application</h1>
<p class="govuk-body">You have completed ${count} of ${STEPS.length} sections.</p>
<div class="govuk-inset-text">Your application reference is <strong class="app-reference">${ref}</strong>. Bookmark this page to come back to your application later.</div>
<ul class="govuk-task-list">
${items}
</ul>
${count === STEPS.length ? '<p class="govuk-body">You have completed every section. The vetting team will contact you.</p>' : ''}
</div></div>`,
  });
}

function hintHtml(id, hint) {
  return hint ? `<div id="${id}-hint" class="govuk-hint">${esc(hint)}</div>` : '';
}

function fieldHtml(f) {
  const mark = f.marked ? ` data-slice-seal${f.reader ? ` data-slice-seal-kid="${READERS[f.reader].kid}"` : ''}` : '';
  const ac = f.marked ? ' autocomplete="off"' : '';
  const describedBy = f.hint ? ` aria-describedby="${f.name}-hint"` : '';
  switch (f.kind) {
    case 'text':
      return `<div class="govuk-form-group">
  <label class="govuk-label govuk-label--m" for="${f.name}">${esc(f.label)}</label>
  ${hintHtml(f.name, f.hint)}
  <input class="govuk-input" id="${f.name}" name="${f.name}" type="text" spellcheck="false"${describedBy}${mark}${ac}>
</div>`;
    case 'textarea':
      return `<div class="govuk-form-group">
  <label class="govuk-label govuk-label--m" for="${f.name}">${esc(f.label)}</label>
  ${hintHtml(f.name, f.hint)}
  <textarea class="govuk-textarea" id="${f.name}" name="${f.name}" rows="5"${describedBy}${mark}${ac}></textarea>
</div>`;
    case 'file': {
      // The GOV.UK file upload component; sealed in the browser as a file.
      const limit = f.marked ? ` data-slice-seal-max-bytes="${f.maxBytes}"` : '';
      return `<div class="govuk-form-group">
  <label class="govuk-label govuk-label--m" for="${f.name}">${esc(f.label)}</label>
  ${hintHtml(f.name, f.hint)}
  <input class="govuk-file-upload" id="${f.name}" name="${f.name}" type="file"${f.multiple ? ' multiple' : ''}${f.accept ? ` accept="${esc(f.accept)}"` : ''}${describedBy}${mark}${limit}>
</div>`;
    }
    case 'select':
      return `<div class="govuk-form-group">
  <label class="govuk-label govuk-label--m" for="${f.name}">${esc(f.label)}</label>
  <select class="govuk-select" id="${f.name}" name="${f.name}"${mark}${ac}>
    <option value="">Select your nationality</option>
    ${f.options.map((o) => `<option value="${esc(o)}">${esc(o)}</option>`).join('\n    ')}
  </select>
</div>`;
    case 'date':
      return `<div class="govuk-form-group">
  <fieldset class="govuk-fieldset" role="group" aria-describedby="${f.name}-hint">
    <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">${esc(f.label)}</legend>
    ${hintHtml(f.name, f.hint)}
    <div class="govuk-date-input" id="${f.name}"${mark}>
      ${[['day', 'Day', 2], ['month', 'Month', 2], ['year', 'Year', 4]].map(([p, l, w], i) => `<div class="govuk-date-input__item">
        <div class="govuk-form-group">
          <label class="govuk-label govuk-date-input__label" for="${f.parts[i]}">${l}</label>
          <input class="govuk-input govuk-date-input__input govuk-input--width-${w}" id="${f.parts[i]}" name="${f.parts[i]}" type="text" inputmode="numeric"${ac}>
        </div>
      </div>`).join('\n      ')}
    </div>
  </fieldset>
</div>`;
    case 'radios':
    case 'checkboxes': {
      const radio = f.kind === 'radios';
      const cls = radio ? 'govuk-radios' : 'govuk-checkboxes';
      const items = f.options.map(([v, l], i) => {
        const id = i === 0 ? f.name : `${f.name}-${i + 1}`;
        return `<div class="${cls}__item">
      <input class="${cls}__input" id="${id}" name="${f.name}" type="${radio ? 'radio' : 'checkbox'}" value="${esc(v)}"${ac}>
      <label class="govuk-label ${cls}__label" for="${id}">${esc(l)}</label>
    </div>`;
      }).join('\n    ');
      return `<div class="govuk-form-group">
  <fieldset class="govuk-fieldset"${describedBy}>
    <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">${esc(f.label)}</legend>
    ${hintHtml(f.name, f.hint)}
    <div class="${cls}${radio && f.options.length === 2 ? ' govuk-radios--inline' : ''}" data-module="${cls}"${mark}>
    ${items}
    </div>
  </fieldset>
</div>`;
    }
    default:
      throw new Error(`unknown field kind ${f.kind}`);
  }
}

function stepPage(ref, step) {
  const idx = STEPS.indexOf(step);
  return page({
    title: step.title,
    serviceName: SERVICE,
    serviceUrl: `/apply/${ref}`,
    scripts: ['/assets/slice-seal/form.js'],
    beforeContent: `<a href="/apply/${ref}" class="govuk-back-link">Back to your application</a>`,
    body: `<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
<span class="govuk-caption-l">Section ${idx + 1} of ${STEPS.length}</span>
<h1 class="govuk-heading-l">${esc(step.title)}</h1>
<p class="govuk-body">Answers to questions on this page are protected in your browser before they are sent.</p>
${templates.renderString(FORM_TEMPLATE, {
    params: {
      action: `/apply/${ref}/${step.slug}`,
      formId: step.form,
      kid: KEY.kid,
      record: ref,
      submit: step.submit,
      jwks: KEY.jwks,
      button: { text: 'Save and continue' },
      afterButtonHtml: `<a class="govuk-link" href="/apply/${ref}">Cancel</a>`,
    },
    questions: step.fields.map(fieldHtml).join('\n'),
  })}
</div></div>`,
  });
}

function refusedPage(ref, reason) {
  return page({
    title: 'Your answers were not accepted',
    serviceName: SERVICE,
    serviceUrl: ref ? `/apply/${ref}` : '/',
    error: true,
    jsNotice: false,
    body: `<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
<h1 class="govuk-heading-l">Your answers were not accepted</h1>
<p class="govuk-body">Your answers have not been saved.</p>
<p class="govuk-body">You need JavaScript turned on to use this service. Turn on JavaScript, go back and try again.</p>
<p class="govuk-body app-refusal-reason">${esc(reason)}</p>
${ref ? `<p class="govuk-body"><a class="govuk-link" href="/apply/${ref}">Go back to your application</a></p>` : ''}
</div></div>`,
  });
}

function notFoundPage() {
  return page({
    title: 'Page not found',
    serviceName: SERVICE,
    jsNotice: false,
    body: `<h1 class="govuk-heading-l">Page not found</h1>
<p class="govuk-body">If you typed the web address, check it is correct.</p>
<p class="govuk-body"><a class="govuk-link" href="/">Start a new application</a></p>`,
  });
}

// ---------------------------------------------------------------- submissions
class Refused extends Error {}

/**
 * Check the sealed files of a step's body (multipart parts with a file
 * name): each a part of a file field, with the neutral file name and media
 * type the component gives it, an `ssf1` sealed file whose header envelope
 * was sealed for this form, field, submission and the vetting team's key,
 * and no longer than its field's limit allows. The low side cannot open
 * them: they are stored as they came. Returns {field: [Buffer…]}.
 */
function acceptFiles(step, files, submission) {
  const out = {};
  for (const f of fileFields(step)) out[f.name] = [];
  for (const part of files) {
    const f = fileFields(step).find((x) => x.name === part.name);
    if (!f) throw new Refused(`unexpected file ${part.name}`);
    const list = out[f.name];
    const k = list.length + 1;
    if (k > (f.multiple ? f.maxFiles : 1)) throw new Refused(`too many files for ${f.name}`);
    if (part.filename !== (f.multiple ? `${f.name}-${k}.ssf` : `${f.name}.ssf`)) throw new Refused(`file ${f.name} does not have a neutral file name`);
    if (part.type !== FILE_PART_TYPE) throw new Refused(`file ${f.name} is not a sealed file`);
    let meta;
    try {
      meta = parseSealedFile(part.data);
    } catch (e) {
      throw new Refused(`file ${f.name} is not a sealed file (${e.message})`);
    }
    if (meta.form !== step.form || meta.field !== f.name || meta.submission !== submission) {
      throw new Refused(`file ${f.name} was sealed for another question`);
    }
    if (meta.kid !== READERS[readerOfName(step, f.name) ?? 'vetting'].kid) throw new Refused(`file ${f.name} is sealed to the wrong key`);
    if (part.data.length > maxSealedBytes(f.maxBytes, meta.headerLength)) throw new Refused(`file ${f.name} is over its size limit`);
    list.push(part.data);
  }
  return out;
}

/** Check a step's body; returns the record to store, or throws Refused. */
function acceptSubmission(ref, step, params, files = []) {
  const marked = markedNames(step);
  const clear = clearNames(step);
  const seen = new Set();
  for (const name of params.keys()) {
    if (seen.has(name)) throw new Refused(`field ${name} was sent more than once`);
    seen.add(name);
    if (name !== SUBMISSION_FIELD && !marked.includes(name) && !clear.includes(name)) {
      throw new Refused(`unexpected field ${name}`);
    }
  }
  const submission = params.get(SUBMISSION_FIELD);
  // The record binding: RECORD ":" 32 hex digits, RECORD = this applicant.
  const sep = submission ? submission.lastIndexOf(':') : -1;
  if (!submission || sep < 0 || !SUBMISSION_ID.test(submission.slice(sep + 1))) throw new Refused('the submission id is missing');
  if (submission.slice(0, sep) !== ref) throw new Refused('the answers were sealed for another application');
  const slices = {};
  for (const name of marked) {
    const value = params.get(name);
    // Every marked field arrives sealed, even when empty: a plain value,
    // empty or not, means the page was used without its protection.
    if (value === null || value === '') throw new Refused(`field ${name} did not arrive sealed`);
    let meta;
    try {
      meta = parseEnvelope(value);
    } catch (e) {
      throw new Refused(`field ${name} is not a sealed answer (${e.message})`);
    }
    if (meta.form !== step.form || meta.field !== name || meta.submission !== submission) {
      throw new Refused(`field ${name} holds an answer sealed for another question`);
    }
    if (meta.kid !== READERS[readerOfName(step, name)].kid) throw new Refused(`field ${name} is sealed to the wrong key`);
    slices[name] = value;
  }
  const clearValues = {};
  for (const f of step.fields.filter((x) => !x.marked)) {
    for (const name of controlNames(f)) {
      const v = params.get(name);
      if (v === null || v === '') continue;
      if (f.options && !f.options.some(([o]) => o === v)) throw new Refused(`field ${name} has an unknown value`);
      clearValues[name] = v;
    }
  }
  return { submission, slices, clear: clearValues, files: acceptFiles(step, files, submission) };
}

/** A multipart body's text parts as params, and its file parts; Refused if out of shape. */
function readMultipart(body, contentType) {
  let parts;
  try {
    parts = parseMultipart(body, contentType);
  } catch (e) {
    throw new Refused(`the body is not multipart/form-data (${e.message})`);
  }
  const params = new URLSearchParams();
  const files = [];
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  for (const part of parts) {
    if (part.filename !== null) {
      files.push(part);
      continue;
    }
    try {
      params.append(part.name, utf8.decode(part.data));
    } catch {
      throw new Refused(`field ${part.name} is not UTF-8 text`);
    }
  }
  return { params, files };
}

async function handlePost(req, res, ref, step) {
  const contentType = req.headers['content-type'] || '';
  const type = contentType.split(';')[0].trim().toLowerCase();
  const multipart = type === 'multipart/form-data';
  if (type !== 'application/x-www-form-urlencoded' && !multipart) {
    return send(res, 400, refusedPage(ref, 'The answers were not sent in the expected format.'));
  }
  const body = await readBody(req, multipart ? multipartLimit(step) : BODY_LIMIT);
  let rec;
  try {
    const { params, files } = multipart ? readMultipart(body, contentType) : { params: new URLSearchParams(body.toString('utf8')), files: [] };
    rec = acceptSubmission(ref, step, params, files);
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    console.warn(`[low] refused ${step.slug} for ${ref}: ${e.message}`);
    return send(res, 400, refusedPage(ref, 'Some answers were not protected before they were sent.'));
  }
  // Sealed files as they came, one file each: DATA/files/REF/SUBMISSION/FIELD-K.ssf.
  const files = {};
  const dir = join(FILES, ref, rec.submission.slice(rec.submission.lastIndexOf(':') + 1));
  if (existsSync(dir)) {
    // The component makes a fresh submission id per submit: this one is a replay.
    console.warn(`[low] refused ${step.slug} for ${ref}: submission ${rec.submission} already received`);
    return send(res, 400, refusedPage(ref, 'These answers were already received.'));
  }
  for (const [field, list] of Object.entries(rec.files)) {
    if (!list.length) continue;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    files[field] = list.map((data, i) => {
      const file = join(dir, `${field}-${i + 1}.ssf`);
      writeFileSync(file, data, { mode: 0o600, flag: 'wx' });
      return { file: relative(DATA, file), bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
    });
  }
  const line = {
    applicant: ref,
    step: step.slug,
    form: step.form,
    submission: rec.submission,
    kid: KEY.kid,
    received: new Date().toISOString(),
    slices: rec.slices,
    clear: rec.clear,
    files,
  };
  appendFileSync(STORE, JSON.stringify(line) + '\n', { mode: 0o600 });
  const nfiles = Object.values(files).reduce((n, l) => n + l.length, 0);
  console.log(`[low] stored ${step.slug} for ${ref}: ${Object.keys(rec.slices).length} slices, ${nfiles} sealed files, submission ${rec.submission}`);
  return redirect(res, `/apply/${ref}`);
}

// ---------------------------------------------------------------- routing
async function handle(req, res) {
  const url = new URL(req.url, 'http://localhost');
  const path = url.pathname;
  if (req.method === 'GET' && path.startsWith('/assets/')) {
    if (serveStatic(res, DIST, path)) return;
    return send(res, 404, notFoundPage());
  }
  if (path === '/' && req.method === 'GET') return send(res, 200, startPage());
  if (path === '/keys/jwks.json' && req.method === 'GET') {
    // The public key set, for pages that use data-slice-seal-jwks-url.
    const buf = Buffer.from(KEY.jwksJson);
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'application/jwk-set+json', 'Content-Length': buf.length, 'Cache-Control': 'no-cache' });
    return res.end(buf);
  }
  if (path === '/start' && req.method === 'POST') {
    const ref = randomBytes(16).toString('hex');
    appendFileSync(APPLICANTS, JSON.stringify({ applicant: ref, created: new Date().toISOString() }) + '\n', { mode: 0o600 });
    return redirect(res, `/apply/${ref}`);
  }
  const m = /^\/apply\/([0-9a-f]{32})(?:\/([a-z-]+))?$/.exec(path);
  if (m && applicantExists(m[1])) {
    const [, ref, slug] = m;
    if (!slug && req.method === 'GET') return send(res, 200, taskListPage(ref));
    const step = slug && stepBySlug(slug);
    if (step && req.method === 'GET') return send(res, 200, stepPage(ref, step));
    if (step && req.method === 'POST') return handlePost(req, res, ref, step);
  }
  return send(res, 404, notFoundPage());
}

const server = createServer((req, res) => {
  handle(req, res).catch((e) => {
    console.error('[low] error:', e.message);
    if (!res.headersSent) send(res, e.status || 500, notFoundPage());
    else res.destroy();
  });
});
server.listen(PORT, '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`[low] ${SERVICE}: http://127.0.0.1:${port}/  (kid ${KEY.kid}, data ${DATA})`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));

