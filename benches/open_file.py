#!/usr/bin/env python3
"""Opening one large sealed file: `slice-seal open-file` vs Python `cryptography`, in one run.

Usage (from the repository root, after `cargo build --release`):

    python3 benches/open_file.py [--binary PATH] [--mib 1024] [--reps 5] [--dir /dev/shm]

Not a test: exits 1 only if an output differs from the sealed plaintext, 2 on
a bad set-up. Needs `cryptography` (>= 50) and free space for the file three
times (plaintext, sealed, output) in --dir (default /dev/shm: tmpfs, so the
disk is out of the measurement).

Set-up: a key from `slice-seal keygen`; --mib MiB of random bytes sealed by
`slice-seal seal-file` (64 KiB chunks). Then --reps interleaved repetitions of:
  - cli_out: `slice-seal open-file --key K S -o OUT` (temporary file, fsync,
    rename, as in production);
  - ref_out: `python3 docs/examples/open_file.py K S OUT` (the cryptography-
    only reference opener: `AESGCM.decrypt` per chunk, temporary file, rename);
  - cli_null: `slice-seal open-file --key K S > /dev/null`;
  - pkg_null: the slice_seal package's `open_file_stream` into /dev/null.
Each is a whole process (start-up, key loading, header) timed by wall clock;
CPU time (user + sys) is reported too. Prints medians in MiB/s and one JSON
line (key "summary").
"""

import argparse
import hashlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE = os.path.join(ROOT, "docs", "examples", "open_file.py")
PKG = (
    "import sys, slice_seal\n"
    "ring = slice_seal.Keyring.load(sys.argv[1])\n"
    "with open(sys.argv[2], 'rb') as src, open(os.devnull, 'wb') as dst:\n"
    "    slice_seal.open_file_stream(src, dst, ring)\n"
)


def timed(cmd: list, stdout=subprocess.DEVNULL, env=None) -> tuple:
    """Wall and CPU seconds of one child process (which must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdout=stdout, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit(f"open_file bench: {cmd[:3]} failed: {r.stderr.decode(errors='replace')}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser()
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
    ap.add_argument("--binary", default=os.path.join(target, "release", "slice-seal"))
    ap.add_argument("--mib", type=int, default=1024)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--dir", default="/dev/shm" if os.path.isdir("/dev/shm") else None)
    a = ap.parse_args()
    if not os.path.isfile(a.binary):
        sys.exit(2)
    load_before = os.getloadavg()[0]
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python", "src"))
    with tempfile.TemporaryDirectory(prefix="slice-seal-bench-", dir=a.dir) as tmp:
        key, pub = os.path.join(tmp, "k.jwk"), os.path.join(tmp, "pub.jwk")
        plain, sealed, out = (os.path.join(tmp, n) for n in ("in.bin", "s.ssf", "out.bin"))
        with open(pub, "wb") as f:
            subprocess.run([a.binary, "keygen", "--out", key], stdout=f, check=True)
        want = hashlib.sha256()
        with open(plain, "wb") as f:
            for _ in range(a.mib):
                block = os.urandom(1 << 20)
                want.update(block)
                f.write(block)
        subprocess.run([a.binary, "seal-file", "--to", pub, "--form", "bench", "--field", "doc",
                        plain, "-o", sealed], check=True)
        os.remove(plain)
        runs = {
            "cli_out": lambda: timed([a.binary, "open-file", "--key", key, sealed, "-o", out]),
            "ref_out": lambda: timed([sys.executable, REFERENCE, key, sealed, out]),
            "cli_null": lambda: timed([a.binary, "open-file", "--key", key, sealed]),
            "pkg_null": lambda: timed([sys.executable, "-c", "import os\n" + PKG, key, sealed], env=env),
        }
        results = {name: [] for name in runs}
        for _ in range(a.reps):
            for name, run in runs.items():
                results[name].append(run())
                if name.endswith("_out"):
                    if sha256_file(out) != want.hexdigest():
                        print(f"open_file bench: {name} output differs", file=sys.stderr)
                        sys.exit(1)
                    os.remove(out)
    mib = a.mib
    summary = {"mib": mib, "reps": a.reps, "load_before": load_before,
               "machine": f"{platform.machine()} {os.cpu_count()} CPUs", "python": platform.python_version()}
    print(f"{'run':10} {'MiB/s (median wall)':>20} {'wall s':>8} {'cpu s':>8}")
    for name, rs in results.items():
        wall = statistics.median(w for w, _ in rs)
        cpu = statistics.median(c for _, c in rs)
        summary[name] = {"mib_s": round(mib / wall, 1), "wall_s": round(wall, 3), "cpu_s": round(cpu, 3)}
        print(f"{name:10} {mib / wall:20.1f} {wall:8.3f} {cpu:8.3f}")
    summary["load_after"] = os.getloadavg()[0]
    print(json.dumps({"summary": summary}))


if __name__ == "__main__":
    main()
