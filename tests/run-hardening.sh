#!/usr/bin/env bash
# Hardening suite (issue 5):
#   1. cargo-deny: licenses, bans (duplicate versions, wildcards) and sources,
#      for the workspace (core, CLI, wasm bindings; x86_64 Linux + wasm32
#      graph) and the fuzz crate;
#      advisories need the RustSec database from the network and are not run
#      here (docs/SECURITY.md, "Supply chain").
#   2. cargo test --test regressions: every fuzz seed and recorded crash input
#      replayed through the fuzz targets' checks, plus the named regressions.
#   3. A fuzz smoke run: every cargo-fuzz target builds and runs for
#      FUZZ_SECONDS (default here 10 s) without a crash.
#   4. The bad-input catalogue (tests/bad-inputs.json): its JS cases in Node
#      (tests/bad-inputs/run-js.mjs) and its form cases in headless Chromium
#      (tests/bad-inputs/run-form.mjs), both against pkg/ (built with
#      .ci/build-pkg if missing). Its CLI cases run in `cargo test`
#      (cli/tests/bad_inputs_cli.rs, part of tests/run-native.sh).
#   5. Soak: `cargo test --release --test soak` (one million native seals with
#      flat VmRSS; parallel open_batch of 10,000 equals sequential open).
#   6. Large sealed file: `cargo test --release -p slice-seal-cli --test file_large` (100 MiB
#      through seal-file and open-file, peak RSS under 32 MiB).
# Prints "N passed, N failed" (steps) at the end; exits non-zero if any failed.
#
# Needs: cargo-deny and cargo-fuzz in ~/.cargo/bin and the nightly toolchain
# (bash .ci/setup installs them). A missing tool is a failure, not a skip.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 2
# shellcheck source=/dev/null
[ -f .ci/env ] && source .ci/env
export FUZZ_SECONDS="${FUZZ_SECONDS:-10}"

passed=0
failed=0
failures=()
step() { # step <name> <command...>
    local name="$1"; shift
    local t0=$SECONDS
    printf '\n== %s\n' "$name"
    if "$@"; then
        passed=$((passed + 1))
        printf '== %s: ok (%d s)\n' "$name" $((SECONDS - t0))
    else
        failed=$((failed + 1))
        failures+=("$name")
        printf '== %s: FAILED (%d s)\n' "$name" $((SECONDS - t0))
    fi
}

deny() { # deny [--manifest-path PATH]
    if ! cargo deny --version >/dev/null 2>&1; then
        echo "cargo-deny is missing (bash .ci/setup, or cargo install cargo-deny --version =0.20.2)" >&2
        return 1
    fi
    cargo deny --locked --config .ci/deny.toml "$@" check licenses bans sources
}

# --workspace: the CLI (with its p256 0.13) too, not only the root package.
step "cargo deny (workspace: licenses bans sources)" deny --workspace
step "cargo deny (fuzz crate: licenses bans sources)" deny --manifest-path fuzz/Cargo.toml
step "cargo test --test regressions" cargo test --locked -p slice-seal --test regressions
step "fuzz smoke (${FUZZ_SECONDS} s per target)" bash .ci/fuzz

with_pkg() { # with_pkg <command...>: build pkg/ first if it is missing
    [ -f pkg/node.mjs ] || bash .ci/build-pkg || return 1
    "$@"
}
step "bad-input catalogue: JS (Node, pkg/node.mjs)" with_pkg node tests/bad-inputs/run-js.mjs
step "bad-input catalogue: form (headless Chromium)" with_pkg node tests/bad-inputs/run-form.mjs
step "soak: cargo test --release --test soak" cargo test --locked --release -p slice-seal --test soak -- --nocapture
step "large file: cargo test --release -p slice-seal-cli --test file_large" cargo test --locked --release -p slice-seal-cli --test file_large

echo
[ "$failed" -gt 0 ] && echo "run-hardening failed steps: ${failures[*]}"
echo "hardening: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
