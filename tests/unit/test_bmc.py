"""Bounded model checking with Z3: shortest traces that replay, bounded verdicts, solver limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gcverify.cli import main
from gcverify.diagnostics import ExitCode
from gcverify.pipeline import CheckConfig, EngineChoice, check_spec, load_spec
from gcverify.results import BoundedDepth, Engine, SolverUnknown, Verdict
from gcverify.wording import describe
from tests.helpers import run

ZOO = Path(__file__).resolve().parents[2] / "specs" / "barriers"


def bmc(path: Path, depth: int, **overrides: str) -> dict[str, tuple[Verdict, int]]:
    result = check_spec(load_spec(path, overrides), CheckConfig(engine=EngineChoice.BMC, bmc_depth=depth))
    assert all(c.engine is Engine.BMC for c in result.results)
    return {c.property.display: (c.verdict, c.depth) for c in result.results}


def test_bmc_finds_the_no_barrier_bug_as_short_as_bfs() -> None:
    expected = {"no_live_freed": (Verdict.VIOLATED, 4), "strong_tricolor": (Verdict.VIOLATED, 5)}
    # no runtime error within the bound: BMC goes on to the full depth to say so
    assert bmc(ZOO / "none.gcv", 10) == {**expected, "runtime_error": (Verdict.HOLDS, 10)}
    assert bmc(ZOO / "none.gcv", 5, OBJECTS="8") == {**expected, "runtime_error": (Verdict.HOLDS, 5)}


def test_bmc_bounded_holds_states_its_depth() -> None:
    result = check_spec(
        load_spec(ZOO / "steele.gcv", {"OBJECTS": "2"}), CheckConfig(engine=EngineChoice.BMC, bmc_depth=5)
    )
    for c in result.results:
        assert c.verdict is Verdict.HOLDS
        assert c.evidence == BoundedDepth(5)
        assert "within 5 steps" in describe(c.evidence)


def test_too_short_a_bound_finds_nothing() -> None:
    got = bmc(ZOO / "none.gcv", 3)
    assert got["no_live_freed"][0] is Verdict.HOLDS  # bounded: no violation within 3 steps


def test_bmc_finds_faults() -> None:
    text = "var x: 0..1 = 0\nprocess P { x := x + 1\n x := x + 1 }\ninvariant ok: true\n"
    result = run(text, engine=EngineChoice.BMC, bmc_depth=3)
    fault = {c.property.display: c for c in result.results}["runtime_error"]
    assert fault.finding is not None and len(fault.finding.trace) == 2


def test_solver_timeout_is_unknown_not_holds() -> None:
    result = check_spec(
        load_spec(ZOO / "dijkstra_rescan.gcv"), CheckConfig(engine=EngineChoice.BMC, bmc_depth=30, solver_timeout=0.001)
    )
    assert all(c.verdict is Verdict.UNKNOWN for c in result.results)
    assert all(isinstance(c.evidence, SolverUnknown) for c in result.results)


def test_prove_bmc_command() -> None:
    out = CliRunner().invoke(main, ["prove", str(ZOO / "none.gcv"), "--bmc", "8", "--traces"])
    assert out.exit_code == ExitCode.OK
    assert "Counterexample for no_live_freed" in out.output
    assert "bmc" in out.output
    out = CliRunner().invoke(
        main,
        ["check", str(ZOO / "dijkstra_rescan.gcv"), "--engine", "bmc", "--depth", "30", "--solver-timeout", "0.001"],
    )
    assert out.exit_code == ExitCode.UNKNOWN


def test_auto_engine_settles_with_bmc_what_a_limit_left_unknown() -> None:
    # a counter that must climb past 40 before it breaks: the explicit search is stopped after 10
    # states, and BMC finds the 41-step violation
    text = "var x: 0..63 = 0\nprocess P { loop { atomic { await x < 63\n x := x + 1 } } }\ninvariant low: x <= 40\n"
    result = run(text, engine=EngineChoice.AUTO, max_states=10, bmc_depth=45)
    low, runtime = result.results
    assert runtime.verdict is Verdict.HOLDS and runtime.engine is Engine.BMC  # bounded, like low's search
    assert low.verdict is Verdict.VIOLATED
    assert low.engine is Engine.BMC
    assert low.finding is not None and len(low.finding.trace) == 41


# ---------------------------------------------------------------- symmetry breaking


def test_object_symmetry_is_recognised_only_where_steps_treat_objects_alike() -> None:
    from gcverify.symbolic.encode import Encoding
    from tests.helpers import spec_from_text

    assert Encoding(load_spec(ZOO / "dijkstra_no_rescan.gcv")).object_symmetry() is None
    assert Encoding(load_spec(ZOO / "dijkstra_rescan.gcv")).object_symmetry() is None
    # a loop in one step that scans objects in index order, writing other objects' colours, may
    # depend on that order: not provably symmetric
    rounds = """
    import "lib/gc.gcv"
    fields next
    process P { loop { atomic { for o in Object { if color[o] == grey { scan_object(o) } } } } }
    """
    why = Encoding(spec_from_text(rounds.replace("lib/gc.gcv", str(ZOO.parent / "lib" / "gc.gcv")))).object_symmetry()
    assert why is not None and "writes color other than at its own Object" in why
    named = """
    scalarset Object of 3
    var c: Object -> bool = false
    var k: 0..3 = 0
    process P { loop { atomic { for o in Object { choose j in Object where not c[j] { c[o] := true } } } } }
    """

    why = Encoding(spec_from_text(named)).object_symmetry()
    assert why is not None  # a loop whose iterations choose is unrolled: it names each object


@pytest.mark.slow
def test_symmetry_breaking_keeps_every_verdict_and_depth() -> None:
    from gcverify.symbolic.bmc import bmc as run_bmc

    for name, depth in (("dijkstra_no_rescan", 12), ("hybrid_no_insertion", 10)):
        spec = load_spec(ZOO / f"{name}.gcv", {"OBJECTS": "2"})
        with_sb = run_bmc(spec, depth)
        without = run_bmc(spec, depth, symmetry=False)
        assert {k: len(t) for k, t in with_sb.traces.items()} == {k: len(t) for k, t in without.traces.items()}
        assert with_sb.traces, name
