"""slice-seal for Python: open (and, for tests and tools, seal) slice-seal
envelopes — HPKE (RFC 9180) base mode, DHKEM(P-256, HKDF-SHA256) or the
hybrid MLKEM768-X25519 (chosen by the key) / HKDF-SHA256 / AES-256-GCM — on
top of pyca/cryptography.

    import slice_seal
    ring = slice_seal.Keyring.load("keys.jwks")
    text = slice_seal.open_text(envelope, ring, slice_seal.Context("vetting-step-2", "date-of-birth"))

The format is docs/FORMAT.md in the slice-seal repository; error codes are
the Rust core's (``SliceSealError.code``).
"""

from .api import ContextInput, Inspection, OpeningKeys, inspect, open, open_envelope, open_text, seal
from .context import LABEL, MAX_CONTEXT_LEN, Context
from .envelope import HYBRID_KEM_ID, KEM_ID, MAX_PLAINTEXT, Envelope
from .file import FILE_MEDIA_TYPE, FileInfo, OpenedFile, open_file, open_file_stream, seal_file, seal_file_stream
from . import errors as _errors
from .errors import *  # noqa: F403 (the error classes, listed in errors.__all__)
from .hybrid import HybridPrivateKey, HybridPublicKey
from .keys import JWK_ALG, Keyring, PrivateKey, PublicKey, PublicKeyInput, load_public_key, public_jwk, thumbprint

__version__ = "0.1.0"

__all__ = [
    "open",
    "open_envelope",
    "open_text",
    "inspect",
    "seal",
    "open_file",
    "open_file_stream",
    "seal_file",
    "seal_file_stream",
    "FileInfo",
    "OpenedFile",
    "FILE_MEDIA_TYPE",
    "Inspection",
    "Keyring",
    "HybridPrivateKey",
    "HybridPublicKey",
    "PrivateKey",
    "PublicKey",
    "OpeningKeys",
    "KEM_ID",
    "HYBRID_KEM_ID",
    "Context",
    "ContextInput",
    "Envelope",
    "PublicKeyInput",
    "load_public_key",
    "public_jwk",
    "thumbprint",
    "LABEL",
    "MAX_CONTEXT_LEN",
    "MAX_PLAINTEXT",
    "JWK_ALG",
]
__all__ += _errors.__all__
