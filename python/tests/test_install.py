"""`pip install` of the python/ folder works: the installed package (not the
source tree) imports, carries py.typed, and opens the worked example."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, VECTORS

SCRIPT = """
import json, sys
import slice_seal
from slice_seal import _b64
v = json.load(open(sys.argv[1]))
jwk = dict(v["recipient_public_jwk"], d=_b64.encode(bytes.fromhex(v["recipient_private_d_hex"])))
ring = slice_seal.Keyring.from_jwk(jwk)
print(json.dumps({"file": slice_seal.__file__, "plaintext": slice_seal.open_text(v["envelope"], ring, v["context"])}))
"""


def test_pip_install(tmp_path: Path) -> None:
    # Build from a copy, so the checkout gets no build/ or egg-info.
    src = tmp_path / "src"
    shutil.copytree(ROOT / "python", src, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.egg-info", "build"))
    site = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
           "--no-build-isolation", "--no-index", "--target", str(site), str(src)]
    out = subprocess.run(pip, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert (site / "slice_seal" / "py.typed").is_file()
    assert [p.name for p in site.glob("slice_seal-*.dist-info")] == ["slice_seal-0.1.0.dist-info"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(VECTORS / "envelope-v1.json")],
                         capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert Path(result["file"]).is_relative_to(site)
    assert result["plaintext"] == json.loads((VECTORS / "envelope-v1.json").read_text())["plaintext"]
