"""Random small models through the whole pipeline, checked against an independent breadth-first search.

The reference runs on the plain interpreter and, in every state it visits, checks that the staged
(compiled) successors and invariants the explorer uses give exactly the interpreter's answers.

For each random well-typed spec: every counterexample replays step by step and ends in a violating
state; it is as short as possible; a complete search visits exactly the states a plain BFS over
`Model.successors` finds; and `holds` means no reachable state violates the invariant.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings

from gcverify.ir import nodes as n
from gcverify.pipeline import CheckConfig, check_spec, load_spec
from gcverify.results import FindingKind, SpecResult, Verdict
from gcverify.semantics.model import Model
from gcverify.semantics.replay import replay
from gcverify.semantics.state import State, Trace

from .strategies import ModelSpec, model_specs

MAX_STATES = 20_000


@dataclass
class Reference:
    """What a plain level-by-level BFS over Model.successors finds."""

    states: dict[State, int] = field(default_factory=dict)  # state -> BFS depth
    depth: int = 0
    complete: bool = False
    first_violation: dict[int, int] = field(default_factory=dict)  # invariant -> depth of first bad state
    first_fault: int | None = None  # length of the shortest trace ending in a faulting step


def reference_bfs(model: Model, cap: int) -> Reference:
    ref = Reference()
    n_inv = len(model.spec.invariants)
    init = model.initial()
    ref.states[init] = 0
    for i in range(n_inv):
        if not model.check_interpreted(i, init):
            ref.first_violation[i] = 0
    level = [init]
    depth = 0
    while level:
        nxt: list[State] = []
        for state in level:
            # the staged (compiled) code computes exactly what the interpreter does
            assert model.expand(state) == model.expand_interpreted(state)
            for _, tr in model.successors(state):
                if tr.fault is not None:
                    if ref.first_fault is None:
                        ref.first_fault = depth + 1
                    continue
                if tr.post in ref.states:
                    continue
                ref.states[tr.post] = depth + 1
                nxt.append(tr.post)
                for i in range(n_inv):
                    holds = model.check_interpreted(i, tr.post)
                    assert model.check(i, tr.post) == holds
                    if i not in ref.first_violation and not holds:
                        ref.first_violation[i] = depth + 1
        if nxt:
            depth += 1
        level = nxt
        if len(ref.states) > cap:
            return ref  # incomplete: too big to compare
    ref.depth = depth
    ref.complete = True
    return ref


def load(text: str) -> n.Spec:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "random.gcv"
        path.write_text(text, encoding="utf-8")
        return load_spec(path)


def assert_replays(model: Model, trace: Trace) -> None:
    """The trace starts in the initial state and each step is an enabled, fault-free transition of
    the model from the previous state to the recorded one, except possibly a faulting last step."""
    assert trace.init == model.initial()
    again = replay(model, model.initial(), [step.action for step in trace.steps])
    assert again == trace
    pre = trace.init
    for k, step in enumerate(trace.steps):
        moves = {tr.instance: tr for _, tr in model.successors(pre)}
        assert step.action in moves, f"step {k + 1} is not enabled"
        tr = moves[step.action]
        assert tr.post == step.state
        if k < len(trace.steps) - 1:
            assert tr.fault is None
        pre = step.state


def check_against_reference(ms: ModelSpec, result: SpecResult, model: Model, ref: Reference) -> None:
    spec = result.spec
    by_name = {inv.name: i for i, inv in enumerate(spec.invariants)}
    assert set(by_name) == set(ms.invariants)
    for r in result.results:
        if r.property.kind is not n.PropertyKind.INVARIANT:
            continue
        i = by_name[r.property.name]
        if r.verdict is Verdict.VIOLATED:
            assert r.finding is not None and r.finding.kind is FindingKind.INVARIANT
            trace = r.finding.trace
            # (a) the counterexample replays and ends in a violating state
            assert_replays(model, trace)
            assert not model.check(i, trace.last)
            earlier = [trace.init, *(step.state for step in trace.steps)][:-1]
            assert all(model.check(i, state) for state in earlier), "an earlier state already violates it"
            # (b) it is a shortest one
            assert i in ref.first_violation
            assert len(trace) == ref.first_violation[i]
            assert r.depth == len(trace)
        elif r.verdict is Verdict.HOLDS:
            # (d) holds: exhaustive, and no reachable state violates it
            assert result.complete
            assert ref.complete
            assert i not in ref.first_violation
        if ref.complete and len(ref.states) < MAX_STATES:
            # a small model is never 'unknown', and the verdict is the reference's
            assert r.verdict is not Verdict.UNKNOWN
            assert (r.verdict is Verdict.VIOLATED) == (i in ref.first_violation)
    # (c) a complete search saw exactly the reachable states, to the same depth
    if result.complete:
        assert ref.complete
        assert result.states == len(ref.states)
        assert result.depth == ref.depth
    # faults: reported iff reachable (when the search completed), shortest, and replayable
    [fault] = [r for r in result.results if r.property.kind is n.PropertyKind.RUNTIME]
    if fault.verdict is Verdict.VIOLATED:
        assert fault.finding is not None and fault.finding.kind is FindingKind.FAULT
        trace = fault.finding.trace
        assert_replays(model, trace)
        pre = trace.steps[-2].state if len(trace.steps) > 1 else trace.init
        last = model.step(pre, trace.steps[-1].action)
        assert last is not None and last.fault is not None
        assert len(trace) == ref.first_fault
    elif result.complete:
        assert ref.first_fault is None


@pytest.mark.slow
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(model_specs())
def test_random_model_agrees_with_reference_bfs(ms: ModelSpec) -> None:
    spec = load(ms.text)
    result = check_spec(spec, CheckConfig(max_states=MAX_STATES, symmetry=False))
    model = Model(spec)
    ref = reference_bfs(model, MAX_STATES)
    for r in result.results:
        event(f"{r.property.kind.value} {r.verdict.value}")
    event(f"reachable states: {'<10' if len(ref.states) < 10 else '<100' if len(ref.states) < 100 else '>=100'}")
    check_against_reference(ms, result, model, ref)
    reduced = check_spec(spec, CheckConfig(max_states=MAX_STATES))  # symmetry: the same verdicts, exact orbit sums
    if ref.complete and reduced.complete:
        assert reduced.search is not None
        assert reduced.search.unreduced_states in (None, len(ref.states))
        assert [r.verdict for r in reduced.results] == [r.verdict for r in result.results]


# A fixed model with a known answer, so that the machinery above is itself checked.
COUNTER = """spec counter
var x: 0 .. 3 = 0
var b: bool = false
process P {
    loop { either { x := if x < 3 then x + 1 else 0 } or { b := not b } }
}
invariant small: x < 3
invariant any: x <= 3
"""


def test_reference_bfs_on_a_known_model() -> None:
    spec = load(COUNTER)
    model = Model(spec)
    ref = reference_bfs(model, MAX_STATES)
    assert ref.complete
    assert len(ref.states) == 8  # x in 0..3, b in {false, true}; one control point
    assert ref.first_violation == {0: 3}
    result = check_spec(spec, CheckConfig(max_states=MAX_STATES, symmetry=False))
    verdicts = {r.property.display: r.verdict for r in result.results}
    assert verdicts == {"small": Verdict.VIOLATED, "any": Verdict.HOLDS, "runtime_error": Verdict.HOLDS}
    check_against_reference(ModelSpec(COUNTER, ("small", "any")), result, model, ref)
