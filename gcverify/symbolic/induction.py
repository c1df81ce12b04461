"""k-induction at a fixed size: is a candidate invariant inductive, and if not, why not?

Owns: `prove_inductive(spec, index, k)`.  Base: no state within k-1 steps of the initial state
violates the candidate (a bounded check).  Step: from any k consecutive states that satisfy it and
follow the transition relation (not necessarily reachable: any values of their sorts), the next
state satisfies it too.  If the step fails, the counterexample to induction (CTI) is decoded,
replayed concretely from its first state, and checked to really leave the candidate, with the
conjuncts that fail named.  When the candidate is inductive, each of the spec's invariants that it
implies is proved too (at this size).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import z3

from gcverify.budget import Budget
from gcverify.diagnostics import InternalError
from gcverify.ir import nodes as n
from gcverify.semantics.concrete import CONCRETE
from gcverify.semantics.interp import Compiler, Disabled, Frame, Stop
from gcverify.semantics.model import Model
from gcverify.semantics.ops import NotFirstOrder
from gcverify.semantics.replay import replay
from gcverify.semantics.state import State, Trace
from gcverify.symbolic import decode
from gcverify.symbolic.encode import ALL_SIZES_TIMEOUT_MS, SMALL_HEAPS, Encoding, StepVars, unsupported


@dataclass(frozen=True, slots=True)
class Cti:
    """k states satisfying the candidate, then one that does not; `failing`: the conjuncts false there."""

    trace: Trace
    failing: tuple[str, ...]
    base: bool  # True: the initial states already break it (a real violation)
    spec: n.Spec | None = None  # the spec the trace is of, when not the one asked about (another size)


@dataclass(frozen=True, slots=True)
class InductionOutcome:
    inductive: bool
    cti: Cti | None
    implied: tuple[int, ...]  # spec invariants proved by the candidate
    unknown: str | None
    seconds: float


def _holds(model: Model, e: n.Expr, state: State) -> bool:
    f = Frame(list(state), (), 1, 1)
    try:
        return bool(Compiler(model.spec, model.layout, CONCRETE).expr(e)(f)) and not f.faults
    except (Stop, Disabled):
        return False


def prove_inductive(
    spec: n.Spec, index: int, k: int = 1, timeout_ms: int | None = None, budget: Budget | None = None
) -> InductionOutcome:
    """`budget` (time, memory, Ctrl-C): checked while encoding (raises `Stopped`) and before each
    query, whose timeout is at most the time it has left."""
    start = time.monotonic()
    cand = spec.inductives[index]
    enc = Encoding(spec, budget=budget)
    model = Model(spec, budget)

    check = _checker(timeout_ms, budget)
    value = _value(enc, cand)

    # base case: the candidate holds in every state within k-1 steps of the initial state
    base = z3.SolverFor("QF_BV")
    states = [enc.state("b0")]
    steps: list[StepVars] = []
    base.add(*enc.initial(states[0]))
    if not _holds(model, cand.body, model.initial()):  # depth 0: the initial state, concretely
        trace = Trace(model.initial(), ())
        failing = tuple(t for t, e in cand.conjuncts if not _holds(model, e, trace.init))
        return InductionOutcome(False, Cti(trace, failing, True), (), None, time.monotonic() - start)
    for i in range(1, k):
        states.append(enc.state(f"b{i}"))
        steps.append(enc.step_vars(f"b{i - 1}"))
        rel, _ = enc.transition(states[i - 1], states[i], steps[i - 1])
        base.add(rel, *enc.side())
        goal = z3.Not(value(states[i]))
        base.add(*enc.side())
        base.push()
        base.add(goal)
        answer = check(base)
        if answer == z3.sat:
            zm = base.model()
            trace = replay(model, model.initial(), [decode.instance(enc, zm, steps[j]) for j in range(i)])
            failing = tuple(t for t, e in cand.conjuncts if not _holds(model, e, trace.last))
            if not failing:
                raise InternalError("the base-case counterexample satisfies the candidate when replayed")
            return InductionOutcome(False, Cti(trace, failing, True), (), None, time.monotonic() - start)
        base.pop()
        if answer == z3.unknown:
            return InductionOutcome(
                False, None, (), f"Z3 answered unknown ({base.reason_unknown()})", time.monotonic() - start
            )

    # inductive step: k states in the candidate, then a transition out of it
    if k == 1:
        cti = _one_step(enc, model, value, cand, check)
        if isinstance(cti, str):
            return InductionOutcome(False, None, (), cti, time.monotonic() - start)
        if cti is not None:
            return InductionOutcome(False, cti, (), None, time.monotonic() - start)
        return InductionOutcome(True, None, _implied(spec, cand, enc, value, check), None, time.monotonic() - start)
    solver = z3.SolverFor("QF_BV")
    path = [enc.state(f"i{j}") for j in range(k + 1)]
    moves = [enc.step_vars(f"i{j}") for j in range(k)]
    for j in range(k + 1):
        solver.add(*enc.domain(path[j]))
    for j in range(k):
        solver.add(value(path[j]))
        rel, _ = enc.transition(path[j], path[j + 1], moves[j])
        solver.add(rel)
    solver.add(*enc.side())
    solver.push()
    solver.add(z3.Not(value(path[k])), *enc.side())
    answer = check(solver)
    if answer == z3.unknown:
        return InductionOutcome(
            False, None, (), f"Z3 answered unknown ({solver.reason_unknown()})", time.monotonic() - start
        )
    if answer == z3.sat:
        cti = _checked_cti(enc, model, cand, solver.model(), path, moves)
        return InductionOutcome(False, cti, (), None, time.monotonic() - start)
    solver.pop()
    return InductionOutcome(True, None, _implied(spec, cand, enc, value, check), None, time.monotonic() - start)


def _value(enc: Encoding, cand: n.Inductive[n.Expr]) -> Value:
    """The candidate's value in a state; a fault while evaluating it counts as false (as
    concretely).  For every size, a conjunct that cannot be expressed is refused by name."""
    parts = []
    for text, e in cand.conjuncts:
        try:
            parts.append(enc.interp.compiler.expr(e))
        except NotFirstOrder as err:
            defined = enc.spec.defs[e.fn].span if isinstance(e, n.Apply) else None
            raise unsupported(f"the conjunct {text!r} of {cand.name!r}", cand.span, err, defined) from None

    def value(state: list[z3.ExprRef]) -> z3.BoolRef:
        frame = enc.interp.frame(state, ())
        frame.property = True
        try:
            out = [p(frame) for p in parts]
        except Stop:
            return z3.BoolVal(False)
        except NotFirstOrder as err:
            raise unsupported(f"the candidate {cand.name!r}", cand.span, err) from None
        return z3.And(*out, *(z3.Not(f.cond) for f in frame.faults))

    return value


def prove_inductive_all_sizes(
    spec: n.Spec, index: int, resize: Callable[[int], n.Spec], timeout_ms: int | None = None
) -> InductionOutcome:
    """1-induction with `Object` uninterpreted: the candidate holds initially and every step keeps
    it, for heaps of every size.  Heaps of 1..SMALL_HEAPS objects are tried first at fixed sizes
    (quantifier-free and complete: a candidate that is not inductive usually shows there, at its
    fewest objects).  Then the queries for every size, each within `timeout_ms` (default
    ALL_SIZES_TIMEOUT_MS: with quantifiers Z3 need not terminate); where one finds a way out, the
    same action is searched at the sizes up to its countermodel's, and the counterexample is
    decoded and replayed there."""
    start = time.monotonic()
    cand = spec.inductives[index]
    enc = Encoding(spec, all_sizes=True)
    value = _value(enc, cand)

    def done(inductive: bool, cti: Cti | None, implied: tuple[int, ...], why: str | None) -> InductionOutcome:
        return InductionOutcome(inductive, cti, implied, why, time.monotonic() - start)

    for size in range(1, SMALL_HEAPS + 1):
        at_size = resize(size)
        got = prove_inductive(at_size, index, 1, timeout_ms)
        if got.unknown is not None:
            return done(False, None, (), f"{got.unknown} at {size} objects")
        if got.cti is not None:
            return done(False, replace(got.cti, spec=at_size), (), None)
    every = timeout_ms or ALL_SIZES_TIMEOUT_MS

    def check(constraints: list[z3.BoolRef]) -> tuple[z3.CheckSatResult, str, int]:
        return enc.decide_all_sizes(constraints, every)

    # base case: the initial state, of every size
    s0 = enc.state("b0")
    answer, why, largest = check([*enc.initial(s0), z3.Not(value(s0)), *enc.side()])
    if answer == z3.unknown:
        return done(False, None, (), f"Z3 answered unknown ({why})")
    if answer == z3.sat:
        for size in range(SMALL_HEAPS + 1, largest + 1):
            model = Model(resize(size))
            sized_cand = model.spec.inductives[index]
            if not _holds(model, sized_cand.body, model.initial()):
                trace = Trace(model.initial(), ())
                failing = tuple(t for t, e in sized_cand.conjuncts if not _holds(model, e, trace.init))
                return done(False, Cti(trace, failing, True, model.spec), (), None)
        raise InternalError(f"the initial state with {largest} objects leaves the candidate for Z3, not when run")

    # inductive step, one action at a time
    pre, post = enc.state("i0"), enc.state("i1")
    sv = enc.step_vars("i0")
    assumptions = [*enc.domain(pre), *enc.domain(post), value(pre), *enc.side()]
    goal = z3.Not(value(post))
    for action, params in zip(spec.actions, sv.params, strict=True):
        out = enc.run(action, pre, params)
        if out is None:
            continue
        fault = enc.ops.or_(*(f.cond for f in out.faults))
        step = [out.enabled, z3.Not(fault), *enc.param_domain(action, params), *enc.equal(post, out.post)]
        answer, why, largest = check([*assumptions, *step, goal, *enc.side()])
        if answer == z3.unknown:
            return done(False, None, (), f"Z3 answered unknown for the step {action.label!r} ({why})")
        if answer == z3.sat:
            for size in range(SMALL_HEAPS + 1, largest + 1):
                at_size = resize(size)
                fixed = Encoding(at_size)
                sized_cand = at_size.inductives[index]
                cti = _one_step(
                    fixed,
                    Model(at_size),
                    _value(fixed, sized_cand),
                    sized_cand,
                    _checker(timeout_ms),
                    only=action.index,
                )
                if isinstance(cti, str):
                    return done(False, None, (), f"{cti} at {size} objects")
                if cti is not None:
                    return done(False, replace(cti, spec=at_size), (), None)
            raise InternalError(
                f"the step {action.label!r} leaves the candidate with {largest} objects for Z3, "
                "but no such step was found at that size"
            )
    cand_parts = {e for _, e in cand.conjuncts}
    implied = tuple(i for i, inv in enumerate(spec.invariants) if inv.body in cand_parts)
    return done(True, None, implied, None)


def _checker(timeout_ms: int | None, budget: Budget | None = None) -> Check:
    def check(solver: z3.Solver) -> z3.CheckSatResult:
        limit = timeout_ms
        if budget is not None:
            budget.check("proving by induction")
            limit = budget.solver_timeout_ms(timeout_ms)
        if limit is not None:
            solver.set("timeout", limit)
        return solver.check()

    return check


def _checked_cti(
    enc: Encoding,
    model: Model,
    cand: n.Inductive[n.Expr],
    zm: z3.ModelRef,
    path: list[list[z3.ExprRef]],
    moves: list[StepVars],
) -> Cti:
    """Decode a counterexample to induction and replay it concretely: every state must match, all
    but the last must satisfy the candidate, and the last must not (naming the failing conjuncts)."""
    first = decode.state(enc, zm, path[0])
    trace = replay(model, first, [decode.instance(enc, zm, sv) for sv in moves])
    for j, step in enumerate(trace.steps, 1):
        if step.state != decode.state(enc, zm, path[j]):
            raise InternalError(f"state {j} of the counterexample to induction differs when replayed")
    if not all(_holds(model, cand.body, st) for st in [trace.init, *[x.state for x in trace.steps][:-1]]):
        raise InternalError("the counterexample to induction starts outside the candidate when replayed")
    failing = tuple(t for t, e in cand.conjuncts if not _holds(model, e, trace.last))
    if not failing:
        raise InternalError("the counterexample to induction stays inside the candidate when replayed")
    return Cti(trace, failing, False)


Value = Callable[[list[z3.ExprRef]], z3.BoolRef]
Check = Callable[[z3.Solver], z3.CheckSatResult]


def _implied(spec: n.Spec, cand: n.Inductive[n.Expr], enc: Encoding, value: Value, check: Check) -> tuple[int, ...]:
    """The spec's invariants the candidate implies in every state of its sorts.  An invariant that
    is one of the candidate's conjuncts is implied without asking the solver."""
    cand_parts = {e for _, e in cand.conjuncts}
    implied: list[int] = []
    s = enc.state("imp")
    for i, inv in enumerate(spec.invariants):
        if inv.body in cand_parts:
            implied.append(i)
            continue
        imp = z3.SolverFor("QF_BV")
        imp.add(*enc.domain(s), value(s), z3.Not(enc.invariant(i, s)), *enc.side())
        if check(imp) == z3.unsat:
            implied.append(i)
    return tuple(implied)


def _one_step(
    enc: Encoding, model: Model, value: Value, cand: n.Inductive[n.Expr], check: Check, only: int | None = None
) -> Cti | str | None:
    """1-induction one action at a time (smaller queries than one disjunction of all actions): a
    counterexample to induction, the reason the solver gave up, or None when every step keeps the
    candidate."""
    pre, post = enc.state("i0"), enc.state("i1")
    sv = enc.step_vars("i0")
    assumptions = [*enc.domain(pre), *enc.domain(post), value(pre)]
    if enc.spec.heap is not None and enc.object_symmetry() is None:
        assumptions += enc.sorted_objects(pre)
    goal = z3.Not(value(post))
    shared = enc.side()
    for action, params in zip(enc.spec.actions, sv.params, strict=True):
        if only is not None and action.index != only:
            continue
        out = enc.interp.run_action(action.index, pre, params)
        if out is None:
            continue
        fault = enc.ops.or_(*(f.cond for f in out.faults))
        dom = enc.param_domain(action, params)
        solver = enc.solver()
        solver.add(
            *assumptions,
            *shared,
            out.enabled,
            z3.Not(fault),
            *dom,
            *enc.equal(post, out.post),
            sv.selector == action.index,
            goal,
            *enc.side(),
        )
        answer = check(solver)
        if answer == z3.unknown:
            return f"Z3 answered unknown ({solver.reason_unknown()})"
        if answer == z3.sat:
            return _checked_cti(enc, model, cand, solver.model(), [pre, post], [sv])
    return None
