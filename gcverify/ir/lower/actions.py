"""Cutting a process's control-flow graph into actions, and the process's program counter.

Owns: `lower_process` (one process -> its `n.Process` and its actions appended to the `Program`):
numbering control points (pcs) in the order they are found, walking every path from a pc through
zero-time nodes (conditions, choices, bindings, bookkeeping, labels, safepoints) to the next step
(NOTE(granularity)), emitting one action per path, finding each pc's labels and safepoints, and
guarding every action with its pc.
Invariants: a path that comes back to a node it passed without a step is a busy wait and gives no
action; an action's parameters are the instance first, then its choices in path order.
Must not import anything from gcverify but `source`, `diagnostics` and `ir`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from gcverify.ir import control as c
from gcverify.ir import nodes as n
from gcverify.ir.fold import fold
from gcverify.ir.lower.atomic import StepLowerer, assign_to, core
from gcverify.ir.lower.cfg import (
    Bind,
    Branch,
    Choice,
    Do,
    End,
    Hole,
    Label,
    Node,
    Safe,
    Step,
    Store,
    follow,
    is_false,
    is_true,
    step_label,
)
from gcverify.ir.lower.context import ProcessContext, Program
from gcverify.ir.lower.graph import Calls, GraphBuilder
from gcverify.source import Span


@dataclass
class Path:
    """What a path from a pc has gathered so far."""

    prefix: list[n.Stmt]  # guards and bookkeeping, run before the step
    params: list[n.ActionParam]
    env: dict[int, n.Expr]  # the choose values bound on the path
    seen: set[int]  # the nodes it passed (to find busy waits)


def _store(st: Store, env: Mapping[int, n.Expr]) -> n.Stmt:
    return n.Assign(st.var, tuple(core(i, env) for i in st.indices), core(st.value, env))


class ActionCutter:
    def __init__(self, prog: Program, ctx: ProcessContext, span: Span | None) -> None:
        self.prog = prog
        self.ctx = ctx
        self.span = span  # the process's
        self.lowerer = StepLowerer(prog)
        self.pcs: dict[int, int] = {}  # id(node) -> its pc
        self.order: list[Node] = []  # the node of each pc
        self.spans: list[Span | None] = []  # where each pc is

    def pc_of(self, node: Node, span: Span | None) -> int:
        node = follow(node)
        if id(node) not in self.pcs:
            self.pcs[id(node)] = len(self.order)
            self.order.append(node)
            self.spans.append(span)
        return self.pcs[id(node)]

    def action(
        self, label: str, params: list[n.ActionParam], pcs: tuple[int, int], body: list[n.Stmt], span: Span | None
    ) -> None:
        from_pc, to_pc = pcs
        self.prog.count_action(span or self.span)
        self.prog.actions.append(
            n.Action(
                index=len(self.prog.actions),
                process=self.ctx.index,
                label=label,
                params=tuple(params),
                from_pc=from_pc,
                to_pc=to_pc,
                body=tuple(body),
                span=span,
            )
        )

    def paths(self, start: Node | None, from_pc: int, first: Path) -> None:
        """Every path of control from `start` to the next step: one action each.  Depth first, with
        an explicit stack (statements one after another make the paths long), each node's branches
        in their order, so actions are numbered as the spec reads."""
        stack: list[tuple[Node | None, Path]] = [(start, first)]
        while stack:
            top, path = stack.pop()
            node = follow(top)
            self.prog.count_visit(node.span if isinstance(node, Step) else self.span)
            self.path_step(node, from_pc, path, stack)

    def path_step(self, node: Node, from_pc: int, path: Path, stack: list[tuple[Node | None, Path]]) -> None:
        """One node of `paths`: emit an action, or push what follows it (the first branch last)."""
        if id(node) in path.seen:
            return  # a busy wait: no step on this path (NOTE(granularity))
        seen = path.seen | {id(node)}
        env = {**node.env, **path.env}
        match node:
            case End():
                # Control reaches the end only through conditions decided after the last step (a
                # `while` exit, an `if` with no else): finishing is a step of its own.
                end_pc = self.pc_of(node, None)
                if end_pc != from_pc:
                    self.action(f"{self.ctx.name} finishes", path.params, (from_pc, end_pc), path.prefix, self.span)
            case Safe(next=nxt) | Label(next=nxt):
                if isinstance(node, Label):
                    self.prog.passed_labels.add((self.ctx.index, node.name))
                stack.append((nxt, Path(path.prefix, path.params, path.env, seen)))
            case Step():
                self.emit(node, from_pc, path, env)
            case Branch():
                stack.extend(reversed(self.branch(node, path, env, seen)))
            case Choice(branches=bs):
                stack.extend((b, Path(path.prefix, path.params, path.env, seen)) for b in reversed(bs))
            case Bind():
                stack.extend(self.bind(node, path, seen))
            case Do(stmts=stmts, next=nxt):
                prefix = path.prefix + [_store(x, env) for x in stmts]
                stack.append((nxt, Path(prefix, path.params, path.env, seen)))
            case Hole():
                return  # an empty loop (`loop { }`): a busy wait

    def branch(
        self, node: Branch, path: Path, env: Mapping[int, n.Expr], seen: set[int]
    ) -> list[tuple[Node | None, Path]]:
        """Where a condition leads: the `then` side, then the `else` side (those it can take)."""
        cc = fold(core(node.cond, env))
        out: list[tuple[Node | None, Path]] = []
        if not is_false(cc):
            guard: list[n.Stmt] = [] if is_true(cc) else [n.Assume(cc)]
            out.append((node.then, Path(path.prefix + guard, path.params, path.env, seen)))
        if not is_true(cc):
            guard = [] if is_false(cc) else [n.Assume(n.Not(cc))]
            out.append((node.else_, Path(path.prefix + guard, path.params, path.env, seen)))
        return out

    def bind(self, node: Bind, path: Path, seen: set[int]) -> list[tuple[Node | None, Path]]:
        """The chosen values become parameters (and are stored, where they are kept); where the
        path goes on, unless the `where` condition is false."""
        params = list(path.params)
        penv = dict(path.env)
        prefix = list(path.prefix)
        for sym, sort in node.vars:
            params.append(n.ActionParam(name=sym.name, sort=sort))
            penv[sym.id] = n.Param(len(params) - 1, sort)
            if sym.id in node.stores:
                prefix.append(assign_to(node.stores[sym.id], penv[sym.id]))
        if node.where is not None:
            test = fold(core(node.where, {**node.env, **penv}))
            if is_false(test):
                return []
            if not is_true(test):
                prefix.append(n.Assume(test))
        return [(node.next, Path(prefix, params, penv, seen))]

    def emit(self, step: Step, from_pc: int, path: Path, env: dict[int, n.Expr]) -> None:
        params = list(path.params)
        body = path.prefix + self.lowerer.atomic(step.stmts, dict(env), params, ())
        after = follow(step.next)
        seen: set[int] = set()
        while isinstance(after, Do) and id(after) not in seen:
            seen.add(id(after))
            body.extend(_store(x, {**after.env, **path.env}) for x in after.stmts)
            after = follow(after.next)
        to_pc = self.pc_of(after, step.span)
        label = " › ".join((*step.context, step_label(step.span)))
        self.action(label, params, (from_pc, to_pc), body, step.span)


def _marks(order: list[Node]) -> tuple[dict[str, list[int]], tuple[int, ...]]:
    """The labels at each pc, and the pcs that are safepoints."""
    labels: dict[str, list[int]] = {}
    safe: set[int] = set()
    for k, node in enumerate(order):
        marks: Node | None = node
        visited: set[int] = set()
        while isinstance(marks, (Safe, Label, Hole)) and id(marks) not in visited:
            visited.add(id(marks))
            if isinstance(marks, Safe):
                safe.add(k)
            elif isinstance(marks, Label):
                labels.setdefault(marks.name, []).append(k)
            marks = marks.target if isinstance(marks, Hole) else marks.next
    return labels, tuple(sorted(safe))


def _context(prog: Program, index: int, proc: c.ProcessDef) -> tuple[ProcessContext, dict[int, n.Expr]]:
    """A fresh context for the process, and the names its body starts with in scope."""
    env: dict[int, n.Expr] = {}
    ctx = ProcessContext(index, proc.name, None, None)
    if proc.instance is not None:
        sort = proc.instance.sort
        assert isinstance(sort, (n.ScalarsetSort, n.EnumSort, n.IntSort))  # resolve checks instance sorts
        ctx.inst_sort, ctx.inst = sort, n.Param(0, sort)
        env[proc.instance.id] = ctx.inst
    for sym, pi, init in prog.r.locals:
        if pi == index:
            env[sym.id] = prog.local_var(ctx, sym, hidden=False, init=init)
    return ctx, env


def _guard_with_pc(prog: Program, ctx: ProcessContext, first_action: int, pcs: int, span: Span | None) -> int:
    """The process's pc variable, with every action from `first_action` on guarded by its pc."""
    pc_sort = n.IntSort(0, max(pcs - 1, 0))
    pc_var = prog.add_var(
        n.StateVar(
            name=f"{ctx.name}.pc", keys=ctx.inst_keys, sort=pc_sort, init=0, kind=n.VarKind.PC, hidden=True, span=span
        )
    )
    pc = n.Read(pc_var, ctx.inst_index, pc_sort)
    for k in range(first_action, len(prog.actions)):
        a = prog.actions[k]
        guard = n.Assume(n.Cmp(n.CmpOp.EQ, pc, n.Lit(a.from_pc, pc_sort)))
        move = n.Assign(pc_var, pc.indices, n.Lit(a.to_pc, pc_sort))
        prog.actions[k] = replace(a, body=(guard, *a.body, move))
    return pc_var


def lower_process(prog: Program, index: int, proc: c.ProcessDef) -> n.Process:
    ctx, env = _context(prog, index, proc)
    end = End(env)
    entry = GraphBuilder(prog, ctx).build(proc.body, env, end, Calls())
    cut = ActionCutter(prog, ctx, proc.span)
    cut.pc_of(entry, proc.span)
    first_action = len(prog.actions)
    i = 0
    while i < len(cut.order):  # pcs are found while their predecessors are cut
        base: list[n.ActionParam] = []
        if proc.instance is not None and ctx.inst_sort is not None:
            base.append(n.ActionParam(name=proc.instance.name, sort=ctx.inst_sort))
        cut.paths(cut.order[i], i, Path([], base, {}, set()))
        i += 1
    end_pc = cut.pc_of(end, proc.span)
    labels, safe = _marks(cut.order)
    prog.label_pcs.append(labels)
    prog.all_labels.append(ctx.declared_labels)
    pc_var = _guard_with_pc(prog, ctx, first_action, len(cut.order), proc.span)
    return n.Process(
        name=proc.name,
        instance=ctx.inst_sort if proc.instance else None,
        instance_name=proc.instance.name if proc.instance else None,
        pc_var=pc_var,
        end_pc=end_pc,
        safe_pcs=safe,
        pc_spans=tuple(cut.spans),
    )
