"""A run over several files (gcverify/session.py): each file's outcome reaches the reporter, a
file that does not load does not stop the run, and the exit code is the most severe outcome."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gcverify.budget import Interrupt
from gcverify.diagnostics import Diagnostic, ExitCode
from gcverify.pipeline import CheckConfig
from gcverify.reporter import Recording
from gcverify.results import Verdict
from gcverify.session import check_files
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
