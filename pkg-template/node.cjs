'use strict';
// slice-seal for Node >= 18 (CommonJS). The WebAssembly module is read and
// instantiated synchronously when this file is first required; `init` and
// `initSync` exist so that the same code runs in browsers and in Node.
const m = require('./node/slice_seal.js');
// Sealed files: file.js as CommonJS (written by .ci/build-pkg); streams are Readables.
const { Readable } = require('node:stream');
const file = require('./node/file.cjs').createFileApi(m, {
    toStream: (it) => Readable.from(it, { objectMode: false }),
    crypto: globalThis.crypto || require('node:crypto').webcrypto,
});

/** A no-op in Node: the module is ready as soon as it is required. */
function init() {
    return Promise.resolve();
}

/** A no-op in Node: the module is ready as soon as it is required. */
function initSync() {
    return undefined;
}

module.exports = Object.assign({}, m, file, { init, initSync, default: init });
