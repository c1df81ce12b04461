"""Replay: re-run a trace under concrete semantics and check it really is a counterexample.

Owns: `replay(model, init, instances)` -> `Trace` and `check_counterexample`.  Every trace any
engine reports goes through here before it is shown; a trace that does not replay, or does not end
in a violation of the property it is reported for, is an `InternalError` (a bug in gcverify).
"""

from __future__ import annotations

from collections.abc import Sequence

from gcverify.diagnostics import InternalError
from gcverify.semantics.model import Model
from gcverify.semantics.state import ActionInstance, State, Step, Trace


def replay(model: Model, init: State, instances: Sequence[ActionInstance]) -> Trace:
    state = init
    steps: list[Step] = []
    for i, inst in enumerate(instances):
        t = model.step(state, inst)
        if t is None:
            raise InternalError(
                f"trace step {i + 1} ({model.spec.actions[inst.action].label!r}) is not enabled when replayed"
            )
        state = t.post
        steps.append(Step(inst, state))
    return Trace(init, tuple(steps))


def check_counterexample(model: Model, trace: Trace, invariant: int | None) -> None:
    """Raise InternalError unless the trace ends in a state violating `invariant` (None: a fault
    in the last step)."""
    if invariant is None:
        if not trace.steps:
            raise InternalError("a fault trace has no steps")
        pre = trace.steps[-2].state if len(trace.steps) > 1 else trace.init
        t = model.step(pre, trace.steps[-1].action)
        if t is None or t.fault is None:
            raise InternalError("the replayed trace does not end in a fault")
        return
    if model.check_interpreted(invariant, trace.last):
        name = model.spec.invariants[invariant].name
        raise InternalError(f"the replayed counterexample does not violate {name!r}")
