"""Graphviz pictures of a counterexample: one DOT digraph per state of its trace.

Owns: `render_state` (one state of a trace view (report/view.py): its heap, objects filled with
their colour, free objects dashed, roots as boxes, pointer fields as labelled edges, and what the
step changed in red: new edges bold, removed edges dashed, recoloured or freed objects outlined),
`render_trace_dots` (every state of a finding's trace view, each titled with its step) and
`step_title`, which the HTML page shares.
Invariants: pure functions of the spec and states; the same trace gives the same bytes (nodes and
edges in the order of objects, fields and root keys); every string goes through `quote`.
Must not run Graphviz (the command line does) nor import gcverify.cli or gcverify.pipeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gcverify.ir import nodes as n
from gcverify.report.view import TraceView, first_state, spec_color, trace_view, value
from gcverify.results import CheckResult, SpecResult
from gcverify.semantics.layout import Layout
from gcverify.semantics.state import State

FILL = {"white": "white", "grey": "gray70", "gray": "gray70", "black": "black"}
CHANGED = 'color="red", fontcolor="red", penwidth=2.5, style="bold"'
REMOVED = 'color="red", fontcolor="red", style="dashed"'

_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def quote(text: str) -> str:
    """`text` as a DOT double-quoted string: backslashes and quotes escaped, each line break as the
    `\\n` escape (Graphviz's centred line break), other control characters as spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub(" ", text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\n", "\\n") + '"'


@dataclass(frozen=True, slots=True)
class _Slot:
    """A pointer slot: an object's field or a root entry, as the node its edge leaves and the edge's label."""

    node: str
    label: str


def _pointers(spec: n.Spec, layout: Layout, state: State) -> dict[_Slot, int | None]:
    """Every pointer slot of the heap and the roots, in a fixed order, with its target (None: nil)."""
    heap = spec.heap
    assert heap is not None
    objs, fields = heap.objects, heap.fields
    hv = layout.vars[heap.var]
    width = len(fields.members)
    out: dict[_Slot, int | None] = {}
    for o in range(objs.size):
        for f in range(width):
            p = state[hv.offset + o * width + f]
            out[_Slot(objs.show(o), fields.show(f))] = None if p == objs.size else p
    for r in heap.roots:
        var = spec.vars[r]
        for key, v in value(spec, layout, state, var.name):
            out[_Slot(_root_id(var, key), "")] = None if v == objs.size else v
    return out


def _root_name(var: n.StateVar, key: tuple[int, ...]) -> str:
    return var.name + "".join(f"[{k.show(v)}]" for k, v in zip(var.keys, key, strict=True))


def _root_id(var: n.StateVar, key: tuple[int, ...]) -> str:
    """A root entry's node: `root:` and its name (no object's name has a colon)."""
    return "root:" + _root_name(var, key)


def _object_looks(spec: n.Spec, layout: Layout, state: State) -> list[tuple[str, dict[str, str]]]:
    """(label, attributes) of each object: free objects dashed, the others filled by colour."""
    heap = spec.heap
    assert heap is not None
    colors = dict(value(spec, layout, state, "color"))
    alloc = dict(value(spec, layout, state, "allocated"))
    out: list[tuple[str, dict[str, str]]] = []
    for o in range(heap.objects.size):
        name = heap.objects.show(o)
        if alloc and not alloc.get((o,), 1):
            out.append((f"{name}\nfree", {"style": "dashed", "color": "gray40", "fontcolor": "gray40"}))
            continue
        color = spec_color(spec, colors.get((o,)))
        fill = FILL.get(color, "lightyellow") if color else "white"
        font = "white" if fill == "black" else "black"
        out.append((f"{name}\n{color}" if color else name, {"style": "filled", "fillcolor": fill, "fontcolor": font}))
    return out


def _root_nodes(spec: n.Spec, layout: Layout, state: State) -> list[str]:
    """The root boxes; the entries of a root keyed by two sorts or more (`root[m1][0]`, one stack
    per mutator) are grouped in a cluster per value of the first key."""
    heap = spec.heap
    assert heap is not None
    lines: list[str] = []
    for r in heap.roots:
        var = spec.vars[r]
        keys = [key for key, _ in value(spec, layout, state, var.name)]
        if len(var.keys) < 2:
            lines.extend(f"  {quote(_root_id(var, k))} [shape=box, label={quote(_root_name(var, k))}];" for k in keys)
            continue
        groups: dict[int, list[tuple[int, ...]]] = {}
        for key in keys:
            groups.setdefault(key[0], []).append(key)
        for k0, members in groups.items():
            group = f"{var.name}[{var.keys[0].show(k0)}]"
            lines.append(f"  subgraph {quote('cluster_' + group)} {{")
            lines.append(f'    label={quote(group)}; style="rounded"; color="gray60";')
            for key in members:
                rest = "".join(f"[{k.show(v)}]" for k, v in zip(var.keys[1:], key[1:], strict=True))
                lines.append(f"    {quote(_root_id(var, key))} [shape=box, label={quote(rest)}];")
            lines.append("  }")
    return lines


def render_state(view: TraceView, i: int, title: str) -> str:
    """State `i` of a trace view as a DOT digraph titled `title`; after the first, the pointers the
    step set are red and bold, those it overwrote red and dashed, and the objects it recoloured,
    allocated or freed outlined in red."""
    spec, layout, step = view.spec, view.layout, view.states[i]
    state = step.state
    before = view.states[i - 1].state if i else None
    lines = [
        f"digraph {quote(spec.name)} {{",
        f'  graph [label={quote(title)}, labelloc="t", fontname="Helvetica", rankdir="LR"];',
        '  node [fontname="Helvetica"];',
        '  edge [fontname="Helvetica"];',
    ]
    heap = spec.heap
    if heap is None:
        what = [f"{c.name}: {c.before} → {c.after}" for c in step.changes]
        note = "\n".join(["this spec has no heap (no `fields`): nothing to draw", *what])
        lines.append(f'  "note" [shape=note, label={quote(note)}];')
        return "\n".join([*lines, "}", ""])
    old_looks = _object_looks(spec, layout, before) if before is not None else None
    for o, (label, attrs) in enumerate(_object_looks(spec, layout, state)):
        if old_looks is not None and old_looks[o][0] != label:
            attrs = {**attrs, "color": "red", "penwidth": "2.5"}
        shown = "".join(f", {k}={quote(v)}" for k, v in attrs.items())
        lines.append(f"  {quote(heap.objects.show(o))} [shape=ellipse, label={quote(label)}{shown}];")
    lines.extend(_root_nodes(spec, layout, state))
    now = _pointers(spec, layout, state)
    old = _pointers(spec, layout, before) if before is not None else now
    for slot, target in now.items():
        if target is not None:
            style = CHANGED if old[slot] != target else ""
            lines.append(_edge(heap, slot, target, slot.label, style))
    for slot, was in old.items():
        if was is not None and now[slot] != was:
            lines.append(_edge(heap, slot, was, f"{slot.label} (removed)".strip(), REMOVED))
    return "\n".join([*lines, "}", ""])


def _edge(heap: n.Heap, slot: _Slot, target: int, label: str, style: str) -> str:
    attrs = ", ".join(a for a in (f"label={quote(label)}" if label else "", style) if a)
    return f"  {quote(slot.node)} -> {quote(heap.objects.show(target))}" + (f" [{attrs}]" if attrs else "") + ";"


def step_title(view: TraceView, i: int) -> str:
    """`step 3 of 5: Mutator[m1]  store(…)  (r=0 s=1 f=next)` and its location on a second line;
    step 0 is the initial state (for a counterexample to induction, a state satisfying it)."""
    if i == 0:
        return f"step 0 of {len(view)}: {first_state(view)}"
    step = view.states[i]
    head = "  ".join(part for part in (step.who, step.action, f"({step.args})" if step.args else "") if part)
    where = f"\n{step.span}" if step.span else ""
    return f"step {i} of {len(view)}: {head}{where}"


def render_trace_dots(result: SpecResult, check: CheckResult) -> list[str]:
    """One DOT graph per state of the check's counterexample: the initial state, then one per step.
    The last one also names the violated property."""
    return view_dots(trace_view(result, check))


def view_dots(view: TraceView) -> list[str]:
    """One DOT graph per state of a trace view."""
    out: list[str] = []
    for step in view.states:
        title = step_title(view, step.index)
        if step.index == len(view):
            title += f"\n✗ {view.property}" + (f": {view.message}" if view.message else "")
        out.append(render_state(view, step.index, title))
    return out
