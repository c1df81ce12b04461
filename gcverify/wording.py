"""The words for results: every sentence gcverify says about a verdict, in one place.

Owns: what a piece of evidence means, long (`describe`: JSON's `text`, the notes under the table,
JUnit, `trace`) and short (`short`: the table's evidence column); the expectation line
(`expectation`: pytest's and SARIF's message); the notes printed under the results table
(`notes`); the figures of an explicit search (`search_figures`); and the messages and reasons that
result assembly (gcverify/assemble.py) writes into findings and unknown verdicts.
The results themselves (results.py) are data only; the trace view (report/view.py) owns the
wording of counterexample steps.
Invariants: pure functions of results; every `match` over evidence ends in `assert_never`.
Must not import gcverify.explore, gcverify.symbolic, gcverify.pipeline, gcverify.report or gcverify.cli.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import assert_never

from gcverify.ir import nodes as n
from gcverify.results import (
    BoundedDepth,
    CheckResult,
    Evidence,
    ExhaustiveSearch,
    Found,
    Inductive,
    Lemma,
    NotInductive,
    Partial,
    Refuted,
    SearchStats,
    SolverUnknown,
    SpecResult,
)

# reasons for an `unknown`, and finding messages, as result assembly writes them
STOPPED_EARLY = "the search stopped once every other property was violated"
DEADLOCK_EXPLICIT_ONLY = "deadlock is checked by the explicit engine only"
NOT_IMPLIED = "no proved inductive candidate implies it"
SOLVER_GAVE_UP = "the solver gave up"
DEADLOCK = "no process can take a step"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def witnesses(where: Sequence[str]) -> str:
    """`false for o=o1; o=o2 …`: the first four bindings that make an invariant false ('' for none)."""
    if not where:
        return ""
    return f"false for {'; '.join(where[:4])}" + (" …" if len(where) > 4 else "")


def failing(names: Sequence[str]) -> str:
    """`fails: a, b`: the conjuncts a counterexample to induction (or to a lemma) leaves false."""
    return f"fails: {', '.join(names)}"


def lemma_fault(fault: str) -> str:
    return f"the step faults ({fault})"


def describe(e: Evidence) -> str:
    """What the evidence establishes, as a sentence."""
    match e:
        case ExhaustiveSearch():
            return f"exhaustive: all {e.states:,} reachable states"
        case Partial():
            return f"unknown: {e.reason}; explored {e.states:,} states, depth {e.depth}"
        case Found():
            return f"counterexample of {_plural(e.depth, 'step')}"
        case BoundedDepth():
            return f"bounded: no violation within {e.depth} steps"
        case SolverUnknown():
            return f"unknown: {e.reason}"
        case Inductive():
            scope = "for heaps of every size" if e.every_size else "at these sizes"
            return f"holds in every reachable state: {e.by} implies it and is {e.k}-inductive {scope}"
        case Lemma():
            return f"proved for heaps of every size: one step of {e.proc} from any state satisfying it keeps it"
        case Refuted():
            heap = _plural(e.objects, "object")
            return f"refuted: one step of {e.proc} leaves it, on a heap of {heap} (the fewest possible)"
        case NotInductive():
            return f"not {e.k}-inductive: see the counterexample to induction"
        case _:
            assert_never(e)


def short(e: Evidence) -> str:
    """The evidence in a table cell."""
    match e:
        case ExhaustiveSearch():
            return "exhaustive"
        case Partial():
            return "partial (limit)" if "limit" in e.reason else "partial"
        case Found():
            return f"trace of {e.depth}"
        case BoundedDepth():
            return f"bounded ≤ {e.depth}"
        case SolverUnknown():
            return "unknown"
        case Inductive():
            return f"{e.k}-inductive, every size" if e.every_size else f"{e.k}-inductive"
        case Lemma():
            return "lemma, every size"
        case Refuted():
            return f"refuted, {_plural(e.objects, 'object')}"
        case NotInductive():
            return f"not {e.k}-inductive"
        case _:
            assert_never(e)


def expected(check: CheckResult) -> str:
    """What the spec expects of the property (no expectation: it holds)."""
    return (check.expected or n.Expected.HOLDS).value


def expectation(result: SpecResult, check: CheckResult) -> str:
    """`spec: prop: expected holds, violated: counterexample of 12 steps (with OBJECTS=3, …)`."""
    want = check.expected or n.Expected.HOLDS
    within = f" within {check.within} steps" if check.within is not None and want is n.Expected.VIOLATED else ""
    return (
        f"{result.name}: {check.property}: expected {want.value}{within}, {check.verdict.value}: "
        f"{describe(check.evidence)} (with {result.scope()})"
    )


def search_figures(stats: SearchStats, states: int) -> str:
    """An explicit search's figures, as TLC reports them."""
    reduced = "" if stats.unreduced_states is None else f" ({stats.unreduced_states:,} without symmetry)"
    observed = "" if stats.collision_observed is None else f", {stats.collision_observed:.1e} observed"
    workers = f", {stats.workers} workers" if stats.workers > 1 else ""
    explorer = "native explorer" if stats.explorer == "native" else "Python explorer"
    return (
        f"{states:,} states{reduced}, {stats.generated:,} generated{workers}; fingerprint collision "
        f"probability {stats.collision_calculated:.1e} calculated (optimistic){observed}; "
        f"visited set {stats.bytes_per_state:.1f} bytes/state; {explorer}"
    )


# evidence that a table cell cannot say enough about: its sentence follows the table
_SAID_BELOW = (Partial, SolverUnknown, Inductive, Lemma, Refuted)


def notes(results: Sequence[SpecResult]) -> list[str]:
    """The lines under the results table: the evidence a cell cannot say, then per spec the scope
    of its `holds` (exhaustive, bounded) and the figures of its search."""
    out = [
        f"{r.name}: {c.property}: {describe(c.evidence)}"
        for r in results
        for c in r.results
        if isinstance(c.evidence, _SAID_BELOW)
    ]
    for r in results:
        if any(isinstance(c.evidence, ExhaustiveSearch) for c in r.results):
            out.append(f"{r.name}: holds = exhaustive over all {r.states:,} reachable states with {r.scope()}")
        if r.search is not None:
            out.append(f"{r.name}: {search_figures(r.search, r.states)}")
        if any(isinstance(c.evidence, BoundedDepth) for c in r.results):
            out.append(f"{r.name}: bounded = no violation within {r.depth} steps, with {r.scope()}")
    return out
