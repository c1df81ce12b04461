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


def test_markdown_and_csv_agree(tmp_path: Path) -> None:
    md, table = tmp_path / "m.md", tmp_path / "m.csv"
    CliRunner().invoke(main, [*ARGS, "--format", "md", "--output", str(md)])
    CliRunner().invoke(main, [*ARGS, "--format", "csv", "--output", str(table)])
    lines = md.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "| RESCAN | OBJECTS | no_live_freed | strong_tricolor | mark_complete | states | seconds |"
    assert "| false | 2 | violated ✗12 |" in lines[4]
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert [(r["RESCAN"], r["OBJECTS"], r["no_live_freed"], r["no_live_freed cex"]) for r in rows][2] == (
        "false",
        "2",
        "violated",
        "12",
    )


def test_a_combination_that_does_not_load_is_reported_not_raised() -> None:
    got = CliRunner().invoke(main, ["matrix", str(SPEC), "--set", "OBJECTS=0,2"])
    assert got.exit_code == 120
    assert "OBJECTS=0: GCV" in got.output
