"""Loop independence: a static analysis of the loops over a scalarset that one step runs (`ForEach`).

Owns: `independence(spec, loop)`: whether the loop's iterations are independent, that is, each
writes only the entries of the variables it writes at its own element, and reads, of those
variables, only the entries at its own element; nor does it wait or nest another such loop.  Then
the order of the iterations does not matter, which two engines rely on: a proof for every size runs
the loop for all elements at once (semantics/interp.py, `for_each_unbounded`), and BMC's symmetry
breaking needs every step to treat the objects alike (symbolic/encode.py, `object_symmetry`).
Invariant: the answer depends only on the IR; nothing here evaluates anything.
Must not import anything from gcverify but `source` and `ir`.
"""

from __future__ import annotations

from dataclasses import dataclass

from gcverify.ir import nodes as n
from gcverify.ir.walk import children, stmt_children, stmt_exprs


@dataclass(frozen=True, slots=True)
class Independence:
    """The variables the loop writes, and `problem`: None when its iterations are independent,
    else why not (a sentence about the loop)."""

    written: frozenset[int]
    problem: str | None


def independence(spec: n.Spec, loop: n.ForEach) -> Independence:
    me = n.Bound(loop.slot, loop.sort, loop.name)
    what = f"the loop 'for {loop.name} in {loop.sort.name}'"

    def own(var: int, indices: tuple[n.Expr, ...]) -> list[n.Expr]:
        """The indices of `var` at keys of the loop's sort."""
        return [i for i, k in zip(indices, spec.vars[var].keys, strict=True) if k == loop.sort]

    written: set[int] = set()
    stmts: list[n.Stmt] = list(loop.body)
    exprs: list[n.Expr] = []
    while stmts:
        s = stmts.pop()
        if isinstance(s, n.Assign):
            keys = own(s.var, s.indices)
            if len(keys) != 1 or keys[0] != me:
                problem = f"{what} writes {spec.vars[s.var].name} other than at its own {loop.sort.name}"
                return Independence(frozenset(written), problem)
            written.add(s.var)
        elif isinstance(s, (n.Assume, n.ForEach)):
            return Independence(frozenset(written), f"{what} waits or nests another such loop")
        exprs.extend(stmt_exprs(s))
        stmts.extend(stmt_children(s))
    seen: set[int] = set()
    while exprs:
        e = exprs.pop()
        if isinstance(e, n.Read) and e.var in written and any(i != me for i in own(e.var, e.indices)):
            problem = f"{what} reads {spec.vars[e.var].name} other than at its own {loop.sort.name}, and writes it"
            return Independence(frozenset(written), problem)
        if isinstance(e, n.Apply) and e.fn not in seen:
            seen.add(e.fn)
            exprs.append(spec.defs[e.fn].body)
        if isinstance(e, n.Quant):
            exprs.append(e.body)
            continue
        exprs.extend(children(e))
    return Independence(frozenset(written), None)
