"""The binary form (docs/FORMAT.md "Binary form"): ``open_envelope`` takes an
envelope's body, with the checks and errors of its text form; the CLI's
``open --binary`` opens a body on stdin. (JS-made bodies: tests/npm/binary.test.mjs.)"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from conftest import open_json, run

import slice_seal
from slice_seal import _b64
from slice_seal.envelope import MAX_ENVELOPE_LEN, Envelope

CTX = slice_seal.Context("vetting-step-2", "date-of-birth", "4f1c2a9e-demo")


def outcome(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except slice_seal.SliceSealError as e:
        return (e.code, str(e))


def test_open_envelope_takes_a_body_as_open_takes_its_text() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    ring = slice_seal.Keyring([key])
    for pt in (b"", b"x", bytes(range(256)) * 300):
        text = slice_seal.seal(pt, key.public_key(), CTX)
        body = _b64.decode(text[4:])
        assert body is not None
        assert Envelope.parse(text).to_body() == body
        for k in (key, ring):
            assert slice_seal.open_envelope(body, k, CTX) == pt
            assert slice_seal.open_envelope(bytearray(body), k) == pt
            assert slice_seal.open_envelope(memoryview(body), k, CTX) == pt
            assert slice_seal.open_envelope(Envelope.from_body(body), k, CTX) == pt


def test_bad_bodies_get_their_text_forms_errors() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    other = ec.generate_private_key(ec.SECP256R1())
    body = _b64.decode(slice_seal.seal(b"hello", key.public_key(), CTX)[4:])
    assert body is not None

    def flip(i: int) -> bytes:
        b = bytearray(body)
        b[i] ^= 1
        return bytes(b)

    cases = {
        "empty": (b"", "MALFORMED_ENVELOPE"),
        "truncated header": (body[:39], "MALFORMED_ENVELOPE"),
        "truncated body": (body[:-17], "MALFORMED_ENVELOPE"),
        "kem 0x0011": (flip(1), "UNSUPPORTED_SUITE"),
        "hybrid suite": (b"\x64\x7a" + body[2:], "SUITE_MISMATCH"),
        "enc not a point": (flip(len(body) - 16 - 5 - 1), "MALFORMED_ENVELOPE"),
        "flipped tag": (flip(len(body) - 1), "DECRYPT_FAILED"),
    }
    for what, (bad, code) in cases.items():
        got = outcome(slice_seal.open_envelope, bad, key, CTX)
        assert got == outcome(slice_seal.open, "ss1." + _b64.encode(bad), key, CTX), what
        assert got[0] == code, what
    assert outcome(slice_seal.open_envelope, body, other)[0] == "KID_MISMATCH"
    huge = bytes((MAX_ENVELOPE_LEN - 4) * 3 // 4 + 1)
    assert outcome(slice_seal.open_envelope, huge, key)[0] == "MALFORMED_ENVELOPE"
    with pytest.raises(slice_seal.InvalidArgument):
        slice_seal.open_envelope("ss1.AAAA", key)  # type: ignore[arg-type]


def test_cli_open_binary(cli: Path, tmp_path: Path) -> None:
    """``slice-seal open --binary``: stdin is one body; opened as line 1 with
    the text form's codes; the audit hashes the text form."""
    out = run(cli, ["keygen", "--out", "k.jwk"], tmp_path)
    public = json.loads(out.stdout)
    ring = slice_seal.Keyring.load(tmp_path / "k.jwk")
    pt = bytes(range(256)) * 40
    text = slice_seal.seal(pt, public, CTX)
    body = _b64.decode(text[4:])
    assert body is not None
    args = ["open", "--key", "k.jwk", "--binary", "--json", "--form", CTX.form, "--field", CTX.field]
    rec = json.loads(run(cli, [*args, "--audit", "audit.log"], tmp_path, body).stdout)
    assert rec["line"] == 1 and rec["kid"] == ring.kids[0]
    assert _b64.decode(rec["plaintext_b64"]) == pt
    audit = json.loads((tmp_path / "audit.log").read_text().splitlines()[0])
    assert audit["sha256"] == hashlib.sha256(text.encode()).hexdigest()
    # Plain output: the plaintext and a line break, as for a line of text.
    plain = run(cli, ["open", "--key", "k.jwk", "--binary", "--raw"], tmp_path, body).stdout
    assert plain == pt + b"\n"
    for bad, code in ((body[:39], "MALFORMED_ENVELOPE"), (b"\x00\x11" + body[2:], "UNSUPPORTED_SUITE"),
                      (b"\x64\x7a" + body[2:], "SUITE_MISMATCH"), (body[:-1] + bytes([body[-1] ^ 1]), "DECRYPT_FAILED"),
                      (b"", "MALFORMED_ENVELOPE")):
        out = run(cli, ["open", "--key", "k.jwk", "--binary", "--json"], tmp_path, bad, ok=False)
        assert out.returncode == 1, out.stderr
        rec = json.loads(out.stdout)
        assert (rec["line"], rec["error"]["code"]) == (1, code)
        assert rec["error"]["code"] == open_json(cli, tmp_path / "k.jwk", ["ss1." + _b64.encode(bad)], tmp_path)[0]["error"]["code"]


def test_open_envelope_takes_hybrid_bodies() -> None:
    """A hybrid envelope's body opens with its key and a mixed keyring; the
    other suite's key gives SuiteMismatch on a body as on text."""
    hkey = slice_seal.HybridPrivateKey.generate()
    pkey = ec.generate_private_key(ec.SECP256R1())
    ring = slice_seal.Keyring([hkey, pkey])
    for pt in (b"", b"x", bytes(range(256)) * 300):
        text = slice_seal.seal(pt, hkey.public_key(), CTX)
        body = _b64.decode(text[4:])
        assert body is not None and body[:6] == bytes.fromhex("647a00010002")
        for k in (hkey, ring):
            assert slice_seal.open_envelope(body, k, CTX) == pt
            assert slice_seal.open_envelope(Envelope.from_body(body), k, CTX) == pt
        assert outcome(slice_seal.open_envelope, body, pkey, CTX)[0] == "SUITE_MISMATCH"
        assert outcome(slice_seal.open, text, pkey, CTX)[0] == "SUITE_MISMATCH"
    p_body = _b64.decode(slice_seal.seal(b"x", pkey.public_key(), CTX)[4:])
    assert outcome(slice_seal.open_envelope, p_body, hkey, CTX)[0] == "SUITE_MISMATCH"
