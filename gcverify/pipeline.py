"""The driver: parse -> resolve -> lower -> model -> engine -> results.

Owns: `load_spec` (a file to a lowered `ir.Spec`), `check_spec` (one spec through the explicit
engine to a `SpecResult`), `CheckConfig` and turning an engine's raw search into results with
replayed counterexamples.  Each stage gets the whole previous artifact and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gcverify.dsl.loader import load
from gcverify.explore.search import ExploreConfig, Progress, Search, explore
from gcverify.ir import nodes as n
from gcverify.ir.lower import lower
from gcverify.ir.resolve import resolve
from gcverify.results import (
    CheckResult,
    Evidence,
    ExhaustiveSearch,
    Finding,
    FindingKind,
    Found,
    Partial,
    SpecResult,
    Verdict,
)
from gcverify.semantics.model import Model
from gcverify.semantics.replay import check_counterexample, replay


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckConfig:
    overrides: Mapping[str, str] = field(default_factory=dict)
    max_states: int | None = None
    max_seconds: float | None = None
    check_deadlock: bool = False
    progress: Callable[[Progress], None] | None = None


def load_spec(path: Path, overrides: Mapping[str, str] | None = None, display: str | None = None) -> n.Spec:
    """Parse, resolve and lower a spec file.  Raises GcverifyError with diagnostics."""
    program = load(path, display)
    return lower(resolve(program.modules, program.files, overrides or {}))


def check_spec(spec: n.Spec, config: CheckConfig) -> SpecResult:
    model = Model(spec)
    search = explore(
        model,
        ExploreConfig(
            max_states=config.max_states,
            max_seconds=config.max_seconds,
            check_deadlock=config.check_deadlock,
            progress=config.progress,
        ),
    )
    return SpecResult(
        spec=spec,
        results=tuple(_results(model, search, config)),
        states=search.states,
        depth=search.depth,
        seconds=search.seconds,
        complete=search.complete,
    )


def _results(model: Model, search: Search, config: CheckConfig) -> list[CheckResult]:
    spec = model.spec
    expected = {e.property: e for e in spec.expectations}
    out: list[CheckResult] = []
    for i, inv in enumerate(spec.invariants):
        exp = expected.get(inv.name)
        finding = None
        evidence: Evidence
        if i in search.violations:
            trace = replay(model, model.initial(), search.path(model, search.violations[i]))
            check_counterexample(model, trace, i)
            where = model.witnesses(i, trace.last)
            message = f"false for {'; '.join(where[:4])}" + (" …" if len(where) > 4 else "") if where else ""
            finding = Finding(kind=FindingKind.INVARIANT, trace=trace, message=message, span=inv.span)
            verdict, evidence = Verdict.VIOLATED, Found(search.states, len(trace))
        elif search.complete:
            verdict, evidence = Verdict.HOLDS, ExhaustiveSearch(search.states, search.depth)
        else:
            reason = search.stop_reason or "the search stopped once every other property was violated"
            verdict, evidence = Verdict.UNKNOWN, Partial(search.states, search.depth, reason)
        out.append(
            CheckResult(
                property=inv.name,
                verdict=verdict,
                evidence=evidence,
                expected=exp.verdict if exp else None,
                within=exp.within if exp else None,
                finding=finding,
                engine="explicit",
                states=search.states,
                depth=len(finding.trace) if finding else search.depth,
                seconds=search.seconds,
                span=inv.span,
            )
        )
    if search.fault is not None:
        number, t = search.fault
        inst = model.instances[t]
        trace = replay(model, model.initial(), [*search.path(model, number), inst])
        check_counterexample(model, trace, None)
        pre = trace.steps[-2].state if len(trace.steps) > 1 else trace.init
        tr = model.step(pre, inst)
        assert tr is not None and tr.fault is not None
        fault = tr.fault
        finding = Finding(kind=FindingKind.FAULT, trace=trace, message=fault.kind.value, span=fault.span)
        out.append(
            CheckResult(
                property="faults",
                verdict=Verdict.VIOLATED,
                evidence=Found(search.states, len(trace)),
                expected=None,
                within=None,
                finding=finding,
                engine="explicit",
                states=search.states,
                depth=len(trace),
                seconds=search.seconds,
                span=fault.span,
            )
        )
    if config.check_deadlock:
        out.append(_deadlock(model, search))
    return out


def _deadlock(model: Model, search: Search) -> CheckResult:
    finding = None
    evidence: Evidence
    if search.deadlock is not None:
        trace = replay(model, model.initial(), search.path(model, search.deadlock))
        finding = Finding(kind=FindingKind.DEADLOCK, trace=trace, message="no process can take a step")
        verdict, evidence = Verdict.VIOLATED, Found(search.states, len(trace))
    elif search.complete:
        verdict, evidence = Verdict.HOLDS, ExhaustiveSearch(search.states, search.depth)
    else:
        verdict, evidence = Verdict.UNKNOWN, Partial(search.states, search.depth, search.stop_reason or "stopped")
    return CheckResult(
        property="deadlock",
        verdict=verdict,
        evidence=evidence,
        expected=None,
        within=None,
        finding=finding,
        engine="explicit",
        states=search.states,
        depth=len(finding.trace) if finding else search.depth,
        seconds=search.seconds,
    )
