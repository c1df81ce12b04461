"""Lowering: the step-granularity rules, pinned by tiny models whose state counts are computed by
hand (docs/reference/language.md, "Steps: the exact rules")."""

from __future__ import annotations

import pytest

from gcverify.diagnostics import Code, GcverifyError
from tests.helpers import run, spec_from_text

VARS = "var x: 0..3 = 0\nvar y: 0..3 = 0\nvar flag: bool = false\n"

# (name, process text, reachable states, number of actions), each count worked out in the comment.
CASES = [
    # init -> x=1 -> y=1: two simple statements are two steps.
    ("two steps", "process P { x := 1\n y := 1 }", 3, 2),
    # atomic makes one step: init -> (x=1, y=1).
    ("atomic", "process P { atomic { x := 1\n y := 1 } }", 2, 1),
    # either: one action per branch from the same control point: init, x=1, y=1.
    ("either", "process P { either { x := 1 } or { y := 1 } }", 3, 2),
    # two processes interleave: init, x, y, both.
    ("interleaving", "process A { x := 1 }\nprocess B { y := 1 }", 4, 2),
    # an if takes no time: its condition is folded into the branch's first step: init, y=1.
    ("if folds", "process P { if x == 0 { y := 1 } else { y := 2 } }", 2, 2),
    # await is a step of its own: init, (await taken), y=1.
    ("await is a step", "process P { await x == 0\n y := 1 }", 3, 2),
    # while: the test is folded into the body's first step and the exit into the next step:
    # x=0,1,2,3 at the loop head, then (x=3, y=1) at the end.
    ("while", "process P { while x < 3 { x := x + 1 }\n y := 1 }", 5, 2),
    # a busy wait is no action: B sets the flag, then A leaves its empty loop with x := 1.
    ("busy wait", "process A { while not flag { }\n x := 1 }\nprocess B { flag := true }", 3, 2),
    # for over a range goes in order, one step per element: y=1, y=2, y=3.
    ("for over a range", "range R = 1 .. 3\nprocess P { for i in R { y := i } }", 4, 3),
    # a procedure keeps its steps: init, x=1, y=1.
    ("procedure steps", "proc p(v: 0..3) { x := v\n y := v }\nprocess P { p(1) }", 3, 2),
    # ... unless called inside atomic: one step.
    ("procedure in atomic", "proc p(v: 0..3) { x := v\n y := v }\nprocess P { atomic { p(2) } }", 2, 1),
    # choose picks any satisfying value, atomically with the step: init, x=1, x=2.
    ("choose", "range R = 0 .. 3\nprocess P { choose v in R where v > 0 and v < 3: x := v }", 3, 1),
    # a choose value needed for two steps is kept in a local, reset when its scope ends:
    # init; (x=1, v=1); (x=2, v=2); then (x=1, y=1) and (x=2, y=2) with v reset.
    ("choose over two steps", "range R = 1 .. 2\nprocess P { choose v in R { x := v\n y := v } }", 5, 2),
]


@pytest.mark.parametrize(("name", "body", "states", "actions"), CASES, ids=[c[0] for c in CASES])
def test_state_counts(name: str, body: str, states: int, actions: int) -> None:
    text = VARS + body + "\ninvariant ok: true\n"
    assert len(spec_from_text(text).actions) == actions
    result = run(text)
    assert result.complete
    assert result.states == states


def test_scalarset_for_visits_each_element_once_in_any_order() -> None:
    # seen = {} -> {s1} | {s2} -> {s1, s2} -> finished (the done-set is cleared on exit): 5 states
    text = """
    scalarset S of 2
    var seen: S -> bool = false
    var fin: bool = false
    process P { for s in S { seen[s] := true }
                fin := true }
    invariant all_seen_at_end: fin implies (forall s in S: seen[s])
    """
    result = run(text)
    assert result.states == 5
    assert result.results[0].verdict.value == "holds"


def test_replicated_process_instances_are_parameters() -> None:
    # two instances each flip their own flag once: 2 x 2 = 4 states
    text = """
    scalarset M of 2
    var done: M -> bool = false
    process W[m in M] { done[m] := true }
    invariant ok: true
    """
    spec = spec_from_text(text)
    assert len(spec.actions) == 1
    assert spec.actions[0].params[0].name == "m"
    assert run(text).states == 4


def test_stopped_waits_for_safepoints() -> None:
    # The collector's atomic step needs the worker at its safepoint, so it never sees x == 1.
    text = """
    var x: 0..1 = 0
    var seen: bool = false
    process W { loop { safepoint
                       x := 1
                       x := 0 } }
    process C { atomic { await stopped(W)
                         seen := x == 1 } }
    invariant never_mid_operation: not seen
    """
    result = run(text)
    assert result.results[0].verdict.value == "holds"
    unsafe = text.replace("await stopped(W)", "skip")
    assert run(unsafe).results[0].verdict.value == "violated"


def test_constant_choices_cost_nothing() -> None:
    text = """
    const MODE = 1
    var x: 0..3 = 0
    process P { if MODE == 1 { x := 1 } else { x := 2 } }
    invariant ok: x != 2
    """
    spec = spec_from_text(text)
    assert len(spec.actions) == 1
    assert run(text).results[0].verdict.value == "holds"
    assert run(text, {"MODE": "2"}).results[0].verdict.value == "violated"


def test_finishing_after_a_loop_exit_is_a_step() -> None:
    # x = 0..3 at the loop head; leaving the loop has no statement to fold into, so finishing is a
    # step of its own: 5 states, and the process is then finished (no deadlock).
    text = VARS + "process P { while x < 3 { x := x + 1 } }\ninvariant ok: true\n"
    result = run(text, check_deadlock=True)
    assert result.states == 5
    assert {c.property.display: c.verdict.value for c in result.results}["deadlock"] == "holds"


def test_a_choose_around_one_call_keeps_no_local() -> None:
    # The call's arguments are evaluated in its first step, so the chosen value needs no storage;
    # the procedure's own parameter is kept (it is used in its second step).
    text = VARS + "range R = 1 .. 2\nproc p(v: 0..3) { x := v\n y := v }\nprocess P { choose c in R: p(c) }\n"
    spec = spec_from_text(text + "invariant ok: true\n")
    hidden = [v.name for v in spec.vars if v.hidden and not v.name.endswith(".pc")]
    assert hidden == ["P.v"]
    assert run(text + "invariant ok: true\n").states == 5


@pytest.mark.parametrize("body", ["loop { }", "loop { safepoint }", "top: loop { safepoint }", "while not flag { }"])
def test_empty_loops_are_busy_waits(body: str) -> None:
    # no step ever happens: one state, and lowering terminates
    result = run(VARS + f"process P {{ {body} }}\ninvariant ok: true\n")
    assert result.states == 1


def test_labels_and_at() -> None:
    text = (
        VARS
        + """
    proc two(v: 0..3) { x := v
                        mid: y := v }
    range R = 1 .. 2
    process P { start: choose c in R: two(c) }
    invariant pending: at(P, two.mid) implies (x == local(P, two.v) and y == 0)
    invariant begun: at(P, start) == (x == 0)
    """
    )
    result = run(text)
    assert [c.verdict.value for c in result.results] == ["holds", "holds", "holds"]  # and runtime_error


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("process P { l: x := 1\n await at(P, l) }", 5),  # at() right in a step
        ("process P { l: x := 1\n await there() }\ndef there(): bool = at(P, l)", 6),  # through a def
    ],
    ids=["at in a step", "at through a def"],
)
def test_a_step_cannot_ask_where_a_process_is(text: str, line: int) -> None:
    # at()/local() are pre-lowering forms that lowering resolves only in properties; in a step they
    # used to reach the interpreter and crash it
    with pytest.raises(GcverifyError) as err:
        spec_from_text(VARS + text + "\ninvariant ok: true\n")
    (d,) = err.value.diagnostics
    assert d.code is Code.BAD_NESTING and "a step cannot use them" in d.message
    assert d.span is not None and d.span.start.line == line


def test_an_unused_definition_that_cannot_lower_is_kept_with_its_problem() -> None:
    spec = spec_from_text(VARS + "process P { x := 1 }\ndef bad(): bool = at(P, nowhere)\ninvariant ok: true\n")
    (d,) = spec.defs
    assert d.problem is not None and "no control point labelled 'nowhere'" in d.problem
