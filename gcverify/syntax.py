"""The surface AST: frozen dataclasses that mirror the grammar, with names as strings.

Owns: one node class per construct of the language.  Built by `dsl.build` (which never validates)
and consumed by `ir.resolve` (which does).  Spans are excluded from equality, so a spec printed by
`dsl.printer` and parsed again compares equal to the original.
Must not import anything from gcverify but `source`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from gcverify.source import Span


def _span() -> Span | None:
    return field(default=None, compare=False, repr=False)


class CmpOp(enum.Enum):
    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="


class ArithOp(enum.Enum):
    ADD = "+"
    SUB = "-"
    MUL = "*"


class LogicOp(enum.Enum):
    AND = "and"
    OR = "or"
    IMPLIES = "implies"


class Quantifier(enum.Enum):
    FORALL = "forall"
    EXISTS = "exists"


# ---------------------------------------------------------------- types


@dataclass(frozen=True, slots=True)
class BoolType:
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class NamedType:
    name: str
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class OptionType:
    name: str
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class RangeType:
    lo: Expr
    hi: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class MapType:
    key: TypeExpr
    value: TypeExpr
    span: Span | None = _span()


TypeExpr = BoolType | NamedType | OptionType | RangeType | MapType

# ---------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class IntLit:
    value: int
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class BoolLit:
    value: bool
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class NilLit:
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Name:
    name: str
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Index:
    base: Expr
    index: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Field:
    base: Expr
    name: str
    span: Span | None = _span()
    name_span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Expr, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Arith:
    op: ArithOp
    left: Expr
    right: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Compare:
    op: CmpOp
    left: Expr
    right: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Logic:
    op: LogicOp
    left: Expr
    right: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Binder:
    names: tuple[str, ...]
    sort: str
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Quant:
    kind: Quantifier
    binders: tuple[Binder, ...]
    body: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class IfExpr:
    cond: Expr
    then: Expr
    else_: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Reach:
    """`reach(target, from x: start, via y: step)`: target is reachable from an object satisfying
    `start` through pointer fields, entering only objects satisfying `step`."""

    target: Expr
    start_name: str
    start: Expr
    via_name: str
    via: Expr
    span: Span | None = _span()


Expr = (
    Reach
    | IntLit
    | BoolLit
    | NilLit
    | Name
    | Index
    | Field
    | Call
    | Neg
    | Not
    | Arith
    | Compare
    | Logic
    | Quant
    | IfExpr
)

# ---------------------------------------------------------------- statements


@dataclass(frozen=True, slots=True)
class Assign:
    target: Expr
    value: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class CallStmt:
    call: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Skip:
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Safepoint:
    """Marks the control point it stands at as one where the world may be stopped."""

    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Await:
    cond: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Assert:
    cond: Expr
    name: str | None = None  # `assert NAME: cond`
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class LocalDecl:
    name: str
    type: TypeExpr
    init: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Labeled:
    """`label: stmt`: names the control point before the statement, for `at(P, label)`."""

    label: str
    stmt: Stmt
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Atomic:
    body: tuple[Stmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class If:
    cond: Expr
    then: tuple[Stmt, ...]
    else_: tuple[Stmt, ...] | None
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class While:
    cond: Expr
    body: tuple[Stmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Loop:
    body: tuple[Stmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class For:
    binders: tuple[Binder, ...]
    body: tuple[Stmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Either:
    branches: tuple[tuple[Stmt, ...], ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Choose:
    binders: tuple[Binder, ...]
    where: Expr | None
    body: tuple[Stmt, ...]
    span: Span | None = _span()


Stmt = (
    Assign
    | CallStmt
    | Skip
    | Safepoint
    | Await
    | Assert
    | LocalDecl
    | Labeled
    | Atomic
    | If
    | While
    | Loop
    | For
    | Either
    | Choose
)

# ---------------------------------------------------------------- declarations


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: TypeExpr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class ConstDecl:
    name: str
    value: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class ScalarsetDecl:
    name: str
    size: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class RangeDecl:
    name: str
    lo: Expr
    hi: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class EnumDecl:
    name: str
    members: tuple[str, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class FieldsDecl:
    names: tuple[str, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class VarDecl:
    name: str
    type: TypeExpr
    init: Expr | None
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class RootsDecl:
    names: tuple[str, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class DefDecl:
    name: str
    params: tuple[Param, ...]
    result: TypeExpr
    body: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class ProcDecl:
    name: str
    params: tuple[Param, ...]
    body: tuple[Stmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class ProcessDecl:
    name: str
    instance: tuple[str, str] | None
    body: tuple[Stmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class InvariantDecl:
    name: str
    body: Expr | None
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class InductiveDecl:
    """A candidate inductive invariant; invariant names in its body stand for their definitions."""

    name: str
    body: Expr
    span: Span | None = _span()


class ExpectedVerdict(enum.Enum):
    HOLDS = "holds"
    VIOLATED = "violated"


@dataclass(frozen=True, slots=True)
class ExpectDecl:
    name: str
    verdict: ExpectedVerdict
    within: int | None
    assertion: bool = False  # `expect assert NAME …`
    span: Span | None = _span()


Decl = (
    ConstDecl
    | ScalarsetDecl
    | RangeDecl
    | EnumDecl
    | FieldsDecl
    | VarDecl
    | RootsDecl
    | DefDecl
    | ProcDecl
    | ProcessDecl
    | InvariantDecl
    | InductiveDecl
    | ExpectDecl
)


@dataclass(frozen=True, slots=True)
class Import:
    path: str
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Module:
    """One parsed file."""

    name: str | None
    imports: tuple[Import, ...]
    decls: tuple[Decl, ...]
    span: Span | None = _span()
