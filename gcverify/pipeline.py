"""The driver: parse -> resolve -> lower -> model -> engine -> results.

Owns: `load_spec` (a file to a lowered `ir.Spec`), `check_spec` (one spec through the chosen engine
to a `SpecResult`), `CheckConfig`, `parse_overrides` (the one parser of `--set NAME=VALUE`) and
which properties a check decides (`selected`).  An engine returns its raw outcome, which
gcverify/assemble.py turns into results; what happens meanwhile goes to a `Reporter`
(gcverify/reporter.py): the spec's start and end from here, progress from the engine.
Each stage gets the whole previous artifact and nothing else.
The symbolic engine is imported lazily, so the explicit one runs without z3 loaded.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from gcverify import assemble, wording
from gcverify.budget import Budget, Interrupt, Limits, Stopped
from gcverify.diagnostics import Code, Diagnostic, GcverifyError
from gcverify.dsl.loader import load
from gcverify.explore.search import ExploreConfig, Explorer, default_explorer, explore
from gcverify.ir import nodes as n
from gcverify.ir.lower import lower
from gcverify.ir.resolve import resolve
from gcverify.reporter import SILENT, Reporter
from gcverify.results import Engine, SpecResult, Verdict
from gcverify.semantics.model import Model


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
    explorer: Explorer = field(default_factory=default_explorer)  # explicit search: in C (with a compiler) or Python
    bmc_depth: int = 20
    induction_k: int = 1
    all_sizes: bool = False  # induction with Object uninterpreted: for heaps of every size
    lemma_proc: str = "store"
    lemma_property: str = "strong_tricolor"
    solver_timeout: float | None = None
    import_path: tuple[Path, ...] = ()  # --import-path: more folders specs may import from


def parse_overrides(texts: Iterable[str]) -> dict[str, str]:
    """`NAME=VALUE` texts (the --set options) as constant overrides; ValueError for one without '='.
    NAME and VALUE are kept exactly as written: whether NAME is a constant and VALUE fits it is the
    loader's to say (GCV401, showing the text)."""
    out: dict[str, str] = {}
    for text in texts:
        name, sep, value = text.partition("=")
        if not sep:
            raise ValueError(f"{text!r} is not NAME=VALUE")
        if "," in value or ".." in value:  # no value has these: matrix syntax (`NAME=a,b`, `NAME=lo..hi`)
            raise ValueError(f"{text!r}: give one value (NAME=VALUE); lists and ranges are for `gcverify matrix`")
        out[name] = value
    return out


def load_spec(
    path: Path,
    overrides: Mapping[str, str] | None = None,
    display: str | None = None,
    budget: Budget | None = None,
    import_path: Sequence[Path] = (),
) -> n.Spec:
    """Parse, resolve and lower a spec file.  Raises GcverifyError with diagnostics, and `Stopped`
    when `budget` (time, memory, Ctrl-C) runs out.  Imports may also come from the `import_path`
    folders (dsl/loader.py says from where else)."""
    program = load(path, display, import_path)
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
    spec: n.Spec,
    config: CheckConfig,
    reload: Reload | None = None,
    budget: Budget | None = None,
    reporter: Reporter = SILENT,
) -> SpecResult:
    """`reload(overrides)`: the same spec file with more constants overridden; the proofs for every
    size need it to show a counterexample at the size it has.  `budget`: the time, memory and Ctrl-C
    budget of every phase (default: `config`'s limits, from now); once it is spent, the properties
    not yet decided are unknown, with the reason.  `reporter` hears the check start, its progress
    and its end (with no result if it raises)."""
    budget = budget or budget_for(config)
    reporter.spec_started(spec)
    try:
        result = _check(spec, config, reload, budget, reporter)
    except BaseException:
        reporter.spec_finished(spec, None)
        raise
    reporter.spec_finished(spec, result)
    return result


def _check(spec: n.Spec, config: CheckConfig, reload: Reload | None, budget: Budget, reporter: Reporter) -> SpecResult:
    if config.engine is EngineChoice.BMC:
        return bmc_spec(spec, config, budget, reporter)
    if config.engine is EngineChoice.INDUCTION:
        return induction_spec(spec, config, _resizer(spec, reload) if config.all_sizes else None, budget)
    if config.engine is EngineChoice.LEMMA:
        return lemma_result(spec, config, _resizer(spec, reload), budget)
    props = selected(spec, config)
    try:
        model = Model(spec, budget)
        search = explore(
            model,
            ExploreConfig(
                max_states=config.max_states,
                check_deadlock=_deadlock_checked(spec, config),
                properties=props,
                symmetry=config.symmetry,
                workers=config.workers,
                explorer=config.explorer,
            ),
            budget,
            reporter,
        )
    except Stopped as stop:
        return assemble.stopped(spec, props, Engine.EXPLICIT, stop.message, budget.elapsed())
    result = assemble.explicit(model, search, props)
    # auto: BMC for what the search left unknown, within limits of its own (the search may have
    # spent --max-seconds), unless the run was interrupted
    unknown = any(c.verdict is Verdict.UNKNOWN for c in result.results)
    if config.engine is EngineChoice.AUTO and unknown and not budget.interrupt.is_set:
        again = Budget(budget.limits, budget.interrupt, budget.report)
        bounded = {c.property: c for c in bmc_spec(spec, config, again, reporter).results}
        merged = tuple(bounded.get(c.property, c) if c.verdict is Verdict.UNKNOWN else c for c in result.results)
        result = replace(result, results=merged)
    return result


def bmc_spec(
    spec: n.Spec, config: CheckConfig, budget: Budget | None = None, reporter: Reporter = SILENT
) -> SpecResult:
    from gcverify.symbolic.bmc import bmc

    budget = budget or budget_for(config)
    props = selected(spec, config)
    try:
        model = Model(spec, budget)
    except Stopped as stop:
        symbolic = [p for p in props if p.kind is not n.PropertyKind.DEADLOCK]
        return assemble.stopped(spec, symbolic, Engine.BMC, stop.message, budget.elapsed())
    outcome = bmc(spec, config.bmc_depth, _timeout_ms(config, budget), reporter, budget=budget, properties=props)
    return assemble.bounded(model, outcome, props)


def _timeout_ms(config: CheckConfig, budget: Budget) -> int | None:
    """The Z3 timeout of one query: --solver-timeout, and at most the time the budget has left."""
    return budget.solver_timeout_ms(int(config.solver_timeout * 1000) if config.solver_timeout else None)


def _unknown_why(budget: Budget, unknown: str | None, where: str) -> str:
    """Why a proof ended unknown: the budget's reason when the budget is spent (its time limit is
    every query's timeout; Ctrl-C during a query cancels it, and then ends the run too), else the
    solver's."""
    unknown = unknown or wording.SOLVER_GAVE_UP
    stop = budget.after_solver(unknown)
    return f"{stop} while {where}" if stop else unknown


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


def lemma_result(
    spec: n.Spec, config: CheckConfig, resize: Callable[[int], n.Spec], budget: Budget | None = None
) -> SpecResult:
    """The write-barrier lemma (symbolic/lemma.py) as one result."""
    from gcverify.symbolic.lemma import prove_lemma

    budget = budget or budget_for(config)
    proc, prop = config.lemma_proc, config.lemma_property
    try:
        budget.check("proving the lemma")
        got = prove_lemma(spec, resize, proc, prop, _timeout_ms(config, budget))  # resize: loads within budget
    except Stopped as stop:
        lemma = n.Property(n.PropertyKind.LEMMA, f"{proc} keeps {prop}")
        return assemble.stopped(spec, [lemma], Engine.LEMMA, stop.message, budget.elapsed(), depth=1)
    if not got.proved and got.trace is None:
        got = replace(got, unknown=_unknown_why(budget, got.unknown, "proving the lemma"))
    return assemble.lemma(spec, got, proc, prop)


def induction_spec(
    spec: n.Spec, config: CheckConfig, resize: Callable[[int], n.Spec] | None = None, budget: Budget | None = None
) -> SpecResult:
    """Each `inductive` candidate: proved k-inductive (and with it every invariant it implies), or a
    counterexample to induction.  Invariants no inductive candidate implies stay unknown.  With
    `resize`, for heaps of every size (1-induction; counterexamples shown at their own size).  Once
    `budget` is spent, the candidates not yet proved are unknown, with the reason."""
    from gcverify.symbolic.induction import InductionOutcome, prove_inductive, prove_inductive_all_sizes

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
    outcomes: list[InductionOutcome] = []
    for index, cand in enumerate(spec.inductives):
        where = f"proving {cand.name}"
        if stop := budget.reason():
            outcomes.append(InductionOutcome(False, None, (), f"{stop} before {where}", 0.0))
            continue
        timeout = _timeout_ms(config, budget)
        try:
            if resize is not None:
                got = prove_inductive_all_sizes(spec, index, resize, timeout)
            else:
                got = prove_inductive(spec, index, k, timeout, budget)
        except Stopped as spent:
            outcomes.append(InductionOutcome(False, None, (), spent.message, 0.0))
            continue
        if not got.inductive and got.cti is None:
            got = replace(got, unknown=_unknown_why(budget, got.unknown, where))
        outcomes.append(got)
    result = assemble.induction(spec, outcomes, k, resize is not None)
    return replace(result, complete=not budget.reason())


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
