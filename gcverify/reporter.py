"""The Reporter: where the engines and the driver send what happens, so that none of them prints.

Owns: `Progress` (how far a search or BMC has got), the `Reporter` protocol (in the manner of
stateright's `Reporter` and Apalache's `ModelCheckerListener`), `Silent` (reports nothing: the
default) and `Recording` (keeps every event, for tests and library users).
Events, in the order a check emits them: `spec_started(spec)` once the spec has loaded; any
number of `progress(p)` from the engine (the explicit search every `progress_interval` seconds,
BMC once per depth) and of `note(spec, message)`; then `spec_finished(spec, result)`, whose
result is None when the check ended in an error (which the caller then gets as an exception).  A
run over several specs ends with one `run_finished(results)`, the final output (the command line's table).
The command line's implementation (the progress line on a terminal, the counterexamples and the
results table) is gcverify/cli_reporter.py's `ConsoleReporter`.
Must not import gcverify.explore, gcverify.symbolic, gcverify.pipeline, gcverify.report or gcverify.cli.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from gcverify.ir import nodes as n
from gcverify.results import SpecResult


@dataclass(frozen=True, slots=True)
class Progress:
    """How far an engine has got: states stored (0 for BMC), depth, frontier states left, seconds."""

    states: int
    depth: int
    queue: int
    seconds: float


class Reporter(Protocol):
    def spec_started(self, spec: n.Spec) -> None:
        """A spec has loaded and its check begins."""

    def progress(self, progress: Progress) -> None:
        """The engine is at work (called often: keep it cheap)."""

    def note(self, spec: n.Spec, message: str) -> None:
        """Something the user should know about how `spec` is checked, though it changes no verdict
        (the native explorer is unavailable and the Python one runs instead)."""

    def spec_finished(self, spec: n.Spec, result: SpecResult | None) -> None:
        """The check of `spec` ended: with its result, or (None) with an error raised to the caller."""

    def run_finished(self, results: Sequence[SpecResult]) -> None:
        """Every spec of the run has been checked: the final output."""


class Silent:
    """A Reporter that reports nothing."""

    def spec_started(self, spec: n.Spec) -> None:
        pass

    def progress(self, progress: Progress) -> None:
        pass

    def note(self, spec: n.Spec, message: str) -> None:
        pass

    def spec_finished(self, spec: n.Spec, result: SpecResult | None) -> None:
        pass

    def run_finished(self, results: Sequence[SpecResult]) -> None:
        pass


SILENT = Silent()


@dataclass
class Recording:
    """A Reporter that keeps every event as (name, argument), in order."""

    events: list[tuple[str, object]] = field(default_factory=list)

    def spec_started(self, spec: n.Spec) -> None:
        self.events.append(("spec_started", spec))

    def progress(self, progress: Progress) -> None:
        self.events.append(("progress", progress))

    def note(self, spec: n.Spec, message: str) -> None:
        self.events.append(("note", message))

    def spec_finished(self, spec: n.Spec, result: SpecResult | None) -> None:
        self.events.append(("spec_finished", result))

    def run_finished(self, results: Sequence[SpecResult]) -> None:
        self.events.append(("run_finished", tuple(results)))

    def names(self) -> list[str]:
        """The events' names, with consecutive `progress` events as one."""
        out: list[str] = []
        for name, _ in self.events:
            if not (name == "progress" and out and out[-1] == "progress"):
                out.append(name)
        return out
