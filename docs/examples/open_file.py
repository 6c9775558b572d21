#!/usr/bin/env python3
"""Open a slice-seal sealed file (docs/FORMAT.md §10) with pyca/cryptography
(>= 50) alone: a reference for high sides without the slice-seal package.

    python3 open_file.py PRIVATE_KEY SEALED OUT    # key: private JWK or PKCS#8/SEC1 PEM

OUT is written to a temporary file beside it and renamed only once the whole
file opened. A failure prints `CODE: message` and exits with status 1. The
header's context (form, field, submission) is printed, not checked: compare it
with where the file should belong (FORMAT.md §5 step 11) before you trust it.
"""
import base64, json, os, sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SUITE = hpke.Suite(hpke.KEM.P256, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)


class Fail(Exception):
    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code  # the slice-seal error code


def load_key(text):
    if text.lstrip().startswith("{"):
        d = json.loads(text)["d"]
        return ec.derive_private_key(int.from_bytes(base64.urlsafe_b64decode(d + "=" * (-len(d) % 4)), "big"), ec.SECP256R1())
    return serialization.load_pem_private_key(text.encode(), None)


def items(info):  # FORMAT.md §3: lp("slice-seal/v1") || lp(form) || lp(field) || lp(submission)
    out = []
    while info:
        n = int.from_bytes(info[:2], "big")
        out.append(info[2 : 2 + n].decode("utf-8"))
        info = info[2 + n :]
    return out[1:]


def open_file(src, dst, key):
    """Open the sealed file `src` into `dst`; returns (form, field, submission), name, type, size."""
    lead = src.read(6)
    if lead[:4] != b"ssf1" or len(lead) < 6 or lead[4:6] == b"\0\0":
        raise Fail("MALFORMED_FILE", "no ssf1 magic, or no header length")
    header = src.read(int.from_bytes(lead[4:6], "big"))
    if len(header) < int.from_bytes(lead[4:6], "big"):
        raise Fail("MALFORMED_FILE", "header length past the end of the input")
    if not header.startswith(b"ss1."):  # FORMAT.md §5; urlsafe_b64decode is lenient, §4 is strict
        raise Fail("MALFORMED_ENVELOPE", "the header is not an ss1. envelope")
    try:
        body = base64.urlsafe_b64decode(header[4:] + b"=" * (-len(header[4:]) % 4))
    except ValueError:
        raise Fail("MALFORMED_ENVELOPE", "the header is not base64url")
    info_len = int.from_bytes(body[38:40], "big")
    info, enc, ct = body[40 : 40 + info_len], body[40 + info_len : 105 + info_len], body[105 + info_len :]
    try:
        hp = SUITE.decrypt(enc + ct, key, info)
    except (InvalidTag, ValueError):
        raise Fail("DECRYPT_FAILED", "the header did not open (wrong key, altered)")
    # Header plaintext: 01 || file_key || u32 chunk_size || u64 size || lp(name) || lp(type), nothing more.
    file_key, chunk_size, size = hp[1:33], int.from_bytes(hp[33:37], "big"), int.from_bytes(hp[37:45], "big")
    t = 47 + int.from_bytes(hp[45:47], "big")
    name, mtype, type_len = hp[47:t], hp[t + 2 :], int.from_bytes(hp[t : t + 2], "big")
    if (hp[:1] != b"\x01" or len(hp) < t + 2 or len(mtype) != type_len or t - 47 > 1024 or type_len > 255
            or not 1024 <= chunk_size <= 4 << 20 or size >= 1 << 53 or any(not 0x20 <= b <= 0x7E for b in mtype)):
        raise Fail("MALFORMED_FILE", "header plaintext is not the version-1 layout")
    try:
        name = name.decode("utf-8")
    except UnicodeDecodeError:
        raise Fail("MALFORMED_FILE", "file name is not UTF-8")
    n, aead = max(1, -(-size // chunk_size)), AESGCM(file_key)
    for i in range(n):
        want = (chunk_size if i < n - 1 else size - (n - 1) * chunk_size) + 16
        chunk = src.read(want)
        if len(chunk) < want:
            raise Fail("FILE_TRUNCATED", f"the input ends inside or before chunk {i}")
        try:
            dst.write(aead.decrypt(i.to_bytes(11, "big") + (b"\x01" if i == n - 1 else b"\x00"), chunk, None))
        except InvalidTag:
            raise Fail("CHUNK_DECRYPT_FAILED", f"chunk {i} failed authentication")
    if src.read(1):
        raise Fail("FILE_EXTENDED", "bytes follow the last chunk")
    return items(info), name, mtype.decode("ascii"), size


if __name__ == "__main__":
    key_path, sealed, out = sys.argv[1:4]
    tmp = f"{out}.{os.getpid()}.tmp"
    try:
        with open(key_path) as k, open(sealed, "rb") as src, open(tmp, "xb") as dst:
            print(json.dumps(open_file(src, dst, load_key(k.read()))))
        os.replace(tmp, out)
    except Fail as e:
        print(e, file=sys.stderr)
        sys.exit(1)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
