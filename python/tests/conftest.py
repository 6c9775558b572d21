"""Shared paths and helpers: the repository root, the shared vectors beside
it, and the `slice-seal` CLI binary (built with cargo if it is missing)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"
SHARED_VECTORS = ROOT.parent / "shared" / "vectors"


def read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def cli_path() -> Path:
    """$SLICE_SEAL_BIN (tests/run-python.sh sets it), else target/debug/slice-seal
    brought up to date by cargo (the binary `cargo test` builds too)."""
    env = os.environ.get("SLICE_SEAL_BIN")
    if env:
        return Path(env)
    subprocess.run(["cargo", "build", "--quiet", "--bin", "slice-seal"], cwd=ROOT, check=True)
    return ROOT / "target" / "debug" / "slice-seal"


@pytest.fixture(scope="session")
def cli() -> Path:
    path = cli_path()
    assert path.is_file(), f"no slice-seal binary at {path}"
    return path


def run(
    cli: Path, args: Sequence[str], cwd: Path, stdin: bytes = b"", ok: bool = True
) -> subprocess.CompletedProcess[bytes]:
    """Run the CLI; with ``ok`` it must exit 0."""
    out = subprocess.run([str(cli), *args], cwd=cwd, input=stdin, capture_output=True, timeout=120)
    if ok:
        assert out.returncode == 0, f"slice-seal {list(args)}: {out.returncode}: {out.stderr!r}"
    return out


def open_json(cli: Path, key: Path, lines: Sequence[str], cwd: Path, *extra: str) -> list[dict[str, Any]]:
    """`slice-seal open --json` of ``lines``: one record per line, in order."""
    out = run(cli, ["open", "--key", str(key), "--json", *extra], cwd, ("\n".join(lines) + "\n").encode(), ok=False)
    assert out.returncode in (0, 1), out.stderr
    records = [json.loads(x) for x in out.stdout.decode().splitlines()]
    assert [r["line"] for r in records] == list(range(1, len(lines) + 1))
    return records


@pytest.fixture()
def workdir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path


def p256(key: object) -> ec.EllipticCurvePrivateKey:
    """A keyring's key that the test knows is P-256 (keyrings hold either suite)."""
    assert isinstance(key, ec.EllipticCurvePrivateKey), type(key)
    return key
