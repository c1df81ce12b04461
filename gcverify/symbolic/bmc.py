"""Bounded model checking: is a property violated within k steps?

Owns: `bmc(spec, depth)`: unrolls the transition relation one step at a time, asking at each depth
whether some state at exactly that depth violates an invariant (or a step faults), so the first
counterexample found is a shortest one, like the explorer's.  Each counterexample is decoded and
replayed concretely before it is returned; a trace that does not replay is an InternalError.
Solver words (sat/unsat) do not leave this package: results are `Verdict`s with `Evidence`.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass

import z3

from gcverify.budget import Budget, Stopped
from gcverify.diagnostics import InternalError
from gcverify.ir import nodes as n
from gcverify.reporter import SILENT, Progress, Reporter
from gcverify.semantics.model import Model
from gcverify.semantics.replay import check_counterexample, replay
from gcverify.semantics.state import Trace
from gcverify.symbolic import decode
from gcverify.symbolic.encode import Encoding, State, StepVars, gave_up


@dataclass(frozen=True, slots=True)
class BmcOutcome:
    """Per property violated within `depth` steps (an invariant, an assertion, runtime errors): the
    trace of a violation."""

    traces: dict[n.Property, Trace]
    depth: int
    unknown: str | None
    seconds: float


def bmc(
    spec: n.Spec,
    depth: int,
    timeout_ms: int | None = None,
    reporter: Reporter = SILENT,
    symmetry: bool = True,
    budget: Budget | None = None,
    properties: Collection[n.Property] | None = None,
) -> BmcOutcome:
    """Look for violations at depth 0, 1, …, `depth`; a `Progress` event to `reporter` as each depth
    begins.
    `symmetry`: break the symmetry of objects where that is sound (tests compare with and without).
    `budget` (time, memory, Ctrl-C) is checked between depths and while encoding, and every query's
    timeout is at most the time it has left; once it is spent, the outcome is unknown, with the
    violations found so far.  `properties`: those to look for (None: every invariant, assertion and
    runtime errors)."""
    start = time.monotonic()
    budget = budget or Budget()
    found: dict[n.Property, Trace] = {}
    at = 0
    try:
        enc = Encoding(spec, budget=budget)
        model = Model(spec, budget)
        solver = z3.SolverFor("QF_BV")
        states: list[State] = [enc.state("0")]
        steps: list[StepVars] = []
        solver.add(*enc.initial(states[0]))
        # symmetry breaking: objects are first touched in index order (sound when the steps treat
        # objects alike, which object_symmetry() checks; otherwise left out)
        symmetric = symmetry and spec.heap is not None and enc.object_symmetry() is None
        touched: list[z3.BoolRef] | None = None
        if symmetric:
            touched, constraints = enc.touched(states[0], None)
            solver.add(*constraints)
        every = spec.safety_properties(deadlock=False)
        pending = {p for p in every if properties is None or p in properties}
        sites = [p for p in every if p in pending and p.kind is not n.PropertyKind.INVARIANT]

        def ask(k: int) -> tuple[z3.CheckSatResult, str]:
            """The solver's answer at depth k, within the budget; why it gave up, if it did."""
            limit = budget.solver_timeout_ms(timeout_ms)
            if limit is not None:
                solver.set("timeout", limit)
            answer = solver.check()
            return answer, gave_up(solver, budget, f"at depth {k}") if answer == z3.unknown else ""

        def attempt(key: n.Property, goal: z3.BoolRef, k: int) -> str | None:
            """Look for `goal` at depth k; record a trace; the reason if the solver gave up."""
            solver.push()
            solver.add(goal)
            answer, reason = ask(k)
            if answer == z3.sat:
                found[key] = _trace(enc, model, solver.model(), states, steps, k, key)
                pending.discard(key)
            solver.pop()
            return reason or None

        for k in range(depth + 1):
            at = k
            budget.check(f"encoding depth {k}")
            reporter.progress(Progress(0, k, 0, time.monotonic() - start))
            goals = {
                p: z3.Not(enc.invariant(p.index, states[k]))
                for p in sorted(pending, key=lambda p: p.index)
                if p.kind is n.PropertyKind.INVARIANT
            }
            solver.add(*enc.side())
            # one query for "some pending invariant fails here" first: usually none does
            if len(goals) > 1:
                solver.push()
                solver.add(z3.Or(*goals.values()))
                some, reason = ask(k)
                solver.pop()
                if some == z3.unknown:
                    return BmcOutcome(found, k, reason, time.monotonic() - start)
                if some == z3.unsat:
                    goals = {}
            for i, goal in goals.items():
                if (why := attempt(i, goal, k)) is not None:
                    return BmcOutcome(found, k, why, time.monotonic() - start)
            if not pending or k == depth:
                break
            budget.check(f"encoding depth {k + 1}")
            states.append(enc.state(str(k + 1)))
            steps.append(enc.step_vars(str(k)))
            rel, faults = enc.transition(states[k], states[k + 1], steps[k])
            solver.add(*enc.side())
            for prop in sites:
                if prop not in pending or prop.index not in faults:
                    continue
                if (why := attempt(prop, faults[prop.index], k + 1)) is not None:
                    return BmcOutcome(found, k, why, time.monotonic() - start)
            solver.add(rel)
            if symmetric:
                touched, constraints = enc.touched(states[k + 1], touched)
                solver.add(*constraints)
    except Stopped as stop:
        return BmcOutcome(found, at, stop.message, time.monotonic() - start)
    return BmcOutcome(found, depth, None, time.monotonic() - start)


def _trace(
    enc: Encoding,
    model: Model,
    zm: z3.ModelRef,
    states: list[State],
    steps: list[StepVars],
    k: int,
    prop: n.Property,
) -> Trace:
    init = decode.state(enc, zm, states[0])
    if init != model.initial():
        raise InternalError("BMC's initial state is not the model's initial state")
    instances = [decode.instance(enc, zm, steps[i]) for i in range(k)]
    trace = replay(model, init, instances)
    for i, step in enumerate(trace.steps, 1):
        if prop.kind is not n.PropertyKind.INVARIANT and i == k:
            break
        if step.state != decode.state(enc, zm, states[i]):
            raise InternalError(f"BMC's state {i} differs from the concrete replay")
    check_counterexample(model, trace, prop)
    return trace
