"""The string members of a JWK object, shared by the P-256 and hybrid key readers."""

from __future__ import annotations

from collections.abc import Mapping

from .errors import InvalidKey


def string_members(jwk: object, names: tuple[str, ...], where: str) -> dict[str, str]:
    """The members ``names`` of a JWK object that are present (others are
    ignored); ``InvalidKey`` if it is not an object or one is not a string."""
    if not isinstance(jwk, Mapping):
        raise InvalidKey(f"{where} is not a JSON object")
    out: dict[str, str] = {}
    for name in names:
        value = jwk.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise InvalidKey(f'{where}: member "{name}" must be a string')
        out[name] = value
    return out
