#!/usr/bin/env bash
# The npm package as a GOV.UK Prototype Kit plugin, in a real kit (issue 16):
# builds the slice-seal CLI (debug) and the package (.ci/build-pkg, into
# target/prototype-kit/pkg so pkg/ is left alone), then runs
# tests/prototype-kit/run.mjs (a temp kit from tests/prototype-kit/node_modules,
# the kit's validate-plugin and start, the sliceSealForm page in headless
# Chromium, the envelopes the kit received opened with the CLI).
# Needs (installed by .ci/setup): tests/prototype-kit/node_modules (the kit,
# govuk-frontend), tests/node_modules (playwright-core), /usr/bin/chromium.
# Prints `N passed, N failed`; exits non-zero on any failure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=.ci/env
[[ -f .ci/env ]] && source .ci/env

fail() { echo "prototype-kit: $*"; echo "0 passed, 1 failed"; exit 1; }
for d in tests/prototype-kit tests; do
    [[ -d "$d/node_modules" ]] || fail "$d/node_modules missing (bash .ci/setup)"
done
cargo build --locked --quiet -p slice-seal-cli || fail "cargo build failed"
PKG="$ROOT/target/prototype-kit/pkg"
bash .ci/build-pkg "$PKG" >/dev/null || fail ".ci/build-pkg failed"
# Optional argument: a regex of test names to run.
SLICE_SEAL_CLI="$ROOT/target/debug/slice-seal" node tests/prototype-kit/run.mjs "$PKG" "$@"
