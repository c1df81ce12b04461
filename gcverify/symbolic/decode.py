"""Z3 models -> the explorer's own states, action instances and traces.

Owns: reading slot values and the chosen action instance of each step out of a Z3 model.  What it
returns is always re-checked by concrete replay before anyone sees it (see bmc.py, STYLE.md S6).
"""

from __future__ import annotations

from collections.abc import Sequence

import z3

from gcverify.ir import nodes as n
from gcverify.semantics.state import ActionInstance, State
from gcverify.symbolic.encode import Encoding, StepVars


def value(model: z3.ModelRef, term: z3.ExprRef, sort: n.Sort) -> int:
    v = model.eval(term, model_completion=True)
    if isinstance(sort, n.BoolSort):
        return 1 if z3.is_true(v) else 0
    return int(v.as_signed_long())


def state(enc: Encoding, model: z3.ModelRef, terms: list[z3.ExprRef]) -> State:
    return tuple(value(model, t, s) for t, s in zip(terms, enc.slot_sorts, strict=True))


def instance(enc: Encoding, model: z3.ModelRef, sv: StepVars) -> ActionInstance:
    index = int(model.eval(sv.selector, model_completion=True).as_long())  # the selector is unsigned
    action = enc.spec.actions[index]
    args = tuple(value(model, p, q.sort) for p, q in zip(sv.params[index], action.params, strict=True))
    return ActionInstance(index, args)


def simplest(enc: Encoding, solver: z3.Solver, states: Sequence[Sequence[z3.ExprRef]]) -> None:
    """Narrow a satisfiable `solver` to a model that is easy to read: slot by slot, in layout
    order, the slot's initial value (objects: allocated) is asserted when the answer stays
    satisfiable.  Meant for quantifier-free queries at fixed sizes, where each check is quick."""
    alloc = enc.spec.heap.allocated if enc.spec.heap is not None else None
    init = enc.layout.initial()
    owners = [var for var, vl in enumerate(enc.layout.vars) for _ in range(vl.size)]
    for terms in states:
        for term, slot, k, var in zip(terms, enc.slots, init, owners, strict=True):
            solver.push()
            solver.add(term == enc.ops.lit(1 if var == alloc else k, slot.sort))
            if solver.check() == z3.sat:
                continue
            solver.pop()
    if solver.check() != z3.sat:
        # stays: a runtime invariant of the solver (each kept constraint was sat), not of a type
        raise AssertionError("simplifying a model lost it")
