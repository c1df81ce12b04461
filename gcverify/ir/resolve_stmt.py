"""Type checking of statements: process and procedure bodies -> structured statements.

Owns: assignments and their targets, calls of procedures, `choose`/`for` binders, and where each
statement may stand (no loops inside `atomic`).
"""

from __future__ import annotations

from gcverify import syntax as s
from gcverify.diagnostics import Code, Note
from gcverify.ir import control as c
from gcverify.ir import nodes as n
from gcverify.ir.resolve_base import DefEntry, Proc, Scope, VarName
from gcverify.ir.resolve_expr import ExprResolver
from gcverify.source import Span


class StmtResolver(ExprResolver):
    def block(self, stmts: tuple[s.Stmt, ...], in_atomic: bool) -> tuple[c.SStmt, ...]:
        self.scopes.append(Scope())
        try:
            out: list[c.SStmt] = []
            for st in stmts:
                label = None
                while isinstance(st, s.Labeled):
                    out.append(self.label(st, in_atomic))
                    label, st = st.label, st.stmt
                r = self.assertion(st, label) if isinstance(st, s.Assert) else self.stmt(st, in_atomic)
                if r is not None:
                    out.append(r)
            return tuple(out)
        finally:
            self.scopes.pop()

    def label(self, st: s.Labeled, in_atomic: bool) -> c.SLabel:
        if in_atomic:
            raise self.err(
                Code.BAD_NESTING,
                f"label {st.label!r} inside 'atomic' names no control point",
                st.span,
                hint="put the label before the atomic block",
            )
        if st.label in self.labels:
            raise self.err(Code.DUPLICATE_NAME, f"label {st.label!r} is used twice in this body", st.span)
        self.labels.add(st.label)
        return c.SLabel(st.label, st.span)

    def assertion(self, st: s.Assert, label: str | None) -> c.SAssert:
        """An `assert` and its site: named by `assert NAME:`, else by its statement label, else by
        where it stands (see NOTE(properties))."""
        name = st.name or label
        if name is not None:
            if name in n.RESERVED:
                raise self.err(Code.RESERVED_NAME, f"{name!r} is the name of a built-in property", st.span)
            first = next((a for a in self.assertions if a.named and a.name == name), None)
            if first is not None:
                raise self.err(
                    Code.DUPLICATE_NAME,
                    f"assertion {name!r} is named twice",
                    st.span,
                    notes=(Note("first named here", first.span),),
                )
        where = f"{st.span.file.name}:{st.span.start.line}:{st.span.start.col}" if st.span else "?"
        site = len(self.assertions)
        self.assertions.append(n.Assertion(name=name or where, named=name is not None, span=st.span))
        return c.SAssert(self.bool_expr(st.cond), site, st.span)

    def stmt(self, st: s.Stmt, in_atomic: bool) -> c.SStmt | None:
        match st:
            case s.Labeled():
                # stays: s.Stmt includes labels, but block() unwraps them before calling stmt()
                raise AssertionError("block() takes labels apart before their statements")
            case s.Assign():
                return self.assign(st)
            case s.CallStmt(call=call):
                return self.call_stmt(call, st.span)
            case s.Skip():
                return c.SSkip(st.span)
            case s.Safepoint():
                if in_atomic:
                    raise self.err(Code.BAD_NESTING, "a safepoint inside 'atomic' marks nothing", st.span)
                return c.SSafepoint(st.span)
            case s.Await(cond=e):
                return c.SAwait(self.bool_expr(e), st.span)
            case s.Assert():
                return self.assertion(st, None)
            case s.LocalDecl():
                raise self.err(
                    Code.BAD_NESTING,
                    "a local variable is declared at the top of a process body",
                    st.span,
                    hint="move 'var' to the start of the process",
                )
            case s.Atomic(body=body):
                return c.SAtomic(self.block(body, True), st.span)
            case s.If(cond=e, then=t, else_=f):
                return c.SIf(self.bool_expr(e), self.block(t, in_atomic), self.block(f or (), in_atomic), st.span)
            case s.While(cond=e, body=b):
                if in_atomic:
                    raise self.err(
                        Code.BAD_NESTING,
                        "'while' inside 'atomic' could run forever in one step",
                        st.span,
                        hint="use a bounded 'for' inside atomic blocks",
                    )
                return c.SWhile(self.bool_expr(e), self.block(b, False), st.span)
            case s.Loop(body=b):
                if in_atomic:
                    raise self.err(Code.BAD_NESTING, "'loop' inside 'atomic' would never end", st.span)
                return c.SWhile(None, self.block(b, False), st.span)
            case s.For():
                return self.for_(st, in_atomic)
            case s.Either(branches=bs):
                return c.SEither(tuple(self.block(b, in_atomic) for b in bs), st.span)
            case s.Choose():
                return self.choose(st, in_atomic)

    def binders(self, binders: tuple[s.Binder, ...]) -> list[tuple[c.Sym, n.FiniteSort]]:
        out = []
        for b in binders:
            sort = self.finite(b.sort, b.span)
            for name in b.names:
                out.append((self.fresh_sym(name, sort, b.span), sort))
        return out

    def for_(self, st: s.For, in_atomic: bool) -> c.SStmt:
        bound = self.binders(st.binders)
        self.scopes.append(Scope({sym.name: sym for sym, _ in bound}))
        try:
            body = self.block(st.body, in_atomic)
        finally:
            self.scopes.pop()
        for sym, sort in reversed(bound):
            body = (c.SFor(sym, sort, body, st.span),)
        return body[0]

    def choose(self, st: s.Choose, in_atomic: bool) -> c.SChoose:
        bound = self.binders(st.binders)
        self.scopes.append(Scope({sym.name: sym for sym, _ in bound}))
        try:
            where = self.bool_expr(st.where) if st.where is not None else None
            body = self.block(st.body, in_atomic)
        finally:
            self.scopes.pop()
        return c.SChoose(tuple(bound), where, body, st.span)

    def call_stmt(self, call: s.Expr, span: Span | None) -> c.SCall:
        if not isinstance(call, s.Call):
            raise self.err(
                Code.SYNTAX, "this expression is not a statement", span, hint="assign it with ':=' or call a procedure"
            )
        entry = self.globals.get(call.name, (None, None))[0]
        if entry is None:  # not reported again when its declaration failed
            raise self.unknown(call.name, f"{call.name!r} is not declared", call.span, hint=self.suggest(call.name))
        if not isinstance(entry, Proc):
            what = "a definition (a value)" if isinstance(entry, DefEntry) else "not a procedure"
            raise self.err(
                Code.UNKNOWN_NAME if entry is None else Code.TYPE_MISMATCH,
                f"{call.name!r} is {what if entry is not None else 'not declared'}",
                call.span,
                hint=self.suggest(call.name) if entry is None else None,
            )
        if len(call.args) != len(entry.params):
            raise self.err(
                Code.ARITY,
                f"procedure {call.name!r} takes {len(entry.params)} argument(s), not {len(call.args)}",
                call.span,
            )
        args = tuple(
            self.coerce(self.expr(a, p.sort), p.sort, a.span) for a, p in zip(call.args, entry.params, strict=True)
        )
        return c.SCall(entry.index, args, _text(call), span)

    def assign(self, st: s.Assign) -> c.SAssign:
        target = self.target(st.target)
        sort = self.target_sort(target)
        value = self.coerce(self.expr(st.value, sort), sort, st.value.span)
        return c.SAssign(target, value, f"{_text(st.target)} := {_text(st.value)}", st.span)

    def target_sort(self, t: c.Target) -> n.Sort:
        if t.sym is not None:
            return t.sym.sort
        assert t.var is not None
        return self.vars[t.var].sort

    def target(self, e: s.Expr) -> c.Target:
        match e:
            case s.Name(name=name):
                local = self.lookup_local(name)
                if isinstance(local, c.Sym):
                    if not any(local.id in sc.assignable for sc in self.scopes):
                        raise self.err(
                            Code.NOT_ASSIGNABLE,
                            f"{name!r} is bound by choose, for or a parameter and cannot be assigned",
                            e.span,
                        )
                    return c.Target(None, local, ())
                entry = self.globals.get(name, (None, None))[0]
                if isinstance(entry, VarName):
                    if self.vars[entry.var].keys:
                        raise self.err(Code.ARITY, f"{name!r} is a map: index it fully to assign", e.span)
                    return c.Target(entry.var, None, ())
                if entry is None:
                    raise self.unknown(name, f"unknown variable {name!r}", e.span, hint=self.suggest(name))
                raise self.err(Code.NOT_ASSIGNABLE, f"{name!r} is not a variable", e.span)
            case s.Index() | s.Field():
                read = self.expr(e, None)
                if not isinstance(read, n.Read):
                    raise self.err(Code.NOT_ASSIGNABLE, "only state variables can be assigned", e.span)
                return c.Target(read.var, None, read.indices)
        raise self.err(Code.NOT_ASSIGNABLE, "the left side of ':=' must be a variable, a map entry or a field", e.span)


def _text(e: s.Expr) -> str:
    """Source-like text of an expression, for step labels."""
    from gcverify.ir.printer import expr_text

    return expr_text(e)
