"""Parallel breadth-first search: one partition of the states per worker process.

Owns: `ParallelPartitions`, the `Partitions` of explore/search.py over worker processes, and the
worker loop.  Worker i owns the states whose fingerprint prefix is i modulo the number of workers:
their visited table, their part of the frontier, their new candidates (NOTE(levels) in
partition.py, which also says why the outcome does not depend on the number of workers).

Transport, and nothing more (DESIGN.md §7: no home-made cluster protocol).  Processes are forked
(multiprocessing's fork start method), so each worker inherits the compiled model instead of
rebuilding it.  The coordinator (the calling process) sends every worker one command per step of
a level through a pipe and waits for all the replies; the only data it receives are per-level
figures, so it stays idle.  While expanding, a worker sends each batch of candidates (keys, parent
links, packed states, orbit sizes, tags; first occurrences only) straight to the owner's inbox, a
multiprocessing queue, takes in what has arrived in its own after every chunk of states, and ends
the level with a marker to every other inbox.  Limits and progress: workers publish their counts
in shared memory; the coordinator reads them while it waits and raises a shared stop flag when a
limit is reached.  The observed collision estimate is taken within each partition (the least gap
between two keys of one partition), which is all that is known without gathering every key.

The same partitioning would run on Ray with one actor per partition (built from the spec: the
model is not picklable): `seed`, `expand`, `commit`, `links` become actor methods, and batches go
between actors as object references instead of through queues.
Must not import z3, gcverify.pipeline or gcverify.report.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import queue
import signal
import traceback
from collections.abc import Callable, Sequence
from dataclasses import replace
from multiprocessing.connection import Connection, wait
from typing import Any

from gcverify.budget import Budget, Stopped, resident_bytes
from gcverify.diagnostics import InternalError
from gcverify.explore.partition import Batch, Canon, Codec, Commit, Expansion, Partition, Tick
from gcverify.semantics.model import Model
from gcverify.semantics.state import State

MakePartition = Callable[[int, int], Partition]  # (index, count) -> the partition a worker owns
WAIT = 0.1  # seconds between two looks at the workers' counts while waiting for their replies


class _Shared:
    """What the workers share besides their pipes: inboxes, counts, the stop flag."""

    def __init__(self, ctx: Any, count: int) -> None:
        self.inboxes = [ctx.Queue() for _ in range(count)]
        self.counts = ctx.RawArray("q", 2 * count)  # per worker: new states found, frontier left
        self.stop = ctx.RawValue("b", 0)


class ParallelPartitions:
    """`count` partitions, one per forked worker process."""

    @staticmethod
    def available() -> bool:
        return "fork" in mp.get_all_start_methods()

    def __init__(
        self,
        model: Model,
        canon: Canon | None,
        codec: Codec,
        count: int,
        budget: Budget | None = None,
        make: MakePartition | None = None,
    ) -> None:
        """Fork `count` workers; `budget` is checked before each (raises `Stopped`, with the workers
        already started shut down).  `make(index, count)`: how a worker builds its partition
        (default: a `Partition` of `model`; the native explorer's expands in C)."""
        self.make: MakePartition = make or (lambda index, count: Partition(model, canon, codec, index, count))
        ctx = mp.get_context("fork")
        self.count = count
        self.shared = _Shared(ctx, count)
        self.conns: list[Connection] = []
        self.procs: list[Any] = []
        try:
            for index in range(count):
                if budget is not None:
                    budget.check("starting the worker processes")
                self._start(ctx, index)
        except Stopped:
            self.close()
            raise

    def _start(self, ctx: Any, index: int) -> None:
        mine, theirs = ctx.Pipe()
        build = (self.make, index, self.count)
        proc = ctx.Process(target=_serve, args=(build, theirs, self.shared), name=f"gcverify-worker-{index}")
        proc.daemon = True
        # SIGINT stays blocked from the fork until the worker ignores it (see _serve); here, a Ctrl-C
        # in the meantime is delivered once the fork is done.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            proc.start()
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        theirs.close()
        self.conns.append(mine)
        self.procs.append(proc)

    def _ask(self, messages: Sequence[tuple[str, Any] | None], tick: Callable[[], None] | None = None) -> list[Any]:
        """Send each worker its message (None: none) and gather the replies, calling `tick` while waiting."""
        waiting: dict[int, Connection] = {}
        for index, (conn, message) in enumerate(zip(self.conns, messages, strict=True)):
            if message is not None:
                conn.send(message)
                waiting[index] = conn
        replies: list[Any] = [None] * self.count
        while waiting:
            ready = wait(list(waiting.values()), timeout=WAIT)
            for index in [i for i, conn in waiting.items() if conn in ready]:
                replies[index] = _reply(waiting.pop(index))
            if tick is not None:
                tick()
        return replies

    def seed(self, state: State, orbit: int) -> None:
        self._ask([("seed", (state, orbit))] * self.count)

    def expand(self, remaining: int | None, invariants: Sequence[int], tick: Tick) -> list[Expansion]:
        counts, stop = self.shared.counts, self.shared.stop
        stop.value = 0
        counts[:] = [0] * len(counts)

        def look() -> None:
            if tick(sum(counts[0::2]), sum(counts[1::2])):
                stop.value = 1

        return list(self._ask([("expand", (remaining, tuple(invariants)))] * self.count, look))

    def commit(self, allowances: Sequence[int]) -> list[Commit]:
        return list(self._ask([("commit", a) for a in allowances]))

    def links(self, wanted: set[int]) -> dict[int, int]:
        by_owner: list[set[int]] = [set() for _ in range(self.count)]
        for prefix in wanted:
            by_owner[prefix % self.count].add(prefix)
        out: dict[int, int] = {}
        for found in self._ask([("links", w) if w else None for w in by_owner]):
            out.update(found or {})
        return out

    def figures(self) -> tuple[int, int | None]:
        replies = self._ask([("figures", None)] * self.count)
        gaps = [g for _, g in replies if g is not None]
        return sum(b for b, _ in replies), min(gaps, default=None)

    def memory(self) -> int:
        """The resident memory of the coordinator and every worker, added up: pages the workers still
        share with the coordinator since the fork count once per process, so this errs high."""
        return resident_bytes(os.getpid()) + sum(resident_bytes(p.pid) for p in self.procs if p.pid)

    def close(self) -> None:
        for conn, proc in zip(self.conns, self.procs, strict=True):
            if proc.is_alive():
                with contextlib.suppress(OSError):
                    conn.send(("close", None))
        for proc in self.procs:
            proc.join(timeout=2.0)
            if proc.is_alive():
                proc.terminate()
                proc.join()
        for conn in self.conns:
            conn.close()
        for inbox in self.shared.inboxes:
            inbox.close()
            inbox.join_thread()


def _reply(conn: Connection) -> Any:
    try:
        kind, value = conn.recv()
    except EOFError:
        raise InternalError("a worker process of the parallel search ended unexpectedly") from None
    if kind == "error":
        raise InternalError(f"a worker process of the parallel search failed:\n{value}")
    return value


def _serve(build: tuple[MakePartition, int, int], conn: Connection, shared: _Shared) -> None:
    """A worker: answer the coordinator's commands until told to close.  Ctrl-C reaches every
    process of the terminal's foreground group; a worker ignores it, and the coordinator stops the
    search and then the workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    make, index, count = build
    part = make(index, count)
    for inbox in shared.inboxes:
        inbox.cancel_join_thread()  # never wait at exit for batches nobody will read
    while True:
        command, arg = conn.recv()
        if command == "close":
            return
        try:
            result: Any
            if command == "seed":
                part.seed(*arg)
                result = None
            elif command == "expand":
                result = _expand(part, shared, *arg)
            elif command == "commit":
                result = part.commit(arg)
            elif command == "links":
                result = part.links(arg)
            elif command == "figures":
                result = (part.table.nbytes, part.table.least_gap())
            else:
                raise InternalError(f"unknown command {command!r}")
            conn.send(("ok", result))
        except Exception:
            conn.send(("error", traceback.format_exc()))
            return


def _expand(part: Partition, shared: _Shared, remaining: int | None, invariants: Sequence[int]) -> Expansion:
    """Steps (1) to (3) of NOTE(levels) in one worker: expand, exchange batches, count."""
    index, count = part.index, part.count
    inbox, counts = shared.inboxes[index], shared.counts
    ended = 0

    def take(message: tuple[int, Batch | None]) -> None:
        nonlocal ended
        if message[1] is None:
            ended += 1
        else:
            part.offer(message[1])

    def poll() -> None:
        while True:
            try:
                take(inbox.get_nowait())
            except queue.Empty:
                return

    def should_stop() -> bool:
        counts[2 * index], counts[2 * index + 1] = part.fresh_lower_bound, part.frontier_size
        return bool(shared.stop.value) or (remaining is not None and sum(counts[0::2]) >= remaining)

    done = part.expand(invariants, remaining, should_stop, lambda d, batch: shared.inboxes[d].put((index, batch)), poll)
    for dest in range(count):
        if dest != index:
            shared.inboxes[dest].put((index, None))
    while ended < count - 1:
        take(inbox.get())
    fresh = part.count_fresh()
    counts[2 * index], counts[2 * index + 1] = fresh, 0
    return replace(done, fresh=fresh)
