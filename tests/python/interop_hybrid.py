#!/usr/bin/env python3
"""Independent implementation of the slice-seal hybrid suite (docs/FORMAT.md
§11: envelope v1 with KEM MLKEM768-X25519 = 0x647a) over Python
`cryptography` 50's HPKE, used by cli/tests/interop_python_hybrid.rs.

Re-implemented here from the specification: the envelope layout with the
hybrid suite ids and a 1120-byte enc, the `info` encoding, the AKP JWK
(`pub` = pk_M || pk_X, `priv` = the 32-byte X-Wing seed, which SHAKE256
expands into the ML-KEM-768 seed and the X25519 key) and its RFC 7638 kid.
HPKE itself is `hpke.Suite(KEM.MLKEM768_X25519, KDF.HKDF_SHA256,
AEAD.AES_256_GCM)`, single shot, aad empty.

Commands (each prints one JSON summary line on success, exits 1 on failure):
  check
  open --jwk PRIVATE.jwk --cases CASES.json
  seal --public-jwk PUBLIC.jwk --cases CASES.json --out OUT.json

CASES.json: [{"context": {"form", "field", "submission"?}, "plaintext_b64": base64url,
              "envelope"?: "ss1...."}]
"""

import argparse
import hashlib
import json
import struct
import sys

from interop import Fail, b64url_decode, b64url_encode, build_info, read_json

try:
    from cryptography.hazmat.primitives import hpke
    from cryptography.hazmat.primitives.asymmetric import mlkem, x25519

    SUITE = hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
except Exception as e:  # ImportError, AttributeError before cryptography 50
    print(f"Python `cryptography` 50 with MLKEM768_X25519 HPKE is not installed ({e})", file=sys.stderr)
    sys.exit(3)

PREFIX = "ss1."
SUITE_IDS = (0x647A, 0x0001, 0x0002)
KID_LEN = 32
ENC_LEN = 1120
PUB_LEN = 1216
TAG_LEN = 16


def kid_of(pub_b64: str) -> bytes:
    """RFC 7638 thumbprint of the AKP JWK's required members alg, kty, pub."""
    canon = json.dumps(
        {"alg": "MLKEM768-X25519", "kty": "AKP", "pub": pub_b64}, separators=(",", ":"), sort_keys=True
    )
    return hashlib.sha256(canon.encode("ascii")).digest()


def check_jwk(jwk: dict) -> bytes:
    if jwk.get("kty") != "AKP" or jwk.get("alg") != "MLKEM768-X25519":
        raise Fail("not an MLKEM768-X25519 AKP JWK")
    pub = b64url_decode(jwk["pub"])
    if len(pub) != PUB_LEN:
        raise Fail("pub is not 1216 bytes")
    if b64url_encode(kid_of(jwk["pub"])) != jwk["kid"]:
        raise Fail("kid is not the RFC 7638 thumbprint of alg, kty, pub")
    return pub


def public_key(pub: bytes):
    return hpke.MLKEM768X25519PublicKey(
        mlkem.MLKEM768PublicKey.from_public_bytes(pub[:1184]),
        x25519.X25519PublicKey.from_public_bytes(pub[1184:]),
    )


def private_key(jwk: dict):
    """The X-Wing seed expanded: SHAKE256(seed, 96) = ML-KEM seed (64) || X25519 key (32)."""
    pub = check_jwk(jwk)
    seed = b64url_decode(jwk["priv"])
    if len(seed) != 32:
        raise Fail("priv is not 32 bytes")
    expanded = hashlib.shake_256(seed).digest(96)
    m = mlkem.MLKEM768PrivateKey.from_seed_bytes(expanded[:64])
    x = x25519.X25519PrivateKey.from_private_bytes(expanded[64:])
    if m.public_key().public_bytes_raw() + x.public_key().public_bytes_raw() != pub:
        raise Fail("pub is not the public key of priv")
    return hpke.MLKEM768X25519PrivateKey(m, x)


def parse_envelope(text: str) -> dict:
    if not text.startswith(PREFIX):
        raise Fail("missing ss1. prefix")
    body = b64url_decode(text[len(PREFIX) :])
    if struct.unpack(">HHH", body[:6]) != SUITE_IDS:
        raise Fail("not the hybrid suite's ids")
    kid = body[6 : 6 + KID_LEN]
    (info_len,) = struct.unpack(">H", body[6 + KID_LEN : 8 + KID_LEN])
    rest = body[8 + KID_LEN :]
    if len(rest) < info_len + ENC_LEN + TAG_LEN:
        raise Fail("truncated body")
    return {"kid": kid, "info": rest[:info_len], "enc": rest[info_len : info_len + ENC_LEN], "ct": rest[info_len + ENC_LEN :]}


def assemble_envelope(kid: bytes, info: bytes, enc: bytes, ct: bytes) -> str:
    body = struct.pack(">HHH", *SUITE_IDS) + kid + struct.pack(">H", len(info)) + info + enc + ct
    return PREFIX + b64url_encode(body)


def cmd_open(a) -> dict:
    jwk = read_json(a.jwk)
    key = private_key(jwk)
    kid = kid_of(jwk["pub"])
    cases = read_json(a.cases)
    opened = moved_rejected = 0
    for i, case in enumerate(cases):
        want = b64url_decode(case["plaintext_b64"]) if case["plaintext_b64"] else b""
        env = parse_envelope(case["envelope"])
        if env["kid"] != kid:
            raise Fail(f"case {i}: envelope kid is not our key's")
        info = build_info(case["context"])  # from the EXPECTED context
        if env["info"] != info:
            raise Fail(f"case {i}: envelope info differs from the expected context's")
        if SUITE.decrypt(env["enc"] + env["ct"], key, info) != want:
            raise Fail(f"case {i}: plaintext differs")
        opened += 1
        moved = dict(case["context"], field=case["context"]["field"] + "-moved")
        try:
            SUITE.decrypt(env["enc"] + env["ct"], key, build_info(moved))
        except Exception:
            moved_rejected += 1
        else:
            raise Fail(f"case {i}: a moved slice decrypted")
    return {"cases": len(cases), "opened": opened, "moved_rejected": moved_rejected}


def cmd_seal(a) -> dict:
    jwk = read_json(a.public_jwk)
    pub = check_jwk(jwk)
    key = public_key(pub)
    cases = read_json(a.cases)
    out = []
    for case in cases:
        pt = b64url_decode(case["plaintext_b64"]) if case["plaintext_b64"] else b""
        info = build_info(case["context"])
        sealed = SUITE.encrypt(pt, key, info)  # enc || ct
        enc, ct = sealed[:ENC_LEN], sealed[ENC_LEN:]
        if len(ct) != len(pt) + TAG_LEN:
            raise Fail("unexpected HPKE output length")
        out.append(dict(case, envelope=assemble_envelope(kid_of(jwk["pub"]), info, enc, ct)))
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(out, f)
    return {"sealed": len(out)}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("check")
    o = sub.add_parser("open")
    o.add_argument("--jwk", required=True)
    o.add_argument("--cases", required=True)
    s = sub.add_parser("seal")
    s.add_argument("--public-jwk", required=True)
    s.add_argument("--cases", required=True)
    s.add_argument("--out", required=True)
    a = p.parse_args()
    try:
        if a.cmd == "check":
            import cryptography

            result = {"cryptography": cryptography.__version__}
        else:
            result = {"open": cmd_open, "seal": cmd_seal}[a.cmd](a)
    except Fail as e:
        print(f"interop_hybrid.py {a.cmd}: FAIL: {e}", file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
