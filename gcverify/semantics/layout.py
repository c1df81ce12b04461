"""The flat state vector: where each variable's slots live.

Owns: `Layout` (offset, key dimensions and strides of every state variable) and the initial state.
A state is a tuple of ints, one per slot; map variables are stored row-major by key.
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


class Layout:
    def __init__(self, spec: n.Spec) -> None:
        self.spec = spec
        self.vars: list[VarLayout] = []
        offset = 0
        for v in spec.vars:
            los = tuple(k.elements().start for k in v.keys)
            sizes = tuple(len(k.elements()) for k in v.keys)
            strides: list[int] = []
            acc = 1
            for size in reversed(sizes):
                strides.append(acc)
                acc *= size
            self.vars.append(VarLayout(offset, los, sizes, tuple(reversed(strides)), acc))
            offset += acc
        self.size = offset

    def slot(self, var: int, key: tuple[int, ...]) -> int:
        vl = self.vars[var]
        return vl.offset + sum((k - lo) * s for k, lo, s in zip(key, vl.los, vl.strides, strict=True))

    def keys(self, var: int) -> list[tuple[int, ...]]:
        """Every key of a variable, in slot order."""
        return list(itertools.product(*(k.elements() for k in self.spec.vars[var].keys)))

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
