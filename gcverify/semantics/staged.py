"""`SourceOps`: the `Ops` that stages the one interpreter into Python source.

Owns: `Node` (a value whose computation is deferred: an expression over the pre-state `s`) and the
`SourceOps` that build nodes (folding what is known while staging: constants, ranges, action
arguments).  code.py turns the nodes an action produced (its guard, its faults, its post-state)
into statements, and targets.py prints them as Python or as C: two printers of one DAG.

How it serves DESIGN.md §1: the interpreter in interp.py runs once per action instance with these
ops instead of `ConcreteOps`.  Every decision it makes on a known value (the instance's arguments,
literals, unrolled quantifiers) is taken while staging; every value that depends on the state
becomes a node, i.e. an expression that computes what `ConcreteOps` would have computed.  So each
operation here must mirror `ConcreteOps` exactly (NOTE(staging)); there is no second semantics,
and the differential tests (tests/unit/test_staged.py) keep the two equal.
Must not import z3.

NOTE(staging): node values are Python ints, or bools standing for 0/1 (`==` and `hash` treat
them alike).  A bool that is stored into the state is turned into an int by the emitter, so
states built by generated code equal those the interpreter builds.  Nodes are pure: evaluating
one never raises and has no effect (reads use indices the interpreter has proved in range), so
the emitter may compute a shared node once, early, or not at all.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from gcverify.budget import Budget
from gcverify.ir import nodes as n


class Kind(enum.Enum):
    CONST = "const"
    LEAF = "leaf"  # a slot of the pre-state
    NOT = "not"
    AND = "and"
    OR = "or"
    EQ = "eq"
    LT = "lt"
    LE = "le"
    ARITH = "arith"  # + - * and negation
    ITE = "ite"
    CALL = "call"  # reachability over the whole heap
    ITEM = "item"  # one entry of a CALL's result
    INDEX = "index"  # the pre-state at a computed slot


CHECK_EVERY = 1 << 16  # units of staging work (nodes made, parts compared) between two looks at the budget
BOOLISH = frozenset({Kind.NOT, Kind.AND, Kind.OR, Kind.EQ, Kind.LT, Kind.LE})


# What a node computes besides its kind and arguments (a target renders it, see targets.py): the
# operator of an ARITH node ("+", "-", "*"), (stride, base) of an INDEX node, the object of an ITEM
# node, (roots, fields, size) of a CALL node, the slot of a LEAF, the value of a CONST.
Op = str | int | tuple[int, ...] | None


class Node:
    """A deferred value: `kind` applied to `args`, with `op` saying which (see Op); `lo`..`hi`
    bounds the value (both None when unknown)."""

    __slots__ = ("args", "boolish", "chain", "const", "hi", "kind", "lo", "op", "slot")

    def __init__(
        self,
        kind: Kind,
        op: Op,
        args: tuple[Node, ...] = (),
        const: int | None = None,
        lo: int | None = None,
        hi: int | None = None,
    ) -> None:
        self.kind = kind
        self.op = op
        self.args = args
        self.const = const
        self.lo, self.hi = (const, const) if const is not None else (lo, hi)
        self.boolish: bool = kind in BOOLISH or (kind is Kind.ITE and (args[1].boolish or args[2].boolish))
        self.slot = -1  # for a leaf: its slot
        # for `x == k1 ? s[a1] : (x == k2 ? s[a2] : … s[d])`: (x, {k1: a1, k2: a2, …}, d)
        self.chain: tuple[Node, dict[int, int], int] | None = None

    def conjuncts(self) -> tuple[Node, ...]:
        if self.kind is Kind.AND:
            return self.args
        if self.const == 1:
            return ()
        return (self,)


@dataclass(slots=True)
class SourceOps:
    """`Ops[Node]`: builds nodes, folding constants and using value ranges; nodes are shared
    (hash-consed) so that a value computed twice is computed once."""

    consts: dict[int, Node] = field(default_factory=dict)
    table: dict[tuple[object, ...], Node] = field(default_factory=dict)
    # path splitting (see `decide`): the decisions to replay, those taken in this run, and how
    # many new decision points may still be split (each split adds one path)
    script: list[int] = field(default_factory=list)
    taken: list[tuple[Node, int]] = field(default_factory=list)
    splits: int = 0
    # checked every CHECK_EVERY new nodes and junction parts, so that one long staging run (a
    # quantifier over a large sort) stops when the budget is spent (raises `Stopped`)
    budget: Budget | None = None
    work: int = 0

    def decide(self, cond: Node) -> int | None:
        """A guard, fault check or `if` on a state-dependent condition: decided one way in this run
        (replaying `script`, then 1 for a new decision point) while the split budget lasts, so each
        run stages one path of the step and the generated code branches where the step does.
        Without budget, None: the interpreter takes both ways and merges them into one value."""
        if cond.const is not None:
            return cond.const
        depth = len(self.taken)
        if depth < len(self.script):
            k = self.script[depth]
        elif self.splits > 0:
            self.splits -= 1
            k = 1
        else:
            return None
        self.taken.append((cond, k))
        return k

    def start(self, script: list[int], splits: int) -> None:
        """Begin a staging run that replays `script` and may split `splits` new decision points."""
        self.script = script
        self.taken = []
        self.splits = splits

    def node(self, kind: Kind, op: Op, args: tuple[Node, ...], lo: int | None = None, hi: int | None = None) -> Node:
        key = (kind, op, *(id(a) for a in args))
        got = self.table.get(key)
        if got is None:
            self.tick(1)
            got = self.table[key] = Node(kind, op, args, lo=lo, hi=hi)
        return got

    def tick(self, work: int) -> None:
        """Count staging work; look at the budget every CHECK_EVERY units."""
        before = self.work
        self.work += work
        if self.budget is not None and before // CHECK_EVERY != self.work // CHECK_EVERY:
            self.budget.check("compiling the model")

    def leaf(self, slot: int, lo: int, hi: int) -> Node:
        node = Node(Kind.LEAF, slot, lo=lo, hi=hi)
        node.slot = slot
        return node

    def lit(self, value: int, sort: n.Sort) -> Node:
        return self.const(value)

    def const(self, value: int) -> Node:
        got = self.consts.get(value)
        if got is None:
            got = self.consts[value] = Node(Kind.CONST, value, const=value)
        return got

    def value_of(self, v: Node) -> int | None:
        return v.const

    def not_(self, a: Node) -> Node:
        if a.const is not None:
            return self.const(1 - a.const)
        if a.kind is Kind.NOT and a.args[0].lo is not None and a.args[0].lo >= 0 and (a.args[0].hi or 0) <= 1:
            return a.args[0]
        return self.node(Kind.NOT, None, (a,), 0, 1)

    def and_(self, *args: Node) -> Node:
        return self.junction(Kind.AND, args)

    def or_(self, *args: Node) -> Node:
        return self.junction(Kind.OR, args)

    def junction(self, kind: Kind, args: Sequence[Node]) -> Node:
        """`and`/`or`, flattened, with known parts folded (as ConcreteOps' all/any would)."""
        unit, zero = (1, 0) if kind is Kind.AND else (0, 1)
        parts: list[Node] = []
        for a in args:
            self.tick(len(parts))  # the membership test below is linear in the parts so far
            for p in a.args if a.kind is kind else (a,):
                if p.const is not None:
                    if bool(p.const) != bool(unit):
                        return self.const(zero)
                    continue
                if all(p is not q for q in parts):
                    parts.append(p)
        if any(p.kind is Kind.NOT and any(p.args[0] is q for q in parts) for p in parts):
            return self.const(zero)  # x and not x; x or not x
        if not parts:
            return self.const(unit)
        if kind is Kind.OR and self.covers(parts):
            return self.const(1)
        if len(parts) == 1:
            p = parts[0]
            if p.lo is not None and p.lo >= 0 and p.hi is not None and p.hi <= 1:
                return p
            return self.node(kind, None, (p,), 0, 1)  # a 0/1 of one part: `p != 0`
        return self.node(kind, None, tuple(parts), 0, 1)

    @staticmethod
    def covers(parts: Sequence[Node]) -> bool:
        """`x == a or x == b or …` over every value x can take: true."""
        first = parts[0]
        if first.kind is not Kind.EQ:
            return False
        x = first.args[0]
        if x.lo is None or x.hi is None or x.hi - x.lo > 64:
            return False
        seen: set[int] = set()
        for p in parts:
            if p.kind is not Kind.EQ or p.args[0] is not x or p.args[1].const is None:
                return False
            seen.add(p.args[1].const)
        return all(v in seen for v in range(x.lo, x.hi + 1))

    def eq(self, a: Node, b: Node) -> Node:
        if a.const is not None and b.const is not None:
            return self.const(int(a.const == b.const))
        if a is b:
            return self.const(1)
        if a.const is not None:
            a, b = b, a
        if b.const is not None and a.lo is not None and a.hi is not None and not a.lo <= b.const <= a.hi:
            return self.const(0)
        if b.const is not None and a.lo == a.hi == b.const:
            return self.const(1)
        return self.node(Kind.EQ, None, (a, b), 0, 1)

    def lt(self, a: Node, b: Node) -> Node:
        if a.const is not None and b.const is not None:
            return self.const(int(a.const < b.const))
        return self.node(Kind.LT, None, (a, b), 0, 1)

    def le(self, a: Node, b: Node) -> Node:
        if a.const is not None and b.const is not None:
            return self.const(int(a.const <= b.const))
        if a.hi is not None and b.lo is not None and a.hi <= b.lo:
            return self.const(1)
        if a.lo is not None and b.hi is not None and a.lo > b.hi:
            return self.const(0)
        return self.node(Kind.LE, None, (a, b), 0, 1)

    def arith(self, a: Node, b: Node, sym: str, fn: Callable[[int, int], int]) -> Node:
        if a.const is not None and b.const is not None:
            return self.const(fn(a.const, b.const))
        lo = hi = None
        if None not in (a.lo, a.hi, b.lo, b.hi):
            corners = [fn(x, y) for x, y in itertools.product((a.lo, a.hi), (b.lo, b.hi))]  # type: ignore[arg-type]
            lo, hi = min(corners), max(corners)
        return self.node(Kind.ARITH, sym, (a, b), lo, hi)

    def add(self, a: Node, b: Node) -> Node:
        return self.arith(a, b, "+", lambda x, y: x + y)

    def sub(self, a: Node, b: Node) -> Node:
        return self.arith(a, b, "-", lambda x, y: x - y)

    def mul(self, a: Node, b: Node) -> Node:
        return self.arith(a, b, "*", lambda x, y: x * y)

    def neg(self, a: Node) -> Node:
        return self.sub(self.const(0), a)

    def ite(self, cond: Node, then: Node, else_: Node) -> Node:
        if cond.const is not None:
            return then if cond.const else else_
        if then is else_:
            return then
        lo = hi = None
        if None not in (then.lo, then.hi, else_.lo, else_.hi):
            lo, hi = self.narrow(cond, else_)
            lo, hi = min(then.lo, lo), max(then.hi, hi)  # type: ignore[type-var]
        chain = self.chain(cond, then, else_)
        if chain is not None:
            index = self.index(chain, lo, hi)
            if index is not None:
                return index
        node = self.node(Kind.ITE, None, (cond, then, else_), lo, hi)
        node.chain = chain
        return node

    @staticmethod
    def chain(cond: Node, then: Node, else_: Node) -> tuple[Node, dict[int, int], int] | None:
        """How the interpreter reads a map at a computed key: a chain of `key == k ? slot : …`."""
        if cond.kind is not Kind.EQ or cond.args[1].const is None or then.kind is not Kind.LEAF:
            return None
        x, k = cond.args[0], cond.args[1].const
        if else_.kind is Kind.LEAF:
            return x, {k: then.slot}, else_.slot
        if else_.chain is not None and else_.chain[0] is x and k not in else_.chain[1]:
            return x, {**else_.chain[1], k: then.slot}, else_.chain[2]
        return None

    def index(self, chain: tuple[Node, dict[int, int], int], lo: int | None, hi: int | None) -> Node | None:
        """The chain as one read `s[x * stride + base]`, when it covers every value x can take
        and its slots are evenly spaced."""
        x, slots, default = chain
        if x.lo is None or x.hi is None:
            return None
        missing = [v for v in range(x.lo, x.hi + 1) if v not in slots]
        if len(missing) > 1:
            return None
        full = {**slots, **({missing[0]: default} if missing else {})}
        if len(full) < 2:
            return None
        stride = full[x.lo + 1] - full[x.lo]
        base = full[x.lo] - x.lo * stride
        if any(full[v] != base + v * stride for v in full):
            return None
        return self.node(Kind.INDEX, (stride, base), (x,), lo, hi)

    @staticmethod
    def narrow(cond: Node, else_: Node) -> tuple[int, int]:
        """The range of `else_` where `cond` is false: without k when cond is `else_ == k` and k
        is at an end of its range (how nil is excluded after `if o == nil`)."""
        lo, hi = else_.lo, else_.hi
        assert lo is not None and hi is not None
        if cond.kind is Kind.EQ and cond.args[0] is else_ and cond.args[1].const is not None:
            k = cond.args[1].const
            if k == hi and lo < hi:
                hi -= 1
            elif k == lo and lo < hi:
                lo += 1
        return lo, hi

    def reach(self, roots: Sequence[Node], succ: Sequence[Sequence[Node]], size: int) -> list[Node]:
        args = (*roots, *(p for row in succ for p in row))
        nr, nf = len(roots), len(succ[0]) if succ else 0
        call = self.node(Kind.CALL, (nr, nf, size), args)
        return [self.node(Kind.ITEM, o, (call,), 0, 1) for o in range(size)]
