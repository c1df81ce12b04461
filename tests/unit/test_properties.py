"""Typed properties (NOTE(properties) in gcverify/ir/nodes.py): every property is an object of a
kind, built-in names are reserved, `expect` works for every kind, and results are keyed by the
property, never by a bare name."""

from __future__ import annotations

import pytest

from gcverify.diagnostics import Code, GcverifyError
from gcverify.ir import nodes as n
from gcverify.pipeline import EngineChoice
from gcverify.results import CheckResult, FindingKind, SpecResult, Verdict
from gcverify.wording import describe
from tests.helpers import run, spec_from_text

TWO_ASSERTS = """
spec two
var x: 0..3 = 0
process P {
    x := 1
    assert fine: x <= 1
    x := 2
    tight: assert x <= 1
}
invariant small: x <= 3
"""


def by_display(result: SpecResult) -> dict[str, CheckResult]:
    return {c.property.display: c for c in result.results}


def test_each_assertion_is_a_property_with_its_own_verdict() -> None:
    result = run(TWO_ASSERTS)
    got = by_display(result)
    assert list(got) == ["small", "assert fine", "assert tight", "runtime_error"]
    assert got["assert fine"].verdict is Verdict.HOLDS
    tight = got["assert tight"]
    assert tight.verdict is Verdict.VIOLATED and tight.property.kind is n.PropertyKind.ASSERTION
    assert tight.finding is not None and tight.finding.kind is FindingKind.FAULT
    assert len(tight.finding.trace) == 4  # x := 1, assert fine, x := 2, then the faulting assert
    assert tight.finding.span is not None and tight.finding.span.line == 8
    assert got["runtime_error"].verdict is Verdict.HOLDS
    assert not tight.met  # no expectation: every property is expected to hold


def test_expect_assert_makes_an_expected_failure_green() -> None:
    result = run(TWO_ASSERTS + "expect assert tight violated within 4 steps\n")
    tight = by_display(result)["assert tight"]
    assert tight.expected is n.Expected.VIOLATED and tight.within == 4
    assert all(c.met for c in result.results)


def test_bmc_reports_each_assertion_like_the_explicit_engine() -> None:
    explicit = run(TWO_ASSERTS)
    bounded = run(TWO_ASSERTS, engine=EngineChoice.BMC, bmc_depth=5)
    want = {c.property: (c.verdict, c.depth if c.finding else None) for c in explicit.results}
    got = {c.property: (c.verdict, c.depth if c.finding else None) for c in bounded.results}
    assert got == want


def test_the_first_fault_in_program_order_decides_the_site() -> None:
    """Both asserts of one step fail together; the step stops at the first, so only it is violated."""
    text = "var x: 0..3 = 0\nprocess P { atomic { x := 2\n assert first: x < 2\n assert second: x < 1 } }\n"
    for engine in (EngineChoice.EXPLICIT, EngineChoice.BMC):
        got = by_display(run(text, engine=engine, bmc_depth=2))
        assert got["assert first"].verdict is Verdict.VIOLATED
        assert got["assert second"].verdict is not Verdict.VIOLATED


def test_an_unnamed_assertion_is_named_by_its_location() -> None:
    spec = spec_from_text("var x: 0..3 = 0\nprocess P { x := 1\n  assert x == 0 }\n")
    [a] = spec.assertions
    assert not a.named and a.name.endswith("t.gcv:3:3")
    assert spec.site_property(0).display == f"assert {a.name}"


def test_an_invariant_and_an_assertion_of_one_name_are_two_results() -> None:
    text = "var x: 0..3 = 0\nprocess P { x := 1\n  assert same: x == 0 }\ninvariant same: x <= 1\n"
    result = run(text)
    kinds = {c.property.kind: c.verdict for c in result.results if c.property.name == "same"}
    assert kinds == {n.PropertyKind.INVARIANT: Verdict.HOLDS, n.PropertyKind.ASSERTION: Verdict.VIOLATED}


def test_expect_deadlock_turns_the_deadlock_check_on() -> None:
    text = "var x: 0..3 = 0\nprocess P { await x == 1 }\ninvariant ok: true\nexpect deadlock violated\n"
    result = run(text)
    dead = by_display(result)["deadlock"]
    assert dead.property == n.DEADLOCK and dead.verdict is Verdict.VIOLATED and dead.met
    assert dead.finding is not None and dead.finding.kind is FindingKind.DEADLOCK


def test_expect_runtime_error() -> None:
    text = "var x: 0..2 = 2\nprocess P { x := x + 1 }\nexpect runtime_error violated\n"
    result = run(text)
    [c] = result.results
    assert c.property.kind is n.PropertyKind.RUNTIME and c.verdict is Verdict.VIOLATED and c.met


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("var x: bool = false\nprocess P { skip }\ninvariant deadlock: true\n", Code.RESERVED_NAME, "built-in"),
        ("var x: bool = false\nprocess P { skip }\ninvariant runtime_error: true\n", Code.RESERVED_NAME, "built-in"),
        ("var x: bool = false\nprocess P { assert deadlock: x }\n", Code.RESERVED_NAME, "built-in"),
        (
            "var x: bool = false\nprocess P { assert a: x\n assert a: x }\n",
            Code.DUPLICATE_NAME,
            "assertion 'a' is named twice",
        ),
        ("var x: bool = false\nprocess P { skip }\nexpect assert nope violated\n", Code.BAD_EXPECT, "no assertion"),
        (
            "var x: bool = false\nprocess P { assert a: x }\nexpect a violated\n",
            Code.BAD_EXPECT,
            "no property 'a'",
        ),
        (
            "var x: bool = false\nprocess P { skip }\ninvariant i: x\nexpect i holds\nexpect i violated\n",
            Code.BAD_EXPECT,
            "a second expectation",
        ),
    ],
)
def test_reserved_and_unknown_names_are_located_errors(text: str, code: Code, message: str) -> None:
    with pytest.raises(GcverifyError) as e:
        spec_from_text(text)
    [d] = e.value.diagnostics
    assert d.code is code and message in d.message and d.span is not None


def test_the_hint_says_how_to_expect_an_assertion() -> None:
    with pytest.raises(GcverifyError) as e:
        spec_from_text("var x: bool = false\nprocess P { assert a: x }\nexpect a violated\n")
    assert e.value.diagnostics[0].hint == "'a' is an assertion: write 'expect assert a …'"


def test_within_is_checked_against_the_trace_of_the_assertion() -> None:
    result = run(TWO_ASSERTS + "expect assert tight violated within 3 steps\n")
    assert not by_display(result)["assert tight"].met  # its shortest counterexample has 4 steps


def test_property_selection_checks_only_those_and_may_stop_early() -> None:
    every = run(TWO_ASSERTS)
    only = run(TWO_ASSERTS, properties=("assert tight",))
    [tight] = only.results
    assert tight.property.display == "assert tight" and tight.verdict is Verdict.VIOLATED
    assert only.states <= every.states
    assert by_display(every)["assert tight"].depth == tight.depth


def test_selecting_an_unknown_property_is_an_error() -> None:
    with pytest.raises(GcverifyError) as e:
        run(TWO_ASSERTS, properties=("tight",))
    [d] = e.value.diagnostics
    assert d.code is Code.UNKNOWN_PROPERTY and d.hint is not None and "'assert tight'" not in d.hint
    assert "assert tight" in d.hint


def test_bmc_says_deadlock_is_not_its_to_check() -> None:
    text = "var x: 0..3 = 0\nprocess P { await x == 1 }\nexpect deadlock violated\n"
    [runtime, dead] = run(text, engine=EngineChoice.BMC, bmc_depth=2).results
    assert runtime.verdict is Verdict.HOLDS
    assert dead.verdict is Verdict.UNKNOWN and "explicit engine only" in describe(dead.evidence)
