#!/usr/bin/env python3
"""Compare opening 1,000 1-KiB slices: Python `cryptography` HPKE vs `slice-seal open`.

Usage: python3 tests/python/bench_open.py [PATH/TO/slice-seal] [COUNT]
(default binary: target/release/slice-seal; build it with `cargo build --release`).

Seals COUNT (default 1000) 1-KiB slices with the CLI into a temp dir, then
  - Python: parse each envelope (interop.py) and HPKE-decrypt it, one thread,
    key loaded once (wall time of the loop);
  - CLI: `slice-seal open --key ... < envelopes` (wall time of the process,
    including start-up and key import; best of 3).
Prints one JSON line with both rates.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop  # noqa: E402  (exits with the setup hint if cryptography is missing)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main() -> int:
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/slice-seal")
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    if not os.access(binary, os.X_OK):
        print(f"no executable {binary}: run `cargo build --release` first", file=sys.stderr)
        return 2
    ctx = {"form": "vetting-step-2", "field": "notes", "submission": "bench"}
    plaintext = bytes(i % 251 for i in range(1024))
    with tempfile.TemporaryDirectory(prefix="slice-seal-bench-") as d:
        key_path = os.path.join(d, "private.jwk")
        pub = subprocess.run(
            [binary, "keygen", "--out", key_path], check=True, capture_output=True
        ).stdout
        pub_path = os.path.join(d, "public.jwk")
        with open(pub_path, "wb") as f:
            f.write(pub)
        # Seal once, then repeat: opening cost does not depend on which
        # envelope it is, and sealing 1,000 via 1,000 processes is slow.
        distinct = []
        for i in range(50):
            out = subprocess.run(
                [binary, "seal", "--to", pub_path, "--form", ctx["form"], "--field", ctx["field"],
                 "--submission", ctx["submission"]],
                input=plaintext, check=True, capture_output=True,
            ).stdout
            distinct.append(out.decode().strip())
        envelopes = [distinct[i % len(distinct)] for i in range(count)]
        env_path = os.path.join(d, "envelopes.txt")
        with open(env_path, "w") as f:
            f.write("\n".join(envelopes) + "\n")

        key = interop.private_from_jwk(interop.read_json(key_path))
        t0 = time.perf_counter()
        for e in envelopes:
            if interop.open_one(key, e, ctx) != plaintext:
                raise SystemExit("python: wrong plaintext")
        py_s = time.perf_counter() - t0

        best = None
        for _ in range(3):
            with open(env_path, "rb") as stdin:
                t0 = time.perf_counter()
                out = subprocess.run(
                    [binary, "open", "--key", key_path, "--form", ctx["form"], "--field",
                     ctx["field"]],
                    stdin=stdin, check=True, capture_output=True,
                ).stdout
                dt = time.perf_counter() - t0
            if out != (plaintext + b"\n") * count:
                raise SystemExit("slice-seal open: wrong output")
            best = dt if best is None else min(best, dt)

    import cryptography

    print(json.dumps({
        "envelopes": count,
        "plaintext_bytes": len(plaintext),
        "python_cryptography": cryptography.__version__,
        "python_seconds": round(py_s, 4),
        "python_per_second": round(count / py_s),
        "cli_seconds": round(best, 4),
        "cli_per_second": round(count / best),
        "cpus": os.cpu_count(),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
