"""Generic traversals of IR expressions: substitution of process-level names.

Owns: `subst` (replace `SymRef`s by expressions), `mentions_sym`.
"""

from __future__ import annotations

from collections.abc import Mapping

from gcverify.ir import nodes as n


def subst(e: n.Expr, env: Mapping[int, n.Expr]) -> n.Expr:
    """`e` with every `SymRef` whose sym is in `env` replaced."""
    if not env:
        return e
    match e:
        case n.SymRef(sym=sym):
            return env.get(sym, e)
        case n.Lit() | n.Param() | n.Bound() | n.Stopped():
            return e
        case n.Read(var=v, indices=ix, type=t):
            return n.Read(v, tuple(subst(i, env) for i in ix), t) if ix else e
        case n.Not(operand=a):
            return n.Not(subst(a, env))
        case n.And(args=args):
            return n.And(tuple(subst(a, env) for a in args))
        case n.Or(args=args):
            return n.Or(tuple(subst(a, env) for a in args))
        case n.Implies(left=a, right=b):
            return n.Implies(subst(a, env), subst(b, env))
        case n.Cmp(op=op, left=a, right=b):
            return n.Cmp(op, subst(a, env), subst(b, env))
        case n.Arith(op=op, left=a, right=b):
            return n.Arith(op, subst(a, env), subst(b, env))
        case n.Neg(operand=a):
            return n.Neg(subst(a, env))
        case n.Ite(cond=cnd, then=a, else_=b, type=t):
            return n.Ite(subst(cnd, env), subst(a, env), subst(b, env), t)
        case n.Quant(kind=k, slot=slot, sort=sort, body=body, name=name):
            return n.Quant(k, slot, sort, subst(body, env), name)
        case n.Unwrap(operand=a, type=t, span=span):
            return n.Unwrap(subst(a, env), t, span)
        case n.Reachable(operand=a):
            return n.Reachable(subst(a, env))
        case n.ReachFrom(target=t, start_slot=a, start=x, via_slot=b, via=y):
            return n.ReachFrom(subst(t, env), a, subst(x, env), b, subst(y, env))
        case n.Apply(fn=fn, args=args, type=t):
            return n.Apply(fn, tuple(subst(a, env) for a in args), t)
    raise AssertionError(f"unknown expression {e!r}")
