#!/usr/bin/env bash
# Every WebAssembly test of slice-seal:
#   1. the bindings' wasm-bindgen-test targets — every wasm/tests/*.rs file
#      and the unit tests in wasm/src (`--lib`) — in Node, headless Chromium,
#      headless Firefox and WebKit (WebKitGTK's MiniBrowser under Xvfb): the
#      same suites, the environment chosen here by env vars;
#   2. .ci/build-pkg, then the npm consumer tests (tests/npm/run.mjs: Vite,
#      webpack, plain module page, each in Chromium, Firefox and WebKit; Node
#      import/require, @hpke/core, npm pack).
# A run counts only if every test target printed `test result: ok. N passed`
# with N > 0 (a target that ran 0 tests, or printed no result, fails the
# environment) and no "skipping" line (the runner exits 0 and skips when
# misconfigured).
#
#   bash tests/run-wasm.sh            everything
#   WASM_ENVS="node chrome" bash tests/run-wasm.sh     a subset (node chrome firefox webkit npm)
#
# Needs what .ci/setup installs (wasm32 target, wasm-bindgen-cli, wasm-pack,
# chromium + chromedriver, firefox-esr + geckodriver, webkit2gtk-driver + xvfb,
# tests/node_modules).
#
# WebKit: wasm-bindgen-test-runner knows no WebKitGTK driver, and its Safari
# mode sends empty capabilities, so WebKitWebDriver is handed to it as
# GECKODRIVER: that mode starts the driver with --port=N and sends
# .ci/webdriver-webkit.json as W3C alwaysMatch capabilities (browserName
# MiniBrowser, webkitgtk:browserOptions -> Debian's MiniBrowser --automation;
# WebKitWebDriver ignores the moz:firefoxOptions the runner adds). The runner
# therefore prints "Running headless tests in Firefox"; the driver binary is
# WebKitWebDriver, which can only start WebKit (and a real geckodriver would
# refuse browserName MiniBrowser, so a pass here is a WebKit pass). The
# display is an Xvfb from xvfb-run -a (a free display, stopped with the run).
# The cargo build uses the wasm-release profile (the one the package ships):
# the 100,000-seal memory test is too slow in
# a debug build. Why not `wasm-pack test`: it passes `--tests` to cargo, which
# compiles every native integration test for wasm32 too; this script runs the
# same runner (wasm-bindgen-test-runner) on the bindings' targets only.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 2
# shellcheck source=.ci/env
source .ci/env

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT_OVERRIDE:-900}"
ENVS="${WASM_ENVS:-node chrome firefox webkit npm}"
LOGS="$ROOT/tests/artifacts/wasm"
mkdir -p "$LOGS"

total_passed=0
total_failed=0
bad=()

# The test targets every environment must run: the lib's unit tests and one
# per wasm/tests/*.rs file (cargo prints "Running <source>" for each).
TARGETS=("src/lib.rs")
for f in wasm/tests/*.rs; do TARGETS+=("tests/$(basename "$f")"); done

# check_log <name> <log> <exit code>: parse a wasm-bindgen-test run of every
# target: each must have its own `test result` line with N > 0 passed.
check_log() {
    local name="$1" log="$2" rc="$3" t line passed failed env_passed=0 env_failed=0 missing=()
    if grep -qiE 'skipping|no tests to run' "$log"; then
        echo "wasm[$name]: FAILED: the runner skipped (misconfigured environment)"
        grep -iE 'skipping|no tests to run' "$log" | head -3
        bad+=("$name"); total_failed=$((total_failed + 1)); return
    fi
    for t in "${TARGETS[@]}"; do
        # The first `test result` line after this target's "Running" line,
        # before the next "Running" line.
        line="$(awk -v t="$t" '
            /^ +Running / { on = (index($0, "Running " t " ") > 0 || index($0, "Running unittests " t " ") > 0); next }
            on && /^test result: / { print; exit }' "$log")"
        if [[ -z "$line" ]]; then
            missing+=("$t"); env_failed=$((env_failed + 1)); continue
        fi
        passed="$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")"
        failed="$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")"
        env_passed=$((env_passed + passed)); env_failed=$((env_failed + failed))
        if [[ "$passed" -eq 0 ]]; then
            missing+=("$t (0 tests)"); env_failed=$((env_failed + 1))
        fi
        echo "wasm[$name]: $t: $line"
    done
    total_passed=$((total_passed + env_passed))
    total_failed=$((total_failed + env_failed))
    if [[ "$rc" -ne 0 || "$env_failed" -ne 0 || ${#missing[@]} -gt 0 ]]; then
        echo "wasm[$name]: FAILED ($env_passed passed, $env_failed failed, exit $rc${missing:+; no result or 0 tests: ${missing[*]}})"
        [[ ${#missing[@]} -gt 0 ]] && tail -n 30 "$log"
        bad+=("$name")
    else
        echo "wasm[$name]: ok ($env_passed passed in ${#TARGETS[@]} targets)"
    fi
    grep -E '^memory: ' "$log" | sed "s/^/wasm[$name]: /"
}

run_suite() { # run_suite <name> [VAR=value...]
    local name="$1"; shift
    local log="$LOGS/$name.log" rc
    echo "=== wasm-bindgen-test: $name"
    env "$@" cargo test --locked --profile wasm-release --target wasm32-unknown-unknown -p slice-seal-wasm --lib --tests --no-fail-fast -- --nocapture \
        >"$log" 2>&1
    rc=$?
    check_log "$name" "$log" "$rc"
}

for e in $ENVS; do
    case "$e" in
        node)
            run_suite node -u WASM_BINDGEN_USE_BROWSER ;;
        chrome)
            [[ -x "${CHROMEDRIVER:-}" ]] || { echo "wasm[chrome]: FAILED: no chromedriver"; bad+=(chrome); total_failed=$((total_failed + 1)); continue; }
            run_suite chrome -u GECKODRIVER WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER="$CHROMEDRIVER" ;;
        firefox)
            gd="${SLICE_SEAL_GECKODRIVER:-$HOME/.cargo/bin/geckodriver}"
            [[ -x "$gd" ]] || { echo "wasm[firefox]: FAILED: no geckodriver"; bad+=(firefox); total_failed=$((total_failed + 1)); continue; }
            run_suite firefox WASM_BINDGEN_USE_BROWSER=1 GECKODRIVER="$gd" ;;
        webkit)
            wd="${SLICE_SEAL_WEBKITDRIVER:-/usr/bin/WebKitWebDriver}"
            mb="$(sed -nE 's/.*"binary": *"([^"]+)".*/\1/p' .ci/webdriver-webkit.json)"
            missing=""
            [[ -x "$wd" ]] || missing+=" WebKitWebDriver ($wd)"
            [[ -x "$mb" ]] || missing+=" MiniBrowser ($mb)"
            command -v xvfb-run >/dev/null || missing+=" xvfb-run"
            [[ -z "$missing" ]] || { echo "wasm[webkit]: FAILED: missing$missing (run .ci/setup)"; bad+=(webkit); total_failed=$((total_failed + 1)); continue; }
            run_suite webkit WASM_BINDGEN_USE_BROWSER=1 GECKODRIVER="$wd" \
                WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/.ci/webdriver-webkit.json" \
                xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" ;;
        npm)
            echo "=== npm package: .ci/build-pkg + tests/npm/run.mjs"
            log="$LOGS/npm.log"
            if bash .ci/build-pkg >"$LOGS/build-pkg.log" 2>&1; then
                SLICE_SEAL_NPM_BROWSERS="chromium firefox webkit" node tests/npm/run.mjs 2>&1 | tee "$log"
                rc=${PIPESTATUS[0]}
                line="$(grep -E '^npm: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n1)"
                if [[ -z "$line" ]]; then
                    echo "wasm[npm]: FAILED: no summary line (exit $rc)"
                    bad+=(npm); total_failed=$((total_failed + 1))
                else
                    p="$(sed -E 's/npm: ([0-9]+) passed.*/\1/' <<<"$line")"
                    f="$(sed -E 's/.* ([0-9]+) failed/\1/' <<<"$line")"
                    total_passed=$((total_passed + p)); total_failed=$((total_failed + f))
                    if [[ "$rc" -ne 0 || "$f" -ne 0 || "$p" -eq 0 ]]; then
                        bad+=(npm)
                        [[ "$p" -eq 0 && "$f" -eq 0 ]] && total_failed=$((total_failed + 1))
                    fi
                fi
            else
                echo "wasm[npm]: FAILED: .ci/build-pkg failed:"
                tail -n 30 "$LOGS/build-pkg.log"
                bad+=(npm); total_failed=$((total_failed + 1))
            fi ;;
        *)
            echo "unknown environment $e"; exit 2 ;;
    esac
done

[[ ${#bad[@]} -gt 0 ]] && echo "wasm: failed environments: ${bad[*]} (logs in $LOGS)"
echo "wasm: $total_passed passed, $total_failed failed"
[[ ${#bad[@]} -eq 0 ]]
