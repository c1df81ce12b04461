"""SARIF 2.1.0 from `gcverify check --format sarif` (report/sarif.py): valid against the SARIF
schema, one result per unmet expectation at its `expect` line, the counterexample as a code flow
whose steps sit at the source of each step's action."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from gcverify.cli import main
from tests.helpers import write_spec as write
from tests.tools import sarif_schema

SPECS = Path(__file__).resolve().parents[2] / "specs" / "barriers"
VIOLATED = "spec bad\nvar x: 0..2 = 0\nprocess P { x := x + 1 }\ninvariant zero: x == 0\nexpect zero holds\n"
HOLDS = "spec ok\nvar x: 0..1 = 0\nprocess P { x := 1 }\ninvariant small: x <= 1\nexpect small violated\n"
BROKEN = "spec broken\nvar x: 0..1 = 0\nprocess P { x := y }\n"


def sarif(tmp_path: Path, *args: str) -> tuple[int, dict[str, Any]]:
    out = tmp_path / "results.sarif"
    result = CliRunner().invoke(main, ["check", *args, "--format", "sarif", "--output", str(out)])
    return result.exit_code, json.loads(out.read_text(encoding="utf-8"))


def line_at(location: dict[str, Any], base: Path = Path()) -> str:
    """The source line a SARIF location points at (uris are relative to where gcverify ran)."""
    physical = location["physicalLocation"]
    uri = physical["artifactLocation"]["uri"]
    path = Path(uri.removeprefix("file://")) if uri.startswith("file://") else base / uri
    line: int = physical["region"]["startLine"]
    return path.read_text(encoding="utf-8").splitlines()[line - 1]


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = sarif_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_a_violation_is_a_result_at_the_expect_line_with_its_trace(tmp_path: Path) -> None:
    code, doc = sarif(tmp_path, write(tmp_path, "bad.gcv", VIOLATED))
    assert code == 12
    [run] = doc["runs"]
    [result] = run["results"]
    assert (result["ruleId"], result["level"], result["kind"]) == ("unexpected-violation", "error", "fail")
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "unexpected-violation"
    [location] = result["locations"]
    assert line_at(location) == "expect zero holds"
    assert location["physicalLocation"]["region"] == {"startLine": 5, "startColumn": 1, "endLine": 5, "endColumn": 18}
    assert "expected holds, violated" in result["message"]["text"]
    [flow] = result["codeFlows"]
    [thread] = flow["threadFlows"]
    steps = thread["locations"]
    assert [s["executionOrder"] for s in steps] == [0, 1]
    assert steps[0]["location"]["message"]["text"] == "initial state"
    assert line_at(steps[1]["location"]) == "process P { x := x + 1 }"
    assert steps[1]["location"]["physicalLocation"]["region"]["startColumn"] == 13
    assert "x: 0 → 1" in steps[1]["location"]["message"]["text"]


def test_a_library_action_points_into_the_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = SPECS.parents[1]
    monkeypatch.chdir(root)
    code, doc = sarif(tmp_path, "specs/barriers/dijkstra_rescan.gcv", "--set", "RESCAN=false")
    assert code == 12
    results = doc["runs"][0]["results"]
    assert {r["properties"]["property"] for r in results} == {"no_live_freed", "mark_complete", "strong_tricolor"}
    for r in results:
        assert line_at(r["locations"][0], root).startswith(f"expect {r['properties']['property']}")
        steps = r["codeFlows"][0]["threadFlows"][0]["locations"]
        assert len(steps) == int(r["message"]["text"].split("counterexample of ")[1].split()[0]) + 1
        for step in steps[1:]:
            uri = step["location"]["physicalLocation"]["artifactLocation"]["uri"]
            assert uri.startswith("specs/lib/"), uri
            # The step's message names the action; its source line holds that action's text.
            # (a call inside a procedure is labelled `store(…) › pre_write(…)`: the inner one is here).
            label = step["location"]["message"]["text"].split(" — ")[0].split("›")[-1].split()
            word = (label[2] if label[0][0].isdigit() else label[0]).split("(")[0]
            assert word in line_at(step["location"], root)
            assert "heap" in step["state"]


def test_an_expected_violation_that_holds_and_a_load_error(tmp_path: Path) -> None:
    code, doc = sarif(tmp_path, write(tmp_path, "ok.gcv", HOLDS), write(tmp_path, "broken.gcv", BROKEN))
    assert code == 120
    run = doc["runs"][0]
    unexpected, load = run["results"]
    assert unexpected["ruleId"] == "unexpected-pass" and "codeFlows" not in unexpected
    assert line_at(unexpected["locations"][0]) == "expect small violated"
    assert "exhaustive" in unexpected["message"]["text"]
    assert load["ruleId"] == "GCV201"
    assert run["tool"]["driver"]["rules"][load["ruleIndex"]]["id"] == "GCV201"
    assert load["locations"][0]["physicalLocation"]["region"]["startLine"] == 3


def test_met_expectations_give_no_results(tmp_path: Path) -> None:
    code, doc = sarif(tmp_path, str(SPECS / "none.gcv"))
    assert code == 0
    assert doc["runs"][0]["results"] == []


def test_unknown_is_a_warning(tmp_path: Path) -> None:
    code, doc = sarif(tmp_path, str(SPECS / "dijkstra.gcv"), "--max-states", "10")
    assert code == 20
    assert {(r["ruleId"], r["level"]) for r in doc["runs"][0]["results"]} == {("unknown", "warning")}


def test_every_output_is_valid_sarif(tmp_path: Path, validator: jsonschema.protocols.Validator) -> None:
    runs = [
        sarif(tmp_path, write(tmp_path, "bad.gcv", VIOLATED)),
        sarif(tmp_path, write(tmp_path, "ok.gcv", HOLDS), write(tmp_path, "broken.gcv", BROKEN)),
        sarif(tmp_path, str(SPECS / "dijkstra_rescan.gcv"), "--set", "RESCAN=false"),
        sarif(tmp_path, str(SPECS / "dijkstra.gcv"), "--max-states", "10"),
        sarif(tmp_path, str(SPECS / "none.gcv")),
    ]
    for _, doc in runs:
        errors = sorted(validator.iter_errors(doc), key=str)
        assert not errors, errors[0]


def test_the_schema_check_can_fail(validator: jsonschema.protocols.Validator) -> None:
    doc: dict[str, Any] = {
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"level": "fatal"}]}],
    }
    assert any(validator.iter_errors(doc))


def test_one_run_writes_several_documents(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.gcv", VIOLATED)
    xml, doc = tmp_path / "r.xml", tmp_path / "r.sarif"
    result = CliRunner().invoke(main, ["check", bad, "--junit", str(xml), "--sarif", str(doc), "--json", "-"])
    assert result.exit_code == 12
    assert json.loads(result.stdout)["specs"][0]["spec"] == "bad"
    assert json.loads(doc.read_text(encoding="utf-8"))["runs"][0]["results"][0]["ruleId"] == "unexpected-violation"
    assert "<failure" in xml.read_text(encoding="utf-8")
    clash = CliRunner().invoke(main, ["check", bad, "--junit", "-", "--sarif", "-"])
    assert clash.exit_code == 2 and "only one results document can go to standard output" in clash.output
