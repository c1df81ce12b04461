"""Which invariant each Go variant breaks: every variant of specs/go/ checked against all of
go_gc.gcv's invariants (not only those its own spec lists), with the explicit engine.

    python bench/go_variants.py [--set NAME=VALUE ...] [--limit SECONDS]

A variant is go_gc.gcv with the constants its spec file sets; the table gives, per invariant,
`✓` (holds, exhaustive), `✗N` (violated, shortest counterexample of N steps) or `?` (limit).
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from gcverify.pipeline import CheckConfig, check_spec, load_spec
from gcverify.results import Verdict

ROOT = Path(__file__).resolve().parents[1]
GO = ROOT / "specs" / "go"


def variant_constants(path: Path) -> dict[str, str]:
    """The constants a variant's spec file sets (its own `const` lines)."""
    text = path.read_text(encoding="utf-8")
    return dict(re.findall(r"^const\s+(\w+)\s*=\s*(\w+)", text, flags=re.M))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--limit", type=float, default=300.0, help="seconds per variant")
    args = ap.parse_args()
    extra = dict(s.split("=", 1) for s in args.set)
    rows = []
    for path in sorted(GO.glob("*.gcv")):
        consts = {**variant_constants(path), **extra}
        spec = load_spec(GO / "go_gc.gcv", consts)
        start = time.monotonic()
        result = check_spec(spec, CheckConfig(max_seconds=args.limit))
        cells = []
        for r in result.results:
            if r.verdict is Verdict.HOLDS:
                cells.append("✓")
            elif r.verdict is Verdict.VIOLATED:
                cells.append(f"✗{r.depth}")
            else:
                cells.append("?")
        names = [r.property for r in result.results]
        rows.append((path.stem, cells, result.states, time.monotonic() - start))
        print(
            f"{path.stem}: "
            + ", ".join(f"{n} {c}" for n, c in zip(names, cells, strict=True))
            + f"  ({result.states:,} states, {time.monotonic() - start:.1f} s)",
            flush=True,
        )
    header = "| variant | " + " | ".join(names) + " | states | seconds |"
    print()
    print(header)
    print("|" + "---|" * (len(names) + 3))
    for name, cells, states, secs in rows:
        print(f"| {name} | " + " | ".join(cells) + f" | {states:,} | {secs:.1f} |")


if __name__ == "__main__":
    main()
