"""Breadth-first exploration: the one search loop, over one partition of the states or several.

Owns: `Explorer` and `ExploreConfig`, `Target` (the state a finding ends in, with the keys its trace
is rebuilt through), `Search` (what a search found; `path` and `fault_path` rebuild a trace),
`Partitions` (the protocol through which the loop drives the partitions of the state space; see
NOTE(levels) in partition.py), `LocalPartitions` (one partition, in this process) and `explore`,
which picks the partitions: native ones (explore/native: the model compiled to C, one partition
searched in C, or one C-expanding partition per worker) unless the Python explorer is asked for or
native cannot run (then a note says why), else the Python ones.
The loop goes level by level, so every counterexample is a shortest one.  It stops at a level
boundary once every invariant is violated (so state counts do not depend on the order within a
level, nor on the number of workers), and within a level when a limit is reached (states, seconds,
memory): the verdicts left open are then unknown.  Visited states are canonical under symmetry
(explore/symmetry.py); the sum of their orbit sizes is the number of states the search would have
stored without it.  The engine never prints: its progress goes to a `Reporter` (gcverify/reporter.py).
Must not import z3, gcverify.pipeline or gcverify.report.
"""

from __future__ import annotations

import enum
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from gcverify.budget import Budget, resident_bytes
from gcverify.diagnostics import InternalError
from gcverify.explore.native.engine import NativePartition, NativePartitions, Prepared, prepare
from gcverify.explore.parallel import ParallelPartitions
from gcverify.explore.partition import Canon, Codec, Commit, Expansion, Partition, Tick
from gcverify.explore.symmetry import Symmetry
from gcverify.explore.trace import ExpandFn, Layers, layers, walk
from gcverify.explore.visited import collision_probability, fingerprint
from gcverify.ir import nodes as n
from gcverify.machine import cores
from gcverify.reporter import SILENT, Progress, Reporter
from gcverify.semantics.model import Model
from gcverify.semantics.state import ActionInstance, State


class Explorer(enum.Enum):
    """Which implementation runs the search (the same states, verdicts and traces either way)."""

    NATIVE = "native"  # the model staged into C and searched in C, where a C compiler is found
    PYTHON = "python"  # the model staged into Python: the reference


def default_explorer() -> Explorer:
    """NATIVE, unless the environment variable GCVERIFY_EXPLORER names another explorer (so that a
    whole test suite, or every check of a CI job, can run on the Python explorer)."""
    try:
        return Explorer(os.environ.get("GCVERIFY_EXPLORER", "native").strip().lower())
    except ValueError:
        return Explorer.NATIVE


@dataclass(frozen=True, slots=True, kw_only=True)
class ExploreConfig:
    max_states: int | None = None
    check_deadlock: bool = False
    # the properties the search must decide before it may stop (None: every invariant and fault site)
    properties: tuple[n.Property, ...] | None = None
    symmetry: bool = True  # visit one state of each orbit under permutations of the scalarsets
    workers: int = 1  # processes that expand states; 0: one per core
    progress_interval: float = 0.5  # seconds between two progress events (and two looks at memory)
    explorer: Explorer = field(default_factory=default_explorer)  # NATIVE falls back to PYTHON, with a note


@dataclass(frozen=True, slots=True)
class Target:
    """A stored state a finding ends in: its key, its depth and (once the search has ended) the
    candidate keys of each depth on its way back to the initial state (see explore/trace.py)."""

    key: int
    depth: int
    layers: Layers = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Search:
    """What a search found."""

    states: int
    depth: int
    complete: bool
    stop_reason: str
    seconds: float
    violations: Mapping[int, Target]  # invariant -> the state violating it
    faults: Mapping[int, Target]  # fault site -> a state with a step that faults there
    deadlock: Target | None
    unreduced_states: int | None  # the states without symmetry reduction; None: no reduction
    generated: int  # successor states computed, duplicates included (TLC's "states generated")
    bytes_per_state: float  # of the visited set
    collision_calculated: float  # TLC's optimistic estimate of a fingerprint collision
    collision_observed: float | None  # 1 / the least gap between two fingerprints
    workers: int
    explorer: Explorer = Explorer.PYTHON  # the one that ran
    compile_seconds: float = 0.0  # spent compiling the native model (0: none, or found in the cache)
    canon: Canon | None = field(default=None, compare=False, repr=False)
    expand: ExpandFn | None = field(default=None, compare=False, repr=False)  # for rebuilding traces

    def path(self, model: Model, target: Target) -> list[ActionInstance]:
        """A concrete shortest path from the initial state to a state whose canonical form is `target`'s."""
        ids, _ = walk(model, self.canon, target.layers, self.expand)
        return [model.instances[t] for t in ids]

    def fault_path(self, model: Model, site: int) -> list[ActionInstance]:
        """A path to the state with a step that faults at `site`, then that step (the one with
        the lowest id)."""
        if site not in self.faults:
            raise InternalError(f"fault_path of a search that found no fault at site {site}")
        ids, last = walk(model, self.canon, self.faults[site].layers, self.expand)
        _, faults = (self.expand or model.expand)(last)
        here = [t for t, s in faults if s == site]
        if not here:
            raise InternalError("the rebuilt path to a faulting state ends in a state without that faulting step")
        return [model.instances[t] for t in [*ids, min(here)]]


class Partitions(Protocol):
    """The partitions of the state space and the transport between them (NOTE(levels)).  One
    partition in this process, or one per worker process (parallel.py); a set of Ray actors would
    implement the same calls."""

    count: int

    def seed(self, state: State, orbit: int) -> None: ...

    def expand(self, remaining: int | None, invariants: Sequence[int], tick: Tick) -> list[Expansion]: ...

    def commit(self, allowances: Sequence[int]) -> list[Commit]: ...

    def links(self, wanted: set[int]) -> dict[int, int]: ...

    def figures(self) -> tuple[int, int | None]: ...  # bytes of the visited tables, least key gap

    def memory(self) -> int: ...  # resident bytes of every process of the search

    def close(self) -> None: ...


class LocalPartitions:
    """A single partition, in this process."""

    count = 1

    def __init__(self, model: Model, canon: Canon | None, codec: Codec) -> None:
        self.part = Partition(model, canon, codec)

    def seed(self, state: State, orbit: int) -> None:
        self.part.seed(state, orbit)

    def expand(self, remaining: int | None, invariants: Sequence[int], tick: Tick) -> list[Expansion]:
        part = self.part

        def should_stop() -> bool:
            if remaining is not None and part.fresh_lower_bound >= remaining:
                return True
            return bool(tick(part.fresh_lower_bound, part.frontier_size))

        done = part.expand(invariants, remaining, should_stop, _unreachable, _nothing)
        return [replace(done, fresh=part.count_fresh())]

    def commit(self, allowances: Sequence[int]) -> list[Commit]:
        return [self.part.commit(allowances[0])]

    def links(self, wanted: set[int]) -> dict[int, int]:
        return self.part.links(wanted)

    def figures(self) -> tuple[int, int | None]:
        return self.part.table.nbytes, self.part.table.least_gap()

    def memory(self) -> int:
        return resident_bytes(os.getpid())

    def close(self) -> None:
        pass


def _unreachable(dest: int, batch: object) -> None:
    raise InternalError(f"a single partition sent a batch to partition {dest}")


def _nothing() -> None:
    pass


def worker_count(workers: int) -> int:
    """`workers`, with 0 meaning one per core this process may run on."""
    if workers > 0:
        return workers
    return cores()


def explore(model: Model, config: ExploreConfig, budget: Budget | None = None, reporter: Reporter = SILENT) -> Search:
    """Search every reachable state of `model` within `budget` (time, memory, Ctrl-C; default: no
    limit), telling `reporter` how it goes.  The preparation (symmetry tables, compiling the model,
    starting workers) raises `Stopped` when the budget runs out; the search itself then stops with
    a `stop_reason`."""
    budget = budget or Budget()
    symmetry = Symmetry(model.spec, model.layout, budget=budget) if config.symmetry else None
    canon = symmetry.canon if symmetry is not None and symmetry.sorts else None
    codec = Codec.for_spec(model.spec, model.layout.size)
    workers = worker_count(config.workers)
    init = model.initial()
    native = _native(model, config, symmetry, codec, budget, reporter)
    code = None if native is None else native.model
    parts: Partitions
    if code is not None:
        native_code = code

        def make(index: int, count: int) -> Partition:
            return NativePartition(model, canon, codec, index, count, native_code)

        if workers > 1 and ParallelPartitions.available():
            parts = ParallelPartitions(model, canon, codec, workers, budget, make)
        else:
            parts = NativePartitions(code)
        run = _Run(model, config, canon, parts, budget, reporter, code.check)
        run.native = native
    else:
        # Compile the model's actions (and the canonicaliser) before the search's clock starts and
        # before any worker is forked, so that workers inherit them.
        model.compile(budget)
        model.expand(init)
        if canon is not None:
            canon(init)
        if workers > 1 and ParallelPartitions.available():
            parts = ParallelPartitions(model, canon, codec, workers, budget)
        else:
            parts = LocalPartitions(model, canon, codec)
        run = _Run(model, config, canon, parts, budget, reporter, model.check)
    try:
        return run.run()
    finally:
        parts.close()


def _native(
    model: Model,
    config: ExploreConfig,
    symmetry: Symmetry | None,
    codec: Codec,
    budget: Budget,
    reporter: Reporter,
) -> Prepared | None:
    """The native model if it is asked for and can run; else None, after a note saying why not."""
    if config.explorer is not Explorer.NATIVE:
        return None
    native = prepare(model, symmetry, codec, budget)
    if native.model is None:
        if native.error is not None:
            lines = native.error.output.strip().splitlines()
            shown = "\n".join(lines[:10]) + ("\n[...]" if len(lines) > 10 else "")
            reporter.note(
                model.spec,
                f"internal error: the C compiler failed on generated code ({native.error.path}); this is a "
                f"bug in gcverify, please report it. Using the Python explorer.\n{shown}",
            )
        else:
            reporter.note(model.spec, f"native explorer unavailable: {native.reason}; using the Python explorer")
        return None
    return native


def allowances(fresh: Sequence[int], remaining: int | None) -> list[int]:
    """How many of its new states each partition may store: all, unless that would pass the state
    limit; then the partitions in order, until the limit."""
    if remaining is None:
        return list(fresh)
    out: list[int] = []
    for f in fresh:
        out.append(max(0, min(f, remaining)))
        remaining -= out[-1]
    return out


class _Run:
    """One search: the level loop and its bookkeeping."""

    def __init__(
        self,
        model: Model,
        config: ExploreConfig,
        canon: Canon | None,
        parts: Partitions,
        budget: Budget,
        reporter: Reporter,
        check: Callable[[int, State], bool],
    ) -> None:
        self.model, self.config, self.canon, self.parts, self.budget = model, config, canon, parts, budget
        self.check = check  # invariant i in a state (for the initial state; the partitions check the rest)
        self.native: Prepared | None = None
        self.reporter = reporter
        self.start = time.monotonic()
        self.next_tick = self.start  # the first progress report is at once, then every progress_interval
        self.stop_reason = ""
        self.states = self.depth = self.frontier = 0
        self.unreduced = self.generated = 0
        self.violations: dict[int, Target] = {}
        self.faults: dict[int, Target] = {}
        spec = model.spec
        props = config.properties
        if props is None:
            props = spec.safety_properties(deadlock=False)
        self.invariants = [p.index for p in props if p.kind is n.PropertyKind.INVARIANT]
        self.sites = [p.index for p in props if p.kind in (n.PropertyKind.ASSERTION, n.PropertyKind.RUNTIME)]
        self.deadlock: Target | None = None

    def run(self) -> Search:
        init, orbit = self._canonical(self.model.initial())
        self.parts.seed(init, orbit)
        self.states, self.unreduced, self.generated, self.frontier = 1, orbit, 1, 1
        key = fingerprint(init)
        for i in self.invariants:
            if not self.check(i, init):
                self.violations[i] = Target(key, 0)
        pending = [i for i in self.invariants if i not in self.violations]
        while self.frontier and (pending or self._undecided()) and not self.stop_reason:
            limit = self.config.max_states
            if limit is not None and self.states >= limit:
                self.stop_reason = f"state limit of {limit:,} reached"
                break
            self.stop_reason = self.budget.reason(self.parts.memory)
            if self.stop_reason:
                break
            self._level(pending)
            pending = [i for i in pending if i not in self.violations]
        return self._finish()

    def _undecided(self) -> bool:
        """Whether some property besides the invariants still needs the search to go on: a fault
        site (an assertion, or runtime errors) with no faulting step found, or deadlock."""
        return any(s not in self.faults for s in self.sites) or (self.config.check_deadlock and self.deadlock is None)

    def _canonical(self, state: State) -> tuple[State, int]:
        return (state, 1) if self.canon is None else self.canon(state)

    def _level(self, pending: list[int]) -> None:
        """Expand every frontier state and commit the new states they lead to (one more depth)."""
        limit = self.config.max_states
        remaining = None if limit is None else limit - self.states
        expansions = self.parts.expand(remaining, pending, self._tick)
        self.generated += sum(e.generated for e in expansions)
        for site in {s for e in expansions for s in e.faults}:
            if site not in self.faults:
                found = _least(self.depth, [e.faults.get(site) for e in expansions])
                assert found is not None
                self.faults[site] = found
        if self.deadlock is None and self.config.check_deadlock:
            self.deadlock = _least(self.depth, [e.deadlock for e in expansions])
        fresh = [e.fresh for e in expansions]
        commits = self.parts.commit(allowances(fresh, remaining))
        new = sum(c.new for c in commits)
        self.states += new
        self.unreduced += sum(c.orbits for c in commits)
        self.frontier = new
        if new:
            self.depth += 1
        for i in pending:
            target = _least(self.depth, [c.violations.get(i) for c in commits])
            if target is not None:
                self.violations[i] = target
        if remaining is not None and sum(fresh) > new:
            self.stop_reason = self.stop_reason or f"state limit of {limit:,} reached"

    def _tick(self, fresh: int, queue: int) -> str:
        """Called while a level is expanded: progress, and the budget (time and memory limits of the
        search's processes, Ctrl-C); why to stop, if so."""
        now = time.monotonic()
        cfg = self.config
        self.stop_reason = self.stop_reason or self.budget.reason(self.parts.memory)
        if now >= self.next_tick:
            self.next_tick = now + cfg.progress_interval
            self.reporter.progress(Progress(self.states + fresh, self.depth + 1, queue, now - self.start))
        return self.stop_reason

    def _finish(self) -> Search:
        def traced(target: Target) -> Target:
            return replace(target, layers=layers(self.parts.links, target.key, target.depth))

        nbytes, gap = self.parts.figures()
        return Search(
            states=self.states,
            depth=self.depth,
            complete=not self.stop_reason and not self.frontier,
            stop_reason=self.stop_reason,
            seconds=time.monotonic() - self.start,
            violations={i: traced(t) for i, t in sorted(self.violations.items())},
            faults={s: traced(t) for s, t in sorted(self.faults.items())},
            deadlock=None if self.deadlock is None else traced(self.deadlock),
            unreduced_states=None if self.canon is None else self.unreduced,
            generated=self.generated,
            bytes_per_state=nbytes / self.states,
            collision_calculated=collision_probability(self.states, self.generated),
            collision_observed=None if gap is None else 1.0 / gap,
            workers=self.parts.count,
            explorer=Explorer.PYTHON if self.native is None else Explorer.NATIVE,
            compile_seconds=0.0 if self.native is None else self.native.compile_seconds,
            canon=self.canon,
            expand=None if self.native is None or self.native.model is None else self.native.model.expand,
        )


def _least(depth: int, keys: Sequence[int | None]) -> Target | None:
    found = [k for k in keys if k is not None]
    return Target(min(found), depth) if found else None
