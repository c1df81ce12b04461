"""The visited set: 64-bit fingerprints of canonical states in one flat table, with parent links.

Owns: `fingerprints`/`fingerprint` (state tuples to 64-bit keys), `VisitedTable` (membership and
insertion in batches, the parent link of every stored state, lookup by link for rebuilding traces,
its memory figures) and `collision_probability` (TLC's estimates).  Knows states only as tuples of
ints; must not import the model (gcverify.semantics), z3, gcverify.pipeline or gcverify.report.

NOTE(fingerprints)  A state's key is `hash(state)` (deterministic across processes for a tuple of
ints, unlike str or bytes hashing) masked to 64 unsigned bits and passed through the splitmix64
finaliser, so every bit of the key is well mixed; 0 marks an empty slot, so a key that would be 0
is 1.  Two states with one key are taken to be one state (TLC does the same); the chance of that
is what `collision_probability` estimates.  The top 32 bits of a key are its *prefix*: a state's
home slot is `prefix * C >> 32`, its partition in a parallel search is `prefix % P`, and its parent
link is the parent's prefix.

Layout.  Two numpy arrays of one length L = C + a short tail: `keys` (uint64) and `links` (uint32,
the parent's prefix), i.e. 12 bytes a slot.  Linear probing from the home slot, without
wrap-around (a probe that runs past the end lengthens the tail).  Nothing is ever deleted, so all
the keys whose home is h sit in the run of occupied slots from h to the next empty slot.  The table
grows when its load would pass 0.9, to a load of 0.77 (a factor of about 1.17), so a stored state
costs between 12/0.9 = 13.3 and 12/0.77 = 15.6 bytes (`bytes_per_state`), and the tail adds less
than 0.1 % at a million states.  While it grows, the old and the new arrays exist together: about
29 bytes a state for that moment.

Why the parent link is a prefix and not a slot or state number.  A key is the same in every slot and
every partition, so the table can move its entries when it grows (no parent link needs
rewriting) and a link names a parent in any partition without saying which.  A prefix may belong
to more than one key (at N states, a given prefix is shared with probability about N / 2^32), so
`links_for` returns every entry with that prefix and the trace rebuilder (explore/trace.py) keeps
every candidate parent of the right depth and checks each step by running the model.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

Keys = npt.NDArray[np.uint64]
Links = npt.NDArray[np.uint32]
Mask = npt.NDArray[np.bool_]
Index = npt.NDArray[np.intp]

MASK64 = (1 << 64) - 1
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
MAX_LOAD = 0.9  # grow before the load passes this
GROW_LOAD = 0.77  # the load right after growing
WINDOW = 8  # slots a key compared in the first probe round (one cache line of keys)
_SHIFT32 = np.uint64(32)


def _mix(z: Keys) -> Keys:
    """splitmix64's finaliser, a bijection on 64-bit words (so it adds no collisions); 0 becomes 1."""
    z = z ^ (z >> np.uint64(30))
    z = z * np.uint64(_M1)
    z = z ^ (z >> np.uint64(27))
    z = z * np.uint64(_M2)
    z = z ^ (z >> np.uint64(31))
    z[z == 0] = 1
    return z


def fingerprints(states: list[tuple[int, ...]]) -> Keys:
    """The key of every state, as `fingerprint` computes it one at a time."""
    raw = np.fromiter(map(hash, states), dtype=np.int64, count=len(states))
    return _mix(raw.view(np.uint64))


def fingerprint(state: tuple[int, ...]) -> int:
    z = hash(state) & MASK64
    z = ((z ^ (z >> 30)) * _M1) & MASK64
    z = ((z ^ (z >> 27)) * _M2) & MASK64
    z ^= z >> 31
    return z or 1


def prefixes(keys: Keys) -> Links:
    """The top 32 bits of each key: a child's link to it, and what homes and partitions derive from."""
    return (keys >> _SHIFT32).astype(np.uint32)


def collision_probability(distinct: int, generated: int) -> float:
    """TLC's "calculated (optimistic)" chance that two of the states shared a fingerprint."""
    return distinct * max(generated - distinct, 0) / 2.0**64


def home_slots(keys: Keys, capacity: int) -> Index:
    """The home slot of each key in a table of `capacity` home slots."""
    return ((keys >> _SHIFT32) * np.uint64(capacity) >> _SHIFT32).astype(np.intp)


def _any_row(flags: npt.NDArray[np.bool_]) -> Mask:
    """Whether each row of an (n, WINDOW) boolean array has a true entry: its WINDOW bytes read as
    one 64-bit word (WINDOW is 8)."""
    rows: Mask = np.ascontiguousarray(flags).view(np.uint64).ravel() != 0
    return rows


def _run_end(keys: Keys, pos: int) -> int:
    """The first empty slot at or after `pos` (the table always ends in empty slots)."""
    width = 64
    while True:
        empty = np.flatnonzero(keys[pos : pos + width] == 0)
        if empty.size:
            return pos + int(empty[0])
        pos += width
        width *= 2


class VisitedTable:
    """The fingerprints of stored states and their parent links (see NOTE(fingerprints))."""

    def __init__(self, capacity: int = 1 << 12) -> None:
        self.capacity = max(capacity, 64)
        self.keys: Keys = np.zeros(self.capacity + 4 * WINDOW, dtype=np.uint64)
        self.links: Links = np.zeros(self.capacity + 4 * WINDOW, dtype=np.uint32)
        self.count = 0

    @property
    def nbytes(self) -> int:
        return int(self.keys.nbytes + self.links.nbytes)

    @property
    def bytes_per_state(self) -> float:
        return self.nbytes / self.count if self.count else 0.0

    def _home(self, keys: Keys) -> Index:
        return home_slots(keys, self.capacity)

    def _reach(self, end: int) -> None:
        """Make slots up to `end` exist (the tail past the home range grows on demand)."""
        if end <= len(self.keys):
            return
        more = max(end - len(self.keys), len(self.keys) // 64, 4 * WINDOW)
        self.keys = np.concatenate([self.keys, np.zeros(more, dtype=np.uint64)])
        self.links = np.concatenate([self.links, np.zeros(more, dtype=np.uint32)])

    def _windows(self, pos: Index, width: int) -> npt.NDArray[np.uint64]:
        """The `width` slots from each position, one row each."""
        self._reach(int(pos.max()) + width)
        rows: npt.NDArray[np.uint64]
        if width == WINDOW:  # the common first round: a strided view, no index array
            rows = sliding_window_view(self.keys, WINDOW)[pos]
        else:
            rows = self.keys[pos[:, None] + np.arange(width)]
        return rows

    def _lookup(self, keys: Keys) -> tuple[Mask, Index]:
        """Whether each key is stored, and for each key that is not, the first empty slot of its
        probe (-1 for stored keys).  Vectorised: the first round reads WINDOW slots (a cache line)
        a key, and a window holding the key or an empty slot settles it, so most keys take one
        round; the few left in long runs of occupied slots read twice as many slots each round."""
        pos = self._home(keys)
        window = self._windows(pos, WINDOW)
        hit = _any_row(window == keys[:, None])
        empty = window == 0
        absent = ~hit & _any_row(empty)
        slot = np.full(len(keys), -1, dtype=np.intp)
        gone = np.flatnonzero(absent)
        slot[gone] = pos[gone] + empty[gone].argmax(axis=1)
        todo = np.flatnonzero(~(hit | absent))
        pos = pos[todo] + WINDOW
        width = 2 * WINDOW
        while todo.size:
            window = self._windows(pos, width)
            found = (window == keys[todo, None]).any(axis=1)
            empty = window == 0
            out = ~found & empty.any(axis=1)
            hit[todo[found]] = True
            slot[todo[out]] = pos[out] + empty[out].argmax(axis=1)
            rest = ~(found | out)
            todo = todo[rest]
            pos = pos[rest] + width
            width *= 2
        return hit, slot

    def contains(self, keys: Keys) -> Mask:
        return self._lookup(keys)[0]

    def _empty(self, start: Index, rank: Index) -> Index:
        """For each start, the rank-th empty slot (1: the first) from `start` on."""
        slot = np.empty(len(start), dtype=np.intp)
        todo = np.arange(len(start))
        pos = start.astype(np.intp, copy=True)
        need = rank.astype(np.intp, copy=True)
        width = WINDOW
        while todo.size:
            seen = np.cumsum(self._windows(pos, width) == 0, axis=1)
            found = seen[:, -1] >= need
            first = (seen >= need[:, None]).argmax(axis=1)
            slot[todo[found]] = pos[found] + first[found]
            todo = todo[~found]
            need = need[~found] - seen[~found, -1]
            pos = pos[~found] + width
            width *= 2
        return slot

    def add(self, keys: Keys, links: Links, limit: int | None = None) -> Mask:
        """Insert the keys (distinct within the batch) that are not stored yet, in batch order and at
        most `limit` of them, with their parent links; which keys were inserted."""
        hit, slot = self._lookup(keys)
        fresh = np.flatnonzero(~hit)
        if limit is not None:
            fresh = fresh[: max(limit, 0)]
        inserted = np.zeros(len(keys), dtype=np.bool_)
        if not fresh.size:
            return inserted
        if self.count + fresh.size > MAX_LOAD * self.capacity:
            self._grow(self.count + fresh.size)
            start = self._lookup(keys[fresh])[1]
        else:
            start = slot[fresh]
        self._place(keys[fresh], links[fresh], start)
        inserted[fresh] = True
        return inserted

    def _place(self, keys: Keys, links: Links, slot: Index) -> None:
        """Store keys known to be absent (and distinct), `slot` being the first empty slot of each
        one's probe.  Keys that want one slot take it and the empty slots after it in batch order
        (linear probing, as if inserted one by one); rounds repeat until no two want one slot."""
        todo = np.arange(len(keys))
        slot = slot.copy()
        while todo.size:
            order = np.lexsort((todo, slot[todo]))
            ranked = todo[order]
            wanted = slot[ranked]
            starts = np.flatnonzero(np.r_[True, wanted[1:] != wanted[:-1]])
            rank = np.arange(ranked.size) - np.repeat(starts, np.diff(np.r_[starts, ranked.size]))
            won = ranked[rank == 0]
            self.keys[slot[won]] = keys[won]
            self.links[slot[won]] = links[won]
            todo = ranked[rank > 0]
            if todo.size:
                slot[todo] = self._empty(slot[todo] + 1, rank[rank > 0])
                todo.sort()
        self.count += len(keys)

    def _grow(self, need: int) -> None:
        """Move every entry to a table of load GROW_LOAD.  Entries go over in order of key (so in
        order of home slot in both tables), a range of old home slots at a time, and each takes
        the slot after the previous one or its home, whichever is later: linear probing's layout for
        that order, computed without probing, with only one range's entries in hand at a time."""
        old_keys, old_links, old_capacity = self.keys, self.links, self.capacity
        self.capacity = int(need / GROW_LOAD) + 1
        self.keys = np.zeros(self.capacity + 4 * WINDOW, dtype=np.uint64)
        self.links = np.zeros(self.capacity + 4 * WINDOW, dtype=np.uint32)
        last = -1  # the slot the previous entry took in the new table
        step = 1 << 16
        for lo in range(0, old_capacity, step):
            hi = min(lo + step, old_capacity)
            end = _run_end(old_keys, hi)  # every entry with a home in [lo, hi) is before it
            keys = old_keys[lo:end]
            home = home_slots(keys, old_capacity)
            mine = np.flatnonzero((keys != 0) & (home >= lo) & (home < hi))
            mine = mine[np.argsort(keys[mine])]
            keys = keys[mine]
            new_home = self._home(keys)
            rank = np.arange(keys.size)
            slot = rank + np.maximum.accumulate(np.maximum(new_home - rank, last + 1))
            if slot.size:
                self._reach(int(slot[-1]) + 1)
                self.keys[slot] = keys
                self.links[slot] = old_links[lo:end][mine]
                last = int(slot[-1])

    def links_for(self, wanted: set[int]) -> dict[int, int]:
        """Every stored key whose prefix is in `wanted`, with its parent link."""
        out: dict[int, int] = {}
        for prefix in wanted:
            pos = int(self._home(np.array([prefix << 32], dtype=np.uint64))[0])
            while True:
                self._reach(pos + 64)
                window = self.keys[pos : pos + 64]
                empty = np.flatnonzero(window == 0)
                run = window[: empty[0]] if empty.size else window
                for j in np.flatnonzero((run >> _SHIFT32) == prefix):
                    out[int(run[j])] = int(self.links[pos + j])
                if empty.size:
                    break
                pos += 64
        return out

    def least_gap(self) -> int | None:
        """The least difference between two stored keys (TLC's "observed" collision estimate is its
        reciprocal); None with fewer than two keys."""
        stored = np.sort(self.keys[self.keys != 0])
        if stored.size < 2:
            return None
        return int(np.diff(stored).min())
