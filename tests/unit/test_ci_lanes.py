"""The two test lanes.  The default run (`python -m pytest`, README's test command) leaves out the
tests marked slow; `.ci/run` runs it, then the slow lane, under `set -e`, so a failure in either
lane, or pytest's exit 5 when the slow lane collects nothing, fails CI."""

from __future__ import annotations

import shlex
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def ci_lines() -> list[str]:
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_ci_stops_at_the_first_failing_command() -> None:
    assert "set -euo pipefail" in ci_lines()


def test_ci_runs_the_default_lane_then_the_slow_lane() -> None:
    runs = [line for line in ci_lines() if "pytest" in line and not line.startswith("echo")]
    assert runs == ["python -m pytest", "python -m pytest -m slow"]


def test_the_default_run_leaves_out_the_slow_tests() -> None:
    with (ROOT / "pyproject.toml").open("rb") as f:
        ini = tomllib.load(f)["tool"]["pytest"]["ini_options"]
    addopts = shlex.split(ini["addopts"])
    assert addopts.count("-m") == 1 and addopts[addopts.index("-m") + 1] == "not slow"
    assert any(m.startswith("slow:") for m in ini["markers"])
