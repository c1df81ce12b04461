"""The Reporter (gcverify/reporter.py): what a check tells a reporter, and in which order, for each
engine; and the command line's progress line (gcverify/cli_reporter.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from gcverify.cli_reporter import ProgressLine
from gcverify.diagnostics import Code, GcverifyError
from gcverify.explore.search import ExploreConfig, explore
from gcverify.pipeline import CheckConfig, EngineChoice, check_spec, load_spec
from gcverify.reporter import Progress, Recording
from gcverify.results import SpecResult
from gcverify.semantics.model import Model

NONE = Path(__file__).resolve().parents[2] / "specs" / "barriers" / "none.gcv"


def progress_of(rec: Recording) -> list[Progress]:
    return [p for name, p in rec.events if name == "progress" and isinstance(p, Progress)]


def test_bmc_reports_its_start_each_depth_and_its_end_with_the_result() -> None:
    spec = load_spec(NONE)
    rec = Recording()
    result = check_spec(spec, CheckConfig(engine=EngineChoice.BMC, bmc_depth=3), reporter=rec)
    assert rec.names() == ["spec_started", "progress", "spec_finished"]
    assert rec.events[0] == ("spec_started", spec)
    assert [p.depth for p in progress_of(rec)] == [0, 1, 2, 3]
    assert all(p.states == 0 for p in progress_of(rec))
    assert rec.events[-1] == ("spec_finished", result)


def test_the_explicit_search_reports_its_progress_to_the_reporter() -> None:
    model = Model(load_spec(NONE, {"OBJECTS": "3"}))
    rec = Recording()
    search = explore(model, ExploreConfig(progress_interval=0.0), reporter=rec)
    seen = progress_of(rec)
    assert seen, "no progress event"
    assert all(0 < p.states <= search.states and p.depth <= search.depth + 1 for p in seen)
    assert [p.states for p in seen] == sorted(p.states for p in seen)


def test_a_check_that_ends_in_an_error_still_reports_its_end_without_a_result() -> None:
    spec = load_spec(NONE)  # it declares no `inductive` candidate
    rec = Recording()
    with pytest.raises(GcverifyError) as e:
        check_spec(spec, CheckConfig(engine=EngineChoice.INDUCTION), reporter=rec)
    assert e.value.diagnostics[0].code is Code.NO_INDUCTIVE
    assert rec.events == [("spec_started", spec), ("spec_finished", None)]


def test_a_silent_check_gives_the_same_result_as_a_recorded_one() -> None:
    spec = load_spec(NONE)
    rec = Recording()
    recorded = check_spec(spec, CheckConfig(), reporter=rec)
    silent = check_spec(spec, CheckConfig())
    finished = rec.events[-1][1]
    assert isinstance(finished, SpecResult) and finished is recorded
    assert [(c.property, c.verdict, c.depth) for c in recorded.results] == [
        (c.property, c.verdict, c.depth) for c in silent.results
    ]


def test_the_progress_line_shows_after_a_second_on_a_terminal_and_goes_at_the_end() -> None:
    spec = load_spec(NONE)
    console = Console(file=io.StringIO(), force_terminal=True)
    line = ProgressLine(console)
    line.spec_started(spec)
    assert line.label == spec.file
    line.progress(Progress(10, 2, 5, 0.5))
    assert line.status is None  # not within the first second
    line.progress(Progress(10, 2, 5, 1.5))
    assert line.status is not None
    line.spec_finished(spec, None)
    assert line.status is None


def test_the_progress_line_stays_off_when_not_on_a_terminal() -> None:
    spec = load_spec(NONE)
    line = ProgressLine(Console(file=io.StringIO(), force_terminal=False), label="given")
    line.spec_started(spec)
    line.progress(Progress(10, 2, 5, 5.0))
    assert line.status is None and line.label == "given"
