"""`Z3Ops`: the `Ops` of symbolic execution, on Z3 terms.

Owns: the encoding of values (booleans as Z3 booleans; every other value, whatever its sort, as a
signed bit-vector of one model-wide width chosen so no arithmetic in the model can overflow, see
`width_for`), and reachability as a rank-checked fixpoint over fresh variables (`reach`), whose
defining constraints are collected in `side` for the engine to assert.
`UnboundedZ3Ops` adds what proofs for every heap size need: objects as elements of an uninterpreted
sort (nil one distinguished element), tables indexed by objects as Z3 arrays, and quantifiers.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import z3

from gcverify.budget import Budget
from gcverify.ir import nodes as n
from gcverify.semantics.ops import NotFirstOrder

CHECK_EVERY = 4096  # Z3 operations between two looks at the budget


class Z3Ops:
    def __init__(self, width: int, ctx: z3.Context | None = None) -> None:
        self.width = width
        self.ctx = ctx
        self.side: list[z3.BoolRef] = []
        self._fresh = itertools.count()
        # looked at every CHECK_EVERY operations, so that encoding one large step or property stops
        # when the budget is spent (raises `Stopped`)
        self.budget: Budget | None = None
        self.work = 0

    def _tick(self) -> None:
        self.work += 1
        if self.budget is not None and self.work % CHECK_EVERY == 0:
            self.budget.check("encoding the model")

    def fresh_int(self, name: str) -> z3.BitVecRef:
        return z3.BitVec(f"{name}!{next(self._fresh)}", self.width, self.ctx)

    def fresh_bool(self, name: str) -> z3.BoolRef:
        return z3.Bool(f"{name}!{next(self._fresh)}", self.ctx)

    def lit(self, value: int, sort: n.Sort) -> z3.ExprRef:
        if isinstance(sort, n.BoolSort):
            return z3.BoolVal(bool(value), self.ctx)
        return z3.BitVecVal(value, self.width, self.ctx)

    def decide(self, cond: z3.ExprRef) -> int | None:
        return self.value_of(cond)

    def value_of(self, v: z3.ExprRef) -> int | None:
        if z3.is_true(v):
            return 1
        if z3.is_false(v):
            return 0
        if z3.is_bv_value(v):
            return int(v.as_signed_long())
        return None

    def not_(self, a: z3.ExprRef) -> z3.ExprRef:
        self._tick()
        return z3.Not(a)

    def and_(self, *args: z3.ExprRef) -> z3.ExprRef:
        self._tick()
        kept = [a for a in args if not z3.is_true(a)]
        if any(z3.is_false(a) for a in kept):
            return z3.BoolVal(False, self.ctx)
        if not kept:
            return z3.BoolVal(True, self.ctx)
        return kept[0] if len(kept) == 1 else z3.And(*kept)

    def or_(self, *args: z3.ExprRef) -> z3.ExprRef:
        self._tick()
        kept = [a for a in args if not z3.is_false(a)]
        if any(z3.is_true(a) for a in kept):
            return z3.BoolVal(True, self.ctx)
        if not kept:
            return z3.BoolVal(False, self.ctx)
        return kept[0] if len(kept) == 1 else z3.Or(*kept)

    def eq(self, a: z3.ExprRef, b: z3.ExprRef) -> z3.ExprRef:
        self._tick()
        x, y = self.value_of(a), self.value_of(b)
        if x is not None and y is not None:
            return z3.BoolVal(x == y, self.ctx)
        return a == b

    def lt(self, a: z3.ExprRef, b: z3.ExprRef) -> z3.ExprRef:
        return a < b

    def le(self, a: z3.ExprRef, b: z3.ExprRef) -> z3.ExprRef:
        return a <= b

    def add(self, a: z3.ExprRef, b: z3.ExprRef) -> z3.ExprRef:
        return a + b

    def sub(self, a: z3.ExprRef, b: z3.ExprRef) -> z3.ExprRef:
        return a - b

    def mul(self, a: z3.ExprRef, b: z3.ExprRef) -> z3.ExprRef:
        return a * b

    def neg(self, a: z3.ExprRef) -> z3.ExprRef:
        return -a

    def ite(self, cond: z3.ExprRef, then: z3.ExprRef, else_: z3.ExprRef) -> z3.ExprRef:
        self._tick()
        k = self.value_of(cond)
        if k is not None:
            return then if k else else_
        if then.eq(else_):
            return then
        return z3.If(cond, then, else_)

    def reach(self, roots: Sequence[z3.ExprRef], succ: Sequence[Sequence[z3.ExprRef]], size: int) -> list[z3.ExprRef]:
        """Fresh flags R[o] constrained to the least fixpoint: R[o] holds iff o is a root or a successor
        of some R[p], with a rank d[o] that strictly grows along the justifying edge, so that cycles
        cannot justify themselves.  O(size² · fields) constraints instead of size unrollings."""
        objs = [self.lit(o, n.INT) for o in range(size)]
        flags = [self.fresh_bool("reach") for _ in range(size)]
        rank = [self.fresh_int("rank") for _ in range(size)]
        for o in range(size):
            is_root = self.or_(*(self.eq(r, objs[o]) for r in roots))
            via = [self.and_(flags[p], self.or_(*(self.eq(t, objs[o]) for t in succ[p]))) for p in range(size)]
            self.side.append(z3.Implies(self.or_(is_root, *via), flags[o]))
            justified = [self.and_(via[p], rank[p] < rank[o]) for p in range(size) if p != o]
            self.side.append(z3.Implies(flags[o], self.or_(is_root, *justified)))
            self.side.append(z3.And(rank[o] >= 0, rank[o] < size))
        return list(flags)


class UnboundedZ3Ops(Z3Ops):
    """Objects of `objects` (and nil) as elements of an uninterpreted sort, of any number."""

    def __init__(self, width: int, objects: n.ScalarsetSort, ctx: z3.Context | None = None) -> None:
        super().__init__(width, ctx)
        self.objects = objects
        self.sort = z3.DeclareSort(objects.name, ctx)
        self.nil = z3.Const("nil", self.sort)

    def is_object(self, sort: n.Sort) -> bool:
        o = self.objects
        return sort == o or (isinstance(sort, n.OptionSort) and sort.base == o)

    def z3_sort(self, sort: n.Sort) -> z3.SortRef:
        if isinstance(sort, n.BoolSort):
            return z3.BoolSort(self.ctx)
        if self.is_object(sort):
            return self.sort
        return z3.BitVecSort(self.width, self.ctx)

    def lit(self, value: int, sort: n.Sort) -> z3.ExprRef:
        if self.is_object(sort):
            if value == self.objects.size:
                return self.nil
            raise NotFirstOrder(
                f"it names one particular {self.objects.name} (as a loop over {self.objects.name} does when it "
                f"is unrolled), which needs a fixed number of {self.objects.name}s"
            )
        return super().lit(value, sort)

    def value_of(self, v: z3.ExprRef) -> int | None:
        if v.eq(self.nil):
            return self.objects.size
        return super().value_of(v)

    def bound(self, sort: n.ScalarsetSort) -> z3.ExprRef:
        return z3.Const(f"{sort.name.lower()}!{next(self._fresh)}", self.sort)

    def quantify(self, kind: n.QuantKind, x: z3.ExprRef, body: z3.ExprRef) -> z3.ExprRef:
        if kind is n.QuantKind.FORALL:
            return z3.ForAll([x], z3.Implies(x != self.nil, body))
        return z3.Exists([x], z3.And(x != self.nil, body))

    def table(self, keys: int, value: z3.ExprRef) -> z3.ExprRef:
        """The table over `keys` objects that holds `value` everywhere."""
        if keys == 1:
            return z3.K(self.sort, value)
        xs = [z3.Const(f"k{j}!table", self.sort) for j in range(keys)]
        return z3.Lambda(xs, value)

    def select(self, table: z3.ExprRef, keys: Sequence[z3.ExprRef]) -> z3.ExprRef:
        return z3.Select(table, *keys)

    def update(self, table: z3.ExprRef, keys: Sequence[z3.ExprRef], value: z3.ExprRef) -> z3.ExprRef:
        return z3.Store(table, *keys, value)

    def pointwise(self, x: z3.ExprRef, table: z3.ExprRef) -> z3.ExprRef:
        return z3.Lambda([x], z3.Select(table, x))
