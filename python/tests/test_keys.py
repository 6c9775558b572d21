"""Key loading: keyrings (JWKS, JWK, PEM), their errors and codes, public
keys for sealing, thumbprints. Error messages never hold key material."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

import slice_seal
from slice_seal import _b64
from slice_seal.keys import _is_rfc3339_utc


def new_jwk(**extra: str) -> dict[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    jwk = slice_seal.public_jwk(key.public_key())
    jwk["d"] = _b64.encode(key.private_numbers().private_value.to_bytes(32, "big"))
    jwk.update(extra)
    return jwk


def raises(code: str, fn: Any, *args: Any, secrets: tuple[str, ...] = ()) -> slice_seal.SliceSealError:
    with pytest.raises(slice_seal.SliceSealError) as info:
        fn(*args)
    assert info.value.code == code, f"{info.value!r}"
    for s in secrets:
        assert s not in str(info.value) and s not in repr(info.value)
    return info.value


def test_thumbprint_is_rfc7638() -> None:
    # RFC 7638 §3.1 computes over the canonical JSON; here the FORMAT.md §6 key.
    d = int("e40069c1059fccf08a75e5c402123b7f5dca040a35c4e6fb79b38399171ce2e3", 16)
    key = ec.derive_private_key(d, ec.SECP256R1()).public_key()
    assert slice_seal.thumbprint(key) == "aOp5O2G-vT41DlJxQTTYDW0PwnidFLPJYkho8dW_RmM"


def test_keyring_jwks_with_created(tmp_path: Path) -> None:
    a, b = new_jwk(created="2026-12-01T07:30:00Z"), new_jwk()
    del b["kid"]  # kid is optional
    path = tmp_path / "ring.jwks"
    path.write_text(json.dumps({"keys": [a, b]}))
    ring = slice_seal.Keyring.load(path)
    assert len(ring) == 2 and ring.kids[0] == a["kid"] and a["kid"] in ring
    assert ring.created(a["kid"]) == "2026-12-01T07:30:00Z" and ring.created(ring.kids[1]) is None
    pub = ring.public_jwks()["keys"]
    assert [k["kid"] for k in pub] == list(ring.kids) and all("d" not in k for k in pub)
    assert a["d"] not in repr(ring)
    raises("KEY_NOT_FOUND", ring.private_key, "nope")


def test_keyring_from_key_objects_and_pem() -> None:
    keys = [ec.generate_private_key(ec.SECP256R1()) for _ in range(3)]
    ring = slice_seal.Keyring(keys)
    assert ring.kids == tuple(slice_seal.thumbprint(k.public_key()) for k in keys)
    raises("DUPLICATE_KID", slice_seal.Keyring, [keys[0], keys[1], keys[0]])
    raises("INVALID_KEY", slice_seal.Keyring, [ec.generate_private_key(ec.SECP384R1())])
    raises("INVALID_KEY", slice_seal.Keyring, [])
    sec1 = keys[0].private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                 serialization.NoEncryption())
    assert slice_seal.Keyring.from_pem(sec1).kids == ring.kids[:1]
    assert slice_seal.Keyring.parse("\n  " + sec1.decode()).kids == ring.kids[:1]
    spki = keys[0].public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    raises("NOT_PRIVATE_KEY", slice_seal.Keyring.parse, spki.decode())
    encrypted = keys[0].private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.BestAvailableEncryption(b"pw"))
    raises("INVALID_KEY", slice_seal.Keyring.from_pem, encrypted)
    p384 = ec.generate_private_key(ec.SECP384R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    raises("INVALID_KEY", slice_seal.Keyring.from_pem, p384)


def test_keyring_member_errors_name_the_member() -> None:
    good = new_jwk()
    n = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    other = new_jwk()
    bad_members: list[tuple[str, Any]] = [
        ("INVALID_KEY", "not an object"),
        ("INVALID_KEY", {k: v for k, v in good.items() if k != "kty"}),
        ("INVALID_KEY", dict(good, kty="RSA")),
        ("INVALID_KEY", dict(good, crv="P-384")),
        ("INVALID_KEY", dict(good, d=good["d"] + "=")),
        ("INVALID_KEY", dict(good, d=good["d"][:-2])),
        ("INVALID_KEY", dict(good, d=_b64.encode(b"\0" * 32))),
        ("INVALID_KEY", dict(good, d=_b64.encode(n.to_bytes(32, "big")))),
        ("INVALID_KEY", dict(good, d=other["d"])),  # x/y not its d's
        ("INVALID_KEY", dict(good, x=other["x"], y=other["y"], kid=other["kid"])),
        ("INVALID_KEY", dict(good, y=good["x"])),  # not on the curve
        ("INVALID_KEY", dict(good, kid=other["kid"])),  # kid not its thumbprint
        ("INVALID_KEY", dict(good, x=None, y=None)),
        ("INVALID_KEY", dict(good, kid=7)),
        ("INVALID_KEY", dict(good, created="2026-12-01T07:30:00+00:00")),
        ("NOT_PRIVATE_KEY", {k: v for k, v in good.items() if k != "d"}),
        ("NOT_PRIVATE_KEY", dict(good, d=None)),
    ]
    for code, member in bad_members:
        err = raises(code, slice_seal.Keyring.from_jwks, {"keys": [new_jwk(), member]},
                     secrets=(good["d"], other["d"]))
        assert "keys[1]" in str(err), str(err)
    # A single JWK with another key's kid keeps its KID_MISMATCH (as the Rust keyring).
    raises("KID_MISMATCH", slice_seal.Keyring.from_jwk, dict(good, kid=other["kid"]))
    # Two members with one key: DUPLICATE_KID, a kind of INVALID_KEY.
    err = raises("DUPLICATE_KID", slice_seal.Keyring.from_jwks, {"keys": [good, other, dict(good, kid=None)]})
    assert isinstance(err, slice_seal.InvalidKey) and "keys[0]" in str(err) and "keys[2]" in str(err)
    bad_sets: list[Any] = [{"keys": []}, {"keys": None}, {"keys": {}}, [good], {"keys": [good] * 1025}]
    for obj in bad_sets:
        raises("INVALID_KEY", slice_seal.Keyring.from_jwks, obj)


def test_keyring_text_errors(tmp_path: Path) -> None:
    jwk = new_jwk()
    for text in ("", "   ", "garbage", "{", '{"keys": [}', "[1]", '{"kty": NaN}',
                 json.dumps(jwk)[:-1] + ', "d": "x"}',  # duplicate member
                 "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"):
        raises("INVALID_KEY", slice_seal.Keyring.parse, text, secrets=(jwk["d"],))
    path = tmp_path / "k"
    path.write_bytes(b"\xff\xfe{")
    raises("INVALID_KEY", slice_seal.Keyring.load, path)
    path.write_bytes(b" " * (1 << 20) + json.dumps(jwk).encode())
    raises("INVALID_KEY", slice_seal.Keyring.load, path)
    raises("INVALID_ARGUMENT", slice_seal.Keyring.parse, b"{}")
    with pytest.raises(OSError):
        slice_seal.Keyring.load(tmp_path / "missing")
    # A single JWK and a JWKS of it are the same keyring.
    path.write_text(json.dumps(jwk))
    assert slice_seal.Keyring.load(path).kids == slice_seal.Keyring.from_jwks({"keys": [jwk]}).kids


def test_created_is_rfc3339_utc_as_the_rust_keyring() -> None:
    # The cases of src/keyring.rs's rfc3339_utc test.
    for ok in ("2026-12-01T07:30:00Z", "1999-01-31T23:59:60Z", "2026-12-01T07:30:00.123Z"):
        assert _is_rfc3339_utc(ok), ok
    for bad in ("", "2026-12-01", "2026-12-01T07:30:00", "2026-12-01T07:30:00+00:00",
                "2026-13-01T07:30:00Z", "2026-12-00T07:30:00Z", "2026-12-01T24:30:00Z",
                "2026-12-01 07:30:00Z", "2026-12-01T07:30:00.Z", "2026-12-01T07:30:0xZ",
                '2026-12-01T07:30:00"Z', "２026-12-01T07:30:00Z", "2026-12-01T07:30:00Z\n"):
        assert not _is_rfc3339_utc(bad), bad


def test_public_keys_for_sealing() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    pub = key.public_key()
    kid = slice_seal.thumbprint(pub)
    jwk = slice_seal.public_jwk(pub)
    pem = pub.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    other = slice_seal.public_jwk(ec.generate_private_key(ec.SECP256R1()).public_key())
    for value in (pub, jwk, json.dumps(jwk), pem, pem.decode(), {"keys": [jwk]}, {"keys": [other, jwk]}):
        got = slice_seal.load_public_key(value, kid)
        assert slice_seal.thumbprint(got) == kid
    assert slice_seal.thumbprint(slice_seal.load_public_key(dict(jwk, kid=None))) == kid
    raises("KID_MISMATCH", slice_seal.load_public_key, jwk, other["kid"])
    raises("KID_MISMATCH", slice_seal.load_public_key, dict(jwk, kid=other["kid"]))
    raises("KEY_NOT_FOUND", slice_seal.load_public_key, {"keys": [jwk]}, other["kid"])
    raises("INVALID_KEY", slice_seal.load_public_key, {"keys": [jwk, other]})
    raises("INVALID_KEY", slice_seal.load_public_key, {"keys": []})
    raises("INVALID_KEY", slice_seal.load_public_key, dict(jwk, x=jwk["y"]))
    raises("INVALID_KEY", slice_seal.load_public_key, dict(jwk, crv="P-384"))
    raises("INVALID_KEY", slice_seal.load_public_key, "garbage")
    raises("INVALID_KEY", slice_seal.load_public_key, b"\xff")
    raises("INVALID_KEY", slice_seal.load_public_key, ec.generate_private_key(ec.SECP384R1()).public_key())
    raises("INVALID_ARGUMENT", slice_seal.load_public_key, key)
    raises("INVALID_ARGUMENT", slice_seal.load_public_key, 42)


def test_public_jwk_is_not_private_whatever_else_is_wrong() -> None:
    """As the Rust keyring: a member without "d" is NOT_PRIVATE_KEY before any
    other check; a "d" of the wrong type is INVALID_KEY."""
    public = slice_seal.public_jwk(ec.generate_private_key(ec.SECP256R1()).public_key())
    for member in (public, dict(public, kty="RSA"), dict(public, x=1), {"kty": "EC"}, {}):
        raises("NOT_PRIVATE_KEY", slice_seal.Keyring.from_jwks, {"keys": [member]})
        raises("NOT_PRIVATE_KEY", slice_seal.Keyring.from_jwk, member)
    raises("INVALID_KEY", slice_seal.Keyring.from_jwk, dict(public, d=5))
