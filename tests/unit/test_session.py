"""A run over several files (gcverify/session.py): each file's outcome reaches the reporter, a
file that does not load does not stop the run, the exit code is the most severe outcome, and the
next file's native model is compiled while a file is checked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from gcverify import session
from gcverify.budget import Budget, Interrupt, Stopped
from gcverify.diagnostics import Diagnostic, ExitCode
from gcverify.explore.native.build import find_compiler
from gcverify.explore.search import Explorer
from gcverify.pipeline import CheckConfig
from gcverify.reporter import Recording
from gcverify.results import Verdict
from gcverify.session import Ahead, check_files
from tests.helpers import write_spec

OK = "spec ok\nvar x: 0..1 = 0\nprocess P { x := 1 }\ninvariant small: x <= 1\n"
BAD = "spec bad\nvar x: 0..2 = 0\nprocess P { x := 2 }\ninvariant small: x <= 1\n"
BROKEN = "spec broken\nvar x: 0..1 = 0\nprocess P { x := y }\n"


class Run(Recording):
    """A recording RunReporter."""

    def loading(self, file: str) -> None:
        self.events.append(("loading", Path(file).name))

    def phase(self, what: str, seconds: float) -> None:
        pass

    def load_failed(self, file: str, diagnostics: Sequence[Diagnostic]) -> None:
        self.events.append(("load_failed", [d.code.id for d in diagnostics]))

    def stopped(self, file: str, reason: str) -> None:
        self.events.append(("stopped", reason))

    def crashed(self, file: str, error: BaseException, trace: str) -> None:
        self.events.append(("crashed", error))

    def skipped(self, files: int) -> None:
        self.events.append(("skipped", files))


def files(tmp_path: Path, *texts: tuple[str, str]) -> list[tuple[Path, str]]:
    return [(Path(p), p) for p in (write_spec(tmp_path, name, text) for name, text in texts)]


def test_a_broken_file_does_not_stop_the_run(tmp_path: Path) -> None:
    rec = Run()
    got = check_files(files(tmp_path, ("a.gcv", BROKEN), ("b.gcv", BAD)), {}, CheckConfig(), rec, Interrupt())
    assert got.code is ExitCode.STATIC_ERROR  # 120 is more severe than the violation's 12
    assert [r.name for r in got.results] == ["bad"] and got.results[0].results[0].verdict is Verdict.VIOLATED
    assert [e.code.id for e in got.errors] == ["GCV201"]
    names = [name for name, _ in rec.events if name != "progress"]
    assert names == ["loading", "load_failed", "loading", "spec_started", "spec_finished", "run_finished"]


def test_an_interrupted_run_skips_the_other_files(tmp_path: Path) -> None:
    rec = Run()
    interrupt = Interrupt()
    interrupt.set()
    got = check_files(files(tmp_path, ("a.gcv", OK), ("b.gcv", OK)), {}, CheckConfig(), rec, interrupt)
    assert got.results == () and got.code is ExitCode.UNKNOWN  # nothing checked is not a success
    assert rec.events == [("skipped", 2), ("run_finished", ())]


native = pytest.mark.skipif(
    find_compiler() is None or not Ahead.wanted(CheckConfig(explorer=Explorer.NATIVE)),
    reason="no C compiler, or no fork",
)


@native
def test_the_next_files_model_is_compiled_while_a_file_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second file's check finds its model in the cache: compiled by the child the first
    file's check started.  The results are those of a run that compiles each model itself."""
    monkeypatch.setenv("GCVERIFY_CACHE_DIR", str(tmp_path / "cache"))
    config = CheckConfig(explorer=Explorer.NATIVE)
    two = files(tmp_path, ("a.gcv", OK), ("b.gcv", BAD))
    got = check_files(two, {}, config, Run(), Interrupt())
    compiled = [r.search.compile_seconds for r in got.results if r.search is not None]
    assert len(compiled) == 2 and compiled[0] > 0 and compiled[1] == 0
    assert len(list((tmp_path / "cache" / "native").glob("model-*.so"))) == 2
    monkeypatch.setenv("GCVERIFY_CACHE_DIR", str(tmp_path / "alone"))
    alone = [check_files([f], {}, config, Run(), Interrupt()) for f in two]
    assert [(r.name, [c.verdict for c in r.results], r.states) for r in got.results] == [
        (r.name, [c.verdict for c in r.results], r.states) for one in alone for r in one.results
    ]
    assert got.code is ExitCode.VIOLATION


@native
def test_a_file_that_does_not_load_is_reported_once_when_compiled_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GCVERIFY_CACHE_DIR", str(tmp_path / "cache"))
    rec = Run()
    got = check_files(
        files(tmp_path, ("a.gcv", OK), ("b.gcv", BROKEN)), {}, CheckConfig(explorer=Explorer.NATIVE), rec, Interrupt()
    )
    assert [e.code.id for e in got.errors] == ["GCV201"]
    assert [e for e in rec.events if e[0] == "load_failed"] == [("load_failed", ["GCV201"])]
    out, err = capfd.readouterr()
    assert out == err == ""  # the child says nothing


@native
def test_waiting_for_a_model_compiled_ahead_stops_with_the_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wait is a phase of the next file's check: its budget ends it, and the child with it."""
    monkeypatch.setenv("GCVERIFY_CACHE_DIR", str(tmp_path / "cache"))
    [(path, display)] = files(tmp_path, ("a.gcv", OK))
    ahead = Ahead(path, display, {}, CheckConfig(explorer=Explorer.NATIVE))
    interrupt = Interrupt()
    interrupt.set()
    with pytest.raises(Stopped) as stop:
        ahead.wait(Budget(interrupt=interrupt))
    assert stop.value.message == f"interrupted while {Ahead.PHASE}"
    assert ahead.process.exitcode is not None  # ended, not left running


@native
def test_a_warm_run_stops_compiling_ahead_after_its_first_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once a file's model was in the cache, no child loads the next spec for nothing; a cold run
    starts one for every file after the first."""
    monkeypatch.setenv("GCVERIFY_CACHE_DIR", str(tmp_path / "cache"))
    started: list[str] = []

    class Counted(Ahead):
        def __init__(self, path: Path, display: str, overrides: Mapping[str, str], config: CheckConfig) -> None:
            started.append(Path(display).name)
            super().__init__(path, display, overrides, config)

    monkeypatch.setattr(session, "Ahead", Counted)
    three = files(tmp_path, ("a.gcv", OK), ("b.gcv", BAD), ("c.gcv", OK.replace("spec ok", "spec ok2")))
    config = CheckConfig(explorer=Explorer.NATIVE)
    cold = check_files(three, {}, config, Run(), Interrupt())
    assert started == ["b.gcv", "c.gcv"]
    started.clear()
    warm = check_files(three, {}, config, Run(), Interrupt())
    assert started == ["b.gcv"]
    assert [r.search.compile_seconds for r in warm.results if r.search is not None] == [0, 0, 0]
    assert [r.states for r in warm.results] == [r.states for r in cold.results]
