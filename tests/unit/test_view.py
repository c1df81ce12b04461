"""The trace view: the heap line and one line per element of the other scalarsets (spans)."""

from __future__ import annotations

import json

from gcverify.report.json import render_json
from gcverify.report.text import render_trace
from gcverify.report.view import element_lines
from gcverify.semantics.layout import Layout
from tests.helpers import run, spec_from_text

SPANS = """
spec spans
const OBJECTS = 1
scalarset Object of OBJECTS
scalarset Span of 2
range Slot = 0 .. 1
enum Kind { dead, small }
var kind: Span -> Kind = dead
var bits: Span -> Slot -> bool = false
var free: Span -> bool = true
var count: Span -> 0 .. 2 = 0
var home: Object -> Span? = nil
var cached: Span? = nil
process P {
    choose s in Span where free[s] {
        atomic {
            kind[s] := small
            bits[s][1] := true
            free[s] := false
            count[s] := 1
            cached := s
        }
    }
    choose o in Object where home[o] == nil: home[o] := cached
}
invariant never_home: forall o in Object: home[o] == nil
expect never_home violated
"""


def test_one_line_per_span_with_its_values_and_holders() -> None:
    result = run(SPANS)
    check, _ = result.results
    assert check.finding is not None
    trace = check.finding.trace
    spec = result.spec
    layout = Layout(spec)
    assert element_lines(spec, layout, trace.init) == [
        "s1: dead bits=00 free count=0",
        "s2: dead bits=00 free count=0",
    ]
    last = element_lines(spec, layout, trace.steps[-1].state)
    assert last == ["s1: small bits=01 count=1 ← home[o1] cached", "s2: dead bits=00 free count=0"]
    text = render_trace(result, check)
    assert "       spans  s1: small bits=01 count=1 ← home[o1] cached" in text
    assert text.count("spans  s1:") == len(trace) + 1


def test_no_span_lines_without_other_scalarsets() -> None:
    spec = spec_from_text(
        "spec s\nconst OBJECTS = 1\nscalarset Object of OBJECTS\nvar x: bool = false\nprocess P { x := true }\n"
    )
    assert element_lines(spec, Layout(spec), Layout(spec).initial()) == []


def test_the_json_trace_carries_the_span_lines() -> None:
    result = run(SPANS)
    doc = json.loads(render_json([result]))
    trace = doc["specs"][0]["results"][0]["counterexample"]
    assert trace["initial_elements"] == ["s1: dead bits=00 free count=0", "s2: dead bits=00 free count=0"]
    assert trace["steps"][-1]["elements"][0] == "s1: small bits=01 count=1 ← home[o1] cached"
