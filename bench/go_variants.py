"""The Go models side by side: which invariant each variant breaks, and what BMC finds at larger sizes.

    python bench/go_variants.py [SPEC ...] [--out FILE] [--limit S] [--set NAME=VALUE ...]
                                [--no-bmc] [--bmc-limit S] [--bmc-set NAME=VALUE ...]

For each spec in specs/go/ (or each SPEC named, e.g. `alloc_white`):
- explicit: go_gc.gcv's invariants (not only those the spec lists) under the constants the
  spec's own file sets (then any --set, to check at larger sizes), every interleaving: `✓` holds,
  `✗N` violated with a shortest counterexample of N steps, `?` the --limit stopped it;
- BMC: the spec's own invariants at the sizes given by --bmc-set (default OBJECTS=3, SPANS=3,
  MUTATORS=2), to two steps past the explicit engine's deepest counterexample (at least 12).
Every run is a `gcverify` command in a subprocess (so a limit stops it cleanly) with `--json`.
Long: this belongs in bench/, not in the tests.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from runner import ROOT, gcverify  # bench/runner.py (the script's own folder is on sys.path)

GO = ROOT / "specs" / "go"
INVARIANTS = re.findall(r"^invariant (\w+)", (GO / "go_gc.gcv").read_text(encoding="utf-8"), flags=re.M)
SHORT = {name: f"{i + 1}" for i, name in enumerate(INVARIANTS)}


def constants(path: Path) -> list[str]:
    """`--set` arguments for the constants a spec's own file sets."""
    found = re.findall(r"^const\s+(\w+)\s*=\s*(\w+)", path.read_text(encoding="utf-8"), flags=re.M)
    return [a for name, value in found for a in ("--set", f"{name}={value}")]


def cell(r: dict[str, Any]) -> str:
    return {"holds": "✓", "violated": f"✗{r['depth']}"}.get(r["verdict"], "?")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("specs", nargs="*", help="spec names (default: every spec in specs/go/)")
    ap.add_argument("--out", type=Path, help="write the Markdown table here (default: stdout only)")
    ap.add_argument("--limit", type=float, default=600.0, help="seconds per explicit run")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="explicit runs at larger sizes")
    ap.add_argument("--no-bmc", action="store_true", help="only the explicit columns")
    ap.add_argument("--bmc-limit", type=float, default=900.0, help="seconds per BMC run")
    ap.add_argument("--bmc-set", action="append", default=None, metavar="NAME=VALUE")
    args = ap.parse_args()
    bmc_set = args.bmc_set or ["OBJECTS=3", "SPANS=3", "MUTATORS=2"]
    at = f" at {', '.join(args.set)}" if args.set else ""
    lines = [
        f"| spec | explicit{at}: " + " ".join(f"{SHORT[n]}" for n in INVARIANTS) + " | states | s "
        f"| BMC at {', '.join(bmc_set)} | s |",
        "|---|---|---|---|---|---|",
    ]
    for path in sorted(GO.glob("*.gcv")):
        if args.specs and path.stem not in args.specs:
            continue
        own = constants(path) + [a for s in args.set for a in ("--set", s)]
        doc, seconds, _, _ = gcverify(["check", "specs/go/go_gc.gcv", *own], args.limit)
        if doc is None:
            row, states, deepest = "limit", "–", 10
        else:
            results = doc["specs"][0]["results"]
            row = " ".join(cell(r) for r in results if r["property"] in SHORT)
            states = f"{doc['specs'][0]['states']:,}"
            deepest = max((r["depth"] for r in results if r["verdict"] == "violated"), default=10)
        depth = max(12, deepest + 2)
        sizes = [a for s in bmc_set for a in ("--set", s)]
        bdoc, bseconds = None, 0.0
        if not args.no_bmc:
            bdoc, bseconds, _, _ = gcverify(
                ["prove", str(path.relative_to(ROOT)), "--bmc", str(depth), *sizes], args.bmc_limit
            )
        if args.no_bmc:
            bmc = "not run"
        elif bdoc is None:
            bmc = f"limit ({args.bmc_limit:.0f} s)"
        else:
            rs = bdoc["specs"][0]["results"]
            found = [f"{r['property']} ✗{r['depth']}" for r in rs if r["verdict"] == "violated"]
            bmc = ", ".join(found) or f"none ≤ {depth}"
        bmc_seconds = "–" if args.no_bmc else f"{bseconds:.0f}"
        line = f"| {path.stem} | {row} | {states} | {seconds:.0f} | {bmc} | {bmc_seconds} |"
        print(line, flush=True)
        lines.append(line)
    legend = "Invariants: " + ", ".join(f"{SHORT[n]} {n}" for n in INVARIANTS) + "."
    text = "\n".join([*lines, "", legend]) + "\n"
    print()
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
