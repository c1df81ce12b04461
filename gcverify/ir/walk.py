"""Generic traversals of IR expressions.

Owns: `rewrite` (replace sub-expressions), `subst` (replace `SymRef`s), `children`, and the
statement helpers `stmt_exprs`/`stmt_children`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from gcverify.ir import nodes as n


def subst(e: n.Expr, env: Mapping[int, n.Expr]) -> n.Expr:
    """`e` with every `SymRef` whose sym is in `env` replaced."""
    if not env:
        return e
    return rewrite(e, lambda x: env.get(x.sym) if isinstance(x, n.SymRef) else None)


def rewrite(e: n.Expr, fn: Callable[[n.Expr], n.Expr | None]) -> n.Expr:
    """`e` with every sub-expression x for which `fn(x)` is not None replaced by it (outermost first)."""
    replaced = fn(e)
    if replaced is not None:
        return replaced

    def r(x: n.Expr) -> n.Expr:
        return rewrite(x, fn)

    match e:
        case n.Lit() | n.Param() | n.Bound() | n.Stopped() | n.SymRef():
            return e
        case n.Read(var=v, indices=ix, type=t):
            return n.Read(v, tuple(r(i) for i in ix), t) if ix else e
        case n.Not(operand=a):
            return n.Not(r(a))
        case n.And(args=args):
            return n.And(tuple(r(a) for a in args))
        case n.Or(args=args):
            return n.Or(tuple(r(a) for a in args))
        case n.Implies(left=a, right=b):
            return n.Implies(r(a), r(b))
        case n.Cmp(op=op, left=a, right=b):
            return n.Cmp(op, r(a), r(b))
        case n.Arith(op=op, left=a, right=b):
            return n.Arith(op, r(a), r(b))
        case n.Neg(operand=a):
            return n.Neg(r(a))
        case n.Ite(cond=cnd, then=a, else_=b, type=t):
            return n.Ite(r(cnd), r(a), r(b), t)
        case n.Quant(kind=k, slot=slot, sort=sort, body=body, name=name):
            return n.Quant(k, slot, sort, r(body), name)
        case n.Unwrap(operand=a, type=t, span=span):
            return n.Unwrap(r(a), t, span)
        case n.Reachable(operand=a):
            return n.Reachable(r(a))
        case n.ReachFrom(target=t, start_slot=a, start=x, via_slot=b, via=y):
            return n.ReachFrom(r(t), a, r(x), b, r(y))
        case n.AtLabel(process=p, instance=i, label=label, span=span):
            return n.AtLabel(p, None if i is None else r(i), label, span)
        case n.LocalOf(process=p, instance=i, sym=sym, name=name, type=t, span=span):
            return n.LocalOf(p, None if i is None else r(i), sym, name, t, span)
        case n.Apply(fn=f, args=args, type=t):
            return n.Apply(f, tuple(r(a) for a in args), t)
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
        case n.AtLabel(instance=i) | n.LocalOf(instance=i):
            return () if i is None else (i,)
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
        case n.ForEach():
            return ()
    raise AssertionError(f"unknown statement {st!r}")


def stmt_children(st: n.Stmt) -> tuple[n.Stmt, ...]:
    match st:
        case n.If(then=t, else_=e):
            return (*t, *e)
        case n.ForEach(body=b):
            return b
    return ()
