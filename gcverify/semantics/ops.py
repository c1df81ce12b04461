"""The `Ops[V]` protocol: the only place where concrete and symbolic execution differ.

Owns: the primitive operations the interpreter applies to values of type `V`.  Everything else in
`semantics/` is written against this protocol and never applies Python's `if`, `and`, `or`, `not`
or `==` to a `V` (see STYLE.md §3, rules of thumb).
Must not import z3.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from gcverify.ir.nodes import QuantKind, ScalarsetSort, Sort

V = TypeVar("V")


class Ops(Protocol[V]):
    def lit(self, value: int, sort: Sort) -> V: ...

    def value_of(self, v: V) -> int | None:
        """The concrete value of `v` if it is known (always, concretely), else None."""
        ...

    def decide(self, cond: V) -> int | None:
        """Which way a step goes at a guard, a fault check or an `if` (1 or 0), or None to take
        both ways and merge.  `value_of`, except for the staging ops, which may decide an unknown
        condition each way in turn (one staged run per path, see semantics/staged.py)."""
        ...

    def not_(self, a: V) -> V: ...

    def and_(self, *args: V) -> V: ...

    def or_(self, *args: V) -> V: ...

    def eq(self, a: V, b: V) -> V: ...

    def lt(self, a: V, b: V) -> V: ...

    def le(self, a: V, b: V) -> V: ...

    def add(self, a: V, b: V) -> V: ...

    def sub(self, a: V, b: V) -> V: ...

    def mul(self, a: V, b: V) -> V: ...

    def neg(self, a: V) -> V: ...

    def ite(self, cond: V, then: V, else_: V) -> V: ...

    def reach(self, roots: Sequence[V], succ: Sequence[Sequence[V]], size: int) -> list[V]:
        """For each object 0..size-1, whether it is reachable from one of `roots` (object-or-nil
        values, nil being `size`) following `succ[o]` (the values of o's pointer fields)."""
        ...


class NotFirstOrder(Exception):
    """What a proof for every size cannot express (reachability, a loop over objects, ...).  The
    engine that asked re-raises it as a diagnostic at the property or step concerned."""


class TableOps(Ops[V], Protocol):
    """The extra operations of execution over an unbounded sort (every heap size): tables indexed
    by its elements (Z3 arrays) and quantifiers over it.  Only symbolic `Ops` provide them."""

    def bound(self, sort: ScalarsetSort) -> V:
        """A fresh variable to quantify over `sort` with."""
        ...

    def quantify(self, kind: QuantKind, x: V, body: V) -> V:
        """forall/exists x (not nil): body."""
        ...

    def select(self, table: V, keys: Sequence[V]) -> V: ...

    def update(self, table: V, keys: Sequence[V], value: V) -> V: ...

    def pointwise(self, x: V, table: V) -> V:
        """The table whose entry at every element y is `table`'s entry at `x`, read with y for x
        (`x` a variable from `bound`): what a loop computed for one arbitrary element, for all."""
        ...
