"""The envelope format (docs/FORMAT.md): canonical base64url, the context and
its info, the body layout and the Rust core's order of checks in open."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

import slice_seal
from slice_seal import _b64
from slice_seal.envelope import MAX_ENVELOPE_LEN, Envelope

CTX = slice_seal.Context("vetting-step-2", "date-of-birth", "4f1c2a9e-demo")


@pytest.fixture(scope="module")
def ring() -> slice_seal.Keyring:
    return slice_seal.Keyring([ec.generate_private_key(ec.SECP256R1()) for _ in range(2)])


def code_of(fn: Any, *args: Any) -> str:
    try:
        fn(*args)
    except slice_seal.SliceSealError as e:
        return e.code
    return "OK"


def test_base64url_canonical() -> None:
    # The edge cases of src/envelope.rs (decode_matches_base64ct_on_edge_cases).
    valid = {"": b"", "AA": b"\0", "AQ": b"\1", "AAA": b"\0\0", "AQI": b"\1\2", "AAAA": b"\0\0\0",
             "AQID": b"\1\2\3", "-_-_": bytes.fromhex("fbffbf"), "____": b"\xff\xff\xff"}
    for text, raw in valid.items():
        assert _b64.decode(text) == raw, text
        assert _b64.encode(raw) == text
    for text in ("A", "AB", "AR", "AAB", "AQJ", "AA==", "AAA=", "A+B/", "AA AA", " AAAA", "AAAA\n",
                 "AAAé", "____-", "=", "AA=A", "AAAA\u0660"):
        assert _b64.decode(text) is None, text


def test_context_rules_and_info() -> None:
    assert CTX.info() == bytes.fromhex(
        "000d736c6963652d7365616c2f7631000e76657474696e672d737465702d32"
        "000d646174652d6f662d6269727468000d34663163326139652d64656d6f")
    assert slice_seal.Context.from_info(CTX.info()) == CTX
    no_sub = slice_seal.Context("f", "q")
    assert no_sub.info().endswith(b"\0\0") and slice_seal.Context.from_info(no_sub.info()) == no_sub
    slice_seal.Context("f" * 256, "é" * 128, "\u00a0x")  # 256 bytes; U+00A0 is not a control
    for args in (("", "q"), ("f", ""), ("f", "q", ""), ("f" * 257, "q"), ("f", "é" * 129), ("f\x00", "q"),
                 ("f", "q\t"), ("f", "q", "a\nb"), ("f\x7f", "q"), ("f\x85", "q"), ("f\ud800", "q")):
        assert code_of(slice_seal.Context, *args) == "INVALID_CONTEXT", args
    assert code_of(slice_seal.Context, 1, "q") == "INVALID_ARGUMENT"
    assert code_of(slice_seal.Context.from_mapping, {"field": "q"}) == "INVALID_ARGUMENT"
    assert code_of(slice_seal.Context.from_mapping, {"form": "f", "field": "q", "extra": 1}) == "INVALID_ARGUMENT"
    assert slice_seal.Context.from_mapping({"form": "f", "field": "q", "submission": None}) == no_sub


def lp(b: bytes) -> bytes:
    return len(b).to_bytes(2, "big") + b


def with_info(env: str, info: bytes) -> str:
    e = Envelope.parse(env)
    body = e.to_body()
    head = body[:38] + len(info).to_bytes(2, "big")
    return "ss1." + _b64.encode(head + info + e.enc + e.ct)


def test_malformed_info_is_malformed_envelope(ring: slice_seal.Keyring) -> None:
    env = slice_seal.seal(b"x", ring.public_jwks(), CTX, kid=ring.kids[0])
    label = lp(b"slice-seal/v1")
    for info in (b"", label, label + lp(b"f"), label + lp(b"f") + lp(b"q") + lp(b"") + b"\0",
                 lp(b"slice-seal/v2") + lp(b"f") + lp(b"q") + lp(b""),
                 label + lp(b"\xff") + lp(b"q") + lp(b""), label + lp(b"") + lp(b"q") + lp(b""),
                 label + lp(b"f\n") + lp(b"q") + lp(b""), label + lp(b"f") + b"\x00\x05q" + lp(b"")):
        assert code_of(slice_seal.inspect, with_info(env, info)) == "MALFORMED_ENVELOPE", info
    # A well-formed info of another context parses, and then fails to decrypt.
    moved = with_info(env, slice_seal.Context("f", "q").info())
    assert slice_seal.inspect(moved).context == slice_seal.Context("f", "q")
    assert code_of(slice_seal.open, moved, ring) == "DECRYPT_FAILED"


def test_envelope_checks(ring: slice_seal.Keyring) -> None:
    env = slice_seal.seal(b"1990-04-01", ring.public_jwks(), CTX, kid=ring.kids[1])
    body = _b64.decode(env[4:])
    assert body is not None
    cases = {
        "": "MALFORMED_ENVELOPE",
        env[4:]: "MALFORMED_ENVELOPE",
        "ss2." + env[4:]: "UNSUPPORTED_VERSION",
        "ss9999." + env[4:]: "UNSUPPORTED_VERSION",
        "ss10000." + env[4:]: "MALFORMED_ENVELOPE",
        "ss٢." + env[4:]: "MALFORMED_ENVELOPE",  # not an ASCII digit
        env + "=": "MALFORMED_ENVELOPE",
        env[:-1] + "\n": "MALFORMED_ENVELOPE",
        "ss1." + _b64.encode(body[:39]): "MALFORMED_ENVELOPE",
        "ss1." + _b64.encode(body[:-1]): "DECRYPT_FAILED",
        "ss1." + _b64.encode(body[:40 + len(CTX.info()) + 65 + 15]): "MALFORMED_ENVELOPE",
        "ss1." + _b64.encode(b"\0\x10\0\1\0\1" + body[6:]): "UNSUPPORTED_SUITE",
        "ss1." + _b64.encode(body[:6] + bytes(32) + body[38:]): "KEY_NOT_FOUND",
        "ss1." + _b64.encode(body[:-66 - 10] + b"\x05" + body[-65 - 10:]): "MALFORMED_ENVELOPE",
        "ss1." + _b64.encode(body[:-1] + bytes([body[-1] ^ 1])): "DECRYPT_FAILED",
        "ss1." + "A" * (MAX_ENVELOPE_LEN): "MALFORMED_ENVELOPE",
    }
    for text, code in cases.items():
        assert code_of(slice_seal.open, text, ring) == code, (text[:60], code)
    assert code_of(slice_seal.open, env.encode(), ring) == "OK"
    assert code_of(slice_seal.open, b"\xff" + env.encode(), ring) == "MALFORMED_ENVELOPE"
    assert code_of(slice_seal.open, 42, ring) == "INVALID_ARGUMENT"
    assert code_of(slice_seal.open, env, "key") == "INVALID_ARGUMENT"
    assert code_of(slice_seal.inspect, None) == "INVALID_ARGUMENT"
    e = slice_seal.UnsupportedSuite(0x10, 1, 1)
    assert (e.kem, e.kdf, e.aead) == (0x10, 1, 1) and "0x0001" in str(e)


def test_order_of_checks_is_the_cores(ring: slice_seal.Keyring) -> None:
    """parse, then the key, then the expected context's validity, then the
    match, then HPKE (src/seal.rs open_envelope)."""
    env = slice_seal.seal(b"x", ring.public_jwks(), CTX, kid=ring.kids[0])
    body = _b64.decode(env[4:])
    assert body is not None
    tampered = "ss1." + _b64.encode(body[:-1] + bytes([body[-1] ^ 1]))
    foreign = slice_seal.seal(b"x", slice_seal.public_jwk(ec.generate_private_key(ec.SECP256R1()).public_key()), CTX)
    bad_ctx = {"form": "", "field": "q"}
    other_ctx = {"form": CTX.form, "field": "surname"}
    assert code_of(slice_seal.open, "garbage", ring, bad_ctx) == "MALFORMED_ENVELOPE"
    assert code_of(slice_seal.open, foreign, ring, bad_ctx) == "KEY_NOT_FOUND"
    assert code_of(slice_seal.open, env, ring, bad_ctx) == "INVALID_CONTEXT"
    assert code_of(slice_seal.open, env, ring, {"field": "q"}) == "INVALID_ARGUMENT"
    assert code_of(slice_seal.open, tampered, ring, other_ctx) == "CONTEXT_MISMATCH"
    assert code_of(slice_seal.open, tampered, ring, CTX) == "DECRYPT_FAILED"
    # One private key instead of a keyring: a foreign envelope is KID_MISMATCH.
    key = ring.private_key(ring.kids[1])
    err = pytest.raises(slice_seal.KidMismatch, slice_seal.open, env, key).value
    assert (err.expected, err.found) == (ring.kids[0], ring.kids[1])
    assert code_of(slice_seal.open, env, ring.private_key(ring.kids[0]), CTX) == "OK"
    assert code_of(slice_seal.open, env, ec.generate_private_key(ec.SECP384R1())) == "INVALID_KEY"


def test_context_mismatch_names_every_difference(ring: slice_seal.Keyring) -> None:
    env = slice_seal.seal(b"x", ring.public_jwks(), CTX, kid=ring.kids[0])
    with pytest.raises(slice_seal.ContextMismatch) as info:
        slice_seal.open(env, ring, slice_seal.Context("other-form", "q", "s"))
    assert str(info.value) == (
        'context mismatch: sealed for form "vetting-step-2" (expected "other-form"), '
        'field "date-of-birth" (expected "q"), submission "4f1c2a9e-demo" (expected "s")')
    # An expected submission against an envelope without one.
    env2 = slice_seal.seal(b"x", ring.public_jwks(), slice_seal.Context("f", "q"), kid=ring.kids[0])
    assert code_of(slice_seal.open, env2, ring, slice_seal.Context("f", "q", "s")) == "CONTEXT_MISMATCH"


def test_seal_open_text_inspect(ring: slice_seal.Keyring) -> None:
    pub = ring.public_jwks()
    a = slice_seal.seal("Zoë", pub, CTX, kid=ring.kids[0])
    b = slice_seal.seal("Zoë", pub, CTX, kid=ring.kids[0])
    assert a != b  # a fresh ephemeral key each time
    assert slice_seal.open_text(a, ring, CTX) == slice_seal.open_text(b, ring) == "Zoë"
    info = slice_seal.inspect(a)
    assert (info.version, info.kem, info.kdf, info.aead) == (1, 0x10, 1, 2)
    assert (info.kid, info.context, info.ciphertext_len, info.plaintext_len, info.envelope_len) == (
        ring.kids[0], CTX, 4 + 16, 4, len(a))
    assert len(Envelope.parse(a).to_body()) == 40 + len(CTX.info()) + 65 + 4 + 16
    not_utf8 = slice_seal.seal(b"\xff\xfe\x00", pub, CTX, kid=ring.kids[0])
    assert slice_seal.open(not_utf8, ring) == b"\xff\xfe\x00"
    assert code_of(slice_seal.open_text, not_utf8, ring) == "INVALID_UTF8"
    big = bytes(4 << 20)
    assert slice_seal.open(slice_seal.seal(big, pub, CTX, kid=ring.kids[0]), ring) == big
    assert code_of(slice_seal.seal, big + b"x", pub, CTX, ring.kids[0]) == "INVALID_INPUT"
    assert code_of(slice_seal.seal, "\ud800", pub, CTX, ring.kids[0]) == "INVALID_INPUT"
    assert code_of(slice_seal.seal, 42, pub, CTX, ring.kids[0]) == "INVALID_ARGUMENT"
    assert code_of(slice_seal.seal, b"x", pub, {"form": "f", "field": ""}, ring.kids[0]) == "INVALID_CONTEXT"
    assert code_of(slice_seal.seal, b"x", pub, CTX) == "INVALID_KEY"  # two keys, no kid
    assert code_of(slice_seal.seal, b"x", pub, CTX, "nope") == "KEY_NOT_FOUND"


def test_every_code_has_one_class() -> None:
    codes = {"INVALID_KEY", "DUPLICATE_KID", "NOT_PRIVATE_KEY", "KEY_NOT_FOUND", "KID_MISMATCH",
             "MALFORMED_ENVELOPE", "UNSUPPORTED_VERSION", "UNSUPPORTED_SUITE", "SUITE_MISMATCH", "INVALID_CONTEXT",
             "CONTEXT_MISMATCH", "DECRYPT_FAILED", "ENCRYPT_FAILED", "INVALID_INPUT", "RANDOM_FAILED",
             "INVALID_ARGUMENT", "INVALID_UTF8",
             "MALFORMED_FILE", "FILE_TRUNCATED", "FILE_EXTENDED", "CHUNK_DECRYPT_FAILED"}
    assert set(slice_seal.ERRORS) == codes
    for code, cls in slice_seal.ERRORS.items():
        assert cls.code == code and issubclass(cls, slice_seal.SliceSealError)
        assert getattr(slice_seal, cls.__name__) is cls
