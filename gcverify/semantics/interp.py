"""THE semantics: the one interpreter of IR expressions and actions, generic in the value type V.

Owns: `Compiler` (stages each expression and statement into a closure once per model and `Ops`;
the closures are the interpreter, there is no second one), `Frame` (the state being built by an
action, its parameters, bound names, path condition, guard and faults) and `Outcome`.
Rules (see STYLE.md §3): nothing here applies Python control flow to a `V` except through
`ops.value_of`, which answers only when the value is known; unknown (symbolic) conditions take both
branches and merge.  Faults record the path condition under which they happen, so concrete and
symbolic runs agree on them (NOTE(faults)).
Must not import z3.

NOTE(faults): an action instance faults when, with all its guards so far true, a nil is
dereferenced, an index or an assigned value leaves its range, or an `assert` fails.  Evaluation is
left to right and short-circuits (`and`, `or`, `implies`, `if`, quantifiers), so `o != nil and
color[o] == white` never faults.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, assert_never, cast

from gcverify.ir import nodes as n
from gcverify.ir.loops import independence
from gcverify.semantics.layout import Layout
from gcverify.semantics.ops import NotFirstOrder, Ops, TableOps, V
from gcverify.source import Span


class Disabled(Exception):
    """A guard is false: the action instance is not enabled."""


class Stop(Exception):
    """A fault certainly happened; nothing after it runs."""


@dataclass(frozen=True, slots=True)
class Fault(Generic[V]):
    cond: V
    kind: n.FaultKind
    span: Span | None
    site: int  # which property it violates: an assertion's site, or the spec's runtime_site


@dataclass(slots=True)
class Frame(Generic[V]):
    state: list[V]
    params: Sequence[V]
    path: V
    enabled: V
    bound: dict[int, V] = field(default_factory=dict)
    faults: list[Fault[V]] = field(default_factory=list)
    version: int = 0
    reach_cache: tuple[int, list[V]] | None = None
    property: bool = False  # evaluating a property (where a fault makes it false), not a step


@dataclass(frozen=True, slots=True)
class Outcome(Generic[V]):
    enabled: V
    faults: tuple[Fault[V], ...]
    post: tuple[V, ...]


Fn = Callable[[Frame[V]], V]
Run = Callable[[Frame[V]], None]


class Compiler(Generic[V]):
    """Stages IR into closures over `Frame[V]`, for one model and one `Ops`."""

    def __init__(self, spec: n.Spec, layout: Layout, ops: Ops[V]) -> None:
        self.spec = spec
        self.layout = layout
        self.ops = ops
        self.true = ops.lit(1, n.BOOL)
        self.false = ops.lit(0, n.BOOL)
        self.defs: dict[int, Fn[V]] = {}
        self.def_bodies = [d.body for d in spec.defs]
        self.runtime_site = spec.runtime_site
        # over an unbounded sort (proofs for every heap size) the ops also provide tables and quantifiers
        self.tables: TableOps[V] | None = cast(TableOps[V], ops) if layout.unbounded is not None else None

    # ------------------------------------------------------------ guards and faults

    def assume(self, f: Frame[V], cond: V) -> None:
        ops = self.ops
        if ops.value_of(cond) == 1:
            return
        holds = ops.or_(ops.not_(f.path), cond)
        k = ops.decide(holds)
        if k == 1:
            return
        if k == 0:
            raise Disabled
        f.enabled = ops.and_(f.enabled, holds)

    def fault(self, f: Frame[V], cond: V, kind: n.FaultKind, span: Span | None, site: int | None = None) -> None:
        """`site`: the assertion's (None: a runtime error)."""
        ops = self.ops
        if ops.value_of(cond) == 0:
            return
        c = ops.and_(f.path, f.enabled, cond)
        k = ops.decide(c)
        if k == 0:
            return
        f.faults.append(Fault(c, kind, span, self.runtime_site if site is None else site))
        if k == 1:
            raise Stop

    # ------------------------------------------------------------ expressions

    def expr(self, e: n.Expr) -> Fn[V]:
        ops = self.ops
        match e:
            case n.Lit(value=v, type=t):
                c = ops.lit(v, t)
                return lambda f: c
            case n.Read():
                return self.read(e)
            case n.Param(index=i):
                return lambda f: f.params[i]
            case n.Bound(slot=slot):
                return lambda f: f.bound[slot]
            case n.Not(operand=a):
                fa = self.expr(a)
                return lambda f: ops.not_(fa(f))
            case n.And(args=args):
                return self.conj([self.expr(a) for a in args], negate=False)
            case n.Or(args=args):
                return self.conj([self.expr(a) for a in args], negate=True)
            case n.Implies(left=a, right=b):
                return self.implies(self.expr(a), self.expr(b))
            case n.Cmp(op=op, left=a, right=b):
                return self.cmp(op, self.expr(a), self.expr(b))
            case n.Arith(op=op, left=a, right=b):
                fa, fb = self.expr(a), self.expr(b)
                fn = {n.ArithOp.ADD: ops.add, n.ArithOp.SUB: ops.sub, n.ArithOp.MUL: ops.mul}[op]
                return lambda f: fn(fa(f), fb(f))
            case n.Neg(operand=a):
                fa = self.expr(a)
                return lambda f: ops.neg(fa(f))
            case n.Ite(cond=cnd, then=a, else_=b):
                return self.ite(self.expr(cnd), self.expr(a), self.expr(b))
            case n.Quant():
                return self.quant(e)
            case n.Unwrap(operand=a, type=t, span=span):
                return self.unwrap(self.expr(a), t, span)
            case n.Reachable(operand=a):
                return self.reachable(self.expr(a))
            case n.ReachFrom():
                return self.reach_from(e)
            case n.Stopped(process=p):
                return self.stopped(p)
            case n.Apply(fn=fn_index, args=args):
                return self.apply(fn_index, [self.expr(a) for a in args])
            case _:
                assert_never(e)

    def conj(self, parts: list[Fn[V]], negate: bool) -> Fn[V]:
        """`and` (or, with negate, `or`), short-circuiting left to right."""
        ops = self.ops
        stop = 1 if negate else 0
        done = self.true if negate else self.false
        empty = self.false if negate else self.true

        def run(f: Frame[V]) -> V:
            saved = f.path
            pending: list[V] = []
            try:
                for part in parts:
                    v = part(f)
                    k = ops.value_of(v)
                    if k == stop:
                        return done if not pending else (ops.or_(*pending, v) if negate else ops.and_(*pending, v))
                    if k is None:
                        pending.append(v)
                        f.path = ops.and_(f.path, ops.not_(v) if negate else v)
            finally:
                f.path = saved
            if not pending:
                return empty
            return ops.or_(*pending) if negate else ops.and_(*pending)

        return run

    def implies(self, fa: Fn[V], fb: Fn[V]) -> Fn[V]:
        ops = self.ops
        neg = self.conj([lambda f: ops.not_(fa(f)), fb], negate=True)
        return neg

    def cmp(self, op: n.CmpOp, fa: Fn[V], fb: Fn[V]) -> Fn[V]:
        ops = self.ops
        match op:
            case n.CmpOp.EQ:
                return lambda f: ops.eq(fa(f), fb(f))
            case n.CmpOp.NE:
                return lambda f: ops.not_(ops.eq(fa(f), fb(f)))
            case n.CmpOp.LT:
                return lambda f: ops.lt(fa(f), fb(f))
            case n.CmpOp.LE:
                return lambda f: ops.le(fa(f), fb(f))
            case n.CmpOp.GT:
                return lambda f: ops.lt(fb(f), fa(f))
            case n.CmpOp.GE:
                return lambda f: ops.le(fb(f), fa(f))

    def ite(self, fc: Fn[V], fa: Fn[V], fb: Fn[V]) -> Fn[V]:
        ops = self.ops

        def run(f: Frame[V]) -> V:
            c = fc(f)
            k = ops.value_of(c)
            if k == 1:
                return fa(f)
            if k == 0:
                return fb(f)
            saved = f.path
            try:
                f.path = ops.and_(saved, c)
                a = fa(f)
                f.path = ops.and_(saved, ops.not_(c))
                b = fb(f)
            finally:
                f.path = saved
            return ops.ite(c, a, b)

        return run

    def quant(self, e: n.Quant[n.Expr]) -> Fn[V]:
        ops = self.ops
        body = self.expr(e.body)
        if self.tables is not None and self.layout.is_unbounded(e.sort):
            return self.quant_unbounded(e, body, self.tables)
        values = [ops.lit(v, e.sort) for v in e.sort.elements()]
        slot = e.slot
        parts: list[Fn[V]] = []
        for value in values:

            def part(f: Frame[V], value: V = value) -> V:
                f.bound[slot] = value
                return body(f)

            parts.append(part)
        return self.conj(parts, negate=e.kind is n.QuantKind.EXISTS)

    def quant_unbounded(self, e: n.Quant[n.Expr], body: Fn[V], tables: TableOps[V]) -> Fn[V]:
        """A quantifier over every element of an unbounded sort.  Where its body may fault, the
        result must not depend on which element is tried first (an order the elements do not
        have): so only a `forall` in a property, which is false when some element is false or
        faults, whatever the order; the faults become one, for some element."""
        assert isinstance(e.sort, n.ScalarsetSort)
        slot, sort, ops = e.slot, e.sort, self.ops

        def run(f: Frame[V]) -> V:
            before = len(f.faults)
            x = tables.bound(sort)
            f.bound[slot] = x
            try:
                value = tables.quantify(e.kind, x, body(f))
            except Stop:
                value = None
            faults = f.faults[before:]
            if not faults and value is not None:
                return value
            if value is None or e.kind is not n.QuantKind.FORALL or not f.property:
                raise NotFirstOrder(
                    f"the body of '{e.kind.value} {e.name} in {sort.name}' may fault (e.g. dereference nil) "
                    "where which object is tried first decides the outcome"
                )
            del f.faults[before:]
            some = tables.quantify(n.QuantKind.EXISTS, x, ops.or_(*(q.cond for q in faults)))
            f.faults.append(Fault(some, faults[0].kind, faults[0].span, faults[0].site))
            return value

        return run

    def unwrap(self, fa: Fn[V], sort: n.Sort, span: Span | None) -> Fn[V]:
        ops = self.ops
        assert isinstance(sort, n.ScalarsetSort)
        nil = ops.lit(sort.size, n.OptionSort(sort))
        zero: V | None = None if self.layout.is_unbounded(sort) else ops.lit(0, sort)

        def run(f: Frame[V]) -> V:
            v = fa(f)
            k = ops.value_of(v)
            if k is not None and k != sort.size:
                return v
            is_nil = ops.eq(v, nil)
            self.fault(f, is_nil, n.FaultKind.NIL_DEREF, span)
            # after a fault the value only has to be of the sort (nil is one, for every size)
            return v if zero is None else ops.ite(is_nil, zero, v)

        return run

    def apply(self, index: int, args: list[Fn[V]]) -> Fn[V]:
        d = self.spec.defs[index]
        if index not in self.defs:
            self.defs[index] = self.expr(d.body)
        slots = d.slots

        def run(f: Frame[V]) -> V:
            values = [a(f) for a in args]
            saved = [f.bound.get(s) for s in slots]
            for s, v in zip(slots, values, strict=True):
                f.bound[s] = v
            try:
                return self.defs[index](f)
            finally:
                for s, old in zip(slots, saved, strict=True):
                    if old is not None:
                        f.bound[s] = old

        return run

    def not_first_order(self, what: str) -> None:
        if self.tables is not None:
            raise NotFirstOrder(f"{what} is not first order (it needs the transitive closure of the heap)")

    def reachable(self, fa: Fn[V]) -> Fn[V]:
        self.not_first_order("reachable(…)")
        ops = self.ops
        heap = self.spec.heap
        assert heap is not None
        size = heap.objects.size
        root_slots = [s for r in heap.roots for s in self.var_slots(r)]
        hl = self.layout.vars[heap.var]
        nfields = hl.sizes[1]
        objs = [ops.lit(o, heap.objects) for o in range(size)]

        def run(f: Frame[V]) -> V:
            if f.reach_cache is None or f.reach_cache[0] != f.version:
                st = f.state
                succ = [[st[hl.offset + o * nfields + k] for k in range(nfields)] for o in range(size)]
                f.reach_cache = (f.version, ops.reach([st[s] for s in root_slots], succ, size))
            flags = f.reach_cache[1]
            o = fa(f)
            k = ops.value_of(o)
            if k is not None:
                return flags[k]
            return ops.or_(*(ops.and_(ops.eq(o, objs[i]), flags[i]) for i in range(size)))

        return run

    def reach_from(self, e: n.ReachFrom[n.Expr]) -> Fn[V]:
        self.not_first_order("reach(…)")
        ops = self.ops
        heap = self.spec.heap
        assert heap is not None
        size = heap.objects.size
        hl = self.layout.vars[heap.var]
        nfields = hl.sizes[1]
        objs = [ops.lit(o, heap.objects) for o in range(size)]
        nil = ops.lit(size, n.OptionSort(heap.objects))
        target, start, via = self.expr(e.target), self.expr(e.start), self.expr(e.via)

        def flags(f: Frame[V], slot: int, cond: Fn[V]) -> list[V]:
            out = []
            for o in objs:
                f.bound[slot] = o
                out.append(cond(f))
            return out

        def keep(p: V, allowed: list[V]) -> V:
            k = ops.value_of(p)
            if k is not None:
                return ops.ite(allowed[k], p, nil) if k < size else nil
            ok = ops.or_(*(ops.and_(ops.eq(p, objs[i]), allowed[i]) for i in range(size)))
            return ops.ite(ok, p, nil)

        def run(f: Frame[V]) -> V:
            seeds = [ops.ite(c, o, nil) for c, o in zip(flags(f, e.start_slot, start), objs, strict=True)]
            allowed = flags(f, e.via_slot, via)
            st = f.state
            succ = [[keep(st[hl.offset + o * nfields + k], allowed) for k in range(nfields)] for o in range(size)]
            reached = ops.reach(seeds, succ, size)
            t = target(f)
            k = ops.value_of(t)
            if k is not None:
                return reached[k]
            return ops.or_(*(ops.and_(ops.eq(t, objs[i]), reached[i]) for i in range(size)))

        return run

    def stopped(self, index: int) -> Fn[V]:
        ops = self.ops
        proc = self.spec.processes[index]
        pc_sort = self.spec.vars[proc.pc_var].sort
        pcs = [ops.lit(k, pc_sort) for k in (*proc.safe_pcs, proc.end_pc)]
        vl = self.layout.vars[proc.pc_var]
        slots = range(vl.offset, vl.offset + vl.size)

        def run(f: Frame[V]) -> V:
            return ops.and_(*(ops.or_(*(ops.eq(f.state[s], k) for k in pcs)) for s in slots))

        return run

    def var_slots(self, var: int) -> range:
        vl = self.layout.vars[var]
        return range(vl.offset, vl.offset + vl.size)

    # ------------------------------------------------------------ state access

    def offsets(
        self, var: int, indices: Sequence[n.Expr], span: Span | None
    ) -> Callable[[Frame[V]], int | list[tuple[V, int]]]:
        """For a read or write, the slot meant: an int when every index is known (always,
        concretely), else the candidate slots with the condition under which each is meant."""
        ops = self.ops
        vl = self.layout.vars[var]
        keys = [k for i, k in enumerate(self.spec.vars[var].keys) if i not in vl.tables]
        fns = [self.expr(i) for i in indices]
        dims = list(zip(vl.los, vl.sizes, vl.strides, strict=True))
        key_lits = [[ops.lit(v, k) for v in k.elements()] for k in keys]
        base = vl.offset
        value_of = ops.value_of

        def slow(f: Frame[V], vals: list[V]) -> list[tuple[V, int]]:
            cands: list[tuple[V, int]] = [(self.true, base)]
            for d, (v, (lo, size, stride)) in enumerate(zip(vals, dims, strict=True)):
                k = value_of(v)
                if k is not None:
                    if not lo <= k < lo + size:
                        self.fault(f, self.true, n.FaultKind.OUT_OF_RANGE, span)
                        k = lo
                    cands = [(c, off + (k - lo) * stride) for c, off in cands]
                    continue
                options = [(ops.eq(v, key_lits[d][j]), j) for j in range(size)]
                self.fault(f, ops.not_(ops.or_(*(c for c, _ in options))), n.FaultKind.OUT_OF_RANGE, span)
                cands = [(ops.and_(c, c2), off + j * stride) for (c, off), (c2, j) in itertools.product(cands, options)]
            return cands

        if len(fns) == 1:
            (fn,), ((lo, size, _),) = fns, dims

            def one(f: Frame[V]) -> int | list[tuple[V, int]]:
                v = fn(f)
                k = value_of(v)
                if k is not None and lo <= k < lo + size:
                    return base + k - lo
                return slow(f, [v])

            return one

        def run(f: Frame[V]) -> int | list[tuple[V, int]]:
            vals = [fn(f) for fn in fns]
            off = base
            for v, (lo, size, stride) in zip(vals, dims, strict=True):
                k = value_of(v)
                if k is None or not lo <= k < lo + size:
                    return slow(f, vals)
                off += (k - lo) * stride
            return off

        return run

    def split(
        self, var: int, indices: Sequence[n.Expr]
    ) -> tuple[Callable[[Frame[V]], int | list[tuple[V, int]]], list[Fn[V]]]:
        """For a variable held in tables: where its table is (from the finite keys), and the keys
        into the table."""
        vl = self.layout.vars[var]
        finite = [e for i, e in enumerate(indices) if i not in vl.tables]
        keys = [self.expr(e) for i, e in enumerate(indices) if i in vl.tables]
        off = vl.offset
        locate = self.offsets(var, finite, None) if finite else (lambda f: off)
        return locate, keys

    def read_table(self, e: n.Read[n.Expr], tables: TableOps[V]) -> Fn[V]:
        ops = self.ops
        locate, keyfns = self.split(e.var, e.indices)

        def run(f: Frame[V]) -> V:
            cands = locate(f)
            keys = [k(f) for k in keyfns]
            if isinstance(cands, int):
                return tables.select(f.state[cands], keys)
            value = tables.select(f.state[cands[-1][1]], keys)
            for c, off in reversed(cands[:-1]):
                value = ops.ite(c, tables.select(f.state[off], keys), value)
            return value

        return run

    def read(self, e: n.Read[n.Expr]) -> Fn[V]:
        vl = self.layout.vars[e.var]
        if vl.tables and self.tables is not None:
            return self.read_table(e, self.tables)
        if not e.indices:
            off = vl.offset
            return lambda f: f.state[off]
        ops = self.ops
        locate = self.offsets(e.var, e.indices, None)

        def run(f: Frame[V]) -> V:
            cands = locate(f)
            if isinstance(cands, int):
                return f.state[cands]
            value = f.state[cands[-1][1]]
            for c, off in reversed(cands[:-1]):
                value = ops.ite(c, f.state[off], value)
            return value

        return run

    # ------------------------------------------------------------ statements

    def stmt(self, st: n.Stmt) -> Run[V]:
        match st:
            case n.Assign():
                return self.assign(st)
            case n.Let(slot=slot, value=v):
                fv = self.expr(v)

                def let(f: Frame[V]) -> None:
                    f.bound[slot] = fv(f)

                return let
            case n.Assume(cond=cnd):
                fc = self.expr(cnd)
                return lambda f: self.assume(f, fc(f))
            case n.Assert(cond=cnd, site=site, span=span):
                fc = self.expr(cnd)
                ops = self.ops
                return lambda f: self.fault(f, ops.not_(fc(f)), n.FaultKind.ASSERTION, span, site)
            case n.If(cond=cnd, then=t, else_=e):
                return self.if_(self.expr(cnd), self.block(t), self.block(e))
            case n.ForEach():
                return self.for_each(st)
            case _:
                assert_never(st)

    def for_each(self, st: n.ForEach) -> Run[V]:
        body = self.block(st.body)
        if self.tables is not None and self.layout.is_unbounded(st.sort):
            return self.for_each_unbounded(st, body, self.tables)
        values = [self.ops.lit(v, st.sort) for v in st.sort.elements()]
        slot = st.slot

        def run(f: Frame[V]) -> None:
            for v in values:
                f.bound[slot] = v
                body(f)

        return run

    def for_each_unbounded(self, st: n.ForEach, body: Run[V], tables: TableOps[V]) -> Run[V]:
        """The loop for every element at once, which is what running it in index order does when
        its iterations are independent (ir/loops.py).  Anything else is refused."""
        found = independence(self.spec, st)
        if found.problem is not None:
            raise NotFirstOrder(found.problem)
        slots = [s for var in found.written for s in self.var_slots(var)]
        what = f"the loop 'for {st.name} in {st.sort.name}'"

        def run(f: Frame[V]) -> None:
            x = tables.bound(st.sort)
            f.bound[st.slot] = x
            before, faults, enabled = list(f.state), len(f.faults), f.enabled
            body(f)
            if len(f.faults) > faults or f.enabled is not enabled:
                raise NotFirstOrder(f"{what} may fault or wait, and for which element first is not defined")
            for s in slots:
                if f.state[s] is not before[s]:
                    f.state[s] = tables.pointwise(x, f.state[s])
            f.version += 1

        return run

    def block(self, stmts: Sequence[n.Stmt]) -> Run[V]:
        runs = [self.stmt(s) for s in stmts]

        def run(f: Frame[V]) -> None:
            for r in runs:
                r(f)

        return run

    def assign(self, st: n.Assign) -> Run[V]:
        ops = self.ops
        var = self.spec.vars[st.var]
        fv = self.expr(st.value)
        sort = var.sort
        check: Callable[[Frame[V], V], V] | None = None
        if isinstance(sort, n.IntSort) and sort.bounded:
            lo, hi = ops.lit(sort.lo or 0, n.INT), ops.lit(sort.hi or 0, n.INT)
            if st.value.type != sort:

                def check(f: Frame[V], v: V) -> V:
                    bad = ops.not_(ops.and_(ops.le(lo, v), ops.le(v, hi)))
                    self.fault(f, bad, n.FaultKind.OUT_OF_RANGE, st.span)
                    return ops.ite(bad, lo, v)

        if self.layout.vars[st.var].tables and self.tables is not None:
            return self.assign_table(st, fv, check, self.tables)
        if not st.indices:
            off = self.layout.vars[st.var].offset

            def assign_scalar(f: Frame[V]) -> None:
                v = fv(f)
                if check is not None:
                    v = check(f, v)
                f.state[off] = v
                f.version += 1

            return assign_scalar
        locate = self.offsets(st.var, st.indices, st.span)

        def assign_map(f: Frame[V]) -> None:
            cands = locate(f)
            v = fv(f)
            if check is not None:
                v = check(f, v)
            if isinstance(cands, int):
                f.state[cands] = v
            elif len(cands) == 1:
                f.state[cands[0][1]] = v
            else:
                for c, off in cands:
                    f.state[off] = ops.ite(c, v, f.state[off])
            f.version += 1

        return assign_map

    def assign_table(
        self, st: n.Assign, fv: Fn[V], check: Callable[[Frame[V], V], V] | None, tables: TableOps[V]
    ) -> Run[V]:
        ops = self.ops
        locate, keyfns = self.split(st.var, st.indices)

        def run(f: Frame[V]) -> None:
            cands = locate(f)
            keys = [k(f) for k in keyfns]
            v = fv(f)
            if check is not None:
                v = check(f, v)
            if isinstance(cands, int):
                f.state[cands] = tables.update(f.state[cands], keys, v)
            else:
                for c, off in cands:
                    f.state[off] = ops.ite(c, tables.update(f.state[off], keys, v), f.state[off])
            f.version += 1

        return run

    def if_(self, fc: Fn[V], then: Run[V], else_: Run[V]) -> Run[V]:
        ops = self.ops

        def run(f: Frame[V]) -> None:
            c = fc(f)
            k = ops.decide(c)
            if k == 1:
                then(f)
                return
            if k == 0:
                else_(f)
                return
            saved_path, pre = f.path, list(f.state)
            f.path = ops.and_(saved_path, c)
            then(f)
            after_then = f.state
            f.state = pre
            f.path = ops.and_(saved_path, ops.not_(c))
            else_(f)
            f.state = [a if a is b else ops.ite(c, a, b) for a, b in zip(after_then, f.state, strict=True)]
            f.path = saved_path
            f.version += 1

        return run


class Interpreter(Generic[V]):
    """A model's actions and invariants, each staged for one `Ops` on first use (so that a proof
    over every size learns which action or property it cannot express, see `NotFirstOrder`)."""

    def __init__(self, spec: n.Spec, ops: Ops[V], layout: Layout | None = None) -> None:
        self.spec = spec
        self.ops = ops
        self.layout = layout or Layout(spec)
        self.compiler = Compiler(spec, self.layout, ops)
        self._actions: list[Run[V] | None] = [None] * len(spec.actions)
        self._invariants: list[Fn[V] | None] = [None] * len(spec.invariants)

    def action(self, index: int) -> Run[V]:
        run = self._actions[index]
        if run is None:
            run = self._actions[index] = self.compiler.block(self.spec.actions[index].body)
        return run

    def invariant(self, index: int) -> Fn[V]:
        fn = self._invariants[index]
        if fn is None:
            fn = self._invariants[index] = self.compiler.expr(self.spec.invariants[index].body)
        return fn

    def frame(self, state: Sequence[V], args: Sequence[V]) -> Frame[V]:
        t = self.compiler.true
        return Frame(list(state), args, t, t)

    def run_action(self, index: int, state: Sequence[V], args: Sequence[V]) -> Outcome[V] | None:
        """The outcome of action `index` with `args` from `state`; None when a guard is certainly false."""
        run = self.action(index)
        f = self.frame(state, args)
        try:
            run(f)
        except Disabled:
            return None
        except Stop:
            pass
        return Outcome(f.enabled, tuple(f.faults), tuple(f.state))

    def eval_invariant(self, index: int, state: Sequence[V]) -> tuple[V, tuple[Fault[V], ...]]:
        fn = self.invariant(index)
        f = self.frame(state, ())
        f.property = True
        try:
            value = fn(f)
        except Stop:
            value = self.compiler.false
        return value, tuple(f.faults)
