"""Counterexamples in the Informal Trace Format (ITF, Apalache ADR-015), as Apalache and Quint write
them, so tools built for those traces can read ours.

Owns: `render_itf(result, check)` (the trace view of report/view.py as ITF) and the mapping of our
sorts onto ITF values:
- `bool` is a JSON boolean; a bounded int (and a program counter) is `{"#bigint": "n"}`;
- an enum member is its name as a string; a scalarset element is its display name (`"o1"`, `"m2"`);
- an option `Object?` is Quint's `Option`: `{"tag": "Some", "value": "o1"}` or
  `{"tag": "None", "value": {"#tup": []}}`;
- a map `A -> B -> V` is a curried `{"#map": [[a, {"#map": [[b, v], ...]}], ...]}`.

Every state variable is listed in `vars`, hidden ones (made by lowering: program counters,
procedure locals) too, since a reader needs them to replay the trace.  Each state's `#meta` has its
index and, after the first, the action taken (`action`: its label and process instance).
Deterministic: no timestamps.  Must not import z3 or re-run anything.
"""

from __future__ import annotations

import json
from typing import Any, assert_never

from gcverify.ir import nodes as n
from gcverify.report.view import TraceView, trace_view
from gcverify.results import CheckResult, SpecResult
from gcverify.semantics.layout import Layout
from gcverify.semantics.state import State


def value(sort: n.Sort, v: int) -> Any:
    """One value of `sort` as an ITF value."""
    match sort:
        case n.BoolSort():
            return bool(v)
        case n.IntSort():
            return {"#bigint": str(v)}
        case n.EnumSort() | n.ScalarsetSort():
            return sort.show(v)
        case n.OptionSort():
            if v == sort.nil:
                return {"tag": "None", "value": {"#tup": []}}
            return {"tag": "Some", "value": sort.base.show(v)}
        case _:
            assert_never(sort)


def table(keys: tuple[n.FiniteSort, ...], sort: n.Sort, cells: list[int]) -> Any:
    """A map over `keys` (curried) from its slots, row-major; with no keys, the one value."""
    if not keys:
        return value(sort, cells[0])
    width = len(cells) // len(keys[0].elements())
    return {
        "#map": [
            [value(keys[0], k), table(keys[1:], sort, cells[i * width : (i + 1) * width])]
            for i, k in enumerate(keys[0].elements())
        ]
    }


def state_value(spec: n.Spec, layout: Layout, state: State) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for var, vl in zip(spec.vars, layout.vars, strict=True):
        out[var.name] = table(var.keys, var.sort, list(state[vl.offset : vl.offset + vl.size]))
    return out


def render_itf(result: SpecResult, check: CheckResult) -> str:
    """The counterexample of `check` (which must have one) as an ITF document."""
    return view_itf(trace_view(result, check))


def view_itf(view: TraceView) -> str:
    """A trace view as an ITF document."""
    spec, layout = view.spec, view.layout
    states = [{"#meta": {"index": 0}, **state_value(spec, layout, view.states[0].state)}]
    for step in view.steps:
        action = f"{step.who}: {step.action}" + (f" ({step.args})" if step.args else "")
        states.append({"#meta": {"index": step.index, "action": action}, **state_value(spec, layout, step.state)})
    doc = {
        "#meta": {
            "format": "ITF",
            "format-description": "https://apalache-mc.org/docs/adr/015adr-trace.html",
            "source": spec.file,
            "description": f"gcverify counterexample: {view.property} of {view.name} "
            f"({view.kind.value}, {len(view)} steps, {view.scope})",
        },
        "vars": [var.name for var in spec.vars],
        "states": states,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)
