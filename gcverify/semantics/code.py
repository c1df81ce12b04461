"""The statements generated code is made of, and `Emitter`, which writes staged nodes as them.

Owns: the statement forms (`Let`, `Exit`, `Branch`, `Fault`, `Post`, `Leave`), the `Target`
protocol (a printer of nodes and statements in one language; targets.py has Python and C) and
`Emitter` (straight-line statements computing some nodes, with shared nodes as locals).  compiled.py
builds a model's successor functions from these forms once per target, so the structure of the
generated code (paths, guards, fault order, post-states) is decided once and only printed twice.
Must not import z3.

The forms.  A transition's code is a block that is left as soon as the step is known: `Exit`
leaves it when a condition has a given value (a guard that is false), `Fault` records a fault
and leaves, `Post` records the post-state and leaves, `Leave` just leaves.  `Let` names a shared
value; `Branch` splits where the staged step did (see `decide` in staged.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from gcverify.semantics.staged import Kind, Node, Op


@dataclass(frozen=True, slots=True)
class Let:
    """A local `name` computing `text`, a value of `kind`/`op` (a CALL is an array in C)."""

    name: str
    kind: Kind
    op: Op
    text: str


@dataclass(frozen=True, slots=True)
class Exit:
    """Leave the block (at a function's top: return) when `cond` is `when`."""

    cond: str
    when: bool


@dataclass(frozen=True, slots=True)
class Branch:
    cond: str
    then: tuple[Stmt, ...]
    else_: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class Fault:
    """Record that transition `t` faults at `site`, and leave."""

    t: int
    site: int


@dataclass(frozen=True, slots=True)
class Post:
    """Record transition `t`'s post-state: the pre-state with `values` (slot, source) written; leave."""

    t: int
    values: tuple[tuple[int, str], ...]


@dataclass(frozen=True, slots=True)
class Leave:
    pass


Stmt = Let | Exit | Branch | Fault | Post | Leave


class Target(Protocol):
    """A language generated code is printed in."""

    def expr(self, node: Node, args: Sequence[str]) -> str:
        """The inline source of `node` given its arguments' source (for a CALL: what `let` needs)."""
        ...

    def value(self, text: str, boolish: bool) -> str:
        """The source of a value stored into a state (bools become 0 and 1, NOTE(staging))."""
        ...

    def join(self, kind: Kind, parts: Sequence[str]) -> str:
        """`and` (kind AND) or `or` (kind OR) of two or more parts' source."""
        ...


INLINE_DEPTH = 40


class Emitter:
    """Straight-line statements computing some nodes: a node used more than once becomes a local
    (`_N`), computed just before the first statement that needs it; a node used once is written
    inline where it is used, unless its text would nest INLINE_DEPTH levels deep."""

    def __init__(self, roots: Sequence[Node], target: Target) -> None:
        self.target = target
        self.uses: dict[int, int] = {}
        self.names: dict[int, str] = {}
        self.depths: dict[int, int] = {}  # nodes written inline: how deep their text nests
        self.lines: list[Let] = []
        for r in roots:
            self.uses[id(r)] = self.uses.get(id(r), 0) + 1
        stack = list(roots)
        seen: set[int] = set()
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            for a in node.args:
                self.uses[id(a)] = self.uses.get(id(a), 0) + 1
                stack.append(a)

    def shared(self, node: Node) -> bool:
        return node.kind not in (Kind.CONST, Kind.LEAF) and (self.uses.get(id(node), 0) > 1 or node.kind is Kind.CALL)

    def expr(self, node: Node) -> str:
        """The source of `node`, after emitting the locals it needs."""
        if node.kind in (Kind.CONST, Kind.LEAF):
            return self.target.expr(node, ())
        name = self.names.get(id(node))
        if name is not None:
            return name
        text = self.target.expr(node, [self.expr(a) for a in node.args])
        # How deep the text nests: Python's parser refuses about 200 nested parentheses, so a deep
        # expression is cut into locals every INLINE_DEPTH levels.
        depth = 1 + max((self.depths.get(id(a), 0) for a in node.args), default=0)
        if not self.shared(node) and depth < INLINE_DEPTH:
            self.depths[id(node)] = depth
            return text
        name = self.names[id(node)] = f"_{len(self.names)}"
        self.lines.append(Let(name, node.kind, node.op, text))
        return name

    def prepare(self, *nodes: Node) -> tuple[list[Stmt], list[str]]:
        """The nodes' source, and the locals that must come before it."""
        start = len(self.lines)
        texts = [self.expr(node) for node in nodes]
        return list(self.lines[start:]), texts

    def value(self, node: Node) -> str:
        """The source of a value to store (NOTE(staging))."""
        return self.target.value(self.expr(node), node.boolish)
