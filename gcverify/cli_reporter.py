"""The command line's Reporter (gcverify/reporter.py): progress on a terminal, then the results.

Owns: `ProgressLine`, which draws a status line on standard error once a check has lasted a second,
and only if standard error is a terminal (`check`, `prove` and `trace` use it), and
`ConsoleReporter`, which adds the final output of `check` and `prove`: each counterexample as the
check of its spec finishes (the unexpected ones, or all of them with --traces), and at the end of
the run the results table and the notes under it (gcverify/wording.py's).
It is the `RunReporter` of gcverify/session.py: it also shows the problems of the files that gave no
result.  The documents (--json, --junit, --sarif, --itf) are gcverify/report/documents.py's.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Console, JustifyMethod
from rich.table import Table

from gcverify import wording
from gcverify.diagnostics import Diagnostic
from gcverify.ir import nodes as n
from gcverify.report.lexer import highlight_diagnostic, highlight_trace
from gcverify.report.text import trace_lines
from gcverify.reporter import Progress
from gcverify.results import Engine, SpecResult


class ProgressLine:
    """A Reporter that draws search progress on stderr once a check has lasted a second, if stderr
    is a terminal; the line goes when the check ends.  `label`: what to call the spec (its file as
    the loader names it, by default)."""

    def __init__(self, console: Console, label: str | None = None) -> None:
        self.console = console
        self.fixed = label
        self.label = label or ""
        self.start = time.monotonic()
        self.status: Any = None
        self.noted: set[str] = set()

    def loading(self, label: str) -> None:
        """A spec file is about to be loaded: `phase` reports name it by `label` until its check starts."""
        self.label = self.fixed or label
        self.start = time.monotonic()

    def spec_started(self, spec: n.Spec) -> None:
        self.label = self.fixed or spec.file

    def progress(self, progress: Progress) -> None:
        p = progress
        if not self.console.is_terminal or p.seconds < 1.0:
            return
        rate = p.states / p.seconds if p.seconds else 0.0
        text = f"{self.label}: {p.states:,} states, depth {p.depth}, queue {p.queue:,}, {rate:,.0f} states/s"
        if p.states == 0:  # the symbolic engine: depth only
            text = f"{self.label}: Z3 at depth {p.depth}, {p.seconds:.0f} s"
        self._show(text)

    def note(self, spec: n.Spec, message: str) -> None:
        """On stderr, once a run for each distinct message (a run over many specs says it once)."""
        if message in self.noted:
            return
        self.noted.add(message)
        self.close()
        self.console.print(f"note: {message}", markup=False, highlight=False)

    def phase(self, what: str, seconds: float) -> None:
        """What a long run does before its search (budget.py's report): "compiling the model, 12 s"."""
        if self.console.is_terminal and seconds >= 1.0:
            self._show(f"{self.label}: {what}, {seconds:.0f} s")

    def _show(self, text: str) -> None:
        if self.status is None:
            self.status = self.console.status(text)
            self.status.start()
        else:
            self.status.update(text)

    def spec_finished(self, spec: n.Spec, result: SpecResult | None) -> None:
        self.close()

    def run_finished(self, results: Sequence[SpecResult]) -> None:
        pass

    def close(self) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None


class ConsoleReporter(ProgressLine):
    """`check`'s and `prove`'s output (a session.RunReporter): progress and the problems of files
    that gave no result on `err`; counterexamples and the table on `out`."""

    def __init__(self, err: Console, out: Console, traces: bool, version: str) -> None:
        super().__init__(err)
        self.out = out
        self.traces = traces
        self.version = version

    def load_failed(self, file: str, diagnostics: Sequence[Diagnostic]) -> None:
        self.close()
        for d in diagnostics:
            self.console.print(highlight_diagnostic(d.render()))

    def stopped(self, file: str, reason: str) -> None:
        self.close()
        self.console.print(f"{file}: unknown: {reason}", markup=False)

    def crashed(self, file: str, error: BaseException, trace: str) -> None:
        self.close()
        self.console.print(f"internal error while checking {file}: {error}", markup=False)
        self.console.print(trace, markup=False)
        self.console.print(f"This is a bug in gcverify {self.version}; please report it with the spec that caused it.")

    def skipped(self, files: int) -> None:
        self.console.print(f"interrupted: {files} more spec file(s) not checked", markup=False)

    def spec_finished(self, spec: n.Spec, result: SpecResult | None) -> None:
        super().spec_finished(spec, result)
        if result is None:
            return
        for c in result.results:
            if c.finding is not None and (self.traces or not c.met):
                self.out.print(highlight_trace(trace_lines(result, c)))
                self.out.print()

    def run_finished(self, results: Sequence[SpecResult]) -> None:
        if not results:
            return
        self.out.print(table(results), width=max(self.out.width, 132))
        for line in wording.notes(results):
            self.out.print(line, markup=False)


def table(results: Sequence[SpecResult]) -> Table:
    """The results table: one row per property of each spec."""
    out = Table(title="gcverify results", box=box.SIMPLE_HEAD, pad_edge=False)
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("spec", "left"),
        ("property", "left"),
        ("expected", "left"),
        ("verdict", "left"),
        ("engine", "left"),
        ("evidence", "left"),
        ("states", "right"),
        ("depth", "right"),
        ("seconds", "right"),
        ("status", "left"),
    )
    for col, just in columns:
        out.add_column(col, justify=just, no_wrap=True)
    for r in results:
        for c in r.results:
            verdict = c.verdict.value
            style = {"holds": "green", "violated": "red", "unknown": "yellow"}[verdict]
            out.add_row(
                r.name,
                c.property.display,
                wording.expected(c),
                f"[{style}]{verdict}[/{style}]",
                c.engine.value,
                wording.short(c.evidence),
                f"{c.states:,}" if c.engine is Engine.EXPLICIT else "–",
                str(c.depth),
                f"{c.seconds:.2f}",
                "[green]ok[/green]" if c.met else "[bold red]UNEXPECTED[/bold red]",
            )
    return out
