"""The transition system in Z3: state variables per step, initial states, transitions, invariants.

Owns: `Encoding` (for one model: the bit-vector width, fresh state vectors, the domain of every
slot, the initial-state constraint, the transition relation built by running the ONE interpreter
with `Z3Ops` on symbolic states, and invariant values).  Every action is a disjunct selected by a
per-step selector variable, with its parameters as fresh, domain-constrained variables, so a Z3
model decodes into the explorer's own `ActionInstance`s (decode.py).

`Encoding(spec, all_sizes=True)` encodes the same actions for heaps of every size: the heap's
`Object` sort becomes uninterpreted (`UnboundedZ3Ops`), variables keyed by it become arrays, and
whatever cannot be said that way (reachability, loops over objects) is refused with its location
(`Unsupported`), never approximated.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import z3

from gcverify.budget import Budget
from gcverify.diagnostics import Code, Diagnostic, GcverifyError, Note
from gcverify.ir import nodes as n
from gcverify.ir.loops import independence
from gcverify.ir.walk import children, stmt_children, stmt_exprs
from gcverify.semantics.interp import Interpreter, Outcome
from gcverify.semantics.layout import Layout
from gcverify.semantics.ops import NotFirstOrder
from gcverify.source import Span
from gcverify.symbolic.z3ops import UnboundedZ3Ops, Z3Ops

State = list[z3.ExprRef]

# For every size: heaps this small are searched at fixed sizes first (quantifier-free, complete,
# fast), and a query with quantifiers gets this long unless the user gives --solver-timeout.
SMALL_HEAPS = 3
ALL_SIZES_TIMEOUT_MS = 60_000


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


def gave_up(solver: z3.Solver, budget: Budget, where: str) -> str:
    """Why `solver` answered unknown, `where` ("at depth 3"): the budget's reason when it is spent
    (its time limit is the query's timeout; Ctrl-C during a query cancels it and marks the budget
    interrupted: see `Budget.after_solver`), else Z3's own."""
    why = solver.reason_unknown()
    stop = budget.after_solver(why)
    return f"{stop} while solving {where}" if stop else f"Z3 answered unknown ({why}) {where}"


def unsupported(what: str, span: Span | None, err: NotFirstOrder, defined: Span | None = None) -> GcverifyError:
    """`what` (at `span`; its definition at `defined`) cannot be expressed for every heap size."""
    notes = (Note("defined here", defined),) if defined is not None and defined != span else ()
    return GcverifyError(
        [
            Diagnostic(
                code=Code.NOT_FIRST_ORDER,
                span=span,
                message=f"{what} cannot be checked for every heap size: {err}",
                hint="prove it at fixed sizes instead (without --all-sizes), where every property can be encoded",
                notes=notes,
            )
        ]
    )


@dataclass(frozen=True, slots=True)
class Slot:
    sort: n.Sort  # of the values
    tables: int  # 0: one value; k: a table over k keys of the unbounded sort


@dataclass(frozen=True, slots=True)
class StepVars:
    selector: z3.BitVecRef
    params: tuple[tuple[z3.ExprRef, ...], ...]  # per action


class Encoding:
    def __init__(self, spec: n.Spec, all_sizes: bool = False, budget: Budget | None = None) -> None:
        """`budget`: checked before each action is encoded (raises `Stopped`)."""
        self.spec = spec
        self.budget = budget
        self.width = width_for(spec)
        self.unbounded: UnboundedZ3Ops | None = None
        self.ops: Z3Ops
        if all_sizes:
            if spec.heap is None:
                raise GcverifyError(
                    [
                        Diagnostic(
                            code=Code.NOT_FIRST_ORDER,
                            message=f"spec {spec.name!r} has no heap ('fields') to check for every size",
                        )
                    ]
                )
            self.unbounded = UnboundedZ3Ops(self.width, spec.heap.objects)
            self.ops = self.unbounded
            self.layout = Layout(spec, unbounded=spec.heap.objects)
        else:
            self.ops = Z3Ops(self.width)
            self.layout = Layout(spec)
        self.ops.budget = budget
        self.interp: Interpreter[z3.ExprRef] = Interpreter(spec, self.ops, self.layout)
        self.slots: list[Slot] = []
        for v, vl in zip(spec.vars, self.layout.vars, strict=True):
            self.slots.extend([Slot(v.sort, len(vl.tables))] * vl.size)
        self.slot_sorts = [s.sort for s in self.slots]
        self.selector_width = max(len(spec.actions).bit_length(), 1)

    def solver(self) -> z3.Solver:
        """QF_BV at fixed sizes (about 10x faster than the default there); for every size, Z3's UFBV
        strategy (macro finding and model-based quantifier instantiation), which settled the zoo's
        lemmas where the default solver answered `unknown` (incomplete quantifiers)."""
        return z3.SolverFor("QF_BV") if self.unbounded is None else z3.SolverFor("UFBV")

    def decide_all_sizes(
        self, constraints: Sequence[z3.BoolRef], timeout_ms: int
    ) -> tuple[z3.CheckSatResult, str, int]:
        """For every size: whether `constraints` are satisfiable (UFBV first, then Z3's default
        solver if it answers `unknown`: the two quantifier strategies settle different queries),
        the reason for `unknown`, and the number of objects in the countermodel when satisfiable
        (at least 1: a scalarset is never empty)."""
        u = self.unbounded
        assert u is not None
        answer, why = z3.unknown, ""
        for solver in (self.solver(), z3.Solver()):
            solver.set("timeout", timeout_ms)
            solver.add(*constraints)
            answer, why = solver.check(), solver.reason_unknown()
            if answer == z3.sat:
                zm = solver.model()
                nil = zm.eval(u.nil, model_completion=True)
                return answer, why, max(1, sum(1 for e in zm.get_universe(u.sort) or [] if not e.eq(nil)))
            if answer == z3.unsat:
                break
        return answer, why, 0

    # ------------------------------------------------------------ states

    def _value(self, name: str, sort: n.Sort) -> z3.ExprRef:
        if self.unbounded is not None:
            return z3.Const(name, self.unbounded.z3_sort(sort))
        return z3.Bool(name) if isinstance(sort, n.BoolSort) else z3.BitVec(name, self.width)

    def state(self, tag: str) -> State:
        out: State = []
        for i, slot in enumerate(self.slots):
            if slot.tables:
                assert self.unbounded is not None
                u = self.unbounded
                out.append(z3.Array(f"s{i}@{tag}", *([u.sort] * slot.tables), u.z3_sort(slot.sort)))
            else:
                out.append(self._value(f"s{i}@{tag}", slot.sort))
        return out

    def in_sort(self, v: z3.ExprRef, sort: n.Sort) -> z3.BoolRef | None:
        """That `v` is a value of `sort` (None: every value of its Z3 sort is)."""
        u = self.unbounded
        if u is not None and u.is_object(sort):
            return v != u.nil if sort == u.objects else None
        if isinstance(sort, n.BoolSort):
            return None
        lo, hi = sort_bounds(sort)
        return z3.And(v >= lo, v <= hi)

    def domain(self, state: State) -> list[z3.BoolRef]:
        """Every slot holds a value of its sort (every entry of a table, for every object)."""
        out: list[z3.BoolRef] = []
        for v, slot in zip(state, self.slots, strict=True):
            if not slot.tables:
                c = self.in_sort(v, slot.sort)
                if c is not None:
                    out.append(c)
                continue
            assert self.unbounded is not None
            u = self.unbounded
            xs = [z3.Const(f"k{j}!dom", u.sort) for j in range(slot.tables)]
            c = self.in_sort(z3.Select(v, *xs), slot.sort)
            if c is not None:
                out.append(z3.ForAll(xs, z3.Implies(z3.And(*(x != u.nil for x in xs)), c)))
        return out

    def initial(self, state: State) -> list[z3.BoolRef]:
        out: list[z3.BoolRef] = []
        init = iter(self.layout.initial())
        for v, slot in zip(state, self.slots, strict=True):
            value = self.ops.lit(next(init), slot.sort)
            if slot.tables:
                assert self.unbounded is not None
                value = self.unbounded.table(slot.tables, value)
            out.append(v == value)
        return out

    def equal(self, a: State, b: Sequence[z3.ExprRef]) -> list[z3.BoolRef]:
        return [x == y for x, y in zip(a, b, strict=True) if not x.eq(y)]

    # ------------------------------------------------------------ transitions

    def step_vars(self, tag: str) -> StepVars:
        params = []
        for a in self.spec.actions:
            params.append(tuple(self._value(f"p{a.index}_{j}@{tag}", p.sort) for j, p in enumerate(a.params)))
        return StepVars(z3.BitVec(f"sel@{tag}", self.selector_width), tuple(params))

    def param_domain(self, action: n.Action, params: Sequence[z3.ExprRef]) -> list[z3.BoolRef]:
        out = [self.in_sort(p, q.sort) for p, q in zip(params, action.params, strict=True)]
        return [c for c in out if c is not None]

    def run(self, action: n.Action, pre: State, params: Sequence[z3.ExprRef]) -> Outcome[z3.ExprRef] | None:
        """The action from `pre` (see Interpreter.run_action); for every size, what it cannot
        express is refused at the step's location."""
        try:
            return self.interp.run_action(action.index, pre, params)
        except NotFirstOrder as e:
            raise unsupported(f"the step {action.label!r}", action.span, e) from None

    def transition(self, pre: State, post: State, sv: StepVars) -> tuple[z3.BoolRef, dict[int, z3.BoolRef]]:
        """(the transition relation, per fault site the condition under which the step faults there).

        Functional form: the selector names one action, whose guard holds and which does not
        fault, and each post-state slot is an if-then-else over the actions that change it,
        falling back to the pre-state.  The same relation as a disjunction over the actions of
        "this action, and every slot equals its result", with one equation per slot instead of one
        per slot and action (BMC to depth 12 on `hybrid_no_insertion`: see the README)."""
        chosen_any: list[z3.BoolRef] = []
        guards: list[z3.BoolRef] = []
        faults: dict[int, list[z3.BoolRef]] = {}
        writes: list[list[tuple[z3.BoolRef, z3.ExprRef]]] = [[] for _ in pre]
        for a, params in zip(self.spec.actions, sv.params, strict=True):
            if self.budget is not None:
                self.budget.check("encoding the transition relation")
            out = self.run(a, pre, params)
            if out is None:
                continue
            chosen = sv.selector == a.index
            dom = self.param_domain(a, params)
            fault = self.ops.or_(*(f.cond for f in out.faults))
            chosen_any.append(chosen)
            guards.append(z3.Implies(chosen, z3.And(*dom, out.enabled, z3.Not(fault))))
            for w, new, old in zip(writes, out.post, pre, strict=True):
                if not new.eq(old):
                    w.append((chosen, new))
            # the first fault in program order is the one that happens (NOTE(faults) in interp.py);
            # `clear` (no earlier fault) grows by one term a fault, so the terms stay linear in size
            clear: z3.BoolRef = z3.BoolVal(True)
            for f in out.faults:
                faults.setdefault(f.site, []).append(z3.And(chosen, *dom, f.cond, clear))
                clear = z3.And(clear, z3.Not(f.cond))
        if not chosen_any:
            return z3.BoolVal(False), {}
        frame: list[z3.BoolRef] = []
        for p, old, w in zip(post, pre, writes, strict=True):
            value = old
            for chosen, new in reversed(w):
                value = z3.If(chosen, new, value)
            frame.append(p == value)
        rel = z3.And(z3.Or(*chosen_any), *guards, *frame)
        return rel, {site: z3.Or(*conds) for site, conds in sorted(faults.items())}

    # ------------------------------------------------------------ symmetry

    def object_symmetry(self) -> str | None:
        """None when every step treats the heap's objects alike, so that any trace permuted by a
        renaming of the objects is a trace too (what `touched` relies on); else why not.  The
        scalarset rules (GCV301) give that for expressions; what is left to check is that no step
        names one particular object (a loop over objects unrolled with the elements in index order)
        and that every loop over objects in one step has independent iterations (then their order
        does not matter)."""
        heap = self.spec.heap
        if heap is None:
            return "the spec has no heap"
        objects = heap.objects
        stmts: list[n.Stmt] = [s for a in self.spec.actions for s in a.body]
        while stmts:
            st = stmts.pop()
            if isinstance(st, n.ForEach) and st.sort == objects:
                problem = independence(self.spec, st).problem
                if problem is not None:
                    return problem
            todo = list(stmt_exprs(st))
            while todo:
                e = todo.pop()
                if isinstance(e, n.Lit) and e.type in (objects, n.OptionSort(objects)) and e.value != objects.size:
                    return f"a step names the object {objects.show(e.value)}"
                todo.extend(children(e))
            stmts.extend(stmt_children(st))
        return None

    def touched(self, state: State, before: Sequence[z3.BoolRef] | None) -> tuple[list[z3.BoolRef], list[z3.BoolRef]]:
        """Per object, whether it has been touched by `state` (touched `before`, or one of its slots
        differs from its initial value, or a slot holds it), as fresh flags, with their definitions
        and the symmetry-breaking order: object i+1 is touched only once object i is.  Any trace,
        its objects renamed in the order they are first touched, satisfies the order; so (given
        `object_symmetry()`) it keeps every verdict and every shortest depth."""
        heap = self.spec.heap
        assert heap is not None
        objects = heap.objects
        init = self.layout.initial()
        changed: list[list[z3.BoolRef]] = [[] for _ in objects.elements()]
        for var, (v, vl) in enumerate(zip(self.spec.vars, self.layout.vars, strict=True)):
            dims = [i for i, k in enumerate(v.keys) if k == objects]
            holds_objects = v.sort in (objects, n.OptionSort(objects))
            for j, key in enumerate(self.layout.keys(var)):
                slot = vl.offset + j
                value = state[slot]
                if dims:
                    differs = value != self.ops.lit(init[slot], v.sort)
                    for d in dims:
                        changed[key[d]].append(differs)
                if holds_objects:
                    for o in objects.elements():
                        changed[o].append(value == self.ops.lit(o, v.sort))
        flags = [z3.Bool(f"touched!{next(self.ops._fresh)}") for _ in objects.elements()]
        defs = [f == z3.Or(*([before[o]] if before is not None else []), *changed[o]) for o, f in enumerate(flags)]
        order = [z3.Implies(flags[o + 1], flags[o]) for o in range(objects.size - 1)]
        return flags, defs + order

    def sorted_objects(self, state: State) -> list[z3.BoolRef]:
        """Symmetry breaking for a state that is not reached from the initial one (the pre-state of
        a counterexample to induction): objects in order of their own values (the slots keyed by
        them that do not hold objects), compared as one bit-vector each.  Any state, its objects
        renamed in that order, satisfies it; so (given `object_symmetry()`) whether some step leaves
        a candidate does not change."""
        heap = self.spec.heap
        assert heap is not None
        objects = heap.objects
        parts: list[list[z3.BitVecRef]] = [[] for _ in objects.elements()]
        for var, (v, vl) in enumerate(zip(self.spec.vars, self.layout.vars, strict=True)):
            if v.sort in (objects, n.OptionSort(objects)) or objects not in v.keys:
                continue
            d = v.keys.index(objects)
            for j, key in enumerate(self.layout.keys(var)):
                value = state[vl.offset + j]
                bits = z3.If(value, z3.BitVecVal(1, 1), z3.BitVecVal(0, 1)) if z3.is_bool(value) else value
                parts[key[d]].append(bits)
        if not parts or not parts[0]:
            return []
        keys = [z3.Concat(*p) if len(p) > 1 else p[0] for p in parts]
        return [z3.ULE(keys[o], keys[o + 1]) for o in range(objects.size - 1)]

    # ------------------------------------------------------------ properties

    def invariant(self, index: int, state: State) -> z3.BoolRef:
        """The invariant's value; a fault while evaluating it counts as false (as concretely)."""
        try:
            value, faults = self.interp.eval_invariant(index, state)
        except NotFirstOrder as e:
            inv = self.spec.invariants[index]
            raise unsupported(f"the property {inv.name!r}", inv.span, e) from None
        return z3.And(value, *(z3.Not(f.cond) for f in faults))

    def side(self) -> list[z3.BoolRef]:
        """Definitions of the fresh variables the encoding introduced (reachability), to assert once."""
        out = list(self.ops.side)
        self.ops.side.clear()
        return out
