#!/usr/bin/env python3
"""Regenerate the committed seed corpora in fuzz/corpus/<target>/.

Envelopes are sealed by the slice-seal CLI to the fuzzing-only key
fuzz/fixtures/fuzz-only.private.jwk (the key the `open` target opens with)
and, for the hybrid seeds, fuzz/fixtures/fuzz-only-hybrid.private.jwk;
the other key encodings are written by Python `cryptography`, an independent
implementation. Seeds are small on purpose: libFuzzer mutates from them.

Usage: python3 fuzz/gen-corpus.py [path/to/slice-seal]   (default target/debug/slice-seal)
       python3 fuzz/gen-corpus.py [path/to/slice-seal] --hybrid-only   (the hybrid seeds alone)
"""
import base64
import json
import pathlib
import subprocess
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

FUZZ = pathlib.Path(__file__).resolve().parent
ROOT = FUZZ.parent
ARGS = [a for a in sys.argv[1:] if a != "--hybrid-only"]
CLI = pathlib.Path(ARGS[0] if ARGS else ROOT / "target/debug/slice-seal")
KEY = FUZZ / "fixtures/fuzz-only.private.jwk"
HYBRID_KEY = FUZZ / "fixtures/fuzz-only-hybrid.private.jwk"


def b64u_dec(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def cli(*args: str, stdin: bytes = b"") -> bytes:
    return subprocess.run([str(CLI), *args], input=stdin, check=True, capture_output=True).stdout


def write(target: str, name: str, data: bytes) -> None:
    d = FUZZ / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def main() -> None:
    pub_jwk_path = FUZZ / "target/gen-corpus.public.jwk"
    pub_jwk_path.parent.mkdir(parents=True, exist_ok=True)
    pub_jwk = cli("public", "--key", str(KEY))
    pub_jwk_path.write_bytes(pub_jwk)

    # (name, form, field, submission, plaintext)
    slices = [
        ("env-name", "fuzz-form", "full-name", None, b"Ada Lovelace"),
        ("env-name-sub1", "fuzz-form", "full-name", "sub-1", b"Ada Lovelace"),
        ("env-dob-sub2", "fuzz-form", "date-of-birth", "sub-2", b"1815-12-10"),
        ("env-empty", "other-form", "full-name", None, b""),
        ("env-unicode", "fuzz-form", "full-name", "sub-1", "Zo\u00eb \u00c6thelfl\u00e6d \u2603".encode()),
    ]
    for name, form, field, sub, pt in slices:
        args = ["seal", "--to", str(pub_jwk_path), "--form", form, "--field", field]
        if sub:
            args += ["--submission", sub]
        text = cli(*args, stdin=pt).strip()
        assert text.startswith(b"ss1."), text
        body = b64u_dec(text[4:].decode())
        write("envelope_parse", f"{name}.txt", text)
        write("envelope_parse", f"{name}.body", body)
        write("open", f"{name}.txt", text)
        info_len = int.from_bytes(body[38:40], "big")
        write("context_info", f"info-{name}.bin", body[40 : 40 + info_len])
    write("envelope_parse", "bad-version.txt", b"ss2.AAAA")
    write("envelope_parse", "bad-prefix.txt", b"xx1.AAAA")

    # Key encodings.
    jwk = json.loads(KEY.read_text())
    d = int.from_bytes(b64u_dec(jwk["d"]), "big")
    sk = ec.derive_private_key(d, ec.SECP256R1())
    pk = sk.public_key()
    Enc, Pub, Priv = serialization.Encoding, serialization.PublicFormat, serialization.PrivateFormat
    none = serialization.NoEncryption()
    write("key_import", "public.jwk", pub_jwk.strip())
    write("key_import", "private.jwk", KEY.read_bytes().strip())
    write("key_import", "public.jwks", cli("public", "--key", str(KEY), "--jwks").strip())
    write("key_import", "public.pem", pk.public_bytes(Enc.PEM, Pub.SubjectPublicKeyInfo))
    write("key_import", "public.spki.der", pk.public_bytes(Enc.DER, Pub.SubjectPublicKeyInfo))
    write("key_import", "public.sec1", pk.public_bytes(Enc.X962, Pub.UncompressedPoint))
    write("key_import", "public.sec1c", pk.public_bytes(Enc.X962, Pub.CompressedPoint))
    write("key_import", "private.pkcs8.pem", sk.private_bytes(Enc.PEM, Priv.PKCS8, none))
    write("key_import", "private.pkcs8.der", sk.private_bytes(Enc.DER, Priv.PKCS8, none))
    write("key_import", "private.sec1.pem", sk.private_bytes(Enc.PEM, Priv.TraditionalOpenSSL, none))
    write("key_import", "private.scalar", b64u_dec(jwk["d"]))

    # Structured contexts for the second half of context_info (arbitrary's
    # encoding: strings are length-prefixed from the end; any bytes will do).
    write("context_info", "ctx-ascii.bin", b"vetting-step-2\x00date-of-birth\x01s-1")

    # `seal` target: arbitrary's encoding of its Input enum (4-byte variant
    # selector first: 0 = RoundTrip, 0xffffffff = Agreement); any bytes will do.
    point = pk.public_bytes(Enc.X962, Pub.UncompressedPoint)
    write("seal", "roundtrip-ascii.bin", b"\x00\x00\x00\x00\x09fuzz-form\x09full-name\x01\x05sub-1\x01Ada Lovelace")
    write("seal", "roundtrip-empty.bin", b"\x00\x00\x00\x00\x01f\x01a\x00\x00")
    write("seal", "agreement-point.bin", b"\xff\xff\xff\xff" + point + bytes(range(32)) + b"\x09fuzz-form1990-04-01")
    write_file_seeds(pub_jwk_path)
    write_hybrid_seeds()
    pub_jwk_path.unlink()


def write_hybrid_seeds() -> None:
    """Hybrid seeds (docs/FORMAT.md §11), with the fuzzing-only hybrid key:
    a keyring and a public JWKS mixing both suites (`key_import`), an
    envelope (`open`) and sealed files (`file_open`)."""
    p_jwk, h_jwk = json.loads(KEY.read_text()), json.loads(HYBRID_KEY.read_text())
    ring = {"keys": [dict(p_jwk, created="2026-12-01T07:30:00Z"), dict(h_jwk, created="2026-12-01T08:00:00Z")]}
    write("key_import", "mixed-ring.jwks", json.dumps(ring, separators=(",", ":")).encode())
    public = json.loads(cli("public", "--key", str(KEY), "--jwks"))
    public["keys"].append(json.loads(cli("public", "--key", str(HYBRID_KEY))))
    write("key_import", "mixed-public.jwks", json.dumps(public, separators=(",", ":")).encode())
    pub_path = FUZZ / "target/gen-corpus.hybrid.public.jwk"
    pub_path.parent.mkdir(parents=True, exist_ok=True)
    pub_path.write_bytes(cli("public", "--key", str(HYBRID_KEY)))
    text = cli("seal", "--to", str(pub_path), "--form", "fuzz-form", "--field", "full-name",
               "--submission", "sub-1", stdin=b"Ada Lovelace").strip()
    write("open", "hybrid-name-sub1.txt", text)
    for name, pt in (("hybrid-one", b"x"), ("hybrid-two-chunks", bytes(range(256)) * 6)):
        args = ["seal-file", "--to", str(pub_path), "--form", "fuzz-form", "--field", "doc",
                "--chunk-size", "1024", "--size", str(len(pt))]
        write("file_open", f"{name}.ssf", cli(*args, stdin=pt))
    pub_path.unlink()


def write_file_seeds(pub_jwk_path: pathlib.Path) -> None:
    """`file_open` target: small sealed files (chunk size 1024) to the fuzz key."""
    files = [("empty", b"", []), ("one", b"x", ["--name", "a.txt", "--type", "text/plain"]),
             ("two-chunks", bytes(range(256)) * 6, ["--submission", "sub-1"]),
             ("three-chunks", b"\xa5" * 2100, ["--name", "scan.pdf"])]
    for name, pt, extra in files:
        args = ["seal-file", "--to", str(pub_jwk_path), "--form", "fuzz-form", "--field", "doc",
                "--chunk-size", "1024", "--size", str(len(pt)), *extra]
        write("file_open", f"{name}.ssf", cli(*args, stdin=pt))


if __name__ == "__main__":
    if "--hybrid-only" in sys.argv:
        write_hybrid_seeds()
    else:
        main()
