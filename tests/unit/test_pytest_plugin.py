"""The pytest plugin (gcverify/pytest_plugin.py): `pytest specs/` collects each spec's properties,
reports unmet expectations readably with the counterexample, and -k and markers select as usual."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SPECS = Path(__file__).resolve().parents[2] / "specs"
HOLDS = "spec ok\nvar x: 0..1 = 0\nprocess P { x := 1 }\ninvariant small: x <= 1\n"
VIOLATED = (
    "spec bad\nconst TOP = 2\nvar x: 0..TOP = 0\nprocess P { while x < TOP { x := x + 1 } }\n"
    "invariant zero: x == 0\ninvariant low: x < TOP\nexpect low violated\n"
)
BROKEN = "spec broken\nvar x: 0..1 = 0\nprocess P { x := y }\n"
LIBRARY = "// a library file: no spec line\nconst A = 1\n"


@pytest.fixture
def specs(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".gcv", ok=HOLDS, bad=VIOLATED, lib=LIBRARY)
    return pytester


def test_each_property_is_an_item(specs: pytest.Pytester) -> None:
    result = specs.runpytest("--collect-only", "-q")
    result.stdout.fnmatch_lines(
        [
            "bad.gcv::zero",
            "bad.gcv::low",
            "bad.gcv::runtime_error",
            "ok.gcv::small",
            "ok.gcv::runtime_error",
            "*5 tests collected*",
        ]
    )
    assert "lib.gcv" not in result.stdout.str()


def test_an_unmet_expectation_fails_with_its_counterexample(specs: pytest.Pytester) -> None:
    result = specs.runpytest()
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ bad.gcv: zero _*",
            "bad: zero: expected holds, violated: counterexample of 1 step (with TOP=2)",
            "Counterexample for zero in bad (1 step, shortest):",
            "*1. P  x := x + 1   @ bad.gcv:4:*",
            "*x: 0 → 1",
            "*✗ invariant zero is false in the last state*",
        ]
    )
    out = result.stdout.str()
    assert "Traceback" not in out and "pytest_plugin.py" not in out


def test_k_and_markers_select(specs: pytest.Pytester) -> None:
    specs.runpytest("-k", "small or low").assert_outcomes(passed=2, deselected=3)
    specs.runpytest("-m", "gcverify_violated").assert_outcomes(passed=1, deselected=4)
    specs.runpytest("-m", "gcverify_holds").assert_outcomes(passed=3, failed=1, deselected=1)
    specs.runpytest("-m", "not gcverify").assert_outcomes(deselected=5)


def test_an_expected_counterexample_is_kept_in_the_report(specs: pytest.Pytester) -> None:
    result = specs.runpytest("-k", "low", "-rP")
    result.assert_outcomes(passed=1, deselected=4)
    result.stdout.fnmatch_lines(["*counterexample (expected)*", "Counterexample for low in bad (2 steps, shortest):"])


def test_constants_can_be_set(specs: pytest.Pytester) -> None:
    # With TOP=1, `low` is violated in one step; OBJECTS is declared by the bundled spec and left
    # out for the others.
    shutil.copytree(SPECS / "lib", specs.path / "lib")
    shutil.copy(SPECS / "barriers" / "none.gcv", specs.path / "none.gcv")
    result = specs.runpytest("--gcverify-set", "TOP=1", "--gcverify-set", "OBJECTS=3", "-k", "low or none", "-rP")
    result.assert_outcomes(passed=4, deselected=4)
    result.stdout.fnmatch_lines(["*heap: o1 free | o2 free | o3 free*"])  # none.gcv has 2 objects
    result = specs.runpytest("--gcverify-set", "TOP=1", "-k", "low", "-rP")
    result.stdout.fnmatch_lines(["Counterexample for low in bad (1 step, shortest):"])
    result = specs.runpytest("--gcverify-set", "TPO=1")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--gcverify-set TPO: no collected spec declares such a constant (they declare *TOP)*"]
    )
    result = specs.runpytest("--gcverify-set", "TOP")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--gcverify-set 'TOP' is not NAME=VALUE*"])


def test_a_limit_is_a_failure_not_a_pass(specs: pytest.Pytester) -> None:
    shutil.copy(SPECS / "barriers" / "dijkstra.gcv", specs.path / "dijkstra.gcv")
    result = specs.runpytest("dijkstra.gcv", "--gcverify-max-states", "10")
    result.assert_outcomes(failed=4)
    result.stdout.fnmatch_lines(["*expected holds, unknown: unknown: state limit*", "*The check stopped early*"])


def test_a_spec_that_does_not_load_is_one_failing_item(pytester: pytest.Pytester) -> None:
    pytester.makefile(".gcv", broken=BROKEN)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*_ broken.gcv: load _*", "broken.gcv:3:18: error[GCV201]: unknown name 'y'", "3 | process P { x := y }"]
    )
    assert "Traceback" not in result.stdout.str()


def test_bundled_specs_with_the_library(pytester: pytest.Pytester) -> None:
    """Specs that import the GC library, run from a copy of the specs folder (lib/ not collected)."""
    shutil.copytree(SPECS / "lib", pytester.path / "specs" / "lib")
    for name in ("none.gcv", "yuasa.gcv"):
        shutil.copy(SPECS / "barriers" / name, pytester.path / "specs" / name)
    result = pytester.runpytest("specs", "-v")
    result.assert_outcomes(passed=8)
    result.stdout.fnmatch_lines(["specs/none.gcv::no_live_freed PASSED*", "specs/yuasa.gcv::no_live_freed PASSED*"])


FAILING_ASSERT = "spec asserts\nvar x: 0..3 = 0\nprocess P { x := 1\n  assert x == 0 }\ninvariant small: x <= 1\n"
EXPECTED_ASSERT = (
    "spec expected\nvar x: 0..3 = 0\nprocess P { x := 1\n  assert never: x == 0 }\n"
    "invariant small: x <= 1\nexpect assert never violated\n"
)
NIL_DEREF = (
    "spec nils\nscalarset Object of 1\nvar r: Object? = nil\nvar c: Object -> bool = false\n"
    "process P { c[r] := true }\n"
)


def test_a_failing_assert_fails_its_item(pytester: pytest.Pytester) -> None:
    """`gcverify check` exits 14 on this spec; its test run must fail too (it used to pass: the
    plugin made items for invariants only)."""
    pytester.makefile(".gcv", asserts=FAILING_ASSERT, nils=NIL_DEREF)
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*asserts.gcv::assert asserts.gcv:4:3 FAILED*",
            "*nils.gcv::runtime_error FAILED*",
            "*asserts: assert asserts.gcv:4:3: expected holds, violated*",
            "*✗ the last step faults: assertion failed at asserts.gcv:4:3*",
            "*nils: runtime_error: expected holds, violated*",
        ]
    )


def test_an_expected_assertion_failure_is_green(pytester: pytest.Pytester) -> None:
    pytester.makefile(".gcv", expected=EXPECTED_ASSERT)
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*expected.gcv::assert never PASSED*"])
