"""Whatever the input, the package raises its own coded exceptions only
(never a bare ValueError, KeyError, TypeError, UnicodeError...), and their
messages never hold key material or plaintext."""

from __future__ import annotations

import json
import random
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

import slice_seal
from slice_seal import _b64

PLAINTEXT = b"secret-answer-1990-04-01"


def outcome(fn: Any, *args: Any) -> str:
    try:
        fn(*args)
    except slice_seal.SliceSealError as e:
        assert PLAINTEXT.decode() not in str(e)
        return e.code
    return "OK"


def mutate(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randrange(1, 4)):
        if not chars:
            break
        pos = rng.randrange(len(chars))
        op = rng.random()
        if op < 0.3:
            del chars[pos]
        elif op < 0.6:
            chars[pos] = rng.choice('{}[]",:0123456789abcAZ_-=.\\\n é\x00\ud800')
        else:
            chars.insert(pos, rng.choice('{}[]",:0aZ-_ \n'))
    return "".join(chars)


def test_random_key_texts() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    jwk = slice_seal.public_jwk(key.public_key())
    d = _b64.encode(key.private_numbers().private_value.to_bytes(32, "big"))
    jwk["d"] = d
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    seeds = [json.dumps({"keys": [jwk]}), json.dumps(jwk), pem]
    rng = random.Random(7)
    codes: dict[str, int] = {}
    for i in range(1500):
        text = mutate(seeds[i % 3], rng)
        for fn in (slice_seal.Keyring.parse, slice_seal.load_public_key):
            try:
                fn(text)
                code = "OK"
            except slice_seal.SliceSealError as e:
                assert d not in str(e), e
                code = e.code
            codes[code] = codes.get(code, 0) + 1
    assert set(codes) <= {"OK", "INVALID_KEY", "NOT_PRIVATE_KEY", "KID_MISMATCH", "DUPLICATE_KID"}, codes
    assert codes.get("INVALID_KEY", 0) > 100


def test_random_envelopes_and_arguments() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    ring = slice_seal.Keyring([key])
    ctx = slice_seal.Context("f", "q", "s")
    env = slice_seal.seal(PLAINTEXT, key.public_key(), ctx)
    rng = random.Random(11)
    for _ in range(1500):
        text = mutate(env, rng)
        for fn in (slice_seal.open, slice_seal.open_text):
            outcome(fn, text, ring, ctx)
        outcome(slice_seal.inspect, text)
    odd: list[Any] = [None, 1, 1.5, [], {}, b"\xff", "x", {"form": 1, "field": "q"}, ("f", "q"), object()]
    for value in odd:
        outcome(slice_seal.open, value, ring)
        outcome(slice_seal.open, env, value)
        outcome(slice_seal.open, env, ring, value)
        outcome(slice_seal.inspect, value)
        outcome(slice_seal.seal, value, key.public_key(), ctx)
        outcome(slice_seal.seal, b"x", value, ctx)
        outcome(slice_seal.seal, b"x", key.public_key(), value)
        outcome(slice_seal.seal, b"x", key.public_key(), ctx, value)
        outcome(slice_seal.Keyring, value)
        outcome(slice_seal.Keyring.parse, value)
        outcome(slice_seal.Keyring.from_jwks, value)
        outcome(slice_seal.Keyring.from_jwk, value)
        outcome(slice_seal.Keyring.from_pem, value)
        outcome(slice_seal.Keyring.load, value) if not isinstance(value, (str, bytes)) else None
        outcome(ring.private_key, value)
        outcome(slice_seal.Context.from_mapping, value)
