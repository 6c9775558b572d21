"""Exceptions, one class per stable error code.

The codes are those of the Rust core (src/error.rs), which the CLI and the
JavaScript bindings pass on unchanged, plus the binding-level codes the wasm
API uses (INVALID_ARGUMENT, INVALID_UTF8). Messages name what was wrong with
an input, never its value when that could be secret (keys, plaintext); key
ids, form ids and field names are public metadata and may appear.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "SliceSealError",
    "InvalidKey",
    "DuplicateKid",
    "NotPrivateKey",
    "KeyNotFound",
    "KidMismatch",
    "MalformedEnvelope",
    "UnsupportedVersion",
    "UnsupportedSuite",
    "SuiteMismatch",
    "InvalidContext",
    "ContextMismatch",
    "DecryptFailed",
    "EncryptFailed",
    "InvalidInput",
    "RandomFailed",
    "InvalidArgument",
    "InvalidUtf8",
    "MalformedFile",
    "FileTruncated",
    "FileExtended",
    "ChunkDecryptFailed",
    "ERRORS",
]


class SliceSealError(Exception):
    """Base class: every error raised by slice_seal has a stable ``code``."""

    code: ClassVar[str] = "SLICE_SEAL_ERROR"
    #: Written before the detail, as the Rust ``Display`` writes it.
    prefix: ClassVar[str] = ""

    def __init__(self, detail: str) -> None:
        message = self.prefix + detail
        super().__init__(message)
        self.detail = detail
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code}: {self.message!r})"


class InvalidKey(SliceSealError):
    """A key could not be imported: bad encoding, wrong kty/crv, a point not
    on P-256, a scalar out of range, wrong lengths, a malformed key set."""

    code = "INVALID_KEY"
    prefix = "invalid key: "


class DuplicateKid(InvalidKey):
    """A key set holds two keys with the same kid (a refinement of INVALID_KEY)."""

    code = "DUPLICATE_KID"


class NotPrivateKey(InvalidKey):
    """A public key was given where a private key is needed (a refinement of INVALID_KEY)."""

    code = "NOT_PRIVATE_KEY"


class KeyNotFound(SliceSealError):
    """The key set holds no key with the envelope's kid."""

    code = "KEY_NOT_FOUND"

    def __init__(self, kid: str) -> None:
        super().__init__(f"no key with kid {kid} in the key set")
        self.kid = kid


class KidMismatch(SliceSealError):
    """A key's RFC 7638 thumbprint is not the required key id."""

    code = "KID_MISMATCH"

    def __init__(self, expected: str, found: str, where: str = "") -> None:
        lead = f"{where}: " if where else ""
        super().__init__(f"{lead}key id mismatch: expected {expected}, found {found}")
        self.expected = expected
        self.found = found


class MalformedEnvelope(SliceSealError):
    """The envelope text or its binary body is not well formed."""

    code = "MALFORMED_ENVELOPE"
    prefix = "malformed envelope: "


class UnsupportedVersion(SliceSealError):
    """The envelope names a format version (``ssN.``) other than ``ss1.``."""

    code = "UNSUPPORTED_VERSION"

    def __init__(self, version: str) -> None:
        super().__init__(f"unsupported envelope version: {version}")
        self.version = version


class UnsupportedSuite(SliceSealError):
    """The envelope names an HPKE suite other than DHKEM(P-256) or
    MLKEM768-X25519, each with HKDF-SHA256/AES-256-GCM."""

    code = "UNSUPPORTED_SUITE"

    def __init__(self, kem: int, kdf: int, aead: int) -> None:
        super().__init__(
            f"unsupported HPKE suite: kem 0x{kem:04x}, kdf 0x{kdf:04x}, aead 0x{aead:04x} "
            "(supported: kem 0x0010, kdf 0x0001, aead 0x0002)"
        )
        self.kem, self.kdf, self.aead = kem, kdf, aead


_SUITE_NAMES = {0x0010: "DHKEM(P-256)", 0x647A: "MLKEM768-X25519"}


class SuiteMismatch(SliceSealError):
    """The envelope is of one supported suite and the key (or every key of
    the keyring) of the other: a P-256 envelope opened with an
    MLKEM768-X25519 key (FORMAT.md §11), or the other way round."""

    code = "SUITE_MISMATCH"

    def __init__(self, kem: int, key_kem: int | None = None) -> None:
        if key_kem is None:
            key_kem = 0x0010 if kem == 0x647A else 0x647A
        super().__init__(
            f"suite mismatch: the envelope is sealed with {_SUITE_NAMES.get(kem, 'unknown')} "
            f"(kem 0x{kem:04x}), the key is for {_SUITE_NAMES.get(key_kem, 'unknown')} (kem 0x{key_kem:04x})"
        )
        self.kem, self.key_kem = kem, key_kem


class InvalidContext(SliceSealError):
    """A form id, field name or submission id is empty, too long or has control characters."""

    code = "INVALID_CONTEXT"
    prefix = "invalid context: "


class ContextMismatch(SliceSealError):
    """The envelope was sealed for another form, field or submission."""

    code = "CONTEXT_MISMATCH"
    prefix = "context mismatch: "


class DecryptFailed(SliceSealError):
    """Authentication failed: wrong key, altered or moved envelope."""

    code = "DECRYPT_FAILED"

    def __init__(self) -> None:
        super().__init__("decryption failed: wrong key, or the envelope was altered or moved")


class EncryptFailed(SliceSealError):
    """Sealing failed inside HPKE."""

    code = "ENCRYPT_FAILED"

    def __init__(self) -> None:
        super().__init__("encryption failed")


class InvalidInput(SliceSealError):
    """An input has the wrong length or range (e.g. a plaintext over 4 MiB)."""

    code = "INVALID_INPUT"
    prefix = "invalid input: "


class RandomFailed(SliceSealError):
    """No secure random numbers were available."""

    code = "RANDOM_FAILED"

    def __init__(self) -> None:
        super().__init__("no secure random numbers available")


class InvalidArgument(SliceSealError, TypeError):
    """An argument has the wrong type or a required member is missing
    (binding-level code, as in the wasm API)."""

    code = "INVALID_ARGUMENT"
    prefix = "invalid argument: "


class InvalidUtf8(SliceSealError):
    """``open_text`` opened a plaintext that is not UTF-8 (binding-level code,
    as the wasm ``openText``)."""

    code = "INVALID_UTF8"

    def __init__(self) -> None:
        super().__init__("plaintext is not valid UTF-8")


class MalformedFile(SliceSealError):
    """A sealed file (FORMAT.md §10) has no ``ssf1`` magic, a header length of
    0 or past the input, or a header plaintext that is not the version-1 layout."""

    code = "MALFORMED_FILE"
    prefix = "malformed sealed file: "


class FileTruncated(SliceSealError):
    """A sealed file ends before the chunks its header announces (a sealer:
    fewer bytes than announced)."""

    code = "FILE_TRUNCATED"
    prefix = "sealed file truncated: "


class FileExtended(SliceSealError):
    """Bytes follow a sealed file's last chunk (a sealer: more bytes than announced)."""

    code = "FILE_EXTENDED"
    prefix = "sealed file extended: "


class ChunkDecryptFailed(SliceSealError):
    """A chunk of a sealed file failed authentication: altered, reordered, or
    from another file. ``index`` is the chunk's 0-based index."""

    code = "CHUNK_DECRYPT_FAILED"

    def __init__(self, index: int) -> None:
        super().__init__(f"chunk {index} failed authentication: altered, reordered or from another file")
        self.index = index


#: Every error class by its code.
ERRORS: dict[str, type[SliceSealError]] = {
    cls.code: cls
    for cls in (
        InvalidKey,
        DuplicateKid,
        NotPrivateKey,
        KeyNotFound,
        KidMismatch,
        MalformedEnvelope,
        UnsupportedVersion,
        UnsupportedSuite,
        SuiteMismatch,
        InvalidContext,
        ContextMismatch,
        DecryptFailed,
        EncryptFailed,
        InvalidInput,
        RandomFailed,
        InvalidArgument,
        InvalidUtf8,
        MalformedFile,
        FileTruncated,
        FileExtended,
        ChunkDecryptFailed,
    )
}
