"""The worked example (tests/vectors/envelope-v1.json, docs/FORMAT.md §6) and
the shared RFC 9180 P-256 vectors, through the package."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from conftest import ROOT, SHARED_VECTORS, VECTORS, p256, read_json
from cryptography.hazmat.bindings._rust import openssl as rust_openssl
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

import slice_seal
from slice_seal import _b64
from slice_seal.envelope import Envelope


def envelope_vectors() -> list[dict[str, Any]]:
    data = read_json(VECTORS / "envelope-v1.json")
    # The file holds one vector object today; a list of them is read the same way.
    return data if isinstance(data, list) else [data]


def private_jwk(d: int) -> dict[str, str]:
    key = ec.derive_private_key(d, ec.SECP256R1())
    jwk = slice_seal.public_jwk(key.public_key())
    jwk["d"] = _b64.encode(d.to_bytes(32, "big"))
    return jwk


def test_envelope_vectors_open() -> None:
    vectors = envelope_vectors()
    assert len(vectors) > 0
    opened = 0
    for v in vectors:
        d = int(v["recipient_private_d_hex"], 16)
        ring = slice_seal.Keyring.from_jwks({"keys": [private_jwk(d)]})
        assert ring.kids == (v["kid"],)
        assert ring.public_jwks()["keys"][0] == v["recipient_public_jwk"]
        pem = p256(ring.private_key(v["kid"])).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        for r in (ring, slice_seal.Keyring.from_pem(pem)):
            assert slice_seal.open(v["envelope"], r) == v["plaintext"].encode()
            assert slice_seal.open(v["envelope"], r, v["context"]) == v["plaintext"].encode()
            assert slice_seal.open_text(v["envelope"], r, slice_seal.Context(**v["context"])) == v["plaintext"]
            opened += 1
        # The parsed parts are the vector's.
        env = Envelope.parse(v["envelope"])
        assert env.info.hex() == v["info_hex"] == slice_seal.Context(**v["context"]).info().hex()
        assert env.enc.hex() == v["enc_hex"]
        assert env.ct.hex() == v["ct_hex"]
        assert env.to_body().hex() == v["body_hex"]
        assert str(env) == v["envelope"]
        info = slice_seal.inspect(v["envelope"])
        assert (info.kid, info.context.to_dict()) == (v["kid"], v["context"])
        assert info.plaintext_len == len(v["plaintext"].encode())
        # Moved to another field it does not open, whatever the check.
        moved = dict(v["context"], field="surname")
        with pytest.raises(slice_seal.ContextMismatch):
            slice_seal.open(v["envelope"], ring, moved)
    assert opened == 2 * len(vectors)


def test_format_md_example_is_the_vector() -> None:
    """docs/FORMAT.md §6 shows the vector's envelope on one line, with its
    length and SHA-256."""
    text = (ROOT / "docs" / "FORMAT.md").read_text(encoding="utf-8")
    m = re.search(
        r"Envelope text, (\d+) characters\..*?`([0-9a-f]{64})`\.\n\n```\n([^\n]*)\n```", text, re.S
    )
    assert m, "worked example not found in docs/FORMAT.md"
    length, digest, shown = int(m.group(1)), m.group(2), m.group(3)
    assert shown == envelope_vectors()[0]["envelope"]
    assert len(shown) == length
    assert hashlib.sha256(shown.encode("ascii")).hexdigest() == digest


def hpke_entries() -> list[dict[str, Any]]:
    path = SHARED_VECTORS / "hpke" / "p256-hkdfsha256-aesgcm.json"
    assert path.is_file(), f"shared HPKE vectors missing: {path} (../shared/vectors beside the repository)"
    entries = read_json(path)
    assert isinstance(entries, list) and entries
    return entries


def test_hpke_rfc9180_p256_keys_load() -> None:
    """Every entry's recipient key (skRm/pkRm) loads through the package as a
    private JWK, a JWKS member and a PKCS#8 PEM, with pkRm as its public key."""
    entries = hpke_entries()
    assert len(entries) == 8
    for e in entries:
        assert (e["kem_id"], e["kdf_id"]) == (0x10, 1)
        d = int(e["skRm"], 16)
        pk = bytes.fromhex(e["pkRm"])
        jwk = {"kty": "EC", "crv": "P-256", "x": _b64.encode(pk[1:33]), "y": _b64.encode(pk[33:]),
               "d": _b64.encode(d.to_bytes(32, "big"))}
        ring = slice_seal.Keyring.from_jwk(jwk)
        (kid,) = ring.kids
        assert slice_seal.Keyring.from_jwks({"keys": [dict(jwk, kid=kid)]}).kids == (kid,)
        pub = p256(ring.private_key(kid)).public_key()
        assert pub.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint) == pk
        pem = p256(ring.private_key(kid)).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        assert slice_seal.Keyring.from_pem(pem).kids == (kid,)
        # pkRm with another d is refused.
        with pytest.raises(slice_seal.InvalidKey):
            slice_seal.Keyring.from_jwk(dict(jwk, d=_b64.encode(((d % 1000) + 1).to_bytes(32, "big"))))


def test_hpke_rfc9180_base_aes256_encryption_decrypts() -> None:
    """The base-mode AES-256-GCM entry: its sequence-0 encryption (the only one a
    single-shot HPKE open reaches; it has a non-empty AAD) decrypts with the
    package's suite and a key loaded by the package; with another info or key
    it does not."""
    base = [e for e in hpke_entries() if e["mode"] == 0 and e["aead_id"] == 2]
    assert len(base) == 1
    suite = slice_seal.api.SUITE
    checked = 0
    for e in base:
        pk = bytes.fromhex(e["pkRm"])
        jwk = {"kty": "EC", "crv": "P-256", "x": _b64.encode(pk[1:33]), "y": _b64.encode(pk[33:]),
               "d": _b64.encode(bytes.fromhex(e["skRm"]))}
        ring = slice_seal.Keyring.from_jwk(jwk)
        key = p256(ring.private_key(ring.kids[0]))
        enc, info = bytes.fromhex(e["enc"]), bytes.fromhex(e["info"])
        first = e["encryptions"][0]
        assert first["nonce"] == e["base_nonce"]  # sequence 0
        ct, aad, pt = (bytes.fromhex(first[k]) for k in ("ct", "aad", "pt"))
        # cryptography's single-shot open with an AAD: the binding its own HPKE
        # vector tests use (the public Suite.decrypt has aad = "", as slices do).
        decrypt_with_aad = rust_openssl.hpke._decrypt_with_aad
        assert decrypt_with_aad(suite, enc + ct, key, info, aad) == pt
        with pytest.raises(Exception):
            decrypt_with_aad(suite, enc + ct, key, info + b"x", aad)
        # The package's suite seals to pkRm and opens with the loaded key.
        pub = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), pk)
        assert suite.decrypt(suite.encrypt(pt, pub, info), key, info) == pt
        checked += 1
    assert checked == 1
