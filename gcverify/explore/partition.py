"""One partition of a breadth-first search: the states whose fingerprint it owns, one level at a time.

Owns: `Codec` (canonical states packed into fixed-size records), `Batch` (successor candidates
bound for one partition), `Partition` (its visited table, its part of the frontier, the candidates
of the level being built; expanding, offering, counting and committing a level) and the per-level
reports `Expansion` and `Commit`.  The single-process search runs one partition in its own
process; parallel.py runs one per worker process.  Knows nothing of processes or transport:
batches go out through a callback and come in through `offer`.  Must not import z3,
gcverify.pipeline or gcverify.report.

NOTE(levels)  A level is built in four steps, so that its outcome does not depend on how many
partitions there are or on the order in which batches arrive: (1) `expand` runs every frontier
state the partition owns and sends each canonical successor to the partition owning its
fingerprint (prefix % partitions), tagged with (source partition, discovery number); (2) `offer`
drops the candidates already in the visited table and keeps the rest; (3) `count` keeps, of the
candidates with one key, the one with the least tag, and says how many new states there are;
(4) `commit(allowance)` stores the first `allowance` of them in tag order, checks the invariants
still unviolated on each, and makes them the next frontier.  With one partition the tag order is
breadth-first order.  The set of states stored by a full level is the same for any number of
partitions, so state counts and verdicts are too; each invariant's counterexample ends in the
violating state with the least fingerprint of the shallowest violating level.
"""

from __future__ import annotations

import itertools
from array import array
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from gcverify.explore.visited import Keys, Links, VisitedTable, fingerprint, fingerprints, prefixes
from gcverify.ir import nodes as n
from gcverify.semantics.model import Model
from gcverify.semantics.state import State

Canon = Callable[[State], tuple[State, int]]
# Called while a level is expanded with (new states found so far, frontier states left): progress
# and limits; returns why the search must stop, or "".
Tick = Callable[[int, int], str]
Tags = npt.NDArray[np.int64]
Rows = npt.NDArray[np.uint8]  # packed states, one record a row
Orbits = npt.NDArray[np.uint64]
CHUNK = 512  # frontier states expanded between two looks at limits, progress and incoming batches
TAG_BITS = 44  # a tag is (source partition << TAG_BITS) | discovery number within the level
IntCode = Literal["B", "b", "H", "h", "i", "q"]
_CODES: tuple[tuple[IntCode, int, int], ...] = (
    ("B", 0, 255),
    ("b", -128, 127),
    ("H", 0, 65535),
    ("h", -32768, 32767),
    ("i", -(1 << 31), (1 << 31) - 1),
)


class Codec:
    """Packs states into records of `record` bytes: one byte a slot when every value of the layout
    fits in 0..255, else the narrowest machine integer that holds them all."""

    def __init__(self, width: int, lo: int, hi: int) -> None:
        self.width = width
        self.code: IntCode = next((c for c, a, b in _CODES if a <= lo and hi <= b), "q")
        self.record = width * array(self.code).itemsize

    @classmethod
    def for_spec(cls, spec: n.Spec, width: int) -> Codec:
        lo, hi = 0, 0
        for v in spec.vars:
            if isinstance(v.sort, n.IntSort) and not v.sort.bounded:
                return cls(width, -(1 << 63), (1 << 63) - 1)
            values = v.sort.elements()
            lo, hi = min(lo, values.start, v.init), max(hi, values.stop - 1, v.init)
        return cls(width, lo, hi)

    def pack(self, states: Sequence[State]) -> Rows:
        """The states as the rows of a 2-D uint8 array, one record each."""
        flat = itertools.chain.from_iterable(states)
        data = bytes(flat) if self.code == "B" else array(self.code, flat).tobytes()
        return np.frombuffer(data, dtype=np.uint8).reshape(-1, self.record)

    def unpack(self, rows: Rows) -> list[State]:
        values = iter(np.ascontiguousarray(rows).reshape(-1).data.cast(self.code))
        return [tuple(itertools.islice(values, self.width)) for _ in range(len(rows))]


@dataclass(frozen=True, slots=True)
class Batch:
    """Candidates for one partition: distinct keys, their parents' prefixes, orbit sizes (None: all
    1), packed canonical states and tags (see NOTE(levels)), in tag order."""

    keys: Keys
    links: Links
    orbits: Orbits | None
    states: Rows
    tags: Tags

    def __len__(self) -> int:
        return len(self.keys)

    def take(self, rows: npt.NDArray[np.intp]) -> Batch:
        return Batch(
            keys=self.keys[rows],
            links=self.links[rows],
            orbits=None if self.orbits is None else self.orbits[rows],
            states=self.states[rows],
            tags=self.tags[rows],
        )


def least_tags(batches: list[Batch]) -> Batch:
    """Of the candidates with one key, the one with the least tag; in tag order.  The result is
    filled a batch at a time, and `batches` emptied as it goes, so the candidates are not held twice."""
    keys = np.concatenate([b.keys for b in batches])
    tags = np.concatenate([b.tags for b in batches])
    order = np.lexsort((tags, keys))
    sorted_keys = keys[order]
    first = order[np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]] if len(keys) else order
    keep = first[np.argsort(tags[first], kind="stable")]
    where = np.full(len(keys), -1, dtype=np.intp)
    where[keep] = np.arange(len(keep))
    out = Batch(
        keys=keys[keep],
        links=np.empty(len(keep), dtype=np.uint32),
        orbits=None if all(b.orbits is None for b in batches) else np.ones(len(keep), dtype=np.uint64),
        states=np.empty((len(keep), batches[0].states.shape[1]), dtype=np.uint8),
        tags=tags[keep],
    )
    del keys, tags, order, sorted_keys, first, keep
    offset = 0
    while batches:
        b = batches.pop(0)
        dest = where[offset : offset + len(b)]
        mine = dest >= 0
        out.links[dest[mine]] = b.links[mine]
        out.states[dest[mine]] = b.states[mine]
        if out.orbits is not None and b.orbits is not None:
            out.orbits[dest[mine]] = b.orbits[mine]
        offset += len(b)
    return out


@dataclass(frozen=True, slots=True)
class Expansion:
    """What expanding one partition's frontier found: successors computed (duplicates included),
    new states it now holds candidates for, the least key of a frontier state with a step that
    faults, per fault site, and of a deadlocked one."""

    generated: int
    fresh: int
    faults: dict[int, int]
    deadlock: int | None


@dataclass(frozen=True, slots=True)
class Commit:
    """What committing a level stored: new states (the next frontier), the sum of their orbit
    sizes, and the least key violating each invariant checked."""

    new: int
    orbits: int
    violations: dict[int, int]


# which of some packed states violate each of some invariants (one row per invariant)
Violated = Callable[[Rows, Sequence[int]], npt.NDArray[np.bool_]]


class _NextLevel:
    """The states a level has stored so far: the next frontier (in chunks of CHUNK states), the sum
    of their orbit sizes and the least key violating each invariant checked."""

    def __init__(self, violated: Violated, invariants: Sequence[int]) -> None:
        self.violated, self.invariants = violated, tuple(invariants)
        self.chunks: deque[tuple[Rows, Keys]] = deque()
        self.pieces: list[tuple[Rows, Keys]] = []
        self.piece_rows = 0
        self.new = self.orbits = 0
        self.violations: dict[int, int] = {}

    def add(self, batch: Batch) -> None:
        for lo in range(0, len(batch), CHUNK):
            packed, keys = batch.states[lo : lo + CHUNK], batch.keys[lo : lo + CHUNK]
            if self.invariants:
                for i, bad in zip(self.invariants, self.violated(packed, self.invariants), strict=True):
                    if bad.any() and int(keys[bad].min()) < self.violations.get(i, 1 << 64):
                        self.violations[i] = int(keys[bad].min())
            self.pieces.append((packed, keys))
            self.piece_rows += len(keys)
            if self.piece_rows >= CHUNK:
                self._flush(whole=True)
        self.new += len(batch)
        self.orbits += len(batch) if batch.orbits is None else int(batch.orbits.sum(dtype=np.uint64))

    def _flush(self, whole: bool = False) -> None:
        """Move the pieces to the frontier's chunks; with `whole`, only whole chunks of CHUNK states
        (the rest stays a piece).  Every chunk but a level's last has exactly CHUNK states, as the
        native explorer's steps have: a search stopped by the state limit then stops after the same
        frontier state in both explorers, and their figures agree."""
        if not self.pieces:
            return
        if len(self.pieces) == 1:
            rows, keys = self.pieces[0]
        else:
            parts = list(zip(*self.pieces, strict=True))
            rows, keys = np.concatenate(parts[0]), np.concatenate(parts[1])
        end = len(keys) - len(keys) % CHUNK if whole else len(keys)
        for lo in range(0, end, CHUNK):
            self.chunks.append((rows[lo : lo + CHUNK], keys[lo : lo + CHUNK]))
        self.pieces = [(rows[end:], keys[end:])] if end < len(keys) else []
        self.piece_rows = len(keys) - end

    def close(self) -> tuple[Commit, deque[tuple[Rows, Keys]]]:
        self._flush()
        return Commit(self.new, self.orbits, self.violations), self.chunks


class Partition:
    """The states with `prefix % count == index` (see NOTE(levels)).  A partition that is the only
    one stores its candidates as they come (the table keeps the first of each key, and they come in
    breadth-first order, which is tag order), so it keeps no candidates in between: the outcome is
    that of the four steps, with less memory."""

    def __init__(self, model: Model, canon: Canon | None, codec: Codec, index: int = 0, count: int = 1) -> None:
        self.model = model
        self.canon = canon
        self.codec = codec
        self.index = index
        self.count = count
        self.table = VisitedTable()
        self.frontier: deque[tuple[Rows, Keys]] = deque()
        self.frontier_size = 0  # states in `frontier`
        self.fresh: list[Batch] = []
        self.fresh_rows = 0
        self.compacted = 0  # rows of fresh[0] when it is the result of the last compaction
        self.discovered = 0  # candidates numbered so far this level
        self.remaining: int | None = None  # states the level may still store (the state limit)
        self.next = _NextLevel(self.violated, ())

    def owner(self, key: int) -> int:
        return (key >> 32) % self.count

    def violated(self, packed: Rows, invariants: Sequence[int]) -> npt.NDArray[np.bool_]:
        """Which of the packed states violate each of `invariants` (one row per invariant)."""
        check = self.model.check
        states = self.codec.unpack(packed)
        return np.array([[not check(i, state) for state in states] for i in invariants], dtype=np.bool_)

    def seed(self, state: State, orbit: int) -> None:
        """Store the initial state (already canonical) if this partition owns it."""
        key = fingerprint(state)
        if self.owner(key) != self.index:
            return
        keys = np.array([key], dtype=np.uint64)
        self.table.add(keys, np.zeros(1, dtype=np.uint32))
        self.frontier = deque([(self.codec.pack([state]), keys)])
        self.frontier_size = 1

    def expand(
        self,
        invariants: Sequence[int],
        remaining: int | None,
        should_stop: Callable[[], bool],
        send: Callable[[int, Batch], None],
        poll: Callable[[], None],
    ) -> Expansion:
        """Step (1) of NOTE(levels) for every frontier state, a chunk at a time; after each chunk,
        `poll` (offer the batches that have arrived) and `should_stop`.  The caller then offers the
        batches still on their way and fills in `fresh` with `count_fresh()`.  `invariants`: those
        to check on the new states; `remaining`: how many the state limit lets the level store."""
        generated, stopped = 0, False
        faults: dict[int, int] = {}
        deadlocks: list[int] = []
        self.discovered, self.remaining = 0, remaining
        self.next = _NextLevel(self.violated, invariants)
        while self.frontier and not stopped:
            packed, keys = self.frontier.popleft()
            self.frontier_size -= len(keys)
            outgoing, fault, dead, made = self._expand_chunk(packed, keys)
            generated += made
            for site, key in fault:
                if key < faults.get(site, 1 << 64):
                    faults[site] = key
            deadlocks.extend(dead)
            for dest, batch in outgoing:
                if dest == self.index:
                    self._keep(batch)
                else:
                    send(dest, batch)
            poll()
            stopped = should_stop()
        self.frontier.clear()
        self.frontier_size = 0
        return Expansion(generated, 0, faults, min(deadlocks, default=None))

    def _expand_chunk(
        self, packed: Rows, keys: Keys
    ) -> tuple[list[tuple[int, Batch]], list[tuple[int, int]], list[int], int]:
        """The chunk's successors routed to their partitions, (fault site, key) of each state with
        a step that faults, the keys of deadlocked states, and the number of successors."""
        model, canon = self.model, self.canon
        expand = model.expand
        states = self.codec.unpack(packed)
        cands: list[State] = []
        orbits: list[int] = []
        counts: list[int] = []
        faults: list[tuple[int, int]] = []  # (site, row)
        dead: list[int] = []
        for row, state in enumerate(states):
            posts, faulting = expand(state)
            counts.append(len(posts))
            if faulting:
                faults.extend((site, row) for site in {site for _, site in faulting})
            elif not posts and not model.terminated(state):
                dead.append(row)
            if canon is None:
                cands.extend([post for _, post in posts])
            else:
                for _, post in posts:
                    c, orbit = canon(post)
                    cands.append(c)
                    orbits.append(orbit)
        key_list = keys.tolist()
        return (
            self._route(cands, orbits, np.repeat(prefixes(keys), counts)),
            [(site, key_list[r]) for site, r in faults],
            [key_list[r] for r in dead],
            len(cands),
        )

    def _route(self, cands: list[State], orbits: list[int], links: Links) -> list[tuple[int, Batch]]:
        """The candidates, first occurrences of each key only, split by owning partition; those of
        this partition's own that are already stored are left out."""
        orbit_array = np.array(orbits, dtype=np.uint64) if orbits else None
        return self._split(
            fingerprints(cands), orbit_array, links, lambda rows: self.codec.pack([cands[r] for r in rows])
        )

    def _split(
        self, keys: Keys, orbit_array: Orbits | None, links: Links, pack: Callable[[list[int]], Rows]
    ) -> list[tuple[int, Batch]]:
        """`_route` of candidates with these keys; `pack(rows)`: the packed states of those rows."""
        tags = (self.index << TAG_BITS) + self.discovered + np.arange(len(keys), dtype=np.int64)
        self.discovered += len(keys)
        dest = (prefixes(keys) % self.count).astype(np.intp) if self.count > 1 else None
        out: list[tuple[int, Batch]] = []
        for d in range(self.count):
            rows = np.arange(len(keys)) if dest is None else np.flatnonzero(dest == d)
            if not rows.size:
                continue
            _, first = np.unique(keys[rows], return_index=True)
            rows = rows[np.sort(first)]
            if d == self.index:  # its own: drop the stored ones now, before packing them
                rows = rows[~self.table.contains(keys[rows])]
                if not rows.size:
                    continue
            batch = Batch(
                keys=keys[rows],
                links=links[rows],
                orbits=None if orbit_array is None else orbit_array[rows],
                states=pack(rows.tolist()),
                tags=tags[rows],
            )
            out.append((d, batch))
        return out

    def offer(self, batch: Batch) -> None:
        """Step (2) of NOTE(levels): keep the candidates not already stored."""
        new = np.flatnonzero(~self.table.contains(batch.keys))
        if new.size:
            self._keep(batch if new.size == len(batch) else batch.take(new))

    def _keep(self, batch: Batch) -> None:
        """Add candidates known not to be stored (before this level) to the level's."""
        if self.count == 1:
            limit = None if self.remaining is None else self.remaining - self.next.new
            self._store(batch, limit)
            return
        self.fresh.append(batch)
        self.fresh_rows += len(batch)
        if self.fresh_rows > 2 * self.compacted + 4096:
            self._compact()

    def _compact(self) -> None:
        """Keep, of the fresh candidates with one key, the one with the least tag."""
        if not self.fresh or self.compacted == self.fresh_rows:
            return
        kept = least_tags(self.fresh)
        self.fresh = [kept]
        self.fresh_rows = self.compacted = len(kept)

    def _store(self, batch: Batch, limit: int | None) -> None:
        inserted = np.flatnonzero(self.table.add(batch.keys, batch.links, limit))
        if inserted.size:
            self.next.add(batch if inserted.size == len(batch) else batch.take(inserted))

    @property
    def fresh_lower_bound(self) -> int:
        """New states this level, at least (stored, or counted at the last compaction)."""
        return self.next.new if self.count == 1 else self.compacted

    def count_fresh(self) -> int:
        """Step (3) of NOTE(levels): the number of new states the level has for this partition."""
        if self.count == 1:
            return self.next.new
        self._compact()
        return self.fresh_rows

    def commit(self, allowance: int) -> Commit:
        """Step (4) of NOTE(levels): store the first `allowance` new states; they are the frontier
        of the next level."""
        self._compact()
        batch = self.fresh[0] if self.fresh else None
        self.fresh, self.fresh_rows, self.compacted = [], 0, 0
        if batch is not None and allowance > 0:
            self._store(batch if allowance >= len(batch) else batch.take(np.arange(allowance)), None)
        done, self.frontier = self.next.close()
        self.frontier_size = done.new
        self.next = _NextLevel(self.violated, ())
        return done

    def links(self, wanted: set[int]) -> dict[int, int]:
        return self.table.links_for(wanted)
