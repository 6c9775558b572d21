// The vetting application: its steps, their form ids and fields. Shared by the
// low side (renders forms, validates what arrives) and the high side (shows
// the opened answers under the right labels).
//
// `marked: true` = a slice: the browser seals it, the low side only ever
// stores its envelope. `reader: 'medical'` = sealed to the medical adviser's
// key (the control's data-slice-seal-kid) instead of the vetting team's.
// `kind: 'file'` = a document: sealed in the browser as a sealed file
// (docs/FORMAT.md §10), sent as binary parts, stored as it came. Each step is a separate form with its own form id, so
// a slice sealed for one step cannot be replayed into another.

/** Per-file limit of the demo's file uploads (data-slice-seal-max-bytes): 5 MiB. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export const NATIONALITIES = [
  'British', 'Irish', 'French', 'German', 'Indian', 'Japanese', 'Polish', 'Other',
];

export const STEPS = [
  {
    slug: 'personal-details',
    form: 'vetting-step-1',
    title: 'Personal details',
    hint: 'Your name, date of birth and nationality.',
    fields: [
      { name: 'full-name', marked: true, kind: 'text', label: 'Full name', autocompleteHint: 'name' },
      { name: 'date-of-birth', marked: true, kind: 'date', label: 'Date of birth',
        hint: 'For example, 27 3 1985', parts: ['date-of-birth-day', 'date-of-birth-month', 'date-of-birth-year'] },
      { name: 'nationality', marked: true, kind: 'select', label: 'Nationality',
        options: NATIONALITIES },
      { name: 'contact-preference', marked: false, kind: 'radios', optional: true,
        label: 'How should we contact you about your application?',
        hint: 'This answer is not sensitive and is not sealed.',
        options: [['email', 'Email'], ['post', 'Post'], ['phone', 'Phone']] },
    ],
  },
  {
    slug: 'address-history',
    form: 'vetting-step-2',
    title: 'Address history',
    hint: 'Where you have lived in the last 10 years.',
    fields: [
      { name: 'previous-addresses', marked: true, kind: 'textarea', label: 'Previous addresses',
        hint: 'List every address you have lived at in the last 10 years, with dates. Leave blank if you have not moved.' },
      { name: 'lived-abroad', marked: true, kind: 'radios',
        label: 'Have you lived outside the UK for more than 6 months in the last 10 years?',
        options: [['yes', 'Yes'], ['no', 'No']] },
    ],
  },
  {
    slug: 'declarations',
    form: 'vetting-step-3',
    title: 'Declarations',
    hint: 'Criminal record and financial history.',
    submit: 'fetch',
    fields: [
      { name: 'criminal-record', marked: true, kind: 'radios',
        label: 'Do you have any unspent criminal convictions?',
        options: [['yes', 'Yes'], ['no', 'No']] },
      { name: 'criminal-record-details', marked: true, kind: 'textarea', optional: true,
        label: 'Give details of any convictions', hint: 'Leave blank if you answered no.' },
      { name: 'financial-issues', marked: true, kind: 'checkboxes',
        label: 'Have you had any of these financial problems in the last 6 years?',
        hint: 'Select all that apply.',
        options: [['bankruptcy', 'Bankruptcy'], ['ccj', 'County court judgment'],
          ['iva', 'Individual voluntary arrangement'], ['arrears', 'Debt arrears of more than 3 months']] },
      { name: 'health-conditions', marked: true, reader: 'medical', kind: 'textarea', optional: true,
        label: 'Do you have a health condition that could affect your work?',
        hint: 'Only the medical adviser can read this answer, not the vetting team. Leave blank if not.' },
    ],
  },
  {
    slug: 'identity-documents',
    form: 'vetting-step-4',
    title: 'Identity documents',
    hint: 'A scan of your passport, and any other documents.',
    fields: [
      { name: 'passport-scan', marked: true, kind: 'file', optional: true, maxBytes: MAX_FILE_BYTES,
        label: 'Upload a scan of your passport',
        hint: 'The page with your photo on it. The file must be smaller than 5MB.',
        accept: '.pdf,.jpg,.jpeg,.png' },
      { name: 'supporting-documents', marked: true, kind: 'file', multiple: true, optional: true, maxBytes: MAX_FILE_BYTES,
        maxFiles: 5, label: 'Other supporting documents (optional)',
        hint: 'For example, a letter from your employer. You can select up to 5 files, each smaller than 5MB.' },
    ],
  },
];

/** Whether `field` is a file upload (sealed as a file, sent as binary parts). */
export function isFile(field) {
  return field.kind === 'file';
}

/** The file fields of `step`. */
export function fileFields(step) {
  return step.fields.filter((f) => f.marked && isFile(f));
}

/** The names that arrive for a field: a date group sends one per part. */
export function controlNames(field) {
  return field.kind === 'date' ? field.parts : [field.name];
}

/** Names the browser must send as sealed text (envelopes) for `step`; file fields are not among them. */
export function markedNames(step) {
  return step.fields.filter((f) => f.marked && !isFile(f)).flatMap(controlNames);
}

/** Names that may arrive in clear for `step`. */
export function clearNames(step) {
  return step.fields.filter((f) => !f.marked).flatMap(controlNames);
}

export function stepBySlug(slug) {
  return STEPS.find((s) => s.slug === slug);
}

/** Who can read a marked field: 'vetting' (the form's pinned key) or the field's `reader`. */
export function readerOf(field) {
  return field.reader ?? 'vetting';
}

/** The reader of the marked control `name` of `step` (a date part is its field's). */
export function readerOfName(step, name) {
  const f = step.fields.find((x) => x.marked && controlNames(x).includes(name));
  return f ? readerOf(f) : null;
}
