#!/usr/bin/env bash
# End-to-end tests of the form component and the demo service (issue 4, 16).
# Builds the release CLI, the browser package and the demo assets (via
# .ci/demo-server --build-only), then runs the component's unit tests in
# jsdom (tests/unit/) and the sealed-file interop of the npm package with the
# CLI and the Python reference opener (tests/npm/file-cli.test.mjs), the
# lean entry in Node (tests/npm/lean.test.mjs: round trips with the full
# module and the CLI, the same errors, the backend choice), the hybrid suite
# (tests/npm/hybrid.test.mjs: CLI and @hpke/hybridkem-x-wing interop), the
# binary envelope form (tests/npm/binary.test.mjs: sealBytesAsync bodies opened
# by the package, the CLI's open --binary and Python's open_envelope), then
# tests/e2e/engines.mjs: every browser case in
# Chromium, Firefox and WebKit (playwright-core for Chromium, W3C WebDriver
# for geckodriver and WebKitGTK on Xvfb), with a table of case x engine.
# With a name filter (a regexp on the case name), only the matching cases,
# no unit tests.
# Prints `N passed, N failed`; exits non-zero on any failure, or if an engine
# ran no case.
#
# Needs (installed by .ci/setup): /usr/bin/chromium, firefox-esr + geckodriver,
# webkit2gtk-driver + xvfb, node 20, tests/node_modules (playwright-core,
# axe-core), www/node_modules (govuk-frontend), the wasm32-unknown-unknown
# target and wasm-bindgen / wasm-pack on PATH.
# Screenshots go to tests/artifacts/<engine>/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=.ci/env
[[ -f .ci/env ]] && source .ci/env

if ! bash .ci/demo-server --build-only; then
    echo "e2e: build failed"
    echo "0 passed, 1 failed"
    exit 1
fi
for d in tests www; do
    [[ -d "$d/node_modules" ]] || { echo "e2e: $d/node_modules missing (bash .ci/setup)"; echo "0 passed, 1 failed"; exit 1; }
done
# Unit tests of the form component in jsdom (tests/unit/, node:test) first,
# against the package just built; then the browser end-to-end tests.
unit=0
if [[ $# -eq 0 ]]; then
    echo "=== unit: node --test tests/unit/ (form component in jsdom) tests/npm/file-cli.test.mjs (sealed files: npm package vs CLI and Python) tests/npm/lean.test.mjs (the lean entry) tests/npm/binary.test.mjs (the binary form) tests/npm/hybrid.test.mjs (the hybrid suite: CLI, @hpke/hybridkem-x-wing)"
    SLICE_SEAL_CLI="$ROOT/target/release/slice-seal" node --test --test-reporter=spec tests/unit/ tests/npm/file-cli.test.mjs tests/npm/lean.test.mjs tests/npm/binary.test.mjs tests/npm/hybrid.test.mjs || unit=1
    [[ $unit -eq 0 ]] && echo "unit: ok" || echo "unit: FAILED"
fi
rc=0
echo "=== browsers: node tests/e2e/engines.mjs (Chromium, Firefox, WebKit)"
node tests/e2e/engines.mjs ${1:+--grep "$1"} || rc=1
[[ $rc -eq 0 && $unit -eq 0 ]]
