export * from './web/slice_seal.js';
export * from './file.js';
import type { InitInput, SyncInitInput } from './web/slice_seal.js';

/**
 * Instantiate the WebAssembly module; await it once before calling anything
 * else.
 *
 * In browsers and bundlers, with no argument the `slice_seal_bg.wasm` shipped
 * next to the JS glue is fetched (bundlers pick it up as an asset); otherwise
 * pass its URL, a `Response`, its bytes or a compiled `WebAssembly.Module`.
 * In Node the module is instantiated synchronously on import/require and
 * this resolves at once, so the same code runs everywhere.
 * Later calls return the first call's promise.
 */
declare function init(
    moduleOrPath?: InitInput | Promise<InitInput> | { module_or_path: InitInput | Promise<InitInput> },
): Promise<void>;

/**
 * Instantiate the WebAssembly module synchronously from its bytes or a
 * compiled `WebAssembly.Module` (browsers limit the size of synchronous
 * compilation on the main thread: prefer `init`). A no-op in Node.
 */
export declare function initSync(module: { module: SyncInitInput } | SyncInitInput): unknown;

export default init;
export { init };
