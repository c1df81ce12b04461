"""Every engine on every zoo spec, side by side: one Markdown table.

    python bench/zoo_table.py [--out FILE] [--sizes 3,5,8] [--bmc-sizes 3,8] [--limit S] [--explicit-limit S]

For each spec in specs/barriers/: the explicit explorer (states, seconds, verdicts) at each size,
BMC (depth of each counterexample found, seconds) to the explorer's deepest counterexample, k = 1
induction of the spec's `inductive` candidates at each size, induction for every size, and the
write-barrier lemma.  Every figure comes from the `gcverify` command line with `--json` (run in a
subprocess, so a limit stops it cleanly); `limit` means the run was stopped after --limit seconds.
Long: this belongs in bench/, not in the tests.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from runner import ROOT, gcverify  # bench/runner.py (the script's own folder is on sys.path)

ZOO = ROOT / "specs" / "barriers"


def results(doc: dict[str, Any] | None) -> list[dict[str, Any]]:
    return doc["specs"][0]["results"] if doc and doc["specs"] else []


def explicit(name: str, size: int, limit: float) -> tuple[str, int]:
    doc, seconds, code, _ = gcverify(["check", f"specs/barriers/{name}.gcv", "--set", f"OBJECTS={size}"], limit)
    if doc is None or code is None:
        return f"limit ({limit:.0f} s)", 0
    spec = doc["specs"][0]
    parts = []
    deepest = 0
    for r in spec["results"]:
        if r["verdict"] == "violated":
            parts.append(f"{r['property']} ✗{r['depth']}")
            deepest = max(deepest, r["depth"])
        elif r["verdict"] == "unknown":
            parts.append(f"{r['property']} ? (limit)")
    verdicts = ", ".join(parts) or "all hold"
    state = f"{spec['states']:,} states"  # (a property left unknown by a limit shows as '?')
    return f"{state}, {seconds:.1f} s; {verdicts}", deepest


def bmc(name: str, size: int, depth: int, limit: float) -> str:
    doc, seconds, _, _ = gcverify(
        ["prove", f"specs/barriers/{name}.gcv", "--bmc", str(depth), "--set", f"OBJECTS={size}"], limit
    )
    if doc is None:
        return f"limit ({limit:.0f} s)"
    found = [f"{r['property']} ✗{r['depth']}" for r in results(doc) if r["verdict"] == "violated"]
    return f"{', '.join(found) or f'none ≤ {depth}'}; {seconds:.1f} s"


def induction(name: str, size: int | None, limit: float) -> str:
    args = ["prove", f"specs/barriers/{name}.gcv", "--induction"]
    args += ["--set", f"OBJECTS={size}"] if size is not None else ["--all-sizes"]
    doc, seconds, code, err = gcverify(args, limit)
    if doc is None and code is None:
        return f"limit ({limit:.0f} s)"
    if code == 120:
        return "refused: " + err.split("error[", 1)[-1].split("]")[0] if "error[" in err else "refused"
    cands = [r for r in results(doc) if r["engine"] == "induction" and r["evidence"]["kind"] != "solver-unknown"]
    told = ", ".join(f"{r['property']}: {r['evidence']['kind']}" for r in cands[:2]) or "no candidate"
    return f"{told}; {seconds:.1f} s"


def lemma(name: str, limit: float) -> str:
    doc, seconds, code, err = gcverify(["prove", f"specs/barriers/{name}.gcv", "--lemma"], limit)
    if doc is None:
        return f"limit ({limit:.0f} s)" if code is None else err
    (r,) = results(doc)
    return f"{r['evidence']['text'].split(':')[0]} ({r['evidence']['kind']}); {seconds:.1f} s"


def has_inductive(name: str) -> bool:
    return "\ninductive " in (ZOO / f"{name}.gcv").read_text(encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path)
    ap.add_argument("--sizes", default="3,5,8")
    ap.add_argument("--bmc-sizes", default="3,8")
    ap.add_argument("--limit", type=float, default=300.0, help="seconds per symbolic run")
    ap.add_argument("--explicit-limit", type=float, default=60.0, help="seconds per explicit run")
    ap.add_argument("specs", nargs="*")
    a = ap.parse_args()
    sizes = [int(x) for x in a.sizes.split(",")]
    bmc_sizes = [int(x) for x in a.bmc_sizes.split(",")]
    names = a.specs or sorted(p.stem for p in ZOO.glob("*.gcv"))
    lines = [
        "| spec | OBJECTS | explicit | BMC | 1-induction |",
        "|---|---|---|---|---|",
    ]
    extra = ["", "| spec | induction, every size | lemma (store keeps strong_tricolor) |", "|---|---|---|"]
    for name in names:
        depth = 0
        for size in sizes:
            text, deepest = explicit(name, size, a.explicit_limit)
            depth = max(depth, deepest)
            # BMC at the larger sizes only where there is a counterexample to find again
            wanted = size in bmc_sizes and (size == sizes[0] or depth > 0)
            b = bmc(name, size, depth or 12, a.limit) if wanted else "–"
            ind = induction(name, size, a.limit) if has_inductive(name) else "–"
            lines.append(f"| {name} | {size} | {text} | {b} | {ind} |")
            print(lines[-1], flush=True)
        every = induction(name, None, a.limit) if has_inductive(name) else "–"
        extra.append(f"| {name} | {every} | {lemma(name, a.limit)} |")
        print(extra[-1], flush=True)
    table = "\n".join(lines + extra) + "\n"
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
