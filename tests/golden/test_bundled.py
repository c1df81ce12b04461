"""The bundled specs as golden verdicts: the barrier zoo (specs/barriers/) and the Go runtime models
(specs/go/).  Every spec's `expect` lines are met, and the state counts and counterexample lengths
are pinned (zoo.json, go.json) so that a change in semantics shows up as a diff to explain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gcverify.pipeline import CheckConfig, check_spec, load_spec
from gcverify.report.text import render_trace
from gcverify.results import Verdict

ROOT = Path(__file__).resolve().parents[2]
SUITES = {"barriers": "zoo.json", "go": "go.json"}
SPECS = [(suite, p) for suite in SUITES for p in sorted((ROOT / "specs" / suite).glob("*.gcv"))]


def pinned(suite: str) -> dict[str, object]:
    return dict(json.loads(Path(__file__).with_name(SUITES[suite]).read_text(encoding="utf-8")))


@pytest.mark.parametrize(("suite", "path"), SPECS, ids=[f"{s}/{p.stem}" for s, p in SPECS])
def test_bundled_spec_meets_its_expectations(suite: str, path: Path) -> None:
    spec = load_spec(path)
    assert spec.expectations, f"{path.name} has no expect lines"
    result = check_spec(spec, CheckConfig())
    assert result.complete or any(c.verdict is Verdict.VIOLATED for c in result.results)
    got = {c.property.display: c.verdict.value for c in result.results}
    want = {e.property.display: e.verdict.value for e in spec.expectations}
    for prop in spec.safety_properties(deadlock=spec.checks_deadlock):
        want.setdefault(prop.display, "holds")
    assert got == want
    assert all(c.met for c in result.results)
    cex = {c.property.display: len(c.finding.trace) for c in result.results if c.finding}
    # Pinned: the states stored (one per orbit under symmetry) and the states without symmetry
    # reduction (the sum of the orbit sizes, equal to a search with --no-symmetry: see below).
    assert result.search is not None
    unreduced = result.search.unreduced_states
    states = result.states if unreduced is None else unreduced
    assert {"states": states, "stored": result.states, "cex": cex} == pinned(suite)[path.stem]
    if suite == "go":  # the trace view shows the spans at every step
        for c in result.results:
            if c.finding is not None:
                text = render_trace(result, c)
                assert text.count("spans  s1:") == len(c.finding.trace) + 1


@pytest.mark.parametrize("suite", SUITES)
def test_every_bundled_spec_is_pinned(suite: str) -> None:
    assert sorted(pinned(suite)) == sorted(p.stem for p in (ROOT / "specs" / suite).glob("*.gcv"))


@pytest.mark.parametrize(
    "name",
    # dijkstra_no_rescan stores 1.1M states without symmetry (runtime_error holds only once all are seen)
    [pytest.param("dijkstra_no_rescan", marks=pytest.mark.slow), "hybrid_no_insertion", "yuasa"],
)
def test_without_symmetry_the_pinned_unreduced_counts_and_traces(name: str) -> None:
    """--no-symmetry stores every state: exactly the pinned unreduced count, the same verdicts and
    counterexample lengths as with symmetry."""
    result = check_spec(load_spec(ROOT / "specs" / "barriers" / f"{name}.gcv"), CheckConfig(symmetry=False))
    cex = {c.property.display: len(c.finding.trace) for c in result.results if c.finding}
    pin = pinned("barriers")[name]
    assert isinstance(pin, dict)
    assert result.states == pin["states"] > pin["stored"]
    assert cex == pin["cex"]
    assert all(c.met for c in result.results)
