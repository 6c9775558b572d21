"""Sealed files (docs/FORMAT.md §10): ``"ssf1" || u16be(len(header)) ||
header || body``. The header is an ordinary slice whose plaintext carries a
fresh AES-256-GCM file key and the metadata; the body is AES-256-GCM chunks
with STREAM nonces (an 11-byte counter and a last-chunk flag). Checks run in
the order of §10.3, with the Rust core's codes; streams are read and written a
chunk at a time."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .api import ContextInput, OpeningKeys, _open, seal
from .context import Context, as_context
from .envelope import TAG_LEN
from .errors import (
    ChunkDecryptFailed,
    FileExtended,
    FileTruncated,
    InvalidInput,
    MalformedEnvelope,
    MalformedFile,
    RandomFailed,
)
from .keys import PublicKeyInput

__all__ = [
    "FileInfo",
    "OpenedFile",
    "open_file",
    "open_file_stream",
    "seal_file",
    "seal_file_stream",
    "FILE_MAGIC",
    "FILE_MEDIA_TYPE",
    "DEFAULT_CHUNK_SIZE",
    "MIN_CHUNK_SIZE",
    "MAX_CHUNK_SIZE",
    "MAX_FILE_SIZE",
]

FILE_MAGIC = b"ssf1"
#: Media type of a sealed file (a Blob, an HTTP part); file name extension ``.ssf``.
FILE_MEDIA_TYPE = "application/vnd.slice-seal.file"
DEFAULT_CHUNK_SIZE = 65_536
MIN_CHUNK_SIZE = 1024
MAX_CHUNK_SIZE = 4 << 20
MAX_FILE_SIZE = (1 << 53) - 1
MAX_FILE_NAME = 1024
MAX_MEDIA_TYPE = 255


@dataclass(frozen=True)
class FileInfo:
    """What a sealed file's header says, authenticated once it opened. ``name``
    comes from the sender: never use it as a path unchecked."""

    kid: str
    context: Context
    name: str
    media_type: str
    size: int
    chunk_size: int

    @property
    def chunk_count(self) -> int:
        return max(1, -(-self.size // self.chunk_size))


@dataclass(frozen=True, repr=False)
class OpenedFile:
    """A sealed file opened in memory."""

    info: FileInfo
    plaintext: bytes

    def __repr__(self) -> str:
        return f"OpenedFile(info={self.info!r}, plaintext_len={len(self.plaintext)})"


def _layout_error(name: str, media_type: str, size: int, chunk_size: int) -> str | None:
    """Which rule of §10.1 the metadata breaks, if any."""
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        return f"chunk size {chunk_size} is not in {MIN_CHUNK_SIZE}..={MAX_CHUNK_SIZE}"
    if not 0 <= size <= MAX_FILE_SIZE:
        return f"size {size} is larger than 2^53 - 1"
    try:
        raw_name = name.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return "file name is not valid Unicode text"
    if len(raw_name) > MAX_FILE_NAME:
        return f"file name is more than {MAX_FILE_NAME} bytes"
    if len(media_type) > MAX_MEDIA_TYPE:
        return f"media type is more than {MAX_MEDIA_TYPE} bytes"
    if not all(0x20 <= ord(c) <= 0x7E for c in media_type):
        return "media type is not printable ASCII (0x20-0x7e)"
    return None


def _nonce(index: int, count: int) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if index == count - 1 else b"\x00")


def _chunk_len(index: int, size: int, chunk_size: int, count: int) -> int:
    """Plaintext bytes of chunk ``index``."""
    return chunk_size if index < count - 1 else size - (count - 1) * chunk_size


def _parse_header_plaintext(hp: bytes) -> tuple[bytes, str, str, int, int]:
    def bad(msg: str) -> MalformedFile:
        return MalformedFile(f"header plaintext: {msg}")

    if len(hp) < 1:
        raise bad("truncated")
    if hp[0] != 1:
        raise bad(f"layout version {hp[0]}, not 1")
    if len(hp) < 47:
        raise bad("truncated")
    key, chunk_size, size = hp[1:33], int.from_bytes(hp[33:37], "big"), int.from_bytes(hp[37:45], "big")
    name_len = int.from_bytes(hp[45:47], "big")
    if name_len > MAX_FILE_NAME:
        raise bad(f"file name is {name_len} bytes, more than {MAX_FILE_NAME}")
    at = 47 + name_len
    if len(hp) < at:
        raise bad("truncated")
    try:
        name = hp[47:at].decode("utf-8")
    except UnicodeDecodeError:
        raise bad("file name is not UTF-8") from None
    if len(hp) < at + 2:
        raise bad("truncated")
    type_len = int.from_bytes(hp[at : at + 2], "big")
    if type_len > MAX_MEDIA_TYPE:
        raise bad(f"media type is {type_len} bytes, more than {MAX_MEDIA_TYPE}")
    raw_type = hp[at + 2 : at + 2 + type_len]
    if len(raw_type) < type_len:
        raise bad("truncated")
    if not all(0x20 <= b <= 0x7E for b in raw_type):
        raise bad("media type is not printable ASCII (0x20-0x7e)")
    media_type = raw_type.decode("ascii")
    if len(hp) > at + 2 + type_len:
        raise bad(f"{len(hp) - at - 2 - type_len} bytes after the media type")
    why = _layout_error(name, media_type, size, chunk_size)
    if why:
        raise bad(why)
    return key, name, media_type, size, chunk_size


def _read(src: BinaryIO, n: int) -> bytes:
    """Up to ``n`` bytes: fewer only at the end of the input."""
    parts = []
    while n > 0:
        b = src.read(n)
        if not b:
            break
        parts.append(b)
        n -= len(b)
    return b"".join(parts)


def open_file_stream(
    src: BinaryIO,
    dst: BinaryIO,
    keyring: OpeningKeys,
    expected_context: ContextInput | None = None,
) -> FileInfo:
    """Open the sealed file read from ``src`` into ``dst``, a chunk at a time
    (each written only once it authenticated). The file is complete only if
    this returns: on an error, what was written to ``dst`` must be discarded
    (write to a temporary file and rename it afterwards)."""
    lead = _read(src, 6)
    if lead[:4] != FILE_MAGIC:
        raise MalformedFile('no "ssf1" magic: not a sealed file')
    if len(lead) < 6:
        raise MalformedFile("the input ends inside the header length")
    header_len = int.from_bytes(lead[4:6], "big")
    if header_len == 0:
        raise MalformedFile("header length is 0")
    header = _read(src, header_len)
    if len(header) < header_len:
        raise MalformedFile(f"header length {header_len} is longer than the input")
    try:
        text = header.decode("ascii")
    except UnicodeDecodeError:
        raise MalformedEnvelope("header is not ASCII text") from None
    env, hp = _open(text, keyring, expected_context)
    key, name, media_type, size, chunk_size = _parse_header_plaintext(hp)
    info = FileInfo(env.kid, env.context, name, media_type, size, chunk_size)
    aead, count = AESGCM(key), info.chunk_count
    for i in range(count):
        want = _chunk_len(i, size, chunk_size, count) + TAG_LEN
        chunk = _read(src, want)
        if len(chunk) < want:
            raise FileTruncated(f"the input ends inside chunk {i} ({len(chunk)} of {want} bytes)")
        try:
            dst.write(aead.decrypt(_nonce(i, count), chunk, None))
        except InvalidTag:
            raise ChunkDecryptFailed(i) from None
    if src.read(1):
        raise FileExtended("bytes follow the last chunk")
    return info


def open_file(
    data: bytes,
    keyring: OpeningKeys,
    expected_context: ContextInput | None = None,
) -> OpenedFile:
    """Open a whole sealed file in memory (``open_file_stream`` streams)."""
    out = io.BytesIO()
    info = open_file_stream(io.BytesIO(data), out, keyring, expected_context)
    return OpenedFile(info, out.getvalue())


def seal_file_stream(
    src: BinaryIO,
    dst: BinaryIO,
    size: int,
    public_key: PublicKeyInput,
    context: ContextInput,
    name: str = "",
    media_type: str = "",
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    kid: str | None = None,
) -> None:
    """Seal the ``size`` bytes read from ``src`` to ``public_key`` under
    ``context`` (field = the file input's name) into ``dst``, a chunk at a
    time, with a fresh random file key. Fewer bytes than ``size`` is
    ``FileTruncated``, more is ``FileExtended``."""
    why = _layout_error(name, media_type, size, chunk_size)
    if why:
        raise InvalidInput(why)
    try:
        key = os.urandom(32)
    except NotImplementedError:
        raise RandomFailed() from None
    raw_name, raw_type = name.encode("utf-8"), media_type.encode("ascii")
    hp = (
        b"\x01" + key + chunk_size.to_bytes(4, "big") + size.to_bytes(8, "big")
        + len(raw_name).to_bytes(2, "big") + raw_name + len(raw_type).to_bytes(2, "big") + raw_type
    )
    header = seal(hp, public_key, as_context(context), kid).encode("ascii")
    dst.write(FILE_MAGIC + len(header).to_bytes(2, "big") + header)
    aead, count = AESGCM(key), max(1, -(-size // chunk_size))
    for i in range(count):
        want = _chunk_len(i, size, chunk_size, count)
        chunk = _read(src, want)
        if len(chunk) < want:
            raise FileTruncated(f"the input ended at chunk {i}: fewer than {size} bytes")
        dst.write(aead.encrypt(_nonce(i, count), chunk, None))
    if src.read(1):
        raise FileExtended(f"the input is longer than {size} bytes")


def seal_file(
    data: bytes,
    public_key: PublicKeyInput,
    context: ContextInput,
    name: str = "",
    media_type: str = "",
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    kid: str | None = None,
) -> bytes:
    """Seal ``data`` as one file in memory (``seal_file_stream`` streams)."""
    out = io.BytesIO()
    seal_file_stream(io.BytesIO(data), out, len(data), public_key, context, name, media_type, chunk_size, kid)
    return out.getvalue()
