"""A run over several spec files: load and check each within its budget, gather what came out.

Owns: `check_files` (the loop that `gcverify check` and `prove` run: a budget per file, Ctrl-C
between and inside files, a spec that does not load, stops or crashes reported and the run going
on), `RunOutcome` (the results, the load errors and the exit code) and `RunReporter` (the events
a run adds to a check's: a file about to load, a phase of a long build, a file that gave no
result) and `Ahead` (the next file's native model, compiled while the current file is checked).
The command line only parses its options, calls this and writes what it returns.
Must not import gcverify.cli or gcverify.report.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import signal
import sys
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from gcverify.budget import Budget, Interrupt, Stopped
from gcverify.diagnostics import Code, Diagnostic, ExitCode, GcverifyError, InternalError
from gcverify.explore.search import Explorer
from gcverify.ir import nodes as n
from gcverify.pipeline import CheckConfig, EngineChoice, budget_for, check_spec, compile_spec_ahead, load_spec
from gcverify.reporter import Reporter
from gcverify.results import LoadError, SpecResult, exit_code, worse


class RunReporter(Reporter, Protocol):
    def loading(self, file: str) -> None:
        """`file` (as the user named it) is about to be loaded and checked."""

    def phase(self, what: str, seconds: float) -> None:
        """A long phase before the search ("compiling the model"), `seconds` into the file's run."""

    def load_failed(self, file: str, diagnostics: Sequence[Diagnostic]) -> None:
        """The spec has errors: no result."""

    def stopped(self, file: str, reason: str) -> None:
        """A limit or Ctrl-C stopped the run before the spec had loaded: no result."""

    def crashed(self, file: str, error: BaseException, trace: str) -> None:
        """A bug in gcverify ended this file's check (the run goes on with the next file)."""

    def skipped(self, files: int) -> None:
        """Ctrl-C: `files` more files are not checked."""


@dataclass(frozen=True, slots=True)
class RunOutcome:
    results: tuple[SpecResult, ...]
    errors: tuple[LoadError, ...]  # the files that gave no result (their first problem each)
    code: ExitCode  # the most severe outcome of the run


def check_files(
    files: Sequence[tuple[Path, str]],
    overrides: Mapping[str, str],
    config: CheckConfig,
    reporter: RunReporter,
    interrupt: Interrupt,
) -> RunOutcome:
    """Check each (path, name to show) in turn, each within a budget of its own (`config`'s limits)
    that `interrupt` ends; a problem with one file is reported and the run goes on.  While a file
    is checked, the next one's native model is compiled in a child process (`Ahead`)."""
    code = ExitCode.OK
    results: list[SpecResult] = []
    errors: list[LoadError] = []
    ahead: Ahead | None = None
    cold = True  # whether the last file's model had to be compiled (by its check or ahead of it)
    try:
        for number, (path, display) in enumerate(files):
            if interrupt.is_set:
                reporter.skipped(len(files) - number)
                code = worse(code, ExitCode.UNKNOWN)  # files left unchecked: nothing is claimed of them
                break
            reporter.loading(display)
            budget = budget_for(config, interrupt, reporter.phase)
            current, ahead = ahead, None
            if cold and number + 1 < len(files) and Ahead.wanted(config):
                ahead = Ahead(files[number + 1][0], files[number + 1][1], overrides, config)
            try:
                if current is not None:
                    current.wait(budget)
                result = _check_file(path, display, overrides, config, budget, reporter)
            except GcverifyError as e:
                reporter.load_failed(display, e.diagnostics)
                errors.extend(
                    LoadError(file=display, code=d.code, message=d.message, span=d.span) for d in e.diagnostics
                )
                code = worse(code, e.exit_code)
                continue
            except (Stopped, KeyboardInterrupt) as e:
                # Stopped: the budget ran out before the spec was loaded; KeyboardInterrupt: a second
                # Ctrl-C, which does not wait for the run to stop at its next check
                if isinstance(e, KeyboardInterrupt):
                    interrupt.set()
                message = e.message if isinstance(e, Stopped) else "interrupted"
                reporter.stopped(display, message)
                errors.append(LoadError(file=display, code=Code.STOPPED, message=message))
                code = worse(code, ExitCode.UNKNOWN)
                continue
            except (InternalError, Exception) as e:
                reporter.crashed(display, e, traceback.format_exc())
                code = worse(code, ExitCode.INTERNAL)
                continue
            finally:
                if current is not None:
                    current.cancel()
            compiled = result.search is not None and result.search.compile_seconds > 0
            cold = compiled or (current is not None and current.compiled)
            results.append(result)
            code = worse(code, exit_code(result))
    finally:
        if ahead is not None:
            ahead.cancel()
    reporter.run_finished(results)
    return RunOutcome(tuple(results), tuple(errors), code)


class Ahead:
    """The native model of the file checked next, compiled into the cache by a child process while
    this process checks the current file: the search runs on one core, the compiler on the other
    (a cold `gcverify check specs/go` spends most of its time compiling).  The child loads the
    file and compiles exactly what the check will look up (pipeline.compile_spec_ahead); when the
    check of that file starts, it waits for the child (a phase of its own, within its budget),
    then finds the model in the cache.  The child reports nothing: whatever goes wrong in it (the
    file does not load, no compiler, a compiler error) happens again, and is reported, in the
    check itself.  A run starts one only while it is cold: for the second file, and after a file
    whose model had to be compiled (a warm run would load every spec twice for nothing)."""

    PHASE = "compiling the model (begun while the previous spec was checked)"

    @staticmethod
    def wanted(config: CheckConfig) -> bool:
        return (
            config.engine in (EngineChoice.EXPLICIT, EngineChoice.AUTO)
            and config.explorer is Explorer.NATIVE
            and "fork" in mp.get_all_start_methods()
        )

    def __init__(self, path: Path, display: str, overrides: Mapping[str, str], config: CheckConfig) -> None:
        self.process = mp.get_context("fork").Process(
            target=_compile_ahead, args=(path, display, overrides, config), daemon=True
        )
        self.process.start()

    def wait(self, budget: Budget) -> None:
        """Until the child is done; raises `Stopped` (after ending the child) when `budget` runs out."""
        try:
            while self.process.is_alive():
                budget.check(self.PHASE)
                self.process.join(0.1)
        except BaseException:
            self.cancel()
            raise

    @property
    def compiled(self) -> bool:
        """Whether the child compiled a model (it has ended)."""
        return self.process.exitcode == COMPILED

    def cancel(self) -> None:
        """End the child if it still runs (it stops its compilers first: see `_compile_ahead`)."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()


def _compile_ahead(path: Path, display: str, overrides: Mapping[str, str], config: CheckConfig) -> None:
    """In the child: Ctrl-C is the parent's to handle (it ends the child), and SIGTERM becomes
    SystemExit, which makes build.py kill the compilers it started before the child ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(1)

    signal.signal(signal.SIGTERM, stop)
    compiled = False
    # what goes wrong is reported by the check of this file, which does the same again
    with contextlib.suppress(Exception):
        compiled = compile_spec_ahead(load_spec(path, overrides, display, None, config.import_path), config)
    if compiled:
        sys.exit(COMPILED)


COMPILED = 3  # the exit code of an `Ahead` child that compiled a model


def _check_file(
    path: Path, display: str, overrides: Mapping[str, str], config: CheckConfig, budget: Budget, reporter: Reporter
) -> SpecResult:
    spec = load_spec(path, overrides, display, budget, config.import_path)

    def reload(extra: Mapping[str, str]) -> n.Spec:
        return load_spec(path, {**overrides, **extra}, display, budget, config.import_path)

    return check_spec(spec, config, reload, budget, reporter)
