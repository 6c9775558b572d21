// slice-seal: the error type.
// Part of web/slice_seal.d.ts (concatenated by .ci/build-pkg, wasm/ts/*.d.ts in name order).
/** Every `code` a slice-seal error can carry. */
export type SliceSealErrorCode =
  | "INVALID_KEY" | "NOT_PRIVATE_KEY" | "KEY_NOT_FOUND" | "KID_MISMATCH" | "MALFORMED_ENVELOPE"
  | "UNSUPPORTED_VERSION" | "UNSUPPORTED_SUITE" | "SUITE_MISMATCH" | "INVALID_CONTEXT" | "CONTEXT_MISMATCH"
  | "DECRYPT_FAILED" | "ENCRYPT_FAILED" | "INVALID_INPUT" | "RANDOM_FAILED"
  | "INVALID_ARGUMENT" | "INVALID_UTF8";

/** What every function of this module throws: an `Error` with a stable `code`. */
export interface SliceSealError extends Error {
  name: "SliceSealError";
  code: SliceSealErrorCode;
}
