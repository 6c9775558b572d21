#!/usr/bin/env python3
"""Opening a batch of slices: Python `cryptography` HPKE vs `slice-seal open`, in one run.

Usage (from the repository root, after `cargo build --release`):

    python3 tests/python/bench_open.py [--binary PATH] [--count N] [--reps R] [--sizes 1024,50]

(default binary: $CARGO_TARGET_DIR or target/, then release/slice-seal).

Not a test: nothing here is pass/fail except correctness. Exits 1 if any
plaintext (Python's or the CLI's) differs from what was sealed, 2 on a bad
set-up; otherwise 0 whatever the rates. Takes about 30 s on an idle 2-core
machine with the defaults (N = 4000, R = 5, two sizes).

Set-up: a key from `slice-seal keygen`; for each plaintext size, N envelopes
sealed to it with Python `cryptography` (tests/python/interop.py), each with a
distinct plaintext (its index, then filler), so a reordered or wrong output
is caught.

Then R interleaved repetitions, for each size in turn:
  - python_decrypt: `Suite(P256, HKDF_SHA256, AES_256_GCM).decrypt(enc||ct,
    key, info)` over the N envelopes, one thread, key loaded once, envelopes
    split beforehand: the loop alone (the rate to beat);
  - python_open: the same with each envelope parsed and checked in the loop
    (prefix, base64url, suite, kid, info = expected context), as the CLI does;
  - cli_empty: `slice-seal open` on an empty batch (process start, argument
    parsing and key loading);
  - cli: `slice-seal open --key K --form F --field D --submission S` with the
    N envelopes on stdin and stdout read back (wall clock of the whole
    process), and the same less the median of cli_empty ("excl. start-up").
CPU time per envelope (user + sys) is also reported: it is less sensitive to
other load than wall clock, but ignores that the CLI uses every core.

Prints a table of medians and one JSON line (key "summary").
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop  # noqa: E402  (exits with the set-up hint if cryptography is missing)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONTEXT = {"form": "vetting-step-2", "field": "notes", "submission": "bench"}


def default_binary() -> str:
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
    return os.path.join(target, "release", "slice-seal")


def plaintexts(count: int, size: int) -> list:
    """Distinct printable plaintexts of `size` bytes (no newline)."""
    filler = bytes(0x21 + (i % 94) for i in range(size))
    out = []
    for i in range(count):
        head = b"%08d" % i
        out.append((head + filler)[:size] if size >= len(head) else head[-size:])
    return out


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_cli(binary, key_path, env_path):
    """(wall seconds, CPU seconds, stdout bytes) of one `slice-seal open`."""
    args = [binary, "open", "--key", key_path, "--form", CONTEXT["form"], "--field",
            CONTEXT["field"], "--submission", CONTEXT["submission"]]
    with open(env_path, "rb") as stdin:
        c0 = children_cpu()
        t0 = time.perf_counter()
        proc = subprocess.run(args, stdin=stdin, capture_output=True)
        wall = time.perf_counter() - t0
        cpu = children_cpu() - c0
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.decode(errors="replace"))
        raise SystemExit(f"slice-seal open exited with {proc.returncode}")
    return wall, cpu, proc.stdout


def python_decrypt(key, split, want):
    t0 = time.perf_counter()
    c0 = time.process_time()
    got = [interop.SUITE.decrypt(enc_ct, key, info) for enc_ct, info in split]
    cpu = time.process_time() - c0
    wall = time.perf_counter() - t0
    if got != want:
        raise SystemExit("python decrypt: a plaintext differs from the one sealed")
    return wall, cpu


def python_open(key, envelopes, want):
    t0 = time.perf_counter()
    c0 = time.process_time()
    got = [interop.open_one(key, e, CONTEXT) for e in envelopes]
    cpu = time.process_time() - c0
    wall = time.perf_counter() - t0
    if got != want:
        raise SystemExit("python open: a plaintext differs from the one sealed")
    return wall, cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=default_binary())
    ap.add_argument("--count", type=int, default=4000, help="envelopes per size (default 4000)")
    ap.add_argument("--reps", type=int, default=5, help="interleaved repetitions (default 5)")
    ap.add_argument("--sizes", default="1024,50", help="plaintext sizes in bytes (default 1024,50)")
    a = ap.parse_args()
    if not os.access(a.binary, os.X_OK):
        print(f"no executable {a.binary}: run `cargo build --release` first", file=sys.stderr)
        return 2
    sizes = [int(s) for s in a.sizes.split(",")]
    load_before = os.getloadavg()

    with tempfile.TemporaryDirectory(prefix="slice-seal-bench-") as d:
        key_path = os.path.join(d, "private.jwk")
        pub_jwk = json.loads(subprocess.run(
            [a.binary, "keygen", "--out", key_path], check=True, capture_output=True
        ).stdout)
        pub = interop.public_from_jwk(pub_jwk)
        kid = interop.kid_of(pub)
        info = interop.build_info(CONTEXT)
        key = interop.private_from_jwk(interop.read_json(key_path))
        empty_path = os.path.join(d, "empty.txt")
        open(empty_path, "wb").close()

        cases = []
        for size in sizes:
            want = plaintexts(a.count, size)
            envelopes, split = [], []
            for pt in want:
                sealed = interop.SUITE.encrypt(pt, pub, info)
                enc, ct = sealed[: interop.ENC_LEN], sealed[interop.ENC_LEN:]
                envelopes.append(interop.assemble_envelope(kid, info, enc, ct))
                split.append((sealed, info))
            path = os.path.join(d, f"envelopes-{size}.txt")
            with open(path, "w") as f:
                f.write("\n".join(envelopes) + "\n")
            cases.append({
                "size": size, "want": want, "envelopes": envelopes, "split": split,
                "path": path, "expected_out": b"".join(p + b"\n" for p in want),
                "t": {k: [] for k in ("py_dec", "py_dec_cpu", "py_open", "py_open_cpu",
                                      "cli", "cli_cpu", "cli_empty")},
            })

        for rep in range(a.reps):
            # Alternate which side goes first, so neither always meets the
            # same moment of someone else's load.
            for c in cases:
                t = c["t"]
                steps = ["py", "cli"] if rep % 2 == 0 else ["cli", "py"]
                for step in steps:
                    if step == "py":
                        w, cpu = python_decrypt(key, c["split"], c["want"])
                        t["py_dec"].append(w)
                        t["py_dec_cpu"].append(cpu)
                        w, cpu = python_open(key, c["envelopes"], c["want"])
                        t["py_open"].append(w)
                        t["py_open_cpu"].append(cpu)
                    else:
                        w, _, out = run_cli(a.binary, key_path, empty_path)
                        if out:
                            raise SystemExit("slice-seal open: output for an empty batch")
                        t["cli_empty"].append(w)
                        w, cpu, out = run_cli(a.binary, key_path, c["path"])
                        if out != c["expected_out"]:
                            raise SystemExit("slice-seal open: output differs from the plaintexts")
                        t["cli"].append(w)
                        t["cli_cpu"].append(cpu)

    import cryptography

    n = a.count
    results = []
    print(f"{n} envelopes per size, {a.reps} interleaved repetitions, medians; "
          f"{os.cpu_count()} CPUs; load average before {load_before[0]:.2f}, "
          f"after {os.getloadavg()[0]:.2f}; cryptography {cryptography.__version__}")
    print(f"{'plaintext':>9} {'py decrypt/s':>12} {'py open/s':>10} {'CLI/s':>8} "
          f"{'CLI excl. start/s':>17} {'start ms':>8} {'CLI/py':>6} "
          f"{'py CPU µs':>9} {'CLI CPU µs':>10}")
    for c in cases:
        m = {k: statistics.median(v) for k, v in c["t"].items()}
        py = n / m["py_dec"]
        cli = n / m["cli"]
        net = m["cli"] - m["cli_empty"]
        cli_net = n / net if net > 0 else float("inf")
        row = {
            "plaintext_bytes": c["size"],
            "python_decrypt_per_s": round(py),
            "python_open_per_s": round(n / m["py_open"]),
            "cli_per_s": round(cli),
            "cli_excl_startup_per_s": round(cli_net),
            "cli_startup_ms": round(m["cli_empty"] * 1e3, 1),
            "ratio_cli_to_python_decrypt": round(cli / py, 3),
            "python_decrypt_cpu_us": round(m["py_dec_cpu"] / n * 1e6, 1),
            "cli_cpu_us": round(m["cli_cpu"] / n * 1e6, 1),
            "cli_runs_per_s": [round(n / x) for x in c["t"]["cli"]],
            "python_decrypt_runs_per_s": [round(n / x) for x in c["t"]["py_dec"]],
        }
        results.append(row)
        print(f"{c['size']:>9} {py:>12.0f} {row['python_open_per_s']:>10} {cli:>8.0f} "
              f"{cli_net:>17.0f} {row['cli_startup_ms']:>8} {cli / py:>6.2f} "
              f"{row['python_decrypt_cpu_us']:>9} {row['cli_cpu_us']:>10}")
    print(json.dumps({"summary": {
        "envelopes": n, "reps": a.reps, "cpus": os.cpu_count(),
        "loadavg_before": round(load_before[0], 2),
        "loadavg_after": round(os.getloadavg()[0], 2),
        "python_cryptography": cryptography.__version__, "sizes": results,
    }}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
