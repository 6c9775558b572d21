"""Opening, inspecting and sealing slices (docs/FORMAT.md §5), with
cryptography's RFC 9180 HPKE: base mode, DHKEM(P-256, HKDF-SHA256) or the
hybrid MLKEM768-X25519 (§11, chosen by the key), HKDF-SHA256, AES-256-GCM,
single shot, empty AAD."""

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
    HYBRID_ENC_LEN,
    HYBRID_KEM_ID,
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
    SuiteMismatch,
)
from .hybrid import HybridPrivateKey, HybridPublicKey
from .keys import Keyring, PrivateKey, PublicKeyInput, _kid_raw, load_public_key, thumbprint

__all__ = ["open", "open_envelope", "open_text", "inspect", "seal", "Inspection", "ContextInput", "OpeningKeys"]

SUITE = hpke.Suite(hpke.KEM.P256, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
#: The hybrid suite (FORMAT.md §11).
HYBRID_SUITE = hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)

#: What ``open`` takes: a keyring, or one private key of either suite.
OpeningKeys = Union[Keyring, ec.EllipticCurvePrivateKey, HybridPrivateKey]

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
        kem=env.kem,
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
    keyring: OpeningKeys,
    expected_context: ContextInput | None = None,
) -> bytes:
    """Open ``envelope`` with the key of ``keyring`` that its kid names
    (``KeyNotFound`` if none), or with one private key of either suite
    (``KidMismatch`` if the envelope was sealed to another), as the Rust
    ``Keyring::open`` and ``open`` / ``open_hybrid`` do. The envelope's suite
    ids pick the suite: an envelope of a suite the keyring holds no key of
    (or the one key is not of) is ``SuiteMismatch``.

    With ``expected_context`` the slice must have been sealed to that form and
    field (and submission, if it is set), else ``ContextMismatch``. Checks run
    in the Rust core's order: the envelope's format (its suite first), the
    key, the expected context's validity, the context match, then HPKE.
    """
    return _open(envelope, keyring, expected_context)[1]


def open_envelope(
    envelope: Envelope | bytes | bytearray | memoryview,
    keyring: OpeningKeys,
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
    elif isinstance(envelope, Envelope):
        body = envelope.to_body()
    else:
        raise InvalidArgument(f"envelope must be an Envelope or bytes, not {type(envelope).__name__}")
    return _open(body, keyring, expected_context, binary=True)[1]


def _open(
    envelope: str | bytes,
    keyring: OpeningKeys,
    expected_context: ContextInput | None,
    binary: bool = False,
) -> tuple[Envelope, bytes]:
    """``open`` (``binary``: ``envelope`` is a body), also giving the parsed envelope."""

    def parse(kems: tuple[int, ...]) -> Envelope:
        if binary and isinstance(envelope, bytes):
            return Envelope.from_body(envelope, kems)
        return Envelope.parse(envelope, kems)

    key: PrivateKey
    if isinstance(keyring, Keyring):
        env = parse(keyring.kems)
        key = keyring.private_key(env.kid)
    elif isinstance(keyring, HybridPrivateKey):
        env = parse((HYBRID_KEM_ID,))
        key = keyring
        if key.kid != env.kid:
            raise KidMismatch(env.kid, key.kid)
    elif isinstance(keyring, ec.EllipticCurvePrivateKey):
        if not isinstance(keyring.curve, ec.SECP256R1):
            raise InvalidKey("private key is not a P-256 key")
        env = parse((KEM_ID,))
        key = keyring
        if thumbprint(key.public_key()) != env.kid:
            raise KidMismatch(env.kid, thumbprint(key.public_key()))
    else:
        raise InvalidArgument(f"keyring must be a Keyring or a private key, not {type(keyring).__name__}")
    if isinstance(key, HybridPrivateKey) != (env.kem == HYBRID_KEM_ID):
        # A kid of the other suite's key in the envelope (a forged kid).
        raise SuiteMismatch(env.kem, KEM_ID if env.kem == HYBRID_KEM_ID else HYBRID_KEM_ID)
    if expected_context is not None:
        env.context.check_expected(as_context(expected_context))
    try:
        if isinstance(key, HybridPrivateKey):
            return env, HYBRID_SUITE.decrypt(env.enc + env.ct, key.hpke_key, env.info)
        return env, SUITE.decrypt(env.enc + env.ct, key, env.info)
    except (InvalidTag, ValueError):
        raise DecryptFailed() from None


def open_text(
    envelope: str | bytes,
    keyring: OpeningKeys,
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
    ``public_key`` under ``context``, with the suite of the key (a hybrid
    AKP key seals with MLKEM768-X25519); returns the envelope text. ``kid``
    pins the key (``KidMismatch``) or chooses it in a JWKS. Each call uses a
    fresh random encapsulation, so two envelopes of the same slice differ."""
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
    if isinstance(key, HybridPublicKey):
        kem, enc_len, kid_raw = HYBRID_KEM_ID, HYBRID_ENC_LEN, key.kid_raw
    else:
        kem, enc_len, kid_raw = KEM_ID, ENC_LEN, _kid_raw(key)
    try:
        if isinstance(key, HybridPublicKey):
            sealed = HYBRID_SUITE.encrypt(data, key.hpke_key, info)
        else:
            sealed = SUITE.encrypt(data, key, info)
    except Exception:  # an OpenSSL failure; its message could describe inputs
        raise EncryptFailed() from None
    enc, ct = sealed[:enc_len], sealed[enc_len:]
    if len(enc) != enc_len or len(ct) != len(data) + TAG_LEN:
        raise EncryptFailed()
    return str(Envelope(kid_raw=kid_raw, context=ctx, info=info, enc=enc, ct=ct, kem=kem))
