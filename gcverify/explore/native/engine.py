"""A compiled model loaded into this process, and the partition of a search that runs in it.

Owns: `NativeModel` (the shared object built from a model's C file: its level loop, and one-state
calls used by tests and by trace rebuilding), `prepare` (emit, build or find in the cache, load;
or say why not) and `NativePartitions` (the `Partitions` of explore/search.py for one partition
searched in C: the visited table, the frontier and the invariant checks live in native memory,
and control comes back to Python every CHUNK frontier states for progress, limits and Ctrl-C).
Must not import z3, gcverify.pipeline or gcverify.report.

What comes back from C is what explore/partition.py's `Partition` would have computed (NOTE(levels)
with one partition): the same states stored in the same order, the same least keys of violating,
faulting and deadlocked states, the same counts.  The search loop, limits, trace rebuilding and
results are the Python ones.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from gcverify.budget import Budget, resident_bytes
from gcverify.diagnostics import InternalError
from gcverify.explore.native.build import Built, CompileError, Compiler, build, find_compiler, lookup
from gcverify.explore.native.emit import C_TYPES, c_source
from gcverify.explore.partition import CHUNK, Batch, Canon, Codec, Commit, Expansion, Partition, Rows, Tick
from gcverify.explore.symmetry import Symmetry
from gcverify.explore.visited import Keys, prefixes
from gcverify.semantics.model import Model
from gcverify.semantics.state import State

_VP = ctypes.c_void_p
_U64P = ctypes.POINTER(ctypes.c_uint64)
_U32P = ctypes.POINTER(ctypes.c_uint32)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A model ready to run natively, or why it is not (`model` None; `error` set when the
    compiler failed, which is a bug of gcverify)."""

    model: NativeModel | None
    reason: str = ""
    error: CompileError | None = None
    compile_seconds: float = 0.0


class NativeModel:
    """The shared object of one model (a spec at its sizes, with or without symmetry)."""

    def __init__(self, built: Built, codec: Codec, width: int, invariants: int, sites: int, symmetry: bool) -> None:
        self.built = built
        self.codec = codec
        self.width = width
        self.invariants = invariants
        self.sites = sites
        self.symmetry = symmetry
        lib = self.lib = ctypes.CDLL(str(built.library))
        ctype = getattr(ctypes, f"c_{C_TYPES[codec.code].removesuffix('_t')}")
        self.ctype = ctype
        vp = ctypes.POINTER(ctype)
        for name, res, args in [
            ("gcv_new", _VP, [ctypes.c_int]),
            ("gcv_free", None, [_VP]),
            ("gcv_seed", ctypes.c_int, [_VP, vp, ctypes.c_uint64]),
            ("gcv_begin", None, [_VP, ctypes.POINTER(ctypes.c_uint8), ctypes.c_int64]),
            ("gcv_step", ctypes.c_int64, [_VP, ctypes.c_int64]),
            ("gcv_figures", None, [_VP, _U64P]),
            ("gcv_commit", None, [_VP]),
            (
                "gcv_links",
                ctypes.c_int64,
                [_VP, ctypes.c_uint32, _U64P, ctypes.POINTER(ctypes.c_uint32), ctypes.c_int64],
            ),
            ("gcv_table_keys", _U64P, [_VP, _U64P]),
            ("gcv_table_bytes", ctypes.c_uint64, [_VP]),
            ("gcv_expand_rows", ctypes.c_int64, [_VP, _VP, ctypes.c_int64, _VP]),
            ("gcv_chunk_get", None, [_VP, _VP, _VP]),
            ("gcv_check_rows", None, [ctypes.c_int, _VP, ctypes.c_int64, _VP]),
            ("gcv_one_check", ctypes.c_int, [ctypes.c_int, vp]),
            ("gcv_one_terminated", ctypes.c_int, [vp]),
            ("gcv_one_key", ctypes.c_uint64, [vp]),
            ("gcv_one_canon", ctypes.c_uint64, [vp, vp]),
            (
                "gcv_one_expand",
                ctypes.c_int,
                [vp, vp, ctypes.POINTER(ctypes.c_int32), ctypes.c_int64]
                + [ctypes.POINTER(ctypes.c_int32)] * 2
                + [ctypes.c_int64, ctypes.POINTER(ctypes.c_int64)],
            ),
        ]:
            fn = getattr(lib, name)
            fn.restype = res
            fn.argtypes = args

    def context(self) -> int:
        """A new search context (visited table, frontier, buffers) in C."""
        ctx: int | None = self.lib.gcv_new(int(self.symmetry))
        if not ctx:
            raise MemoryError("the native explorer could not allocate its tables")
        return ctx

    def record(self, state: State) -> ctypes.Array[Any]:
        """`state` as a C record."""
        record: ctypes.Array[Any] = (self.ctype * self.width)(*state)
        return record

    # ------------------------------------------------------------ one state at a time

    def expand(self, state: State) -> tuple[list[tuple[int, State]], list[tuple[int, int]]]:
        """What `Model.expand` computes, computed in C."""
        s = self.record(state)
        cap = 64
        while True:
            posts = (self.ctype * (cap * self.width))()
            ts = (ctypes.c_int32 * cap)()
            ft = (ctypes.c_int32 * cap)()
            fs = (ctypes.c_int32 * cap)()
            counts = (ctypes.c_int64 * 2)()
            if self.lib.gcv_one_expand(s, posts, ts, cap, ft, fs, cap, counts) < 0:
                raise MemoryError("the native explorer ran out of memory")
            if counts[0] <= cap and counts[1] <= cap:
                break
            cap = max(counts[0], counts[1])
        w = self.width
        out = [(ts[p], tuple(posts[p * w : (p + 1) * w])) for p in range(counts[0])]
        return out, [(ft[f], fs[f]) for f in range(counts[1])]

    def check(self, index: int, state: State) -> bool:
        return bool(self.lib.gcv_one_check(index, self.record(state)))

    def terminated(self, state: State) -> bool:
        return bool(self.lib.gcv_one_terminated(self.record(state)))

    def key(self, state: State) -> int:
        return int(self.lib.gcv_one_key(self.record(state)))

    def canon(self, state: State) -> tuple[State, int]:
        out = (self.ctype * self.width)()
        orbit = self.lib.gcv_one_canon(self.record(state), out)
        return tuple(out), int(orbit)


def prepare(model: Model, symmetry: Symmetry | None, codec: Codec, budget: Budget | None = None) -> Prepared:
    """Emit the model's C, build it (or find it in the cache) and load it; or say why not."""
    compiler: Compiler | None = find_compiler()
    if compiler is None:
        cc = os.environ.get("CC")
        where = f"$CC is {cc}" if cc else "looked for cc, gcc and clang"
        return Prepared(None, f"no C compiler found ({where})")
    sym = symmetry if symmetry is not None and symmetry.sorts else None
    key = model_key(model, sym is not None, codec)
    built = lookup(key, compiler)
    if built is None:
        source = c_source(model, sym, codec, budget)
        if source.declined:
            return Prepared(None, source.declined)
        try:
            built = build(source.files(), compiler, budget, key)
        except CompileError as error:
            return Prepared(None, str(error), error)
    spec = model.spec
    native = NativeModel(built, codec, model.layout.size, len(spec.invariants), spec.runtime_site + 1, sym is not None)
    return Prepared(native, compile_seconds=built.seconds)


def model_key(model: Model, symmetry: bool, codec: Codec) -> str:
    """What the generated C is a function of: the lowered spec (its repr is complete and
    deterministic: frozen dataclasses of ints, strings and enums), symmetry, the slot type, and
    the code of gcverify that generates and runs it (every module and C file of the package)."""
    digest = hashlib.sha256()
    digest.update(f"{symmetry}\0{codec.code}\0".encode())
    digest.update(repr(model.spec).encode())
    digest.update(_code_digest())
    return digest.hexdigest()


@functools.cache
def _code_digest() -> bytes:
    package = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.c")]):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.digest()


class NativePartitions:
    """One partition, searched in C (see the module docstring)."""

    count = 1

    def __init__(self, native: NativeModel) -> None:
        self.native = native
        self.ctx: int | None = native.context()
        self.figures_buf = (ctypes.c_uint64 * (5 + native.invariants + native.sites))()
        self.level: list[int] = []  # the figures of the level last expanded (see gcv_figures)
        self.violations: dict[int, int] = {}  # its least violating key per invariant

    def _ctx(self) -> int:
        if self.ctx is None:
            raise InternalError("the native partition was used after it was closed")
        return self.ctx

    def seed(self, state: State, orbit: int) -> None:
        native = self.native
        if native.lib.gcv_seed(self._ctx(), native.record(state), native.key(state)) < 0:
            raise MemoryError("the native explorer ran out of memory")

    def expand(self, remaining: int | None, invariants: Sequence[int], tick: Tick) -> list[Expansion]:
        lib, ctx = self.native.lib, self._ctx()
        mask = (ctypes.c_uint8 * (self.native.invariants + 1))()
        for i in invariants:
            mask[i] = 1
        lib.gcv_begin(ctx, mask, -1 if remaining is None else remaining)
        while True:
            done = lib.gcv_step(ctx, CHUNK)
            if done < 0:
                raise MemoryError("the native explorer ran out of memory")
            figures = self._figures()
            if done == 0:
                break
            fresh = figures[1]
            if remaining is not None and fresh >= remaining:
                break
            if tick(fresh, figures[3]):
                break
        figures = self._figures()
        ninv = self.native.invariants
        faults = {site: key for site, key in enumerate(figures[5 + ninv :]) if key}
        self.violations = {i: key for i, key in enumerate(figures[5 : 5 + ninv]) if key}
        self.level = figures
        return [Expansion(figures[0], figures[1], faults, figures[4] or None)]

    def _figures(self) -> list[int]:
        self.native.lib.gcv_figures(self._ctx(), self.figures_buf)
        return list(self.figures_buf)

    def commit(self, allowances: Sequence[int]) -> list[Commit]:
        self.native.lib.gcv_commit(self._ctx())
        return [Commit(self.level[1], self.level[2], self.violations)]

    def links(self, wanted: set[int]) -> dict[int, int]:
        lib, ctx = self.native.lib, self._ctx()
        out: dict[int, int] = {}
        cap = 16
        for prefix in wanted:
            while True:
                keys = (ctypes.c_uint64 * cap)()
                links = (ctypes.c_uint32 * cap)()
                n = lib.gcv_links(ctx, prefix, keys, links, cap)
                if n <= cap:
                    break
                cap = n
            out.update((keys[k], links[k]) for k in range(n))
        return out

    def figures(self) -> tuple[int, int | None]:
        lib, ctx = self.native.lib, self._ctx()
        cap = ctypes.c_uint64()
        ptr = lib.gcv_table_keys(ctx, ctypes.byref(cap))
        keys = np.ctypeslib.as_array(ptr, shape=(cap.value,))
        stored = np.sort(keys[keys != 0])
        gap = int(np.diff(stored).min()) if stored.size >= 2 else None
        return int(lib.gcv_table_bytes(ctx)), gap

    def memory(self) -> int:
        return resident_bytes(os.getpid())

    def close(self) -> None:
        if self.ctx is not None:
            self.native.lib.gcv_free(self.ctx)
            self.ctx = None


class NativePartition(Partition):
    """One partition of a parallel search (explore/parallel.py) whose chunks are expanded, and new
    states checked, in C: successors come back canonical with their keys and orbits, and go
    through `Partition`'s routing, offering and committing (NOTE(levels)) unchanged."""

    def __init__(
        self, model: Model, canon: Canon | None, codec: Codec, index: int, count: int, native: NativeModel
    ) -> None:
        super().__init__(model, canon, codec, index, count)
        self.native = native
        self.ctx = native.context()  # for its buffers only; freed when the worker ends

    def violated(self, packed: Rows, invariants: Sequence[int]) -> npt.NDArray[np.bool_]:
        rows = np.ascontiguousarray(packed)
        out = np.zeros((len(invariants), len(rows)), dtype=np.uint8)
        for k, i in enumerate(invariants):
            self.native.lib.gcv_check_rows(i, rows.ctypes.data, len(rows), out[k].ctypes.data)
        return out.astype(np.bool_)

    def _expand_chunk(
        self, packed: Rows, keys: Keys
    ) -> tuple[list[tuple[int, Batch]], list[tuple[int, int]], list[int], int]:
        lib, record = self.native.lib, self.codec.record
        rows = np.ascontiguousarray(packed)
        counts = np.zeros(len(rows), dtype=np.int64)
        total = lib.gcv_expand_rows(self.ctx, rows.ctypes.data, len(rows), counts.ctypes.data)
        if total < 0:
            raise MemoryError("the native explorer ran out of memory")
        ptrs = (ctypes.c_void_p * 6)()
        sizes = (ctypes.c_int64 * 3)()
        lib.gcv_chunk_get(self.ctx, ptrs, sizes)
        n, nfaults, ndead = sizes
        cand = _array(ptrs[0], n * record, np.uint8).reshape(n, record)
        cand_keys = _array(ptrs[1], n, np.uint64)
        orbits = _array(ptrs[2], n, np.uint64) if self.native.symmetry else None
        sites = _array(ptrs[3], nfaults, np.int32).tolist()
        fault_rows = _array(ptrs[4], nfaults, np.int64).tolist()
        dead = _array(ptrs[5], ndead, np.int64).tolist()
        key_list = keys.tolist()
        links = np.repeat(prefixes(keys), counts)
        return (
            self._split(cand_keys, orbits, links, lambda chosen: cand[chosen]),
            [(site, key_list[r]) for site, r in zip(sites, fault_rows, strict=True)],
            [key_list[r] for r in dead],
            n,
        )


def _array(ptr: int | None, count: int, dtype: type[np.generic]) -> npt.NDArray[Any]:
    """A copy of `count` items of `dtype` at a C pointer (which C reuses for the next chunk)."""
    if count == 0 or not ptr:
        return np.zeros(0, dtype=dtype)
    raw = (ctypes.c_char * (count * np.dtype(dtype).itemsize)).from_address(ptr)
    return np.frombuffer(memoryview(raw), dtype=dtype).copy()
