"""Name resolution and type checking: surface modules -> `Resolved` (typed, structured program).

Owns: the global namespace (consts, sorts, enum members, variables, defs, procs, processes,
invariants), constant overrides, types and coercions (an `Object?` used where an `Object` is
needed becomes a nil-checked `Unwrap`), and the scalarset discipline: values of a `scalarset` are
only compared with `==`/`!=`, never ordered, counted or used as numbers, so permuting them is a
symmetry of the model (see NOTE(symmetry)).
Errors are gathered per declaration: one bad declaration does not hide the next one's errors.
Must not import gcverify.dsl, gcverify.semantics or anything later in the pipeline.

NOTE(symmetry): the checker guarantees that no expression distinguishes two elements of a scalarset
except by equality with other values of the same sort.  Literal elements cannot be written, state
variables of a scalarset sort must be options initialised to nil, and arithmetic and ordering are
rejected.  Lowering keeps it: a step-by-step `for` over a scalarset visits elements in any order.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from gcverify import syntax as s
from gcverify.diagnostics import Code, Diagnostic, GcverifyError, Note
from gcverify.ir import control as c
from gcverify.ir import nodes as n
from gcverify.ir.consts import ConstEvaluator, ConstValue, Member, kind_name, parse_override, show
from gcverify.source import Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Resolved:
    name: str
    file: str
    consts: tuple[tuple[str, str], ...]
    vars: tuple[n.StateVar, ...]
    defs: tuple[n.Def, ...]
    procs: tuple[c.ProcDef, ...]
    processes: tuple[c.ProcessDef, ...]
    locals: tuple[tuple[c.Sym, int, int], ...]  # (sym, process index, initial value)
    invariants: tuple[n.Invariant, ...]
    expectations: tuple[n.Expectation, ...]
    heap: n.Heap | None
    symmetric: tuple[n.ScalarsetSort, ...]
    next_slot: int
    next_sym: int


@dataclass(slots=True)
class _Proc:
    index: int
    decl: s.ProcDecl
    params: tuple[c.Sym, ...] = ()


@dataclass(slots=True)
class _DefEntry:
    index: int
    decl: s.DefDecl
    slots: tuple[n.Bound, ...] = ()
    type: n.Sort = n.BOOL
    body: n.Expr | None = None
    resolving: bool = False


Entry = ConstValue | n.Sort | Member | int | _DefEntry | _Proc  # int: a state variable's index


@dataclass(slots=True)
class _VarName:
    var: int


class _Abort(Exception):
    """Stop resolving the current declaration; its diagnostic is already recorded."""


SORT_KINDS = (n.BoolSort, n.IntSort, n.EnumSort, n.ScalarsetSort, n.OptionSort)


def _sort_text(t: n.Sort) -> str:
    return str(t)


@dataclass(slots=True)
class _Scope:
    names: dict[str, c.Sym | n.Bound] = field(default_factory=dict)
    assignable: set[int] = field(default_factory=set)


class Resolver:
    def __init__(self, modules: Sequence[s.Module], files: Sequence[str], overrides: Mapping[str, str]) -> None:
        self.modules = modules
        self.files = files
        self.overrides = dict(overrides)
        self.diags: list[Diagnostic] = []
        self.globals: dict[str, tuple[object, Span | None]] = {}
        self.const_decls: dict[str, s.ConstDecl] = {}
        self.const_values: dict[str, ConstValue] = {}
        self.const_busy: set[str] = set()
        self.members: dict[str, Member] = {}
        self.vars: list[n.StateVar] = []
        self.defs: list[_DefEntry] = []
        self.procs: list[_Proc] = []
        self.scopes: list[_Scope] = []
        self.next_slot = 0
        self.next_sym = 0
        self.locals: list[tuple[c.Sym, int, int]] = []
        self.process_index = -1
        self.heap_objects: n.ScalarsetSort | None = None
        self.fields: n.EnumSort | None = None
        self.heap_var: int | None = None
        self.process_names: list[str] = []

    # ------------------------------------------------------------ diagnostics

    def err(
        self, code: Code, message: str, span: Span | None, hint: str | None = None, notes: tuple[Note, ...] = ()
    ) -> _Abort:
        self.diags.append(Diagnostic(code=code, message=message, span=span, hint=hint, notes=notes))
        return _Abort()

    @contextmanager
    def guard(self) -> Iterator[None]:
        try:
            yield
        except _Abort:
            pass
        except GcverifyError as e:
            self.diags.extend(e.diagnostics)

    def declare(self, name: str, entry: object, span: Span | None) -> None:
        if name in self.globals:
            prev = self.globals[name][1]
            raise self.err(
                Code.DUPLICATE_NAME,
                f"{name!r} is declared twice",
                span,
                notes=(Note("first declared here", prev),) if prev else (),
            )
        self.globals[name] = (entry, span)

    # ------------------------------------------------------------ driver

    def run(self) -> Resolved:
        decls = [d for m in self.modules for d in m.decls]
        root_decls = set(map(id, self.modules[0].decls)) if self.modules else set()
        for d in decls:
            if isinstance(d, s.EnumDecl):
                with self.guard():
                    self.enum(d)
        self.collect_consts(decls, root_decls)
        for name in list(self.const_decls):
            with self.guard():
                self.const(name)
        self.apply_overrides()
        for d in decls:
            with self.guard():
                match d:
                    case s.ScalarsetDecl():
                        self.scalarset(d)
                    case s.RangeDecl():
                        lo, hi = self.cint(d.lo), self.cint(d.hi)
                        if hi < lo:
                            raise self.err(Code.BAD_RANGE, f"range {d.name!r} is empty: {lo} .. {hi}", d.span)
                        self.declare(d.name, n.IntSort(lo, hi, d.name), d.span)
                    case s.FieldsDecl():
                        self.fields_decl(d)
        if self.fields is not None:
            with self.guard():
                self.make_heap()
        for d in decls:
            if isinstance(d, s.VarDecl):
                with self.guard():
                    self.var(d)
        for d in decls:
            with self.guard():
                if isinstance(d, s.DefDecl):
                    self.def_signature(d)
                elif isinstance(d, s.ProcDecl):
                    self.proc_signature(d)
        roots = self.roots([d for d in decls if isinstance(d, s.RootsDecl)])
        for entry in self.defs:
            with self.guard():
                self.def_body(entry)
        self.process_names = [d.name for d in decls if isinstance(d, s.ProcessDecl)]
        procs = [self.proc_body(p) for p in self.procs]
        processes = self.processes([d for d in decls if isinstance(d, s.ProcessDecl)])
        invariants = self.invariants([d for d in decls if isinstance(d, s.InvariantDecl)])
        expectations = self.expectations([d for d in decls if isinstance(d, s.ExpectDecl)], invariants)
        if self.diags:
            raise GcverifyError(self.diags)
        return self.result(procs, processes, invariants, expectations, roots)

    def result(
        self,
        procs: list[c.ProcDef | None],
        processes: list[c.ProcessDef],
        invariants: list[n.Invariant],
        expectations: list[n.Expectation],
        roots: tuple[int, ...],
    ) -> Resolved:
        heap = None
        if self.heap_var is not None and self.heap_objects is not None and self.fields is not None:
            alloc = self.globals.get("allocated", (None, None))[0]
            heap = n.Heap(
                self.heap_var, self.heap_objects, self.fields, roots, alloc.var if isinstance(alloc, _VarName) else None
            )
        symmetric = tuple(e for e, _ in self.globals.values() if isinstance(e, n.ScalarsetSort))
        defs = tuple(
            n.Def(
                name=d.decl.name,
                slots=tuple(b.slot for b in d.slots),
                body=d.body or n.Lit(0, n.BOOL),
                type=d.type,
                span=d.decl.span,
            )
            for d in self.defs
        )
        module = self.modules[0]
        return Resolved(
            name=module.name or (self.files[0].rsplit("/", 1)[-1].removesuffix(".gcv")),
            file=self.files[0],
            consts=tuple((k, show(v)) for k, v in self.const_values.items()),
            vars=tuple(self.vars),
            defs=defs,
            procs=tuple(p for p in procs if p is not None),
            processes=tuple(processes),
            locals=tuple(self.locals),
            invariants=tuple(invariants),
            expectations=tuple(expectations),
            heap=heap,
            symmetric=symmetric,
            next_slot=self.next_slot,
            next_sym=self.next_sym,
        )

    # ------------------------------------------------------------ constants and sorts

    def enum(self, d: s.EnumDecl) -> None:
        sort = n.EnumSort(d.name, d.members)
        self.declare(d.name, sort, d.span)
        if len(set(d.members)) != len(d.members):
            raise self.err(Code.DUPLICATE_NAME, f"enum {d.name!r} lists a member twice", d.span)
        for i, m in enumerate(d.members):
            member = Member(sort, i)
            self.declare(m, member, d.span)
            self.members[m] = member

    def collect_consts(self, decls: list[s.Decl], root_ids: set[int]) -> None:
        for d in decls:
            if not isinstance(d, s.ConstDecl):
                continue
            prev = self.const_decls.get(d.name)
            if prev is not None:
                prev_root, this_root = id(prev) in root_ids, id(d) in root_ids
                if prev_root == this_root:
                    self.err(
                        Code.DUPLICATE_NAME,
                        f"constant {d.name!r} is declared twice",
                        d.span,
                        notes=(Note("first declared here", prev.span),),
                    )
                if prev_root:
                    continue  # the spec's own value overrides the library's default
            self.const_decls[d.name] = d

    def const(self, name: str) -> ConstValue:
        if name in self.const_values:
            return self.const_values[name]
        d = self.const_decls[name]
        if name in self.const_busy:
            raise self.err(Code.RECURSION, f"constant {name!r} is defined in terms of itself", d.span)
        self.const_busy.add(name)
        try:
            value = ConstEvaluator(self.const_lookup).eval(d.value)
        finally:
            self.const_busy.discard(name)
        self.const_values[name] = value
        if name not in self.globals:
            self.declare(name, value, d.span)
        return value

    def const_lookup(self, name: str, node: s.Name) -> ConstValue:
        if name in self.members:
            return self.members[name]
        if name in self.const_decls:
            try:
                return self.const(name)
            except _Abort:
                raise GcverifyError([]) from None
        raise GcverifyError(
            [
                Diagnostic(
                    code=Code.UNKNOWN_NAME,
                    message=f"unknown constant {name!r}",
                    span=node.span,
                    hint=self.suggest(name),
                )
            ]
        )

    def apply_overrides(self) -> None:
        for name, text in self.overrides.items():
            if name not in self.const_values:
                known = ", ".join(sorted(self.const_values)) or "none"
                self.err(
                    Code.BAD_SET,
                    f"--set {name}={text}: there is no constant {name!r}",
                    None,
                    hint=f"the spec's constants are: {known}",
                )
                continue
            old = self.const_values[name]
            new = parse_override(text, old, self.members)
            if new is None:
                self.err(
                    Code.BAD_SET,
                    f"--set {name}={text}: {name} is a {kind_name(old)} "
                    f"(declared as {show(old)}), and {text!r} is not one",
                    self.const_decls[name].span,
                )
                continue
            self.const_values[name] = new
            self.globals[name] = (new, self.globals[name][1])

    def cint(self, e: s.Expr) -> int:
        try:
            return ConstEvaluator(self.const_lookup).int_(e)
        except GcverifyError as err:
            self.diags.extend(err.diagnostics)
            raise _Abort() from None

    def scalarset(self, d: s.ScalarsetDecl) -> None:
        size = self.cint(d.size)
        if size < 1:
            raise self.err(Code.BAD_RANGE, f"scalarset {d.name!r} needs at least one element, not {size}", d.span)
        self.declare(d.name, n.ScalarsetSort(d.name, size, d.name[0].lower()), d.span)

    def fields_decl(self, d: s.FieldsDecl) -> None:
        if self.fields is not None:
            raise self.err(Code.DUPLICATE_NAME, "the heap's fields are declared twice", d.span)
        self.fields = n.EnumSort("Field", d.names)
        self.declare("Field", self.fields, d.span)
        for i, f in enumerate(d.names):
            m = Member(self.fields, i)
            self.declare(f, m, d.span)
            self.members[f] = m
        self.fields_span = d.span

    def make_heap(self) -> None:
        obj = self.globals.get("Object", (None, None))[0]
        if not isinstance(obj, n.ScalarsetSort):
            raise self.err(
                Code.UNKNOWN_NAME,
                "'fields' needs a scalarset named 'Object' for the heap",
                self.fields_span,
                hint="declare it with 'scalarset Object of OBJECTS' (lib/gc.gcv does)",
            )
        assert self.fields is not None
        self.heap_objects = obj
        self.heap_var = self.add_var(
            n.StateVar(
                name="heap", keys=(obj, self.fields), sort=n.OptionSort(obj), init=obj.size, span=self.fields_span
            ),
            self.fields_span,
        )

    def add_var(self, var: n.StateVar, span: Span | None) -> int:
        self.declare(var.name, _VarName(len(self.vars)), span)
        self.vars.append(var)
        return len(self.vars) - 1

    def sort_named(self, name: str, span: Span | None) -> n.Sort:
        entry = self.globals.get(name, (None, None))[0]
        if isinstance(entry, SORT_KINDS):
            return entry
        if entry is None:
            hint = self.suggest(name)
            if name == "Field":
                hint = "declare the heap's pointer fields in your spec: 'fields left, right'"
            raise self.err(Code.UNKNOWN_NAME, f"unknown sort {name!r}", span, hint=hint)
        raise self.err(Code.NOT_A_SORT, f"{name!r} is not a sort", span)

    def finite(self, name: str, span: Span | None) -> n.FiniteSort:
        sort = self.sort_named(name, span)
        if isinstance(sort, n.IntSort) and not sort.bounded:
            raise self.err(Code.NOT_A_SORT, f"{name!r} is not a finite sort", span)
        return sort

    def type_(self, t: s.TypeExpr) -> tuple[tuple[n.FiniteSort, ...], n.Sort]:
        """A type as (map keys, value sort)."""
        match t:
            case s.BoolType():
                return (), n.BOOL
            case s.NamedType(name=name):
                return (), self.sort_named(name, t.span)
            case s.OptionType(name=name):
                base = self.sort_named(name, t.span)
                if not isinstance(base, n.ScalarsetSort):
                    raise self.err(
                        Code.TYPE_MISMATCH, f"only scalarsets have an option type; {name!r} is not one", t.span
                    )
                return (), n.OptionSort(base)
            case s.RangeType(lo=lo, hi=hi):
                a, b = self.cint(lo), self.cint(hi)
                if b < a:
                    raise self.err(Code.BAD_RANGE, f"the range {a}..{b} is empty", t.span)
                return (), n.IntSort(a, b)
            case s.MapType(key=k, value=v):
                kkeys, ksort = self.type_(k)
                if kkeys:
                    raise self.err(Code.TYPE_MISMATCH, "a map's key must be a sort, not a map", k.span)
                vkeys, vsort = self.type_(v)
                return (ksort, *vkeys), vsort

    def scalar_type(self, t: s.TypeExpr) -> n.Sort:
        keys, sort = self.type_(t)
        if keys:
            raise self.err(Code.TYPE_MISMATCH, "a map is not allowed here", t.span)
        return sort

    def var(self, d: s.VarDecl) -> None:
        keys, sort = self.type_(d.type)
        if isinstance(sort, n.ScalarsetSort):
            raise self.err(
                Code.SCALARSET,
                f"variable {d.name!r} of scalarset sort {sort.name!r} has no initial value that respects symmetry",
                d.span,
                hint=f"declare it as '{sort.name}?' so it starts as nil",
            )
        init = n.default_value(sort) if d.init is None else self.const_value_of(d.init, sort)
        self.add_var(n.StateVar(name=d.name, keys=keys, sort=sort, init=init, span=d.span), d.span)

    def const_value_of(self, e: s.Expr, sort: n.Sort) -> int:
        if isinstance(e, s.NilLit):
            if isinstance(sort, n.OptionSort):
                return sort.nil
            raise self.err(Code.TYPE_MISMATCH, f"nil is not a value of {sort}", e.span)
        try:
            v = ConstEvaluator(self.const_lookup).eval(e)
        except GcverifyError as err:
            self.diags.extend(err.diagnostics)
            raise _Abort() from None
        match sort, v:
            case n.BoolSort(), bool():
                return int(v)
            case n.IntSort(), int() if not isinstance(v, bool):
                if sort.bounded and not (sort.lo or 0) <= v <= (sort.hi or 0):
                    raise self.err(Code.BAD_RANGE, f"initial value {v} is outside {sort}", e.span)
                return v
            case n.EnumSort(), Member() if v.sort == sort:
                return v.index
        raise self.err(Code.TYPE_MISMATCH, f"initial value {show(v)!r} is not a {sort}", e.span)

    def roots(self, decls: list[s.RootsDecl]) -> tuple[int, ...]:
        out: list[int] = []
        for d in decls:
            for name in d.names:
                with self.guard():
                    entry = self.globals.get(name, (None, None))[0]
                    if not isinstance(entry, _VarName):
                        raise self.err(Code.UNKNOWN_NAME, f"roots: {name!r} is not a state variable", d.span)
                    var = self.vars[entry.var]
                    if not (isinstance(var.sort, n.OptionSort) and var.sort.base == self.heap_objects):
                        raise self.err(Code.TYPE_MISMATCH, f"roots: {name!r} holds {var.sort}, not Object?", d.span)
                    out.append(entry.var)
        return tuple(out)

    def suggest(self, name: str) -> str | None:
        import difflib

        names = [k for k in self.globals] + [k for sc in self.scopes for k in sc.names]
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.7)
        return f"did you mean {close[0]!r}?" if close else None

    # ------------------------------------------------------------ defs and procs

    def fresh_slot(self, name: str, sort: n.Sort) -> n.Bound:
        self.next_slot += 1
        return n.Bound(self.next_slot - 1, sort, name)

    def fresh_sym(self, name: str, sort: n.Sort, span: Span | None) -> c.Sym:
        self.next_sym += 1
        return c.Sym(self.next_sym - 1, name, sort, span)

    def def_signature(self, d: s.DefDecl) -> None:
        entry = _DefEntry(len(self.defs), d)
        entry.slots = tuple(self.fresh_slot(p.name, self.scalar_type(p.type)) for p in d.params)
        entry.type = self.scalar_type(d.result)
        self.declare(d.name, entry, d.span)
        self.defs.append(entry)

    def def_body(self, entry: _DefEntry) -> n.Expr:
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
        saved, self.scopes = self.scopes, [_Scope({b.name: b for b in entry.slots})]
        try:
            body = self.coerce(self.expr(entry.decl.body, entry.type), entry.type, entry.decl.body.span)
        finally:
            self.scopes = saved
            entry.resolving = False
        entry.body = body
        return body

    def proc_signature(self, d: s.ProcDecl) -> None:
        p = _Proc(len(self.procs), d)
        p.params = tuple(self.fresh_sym(q.name, self.scalar_type(q.type), q.span) for q in d.params)
        self.declare(d.name, p, d.span)
        self.procs.append(p)

    def proc_body(self, p: _Proc) -> c.ProcDef | None:
        with self.guard():
            scope = _Scope({q.name: q for q in p.params})
            self.scopes = [scope]
            body = self.block(p.decl.body, in_atomic=False)
            return c.ProcDef(name=p.decl.name, params=p.params, body=body, span=p.decl.span)
        return None

    def processes(self, decls: list[s.ProcessDecl]) -> list[c.ProcessDef]:
        out: list[c.ProcessDef] = []
        seen: dict[str, Span | None] = {}
        if not decls:
            self.err(
                Code.NO_PROCESS,
                "the spec declares no process, so there is nothing to check",
                self.modules[0].span if self.modules else None,
                hint="add 'process Name { ... }', or import a library that declares one",
            )
        for d in decls:
            with self.guard():
                if d.name in seen:
                    raise self.err(
                        Code.DUPLICATE_NAME,
                        f"process {d.name!r} is declared twice",
                        d.span,
                        notes=(Note("first declared here", seen[d.name]),),
                    )
                seen[d.name] = d.span
                self.process_index = len(out)
                self.scopes = [_Scope()]
                inst = None
                if d.instance is not None:
                    sort = self.finite(d.instance[1], d.span)
                    inst = self.fresh_sym(d.instance[0], sort, d.span)
                    self.scopes[0].names[inst.name] = inst
                body = self.process_body(d.body)
                out.append(c.ProcessDef(name=d.name, instance=inst, body=body, span=d.span))
        return out

    def process_body(self, body: tuple[s.Stmt, ...]) -> tuple[c.SStmt, ...]:
        stmts: list[s.Stmt] = list(body)
        while stmts and isinstance(d := stmts[0], s.LocalDecl):
            stmts.pop(0)
            sort = self.scalar_type(d.type)
            init = self.const_value_of(d.init, sort)
            sym = self.fresh_sym(d.name, sort, d.span)
            self.locals.append((sym, self.process_index, init))
            self.scopes[-1].names[d.name] = sym
            self.scopes[-1].assignable.add(sym.id)
        return self.block(tuple(stmts), in_atomic=False)

    # ------------------------------------------------------------ properties

    def invariants(self, decls: list[s.InvariantDecl]) -> list[n.Invariant]:
        out: list[n.Invariant] = []
        seen: dict[str, Span | None] = {}
        for d in decls:
            with self.guard():
                if d.name in seen:
                    raise self.err(
                        Code.DUPLICATE_NAME,
                        f"invariant {d.name!r} is declared twice",
                        d.span,
                        notes=(Note("first declared here", seen[d.name]),),
                    )
                seen[d.name] = d.span
                self.scopes = []
                if d.body is not None:
                    body = self.coerce(self.expr(d.body, n.BOOL), n.BOOL, d.body.span)
                else:
                    entry = self.globals.get(d.name, (None, None))[0]
                    if not isinstance(entry, _DefEntry) or entry.decl.params or entry.type != n.BOOL:
                        raise self.err(
                            Code.UNKNOWN_NAME,
                            f"invariant {d.name!r} has no body and there is no "
                            f"definition 'def {d.name}(): bool' to use",
                            d.span,
                            hint=f"write 'invariant {d.name}: <condition>'",
                        )
                    body = n.Apply(entry.index, (), n.BOOL)
                out.append(n.Invariant(name=d.name, body=body, span=d.span))
        return out

    def expectations(self, decls: list[s.ExpectDecl], invs: list[n.Invariant]) -> list[n.Expectation]:
        names = {i.name for i in invs}
        out: list[n.Expectation] = []
        for d in decls:
            if d.name not in names:
                self.err(
                    Code.BAD_EXPECT,
                    f"expect: there is no invariant {d.name!r}",
                    d.span,
                    hint=f"the invariants are: {', '.join(sorted(names)) or 'none'}",
                )
                continue
            if d.within is not None and d.verdict is not s.ExpectedVerdict.VIOLATED:
                self.err(Code.BAD_EXPECT, "'within N steps' only goes with 'violated'", d.span)
                continue
            out.append(
                n.Expectation(property=d.name, verdict=n.Expected(d.verdict.value), within=d.within, span=d.span)
            )
        return out

    # ------------------------------------------------------------ statements

    def block(self, stmts: tuple[s.Stmt, ...], in_atomic: bool) -> tuple[c.SStmt, ...]:
        self.scopes.append(_Scope())
        try:
            out: list[c.SStmt] = []
            for st in stmts:
                r = self.stmt(st, in_atomic)
                if r is not None:
                    out.append(r)
            return tuple(out)
        finally:
            self.scopes.pop()

    def stmt(self, st: s.Stmt, in_atomic: bool) -> c.SStmt | None:
        match st:
            case s.Assign():
                return self.assign(st)
            case s.CallStmt(call=call):
                return self.call_stmt(call, st.span)
            case s.Skip():
                return c.SSkip(st.span)
            case s.Safepoint():
                if in_atomic:
                    raise self.err(Code.BAD_NESTING, "a safepoint inside 'atomic' marks nothing", st.span)
                return c.SSafepoint(st.span)
            case s.Await(cond=e):
                return c.SAwait(self.bool_expr(e), st.span)
            case s.Assert(cond=e):
                return c.SAssert(self.bool_expr(e), st.span)
            case s.LocalDecl():
                raise self.err(
                    Code.BAD_NESTING,
                    "a local variable is declared at the top of a process body",
                    st.span,
                    hint="move 'var' to the start of the process",
                )
            case s.Atomic(body=body):
                return c.SAtomic(self.block(body, True), st.span)
            case s.If(cond=e, then=t, else_=f):
                return c.SIf(self.bool_expr(e), self.block(t, in_atomic), self.block(f or (), in_atomic), st.span)
            case s.While(cond=e, body=b):
                if in_atomic:
                    raise self.err(
                        Code.BAD_NESTING,
                        "'while' inside 'atomic' could run forever in one step",
                        st.span,
                        hint="use a bounded 'for' inside atomic blocks",
                    )
                return c.SWhile(self.bool_expr(e), self.block(b, False), st.span)
            case s.Loop(body=b):
                if in_atomic:
                    raise self.err(Code.BAD_NESTING, "'loop' inside 'atomic' would never end", st.span)
                return c.SWhile(None, self.block(b, False), st.span)
            case s.For():
                return self.for_(st, in_atomic)
            case s.Either(branches=bs):
                return c.SEither(tuple(self.block(b, in_atomic) for b in bs), st.span)
            case s.Choose():
                return self.choose(st, in_atomic)

    def binders(self, binders: tuple[s.Binder, ...]) -> list[tuple[c.Sym, n.FiniteSort]]:
        out = []
        for b in binders:
            sort = self.finite(b.sort, b.span)
            for name in b.names:
                out.append((self.fresh_sym(name, sort, b.span), sort))
        return out

    def for_(self, st: s.For, in_atomic: bool) -> c.SStmt:
        bound = self.binders(st.binders)
        self.scopes.append(_Scope({sym.name: sym for sym, _ in bound}))
        try:
            body = self.block(st.body, in_atomic)
        finally:
            self.scopes.pop()
        for sym, sort in reversed(bound):
            body = (c.SFor(sym, sort, body, st.span),)
        return body[0]

    def choose(self, st: s.Choose, in_atomic: bool) -> c.SChoose:
        bound = self.binders(st.binders)
        self.scopes.append(_Scope({sym.name: sym for sym, _ in bound}))
        try:
            where = self.bool_expr(st.where) if st.where is not None else None
            body = self.block(st.body, in_atomic)
        finally:
            self.scopes.pop()
        return c.SChoose(tuple(bound), where, body, st.span)

    def call_stmt(self, call: s.Expr, span: Span | None) -> c.SCall:
        if not isinstance(call, s.Call):
            raise self.err(
                Code.SYNTAX, "this expression is not a statement", span, hint="assign it with ':=' or call a procedure"
            )
        entry = self.globals.get(call.name, (None, None))[0]
        if not isinstance(entry, _Proc):
            what = "a definition (a value)" if isinstance(entry, _DefEntry) else "not a procedure"
            raise self.err(
                Code.UNKNOWN_NAME if entry is None else Code.TYPE_MISMATCH,
                f"{call.name!r} is {what if entry is not None else 'not declared'}",
                call.span,
                hint=self.suggest(call.name) if entry is None else None,
            )
        if len(call.args) != len(entry.params):
            raise self.err(
                Code.ARITY,
                f"procedure {call.name!r} takes {len(entry.params)} argument(s), not {len(call.args)}",
                call.span,
            )
        args = tuple(
            self.coerce(self.expr(a, p.sort), p.sort, a.span) for a, p in zip(call.args, entry.params, strict=True)
        )
        return c.SCall(entry.index, args, _text(call), span)

    def assign(self, st: s.Assign) -> c.SAssign:
        target = self.target(st.target)
        sort = self.target_sort(target)
        value = self.coerce(self.expr(st.value, sort), sort, st.value.span)
        return c.SAssign(target, value, f"{_text(st.target)} := {_text(st.value)}", st.span)

    def target_sort(self, t: c.Target) -> n.Sort:
        if t.sym is not None:
            return t.sym.sort
        assert t.var is not None
        return self.vars[t.var].sort

    def target(self, e: s.Expr) -> c.Target:
        match e:
            case s.Name(name=name):
                local = self.lookup_local(name)
                if isinstance(local, c.Sym):
                    if not any(local.id in sc.assignable for sc in self.scopes):
                        raise self.err(
                            Code.NOT_ASSIGNABLE,
                            f"{name!r} is bound by choose, for or a parameter and cannot be assigned",
                            e.span,
                        )
                    return c.Target(None, local, ())
                entry = self.globals.get(name, (None, None))[0]
                if isinstance(entry, _VarName):
                    if self.vars[entry.var].keys:
                        raise self.err(Code.ARITY, f"{name!r} is a map: index it fully to assign", e.span)
                    return c.Target(entry.var, None, ())
                if entry is None:
                    raise self.err(Code.UNKNOWN_NAME, f"unknown variable {name!r}", e.span, hint=self.suggest(name))
                raise self.err(Code.NOT_ASSIGNABLE, f"{name!r} is not a variable", e.span)
            case s.Index() | s.Field():
                read = self.expr(e, None)
                if not isinstance(read, n.Read):
                    raise self.err(Code.NOT_ASSIGNABLE, "only state variables can be assigned", e.span)
                return c.Target(read.var, None, read.indices)
        raise self.err(Code.NOT_ASSIGNABLE, "the left side of ':=' must be a variable, a map entry or a field", e.span)

    # ------------------------------------------------------------ expressions

    def lookup_local(self, name: str) -> c.Sym | n.Bound | None:
        for sc in reversed(self.scopes):
            if name in sc.names:
                return sc.names[name]
        return None

    def bool_expr(self, e: s.Expr) -> n.Expr:
        return self.coerce(self.expr(e, n.BOOL), n.BOOL, e.span)

    def coerce(self, e: n.Expr, want: n.Sort, span: Span | None) -> n.Expr:
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

    def expr(self, e: s.Expr, want: n.Sort | None) -> n.Expr:
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

    def number(self, e: s.Expr, what: str) -> n.Expr:
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

    def compare(self, e: s.Compare) -> n.Expr:
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

    def name(self, e: s.Name) -> n.Expr:
        local = self.lookup_local(e.name)
        if isinstance(local, c.Sym):
            return n.SymRef(local.id, local.sort)
        if isinstance(local, n.Bound):
            return local
        entry = self.globals.get(e.name, (None, None))[0]
        match entry:
            case None:
                raise self.err(Code.UNKNOWN_NAME, f"unknown name {e.name!r}", e.span, hint=self.suggest(e.name))
            case _VarName(var=v):
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
            case _DefEntry():
                if entry.decl.params:
                    raise self.err(Code.ARITY, f"{e.name!r} takes arguments", e.span)
                self.def_body(entry)
                return n.Apply(entry.index, (), entry.type)
        raise self.err(Code.TYPE_MISMATCH, f"{e.name!r} is not a value", e.span)

    def index(self, e: s.Index) -> n.Expr:
        chain: list[s.Expr] = []
        base: s.Expr = e
        while isinstance(base, s.Index):
            chain.append(base.index)
            base = base.base
        chain.reverse()
        if not isinstance(base, s.Name):
            raise self.err(Code.TYPE_MISMATCH, "only state variables can be indexed", e.span)
        entry = self.globals.get(base.name, (None, None))[0]
        if not isinstance(entry, _VarName):
            if entry is None and self.lookup_local(base.name) is None:
                raise self.err(
                    Code.UNKNOWN_NAME, f"unknown variable {base.name!r}", base.span, hint=self.suggest(base.name)
                )
            raise self.err(Code.TYPE_MISMATCH, f"{base.name!r} is not a map and cannot be indexed", base.span)
        var = self.vars[entry.var]
        if len(chain) != len(var.keys):
            raise self.err(
                Code.ARITY, f"{base.name!r} has {len(var.keys)} key(s) but is indexed {len(chain)} time(s)", e.span
            )
        indices = tuple(self.coerce(self.expr(i, k), k, i.span) for i, k in zip(chain, var.keys, strict=True))
        return n.Read(entry.var, indices, var.sort)

    def field(self, e: s.Field) -> n.Expr:
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

    def call(self, e: s.Call) -> n.Expr:
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
        if isinstance(entry, _Proc):
            raise self.err(Code.TYPE_MISMATCH, f"procedure {e.name!r} is a statement and has no value", e.span)
        if not isinstance(entry, _DefEntry):
            raise self.err(Code.UNKNOWN_NAME, f"unknown function {e.name!r}", e.span, hint=self.suggest(e.name))
        if len(e.args) != len(entry.slots):
            raise self.err(Code.ARITY, f"{e.name!r} takes {len(entry.slots)} argument(s), not {len(e.args)}", e.span)
        self.def_body(entry)
        args = tuple(
            self.coerce(self.expr(a, b.type), b.type, a.span) for a, b in zip(e.args, entry.slots, strict=True)
        )
        return n.Apply(entry.index, args, entry.type)

    def reach(self, e: s.Reach) -> n.Expr:
        obj = self.heap_objects
        if obj is None:
            raise self.err(Code.UNKNOWN_NAME, "reach() needs a heap: declare 'fields'", e.span)
        target = self.coerce(self.expr(e.target, obj), obj, e.target.span)
        x, y = self.fresh_slot(e.start_name, obj), self.fresh_slot(e.via_name, obj)
        self.scopes.append(_Scope({x.name: x}))
        try:
            start = self.bool_expr(e.start)
        finally:
            self.scopes.pop()
        self.scopes.append(_Scope({y.name: y}))
        try:
            via = self.bool_expr(e.via)
        finally:
            self.scopes.pop()
        return n.ReachFrom(target, x.slot, start, y.slot, via)

    def quant(self, e: s.Quant) -> n.Expr:
        bound: list[tuple[n.Bound, n.FiniteSort]] = []
        for b in e.binders:
            sort = self.finite(b.sort, b.span)
            bound.extend((self.fresh_slot(name, sort), sort) for name in b.names)
        self.scopes.append(_Scope({b.name: b for b, _ in bound}))
        try:
            body = self.bool_expr(e.body)
        finally:
            self.scopes.pop()
        kind = n.QuantKind(e.kind.value)
        for var, sort in reversed(bound):
            body = n.Quant(kind, var.slot, sort, body, var.name)
        return body


def _text(e: s.Expr) -> str:
    """Source-like text of an expression, for step labels."""
    from gcverify.ir.printer import expr_text

    return expr_text(e)


def resolve(modules: Sequence[s.Module], files: Sequence[str], overrides: Mapping[str, str]) -> Resolved:
    """Resolve a spec (its root module first, then every imported module)."""
    return Resolver(modules, files, overrides).run()
