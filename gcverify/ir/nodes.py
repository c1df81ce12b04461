"""The core IR: the single description of a model that both engines read.

Owns: sorts and types, typed expressions (the node classes, and `Expr`, the core union the engines
read; `control.PreExpr` reuses the classes before lowering, NOTE(ir stages)), the core statements
an action runs, `Action`, `Process`, `StateVar`, `Invariant`, `Expectation` and `Spec` (a fully
instantiated model: every constant has its value, every sort its size).
Invariants: every expression carries its type; values are encoded as ints (bool as 0/1, enum members
and scalarset elements by index, an option's `nil` as the size of its base sort); maps are flattened
row-major into consecutive state slots.  Nothing here evaluates anything.
Must not import anything from gcverify but `source`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Generic, TypeAlias, TypeVar

from gcverify.source import Span

E = TypeVar("E", covariant=True)  # the operands' expression type (NOTE(ir stages))


def _span() -> Span | None:
    return field(default=None, compare=False, repr=False)


# ---------------------------------------------------------------- sorts


@dataclass(frozen=True, slots=True)
class BoolSort:
    def elements(self) -> range:
        return range(2)

    def show(self, v: int) -> str:
        return "true" if v else "false"

    def __str__(self) -> str:
        return "bool"


@dataclass(frozen=True, slots=True)
class IntSort:
    """A bounded integer range lo..hi, or (lo = hi = None) an unbounded intermediate integer."""

    lo: int | None
    hi: int | None
    name: str | None = None

    @property
    def bounded(self) -> bool:
        return self.lo is not None and self.hi is not None

    def elements(self) -> range:
        assert self.lo is not None and self.hi is not None
        return range(self.lo, self.hi + 1)

    def show(self, v: int) -> str:
        return str(v)

    def __str__(self) -> str:
        if self.name:
            return self.name
        return f"{self.lo}..{self.hi}" if self.bounded else "int"


@dataclass(frozen=True, slots=True)
class EnumSort:
    name: str
    members: tuple[str, ...]

    def elements(self) -> range:
        return range(len(self.members))

    def show(self, v: int) -> str:
        return self.members[v] if 0 <= v < len(self.members) else f"?{v}"

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class ScalarsetSort:
    """A symmetric sort: its elements are interchangeable and may only be compared for equality."""

    name: str
    size: int
    prefix: str

    def elements(self) -> range:
        return range(self.size)

    def show(self, v: int) -> str:
        return f"{self.prefix}{v + 1}" if 0 <= v < self.size else "nil"

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class OptionSort:
    """A scalarset element or nil (encoded as `base.size`)."""

    base: ScalarsetSort

    @property
    def nil(self) -> int:
        return self.base.size

    def elements(self) -> range:
        return range(self.base.size + 1)

    def show(self, v: int) -> str:
        return self.base.show(v)

    def __str__(self) -> str:
        return f"{self.base.name}?"


Sort = BoolSort | IntSort | EnumSort | ScalarsetSort | OptionSort
FiniteSort = BoolSort | IntSort | EnumSort | ScalarsetSort | OptionSort

BOOL = BoolSort()
INT = IntSort(None, None)


def default_value(sort: Sort) -> int:
    """The value a fresh slot of this sort holds: false, lo, the first member, or nil."""
    match sort:
        case BoolSort() | EnumSort() | ScalarsetSort():
            return 0
        case IntSort(lo=lo):
            return lo or 0
        case OptionSort():
            return sort.nil


# ---------------------------------------------------------------- expressions


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


class QuantKind(enum.Enum):
    FORALL = "forall"
    EXISTS = "exists"


class FaultKind(enum.Enum):
    ASSERTION = "assertion failed"
    NIL_DEREF = "nil dereference"
    OUT_OF_RANGE = "value out of range"


@dataclass(frozen=True, slots=True)
class Lit:
    value: int
    type: Sort


@dataclass(frozen=True, slots=True)
class Read(Generic[E]):
    """Read state variable `var` at `indices` (one per key sort; none for a scalar)."""

    var: int
    indices: tuple[E, ...]
    type: Sort


@dataclass(frozen=True, slots=True)
class Param:
    """The action's parameter number `index` (the process instance, a `choose` value, a branch)."""

    index: int
    type: Sort


@dataclass(frozen=True, slots=True)
class Bound:
    """A name bound inside an expression or action: quantifier variable, def argument, let."""

    slot: int
    type: Sort
    name: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class Not(Generic[E]):
    operand: E
    type: Sort = BOOL


@dataclass(frozen=True, slots=True)
class And(Generic[E]):
    args: tuple[E, ...]
    type: Sort = BOOL


@dataclass(frozen=True, slots=True)
class Or(Generic[E]):
    args: tuple[E, ...]
    type: Sort = BOOL


@dataclass(frozen=True, slots=True)
class Implies(Generic[E]):
    left: E
    right: E
    type: Sort = BOOL


@dataclass(frozen=True, slots=True)
class Cmp(Generic[E]):
    op: CmpOp
    left: E
    right: E
    type: Sort = BOOL


@dataclass(frozen=True, slots=True)
class Arith(Generic[E]):
    op: ArithOp
    left: E
    right: E
    type: Sort = INT


@dataclass(frozen=True, slots=True)
class Neg(Generic[E]):
    operand: E
    type: Sort = INT


@dataclass(frozen=True, slots=True)
class Ite(Generic[E]):
    cond: E
    then: E
    else_: E
    type: Sort


@dataclass(frozen=True, slots=True)
class Quant(Generic[E]):
    kind: QuantKind
    slot: int
    sort: FiniteSort
    body: E
    name: str = field(default="", compare=False)
    type: Sort = BOOL


@dataclass(frozen=True, slots=True)
class Unwrap(Generic[E]):
    """An option used as its base sort: a nil-dereference fault when it is nil."""

    operand: E
    type: Sort
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Reachable(Generic[E]):
    """Built in: the object is reachable from a root through pointer fields."""

    operand: E
    type: Sort = BOOL


@dataclass(frozen=True, slots=True)
class ReachFrom(Generic[E]):
    """Built in: `target` is reachable from an object x with `start` (x bound at `start_slot`)
    through pointer fields, entering only objects y with `via` (y bound at `via_slot`)."""

    target: E
    start_slot: int
    start: E
    via_slot: int
    via: E
    type: Sort = BOOL


@dataclass(frozen=True, slots=True)
class Stopped:
    """Built in: every instance of process number `process` is at a `safepoint` or finished."""

    process: int
    type: Sort = BOOL


@dataclass(frozen=True, slots=True)
class Apply(Generic[E]):
    """A call of `def` number `fn`."""

    fn: int
    args: tuple[E, ...]
    type: Sort


# NOTE(ir stages): the composite expression nodes are generic in the type `E` of their operands, so
# one set of classes serves two unions.  `Expr` is the core IR that lowering produces and the
# engines read; `control.PreExpr` adds the forms that exist only before lowering (`SymRef`,
# `AtLabel`, `LocalOf`).  `E` is covariant, so every core expression is also a pre-lowering one, and
# a dispatch over either union can end in `assert_never`.
Expr: TypeAlias = (
    Lit
    | Read["Expr"]
    | Param
    | Bound
    | Not["Expr"]
    | And["Expr"]
    | Or["Expr"]
    | Implies["Expr"]
    | Cmp["Expr"]
    | Arith["Expr"]
    | Neg["Expr"]
    | Ite["Expr"]
    | Quant["Expr"]
    | Unwrap["Expr"]
    | Reachable["Expr"]
    | ReachFrom["Expr"]
    | Stopped
    | Apply["Expr"]
)


# ---------------------------------------------------------------- core statements (inside one action)


@dataclass(frozen=True, slots=True)
class Assign:
    var: int
    indices: tuple[Expr, ...]
    value: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Let:
    slot: int
    value: Expr


@dataclass(frozen=True, slots=True)
class If:
    cond: Expr
    then: tuple[Stmt, ...]
    else_: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class Assume:
    """A guard: the action is enabled only if it holds."""

    cond: Expr


@dataclass(frozen=True, slots=True)
class Assert:
    """A fault check; `site` is the index of its assertion in `Spec.assertions`."""

    cond: Expr
    site: int
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class ForEach:
    """`for x in S { body }` over a scalarset inside one step: the body runs once per element, in
    index order, with the element bound to `slot`.  Kept as a loop (not unrolled like loops over
    other sorts) so that a proof for every size can run it for all elements at once when its
    iterations are independent (ir/loops.py)."""

    slot: int
    sort: ScalarsetSort
    body: tuple[Stmt, ...]
    name: str


Stmt = Assign | Let | If | Assume | Assert | ForEach


# ---------------------------------------------------------------- model


class VarKind(enum.Enum):
    STATE = "state"  # declared with `var`
    LOCAL = "local"  # a process's local (declared or made by lowering), one per instance
    PC = "pc"  # a process's program counter


@dataclass(frozen=True, slots=True, kw_only=True)
class StateVar:
    name: str
    keys: tuple[FiniteSort, ...]
    sort: Sort
    init: int
    kind: VarKind = VarKind.STATE
    hidden: bool = False  # made by lowering; shown in traces only when asked
    span: Span | None = _span()

    @property
    def size(self) -> int:
        n = 1
        for k in self.keys:
            n *= len(k.elements())
        return n


@dataclass(frozen=True, slots=True, kw_only=True)
class Def(Generic[E]):
    """A `def`.  `problem`: why lowering could not make this definition (one no property or step
    uses) core; its `body` is then a placeholder that must not be evaluated."""

    name: str
    slots: tuple[int, ...]
    body: E
    type: Sort
    span: Span | None = _span()
    problem: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionParam:
    name: str
    sort: FiniteSort


@dataclass(frozen=True, slots=True, kw_only=True)
class Action:
    """One atomic step: from control point `from_pc` of `process`, guarded, to `to_pc`.

    Parameter 0 is the process instance when the process is replicated.  The body reads the
    pre-state and writes the post-state in order (see semantics/interp.py).
    """

    index: int
    process: int
    label: str
    params: tuple[ActionParam, ...]
    from_pc: int
    to_pc: int
    body: tuple[Stmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class AtomicProc:
    """A procedure made into one atomic action of its own (for the write-barrier lemma): `action`
    runs its whole body in one step from any state, or is None and `problem` says why it cannot.
    The action belongs to no process's control flow: its `process` is only the one whose instance
    sort its first parameter has (for display), and `from_pc`/`to_pc` are -1."""

    name: str
    action: Action | None
    problem: str | None
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Process:
    name: str
    instance: ScalarsetSort | EnumSort | IntSort | None
    instance_name: str | None
    pc_var: int
    end_pc: int
    safe_pcs: tuple[int, ...]
    pc_spans: tuple[Span | None, ...] = field(compare=False)

    @property
    def instances(self) -> range:
        return self.instance.elements() if self.instance is not None else range(1)


@dataclass(frozen=True, slots=True, kw_only=True)
class Invariant(Generic[E]):
    name: str
    body: E
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Inductive(Generic[E]):
    """A candidate inductive invariant: the conjunction of `conjuncts`, each with its source text."""

    name: str
    conjuncts: tuple[tuple[str, E], ...]
    span: Span | None = _span()

    @property
    def body(self) -> And[E]:
        return And(tuple(e for _, e in self.conjuncts))


@dataclass(frozen=True, slots=True, kw_only=True)
class Assertion:
    """An `assert` statement of the spec: named by `assert NAME: …` or by its statement label, or
    else by where it stands (`assert@file:line:col`)."""

    name: str
    named: bool  # the user gave it a name, so an `expect` can refer to it
    span: Span | None = _span()


class PropertyKind(enum.Enum):
    """What a property is; see NOTE(properties)."""

    INVARIANT = "invariant"
    ASSERTION = "assertion"
    RUNTIME = "runtime"  # built-in: no step dereferences nil or leaves a value's range
    DEADLOCK = "deadlock"  # built-in: some process can always move until every process has finished
    INDUCTIVE = "inductive"  # a candidate inductive invariant (prove)
    LEMMA = "lemma"  # one step of a procedure keeps a property (prove --lemma)


# NOTE(properties): every property is a `Property` of a kind, and results and expectations are
# keyed by it, never by a bare name.  The built-in kinds have reserved names (`RESERVED`), so no
# invariant, candidate or assertion can shadow them.  `index` says which one of its kind (an
# invariant's or candidate's position, an assertion's site); `display` is what tables and reports
# print, and what `expect` and `gcverify trace` accept: `NAME` for invariants and candidates,
# `assert NAME` for assertions, `deadlock` and `runtime_error` for the built-ins.
RESERVED = {"deadlock": PropertyKind.DEADLOCK, "runtime_error": PropertyKind.RUNTIME}


@dataclass(frozen=True, slots=True)
class Property:
    kind: PropertyKind
    name: str
    index: int = 0
    span: Span | None = _span()

    @property
    def display(self) -> str:
        return f"assert {self.name}" if self.kind is PropertyKind.ASSERTION else self.name

    def __str__(self) -> str:
        return self.display

    @property
    def slug(self) -> str:
        """The display name as a file-name part: `assert NAME` becomes `assert-NAME`."""
        return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "_-") else "-" for ch in self.display)


DEADLOCK = Property(PropertyKind.DEADLOCK, "deadlock")


class Expected(enum.Enum):
    HOLDS = "holds"
    VIOLATED = "violated"


@dataclass(frozen=True, slots=True, kw_only=True)
class Expectation:
    property: Property
    verdict: Expected
    within: int | None
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Heap:
    """Where the pointer graph lives: `var` maps Object -> Field -> Object?; roots are whole vars."""

    var: int
    objects: ScalarsetSort
    fields: EnumSort
    roots: tuple[int, ...]
    allocated: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Spec:
    name: str
    file: str
    consts: tuple[tuple[str, str], ...]
    vars: tuple[StateVar, ...]
    defs: tuple[Def[Expr], ...]
    processes: tuple[Process, ...]
    actions: tuple[Action, ...]
    invariants: tuple[Invariant[Expr], ...]
    expectations: tuple[Expectation, ...]
    heap: Heap | None
    symmetric: tuple[ScalarsetSort, ...]
    inductives: tuple[Inductive[Expr], ...] = ()
    procs: tuple[AtomicProc, ...] = ()
    sizes: tuple[tuple[str, str], ...] = ()  # scalarset -> the constant that is its size (to resize it)
    assertions: tuple[Assertion, ...] = ()

    @property
    def runtime_site(self) -> int:
        """The fault site of runtime errors (nil dereference, out of range); sites below it are
        the assertions'."""
        return len(self.assertions)

    @property
    def runtime(self) -> Property:
        return Property(PropertyKind.RUNTIME, "runtime_error", self.runtime_site)

    def invariant_property(self, index: int) -> Property:
        inv = self.invariants[index]
        return Property(PropertyKind.INVARIANT, inv.name, index, inv.span)

    def site_property(self, site: int) -> Property:
        """The property a fault at `site` violates: an assertion, or the runtime errors."""
        if site == self.runtime_site:
            return self.runtime
        a = self.assertions[site]
        return Property(PropertyKind.ASSERTION, a.name, site, a.span)

    def safety_properties(self, deadlock: bool) -> tuple[Property, ...]:
        """What a search checks: every invariant, every assertion, runtime errors and (if asked)
        deadlock."""
        out = [self.invariant_property(i) for i in range(len(self.invariants))]
        out.extend(self.site_property(k) for k in range(self.runtime_site + 1))
        return (*out, DEADLOCK) if deadlock else tuple(out)

    def expectation(self, prop: Property) -> Expectation | None:
        return next((e for e in self.expectations if e.property == prop), None)

    def property_named(self, text: str) -> Property | None:
        """The safety property whose display name is `text` (`NAME`, `assert NAME`, `deadlock`)."""
        return next((p for p in self.safety_properties(deadlock=True) if p.display == text), None)

    @property
    def checks_deadlock(self) -> bool:
        """Whether an expectation asks about deadlock (which turns its check on)."""
        return any(e.property.kind is PropertyKind.DEADLOCK for e in self.expectations)
