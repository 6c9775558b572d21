"""The context a slice is sealed to, and its encoding as HPKE ``info``
(docs/FORMAT.md §3; the Rust side is src/context.rs)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .errors import ContextMismatch, InvalidArgument, InvalidContext, MalformedEnvelope

__all__ = ["Context", "LABEL", "MAX_CONTEXT_LEN"]

#: Application label with format version; the first item of every ``info``.
LABEL = "slice-seal/v1"
#: Longest form id, field name or submission id, in UTF-8 bytes.
MAX_CONTEXT_LEN = 256


def _check(what: str, value: object) -> bytes:
    """``value`` as UTF-8 if it obeys the rules: 1–256 bytes, no control
    character (Unicode category Cc: U+0000–U+001F, U+007F–U+009F)."""
    if not isinstance(value, str):
        raise InvalidArgument(f"{what} must be a string, not {type(value).__name__}")
    try:
        raw = value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        raise InvalidContext(f"{what} is not valid Unicode text") from None
    if not raw:
        raise InvalidContext(f"{what} must not be empty")
    if len(raw) > MAX_CONTEXT_LEN:
        raise InvalidContext(f"{what} is longer than {MAX_CONTEXT_LEN} bytes")
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in value):
        raise InvalidContext(f"{what} must not contain control characters")
    return raw


def _lp(item: bytes) -> bytes:
    # Items are at most 256 bytes (the label 13), so the length fits in a u16.
    return len(item).to_bytes(2, "big") + item


@dataclass(frozen=True)
class Context:
    """Where a slice belongs: form id, field name, optional submission id.

    Validated on construction (``InvalidContext``; ``InvalidArgument`` for a
    non-string). As an *expected* context, ``submission=None`` accepts any
    submission.
    """

    form: str
    field: str
    submission: str | None = None

    def __post_init__(self) -> None:
        _check("form id", self.form)
        _check("field name", self.field)
        if self.submission is not None:
            _check("submission id", self.submission)

    @classmethod
    def from_mapping(cls, obj: Mapping[str, object]) -> Context:
        """From ``{"form": ..., "field": ..., "submission"?: ...}`` (as the CLI's
        JSON and the wasm API write it). Other members are refused."""
        if not isinstance(obj, Mapping):
            raise InvalidArgument(f"a context must be a Context or a mapping, not {type(obj).__name__}")
        for name in ("form", "field"):
            if name not in obj:
                raise InvalidArgument(f'context has no "{name}"')
        extra = sorted(str(k) for k in obj if k not in ("form", "field", "submission"))
        if extra:
            raise InvalidArgument(f"context has unknown members: {', '.join(extra)}")
        sub = obj.get("submission")
        return cls(obj["form"], obj["field"], sub)  # type: ignore[arg-type]  # checked in __post_init__

    def to_dict(self) -> dict[str, str]:
        """``{"form", "field"}`` plus ``"submission"`` if set."""
        d = {"form": self.form, "field": self.field}
        if self.submission is not None:
            d["submission"] = self.submission
        return d

    def info(self) -> bytes:
        """HPKE ``info``: ``lp(LABEL) || lp(form) || lp(field) || lp(submission or "")``."""
        items = (LABEL, self.form, self.field, self.submission or "")
        return b"".join(_lp(s.encode("utf-8")) for s in items)

    @classmethod
    def from_info(cls, info: bytes) -> Context:
        """Decode ``info`` strictly, as the Rust ``Context::from_info`` (whose
        errors the envelope parser reports as MALFORMED_ENVELOPE): four
        length-prefixed UTF-8 items, nothing left over, the v1 label, items
        within the rules (an empty submission means none)."""
        items: list[str] = []
        pos = 0
        for i in range(4):
            if len(info) - pos < 2:
                raise MalformedEnvelope("info is truncated")
            n = int.from_bytes(info[pos : pos + 2], "big")
            pos += 2
            if len(info) - pos < n:
                raise MalformedEnvelope("info is truncated")
            try:
                items.append(info[pos : pos + n].decode("utf-8"))
            except UnicodeDecodeError:
                raise MalformedEnvelope(f"info item {i + 1} is not valid UTF-8") from None
            pos += n
        if pos != len(info):
            raise MalformedEnvelope("info has trailing bytes")
        if items[0] != LABEL:
            raise MalformedEnvelope("info does not start with the slice-seal/v1 label")
        try:
            return cls(items[1], items[2], items[3] or None)
        except InvalidContext as e:
            raise MalformedEnvelope(e.detail) from None

    def check_expected(self, expected: Context) -> None:
        """Raise ``ContextMismatch`` unless a slice sealed under ``self`` may be
        opened where ``expected`` is required (all differences are named)."""
        wrong = []
        if self.form != expected.form:
            wrong.append(f"form {_quoted(self.form)} (expected {_quoted(expected.form)})")
        if self.field != expected.field:
            wrong.append(f"field {_quoted(self.field)} (expected {_quoted(expected.field)})")
        if expected.submission is not None and self.submission != expected.submission:
            wrong.append(
                f"submission {_quoted(self.submission or '')} (expected {_quoted(expected.submission)})"
            )
        if wrong:
            raise ContextMismatch("sealed for " + ", ".join(wrong))


def _quoted(s: str) -> str:
    # Context items have no control characters, so only quotes and backslashes need escaping.
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def as_context(value: Context | Mapping[str, object]) -> Context:
    """A ``Context`` from a ``Context`` or a mapping."""
    if isinstance(value, Context):
        return value
    return Context.from_mapping(value)
