// `slice-seal/lean`: the async sealing API over WebCrypto and the lean
// module (no P-256 code); the full module (`slice-seal`) is loaded only when
// needed. See README.md, "The lean entry".
import type { Sealer as FullSealer, SealContext, SealItem, PublicKeyInput, SealerOptions } from './index.js';

/** A WebCrypto encapsulation faster than this (ms) is used without timing the full module's wasm. */
export const WASM_BOUND_MS: number;

/** The measurement behind `Sealer.backend`, in milliseconds (`wasm` undefined if it was not timed). */
export interface LeanTimings { webcrypto: number; wasm: number | undefined; bound: number }

export interface LeanInitOptions {
  /** The lean .wasm (URL, Response, bytes or Module); default: lean/slice_seal_lean_bg.wasm next to the glue. */
  wasm?: unknown;
  /** How to get the instantiated full module (default: `import('./index.js')` and its `init()`). */
  full?: () => Promise<typeof import('./index.js')> | typeof import('./index.js');
}

/** Load the lean module where `crypto.subtle` exists, else the full one; rejects only if neither loads. */
export default function init(options?: LeanInitOptions): Promise<void>;

/** The full module, loaded and instantiated once. */
export function loadFull(): Promise<typeof import('./index.js')>;

/** A lean Sealer where the key and options allow it, else the full module's (which also throws its errors). */
export function createSealer(publicKey: PublicKeyInput, options?: SealerOptions): Promise<Sealer | FullSealer>;

/** Whether this WebCrypto refuses P-256 public keys off the curve (probed once); if not, `createSealer` gives the full module's Sealer. */
export function webCryptoChecksPoints(): Promise<boolean>;

/** The page's P-256 backend measurement, once made. */
export function backendChoice(): Promise<{ backend: 'webcrypto' | 'wasm'; timings: LeanTimings } | null>;

/** The lean Sealer: the async part of the full module's Sealer. */
export class Sealer {
  private constructor();
  readonly kid: string;
  readonly prepared: number;
  readonly backend: 'webcrypto' | 'wasm' | undefined;
  readonly timings: LeanTimings | undefined;
  prepareAsync(count: number): Promise<number>;
  sealAsync(plaintext: string | Uint8Array, context: SealContext): Promise<string>;
  sealMany(items: SealItem[]): Promise<string[]>;
  free(): void;
}

/** `sealFile` of file.d.ts for a sealer from `createSealer`. */
export function sealFile(sealer: Sealer | FullSealer, file: Blob, context: SealContext, options?: { onProgress?: (done: number, total: number) => void }): Promise<Blob>;
