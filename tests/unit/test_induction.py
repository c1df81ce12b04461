"""k-induction: inductive candidates prove the invariants they imply; others give a counterexample
to induction that replays and names the conjunct that fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gcverify.cli import main
from gcverify.diagnostics import Code, ExitCode, GcverifyError
from gcverify.pipeline import EngineChoice
from gcverify.results import CheckResult, FindingKind, Inductive, NotInductive, Verdict
from gcverify.semantics.model import Model
from gcverify.semantics.replay import replay
from tests.helpers import run

COUNTER = """
var x: 0..7 = 0
var y: 0..7 = 0
process P { loop { atomic { await x < 6
                            x := x + 2
                            y := y + 2 } } }
invariant small: x <= 6
inductive weak: small
inductive strong: small and x == y and x != 1 and x != 3 and x != 5
"""


def results(text: str, k: int = 1) -> dict[str, CheckResult]:
    return {c.property.display: c for c in run(text, engine=EngineChoice.INDUCTION, induction_k=k).results}


def test_a_strengthened_candidate_proves_the_invariant() -> None:
    got = results(COUNTER)
    strong, small = got["strong"], got["small"]
    assert strong.verdict is Verdict.HOLDS and isinstance(strong.evidence, Inductive)
    assert small.verdict is Verdict.HOLDS
    assert small.evidence == Inductive(1, "strong")


def test_a_weak_candidate_gives_a_replayable_counterexample_to_induction() -> None:
    result = run(COUNTER, engine=EngineChoice.INDUCTION)
    weak = {c.property.display: c for c in result.results}["weak"]
    assert weak.verdict is Verdict.UNKNOWN
    assert weak.evidence == NotInductive(1)
    assert weak.finding is not None and weak.finding.kind is FindingKind.CTI
    assert weak.finding.message == "fails: small"
    trace = weak.finding.trace
    model = Model(result.spec)
    assert replay(model, trace.init, [s.action for s in trace.steps]) == trace
    assert model.check(0, trace.init) and not model.check(0, trace.last)  # leaves `small`


def test_k_induction_is_stronger_than_1_induction() -> None:
    # x and y move in lockstep through an intermediate step; `x == y` alone is not 1-inductive (the
    # intermediate state where only x moved is outside it), but it is 2-inductive.
    text = """
    var x: 0..3 = 0
    var y: 0..3 = 0
    var mid: bool = false
    process P { loop { atomic { await not mid and x < 3
                                x := x + 1
                                mid := true }
                       atomic { y := y + 1
                                mid := false } } }
    invariant eq: mid or x == y
    inductive lockstep: eq
    """
    assert results(text, 1)["lockstep"].verdict is Verdict.UNKNOWN
    assert results(text, 2)["lockstep"].verdict is Verdict.HOLDS


def test_a_candidate_false_initially_is_a_violation() -> None:
    text = "var x: 0..3 = 1\nprocess P { skip }\ninvariant zero: x == 0\ninductive z: zero\n"
    z = results(text)["z"]
    assert z.verdict is Verdict.VIOLATED


def test_no_candidate_is_a_clean_error() -> None:
    with pytest.raises(GcverifyError) as err:
        run("var x: bool\nprocess P { skip }\ninvariant t: true\n", engine=EngineChoice.INDUCTION)
    assert err.value.diagnostics[0].code is Code.NO_INDUCTIVE


def test_prove_induction_command(tmp_path: Path) -> None:
    path = tmp_path / "c.gcv"
    path.write_text("spec counter\n" + COUNTER.replace("inductive weak: small\n", ""), encoding="utf-8")
    out = CliRunner().invoke(main, ["prove", str(path), "--induction"])
    assert out.exit_code == ExitCode.OK, out.output
    assert "1-inductive" in out.output
    path.write_text("spec counter\n" + COUNTER, encoding="utf-8")
    out = CliRunner().invoke(main, ["prove", str(path), "--induction"])
    assert out.exit_code == ExitCode.UNKNOWN
    assert "Counterexample to induction for weak" in out.output
    assert CliRunner().invoke(main, ["prove", str(path)]).exit_code == ExitCode.USAGE


def test_the_zoo_ships_inductive_invariants_that_prove_it() -> None:
    from gcverify.pipeline import CheckConfig, check_spec, load_spec

    zoo = Path(__file__).resolve().parents[2] / "specs" / "barriers"
    for name in ("dijkstra_rescan", "steele"):
        spec = load_spec(zoo / f"{name}.gcv", {"OBJECTS": "2"})
        result = check_spec(spec, CheckConfig(engine=EngineChoice.INDUCTION))
        assert {c.property.display: c.verdict for c in result.results} == {
            "safe": Verdict.HOLDS,
            "no_live_freed": Verdict.HOLDS,
            "strong_tricolor": Verdict.HOLDS,
            "mark_complete": Verdict.HOLDS,
        }, name
        assert all(c.met for c in result.results)
