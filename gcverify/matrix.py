"""Variant matrices: specs checked at every combination of constant values.

Owns: `parse_axis` (a constant and its values from `NAME=a,b,c` or `NAME=lo..hi`), `spec_axis`
(with several specs, the spec itself is the first axis, by name) and `run_matrix`, which checks
every combination in order (the first axis varies slowest) and gives one `Cell` (results.py) each.
Rendering is in report/matrix.py.  Must not import z3 directly.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from gcverify.diagnostics import GcverifyError
from gcverify.pipeline import CheckConfig, check_spec, load_spec
from gcverify.results import Axis, Cell

_RANGE = re.compile(r"^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*$")


def parse_axis(text: str) -> Axis:
    """`NAME=a,b,c` or `NAME=lo..hi` (inclusive); ValueError with the reason otherwise."""
    if "=" not in text:
        raise ValueError(f"{text!r} is not NAME=VALUES")
    name, spec = (part.strip() for part in text.split("=", 1))
    m = _RANGE.match(spec)
    if m is not None:
        lo, hi = int(m.group(1)), int(m.group(2))
        if hi < lo:
            raise ValueError(f"{text!r}: the range {lo}..{hi} is empty")
        return Axis(name, tuple(str(v) for v in range(lo, hi + 1)))
    values = tuple(v.strip() for v in spec.split(",") if v.strip())
    if not name or not values:
        raise ValueError(f"{text!r} names no constant or no values")
    return Axis(name, values)


SPEC = "spec"  # the name of the specs' axis


def spec_axis(paths: Sequence[Path]) -> list[Axis]:
    """[] for one spec; for several, an axis `spec` of their file names (without .gcv), which must
    differ (ValueError otherwise)."""
    if len(paths) < 2:
        return []
    names = tuple(p.stem for p in paths)
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"two specs are named {', '.join(twice)}: give files whose names differ")
    return [Axis(SPEC, names)]


def run_matrix(
    paths: Sequence[Path], axes: Sequence[Axis], config: CheckConfig, each: Callable[[Cell], None] | None = None
) -> list[Cell]:
    """Every combination of `spec_axis(paths) + axes`, in order.  A constant that a spec does not
    declare is an error in that spec's cells (a --set names a constant of every spec it is given)."""
    by_name = {p.stem: p for p in paths}
    all_axes = [*spec_axis(paths), *axes]
    cells: list[Cell] = []
    for values in itertools.product(*(a.values for a in all_axes)):
        chosen = dict(zip((a.name for a in all_axes), values, strict=True))
        path = by_name[chosen.pop(SPEC)] if len(paths) > 1 else paths[0]
        overrides = {**config.overrides, **chosen}
        try:
            spec = load_spec(path, overrides, import_path=config.import_path)
            result = check_spec(spec, replace(config, overrides=overrides))
        except GcverifyError as e:
            cell = Cell(values=values, met=False, error="; ".join(f"{d.code.id}: {d.message}" for d in e.diagnostics))
        else:
            verdicts = tuple(
                (c.property.display, c.verdict.value, len(c.finding.trace) if c.finding else None)
                for c in result.results
            )
            met = all(c.met for c in result.results)
            cell = Cell(values=values, verdicts=verdicts, states=result.states, seconds=result.seconds, met=met)
        cells.append(cell)
        if each is not None:
            each(cell)
    return cells
