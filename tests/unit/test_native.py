"""The native explorer (explore/native) against the Python one and the plain interpreter.

Per state: the C successors (post-states and faulting transitions, in order), invariants, canonical
forms, orbit sizes and fingerprints equal the interpreter's, the Python staging's and
explore/symmetry.py's, on the first states of every bundled spec.  Per search: states, orbit sums,
successors generated, depth, the keys of violating and faulting states and the counterexamples
equal the Python explorer's, with and without symmetry, on every bundled spec and on random models.
Also: the generated C compiles without warnings (-Wall -Wextra -Werror), the cache is used, and a
missing or failing compiler ends in a note and the Python explorer, never a traceback.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections import deque
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from gcverify.explore.native import emit as native_emit
from gcverify.explore.native import engine as native_engine
from gcverify.explore.native.build import find_compiler
from gcverify.explore.native.emit import c_source
from gcverify.explore.native.engine import NativeModel, prepare
from gcverify.explore.partition import Codec
from gcverify.explore.search import ExploreConfig, Explorer, Search, explore
from gcverify.explore.symmetry import Symmetry
from gcverify.explore.visited import fingerprint
from gcverify.ir import nodes as n
from gcverify.pipeline import CheckConfig, check_spec, load_spec
from gcverify.reporter import Recording
from gcverify.results import SpecResult
from gcverify.semantics.model import Model
from gcverify.semantics.state import State
from tests.helpers import spec_from_text
from tests.property.strategies import ModelSpec, model_specs

SPECS = Path(__file__).resolve().parents[2] / "specs"
BUNDLED = sorted(p for p in SPECS.rglob("*.gcv") if "lib" not in p.parts)

pytestmark = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")


def small(path: Path) -> n.Spec:
    return load_spec(path, {"OBJECTS": "2"} if "barriers" in path.parts else {})


def native_model(model: Model, symmetry: Symmetry | None) -> NativeModel:
    codec = Codec.for_spec(model.spec, model.layout.size)
    prepared = prepare(model, symmetry, codec)
    assert prepared.model is not None, prepared.reason
    return prepared.model


def agree_per_state(model: Model, limit: int) -> int:
    """Breadth-first over the first `limit` states: C = interpreter = Python staging, state by state."""
    symmetry = Symmetry(model.spec, model.layout)
    native = native_model(model, symmetry)
    init = model.initial()
    seen: set[State] = {init}
    queue = deque([init])
    visited = 0
    while queue and visited < limit:
        state = queue.popleft()
        visited += 1
        expected = model.expand_interpreted(state)
        assert native.expand(state) == expected == model.expand(state), f"successors differ in {state}"
        for i in range(len(model.spec.invariants)):
            assert native.check(i, state) == model.check_interpreted(i, state), f"invariant {i} differs in {state}"
        assert native.terminated(state) == model.terminated(state)
        assert native.key(state) == fingerprint(state)
        if symmetry.sorts:
            assert native.canon(state) == symmetry.canon(state), f"canonical forms differ for {state}"
        for _, post in expected[0]:
            if post not in seen:
                seen.add(post)
                queue.append(post)
    return visited


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_native_steps_equal_the_interpreter_on_bundled_specs(path: Path) -> None:
    assert agree_per_state(Model(small(path)), 400) > 100


def figures(search: Search) -> tuple[object, ...]:
    return (
        search.states,
        search.unreduced_states,
        search.generated,
        search.depth,
        search.complete,
        {i: (t.key, t.depth) for i, t in search.violations.items()},
        {s: (t.key, t.depth) for s, t in search.faults.items()},
        None if search.deadlock is None else (search.deadlock.key, search.deadlock.depth),
    )


def both(spec: n.Spec, **config: object) -> tuple[Search, Search]:
    runs = []
    for explorer in (Explorer.PYTHON, Explorer.NATIVE):
        search = explore(Model(spec), ExploreConfig(explorer=explorer, **config))  # type: ignore[arg-type]
        assert search.explorer is explorer
        runs.append(search)
    return runs[0], runs[1]


def python_searchable(path: Path) -> object:
    """A bundled spec as a parameter, marked slow when the Python explorer would take a minute or
    more over it (the Go models with two Ps store over a million states: see tests/golden/go.json)."""
    pins = json.loads((Path(__file__).resolve().parents[1] / "golden" / "go.json").read_text(encoding="utf-8"))
    stored = pins.get(path.stem, {}).get("stored", 0) if "go" in path.parts else 0
    return pytest.param(path, marks=pytest.mark.slow) if stored > 200_000 else path


@pytest.mark.parametrize("path", [python_searchable(p) for p in BUNDLED], ids=lambda p: p.stem)
def test_native_search_equals_python_search_on_bundled_specs(path: Path) -> None:
    """States with and without symmetry, orbit sums, generated successors, depths, and the least
    keys of violating, faulting and deadlocked states (what counterexamples are rebuilt from)."""
    spec = small(path)
    # without symmetry too, where the unreduced space is small (the Go models' is not)
    for symmetry in (True, False) if "barriers" in path.parts else (True,):
        python, native = both(spec, symmetry=symmetry, check_deadlock=True)
        assert figures(native) == figures(python), f"symmetry={symmetry}"


def results(spec: n.Spec, explorer: Explorer, **config: object) -> SpecResult:
    return check_spec(spec, CheckConfig(explorer=explorer, **config))  # type: ignore[arg-type]


def outcome(result: SpecResult) -> list[tuple[object, ...]]:
    return [(r.property.display, r.verdict, None if r.finding is None else r.finding.trace) for r in result.results]


@pytest.mark.parametrize("name", ["dijkstra_no_rescan", "yuasa_alloc_white", "store_skips_barrier"])
def test_native_counterexamples_equal_python_ones(name: str) -> None:
    """The same traces (rebuilt through the native visited table, replayed by the interpreter)."""
    [path] = [p for p in BUNDLED if p.stem == name]
    spec = small(path)
    python = results(spec, Explorer.PYTHON)
    native = results(spec, Explorer.NATIVE)
    assert outcome(native) == outcome(python)
    assert any(r.finding is not None for r in native.results)
    assert native.search is not None and native.search.explorer == "native"


FAULTS = """spec faults
scalarset Obj of 2
var x: 0 .. 3 = 0
var p: Obj? = nil
var f: Obj -> Obj? = nil
process P {
    loop {
        either { x := x + 1 }
        or { assert small: x < 2 }
        or { p := f[p] }
        or { choose o in Obj where true { p := o } }
    }
}
invariant fine: x <= 3
"""


def test_model_faults_are_reported_as_the_interpreter_reports_them() -> None:
    """An out-of-range assignment, a nil dereference and a failed assert: the same properties
    violated, with the same traces, natively and in Python."""
    spec = spec_from_text(FAULTS)
    python = results(spec, Explorer.PYTHON, check_deadlock=True)
    native = results(spec, Explorer.NATIVE, check_deadlock=True)
    assert outcome(native) == outcome(python)
    violated = {r.property.display for r in native.results if r.finding is not None}
    assert {"assert small", "runtime_error"} <= violated


def test_a_state_limit_stops_both_explorers_at_the_same_states() -> None:
    spec = small(SPECS / "barriers" / "dijkstra_no_rescan.gcv")
    python, native = both(spec, max_states=700)
    assert figures(native) == figures(python)
    assert not native.complete and native.stop_reason == python.stop_reason


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_generated_c_compiles_without_warnings(path: Path) -> None:
    compiler = find_compiler()
    assert compiler is not None
    model = Model(small(path))
    source = c_source(model, Symmetry(model.spec, model.layout), Codec.for_spec(model.spec, model.layout.size))
    assert not source.declined
    compiles_without_warnings(compiler.path, [source.text])


def compiles_without_warnings(compiler: str, files: Sequence[str]) -> None:
    """Each C text, compiled on its own with every warning an error, is accepted."""
    with tempfile.TemporaryDirectory() as d:
        for k, text in enumerate(files):
            c_file = Path(d) / f"model-{k}.c"
            c_file.write_text(text, encoding="utf-8")
            out = subprocess.run(
                [compiler, "-std=c11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only", str(c_file)],
                capture_output=True,
                text=True,
                check=False,
            )
            assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize("cores", [2, 3])
def test_a_large_model_is_spread_evenly_over_files_that_compile_apart(
    cores: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """go_gc's allocation step is one program counter whose blocks are most of the model: its
    functions go to different files, each of which compiles on its own without warnings."""
    monkeypatch.setattr(native_emit, "cores", lambda: cores)
    compiler = find_compiler()
    assert compiler is not None
    model = Model(small(SPECS / "go" / "go_gc.gcv"))
    source = c_source(model, Symmetry(model.spec, model.layout), Codec.for_spec(model.spec, model.layout.size))
    sizes = [len(part) for part in source.parts]
    assert len(sizes) == cores
    assert max(sizes) < 1.2 * min(sizes), sizes
    compiles_without_warnings(compiler.path, source.parts)


def test_a_compiled_model_is_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GCVERIFY_CACHE_DIR", str(tmp_path))
    model = Model(small(SPECS / "barriers" / "yuasa.gcv"))
    codec = Codec.for_spec(model.spec, model.layout.size)
    first = prepare(model, None, codec)
    again = prepare(model, None, codec)
    assert first.model is not None and again.model is not None
    assert not first.model.built.cached and first.compile_seconds > 0
    assert again.model.built.cached and again.compile_seconds == 0
    assert again.model.built.library == first.model.built.library
    assert first.model.built.source.read_text(encoding="utf-8").startswith("/* generated by gcverify")

    def unused(*args: object, **kwargs: object) -> object:
        raise AssertionError("a warm run generated C")

    monkeypatch.setattr(native_engine, "c_source", unused)  # the index finds it without generating C
    warm = prepare(Model(model.spec), None, codec)
    assert warm.model is not None and warm.model.built.library == first.model.built.library


def test_without_a_compiler_a_note_and_the_python_explorer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CC", "/nonexistent/cc")
    spec = small(SPECS / "barriers" / "yuasa.gcv")
    seen = Recording()
    result = check_spec(spec, CheckConfig(explorer=Explorer.NATIVE), reporter=seen)
    notes = [m for name, m in seen.events if name == "note"]
    assert notes == [
        "native explorer unavailable: no C compiler found ($CC is /nonexistent/cc); using the Python explorer"
    ]
    assert result.search is not None and result.search.explorer == "python"
    assert outcome(result) == outcome(results(spec, Explorer.PYTHON))


def test_a_compiler_error_is_a_note_with_the_generated_file_and_the_python_explorer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A compiler failure is a bug of gcverify: said as such, with the file, and the check goes on."""
    monkeypatch.setenv("GCVERIFY_CACHE_DIR", str(tmp_path))
    real = c_source

    def broken(*args: object, **kwargs: object) -> object:
        source = real(*args, **kwargs)  # type: ignore[arg-type]
        return type(source)(source.text + "\nthis is not C;\n")

    monkeypatch.setattr(native_engine, "c_source", broken)
    spec = small(SPECS / "barriers" / "yuasa.gcv")
    seen = Recording()
    result = check_spec(spec, CheckConfig(explorer=Explorer.NATIVE), reporter=seen)
    [note] = [m for name, m in seen.events if name == "note"]
    assert isinstance(note, str)
    assert note.startswith("internal error: the C compiler failed on generated code (")
    assert str(tmp_path) in note and "please report it" in note
    assert result.search is not None and result.search.explorer == "python"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(model_specs())
def test_native_search_equals_python_search_on_random_models(ms: ModelSpec) -> None:
    spec = spec_from_text(ms.text)
    for symmetry in (True, False):
        python, native = both(spec, symmetry=symmetry, max_states=5_000, check_deadlock=True)
        assert figures(native) == figures(python)
    assert outcome(results(spec, Explorer.NATIVE, max_states=5_000)) == outcome(
        results(spec, Explorer.PYTHON, max_states=5_000)
    )


@pytest.mark.parametrize("limit", [700, 3_333, 5_000])
def test_a_search_the_state_limit_stops_has_the_same_figures_in_both_explorers(limit: int) -> None:
    """The level the limit stops is expanded in chunks of CHUNK frontier states in both explorers, so
    both stop after the same state and count the same successors (at 5,000 on `hybrid` with
    symmetry, Python's chunks of more than CHUNK states once made it generate 18,548, C 18,797)."""
    [path] = [p for p in BUNDLED if p.stem == "hybrid"]
    spec = small(path)
    for symmetry in (True, False):
        python, native = both(spec, symmetry=symmetry, max_states=limit, check_deadlock=True)
        assert not python.complete and python.states == limit
        assert figures(native) == figures(python)


@pytest.mark.parametrize("name", ["dijkstra_no_rescan", "hybrid", "store_skips_barrier"])
def test_native_workers_find_what_one_python_process_finds(name: str) -> None:
    """--workers 2 natively: each worker expands and checks in C; NOTE(levels) makes the states,
    orbit sums and least keys those of one process."""
    [path] = [p for p in BUNDLED if p.stem == name]
    spec = small(path)
    python = explore(Model(spec), ExploreConfig(explorer=Explorer.PYTHON, check_deadlock=True))
    native = explore(Model(spec), ExploreConfig(explorer=Explorer.NATIVE, workers=2, check_deadlock=True))
    assert native.explorer is Explorer.NATIVE and native.workers == 2
    assert figures(native) == figures(python)
    # with several partitions a state may keep another parent of the same depth: same lengths
    lengths = [
        [(d, v, None if t is None else len(t)) for d, v, t in outcome(results(spec, explorer, workers=w))]  # type: ignore[arg-type]
        for explorer, w in ((Explorer.PYTHON, 1), (Explorer.NATIVE, 2))
    ]
    assert lengths[0] == lengths[1]


def test_a_symmetry_group_beyond_64_bits_runs_in_python() -> None:
    """Orbit sizes are 64-bit in C: with (20!)^2 permutations the model runs in Python, and says so."""
    spec = spec_from_text(
        "spec big\nscalarset A of 20\nscalarset B of 20\nvar a: A -> bool = false\nvar b: B -> bool = false\n"
        "process P { loop { either { choose x in A where true { a[x] := true } } "
        "or { choose y in B where true { b[y] := true } } } }\n"
        "invariant fine: true\n"
    )
    seen = Recording()
    result = check_spec(spec, CheckConfig(explorer=Explorer.NATIVE, max_states=200), reporter=seen)
    assert [m for name, m in seen.events if name == "note"] == [
        "native explorer unavailable: the symmetry group has 2^64 permutations or more; using the Python explorer"
    ]
    assert result.search is not None and result.search.explorer == "python"
