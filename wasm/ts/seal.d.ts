// slice-seal: sealing and opening types.
// Part of web/slice_seal.d.ts (concatenated by .ci/build-pkg, wasm/ts/*.d.ts in name order).
/** Where a slice belongs. A slice opens only under the context it was sealed with. */
export interface SealContext {
  /** Form id, 1–256 UTF-8 bytes, no control characters. */
  form: string;
  /** Field name, 1–256 UTF-8 bytes, no control characters. */
  field: string;
  /** Submission id (optional), 1–256 UTF-8 bytes, no control characters. */
  submission?: string;
}

/** Options of `new Sealer(...)`. */
export interface SealerOptions {
  /** Expected key id: the key is refused (KID_MISMATCH) unless its thumbprint is this. */
  kid?: string;
  /**
   * Where `sealAsync`/`prepareAsync`/`sealMany` do the P-256 work (and the
   * AES-GCM of large values): `"auto"` (default) WebCrypto or wasm, whichever
   * this page measured faster (see `backendTimings`); `true` WebCrypto
   * wherever `crypto.subtle` works; `false` wasm only.
   */
  webCrypto?: WebCryptoMode;
}

/** One answer for `Sealer.sealMany`. */
export interface SealItem {
  plaintext: string | Uint8Array;
  context: SealContext;
}

/** Options of `new Opener(...)`. */
export interface OpenerOptions {
  /** Where `openAsync` does the ECDH: as `SealerOptions.webCrypto`. */
  webCrypto?: WebCryptoMode;
}

/** `"auto"`: measured per page; `true`: WebCrypto where it works; `false`: wasm. */
export type WebCryptoMode = boolean | "auto";

/** Which implementation did a call's work (`Sealer.backend`, `Opener.backend`). */
export type Backend = "webcrypto" | "wasm";

/**
 * One kind of work as this page measured it: the first unit's time through
 * each backend and, once both are known, the faster one (`choice`), used by
 * the async API in `"auto"` mode from then on.
 */
export interface BackendTiming {
  webcrypto?: number;
  wasm?: number;
  choice?: Backend;
}

/** What `backendTimings()` returns. */
export interface BackendTimings {
  /** One P-256 encapsulation (ephemeral key pair + ECDH), ms. */
  seal: BackendTiming;
  /** Opening one small slice (ECDH + key schedule + AES-GCM), ms. */
  open: BackendTiming;
  /** AES-256-GCM of a large value (from 2 KiB), ms per MiB. */
  aesGcm: BackendTiming;
}
