#!/usr/bin/env bash
# Native test suite: every Rust target of the workspace (unit, integration incl. the CLI tests
# and the Python interop, benches compiled in test mode, examples) and the
# doc tests. Exits non-zero on the first failure.
#
# Needs: cargo; python3 with the `cryptography` pinned in tests/requirements.txt
# (installed by `bash .ci/setup`). The Python interop tests FAIL without it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ -f .ci/env ]]; then
    # shellcheck source=/dev/null
    source .ci/env
fi

step() { printf '\n== %s\n' "$*"; }

step "python3 + cryptography HPKE"
python3 tests/python/interop.py check

step "cargo test --locked --workspace --all-targets"
cargo test --locked --workspace --all-targets

step "cargo test --locked --workspace --doc"
cargo test --locked --workspace --doc

printf '\nrun-native: all passed\n'
