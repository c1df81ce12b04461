"""The progress line of long runs, shared by the commands (`check`, `prove`, `trace`).

Owns: `ProgressView`, a `Progress` listener (explore/search.py) and phase listener (budget.py)
that draws a status line on standard error once a run has lasted a second, and only if standard
error is a terminal.
"""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console

from gcverify.explore.search import Progress


class ProgressView:
    """Draws search progress on stderr once a run has lasted a second, if stderr is a terminal."""

    def __init__(self, console: Console, label: str) -> None:
        self.console = console
        self.label = label
        self.start = time.monotonic()
        self.status: Any = None

    def __call__(self, p: Progress) -> None:
        if not self.console.is_terminal or p.seconds < 1.0:
            return
        rate = p.states / p.seconds if p.seconds else 0.0
        text = f"{self.label}: {p.states:,} states, depth {p.depth}, queue {p.queue:,}, {rate:,.0f} states/s"
        if p.states == 0:  # the symbolic engine: depth only
            text = f"{self.label}: Z3 at depth {p.depth}, {p.seconds:.0f} s"
        self._show(text)

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

    def close(self) -> None:
        if self.status is not None:
            self.status.stop()
