"""Every case of tests/bad-inputs.json that applies to opening (key loading,
parsing, checking, decrypting) gives the code the Rust side gives: for the
wasm API's cases the catalogue's code; for the CLI's cases the code the
`slice-seal` binary built from this tree prints for the same files, arguments
and stdin (cli/tests/bad_inputs_cli.rs checks those against the catalogue)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, read_json, run

import slice_seal
from slice_seal import SliceSealError

# Codes that refine one of the catalogue's: the package reports a public key
# where a private one is needed as NOT_PRIVATE_KEY, a subclass of InvalidKey.
REFINES = {"NOT_PRIVATE_KEY": "INVALID_KEY"}

# Cases of the opening surfaces that have no Python counterpart, and why.
NOT_APPLICABLE = {
    "cli-public-missing-file": "an unreadable file raises OSError, as Python's own I/O does",
    "cli-public-jwks-several": "`public` needs one key; a Keyring holds several by design",
    "cli-open-form-without-field": "clap usage error",
    "cli-seal-to-missing": "an unreadable file raises OSError",
    "cli-seal-missing-to": "clap usage error",
    "cli-public-kid-mismatch": "pinning one key file with --kid is a CLI option (the package's"
    " one-key check is open(envelope, private_key): js-open-wrong-key)",
}

OPENING_JS_CALLS = ("open", "openText", "inspect")


@functools.cache
def cases() -> list[dict[str, Any]]:
    data = read_json(ROOT / "tests" / "bad-inputs.json")
    return [
        c
        for c in data["cases"]
        if (c["surface"] == "js" and c["input"]["call"] in OPENING_JS_CALLS)
        or (c["surface"] == "cli" and c["input"]["args"][0] in ("open", "public", "seal"))
    ]


def value(v: Any) -> bytes:
    """A catalogue file or stdin: a string, {"$bytes": hex} or {"$repeat": s, "count": n}."""
    if isinstance(v, str):
        return v.encode("utf-8")
    if "$bytes" in v:
        return bytes.fromhex(v["$bytes"])
    return bytes(v["$repeat"].encode("utf-8") * v["count"])


def option(args: list[str], name: str) -> str | None:
    return args[args.index(name) + 1] if name in args else None


def required(args: list[str], name: str) -> str:
    v = option(args, name)
    assert v is not None, f"{name} missing in {args}"
    return v


def expected_context(args: list[str]) -> dict[str, str] | None:
    if option(args, "--form") is None:
        return None
    ctx = {"form": required(args, "--form"), "field": required(args, "--field")}
    if option(args, "--submission") is not None:
        ctx["submission"] = required(args, "--submission")
    return ctx


def run_js(call: str, args: list[Any]) -> None:
    if call == "inspect":
        slice_seal.inspect(args[0])
        return
    # The wasm open takes one key: the package's open with one private key.
    ring = slice_seal.Keyring.from_jwk(args[0])
    opener = slice_seal.open if call == "open" else slice_seal.open_text
    opener(args[1], ring.private_key(ring.kids[0]), *args[2:])


def run_cli(case: dict[str, Any], tmp: Path) -> None:
    """Run the case's CLI command through the package: `public` loads the key
    (and picks --kid), `seal` seals stdin, `open` opens the line the code
    names ("line N: CODE") or, for a fatal code, every line."""
    inp = case["input"]
    write_files(case, tmp)
    args: list[str] = inp["args"]
    stdin = value(inp.get("stdin", ""))
    command = args[0]
    # Options this adapter maps onto the package; a case with another one
    # must be taught here (or listed in NOT_APPLICABLE), not silently misread.
    known = {"public": {"--key", "--kid", "--jwks", "--pem"},
             "seal": {"--to", "--kid", "--form", "--field", "--submission"},
             "open": {"--key", "--form", "--field", "--submission", "--json"}}[command]
    unknown = [a for a in args if a.startswith("--") and a not in known]
    assert not unknown, f"{case['id']}: the adapter does not handle {unknown}"
    if command == "public":
        ring = slice_seal.Keyring.load(tmp / required(args, "--key"))
        kid = option(args, "--kid")
        if kid is not None:
            ring.private_key(kid)
        return
    if command == "seal":
        public = (tmp / required(args, "--to")).read_bytes()
        context = expected_context(args)
        assert context is not None
        slice_seal.seal(stdin, public, context, kid=option(args, "--kid"))
        return
    ring = slice_seal.Keyring.load(tmp / required(args, "--key"))
    code: str = case["code"]
    lines = stdin.split(b"\n")
    number = int(code.split(":")[0].split()[1]) if code.startswith("line ") else None
    targets = [lines[number - 1]] if number else [x for x in lines if x.strip()]
    for line in targets:
        slice_seal.open(line.strip(), ring, expected_context(args))


def write_files(case: dict[str, Any], tmp: Path) -> None:
    for name, content in case["input"].get("files", {}).items():
        (tmp / name).write_bytes(value(content))
        (tmp / name).chmod(0o600)


def cli_code(cli: Path, case: dict[str, Any], tmp: Path) -> str:
    """The code the CLI prints for the case: its fatal `slice-seal: CODE:`
    line, or for a "line N: ..." case its `line N: CODE:` line."""
    out = run(cli, case["input"]["args"], tmp, value(case["input"].get("stdin", "")), ok=False)
    lines = [x for x in out.stderr.decode().splitlines() if not x.startswith("slice-seal: warning:")]
    want: str = case["code"]
    if want.startswith("line "):
        head = want.split(": ")[0] + ": "
        found = [x[len(head) :].split(":")[0] for x in lines if x.startswith(head)]
    else:
        found = [x.split(": ")[1] for x in lines if x.startswith("slice-seal: ")]
    assert len(found) == 1, f"{case['id']}: no code in CLI stderr {out.stderr!r}"
    return found[0]


def test_catalogue_has_opening_cases() -> None:
    ids = [c["id"] for c in cases()]
    assert len(ids) >= 40, len(ids)
    assert set(NOT_APPLICABLE) <= set(ids), "NOT_APPLICABLE names a case that is gone"


def test_jwks_of_several_keys_is_a_keyring(tmp_path: Path) -> None:
    """The file `public` refuses without --kid is a fine two-key Keyring."""
    (case,) = [c for c in cases() if c["id"] == "cli-public-jwks-several"]
    (tmp_path / "k.jwks").write_bytes(value(case["input"]["files"]["k.jwks"]))
    assert len(slice_seal.Keyring.load(tmp_path / "k.jwks")) == 2


@pytest.mark.parametrize(
    "case", [c for c in cases() if c["id"] not in NOT_APPLICABLE], ids=lambda c: c["id"]
)
def test_bad_input(case: dict[str, Any], tmp_path: Path, cli: Path) -> None:
    if case["surface"] == "js":
        want = case["code"]
    else:
        (tmp_path / "cli").mkdir()
        write_files(case, tmp_path / "cli")
        want = cli_code(cli, case, tmp_path / "cli")
    with pytest.raises(SliceSealError) as info:
        if case["surface"] == "js":
            run_js(case["input"]["call"], case["input"]["args"])
        else:
            run_cli(case, tmp_path)
    got = info.value.code
    assert got == want or REFINES.get(got) == want, f"{case['id']}: {got} ({info.value}), expected {want}"
    # Messages never carry key material.
    for secret in _secrets(case):
        assert secret not in str(info.value)


def _secrets(case: dict[str, Any]) -> list[str]:
    """The "d" members of every JWK in the case's input."""
    out: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            if isinstance(v.get("d"), str) and len(v["d"]) > 8:
                out.append(v["d"])
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, str) and '"d"' in v:
            try:
                walk(json.loads(v))
            except ValueError:
                pass

    walk(case["input"])
    return out
