"""Sealed files (docs/FORMAT.md §10) in Python: the §10 worked example opens
with the package and with the cryptography-only reference opener
(docs/examples/open_file.py); files sealed by the CLI open here and files
sealed here open with `slice-seal open-file` (0 B, several chunks, a large
one); every tamper case and malformed header gets the same code from the CLI,
the package and (file-level codes) the reference opener."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import pytest
from conftest import ROOT, run
from cryptography.hazmat.primitives.asymmetric import ec

import slice_seal

REFERENCE = ROOT / "docs" / "examples" / "open_file.py"
CTX = slice_seal.Context("vetting-step-3", "passport-scan", "s-1")
CTX_ARGS = ["--form", "vetting-step-3", "--field", "passport-scan", "--submission", "s-1"]
FILE_CODES = {"MALFORMED_FILE", "FILE_TRUNCATED", "FILE_EXTENDED", "CHUNK_DECRYPT_FAILED"}


def reference() -> ModuleType:
    spec = importlib.util.spec_from_file_location("open_file_reference", REFERENCE)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def data(n: int, seed: int = 0) -> bytes:
    return bytes((i * 13 + seed) & 0xFF for i in range(n))


def doc_values() -> tuple[dict[str, str], list[str]]:
    """The ``name = value`` lines of §10's plain code blocks (indented lines go
    on with the value) and the lines that begin with ``ss1.``."""
    text = (ROOT / "docs" / "FORMAT.md").read_text(encoding="utf-8")
    section = text[text.index("\n## 10. ") :]
    values: dict[str, str] = {}
    envelopes: list[str] = []
    plain = is_open = False
    last: str | None = None
    for line in section.splitlines():
        if line.startswith("```"):
            is_open, plain = not is_open, (not is_open and line == "```")
            last = None
        elif not plain:
            continue
        elif line.startswith("ss1."):
            envelopes.append(line)
        elif line.startswith(" ") and last:
            values[last] += line.split()[0]
        elif len(line.split()) >= 3 and line.split()[1] == "=":
            last = line.split()[0]
            values[last] = line.split()[2]
        else:
            last = None
    return values, envelopes


def test_worked_example_opens_with_the_package_and_the_reference() -> None:
    v, envelopes = doc_values()
    assert len(envelopes) == 1
    sealed = bytes.fromhex(v["lead"]) + envelopes[0].encode() + bytes.fromhex(v["chunk_0"] + v["chunk_1"])
    assert hashlib.sha256(sealed).hexdigest() == v["file_sha256"]
    d = int.from_bytes(hashlib.sha256(b"slice-seal example recipient").digest(), "big")
    key = ec.derive_private_key(d, ec.SECP256R1())
    want = bytes(i % 256 for i in range(1030))
    opened = slice_seal.open_file(sealed, key, slice_seal.Context("vetting-step-3", "passport-scan", "4f1c2a9e-demo"))
    assert opened.plaintext == want
    assert (opened.info.name, opened.info.media_type, opened.info.size, opened.info.chunk_size) == (
        "note.txt", "text/plain", 1030, 1024)
    out = io.BytesIO()
    ctx, name, mtype, size = reference().open_file(io.BytesIO(sealed), out, key)
    assert out.getvalue() == want
    assert (ctx, name, mtype, size) == (["vetting-step-3", "passport-scan", "4f1c2a9e-demo"], "note.txt", "text/plain", 1030)


@pytest.fixture()
def keys(cli: Path, workdir: Path) -> dict[str, Any]:
    pub = json.loads(run(cli, ["keygen", "--out", "k.jwk"], workdir).stdout)
    (workdir / "pub.jwk").write_text(json.dumps(pub))
    return {"dir": workdir, "ring": slice_seal.Keyring.load(workdir / "k.jwk"), "pub": pub}


def cli_code(out: subprocess.CompletedProcess[bytes]) -> str:
    err = out.stderr.decode()
    assert out.returncode == 1 and err.count("\n") == 1, err
    return err.split(": ")[1]


def code_of(fn: Callable[[], object]) -> str:
    try:
        fn()
    except slice_seal.SliceSealError as e:
        return e.code
    return "OK"


@pytest.mark.parametrize("size,chunk", [(0, 1024), (1, 1024), (1023, 1024), (1024, 1024), (1025, 1024),
                                        (5 * 1024 + 3, 1024), (3 << 20, 65536)])
def test_cli_seals_python_opens_and_back(cli: Path, keys: dict[str, Any], size: int, chunk: int) -> None:
    tmp, ring = keys["dir"], keys["ring"]
    plain = data(size, size & 0xFF)
    (tmp / "in.bin").write_bytes(plain)
    run(cli, ["seal-file", "--to", "pub.jwk", *CTX_ARGS, "--chunk-size", str(chunk), "--type", "text/plain",
              "in.bin", "-o", "s.ssf"], tmp)
    sealed = (tmp / "s.ssf").read_bytes()
    opened = slice_seal.open_file(sealed, ring, CTX)
    assert opened.plaintext == plain
    assert (opened.info.name, opened.info.media_type, opened.info.chunk_size) == ("in.bin", "text/plain", chunk)
    assert opened.info.kid == keys["pub"]["kid"] and opened.info.context == CTX
    out = io.BytesIO()
    reference().open_file(io.BytesIO(sealed), out, ring.private_key(ring.kids[0]))
    assert out.getvalue() == plain

    mine = slice_seal.seal_file(plain, keys["pub"], CTX, name="ü x.pdf", media_type="application/pdf", chunk_size=chunk)
    n = max(1, -(-size // chunk))
    assert len(mine) == 6 + int.from_bytes(mine[4:6], "big") + size + 16 * n
    (tmp / "p.ssf").write_bytes(mine)
    got = run(cli, ["open-file", "--key", "k.jwk", *CTX_ARGS, "p.ssf"], tmp)
    assert got.stdout == plain
    batch = run(cli, ["open-file", "--key", "k.jwk", "--out-dir", "out", "p.ssf"], tmp)
    assert json.loads(batch.stdout)["name"] == "ü x.pdf"
    assert (tmp / "out" / "000001-__x.pdf").read_bytes() == plain


def test_tamper_codes_match_the_cli(cli: Path, keys: dict[str, Any]) -> None:
    tmp, ring = keys["dir"], keys["ring"]
    key = ring.private_key(ring.kids[0])
    plain = data(3 * 1024 - 10, 1)
    sealed = slice_seal.seal_file(plain, keys["pub"], CTX, name="a", chunk_size=1024)
    other = slice_seal.seal_file(data(len(plain), 2), keys["pub"], CTX, name="a", chunk_size=1024)
    p = int.from_bytes(sealed[4:6], "big") + 6
    c = 1024 + 16

    def flip(at: int) -> bytes:
        b = bytearray(sealed)
        b[at] ^= 0x01
        return bytes(b)

    cases = {
        "cut in the magic": sealed[:3],
        "cut in the header": sealed[: p - 1],
        "cut in chunk 1": sealed[: p + c + 5],
        "cut at a chunk boundary": sealed[: p + 2 * c],
        "one byte more": sealed + b"\0",
        "a chunk more": sealed + sealed[p : p + c],
        "magic": flip(0),
        "header length 0": sealed[:4] + b"\0\0" + sealed[6:],
        "header ciphertext": sealed[: p - 20] + (b"B" if sealed[p - 20 : p - 19] == b"A" else b"A") + sealed[p - 19 :],
        "header not base64url": sealed[: p - 20] + b"*" + sealed[p - 19 :],
        "chunk 0": flip(p + 1),
        "last tag": flip(len(sealed) - 1),
        "swapped": sealed[:p] + sealed[p + c : p + 2 * c] + sealed[p : p + c] + sealed[p + 2 * c :],
        "chunk of another file": sealed[: p + c] + other[p + c : p + 2 * c] + sealed[p + 2 * c :],
        "body of another file": sealed[:p] + other[p:],
        "header of another file": other[:p] + sealed[p:],
    }
    seen = set()
    for name, bad in cases.items():
        (tmp / "bad.ssf").write_bytes(bad)
        want = cli_code(run(cli, ["open-file", "--key", "k.jwk", "bad.ssf", "-o", "x"], tmp, ok=False))
        assert not (tmp / "x").exists()
        assert code_of(lambda: slice_seal.open_file(bad, ring, CTX)) == want, name
        try:
            reference().open_file(io.BytesIO(bad), io.BytesIO(), key)
            ref = "OK"
        except Exception as e:  # the reference's Fail
            ref = getattr(e, "code", type(e).__name__)
        if want in FILE_CODES:
            assert ref == want, name
        else:
            assert ref in ("MALFORMED_ENVELOPE", "DECRYPT_FAILED"), (name, ref)
        seen.add(want)
    assert seen == FILE_CODES | {"DECRYPT_FAILED", "MALFORMED_ENVELOPE"}
    # Key and context.
    stranger = slice_seal.Keyring([ec.generate_private_key(ec.SECP256R1())])
    assert code_of(lambda: slice_seal.open_file(sealed, stranger)) == "KEY_NOT_FOUND"
    moved = slice_seal.Context("vetting-step-3", "other")
    assert code_of(lambda: slice_seal.open_file(sealed, ring, moved)) == "CONTEXT_MISMATCH"


def hp(version: int = 1, chunk: int = 1024, size: int = 0, name: bytes = b"", name_len: int | None = None,
       mtype: bytes = b"", type_len: int | None = None, extra: bytes = b"") -> bytes:
    nl = len(name) if name_len is None else name_len
    tl = len(mtype) if type_len is None else type_len
    return (bytes([version]) + b"\x42" * 32 + chunk.to_bytes(4, "big") + size.to_bytes(8, "big")
            + nl.to_bytes(2, "big") + name + tl.to_bytes(2, "big") + mtype + extra)


def test_malformed_header_plaintexts_match_the_cli(cli: Path, keys: dict[str, Any]) -> None:
    tmp, ring = keys["dir"], keys["ring"]
    cases = {
        "valid, at the limits": hp(chunk=4 << 20, size=(1 << 53) - 1, name=b"n" * 1024, mtype=b"t" * 255),
        "version 2": hp(version=2),
        "truncated": hp()[:40],
        "chunk 1023": hp(chunk=1023),
        "chunk 4 MiB + 1": hp(chunk=(4 << 20) + 1),
        "size 2^53": hp(size=1 << 53),
        "name 1025": hp(name=b"n" * 1025),
        "name not UTF-8": hp(name=b"\xff"),
        "name past the end": hp(name=b"ab", name_len=40),
        "type 256": hp(mtype=b"t" * 256),
        "type DEL": hp(mtype=b"a\x7f"),
        "type cut": hp(mtype=b"ab", type_len=3),
        "trailing byte": hp(extra=b"\0"),
    }
    for name, plaintext in cases.items():
        header = slice_seal.seal(plaintext, keys["pub"], CTX).encode()
        sealed = b"ssf1" + len(header).to_bytes(2, "big") + header
        (tmp / "h.ssf").write_bytes(sealed)
        out = run(cli, ["open-file", "--key", "k.jwk", "h.ssf"], tmp, ok=False)
        want = "FILE_TRUNCATED" if name.startswith("valid") else "MALFORMED_FILE"
        assert cli_code(out) == want, name
        assert code_of(lambda: slice_seal.open_file(sealed, ring)) == want, name


def test_sealer_refusals() -> None:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    for kwargs in ({"chunk_size": 1023}, {"media_type": "a\tb"}, {"name": "n" * 1025}, {"name": "\ud800"}):
        assert code_of(lambda: slice_seal.seal_file(b"x", key, CTX, **kwargs)) == "INVALID_INPUT", kwargs
    for size, want in ((3, "FILE_EXTENDED"), (5, "FILE_TRUNCATED")):
        assert code_of(lambda: slice_seal.seal_file_stream(io.BytesIO(b"four"), io.BytesIO(), size, key, CTX)) == want


def test_reference_script_writes_out_only_on_success(cli: Path, keys: dict[str, Any]) -> None:
    tmp = keys["dir"]
    plain = data(70_000, 3)
    (tmp / "in.bin").write_bytes(plain)
    run(cli, ["seal-file", "--to", "pub.jwk", *CTX_ARGS, "in.bin", "-o", "s.ssf"], tmp)
    ok = subprocess.run([sys.executable, str(REFERENCE), "k.jwk", "s.ssf", "out.bin"], cwd=tmp,
                        capture_output=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert (tmp / "out.bin").read_bytes() == plain
    assert json.loads(ok.stdout) == [["vetting-step-3", "passport-scan", "s-1"], "in.bin", "", 70_000]
    (tmp / "cut.ssf").write_bytes((tmp / "s.ssf").read_bytes()[:-1])
    before = sorted(p.name for p in tmp.iterdir())
    bad = subprocess.run([sys.executable, str(REFERENCE), "k.jwk", "cut.ssf", "o2.bin"], cwd=tmp,
                         capture_output=True, timeout=60)
    assert bad.returncode == 1 and bad.stderr.startswith(b"FILE_TRUNCATED: ")
    assert sorted(p.name for p in tmp.iterdir()) == before
