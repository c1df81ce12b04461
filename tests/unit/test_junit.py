"""JUnit XML from `gcverify check --format junit` (report/junit.py): one test case per spec and
property, failures with the counterexample, unknowns and load errors as errors."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner
from junitparser import Error, Failure, JUnitXml, TestSuite

from gcverify.cli import main
from tests.helpers import write_spec as write

SPECS = Path(__file__).resolve().parents[2] / "specs" / "barriers"
HOLDS = "spec ok\nvar x: 0..1 = 0\nprocess P { x := 1 }\ninvariant small: x <= 1\n"
VIOLATED = "spec bad\nvar x: 0..1 = 0\nprocess P { x := 1 }\ninvariant zero: x == 0\n"
BROKEN = "spec broken\nvar x: 0..1 = 0\nprocess P { x := y }\n"


def junit(tmp_path: Path, *args: str) -> tuple[int, ET.Element]:
    out = tmp_path / "results.xml"
    result = CliRunner().invoke(main, ["check", *args, "--format", "junit", "--output", str(out)])
    return result.exit_code, ET.fromstring(out.read_text(encoding="utf-8"))


def test_one_case_per_property_and_a_failure_with_the_trace(tmp_path: Path) -> None:
    code, root = junit(tmp_path, write(tmp_path, "ok.gcv", HOLDS), write(tmp_path, "bad.gcv", VIOLATED))
    assert code == 12
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "1", "0")
    ok, bad = root.findall("testsuite")
    assert ok.get("name") == "ok" and bad.get("name") == "bad"
    case, runtime = bad.findall("testcase")
    assert runtime.get("name") == "runtime_error" and runtime.find("failure") is None
    assert (case.get("classname"), case.get("name"), case.get("line")) == ("gcverify.bad", "zero", "4")
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == "expected holds, violated"
    assert "Counterexample for zero" in (failure.text or "")
    assert ok.find("testcase/failure") is None


def test_an_expected_violation_passes_and_keeps_its_trace(tmp_path: Path) -> None:
    code, root = junit(tmp_path, str(SPECS / "none.gcv"))
    assert code == 0
    *cases, runtime = root.findall("testsuite/testcase")
    assert [c.get("name") for c in cases] == ["no_live_freed", "strong_tricolor"]
    assert runtime.get("name") == "runtime_error" and runtime.find("failure") is None
    assert all(c.find("failure") is None and "Counterexample" in (c.findtext("system-out") or "") for c in cases)
    props = {p.get("name"): p.get("value") for p in root.findall("testsuite/properties/property")}
    assert props["OBJECTS"] == "2" and props["BARRIER"] == "none"


def test_unknown_and_load_errors_are_errors(tmp_path: Path) -> None:
    code, root = junit(
        tmp_path, str(SPECS / "dijkstra.gcv"), write(tmp_path, "broken.gcv", BROKEN), "--max-states", "10"
    )
    assert code == 120
    assert root.get("errors") == str(4 + 1)
    unknown = root.findall("testsuite")[0].findall("testcase/error")
    assert len(unknown) == 4 and all(e.get("type") == "unknown" for e in unknown)
    [load] = root.findall("testsuite")[1].findall("testcase/error")
    assert load.get("type") == "GCV201"


def test_standard_output_holds_only_the_document(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", write(tmp_path, "ok.gcv", HOLDS), "--format", "junit"])
    assert result.exit_code == 0
    assert ET.fromstring(result.stdout).tag == "testsuites"


def test_junitparser_reads_what_we_write(tmp_path: Path) -> None:
    """junitparser (what many CI report uploaders use) reads every case, its outcome and its text."""
    out = tmp_path / "results.xml"
    args = [write(tmp_path, "ok.gcv", HOLDS), write(tmp_path, "bad.gcv", VIOLATED), str(SPECS / "none.gcv")]
    args += [write(tmp_path, "broken.gcv", BROKEN)]
    CliRunner().invoke(main, ["check", *args, "--format", "junit", "--output", str(out)])
    xml = JUnitXml.fromfile(str(out))
    suites = list(xml)
    assert all(isinstance(s, TestSuite) for s in suites)
    assert [s.name for s in suites] == ["ok", "bad", "no_barrier", args[-1]]
    outcomes: dict[tuple[str, str], str] = {}
    for suite in suites:
        assert suite.tests == len(list(suite))
        for case in suite:
            kinds = {type(r).__name__ for r in case.result}
            outcomes[(str(suite.name), str(case.name))] = "/".join(sorted(kinds)) or "passed"
            for r in case.result:
                if isinstance(r, Failure):
                    assert r.message == "expected holds, violated"
                    assert "Counterexample for zero" in (r.text or "")
                if isinstance(r, Error):
                    assert r.type == "GCV201"
    assert outcomes == {
        ("ok", "small"): "passed",
        ("ok", "runtime_error"): "passed",
        ("bad", "runtime_error"): "passed",
        ("no_barrier", "runtime_error"): "passed",
        ("bad", "zero"): "Failure",
        ("no_barrier", "no_live_freed"): "passed",
        ("no_barrier", "strong_tricolor"): "passed",
        (args[-1], f"GCV201 {args[-1]}:3:18"): "Error",
    }
    assert (xml.tests, xml.failures, xml.errors) == (8, 1, 1)
