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

from gcverify.report.text import instance_text
from gcverify.report.view import changes, element_lines, heap_line
from gcverify.results import (
    CheckResult,
    LoadError,
    SpecResult,
)
from gcverify.semantics.layout import Layout

SCHEMA_VERSION = 2


def _evidence(c: CheckResult) -> dict[str, Any]:
    return {"kind": c.evidence.kind, **dataclasses.asdict(c.evidence), "text": c.evidence.describe()}


def _trace(r: SpecResult, c: CheckResult) -> dict[str, Any] | None:
    if c.finding is None:
        return None
    spec = c.finding.spec or r.spec
    layout = Layout(spec)
    steps = []
    prev = c.finding.trace.init
    for i, step in enumerate(c.finding.trace.steps, 1):
        action = spec.actions[step.action.action]
        who, args = instance_text(spec, step.action)
        steps.append(
            {
                "step": i,
                "process": who,
                "action": action.label,
                "args": args,
                "location": str(action.span) if action.span else None,
                "changes": {ch.name: [ch.before, ch.after] for ch in changes(spec, layout, prev, step.state)},
                "heap": heap_line(spec, layout, step.state),
                "elements": element_lines(spec, layout, step.state),
            }
        )
        prev = step.state
    return {
        "kind": c.finding.kind.value,
        "message": c.finding.message,
        "length": len(c.finding.trace),
        "initial_heap": heap_line(spec, layout, c.finding.trace.init),
        "initial_elements": element_lines(spec, layout, c.finding.trace.init),
        "constants": dict(spec.consts),
        "steps": steps,
        "location": str(c.finding.span) if c.finding.span else None,
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
