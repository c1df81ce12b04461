"""`Z3Ops`: the `Ops` of symbolic execution, on Z3 terms.

Owns: the encoding of values (booleans as Z3 booleans; every other value, whatever its sort, as a
signed bit-vector of one model-wide width chosen so no arithmetic in the model can overflow, see
`width_for`), and reachability as a rank-checked fixpoint over fresh variables (`reach`), whose
defining constraints are collected in `side` for the engine to assert.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import z3

from gcverify.ir import nodes as n


class Z3Ops:
    def __init__(self, width: int, ctx: z3.Context | None = None) -> None:
        self.width = width
        self.ctx = ctx
        self.side: list[z3.BoolRef] = []
        self._fresh = itertools.count()

    def fresh_int(self, name: str) -> z3.BitVecRef:
        return z3.BitVec(f"{name}!{next(self._fresh)}", self.width, self.ctx)

    def fresh_bool(self, name: str) -> z3.BoolRef:
        return z3.Bool(f"{name}!{next(self._fresh)}", self.ctx)

    def lit(self, value: int, sort: n.Sort) -> z3.ExprRef:
        if isinstance(sort, n.BoolSort):
            return z3.BoolVal(bool(value), self.ctx)
        return z3.BitVecVal(value, self.width, self.ctx)

    def value_of(self, v: z3.ExprRef) -> int | None:
        if z3.is_true(v):
            return 1
        if z3.is_false(v):
            return 0
        if z3.is_bv_value(v):
            return int(v.as_signed_long())
        return None

    def not_(self, a: z3.ExprRef) -> z3.ExprRef:
        return z3.Not(a)

    def and_(self, *args: z3.ExprRef) -> z3.ExprRef:
        kept = [a for a in args if not z3.is_true(a)]
        if any(z3.is_false(a) for a in kept):
            return z3.BoolVal(False, self.ctx)
        if not kept:
            return z3.BoolVal(True, self.ctx)
        return kept[0] if len(kept) == 1 else z3.And(*kept)

    def or_(self, *args: z3.ExprRef) -> z3.ExprRef:
        kept = [a for a in args if not z3.is_false(a)]
        if any(z3.is_true(a) for a in kept):
            return z3.BoolVal(True, self.ctx)
        if not kept:
            return z3.BoolVal(False, self.ctx)
        return kept[0] if len(kept) == 1 else z3.Or(*kept)

    def eq(self, a: z3.ExprRef, b: z3.ExprRef) -> z3.ExprRef:
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
