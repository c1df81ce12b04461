"""The driver: parse -> resolve -> lower -> model -> engine -> results.

Owns: `load_spec` (a file to a lowered `ir.Spec`), `check_spec` (one spec through the chosen engine
to a `SpecResult`), `CheckConfig`, and turning an engine's raw outcome into results whose
counterexamples have been replayed.  Each stage gets the whole previous artifact and nothing else.
The symbolic engine is imported lazily, so the explicit one runs without z3 loaded.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import assert_never

from gcverify.budget import Budget, Interrupt, Limits, Stopped
from gcverify.diagnostics import Code, Diagnostic, GcverifyError, InternalError
from gcverify.dsl.loader import load
from gcverify.explore.search import ExploreConfig, Progress, Search, explore
from gcverify.ir import nodes as n
from gcverify.ir.lower import lower
from gcverify.ir.resolve import resolve
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


class EngineChoice(enum.Enum):
    EXPLICIT = "explicit"  # breadth-first search over every reachable state
    BMC = "bmc"  # bounded model checking with Z3, to depth `bmc_depth`
    AUTO = "auto"  # explicit search; properties it leaves unknown are tried with BMC
    INDUCTION = "induction"  # k-induction of the spec's `inductive` candidates, with Z3
    LEMMA = "lemma"  # one atomic run of a procedure keeps a property, for heaps of every size


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckConfig:
    overrides: Mapping[str, str] = field(default_factory=dict)
    engine: EngineChoice = EngineChoice.EXPLICIT
    max_states: int | None = None
    max_seconds: float | None = None
    max_memory_mb: int | None = None
    check_deadlock: bool = False
    properties: tuple[str, ...] = ()  # check only these (display names, as `trace` takes them); (): all
    symmetry: bool = True  # explicit search: one state of each orbit under permutations of scalarsets
    workers: int = 1  # explicit search: worker processes (0: one per core)
    bmc_depth: int = 20
    induction_k: int = 1
    all_sizes: bool = False  # induction with Object uninterpreted: for heaps of every size
    lemma_proc: str = "store"
    lemma_property: str = "strong_tricolor"
    solver_timeout: float | None = None
    progress: Callable[[Progress], None] | None = None


def parse_overrides(texts: Iterable[str]) -> dict[str, str]:
    """`NAME=VALUE` texts (the --set options) as constant overrides; ValueError for one without '='.
    Whether NAME is a constant and VALUE fits it is the loader's to say (GCV401)."""
    out: dict[str, str] = {}
    for text in texts:
        name, sep, value = text.partition("=")
        if not sep:
            raise ValueError(f"{text!r} is not NAME=VALUE")
        out[name.strip()] = value.strip()
    return out


def load_spec(
    path: Path, overrides: Mapping[str, str] | None = None, display: str | None = None, budget: Budget | None = None
) -> n.Spec:
    """Parse, resolve and lower a spec file.  Raises GcverifyError with diagnostics, and `Stopped`
    when `budget` (time, memory, Ctrl-C) runs out."""
    program = load(path, display)
    if budget is not None:
        budget.check("loading the spec")
    resolved = resolve(program.modules, program.files, overrides or {}, program.imports)
    if budget is not None:
        budget.check("resolving the spec")
    return lower(resolved, budget)


Reload = Callable[[Mapping[str, str]], n.Spec]


def budget_for(
    config: CheckConfig, interrupt: Interrupt | None = None, report: Callable[[str, float], None] | None = None
) -> Budget:
    """A budget with `config`'s time and memory limits, starting now (`report`: see `Budget`)."""
    return Budget(Limits(max_seconds=config.max_seconds, max_memory_mb=config.max_memory_mb), interrupt, report)


def check_spec(
    spec: n.Spec, config: CheckConfig, reload: Reload | None = None, budget: Budget | None = None
) -> SpecResult:
    """`reload(overrides)`: the same spec file with more constants overridden; the proofs for every
    size need it to show a counterexample at the size it has.  `budget`: the time, memory and Ctrl-C
    budget of every phase (default: `config`'s limits, from now); once it is spent, the properties
    not yet decided are unknown, with the reason."""
    budget = budget or budget_for(config)
    if config.engine is EngineChoice.BMC:
        return bmc_spec(spec, config, budget)
    if config.engine is EngineChoice.INDUCTION:
        return induction_spec(spec, config, _resizer(spec, reload) if config.all_sizes else None, budget)
    if config.engine is EngineChoice.LEMMA:
        return lemma_result(spec, config, _resizer(spec, reload), budget)
    try:
        model = Model(spec, budget)
        search = explore(
            model,
            ExploreConfig(
                max_states=config.max_states,
                check_deadlock=_deadlock_checked(spec, config),
                properties=selected(spec, config),
                symmetry=config.symmetry,
                workers=config.workers,
                progress=config.progress,
            ),
            budget,
        )
    except Stopped as stop:
        return stopped_result(spec, config, stop, Engine.EXPLICIT, budget.elapsed())
    result = SpecResult(
        spec=spec,
        results=tuple(_explicit_results(model, search, config)),
        states=search.states,
        depth=search.depth,
        seconds=search.seconds,
        complete=search.complete,
        search=_search_stats(search),
    )
    # auto: BMC for what the search left unknown, within limits of its own (the search may have
    # spent --max-seconds), unless the run was interrupted
    unknown = any(c.verdict is Verdict.UNKNOWN for c in result.results)
    if config.engine is EngineChoice.AUTO and unknown and not budget.interrupt.is_set:
        again = Budget(budget.limits, budget.interrupt, budget.report)
        bounded = {c.property: c for c in bmc_spec(spec, config, again).results}
        merged = tuple(bounded.get(c.property, c) if c.verdict is Verdict.UNKNOWN else c for c in result.results)
        result = replace(result, results=merged)
    return result


def stopped_result(spec: n.Spec, config: CheckConfig, stop: Stopped, engine: Engine, seconds: float) -> SpecResult:
    """The result of a run whose budget ran out before its engine decided anything: every property
    unknown, with the reason ("time limit of 2 s reached while compiling the model")."""
    evidence: Evidence = Partial(0, 0, stop.message) if engine is Engine.EXPLICIT else SolverUnknown(0, stop.message)
    out = [
        _result(spec, prop, Verdict.UNKNOWN, evidence, None, engine, 0, 0, seconds)
        for prop in selected(spec, config)
        if engine is Engine.EXPLICIT or prop.kind is not n.PropertyKind.DEADLOCK
    ]
    return SpecResult(spec=spec, results=tuple(out), states=0, depth=0, seconds=seconds, complete=False)


def _timeout_ms(config: CheckConfig, budget: Budget) -> int | None:
    """The Z3 timeout of one query: --solver-timeout, and at most the time the budget has left."""
    return budget.solver_timeout_ms(int(config.solver_timeout * 1000) if config.solver_timeout else None)


def bmc_spec(spec: n.Spec, config: CheckConfig, budget: Budget | None = None) -> SpecResult:
    from gcverify.symbolic.bmc import bmc

    budget = budget or budget_for(config)
    try:
        model = Model(spec, budget)
    except Stopped as stop:
        return stopped_result(spec, config, stop, Engine.BMC, budget.elapsed())
    timeout = int(config.solver_timeout * 1000) if config.solver_timeout else None
    report = config.progress
    props = selected(spec, config)
    outcome = bmc(
        spec,
        config.bmc_depth,
        timeout,
        None if report is None else lambda k, sec: report(Progress(0, k, 0, sec)),
        budget=budget,
        properties=props,
    )
    out: list[CheckResult] = []
    for prop in props:
        evidence: Evidence
        trace = outcome.traces.get(prop)
        finding = _finding(model, prop, trace) if trace is not None else None
        if prop.kind is n.PropertyKind.DEADLOCK:
            verdict, evidence = Verdict.UNKNOWN, SolverUnknown(0, "deadlock is checked by the explicit engine only")
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


def _resizer(spec: n.Spec, reload: Reload | None) -> Callable[[int], n.Spec]:
    """The spec with `k` objects (its heap's Object sort resized through the constant that sizes it)."""
    heap = spec.heap
    const = dict(spec.sizes).get(heap.objects.name) if heap is not None else None
    if reload is None or const is None:
        raise GcverifyError(
            [
                Diagnostic(
                    code=Code.NOT_FIRST_ORDER,
                    message=f"spec {spec.name!r}: the number of objects is not a constant "
                    "('scalarset Object of NAME'), so a counterexample cannot be shown at its own size",
                )
            ]
        )
    return lambda k: reload({const: str(k)})


def _unknown_why(budget: Budget, unknown: str, where: str) -> str:
    """Why a proof ended unknown: the budget's reason when the budget is spent (its time limit is
    every query's timeout; Ctrl-C during a query cancels it, and then ends the run too), else the
    solver's."""
    if "interrupted from keyboard" in unknown:
        budget.interrupt.set()
    stop = budget.reason()
    return f"{stop} while {where}" if stop else unknown


def lemma_result(
    spec: n.Spec, config: CheckConfig, resize: Callable[[int], n.Spec], budget: Budget | None = None
) -> SpecResult:
    """The write-barrier lemma (symbolic/lemma.py) as one result."""
    from gcverify.symbolic.lemma import prove_lemma

    budget = budget or budget_for(config)
    proc, prop = config.lemma_proc, config.lemma_property
    prop_ = n.Property(n.PropertyKind.LEMMA, f"{proc} keeps {prop}")
    try:
        budget.check("proving the lemma")
        got = prove_lemma(spec, resize, proc, prop, _timeout_ms(config, budget))  # resize: loads within budget
    except Stopped as stop:
        unknown = _result(spec, prop_, Verdict.UNKNOWN, SolverUnknown(1, stop.message), None, Engine.LEMMA, 0, 1, 0.0)
        return SpecResult(spec=spec, results=(unknown,), states=0, depth=1, seconds=0.0, complete=False)
    prop_ = replace(prop_, span=got.spec.actions[0].span)
    evidence: Evidence
    finding = None
    if got.proved:
        verdict, evidence = Verdict.HOLDS, Lemma(proc)
    elif got.trace is not None:
        heap = got.spec.heap
        verdict, evidence = Verdict.VIOLATED, Refuted(proc, heap.objects.size if heap else 0)
        message = f"the step faults ({got.fault})" if got.fault else f"fails: {prop}"
        finding = Finding(
            kind=FindingKind.LEMMA, trace=got.trace, message=message, span=got.spec.actions[0].span, spec=got.spec
        )
    else:
        why = _unknown_why(budget, got.unknown or "the solver gave up", "proving the lemma")
        verdict, evidence = Verdict.UNKNOWN, SolverUnknown(1, why)
    result = _result(spec, prop_, verdict, evidence, finding, Engine.LEMMA, 0, 1, got.seconds)
    return SpecResult(spec=spec, results=(result,), states=0, depth=1, seconds=got.seconds, complete=True)


def induction_spec(
    spec: n.Spec, config: CheckConfig, resize: Callable[[int], n.Spec] | None = None, budget: Budget | None = None
) -> SpecResult:
    """Each `inductive` candidate: proved k-inductive (and with it every invariant it implies), or a
    counterexample to induction.  Invariants no inductive candidate implies stay unknown.  With
    `resize`, for heaps of every size (1-induction; counterexamples shown at their own size)."""
    from gcverify.symbolic.induction import prove_inductive, prove_inductive_all_sizes

    if not spec.inductives:
        raise GcverifyError(
            [
                Diagnostic(
                    code=Code.NO_INDUCTIVE,
                    message=f"spec {spec.name!r} declares no 'inductive' candidate to prove",
                    hint="add 'inductive NAME: inv1 and inv2 and …' listing invariants (and strengthening conditions)",
                )
            ]
        )
    budget = budget or budget_for(config)
    k = config.induction_k
    out: list[CheckResult] = []
    proved: dict[int, str] = {}
    total = 0.0
    for index, cand in enumerate(spec.inductives):
        evidence: Evidence
        finding = None
        where = f"proving {cand.name}"
        prop = n.Property(n.PropertyKind.INDUCTIVE, cand.name, index, cand.span)
        if stop := budget.reason():
            evidence = SolverUnknown(k, f"{stop} before {where}")
            out.append(_result(spec, prop, Verdict.UNKNOWN, evidence, None, Engine.INDUCTION, 0, k, 0.0))
            continue
        timeout = _timeout_ms(config, budget)
        try:
            if resize is not None:
                got = prove_inductive_all_sizes(spec, index, resize, timeout)
            else:
                got = prove_inductive(spec, index, k, timeout, budget)
        except Stopped as spent:
            evidence = SolverUnknown(k, spent.message)
            out.append(_result(spec, prop, Verdict.UNKNOWN, evidence, None, Engine.INDUCTION, 0, k, 0.0))
            continue
        total += got.seconds
        if got.inductive:
            verdict, evidence = Verdict.HOLDS, Inductive(k, cand.name, resize is not None)
            for i in got.implied:
                proved.setdefault(i, cand.name)
        elif got.cti is not None:
            failing = ", ".join(got.cti.failing)
            kind = FindingKind.INVARIANT if got.cti.base else FindingKind.CTI
            finding = Finding(
                kind=kind, trace=got.cti.trace, message=f"fails: {failing}", span=cand.span, spec=got.cti.spec
            )
            if got.cti.base:
                verdict, evidence = Verdict.VIOLATED, Found(0, len(got.cti.trace))
            else:
                verdict, evidence = Verdict.UNKNOWN, NotInductive(k)
        else:
            why = _unknown_why(budget, got.unknown or "the solver gave up", where)
            verdict, evidence = Verdict.UNKNOWN, SolverUnknown(k, why)
        out.append(_result(spec, prop, verdict, evidence, finding, Engine.INDUCTION, 0, k, got.seconds))
    for i in range(len(spec.invariants)):
        if i in proved:
            verdict, evidence = Verdict.HOLDS, Inductive(k, proved[i], resize is not None)
        else:
            verdict, evidence = Verdict.UNKNOWN, SolverUnknown(k, "no proved inductive candidate implies it")
        out.append(_result(spec, spec.invariant_property(i), verdict, evidence, None, Engine.INDUCTION, 0, k, 0.0))
    complete = not budget.reason()
    return SpecResult(spec=spec, results=tuple(out), states=0, depth=k, seconds=total, complete=complete)


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
    """The one place a result is assembled: the property's expectation is looked up here."""
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
            where = model.witnesses(prop.index, trace.last)
            message = f"false for {'; '.join(where[:4])}" + (" …" if len(where) > 4 else "") if where else ""
            return Finding(kind=FindingKind.INVARIANT, trace=trace, message=message, span=prop.span)
        case n.PropertyKind.ASSERTION | n.PropertyKind.RUNTIME:
            pre = trace.steps[-2].state if len(trace.steps) > 1 else trace.init
            tr = model.step(pre, trace.steps[-1].action)
            assert tr is not None and tr.fault is not None
            return Finding(kind=FindingKind.FAULT, trace=trace, message=tr.fault.kind.value, span=tr.fault.span)
        case n.PropertyKind.DEADLOCK:
            return Finding(kind=FindingKind.DEADLOCK, trace=trace, message="no process can take a step")
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
    )


def _explicit_results(model: Model, search: Search, config: CheckConfig) -> list[CheckResult]:
    spec = model.spec
    out: list[CheckResult] = []
    for prop in selected(spec, config):
        evidence: Evidence
        path = _search_path(model, search, prop)
        finding = None if path is None else _finding(model, prop, replay(model, model.initial(), path))
        if finding is not None:
            verdict, evidence = Verdict.VIOLATED, Found(search.states, len(finding.trace))
        elif search.complete:
            verdict, evidence = Verdict.HOLDS, ExhaustiveSearch(search.states, search.depth)
        else:
            reason = search.stop_reason or "the search stopped once every other property was violated"
            verdict, evidence = Verdict.UNKNOWN, Partial(search.states, search.depth, reason)
        figures = (search.states, search.depth, search.seconds)
        out.append(_result(spec, prop, verdict, evidence, finding, Engine.EXPLICIT, *figures))
    return out


def selected(spec: n.Spec, config: CheckConfig) -> tuple[n.Property, ...]:
    """The safety properties a check decides: all of them (deadlock when asked for, by the config
    or by an expectation), or those `config.properties` names."""
    every = spec.safety_properties(deadlock=_deadlock_checked(spec, config))
    if not config.properties:
        return every
    known = {p.display: p for p in spec.safety_properties(deadlock=True)}
    unknown = [name for name in config.properties if name not in known]
    if unknown:
        raise GcverifyError(
            [
                Diagnostic(
                    code=Code.UNKNOWN_PROPERTY,
                    message=f"spec {spec.name!r} has no property {unknown[0]!r}",
                    hint=f"its properties are: {', '.join(known)}",
                )
            ]
        )
    return tuple(known[name] for name in dict.fromkeys(config.properties))


def _deadlock_checked(spec: n.Spec, config: CheckConfig) -> bool:
    return config.check_deadlock or spec.checks_deadlock


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
