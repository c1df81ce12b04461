"""The flat state vector: where each variable's slots live.

Owns: `Layout` (offset, key dimensions and strides of every state variable) and the initial state.
A state is a tuple of ints, one per slot; map variables are stored row-major by key.

For proofs about heaps of every size (`Layout(spec, unbounded=Object)`), keys of the unbounded
scalarset are not expanded into slots: such a variable has one slot per combination of its other
keys, and that slot holds a whole table from objects to values (a Z3 array).  `los`, `sizes` and
`strides` then describe the finite keys only, and `tables` lists the positions of the others.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from gcverify.ir import nodes as n


@dataclass(frozen=True, slots=True)
class VarLayout:
    offset: int
    los: tuple[int, ...]
    sizes: tuple[int, ...]
    strides: tuple[int, ...]
    size: int
    tables: tuple[int, ...] = ()  # positions of the keys held in a table (unbounded sorts)


class Layout:
    def __init__(self, spec: n.Spec, unbounded: n.ScalarsetSort | None = None) -> None:
        self.spec = spec
        self.unbounded = unbounded
        self.vars: list[VarLayout] = []
        offset = 0
        for v in spec.vars:
            tables = tuple(i for i, k in enumerate(v.keys) if unbounded is not None and k == unbounded)
            finite = [k for i, k in enumerate(v.keys) if i not in tables]
            los = tuple(k.elements().start for k in finite)
            sizes = tuple(len(k.elements()) for k in finite)
            strides: list[int] = []
            acc = 1
            for size in reversed(sizes):
                strides.append(acc)
                acc *= size
            self.vars.append(VarLayout(offset, los, sizes, tuple(reversed(strides)), acc, tables))
            offset += acc
        self.size = offset

    def is_unbounded(self, sort: n.Sort) -> bool:
        u = self.unbounded
        return u is not None and (sort == u or (isinstance(sort, n.OptionSort) and sort.base == u))

    def slot(self, var: int, key: tuple[int, ...]) -> int:
        """The slot of a key (of the finite keys only, for a variable held in tables)."""
        vl = self.vars[var]
        return vl.offset + sum((k - lo) * s for k, lo, s in zip(key, vl.los, vl.strides, strict=True))

    def keys(self, var: int) -> list[tuple[int, ...]]:
        """Every key of a variable (its finite keys, for one held in tables), in slot order."""
        tables = self.vars[var].tables
        finite = [k for i, k in enumerate(self.spec.vars[var].keys) if i not in tables]
        return list(itertools.product(*(k.elements() for k in finite)))

    def initial(self) -> tuple[int, ...]:
        out: list[int] = []
        for v, vl in zip(self.spec.vars, self.vars, strict=True):
            out.extend([v.init] * vl.size)
        return tuple(out)

    def owner(self, slot: int) -> tuple[int, tuple[int, ...]]:
        """The variable and key a slot belongs to."""
        for i, vl in enumerate(self.vars):
            if vl.offset <= slot < vl.offset + vl.size:
                return i, self.keys(i)[slot - vl.offset]
        raise IndexError(slot)
