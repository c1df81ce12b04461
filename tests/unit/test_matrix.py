"""Variant matrices (`gcverify matrix`): axes, every combination in order, and the three formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gcverify.cli import main
from gcverify.matrix import parse_axis
from gcverify.results import Axis

SPEC = Path(__file__).resolve().parents[2] / "specs" / "barriers" / "dijkstra_rescan.gcv"
ARGS = ["matrix", str(SPEC), "--set", "RESCAN=true,false", "--set", "OBJECTS=2..3"]


@pytest.mark.parametrize(
    ("text", "axis"),
    [
        ("OBJECTS=2..4", Axis("OBJECTS", ("2", "3", "4"))),
        ("BARRIER=dijkstra, yuasa,steele", Axis("BARRIER", ("dijkstra", "yuasa", "steele"))),
        ("X=5", Axis("X", ("5",))),
    ],
)
def test_axes(text: str, axis: Axis) -> None:
    assert parse_axis(text) == axis


@pytest.mark.parametrize("text", ["OBJECTS", "OBJECTS=4..2", "=1,2", "X="])
def test_bad_axes(text: str) -> None:
    with pytest.raises(ValueError, match=r"OBJECTS|names no|empty|VALUES"):
        parse_axis(text)


def test_every_combination_in_order_as_json() -> None:
    got = CliRunner().invoke(main, [*ARGS, "--format", "json"])
    assert got.exit_code == 12  # without the rescan, the spec's 'holds' expectations are not met
    doc = json.loads(got.stdout)
    combos = [(c["values"]["RESCAN"], c["values"]["OBJECTS"]) for c in doc["cells"]]
    assert combos == [("true", "2"), ("true", "3"), ("false", "2"), ("false", "3")]
    first, _, third, _ = doc["cells"]
    assert first["properties"]["no_live_freed"] == {"verdict": "holds", "counterexample": None}
    assert third["properties"]["no_live_freed"] == {"verdict": "violated", "counterexample": 12}
    assert first["expectations_met"] and not third["expectations_met"]
    assert first["states"] == 1691  # the golden count of dijkstra_rescan at 2 objects, stored


@pytest.mark.slow
def test_markdown_and_csv_agree(tmp_path: Path) -> None:
    md, table = tmp_path / "m.md", tmp_path / "m.csv"
    CliRunner().invoke(main, [*ARGS, "--format", "md", "--output", str(md)])
    CliRunner().invoke(main, [*ARGS, "--format", "csv", "--output", str(table)])
    lines = md.read_text(encoding="utf-8").splitlines()
    header = (
        "| RESCAN | OBJECTS | no_live_freed | strong_tricolor | mark_complete | runtime_error | expected | states "
        "| seconds |"
    )
    assert lines[0] == header
    assert "| false | 2 | violated ✗12 |" in lines[4] and "| NOT MET |" in lines[4]
    assert "| true | 2 | holds | holds | holds | holds | met |" in lines[2]
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    picked = [
        (r["RESCAN"], r["OBJECTS"], r["no_live_freed"], r["no_live_freed cex"], r["expectations met"]) for r in rows
    ]
    assert picked[2] == ("false", "2", "violated", "12", "false")
    assert picked[0] == ("true", "2", "holds", "", "true")


def test_a_combination_that_does_not_load_is_reported_not_raised() -> None:
    got = CliRunner().invoke(main, ["matrix", str(SPEC), "--set", "OBJECTS=0,2"])
    assert got.exit_code == 120
    assert "OBJECTS=0: GCV" in got.output


ZOO = SPEC.parent


def test_several_specs_are_the_first_axis() -> None:
    paths = [str(ZOO / "none.gcv"), str(ZOO / "yuasa_alloc_white.gcv"), str(ZOO / "steele.gcv")]
    got = CliRunner().invoke(main, ["matrix", *paths, "--set", "OBJECTS=2", "--format", "json"])
    assert got.exit_code == 0, got.output
    doc = json.loads(got.stdout)
    assert doc["axes"][0] == {"name": "spec", "values": ["none", "yuasa_alloc_white", "steele"]}
    cells = {c["values"]["spec"]: c for c in doc["cells"]}
    assert cells["none"]["properties"]["strong_tricolor"] == {"verdict": "violated", "counterexample": 5}
    assert "strong_tricolor" not in cells["yuasa_alloc_white"]["properties"]
    assert cells["steele"]["properties"]["mark_complete"]["verdict"] == "holds"


def test_a_folder_is_its_specs_and_unmet_expectations_show(tmp_path: Path) -> None:
    # yuasa expects strong_tricolor violated; with 2 objects it holds, so the row says NOT MET.
    folder = tmp_path / "zoo"
    folder.mkdir()
    for name in ("yuasa.gcv", "none.gcv"):
        (folder / name).write_text(
            (ZOO / name).read_text(encoding="utf-8").replace('import "lib/', f'import "{ZOO.parent}/lib/'),
            encoding="utf-8",
        )
    got = CliRunner().invoke(main, ["matrix", str(folder), "--set", "OBJECTS=2", "--format", "md"])
    assert got.exit_code == 12
    lines = got.stdout.strip().splitlines()
    assert lines[2].startswith("| none | 2 | violated ✗4 |") and lines[2].count("| met |") == 1
    assert lines[3].startswith("| yuasa | 2 |") and "NOT MET" in lines[3]


def test_specs_with_the_same_name_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "none.gcv").write_text((ZOO / "none.gcv").read_text(encoding="utf-8"), encoding="utf-8")
    got = CliRunner().invoke(main, ["matrix", str(ZOO / "none.gcv"), str(tmp_path / "a" / "none.gcv")])
    assert got.exit_code == 2 and "two specs are named none" in got.output
