"""The two printers of staged code: Python (the reference, run with `exec`) and C (the native engine).

Owns: `PythonTarget` and `CTarget`, which print the nodes of staged.py and the statements of
code.py, and the few function shapes compiled.py needs: a group of transition blocks, the dispatch
on program counters and an invariant.  Both print the same statements in the same order, so the
successors (and their order), faults and invariant values of the two are those of the interpreter
(tests/unit/test_native.py holds them equal).  Must not import z3.

The C code works on a packed state `s` (`val_t`, the record type explore/native chooses), reads
every slot as `int64_t` (macro `S`), and records results through `gcv_post`/`gcv_fault` (defined by
the native runtime).  Arithmetic is on 64-bit integers: the native engine declines a model whose
staged values are not known to stay within that range (`c_range_ok`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from gcverify.semantics.code import Branch, Exit, Fault, Leave, Let, Post, Stmt, Target
from gcverify.semantics.staged import Kind, Node, Op

Block = tuple[str, Sequence[Stmt]]  # (label, statements)


@dataclass(frozen=True, slots=True)
class Function:
    """One printed function: its name and its lines."""

    name: str
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


class Printer(Target, Protocol):
    """A `Target` that also prints the function shapes compiled.py needs."""

    def group(self, name: str, prefix: Sequence[Stmt], blocks: Sequence[Block]) -> list[Function]:
        """The function `name` running the blocks of the transitions at one program counter in
        order, after the statements `prefix` they all start with; last, after the functions it
        calls (if the printer splits it)."""
        ...

    def dispatch(self, tables: dict[int, dict[int, str]]) -> list[str]:
        """`expand`: for each program-counter slot, the group its value names (tables[slot][pc])."""
        ...

    def invariant(self, index: int, body: Sequence[Stmt], value: str) -> list[str]:
        """Invariant `index`: `value` after `body`, whose `Exit`s say when it is false (a fault)."""
        ...


_INFIX = {Kind.EQ: "==", Kind.LT: "<", Kind.LE: "<="}


def _infix(node: Node, args: Sequence[str]) -> str:
    """A comparison or an arithmetic operation: written alike in Python and C (on 64-bit ints in
    C, which `c_range_ok` makes exact)."""
    op = _INFIX.get(node.kind, node.op)
    return f"({args[0]} {op} {args[1]})"


def _offset(index: str, stride: int, base: int) -> str:
    """`index * stride + base`, without the parts that do nothing."""
    return f"{index}{f' * {stride}' if stride != 1 else ''}{f' + {base}' if base else ''}"


def _ints(op: Op) -> tuple[int, ...]:
    assert isinstance(op, tuple)
    return op


def _int(op: Op) -> int:
    assert isinstance(op, int)
    return op


class PythonTarget:
    """Python source over a state tuple `s`; functions append to `posts` and `faults`."""

    def __init__(self, size: int) -> None:
        self.size = size  # slots of a state

    def expr(self, node: Node, args: Sequence[str]) -> str:
        match node.kind:
            case Kind.CONST:
                return repr(node.const)
            case Kind.LEAF:
                return f"s[{node.slot}]"
            case Kind.NOT:
                return f"(not {args[0]})"
            case Kind.AND | Kind.OR if len(args) == 1:
                return f"(1 if {args[0]} else 0)"
            case Kind.AND | Kind.OR:
                return self.join(node.kind, args)
            case Kind.EQ | Kind.LT | Kind.LE | Kind.ARITH:
                return _infix(node, args)
            case Kind.ITE:
                return f"({args[1]} if {args[0]} else {args[2]})"
            case Kind.INDEX:
                stride, base = _ints(node.op)
                return f"s[{_offset(args[0], stride, base)}]"
            case Kind.ITEM:
                return f"{args[0]}[{_int(node.op)}]"
            case Kind.CALL:
                nr, nf, size = _ints(node.op)
                rows = [f"({', '.join(args[nr + o * nf : nr + (o + 1) * nf])},)" for o in range(size)]
                return f"_reach(({', '.join(args[:nr])},), ({', '.join(rows)},), {size})"
        raise AssertionError(node.kind)

    def value(self, text: str, boolish: bool) -> str:
        return f"(1 if {text} else 0)" if boolish else text

    def join(self, kind: Kind, parts: Sequence[str]) -> str:
        return "(" + (" and " if kind is Kind.AND else " or ").join(parts) + ")"

    def statements(self, stmts: Sequence[Stmt], top: bool = False) -> list[str]:
        """The lines of `stmts` (`top`: at a function's top level, where leaving is returning)."""
        leave = "return" if top else "break"
        out: list[str] = []
        for st in stmts:
            match st:
                case Let(name=name, text=text):
                    out.append(f"{name} = {text}")
                case Exit(cond=cond, when=when):
                    out.append(f"if {cond}: {leave}" if when else f"if not {cond}: {leave}")
                case Branch(cond=cond, then=then, else_=else_):
                    out.append(f"if {cond}:")
                    out.extend(f"    {line}" for line in self.statements(then))
                    if else_:
                        out.append("else:")
                        out.extend(f"    {line}" for line in self.statements(else_))
                case Fault(t=t, site=site):
                    out.append(f"faults.append(({t}, {site})); break")
                case Post(t=t, values=values):
                    out.extend(self.post(t, values))
                case Leave():
                    out.append("break")
        return out

    def post(self, t: int, values: Sequence[tuple[int, str]]) -> list[str]:
        size = self.size
        if not values:
            return [f"posts.append(({t}, s))", "break"]
        if len(values) == 1:
            (i, v) = values[0]
            head = f"s[:{i}] + " if i else ""
            tail = f" + s[{i + 1}:]" if i + 1 < size else ""
            return [f"posts.append(({t}, {head}({v},){tail}))", "break"]
        # every value is computed from the pre-state before any slot is written
        names = [f"_v{k}" for k in range(len(values))]
        out = [f"{', '.join(names)}, = {', '.join(v for _, v in values)},", "_p = list(s)"]
        out.extend(f"_p[{i}] = {name}" for (i, _), name in zip(values, names, strict=True))
        return [*out, f"posts.append(({t}, tuple(_p)))", "break"]

    def group(self, name: str, prefix: Sequence[Stmt], blocks: Sequence[Block]) -> list[Function]:
        out = [f"def {name}(s, posts, faults):"]
        out.extend(f"    {line}" for line in self.statements(prefix, top=True))
        for label, body in blocks:
            out.append(f"    while True:  # {label}")
            out.extend(f"        {line}" for line in self.statements(body))
        return [Function(name, tuple(out))]

    def dispatch(self, tables: dict[int, dict[int, str]]) -> list[str]:
        out = [
            f"_d{slot} = {{{', '.join(f'{pc}: {name}' for pc, name in table.items())}}}"
            for slot, table in tables.items()
        ]
        out.append("def expand(s):")
        out.append("    posts = []; faults = []")
        for slot, table in tables.items():
            if table:
                out.append(f"    g = _d{slot}.get(s[{slot}])")
                out.append("    if g is not None: g(s, posts, faults)")
        out.append("    return posts, faults")
        return out

    def invariant(self, index: int, body: Sequence[Stmt], value: str) -> list[str]:
        """`body`'s `Exit`s say when the invariant is false (a fault while evaluating it)."""
        out = [f"def _inv{index}(s):"]
        for st in body:
            match st:
                case Let(name=name, text=text):
                    out.append(f"    {name} = {text}")
                case Exit(cond=cond):
                    out.append(f"    if {cond}: return False")
        out.append(f"    return bool({value})")
        return out


INT32 = 1 << 31
INT64 = 1 << 63
SPLIT_LINES = 400  # blocks of one program counter longer than this together become a function each


class CTarget:
    """C over a packed state `const val_t *s`; functions record through `gcv_post`/`gcv_fault`."""

    def expr(self, node: Node, args: Sequence[str]) -> str:
        match node.kind:
            case Kind.CONST:
                v = node.const
                assert v is not None
                return str(v) if -INT32 < v < INT32 else f"INT64_C({v})"
            case Kind.LEAF:
                return f"S({node.slot})"
            case Kind.NOT:
                return f"(!{args[0]})"
            case Kind.AND | Kind.OR if len(args) == 1:
                return f"({args[0]} != 0)"
            case Kind.AND | Kind.OR:
                return self.join(node.kind, args)
            case Kind.EQ | Kind.LT | Kind.LE | Kind.ARITH:
                return _infix(node, args)
            case Kind.ITE:
                return f"({args[0]} ? {args[1]} : {args[2]})"
            case Kind.INDEX:
                stride, base = _ints(node.op)
                return f"S({_offset(args[0], stride, base)})"
            case Kind.ITEM:
                return f"((int64_t){args[0]}[{_int(node.op)}])"
            case Kind.CALL:
                nr, nf, size = _ints(node.op)
                roots = f"(const int64_t[]){{{', '.join(args[:nr])}}}" if nr else "NULL"
                succ = f"(const int64_t[]){{{', '.join(args[nr:])}}}" if nf and size else "NULL"
                return f"{size}, {roots}, {nr}, {succ}, {nf}"
        raise AssertionError(node.kind)

    def value(self, text: str, boolish: bool) -> str:
        return text  # C's comparisons and logic are 0 or 1 already

    def join(self, kind: Kind, parts: Sequence[str]) -> str:
        return "(" + (" && " if kind is Kind.AND else " || ").join(parts) + ")"

    def let(self, st: Let) -> str:
        if st.kind is Kind.CALL:
            size = _ints(st.op)[2]
            return f"uint8_t {st.name}[{max(size, 1)}]; gcv_reach({st.name}, {st.text});"
        return f"const int64_t {st.name} = {st.text};"

    def statements(self, stmts: Sequence[Stmt], top: bool = False) -> list[str]:
        leave = "return;" if top else "break;"
        out: list[str] = []
        for st in stmts:
            match st:
                case Let():
                    out.append(self.let(st))
                case Exit(cond=cond, when=when):
                    out.append(f"if ({cond}) {leave}" if when else f"if (!{cond}) {leave}")
                case Branch(cond=cond, then=then, else_=else_):
                    out.append(f"if ({cond}) {{")
                    out.extend(f"    {line}" for line in self.statements(then))
                    if else_:
                        out.append("} else {")
                        out.extend(f"    {line}" for line in self.statements(else_))
                    out.append("}")
                case Fault(t=t, site=site):
                    out.append(f"gcv_fault(out, {t}, {site}); break;")
                case Post(t=t, values=values):
                    writes = " ".join(f"_p[{i}] = (val_t){v};" for i, v in values)
                    out.append(f"{{ val_t *_p = gcv_post(out, {t}, s); {writes} }} break;")
                case Leave():
                    out.append("break;")
        return out

    def group(self, name: str, prefix: Sequence[Stmt], blocks: Sequence[Block]) -> list[Function]:
        """One function running the blocks after `prefix`; or, when the blocks are long, one
        function per block (each starting with `prefix`) and `name` calling them in order: a
        compiler's time grows faster than the size of a function, and the blocks of one program
        counter can be large (an allocation step's blocks are 44 KB each in go_gc).  The native
        build may put each function in a file of its own (emit.py): `GCV_GROUP` is `static`, or
        hidden linkage when it does."""
        head = [f"    {line}" for line in self.statements(prefix, top=True)]
        bodies = [(label, self.statements(body)) for label, body in blocks]
        if len(blocks) == 1 or sum(len(body) for _, body in bodies) <= SPLIT_LINES:
            out = [f"GCV_GROUP void {name}(const val_t *restrict s, gcv_out *out) {{", *head]
            for label, body in bodies:
                out.append(f"    do {{ /* {label} */")
                out.extend(f"        {line}" for line in body)
                out.append("    } while (0);")
            out.append("}")
            return [Function(name, tuple(out))]
        parts: list[Function] = []
        for k, (label, body) in enumerate(bodies):
            part = f"{name}_{k}"
            lines = [f"GCV_GROUP GCV_NOINLINE void {part}(const val_t *restrict s, gcv_out *out) {{ /* {label} */"]
            lines.extend(head)
            lines.append("    do {")
            lines.extend(f"        {line}" for line in body)
            lines.append("    } while (0);")
            lines.append("}")
            parts.append(Function(part, tuple(lines)))
        calls = [f"    {p.name}(s, out);" for p in parts]
        whole = (f"GCV_GROUP void {name}(const val_t *restrict s, gcv_out *out) {{", *calls, "}")
        return [*parts, Function(name, whole)]

    def dispatch(self, tables: dict[int, dict[int, str]]) -> list[str]:
        out = ["static void gcv_expand(const val_t *restrict s, gcv_out *out) {"]
        for slot, table in tables.items():
            if table:
                out.append(f"    switch (s[{slot}]) {{")
                out.extend(f"    case {pc}: {name}(s, out); break;" for pc, name in table.items())
                out.append("    default: break;")
                out.append("    }")
        out.append("    (void)s; (void)out;")
        out.append("}")
        return out

    def invariant(self, index: int, body: Sequence[Stmt], value: str) -> list[str]:
        out = [f"static int gcv_inv{index}(const val_t *restrict s) {{", "    (void)s;"]
        for st in body:
            match st:
                case Let():
                    out.append(f"    {self.let(st)}")
                case Exit(cond=cond):
                    out.append(f"    if ({cond}) return 0;")
        out.append(f"    return {value} != 0;")
        out.append("}")
        return out


def c_range_ok(node: Node) -> bool:
    """Whether a node's value is known to fit a C `int64_t` (what the native engine computes in)."""
    return node.lo is not None and node.hi is not None and node.lo > -INT64 and node.hi < INT64
