"""What one run may spend: its time and memory limits, and whether the user interrupted it.

Owns: `Limits` (the frozen --max-seconds/--max-memory configuration), `Interrupt` (the flag a
SIGINT handler raises), `Budget` (limits, a monotonic start and the interrupt flag, checked
cooperatively) and `Stopped` (what `Budget.check` raises once the budget is spent).

Every phase of a run (lowering, building the model, compiling it, building symmetry tables,
starting workers, encoding and solving with Z3, the search itself) is handed the run's budget and
asks it at cheap points whether to go on.  Reaching a limit is not an error: the phase raises
`Stopped` with the reason, and the pipeline turns it into `unknown` results that say why, so the
run ends like a search that hit its limit (exit code 20, every output file written).
A budget is passed explicitly to each phase; there is no module-level state.
Must not import anything from gcverify.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

MEMORY_INTERVAL = 0.1  # seconds between two looks at the process's resident memory
REPORT_INTERVAL = 0.25  # seconds between two reports of the phase a run is in


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    max_seconds: float | None = None
    max_memory_mb: int | None = None  # resident memory, in MiB


class Interrupt:
    """Set (once) by a SIGINT handler; a plain attribute, safe to set from a signal handler."""

    __slots__ = ("is_set",)

    def __init__(self) -> None:
        self.is_set = False

    def set(self) -> None:
        self.is_set = True


class Stopped(Exception):
    """The budget is spent: `reason` says which limit ("time limit of 2 s reached", "interrupted"),
    `phase` what the run was doing ("compiling the model")."""

    def __init__(self, reason: str, phase: str) -> None:
        self.reason = reason
        self.phase = phase
        super().__init__(f"{reason} while {phase}")

    @property
    def message(self) -> str:
        return f"{self.reason} while {self.phase}"


def resident_bytes(pid: int) -> int:
    """The resident memory of a process (0 where /proc cannot tell)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def own_memory() -> int:
    return resident_bytes(os.getpid())


SOLVER_TIMER_SLACK = 0.1  # seconds: how early a solver's timer may fire before the timeout it was given


class Budget:
    """The limits of one run, its monotonic start and its interrupt flag.  `reason()` is cheap (a
    clock read; memory is looked at every MEMORY_INTERVAL seconds), so phases may ask it in their
    inner loops.  A limit once reached stays reached.  `report(phase, seconds)`, if given, hears
    from `check` every REPORT_INTERVAL seconds what the run is doing (a progress line for long
    builds)."""

    __slots__ = ("_next_memory", "_next_report", "_over_memory", "interrupt", "limits", "report", "start")

    def __init__(
        self,
        limits: Limits | None = None,
        interrupt: Interrupt | None = None,
        report: Callable[[str, float], None] | None = None,
    ) -> None:
        self.limits = limits or Limits()
        self.interrupt = interrupt or Interrupt()
        self.report = report
        self.start = time.monotonic()
        self._next_memory = self._next_report = self.start
        self._over_memory = False

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def remaining(self) -> float | None:
        """Seconds left before the time limit (None: no time limit; never below 0)."""
        if self.limits.max_seconds is None:
            return None
        return max(0.0, self.limits.max_seconds - self.elapsed())

    def solver_timeout_ms(self, timeout_ms: int | None) -> int | None:
        """A Z3 timeout that also ends the query when the time budget runs out (at least 1 ms)."""
        left = self.remaining()
        if left is None:
            return timeout_ms
        ms = max(1, int(left * 1000))
        return ms if timeout_ms is None else min(ms, timeout_ms)

    def after_solver(self, why: str) -> str:
        """Why the run must stop after a solver query gave up with `why` (Z3's reason; "" while the
        run may go on).  Ctrl-C cancels a query ("interrupted from keyboard") and so interrupts the
        run; a query whose timeout was the time left may stop a timer tick before the time limit
        itself has passed, and then the time limit is the reason."""
        if "interrupted from keyboard" in why:
            self.interrupt.set()
        stop = self.reason()
        left = self.remaining()
        if not stop and "timeout" in why and left is not None and left <= SOLVER_TIMER_SLACK:
            stop = self.time_limit()
        return stop

    def time_limit(self) -> str:
        return f"time limit of {self.limits.max_seconds:g} s reached"

    def reason(self, memory: Callable[[], int] = own_memory) -> str:
        """Why the run must stop ("" while it may go on).  `memory`: the resident bytes to compare
        with the memory limit (default: this process's)."""
        if self.interrupt.is_set:
            return "interrupted"
        limits = self.limits
        now = time.monotonic()
        if limits.max_seconds is not None and now - self.start > limits.max_seconds:
            return self.time_limit()
        if limits.max_memory_mb is not None and not self._over_memory and now >= self._next_memory:
            self._next_memory = now + MEMORY_INTERVAL
            self._over_memory = memory() > limits.max_memory_mb << 20
        if self._over_memory:
            return f"memory limit of {limits.max_memory_mb:,} MB reached"
        return ""

    def check(self, phase: str) -> None:
        """Raise `Stopped` if the budget is spent; `phase` says what the run was doing."""
        reason = self.reason()
        if reason:
            raise Stopped(reason, phase)
        if self.report is not None:
            now = time.monotonic()
            if now >= self._next_report:
                self._next_report = now + REPORT_INTERVAL
                self.report(phase, now - self.start)
