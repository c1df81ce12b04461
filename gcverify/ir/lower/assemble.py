"""Assembly: a resolved program -> the `n.Spec` both engines check.

Owns: `lower` (every process in order, then the procedures as atomic actions for the lemma, then
the properties and definitions made core), `atomic_proc`, and which definitions must lower.
Invariants: properties are made core only after every process is lowered (they refer to any
process's labels and locals); definitions that no property or step uses may fail to lower without
an error (their `problem` says why).
Must not import anything from gcverify but `source`, `diagnostics` and `ir`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from gcverify.budget import Budget
from gcverify.diagnostics import GcverifyError
from gcverify.ir import control as c
from gcverify.ir import nodes as n
from gcverify.ir.lower.actions import lower_process
from gcverify.ir.lower.atomic import StepLowerer, core
from gcverify.ir.lower.context import Program
from gcverify.ir.lower.refs import control_refs
from gcverify.ir.resolve import Resolved
from gcverify.ir.walk import children, stmt_children, stmt_exprs
from gcverify.ir.width import check_width


def lower(r: Resolved, budget: Budget | None = None) -> n.Spec:
    """Turn a resolved program into the transition system both engines check, within `budget`
    (time, memory, Ctrl-C: raises `Stopped` once it is spent)."""
    prog = Program.start(r, budget)
    processes = [lower_process(prog, i, p) for i, p in enumerate(r.processes)]
    procs = tuple(atomic_proc(prog, p, processes) for p in r.procs)

    def refs(e: c.PreExpr) -> n.Expr:
        return control_refs(prog, processes, e)

    invariants = tuple(n.Invariant(name=i.name, body=refs(i.body), span=i.span) for i in r.invariants)
    inductives = tuple(
        n.Inductive(name=d.name, conjuncts=tuple((t, refs(e)) for t, e in d.conjuncts), span=d.span)
        for d in r.inductives
    )
    check_width(prog.vars)  # with the hidden locals and program counters lowering added
    return n.Spec(
        name=r.name,
        file=r.file,
        consts=r.consts,
        vars=tuple(prog.vars),
        defs=_defs(prog, refs, procs),
        processes=tuple(processes),
        actions=tuple(prog.actions),
        invariants=invariants,
        expectations=r.expectations,
        heap=r.heap,
        symmetric=r.symmetric,
        inductives=inductives,
        procs=procs,
        sizes=r.sizes,
        assertions=r.assertions,
    )


def atomic_proc(prog: Program, proc: c.ProcDef, processes: list[n.Process]) -> n.AtomicProc:
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
    try:
        body = StepLowerer(prog).atomic(proc.body, env, params, ())
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


def _defs(
    prog: Program, refs: Callable[[c.PreExpr], n.Expr], procs: tuple[n.AtomicProc, ...]
) -> tuple[n.Def[n.Expr], ...]:
    """Every definition as a core one.  Those a property uses must lower; those a step uses must
    also not use at() or local().  Any other (a library definition about a label or a kept
    parameter that this spec's constants make unreachable) that does not lower is kept with its
    `problem` instead: no error unless something asks for it by name (a lemma)."""
    r = prog.r
    step_exprs = [e for a in prog.actions for e in _stmts_exprs(a.body)]
    step_exprs += [e for p in procs if p.action is not None for e in _stmts_exprs(p.action.body)]
    by_steps = _applied(step_exprs, r.defs)
    by_props = _applied([i.body for i in r.invariants] + [e for d in r.inductives for _, e in d.conjuncts], r.defs)
    out: list[n.Def[n.Expr]] = []
    for k, d in enumerate(r.defs):
        problem = None
        if k in by_steps:
            body = core(d.body, {})
        elif k in by_props:
            body = refs(d.body)
        else:
            try:
                body = refs(d.body)
            except GcverifyError as err:
                body, problem = n.Lit(n.default_value(d.type), d.type), err.diagnostics[0].message
        out.append(n.Def(name=d.name, slots=d.slots, body=body, type=d.type, span=d.span, problem=problem))
    return tuple(out)


def _stmts_exprs(stmts: tuple[n.Stmt, ...]) -> list[n.Expr]:
    out: list[n.Expr] = []
    todo = list(stmts)
    while todo:
        st = todo.pop()
        out.extend(stmt_exprs(st))
        todo.extend(stmt_children(st))
    return out


def _applied(roots: Sequence[c.PreExpr], defs: tuple[n.Def[c.PreExpr], ...]) -> set[int]:
    """The definitions `roots` call, directly or through other definitions."""
    used: set[int] = set()
    todo = list(roots)
    while todo:
        e = todo.pop()
        if isinstance(e, n.Apply) and e.fn not in used:
            used.add(e.fn)
            todo.append(defs[e.fn].body)
        todo.extend(children(e))
    return used
