"""The pre-lowering IR: what `resolve` makes of a spec, and `lower` consumes.

Owns: `PreExpr`, the expressions before lowering (the core node classes of `nodes` over
`PreExpr` operands, plus the forms lowering removes: `SymRef`, `AtLabel`, `LocalOf`; NOTE(ir stages)
in nodes.py), and typed statements that still have their control structure (loops, either, choose,
calls).
Names bound by `choose`, `for`, procedure parameters and process locals are `Sym`s; `lower` decides
whether each becomes an action parameter, a `let`, or a stored local (see NOTE(granularity) in
ir/lower/__init__.py).
Must not import anything from gcverify but `source` and `ir.nodes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from gcverify.ir import nodes as n
from gcverify.ir.nodes import BOOL, FiniteSort, Sort
from gcverify.source import Span


def _span() -> Span | None:
    return field(default=None, compare=False, repr=False)


# ---------------------------------------------------------------- expressions only lowering sees


@dataclass(frozen=True, slots=True)
class SymRef:
    """A process-level name (choose/for variable, procedure parameter, local).  Lowering replaces it
    by an action parameter, a `let`-bound slot, a constant or a read of a stored local."""

    sym: int
    type: Sort


@dataclass(frozen=True, slots=True)
class AtLabel:
    """Process `process` (instance `instance`) is at the control point `label` (`proc.label` for a
    label inside a procedure).  Lowering turns it into a program-counter test."""

    process: int
    instance: PreExpr | None
    label: str
    span: Span | None = _span()
    type: Sort = BOOL


@dataclass(frozen=True, slots=True)
class LocalOf:
    """The kept value of process-level name `sym` (a `var` of the process or a procedure's
    parameter) of instance `instance`.  Lowering turns it into a read of its local."""

    process: int
    instance: PreExpr | None
    sym: int
    name: str
    type: Sort
    span: Span | None = _span()


Surface: TypeAlias = SymRef | AtLabel | LocalOf

PreExpr: TypeAlias = (
    n.Lit
    | n.Read["PreExpr"]
    | n.Param
    | n.Bound
    | n.Not["PreExpr"]
    | n.And["PreExpr"]
    | n.Or["PreExpr"]
    | n.Implies["PreExpr"]
    | n.Cmp["PreExpr"]
    | n.Arith["PreExpr"]
    | n.Neg["PreExpr"]
    | n.Ite["PreExpr"]
    | n.Quant["PreExpr"]
    | n.Unwrap["PreExpr"]
    | n.Reachable["PreExpr"]
    | n.ReachFrom["PreExpr"]
    | n.Stopped
    | n.Apply["PreExpr"]
    | SymRef
    | AtLabel
    | LocalOf
)


# ---------------------------------------------------------------- structured statements


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
    indices: tuple[PreExpr, ...]


@dataclass(frozen=True, slots=True)
class SAssign:
    target: Target
    value: PreExpr
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
    cond: PreExpr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class SAssert:
    cond: PreExpr
    site: int  # the index of its assertion (nodes.Spec.assertions)
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class SLocal:
    sym: Sym
    init: PreExpr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class SAtomic:
    body: tuple[SStmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class SIf:
    cond: PreExpr
    then: tuple[SStmt, ...]
    else_: tuple[SStmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class SWhile:
    cond: PreExpr | None  # None: `loop`
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
    where: PreExpr | None
    body: tuple[SStmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class SCall:
    proc: int
    args: tuple[PreExpr, ...]
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
