"""Replay: re-run a trace under concrete semantics and check it really is a counterexample.

Owns: `replay(model, init, instances)` -> `Trace` and `check_counterexample`.  Every trace any
engine reports goes through here before it is shown; a trace that does not replay, or does not end
in a violation of the property it is reported for, is an `InternalError` (a bug in gcverify).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import assert_never

from gcverify.diagnostics import InternalError
from gcverify.ir import nodes as n
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


def check_counterexample(model: Model, trace: Trace, prop: n.Property) -> None:
    """Raise InternalError unless the trace ends in a violation of `prop`: a state violating the
    invariant, a last step that faults at the assertion's site (or with a runtime error), or a
    deadlocked state."""
    match prop.kind:
        case n.PropertyKind.INVARIANT:
            if model.check_interpreted(prop.index, trace.last):
                raise InternalError(f"the replayed counterexample does not violate {prop.name!r}")
        case n.PropertyKind.ASSERTION | n.PropertyKind.RUNTIME:
            if not trace.steps:
                raise InternalError("a fault trace has no steps")
            pre = trace.steps[-2].state if len(trace.steps) > 1 else trace.init
            t = model.step(pre, trace.steps[-1].action)
            if t is None or t.fault is None or t.fault.site != prop.index:
                raise InternalError(f"the replayed trace does not end in a fault of {prop.display!r}")
        case n.PropertyKind.DEADLOCK:
            posts, faults = model.expand_interpreted(trace.last)
            if posts or faults or model.terminated(trace.last):
                raise InternalError("the replayed trace does not end in a deadlock")
        case n.PropertyKind.INDUCTIVE | n.PropertyKind.LEMMA:
            raise InternalError(f"{prop.kind.value} counterexamples are checked where they are made")
        case _:
            assert_never(prop.kind)
