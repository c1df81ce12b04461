"""Differential tests: the explicit explorer and the Z3 engine read the same transition system and
must agree (STYLE.md S7).  A disagreement prints both traces."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from gcverify.ir import nodes as n
from gcverify.pipeline import CheckConfig, EngineChoice, check_spec, load_spec
from gcverify.report.text import render_trace
from gcverify.results import SpecResult, Verdict
from gcverify.semantics.concrete import CONCRETE
from gcverify.semantics.interp import Compiler, Frame
from gcverify.semantics.layout import Layout
from gcverify.symbolic.z3ops import Z3Ops

from .strategies import ModelSpec, model_specs

ROOT = Path(__file__).resolve().parents[2]


def _describe(r: SpecResult) -> str:
    return "\n".join(render_trace(r, c) for c in r.results if c.finding is not None)


def agree(spec: n.Spec) -> None:
    explicit = check_spec(spec, CheckConfig(max_states=20_000))
    if not explicit.complete and not all(c.verdict is Verdict.VIOLATED for c in explicit.results):
        return  # too large to settle explicitly: nothing to compare
    # one step more than the deepest state: a fault is a step out of the deepest state
    bounded = check_spec(spec, CheckConfig(engine=EngineChoice.BMC, bmc_depth=explicit.depth + 1))
    a = {c.property.display: (c.verdict, c.depth if c.verdict is Verdict.VIOLATED else None) for c in explicit.results}
    b = {c.property.display: (c.verdict, c.depth if c.verdict is Verdict.VIOLATED else None) for c in bounded.results}
    if not explicit.complete:  # the explorer stopped once every invariant was violated: faults unexplored
        a.pop("faults", None)
        b.pop("faults", None)
    # BMC to the explorer's full depth covers every reachable state, so "holds" must agree too.
    assert a == b, f"explicit {a} != bmc {b}\n--- explicit:\n{_describe(explicit)}\n--- bmc:\n{_describe(bounded)}"


@pytest.mark.slow
@settings(max_examples=300)  # a few hundred random models, every run
@given(model_specs())
def test_random_models_explicit_and_bmc_agree(m: ModelSpec) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "m.gcv"
        path.write_text(m.text, encoding="utf-8")
        spec = load_spec(path)
    agree(spec)


@pytest.mark.slow
def test_small_zoo_specs_agree() -> None:
    for name in ("none", "yuasa_alloc_white", "steele", "dijkstra_no_rescan"):
        agree(load_spec(ROOT / "specs" / "barriers" / f"{name}.gcv", {"OBJECTS": "2"}))


# ---------------------------------------------------------------- expressions, concrete vs Z3

SMALL = n.IntSort(-3, 3)
BOOL_VARS, INT_VARS = 2, 2


def _int_exprs() -> st.SearchStrategy[n.Expr]:
    leaves: st.SearchStrategy[n.Expr] = st.one_of(
        st.integers(-4, 4).map(lambda v: n.Lit(v, n.INT)),
        st.integers(0, INT_VARS - 1).map(lambda i: n.Read(BOOL_VARS + i, (), SMALL)),
    )
    return st.recursive(
        leaves,
        lambda sub: st.one_of(
            st.builds(lambda op, a, b: n.Arith(op, a, b), st.sampled_from(list(n.ArithOp)), sub, sub),
            st.builds(n.Neg, sub),
        ),
        max_leaves=6,
    )


def _bool_exprs() -> st.SearchStrategy[n.Expr]:
    leaves = st.one_of(
        st.booleans().map(lambda v: n.Lit(int(v), n.BOOL)),
        st.integers(0, BOOL_VARS - 1).map(lambda i: n.Read(i, (), n.BOOL)),
        st.builds(lambda op, a, b: n.Cmp(op, a, b), st.sampled_from(list(n.CmpOp)), _int_exprs(), _int_exprs()),
    )
    return st.recursive(
        leaves,
        lambda sub: st.one_of(
            st.builds(n.Not, sub),
            st.lists(sub, min_size=1, max_size=3).map(lambda xs: n.And(tuple(xs))),
            st.lists(sub, min_size=1, max_size=3).map(lambda xs: n.Or(tuple(xs))),
            st.builds(n.Implies, sub, sub),
            st.builds(lambda c, a, b: n.Ite(c, a, b, n.BOOL), sub, sub, sub),
        ),
        max_leaves=8,
    )


def _spec() -> n.Spec:
    vars_ = tuple(n.StateVar(name=f"b{i}", keys=(), sort=n.BOOL, init=0) for i in range(BOOL_VARS)) + tuple(
        n.StateVar(name=f"i{i}", keys=(), sort=SMALL, init=0) for i in range(INT_VARS)
    )
    return n.Spec(
        name="exprs",
        file="",
        consts=(),
        vars=vars_,
        defs=(),
        processes=(),
        actions=(),
        invariants=(),
        expectations=(),
        heap=None,
        symmetric=(),
    )


@settings(max_examples=300)
@given(
    _bool_exprs(), st.lists(st.booleans(), min_size=2, max_size=2), st.lists(st.integers(-3, 3), min_size=2, max_size=2)
)
def test_expressions_agree_concretely_and_in_z3(e: n.Expr, bools: list[bool], ints: list[int]) -> None:
    spec = _spec()
    layout = Layout(spec)
    values = [int(b) for b in bools] + ints
    concrete = Compiler(spec, layout, CONCRETE).expr(e)(Frame(values, (), 1, 1))
    ops = Z3Ops(16)
    symbols = [z3.Bool(f"b{i}") for i in range(BOOL_VARS)] + [z3.BitVec(f"i{i}", 16) for i in range(INT_VARS)]
    term = Compiler(spec, layout, ops).expr(e)(Frame(list(symbols), (), ops.lit(1, n.BOOL), ops.lit(1, n.BOOL)))
    subst = [
        (s, ops.lit(v, n.BOOL if i < BOOL_VARS else SMALL))
        for i, (s, v) in enumerate(zip(symbols, values, strict=True))
    ]
    assert ops.value_of(z3.simplify(z3.substitute(term, *subst))) == concrete
