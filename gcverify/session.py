"""A run over several spec files: load and check each within its budget, gather what came out.

Owns: `check_files` (the loop that `gcverify check` and `prove` run: a budget per file, Ctrl-C
between and inside files, a spec that does not load, stops or crashes reported and the run going
on), `RunOutcome` (the results, the load errors and the exit code) and `RunReporter` (the events
a run adds to a check's: a file about to load, a phase of a long build, a file that gave no
result).  The command line only parses its options, calls this and writes what it returns.
Must not import gcverify.cli or gcverify.report.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from gcverify.budget import Budget, Interrupt, Stopped
from gcverify.diagnostics import Code, Diagnostic, ExitCode, GcverifyError, InternalError
from gcverify.ir import nodes as n
from gcverify.pipeline import CheckConfig, budget_for, check_spec, load_spec
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
    that `interrupt` ends; a problem with one file is reported and the run goes on."""
    code = ExitCode.OK
    results: list[SpecResult] = []
    errors: list[LoadError] = []
    for number, (path, display) in enumerate(files):
        if interrupt.is_set:
            reporter.skipped(len(files) - number)
            code = worse(code, ExitCode.UNKNOWN)  # files left unchecked: nothing is claimed of them
            break
        reporter.loading(display)
        budget = budget_for(config, interrupt, reporter.phase)
        try:
            result = _check_file(path, display, overrides, config, budget, reporter)
        except GcverifyError as e:
            reporter.load_failed(display, e.diagnostics)
            errors.extend(LoadError(file=display, code=d.code, message=d.message, span=d.span) for d in e.diagnostics)
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
        results.append(result)
        code = worse(code, exit_code(result))
    reporter.run_finished(results)
    return RunOutcome(tuple(results), tuple(errors), code)


def _check_file(
    path: Path, display: str, overrides: Mapping[str, str], config: CheckConfig, budget: Budget, reporter: Reporter
) -> SpecResult:
    spec = load_spec(path, overrides, display, budget, config.import_path)

    def reload(extra: Mapping[str, str]) -> n.Spec:
        return load_spec(path, {**overrides, **extra}, display, budget, config.import_path)

    return check_spec(spec, config, reload, budget, reporter)
