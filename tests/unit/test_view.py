"""The trace view (report/view.py): the heap line, one line per element of the other scalarsets
(spans), and the one view of a counterexample that every renderer shows."""

from __future__ import annotations

import json
from pathlib import Path

from gcverify.pipeline import CheckConfig, EngineChoice, check_spec, load_spec
from gcverify.report.dot import quote, render_trace_dots, step_title
from gcverify.report.itf import render_itf
from gcverify.report.json import render_json
from gcverify.report.sarif import render_sarif
from gcverify.report.text import render_trace
from gcverify.report.view import element_lines, trace_view
from gcverify.results import FindingKind
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


def test_every_renderer_shows_the_steps_of_the_one_trace_view() -> None:
    result = run(SPANS.replace("expect never_home violated", ""))  # unmet, so SARIF reports it too
    check, _ = result.results
    view = trace_view(result, check)
    assert check.finding is not None and len(view) == len(check.finding.trace)
    assert view.reachable and view.first_values == ()
    assert [s.index for s in view.states] == list(range(len(view) + 1))
    first = view.states[0]
    assert (first.who, first.action, first.args, first.span, first.changes) == ("", "", "", None, ())
    # JSON: the same fields, step by step
    doc = json.loads(render_json([result]))["specs"][0]["results"][0]["counterexample"]
    assert [(s["process"], s["action"], s["args"], s["heap"]) for s in doc["steps"]] == [
        (s.who, s.action, s.args, s.heap) for s in view.steps
    ]
    assert [s["changes"] for s in doc["steps"]] == [
        {c.name: [c.before, c.after] for c in s.changes} for s in view.steps
    ]
    # ITF: the action of each state after the first
    itf = json.loads(render_itf(result, check))
    assert [s["#meta"].get("action") for s in itf["states"]] == [None] + [
        f"{s.who}: {s.action}" + (f" ({s.args})" if s.args else "") for s in view.steps
    ]
    # SARIF: one thread-flow location per state, located at the step's action
    sarif = json.loads(render_sarif([result], version="0"))
    (flow,) = sarif["runs"][0]["results"][0]["codeFlows"]
    locations = flow["threadFlows"][0]["locations"]
    assert len(locations) == len(view.states)
    for loc, step in zip(locations[1:], view.steps, strict=True):
        assert step.span is not None
        assert loc["location"]["physicalLocation"]["region"]["startLine"] == step.span.start.line
    # DOT: one picture per state, titled by its step; text: one line per step with who and action
    dots = render_trace_dots(result, check)
    assert len(dots) == len(view.states)
    text = render_trace(result, check)
    for step, dot in zip(view.steps, dots[1:], strict=True):
        assert f"{step.index}. {step.who}  {step.action}" in text
        assert quote(step_title(view, step.index))[1:-1].split("\\n")[0] in dot


def test_the_view_of_a_lemma_counterexample_starts_from_any_state_and_shows_all_of_it() -> None:
    path = Path(__file__).resolve().parents[2] / "specs" / "barriers" / "yuasa.gcv"
    spec = load_spec(path)
    result = check_spec(spec, CheckConfig(engine=EngineChoice.LEMMA), lambda extra: load_spec(path, extra))
    (check,) = result.results
    view = trace_view(result, check)
    assert not view.reachable and view.kind is FindingKind.LEMMA
    assert view.objects == 2 and view.spec is not spec  # the spec at the counterexample's size
    assert view.first_values  # the first state is not the initial one, so all of it is shown
    text = render_trace(result, check)
    assert "       " + "; ".join(f"{c.name}={c.after}" for c in view.first_values) in text
