"""Text reports: counterexample traces, as plain strings.

Owns: `trace_lines` and `render_trace` (a counterexample as a story: step number, process
instance, source text and location, parameter values, changed variables, heap line; the last state
names the violated property and its witnesses; `trace_lines` marks the source text as code, for
highlighting).  They render the trace view (report/view.py); the words about verdicts and
evidence are gcverify/wording.py's.  Pure functions of results; they never re-run the model.
"""

from __future__ import annotations

from dataclasses import dataclass

from gcverify.report.view import StepView, TraceView, trace_view
from gcverify.results import CheckResult, FindingKind, SpecResult


@dataclass(frozen=True, slots=True)
class Part:
    """A piece of a report line; `code` marks the spec's own source text (a terminal highlights it)."""

    text: str
    code: bool = False


Line = tuple[Part, ...]


def render_trace(result: SpecResult, check: CheckResult) -> str:
    """The counterexample of `check` as plain text."""
    return "\n".join("".join(p.text for p in line) for line in trace_lines(result, check))


def trace_lines(result: SpecResult, check: CheckResult) -> list[Line]:
    """The counterexample of `check`, line by line, with each step's source text marked as code."""
    return view_lines(trace_view(result, check))


def view_lines(view: TraceView) -> list[Line]:
    """A trace view, line by line, with each step's source text marked as code."""
    spec, prop = view.spec, view.property
    resized = ""
    if view.objects is not None:
        k = view.objects
        resized = f" with {k} object{'s' if k != 1 else ''}"
    if view.kind is FindingKind.CTI:
        head = f"Counterexample to induction for {prop} in {spec.name}{resized} ({len(view)} step):"
        first = f"a state satisfying {prop} (not necessarily reachable)"
    elif view.kind is FindingKind.LEMMA:
        head = f"Counterexample to the lemma '{prop}' in {spec.name}: a heap{resized}, the fewest there are:"
        first = f"a state satisfying {spec.invariants[0].name} (any state, not necessarily reachable)"
    else:
        head = f"Counterexample for {prop} in {spec.name} ({_steps(len(view))}, shortest):"
        first = "initial state"
    lines = [head, f"  0. {first}"]
    if not view.reachable:
        values = [f"{c.name}={c.after}" for c in view.first_values] or ["(the initial values)"]
        lines.append("       " + "; ".join(values))
    out: list[Line] = [(Part(line),) for line in lines]
    out.extend((Part(line),) for line in _state_lines(view.states[0]))
    width = len(str(len(view)))
    for step in view.steps:
        where = f"{step.span}" if step.span else ""
        tail = (f"   ({step.args})" if step.args else "") + (f"   @ {where}" if where else "")
        out.append((Part(f"  {step.index:>{width}}. {step.who}  "), Part(step.action, code=True), Part(tail)))
        if step.changes:
            delta = ", ".join(f"{c.name}: {c.before} → {c.after}" for c in step.changes)
            out.append((Part("       " + delta),))
        out.extend((Part(line),) for line in _state_lines(step))
    out.append((Part(_verdict_line(view)),))
    return out


def _steps(k: int) -> str:
    return f"{k} step" if k == 1 else f"{k} steps"


def _state_lines(step: StepView) -> list[str]:
    """The heap line, then the lines of the other scalarsets' elements (a Go model's spans)."""
    lines = [f"       heap: {step.heap}"] if step.heap else []
    lines.extend(f"       {'spans' if i == 0 else '     '}  {row}" for i, row in enumerate(step.elements))
    return lines


def _verdict_line(view: TraceView) -> str:
    if view.kind is FindingKind.FAULT:
        where = f" at {view.location}" if view.location else ""
        return f"  ✗ the last step faults: {view.message}{where}"
    if view.kind is FindingKind.CTI:
        return f"  ✗ the step leaves {view.property}: {view.message}"
    if view.kind is FindingKind.LEMMA:
        return f"  ✗ the step breaks the lemma: {view.message}"
    if view.kind is FindingKind.DEADLOCK:
        return "  ✗ deadlock: no process can take a step"
    where = f" (declared at {view.declared})" if view.declared else ""
    witness = f": {view.message}" if view.message else ""
    return f"  ✗ invariant {view.property} is false in the last state{where}{witness}"
