"""The barrier zoo as golden verdicts: every spec's `expect` lines are met, and the state counts
are pinned so that a change in semantics shows up as a diff to explain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gcverify.pipeline import CheckConfig, check_spec, load_spec
from gcverify.results import Verdict

ROOT = Path(__file__).resolve().parents[2]
ZOO = sorted((ROOT / "specs" / "barriers").glob("*.gcv"))
PINNED = json.loads((Path(__file__).with_name("zoo.json")).read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", ZOO, ids=[p.stem for p in ZOO])
def test_zoo_spec_meets_its_expectations(path: Path) -> None:
    spec = load_spec(path)
    assert spec.expectations, f"{path.name} has no expect lines"
    result = check_spec(spec, CheckConfig())
    assert result.complete or any(c.verdict is Verdict.VIOLATED for c in result.results)
    got = {c.property: c.verdict.value for c in result.results}
    want = {e.property: e.verdict.value for e in spec.expectations}
    assert got == want
    assert all(c.met for c in result.results)
    cex = {c.property: len(c.finding.trace) for c in result.results if c.finding}
    assert {"states": result.states, "cex": cex} == PINNED[path.stem]


def test_every_zoo_spec_is_pinned() -> None:
    assert sorted(PINNED) == [p.stem for p in ZOO]
