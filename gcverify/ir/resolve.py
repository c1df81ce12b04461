"""Name resolution and type checking: surface modules -> `Resolved` (typed, structured program).

Owns: the order in which a spec's declarations are resolved (enums, constants and overrides,
sorts, the heap, variables, signatures, bodies, processes, invariants, expectations) and the
`Resolved` artifact.  Expressions are checked in resolve_expr.py, statements in resolve_stmt.py,
the shared namespace lives in resolve_base.py.  The checker enforces the scalarset discipline:
values of a `scalarset` are only compared with `==`/`!=`, never ordered, counted or used as
numbers, so permuting them is a symmetry of the model (see NOTE(symmetry)).
Errors are gathered per declaration: one bad declaration does not hide the next one's errors.
Must not import gcverify.dsl, gcverify.semantics or anything later in the pipeline.

NOTE(symmetry): the checker guarantees that no expression distinguishes two elements of a scalarset
except by equality with other values of the same sort.  Literal elements cannot be written, state
variables of a scalarset sort must be options initialised to nil, and arithmetic and ordering are
rejected.  Lowering keeps it: a step-by-step `for` over a scalarset visits elements in any order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from gcverify import syntax as s
from gcverify.diagnostics import Code, GcverifyError, Note
from gcverify.ir import control as c
from gcverify.ir import nodes as n
from gcverify.ir.consts import Member, show
from gcverify.ir.printer import expr_text
from gcverify.ir.resolve_base import Abort, DefEntry, Proc, Scope, VarName
from gcverify.ir.resolve_stmt import StmtResolver
from gcverify.ir.width import check_width
from gcverify.limits import MAX_ENUM, MAX_RANGE, MAX_SCALARSET
from gcverify.source import Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Resolved:
    name: str
    file: str
    consts: tuple[tuple[str, str], ...]
    vars: tuple[n.StateVar, ...]
    defs: tuple[n.Def[c.PreExpr], ...]
    procs: tuple[c.ProcDef, ...]
    processes: tuple[c.ProcessDef, ...]
    locals: tuple[tuple[c.Sym, int, int], ...]  # (sym, process index, initial value)
    invariants: tuple[n.Invariant[c.PreExpr], ...]
    expectations: tuple[n.Expectation, ...]
    heap: n.Heap | None
    symmetric: tuple[n.ScalarsetSort, ...]
    next_slot: int
    next_sym: int
    inductives: tuple[n.Inductive[c.PreExpr], ...] = ()
    sizes: tuple[tuple[str, str], ...] = ()  # scalarset -> the constant that is its size
    assertions: tuple[n.Assertion, ...] = ()


class Resolver(StmtResolver):
    """Resolves a whole spec: declarations in dependency order, then bodies and properties."""

    # ------------------------------------------------------------ driver

    def run(self) -> Resolved:
        decls = [d for m in self.modules for d in m.decls]
        module_of = {id(d): i for i, m in enumerate(self.modules) for d in m.decls}
        for d in decls:
            if isinstance(d, s.EnumDecl):
                with self.guard(d.name):
                    self.enum(d)
        self.collect_consts(decls, module_of)
        for name in list(self.const_decls):
            with self.guard(name):
                self.const(name)
        self.apply_overrides()
        for d in decls:
            with self.guard(getattr(d, "name", None)):
                match d:
                    case s.ScalarsetDecl():
                        self.scalarset(d)
                    case s.RangeDecl():
                        lo, hi = self.cint(d.lo), self.cint(d.hi)
                        if hi < lo:
                            raise self.err(Code.BAD_RANGE, f"range {d.name!r} is empty: {lo} .. {hi}", d.span)
                        self.sort_size(f"range {d.name!r}", hi - lo + 1, MAX_RANGE, d.span, d.lo, d.hi)
                        self.declare(d.name, n.IntSort(lo, hi, d.name), d.span)
                    case s.FieldsDecl():
                        self.fields_decl(d)
        if self.fields is not None:
            with self.guard():
                self.make_heap()
        for d in decls:
            if isinstance(d, s.VarDecl):
                with self.guard(d.name):
                    self.var(d)
        with self.guard():
            check_width(self.vars, self.overrides)
        for d in decls:
            with self.guard(getattr(d, "name", None)):
                if isinstance(d, s.DefDecl):
                    self.def_signature(d)
                elif isinstance(d, s.ProcDecl):
                    self.proc_signature(d)
        roots = self.roots([d for d in decls if isinstance(d, s.RootsDecl)])
        self.process_names = [d.name for d in decls if isinstance(d, s.ProcessDecl)]
        for d in decls:
            if isinstance(d, s.ProcessDecl) and d.instance is not None:
                with self.guard():
                    self.process_sorts[d.name] = self.finite(d.instance[1], d.span)
        for entry in self.defs:
            with self.guard():
                self.def_body(entry)
        procs = [self.proc_body(p) for p in self.procs]
        processes = self.processes([d for d in decls if isinstance(d, s.ProcessDecl)])
        invariants = self.invariants([d for d in decls if isinstance(d, s.InvariantDecl)])
        inductives = self.inductives([d for d in decls if isinstance(d, s.InductiveDecl)], invariants)
        expectations = self.expectations([d for d in decls if isinstance(d, s.ExpectDecl)], invariants)
        if self.diags:
            raise GcverifyError(self.diags)
        return replace(
            self.result(procs, processes, invariants, expectations, roots),
            inductives=tuple(inductives),
            assertions=tuple(self.assertions),
        )

    def inductives(
        self, decls: list[s.InductiveDecl], invs: list[n.Invariant[c.PreExpr]]
    ) -> list[n.Inductive[c.PreExpr]]:
        """Candidate inductive invariants.  Their top-level conjuncts are kept apart, so a
        counterexample to induction can name the one that fails."""
        out: list[n.Inductive[c.PreExpr]] = []
        seen: set[str] = {i.name for i in invs}
        for d in decls:
            with self.guard():
                if d.name in seen:
                    raise self.err(Code.DUPLICATE_NAME, f"{d.name!r} is already the name of an invariant", d.span)
                self.not_reserved(d.name, "candidate", d.span)
                seen.add(d.name)
                parts: list[s.Expr] = []
                todo: list[s.Expr] = [d.body]
                while todo:
                    e = todo.pop()
                    if isinstance(e, s.Logic) and e.op is s.LogicOp.AND:
                        todo.extend((e.right, e.left))
                    else:
                        parts.append(e)
                self.scopes = [Scope({i.name: i.body for i in invs})]
                conjuncts = tuple((expr_text(p), self.bool_expr(p)) for p in parts)
                out.append(n.Inductive(name=d.name, conjuncts=conjuncts, span=d.span))
        return out

    def spec_name(self) -> str:
        module = self.modules[0]
        return module.name or self.files[0].rsplit("/", 1)[-1].removesuffix(".gcv")

    def result(
        self,
        procs: list[c.ProcDef | None],
        processes: list[c.ProcessDef],
        invariants: list[n.Invariant[c.PreExpr]],
        expectations: list[n.Expectation],
        roots: tuple[int, ...],
    ) -> Resolved:
        heap = None
        if self.heap_var is not None and self.heap_objects is not None and self.fields is not None:
            alloc = self.globals.get("allocated", (None, None))[0]
            heap = n.Heap(
                self.heap_var, self.heap_objects, self.fields, roots, alloc.var if isinstance(alloc, VarName) else None
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
        return Resolved(
            name=self.spec_name(),
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
            sizes=tuple(self.size_consts.items()),
        )

    # ------------------------------------------------------------ constants and sorts

    def enum(self, d: s.EnumDecl) -> None:
        sort = n.EnumSort(d.name, d.members)
        self.sort_size(f"enum {d.name!r}", len(d.members), MAX_ENUM, d.span)
        self.declare(d.name, sort, d.span)
        if len(set(d.members)) != len(d.members):
            raise self.err(Code.DUPLICATE_NAME, f"enum {d.name!r} lists a member twice", d.span)
        for i, m in enumerate(d.members):
            member = Member(sort, i)
            self.declare(m, member, d.span)
            self.members[m] = member

    def collect_consts(self, decls: list[s.Decl], module_of: dict[int, int]) -> None:
        """A file's constant overrides the same constant in the files it imports (directly or not)."""
        for d in decls:
            if not isinstance(d, s.ConstDecl):
                continue
            prev = self.const_decls.get(d.name)
            if prev is not None:
                was, now = module_of[id(prev)], module_of[id(d)]
                if now in self.imports[was]:
                    continue  # the importing file's value overrides the imported default
                if was not in self.imports[now]:
                    self.err(
                        Code.DUPLICATE_NAME,
                        f"constant {d.name!r} is declared twice",
                        d.span,
                        notes=(Note("first declared here", prev.span),),
                    )
                    continue
            self.const_decls[d.name] = d

    def apply_overrides(self) -> None:
        """Report a `--set` of a constant the spec does not have (those it has took effect where
        they were evaluated: `overridden`)."""
        for name, text in self.overrides.items():
            if name not in self.const_decls:
                known = ", ".join(sorted(self.const_values)) or "none"
                self.err(
                    Code.BAD_SET,
                    f"--set {name}={text}: spec {self.spec_name()!r} has no constant {name!r}",
                    self.modules[0].span if self.modules else None,
                    hint=f"the spec's constants are: {known}",
                )

    def scalarset(self, d: s.ScalarsetDecl) -> None:
        size = self.cint(d.size)
        if isinstance(d.size, s.Name):
            self.size_consts[d.name] = d.size.name
        if size < 1:
            raise self.err(Code.BAD_RANGE, f"scalarset {d.name!r} needs at least one element, not {size}", d.span)
        self.sort_size(f"scalarset {d.name!r}", size, MAX_SCALARSET, d.span, d.size)
        self.declare(d.name, n.ScalarsetSort(d.name, size, d.name[0].lower()), d.span)

    def fields_decl(self, d: s.FieldsDecl) -> None:
        if self.fields is not None:
            raise self.err(Code.DUPLICATE_NAME, "the heap's fields are declared twice", d.span)
        self.sort_size("the heap's fields", len(d.names), MAX_ENUM, d.span)
        self.fields = n.EnumSort("Field", d.names)
        self.fields_span = d.span  # before a name below can fail: make_heap needs it
        self.declare("Field", self.fields, d.span)
        for i, f in enumerate(d.names):
            m = Member(self.fields, i)
            self.declare(f, m, d.span)
            self.members[f] = m

    def make_heap(self) -> None:
        obj = self.globals.get("Object", (None, None))[0]
        if obj is None and "Object" in self.failed:  # its declaration failed and is reported
            raise Abort()
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
        self.declare(var.name, VarName(len(self.vars)), span)
        self.vars.append(var)
        return len(self.vars) - 1

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

    def roots(self, decls: list[s.RootsDecl]) -> tuple[int, ...]:
        out: list[int] = []
        for d in decls:
            for name in d.names:
                with self.guard():
                    entry = self.globals.get(name, (None, None))[0]
                    if not isinstance(entry, VarName):
                        if name in self.failed:  # its declaration failed and is reported
                            raise Abort()
                        raise self.err(Code.UNKNOWN_NAME, f"roots: {name!r} is not a state variable", d.span)
                    var = self.vars[entry.var]
                    if not (isinstance(var.sort, n.OptionSort) and var.sort.base == self.heap_objects):
                        raise self.err(Code.TYPE_MISMATCH, f"roots: {name!r} holds {var.sort}, not Object?", d.span)
                    out.append(entry.var)
        return tuple(out)

    # ------------------------------------------------------------ defs and procs

    def def_signature(self, d: s.DefDecl) -> None:
        entry = DefEntry(len(self.defs), d)
        entry.slots = tuple(self.fresh_slot(p.name, self.scalar_type(p.type)) for p in d.params)
        entry.type = self.scalar_type(d.result)
        self.declare(d.name, entry, d.span)
        self.defs.append(entry)

    def proc_signature(self, d: s.ProcDecl) -> None:
        p = Proc(len(self.procs), d)
        p.params = tuple(self.fresh_sym(q.name, self.scalar_type(q.type), q.span) for q in d.params)
        self.declare(d.name, p, d.span)
        self.procs.append(p)

    def proc_body(self, p: Proc) -> c.ProcDef | None:
        with self.guard():
            scope = Scope({q.name: q for q in p.params})
            self.scopes = [scope]
            self.labels = set()
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
                self.scopes = [Scope()]
                self.labels = set()
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

    def invariants(self, decls: list[s.InvariantDecl]) -> list[n.Invariant[c.PreExpr]]:
        out: list[n.Invariant[c.PreExpr]] = []
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
                self.not_reserved(d.name, "invariant", d.span)
                self.scopes = []
                if d.body is not None:
                    body = self.coerce(self.expr(d.body, n.BOOL), n.BOOL, d.body.span)
                else:
                    entry = self.globals.get(d.name, (None, None))[0]
                    if not isinstance(entry, DefEntry) or entry.decl.params or entry.type != n.BOOL:
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

    def not_reserved(self, name: str, what: str, span: Span | None) -> None:
        if name in n.RESERVED:
            raise self.err(
                Code.RESERVED_NAME,
                f"{what} {name!r} has the name of a built-in property",
                span,
                hint=f"'{name}' always means the built-in {n.RESERVED[name].value} check; choose another name",
            )

    def expectations(self, decls: list[s.ExpectDecl], invs: list[n.Invariant[c.PreExpr]]) -> list[n.Expectation]:
        out: list[n.Expectation] = []
        seen: dict[n.Property, Span | None] = {}
        for d in decls:
            with self.guard():
                prop = self.expected_property(d, invs)
                if d.within is not None and d.verdict is not s.ExpectedVerdict.VIOLATED:
                    raise self.err(Code.BAD_EXPECT, "'within N steps' only goes with 'violated'", d.span)
                if prop in seen:
                    raise self.err(
                        Code.BAD_EXPECT,
                        f"a second expectation about {prop.display!r}",
                        d.span,
                        notes=(Note("the first one", seen[prop]),),
                    )
                seen[prop] = d.span
                verdict = n.Expected(d.verdict.value)
                out.append(n.Expectation(property=prop, verdict=verdict, within=d.within, span=d.span))
        return out

    def expected_property(self, d: s.ExpectDecl, invs: list[n.Invariant[c.PreExpr]]) -> n.Property:
        """The property an `expect` is about (NOTE(properties))."""
        if d.assertion:
            named = [(k, a) for k, a in enumerate(self.assertions) if a.named]
            for k, a in named:
                if a.name == d.name:
                    return n.Property(n.PropertyKind.ASSERTION, a.name, k, a.span)
            raise self.err(
                Code.BAD_EXPECT,
                f"expect: there is no assertion named {d.name!r}",
                d.span,
                hint="name an assertion with 'assert NAME: condition' or a label 'NAME: assert condition'; "
                f"the named assertions are: {', '.join(sorted(a.name for _, a in named)) or 'none'}",
            )
        if d.name in n.RESERVED:
            kind = n.RESERVED[d.name]
            return n.DEADLOCK if kind is n.PropertyKind.DEADLOCK else n.Property(kind, d.name, len(self.assertions))
        for k, inv in enumerate(invs):
            if inv.name == d.name:
                return n.Property(n.PropertyKind.INVARIANT, inv.name, k, inv.span)
        names = sorted({*(i.name for i in invs), *n.RESERVED})
        hint = f"the properties are: {', '.join(names)}"
        if any(a.name == d.name for a in self.assertions if a.named):
            hint = f"{d.name!r} is an assertion: write 'expect assert {d.name} …'"
        raise self.err(Code.BAD_EXPECT, f"expect: there is no property {d.name!r}", d.span, hint=hint)

    # ------------------------------------------------------------ statements

    # ------------------------------------------------------------ expressions


def resolve(
    modules: Sequence[s.Module],
    files: Sequence[str],
    overrides: Mapping[str, str],
    imports: Sequence[frozenset[int]] = (),
) -> Resolved:
    """Resolve a spec (its root module first, then every imported module; `imports[i]`: the
    modules module i imports, directly or not)."""
    return Resolver(modules, files, overrides, imports).run()
