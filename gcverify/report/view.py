"""Reading concrete states for people: variable values, changes between states, the heap line.

Owns: decoding a state vector through the model's layout into named values, the list of changes
between two states, the compact one-line picture of the heap (each object with its colour and
edges, each root), and one line per element of every other scalarset (a Go model's spans: their
class, sweep state, bits and who holds them).  Pure functions of the spec and states.
"""

from __future__ import annotations

from dataclasses import dataclass

from gcverify.ir import nodes as n
from gcverify.semantics.layout import Layout
from gcverify.semantics.state import State


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
