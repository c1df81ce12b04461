"""The staged interpreter (semantics/compiled.py) against the plain one, on the bundled specs.

For the first states (breadth-first) of every bundled spec at a small size, the compiled
successors (post-states and faulting transitions, in order) and every compiled invariant must equal
what the interpreter computes.  Random models get the same check in tests/property.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

import pytest

from gcverify.pipeline import load_spec
from gcverify.semantics.model import Model
from gcverify.semantics.staged import Kind, SourceOps
from gcverify.semantics.state import State
from gcverify.semantics.targets import PythonTarget
from tests.helpers import spec_from_text

SPECS = Path(__file__).resolve().parents[2] / "specs"
BUNDLED = sorted(p for p in SPECS.rglob("*.gcv") if "lib" not in p.parts)


def agree(model: Model, limit: int) -> int:
    init = model.initial()
    seen: set[State] = {init}
    queue = deque([init])
    visited = 0
    while queue and visited < limit:
        state = queue.popleft()
        visited += 1
        posts, faults = model.expand(state)
        assert (posts, faults) == model.expand_interpreted(state), f"successors differ in {state}"
        for i in range(len(model.spec.invariants)):
            assert model.check(i, state) == model.check_interpreted(i, state), f"invariant {i} differs in {state}"
        for _, post in posts:
            assert all(type(v) is int for v in post), "a post-state holds a non-int"
            if post not in seen:
                seen.add(post)
                queue.append(post)
    return visited


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_compiled_equals_interpreted_on_bundled_specs(path: Path) -> None:
    overrides = {"OBJECTS": "2"} if "barriers" in path.parts else {}
    model = Model(load_spec(path, overrides))
    assert agree(model, 1500) > 100


def test_compiled_source_reads_a_computed_key_as_one_index() -> None:
    """`color[o]` for a state-dependent `o` becomes one indexed read, not a chain of comparisons."""
    ops = SourceOps()
    key = ops.leaf(0, 0, 2)
    cells = [ops.leaf(10 + k, 0, 2) for k in range(3)]
    value = ops.ite(ops.eq(key, ops.const(0)), cells[0], ops.ite(ops.eq(key, ops.const(1)), cells[1], cells[2]))
    assert value.kind is Kind.INDEX
    assert PythonTarget(1).expr(value, ["x"]) == "s[x + 10]"


def test_staged_folding_matches_concrete_ops() -> None:
    ops = SourceOps()
    x = ops.leaf(0, 0, 3)
    assert ops.and_(x, ops.not_(x)).const == 0
    assert ops.or_(*(ops.eq(x, ops.const(v)) for v in range(4))).const == 1
    assert ops.eq(x, ops.const(7)).const == 0
    assert ops.add(ops.const(2), ops.const(3)).const == 5
    nil_checked = ops.ite(ops.eq(x, ops.const(3)), ops.const(0), x)
    assert (nil_checked.lo, nil_checked.hi) == (0, 2)


def test_branches_at_one_pc_do_not_share_a_post_state() -> None:
    """Regression (found by the random-model test): the two branches of `either` start at the same
    pc and compute the same values (mc and 2 are both 2), so their first lines agree, but they write
    different slots.  The post-state list was hoisted and shared, and `t := 2` also set `m`."""
    text = (
        "spec shared\nenum Mode { ma, mb, mc }\nvar b0: bool = false\nvar m: Mode = ma\n"
        "process P0 {\n    var t: 0 .. 2 = 0\n    b0 := true\n    either { m := mc } or { t := 2 }\n}\n"
        "invariant inv0: b0 or m == ma\n"
    )
    model = Model(spec_from_text(text))
    assert agree(model, 100) == 4
