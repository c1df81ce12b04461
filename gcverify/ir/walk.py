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


def children(e: n.Expr) -> tuple[n.Expr, ...]:
    """The direct sub-expressions of `e`."""
    match e:
        case n.Lit() | n.Param() | n.Bound() | n.SymRef() | n.Stopped():
            return ()
        case n.Read(indices=ix):
            return ix
        case n.Not(operand=a) | n.Neg(operand=a) | n.Unwrap(operand=a) | n.Reachable(operand=a):
            return (a,)
        case n.And(args=args) | n.Or(args=args) | n.Apply(args=args):
            return args
        case n.Implies(left=a, right=b) | n.Cmp(left=a, right=b) | n.Arith(left=a, right=b):
            return (a, b)
        case n.Ite(cond=c, then=a, else_=b):
            return (c, a, b)
        case n.Quant(body=body):
            return (body,)
        case n.ReachFrom(target=t, start=x, via=y):
            return (t, x, y)
    raise AssertionError(f"unknown expression {e!r}")


def stmt_exprs(st: n.Stmt) -> tuple[n.Expr, ...]:
    """The expressions a core statement evaluates (not those of nested statements)."""
    match st:
        case n.Assign(indices=ix, value=v):
            return (*ix, v)
        case n.Let(value=v):
            return (v,)
        case n.If(cond=c) | n.Assume(cond=c) | n.Assert(cond=c):
            return (c,)
    raise AssertionError(f"unknown statement {st!r}")


def stmt_children(st: n.Stmt) -> tuple[n.Stmt, ...]:
    match st:
        case n.If(then=t, else_=e):
            return (*t, *e)
    return ()
