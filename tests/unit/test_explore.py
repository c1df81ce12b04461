"""The explicit explorer: shortest counterexamples, replay, limits, deadlocks, faults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gcverify.cli import main
from gcverify.diagnostics import ExitCode, InternalError
from gcverify.explore.search import ExploreConfig, explore
from gcverify.explore.trace import walk
from gcverify.explore.visited import fingerprint
from gcverify.pipeline import EngineChoice
from gcverify.results import FindingKind, Partial, Verdict
from gcverify.semantics.model import Model
from gcverify.semantics.replay import check_counterexample, replay
from gcverify.semantics.state import Trace
from tests.helpers import run, spec_from_text

# A counter that one process increments by 1 and another by 2: x reaches 4 in two steps at best.
COUNTER = """
var x: 0..7 = 0
process One { loop { x := x + 1 } }
process Two { loop { await x < 6
                     x := x + 2 } }
invariant below4: x < 4
"""


def test_counterexample_is_shortest_and_replays() -> None:
    result = run(COUNTER)
    [check] = [c for c in result.results if c.property.display == "below4"]
    assert check.verdict is Verdict.VIOLATED
    assert check.finding is not None
    # Two: await, then +2 (2 steps) reaches 2; 4 needs at least: await,+2,await,+2 = 4 steps,
    # or One/Two mixes: +1,+1,+1,+1 = 4, or await,+2,+1,+1 = 4.  No 3-step path reaches 4.
    assert len(check.finding.trace) == 4
    model = Model(result.spec)
    trace = replay(model, model.initial(), [s.action for s in check.finding.trace.steps])
    assert trace == check.finding.trace
    assert not model.check(0, trace.last)


def test_a_trace_that_does_not_violate_is_an_internal_error() -> None:
    result = run(COUNTER)
    check = result.results[0]
    assert check.finding is not None
    model = Model(result.spec)
    short = Trace(check.finding.trace.init, check.finding.trace.steps[:1])
    with pytest.raises(InternalError):
        check_counterexample(model, short, model.spec.invariant_property(0))


def test_replay_rejects_a_step_that_is_not_enabled() -> None:
    result = run(COUNTER)
    model = Model(result.spec)
    [plus_two] = [i for i in model.instances if result.spec.actions[i.action].label == "x := x + 2"]
    with pytest.raises(InternalError):
        replay(model, model.initial(), [plus_two])  # the +2 step before its await


def test_state_limit_gives_unknown_with_what_was_explored() -> None:
    text = "var x: 0..200 = 0\nprocess P { loop { await x < 200\n x := x + 1 } }\ninvariant ok: x <= 200\n"
    result = run(text, max_states=50)
    check, runtime = result.results
    assert check.verdict is Verdict.UNKNOWN and runtime.verdict is Verdict.UNKNOWN
    assert isinstance(check.evidence, Partial)
    assert "state limit" in check.evidence.reason
    assert result.states == 50  # the limit is honoured exactly
    assert not check.met
    assert run(text).results[0].verdict is Verdict.HOLDS


def test_deadlock_is_reported_with_a_trace() -> None:
    text = "var x: bool = false\nprocess P { await x\n x := false }\ninvariant ok: true\n"
    result = run(text, check_deadlock=True)
    dead = {c.property.display: c for c in result.results}["deadlock"]
    assert dead.verdict is Verdict.VIOLATED
    assert dead.finding is not None and dead.finding.kind is FindingKind.DEADLOCK
    assert len(dead.finding.trace) == 0


def test_nil_dereference_is_a_fault_with_its_location() -> None:
    text = """
    scalarset Object of 2
    fields next
    var r: Object? = nil
    var c: Object -> bool = false
    process P { c[r] := true }
    invariant ok: true
    """
    result = run(text)
    fault = {c.property.display: c for c in result.results}["runtime_error"]
    assert fault.verdict is Verdict.VIOLATED
    assert fault.finding is not None and fault.finding.kind is FindingKind.FAULT
    assert "nil" in fault.finding.message
    assert fault.finding.span is not None and fault.finding.span.line == 6


def test_short_circuit_guards_do_not_fault() -> None:
    text = """
    scalarset Object of 2
    fields next
    var r: Object? = nil
    var c: Object -> bool = false
    process P { if r != nil and c[r] { skip } }
    invariant ok: true
    """
    verdicts = {c.property.display: c.verdict for c in run(text).results}
    assert verdicts == {"ok": Verdict.HOLDS, "runtime_error": Verdict.HOLDS}


def test_assignment_out_of_range_faults() -> None:
    text = "var x: 0..2 = 2\nprocess P { x := x + 1 }\ninvariant ok: true\n"
    fault = {c.property.display: c for c in run(text).results}["runtime_error"]
    assert fault.finding is not None and "range" in fault.finding.message


def test_invariant_witnesses_are_named() -> None:
    text = """
    scalarset Object of 2
    var marked: Object -> bool = false
    process P { choose o in Object: marked[o] := true }
    invariant none_marked: forall o in Object: not marked[o]
    """
    check, _ = run(text).results
    assert check.finding is not None
    assert check.finding.message in ("false for o=o1", "false for o=o2")


def test_initial_state_violation_has_an_empty_trace() -> None:
    spec = spec_from_text("var x: 0..1 = 1\nprocess P { skip }\ninvariant zero: x == 0\n")
    result = run("var x: 0..1 = 1\nprocess P { skip }\ninvariant zero: x == 0\n")
    assert spec.invariants[0].name == "zero"
    assert result.results[0].finding is not None
    assert result.results[0].finding.trace.steps == ()
    assert isinstance(result.results[0].finding.trace.steps, tuple)
    # the trace type is the one every engine reports: BMC finds the same empty trace from the same state
    bmc = run("var x: 0..1 = 1\nprocess P { skip }\ninvariant zero: x == 0\n", engine=EngineChoice.BMC)
    assert bmc.results[0].finding is not None
    assert bmc.results[0].finding.trace == result.results[0].finding.trace


def test_too_many_parameter_values_is_a_clean_error() -> None:
    from gcverify.diagnostics import Code, GcverifyError

    text = "range R = 0 .. 99\nvar x: 0..99 = 0\nprocess P { choose a, b, c, d in R: x := a }\ninvariant ok: true\n"
    with pytest.raises(GcverifyError) as err:
        run(text)
    assert err.value.diagnostics[0].code is Code.TOO_LARGE


def test_memory_limit_gives_unknown() -> None:
    text = "var x: 0..200 = 0\nprocess P { loop { await x < 200\n x := x + 1 } }\ninvariant ok: x <= 200\n"
    check, _ = run(text, max_memory_mb=1).results
    assert check.verdict is Verdict.UNKNOWN
    assert isinstance(check.evidence, Partial)
    # this process alone holds more than 1 MB: the limit is reached at its first look, before the search
    assert check.evidence.reason == "memory limit of 1 MB reached while building the model"


SYMMETRIC = """
scalarset Object of 3
var marked: Object -> bool = false
var count: 0..3 = 0
process P { loop { choose o in Object where not marked[o] {
                     marked[o] := true
                     count := count + 1 } } }
invariant few: count < 3
"""


def test_symmetry_reports_the_states_it_saved() -> None:
    reduced = run(SYMMETRIC, symmetry=True)
    full = run(SYMMETRIC)
    assert reduced.search is not None and full.search is not None
    assert full.states > reduced.states
    assert (reduced.search.unreduced_states, full.search.unreduced_states) == (full.states, None)
    assert [(c.verdict, len(c.finding.trace) if c.finding else None) for c in reduced.results] == [
        (c.verdict, len(c.finding.trace) if c.finding else None) for c in full.results
    ]
    assert 0.0 < reduced.search.collision_calculated < 1e-15


# B's steps reach the violation; A's come first in transition order and lead elsewhere.
TWO_COUNTERS = """
var x: 0..7 = 0
var y: 0..7 = 0
process A { loop { x := x + 1
                   await x < 5 } }
process B { loop { y := y + 1
                   await y < 5 } }
invariant ok: y < 2
"""


def test_trace_rebuilding_backtracks_past_successors_that_lead_nowhere() -> None:
    model = Model(spec_from_text(TWO_COUNTERS))
    search = explore(model, ExploreConfig())
    target = search.violations[0]
    assert search.canon is None and target.depth == 3
    # Every successor of every state on the path joins the next layer (but the last, the target's),
    # linked to that state: the walk meets A's first (lowest transition id) and must come back from
    # their dead ends.
    ids, _ = walk(model, None, target.layers)
    state, decoyed = model.initial(), [dict(layer) for layer in target.layers]
    for depth, t in enumerate(ids[:-1], 1):
        for _, post in model.expand(state)[0]:
            decoyed[depth].setdefault(fingerprint(post), fingerprint(state) >> 32)
        state = replay(model, state, [model.instances[t]]).last
    assert all(len(layer) == 2 for layer in decoyed[1:-1])
    again, last = walk(model, None, tuple(decoyed))
    assert again == ids and fingerprint(last) == target.key
    trace = replay(model, model.initial(), [model.instances[t] for t in again])
    check_counterexample(model, trace, model.spec.invariant_property(0))


def test_command_line_search_options(tmp_path: Path) -> None:
    path = tmp_path / "sym.gcv"
    path.write_text("spec sym\n" + SYMMETRIC + "expect few violated\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["check", str(path), "--workers", "2"])
    assert out.exit_code == ExitCode.OK, out.output
    assert "without symmetry" in out.output and "2 workers" in out.output
    assert "calculated (optimistic)" in out.output
    out = CliRunner().invoke(main, ["check", str(path), "--no-symmetry", "--json", "-"])
    search = json.loads(out.output[out.output.index("\n{") :])["specs"][0]["search"]
    assert search["unreduced_states"] is None and search["workers"] == 1
    out = CliRunner().invoke(main, ["check", str(path), "--max-memory", "1"])
    assert out.exit_code == ExitCode.UNKNOWN and "memory limit of 1 MB reached" in out.output
