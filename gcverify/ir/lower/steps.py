"""Step counting: how many atomic steps a piece of a process body takes (NOTE(granularity)).

Owns: `StepCounter`, which tells the graph builder whether a `choose`, a `for` body or a procedure
runs in a single step (then its names need no hidden local, and a call of it is one step).
Invariants: counts are upper bounds over every path; constant-folded conditions count only the
branch they take; a loop (or a scalarset `for` over more than nothing) counts as looping.
Must not import anything from gcverify but `source` and `ir`.
"""

from __future__ import annotations

from typing import assert_never

from gcverify.ir import control as c
from gcverify.ir import nodes as n
from gcverify.ir.fold import fold
from gcverify.ir.lower.cfg import is_false, is_true


class StepCounter:
    def __init__(self, procs: tuple[c.ProcDef, ...]) -> None:
        self.procs = procs
        self.proc_steps: dict[int, tuple[int, bool]] = {}  # a cache: procedure -> its count

    def steps(self, stmts: tuple[c.SStmt, ...]) -> tuple[int, bool]:
        """(the most steps any path through `stmts` takes, whether it loops)."""
        total, loops = 0, False
        for st in stmts:
            k, lp = self.stmt_steps(st)
            total, loops = total + k, loops or lp
        return total, loops

    def single_step(self, stmts: tuple[c.SStmt, ...]) -> bool:
        k, loops = self.steps(stmts)
        return k <= 1 and not loops

    def stmt_steps(self, st: c.SStmt) -> tuple[int, bool]:
        match st:
            case c.SAssign() | c.SSkip() | c.SAwait() | c.SAssert() | c.SAtomic():
                return 1, False
            case c.SLocal() | c.SSafepoint() | c.SLabel():
                return 0, False
            case c.SIf(cond=cond, then=t, else_=f):
                test = fold(cond)
                if is_true(test):
                    return self.steps(t)
                if is_false(test):
                    return self.steps(f)
                a, b = self.steps(t), self.steps(f)
                return max(a[0], b[0]), a[1] or b[1]
            case c.SEither(branches=bs):
                counts = [self.steps(b) for b in bs]
                return max(k for k, _ in counts), any(lp for _, lp in counts)
            case c.SChoose(body=b):
                return self.steps(b)
            case c.SWhile():
                return 2, True
            case c.SFor(sort=sort, body=b):
                k, lp = self.steps(b)
                return k * len(sort.elements()), lp or (k > 0 and isinstance(sort, n.ScalarsetSort))
            case c.SCall(proc=p):
                return self.proc_step_count(p)
            case _:
                assert_never(st)

    def proc_step_count(self, p: int) -> tuple[int, bool]:
        if p not in self.proc_steps:
            self.proc_steps[p] = (2, True)  # provisional: recursion is reported when inlining
            self.proc_steps[p] = self.steps(self.procs[p].body)
        return self.proc_steps[p]
