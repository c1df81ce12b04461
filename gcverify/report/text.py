"""Text reports: the results table and counterexample traces, as plain strings.

Owns: `trace_lines` and `render_trace` (a counterexample as a story: step number, process
instance, source text and location, parameter values, changed variables, heap line; the last state
names the violated property and its witnesses; `trace_lines` marks the source text as code, for
highlighting) and `expectation_text`.  Pure functions of results; they never re-run the model.
"""

from __future__ import annotations

from dataclasses import dataclass

from gcverify.ir import nodes as n
from gcverify.report.view import changes, element_lines, heap_line
from gcverify.results import CheckResult, FindingKind, SpecResult
from gcverify.semantics.layout import Layout
from gcverify.semantics.state import ActionInstance


def instance_text(spec: n.Spec, inst: ActionInstance) -> tuple[str, str]:
    """('Mutator[m1]', 'r=0 s=1 f=next') for an action instance."""
    action = spec.actions[inst.action]
    params = list(zip(action.params, inst.args, strict=True))
    if action.process < 0:  # a procedure run on its own (the lemma): no process instance
        return "", " ".join(f"{p.name}={p.sort.show(v)}" for p, v in params)
    proc = spec.processes[action.process]
    who = proc.name
    if proc.instance is not None:
        who = f"{proc.name}[{proc.instance.show(inst.args[0])}]"
        params = params[1:]
    args = " ".join(f"{p.name}={p.sort.show(v)}" for p, v in params if p.name != "branch")
    return who, args


def expectation_text(result: SpecResult, check: CheckResult) -> str:
    """`spec: prop: expected holds, violated: counterexample of 12 steps (with OBJECTS=3, …)`."""
    want = check.expected or n.Expected.HOLDS
    within = f" within {check.within} steps" if check.within is not None and want is n.Expected.VIOLATED else ""
    return (
        f"{result.name}: {check.property}: expected {want.value}{within}, {check.verdict.value}: "
        f"{check.evidence.describe()} (with {result.scope()})"
    )


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
    finding = check.finding
    assert finding is not None
    spec = finding.spec or result.spec
    layout = Layout(spec)
    trace = finding.trace
    resized = ""
    if finding.spec is not None and spec.heap is not None:
        k = spec.heap.objects.size
        resized = f" with {k} object{'s' if k != 1 else ''}"
    if finding.kind is FindingKind.CTI:
        head = f"Counterexample to induction for {check.property} in {spec.name}{resized} ({len(trace)} step):"
        first = f"a state satisfying {check.property} (not necessarily reachable)"
    elif finding.kind is FindingKind.LEMMA:
        prop = spec.invariants[0].name
        head = f"Counterexample to the lemma '{check.property}' in {spec.name}: a heap{resized}, the fewest there are:"
        first = f"a state satisfying {prop} (any state, not necessarily reachable)"
    else:
        head = f"Counterexample for {check.property} in {spec.name} ({_steps(len(trace))}, shortest):"
        first = "initial state"
    lines = [head, f"  0. {first}"]
    if finding.kind in (FindingKind.CTI, FindingKind.LEMMA):
        lines.append("       " + "; ".join(_values(spec, layout, trace.init)))
    heap = heap_line(spec, layout, trace.init)
    if heap:
        lines.append(f"       heap: {heap}")
    lines.extend(_elements(spec, layout, trace.init))
    out: list[Line] = [(Part(line),) for line in lines]
    prev = trace.init
    width = len(str(len(trace)))
    for i, step in enumerate(trace.steps, 1):
        action = spec.actions[step.action.action]
        who, args = instance_text(spec, step.action)
        where = f"{action.span}" if action.span else ""
        tail = (f"   ({args})" if args else "") + (f"   @ {where}" if where else "")
        out.append((Part(f"  {i:>{width}}. {who}  "), Part(action.label, code=True), Part(tail)))
        lines = []
        delta = changes(spec, layout, prev, step.state)
        if delta:
            lines.append("       " + ", ".join(f"{c.name}: {c.before} → {c.after}" for c in delta))
        heap = heap_line(spec, layout, step.state)
        if heap:
            lines.append(f"       heap: {heap}")
        lines.extend(_elements(spec, layout, step.state))
        out.extend((Part(line),) for line in lines)
        prev = step.state
    out.append((Part(_verdict_line(check)),))
    return out


def _steps(k: int) -> str:
    return f"{k} step" if k == 1 else f"{k} steps"


def _elements(spec: n.Spec, layout: Layout, state: tuple[int, ...]) -> list[str]:
    """The lines of the other scalarsets' elements (a Go model's spans), under the heap line."""
    rows = element_lines(spec, layout, state)
    return [f"       {'spans' if i == 0 else '     '}  {row}" for i, row in enumerate(rows)] if rows else []


def _verdict_line(check: CheckResult) -> str:
    finding = check.finding
    assert finding is not None
    if finding.kind is FindingKind.FAULT:
        where = f" at {finding.span}" if finding.span else ""
        return f"  ✗ the last step faults: {finding.message}{where}"
    if finding.kind is FindingKind.CTI:
        return f"  ✗ the step leaves {check.property}: {finding.message}"
    if finding.kind is FindingKind.LEMMA:
        return f"  ✗ the step breaks the lemma: {finding.message}"
    if finding.kind is FindingKind.DEADLOCK:
        return "  ✗ deadlock: no process can take a step"
    where = f" (declared at {check.span})" if check.span else ""
    witness = f": {finding.message}" if finding.message else ""
    return f"  ✗ invariant {check.property} is false in the last state{where}{witness}"


def _values(spec: n.Spec, layout: Layout, state: tuple[int, ...]) -> list[str]:
    """Every visible variable's value (a CTI's first state is not the initial one, so show it all)."""
    init = layout.initial()
    return [f"{c.name}={c.after}" for c in changes(spec, layout, init, state)] or ["(the initial values)"]
