"""Result assembly: every engine's raw outcome to one `SpecResult`, in one place.

Owns: `explicit` (a `Search`), `bounded` (a `BmcOutcome`), `induction` (one `InductionOutcome` per
`inductive` candidate) and `lemma` (a `LemmaOutcome`): for each property the verdict, its evidence
and its finding, with the spec's expectation looked up (`_result`, the one constructor of a
`CheckResult`).  Every trace from the initial state is replayed once more here, whatever the
engine (`_finding`), before it is reported.  The sentences in findings and reasons are
gcverify/wording.py's.
The engines only search and return raw outcomes; the driver (pipeline.py) runs them and hands
their outcomes here.  Must not import gcverify.pipeline, gcverify.report or gcverify.cli, and
imports the symbolic outcome types for type checking only (so the explicit engine runs without z3).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, assert_never

from gcverify import wording
from gcverify.diagnostics import InternalError
from gcverify.explore.search import Search
from gcverify.ir import nodes as n
from gcverify.results import (
    BoundedDepth,
    CheckResult,
    Engine,
    Evidence,
    ExhaustiveSearch,
    Finding,
    FindingKind,
    Found,
    Inductive,
    Lemma,
    NotInductive,
    Partial,
    Refuted,
    SearchStats,
    SolverUnknown,
    SpecResult,
    Verdict,
)
from gcverify.semantics.model import Model
from gcverify.semantics.replay import check_counterexample, replay
from gcverify.semantics.state import ActionInstance, Trace

if TYPE_CHECKING:
    from gcverify.symbolic.bmc import BmcOutcome
    from gcverify.symbolic.induction import InductionOutcome
    from gcverify.symbolic.lemma import LemmaOutcome


def explicit(model: Model, search: Search, props: Sequence[n.Property]) -> SpecResult:
    """An explicit search's verdicts: violated (a replayed shortest trace), holds (the search was
    complete) or unknown (it stopped early)."""
    spec = model.spec
    out: list[CheckResult] = []
    for prop in props:
        evidence: Evidence
        path = _search_path(model, search, prop)
        finding = None if path is None else _finding(model, prop, replay(model, model.initial(), path))
        if finding is not None:
            verdict, evidence = Verdict.VIOLATED, Found(search.states, len(finding.trace))
        elif search.complete:
            verdict, evidence = Verdict.HOLDS, ExhaustiveSearch(search.states, search.depth)
        else:
            reason = search.stop_reason or wording.STOPPED_EARLY
            verdict, evidence = Verdict.UNKNOWN, Partial(search.states, search.depth, reason)
        figures = (search.states, search.depth, search.seconds)
        out.append(_result(spec, prop, verdict, evidence, finding, Engine.EXPLICIT, *figures))
    return SpecResult(
        spec=spec,
        results=tuple(out),
        states=search.states,
        depth=search.depth,
        seconds=search.seconds,
        complete=search.complete,
        search=_search_stats(search),
    )


def bounded(model: Model, outcome: BmcOutcome, props: Sequence[n.Property]) -> SpecResult:
    """Bounded model checking's verdicts: violated (a replayed trace), holds up to the depth reached,
    or unknown (the solver gave up; deadlock, which only the explicit engine checks)."""
    spec = model.spec
    out: list[CheckResult] = []
    for prop in props:
        evidence: Evidence
        trace = outcome.traces.get(prop)
        finding = _finding(model, prop, trace) if trace is not None else None
        if prop.kind is n.PropertyKind.DEADLOCK:
            verdict, evidence = Verdict.UNKNOWN, SolverUnknown(0, wording.DEADLOCK_EXPLICIT_ONLY)
        elif finding is not None:
            verdict, evidence = Verdict.VIOLATED, Found(0, len(finding.trace))
        elif outcome.unknown:
            verdict, evidence = Verdict.UNKNOWN, SolverUnknown(outcome.depth, outcome.unknown)
        else:
            verdict, evidence = Verdict.HOLDS, BoundedDepth(outcome.depth)
        out.append(_result(spec, prop, verdict, evidence, finding, Engine.BMC, 0, outcome.depth, outcome.seconds))
    return SpecResult(
        spec=spec,
        results=tuple(out),
        states=0,
        depth=outcome.depth,
        seconds=outcome.seconds,
        complete=outcome.unknown is None,
    )


def induction(spec: n.Spec, outcomes: Sequence[InductionOutcome], k: int, every_size: bool) -> SpecResult:
    """One result per `inductive` candidate (`outcomes` in their order), then one per invariant:
    holds if a proved candidate implies it, else unknown."""
    out: list[CheckResult] = []
    proved: dict[int, str] = {}
    for index, (cand, got) in enumerate(zip(spec.inductives, outcomes, strict=True)):
        evidence: Evidence
        finding = None
        if got.inductive:
            verdict, evidence = Verdict.HOLDS, Inductive(k, cand.name, every_size)
            for i in got.implied:
                proved.setdefault(i, cand.name)
        elif got.cti is not None:
            kind = FindingKind.INVARIANT if got.cti.base else FindingKind.CTI
            message = wording.failing(got.cti.failing)
            finding = Finding(kind=kind, trace=got.cti.trace, message=message, span=cand.span, spec=got.cti.spec)
            if got.cti.base:
                verdict, evidence = Verdict.VIOLATED, Found(0, len(got.cti.trace))
            else:
                verdict, evidence = Verdict.UNKNOWN, NotInductive(k)
        else:
            verdict, evidence = Verdict.UNKNOWN, SolverUnknown(k, got.unknown or wording.SOLVER_GAVE_UP)
        prop = n.Property(n.PropertyKind.INDUCTIVE, cand.name, index, cand.span)
        out.append(_result(spec, prop, verdict, evidence, finding, Engine.INDUCTION, 0, k, got.seconds))
    for i in range(len(spec.invariants)):
        if i in proved:
            verdict, evidence = Verdict.HOLDS, Inductive(k, proved[i], every_size)
        else:
            verdict, evidence = Verdict.UNKNOWN, SolverUnknown(k, wording.NOT_IMPLIED)
        out.append(_result(spec, spec.invariant_property(i), verdict, evidence, None, Engine.INDUCTION, 0, k, 0.0))
    seconds = sum(got.seconds for got in outcomes)
    return SpecResult(spec=spec, results=tuple(out), states=0, depth=k, seconds=seconds, complete=True)


def lemma(spec: n.Spec, got: LemmaOutcome, proc: str, prop_name: str) -> SpecResult:
    """The write-barrier lemma (`proc` keeps `prop_name`) as one result."""
    span = got.spec.actions[0].span
    prop = n.Property(n.PropertyKind.LEMMA, f"{proc} keeps {prop_name}", span=span)
    evidence: Evidence
    finding = None
    if got.proved:
        verdict, evidence = Verdict.HOLDS, Lemma(proc)
    elif got.trace is not None:
        heap = got.spec.heap
        verdict, evidence = Verdict.VIOLATED, Refuted(proc, heap.objects.size if heap else 0)
        message = wording.lemma_fault(got.fault) if got.fault else wording.failing([prop_name])
        finding = Finding(kind=FindingKind.LEMMA, trace=got.trace, message=message, span=span, spec=got.spec)
    else:
        verdict, evidence = Verdict.UNKNOWN, SolverUnknown(1, got.unknown or wording.SOLVER_GAVE_UP)
    result = _result(spec, prop, verdict, evidence, finding, Engine.LEMMA, 0, 1, got.seconds)
    return SpecResult(spec=spec, results=(result,), states=0, depth=1, seconds=got.seconds, complete=True)


def stopped(
    spec: n.Spec, props: Sequence[n.Property], engine: Engine, reason: str, seconds: float, depth: int = 0
) -> SpecResult:
    """A run whose budget ran out before its engine decided anything: each of `props` unknown, with
    the reason ("time limit of 2 s reached while compiling the model")."""
    evidence: Evidence = Partial(0, 0, reason) if engine is Engine.EXPLICIT else SolverUnknown(depth, reason)
    out = [_result(spec, prop, Verdict.UNKNOWN, evidence, None, engine, 0, depth, seconds) for prop in props]
    return SpecResult(spec=spec, results=tuple(out), states=0, depth=depth, seconds=seconds, complete=False)


def _result(
    spec: n.Spec,
    prop: n.Property,
    verdict: Verdict,
    evidence: Evidence,
    finding: Finding | None,
    engine: Engine,
    states: int,
    depth: int,
    seconds: float,
) -> CheckResult:
    """The one place a `CheckResult` is made: the property's expectation is looked up here."""
    exp = spec.expectation(prop)
    return CheckResult(
        property=prop,
        verdict=verdict,
        evidence=evidence,
        expected=exp.verdict if exp else None,
        within=exp.within if exp else None,
        finding=finding,
        engine=engine,
        states=states,
        depth=len(finding.trace) if finding else depth,
        seconds=seconds,
        span=prop.span,
    )


def _finding(model: Model, prop: n.Property, trace: Trace) -> Finding:
    """A counterexample to a safety property, checked once more by replay, with what it shows:
    the witnesses of a false invariant, the fault of the last step, or the deadlock."""
    check_counterexample(model, trace, prop)
    match prop.kind:
        case n.PropertyKind.INVARIANT:
            message = wording.witnesses(model.witnesses(prop.index, trace.last))
            return Finding(kind=FindingKind.INVARIANT, trace=trace, message=message, span=prop.span)
        case n.PropertyKind.ASSERTION | n.PropertyKind.RUNTIME:
            pre = trace.steps[-2].state if len(trace.steps) > 1 else trace.init
            tr = model.step(pre, trace.steps[-1].action)
            assert tr is not None and tr.fault is not None
            return Finding(kind=FindingKind.FAULT, trace=trace, message=tr.fault.kind.value, span=tr.fault.span)
        case n.PropertyKind.DEADLOCK:
            return Finding(kind=FindingKind.DEADLOCK, trace=trace, message=wording.DEADLOCK)
        case n.PropertyKind.INDUCTIVE | n.PropertyKind.LEMMA:
            raise InternalError(f"a {prop.kind.value} counterexample is not a trace from the initial state")
        case _:
            assert_never(prop.kind)


def _search_stats(search: Search) -> SearchStats:
    return SearchStats(
        generated=search.generated,
        unreduced_states=search.unreduced_states,
        collision_calculated=search.collision_calculated,
        collision_observed=search.collision_observed,
        bytes_per_state=search.bytes_per_state,
        workers=search.workers,
        explorer=search.explorer.value,
        compile_seconds=search.compile_seconds,
    )


def _search_path(model: Model, search: Search, prop: n.Property) -> list[ActionInstance] | None:
    """The actions from the initial state to a violation of `prop` the search found, if any."""
    match prop.kind:
        case n.PropertyKind.INVARIANT:
            target = search.violations.get(prop.index)
            return None if target is None else search.path(model, target)
        case n.PropertyKind.ASSERTION | n.PropertyKind.RUNTIME:
            return search.fault_path(model, prop.index) if prop.index in search.faults else None
        case n.PropertyKind.DEADLOCK:
            return None if search.deadlock is None else search.path(model, search.deadlock)
        case n.PropertyKind.INDUCTIVE | n.PropertyKind.LEMMA:
            return None
        case _:
            assert_never(prop.kind)
