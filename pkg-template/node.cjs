'use strict';
// slice-seal for Node >= 18 (CommonJS). The WebAssembly module is read and
// instantiated synchronously when this file is first required; `init` and
// `initSync` exist so that the same code runs in browsers and in Node.
const m = require('./node/slice_seal.js');

/** A no-op in Node: the module is ready as soon as it is required. */
function init() {
    return Promise.resolve();
}

/** A no-op in Node: the module is ready as soon as it is required. */
function initSync() {
    return undefined;
}

module.exports = Object.assign({}, m, { init, initSync, default: init });
