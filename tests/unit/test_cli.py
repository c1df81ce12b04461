"""The command line: exit codes, the table, JSON, folders and the bundled specs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gcverify.cli import main
from gcverify.diagnostics import ExitCode
from gcverify.dsl.loader import is_spec, spec_files

HOLDS = "spec ok\nvar x: 0..1 = 0\nprocess P { x := 1 }\ninvariant small: x <= 1\n"
VIOLATED = "spec bad\nvar x: 0..1 = 0\nprocess P { x := 1 }\ninvariant zero: x == 0\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", *args])
    return result.exit_code, result.output


def test_met_expectations_exit_0(tmp_path: Path) -> None:
    code, out = invoke(str(write(tmp_path, "ok.gcv", HOLDS)))
    assert code == ExitCode.OK
    assert "small" in out and "holds" in out and "exhaustive" in out


def test_unexpected_violation_exits_12_and_prints_the_trace(tmp_path: Path) -> None:
    code, out = invoke(str(write(tmp_path, "bad.gcv", VIOLATED)))
    assert code == ExitCode.VIOLATION
    assert "Counterexample for zero" in out
    assert "x: 0 → 1" in out
    assert "UNEXPECTED" in out


def test_locations_print_as_written_not_as_emoji(tmp_path: Path) -> None:
    """rich turns `:100:` into an emoji unless told not to; a location must print as it is."""
    spec = "spec bad\nvar x: 0..1 = 0\n" + "\n" * 97 + "process P { x := 1 }\ninvariant zero: x == 0\n"
    code, out = invoke(str(write(tmp_path, "bad.gcv", spec)), "--format", "json", "--output", str(tmp_path / "r"))
    assert code == ExitCode.VIOLATION
    assert "bad.gcv:100:13" in out and "💯" not in out


def test_expected_violation_exits_0(tmp_path: Path) -> None:
    code, out = invoke(str(write(tmp_path, "bad.gcv", VIOLATED + "expect zero violated\n")))
    assert code == ExitCode.OK
    assert "Counterexample" not in out
    code, out = invoke(str(write(tmp_path, "bad.gcv", VIOLATED + "expect zero violated\n")), "--traces")
    assert "Counterexample for zero" in out


def test_expected_violation_that_holds_exits_12(tmp_path: Path) -> None:
    code, _ = invoke(str(write(tmp_path, "ok.gcv", HOLDS + "expect small violated\n")))
    assert code == ExitCode.VIOLATION


def test_violation_within_a_bound(tmp_path: Path) -> None:
    assert invoke(str(write(tmp_path, "a.gcv", VIOLATED + "expect zero violated within 1 steps\n")))[0] == 0
    assert invoke(str(write(tmp_path, "b.gcv", VIOLATED + "expect zero violated within 0 steps\n")))[0] == 12


def test_limit_gives_unknown_exit_code(tmp_path: Path) -> None:
    text = "spec big\nvar x: 0..500 = 0\nprocess P { loop { await x < 500\n x := x + 1 } }\ninvariant ok: true\n"
    code, out = invoke(str(write(tmp_path, "big.gcv", text)), "--max-states", "20")
    assert code == ExitCode.UNKNOWN
    assert "unknown" in out and "state limit" in out


def test_model_fault_exits_14(tmp_path: Path) -> None:
    text = "spec f\nvar x: 0..1 = 0\nprocess P { assert x == 1 }\ninvariant ok: true\n"
    code, out = invoke(str(write(tmp_path, "f.gcv", text)))
    assert code == ExitCode.ASSERTION
    assert "assertion failed" in out


def test_an_expected_assertion_failure_exits_0(tmp_path: Path) -> None:
    text = "spec f\nvar x: 0..1 = 0\nprocess P { assert one: x == 1 }\nexpect assert one violated\n"
    code, out = invoke(str(write(tmp_path, "f.gcv", text)))
    assert code == ExitCode.OK
    assert "assert one" in out


def test_json_output(tmp_path: Path) -> None:
    out_file = tmp_path / "r.json"
    code, _ = invoke(str(write(tmp_path, "bad.gcv", VIOLATED)), "--json", str(out_file))
    assert code == ExitCode.VIOLATION
    doc = json.loads(out_file.read_text(encoding="utf-8"))
    assert doc["schema_version"] == 2
    [spec] = doc["specs"]
    res, runtime = spec["results"]
    assert res["property"] == "zero" and res["verdict"] == "violated" and res["met"] is False
    assert res["property_kind"] == "invariant"
    assert runtime["property"] == "runtime_error" and runtime["property_kind"] == "runtime"
    assert res["counterexample"]["length"] == 1
    assert res["counterexample"]["steps"][0]["changes"] == {"x": ["0", "1"]}


def test_set_overrides_constants(tmp_path: Path) -> None:
    text = "spec c\nconst LIMIT = 1\nvar x: 0..5 = 0\nprocess P { x := 3 }\ninvariant ok: x <= LIMIT\n"
    path = str(write(tmp_path, "c.gcv", text))
    assert invoke(path)[0] == ExitCode.VIOLATION
    assert invoke(path, "--set", "LIMIT=3")[0] == ExitCode.OK


def test_set_takes_effect_in_the_constants_built_on_it(tmp_path: Path) -> None:
    """`--set A=3` is as if the spec declared `const A = 3`: B = A + 1 follows it (the Go model's
    PROCS = MUTATORS once stayed at its default under `--set MUTATORS=2`); B set too wins."""
    text = (
        "spec c\nconst A = 1\nconst B = A + 1\nscalarset S of B\nvar x: 0..9 = 0\n"
        "process P { x := B }\ninvariant ok: x <= 2\n"
    )
    path = str(write(tmp_path, "c.gcv", text))
    assert invoke(path)[0] == ExitCode.OK
    code, out = invoke(path, "--set", "A=3")
    assert code == ExitCode.VIOLATION and "B=4" in out.replace(" ", "")
    assert invoke(path, "--set", "A=3", "--set", "B=2")[0] == ExitCode.OK


def test_folder_means_every_spec_in_it(tmp_path: Path) -> None:
    write(tmp_path, "ok.gcv", HOLDS)
    write(tmp_path, "lib.gcv", "// a library: no spec header\nvar y: bool = false\n")
    code, out = invoke(str(tmp_path))
    assert code == ExitCode.OK
    assert "ok" in out
    assert [p.name for p, _ in spec_files((str(tmp_path),))] == ["ok.gcv"]


def test_library_files_are_not_specs(tmp_path: Path) -> None:
    assert is_spec(write(tmp_path, "s.gcv", "// comment\n\nspec s\n"))
    assert not is_spec(write(tmp_path, "l.gcv", "// comment\nconst A = 1\n"))


def test_bundled_specs_are_found() -> None:
    names = {p.stem for p, _ in spec_files(())}
    assert {"none", "dijkstra", "yuasa", "steele", "hybrid"} <= names


def test_missing_file_is_a_clean_error(tmp_path: Path) -> None:
    code, out = invoke(str(tmp_path / "nope.gcv"))
    assert code == ExitCode.STATIC_ERROR
    assert "cannot read" in out and "Traceback" not in out


@pytest.mark.parametrize("bad", ["OBJECTS", "=3"])
def test_bad_set_syntax(tmp_path: Path, bad: str) -> None:
    code, _ = invoke(str(write(tmp_path, "ok.gcv", HOLDS)), "--set", bad)
    assert code in (ExitCode.USAGE, ExitCode.STATIC_ERROR)
