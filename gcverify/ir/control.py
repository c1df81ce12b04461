"""Structured statements: what `resolve` makes of process and procedure bodies, and `lower` consumes.

Owns: typed statements that still have their control structure (loops, either, choose, calls).
Names bound by `choose`, `for`, procedure parameters and process locals are `Sym`s; `lower` decides
whether each becomes an action parameter, a `let`, or a stored local (see NOTE(granularity) in
lower.py).
Must not import anything from gcverify but `source` and `ir.nodes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gcverify.ir.nodes import Expr, FiniteSort, Sort
from gcverify.source import Span


def _span() -> Span | None:
    return field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Sym:
    id: int
    name: str
    sort: Sort
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Target:
    """The left side of an assignment: a state variable at indices, or a process-level name."""

    var: int | None
    sym: Sym | None
    indices: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class SAssign:
    target: Target
    value: Expr
    text: str
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class SSkip:
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class SSafepoint:
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class SLabel:
    """The control point here is named `name` (qualified by its procedure when lowered)."""

    name: str
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class SAwait:
    cond: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class SAssert:
    cond: Expr
    site: int  # the index of its assertion (nodes.Spec.assertions)
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class SLocal:
    sym: Sym
    init: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class SAtomic:
    body: tuple[SStmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class SIf:
    cond: Expr
    then: tuple[SStmt, ...]
    else_: tuple[SStmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class SWhile:
    cond: Expr | None  # None: `loop`
    body: tuple[SStmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class SFor:
    var: Sym
    sort: FiniteSort
    body: tuple[SStmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class SEither:
    branches: tuple[tuple[SStmt, ...], ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class SChoose:
    vars: tuple[tuple[Sym, FiniteSort], ...]
    where: Expr | None
    body: tuple[SStmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class SCall:
    proc: int
    args: tuple[Expr, ...]
    text: str
    span: Span | None = _span()


SStmt = (
    SAssign
    | SSkip
    | SSafepoint
    | SLabel
    | SAwait
    | SAssert
    | SLocal
    | SAtomic
    | SIf
    | SWhile
    | SFor
    | SEither
    | SChoose
    | SCall
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcDef:
    name: str
    params: tuple[Sym, ...]
    body: tuple[SStmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcessDef:
    name: str
    instance: Sym | None
    body: tuple[SStmt, ...]
    span: Span | None = _span()
