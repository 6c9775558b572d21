"""The envelope: ``ss1.`` followed by the unpadded base64url of a binary body
(docs/FORMAT.md §4). Parsing follows the Rust ``Envelope::parse`` check by
check, so the same input gets the same code."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec

from . import _b64
from .context import Context
from .errors import InvalidArgument, MalformedEnvelope, SuiteMismatch, UnsupportedSuite, UnsupportedVersion

__all__ = [
    "Envelope",
    "PREFIX",
    "KEM_ID",
    "HYBRID_KEM_ID",
    "HYBRID_ENC_LEN",
    "KDF_ID",
    "AEAD_ID",
    "KID_LEN",
    "ENC_LEN",
    "TAG_LEN",
    "MAX_PLAINTEXT",
    "MAX_ENVELOPE_LEN",
]

#: Text prefix of a version-1 envelope.
PREFIX = "ss1."
#: HPKE ids: DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM.
KEM_ID, KDF_ID, AEAD_ID = 0x0010, 0x0001, 0x0002
#: The hybrid suite's KEM, MLKEM768-X25519 (FORMAT.md §11), and its enc length.
HYBRID_KEM_ID = 0x647A
HYBRID_ENC_LEN = 1120
#: Both suites' KEMs (each with KDF_ID and AEAD_ID).
KEMS = (KEM_ID, HYBRID_KEM_ID)
#: Raw key id (SHA-256), ``enc`` (uncompressed SEC1 point) and GCM tag lengths.
KID_LEN, ENC_LEN, TAG_LEN = 32, 65, 16
#: Largest plaintext a slice may carry (4 MiB).
MAX_PLAINTEXT = 4 << 20
#: Longest envelope text accepted, in UTF-8 bytes (as the Rust parser).
MAX_ENVELOPE_LEN = len(PREFIX) + (MAX_PLAINTEXT + 4096) * 4 // 3 + 4

_HEADER_LEN = 6 + KID_LEN + 2
_OTHER_VERSION = re.compile(r"ss([0-9]{1,4})")


@dataclass(frozen=True, repr=False)
class Envelope:
    """A parsed envelope of either suite (``kem``: ``KEM_ID`` or
    ``HYBRID_KEM_ID``). Its clear part (kid, context) is authenticated only
    once it has been opened."""

    kid_raw: bytes
    context: Context
    info: bytes
    enc: bytes
    ct: bytes
    kem: int = KEM_ID

    @property
    def kid(self) -> str:
        """The recipient key id (base64url RFC 7638 thumbprint)."""
        return _b64.encode(self.kid_raw)

    @classmethod
    def parse(cls, text: str | bytes, kems: tuple[int, ...] = KEMS) -> Envelope:
        """Parse envelope text (``str``, or ``bytes`` of UTF-8 text as read from a
        file): prefix, base64url, lengths, suite, ``info``, ``enc`` (a P-256
        point for the P-256 suite). Does not decrypt. ``kems``: the suites the
        reader has keys for; the other supported suite is ``SuiteMismatch``,
        checked (as in Rust) right after the suite ids."""
        if isinstance(text, (bytes, bytearray)):
            if len(text) > MAX_ENVELOPE_LEN:
                raise MalformedEnvelope("longer than the largest slice")
            try:
                text = bytes(text).decode("utf-8")
            except UnicodeDecodeError:
                raise MalformedEnvelope("envelope is not UTF-8 text") from None
        if not isinstance(text, str):
            raise InvalidArgument(f"envelope must be a string, not {type(text).__name__}")
        if len(text) > MAX_ENVELOPE_LEN or (
            not text.isascii() and len(text.encode("utf-8", "surrogatepass")) > MAX_ENVELOPE_LEN
        ):
            raise MalformedEnvelope("longer than the largest slice")
        prefix, dot, body = text.partition(".")
        if not dot:
            raise MalformedEnvelope('no "ss1." prefix: not a slice-seal envelope')
        if prefix != "ss1":
            m = _OTHER_VERSION.fullmatch(prefix)
            if m:
                raise UnsupportedVersion(prefix)
            raise MalformedEnvelope('no "ss1." prefix: not a slice-seal envelope')
        raw = _b64.decode(body)
        if raw is None:
            raise MalformedEnvelope("body is not canonical unpadded base64url")
        return cls.from_body(raw, kems)

    @classmethod
    def from_body(cls, b: bytes, kems: tuple[int, ...] = KEMS) -> Envelope:
        """Parse the binary body (FORMAT.md §4 table; §11 for the hybrid suite)."""
        if len(b) < _HEADER_LEN:
            raise MalformedEnvelope("truncated header")
        kem, kdf, aead = (int.from_bytes(b[i : i + 2], "big") for i in (0, 2, 4))
        if (kdf, aead) != (KDF_ID, AEAD_ID) or kem not in KEMS:
            raise UnsupportedSuite(kem, kdf, aead)
        if kem not in kems:
            raise SuiteMismatch(kem, kems[0] if kems else None)
        enc_len = ENC_LEN if kem == KEM_ID else HYBRID_ENC_LEN
        kid_raw = b[6 : 6 + KID_LEN]
        info_len = int.from_bytes(b[_HEADER_LEN - 2 : _HEADER_LEN], "big")
        rest = b[_HEADER_LEN:]
        if len(rest) < info_len + enc_len + TAG_LEN:
            raise MalformedEnvelope("truncated: too short for info, enc and tag")
        info = rest[:info_len]
        context = Context.from_info(info)
        enc = rest[info_len : info_len + enc_len]
        ct = rest[info_len + enc_len :]
        if kem == KEM_ID and (enc[0] != 0x04 or not _is_point(enc)):
            raise MalformedEnvelope("enc is not an uncompressed P-256 point")
        if len(ct) > MAX_PLAINTEXT + TAG_LEN:
            raise MalformedEnvelope("longer than the largest slice")
        return cls(kid_raw=kid_raw, context=context, info=info, enc=enc, ct=ct, kem=kem)

    def __repr__(self) -> str:
        return f"Envelope(kid={self.kid!r}, context={self.context!r}, ct_len={len(self.ct)})"

    def to_body(self) -> bytes:
        return (
            self.kem.to_bytes(2, "big")
            + KDF_ID.to_bytes(2, "big")
            + AEAD_ID.to_bytes(2, "big")
            + self.kid_raw
            + len(self.info).to_bytes(2, "big")
            + self.info
            + self.enc
            + self.ct
        )

    def __str__(self) -> str:
        return PREFIX + _b64.encode(self.to_body())


def _is_point(enc: bytes) -> bool:
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), enc)
    except ValueError:
        return False
    return True
