"""The hybrid post-quantum suite's keys (docs/FORMAT.md §11): MLKEM768-X25519
(X-Wing, HPKE KEM 0x647a) as Python ``cryptography`` 50 implements it, in
the "AKP" JWK form slice-seal writes: ``pub`` = pk_M || pk_X (1216 bytes),
``priv`` = the 32-byte X-Wing seed, which SHAKE256 expands into the
ML-KEM-768 seed (64 bytes) and the X25519 private key (32 bytes); the kid is
the RFC 7638 thumbprint of ``{"alg","kty","pub"}``.

Python cannot wipe memory: the seed and the expanded key live as long as
the objects (as any key in ``cryptography``)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519

from . import _b64
from ._jwk import string_members
from .errors import InvalidKey, KidMismatch, NotPrivateKey, RandomFailed

__all__ = [
    "HybridPrivateKey",
    "HybridPublicKey",
    "HYBRID_JWK_KTY",
    "HYBRID_JWK_ALG",
    "HYBRID_PUBLIC_KEY_LEN",
    "HYBRID_SEED_LEN",
]

#: The JWK ``kty`` (algorithm key pair) and ``alg`` of a hybrid key.
HYBRID_JWK_KTY = "AKP"
HYBRID_JWK_ALG = "MLKEM768-X25519"
#: Raw public key (ML-KEM-768 encapsulation key 1184 || X25519 32) and seed lengths.
HYBRID_PUBLIC_KEY_LEN = 1216
HYBRID_SEED_LEN = 32
_MLKEM_PK_LEN = 1184

# JWK members of a hybrid key read as strings (null counts as absent).
_MEMBERS = ("kty", "alg", "pub", "priv", "kid", "use", "created")


def _kid_raw(pub: bytes) -> bytes:
    # RFC 7638 §3.2: the AKP key's required members in lexicographic order.
    canonical = f'{{"alg":"{HYBRID_JWK_ALG}","kty":"{HYBRID_JWK_KTY}","pub":"{_b64.encode(pub)}"}}'
    return hashlib.sha256(canonical.encode("ascii")).digest()


class HybridPublicKey:
    """A recipient's MLKEM768-X25519 public key, with its kid."""

    __slots__ = ("_pub", "_key", "_kid_raw")

    def __init__(self, pub: bytes) -> None:
        """From the raw key ``pk_M || pk_X`` (1216 bytes); ``InvalidKey`` for
        another length or an ML-KEM-768 key that fails FIPS 203's check."""
        if not isinstance(pub, (bytes, bytearray)) or len(pub) != HYBRID_PUBLIC_KEY_LEN:
            n = len(pub) if isinstance(pub, (bytes, bytearray)) else type(pub).__name__
            raise InvalidKey(f"an MLKEM768-X25519 public key is {HYBRID_PUBLIC_KEY_LEN} bytes, got {n}")
        pub = bytes(pub)
        try:
            key = hpke.MLKEM768X25519PublicKey(
                mlkem.MLKEM768PublicKey.from_public_bytes(pub[:_MLKEM_PK_LEN]),
                x25519.X25519PublicKey.from_public_bytes(pub[_MLKEM_PK_LEN:]),
            )
        except ValueError:
            raise InvalidKey("the ML-KEM-768 part of the public key is not valid") from None
        self._pub, self._key, self._kid_raw = pub, key, _kid_raw(pub)

    @property
    def kid(self) -> str:
        """The key id (RFC 7638 thumbprint, base64url)."""
        return _b64.encode(self._kid_raw)

    @property
    def kid_raw(self) -> bytes:
        return self._kid_raw

    def public_bytes(self) -> bytes:
        """The raw key ``pk_M || pk_X``."""
        return self._pub

    @property
    def hpke_key(self) -> hpke.MLKEM768X25519PublicKey:
        """The key for ``cryptography``'s HPKE."""
        return self._key

    def jwk(self) -> dict[str, str]:
        """The public JWK, as the CLI's ``public`` prints it."""
        return {"kty": HYBRID_JWK_KTY, "alg": HYBRID_JWK_ALG, "pub": _b64.encode(self._pub), "kid": self.kid, "use": "enc"}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, HybridPublicKey) and other._pub == self._pub

    def __hash__(self) -> int:
        return hash(self._pub)

    def __repr__(self) -> str:
        return f"HybridPublicKey(kid={self.kid!r})"


class HybridPrivateKey:
    """A recipient's MLKEM768-X25519 private key: the 32-byte X-Wing seed
    and the ``cryptography`` key it expands to. ``repr`` shows the kid only."""

    __slots__ = ("_seed", "_key", "_public")

    def __init__(self, seed: bytes) -> None:
        """From the 32-byte seed (``InvalidKey`` for another length)."""
        if not isinstance(seed, (bytes, bytearray)) or len(seed) != HYBRID_SEED_LEN:
            n = len(seed) if isinstance(seed, (bytes, bytearray)) else type(seed).__name__
            raise InvalidKey(f"an MLKEM768-X25519 private key (seed) is {HYBRID_SEED_LEN} bytes, got {n}")
        expanded = hashlib.shake_256(bytes(seed)).digest(96)
        m = mlkem.MLKEM768PrivateKey.from_seed_bytes(expanded[:64])
        x = x25519.X25519PrivateKey.from_private_bytes(expanded[64:])
        self._seed = bytes(seed)
        self._key = hpke.MLKEM768X25519PrivateKey(m, x)
        self._public = HybridPublicKey(m.public_key().public_bytes_raw() + x.public_key().public_bytes_raw())

    @classmethod
    def generate(cls) -> HybridPrivateKey:
        """A new key from the operating system's random numbers."""
        try:
            return cls(os.urandom(HYBRID_SEED_LEN))
        except NotImplementedError:
            raise RandomFailed() from None

    def public_key(self) -> HybridPublicKey:
        return self._public

    @property
    def kid(self) -> str:
        return self._public.kid

    @property
    def hpke_key(self) -> hpke.MLKEM768X25519PrivateKey:
        """The key for ``cryptography``'s HPKE."""
        return self._key

    def seed(self) -> bytes:
        """The 32-byte X-Wing seed (the secret)."""
        return self._seed

    def private_jwk(self) -> dict[str, str]:
        """The private JWK: the public JWK and ``priv`` (the seed)."""
        return {**self._public.jwk(), "priv": _b64.encode(self._seed)}

    def __repr__(self) -> str:
        return f"HybridPrivateKey(kid={self.kid!r})"


def is_hybrid_jwk(jwk: object) -> bool:
    """Whether a JWK object is an AKP (hybrid) key."""
    return isinstance(jwk, Mapping) and jwk.get("kty") == HYBRID_JWK_KTY


def _members(jwk: Mapping[str, Any], where: str) -> dict[str, str]:
    out = string_members(jwk, _MEMBERS, where)
    if out.get("kty") != HYBRID_JWK_KTY:
        raise InvalidKey(f'{where}: an MLKEM768-X25519 JWK has "kty": "AKP"')
    if out.get("alg") != HYBRID_JWK_ALG:
        raise InvalidKey(f'{where}: an MLKEM768-X25519 JWK has "alg": "MLKEM768-X25519"')
    return out


def _pub_bytes(m: Mapping[str, str], where: str) -> bytes:
    if "pub" not in m:
        raise InvalidKey(f'{where}: the JWK has no "pub" member')
    raw = _b64.decode(m["pub"])
    if raw is None:
        raise InvalidKey(f'{where}: "pub" is not base64url')
    return raw


def hybrid_public_from_jwk(jwk: Mapping[str, Any], where: str = "JWK") -> HybridPublicKey:
    """A public AKP JWK (``priv``, if any, is ignored); ``KidMismatch`` for a
    ``kid`` that is not the thumbprint, as the Rust ``HybridPublicKey``."""
    m = _members(jwk, where)
    key = HybridPublicKey(_pub_bytes(m, where))
    if "kid" in m and m["kid"] != key.kid:
        raise KidMismatch(m["kid"], key.kid, where)
    return key


def hybrid_private_from_jwk(
    jwk: Mapping[str, Any], where: str, single: bool = False
) -> tuple[HybridPrivateKey, str | None]:
    """A private AKP JWK and its ``created``, checked as the Rust keyring does:
    ``priv`` present (else ``NotPrivateKey``), member types, kty/alg, priv 32
    bytes, ``pub`` (if given) its public key, kid (a set member's wrong kid is
    ``InvalidKey``, a single JWK's ``KidMismatch``)."""
    if jwk.get("priv") is None:
        raise NotPrivateKey(f'{where}: JWK has no "priv": it is a public key')
    m = _members(jwk, where)
    seed = _b64.decode(m["priv"])
    if seed is None:
        raise InvalidKey(f'{where}: "priv" is not base64url')
    try:
        key = HybridPrivateKey(seed)
    except InvalidKey as e:
        raise InvalidKey(f"{where}: {e.detail}") from None
    if "pub" in m and _pub_bytes(m, where) != key.public_key().public_bytes():
        raise InvalidKey(f'{where}: "pub" is not the public key of "priv"')
    if "kid" in m and m["kid"] != key.kid:
        if single:
            raise KidMismatch(m["kid"], key.kid, where)
        raise InvalidKey(f"{where}: kid {m['kid']} is not the key's thumbprint {key.kid}")
    return key, m.get("created")
