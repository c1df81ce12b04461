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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from gcverify import assemble
from gcverify.diagnostics import Code, Diagnostic, GcverifyError
from gcverify.dsl.loader import load
from gcverify.explore.search import ExploreConfig, explore
from gcverify.ir import nodes as n
from gcverify.ir.lower import lower
from gcverify.ir.resolve import resolve
from gcverify.reporter import SILENT, Reporter
from gcverify.results import SpecResult, Verdict
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
    bmc_depth: int = 20
    induction_k: int = 1
    all_sizes: bool = False  # induction with Object uninterpreted: for heaps of every size
    lemma_proc: str = "store"
    lemma_property: str = "strong_tricolor"
    solver_timeout: float | None = None


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


def load_spec(path: Path, overrides: Mapping[str, str] | None = None, display: str | None = None) -> n.Spec:
    """Parse, resolve and lower a spec file.  Raises GcverifyError with diagnostics."""
    program = load(path, display)
    return lower(resolve(program.modules, program.files, overrides or {}, program.imports))


Reload = Callable[[Mapping[str, str]], n.Spec]


def check_spec(
    spec: n.Spec, config: CheckConfig, reload: Reload | None = None, reporter: Reporter = SILENT
) -> SpecResult:
    """`reload(overrides)`: the same spec file with more constants overridden; the proofs for every
    size need it to show a counterexample at the size it has.  `reporter` hears the check start,
    its progress and its end (with no result if it raises)."""
    reporter.spec_started(spec)
    try:
        result = _check(spec, config, reload, reporter)
    except BaseException:
        reporter.spec_finished(spec, None)
        raise
    reporter.spec_finished(spec, result)
    return result


def _check(spec: n.Spec, config: CheckConfig, reload: Reload | None, reporter: Reporter) -> SpecResult:
    if config.engine is EngineChoice.BMC:
        return bmc_spec(spec, config, reporter)
    if config.engine is EngineChoice.INDUCTION:
        return induction_spec(spec, config, _resizer(spec, reload) if config.all_sizes else None)
    if config.engine is EngineChoice.LEMMA:
        return lemma_result(spec, config, _resizer(spec, reload))
    model = Model(spec)
    props = selected(spec, config)
    search = explore(
        model,
        ExploreConfig(
            max_states=config.max_states,
            max_seconds=config.max_seconds,
            max_memory_mb=config.max_memory_mb,
            check_deadlock=_deadlock_checked(spec, config),
            properties=props,
            symmetry=config.symmetry,
            workers=config.workers,
        ),
        reporter,
    )
    result = assemble.explicit(model, search, props)
    if config.engine is EngineChoice.AUTO and any(c.verdict is Verdict.UNKNOWN for c in result.results):
        bounded = {c.property: c for c in bmc_spec(spec, config, reporter).results}
        merged = tuple(bounded.get(c.property, c) if c.verdict is Verdict.UNKNOWN else c for c in result.results)
        result = replace(result, results=merged)
    return result


def bmc_spec(spec: n.Spec, config: CheckConfig, reporter: Reporter = SILENT) -> SpecResult:
    from gcverify.symbolic.bmc import bmc

    props = selected(spec, config)
    outcome = bmc(spec, config.bmc_depth, _timeout_ms(config), reporter, properties=props)
    return assemble.bounded(Model(spec), outcome, props)


def _timeout_ms(config: CheckConfig) -> int | None:
    return int(config.solver_timeout * 1000) if config.solver_timeout else None


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


def lemma_result(spec: n.Spec, config: CheckConfig, resize: Callable[[int], n.Spec]) -> SpecResult:
    """The write-barrier lemma (symbolic/lemma.py) as one result."""
    from gcverify.symbolic.lemma import prove_lemma

    proc, prop = config.lemma_proc, config.lemma_property
    return assemble.lemma(spec, prove_lemma(spec, resize, proc, prop, _timeout_ms(config)), proc, prop)


def induction_spec(spec: n.Spec, config: CheckConfig, resize: Callable[[int], n.Spec] | None = None) -> SpecResult:
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
    timeout, k = _timeout_ms(config), config.induction_k
    outcomes = [
        prove_inductive_all_sizes(spec, index, resize, timeout)
        if resize is not None
        else prove_inductive(spec, index, k, timeout)
        for index in range(len(spec.inductives))
    ]
    return assemble.induction(spec, outcomes, k, resize is not None)


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
