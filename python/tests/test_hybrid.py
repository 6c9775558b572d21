"""The hybrid suite (docs/FORMAT.md §11, MLKEM768-X25519) in the package,
against the `slice-seal` CLI built from this tree, both ways: AKP key files
and keyrings that mix both suites (same kids, same public JWKS), envelopes
and sealed files sealed on one side and opened on the other, and the same
error code on both sides for mixed suites and bad hybrid keys."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import open_json, run
from cryptography.hazmat.primitives.asymmetric import ec

import slice_seal
from slice_seal import _b64

CTX = slice_seal.Context("vetting-step-2", "date-of-birth", "4f1c2a9e-demo")
CTX_ARGS = ["--form", CTX.form, "--field", CTX.field, "--submission", CTX.submission or ""]
PLAINTEXTS = [b"", b"1990-04-01", "Zoë 👩‍💻".encode(), bytes(range(256)), b"x" * 70_000]


def keygen(cli: Path, tmp: Path, *args: str) -> dict[str, Any]:
    return dict(json.loads(run(cli, ["keygen", *args], tmp).stdout))


def cli_code(out: Any) -> str:
    """The code of the CLI's first error line (`slice-seal: CODE: …` or `line N: CODE: …`)."""
    line = out.stderr.decode().splitlines()[0]
    return str(line.split(": ")[1])


@pytest.fixture()
def mixed(cli: Path, tmp_path: Path) -> dict[str, Any]:
    """A keyring made by the CLI with a P-256 and a hybrid key, and a lone hybrid key file."""
    p = keygen(cli, tmp_path, "--add-to", "ring.jwks")
    h = keygen(cli, tmp_path, "--suite", "mlkem768-x25519", "--add-to", "ring.jwks")
    lone = keygen(cli, tmp_path, "--suite", "mlkem768-x25519", "--out", "pq.jwk")
    (tmp_path / "published.jwks").write_text(run(cli, ["public", "--key", "ring.jwks", "--jwks"], tmp_path).stdout.decode())
    (tmp_path / "pq.pub.jwk").write_text(json.dumps(lone))
    return {"dir": tmp_path, "p": p, "h": h, "lone": lone}


def test_cli_keys_load_with_the_same_kids(cli: Path, mixed: dict[str, Any]) -> None:
    d = mixed["dir"]
    ring = slice_seal.Keyring.load(d / "ring.jwks")
    assert ring.kids == (mixed["p"]["kid"], mixed["h"]["kid"])
    assert ring.kems == (slice_seal.KEM_ID, slice_seal.HYBRID_KEM_ID)
    assert ring.public_jwks() == json.loads((d / "published.jwks").read_text())
    hkey = ring.private_key(mixed["h"]["kid"])
    assert isinstance(hkey, slice_seal.HybridPrivateKey)
    assert hkey.public_key().jwk() == mixed["h"]
    assert "priv" not in repr(hkey) and _b64.encode(hkey.seed()) not in repr(ring)
    assert ring.created(mixed["h"]["kid"]) is not None
    lone = slice_seal.Keyring.load(d / "pq.jwk")
    assert lone.kids == (mixed["lone"]["kid"],) and lone.kems == (slice_seal.HYBRID_KEM_ID,)
    # The keyring file the package writes is one the CLI reads (same kids).
    (d / "py.jwks").write_text(json.dumps(ring.private_jwks()))
    (d / "py.jwks").chmod(0o600)
    listed = run(cli, ["keyring", "list", "--key", "py.jwks"], d).stdout.decode().splitlines()
    assert [row.split("\t")[0] for row in listed] == list(ring.kids)
    assert slice_seal.Keyring.from_jwks(ring.private_jwks()).kids == ring.kids


def test_cli_sealed_envelopes_open_here(cli: Path, mixed: dict[str, Any]) -> None:
    d = mixed["dir"]
    ring = slice_seal.Keyring.load(d / "ring.jwks")
    for pt in PLAINTEXTS:
        for kid, prefix in ((mixed["h"]["kid"], "ss1.ZHoAAQAC"), (mixed["p"]["kid"], "ss1.ABAAAQAC")):
            env = run(cli, ["seal", "--to", "published.jwks", "--kid", kid, *CTX_ARGS], d, pt).stdout.decode().strip()
            assert env.startswith(prefix)
            assert slice_seal.open(env, ring, CTX) == pt
            assert slice_seal.inspect(env).kem == (0x647A if prefix == "ss1.ZHoAAQAC" else 0x0010)
    env = run(cli, ["seal", "--to", "pq.pub.jwk", *CTX_ARGS], d, b"lone").stdout.decode().strip()
    key = slice_seal.Keyring.load(d / "pq.jwk").private_key(mixed["lone"]["kid"])
    assert isinstance(key, slice_seal.HybridPrivateKey)
    assert slice_seal.open(env, key, CTX) == b"lone"  # one key, not a keyring
    assert slice_seal.inspect(env).kem == 0x647A


def test_envelopes_sealed_here_open_with_the_cli(cli: Path, mixed: dict[str, Any]) -> None:
    d = mixed["dir"]
    published = json.loads((d / "published.jwks").read_text())
    envs = [slice_seal.seal(pt, published, CTX, kid=mixed["h"]["kid"]) for pt in PLAINTEXTS[:4]]
    envs.append(slice_seal.seal(b"classic", published, CTX, kid=mixed["p"]["kid"]))
    envs.append(slice_seal.seal(b"lone", (d / "pq.pub.jwk").read_text(), CTX))
    assert all(e.startswith("ss1.ZHoAAQAC") for e in envs[:4])
    records = open_json(cli, d / "ring.jwks", envs[:5], d)
    for rec, pt in zip(records, [*PLAINTEXTS[:4], b"classic"]):
        assert "error" not in rec, rec
        got = rec["plaintext"].encode() if "plaintext" in rec else _b64.decode(rec["plaintext_b64"])
        assert got == pt
    assert open_json(cli, d / "pq.jwk", envs[5:], d)[0]["plaintext"] == "lone"
    # Each seal is fresh (a new encapsulation).
    assert slice_seal.seal(b"x", published, CTX, kid=mixed["h"]["kid"]) != slice_seal.seal(
        b"x", published, CTX, kid=mixed["h"]["kid"]
    )


def test_files_both_ways(cli: Path, mixed: dict[str, Any]) -> None:
    d = mixed["dir"]
    data = bytes(i % 251 for i in range(5000))
    (d / "doc.bin").write_bytes(data)
    ring = slice_seal.Keyring.load(d / "ring.jwks")
    h_kid = mixed["h"]["kid"]
    run(cli, ["seal-file", "--to", "published.jwks", "--kid", h_kid, *CTX_ARGS, "--chunk-size", "1024",
              "-o", "doc.ssf", "doc.bin"], d)
    sealed = (d / "doc.ssf").read_bytes()
    opened = slice_seal.open_file(sealed, ring, CTX)
    assert opened.plaintext == data and opened.info.kid == h_kid and opened.info.name == "doc.bin"
    mine = slice_seal.seal_file(data, json.loads((d / "published.jwks").read_text()), CTX, "py.bin",
                                "application/octet-stream", 1024, kid=h_kid)
    header_len = int.from_bytes(mine[4:6], "big")
    assert mine[6 : 6 + header_len].startswith(b"ss1.ZHoAAQAC")
    (d / "py.ssf").write_bytes(mine)
    run(cli, ["open-file", "--key", "ring.jwks", *CTX_ARGS, "-o", "py.out", "py.ssf"], d)
    assert (d / "py.out").read_bytes() == data
    # The P-256 key alone: SUITE_MISMATCH here and in the CLI.
    p_ring = slice_seal.Keyring.from_jwks({"keys": [k for k in ring.private_jwks()["keys"] if k["kty"] == "EC"]})
    with pytest.raises(slice_seal.SuiteMismatch) as e:
        slice_seal.open_file(sealed, p_ring)
    assert e.value.code == "SUITE_MISMATCH"
    (d / "p.jwks").write_text(json.dumps(p_ring.private_jwks()))
    (d / "p.jwks").chmod(0o600)
    out = run(cli, ["open-file", "--key", "p.jwks", "-o", "x.out", "doc.ssf"], d, ok=False)
    assert out.returncode == 1 and cli_code(out) == "SUITE_MISMATCH", out.stderr


def test_mixed_suites_give_the_cli_codes(cli: Path, mixed: dict[str, Any]) -> None:
    """The other suite's envelope, with one key or a keyring without a key of
    its suite (truncated too: the suite is checked first), the same code here
    as from `slice-seal open`."""
    d = mixed["dir"]
    published = json.loads((d / "published.jwks").read_text())
    h_env = slice_seal.seal(b"pq", published, CTX, kid=mixed["h"]["kid"])
    p_env = slice_seal.seal(b"classic", published, CTX, kid=mixed["p"]["kid"])
    ring = slice_seal.Keyring.load(d / "ring.jwks")
    p_key = ring.private_key(mixed["p"]["kid"])
    lone = slice_seal.Keyring.load(d / "pq.jwk")

    def cut(env: str) -> str:
        return "ss1." + _b64.encode((_b64.decode(env[4:]) or b"")[:60])

    cases: list[tuple[str, Any, str, str]] = [
        (h_env, p_key, "p.jwk", "SUITE_MISMATCH"),
        (cut(h_env), p_key, "p.jwk", "SUITE_MISMATCH"),
        (p_env, lone, "pq.jwk", "SUITE_MISMATCH"),
        (cut(p_env), lone, "pq.jwk", "SUITE_MISMATCH"),
        (h_env, lone, "pq.jwk", "KEY_NOT_FOUND"),
        (cut(h_env), ring, "ring.jwks", "MALFORMED_ENVELOPE"),
    ]
    (d / "p.jwk").write_text(json.dumps(next(k for k in ring.private_jwks()["keys"] if k["kty"] == "EC")))
    (d / "p.jwk").chmod(0o600)
    body = bytearray(_b64.decode(h_env[4:]) or b"")
    body[1] = 0x7B
    cases.append(("ss1." + _b64.encode(bytes(body)), ring, "ring.jwks", "UNSUPPORTED_SUITE"))
    for env, key, key_file, want in cases:
        with pytest.raises(slice_seal.SliceSealError) as e:
            slice_seal.open(env, key)
        assert e.value.code == want, (want, e.value)
        assert type(e.value) is slice_seal.ERRORS[want]
        out = run(cli, ["open", "--key", key_file], d, (env + "\n").encode(), ok=False)
        assert cli_code(out) == want, out.stderr
    assert "MLKEM768-X25519" in str(pytest.raises(slice_seal.SuiteMismatch, slice_seal.open, h_env, p_key).value)
    # One hybrid key (not a keyring) of another kid: KID_MISMATCH, as open_hybrid.
    with pytest.raises(slice_seal.KidMismatch):
        slice_seal.open(h_env, lone.private_key(mixed["lone"]["kid"]))


def bad_hybrid_jwks(good: dict[str, Any], other: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Hybrid private JWKs each broken in one way."""

    def edit(**changes: Any) -> dict[str, Any]:
        out = {**good, **changes}
        return {k: v for k, v in out.items() if v is not None}

    pub = _b64.decode(good["pub"]) or b""
    return [
        ("short-priv", edit(priv=_b64.encode(b"\x01" * 31), pub=None, kid=None)),
        ("long-priv", edit(priv=_b64.encode(b"\x01" * 33), pub=None, kid=None)),
        ("priv-not-b64", edit(priv="not base64!", pub=None, kid=None)),
        ("priv-not-string", edit(priv=7)),
        ("no-priv", edit(priv=None)),
        ("short-pub", edit(pub=_b64.encode(pub[:-1]), kid=None)),
        ("other-pub", edit(pub=other["pub"], kid=None)),
        ("wrong-alg", edit(alg="ML-KEM-768")),
        ("no-alg", edit(alg=None)),
        ("wrong-kid", edit(kid=other["kid"])),
        ("bad-created", edit(created="yesterday")),
    ]


def test_bad_hybrid_keys_give_the_cli_codes(cli: Path, mixed: dict[str, Any]) -> None:
    """Each broken hybrid JWK, alone and as the second member of a keyring,
    gives here the code `slice-seal open` gives for the same file."""
    d = mixed["dir"]
    good = json.loads((d / "pq.jwk").read_text())
    other = mixed["h"]
    p_member = next(k for k in json.loads((d / "ring.jwks").read_text())["keys"] if k["kty"] == "EC")
    env = slice_seal.seal(b"x", mixed["lone"], CTX) + "\n"
    seen = set()
    for name, jwk in bad_hybrid_jwks(good, other):
        for text in (json.dumps(jwk), json.dumps({"keys": [p_member, jwk]})):
            path = d / "bad.jwk"
            path.write_text(text)
            path.chmod(0o600)
            out = run(cli, ["open", "--key", "bad.jwk"], d, env.encode(), ok=False)
            assert out.returncode == 2, (name, out.stderr)
            want = cli_code(out)
            with pytest.raises(slice_seal.SliceSealError) as e:
                slice_seal.Keyring.parse(text)
            got = e.value.code
            assert got == want, (name, text[:30], got, want, e.value)
            assert good["priv"] not in str(e.value)
            seen.add((name, got))
    codes = {c for _, c in seen}
    assert codes == {"INVALID_KEY", "NOT_PRIVATE_KEY", "KID_MISMATCH"}, seen
    # Public keys: a wrong length or a bad ML-KEM key is INVALID_KEY, to seal too.
    pub = _b64.decode(good["pub"]) or b""
    bad_mlkem = b"\xff\xff" + pub[2:]
    for bad in (pub[:1215], pub + b"\x00", bad_mlkem):
        jwk = {"kty": "AKP", "alg": "MLKEM768-X25519", "pub": _b64.encode(bad)}
        with pytest.raises(slice_seal.InvalidKey):
            slice_seal.seal(b"x", jwk, CTX)
        (d / "bad.pub.jwk").write_text(json.dumps(jwk))
        out = run(cli, ["seal", "--to", "bad.pub.jwk", *CTX_ARGS], d, b"x", ok=False)
        assert cli_code(out) == "INVALID_KEY", out.stderr
    with pytest.raises(slice_seal.KidMismatch):
        slice_seal.seal(b"x", mixed["lone"], CTX, kid=other["kid"])
    with pytest.raises(slice_seal.InvalidArgument):
        slice_seal.seal(b"x", slice_seal.HybridPrivateKey.generate(), CTX)  # type: ignore[arg-type]


def test_generated_keys_round_trip_here() -> None:
    """Keys made here: seal and open, in a keyring with a P-256 key, and the
    CLI's AKP form of the same seed (kid = RFC 7638 over alg, kty, pub)."""
    h = slice_seal.HybridPrivateKey.generate()
    p = ec.generate_private_key(ec.SECP256R1())
    ring = slice_seal.Keyring([p, h])
    assert ring.kids[1] == h.kid == slice_seal.thumbprint(h.public_key())
    canon = json.dumps({"alg": "MLKEM768-X25519", "kty": "AKP", "pub": h.public_key().jwk()["pub"]},
                       separators=(",", ":"))
    assert h.kid == _b64.encode(hashlib.sha256(canon.encode()).digest())
    for key in (h.public_key(), p.public_key()):
        env = slice_seal.seal(b"both", key, CTX)
        assert slice_seal.open(env, ring, CTX) == b"both"
    assert slice_seal.HybridPrivateKey(h.seed()).public_key() == h.public_key()
    with pytest.raises(slice_seal.InvalidKey):
        slice_seal.HybridPrivateKey(b"\x00" * 31)
    with pytest.raises(slice_seal.DuplicateKid):
        slice_seal.Keyring([h, slice_seal.HybridPrivateKey(h.seed())])
