"""The control-flow graph lowering builds for one process, before it is cut into actions.

Owns: the graph's node types (a step, a branch, a choice, a binding of `choose` values, zero-time
bookkeeping, labels, safepoints, the end, and the holes that close loops), `_Store` (an assignment
to a hidden local made while building), `follow` (through holes), and the small helpers every
lowering module shares (`fail`, `step_label`, `is_true`, `is_false`).
Invariants: nodes are compared by identity (`eq=False`); a node's `env` maps the process-level
names in scope to core expressions.
Must not import anything from gcverify but `source`, `diagnostics` and `ir`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gcverify.diagnostics import Code, Diagnostic, GcverifyError
from gcverify.ir import control as c
from gcverify.ir import nodes as n
from gcverify.source import Span


@dataclass(frozen=True, slots=True)
class Store:
    """An assignment to a hidden local, made while building the graph: its expressions may still
    name `choose` values that only the path to it binds."""

    var: int
    indices: tuple[c.PreExpr, ...]
    value: c.PreExpr


@dataclass(eq=False)
class Node:
    env: Mapping[int, n.Expr] = field(default_factory=dict)


@dataclass(eq=False)
class Step(Node):
    stmts: tuple[c.SStmt, ...] = ()
    span: Span | None = None
    next: Node | None = None
    context: tuple[str, ...] = ()  # the calls this step is inlined through, outermost first


@dataclass(eq=False)
class Branch(Node):
    cond: c.PreExpr = field(default_factory=lambda: n.Lit(1, n.BOOL))
    then: Node | None = None
    else_: Node | None = None


@dataclass(eq=False)
class Choice(Node):
    branches: list[Node] = field(default_factory=list)


@dataclass(eq=False)
class Bind(Node):
    vars: tuple[tuple[c.Sym, n.FiniteSort], ...] = ()
    where: c.PreExpr | None = None
    next: Node | None = None
    stores: Mapping[int, n.Expr] = field(default_factory=dict)  # syms kept in hidden locals


@dataclass(eq=False)
class Do(Node):
    """Zero-time bookkeeping (hidden locals), folded into the step before or after it."""

    stmts: tuple[Store, ...] = ()
    next: Node | None = None


@dataclass(eq=False)
class Label(Node):
    """A label: the control point here is named (`proc.name` inside a procedure)."""

    name: str = ""
    next: Node | None = None


@dataclass(eq=False)
class Safe(Node):
    """A safepoint: the control point here is one where the world may be stopped."""

    next: Node | None = None


@dataclass(eq=False)
class End(Node):
    pass


@dataclass(eq=False)
class Hole(Node):
    """A forward reference, patched once the loop head it stands for exists."""

    target: Node | None = None


def follow(node: Node | None) -> Node:
    seen: set[int] = set()
    while isinstance(node, Hole) and id(node) not in seen:
        seen.add(id(node))
        node = node.target  # an empty loop (`loop { }`) is a hole whose target is itself
    assert node is not None
    return node


def fail(code: Code, message: str, span: Span | None, hint: str | None = None) -> GcverifyError:
    return GcverifyError([Diagnostic(code=code, message=message, span=span, hint=hint)])


def recursion(name: str, span: Span | None) -> GcverifyError:
    return fail(
        Code.RECURSION,
        f"procedure {name!r} calls itself",
        span,
        hint="procedures are inlined at each call and cannot recurse",
    )


def step_label(span: Span | None) -> str:
    """The source text of a step: the statement itself if it fits on its line, else its first line."""
    if span is None:
        return "step"
    line = span.file.line(span.start.line)
    if span.end.line == span.start.line:
        return line[span.start.col - 1 : span.end.col - 1].strip()
    code, _, comment = line[span.start.col - 1 :].partition("//")
    text = code.strip() + " … }"
    return f"{text}  // {comment.strip()}" if comment.strip() else text


def is_true(e: c.PreExpr) -> bool:
    return isinstance(e, n.Lit) and e.value == 1


def is_false(e: c.PreExpr) -> bool:
    return isinstance(e, n.Lit) and e.value == 0 and e.type == n.BOOL
