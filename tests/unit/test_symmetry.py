"""Symmetry reduction (explore/symmetry.py): canonical forms and orbit sizes.

Against brute force: for states reached breadth-first in bundled specs, every permutation of the
state has the same canonical form, the canonical form is in the orbit, and the orbit size equals the
number of distinct images under all permutations.  And the sum of orbit sizes over the canonical
states reached equals the number of states reached without symmetry (so the reduction reported is
exact).
"""

from __future__ import annotations

import functools
import itertools
from collections import deque
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcverify.explore.symmetry import Symmetry
from gcverify.pipeline import load_spec
from gcverify.semantics.model import Model
from gcverify.semantics.state import State

SPECS = Path(__file__).resolve().parents[2] / "specs"

CASES = [
    ("barriers/dijkstra_rescan.gcv", {"OBJECTS": "3"}),
    ("barriers/hybrid.gcv", {"OBJECTS": "2", "MUTATORS": "2"}),
    ("barriers/steele.gcv", {"OBJECTS": "3", "MUTATORS": "2", "SHARED": "true"}),
    ("go/go_gc.gcv", {}),
    ("go/go_alloc.gcv", {"MUTATORS": "2"}),
]


def reached(model: Model, limit: int) -> list[State]:
    init = model.initial()
    seen = {init}
    queue = deque([init])
    out: list[State] = []
    while queue and len(out) < limit:
        state = queue.popleft()
        out.append(state)
        for _, post in model.expand(state)[0]:
            if post not in seen:
                seen.add(post)
                queue.append(post)
    return out


def load(case: tuple[str, dict[str, str]]) -> tuple[Model, Symmetry]:
    path, overrides = case
    model = Model(load_spec(SPECS / path, overrides))
    return model, Symmetry(model.spec, model.layout)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_canonical_form_against_brute_force(case: tuple[str, dict[str, str]]) -> None:
    model, sym = load(case)
    assert sym.sorts, "the case has a symmetric sort with more than one element"
    for state in reached(model, 4000)[::37]:
        canon, orbit = sym.canon(state)
        images = sym.all_images(state)
        assert canon in images
        assert orbit == len(images)
        assert all(sym.canon(image) == (canon, orbit) for image in images)


@functools.cache
def steele_states() -> tuple[Symmetry, list[State]]:
    model, sym = load(CASES[2])
    return sym, reached(model, 3000)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_canon_is_invariant_under_random_permutations(data: st.DataObject) -> None:
    sym, states = steele_states()
    state = data.draw(st.sampled_from(states))
    perms = tuple(tuple(data.draw(st.permutations(range(s.size)))) for s in sym.sorts)
    assert sym.canon(sym.apply(state, perms)) == sym.canon(state)


@pytest.mark.parametrize("case", CASES[:2], ids=[c[0] for c in CASES[:2]])
def test_orbit_sizes_add_up_to_the_unreduced_state_count(case: tuple[str, dict[str, str]]) -> None:
    model, sym = load(case)
    plain = len(reached(model, 10**7))
    init, orbit = sym.canon(model.initial())
    seen = {init}
    queue = deque([init])
    total = orbit
    while queue:
        for _, post in model.expand(queue.popleft())[0]:
            canon, orbit = sym.canon(post)
            if canon not in seen:
                seen.add(canon)
                queue.append(canon)
                total += orbit
    assert total == plain
    assert len(seen) < plain


def test_no_symmetric_sort_is_the_identity() -> None:
    model, _ = load(CASES[0])
    sym = Symmetry(model.spec, model.layout, sorts=())
    state = reached(model, 50)[-1]
    assert sym.canon(state) == (state, 1)
    assert sym.group_size == 1
    assert list(itertools.islice(sym.all_images(state), 2)) == [state]
