"""Constant folding of IR expressions, so that choices fixed by constants cost nothing.

Owns: `fold(e)`, which evaluates operators whose operands are literals (`BARRIER == dijkstra`
becomes `true` or `false`) and simplifies `and`/`or`/`not`/`if` around literals.  The result is
equivalent to `e` in every state; lowering uses it to drop branches that can never run.
"""

from __future__ import annotations

from typing import overload

from gcverify.ir import control as c
from gcverify.ir import nodes as n

TRUE = n.Lit(1, n.BOOL)
FALSE = n.Lit(0, n.BOOL)


def _lit(e: c.PreExpr) -> int | None:
    return e.value if isinstance(e, n.Lit) else None


@overload
def fold(e: n.Expr) -> n.Expr: ...


@overload
def fold(e: c.PreExpr) -> c.PreExpr: ...


def fold(e: c.PreExpr) -> c.PreExpr:
    """`e` folded; a core expression stays core (folding only ever removes operators)."""
    match e:
        case n.Not(operand=a):
            a = fold(a)
            v = _lit(a)
            return n.Not(a) if v is None else n.Lit(1 - v, n.BOOL)
        case n.And(args=args):
            return _junction(args, absorbing=0)
        case n.Or(args=args):
            return _junction(args, absorbing=1)
        case n.Implies(left=a, right=b):
            a, b = fold(a), fold(b)
            if _lit(a) == 0 or _lit(b) == 1:
                return TRUE
            if _lit(a) == 1:
                return b
            return n.Implies(a, b)
        case n.Cmp(op=op, left=a, right=b):
            a, b = fold(a), fold(b)
            x, y = _lit(a), _lit(b)
            if x is None or y is None:
                return n.Cmp(op, a, b)
            result = {
                n.CmpOp.EQ: x == y,
                n.CmpOp.NE: x != y,
                n.CmpOp.LT: x < y,
                n.CmpOp.LE: x <= y,
                n.CmpOp.GT: x > y,
                n.CmpOp.GE: x >= y,
            }[op]
            return n.Lit(int(result), n.BOOL)
        case n.Ite(cond=cnd, then=a, else_=b, type=t):
            cnd = fold(cnd)
            v = _lit(cnd)
            if v is not None:
                return fold(a) if v else fold(b)
            return n.Ite(cnd, fold(a), fold(b), t)
    return e  # the other forms have nothing to fold at their top


def _junction(args: tuple[c.PreExpr, ...], absorbing: int) -> c.PreExpr:
    kept: list[c.PreExpr] = []
    for a in args:
        a = fold(a)
        v = _lit(a)
        if v == absorbing:
            return n.Lit(absorbing, n.BOOL)
        if v is None:
            kept.append(a)
    if not kept:
        return n.Lit(1 - absorbing, n.BOOL)
    if len(kept) == 1:
        return kept[0]
    return n.And(tuple(kept)) if absorbing == 0 else n.Or(tuple(kept))
