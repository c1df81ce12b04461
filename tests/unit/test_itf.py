"""Counterexamples in the Informal Trace Format (report/itf.py, `gcverify check --itf DIR`).

Every value is a well-formed ITF value, and decoding the document with the mapping docs/reference/cli.md and
report/itf.py document gives back exactly the states of the counterexample, step by step.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from gcverify.cli import main
from gcverify.ir import nodes as n
from gcverify.pipeline import CheckConfig, check_spec, load_spec
from gcverify.semantics.state import State

SPECS = Path(__file__).resolve().parents[2] / "specs"


def well_formed(v: Any) -> bool:
    """An ITF value: bool, string, {"#bigint"}, {"#map": [[k, v]]}, {"#tup"}, or a variant."""
    if isinstance(v, (bool, str)):
        return True
    if isinstance(v, dict):
        if set(v) == {"#bigint"}:
            return isinstance(v["#bigint"], str) and v["#bigint"].lstrip("-").isdigit()
        if set(v) == {"#map"}:
            return all(len(kv) == 2 and well_formed(kv[0]) and well_formed(kv[1]) for kv in v["#map"])
        if set(v) == {"#tup"}:
            return all(well_formed(x) for x in v["#tup"])
        if set(v) == {"tag", "value"}:
            return isinstance(v["tag"], str) and well_formed(v["value"])
    return False


def decode(sort: n.Sort, v: Any) -> int:
    """The reader's side of the documented mapping."""
    match sort:
        case n.BoolSort():
            return int(v)
        case n.IntSort():
            return int(v["#bigint"])
        case n.EnumSort() | n.ScalarsetSort():
            return next(k for k in sort.elements() if sort.show(k) == v)
        case n.OptionSort():
            return sort.nil if v["tag"] == "None" else decode(sort.base, v["value"])
    raise AssertionError(sort)


def cells(var: n.StateVar, keys: tuple[n.FiniteSort, ...], v: Any) -> list[int]:
    if not keys:
        return [decode(var.sort, v)]
    out: list[int] = []
    for k, (key, inner) in zip(keys[0].elements(), v["#map"], strict=True):
        assert decode(keys[0], key) == k
        out.extend(cells(var, keys[1:], inner))
    return out


def test_counterexamples_round_trip_through_itf(tmp_path: Path) -> None:
    path = SPECS / "barriers" / "none.gcv"
    got = CliRunner().invoke(main, ["check", str(path), "--traces", "--itf", str(tmp_path)])
    assert got.exit_code == 0
    result = check_spec(load_spec(path), CheckConfig())
    spec = result.spec
    assert [c.property.display for c in result.results if c.finding] == ["no_live_freed", "strong_tricolor"]
    for c in result.results:
        if c.finding is None:
            continue
        doc = json.loads((tmp_path / f"{result.name}.{c.property.slug}.itf.json").read_text(encoding="utf-8"))
        assert doc["#meta"]["format"] == "ITF"
        assert doc["vars"] == [v.name for v in spec.vars]
        trace = c.finding.trace
        want: list[State] = [trace.init, *(step.state for step in trace.steps)]
        assert len(doc["states"]) == len(want)
        for i, (itf_state, state) in enumerate(zip(doc["states"], want, strict=True)):
            assert itf_state["#meta"]["index"] == i
            assert ("action" in itf_state["#meta"]) == (i > 0)
            decoded: list[int] = []
            for var in spec.vars:
                assert well_formed(itf_state[var.name])
                decoded.extend(cells(var, var.keys, itf_state[var.name]))
            assert tuple(decoded) == state


def test_only_unexpected_counterexamples_without_traces(tmp_path: Path) -> None:
    got = CliRunner().invoke(main, ["check", str(SPECS / "barriers" / "none.gcv"), "--itf", str(tmp_path)])
    assert got.exit_code == 0
    assert list(tmp_path.iterdir()) == []
