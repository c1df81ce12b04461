"""Generic traversals of IR expressions and statements.

Owns: `children` (of a core or a pre-lowering expression), `rebuild` (the one structural map over
the expression forms both stages share), `rewrite` and `subst` (replace the pre-lowering forms of
an expression, keeping it pre-lowering), `to_core` (replace every one of them, giving a core
expression; lowering's last word on an expression), and the core-statement helpers
`stmt_exprs`/`stmt_children`.  Each dispatch is exhaustive over its union (`assert_never`).
Must not import anything from gcverify but `source` and `ir.nodes`/`ir.control`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeAlias, TypeVar, assert_never, overload

from gcverify.ir import control as c
from gcverify.ir import nodes as n

A = TypeVar("A")
B = TypeVar("B")
# The expression forms of both stages, with operands of type A (NOTE(ir stages) in nodes.py).
Shaped: TypeAlias = (
    n.Lit
    | n.Param
    | n.Bound
    | n.Stopped
    | n.Read[A]
    | n.Not[A]
    | n.And[A]
    | n.Or[A]
    | n.Implies[A]
    | n.Cmp[A]
    | n.Arith[A]
    | n.Neg[A]
    | n.Ite[A]
    | n.Quant[A]
    | n.Unwrap[A]
    | n.Reachable[A]
    | n.ReachFrom[A]
    | n.Apply[A]
)


def subst(e: c.PreExpr, env: Mapping[int, c.PreExpr]) -> c.PreExpr:
    """`e` with every `SymRef` whose sym is in `env` replaced."""
    if not env:
        return e
    return rewrite(e, lambda x: env.get(x.sym) if isinstance(x, c.SymRef) else None)


def rewrite(e: c.PreExpr, fn: Callable[[c.Surface], c.PreExpr | None]) -> c.PreExpr:
    """`e` with every pre-lowering form x for which `fn(x)` is not None replaced by it (outermost
    first; the instance of an `at`/`local` that is kept is rewritten too)."""

    def r(x: c.PreExpr) -> c.PreExpr:
        return rewrite(x, fn)

    match e:
        case c.SymRef() | c.AtLabel() | c.LocalOf():
            replaced = fn(e)
            if replaced is not None:
                return replaced
            if isinstance(e, c.SymRef) or e.instance is None:
                return e
            if isinstance(e, c.AtLabel):
                return c.AtLabel(e.process, r(e.instance), e.label, e.span)
            return c.LocalOf(e.process, r(e.instance), e.sym, e.name, e.type, e.span)
        case _:
            return rebuild(e, r)


def to_core(e: c.PreExpr, fn: Callable[[c.Surface], n.Expr]) -> n.Expr:
    """`e` as a core expression: every pre-lowering form x replaced by `fn(x)` (which lowers the
    instance of an `at`/`local` itself)."""

    def r(x: c.PreExpr) -> n.Expr:
        return to_core(x, fn)

    match e:
        case c.SymRef() | c.AtLabel() | c.LocalOf():
            return fn(e)
        case _:
            return rebuild(e, r)


def rebuild(e: Shaped[A], r: Callable[[A], B]) -> Shaped[B]:
    """`e` with each operand `x` replaced by `r(x)`: the one structural map over the expression
    forms both stages share (`rewrite` keeps an expression pre-lowering, `to_core` makes it core)."""
    match e:
        case n.Lit() | n.Param() | n.Bound() | n.Stopped():
            return e
        case n.Read(var=v, indices=ix, type=t):
            return n.Read(v, tuple(r(i) for i in ix), t)
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
        case n.Apply(fn=f, args=args, type=t):
            return n.Apply(f, tuple(r(a) for a in args), t)
        case _:
            assert_never(e)


@overload
def children(e: n.Expr) -> tuple[n.Expr, ...]: ...


@overload
def children(e: c.PreExpr) -> tuple[c.PreExpr, ...]: ...


def children(e: c.PreExpr) -> tuple[c.PreExpr, ...]:
    """The direct sub-expressions of `e` (core ones for a core `e`)."""
    match e:
        case n.Lit() | n.Param() | n.Bound() | c.SymRef() | n.Stopped():
            return ()
        case n.Read(indices=ix):
            return ix
        case n.Not(operand=a) | n.Neg(operand=a) | n.Unwrap(operand=a) | n.Reachable(operand=a):
            return (a,)
        case n.And(args=args) | n.Or(args=args) | n.Apply(args=args):
            return args
        case n.Implies(left=a, right=b) | n.Cmp(left=a, right=b) | n.Arith(left=a, right=b):
            return (a, b)
        case n.Ite(cond=cnd, then=a, else_=b):
            return (cnd, a, b)
        case n.Quant(body=body):
            return (body,)
        case n.ReachFrom(target=t, start=x, via=y):
            return (t, x, y)
        case c.AtLabel(instance=i) | c.LocalOf(instance=i):
            return () if i is None else (i,)
        case _:
            assert_never(e)


def stmt_exprs(st: n.Stmt) -> tuple[n.Expr, ...]:
    """The expressions a core statement evaluates (not those of nested statements)."""
    match st:
        case n.Assign(indices=ix, value=v):
            return (*ix, v)
        case n.Let(value=v):
            return (v,)
        case n.If(cond=cnd) | n.Assume(cond=cnd) | n.Assert(cond=cnd):
            return (cnd,)
        case n.ForEach():
            return ()
        case _:
            assert_never(st)


def stmt_children(st: n.Stmt) -> tuple[n.Stmt, ...]:
    """The statements nested directly in a core statement."""
    match st:
        case n.If(then=t, else_=e):
            return (*t, *e)
        case n.ForEach(body=b):
            return b
        case n.Assign() | n.Let() | n.Assume() | n.Assert():
            return ()
        case _:
            assert_never(st)
