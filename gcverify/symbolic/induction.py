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
from dataclasses import dataclass

import z3

from gcverify.diagnostics import InternalError
from gcverify.ir import nodes as n
from gcverify.semantics.concrete import CONCRETE
from gcverify.semantics.interp import Compiler, Disabled, Frame, Stop
from gcverify.semantics.model import Model
from gcverify.semantics.replay import replay
from gcverify.semantics.state import State, Trace
from gcverify.symbolic import decode
from gcverify.symbolic.encode import Encoding, StepVars, sort_bounds


@dataclass(frozen=True, slots=True)
class Cti:
    """k states satisfying the candidate, then one that does not; `failing`: the conjuncts false there."""

    trace: Trace
    failing: tuple[str, ...]
    base: bool  # True: the initial states already break it (a real violation)


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


def prove_inductive(spec: n.Spec, index: int, k: int = 1, timeout_ms: int | None = None) -> InductionOutcome:
    start = time.monotonic()
    cand = spec.inductives[index]
    enc = Encoding(spec)
    model = Model(spec)

    def check(solver: z3.Solver) -> z3.CheckSatResult:
        if timeout_ms is not None:
            solver.set("timeout", timeout_ms)
        return solver.check()

    body = enc.interp.compiler.expr(cand.body)

    def value(state: list[z3.ExprRef]) -> z3.BoolRef:
        """The candidate's value; a fault while evaluating it counts as false (as concretely)."""
        frame = enc.interp.frame(state, ())
        try:
            out = body(frame)
        except Stop:
            return z3.BoolVal(False)
        return z3.And(out, *(z3.Not(f.cond) for f in frame.faults))

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


def _checked_cti(
    enc: Encoding, model: Model, cand: n.Inductive, zm: z3.ModelRef, path: list[list[z3.ExprRef]], moves: list[StepVars]
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


def _implied(spec: n.Spec, cand: n.Inductive, enc: Encoding, value: Value, check: Check) -> tuple[int, ...]:
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


def _one_step(enc: Encoding, model: Model, value: Value, cand: n.Inductive, check: Check) -> Cti | str | None:
    """1-induction one action at a time (smaller queries than one disjunction of all actions): a
    counterexample to induction, the reason the solver gave up, or None when every step keeps the
    candidate."""
    pre, post = enc.state("i0"), enc.state("i1")
    sv = enc.step_vars("i0")
    assumptions = [*enc.domain(pre), *enc.domain(post), value(pre)]
    goal = z3.Not(value(post))
    shared = enc.side()
    for action, params in zip(enc.spec.actions, sv.params, strict=True):
        out = enc.interp.run_action(action.index, pre, params)
        if out is None:
            continue
        fault = enc.ops.or_(*(f.cond for f in out.faults))
        dom = [
            z3.And(p >= sort_bounds(q.sort)[0], p <= sort_bounds(q.sort)[1])
            for p, q in zip(params, action.params, strict=True)
            if not isinstance(q.sort, n.BoolSort)
        ]
        solver = z3.SolverFor("QF_BV")
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
