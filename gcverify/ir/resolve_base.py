"""Shared state of name resolution: the namespace, scopes, sorts, constants and error gathering.

Owns: `ResolverBase` (the namespace of one spec being resolved, its diagnostics, lexical scopes,
fresh names, sorts and types, constant evaluation) and the small records the namespace holds.
`ir/resolve_expr.py`, `ir/resolve_stmt.py` and `ir/resolve.py` build on it, in that order.
Must not import gcverify.dsl, gcverify.semantics or anything later in the pipeline.
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
from gcverify.limits import MAX_DIGITS, MAX_RANGE
from gcverify.source import Span


@dataclass(slots=True)
class Proc:
    index: int
    decl: s.ProcDecl
    params: tuple[c.Sym, ...] = ()


@dataclass(slots=True)
class DefEntry:
    index: int
    decl: s.DefDecl
    slots: tuple[n.Bound, ...] = ()
    type: n.Sort = n.BOOL
    body: c.PreExpr | None = None
    resolving: bool = False


Entry = ConstValue | n.Sort | Member | int | DefEntry | Proc  # int: a state variable's index


@dataclass(slots=True)
class VarName:
    var: int


class Abort(Exception):
    """Stop resolving the current declaration; its diagnostic is already recorded."""


SORT_KINDS = (n.BoolSort, n.IntSort, n.EnumSort, n.ScalarsetSort, n.OptionSort)


def _sort_text(t: n.Sort) -> str:
    return str(t)


@dataclass(slots=True)
class Scope:
    names: dict[str, c.Sym | c.PreExpr] = field(default_factory=dict)  # an Expr: a bound name or a macro
    assignable: set[int] = field(default_factory=set)


class ResolverBase:
    def __init__(
        self,
        modules: Sequence[s.Module],
        files: Sequence[str],
        overrides: Mapping[str, str],
        imports: Sequence[frozenset[int]] = (),
    ) -> None:
        # which modules each module imports, directly or not (default: the root imports the rest)
        self.imports = tuple(imports) or tuple(
            frozenset(range(1, len(modules))) if i == 0 else frozenset() for i in range(len(modules))
        )
        self.size_consts: dict[str, str] = {}  # scalarset -> the constant that is its size
        self.modules = modules
        self.files = files
        self.overrides = dict(overrides)
        self.diags: list[Diagnostic] = []
        self.globals: dict[str, tuple[object, Span | None]] = {}
        self.const_decls: dict[str, s.ConstDecl] = {}
        self.const_values: dict[str, ConstValue] = {}
        self.const_busy: set[str] = set()
        self.failed: set[str] = set()
        self.labels: set[str] = set()  # the labels of the body being resolved
        self.assertions: list[n.Assertion] = []  # every `assert` of the spec, by site
        self.process_sorts: dict[str, n.FiniteSort] = {}  # replicated processes' instance sorts
        self.members: dict[str, Member] = {}
        self.vars: list[n.StateVar] = []
        self.defs: list[DefEntry] = []
        self.procs: list[Proc] = []
        self.scopes: list[Scope] = []
        self.next_slot = 0
        self.next_sym = 0
        self.locals: list[tuple[c.Sym, int, int]] = []
        self.process_index = -1
        self.heap_objects: n.ScalarsetSort | None = None
        self.fields: n.EnumSort | None = None
        self.heap_var: int | None = None
        self.process_names: list[str] = []

    def err(
        self, code: Code, message: str, span: Span | None, hint: str | None = None, notes: tuple[Note, ...] = ()
    ) -> Abort:
        self.diags.append(Diagnostic(code=code, message=message, span=span, hint=hint, notes=notes))
        return Abort()

    @contextmanager
    def guard(self, name: str | None = None) -> Iterator[None]:
        """Run one declaration's resolution; its errors are recorded, and the next one goes on.  A
        declaration that failed is remembered, so its uses are not reported again as unknown."""
        try:
            yield
        except Abort:
            if name is not None:
                self.failed.add(name)
        except GcverifyError as e:
            self.diags.extend(e.diagnostics)
            if name is not None:
                self.failed.add(name)

    def unknown(self, name: str, message: str, span: Span | None, hint: str | None = None) -> Abort:
        """An unknown name: reported, unless it is a declaration that already failed."""
        if name in self.failed:
            return Abort()
        return self.err(Code.UNKNOWN_NAME, message, span, hint=hint)

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

    def const(self, name: str) -> ConstValue:
        if name in self.const_values:
            return self.const_values[name]
        d = self.const_decls[name]
        if name in self.failed:
            raise Abort()
        if name in self.const_busy:
            raise self.err(Code.RECURSION, f"constant {name!r} is defined in terms of itself", d.span)
        self.const_busy.add(name)
        try:
            value = ConstEvaluator(self.const_lookup).eval(d.value)
        except (Abort, GcverifyError):
            self.failed.add(name)
            raise
        finally:
            self.const_busy.discard(name)
        if name in self.overrides:  # in place of the declared value, for every constant built on it
            value = self.overridden(name, value)
        self.const_values[name] = value
        if name not in self.globals:
            self.declare(name, value, d.span)
        return value

    def overridden(self, name: str, declared: ConstValue) -> ConstValue:
        """The value `--set NAME=...` gives a constant declared with `declared` (its type), or the
        declared value after reporting an override that is not of that type."""
        text = self.overrides[name]
        new = parse_override(text, declared, self.members)
        if new is None:
            self.err(
                Code.BAD_SET,
                f"--set {name}={text}: {name} is declared as {show(declared)} (of type {kind_name(declared)}), "
                f"and {text!r} is not a value of that type",
                self.const_decls[name].span,
                hint=_value_hint(declared),
            )
            return declared
        return new

    def const_lookup(self, name: str, node: s.Name) -> ConstValue:
        if name in self.members:
            return self.members[name]
        if name in self.const_decls:
            try:
                return self.const(name)
            except Abort:
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

    def cint(self, e: s.Expr) -> int:
        try:
            return ConstEvaluator(self.const_lookup).int_(e)
        except GcverifyError as err:
            self.diags.extend(err.diagnostics)
            raise Abort() from None

    def sort_named(self, name: str, span: Span | None) -> n.Sort:
        entry = self.globals.get(name, (None, None))[0]
        if isinstance(entry, SORT_KINDS):
            return entry
        if entry is None:
            hint = self.suggest(name)
            if name == "Field":
                hint = "declare the heap's pointer fields in your spec: 'fields left, right'"
            raise self.unknown(name, f"unknown sort {name!r}", span, hint=hint)
        raise self.err(Code.NOT_A_SORT, f"{name!r} is not a sort", span)

    def sort_size(self, what: str, size: int, limit: int, span: Span | None, *sized_by: s.Expr) -> None:
        """GCV406 for a sort with more than `limit` elements, naming the --set that sized it."""
        if size <= limit:
            return
        sets = [
            f"--set {e.name}={self.overrides[e.name]}"
            for e in sized_by
            if isinstance(e, s.Name) and e.name in self.overrides
        ]
        raise self.err(
            Code.SORT_TOO_LARGE,
            f"{what} has {size:,} elements; gcverify allows at most {limit:,}"
            + (f" (its size comes from {', '.join(sets)})" if sets else ""),
            span,
            hint="explicit-state checking enumerates every element: a few are enough to find most bugs",
        )

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
                self.sort_size(f"the range {a}..{b}", b - a + 1, MAX_RANGE, t.span, lo, hi)
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

    def const_value_of(self, e: s.Expr, sort: n.Sort) -> int:
        if isinstance(e, s.NilLit):
            if isinstance(sort, n.OptionSort):
                return sort.nil
            raise self.err(Code.TYPE_MISMATCH, f"nil is not a value of {sort}", e.span)
        try:
            v = ConstEvaluator(self.const_lookup).eval(e)
        except GcverifyError as err:
            self.diags.extend(err.diagnostics)
            raise Abort() from None
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

    def suggest(self, name: str) -> str | None:
        import difflib

        names = [k for k in self.globals] + [k for sc in self.scopes for k in sc.names]
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.7)
        return f"did you mean {close[0]!r}?" if close else None

    def fresh_slot(self, name: str, sort: n.Sort) -> n.Bound:
        self.next_slot += 1
        return n.Bound(self.next_slot - 1, sort, name)

    def fresh_sym(self, name: str, sort: n.Sort, span: Span | None) -> c.Sym:
        self.next_sym += 1
        return c.Sym(self.next_sym - 1, name, sort, span)

    def lookup_local(self, name: str) -> c.Sym | c.PreExpr | None:
        for sc in reversed(self.scopes):
            if name in sc.names:
                return sc.names[name]
        return None


def _value_hint(old: ConstValue) -> str:
    """How a --set value of the type of `old` is written."""
    if isinstance(old, bool):
        return "write true or false"
    if isinstance(old, int):
        return f"write a number with the digits 0-9 only (at most {MAX_DIGITS}; '-' before a negative one)"
    return f"write one of: {', '.join(old.sort.members)}"
