"""JSON results (schema version 2): the same results as the table, for machines.

Version 2 (typed properties, NOTE(properties)): each result has `property` (its display name:
`NAME`, `assert NAME`, `runtime_error`, `deadlock`) and `property_kind`; version 1's `faults`
result is now one result per assertion plus `runtime_error`.

Owns: `render_json(results)`.  Deterministic: sorted keys, no timestamps, no absolute paths beyond
what the user named; seconds are the only measured figures.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from gcverify import wording
from gcverify.report.view import trace_view
from gcverify.results import (
    CheckResult,
    LoadError,
    SpecResult,
)

SCHEMA_VERSION = 2


def _evidence(c: CheckResult) -> dict[str, Any]:
    return {"kind": c.evidence.kind, **dataclasses.asdict(c.evidence), "text": wording.describe(c.evidence)}


def _trace(r: SpecResult, c: CheckResult) -> dict[str, Any] | None:
    if c.finding is None:
        return None
    view = trace_view(r, c)
    first = view.states[0]
    steps = [
        {
            "step": step.index,
            "process": step.who,
            "action": step.action,
            "args": step.args,
            "location": str(step.span) if step.span else None,
            "changes": {ch.name: [ch.before, ch.after] for ch in step.changes},
            "heap": step.heap,
            "elements": list(step.elements),
        }
        for step in view.steps
    ]
    return {
        "kind": view.kind.value,
        "message": view.message,
        "length": len(view),
        "initial_heap": first.heap,
        "initial_elements": list(first.elements),
        "constants": dict(view.spec.consts),
        "steps": steps,
        "location": str(view.location) if view.location else None,
    }


def result_dict(r: SpecResult) -> dict[str, Any]:
    return {
        "spec": r.name,
        "file": r.spec.file,
        "constants": dict(r.spec.consts),
        "states": r.states,
        "depth": r.depth,
        "seconds": round(r.seconds, 3),
        "complete": r.complete,
        "search": None if r.search is None else dataclasses.asdict(r.search),
        "results": [
            {
                "property": c.property.display,
                "property_kind": c.property.kind.value,
                "verdict": c.verdict.value,
                "expected": (c.expected.value if c.expected else "holds"),
                "met": c.met,
                "engine": c.engine.value,
                "evidence": _evidence(c),
                "states": c.states,
                "depth": c.depth,
                "seconds": round(c.seconds, 3),
                "counterexample": _trace(r, c),
            }
            for c in r.results
        ],
    }


def render_json(results: Sequence[SpecResult], errors: Sequence[LoadError] = ()) -> str:
    doc = {
        "schema_version": SCHEMA_VERSION,
        "specs": [result_dict(r) for r in results],
        "errors": [e.as_dict() for e in errors],
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)
