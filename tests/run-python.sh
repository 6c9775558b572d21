#!/usr/bin/env bash
# Python package suite: python/ (distribution `slice-seal`, import package
# `slice_seal`) type-checked with mypy --strict and tested with pytest against
# tests/vectors, ../shared/vectors/hpke, tests/bad-inputs.json and the
# `slice-seal` CLI built from this tree (both ways), plus a `pip install` of
# the folder. Exits non-zero on the first failure.
#
# Needs: cargo; python3 with tests/requirements.txt (cryptography, pytest,
# mypy, setuptools), installed by `bash .ci/setup` (missing: a failure). The package is tested
# from python/src (pytest's pythonpath) and, installed, by its pip test.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ -f .ci/env ]]; then
    # shellcheck source=/dev/null
    source .ci/env
fi

step() { printf '\n== %s\n' "$*"; }

have_deps() {
    python3 - <<'PY' 2>/dev/null
import mypy, pytest, setuptools
from cryptography.hazmat.primitives import hpke
hpke.Suite(hpke.KEM.P256, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
PY
}

step "python3 + test dependencies (tests/requirements.txt)"
have_deps || { echo "run-python: tests/requirements.txt is not installed (bash .ci/setup installs it)" >&2; exit 1; }
python3 -c 'import cryptography, pytest, mypy.version; print("cryptography", cryptography.__version__, "| pytest", pytest.__version__, "| mypy", mypy.version.__version__)'

step "cargo build --locked -p slice-seal-cli"
cargo build --locked -p slice-seal-cli
export SLICE_SEAL_BIN="$ROOT/target/debug/slice-seal"

step "mypy --strict (python/src, python/tests)"
(cd python && python3 -m mypy --strict --cache-dir "$ROOT/target/mypy-cache" src tests)

step "pytest python/tests"
python3 -m pytest -p no:cacheprovider -q python/tests

printf '\nrun-python: all passed\n'
