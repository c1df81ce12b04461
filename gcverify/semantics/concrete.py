"""`ConcreteOps`: the `Ops` of plain execution, on Python ints (booleans are 0 and 1).

Owns: concrete arithmetic (Python's unbounded ints; range checks happen in the interpreter) and
concrete reachability (a graph search).
"""

from __future__ import annotations

from collections.abc import Sequence

from gcverify.ir.nodes import Sort


class ConcreteOps:
    def lit(self, value: int, sort: Sort) -> int:
        return value

    def value_of(self, v: int) -> int | None:
        return v

    def decide(self, cond: int) -> int | None:
        return cond

    def not_(self, a: int) -> int:
        return 1 - a

    def and_(self, *args: int) -> int:
        return int(all(args))

    def or_(self, *args: int) -> int:
        return int(any(args))

    def eq(self, a: int, b: int) -> int:
        return int(a == b)

    def lt(self, a: int, b: int) -> int:
        return int(a < b)

    def le(self, a: int, b: int) -> int:
        return int(a <= b)

    def add(self, a: int, b: int) -> int:
        return a + b

    def sub(self, a: int, b: int) -> int:
        return a - b

    def mul(self, a: int, b: int) -> int:
        return a * b

    def neg(self, a: int) -> int:
        return -a

    def ite(self, cond: int, then: int, else_: int) -> int:
        return then if cond else else_

    def reach(self, roots: Sequence[int], succ: Sequence[Sequence[int]], size: int) -> list[int]:
        seen = [0] * size
        stack = [r for r in roots if r < size]
        while stack:
            o = stack.pop()
            if seen[o]:
                continue
            seen[o] = 1
            stack.extend(p for p in succ[o] if p < size and not seen[p])
        return seen


CONCRETE = ConcreteOps()
