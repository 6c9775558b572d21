#!/usr/bin/env node
// High side (SECRET): reads the low side's store and opens every slice with
// the private key, by calling the slice-seal CLI.
//
//   node www/high-side.mjs [--port 8081] [--data www/data] [--key DATA/keys/private.jwk]...
//                          [--cli target/release/slice-seal] [--audit DATA/audit.jsonl]
//
// --key may be given several times (or name a keyring, a JWKS of private
// keys): the keys this desk holds (default: the vetting team's). A slice
// sealed to a key it does not hold (the medical adviser's) is shown as "Not
// for this team", not as an error.
//
// Each stored slice is opened WITHOUT an expected context, and the
// authenticated context the CLI reports (form, field, submission) is checked
// against this side's own step table (lib/steps.mjs: the step's form id and
// marked field names) and the applicant the slice is filed under (the
// submission id must be APPLICANT ":" 32 hex digits: the record binding),
// and must be the submission it was stored with. A slice that does not open
// (tampered) or that was sealed for another form, field, applicant or
// submission (moved or swapped) is shown as rejected, never as an answer.
//
// Every envelope opened or refused is recorded by the CLI in the audit log
// (`slice-seal open --audit`: time, kid, form, field, submission, result,
// sha256 of the envelope; never the plaintext), synced before the answers
// are shown.
//
// Documents (sealed files, DATA/files/…) are opened with the package's Node
// API (`openFile`, --pkg DIR, default ../pkg), each with the Opener of the
// key its header names, and checked the same way: the header's
// authenticated context against the step table, the applicant and the
// submission. The applicant page lists each document (name, type, size);
// /applicant/REF/document/STEP/FIELD/K serves the opened file as an
// attachment (a safe file name, its media type only if on a short list of
// safe ones, else application/octet-stream; nosniff), or the refusal. Each
// document opened or refused is appended to the audit log too (sha256 of
// the sealed file; never its content or name).
//
// Pages: /  (applicants), /applicant/REF  (answers per step), /audit  (audit log).
// JSON:  /api/applicants, /api/applicant/REF, /api/audit  (the same, for tests and tools).

import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

import { STEPS, markedNames, fileFields } from './lib/steps.mjs';
import { parseSealedFile } from './lib/envelope.mjs';
import { safeType, disposition, safeName } from './lib/download.mjs';
import { WWW, esc, page, send, serveStatic, args, SECURITY_HEADERS } from './lib/layout.mjs';

const SERVICE = 'Vetting casework (high side)';
const opt = args(process.argv.slice(2));
const PORT = Number(opt.port ?? process.env.PORT_HIGH ?? 8081);
const DATA = resolve(opt.data ?? process.env.DATA_DIR ?? join(WWW, 'data'));
const DIST = resolve(opt.dist ?? process.env.DIST_DIR ?? join(WWW, 'dist'));
// Every --key (args() keeps only the last of a repeated option).
const keyArgs = process.argv.slice(2).flatMap((a, i, all) => (a === '--key' && i + 1 < all.length ? [all[i + 1]] : []));
const KEYS = (keyArgs.length ? keyArgs : [join(DATA, 'keys', 'private.jwk')]).map((k) => resolve(k));
const CLI = resolve(opt.cli ?? process.env.SLICE_SEAL_CLI ?? join(WWW, '..', 'target', 'release', 'slice-seal'));
const AUDIT = resolve(opt.audit ?? join(DATA, 'audit.jsonl'));
const STORE = join(DATA, 'submissions.jsonl');
const PKG = resolve(opt.pkg ?? process.env.SLICE_SEAL_PKG ?? join(WWW, '..', 'pkg'));
const CLI_TIMEOUT_MS = 60_000;
/** Newest audit entries shown (the file itself keeps everything). */
const AUDIT_SHOWN = 500;

for (const k of KEYS) if (!existsSync(k)) throw new Error(`private key not found: ${k}`);
if (!existsSync(CLI)) throw new Error(`slice-seal CLI not found: ${CLI} (cargo build --release)`);
if (!existsSync(join(PKG, 'node.mjs'))) throw new Error(`slice-seal package not found: ${PKG}/node.mjs (bash .ci/build-pkg)`);
const api = await import(pathToFileURL(join(PKG, 'node.mjs')).href);

/** One Opener per private key this desk holds (a key file, or a keyring: a JWKS of private keys), by kid. */
function loadOpeners() {
  const out = new Map();
  for (const file of KEYS) {
    const text = readFileSync(file, 'utf8');
    let keys = [text];
    try {
      const j = JSON.parse(text);
      keys = Array.isArray(j.keys) ? j.keys : [j];
    } catch {
      keys = [text]; // PEM
    }
    for (const k of keys) {
      const opener = new api.Opener(k);
      out.set(opener.kid, opener);
    }
  }
  return out;
}
const OPENERS = loadOpeners();

function readStore() {
  if (!existsSync(STORE)) return [];
  const out = [];
  for (const line of readFileSync(STORE, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      out.push({ corrupt: true });
    }
  }
  return out;
}

/** Open envelopes with the CLI: one `slice-seal open --json` per batch. */
function openBatch(envelopes) {
  return new Promise((ok, bad) => {
    if (envelopes.length === 0) return ok([]);
    const child = spawn(CLI, ['open', ...KEYS.flatMap((k) => ['--key', k]), '--json', '--audit', AUDIT], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', (e) => {
      clearTimeout(timer);
      bad(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      // 0: all opened; 1: some lines failed (reported per line); else: fatal.
      if (code !== 0 && code !== 1) {
        return bad(new Error(`slice-seal open exited ${code}: ${Buffer.concat(err).toString().trim()}`));
      }
      const byLine = new Map();
      for (const l of Buffer.concat(out).toString('utf8').split('\n')) {
        if (!l.trim()) continue;
        const r = JSON.parse(l);
        byLine.set(r.line, r);
      }
      ok(envelopes.map((_, i) => byLine.get(i + 1) ?? { error: { code: 'NO_RESULT', message: 'no result from the CLI' } }));
    });
    // One envelope per line; a stored value with a line break cannot be an
    // envelope, so it is replaced by a line that fails to parse.
    child.stdin.end(envelopes.map((e) => (typeof e === 'string' && !/[\r\n]/.test(e) ? e : 'not-an-envelope')).join('\n') + '\n');
  });
}

/** Append audit lines (as the CLI's: time, kid, context, result, sha256; never content) and sync them. */
function audit(entries) {
  if (!entries.length) return;
  const fd = openSync(AUDIT, 'a', 0o600);
  try {
    writeSync(fd, entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Open document K (1-based) of `field` in the stored submission `rec` of
 * applicant `ref`, and check it as a text slice is checked. Returns a
 * verdict: {ok: true, name, type, size, bytes} or {ok: false, code, reason
 * (, notForTeam)}. Audited.
 */
async function openDocument(ref, rec, field, k) {
  const entry = rec.files?.[field]?.[k - 1];
  const step = STEPS.find((s) => s.slug === rec.step);
  const where = entry && typeof entry.file === 'string' ? resolve(DATA, entry.file) : null;
  const log = { time: new Date().toISOString(), line: null, kid: null, form: null, field: null, submission: null, result: 'OK', sha256: null, file: entry?.file ?? null };
  let verdict;
  try {
    if (!where || !where.startsWith(join(DATA, 'files') + sep) || !existsSync(where)) {
      verdict = { ok: false, code: 'NOT_FOUND', reason: 'the stored file is missing' };
      return verdict;
    }
    const buf = readFileSync(where);
    log.sha256 = createHash('sha256').update(buf).digest('hex');
    let clear;
    try {
      clear = parseSealedFile(buf);
    } catch (e) {
      verdict = { ok: false, code: e.code, reason: e.message };
      return verdict;
    }
    Object.assign(log, { kid: clear.kid, form: clear.form, field: clear.field, submission: clear.submission });
    const opener = OPENERS.get(clear.kid);
    if (!opener) {
      verdict = { ok: false, notForTeam: true, code: 'KEY_NOT_FOUND', reason: 'sealed to a key this team does not hold' };
      return verdict;
    }
    let f;
    try {
      // No expected context: the authenticated one is checked below, against this side's own table.
      f = await api.openFile(opener, new Blob([buf]));
    } catch (e) {
      verdict = { ok: false, code: e.code ?? 'OPEN_FAILED', reason: e.message };
      return verdict;
    }
    const c = f.context;
    const sub = c.submission ?? '';
    const cut = sub.lastIndexOf(':');
    const record = cut < 0 ? null : sub.slice(0, cut);
    if (!step || c.form !== step.form || c.field !== field || !fileFields(step).some((x) => x.name === field)) {
      verdict = { ok: false, code: 'CONTEXT_MISMATCH', reason: `sealed for form ${c.form}, field ${c.field}; filed under step ${rec.step} (form ${step ? step.form : 'unknown'}), field ${field}` };
    } else if (record !== ref || !/^[0-9a-f]{32}$/.test(sub.slice(cut + 1))) {
      verdict = { ok: false, code: 'CONTEXT_MISMATCH', reason: `sealed for the record ${record ?? '(none)'}; filed under applicant ${ref}` };
    } else if (sub !== rec.submission) {
      verdict = { ok: false, code: 'CONTEXT_MISMATCH', reason: `sealed for submission ${sub}; stored with submission ${rec.submission}` };
    } else {
      verdict = { ok: true, name: f.name, type: f.type, size: f.size, bytes: new Uint8Array(await f.blob.arrayBuffer()) };
    }
    return verdict;
  } finally {
    log.result = verdict?.ok ? 'OK' : (verdict?.code ?? 'OPEN_FAILED');
    audit([log]);
  }
}

/** The latest stored submission of each step for `ref`. */
function latestSubmissions(ref) {
  const latest = new Map();
  for (const rec of readStore()) if (rec.applicant === ref) latest.set(rec.step, rec);
  return latest;
}

/** Latest submission per step for `ref`, every slice opened and checked. */
async function applicantAnswers(ref) {
  const latest = latestSubmissions(ref);
  const slices = [];
  for (const rec of latest.values()) {
    for (const [field, envelope] of Object.entries(rec.slices ?? {})) slices.push({ rec, field, envelope });
  }
  const results = await openBatch(slices.map((s) => s.envelope));
  const steps = {};
  for (const [step, rec] of latest) {
    steps[step] = { form: rec.form, submission: rec.submission, received: rec.received, fields: {}, clear: rec.clear ?? {}, files: {} };
    // Documents: opened and checked; listed by name, type and size (the content only by download).
    for (const [field, list] of Object.entries(rec.files ?? {})) {
      steps[step].files[field] = [];
      for (let k = 1; k <= (Array.isArray(list) ? list.length : 0); k++) {
        const { bytes, ...v } = await openDocument(ref, rec, field, k);
        steps[step].files[field].push({ ...v, k, href: `/applicant/${ref}/document/${step}/${field}/${k}`, sealedBytes: list[k - 1].bytes });
      }
    }
  }
  slices.forEach(({ rec, field, envelope }, i) => {
    const r = results[i];
    // This side's own table: the step the slice is filed under.
    const step = STEPS.find((s) => s.slug === rec.step);
    const sep = typeof r.submission === 'string' ? r.submission.lastIndexOf(':') : -1;
    const record = sep < 0 ? null : r.submission.slice(0, sep);
    let verdict;
    if (r.error && r.error.code === 'KEY_NOT_FOUND') {
      verdict = { ok: false, notForTeam: true, code: 'KEY_NOT_FOUND', reason: 'sealed to a key this team does not hold' };
    } else if (r.error) {
      verdict = { ok: false, code: r.error.code, reason: r.error.message };
    } else if (!step || r.form !== step.form || r.field !== field || !markedNames(step).includes(field)) {
      verdict = {
        ok: false,
        code: 'CONTEXT_MISMATCH',
        reason: `sealed for form ${r.form}, field ${r.field}; ` +
          `filed under step ${rec.step} (form ${step ? step.form : 'unknown'}), field ${field}`,
      };
    } else if (record !== ref || !/^[0-9a-f]{32}$/.test(r.submission.slice(sep + 1))) {
      verdict = {
        ok: false,
        code: 'CONTEXT_MISMATCH',
        reason: `sealed for the record ${record ?? '(none)'}; filed under applicant ${ref}`,
      };
    } else if (r.submission !== rec.submission) {
      verdict = {
        ok: false,
        code: 'CONTEXT_MISMATCH',
        reason: `sealed for submission ${r.submission}; stored with submission ${rec.submission}`,
      };
    } else if (typeof r.plaintext !== 'string') {
      verdict = { ok: false, code: 'NOT_TEXT', reason: 'the answer is not UTF-8 text' };
    } else {
      verdict = { ok: true, value: r.plaintext, kid: r.kid };
    }
    verdict.envelopeBytes = typeof envelope === 'string' ? envelope.length : 0;
    steps[rec.step].fields[field] = verdict;
  });
  return { applicant: ref, steps };
}

/** The newest audit entries, newest first (a corrupt line is shown as such). */
function readAudit() {
  if (!existsSync(AUDIT)) return [];
  const lines = readFileSync(AUDIT, 'utf8').split('\n').filter((l) => l.trim());
  return lines.slice(-AUDIT_SHOWN).reverse().map((l) => {
    try {
      const e = JSON.parse(l);
      return e && typeof e === 'object' ? e : { result: 'CORRUPT_ENTRY' };
    } catch {
      return { result: 'CORRUPT_ENTRY' };
    }
  });
}

function applicants() {
  const map = new Map();
  for (const rec of readStore()) {
    if (!rec.applicant) continue;
    const a = map.get(rec.applicant) ?? { applicant: rec.applicant, steps: new Set(), last: rec.received };
    a.steps.add(rec.step);
    a.last = rec.received;
    map.set(rec.applicant, a);
  }
  return [...map.values()].map((a) => ({ applicant: a.applicant, steps: [...a.steps], last: a.last }));
}

// ---------------------------------------------------------------- pages
function valueHtml(f, name, v) {
  if (!v) return '<span class="govuk-hint">Not received</span>';
  if (v.notForTeam) {
    return '<strong class="govuk-tag govuk-tag--grey app-not-for-team">Not for this team</strong>\n' +
      '<p class="govuk-body-s">This answer is sealed to another team\'s key.</p>';
  }
  if (!v.ok) {
    return `<strong class="govuk-tag govuk-tag--red">Rejected</strong>
<p class="govuk-body-s app-rejected-reason">${esc(v.code)}: ${esc(v.reason)}</p>`;
  }
  if (v.value === '' || v.value === '[]') return '<span class="govuk-hint">Left blank</span>';
  if (f.kind === 'checkboxes') {
    let vals;
    try {
      vals = JSON.parse(v.value);
    } catch {
      vals = [v.value];
    }
    const label = (x) => f.options.find(([o]) => o === x)?.[1] ?? x;
    return `<ul class="govuk-list">${vals.map((x) => `<li>${esc(label(x))}</li>`).join('')}</ul>`;
  }
  if (f.options && f.kind === 'radios') {
    const o = f.options.find(([x]) => x === v.value);
    return esc(o ? o[1] : v.value);
  }
  if (f.kind === 'textarea' && v.value.length > 2000) {
    return `<div class="app-answer">${esc(v.value.slice(0, 2000))}…</div><p class="govuk-body-s">(${v.value.length} characters)</p>`;
  }
  return `<div class="app-answer">${esc(v.value)}</div>`;
}

/** "12 KB", "1.5 MB": a file size for people. */
function sizeText(n) {
  if (n >= 1024 * 1024) return `${Number((n / 1024 / 1024).toFixed(1))} MB`;
  if (n >= 1024) return `${Number((n / 1024).toFixed(1))} KB`;
  return `${n} bytes`;
}

function documentsHtml(list) {
  if (!list || !list.length) return '<span class="govuk-hint">No file uploaded</span>';
  return `<ul class="govuk-list app-documents">${list.map((v) => {
    if (v.notForTeam) return '<li><strong class="govuk-tag govuk-tag--grey app-not-for-team">Not for this team</strong></li>';
    if (!v.ok) {
      return `<li><strong class="govuk-tag govuk-tag--red">Rejected</strong>
<p class="govuk-body-s app-rejected-reason">${esc(v.code)}: ${esc(v.reason)}</p></li>`;
    }
    return `<li><a class="govuk-link app-document" href="${esc(v.href)}" download>${esc(safeName(v.name, 'Unnamed file'))}</a>
<span class="govuk-body-s">(${esc(v.type || 'unknown type')}, ${sizeText(v.size)})</span></li>`;
  }).join('\n')}</ul>`;
}

function rowsFor(step, data) {
  const rows = [];
  for (const f of step.fields) {
    if (f.kind === 'file') {
      rows.push(`<div class="govuk-summary-list__row" data-field="${esc(f.name)}">
  <dt class="govuk-summary-list__key">${esc(f.label)}</dt>
  <dd class="govuk-summary-list__value">${documentsHtml(data.files?.[f.name])}</dd>
</div>`);
      continue;
    }
    const names = f.kind === 'date' ? f.parts : [f.name];
    for (const n of names) {
      const label = f.kind === 'date' ? `${f.label} (${n.split('-').pop()})` : f.label;
      const v = f.marked ? data.fields[n] : (data.clear[n] !== undefined ? { ok: true, value: data.clear[n] } : { ok: true, value: '' });
      rows.push(`<div class="govuk-summary-list__row" data-field="${esc(n)}">
  <dt class="govuk-summary-list__key">${esc(label)}${f.marked ? '' : ' <span class="govuk-hint">(not sealed)</span>'}</dt>
  <dd class="govuk-summary-list__value">${valueHtml(f, n, v)}</dd>
</div>`);
    }
  }
  return rows.join('\n');
}

function applicantPage(ans) {
  const sections = STEPS.map((s) => {
    const d = ans.steps[s.slug];
    if (!d) return `<h2 class="govuk-heading-m">${esc(s.title)}</h2><p class="govuk-body">Not received yet.</p>`;
    const rejected = [...Object.values(d.fields), ...Object.values(d.files ?? {}).flat()].filter((v) => !v.ok && !v.notForTeam).length;
    return `<h2 class="govuk-heading-m">${esc(s.title)}</h2>
<p class="govuk-body-s">Form ${esc(d.form)}, submission ${esc(d.submission)}, received ${esc(d.received)}.
${rejected ? `<strong class="govuk-tag govuk-tag--red">${rejected} rejected</strong>` : ''}</p>
<dl class="govuk-summary-list" data-step="${esc(s.slug)}">
${rowsFor(s, d)}
</dl>`;
  }).join('\n');
  return page({
    title: `Applicant ${ans.applicant}`,
    serviceName: SERVICE,
    jsNotice: false,
    beforeContent: '<a href="/" class="govuk-back-link">All applicants</a>',
    body: `<span class="govuk-caption-l">Applicant</span>
<h1 class="govuk-heading-l app-reference">${esc(ans.applicant)}</h1>
${sections}`,
  });
}

function listPage(list) {
  const rows = list.map((a) => `<tr class="govuk-table__row">
  <td class="govuk-table__cell"><a class="govuk-link" href="/applicant/${esc(a.applicant)}">${esc(a.applicant)}</a></td>
  <td class="govuk-table__cell">${a.steps.length} of ${STEPS.length}</td>
  <td class="govuk-table__cell">${esc(a.last)}</td>
</tr>`).join('\n');
  return page({
    title: 'Applicants',
    serviceName: SERVICE,
    jsNotice: false,
    body: `<h1 class="govuk-heading-l">Applicants</h1>
<p class="govuk-body"><a class="govuk-link" href="/audit">Audit log</a> of every slice opened or refused.</p>
${list.length ? `<table class="govuk-table">
<caption class="govuk-table__caption govuk-table__caption--m">Applications received</caption>
<thead class="govuk-table__head"><tr class="govuk-table__row">
<th scope="col" class="govuk-table__header">Reference</th>
<th scope="col" class="govuk-table__header">Sections received</th>
<th scope="col" class="govuk-table__header">Last received</th>
</tr></thead>
<tbody class="govuk-table__body">
${rows}
</tbody></table>` : '<p class="govuk-body">No applications yet.</p>'}`,
  });
}

function auditPage(entries) {
  const cell = (v) => `<td class="govuk-table__cell">${v}</td>`;
  const rows = entries.map((e) => `<tr class="govuk-table__row" data-result="${esc(e.result)}">
  ${cell(esc(e.time ?? ''))}
  ${cell(e.result === 'OK'
    ? '<strong class="govuk-tag govuk-tag--green">Opened</strong>'
    : `<strong class="govuk-tag govuk-tag--red">Refused</strong> <span class="govuk-body-s">${esc(e.result)}</span>`)}
  ${cell(esc(e.form ?? '–'))}
  ${cell(esc(e.field ?? '–'))}
  ${cell(esc(e.submission ?? '–'))}
  ${cell(`<code>${esc(String(e.kid ?? '–').slice(0, 12))}</code>`)}
  ${cell(`<code>${esc(String(e.sha256 ?? '').slice(0, 16))}</code>`)}
</tr>`).join('\n');
  return page({
    title: 'Audit log',
    serviceName: SERVICE,
    jsNotice: false,
    beforeContent: '<a href="/" class="govuk-back-link">All applicants</a>',
    body: `<h1 class="govuk-heading-l">Audit log</h1>
<p class="govuk-body">Every slice opened or refused on this system, newest first${entries.length >= AUDIT_SHOWN ? ` (the latest ${AUDIT_SHOWN})` : ''}.
The log records which slice was opened, with which key, and the result. It never records an answer.</p>
${entries.length ? `<table class="govuk-table app-audit">
<caption class="govuk-table__caption govuk-table__caption--m">Slices opened</caption>
<thead class="govuk-table__head"><tr class="govuk-table__row">
<th scope="col" class="govuk-table__header">Time (UTC)</th>
<th scope="col" class="govuk-table__header">Result</th>
<th scope="col" class="govuk-table__header">Form</th>
<th scope="col" class="govuk-table__header">Field</th>
<th scope="col" class="govuk-table__header">Submission</th>
<th scope="col" class="govuk-table__header">Key id</th>
<th scope="col" class="govuk-table__header">Envelope SHA-256</th>
</tr></thead>
<tbody class="govuk-table__body">
${rows}
</tbody></table>` : '<p class="govuk-body">No slices opened yet.</p>'}`,
  });
}

/** GET /applicant/REF/document/STEP/FIELD/K: the opened document as an attachment, or why it was refused. */
async function serveDocument(res, ref, slug, field, k) {
  const rec = latestSubmissions(ref).get(slug);
  if (!rec || !rec.files?.[field]?.[k - 1]) {
    return send(res, 404, page({ title: 'Page not found', serviceName: SERVICE, jsNotice: false, body: '<h1 class="govuk-heading-l">Page not found</h1>' }));
  }
  const v = await openDocument(ref, rec, field, k);
  if (!v.ok) {
    return send(res, v.notForTeam ? 403 : 422, page({
      title: 'Document not opened',
      serviceName: SERVICE,
      jsNotice: false,
      beforeContent: `<a href="/applicant/${ref}" class="govuk-back-link">Back to the applicant</a>`,
      body: `<h1 class="govuk-heading-l">Document not opened</h1>
${v.notForTeam ? '<strong class="govuk-tag govuk-tag--grey app-not-for-team">Not for this team</strong>' : '<strong class="govuk-tag govuk-tag--red">Rejected</strong>'}
<p class="govuk-body app-rejected-reason">${esc(v.code)}: ${esc(v.reason)}</p>`,
    }));
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    // A download: nothing in it may run, even if a browser rendered it.
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Content-Type': safeType(v.type),
    'Content-Disposition': disposition(v.name, `${field}-${k}`),
    'Content-Length': v.bytes.length,
    'Cache-Control': 'no-store',
  });
  res.end(v.bytes);
}

function json(res, status, obj) {
  const buf = Buffer.from(JSON.stringify(obj));
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json', 'Content-Length': buf.length, 'Cache-Control': 'no-store' });
  res.end(buf);
}

async function handle(req, res) {
  const path = new URL(req.url, 'http://localhost').pathname;
  if (req.method !== 'GET') return json(res, 405, { error: 'method not allowed' });
  if (path.startsWith('/assets/') && serveStatic(res, DIST, path)) return;
  if (path === '/') return send(res, 200, listPage(applicants()));
  if (path === '/api/applicants') return json(res, 200, applicants());
  if (path === '/audit') return send(res, 200, auditPage(readAudit()));
  if (path === '/api/audit') return json(res, 200, readAudit());
  let m = /^\/applicant\/([0-9a-f]{32})$/.exec(path);
  if (m) return send(res, 200, applicantPage(await applicantAnswers(m[1])));
  m = /^\/api\/applicant\/([0-9a-f]{32})$/.exec(path);
  if (m) return json(res, 200, await applicantAnswers(m[1]));
  m = /^\/applicant\/([0-9a-f]{32})\/document\/([a-z-]+)\/([a-z-]+)\/([1-9][0-9]{0,2})$/.exec(path);
  if (m) return serveDocument(res, m[1], m[2], m[3], Number(m[4]));
  return send(res, 404, page({ title: 'Page not found', serviceName: SERVICE, jsNotice: false, body: '<h1 class="govuk-heading-l">Page not found</h1>' }));
}

const server = createServer((req, res) => {
  handle(req, res).catch((e) => {
    console.error('[high] error:', e.message);
    if (!res.headersSent) json(res, 500, { error: 'internal error' });
    else res.destroy();
  });
});
server.listen(PORT, '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`[high] ${SERVICE}: http://127.0.0.1:${port}/  (keys ${KEYS.join(', ')})`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
