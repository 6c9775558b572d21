"""Unpadded, canonical base64url (RFC 4648 §5), as the Rust decoders accept it
(docs/FORMAT.md §4): only ``A-Z a-z 0-9 - _``, no ``=``, no white space, no
length of 1 mod 4, and zero unused bits in the last character."""

from __future__ import annotations

import base64
import re

_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


def encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode(text: str) -> bytes | None:
    """The bytes of ``text``, or ``None`` if it is not canonical unpadded base64url."""
    if not _ALPHABET.fullmatch(text) or len(text) % 4 == 1:
        return None
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    # Non-zero unused bits in the last character decode too; re-encoding shows them.
    if encode(raw) != text:
        return None
    return raw
