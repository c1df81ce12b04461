"""Lowering: structured process bodies -> atomic, guarded actions over a flat state.

Owns: the step-granularity rules (NOTE(granularity)), program counters, hoisting of every
nondeterministic choice into action parameters, inlining of procedures, unrolling inside
`atomic`, and the hidden locals that multi-step scopes need.
Must not import gcverify.semantics or anything later in the pipeline.

NOTE(granularity): the rules a spec's author relies on.
  * Each simple statement (`x := e`, `skip`, `await c`, `assert c`, a call of a one-step procedure)
    is one atomic step; `atomic { ... }` is one step however much it contains.
  * Control flow takes no time of its own: the conditions of `if`/`while`, the choice of an
    `either` branch and of `choose` values are decided atomically with the first step they lead to.
    So `while c { s }` checks c and runs the first step of s as one step, and leaving the loop is
    decided together with the step after it.
  * `await c` is a step that can only happen when c holds.  A path of control that reaches the same
    point again without taking a step is a busy wait: it is not an action, so the process simply
    waits until some condition on the path changes.
  * A procedure's statements keep their own steps at each call (it is inlined); arguments are
    evaluated when its first step runs.  Inside `atomic`, everything is one step.
  * `for x in S` outside `atomic` runs its body once per element, one element after another.  Over
    a scalarset it visits the elements in any order (each once), which keeps the model symmetric;
    over a range or enum it goes in order.  Inside `atomic` it is unrolled.
  * Names bound by `choose`/`for` and procedure parameters that are needed for more than one step
    (a `choose` whose body is a single procedure call needs them in the first step only) are kept
    in hidden locals, reset (to nil, false or the lowest value) when their scope ends, so
    equal situations give equal states.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from gcverify.budget import Budget
from gcverify.diagnostics import Code, Diagnostic, GcverifyError
from gcverify.ir import control as c
from gcverify.ir import nodes as n
from gcverify.ir.fold import fold
from gcverify.ir.resolve import Resolved
from gcverify.ir.walk import children, rewrite, subst
from gcverify.source import Span

# ---------------------------------------------------------------- control-flow graph


@dataclass(eq=False)
class _Node:
    env: Mapping[int, n.Expr] = field(default_factory=dict)


@dataclass(eq=False)
class _Step(_Node):
    stmts: tuple[c.SStmt, ...] = ()
    span: Span | None = None
    next: _Node | None = None
    context: tuple[str, ...] = ()  # the calls this step is inlined through, outermost first


@dataclass(eq=False)
class _Branch(_Node):
    cond: n.Expr = field(default_factory=lambda: n.Lit(1, n.BOOL))
    then: _Node | None = None
    else_: _Node | None = None


@dataclass(eq=False)
class _Choice(_Node):
    branches: list[_Node] = field(default_factory=list)


@dataclass(eq=False)
class _Bind(_Node):
    vars: tuple[tuple[c.Sym, n.FiniteSort], ...] = ()
    where: n.Expr | None = None
    next: _Node | None = None
    stores: Mapping[int, n.Expr] = field(default_factory=dict)  # syms kept in hidden locals


@dataclass(eq=False)
class _Do(_Node):
    """Zero-time bookkeeping (hidden locals), folded into the step before or after it."""

    stmts: tuple[n.Stmt, ...] = ()
    next: _Node | None = None


@dataclass(eq=False)
class _Label(_Node):
    """A label: the control point here is named (`proc.name` inside a procedure)."""

    name: str = ""
    next: _Node | None = None


@dataclass(eq=False)
class _Safe(_Node):
    """A safepoint: the control point here is one where the world may be stopped."""

    next: _Node | None = None


@dataclass(eq=False)
class _End(_Node):
    pass


@dataclass(eq=False)
class _Hole(_Node):
    """A forward reference, patched once the loop head it stands for exists."""

    target: _Node | None = None


def _follow(node: _Node | None) -> _Node:
    seen: set[int] = set()
    while isinstance(node, _Hole) and id(node) not in seen:
        seen.add(id(node))
        node = node.target  # an empty loop (`loop { }`) is a hole whose target is itself
    assert node is not None
    return node


@dataclass
class _Path:
    prefix: list[n.Stmt]
    params: list[n.ActionParam]
    env: dict[int, n.Expr]
    seen: set[int]


def _fail(code: Code, message: str, span: Span | None, hint: str | None = None) -> GcverifyError:
    return GcverifyError([Diagnostic(code=code, message=message, span=span, hint=hint)])


def _label(span: Span | None) -> str:
    """The source text of a step: the statement itself if it fits on its line, else its first line."""
    if span is None:
        return "step"
    line = span.file.line(span.start.line)
    if span.end.line == span.start.line:
        return line[span.start.col - 1 : span.end.col - 1].strip()
    code, _, comment = line[span.start.col - 1 :].partition("//")
    text = code.strip() + " … }"
    return f"{text}  // {comment.strip()}" if comment.strip() else text


def _is_true(e: n.Expr) -> bool:
    return isinstance(e, n.Lit) and e.value == 1


def _is_false(e: n.Expr) -> bool:
    return isinstance(e, n.Lit) and e.value == 0 and e.type == n.BOOL


class Lowerer:
    def __init__(self, r: Resolved, budget: Budget | None = None) -> None:
        self.r = r
        self.budget = budget  # checked at each statement of an atomic step (raises `Stopped`)
        self.vars = list(r.vars)
        self.next_slot = r.next_slot
        self.actions: list[n.Action] = []
        self.stored: dict[tuple[int, int], int] = {}  # (process, sym) -> local var
        self.proc_steps: dict[int, tuple[int, bool]] = {}
        self.process = 0
        self.inst: n.Expr | None = None
        self.inst_sort: n.FiniteSort | None = None
        self.context: tuple[str, ...] = ()
        self.proc_stack: tuple[str, ...] = ()
        self.loop_heads: dict[int, _Hole] = {}
        self.label_pcs: list[dict[str, list[int]]] = []
        self.declared_labels: set[str] = set()  # of the process being lowered
        self.all_labels: list[set[str]] = []
        self.passed_labels: set[tuple[int, str]] = set()  # (process, label) that some step passes
        # procedure parameters some property reads with local(): kept in their local at every call,
        # even where the argument is a constant (which otherwise needs no local)
        self.watched: set[int] = set()
        todo: list[n.Expr] = [d.body for d in r.defs] + [i.body for i in r.invariants]
        todo += [e for d in r.inductives for _, e in d.conjuncts]
        while todo:
            e = todo.pop()
            if isinstance(e, n.LocalOf):
                self.watched.add(e.sym)
            todo.extend(children(e))

    # ------------------------------------------------------------ locals

    def local_var(self, sym: c.Sym, hidden: bool, init: int | None = None) -> n.Expr:
        key = (self.process, sym.id)
        if key not in self.stored:
            pname = self.r.processes[self.process].name
            sort = sym.sort
            if isinstance(sort, n.ScalarsetSort):
                sort = n.OptionSort(sort)
            keys = (self.inst_sort,) if self.inst_sort is not None else ()
            value = n.default_value(sort) if init is None else init
            self.vars.append(
                n.StateVar(
                    name=f"{pname}.{sym.name}",
                    keys=keys,
                    sort=sort,
                    init=value,
                    kind=n.VarKind.LOCAL,
                    hidden=hidden,
                    span=sym.span,
                )
            )
            self.stored[key] = len(self.vars) - 1
        var = self.stored[key]
        idx = (self.inst,) if self.inst is not None else ()
        return n.Read(var, idx, self.vars[var].sort)

    def reset(self, sym: c.Sym, env: Mapping[int, n.Expr]) -> n.Stmt | None:
        target = env.get(sym.id)
        if isinstance(target, n.Read) and self.vars[target.var].kind is n.VarKind.LOCAL:
            var = self.vars[target.var]
            return n.Assign(target.var, target.indices, n.Lit(n.default_value(var.sort), var.sort))
        return None

    def hidden_map(self, name: str, sort: n.FiniteSort, span: Span | None) -> int:
        keys: tuple[n.FiniteSort, ...] = (self.inst_sort,) if self.inst_sort is not None else ()
        pname = self.r.processes[self.process].name
        self.vars.append(
            n.StateVar(
                name=f"{pname}.{name}",
                keys=(*keys, sort),
                sort=n.BOOL,
                init=0,
                kind=n.VarKind.LOCAL,
                hidden=True,
                span=span,
            )
        )
        return len(self.vars) - 1

    # ------------------------------------------------------------ step counting

    def steps(self, stmts: tuple[c.SStmt, ...]) -> tuple[int, bool]:
        """(the most steps any path through `stmts` takes, whether it loops)."""
        total, loops = 0, False
        for st in stmts:
            k, lp = self.stmt_steps(st)
            total, loops = total + k, loops or lp
        return total, loops

    def stmt_steps(self, st: c.SStmt) -> tuple[int, bool]:
        match st:
            case c.SAssign() | c.SSkip() | c.SAwait() | c.SAssert() | c.SAtomic():
                return 1, False
            case c.SLocal() | c.SSafepoint() | c.SLabel():
                return 0, False
            case c.SIf(cond=cond, then=t, else_=f):
                test = fold(cond)
                if _is_true(test):
                    return self.steps(t)
                if _is_false(test):
                    return self.steps(f)
                a, b = self.steps(t), self.steps(f)
                return max(a[0], b[0]), a[1] or b[1]
            case c.SEither(branches=bs):
                counts = [self.steps(b) for b in bs]
                return max(k for k, _ in counts), any(lp for _, lp in counts)
            case c.SChoose(body=b):
                return self.steps(b)
            case c.SWhile():
                return 2, True
            case c.SFor(sort=sort, body=b):
                k, lp = self.steps(b)
                return k * len(sort.elements()), lp or (k > 0 and isinstance(sort, n.ScalarsetSort))
            case c.SCall(proc=p):
                return self.proc_step_count(p)

    def proc_step_count(self, p: int) -> tuple[int, bool]:
        if p not in self.proc_steps:
            self.proc_steps[p] = (2, True)  # provisional: recursion is reported when inlining
            self.proc_steps[p] = self.steps(self.r.procs[p].body)
        return self.proc_steps[p]

    def single_step(self, stmts: tuple[c.SStmt, ...]) -> bool:
        k, loops = self.steps(stmts)
        return k <= 1 and not loops

    # ------------------------------------------------------------ building the graph

    def build(self, stmts: tuple[c.SStmt, ...], env: Mapping[int, n.Expr], nxt: _Node, calls: tuple[int, ...]) -> _Node:
        node = nxt
        for st in reversed(stmts):
            node = self.build_stmt(st, env, node, calls)
        return node

    def build_stmt(self, st: c.SStmt, env: Mapping[int, n.Expr], nxt: _Node, calls: tuple[int, ...]) -> _Node:
        match st:
            case c.SAssign() | c.SSkip() | c.SAwait() | c.SAssert() | c.SAtomic():
                return _Step(env, (st,), st.span, nxt, self.context)
            case c.SLocal():
                return nxt
            case c.SSafepoint():
                return _Safe(env, nxt)
            case c.SLabel(name=name):
                label = _Label(env, ".".join((*self.proc_stack, name)), nxt)
                self.declared_labels.add(label.name)
                hole = self.loop_heads.get(id(nxt))
                if hole is not None:
                    hole.target = label  # a label before a loop names the loop's head
                return label
            case c.SIf(cond=cond, then=t, else_=f):
                return _Branch(env, cond, self.build(t, env, nxt, calls), self.build(f, env, nxt, calls))
            case c.SEither(branches=bs):
                return _Choice(env, [self.build(b, env, nxt, calls) for b in bs])
            case c.SChoose():
                return self.build_choose(st, env, nxt, calls)
            case c.SWhile(cond=cond, body=body):
                hole = _Hole(env)
                body_node = self.build(body, env, hole, calls)
                head: _Node = body_node if cond is None else _Branch(env, cond, body_node, nxt)
                hole.target = head
                self.loop_heads[id(head)] = hole
                return head
            case c.SFor():
                return self.build_for(st, env, nxt, calls)
            case c.SCall():
                return self.build_call(st, env, nxt, calls)

    def build_choose(self, st: c.SChoose, env: Mapping[int, n.Expr], nxt: _Node, calls: tuple[int, ...]) -> _Node:
        if self.single_step(st.body) or (len(st.body) == 1 and isinstance(st.body[0], c.SCall)):
            # one step, or one call: the call's arguments are all evaluated in its first step, so the
            # chosen values are not needed after it (NOTE(granularity))
            return _Bind(env, st.vars, st.where, self.build(st.body, env, nxt, calls))
        inner = dict(env)
        for sym, _ in st.vars:
            inner[sym.id] = self.local_var(sym, hidden=True)
        resets = tuple(x for sym, _ in st.vars if (x := self.reset(sym, inner)) is not None)
        body = self.build(st.body, inner, _Do(inner, resets, nxt), calls)
        return _Bind(env, st.vars, st.where, body, {sym.id: inner[sym.id] for sym, _ in st.vars})

    def build_for(self, st: c.SFor, env: Mapping[int, n.Expr], nxt: _Node, calls: tuple[int, ...]) -> _Node:
        if not isinstance(st.sort, n.ScalarsetSort):
            node = nxt
            for value in reversed(st.sort.elements()):
                node = self.build(st.body, {**env, st.var.id: n.Lit(value, st.sort)}, node, calls)
            return node
        done = self.hidden_map(f"done_{st.var.name}@{st.span.line if st.span else 0}", st.sort, st.span)
        inst: tuple[n.Expr, ...] = (self.inst,) if self.inst is not None else ()
        probe = self.fresh(st.sort, st.var.name)
        any_left = n.Quant(
            n.QuantKind.EXISTS, probe.slot, st.sort, n.Not(n.Read(done, (*inst, probe), n.BOOL)), probe.name
        )
        clear = tuple(n.Assign(done, (*inst, n.Lit(v, st.sort)), n.Lit(0, n.BOOL)) for v in st.sort.elements())
        exit_node = _Do(env, clear, nxt)
        hole = _Hole(env)
        inner = dict(env)
        if not self.single_step(st.body):
            inner[st.var.id] = self.local_var(st.var, hidden=True)
        ref = inner.get(st.var.id, n.SymRef(st.var.id, st.sort))
        resets = tuple(x for x in [self.reset(st.var, inner)] if x is not None)
        body = self.build(st.body, inner, _Do(inner, resets, hole), calls)
        mark = _Do(inner, (n.Assign(done, (*inst, ref), n.Lit(1, n.BOOL)),), body)
        bind = _Bind(
            env,
            ((st.var, st.sort),),
            n.Not(n.Read(done, (*inst, n.SymRef(st.var.id, st.sort)), n.BOOL)),
            mark,
            {st.var.id: inner[st.var.id]} if st.var.id in inner else {},
        )
        head = _Branch(env, any_left, bind, exit_node)
        hole.target = head
        return head

    def build_call(self, st: c.SCall, env: Mapping[int, n.Expr], nxt: _Node, calls: tuple[int, ...]) -> _Node:
        proc = self.r.procs[st.proc]
        if st.proc in calls:
            raise _fail(
                Code.RECURSION,
                f"procedure {proc.name!r} calls itself",
                st.span,
                hint="procedures are inlined at each call and cannot recurse",
            )
        if self.single_step(proc.body):
            return _Step(env, (st,), st.span, nxt, self.context)
        inner: dict[int, n.Expr] = {}
        binds: list[n.Stmt] = []
        for p, a in zip(proc.params, st.args, strict=True):
            arg = subst(a, env)
            if (isinstance(arg, n.Lit) or arg == self.inst) and p.id not in self.watched:
                inner[p.id] = arg  # the same in every step: nothing to keep
            else:
                inner[p.id] = self.local_var(p, hidden=True)
                binds.append(self.assign_to(inner[p.id], arg))
        resets = tuple(x for p in proc.params if (x := self.reset(p, inner)) is not None)
        saved, saved_procs = self.context, self.proc_stack
        self.context, self.proc_stack = (*saved, st.text), (*saved_procs, proc.name)
        try:
            body = self.build(proc.body, inner, _Do(inner, resets, nxt), (*calls, st.proc))
        finally:
            self.context, self.proc_stack = saved, saved_procs
        return _Do(env, tuple(binds), body)

    def assign_to(self, target: n.Expr, value: n.Expr) -> n.Stmt:
        assert isinstance(target, n.Read)
        return n.Assign(target.var, target.indices, value)

    def fresh(self, sort: n.Sort, name: str) -> n.Bound:
        self.next_slot += 1
        return n.Bound(self.next_slot - 1, sort, name)

    # ------------------------------------------------------------ one step's statements

    def atomic(
        self, stmts: tuple[c.SStmt, ...], env: dict[int, n.Expr], params: list[n.ActionParam], calls: tuple[int, ...]
    ) -> list[n.Stmt]:
        out: list[n.Stmt] = []
        for st in stmts:
            out.extend(self.atomic_stmt(st, env, params, calls))
        return out

    def atomic_stmt(
        self, st: c.SStmt, env: dict[int, n.Expr], params: list[n.ActionParam], calls: tuple[int, ...]
    ) -> list[n.Stmt]:
        e: Callable[[n.Expr], n.Expr] = lambda x: subst(x, env)  # noqa: E731
        if self.budget is not None:
            self.budget.check("lowering the spec")
        match st:
            case c.SAssign(target=t, value=v):
                if t.sym is not None:
                    return [self.assign_to(env[t.sym.id], e(v))]
                assert t.var is not None
                return [n.Assign(t.var, tuple(e(i) for i in t.indices), e(v), st.span)]
            case c.SSkip() | c.SLocal() | c.SSafepoint() | c.SLabel():
                return []
            case c.SAwait(cond=cond):
                return [n.Assume(e(cond))]
            case c.SAssert(cond=cond, site=site):
                return [n.Assert(e(cond), site, st.span)]
            case c.SAtomic(body=b):
                return self.atomic(b, env, params, calls)
            case c.SIf(cond=cond, then=t, else_=f):
                test = fold(e(cond))
                if _is_true(test):
                    return self.atomic(t, dict(env), params, calls)
                if _is_false(test):
                    return self.atomic(f, dict(env), params, calls)
                return [
                    n.If(
                        test,
                        tuple(self.atomic(t, dict(env), params, calls)),
                        tuple(self.atomic(f, dict(env), params, calls)),
                    )
                ]
            case c.SEither(branches=bs):
                branch_sort = n.IntSort(0, len(bs) - 1)
                params.append(n.ActionParam(name="branch", sort=branch_sort))
                which = n.Param(len(params) - 1, branch_sort)
                chain: tuple[n.Stmt, ...] = tuple(self.atomic(bs[-1], dict(env), params, calls))
                for i in range(len(bs) - 2, -1, -1):
                    chain = (
                        n.If(
                            n.Cmp(n.CmpOp.EQ, which, n.Lit(i, branch_sort)),
                            tuple(self.atomic(bs[i], dict(env), params, calls)),
                            chain,
                        ),
                    )
                return list(chain)
            case c.SChoose(vars=vs, where=w, body=b):
                inner = dict(env)
                for sym, sort in vs:
                    params.append(n.ActionParam(name=sym.name, sort=sort))
                    inner[sym.id] = n.Param(len(params) - 1, sort)
                where = fold(subst(w, inner)) if w is not None else None
                if where is not None and _is_false(where):
                    return [n.Assume(where)]
                guard = [n.Assume(where)] if where is not None and not _is_true(where) else []
                return guard + self.atomic(b, inner, params, calls)
            case c.SFor(var=sym, sort=sort, body=b) if isinstance(sort, n.ScalarsetSort):
                before = len(params)
                x = self.fresh(sort, sym.name)
                body = self.atomic(b, {**env, sym.id: x}, params, calls)
                if len(params) == before:
                    return [n.ForEach(x.slot, sort, tuple(body), sym.name)]
                del params[before:]  # a choice per element: each iteration needs its own parameters
                out: list[n.Stmt] = []
                for value in sort.elements():
                    out.extend(self.atomic(b, {**env, sym.id: n.Lit(value, sort)}, params, calls))
                return out
            case c.SFor(var=sym, sort=sort, body=b):
                out = []
                for value in sort.elements():
                    out.extend(self.atomic(b, {**env, sym.id: n.Lit(value, sort)}, params, calls))
                return out
            case c.SCall(proc=p, args=args):
                return self.inline(p, tuple(e(a) for a in args), params, calls, st.span)
            case c.SWhile():
                raise _fail(
                    Code.BAD_NESTING,
                    "a loop inside an atomic step (through a procedure called there)",
                    st.span,
                    hint="atomic steps must finish: use a bounded 'for'",
                )

    def inline(
        self, p: int, args: tuple[n.Expr, ...], params: list[n.ActionParam], calls: tuple[int, ...], span: Span | None
    ) -> list[n.Stmt]:
        proc = self.r.procs[p]
        if p in calls:
            raise _fail(
                Code.RECURSION,
                f"procedure {proc.name!r} calls itself",
                span,
                hint="procedures are inlined at each call and cannot recurse",
            )
        out: list[n.Stmt] = []
        env: dict[int, n.Expr] = {}
        for sym, arg in zip(proc.params, args, strict=True):
            if isinstance(arg, (n.Lit, n.Param, n.Bound)):
                env[sym.id] = arg
                continue
            slot = self.fresh(sym.sort, sym.name)
            out.append(n.Let(slot.slot, arg))
            env[sym.id] = slot
        return out + self.atomic(proc.body, env, params, (*calls, p))

    # ------------------------------------------------------------ actions

    def lower_process(self, index: int, proc: c.ProcessDef) -> n.Process:
        self.process = index
        env: dict[int, n.Expr] = {}
        if proc.instance is not None:
            assert isinstance(proc.instance.sort, (n.ScalarsetSort, n.EnumSort, n.IntSort))
            self.inst_sort = proc.instance.sort
            self.inst = n.Param(0, proc.instance.sort)
            env[proc.instance.id] = self.inst
        else:
            self.inst_sort, self.inst = None, None
        for sym, pi, init in self.r.locals:
            if pi == index:
                env[sym.id] = self.local_var(sym, hidden=False, init=init)
        end = _End(env)
        entry = self.build(proc.body, env, end, ())
        pcs: dict[int, int] = {}
        spans: list[Span | None] = []
        order: list[_Node] = []

        def pc_of(node: _Node, span: Span | None) -> int:
            node = _follow(node)
            if id(node) not in pcs:
                pcs[id(node)] = len(order)
                order.append(node)
                spans.append(span)
            return pcs[id(node)]

        pc_of(entry, proc.span)
        first_action = len(self.actions)
        i = 0
        while i < len(order):
            base: list[n.ActionParam] = []
            if proc.instance is not None:
                assert self.inst_sort is not None
                base.append(n.ActionParam(name=proc.instance.name, sort=self.inst_sort))
            self.paths(order[i], i, _Path([], base, {}, set()), pc_of, proc.name)
            i += 1
        end_pc = pc_of(end, proc.span)
        labels: dict[str, list[int]] = {}
        safe_list: list[int] = []
        for k, node in enumerate(order):
            marks: _Node | None = node
            visited: set[int] = set()
            while isinstance(marks, (_Safe, _Label, _Hole)) and id(marks) not in visited:
                visited.add(id(marks))
                if isinstance(marks, _Safe):
                    safe_list.append(k)
                elif isinstance(marks, _Label):
                    labels.setdefault(marks.name, []).append(k)
                marks = marks.target if isinstance(marks, _Hole) else marks.next
        safe = tuple(sorted(set(safe_list)))
        self.label_pcs.append(labels)
        self.all_labels.append(self.declared_labels)
        self.declared_labels = set()
        keys: tuple[n.FiniteSort, ...] = (self.inst_sort,) if self.inst_sort is not None else ()
        pc_sort = n.IntSort(0, max(len(order) - 1, 0))
        self.vars.append(
            n.StateVar(
                name=f"{proc.name}.pc", keys=keys, sort=pc_sort, init=0, kind=n.VarKind.PC, hidden=True, span=proc.span
            )
        )
        pc_var = len(self.vars) - 1
        pc = n.Read(pc_var, (self.inst,) if self.inst is not None else (), pc_sort)
        for k in range(first_action, len(self.actions)):
            a = self.actions[k]
            guard = n.Assume(n.Cmp(n.CmpOp.EQ, pc, n.Lit(a.from_pc, pc_sort)))
            move = n.Assign(pc_var, pc.indices, n.Lit(a.to_pc, pc_sort))
            self.actions[k] = replace(a, body=(guard, *a.body, move))
        return n.Process(
            name=proc.name,
            instance=self.inst_sort if proc.instance else None,
            instance_name=proc.instance.name if proc.instance else None,
            pc_var=pc_var,
            end_pc=end_pc,
            safe_pcs=safe,
            pc_spans=tuple(spans),
        )

    def paths(
        self, node: _Node | None, from_pc: int, path: _Path, pc_of: Callable[[_Node, Span | None], int], pname: str
    ) -> None:
        node = _follow(node)
        if id(node) in path.seen:
            return  # a busy wait: no step on this path (NOTE(granularity))
        seen = path.seen | {id(node)}
        env = {**node.env, **path.env}
        match node:
            case _End():
                # Control reaches the end only through conditions decided after the last step (a
                # `while` exit, an `if` with no else): finishing is a step of its own.
                end_pc = pc_of(node, None)
                if end_pc != from_pc:
                    self.actions.append(
                        n.Action(
                            index=len(self.actions),
                            process=self.process,
                            label=f"{pname} finishes",
                            params=tuple(path.params),
                            from_pc=from_pc,
                            to_pc=end_pc,
                            body=tuple(path.prefix),
                            span=self.r.processes[self.process].span,
                        )
                    )
            case _Safe(next=nxt) | _Label(next=nxt):
                if isinstance(node, _Label):
                    self.passed_labels.add((self.process, node.name))
                self.paths(nxt, from_pc, _Path(path.prefix, path.params, path.env, seen), pc_of, pname)
            case _Step():
                self.emit(node, from_pc, path, env, pc_of, pname)
            case _Branch(cond=cond, then=t, else_=f):
                cc = fold(subst(cond, env))
                if not _is_false(cc):
                    guard: list[n.Stmt] = [] if _is_true(cc) else [n.Assume(cc)]
                    self.paths(t, from_pc, _Path(path.prefix + guard, path.params, path.env, seen), pc_of, pname)
                if not _is_true(cc):
                    guard = [] if _is_false(cc) else [n.Assume(n.Not(cc))]
                    self.paths(f, from_pc, _Path(path.prefix + guard, path.params, path.env, seen), pc_of, pname)
            case _Choice(branches=bs):
                for b in bs:
                    self.paths(b, from_pc, _Path(path.prefix, path.params, path.env, seen), pc_of, pname)
            case _Bind(vars=vs, where=w, next=nxt, stores=stores):
                params = list(path.params)
                penv = dict(path.env)
                prefix = list(path.prefix)
                for sym, sort in vs:
                    params.append(n.ActionParam(name=sym.name, sort=sort))
                    penv[sym.id] = n.Param(len(params) - 1, sort)
                    if sym.id in stores:
                        prefix.append(self.assign_to(stores[sym.id], penv[sym.id]))
                env = {**node.env, **penv}
                if w is not None:
                    test = fold(subst(w, env))
                    if _is_false(test):
                        return
                    if not _is_true(test):
                        prefix.append(n.Assume(test))
                self.paths(nxt, from_pc, _Path(prefix, params, penv, seen), pc_of, pname)
            case _Do(stmts=stmts, next=nxt):
                prefix = path.prefix + [self.subst_stmt(x, env) for x in stmts]
                self.paths(nxt, from_pc, _Path(prefix, path.params, path.env, seen), pc_of, pname)

    def subst_stmt(self, st: n.Stmt, env: Mapping[int, n.Expr]) -> n.Stmt:
        assert isinstance(st, n.Assign)
        return n.Assign(st.var, tuple(subst(i, env) for i in st.indices), subst(st.value, env), st.span)

    def emit(
        self,
        step: _Step,
        from_pc: int,
        path: _Path,
        env: dict[int, n.Expr],
        pc_of: Callable[[_Node, Span | None], int],
        pname: str,
    ) -> None:
        params = list(path.params)
        body = path.prefix + self.atomic(step.stmts, dict(env), params, ())
        after = _follow(step.next)
        seen: set[int] = set()
        while isinstance(after, _Do) and id(after) not in seen:
            seen.add(id(after))
            body.extend(self.subst_stmt(x, {**after.env, **path.env}) for x in after.stmts)
            after = _follow(after.next)
        to_pc = pc_of(after, step.span)
        label = " › ".join((*step.context, _label(step.span)))
        self.actions.append(
            n.Action(
                index=len(self.actions),
                process=self.process,
                label=label,
                params=tuple(params),
                from_pc=from_pc,
                to_pc=to_pc,
                body=tuple(body),
                span=step.span,
            )
        )

    def control_refs(self, processes: list[n.Process], e: n.Expr) -> n.Expr:
        """`at(P[i], label)` as a program-counter test, `local(P[i], x)` as a read of x's local."""

        def one(x: n.Expr) -> n.Expr | None:
            match x:
                case n.AtLabel(process=p, instance=i, label=label, span=span):
                    proc = processes[p]
                    pcs = self.label_pcs[p].get(label)
                    if not pcs and (p, label) in self.passed_labels:
                        raise _fail(
                            Code.LABEL_MID_STEP,
                            f"process {proc.name} is never at label {label!r} between steps: control passes "
                            "it in the middle of a step, so at() would always be false",
                            span,
                            hint="a condition decided after the previous step (leaving a loop, an if) is part "
                            "of the next step; put a step before the labelled statement",
                        )
                    if not pcs and label in self.all_labels[p]:
                        return n.Lit(0, n.BOOL)  # on a path no step can reach (a branch the constants rule out)
                    if not pcs:
                        raise _fail(
                            Code.UNKNOWN_NAME,
                            f"process {proc.name} has no control point labelled {label!r}",
                            span,
                            hint="a label names the point before a statement that a step ends at; "
                            f"the labels are: {', '.join(sorted(self.label_pcs[p])) or 'none'}",
                        )
                    sort = self.vars[proc.pc_var].sort
                    pc = n.Read(proc.pc_var, () if i is None else (self.control_refs(processes, i),), sort)
                    return n.Or(tuple(n.Cmp(n.CmpOp.EQ, pc, n.Lit(k, sort)) for k in pcs))
                case n.LocalOf(process=p, instance=i, sym=sym, name=name, span=span):
                    var = self.stored.get((p, sym))
                    if var is None:
                        raise _fail(
                            Code.UNKNOWN_NAME,
                            f"{name!r} is never kept across steps in process "
                            f"{processes[p].name}, so it has no value to read",
                            span,
                        )
                    return n.Read(var, () if i is None else (self.control_refs(processes, i),), self.vars[var].sort)
            return None

        return rewrite(e, one)

    def atomic_proc(self, proc: c.ProcDef, processes: list[n.Process]) -> n.AtomicProc:
        """The procedure's whole body as one action with its parameters as the action's (see
        `n.AtomicProc`); a body that cannot run in one step (a loop) gives the reason instead."""
        params: list[n.ActionParam] = []
        for p in proc.params:
            q = p.sort
            if isinstance(q, n.IntSort) and not q.bounded:
                return n.AtomicProc(
                    name=proc.name, action=None, problem=f"parameter {p.name!r} is unbounded", span=proc.span
                )
            params.append(n.ActionParam(name=p.name, sort=q))
        env: dict[int, n.Expr] = {p.id: n.Param(i, p.sort) for i, p in enumerate(proc.params)}
        self.inst = None
        try:
            body = self.atomic(proc.body, env, params, ())
        except GcverifyError as e:
            return n.AtomicProc(name=proc.name, action=None, problem=e.diagnostics[0].message, span=proc.span)
        owner = next(
            (i for i, p in enumerate(processes) if params and p.instance is not None and p.instance == params[0].sort),
            -1,
        )
        action = n.Action(
            index=0,
            process=owner,
            label=proc.name,
            params=tuple(params),
            from_pc=-1,
            to_pc=-1,
            body=tuple(body),
            span=proc.span,
        )
        return n.AtomicProc(name=proc.name, action=action, problem=None, span=proc.span)

    def run(self) -> n.Spec:
        processes = [self.lower_process(i, p) for i, p in enumerate(self.r.processes)]
        procs = tuple(self.atomic_proc(p, processes) for p in self.r.procs)
        refs = functools.partial(self.control_refs, processes)
        invariants = tuple(replace(i, body=refs(i.body)) for i in self.r.invariants)
        inductives = tuple(replace(d, conjuncts=tuple((t, refs(e)) for t, e in d.conjuncts)) for d in self.r.inductives)
        # only the definitions the properties use: a library definition about a label or a kept
        # parameter that this spec's constants make unreachable is then no error
        used: set[int] = set()
        todo: list[n.Expr] = [i.body for i in self.r.invariants] + [
            e for d in self.r.inductives for _, e in d.conjuncts
        ]
        while todo:
            e = todo.pop()
            if isinstance(e, n.Apply) and e.fn not in used:
                used.add(e.fn)
                todo.append(self.r.defs[e.fn].body)
            todo.extend(children(e))
        defs = tuple(replace(d, body=refs(d.body)) if k in used else d for k, d in enumerate(self.r.defs))
        return n.Spec(
            name=self.r.name,
            file=self.r.file,
            consts=self.r.consts,
            vars=tuple(self.vars),
            defs=defs,
            processes=tuple(processes),
            actions=tuple(self.actions),
            invariants=invariants,
            expectations=self.r.expectations,
            heap=self.r.heap,
            symmetric=self.r.symmetric,
            inductives=inductives,
            procs=procs,
            sizes=self.r.sizes,
            assertions=self.r.assertions,
        )


def lower(r: Resolved, budget: Budget | None = None) -> n.Spec:
    """Turn a resolved program into the transition system both engines check, within `budget`
    (time, memory, Ctrl-C: raises `Stopped` once it is spent)."""
    return Lowerer(r, budget).run()
