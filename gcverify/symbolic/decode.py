"""Z3 models -> the explorer's own states, action instances and traces.

Owns: reading slot values and the chosen action instance of each step out of a Z3 model.  What it
returns is always re-checked by concrete replay before anyone sees it (see bmc.py, STYLE.md S6).
"""

from __future__ import annotations

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
