"""Statement lowering: the structured statements of one atomic step -> core statements.

Owns: `StepLowerer` (a step's statements with their names substituted, `either` and `choose`
hoisted into action parameters, procedures inlined, loops over ranges and enums unrolled, and loops
over a scalarset kept as `ForEach` when their iterations need no parameters of their own), and
`core`, which makes a step's expression core.
Invariants: everything returned is core IR; `params` (the action's parameters) only grows, except
where an unrolled scalarset loop takes back the parameters its first try added.
Must not import anything from gcverify but `source`, `diagnostics` and `ir`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import assert_never

from gcverify.diagnostics import Code
from gcverify.ir import control as c
from gcverify.ir import nodes as n
from gcverify.ir.fold import fold
from gcverify.ir.lower.cfg import fail, is_false, is_true, recursion
from gcverify.ir.lower.context import Program
from gcverify.ir.walk import to_core
from gcverify.source import Span

Env = dict[int, n.Expr]
Params = list[n.ActionParam]


def core(e: c.PreExpr, env: Mapping[int, n.Expr]) -> n.Expr:
    """A step's expression `e`, its names replaced by what `env` makes of them."""

    def one(x: c.Surface) -> n.Expr:
        match x:
            case c.SymRef(sym=sym):
                # a genuine invariant: every name a step can see is bound on the path to it
                assert sym in env, f"name {sym} unbound in a step"
                return env[sym]
            case c.AtLabel(span=span) | c.LocalOf(span=span):
                raise fail(
                    Code.BAD_NESTING,
                    "at() and local() describe where a process is between steps; a step cannot use them",
                    span,
                    hint="use them in invariants, inductive candidates and the definitions these call",
                )

    return to_core(e, one)


def assign_to(target: n.Expr, value: n.Expr) -> n.Stmt:
    # a genuine invariant: the targets are the locals `Program.local_var` made, reads of a state variable
    assert isinstance(target, n.Read)
    return n.Assign(target.var, target.indices, value)


class StepLowerer:
    def __init__(self, prog: Program) -> None:
        self.prog = prog

    def atomic(self, stmts: tuple[c.SStmt, ...], env: Env, params: Params, calls: tuple[int, ...]) -> list[n.Stmt]:
        out: list[n.Stmt] = []
        for st in stmts:
            out.extend(self.stmt(st, env, params, calls))
        return out

    def stmt(self, st: c.SStmt, env: Env, params: Params, calls: tuple[int, ...]) -> list[n.Stmt]:
        if self.prog.budget is not None:
            self.prog.budget.check("lowering the spec")
        self.prog.count_statement(st.span)
        match st:
            case c.SAssign(target=t, value=v):
                if t.sym is not None:
                    return [assign_to(env[t.sym.id], core(v, env))]
                assert t.var is not None  # a target is a state variable or a name (resolve makes one of them)
                return [n.Assign(t.var, tuple(core(i, env) for i in t.indices), core(v, env), st.span)]
            case c.SSkip() | c.SLocal() | c.SSafepoint() | c.SLabel():
                return []
            case c.SAwait(cond=cond):
                return [n.Assume(core(cond, env))]
            case c.SAssert(cond=cond, site=site):
                return [n.Assert(core(cond, env), site, st.span)]
            case c.SAtomic(body=b):
                return self.atomic(b, env, params, calls)
            case c.SIf():
                return self.if_(st, env, params, calls)
            case c.SEither(branches=bs):
                return self.either(bs, env, params, calls)
            case c.SChoose():
                return self.choose(st, env, params, calls)
            case c.SFor():
                return self.for_(st, env, params, calls)
            case c.SCall(proc=p, args=args):
                return self.inline(p, tuple(core(a, env) for a in args), params, calls, st.span)
            case c.SWhile():
                raise fail(
                    Code.BAD_NESTING,
                    "a loop inside an atomic step (through a procedure called there)",
                    st.span,
                    hint="atomic steps must finish: use a bounded 'for'",
                )
            case _:
                assert_never(st)

    def if_(self, st: c.SIf, env: Env, params: Params, calls: tuple[int, ...]) -> list[n.Stmt]:
        test = fold(core(st.cond, env))
        if is_true(test):
            return self.atomic(st.then, dict(env), params, calls)
        if is_false(test):
            return self.atomic(st.else_, dict(env), params, calls)
        then = tuple(self.atomic(st.then, dict(env), params, calls))
        return [n.If(test, then, tuple(self.atomic(st.else_, dict(env), params, calls)))]

    def either(
        self, bs: tuple[tuple[c.SStmt, ...], ...], env: Env, params: Params, calls: tuple[int, ...]
    ) -> list[n.Stmt]:
        branch_sort = n.IntSort(0, len(bs) - 1)
        params.append(n.ActionParam(name="branch", sort=branch_sort))
        which = n.Param(len(params) - 1, branch_sort)
        chain: tuple[n.Stmt, ...] = tuple(self.atomic(bs[-1], dict(env), params, calls))
        for i in range(len(bs) - 2, -1, -1):
            this: n.Expr = n.Cmp(n.CmpOp.EQ, which, n.Lit(i, branch_sort))
            chain = (n.If(this, tuple(self.atomic(bs[i], dict(env), params, calls)), chain),)
        return list(chain)

    def choose(self, st: c.SChoose, env: Env, params: Params, calls: tuple[int, ...]) -> list[n.Stmt]:
        inner = dict(env)
        for sym, sort in st.vars:
            params.append(n.ActionParam(name=sym.name, sort=sort))
            inner[sym.id] = n.Param(len(params) - 1, sort)
        where = fold(core(st.where, inner)) if st.where is not None else None
        if where is not None and is_false(where):
            return [n.Assume(where)]
        guard: list[n.Stmt] = [n.Assume(where)] if where is not None and not is_true(where) else []
        return guard + self.atomic(st.body, inner, params, calls)

    def for_(self, st: c.SFor, env: Env, params: Params, calls: tuple[int, ...]) -> list[n.Stmt]:
        sym, sort, b = st.var, st.sort, st.body
        if isinstance(sort, n.ScalarsetSort):
            before = len(params)
            x = self.prog.fresh(sort, sym.name)
            body = self.atomic(b, {**env, sym.id: x}, params, calls)
            if len(params) == before:
                return [n.ForEach(x.slot, sort, tuple(body), sym.name)]
            del params[before:]  # a choice per element: each iteration needs its own parameters
        out: list[n.Stmt] = []
        for value in sort.elements():
            out.extend(self.atomic(b, {**env, sym.id: n.Lit(value, sort)}, params, calls))
        return out

    def inline(
        self, p: int, args: tuple[n.Expr, ...], params: Params, calls: tuple[int, ...], span: Span | None
    ) -> list[n.Stmt]:
        proc = self.prog.r.procs[p]
        if p in calls:
            raise recursion(proc.name, span)
        out: list[n.Stmt] = []
        env: Env = {}
        for sym, arg in zip(proc.params, args, strict=True):
            if isinstance(arg, (n.Lit, n.Param, n.Bound)):
                env[sym.id] = arg
                continue
            slot = self.prog.fresh(sym.sort, sym.name)
            out.append(n.Let(slot.slot, arg))
            env[sym.id] = slot
        return out + self.atomic(proc.body, env, params, (*calls, p))
