"""SARIF 2.1.0 results: one result per expectation that is not met, for code-scanning dashboards.

Owns: `render_sarif(results, errors)`.  A result sits at the `expect` line of its property (or, with
no `expect`, at the invariant's declaration: an invariant is expected to hold).  A counterexample is
the result's code flow, rendered from the trace view (report/view.py): one thread-flow location per
state, each step located at the source of the action it ran, with the changed variables as its
message and the heap line as its state.  A spec
that could not be loaded gives one result per diagnostic, under the diagnostic's code (GCVnnn).
Columns count Unicode code points (`columnKind`), as our spans do.  Deterministic: no timestamps.
Must not import z3 or re-run anything.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from gcverify import wording
from gcverify.ir import nodes as n
from gcverify.report.view import StepView, TraceView, trace_view
from gcverify.results import CheckResult, LoadError, SpecResult, Verdict
from gcverify.source import Span

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


class Rule(enum.Enum):
    """What kind of unmet expectation a result is.  The ids are stable: dashboards key on them.
    A spec that does not load is reported under its diagnostic's code (GCVnnn) instead."""

    VIOLATED = ("unexpected-violation", "A property expected to hold is violated: a counterexample exists.")
    NOT_VIOLATED = ("unexpected-pass", "A property expected to be violated holds, or its counterexample is too long.")
    UNKNOWN = ("unknown", "The check did not finish (a limit, or the solver gave up): nothing is claimed.")

    @property
    def id(self) -> str:
        return self.value[0]


def _uri(name: str) -> dict[str, str]:
    """An artifact location for a file name as messages print it: an absolute path as a file URI, a
    relative one (to where gcverify ran) as a percent-encoded URI reference under %SRCROOT%."""
    path = Path(name)
    if path.is_absolute():
        return {"uri": path.as_uri()}
    return {"uri": quote(path.as_posix()), "uriBaseId": "%SRCROOT%"}


def _location(span: Span, message: str | None = None) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": span.start.line, "startColumn": span.start.col}
    if (span.end.line, span.end.col) > (span.start.line, span.start.col):
        region |= {"endLine": span.end.line, "endColumn": span.end.col}
    loc: dict[str, Any] = {"physicalLocation": {"artifactLocation": _uri(span.file.name), "region": region}}
    if message is not None:
        loc["message"] = {"text": message}
    return loc


def _code_flow(view: TraceView) -> dict[str, Any]:
    first = "initial state" if view.reachable else "a state in the property"
    locations: list[dict[str, Any]] = [_flow_location(view.states[0], first)]
    for step in view.steps:
        head = " ".join(p for p in (step.who, step.action, f"({step.args})" if step.args else "") if p)
        delta = "; ".join(f"{c.name}: {c.before} → {c.after}" for c in step.changes)
        locations.append(_flow_location(step, f"{step.index}. {head}" + (f" — {delta}" if delta else "")))
    return {
        "message": {"text": f"{view.kind.value} counterexample, {len(view)} steps after the first state"},
        "threadFlows": [{"locations": locations}],
    }


def _flow_location(step: StepView, text: str) -> dict[str, Any]:
    loc: dict[str, Any] = {"executionOrder": step.index}
    loc["location"] = _location(step.span, text) if step.span is not None else {"message": {"text": text}}
    if step.heap:
        loc["state"] = {"heap": {"text": step.heap}}
    return loc


def _result(r: SpecResult, c: CheckResult) -> dict[str, Any]:
    want = c.expected or n.Expected.HOLDS
    expectation = r.spec.expectation(c.property)
    span = expectation.span if expectation is not None and expectation.span is not None else c.span
    if c.verdict is Verdict.UNKNOWN:
        rule, level = Rule.UNKNOWN, "warning"
    elif want is n.Expected.HOLDS:
        rule, level = Rule.VIOLATED, "error"
    else:
        rule, level = Rule.NOT_VIOLATED, "error"
    out: dict[str, Any] = {
        "ruleId": rule.id,
        "ruleIndex": list(Rule).index(rule),
        "kind": "fail",
        "level": level,
        "message": {"text": wording.expectation(r, c)},
        "partialFingerprints": {"gcverify/property/v1": f"{r.name}/{c.property.display}/{rule.id}"},
        "properties": {
            "spec": r.name,
            "property": c.property.display,
            "property_kind": c.property.kind.value,
            "expected": want.value,
            "verdict": c.verdict.value,
            "engine": c.engine.value,
            "states": c.states,
            "scope": r.scope(),
        },
    }
    if span is not None:
        out["locations"] = [_location(span)]
    if c.finding is not None:
        out["codeFlows"] = [_code_flow(trace_view(r, c))]
    return out


def _error_result(d: LoadError, index: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": d.code.id,
        "ruleIndex": index,
        "kind": "fail",
        "level": "error",
        "message": {"text": f"{d.code.id}: {d.message}"},
        "properties": {"file": d.file},
    }
    if d.span is not None:
        out["locations"] = [_location(d.span)]
    else:
        out["locations"] = [{"physicalLocation": {"artifactLocation": _uri(d.file)}}]
    return out


def _rule(rule_id: str, text: str, level: str) -> dict[str, Any]:
    return {"id": rule_id, "shortDescription": {"text": text}, "defaultConfiguration": {"level": level}}


def render_sarif(results: Sequence[SpecResult], errors: Sequence[LoadError] = (), *, version: str) -> str:
    """The SARIF document; `version` is gcverify's (the tool driver's)."""
    rules = [_rule(r.id, r.value[1], "warning" if r is Rule.UNKNOWN else "error") for r in Rule]
    codes = sorted({d.code for d in errors}, key=lambda c: c.id)
    rules.extend(_rule(c.id, f"{c.description[0].upper()}{c.description[1:]}.", "error") for c in codes)
    found = [_result(r, c) for r in results for c in r.results if not c.met]
    found.extend(_error_result(d, len(Rule) + codes.index(d.code)) for d in errors)
    run = {
        "tool": {
            "driver": {
                "name": "gcverify",
                "version": version,
                "semanticVersion": version,
                "rules": rules,
            }
        },
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The folder gcverify ran in."}}},
        "results": found,
    }
    doc = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2, ensure_ascii=False)
