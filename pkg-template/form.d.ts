// Types for `slice-seal/form` (pkg-template/form.js).

export interface SealedDetail {
  /** The form's data-slice-seal-form id. */
  formId: string;
  /** Random submission id (32 hex digits), also sent as `slice-seal-submission`. */
  submission: string;
  /** Names of the fields that were sent sealed. */
  fields: string[];
  /** The server's response (fetch mode), or null (native mode: the page navigates). */
  response: Response | null;
}

export interface ProtectFormOptions {
  /** Pinned key id (RFC 7638 thumbprint); else the form's data-slice-seal-kid. */
  kid?: string;
  /** Recipient JWKS (object or JSON text); else the inline key script or data-slice-seal-jwks-url. */
  jwks?: object | string;
  /** URL of the recipient JWKS (fetched once, same-origin credentials). */
  jwksUrl?: string;
  /** Called once the sealed answers were handed over (native) or accepted by the server (fetch). */
  onSealed?: (detail: SealedDetail) => void;
  /** 'native' (default): submit a hidden shadow form; 'fetch': POST with fetch and stay on the page. */
  submit?: 'native' | 'fetch';
}

export interface SliceSealForm {
  protectForm(form: HTMLFormElement, options?: ProtectFormOptions): void;
  autoInit(root?: Element): number;
  /** Number of forms protected by the automatic start. */
  count: number;
}

/** Resolves once the WebAssembly module is loaded and every opted-in form is protected. */
export const ready: Promise<SliceSealForm>;

/** Show the GOV.UK error summary ("Your answers have not been sent") for a form. */
export function showErrorSummary(form: HTMLFormElement): HTMLElement;
