"""Interoperability with the `slice-seal` CLI, both ways: envelopes sealed by
the CLI open here, envelopes sealed here open with `slice-seal open --json`,
key files written by the CLI load here (same kids, same public JWKS), and
damaged envelopes get the same error code from both."""

from __future__ import annotations

import base64
import json
import random
from pathlib import Path
from typing import Any

import pytest
from conftest import open_json, p256, run
from cryptography.hazmat.primitives import serialization

import slice_seal
from slice_seal import _b64

PLAINTEXTS = [
    b"",
    b"1990-04-01",
    "Zoë Ōkubo 👩‍💻 — «quoted» \"x\" \\ </script>".encode(),
    b"two\nlines\r\n",
    bytes(range(256)),  # not UTF-8
    random.Random(13).randbytes(100_000),
]
CONTEXTS = [
    slice_seal.Context("vetting-step-2", "date-of-birth"),
    slice_seal.Context("vetting-step-2", "date-of-birth", "4f1c2a9e-demo"),
    slice_seal.Context("-form-with-dash", "-q", "-sub"),
    slice_seal.Context("formulaire-é", "champ 👩‍💻", "x" * 256),
]


def keygen(cli: Path, tmp: Path, name: str) -> tuple[Path, dict[str, Any]]:
    """A key pair made by the CLI: its private JWK file and public JWK."""
    out = run(cli, ["keygen", "--out", name], tmp)
    return tmp / name, json.loads(out.stdout)


@pytest.fixture()
def keys(cli: Path, tmp_path: Path) -> dict[str, Any]:
    """Two CLI keys, and a keyring file (JWKS) holding both."""
    a, a_pub = keygen(cli, tmp_path, "a.jwk")
    b, b_pub = keygen(cli, tmp_path, "b.jwk")
    ring = tmp_path / "ring.jwks"
    members = [json.loads(a.read_text()), json.loads(b.read_text())]
    ring.write_text(json.dumps({"keys": members}))
    ring.chmod(0o600)
    return {"dir": tmp_path, "a": a, "a_pub": a_pub, "b": b, "b_pub": b_pub, "ring": ring}


def seal_args(ctx: slice_seal.Context) -> list[str]:
    args = ["--form", ctx.form, "--field", ctx.field]
    return args + (["--submission", ctx.submission] if ctx.submission else [])


def test_cli_key_files_load(cli: Path, keys: dict[str, Any]) -> None:
    tmp = keys["dir"]
    for name in ("a", "b"):
        ring = slice_seal.Keyring.load(keys[name])
        assert ring.kids == (keys[f"{name}_pub"]["kid"],)
        public = json.loads(run(cli, ["public", "--key", str(keys[name]), "--jwks"], tmp).stdout)
        assert ring.public_jwks() == public
        pem = run(cli, ["public", "--key", str(keys[name]), "--pem"], tmp).stdout
        assert slice_seal.thumbprint(slice_seal.load_public_key(pem)) == ring.kids[0]
    ring = slice_seal.Keyring.load(keys["ring"])
    assert ring.kids == (keys["a_pub"]["kid"], keys["b_pub"]["kid"])
    # The same key as PKCS#8 and SEC1 PEM files.
    key = p256(ring.private_key(ring.kids[0]))
    for fmt in (serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL):
        pem = tmp / "k.pem"
        pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()))
        assert slice_seal.Keyring.load(pem).kids == ring.kids[:1]
        assert json.loads(run(cli, ["public", "--key", str(pem)], tmp).stdout)["kid"] == ring.kids[0]


def test_cli_seals_python_opens(cli: Path, keys: dict[str, Any]) -> None:
    tmp = keys["dir"]
    ring = slice_seal.Keyring.load(keys["ring"])
    opened = 0
    for i, pt in enumerate(PLAINTEXTS):
        for j, ctx in enumerate(CONTEXTS):
            # Alternate recipients; b is chosen by --kid in the keyring's public JWKS.
            if (i + j) % 2:
                (tmp / "pub.jwks").write_text(json.dumps(ring.public_jwks()))
                to = ["--to", "pub.jwks", "--kid", keys["b_pub"]["kid"]]
                kid = keys["b_pub"]["kid"]
            else:
                (tmp / "pub.jwk").write_text(json.dumps(keys["a_pub"]))
                to, kid = ["--to", "pub.jwk"], keys["a_pub"]["kid"]
            env = run(cli, ["seal", *to, *seal_args(ctx)], tmp, pt).stdout.decode().strip()
            info = slice_seal.inspect(env)
            assert (info.kid, info.context, info.plaintext_len) == (kid, ctx, len(pt))
            assert slice_seal.open(env, ring) == pt
            assert slice_seal.open(env, ring, ctx) == pt
            assert slice_seal.open(env, ring, ctx.to_dict()) == pt
            assert slice_seal.open(env, p256(ring.private_key(kid)), ctx) == pt
            if ctx.submission is not None:
                # An expectation without a submission accepts any submission.
                assert slice_seal.open(env, ring, slice_seal.Context(ctx.form, ctx.field)) == pt
            with pytest.raises(slice_seal.ContextMismatch):
                slice_seal.open(env, ring, slice_seal.Context(ctx.form, ctx.field + "-moved"))
            opened += 1
    assert opened == len(PLAINTEXTS) * len(CONTEXTS)


def test_python_seals_cli_opens(cli: Path, keys: dict[str, Any]) -> None:
    tmp = keys["dir"]
    ring = slice_seal.Keyring.load(keys["ring"])
    a_kid, b_kid = keys["a_pub"]["kid"], keys["b_pub"]["kid"]
    pem_a = run(cli, ["public", "--key", str(keys["a"]), "--pem"], tmp).stdout
    recipients: list[tuple[Any, str | None, str]] = [
        (keys["a_pub"], None, a_kid),  # JWK mapping
        (pem_a.decode(), a_kid, a_kid),  # SPKI PEM text, pinned
        (ring.public_jwks(), b_kid, b_kid),  # JWKS, chosen by kid
        (json.dumps(keys["b_pub"]).encode(), None, b_kid),  # JWK JSON bytes
        (p256(ring.private_key(b_kid)).public_key(), b_kid, b_kid),  # cryptography key
    ]
    cases = []
    for i, pt in enumerate(PLAINTEXTS):
        for j, ctx in enumerate(CONTEXTS):
            public, pin, kid = recipients[(i + j) % len(recipients)]
            cases.append((pt, ctx, kid, slice_seal.seal(pt, public, ctx, kid=pin)))
    records = open_json(cli, keys["ring"], [c[3] for c in cases], tmp)
    for (pt, ctx, kid, _), rec in zip(cases, records):
        assert "error" not in rec, rec
        assert (rec["kid"], rec["form"], rec["field"], rec["submission"]) == (
            kid, ctx.form, ctx.field, ctx.submission,
        )
        if "plaintext" in rec:
            assert rec["plaintext"].encode() == pt
        else:
            assert _b64.decode(rec["plaintext_b64"]) == pt
    # With an expected context the CLI opens the matching ones only.
    ctx = CONTEXTS[1]
    records = open_json(cli, keys["ring"], [c[3] for c in cases], tmp, *seal_args(ctx))
    for (pt, c, _, _), rec in zip(cases, records):
        matches = (c.form, c.field) == (ctx.form, ctx.field) and c.submission == ctx.submission
        assert ("error" not in rec) == matches, rec
        if not matches:
            assert rec["error"]["code"] == "CONTEXT_MISMATCH"
    # A str plaintext is sealed as its UTF-8 bytes.
    env = slice_seal.seal("Zoë", keys["a_pub"], ctx)
    assert open_json(cli, keys["a"], [env], tmp)[0]["plaintext"] == "Zoë"


def damaged(envelope: str, rng: random.Random) -> list[str]:
    """Envelopes damaged every way the format can be: bit flips anywhere in
    the body (suite, kid, lengths, info, enc, tag), truncations, text edits."""
    body = _b64.decode(envelope[4:])
    assert body is not None
    out = []
    for _ in range(250):
        b = bytearray(body)
        pos = rng.randrange(len(b)) if rng.random() < 0.5 else rng.randrange(min(len(b), 120))
        b[pos] ^= 1 << rng.randrange(8)
        out.append("ss1." + _b64.encode(bytes(b)))
    for _ in range(60):
        out.append("ss1." + _b64.encode(body[: rng.randrange(len(body))]))
    out.append("ss1." + _b64.encode(body + b"\x00"))
    for _ in range(60):
        text = list(envelope)
        pos = rng.randrange(len(text))
        if rng.random() < 0.3:
            del text[pos]
        else:
            text[pos] = rng.choice(["A", "B", "Q", "=", "+", "/", ".", "é", "-", "_", "\t"])
        out.append("".join(text).strip())
    out += [
        "ss2." + envelope[4:], "ss01." + envelope[4:], "ss10000." + envelope[4:], "SS1." + envelope[4:],
        "ss1" + envelope[4:], "ss." + envelope[4:], envelope[4:], envelope + "=", envelope + "A",
        "ss1.", "x", ".", "ss1..",
        "ss1." + base64.urlsafe_b64encode(body).decode(),  # padded (or not, if len % 3 == 0)
    ]
    return [x for x in out if x]


def test_same_codes_as_cli_for_damaged_envelopes(cli: Path, keys: dict[str, Any]) -> None:
    tmp = keys["dir"]
    ring = slice_seal.Keyring.load(keys["a"])
    rng = random.Random(2026)
    lines: list[str] = []
    for ctx in CONTEXTS[:2]:
        lines += damaged(slice_seal.seal(b"1990-04-01", keys["a_pub"], ctx), rng)
    lines.append(slice_seal.seal(b"x", keys["b_pub"], CONTEXTS[0]))  # another key
    for expected in (None, CONTEXTS[0]):
        extra = seal_args(expected) if expected else []
        records = open_json(cli, keys["a"], lines, tmp, *extra)
        codes: dict[str, int] = {}
        for line, rec in zip(lines, records):
            try:
                pt = slice_seal.open(line, ring, expected)
                got = "OK"
            except slice_seal.SliceSealError as e:
                got = e.code
            want = rec["error"]["code"] if "error" in rec else "OK"
            assert got == want, f"{line!r}: python {got}, CLI {want}"
            if got == "OK":
                assert rec["plaintext"].encode() == pt
            codes[got] = codes.get(got, 0) + 1
        # The damage reached every check.
        for code in ("MALFORMED_ENVELOPE", "UNSUPPORTED_VERSION", "UNSUPPORTED_SUITE", "KEY_NOT_FOUND",
                     "DECRYPT_FAILED"):
            assert codes.get(code, 0) > 0, (code, codes)
        if expected:
            assert codes.get("CONTEXT_MISMATCH", 0) > 0, codes


def test_cli_keyring_both_ways(cli: Path, tmp_path: Path) -> None:
    """A keyring grown by `keygen --add-to` loads here with the same kids and
    created times; slices for each key open on both sides."""
    kids = [json.loads(run(cli, ["keygen", "--add-to", "ring.jwks"], tmp_path).stdout)["kid"] for _ in range(3)]
    ring = slice_seal.Keyring.load(tmp_path / "ring.jwks")
    assert list(ring.kids) == kids
    listed = run(cli, ["keyring", "list", "--key", "ring.jwks"], tmp_path).stdout.decode().splitlines()
    assert [line.split("\t")[:2] for line in listed] == [[k, ring.created(k)] for k in kids]
    public = json.loads(run(cli, ["public", "--key", "ring.jwks", "--jwks"], tmp_path).stdout)
    assert ring.public_jwks() == public
    (tmp_path / "pub.jwks").write_text(json.dumps(public))
    ctx = CONTEXTS[1]
    from_cli = [run(cli, ["seal", "--to", "pub.jwks", "--kid", k, *seal_args(ctx)], tmp_path, k.encode())
                .stdout.decode().strip() for k in kids]
    assert [slice_seal.open_text(e, ring, ctx) for e in from_cli] == kids
    from_python = [slice_seal.seal(k, public, ctx, kid=k) for k in kids]
    records = open_json(cli, tmp_path / "ring.jwks", from_python, tmp_path)
    assert [(r["kid"], r["plaintext"]) for r in records] == [(k, k) for k in kids]


def bad_key_files(cli: Path, tmp: Path) -> dict[str, bytes]:
    """Key files, good and bad in every way the keyring checks."""
    path, _ = keygen(cli, tmp, "g.jwk")
    good = json.loads(path.read_text())
    other = json.loads(keygen(cli, tmp, "o.jwk")[0].read_text())
    public = {k: v for k, v in good.items() if k != "d"}
    key = p256(slice_seal.Keyring.from_jwk(good).private_key(good["kid"]))
    pkcs8 = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    sec1 = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption())
    spki = key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)
    members: dict[str, Any] = {
        "good": good, "other": other, "public": public, "kty": dict(good, kty="RSA"),
        "crv": dict(good, crv="P-384"), "no-x": {k: v for k, v in good.items() if k != "x"},
        "d-padded": dict(good, d=good["d"] + "="), "d-short": dict(good, d=good["d"][:-3]),
        "d-zero": dict(good, d="A" * 43), "d-other": dict(good, d=other["d"]),
        "kid-other": dict(good, kid=other["kid"]), "y-off-curve": dict(good, y=good["x"]),
        "kid-number": dict(good, kid=1), "d-number": dict(good, d=1), "d-null": dict(good, d=None),
        "created": dict(good, created="2026-12-01T07:30:00Z"),
        "created-offset": dict(good, created="2026-12-01T07:30:00+01:00"),
        "created-month": dict(good, created="2026-13-01T07:30:00Z"), "array": [good], "string": "x",
    }
    files = {f"jwk-{name}": json.dumps(m).encode() for name, m in members.items()}
    files.update({f"set-{name}": json.dumps({"keys": [other, m]}).encode() for name, m in members.items()})
    files.update({
        "set-duplicate": json.dumps({"keys": [good, other, good]}).encode(),
        "set-duplicate-without-kid": json.dumps({"keys": [good, {k: v for k, v in good.items() if k != "kid"}]}).encode(),
        "set-empty": b'{"keys": []}', "set-null": b'{"keys": null}', "set-object": b'{"keys": {}}',
        "pkcs8": pkcs8, "sec1": sec1, "spki": spki, "pem-garbage": b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        "not-utf8": b"\xff\xfe{", "empty": b"", "garbage": b"garbage", "bad-json": b'{"keys": [}',
        "padded": b"\n  " + json.dumps(good).encode() + b"\n\n", "too-large": b" " * (1 << 20) + json.dumps(good).encode(),
    })
    return files


def test_same_codes_as_cli_for_key_files(cli: Path, tmp_path: Path) -> None:
    files = bad_key_files(cli, tmp_path)
    seen: dict[str, int] = {}
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content)
        path.chmod(0o600)
        out = run(cli, ["open", "--key", name], tmp_path, b"", ok=False)
        errors = [x for x in out.stderr.decode().splitlines() if not x.startswith("slice-seal: warning:")]
        want = errors[0].split(": ")[1] if out.returncode == 2 else "OK"
        assert out.returncode in (0, 2) and (out.returncode == 0) == (not errors), (name, out.stderr)
        try:
            slice_seal.Keyring.load(path)
            got = "OK"
        except slice_seal.SliceSealError as e:
            got = e.code
        assert got == want, f"{name}: python {got}, CLI {want} ({errors})"
        seen[got] = seen.get(got, 0) + 1
    assert {"OK", "INVALID_KEY", "NOT_PRIVATE_KEY", "DUPLICATE_KID"} <= set(seen), seen
