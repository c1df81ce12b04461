"""The trace view: a counterexample read for people, once, for every renderer.

Owns: `TraceView` and `StepView`, built by `trace_view(result, check)` from a finding's trace: for
each state, the step that led to it (who moved: the process instance; the action's label, its
arguments and its source span), the variables it changed, the heap line and the element lines.
Every renderer of a counterexample (report/text.py, json.py, sarif.py, itf.py, dot.py, html.py)
renders a `TraceView` and none reads the trace itself, so the six agree on what a step is.
Below it, the readers of concrete states: decoding a state vector through the model's layout into
named values (`value`), the changes between two states (`changes`), the compact one-line picture
of the heap (`heap_line`: each object with its colour and edges, each root), and one line per
element of every other scalarset (`element_lines`: a Go model's spans, their class, sweep state,
bits and who holds them).  Pure functions of the spec, the results and states; they never re-run
the model.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, replace

from gcverify.ir import nodes as n
from gcverify.results import CheckResult, FindingKind, SpecResult
from gcverify.semantics.layout import Layout
from gcverify.semantics.state import ActionInstance, State
from gcverify.source import Span


@dataclass(frozen=True, slots=True)
class Change:
    name: str
    before: str
    after: str


def _key_text(spec: n.Spec, var: n.StateVar, key: tuple[int, ...]) -> str:
    return "".join(f"[{k.show(v)}]" for k, v in zip(var.keys, key, strict=True))


def changes(spec: n.Spec, layout: Layout, before: State, after: State, hidden: bool = False) -> list[Change]:
    out: list[Change] = []
    for i, (var, vl) in enumerate(zip(spec.vars, layout.vars, strict=True)):
        if (var.hidden and not hidden) or var.kind is n.VarKind.PC:
            continue
        lo, hi = vl.offset, vl.offset + vl.size
        if before[lo:hi] == after[lo:hi]:
            continue
        for j, key in enumerate(layout.keys(i)):
            a, b = before[lo + j], after[lo + j]
            if a != b:
                if spec.heap is not None and i == spec.heap.var:
                    name = f"{spec.heap.objects.show(key[0])}.{spec.heap.fields.show(key[1])}"
                else:
                    name = var.name + _key_text(spec, var, key)
                out.append(Change(name, var.sort.show(a), var.sort.show(b)))
    return out


def value(spec: n.Spec, layout: Layout, state: State, name: str) -> list[tuple[tuple[int, ...], int]]:
    for i, var in enumerate(spec.vars):
        if var.name == name:
            vl = layout.vars[i]
            return [(key, state[vl.offset + j]) for j, key in enumerate(layout.keys(i))]
    return []


def heap_line(spec: n.Spec, layout: Layout, state: State) -> str:
    """`o1 black → o2 | o2 grey | o3 free  ·  roots m1:[o1 nil] g:[nil]` (empty without a heap)."""
    heap = spec.heap
    if heap is None:
        return ""
    objs, fields = heap.objects, heap.fields
    colors = dict(value(spec, layout, state, "color"))
    alloc = dict(value(spec, layout, state, "allocated"))
    hv = layout.vars[heap.var]
    parts: list[str] = []
    for o in range(objs.size):
        name = objs.show(o)
        if alloc and not alloc.get((o,), 1):
            edges = [state[hv.offset + o * len(fields.members) + f] for f in range(len(fields.members))]
            dangling = [f"{fields.show(f)}→{objs.show(p)}" for f, p in enumerate(edges) if p != objs.size]
            parts.append(f"{name} free" + (" " + " ".join(dangling) if dangling else ""))
            continue
        color = spec_color(spec, colors.get((o,)))
        arrows: list[str] = []
        for f in range(len(fields.members)):
            p = state[hv.offset + o * len(fields.members) + f]
            if p != objs.size:
                label = f"{fields.show(f)}→" if len(fields.members) > 1 else "→"
                arrows.append(f"{label}{objs.show(p)}")
        parts.append(" ".join([name, color, *arrows]).strip())
    roots: list[str] = []
    for r in heap.roots:
        var = spec.vars[r]
        vals = value(spec, layout, state, var.name)
        if len(var.keys) >= 2:
            groups: dict[int, list[str]] = {}
            for key, v in vals:
                groups.setdefault(key[0], []).append(var.sort.show(v))
            for k0, items in groups.items():
                roots.append(f"{var.name}[{var.keys[0].show(k0)}]=[{' '.join(items)}]")
        else:
            roots.append(f"{var.name}=[{' '.join(var.sort.show(v) for _, v in vals)}]")
    return " | ".join(parts) + "  ·  " + " ".join(roots)


def spec_color(spec: n.Spec, v: int | None) -> str:
    if v is None:
        return ""
    for var in spec.vars:
        if var.name == "color":
            return var.sort.show(v)
    return ""


def element_lines(spec: n.Spec, layout: Layout, state: State) -> list[str]:
    """One line per element of each scalarset other than the objects and the process instances,
    e.g. `s1: scan cached_swept freeindex=1 alloc_bits=10 ← cached[m1][scan] span_of[o1]`.

    It shows the variables keyed by the element (an enum by its value, a true flag by its name, a
    number as name=value, a flag per slot as a bit string) and every variable entry that holds it."""
    skip = [p.instance for p in spec.processes if p.instance is not None]
    if spec.heap is not None:
        skip.append(spec.heap.objects)
    out: list[str] = []
    for sort in spec.symmetric:
        if sort.name == "Object" or sort in skip:
            continue
        rows: list[str] = []
        for e in sort.elements():
            parts = [f"{sort.show(e)}:"]
            refs: list[str] = []
            for i, (var, vl) in enumerate(zip(spec.vars, layout.vars, strict=True)):
                if var.hidden or var.kind is n.VarKind.PC or vl.tables:
                    continue
                if var.keys and var.keys[0] == sort:
                    parts.extend(
                        _own_value(var, [state[vl.offset + j] for j, key in enumerate(layout.keys(i)) if key[0] == e])
                    )
                if var.sort in (sort, n.OptionSort(sort)):
                    refs.extend(
                        var.name + _key_text(spec, var, key)
                        for j, key in enumerate(layout.keys(i))
                        if state[vl.offset + j] == e
                    )
            rows.append(" ".join(parts) + (" ← " + " ".join(refs) if refs else ""))
        if any(r != f"{sort.show(e)}:" for e, r in zip(sort.elements(), rows, strict=True)):
            out.extend(rows)
    return out


def _own_value(var: n.StateVar, values: list[int]) -> list[str]:
    if len(values) == 1:
        v = values[0]
        if isinstance(var.sort, n.BoolSort):
            return [var.name] if v else []
        if isinstance(var.sort, n.EnumSort):
            return [var.sort.show(v)]
        return [f"{var.name}={var.sort.show(v)}"]
    if isinstance(var.sort, n.BoolSort):
        return [f"{var.name}={''.join('1' if v else '0' for v in values)}"]
    return [f"{var.name}=[{' '.join(var.sort.show(v) for v in values)}]"]


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


@dataclass(frozen=True, slots=True)
class StepView:
    """One state of a counterexample and the step that led to it (none for the first state)."""

    index: int  # 0: the first state; i: the state after step i
    state: State
    who: str  # the process instance that moved ('Mutator[m1]'); '' for the first state or a lone procedure
    action: str  # the action's label; '' for the first state
    args: str  # its arguments, 'r=0 s=1'
    span: Span | None  # the action's source
    changes: tuple[Change, ...]  # the visible variables the step changed
    heap: str  # heap_line ('' without a heap)
    elements: tuple[str, ...]  # element_lines


@dataclass(frozen=True, slots=True)
class TraceView:
    """A counterexample as its renderers show it.  `spec` is the spec the trace is of: the result's,
    or for a proof for every size the spec at the size of the counterexample (`objects`)."""

    name: str  # the spec's name, as the result has it
    spec: n.Spec
    layout: Layout
    property: n.Property
    kind: FindingKind
    message: str  # what the last state shows (witnesses, the fault, the failing conjuncts)
    location: Span | None  # where the finding is: the fault's source, the invariant's declaration
    declared: Span | None  # where the property is declared
    objects: int | None  # the heap's size when the trace is of the spec at another size
    scope: str  # the constants the result holds with (SpecResult.scope)
    states: tuple[StepView, ...]  # states[0] is the first state, states[i] the one after step i
    first_values: tuple[Change, ...]  # for a first state that is not the initial one: its values

    # `property` is a field of this class, so the decorator is named through `builtins`.
    @builtins.property
    def reachable(self) -> bool:
        """Whether the first state is the initial state (not for a counterexample to induction or
        to a lemma, which starts from any state satisfying the property)."""
        return self.kind not in (FindingKind.CTI, FindingKind.LEMMA)

    @builtins.property
    def steps(self) -> tuple[StepView, ...]:
        return self.states[1:]

    def __len__(self) -> int:
        """The number of steps."""
        return len(self.states) - 1


def trace_view(result: SpecResult, check: CheckResult) -> TraceView:
    """The view of `check`'s counterexample (which it must have)."""
    finding = check.finding
    assert finding is not None
    spec = finding.spec or result.spec
    layout = Layout(spec)
    trace = finding.trace
    states = [_step_view(spec, layout, 0, trace.init, None, None)]
    prev = trace.init
    for i, step in enumerate(trace.steps, 1):
        states.append(_step_view(spec, layout, i, step.state, prev, step.action))
        prev = step.state
    objects = spec.heap.objects.size if finding.spec is not None and spec.heap is not None else None
    view = TraceView(
        name=result.name,
        spec=spec,
        layout=layout,
        property=check.property,
        kind=finding.kind,
        message=finding.message,
        location=finding.span,
        declared=check.span,
        objects=objects,
        scope=result.scope(),
        states=tuple(states),
        first_values=(),
    )
    if view.reachable:
        return view
    # not the initial state, so show all of it: every visible value that differs from the initial one
    values = tuple(changes(spec, layout, layout.initial(), trace.init))
    return replace(view, first_values=values)


def _step_view(
    spec: n.Spec, layout: Layout, index: int, state: State, before: State | None, inst: ActionInstance | None
) -> StepView:
    who = label = args = ""
    span = None
    if inst is not None:
        action = spec.actions[inst.action]
        who, args = instance_text(spec, inst)
        label, span = action.label, action.span
    delta = () if before is None else tuple(changes(spec, layout, before, state))
    return StepView(
        index=index,
        state=state,
        who=who,
        action=label,
        args=args,
        span=span,
        changes=delta,
        heap=heap_line(spec, layout, state),
        elements=tuple(element_lines(spec, layout, state)),
    )


def first_state(view: TraceView) -> str:
    """What the first state is: the initial state, or for a counterexample to induction (or to a
    lemma) any state satisfying the property."""
    return "initial state" if view.reachable else "a state satisfying the property (not necessarily reachable)"
