#!/usr/bin/env bash
# Set-up suite (issue 11): the committed locks are current and are installed
# as they are, and .ci/setup is idempotent.
#   1. Every Cargo.lock is current: `cargo metadata --locked` (fails rather
#      than rewrites the lock).
#   2. tests/setup/*.test.mjs: .ci/npm-install.mjs on doctored copies of a
#      fixture lock (real npm ci; tolerates only other platforms' optional
#      packages, never rewrites a lock).
#   3. A second `bash .ci/setup` installs nothing: every step says "already
#      installed" or "up to date".
# Prints "N passed, N failed" (steps); exits non-zero if any failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 2
# shellcheck source=/dev/null
[ -f .ci/env ] && source .ci/env

passed=0
failed=0
step() { # step <name> <command...>
    local name="$1"; shift
    local t0=$SECONDS
    printf '\n== %s\n' "$name"
    if "$@"; then
        passed=$((passed + 1)); printf '== %s: ok (%d s)\n' "$name" $((SECONDS - t0))
    else
        failed=$((failed + 1)); printf '== %s: FAILED (%d s)\n' "$name" $((SECONDS - t0))
    fi
}

cargo_locks_current() {
    local m rc=0
    for m in Cargo.toml fuzz/Cargo.toml; do
        if cargo metadata --locked --format-version 1 --manifest-path "$m" >/dev/null; then
            echo "${m%Cargo.toml}Cargo.lock: current"
        else
            echo "${m%Cargo.toml}Cargo.lock is stale: run 'cargo metadata --manifest-path $m' and commit the lock"; rc=1
        fi
    done
    return "$rc"
}

setup_is_idempotent() {
    local out
    out="$(bash .ci/setup 2>&1)" || { printf '%s\n' "$out"; echo "second setup run failed"; return 1; }
    printf '%s\n' "$out" | grep -E '^\[setup\]   done:|all done'
    # Every step's closing line must say it found its tool or packages in place.
    if printf '%s\n' "$out" | grep -E '^\[setup\]   done:' | grep -vqE 'already installed|up to date'; then
        echo "a second setup run installed something (above)"; return 1
    fi
}

step "Cargo.lock files are current (--locked)" cargo_locks_current
step "npm lock handling (node --test tests/setup/)" node --test tests/setup/
step "a second .ci/setup installs nothing" setup_is_idempotent

echo "setup: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
