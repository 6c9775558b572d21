"""Opening, inspecting and sealing slices (docs/FORMAT.md §5), with
cryptography's RFC 9180 HPKE: base mode, DHKEM(P-256, HKDF-SHA256),
HKDF-SHA256, AES-256-GCM, single shot, empty AAD."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Union

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import ec

from .context import Context, as_context
from .envelope import (
    AEAD_ID,
    ENC_LEN,
    KDF_ID,
    KEM_ID,
    MAX_ENVELOPE_LEN,
    MAX_PLAINTEXT,
    PREFIX,
    TAG_LEN,
    Envelope,
)
from .errors import (
    DecryptFailed,
    EncryptFailed,
    InvalidArgument,
    InvalidInput,
    InvalidKey,
    InvalidUtf8,
    KidMismatch,
    MalformedEnvelope,
)
from .keys import Keyring, PublicKeyInput, _kid_raw, load_public_key, thumbprint

__all__ = ["open", "open_envelope", "open_text", "inspect", "seal", "Inspection", "ContextInput"]

SUITE = hpke.Suite(hpke.KEM.P256, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)

#: An expected or sealing context: a ``Context`` or ``{"form", "field", "submission"?}``.
ContextInput = Union[Context, Mapping[str, object]]


@dataclass(frozen=True)
class Inspection:
    """The clear part of an envelope, read without a key. NOT authenticated:
    use it to route (choose a key, a form), never to trust."""

    version: int
    kem: int
    kdf: int
    aead: int
    kid: str
    context: Context
    #: Length of the HPKE ciphertext including the 16-byte tag.
    ciphertext_len: int
    #: Length of the plaintext the envelope would open to.
    plaintext_len: int
    #: Length of the envelope text.
    envelope_len: int


def inspect(envelope: str | bytes) -> Inspection:
    """Parse ``envelope`` and return its public parts (no key, no decryption)."""
    env = Envelope.parse(envelope)
    return Inspection(
        version=1,
        kem=KEM_ID,
        kdf=KDF_ID,
        aead=AEAD_ID,
        kid=env.kid,
        context=env.context,
        ciphertext_len=len(env.ct),
        plaintext_len=len(env.ct) - TAG_LEN,
        envelope_len=len(envelope),
    )


def open(  # noqa: A001 - the package's verb, as in the Rust and JS APIs
    envelope: str | bytes,
    keyring: Keyring | ec.EllipticCurvePrivateKey,
    expected_context: ContextInput | None = None,
) -> bytes:
    """Open ``envelope`` with the key of ``keyring`` that its kid names
    (``KeyNotFound`` if none), or with one private key (``KidMismatch`` if
    the envelope was sealed to another), as the Rust ``Keyring::open`` and
    ``open`` do.

    With ``expected_context`` the slice must have been sealed to that form and
    field (and submission, if it is set), else ``ContextMismatch``. Checks run
    in the Rust core's order: the envelope's format, the key, the expected
    context's validity, the context match, then HPKE.
    """
    return _open_parsed(Envelope.parse(envelope), keyring, expected_context)


def open_envelope(
    envelope: Envelope | bytes | bytearray | memoryview,
    keyring: Keyring | ec.EllipticCurvePrivateKey,
    expected_context: ContextInput | None = None,
) -> bytes:
    """As ``open``, for a parsed ``Envelope`` or an envelope's **binary body**
    (docs/FORMAT.md "Binary form": the bytes whose base64url after ``ss1.`` is
    the text, as the npm package's ``sealBytesAsync`` makes). A body gets the
    checks and errors its text form would, after base64url decoding. (``open``
    reads ``bytes`` as envelope *text*, as read from a file.)"""
    if isinstance(envelope, (bytes, bytearray, memoryview)):
        body = bytes(envelope)
        if len(body) > (MAX_ENVELOPE_LEN - len(PREFIX)) * 3 // 4:
            raise MalformedEnvelope("longer than the largest slice")
        envelope = Envelope.from_body(body)
    elif not isinstance(envelope, Envelope):
        raise InvalidArgument(f"envelope must be an Envelope or bytes, not {type(envelope).__name__}")
    return _open_parsed(envelope, keyring, expected_context)


def _open_parsed(
    env: Envelope,
    keyring: Keyring | ec.EllipticCurvePrivateKey,
    expected_context: ContextInput | None,
) -> bytes:
    """``open`` after the envelope's format checks."""
    if isinstance(keyring, Keyring):
        key = keyring.private_key(env.kid)
    elif isinstance(keyring, ec.EllipticCurvePrivateKey):
        if not isinstance(keyring.curve, ec.SECP256R1):
            raise InvalidKey("private key is not a P-256 key")
        key = keyring
        if thumbprint(key.public_key()) != env.kid:
            raise KidMismatch(env.kid, thumbprint(key.public_key()))
    else:
        raise InvalidArgument(f"keyring must be a Keyring or a private key, not {type(keyring).__name__}")
    if expected_context is not None:
        env.context.check_expected(as_context(expected_context))
    try:
        return SUITE.decrypt(env.enc + env.ct, key, env.info)
    except (InvalidTag, ValueError):
        raise DecryptFailed() from None


def open_text(
    envelope: str | bytes,
    keyring: Keyring | ec.EllipticCurvePrivateKey,
    expected_context: ContextInput | None = None,
) -> str:
    """As ``open``, decoding the plaintext as UTF-8 (``InvalidUtf8`` if it is not)."""
    plaintext = open(envelope, keyring, expected_context)
    try:
        return plaintext.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidUtf8() from None


def seal(
    plaintext: bytes | str,
    public_key: PublicKeyInput,
    context: ContextInput,
    kid: str | None = None,
) -> str:
    """Seal ``plaintext`` (bytes, or text sealed as UTF-8; at most 4 MiB) to
    ``public_key`` under ``context``; returns the envelope text. ``kid`` pins
    the key (``KidMismatch``) or chooses it in a JWKS. Each call uses a fresh
    random ephemeral key, so two envelopes of the same slice differ."""
    key = load_public_key(public_key, kid)
    if isinstance(plaintext, str):
        try:
            data = plaintext.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidInput("plaintext text is not valid Unicode (lone surrogate)") from None
    elif isinstance(plaintext, (bytes, bytearray, memoryview)):
        data = bytes(plaintext)
    else:
        raise InvalidArgument(f"plaintext must be bytes or str, not {type(plaintext).__name__}")
    if len(data) > MAX_PLAINTEXT:
        raise InvalidInput("plaintext is larger than 4 MiB")
    ctx = as_context(context)
    info = ctx.info()
    try:
        sealed = SUITE.encrypt(data, key, info)
    except Exception:  # an OpenSSL failure; its message could describe inputs
        raise EncryptFailed() from None
    enc, ct = sealed[:ENC_LEN], sealed[ENC_LEN:]
    if len(enc) != ENC_LEN or len(ct) != len(data) + TAG_LEN:
        raise EncryptFailed()
    return str(Envelope(kid_raw=_kid_raw(key), context=ctx, info=info, enc=enc, ct=ct))
