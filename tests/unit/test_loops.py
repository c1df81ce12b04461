"""Loop independence (ir/loops.py): a static analysis of the loops over a scalarset one step runs,
asked by the interpreter (every-size proofs) and by BMC's symmetry breaking."""

from __future__ import annotations

import pytest

from gcverify.ir import nodes as n
from gcverify.ir.loops import independence
from tests.helpers import spec_from_text

HEAD = "scalarset S of 3\nvar a: S -> bool = false\nvar b: S -> bool = false\n"


def the_loop(spec: n.Spec) -> n.ForEach:
    (loop,) = [st for act in spec.actions for st in act.body if isinstance(st, n.ForEach)]
    return loop


def test_a_loop_writing_and_reading_only_its_own_element_is_independent() -> None:
    spec = spec_from_text(HEAD + "process P { atomic { for s in S { a[s] := not a[s] or b[s] } } }\n")
    found = independence(spec, the_loop(spec))
    assert found.problem is None
    assert [spec.vars[v].name for v in found.written] == ["a"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("for s in S { a[s] := true\n b[s] := a[s] }", None),  # reads what it writes, at its own element
        ("choose t in S { for s in S { a[t] := true } }", "writes a other than at its own S"),
        ("for s in S { a[s] := exists t in S: a[t] }", "reads a other than at its own S, and writes it"),
        ("for s in S { a[s] := true\n await b[s] }", "waits or nests another such loop"),
    ],
)
def test_what_makes_iterations_depend_on_their_order(body: str, problem: str | None) -> None:
    spec = spec_from_text(HEAD + f"process P {{ atomic {{ {body} }} }}\n")
    found = independence(spec, the_loop(spec))
    if problem is None:
        assert found.problem is None
    else:
        assert found.problem == f"the loop 'for s in S' {problem}"
