// Types for `slice-seal/form` (pkg-template/form.js): the GOV.UK-style form component.

import type { Jwks, SliceSealErrorCode, SliceSealFileErrorCode } from './index.js';

/** Every `code` the form component reports: the core's, the file functions' (sealing a file input's files), and its own. */
export type SliceSealFormErrorCode =
  | SliceSealErrorCode
  | SliceSealFileErrorCode
  | 'FORM_CONFIG'
  /** An answer or a file selection changed while the form was being sealed: nothing sent, the new one kept. */
  | 'FORM_CHANGED'
  | 'FILE_TOO_LARGE'
  | 'NETWORK_ERROR'
  | 'NOT_READY'
  | 'WASM_UNAVAILABLE';

/** What the component throws and reports: an `Error` with a stable `code`. */
export declare class SliceSealFormError extends Error {
  constructor(code: SliceSealFormErrorCode, message: string);
  name: 'SliceSealError';
  code: SliceSealFormErrorCode;
  /** FILE_TOO_LARGE: the inputs at fault and their messages (shown at each input and in the summary). */
  fieldErrors?: FieldError[];
}

/** `detail` of `slice-seal:sent`, and the argument of `onSealed`. */
export interface SealedDetail {
  /** The form id (`data-slice-seal-form` / `formId`). */
  formId: string;
  /**
   * The submission id, also sent as `slice-seal-submission`: 32 hex digits,
   * or `RECORD:` and 32 hex digits when the form has a record reference.
   */
  submission: string;
  /** Names of the fields that were sent sealed. */
  fields: string[];
  /**
   * The server's response (fetch mode), or null (native mode: the page
   * navigates). A native-mode form with a marked file input is sent with
   * fetch too: the component follows the server's redirect (response null);
   * a 2xx answer without a redirect is given here and the page stays (the
   * form then sends nothing more until the page is left or shown again).
   */
  response: Response | null;
}

/** `detail` of `slice-seal:error`. */
export interface ErrorDetail {
  error: SliceSealFormError;
  code: SliceSealFormErrorCode;
  /** 'init': the form could not be protected or its keys checked; 'submit': a submit was stopped. */
  phase: 'init' | 'submit';
  formId: string;
}

/** `detail` of `slice-seal:prepared`. */
export interface PreparedDetail {
  /** Slices whose P-256 work is done ahead (all the form's keys together). */
  prepared: number;
  formId: string;
}

/**
 * Configuration of a protected form. Every option but the callbacks and
 * `jwks` can also be given in markup as the data attribute named below;
 * options given to the constructor win over the markup.
 */
export interface SliceSealFormConfig {
  /** Form id sealed into every slice (`data-slice-seal-form`). Required. */
  formId?: string;
  /** Pinned key id (RFC 7638 thumbprint) (`data-slice-seal-kid`; else the key script's). */
  kid?: string;
  /** Recipient key set (object or JSON text); else the inline key script or `jwksUrl`. */
  jwks?: Jwks | string;
  /** URL of the recipient key set (`data-slice-seal-jwks-url`), fetched once, same-origin credentials. */
  jwksUrl?: string;
  /** 'native' (default): submit a hidden shadow form; 'fetch': send with fetch and stay on the page (`data-slice-seal-submit`). */
  submit?: 'native' | 'fetch';
  /** Record reference (`data-slice-seal-record`) bound into every slice's submission id: `RECORD:` + 32 hex digits. */
  record?: string;
  /**
   * Default per-file size limit, in bytes, of the form's marked file inputs
   * (`data-slice-seal-max-bytes` on the form; the same attribute on an input
   * or its marked wrapper wins). A selected file over it is `FILE_TOO_LARGE`,
   * shown at the input before anything is sealed. No limit by default.
   */
  maxFileBytes?: number;
  /** Called once the sealed answers were handed over (native) or accepted by the server (fetch). */
  onSealed?: (detail: SealedDetail) => void;
  /** Called with every error reported for this form (set-up and submit). */
  onError?: (error: SliceSealFormError) => void;
}

/** Old name of `SliceSealFormConfig`. */
export type ProtectFormOptions = SliceSealFormConfig;

/** The schema the configuration is checked against. */
export declare const CONFIG_SCHEMA: Readonly<Record<keyof SliceSealFormConfig, {
  type: 'string' | 'function' | 'jwks' | 'bytes';
  attribute?: string;
  required?: boolean;
  enum?: readonly string[];
}>>;

/** One protected form. */
export declare class SliceSealForm {
  static readonly moduleName: 'slice-seal';
  static readonly defaults: Readonly<{ submit: 'native' }>;
  static readonly schema: typeof CONFIG_SCHEMA;
  /** The component on `form`, if any. */
  static getInstance(form: HTMLFormElement): SliceSealForm | null;
  /**
   * Protect `form` at once: its marked controls lose their `name` (kept in
   * `data-slice-seal-name`). Throws a `SliceSealFormError` (FORM_CONFIG,
   * INVALID_CONTEXT) if it is not set up correctly.
   */
  constructor($root: HTMLFormElement, config?: SliceSealFormConfig);
  readonly $root: HTMLFormElement;
  readonly formId: string;
  /** Settles once the wasm is loaded and the keys are checked (never rejects: errors are reported). */
  readonly ready: Promise<void>;
  /** Seal and send now, as a submit with `submitter` would; rejects with a `SliceSealFormError`. */
  submit(submitter?: HTMLElement | null): Promise<SealedDetail>;
  /** Empty every marked control. */
  clear(): void;
}

/** Start a component on every `form[data-module="slice-seal"]` under `root` without one; returns them. */
export function createAll(root?: Element | Document, config?: SliceSealFormConfig): SliceSealForm[];
/** Like `createAll`; returns how many forms were protected. */
export function initAll(root?: Element | Document, config?: SliceSealFormConfig): number;
/** `new SliceSealForm(form, options)`. */
export function protectForm(form: HTMLFormElement, options?: SliceSealFormConfig): SliceSealForm;
/** Old name of `initAll`. */
export function autoInit(root?: Element | Document): number;
/** Name of the field that carries the submission id. */
export const SUBMISSION_FIELD: 'slice-seal-submission';

export interface SliceSealFormModule {
  SliceSealForm: typeof SliceSealForm;
  protectForm: typeof protectForm;
  autoInit: typeof autoInit;
  initAll: typeof initAll;
  createAll: typeof createAll;
  showErrorSummary: typeof showErrorSummary;
  /** Number of forms protected by the automatic start. */
  count: number;
  /** The package's public API (`slice-seal`), loaded; `null` if the page had no slice-seal form at start (nothing loaded). */
  api: typeof import('./index.js') | null;
}

/** Resolves once the WebAssembly module is loaded (at once, without loading it, on a page with no slice-seal form); rejects if it could not load. */
export const ready: Promise<SliceSealFormModule>;

/** An error of one input, listed in the error summary as a link to it. */
export interface FieldError {
  el: HTMLInputElement;
  message: string;
}

/**
 * Show the GOV.UK error summary ("Your answers have not been sent") for a
 * form; with `items`, their messages are listed as links to their inputs.
 */
export function showErrorSummary(form: HTMLFormElement, items?: FieldError[]): HTMLElement;

declare global {
  interface HTMLElementEventMap {
    'slice-seal:sent': CustomEvent<SealedDetail>;
    'slice-seal:error': CustomEvent<ErrorDetail>;
    'slice-seal:prepared': CustomEvent<PreparedDetail>;
  }
  interface DocumentEventMap {
    'slice-seal:sent': CustomEvent<SealedDetail>;
    'slice-seal:error': CustomEvent<ErrorDetail>;
    'slice-seal:prepared': CustomEvent<PreparedDetail>;
  }
}
