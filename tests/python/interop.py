#!/usr/bin/env python3
"""Independent implementation of the slice-seal envelope v1 format
(docs/FORMAT.md) over Python `cryptography`'s HPKE, used by
cli/tests/interop_python.rs.

Everything about the format is re-implemented here from the specification:
the envelope text and body layout, the `info` encoding, the RFC 7638 key id.
HPKE itself is `cryptography.hazmat.primitives.hpke.Suite(KEM.P256,
KDF.HKDF_SHA256, AEAD.AES_256_GCM)`, single shot, aad empty.

Commands (each prints one JSON summary line on success, exits 1 on failure):
  check
  open   --jwk PRIVATE.jwk --pem PRIVATE.pem --cases CASES.json
  seal   --public-jwk PUBLIC.jwk --public-pem PUBLIC.pem --cases CASES.json --out OUT.json
  vector tests/vectors/envelope-v1.json

CASES.json: [{"context": {"form", "field", "submission"?}, "plaintext_b64": base64url,
              "envelope"?: "ss1...."}]
"""

import argparse
import base64
import hashlib
import json
import struct
import sys

SETUP_HINT = (
    "Python `cryptography` with HPKE support is not installed: run `bash .ci/setup` "
    "(or `python3 -m pip install -r tests/requirements.txt`)"
)

try:
    from cryptography.hazmat.primitives import hpke, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    SUITE = hpke.Suite(hpke.KEM.P256, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
except Exception as e:  # ImportError, AttributeError on old versions
    print(f"{SETUP_HINT} ({type(e).__name__}: {e})", file=sys.stderr)
    sys.exit(3)

LABEL = b"slice-seal/v1"
PREFIX = "ss1."
SUITE_IDS = (0x0010, 0x0001, 0x0002)
KID_LEN = 32
ENC_LEN = 65
TAG_LEN = 16


class Fail(Exception):
    pass


# ----------------------------------------------------------------- encodings


def b64url_decode(s: str) -> bytes:
    """Strict unpadded base64url (canonical: re-encoding gives the same text)."""
    if "=" in s:
        raise Fail("padding in base64url")
    raw = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    if b64url_encode(raw) != s:
        raise Fail("non-canonical base64url")
    return raw


def b64url_encode(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")


def lp(item: bytes) -> bytes:
    if len(item) > 0xFFFF:
        raise Fail("item too long")
    return struct.pack(">H", len(item)) + item


def build_info(ctx: dict) -> bytes:
    """info = lp("slice-seal/v1") || lp(form) || lp(field) || lp(submission or "")."""
    sub = ctx.get("submission") or ""
    return (
        lp(LABEL)
        + lp(ctx["form"].encode("utf-8"))
        + lp(ctx["field"].encode("utf-8"))
        + lp(sub.encode("utf-8"))
    )


def thumbprint(x: str, y: str) -> bytes:
    """RFC 7638 SHA-256 thumbprint of a P-256 public JWK (raw 32 bytes)."""
    canon = json.dumps(
        {"crv": "P-256", "kty": "EC", "x": x, "y": y}, separators=(",", ":"), sort_keys=True
    )
    return hashlib.sha256(canon.encode("ascii")).digest()


def public_jwk_members(pub) -> tuple:
    n = pub.public_numbers()
    return b64url_encode(n.x.to_bytes(32, "big")), b64url_encode(n.y.to_bytes(32, "big"))


def kid_of(pub) -> bytes:
    return thumbprint(*public_jwk_members(pub))


def parse_envelope(text: str) -> dict:
    """Split envelope text into its fields per docs/FORMAT.md."""
    if not text.startswith(PREFIX):
        raise Fail("missing ss1. prefix")
    body = b64url_decode(text[len(PREFIX):])
    if len(body) < 6 + KID_LEN + 2:
        raise Fail("truncated header")
    kem, kdf, aead = struct.unpack(">HHH", body[:6])
    if (kem, kdf, aead) != SUITE_IDS:
        raise Fail(f"unexpected suite {kem:#06x}/{kdf:#06x}/{aead:#06x}")
    kid = body[6 : 6 + KID_LEN]
    (info_len,) = struct.unpack(">H", body[6 + KID_LEN : 8 + KID_LEN])
    rest = body[8 + KID_LEN :]
    if len(rest) < info_len + ENC_LEN + TAG_LEN:
        raise Fail("truncated body")
    info = rest[:info_len]
    enc = rest[info_len : info_len + ENC_LEN]
    ct = rest[info_len + ENC_LEN :]
    if enc[0] != 0x04:
        raise Fail("enc is not an uncompressed point")
    return {"kid": kid, "info": info, "enc": enc, "ct": ct, "body": body}


def assemble_envelope(kid: bytes, info: bytes, enc: bytes, ct: bytes) -> str:
    if len(kid) != KID_LEN or len(enc) != ENC_LEN:
        raise Fail("bad kid/enc length")
    body = struct.pack(">HHH", *SUITE_IDS) + kid + struct.pack(">H", len(info)) + info + enc + ct
    return PREFIX + b64url_encode(body)


# ---------------------------------------------------------------------- keys


def int_b64(s: str) -> int:
    raw = b64url_decode(s)
    if len(raw) != 32:
        raise Fail("JWK member is not 32 bytes")
    return int.from_bytes(raw, "big")


def private_from_jwk(jwk: dict):
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise Fail("not a P-256 JWK")
    key = ec.derive_private_key(int_b64(jwk["d"]), ec.SECP256R1())
    n = key.public_key().public_numbers()
    if (n.x, n.y) != (int_b64(jwk["x"]), int_b64(jwk["y"])):
        raise Fail("JWK x/y do not match d")
    if "kid" in jwk and b64url_encode(kid_of(key.public_key())) != jwk["kid"]:
        raise Fail("JWK kid is not its RFC 7638 thumbprint")
    return key


def public_from_jwk(jwk: dict):
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise Fail("not a P-256 JWK")
    pub = ec.EllipticCurvePublicNumbers(
        int_b64(jwk["x"]), int_b64(jwk["y"]), ec.SECP256R1()
    ).public_key()
    if "kid" in jwk and b64url_encode(kid_of(pub)) != jwk["kid"]:
        raise Fail("JWK kid is not its RFC 7638 thumbprint")
    return pub


def read_json(path):
    with open(path, "r", encoding="utf-8") as f:
        return json.load(f)


def same_public(a, b) -> bool:
    return a.public_numbers() == b.public_numbers()


# ------------------------------------------------------------------ commands


def open_one(key, env_text: str, ctx: dict) -> bytes:
    env = parse_envelope(env_text)
    if env["kid"] != kid_of(key.public_key()):
        raise Fail("envelope kid is not the thumbprint of our key")
    info = build_info(ctx)  # from the EXPECTED context, not the envelope
    if env["info"] != info:
        raise Fail("envelope info differs from the expected context's info")
    return SUITE.decrypt(env["enc"] + env["ct"], key, info)


def cmd_open(a) -> dict:
    key_jwk = private_from_jwk(read_json(a.jwk))
    with open(a.pem, "rb") as f:
        key_pem = serialization.load_pem_private_key(f.read(), password=None)
    if not isinstance(key_pem, ec.EllipticCurvePrivateKey) or not same_public(
        key_pem.public_key(), key_jwk.public_key()
    ):
        raise Fail("PEM and JWK private keys differ")
    cases = read_json(a.cases)
    opened = moved_rejected = 0
    for i, case in enumerate(cases):
        want = b64url_decode(case["plaintext_b64"]) if case["plaintext_b64"] else b""
        ctx = case["context"]
        for key in (key_jwk, key_pem):
            got = open_one(key, case["envelope"], ctx)
            if got != want:
                raise Fail(f"case {i}: plaintext differs ({len(got)} vs {len(want)} bytes)")
            opened += 1
        # The same slice under another field's info must not decrypt.
        env = parse_envelope(case["envelope"])
        moved = dict(ctx, field=ctx["field"] + "-moved")
        try:
            SUITE.decrypt(env["enc"] + env["ct"], key_jwk, build_info(moved))
        except Exception:
            moved_rejected += 1
        else:
            raise Fail(f"case {i}: a moved slice decrypted")
    return {"cases": len(cases), "opened": opened, "moved_rejected": moved_rejected}


def cmd_seal(a) -> dict:
    pub_jwk = public_from_jwk(read_json(a.public_jwk))
    with open(a.public_pem, "rb") as f:
        pub_pem = serialization.load_pem_public_key(f.read())
    if not same_public(pub_jwk, pub_pem):
        raise Fail("PEM and JWK public keys differ")
    cases = read_json(a.cases)
    out = []
    for i, case in enumerate(cases):
        pt = b64url_decode(case["plaintext_b64"]) if case["plaintext_b64"] else b""
        pub = pub_jwk if i % 2 == 0 else pub_pem
        info = build_info(case["context"])
        sealed = SUITE.encrypt(pt, pub, info)  # enc || ct
        enc, ct = sealed[:ENC_LEN], sealed[ENC_LEN:]
        if len(ct) != len(pt) + TAG_LEN:
            raise Fail("unexpected HPKE output length")
        out.append(dict(case, envelope=assemble_envelope(kid_of(pub), info, enc, ct)))
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(out, f)
    return {"sealed": len(out)}


def cmd_vector(a) -> dict:
    v = read_json(a.path)
    d = int(v["recipient_private_d_hex"], 16)
    key = ec.derive_private_key(d, ec.SECP256R1())
    jwk = v["recipient_public_jwk"]
    if not same_public(key.public_key(), public_from_jwk(jwk)):
        raise Fail("recipient_public_jwk is not the public key of d")
    # Also through a private JWK assembled from the vector.
    key2 = private_from_jwk(dict(jwk, d=b64url_encode(bytes.fromhex(v["recipient_private_d_hex"]))))
    if b64url_encode(kid_of(key.public_key())) != v["kid"]:
        raise Fail("kid is not the RFC 7638 thumbprint")
    info = build_info(v["context"])
    if info.hex() != v["info_hex"]:
        raise Fail("info_hex differs from the info built from the context")
    env = parse_envelope(v["envelope"])
    checks = {"enc_hex": env["enc"], "ct_hex": env["ct"], "body_hex": env["body"], "info_hex": env["info"]}
    for name, got in checks.items():
        if got.hex() != v[name]:
            raise Fail(f"{name} differs from the envelope")
    for k in (key, key2):
        pt = open_one(k, v["envelope"], v["context"])
        if pt != v["plaintext"].encode("utf-8"):
            raise Fail("worked example plaintext differs")
    moved = dict(v["context"], field="surname")
    try:
        SUITE.decrypt(env["enc"] + env["ct"], key, build_info(moved))
    except Exception:
        pass
    else:
        raise Fail("worked example decrypted under another field")
    return {"vector": "ok", "plaintext": v["plaintext"]}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("check")
    o = sub.add_parser("open")
    o.add_argument("--jwk", required=True)
    o.add_argument("--pem", required=True)
    o.add_argument("--cases", required=True)
    s = sub.add_parser("seal")
    s.add_argument("--public-jwk", required=True)
    s.add_argument("--public-pem", required=True)
    s.add_argument("--cases", required=True)
    s.add_argument("--out", required=True)
    v = sub.add_parser("vector")
    v.add_argument("path")
    a = p.parse_args()
    try:
        if a.cmd == "check":
            import cryptography

            result = {"cryptography": cryptography.__version__}
        else:
            result = {"open": cmd_open, "seal": cmd_seal, "vector": cmd_vector}[a.cmd](a)
    except Fail as e:
        print(f"interop.py {a.cmd}: FAIL: {e}", file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
