"""The parallel search (explore/parallel.py) finds what one process finds: the same states, levels,
verdicts, counterexample lengths and violating states, whatever the number of workers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from gcverify.budget import Budget, Limits, own_memory
from gcverify.explore.search import ExploreConfig, Search, explore
from gcverify.pipeline import CheckConfig, check_spec, load_spec
from gcverify.results import Partial, SpecResult, Verdict
from gcverify.semantics.model import Model
from gcverify.semantics.replay import check_counterexample, replay
from tests.helpers import run, spec_from_text

SPECS = Path(__file__).resolve().parents[2] / "specs" / "barriers"

CASES = [
    ("none.gcv", {}, True),  # violated
    ("dijkstra_no_rescan.gcv", {"OBJECTS": "2"}, True),  # violated
    ("dijkstra_rescan.gcv", {"OBJECTS": "2"}, True),  # holds
    ("dijkstra_rescan.gcv", {"OBJECTS": "2"}, False),  # holds, without symmetry
    ("hybrid_no_insertion.gcv", {}, True),  # two scalarsets, violated
]


def summary(r: SpecResult) -> dict[str, object]:
    assert r.search is not None
    return {
        "states": r.states,
        "unreduced": r.search.unreduced_states,
        "generated": r.search.generated,
        "depth": r.depth,
        "complete": r.complete,
        "verdicts": {c.property.display: c.verdict for c in r.results},
        "lengths": {c.property.display: len(c.finding.trace) for c in r.results if c.finding},
    }


def targets(s: Search) -> dict[int, tuple[int, int]]:
    return {i: (t.key, t.depth) for i, t in s.violations.items()}


@pytest.mark.parametrize(("name", "sets", "symmetry"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES])
def test_two_workers_find_what_one_finds(name: str, sets: dict[str, str], symmetry: bool) -> None:
    spec = load_spec(SPECS / name, sets)
    one = check_spec(spec, CheckConfig(symmetry=symmetry))
    two = check_spec(spec, CheckConfig(symmetry=symmetry, workers=2))
    assert summary(two) == summary(one)
    assert two.search is not None and two.search.workers == 2
    model = Model(spec)
    config = ExploreConfig(symmetry=symmetry)
    assert targets(explore(model, replace(config, workers=3))) == targets(explore(model, config))


def test_parallel_traces_replay_and_violate() -> None:
    spec = load_spec(SPECS / "dijkstra_no_rescan.gcv", {"OBJECTS": "2"})
    model = Model(spec)
    search = explore(model, ExploreConfig(workers=2))
    assert search.violations
    for i, target in search.violations.items():
        trace = replay(model, model.initial(), search.path(model, target))
        assert len(trace) == target.depth
        check_counterexample(model, trace, model.spec.invariant_property(i))


def test_faults_and_deadlocks_in_parallel() -> None:
    text = """
    scalarset Object of 2
    var r: Object? = nil
    var c: Object -> bool = false
    var x: 0..3 = 0
    process P { x := 1
                x := 2
                c[r] := true }
    process Q { await x == 3 }
    invariant ok: true
    """
    one = run(text, check_deadlock=True, symmetry=True)
    two = run(text, check_deadlock=True, symmetry=True, workers=2)
    assert summary(two) == summary(one)
    assert {c.property.display for c in two.results} == {"ok", "runtime_error", "deadlock"}


def test_state_limit_is_exact_in_parallel() -> None:
    spec = load_spec(SPECS / "dijkstra_rescan.gcv", {"OBJECTS": "2"})
    result = check_spec(spec, CheckConfig(max_states=1000, workers=2))
    assert result.states == 1000
    assert all(c.verdict is Verdict.UNKNOWN for c in result.results)
    assert all(isinstance(c.evidence, Partial) and "state limit" in c.evidence.reason for c in result.results)


def test_memory_limit_stops_a_run_before_its_parallel_search() -> None:
    text = "var x: 0..200 = 0\nprocess P { loop { await x < 200\n x := x + 1 } }\ninvariant ok: x <= 200\n"
    check, _ = run(text, max_memory_mb=1, workers=2).results
    assert check.verdict is Verdict.UNKNOWN
    # this process alone holds more than 1 MB: the limit is reached as soon as it is looked at
    assert isinstance(check.evidence, Partial)
    assert check.evidence.reason == "memory limit of 1 MB reached while building the model"


def test_memory_limit_stops_a_parallel_search() -> None:
    """The search counts the workers' memory too: a limit this process alone keeps below (so the
    model is built and the workers start) is passed once two workers hold their copies."""
    text = "var x: 0..200 = 0\nprocess P { loop { await x < 200\n x := x + 1 } }\ninvariant ok: x <= 200\n"
    model = Model(spec_from_text(text))
    model.compile()
    limit = (own_memory() * 3 // 2) >> 20
    search = explore(model, ExploreConfig(symmetry=False, workers=2), Budget(Limits(max_memory_mb=limit)))
    assert not search.complete
    assert search.stop_reason == f"memory limit of {limit:,} MB reached"
