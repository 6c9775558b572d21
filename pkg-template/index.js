// slice-seal for browsers and bundlers (Vite, webpack, Rollup, esbuild) and
// plain <script type="module"> pages. Call `await init()` once before any
// other function: it fetches and instantiates web/slice_seal_bg.wasm, whose URL
// is written as `new URL('slice_seal_bg.wasm', import.meta.url)` so bundlers
// copy it as an asset.
import wbgInit, * as wasm from './web/slice_seal.js';
import { createFileApi } from './file.js';

export * from './web/slice_seal.js';

// Sealed files (file.d.ts): sealFile/openFile on Blobs, and the stream forms.
export const { sealFile, openFile, sealFileStream, openFileStream, SEALED_FILE_TYPE } = createFileApi(wasm);

let ready = null;

/**
 * Instantiate the WebAssembly module. With no argument the .wasm next to the
 * JS glue is fetched; otherwise pass its URL, a Response, its bytes or a
 * compiled WebAssembly.Module. Later calls return the first call's promise.
 */
export default function init(moduleOrPath) {
    if (ready === null) {
        let arg;
        if (moduleOrPath === undefined || moduleOrPath === null) {
            arg = undefined;
        } else if (typeof moduleOrPath === 'object' && 'module_or_path' in moduleOrPath) {
            arg = moduleOrPath;
        } else {
            arg = { module_or_path: moduleOrPath };
        }
        ready = wbgInit(arg).then(
            () => undefined,
            (e) => {
                ready = null;
                throw e;
            },
        );
    }
    return ready;
}

export { init };
