"""Keys: the recipient key ring (JWKS, JWK or PEM), public keys for sealing,
and the RFC 7638 thumbprint used as key id (docs/FORMAT.md §2). P-256 keys
and hybrid MLKEM768-X25519 keys (``"kty":"AKP"``, FORMAT.md §11; see
``hybrid.py``) may be mixed in a keyring and in a JWKS.

Checks and messages follow the Rust core (src/keys.rs). Messages name the
member that is wrong (and its index in a key set), never a key's value.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Union

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from . import _b64
from ._jwk import string_members
from .envelope import HYBRID_KEM_ID, KEM_ID
from .hybrid import (
    HybridPrivateKey,
    HybridPublicKey,
    hybrid_private_from_jwk,
    hybrid_public_from_jwk,
    is_hybrid_jwk,
)
from .errors import (
    DuplicateKid,
    InvalidArgument,
    InvalidKey,
    KeyNotFound,
    KidMismatch,
    NotPrivateKey,
)

__all__ = [
    "Keyring",
    "MAX_KEYRING_KEYS",
    "PublicKeyInput",
    "PrivateKey",
    "PublicKey",
    "JWK_ALG",
    "thumbprint",
    "public_jwk",
    "load_public_key",
]

#: The ``alg`` value written into exported JWKs (as the Rust side writes it).
JWK_ALG = "HPKE-P256-SHA256-A256GCM"

# P-256 field prime and group order (SEC 2 §2.4.2): range checks only, the
# arithmetic is cryptography's.
_P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551

# JWK members read as strings (null counts as absent, as serde reads them).
_STRING_MEMBERS = ("kty", "crv", "x", "y", "d", "kid", "use", "alg", "created")

# RFC 3339 UTC time as the Rust keyring accepts it: YYYY-MM-DDTHH:MM:SS[.digits]Z.
_RFC3339_UTC = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?Z")

#: Most keys in one keyring, and the largest key file read (as the Rust side).
MAX_KEYRING_KEYS = 1024
MAX_KEY_FILE = 1 << 20

#: A private key of either suite, as a keyring holds it.
PrivateKey = Union[ec.EllipticCurvePrivateKey, HybridPrivateKey]
#: A public key of either suite.
PublicKey = Union[ec.EllipticCurvePublicKey, HybridPublicKey]

#: A public key for ``seal``: a cryptography P-256 key, a ``HybridPublicKey``,
#: a JWK or JWKS of either suite (mapping or JSON text), or an SPKI PEM (text
#: or bytes).
PublicKeyInput = Union[ec.EllipticCurvePublicKey, HybridPublicKey, Mapping[str, Any], str, bytes]


# ------------------------------------------------------------------ helpers


def _coords(key: ec.EllipticCurvePublicKey) -> tuple[str, str]:
    n = key.public_numbers()
    return _b64.encode(n.x.to_bytes(32, "big")), _b64.encode(n.y.to_bytes(32, "big"))


def _kid_raw(key: ec.EllipticCurvePublicKey) -> bytes:
    x, y = _coords(key)
    # RFC 7638 §3.2: the required members in lexicographic order, no white space.
    canonical = f'{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}'
    return hashlib.sha256(canonical.encode("ascii")).digest()


def thumbprint(key: ec.EllipticCurvePublicKey | HybridPublicKey) -> str:
    """The key id: RFC 7638 SHA-256 JWK thumbprint, unpadded base64url (43
    characters); of a hybrid key, its AKP thumbprint (FORMAT.md §11)."""
    if isinstance(key, HybridPublicKey):
        return key.kid
    return _b64.encode(_kid_raw(key))


def _kid_of(key: PublicKey) -> str:
    return thumbprint(key)


def _kem_of(key: PrivateKey | PublicKey) -> int:
    return HYBRID_KEM_ID if isinstance(key, (HybridPrivateKey, HybridPublicKey)) else KEM_ID


def public_jwk(key: PublicKey) -> dict[str, str]:
    """The public JWK with ``kid``, ``use`` and ``alg``, as the CLI's ``public`` prints it."""
    if isinstance(key, HybridPublicKey):
        return key.jwk()
    x, y = _coords(key)
    return {"kty": "EC", "crv": "P-256", "x": x, "y": y, "kid": thumbprint(key), "use": "enc", "alg": JWK_ALG}


def _is_p256(key: object) -> bool:
    return isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)) and isinstance(
        key.curve, ec.SECP256R1
    )


def _json(text: str, where: str) -> Any:
    """Parse JSON strictly: a duplicate member (which would silently shadow
    a key member) and NaN/Infinity (not JSON) are refused. Messages name a
    position or a JWK member name, never a value."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in pairs:
            if k in out:
                name = f'"{k}"' if k in _STRING_MEMBERS or k == "keys" else "member"
                raise InvalidKey(f"{where} has a duplicate {name}")
            out[k] = v
        return out

    def no_constant(name: str) -> Any:
        raise InvalidKey(f"{where} is not valid JSON ({name})")

    try:
        return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constant)
    except json.JSONDecodeError as e:
        raise InvalidKey(f"{where} is not valid JSON (line {e.lineno}, column {e.colno})") from None
    except RecursionError:
        raise InvalidKey(f"{where} is nested too deeply") from None
    except ValueError:  # e.g. an integer beyond Python's digit limit
        raise InvalidKey(f"{where} is not valid JSON") from None


def _members(jwk: object, where: str) -> dict[str, str]:
    """The string members of a JWK object (others are ignored)."""
    return string_members(jwk, _STRING_MEMBERS, where)


def _b64_32(m: Mapping[str, str], name: str, where: str) -> int:
    text = m.get(name)
    if text is None:
        raise InvalidKey(f'{where}: JWK has no "{name}"')
    raw = _b64.decode(text)
    if raw is None:
        raise InvalidKey(f'{where}: JWK "{name}" is not unpadded base64url')
    if len(raw) != 32:
        raise InvalidKey(f'{where}: JWK "{name}" must be 32 bytes of base64url')
    return int.from_bytes(raw, "big")


def _check_kty_crv(m: Mapping[str, str], where: str) -> None:
    for name, want in (("kty", "EC"), ("crv", "P-256")):
        if name not in m:
            raise InvalidKey(f'{where}: JWK has no "{name}"')
        if m[name] != want:
            raise InvalidKey(f'{where}: JWK "{name}" must be "{want}"')


def _public_from_members(m: Mapping[str, str], where: str) -> ec.EllipticCurvePublicKey:
    """The public key of JWK members ``x``/``y``; a ``kid`` must be its thumbprint."""
    _check_kty_crv(m, where)
    x = _b64_32(m, "x", where)
    y = _b64_32(m, "y", where)
    if x >= _P or y >= _P:
        raise InvalidKey(f"{where}: JWK x/y is not a point on the P-256 curve")
    point = b"\x04" + x.to_bytes(32, "big") + y.to_bytes(32, "big")
    try:
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise InvalidKey(f"{where}: JWK x/y is not a point on the P-256 curve") from None
    if "kid" in m and m["kid"] != thumbprint(key):
        raise KidMismatch(m["kid"], thumbprint(key), where)
    return key


def _private_from_scalar(d: int, where: str) -> ec.EllipticCurvePrivateKey:
    if not 0 < d < _N:
        raise InvalidKey(f"{where}: private scalar is zero or not below the group order")
    try:
        return ec.derive_private_key(d, ec.SECP256R1())
    except ValueError:
        raise InvalidKey(f"{where}: private scalar out of range") from None


def _private_from_jwk(jwk: object, where: str, single: bool = False) -> tuple[PrivateKey, str | None]:
    """A private JWK's key and its ``created``, checked in the Rust keyring's
    order: ``d`` present, member types, kty/crv, d, x/y and kid, x/y
    belong to d, created. An AKP JWK is a hybrid key (``hybrid.py``)."""
    if isinstance(jwk, Mapping) and is_hybrid_jwk(jwk):
        hkey, hcreated = hybrid_private_from_jwk(jwk, where, single)
        if hcreated is not None and not _is_rfc3339_utc(hcreated):
            raise InvalidKey(f'{where}: "created" is not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ)')
        return hkey, hcreated
    if isinstance(jwk, Mapping) and jwk.get("d") is None:
        raise NotPrivateKey(f'{where}: JWK has no "d": it is a public key')
    m = _members(jwk, where)
    _check_kty_crv(m, where)
    key = _private_from_scalar(_b64_32(m, "d", where), where)
    try:
        claimed = _public_from_members(m, where)
    except KidMismatch as e:
        # As the Rust keyring: a set member's wrong kid is a malformed member;
        # a single JWK keeps the KID_MISMATCH it has everywhere else.
        if single:
            raise
        raise InvalidKey(e.message) from None
    if claimed.public_numbers() != key.public_key().public_numbers():
        raise InvalidKey(f"{where}: JWK x/y do not belong to its d")
    created = m.get("created")
    if created is not None and not _is_rfc3339_utc(created):
        raise InvalidKey(f'{where}: "created" is not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ)')
    return key, created


def _is_rfc3339_utc(text: str) -> bool:
    """``created``: RFC 3339 in UTC with fields in range, exactly the Rust
    keyring's rule (src/keyring.rs ``is_rfc3339_utc``)."""
    m = _RFC3339_UTC.fullmatch(text)
    if not m or not 20 <= len(text) <= 40:
        return False
    _, month, day, hour, minute, second = (int(g) for g in m.group(1, 2, 3, 4, 5, 6))
    return 1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second <= 60


def _private_from_pem(data: str | bytes, where: str) -> ec.EllipticCurvePrivateKey:
    try:
        raw = (data.encode("utf-8") if isinstance(data, str) else bytes(data)).strip()
    except UnicodeEncodeError:  # lone surrogates
        raise InvalidKey(f"{where}: PEM is not valid text") from None
    if raw.startswith(b"-----BEGIN PUBLIC KEY-----"):
        raise NotPrivateKey(f"{where}: a PEM public key where a private key is needed")
    try:
        key = serialization.load_pem_private_key(raw, password=None)
    except Exception:  # bad PEM/DER (ValueError), encrypted (TypeError), unsupported algorithm
        raise InvalidKey(f'{where}: not a P-256 "PRIVATE KEY" (PKCS#8) or "EC PRIVATE KEY" (SEC1) PEM') from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not _is_p256(key):
        raise InvalidKey(f"{where}: PEM private key is not a P-256 key")
    # A SEC1/PKCS#8 key may carry a public key: it must be d·G.
    fresh = _private_from_scalar(key.private_numbers().private_value, where)
    if fresh.public_key().public_numbers() != key.public_key().public_numbers():
        raise InvalidKey(f"{where}: PEM public key does not belong to its private key")
    return fresh


# ------------------------------------------------------------------ keyring


@dataclass(frozen=True)
class _Entry:
    kid: str
    key: PrivateKey
    created: str | None


def _entry(key: PrivateKey, created: str | None) -> _Entry:
    kid = key.kid if isinstance(key, HybridPrivateKey) else thumbprint(key.public_key())
    return _Entry(kid, key, created)


class Keyring:
    """The high side's private keys, by kid (several during a key rotation):
    P-256 keys and hybrid MLKEM768-X25519 keys (``HybridPrivateKey``) mixed.

    Load with ``Keyring.load(path)`` (a JWKS ``{"keys": [...]}`` of private
    JWKs, a single private JWK, or a PKCS#8/SEC1 PEM private key), or
    ``parse`` / ``from_jwks`` / ``from_jwk`` / ``from_pem`` / ``Keyring(keys)``.
    As the Rust ``Keyring``: ``open`` uses the key the envelope's kid names
    (``KeyNotFound`` if there is none); a set member with a ``kid`` that is
    not its thumbprint is an ``InvalidKey`` (a single JWK: ``KidMismatch``);
    two members with one kid ``DuplicateKid``.
    """

    __slots__ = ("_entries",)

    def __init__(self, keys: Iterable[PrivateKey]) -> None:
        if isinstance(keys, (str, bytes, Mapping)) or not isinstance(keys, Iterable):
            raise InvalidArgument(f"keys must be an iterable of private keys, not {type(keys).__name__}")
        entries: list[_Entry] = []
        for i, key in enumerate(keys):
            if isinstance(key, HybridPrivateKey):
                entries.append(_entry(key, None))
                continue
            if not isinstance(key, ec.EllipticCurvePrivateKey) or not _is_p256(key):
                raise InvalidKey(f"keys[{i}] is not a P-256 or MLKEM768-X25519 private key")
            key = _private_from_scalar(key.private_numbers().private_value, f"keys[{i}]")
            entries.append(_entry(key, None))
        self._entries = self._index(entries)

    @staticmethod
    def _index(entries: list[_Entry]) -> dict[str, _Entry]:
        if not entries:
            raise InvalidKey("the keyring holds no key")
        if len(entries) > MAX_KEYRING_KEYS:
            raise InvalidKey(f"keyring holds {len(entries)} keys, more than {MAX_KEYRING_KEYS}")
        out: dict[str, _Entry] = {}
        for i, e in enumerate(entries):
            if e.kid in out:
                j = list(out).index(e.kid)
                raise DuplicateKid(f"keys[{j}] and keys[{i}] have the same kid {e.kid}")
            out[e.kid] = e
        return out

    @classmethod
    def _of(cls, entries: list[_Entry]) -> Keyring:
        ring = cls.__new__(cls)
        ring._entries = cls._index(entries)
        return ring

    # ---------------------------------------------------------- constructors

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Keyring:
        """Read a key file: JWKS, private JWK or PEM, at most 1 MiB of UTF-8
        (``OSError`` if it cannot be read)."""
        if not isinstance(path, (str, os.PathLike)):
            raise InvalidArgument(f"path must be a str or os.PathLike, not {type(path).__name__}")
        with open(path, "rb") as f:
            data = f.read(MAX_KEY_FILE + 1)
        if len(data) > MAX_KEY_FILE:
            raise InvalidKey("key file is larger than 1 MiB")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidKey("key file is not UTF-8 text") from None
        return cls.parse(text)

    @classmethod
    def parse(cls, text: str) -> Keyring:
        """From key text: a PEM private key, a JWKS (an object with ``keys``) or a private JWK."""
        if not isinstance(text, str):
            raise InvalidArgument(f"key text must be a string, not {type(text).__name__}")
        t = text.strip()
        if t.startswith("-----BEGIN"):
            return cls.from_pem(t)
        if t.startswith("{"):
            obj = _json(t, "keyring")
            if isinstance(obj, Mapping) and "keys" in obj:
                return cls.from_jwks(obj)
            return cls.from_jwk(obj)
        raise InvalidKey("expected a JWKS of private JWKs, a private JWK or a PEM private key")

    @classmethod
    def from_jwks(cls, obj: Mapping[str, Any]) -> Keyring:
        """From a JWKS object ``{"keys": [private JWK, ...]}`` (each may carry
        ``kid``, its thumbprint, and ``created``, RFC 3339 UTC)."""
        if not isinstance(obj, Mapping):
            raise InvalidKey("keyring is not a JSON object")
        keys = obj.get("keys")
        if not isinstance(keys, list):
            raise InvalidKey('keyring "keys" is not an array')
        if len(keys) > MAX_KEYRING_KEYS:
            raise InvalidKey(f"keyring holds {len(keys)} keys, more than {MAX_KEYRING_KEYS}")
        entries = []
        for i, jwk in enumerate(keys):
            key, created = _private_from_jwk(jwk, f"keys[{i}]")
            entries.append(_entry(key, created))
        return cls._of(entries)

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> Keyring:
        """From one private JWK."""
        key, created = _private_from_jwk(jwk, "the JWK", single=True)
        return cls._of([_entry(key, created)])

    @classmethod
    def from_pem(cls, pem: str | bytes) -> Keyring:
        """From a PEM ``PRIVATE KEY`` (PKCS#8) or ``EC PRIVATE KEY`` (SEC1), unencrypted."""
        if not isinstance(pem, (str, bytes)):
            raise InvalidArgument(f"PEM must be str or bytes, not {type(pem).__name__}")
        key = _private_from_pem(pem, "PEM")
        return cls._of([_entry(key, None)])

    # -------------------------------------------------------------- queries

    @property
    def kids(self) -> tuple[str, ...]:
        """The key ids, in the order of the key set."""
        return tuple(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, kid: object) -> bool:
        return kid in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __repr__(self) -> str:
        return f"Keyring(kids={list(self._entries)!r})"

    def created(self, kid: str) -> str | None:
        """The ``created`` member of the key's JWK (RFC 3339 UTC), if it had one."""
        return self._entry(kid).created

    def private_key(self, kid: str) -> PrivateKey:
        """The private key with this kid (``KeyNotFound`` if there is none):
        a cryptography P-256 key or a ``HybridPrivateKey``."""
        return self._entry(kid).key

    @property
    def kems(self) -> tuple[int, ...]:
        """The HPKE KEM ids of the suites the keyring holds keys of."""
        return tuple(k for k in (KEM_ID, HYBRID_KEM_ID) if any(_kem_of(e.key) == k for e in self._entries.values()))

    def _entry(self, kid: str) -> _Entry:
        if not isinstance(kid, str):
            raise InvalidArgument(f"kid must be a string, not {type(kid).__name__}")
        entry = self._entries.get(kid)
        if entry is None:
            raise KeyNotFound(kid)
        return entry

    def public_jwks(self) -> dict[str, list[dict[str, str]]]:
        """The public halves as a JWKS, each with ``kid``, ``use`` and ``alg``
        (what the CLI's ``public --jwks`` prints: what to publish)."""
        return {"keys": [public_jwk(e.key.public_key()) for e in self._entries.values()]}

    def private_jwks(self) -> dict[str, list[dict[str, str]]]:
        """The keyring file's JSON object (private JWKs with ``created``):
        it holds the secrets."""
        keys = []
        for e in self._entries.values():
            if isinstance(e.key, HybridPrivateKey):
                jwk = e.key.private_jwk()
            else:
                d = e.key.private_numbers().private_value.to_bytes(32, "big")
                jwk = {**public_jwk(e.key.public_key()), "d": _b64.encode(d)}
            if e.created is not None:
                jwk["created"] = e.created
            keys.append(jwk)
        return {"keys": keys}


# --------------------------------------------------------------- public keys


def load_public_key(value: PublicKeyInput, kid: str | None = None) -> PublicKey:
    """A recipient public key of either suite from a cryptography P-256 key, a
    ``HybridPublicKey``, a JWK or JWKS (mapping or JSON text; an AKP JWK is a
    hybrid key) or an SPKI PEM. In a JWKS, ``kid`` chooses the key (required
    if it holds several); otherwise a given ``kid`` must be the key's
    thumbprint."""
    if kid is not None and not isinstance(kid, str):
        raise InvalidArgument(f"kid must be a string, not {type(kid).__name__}")
    key: PublicKey
    if isinstance(value, HybridPublicKey):
        key = value
    elif isinstance(value, HybridPrivateKey):
        raise InvalidArgument("a private key was given where a public key is needed: pass .public_key()")
    elif isinstance(value, ec.EllipticCurvePublicKey):
        if not _is_p256(value):
            raise InvalidKey("public key is not a P-256 key")
        key = value
    elif isinstance(value, ec.EllipticCurvePrivateKey):
        raise InvalidArgument("a private key was given where a public key is needed: pass .public_key()")
    elif isinstance(value, Mapping):
        key = _public_from_object(value, kid)
    elif isinstance(value, (str, bytes)):
        key = _public_from_text(value, kid)
    else:
        raise InvalidArgument(f"public key must be a key, JWK, JWKS or PEM, not {type(value).__name__}")
    if kid is not None and _kid_of(key) != kid:
        raise KidMismatch(kid, _kid_of(key))
    return key


def _public_from_text(value: str | bytes, kid: str | None) -> PublicKey:
    try:
        text = value.decode("utf-8") if isinstance(value, bytes) else value
    except UnicodeDecodeError:
        raise InvalidKey("public key is not UTF-8 text") from None
    t = text.strip()
    if t.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(t.encode("utf-8"))
        except Exception:  # ValueError, UnsupportedAlgorithm, UnicodeEncodeError
            raise InvalidKey('not a P-256 "PUBLIC KEY" PEM (SPKI)') from None
        if not isinstance(key, ec.EllipticCurvePublicKey) or not _is_p256(key):
            raise InvalidKey('not a P-256 "PUBLIC KEY" PEM (SPKI)')
        return key
    if t.startswith("{"):
        obj = _json(t, "public key")
        if not isinstance(obj, Mapping):
            raise InvalidKey("public key is not a JSON object")
        return _public_from_object(obj, kid)
    raise InvalidKey("expected a JWK, a JWKS or a PEM public key")


def _public_from_jwk(jwk: object, where: str) -> PublicKey:
    """A public JWK of either suite, by its ``kty``."""
    if isinstance(jwk, Mapping) and is_hybrid_jwk(jwk):
        return hybrid_public_from_jwk(jwk, where)
    return _public_from_members(_members(jwk, where), where)


def _public_from_object(obj: Mapping[str, Any], kid: str | None) -> PublicKey:
    if "keys" not in obj:
        return _public_from_jwk(obj, "JWK")
    keys = obj["keys"]
    if not isinstance(keys, list):
        raise InvalidKey('JWKS has no "keys" array')
    if kid is None:
        if len(keys) != 1:
            raise InvalidKey("JWKS is empty" if not keys else f"JWKS holds {len(keys)} keys: choose one by kid")
        return _public_from_jwk(keys[0], "keys[0]")
    # As the CLI: the member whose "kid" is kid, or one without a kid whose thumbprint is.
    for i, jwk in enumerate(keys):
        where = f"keys[{i}]"
        if isinstance(jwk, Mapping) and is_hybrid_jwk(jwk):
            claimed = jwk.get("kid")
            if claimed is not None and not isinstance(claimed, str):
                raise InvalidKey(f'{where}: member "kid" must be a string')
        else:
            claimed = _members(jwk, where).get("kid")
        if claimed is not None:
            if claimed == kid:
                return _public_from_jwk(jwk, where)
            continue
        try:
            key = _public_from_jwk(jwk, where)
        except InvalidKey:
            continue
        if _kid_of(key) == kid:
            return key
    raise KeyNotFound(kid)
