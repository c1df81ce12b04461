"""Graph building: one process's structured body -> its control-flow graph (cfg.py).

Owns: `GraphBuilder`, which applies the step-granularity rules (NOTE(granularity)) while it walks
the body backwards from its end: which statements are steps, where a `choose` value, a `for`
variable or a procedure's parameter must be kept in a hidden local (and reset when its scope ends),
the visited-set of a `for` over a scalarset, and the inlining of procedures with their own steps.
Invariants: a step is never split; conditions and choices take no time of their own (they are
`Branch`/`Choice`/`Bind` nodes that the action cutter folds into the next step).
Must not import anything from gcverify but `source`, `diagnostics` and `ir`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import assert_never

from gcverify.ir import control as c
from gcverify.ir import nodes as n
from gcverify.ir.lower.cfg import Bind, Branch, Choice, Do, Hole, Label, Node, Safe, Step, Store, recursion
from gcverify.ir.lower.context import ProcessContext, Program
from gcverify.ir.walk import subst

Env = Mapping[int, n.Expr]


@dataclass(frozen=True, slots=True)
class Calls:
    """The procedure calls a statement is inlined through, outermost first."""

    procs: tuple[int, ...] = ()  # to refuse recursion
    texts: tuple[str, ...] = ()  # the calls' source text, for step labels
    names: tuple[str, ...] = ()  # the procedures' names, which qualify their labels

    def enter(self, proc: int, text: str, name: str) -> Calls:
        return Calls((*self.procs, proc), (*self.texts, text), (*self.names, name))


class GraphBuilder:
    def __init__(self, prog: Program, ctx: ProcessContext) -> None:
        self.prog = prog
        self.ctx = ctx

    def build(self, stmts: tuple[c.SStmt, ...], env: Env, nxt: Node, calls: Calls) -> Node:
        node = nxt
        for st in reversed(stmts):
            node = self.stmt(st, env, node, calls)
        return node

    def stmt(self, st: c.SStmt, env: Env, nxt: Node, calls: Calls) -> Node:
        self.prog.count_statement(st.span)
        match st:
            case c.SAssign() | c.SSkip() | c.SAwait() | c.SAssert() | c.SAtomic():
                return Step(env, (st,), st.span, nxt, calls.texts)
            case c.SLocal():
                return nxt
            case c.SSafepoint():
                return Safe(env, nxt)
            case c.SLabel(name=name):
                label = Label(env, ".".join((*calls.names, name)), nxt)
                self.ctx.declared_labels.add(label.name)
                hole = self.ctx.loop_heads.get(id(nxt))
                if hole is not None:
                    hole.target = label  # a label before a loop names the loop's head
                return label
            case c.SIf(cond=cond, then=t, else_=f):
                return Branch(env, cond, self.build(t, env, nxt, calls), self.build(f, env, nxt, calls))
            case c.SEither(branches=bs):
                return Choice(env, [self.build(b, env, nxt, calls) for b in bs])
            case c.SChoose():
                return self.choose(st, env, nxt, calls)
            case c.SWhile():
                return self.while_(st, env, nxt, calls)
            case c.SFor():
                return self.for_(st, env, nxt, calls)
            case c.SCall():
                return self.call(st, env, nxt, calls)
            case _:
                assert_never(st)

    def while_(self, st: c.SWhile, env: Env, nxt: Node, calls: Calls) -> Node:
        hole = Hole(env)
        body = self.build(st.body, env, hole, calls)
        head: Node = body if st.cond is None else Branch(env, st.cond, body, nxt)
        hole.target = head
        self.ctx.loop_heads[id(head)] = hole
        return head

    def choose(self, st: c.SChoose, env: Env, nxt: Node, calls: Calls) -> Node:
        if self.prog.steps.single_step(st.body) or (len(st.body) == 1 and isinstance(st.body[0], c.SCall)):
            # one step, or one call: the call's arguments are all evaluated in its first step, so the
            # chosen values are not needed after it (NOTE(granularity))
            return Bind(env, st.vars, st.where, self.build(st.body, env, nxt, calls))
        inner = dict(env)
        for sym, _ in st.vars:
            inner[sym.id] = self.prog.local_var(self.ctx, sym, hidden=True)
        resets = tuple(x for sym, _ in st.vars if (x := self.prog.reset(sym, inner)) is not None)
        body = self.build(st.body, inner, Do(inner, resets, nxt), calls)
        return Bind(env, st.vars, st.where, body, {sym.id: inner[sym.id] for sym, _ in st.vars})

    def for_(self, st: c.SFor, env: Env, nxt: Node, calls: Calls) -> Node:
        if not isinstance(st.sort, n.ScalarsetSort):
            node = nxt
            for value in reversed(st.sort.elements()):
                node = self.build(st.body, {**env, st.var.id: n.Lit(value, st.sort)}, node, calls)
            return node
        return self.for_scalarset(st, st.sort, env, nxt, calls)

    def for_scalarset(self, st: c.SFor, sort: n.ScalarsetSort, env: Env, nxt: Node, calls: Calls) -> Node:
        """Each element once, in any order: a hidden set of the elements done, cleared on exit."""
        where = f"done_{st.var.name}@{st.span.line if st.span else 0}"
        done = self.prog.hidden_map(self.ctx, where, sort, st.span)
        inst = self.ctx.inst_index
        probe = self.prog.fresh(sort, st.var.name)
        any_left = n.Quant(
            n.QuantKind.EXISTS, probe.slot, sort, n.Not(n.Read(done, (*inst, probe), n.BOOL)), probe.name
        )
        clear = tuple(Store(done, (*inst, n.Lit(v, sort)), n.Lit(0, n.BOOL)) for v in sort.elements())
        exit_node = Do(env, clear, nxt)
        hole = Hole(env)
        inner = dict(env)
        if not self.prog.steps.single_step(st.body):
            inner[st.var.id] = self.prog.local_var(self.ctx, st.var, hidden=True)
        ref: c.PreExpr = inner.get(st.var.id, c.SymRef(st.var.id, sort))
        resets = tuple(x for x in [self.prog.reset(st.var, inner)] if x is not None)
        body = self.build(st.body, inner, Do(inner, resets, hole), calls)
        mark = Do(inner, (Store(done, (*inst, ref), n.Lit(1, n.BOOL)),), body)
        not_done = n.Not(n.Read(done, (*inst, c.SymRef(st.var.id, sort)), n.BOOL))
        kept = {st.var.id: inner[st.var.id]} if st.var.id in inner else {}
        head = Branch(env, any_left, Bind(env, ((st.var, sort),), not_done, mark, kept), exit_node)
        hole.target = head
        return head

    def call(self, st: c.SCall, env: Env, nxt: Node, calls: Calls) -> Node:
        proc = self.prog.r.procs[st.proc]
        if st.proc in calls.procs:
            raise recursion(proc.name, st.span)
        if self.prog.steps.single_step(proc.body):
            return Step(env, (st,), st.span, nxt, calls.texts)
        inner: dict[int, n.Expr] = {}
        binds: list[Store] = []
        for p, a in zip(proc.params, st.args, strict=True):
            arg = subst(a, env)
            same = arg if isinstance(arg, n.Lit) else self.ctx.inst if arg == self.ctx.inst else None
            if same is not None and p.id not in self.prog.watched:
                inner[p.id] = same  # the same in every step: nothing to keep
            else:
                local = self.prog.local_var(self.ctx, p, hidden=True)
                inner[p.id] = local
                binds.append(Store(local.var, local.indices, arg))
        resets = tuple(x for p in proc.params if (x := self.prog.reset(p, inner)) is not None)
        body = self.build(proc.body, inner, Do(inner, resets, nxt), calls.enter(st.proc, st.text, proc.name))
        return Do(env, tuple(binds), body)
