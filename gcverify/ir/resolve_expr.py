"""Type checking of expressions: surface expressions -> typed IR expressions.

Owns: names, operators, coercions (an `Object?` used where an `Object` is needed becomes a
nil-checked `Unwrap`), the built-ins (`reachable`, `reach`, `stopped`), definitions, and the
scalarset discipline for expressions (see NOTE(symmetry) in resolve.py).
"""

from __future__ import annotations

from gcverify import syntax as s
from gcverify.diagnostics import Code
from gcverify.ir import control as c
from gcverify.ir import nodes as n
from gcverify.ir.consts import Member
from gcverify.ir.resolve_base import DefEntry, Proc, ResolverBase, Scope, VarName
from gcverify.source import Span


class ExprResolver(ResolverBase):
    def def_body(self, entry: DefEntry) -> c.PreExpr:
        if entry.body is not None:
            return entry.body
        if entry.resolving:
            raise self.err(
                Code.RECURSION,
                f"definition {entry.decl.name!r} calls itself",
                entry.decl.span,
                hint="definitions are expanded like macros and cannot recurse",
            )
        entry.resolving = True
        saved, self.scopes = self.scopes, [Scope({b.name: b for b in entry.slots})]
        try:
            body = self.coerce(self.expr(entry.decl.body, entry.type), entry.type, entry.decl.body.span)
        finally:
            self.scopes = saved
            entry.resolving = False
        entry.body = body
        return body

    def bool_expr(self, e: s.Expr) -> c.PreExpr:
        return self.coerce(self.expr(e, n.BOOL), n.BOOL, e.span)

    def coerce(self, e: c.PreExpr, want: n.Sort, span: Span | None) -> c.PreExpr:
        have = e.type
        if have == want:
            return e
        match want, have:
            case n.IntSort(), n.IntSort():
                return e
            case n.ScalarsetSort(), n.OptionSort() if have.base == want:
                return n.Unwrap(e, want, span)
            case n.OptionSort(), n.ScalarsetSort() if want.base == have:
                return e
        raise self.err(Code.TYPE_MISMATCH, f"expected {want}, found {have}", span)

    def expr(self, e: s.Expr, want: n.Sort | None) -> c.PreExpr:
        match e:
            case s.IntLit(value=v):
                return n.Lit(v, n.INT)
            case s.BoolLit(value=v):
                return n.Lit(int(v), n.BOOL)
            case s.NilLit():
                if isinstance(want, n.OptionSort):
                    return n.Lit(want.nil, want)
                if isinstance(want, n.ScalarsetSort):
                    return n.Lit(want.size, n.OptionSort(want))
                raise self.err(
                    Code.TYPE_MISMATCH,
                    "nil here has no sort to belong to",
                    e.span,
                    hint="compare nil with a variable of an option sort, like 'x == nil'",
                )
            case s.Name():
                return self.name(e)
            case s.Index():
                return self.index(e)
            case s.Field():
                return self.field(e)
            case s.Call():
                return self.call(e)
            case s.Reach():
                return self.reach(e)
            case s.Neg(operand=a):
                return n.Neg(self.number(a, "negate"))
            case s.Not(operand=a):
                return n.Not(self.bool_expr(a))
            case s.Arith(op=op, left=a, right=b):
                return n.Arith(n.ArithOp(op.value), self.number(a, op.value), self.number(b, op.value))
            case s.Compare():
                return self.compare(e)
            case s.Logic(op=op, left=a, right=b):
                x, y = self.bool_expr(a), self.bool_expr(b)
                if op is s.LogicOp.AND:
                    return n.And((x, y))
                if op is s.LogicOp.OR:
                    return n.Or((x, y))
                return n.Implies(x, y)
            case s.Quant():
                return self.quant(e)
            case s.IfExpr(cond=cond, then=t, else_=f):
                cc = self.bool_expr(cond)
                x = self.expr(t, want)
                y = self.expr(f, want if want is not None else x.type)
                joined = self.join(x.type, y.type, e.span)
                return n.Ite(cc, self.coerce(x, joined, t.span), self.coerce(y, joined, f.span), joined)

    def join(self, a: n.Sort, b: n.Sort, span: Span | None) -> n.Sort:
        if a == b:
            return a
        if isinstance(a, n.IntSort) and isinstance(b, n.IntSort):
            return n.INT
        for x, y in ((a, b), (b, a)):
            if isinstance(x, n.OptionSort) and (y == x.base or y == x):
                return x
        raise self.err(Code.TYPE_MISMATCH, f"the two branches have different sorts: {a} and {b}", span)

    def number(self, e: s.Expr, what: str) -> c.PreExpr:
        x = self.expr(e, n.INT)
        if isinstance(x.type, (n.ScalarsetSort, n.OptionSort)):
            raise self.err(
                Code.SCALARSET,
                f"cannot {what} a value of scalarset {x.type}: its elements are symmetric names, not numbers",
                e.span,
                hint="scalarset values may only be compared with '==' and '!='",
            )
        if not isinstance(x.type, n.IntSort):
            raise self.err(Code.TYPE_MISMATCH, f"expected a number, found {x.type}", e.span)
        return x

    def compare(self, e: s.Compare) -> c.PreExpr:
        op = n.CmpOp(e.op.value)
        if isinstance(e.left, s.NilLit) and not isinstance(e.right, s.NilLit):
            right = self.expr(e.right, None)
            left = self.expr(e.left, right.type)
        else:
            left = self.expr(e.left, None)
            right = self.expr(e.right, left.type)
        if op in (n.CmpOp.EQ, n.CmpOp.NE):
            joined = self.join(left.type, right.type, e.span)
            return n.Cmp(op, self.coerce(left, joined, e.left.span), self.coerce(right, joined, e.right.span))
        for side, src in ((left, e.left), (right, e.right)):
            if isinstance(side.type, (n.ScalarsetSort, n.OptionSort)):
                raise self.err(
                    Code.SCALARSET,
                    f"values of scalarset {side.type} are not ordered: '{op.value}' would break symmetry",
                    src.span,
                    hint="compare them only with '==' and '!='",
                )
            if not isinstance(side.type, n.IntSort):
                raise self.err(Code.TYPE_MISMATCH, f"'{op.value}' compares numbers, not {side.type}", src.span)
        return n.Cmp(op, left, right)

    def name(self, e: s.Name) -> c.PreExpr:
        local = self.lookup_local(e.name)
        if isinstance(local, c.Sym):
            return c.SymRef(local.id, local.sort)
        if local is not None:
            return local  # a bound name, or an invariant's body inside `inductive`
        entry = self.globals.get(e.name, (None, None))[0]
        match entry:
            case None:
                raise self.unknown(e.name, f"unknown name {e.name!r}", e.span, hint=self.suggest(e.name))
            case VarName(var=v):
                var = self.vars[v]
                if var.keys:
                    raise self.err(Code.ARITY, f"{e.name!r} is a map with {len(var.keys)} key(s): index it", e.span)
                return n.Read(v, (), var.sort)
            case Member(sort=sort, index=i):
                return n.Lit(i, sort)
            case bool():
                return n.Lit(int(entry), n.BOOL)
            case int():
                return n.Lit(entry, n.INT)
            case DefEntry():
                if entry.decl.params:
                    raise self.err(Code.ARITY, f"{e.name!r} takes arguments", e.span)
                self.def_body(entry)
                return n.Apply(entry.index, (), entry.type)
        raise self.err(Code.TYPE_MISMATCH, f"{e.name!r} is not a value", e.span)

    def index(self, e: s.Index) -> c.PreExpr:
        chain: list[s.Expr] = []
        base: s.Expr = e
        while isinstance(base, s.Index):
            chain.append(base.index)
            base = base.base
        chain.reverse()
        if not isinstance(base, s.Name):
            raise self.err(Code.TYPE_MISMATCH, "only state variables can be indexed", e.span)
        entry = self.globals.get(base.name, (None, None))[0]
        if not isinstance(entry, VarName):
            if entry is None and self.lookup_local(base.name) is None:
                raise self.unknown(
                    base.name, f"unknown variable {base.name!r}", base.span, hint=self.suggest(base.name)
                )
            raise self.err(Code.TYPE_MISMATCH, f"{base.name!r} is not a map and cannot be indexed", base.span)
        var = self.vars[entry.var]
        if len(chain) != len(var.keys):
            raise self.err(
                Code.ARITY, f"{base.name!r} has {len(var.keys)} key(s) but is indexed {len(chain)} time(s)", e.span
            )
        indices = tuple(self.coerce(self.expr(i, k), k, i.span) for i, k in zip(chain, var.keys, strict=True))
        return n.Read(entry.var, indices, var.sort)

    def field(self, e: s.Field) -> c.PreExpr:
        if self.heap_var is None or self.heap_objects is None or self.fields is None:
            raise self.err(
                Code.UNKNOWN_NAME,
                f"'.{e.name}' reads a heap field, but the spec declares no fields",
                e.span,
                hint="declare them with 'fields left, right'",
            )
        obj = self.coerce(self.expr(e.base, self.heap_objects), self.heap_objects, e.base.span)
        f = self.name(s.Name(e.name, e.name_span))
        if f.type != self.fields:
            raise self.err(
                Code.TYPE_MISMATCH,
                f"{e.name!r} is not a field (the fields are {', '.join(self.fields.members)})",
                e.name_span,
            )
        return n.Read(self.heap_var, (obj, f), n.OptionSort(self.heap_objects))

    def process_ref(self, e: s.Expr, what: str) -> tuple[int, c.PreExpr | None]:
        """`P` or `P[i]` naming a process instance: (process index, instance expression)."""
        name: str | None = e.name if isinstance(e, s.Name) else None
        index: s.Expr | None = None
        if isinstance(e, s.Index) and isinstance(e.base, s.Name):
            name, index = e.base.name, e.index
        if name is None or name not in self.process_names:
            raise self.err(
                Code.UNKNOWN_NAME,
                f"{what} takes a process instance first, like Mutator[m] or Collector",
                e.span,
                hint=f"the processes are: {', '.join(self.process_names) or 'none'}",
            )
        sort = self.process_sorts.get(name)
        if (sort is None) != (index is None):
            fix = f"name one instance, like {name}[i]" if sort is not None else f"write {name} without an index"
            raise self.err(Code.ARITY, f"process {name!r} has {'instances' if sort else 'one instance'}: {fix}", e.span)
        inst = None if index is None or sort is None else self.coerce(self.expr(index, sort), sort, index.span)
        return self.process_names.index(name), inst

    def control_name(self, e: s.Expr, what: str) -> tuple[str | None, str]:
        """`name` or `proc.name`: (the procedure or None, the name)."""
        if isinstance(e, s.Name):
            return None, e.name
        if isinstance(e, s.Field) and isinstance(e.base, s.Name):
            return e.base.name, e.name
        raise self.err(Code.SYNTAX, f"{what} needs a name, or proc.name for one inside a procedure", e.span)

    def at(self, e: s.Call) -> c.PreExpr:
        if len(e.args) != 2:
            raise self.err(Code.ARITY, "at(P[i], label) takes a process instance and a label", e.span)
        process, inst = self.process_ref(e.args[0], "at()")
        proc, label = self.control_name(e.args[1], "at()")
        return c.AtLabel(process, inst, f"{proc}.{label}" if proc else label, e.span)

    def local_of(self, e: s.Call) -> c.PreExpr:
        if len(e.args) != 2:
            raise self.err(Code.ARITY, "local(P[i], name) takes a process instance and a name", e.span)
        process, inst = self.process_ref(e.args[0], "local()")
        proc, name = self.control_name(e.args[1], "local()")
        syms: list[c.Sym] = []
        if proc is not None:
            entry = self.globals.get(proc, (None, None))[0]
            if not isinstance(entry, Proc):
                raise self.err(Code.UNKNOWN_NAME, f"{proc!r} is not a procedure", e.args[1].span)
            syms = [q for q in entry.params if q.name == name]
        else:
            syms = [sym for sym, pi, _ in self.locals if pi == process and sym.name == name]
        if not syms:
            raise self.err(Code.UNKNOWN_NAME, f"no parameter or process variable {name!r} to read here", e.args[1].span)
        sym = syms[0]
        sort = n.OptionSort(sym.sort) if isinstance(sym.sort, n.ScalarsetSort) else sym.sort
        return c.LocalOf(process, inst, sym.id, f"{proc}.{name}" if proc else name, sort, e.span)

    def call(self, e: s.Call) -> c.PreExpr:
        if e.name == "at" and e.name not in self.globals:
            return self.at(e)
        if e.name == "local" and e.name not in self.globals:
            return self.local_of(e)
        if e.name == "stopped" and e.name not in self.globals:
            names = self.process_names
            arg = e.args[0] if len(e.args) == 1 else None
            if not isinstance(arg, s.Name) or arg.name not in names:
                raise self.err(
                    Code.UNKNOWN_NAME,
                    "stopped() takes the name of a process",
                    e.span,
                    hint=f"the processes are: {', '.join(names) or 'none'}",
                )
            return n.Stopped(names.index(arg.name))
        if e.name == "reachable" and e.name not in self.globals:
            if self.heap_objects is None:
                raise self.err(Code.UNKNOWN_NAME, "reachable() needs a heap: declare 'fields'", e.span)
            if len(e.args) != 1:
                raise self.err(Code.ARITY, "reachable takes one object", e.span)
            return n.Reachable(self.coerce(self.expr(e.args[0], self.heap_objects), self.heap_objects, e.args[0].span))
        entry = self.globals.get(e.name, (None, None))[0]
        if isinstance(entry, Proc):
            raise self.err(Code.TYPE_MISMATCH, f"procedure {e.name!r} is a statement and has no value", e.span)
        if not isinstance(entry, DefEntry):
            raise self.unknown(e.name, f"unknown function {e.name!r}", e.span, hint=self.suggest(e.name))
        if len(e.args) != len(entry.slots):
            raise self.err(Code.ARITY, f"{e.name!r} takes {len(entry.slots)} argument(s), not {len(e.args)}", e.span)
        self.def_body(entry)
        args = tuple(
            self.coerce(self.expr(a, b.type), b.type, a.span) for a, b in zip(e.args, entry.slots, strict=True)
        )
        return n.Apply(entry.index, args, entry.type)

    def reach(self, e: s.Reach) -> c.PreExpr:
        obj = self.heap_objects
        if obj is None:
            raise self.err(Code.UNKNOWN_NAME, "reach() needs a heap: declare 'fields'", e.span)
        target = self.coerce(self.expr(e.target, obj), obj, e.target.span)
        x, y = self.fresh_slot(e.start_name, obj), self.fresh_slot(e.via_name, obj)
        self.scopes.append(Scope({x.name: x}))
        try:
            start = self.bool_expr(e.start)
        finally:
            self.scopes.pop()
        self.scopes.append(Scope({y.name: y}))
        try:
            via = self.bool_expr(e.via)
        finally:
            self.scopes.pop()
        return n.ReachFrom(target, x.slot, start, y.slot, via)

    def quant(self, e: s.Quant) -> c.PreExpr:
        bound: list[tuple[n.Bound, n.FiniteSort]] = []
        for b in e.binders:
            sort = self.finite(b.sort, b.span)
            bound.extend((self.fresh_slot(name, sort), sort) for name in b.names)
        self.scopes.append(Scope({b.name: b for b, _ in bound}))
        try:
            body = self.bool_expr(e.body)
        finally:
            self.scopes.pop()
        kind = n.QuantKind(e.kind.value)
        for var, sort in reversed(bound):
            body = n.Quant(kind, var.slot, sort, body, var.name)
        return body
