"""Breadth-first exploration with fingerprints and parent links.

Owns: `explore(model, config)`: the one search loop.  Visited states are kept as 64-bit
fingerprints (Python's hash of the state tuple) mapped to a state number; each state number has a
parent number and the transition that reached it, so a trace is rebuilt by replaying transitions
from the initial state (semantics/replay.py).  Breadth-first order makes every counterexample a
shortest one.  The engine never prints: it reports progress through a callback.
Must not import z3, gcverify.pipeline or gcverify.report.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

from gcverify.semantics.model import Model
from gcverify.semantics.state import ActionInstance, State


@dataclass(frozen=True, slots=True)
class Progress:
    states: int
    depth: int
    queue: int
    seconds: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ExploreConfig:
    max_states: int | None = None
    max_seconds: float | None = None
    check_deadlock: bool = False
    progress: Callable[[Progress], None] | None = None
    progress_interval: float = 0.5


@dataclass(slots=True)
class Search:
    """What a search found.  State numbers index `parent` and `via`."""

    states: int = 0
    depth: int = 0
    complete: bool = False
    stop_reason: str = ""
    seconds: float = 0.0
    violations: dict[int, int] = field(default_factory=dict)  # invariant -> state number
    fault: tuple[int, int] | None = None  # (state number, transition id)
    deadlock: int | None = None
    parent: array[int] = field(default_factory=lambda: array("q"))
    via: array[int] = field(default_factory=lambda: array("q"))

    def path(self, model: Model, state: int) -> list[ActionInstance]:
        out: list[ActionInstance] = []
        while state > 0:
            out.append(model.instances[self.via[state]])
            state = self.parent[state]
        out.reverse()
        return out


def explore(model: Model, config: ExploreConfig) -> Search:
    start = time.monotonic()
    res = Search()
    n_inv = len(model.spec.invariants)
    pending = set(range(n_inv))
    init = model.initial()
    seen: dict[int, int] = {hash(init): 0}
    res.parent.append(-1)
    res.via.append(-1)
    for i in sorted(pending):
        if not model.check(i, init):
            res.violations[i] = 0
    pending -= res.violations.keys()
    frontier: list[tuple[int, State]] = [(0, init)]
    next_report = start + config.progress_interval
    depth = 0
    successors = model.successors
    check = model.check
    processed = 0
    limit = config.max_states
    while frontier and (pending or config.check_deadlock or n_inv == 0):
        nxt: list[tuple[int, State]] = []
        for number, state in frontier:
            moved = False
            for t, tr in successors(state):
                moved = True
                if tr.fault is not None:
                    if res.fault is None:
                        res.fault = (number, t)
                    continue
                fp = hash(tr.post)
                if fp in seen:
                    continue
                j = len(res.parent)
                seen[fp] = j
                res.parent.append(number)
                res.via.append(t)
                nxt.append((j, tr.post))
                for i in list(pending):
                    if not check(i, tr.post):
                        res.violations[i] = j
                        pending.discard(i)
                if limit is not None and len(res.parent) >= limit:
                    res.stop_reason = f"state limit of {limit:,} reached"
                    break
            if res.stop_reason:
                break
            if not moved and config.check_deadlock and res.deadlock is None and not model.terminated(state):
                res.deadlock = number
            processed += 1
            if processed & 63 == 0:
                now = time.monotonic()
                if config.progress is not None and now >= next_report:
                    config.progress(Progress(len(res.parent), depth + 1, len(nxt), now - start))
                    next_report = now + config.progress_interval
                if config.max_seconds is not None and now - start > config.max_seconds:
                    res.stop_reason = f"time limit of {config.max_seconds:g} s reached"
                if res.stop_reason:
                    break
        if res.stop_reason:
            break
        if nxt:
            depth += 1
        frontier = nxt
    res.complete = not res.stop_reason and not frontier
    res.states = len(res.parent)
    res.depth = depth
    res.seconds = time.monotonic() - start
    return res
