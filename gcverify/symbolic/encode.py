"""The transition system in Z3: state variables per step, initial states, transitions, invariants.

Owns: `Encoding` (for one model: the bit-vector width, fresh state vectors, the domain of every
slot, the initial-state constraint, the transition relation built by running the ONE interpreter
with `Z3Ops` on symbolic states, and invariant values).  Every action is a disjunct selected by a
per-step selector variable, with its parameters as fresh, domain-constrained variables, so a Z3
model decodes into the explorer's own `ActionInstance`s (decode.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import z3

from gcverify.ir import nodes as n
from gcverify.ir.walk import children, stmt_children, stmt_exprs
from gcverify.semantics.interp import Interpreter
from gcverify.semantics.layout import Layout
from gcverify.symbolic.z3ops import Z3Ops

State = list[z3.ExprRef]


def sort_bounds(sort: n.Sort) -> tuple[int, int]:
    match sort:
        case n.BoolSort():
            return 0, 1
        case n.IntSort(lo=lo, hi=hi):
            return (lo or 0, hi or 0)
        case _:
            r = sort.elements()
            return r.start, r.stop - 1


def _interval(e: n.Expr, bound: dict[int, tuple[int, int]]) -> tuple[int, int]:
    match e:
        case n.Lit(value=v):
            return v, v
        case n.Arith(op=op, left=a, right=b):
            (x0, x1), (y0, y1) = _interval(a, bound), _interval(b, bound)
            if op is n.ArithOp.ADD:
                return x0 + y0, x1 + y1
            if op is n.ArithOp.SUB:
                return x0 - y1, x1 - y0
            products = (x0 * y0, x0 * y1, x1 * y0, x1 * y1)
            return min(products), max(products)
        case n.Neg(operand=a):
            x0, x1 = _interval(a, bound)
            return -x1, -x0
        case n.Ite(then=a, else_=b):
            (x0, x1), (y0, y1) = _interval(a, bound), _interval(b, bound)
            return min(x0, y0), max(x1, y1)
        case n.Bound(slot=slot) if slot in bound:
            return bound[slot]
    return sort_bounds(e.type) if isinstance(e.type, n.IntSort) and e.type.bounded else (0, 1)


def width_for(spec: n.Spec) -> int:
    """Bits (with a sign bit) that hold every value the model can compute, so bit-vector
    arithmetic never wraps where Python's integers would not."""
    hi = 1
    for v in spec.vars:
        for s in (*v.keys, v.sort):
            lo_, hi_ = sort_bounds(s)
            hi = max(hi, abs(lo_), abs(hi_))
    for a in spec.actions:
        for p in a.params:
            lo_, hi_ = sort_bounds(p.sort)
            hi = max(hi, abs(lo_), abs(hi_))

    def exprs() -> Iterator[n.Expr]:
        stack: list[n.Stmt] = [s for a in spec.actions for s in a.body]
        while stack:
            st = stack.pop()
            yield from stmt_exprs(st)
            stack.extend(stmt_children(st))
        for i in spec.invariants:
            yield i.body
        for d in spec.defs:
            yield d.body

    todo = list(exprs())
    while todo:
        e = todo.pop()
        x0, x1 = _interval(e, {})
        hi = max(hi, abs(x0), abs(x1))
        todo.extend(children(e))
    return max(hi.bit_length() + 2, 3)


@dataclass(frozen=True, slots=True)
class StepVars:
    selector: z3.BitVecRef
    params: tuple[tuple[z3.ExprRef, ...], ...]  # per action


class Encoding:
    def __init__(self, spec: n.Spec) -> None:
        self.spec = spec
        self.layout = Layout(spec)
        self.width = width_for(spec)
        self.ops = Z3Ops(self.width)
        self.interp: Interpreter[z3.ExprRef] = Interpreter(spec, self.ops, self.layout)
        self.slot_sorts: list[n.Sort] = []
        for v, vl in zip(spec.vars, self.layout.vars, strict=True):
            self.slot_sorts.extend([v.sort] * vl.size)
        self.selector_width = max(len(spec.actions).bit_length(), 1)

    # ------------------------------------------------------------ states

    def state(self, tag: str) -> State:
        out: State = []
        for i, sort in enumerate(self.slot_sorts):
            if isinstance(sort, n.BoolSort):
                out.append(z3.Bool(f"s{i}@{tag}"))
            else:
                out.append(z3.BitVec(f"s{i}@{tag}", self.width))
        return out

    def domain(self, state: State) -> list[z3.BoolRef]:
        """Every slot holds a value of its sort."""
        out: list[z3.BoolRef] = []
        for v, sort in zip(state, self.slot_sorts, strict=True):
            if not isinstance(sort, n.BoolSort):
                lo, hi = sort_bounds(sort)
                out.append(z3.And(v >= lo, v <= hi))
        return out

    def initial(self, state: State) -> list[z3.BoolRef]:
        init = self.layout.initial()
        return [self._eq(v, k, sort) for v, k, sort in zip(state, init, self.slot_sorts, strict=True)]

    def _eq(self, v: z3.ExprRef, k: int, sort: n.Sort) -> z3.BoolRef:
        return v == self.ops.lit(k, sort)

    def equal(self, a: State, b: Sequence[z3.ExprRef]) -> list[z3.BoolRef]:
        return [x == y for x, y in zip(a, b, strict=True) if not x.eq(y)]

    # ------------------------------------------------------------ transitions

    def step_vars(self, tag: str) -> StepVars:
        params = []
        for a in self.spec.actions:
            params.append(tuple(self._param(f"p{a.index}_{j}@{tag}", p.sort) for j, p in enumerate(a.params)))
        return StepVars(z3.BitVec(f"sel@{tag}", self.selector_width), tuple(params))

    def _param(self, name: str, sort: n.Sort) -> z3.ExprRef:
        return z3.Bool(name) if isinstance(sort, n.BoolSort) else z3.BitVec(name, self.width)

    def transition(self, pre: State, post: State, sv: StepVars) -> tuple[z3.BoolRef, z3.BoolRef]:
        """(the transition relation, the condition under which the step faults)."""
        options: list[z3.BoolRef] = []
        faults: list[z3.BoolRef] = []
        for a, params in zip(self.spec.actions, sv.params, strict=True):
            out = self.interp.run_action(a.index, pre, params)
            if out is None:
                continue
            chosen = sv.selector == a.index
            dom = [
                z3.And(p >= sort_bounds(q.sort)[0], p <= sort_bounds(q.sort)[1])
                for p, q in zip(params, a.params, strict=True)
                if not isinstance(q.sort, n.BoolSort)
            ]
            fault = self.ops.or_(*(f.cond for f in out.faults))
            options.append(z3.And(chosen, *dom, out.enabled, z3.Not(fault), *self.equal(post, out.post)))
            if out.faults:
                faults.append(z3.And(chosen, *dom, fault))
        rel = z3.Or(*options) if options else z3.BoolVal(False)
        return rel, (z3.Or(*faults) if faults else z3.BoolVal(False))

    # ------------------------------------------------------------ properties

    def invariant(self, index: int, state: State) -> z3.BoolRef:
        """The invariant's value; a fault while evaluating it counts as false (as concretely)."""
        value, faults = self.interp.eval_invariant(index, state)
        return z3.And(value, *(z3.Not(f.cond) for f in faults))

    def side(self) -> list[z3.BoolRef]:
        """Definitions of the fresh variables the encoding introduced (reachability), to assert once."""
        out = list(self.ops.side)
        self.ops.side.clear()
        return out
