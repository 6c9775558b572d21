#!/usr/bin/env bash
# End-to-end tests of the form integration and the demo service (issue 4).
# Builds the release CLI, the browser package and the demo assets (via
# .ci/demo-server --build-only), then runs the component's unit tests in
# jsdom (tests/unit/), tests/e2e/run.mjs in headless Chromium, and
# tests/e2e/engines.mjs (the component's core cases in Firefox and WebKit,
# through W3C WebDriver); with a name filter, only run.mjs. Prints `N passed, N failed`; exits non-zero on any failure.
#
# Needs (installed by .ci/setup): /usr/bin/chromium, node 20, tests/node_modules
# (playwright-core, axe-core), www/node_modules (govuk-frontend), the
# wasm32-unknown-unknown target and wasm-bindgen / wasm-pack on PATH.
# Screenshots go to tests/artifacts/.
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
    echo "=== unit: node --test tests/unit/ (form component in jsdom)"
    node --test --test-reporter=spec tests/unit/ || unit=1
    [[ $unit -eq 0 ]] && echo "unit: ok" || echo "unit: FAILED"
fi
rc=0
node tests/e2e/run.mjs "$@" || rc=1
# The component in Firefox (geckodriver) and WebKit (WebKitGTK, Xvfb) too.
if [[ $# -eq 0 ]]; then
    echo "=== engines: node tests/e2e/engines.mjs (Firefox, WebKit)"
    node tests/e2e/engines.mjs || rc=1
fi
[[ $rc -eq 0 && $unit -eq 0 ]]
