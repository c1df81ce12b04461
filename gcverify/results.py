"""Results: the single source of truth that every report renders.

Owns: `Verdict`, the evidence kinds behind a verdict (`ExhaustiveSearch`, `Partial`), `Finding`
(a counterexample with what it violates), `CheckResult` (one property of one spec), `SearchStats`
(an explicit search's figures) and `SpecResult`.  Results are data: what they mean in words is
gcverify/wording.py's, and they are assembled in one place, gcverify/assemble.py.
A `holds` always carries its scope: the constants it was checked with and how (see `scope()`).
Must not import gcverify.explore, gcverify.pipeline, gcverify.report or gcverify.cli.
"""

from __future__ import annotations

import builtins
import enum
from dataclasses import dataclass

from gcverify.diagnostics import Code, ExitCode
from gcverify.ir import nodes as n
from gcverify.semantics.state import Trace
from gcverify.source import Span


class Verdict(enum.Enum):
    HOLDS = "holds"
    VIOLATED = "violated"
    UNKNOWN = "unknown"


class Engine(enum.Enum):
    EXPLICIT = "explicit"
    BMC = "bmc"
    INDUCTION = "induction"
    LEMMA = "lemma"


class FindingKind(enum.Enum):
    INVARIANT = "invariant"
    FAULT = "fault"
    DEADLOCK = "deadlock"
    CTI = "cti"
    LEMMA = "lemma"  # one step of a procedure, from a state in the property to one outside it


@dataclass(frozen=True, slots=True)
class ExhaustiveSearch:
    """Every reachable state of this instance was explored."""

    states: int
    depth: int

    @property
    def kind(self) -> str:
        return "exhaustive"


@dataclass(frozen=True, slots=True)
class Partial:
    """The search stopped early (a limit); nothing beyond `depth` complete levels is claimed."""

    states: int
    depth: int
    reason: str

    @property
    def kind(self) -> str:
        return "partial"


@dataclass(frozen=True, slots=True)
class Found:
    """A counterexample was found (and replayed)."""

    states: int
    depth: int

    @property
    def kind(self) -> str:
        return "counterexample"


@dataclass(frozen=True, slots=True)
class BoundedDepth:
    """No violation within `depth` steps of the initial state (bounded model checking)."""

    depth: int

    @property
    def kind(self) -> str:
        return "bounded"


@dataclass(frozen=True, slots=True)
class SolverUnknown:
    """The solver gave up (a timeout, or Z3's `unknown`); nothing is claimed."""

    depth: int
    reason: str

    @property
    def kind(self) -> str:
        return "solver-unknown"


@dataclass(frozen=True, slots=True)
class Inductive:
    """Proved by k-induction with the candidate `by` (its base case included), at this instance's
    sizes, or (`every_size`) with `Object` uninterpreted: for heaps of every size."""

    k: int
    by: str
    every_size: bool = False

    @property
    def kind(self) -> str:
        return "inductive-every-size" if self.every_size else "inductive"


@dataclass(frozen=True, slots=True)
class Lemma:
    """One step of procedure `proc` keeps the property from every state that satisfies it, for heaps
    of every size (proved with `Object` uninterpreted)."""

    proc: str

    @property
    def kind(self) -> str:
        return "lemma-every-size"


@dataclass(frozen=True, slots=True)
class Refuted:
    """A counterexample to the lemma: a heap of `objects` objects (the fewest there are)."""

    proc: str
    objects: int

    @property
    def kind(self) -> str:
        return "lemma-refuted"


@dataclass(frozen=True, slots=True)
class NotInductive:
    """The candidate is not k-inductive; the finding is the counterexample to induction."""

    k: int

    @property
    def kind(self) -> str:
        return "not-inductive"


Evidence = (
    ExhaustiveSearch | Partial | Found | BoundedDepth | SolverUnknown | Inductive | NotInductive | Lemma | Refuted
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    kind: FindingKind
    trace: Trace
    message: str
    span: Span | None = None
    spec: n.Spec | None = None  # the spec the trace is of, when not the result's (another size)


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckResult:
    property: n.Property  # NOTE(properties): results are keyed by the property, not its name
    verdict: Verdict
    evidence: Evidence
    expected: n.Expected | None
    within: int | None
    finding: Finding | None
    engine: Engine
    states: int
    depth: int
    seconds: float
    span: Span | None = None

    # `property` is a field of this class, so the decorator is named through `builtins`.
    @builtins.property
    def met(self) -> bool:
        """Whether the result is what the spec expects (no expectation: every invariant holds)."""
        if self.verdict is Verdict.UNKNOWN:
            return False
        want = self.expected or n.Expected.HOLDS
        if want is n.Expected.HOLDS:
            return self.verdict is Verdict.HOLDS
        if self.verdict is not Verdict.VIOLATED:
            return False
        return self.within is None or self.finding is None or len(self.finding.trace) <= self.within


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchStats:
    """Figures of an explicit search besides its state count, as TLC reports them."""

    generated: int  # successor states computed, duplicates included
    unreduced_states: int | None  # the states there would have been without symmetry (None: no reduction)
    collision_calculated: float  # chance of a fingerprint collision, TLC's "calculated (optimistic)"
    collision_observed: float | None  # 1 / the least gap between two fingerprints (TLC's "observed")
    bytes_per_state: float  # memory of the visited set per stored state
    workers: int
    explorer: str = "python"  # the implementation that searched: "native" (C) or "python"
    compile_seconds: float = 0.0  # spent compiling the model to native code (0: found in the cache)


@dataclass(frozen=True, slots=True, kw_only=True)
class SpecResult:
    spec: n.Spec
    results: tuple[CheckResult, ...]
    states: int
    depth: int
    seconds: float
    complete: bool
    search: SearchStats | None = None  # for the explicit engine

    @property
    def name(self) -> str:
        return self.spec.name

    def scope(self) -> str:
        sizes = ", ".join(f"{k}={v}" for k, v in self.spec.consts)
        return sizes or "no constants"


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadError:
    """A spec that could not be loaded: one diagnostic, for the reports (JSON, JUnit, SARIF)."""

    file: str  # the spec file as the user named it
    code: Code
    message: str
    span: Span | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"file": self.file, "code": self.code.id, "message": self.message, "location": _where(self.span)}


def _where(span: Span | None) -> str | None:
    return str(span) if span is not None else None


# ---------------------------------------------------------------- variant matrices (matrix.py)


@dataclass(frozen=True, slots=True)
class Axis:
    name: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Cell:
    values: tuple[str, ...]  # one per axis
    verdicts: tuple[tuple[str, str, int | None], ...] = ()  # (property, verdict, counterexample length)
    states: int = 0
    seconds: float = 0.0
    met: bool = True
    error: str | None = None


# ---------------------------------------------------------------- exit codes (docs/adr/0001-exit-codes.md)

SEVERITY = (
    ExitCode.OK,
    ExitCode.UNKNOWN,
    ExitCode.DEADLOCK,
    ExitCode.ASSERTION,
    ExitCode.VIOLATION,
    ExitCode.STATIC_ERROR,
    ExitCode.SYNTAX_ERROR,
    ExitCode.INTERNAL,
)


def worse(a: ExitCode, b: ExitCode) -> ExitCode:
    """The more severe of two outcomes, in ADR 0001's order (`SEVERITY`, least severe first)."""
    return a if SEVERITY.index(a) >= SEVERITY.index(b) else b


def exit_code(result: SpecResult) -> ExitCode:
    """The exit code of one spec's results: the most severe unmet expectation, by the property's
    kind (NOTE(properties)): an unknown verdict 20, a deadlock 11, an assertion or runtime error
    14, anything else 12."""
    code = ExitCode.OK
    for c in result.results:
        if c.met:
            continue
        if c.verdict is Verdict.UNKNOWN:
            code = worse(code, ExitCode.UNKNOWN)
        elif c.property.kind in (n.PropertyKind.ASSERTION, n.PropertyKind.RUNTIME) and c.verdict is Verdict.VIOLATED:
            code = worse(code, ExitCode.ASSERTION)
        elif c.property.kind is n.PropertyKind.DEADLOCK and c.verdict is Verdict.VIOLATED:
            code = worse(code, ExitCode.DEADLOCK)
        else:
            code = worse(code, ExitCode.VIOLATION)
    return code
