"""Cold against warm: what compiling the native models costs a check, and what the search costs.

    python bench/compile_time.py [--out FILE] [--runs N] [--skip-all]

Each row is a `gcverify check` command in a subprocess with `--json`, run with an empty native
cache (cold: every model is generated as C and compiled) and then again with the cache it filled
(warm: no C at all).  Columns: the command's wall-clock seconds; the seconds its JSON document
gives to compiling (the sum of `compile_seconds`) and to searching (the sum of the specs'
`seconds`).  The search rows run warm `--runs` times and keep the fastest.  The cache is a
temporary folder ($GCVERIFY_CACHE_DIR), so the user's own cache is neither used nor touched.
`load` is the machine's one-minute load average after the row: other work on the machine slows
every figure, and the two compilers of a large model only overlap where a core is free.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import tempfile
from typing import Any

from runner import gcverify  # bench/runner.py (the script's own folder is on sys.path)

LIMIT = 1800.0  # seconds per command

CHECKS = [
    ("every Go spec", ["check", "specs/go"]),
    ("go_gc_two_ps", ["check", "specs/go/go_gc_two_ps.gcv"]),
]
SEARCHES = [
    ("go_gc_two_ps", ["check", "specs/go/go_gc_two_ps.gcv"]),
    ("dijkstra_rescan 4 × 1", ["check", "specs/barriers/dijkstra_rescan.gcv", "--set", "OBJECTS=4"]),
]


def run(args: list[str]) -> tuple[float, float, float]:
    """(wall, compile, search) seconds of one command."""
    doc, wall, code, err = gcverify(args, LIMIT)
    if doc is None:
        raise SystemExit(f"gcverify {' '.join(args)} gave no JSON (exit code {code}): {err}")
    specs: list[dict[str, Any]] = doc["specs"]
    compiled = sum(s.get("search", {}).get("compile_seconds", 0.0) for s in specs)
    return wall, compiled, sum(s["seconds"] for s in specs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", help="write the Markdown tables here (default: stdout only)")
    ap.add_argument("--runs", type=int, default=3, help="warm runs of each search row (the fastest is kept)")
    ap.add_argument("--skip-all", action="store_true", help="leave out the row of every Go spec (minutes cold)")
    args = ap.parse_args()
    cc = subprocess.run(["cc", "--version"], capture_output=True, text=True, check=False).stdout.splitlines()
    lines = [
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {cc[0] if cc else 'no cc'}.",
        "",
        "| command | cold: wall s | compile s | search s | warm: wall s | search s | load |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, cmd in CHECKS:
        if args.skip_all and cmd == ["check", "specs/go"]:
            continue
        with tempfile.TemporaryDirectory(prefix="gcverify-cache-") as cache:
            os.environ["GCVERIFY_CACHE_DIR"] = cache
            cold = run(cmd)
            warm = run(cmd)
        lines.append(
            f"| `gcverify {' '.join(cmd)}` ({label}) | {cold[0]:.1f} | {cold[1]:.1f} | {cold[2]:.1f} "
            f"| {warm[0]:.1f} | {warm[2]:.1f} | {os.getloadavg()[0]:.1f} |"
        )
        print(lines[-1], flush=True)
    lines += ["", f"| search (warm, fastest of {args.runs}) | search s | wall s | load |", "|---|---|---|---|"]
    for label, cmd in SEARCHES:
        with tempfile.TemporaryDirectory(prefix="gcverify-cache-") as cache:
            os.environ["GCVERIFY_CACHE_DIR"] = cache
            run(cmd)  # fills the cache
            best = min((run(cmd) for _ in range(args.runs)), key=lambda r: r[2])
        lines.append(
            f"| `gcverify {' '.join(cmd)}` ({label}) | {best[2]:.2f} | {best[0]:.2f} | {os.getloadavg()[0]:.1f} |"
        )
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        print()
        print(text, end="")


if __name__ == "__main__":
    main()
