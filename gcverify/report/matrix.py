"""Variant matrices rendered: Markdown, CSV and JSON, pure functions of the cells (results.py),
which gcverify/matrix.py runs.

Owns: `matrix_rows` (one row per combination: the axis values, then per property its verdict with
the counterexample length as `violated ✗N` (blank: the spec has no such property), whether the
spec's expectations are met, then states and seconds) and the three renderers.
Must not re-run anything.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from gcverify.results import Axis, Cell


def properties(cells: Sequence[Cell]) -> list[str]:
    seen: list[str] = []
    for c in cells:
        for prop, _, _ in c.verdicts:
            if prop not in seen:
                seen.append(prop)
    return seen


def verdict_text(verdict: str, length: int | None) -> str:
    return f"{verdict} ✗{length}" if verdict == "violated" and length is not None else verdict


def matrix_rows(axes: Sequence[Axis], cells: Sequence[Cell]) -> tuple[list[str], list[list[str]]]:
    props = properties(cells)
    header = [a.name for a in axes] + props + ["expected", "states", "seconds"]
    rows: list[list[str]] = []
    for c in cells:
        by = {p: verdict_text(v, n) for p, v, n in c.verdicts}
        if c.error is not None:
            rest = [f"error: {c.error}"] + [""] * (len(props) - 1) if props else [f"error: {c.error}"]
            rows.append([*c.values, *rest, "error", "", ""])
            continue
        met = "met" if c.met else "NOT MET"
        rows.append([*c.values, *(by.get(p, "") for p in props), met, f"{c.states:,}", f"{c.seconds:.2f}"])
    return header, rows


def render_markdown(axes: Sequence[Axis], cells: Sequence[Cell]) -> str:
    header, rows = matrix_rows(axes, cells)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows)
    return "\n".join(lines)


def render_csv(axes: Sequence[Axis], cells: Sequence[Cell]) -> str:
    props = properties(cells)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [a.name for a in axes]
        + [f"{p}{suffix}" for p in props for suffix in ("", " cex")]
        + ["expectations met", "states", "seconds", "error"]
    )
    for c in cells:
        by = {p: (v, n) for p, v, n in c.verdicts}
        cols = [x for p in props for x in (by.get(p, ("", None))[0], by.get(p, ("", None))[1] or "")]
        writer.writerow([*c.values, *cols, str(c.met).lower(), c.states, f"{c.seconds:.3f}", c.error or ""])
    return out.getvalue()


def render_json(axes: Sequence[Axis], cells: Sequence[Cell]) -> str:
    doc = {
        "axes": [{"name": a.name, "values": list(a.values)} for a in axes],
        "cells": [
            {
                "values": dict(zip((a.name for a in axes), c.values, strict=True)),
                "properties": {p: {"verdict": v, "counterexample": n} for p, v, n in c.verdicts},
                "states": c.states,
                "seconds": round(c.seconds, 3),
                "expectations_met": c.met,
                "error": c.error,
            }
            for c in cells
        ],
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)
