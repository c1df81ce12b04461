"""Hypothesis strategies: random surface syntax trees, and random small well-typed spec texts.

`modules()` builds `syntax.Module` values that the parser could have produced (so printing them and
parsing the text must give them back); they need not type-check.  `model_specs()` builds small spec
texts that do type-check, for running through the whole pipeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from gcverify import syntax as s
from gcverify.dsl.parser import GRAMMAR

# ---------------------------------------------------------------------------------------- names

_GRAMMAR_TEXT = GRAMMAR.read_text(encoding="utf-8")
_NAME_RULE = re.search(r"^NAME: /(.*)/$", _GRAMMAR_TEXT, re.MULTILINE)
assert _NAME_RULE is not None, "grammar.lark has no NAME terminal"
NAME_RE = re.compile(_NAME_RULE.group(1))
# Every word the grammar uses as a literal ("spec", "if", …) and every word NAME refuses.
LITERAL_WORDS = frozenset(re.findall(r'"([a-z]+)"', _GRAMMAR_TEXT))
_excluded = re.search(r"\(\?!\(([a-z|]+)\)", _NAME_RULE.group(1))
assert _excluded is not None
EXCLUDED_WORDS = frozenset(_excluded.group(1).split("|"))
KEYWORDS = LITERAL_WORDS | EXCLUDED_WORDS

# Names that start or end like keywords: the lexer must still read them as one NAME.
TRICKY_NAMES = (
    "x",
    "y",
    "_",
    "iff",
    "ifx",
    "if_",
    "in0",
    "index",
    "format",
    "notx",
    "orr",
    "andy",
    "spec_",
    "specs",
    "trueish",
    "nil0",
    "nilly",
    "reachable",
    "stopped",
    "holdsX",
    "from_",
    "via2",
    "then_",
    "elsewhere",
    "loops",
    "variable",
    "Object",
    "Field",
)


def _is_name(text: str) -> bool:
    return text not in KEYWORDS and NAME_RE.fullmatch(text) is not None


names: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(TRICKY_NAMES),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,5}", fullmatch=True).filter(_is_name),
)


name_lists: st.SearchStrategy[tuple[str, ...]] = st.lists(names, min_size=1, max_size=3).map(tuple)

# ---------------------------------------------------------------------------------------- expressions
#
# Composite strategies with an explicit depth budget (st.recursive over st.builds makes huge reprs).

ints = st.integers(min_value=0, max_value=10**12)


@st.composite
def binders(draw: st.DrawFn) -> tuple[s.Binder, ...]:
    return tuple(s.Binder(draw(name_lists), draw(names)) for _ in range(draw(st.integers(1, 2))))


EXPR_KINDS = ("index", "field", "call", "neg", "not", "arith", "compare", "logic", "quant", "ite", "reach")


@st.composite
def exprs(draw: st.DrawFn, depth: int = 3) -> s.Expr:
    if depth <= 0 or draw(st.integers(0, 3)) == 0:
        leaf = draw(st.sampled_from(("int", "bool", "nil", "name", "name", "call0")))
        if leaf == "int":
            return s.IntLit(draw(ints))
        if leaf == "bool":
            return s.BoolLit(draw(st.booleans()))
        if leaf == "nil":
            return s.NilLit()
        if leaf == "call0":
            return s.Call(draw(names), ())
        return s.Name(draw(names))
    sub = exprs(depth - 1)
    kind = draw(st.sampled_from(EXPR_KINDS))
    if kind == "index":
        return s.Index(draw(sub), draw(sub))
    if kind == "field":
        return s.Field(draw(sub), draw(names))
    if kind == "call":
        return s.Call(draw(names), tuple(draw(st.lists(sub, min_size=1, max_size=3))))
    if kind == "neg":
        return s.Neg(draw(sub))
    if kind == "not":
        return s.Not(draw(sub))
    if kind == "arith":
        return s.Arith(draw(st.sampled_from(s.ArithOp)), draw(sub), draw(sub))
    if kind == "compare":
        return s.Compare(draw(st.sampled_from(s.CmpOp)), draw(sub), draw(sub))
    if kind == "logic":
        return s.Logic(draw(st.sampled_from(s.LogicOp)), draw(sub), draw(sub))
    if kind == "quant":
        return s.Quant(draw(st.sampled_from(s.Quantifier)), draw(binders()), draw(sub))
    if kind == "ite":
        return s.IfExpr(draw(sub), draw(sub), draw(sub))
    assert kind == "reach"
    return s.Reach(draw(sub), draw(names), draw(sub), draw(names), draw(sub))


@st.composite
def lvalues(draw: st.DrawFn) -> s.Expr:
    """An assignment's target: a name followed by indexes and fields (grammar rule `lvalue`)."""
    target: s.Expr = s.Name(draw(names))
    for _ in range(draw(st.integers(0, 3))):
        target = s.Index(target, draw(exprs(2))) if draw(st.booleans()) else s.Field(target, draw(names))
    return target


# ---------------------------------------------------------------------------------------- types


@st.composite
def base_types(draw: st.DrawFn) -> s.TypeExpr:
    kind = draw(st.sampled_from(("bool", "named", "option", "range")))
    if kind == "bool":
        return s.BoolType()
    if kind == "named":
        return s.NamedType(draw(names))
    if kind == "option":
        return s.OptionType(draw(names))
    return s.RangeType(draw(exprs(2)), draw(exprs(2)))


@st.composite
def types(draw: st.DrawFn) -> s.TypeExpr:
    """A type; a map's key is never a map (the grammar has no parentheses for types)."""
    keys = draw(st.lists(base_types(), max_size=2))
    t = draw(base_types())
    for k in reversed(keys):
        t = s.MapType(k, t)
    return t


# ---------------------------------------------------------------------------------------- statements

SIMPLE_KINDS = ("assign", "call", "skip", "safepoint", "await", "assert", "local")
COMPOUND_KINDS = ("atomic", "if", "while", "loop", "for", "either", "choose")


@st.composite
def blocks(draw: st.DrawFn, depth: int = 3, max_size: int = 3) -> tuple[s.Stmt, ...]:
    return tuple(draw(st.lists(stmts(depth), max_size=max_size)))


@st.composite
def ifs(draw: st.DrawFn, depth: int) -> s.If:
    cond, then = draw(exprs(2)), draw(blocks(depth - 1))
    tail = draw(st.sampled_from(("none", "block", "elif")))
    if tail == "none":
        return s.If(cond, then, None)
    if tail == "block":
        return s.If(cond, then, draw(blocks(depth - 1)))
    return s.If(cond, then, (draw(ifs(depth - 1)),)) if depth > 1 else s.If(cond, then, ())


@st.composite
def stmts(draw: st.DrawFn, depth: int = 3) -> s.Stmt:
    kinds = SIMPLE_KINDS + (COMPOUND_KINDS if depth > 0 else ())
    kind = draw(st.sampled_from(kinds))
    e = exprs(2)
    if kind == "assign":
        return s.Assign(draw(lvalues()), draw(e))
    if kind == "call":
        return s.CallStmt(s.Call(draw(names), tuple(draw(st.lists(e, max_size=2)))))
    if kind == "skip":
        return s.Skip()
    if kind == "safepoint":
        return s.Safepoint()
    if kind == "await":
        return s.Await(draw(e))
    if kind == "assert":
        return s.Assert(draw(e), draw(st.none() | names))
    if kind == "local":
        return s.LocalDecl(draw(names), draw(types()), draw(e))
    block = blocks(depth - 1)
    if kind == "atomic":
        return s.Atomic(draw(block))
    if kind == "if":
        return draw(ifs(depth))
    if kind == "while":
        return s.While(draw(e), draw(block))
    if kind == "loop":
        return s.Loop(draw(block))
    if kind == "for":
        return s.For(draw(binders()), draw(block))
    if kind == "either":
        return s.Either(tuple(draw(st.lists(block, min_size=2, max_size=3))))
    assert kind == "choose"
    return s.Choose(draw(binders()), draw(st.none() | e), draw(block))


# ---------------------------------------------------------------------------------------- declarations

DECL_KINDS = (
    "const",
    "scalarset",
    "range",
    "enum",
    "fields",
    "var",
    "roots",
    "def",
    "proc",
    "process",
    "invariant",
    "expect",
)


@st.composite
def params(draw: st.DrawFn) -> tuple[s.Param, ...]:
    return tuple(s.Param(draw(names), draw(types())) for _ in range(draw(st.integers(0, 2))))


@st.composite
def decls(draw: st.DrawFn) -> s.Decl:
    kind = draw(st.sampled_from(DECL_KINDS))
    name = draw(names)
    e = exprs(3)
    if kind == "const":
        return s.ConstDecl(name, draw(e))
    if kind == "scalarset":
        return s.ScalarsetDecl(name, draw(e))
    if kind == "range":
        return s.RangeDecl(name, draw(e), draw(e))
    if kind == "enum":
        return s.EnumDecl(name, draw(name_lists))
    if kind == "fields":
        return s.FieldsDecl(draw(name_lists))
    if kind == "var":
        return s.VarDecl(name, draw(types()), draw(st.none() | e))
    if kind == "roots":
        return s.RootsDecl(draw(name_lists))
    if kind == "def":
        return s.DefDecl(name, draw(params()), draw(types()), draw(e))
    if kind == "proc":
        return s.ProcDecl(name, draw(params()), draw(blocks(3, 4)))
    if kind == "process":
        instance = draw(st.none() | st.tuples(names, names))
        return s.ProcessDecl(name, instance, draw(blocks(3, 4)))
    if kind == "invariant":
        return s.InvariantDecl(name, draw(st.none() | e))
    assert kind == "expect"
    within = draw(st.none() | st.integers(0, 99))
    return s.ExpectDecl(name, draw(st.sampled_from(s.ExpectedVerdict)), within, assertion=draw(st.booleans()))


import_paths = st.text(alphabet="abcxyz_./-0123456789 ", max_size=12)


@st.composite
def modules(draw: st.DrawFn) -> s.Module:
    name = draw(st.none() | names)
    imports = tuple(s.Import(p) for p in draw(st.lists(import_paths, max_size=2)))
    return s.Module(name, imports, tuple(draw(st.lists(decls(), max_size=5))))


# ---------------------------------------------------------------------------------------- random models
#
# Small well-typed specs as text.  Variables: booleans b0.., small ranges x0.. (0..hi), one enum
# variable m (enum Mode), and, with a replicated process, `flag: Proc -> bool` and `owner: Proc?`.


@dataclass(frozen=True)
class Vars:
    bools: tuple[str, ...]
    ints: tuple[tuple[str, int], ...]  # (name, hi): the variable ranges over 0..hi
    enum: bool
    procs: int  # size of scalarset Proc (0: no replicated process)


MODES = ("ma", "mb", "mc")


@st.composite
def _int_expr(draw: st.DrawFn, v: Vars, local: str | None) -> str:
    atoms = [str(draw(st.integers(0, 2)))] + [x for x, _ in v.ints]
    if local is not None:
        atoms.append(local)
    a = draw(st.sampled_from(atoms))
    shape = draw(st.integers(0, 3))
    if shape == 0:
        return a
    b = draw(st.sampled_from(atoms))
    if shape == 1:
        return f"{a} + {b}"
    if shape == 2:
        return f"{a} - {b}"
    return f"{a} * {b}"


@st.composite
def _bool_atom(draw: st.DrawFn, v: Vars, inst: str | None, local: str | None) -> str:
    options = ["true", "false", *v.bools]
    kinds = ["lit"] + (["cmp"] * 3 if v.ints or local else []) + (["enum"] if v.enum else [])
    if v.bools:
        kinds += ["var"] * 2
    if v.procs:
        kinds += ["owner", "quant"]
    kind = draw(st.sampled_from(kinds))
    if kind == "var":
        return draw(st.sampled_from(v.bools))
    if kind == "cmp":
        op = draw(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]))
        return f"{draw(_int_expr(v, local))} {op} {draw(_int_expr(v, local))}"
    if kind == "enum":
        return f"m {draw(st.sampled_from(['==', '!=']))} {draw(st.sampled_from(MODES))}"
    if kind == "owner":
        other = inst if inst is not None else "nil"
        return f"owner {draw(st.sampled_from(['==', '!=']))} {draw(st.sampled_from([other, 'nil']))}"
    if kind == "quant":
        q = draw(st.sampled_from(["forall", "exists"]))
        return f"({q} p in Proc: flag[p] {draw(st.sampled_from(['or', 'and', 'implies']))} owner != p)"
    return draw(st.sampled_from(options))


@st.composite
def bool_exprs(draw: st.DrawFn, v: Vars, inst: str | None = None, local: str | None = None, depth: int = 2) -> str:
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        return draw(_bool_atom(v, inst, local))
    kind = draw(st.sampled_from(["not", "and", "or", "implies", "ite"]))
    a = draw(bool_exprs(v, inst, local, depth - 1))
    if kind == "not":
        return f"not ({a})"
    b = draw(bool_exprs(v, inst, local, depth - 1))
    if kind == "ite":
        c = draw(bool_exprs(v, inst, local, depth - 1))
        return f"(if {a} then {b} else {c})"
    return f"({a}) {kind} ({b})"


@st.composite
def _assign(draw: st.DrawFn, v: Vars, inst: str | None, local: str | None) -> str:
    kinds = []
    if v.bools:
        kinds.append("bool")
    if v.ints:
        kinds += ["int", "int"]
    if v.enum:
        kinds.append("enum")
    if inst is not None:
        kinds += ["flag", "owner"]
    if local is not None:
        kinds.append("local")
    kind = draw(st.sampled_from(kinds or ["skip"]))
    if kind == "bool":
        return f"{draw(st.sampled_from(v.bools))} := {draw(bool_exprs(v, inst, local, 1))}"
    if kind == "int":
        x, hi = draw(st.sampled_from(v.ints))
        # usually kept in range; sometimes `x + 1` unguarded (a possible out-of-range fault)
        value = draw(
            st.sampled_from(
                [
                    f"if {x} < {hi} then {x} + 1 else 0",
                    f"if {x} > 0 then {x} - 1 else {hi}",
                    str(draw(st.integers(0, hi))),
                    f"{x} + 1",
                ]
            )
        )
        return f"{x} := {value}"
    if kind == "enum":
        return f"m := {draw(st.sampled_from(MODES))}"
    if kind == "flag":
        return f"flag[{inst}] := {draw(bool_exprs(v, inst, local, 1))}"
    if kind == "owner":
        return f"owner := {draw(st.sampled_from([inst, 'nil']))}"
    if kind == "local":
        return f"{local} := {draw(st.sampled_from(['0', '1', '2', f'if {local} < 2 then {local} + 1 else 0']))}"
    return "skip"


@st.composite
def model_stmts(
    draw: st.DrawFn, v: Vars, inst: str | None, local: str | None, depth: int, in_atomic: bool = False
) -> str:
    kinds = ["assign"] * 4 + ["await", "skip"]
    if depth > 0:
        kinds += ["if", "either", "choose"]
        if not in_atomic:
            kinds += ["atomic", "while", "loop"]
        if v.ints:
            kinds.append("for")
        if v.procs:
            kinds.append("for_proc")
            if inst is None and not in_atomic:
                kinds.append("stop_the_world")
    if inst is not None and not in_atomic:
        kinds.append("safepoint")
    kind = draw(st.sampled_from(kinds))

    def block(n: int = 2, atomic: bool = in_atomic) -> str:
        body = draw(st.lists(model_stmts(v, inst, local, depth - 1, atomic), min_size=1, max_size=n))
        return "{ " + " ".join(body) + " }"

    if kind == "assign":
        return draw(_assign(v, inst, local))
    if kind == "await":
        return f"await {draw(bool_exprs(v, inst, local, 1))}"
    if kind == "skip":
        return "skip"
    if kind == "if":
        text = f"if {draw(bool_exprs(v, inst, local, 1))} {block()}"
        if draw(st.booleans()):
            text += f" else if {draw(bool_exprs(v, inst, local, 1))} {block(1)}"
        if draw(st.booleans()):
            text += f" else {block(1)}"
        return text
    if kind == "either":
        return "either " + " or ".join(block() for _ in range(draw(st.integers(2, 3))))
    if kind == "choose":
        # `c` ranges over R = 0..2; it is only read (assigning it is an error)
        target = draw(st.sampled_from([x for x, hi in v.ints if hi >= 2] or ["skip"]))
        where = draw(st.sampled_from(["", " where c > 0", " where c != 1"]))
        body = f"{target} := c" if target != "skip" else "skip"
        if draw(st.booleans()):
            body = f"if c == 1 {{ {body} }} else {block(1)}"
        return f"choose c in R{where} {{ {body} }}"
    if kind == "atomic":
        return f"atomic {block(3, True)}"
    if kind == "while":
        return f"while {draw(bool_exprs(v, inst, local, 1))} {block()}"
    if kind == "loop":
        return f"loop {block()}"
    if kind == "for_proc":  # outside atomic: the elements in any order, one step each
        return f"for p in Proc {{ flag[p] := {draw(bool_exprs(v, inst, local, 1))} }}"
    if kind == "stop_the_world":  # wait until every Q is at a safepoint (or finished)
        return f"atomic {{ await stopped(Q) {block(2, True)[2:-2]} }}"
    if kind == "safepoint":
        return "safepoint"
    assert kind == "for"
    return f"for k in R {block()}"


@st.composite
def _process_body(draw: st.DrawFn, v: Vars, inst: str | None, local: str | None) -> str:
    body = draw(st.lists(model_stmts(v, inst, local, 2), min_size=2, max_size=4))
    if draw(st.integers(0, 2)) > 0:  # usually run forever: more interleavings, more states
        return "    loop {\n        " + "\n        ".join(body) + "\n    }"
    return "    " + "\n    ".join(body)


@st.composite
def _invariants(draw: st.DrawFn, v: Vars, domains: dict[str, tuple[list[str], str]]) -> str:
    """Mostly 'the system never reaches this valuation' (true initially, so the search has work to
    do); sometimes an arbitrary boolean expression."""
    if draw(st.integers(0, 2)) == 0:
        return draw(bool_exprs(v))
    chosen = draw(st.lists(st.sampled_from(sorted(domains)), min_size=1, max_size=2, unique=True))
    values = {var: draw(st.sampled_from(domains[var][0])) for var in chosen}
    first = chosen[0]
    if values[first] == domains[first][1]:  # make at least one literal false initially
        others = [x for x in domains[first][0] if x != domains[first][1]]
        values[first] = draw(st.sampled_from(others))
    return "not (" + " and ".join(f"{var} == {value}" for var, value in values.items()) + ")"


@dataclass(frozen=True)
class ModelSpec:
    text: str
    invariants: tuple[str, ...]


@st.composite
def model_specs(draw: st.DrawFn) -> ModelSpec:
    n_bools = draw(st.integers(0, 2))
    n_ints = draw(st.integers(0 if n_bools else 1, 2))
    v = Vars(
        bools=tuple(f"b{i}" for i in range(n_bools)),
        ints=tuple((f"x{i}", draw(st.integers(1, 3))) for i in range(n_ints)),
        enum=draw(st.booleans()),
        procs=draw(st.sampled_from([0, 0, 1, 2])),
    )
    lines = ["spec random", "range R = 0 .. 2"]
    if v.enum:
        lines.append(f"enum Mode {{ {', '.join(MODES)} }}")
    if v.procs:
        lines += [f"scalarset Proc of {v.procs}", "var flag: Proc -> bool = false", "var owner: Proc? = nil"]
    # the domain and initial value of every scalar variable, as text
    domains: dict[str, tuple[list[str], str]] = {}
    for b in v.bools:
        domains[b] = (["false", "true"], draw(st.sampled_from(["false", "true"])))
    for x, hi in v.ints:
        domains[x] = ([str(k) for k in range(hi + 1)], str(draw(st.integers(0, hi))))
    if v.enum:
        domains["m"] = (list(MODES), draw(st.sampled_from(MODES)))
    for var, (_, init) in domains.items():
        sort = "bool" if var in v.bools else "Mode" if var == "m" else f"0 .. {dict(v.ints)[var]}"
        lines.append(f"var {var}: {sort} = {init}")
    n_plain = 1 if v.procs else draw(st.integers(1, 2))
    for i in range(n_plain):
        local = "t" if draw(st.booleans()) else None
        head = "    var t: 0 .. 2 = 0\n" if local else ""
        lines.append(f"process P{i} {{\n{head}{draw(_process_body(v, None, local))}\n}}")
    if v.procs:
        lines.append(f"process Q[q in Proc] {{\n{draw(_process_body(v, 'q', None))}\n}}")
    invariants = tuple(f"inv{i}" for i in range(draw(st.integers(1, 2))))
    lines += [f"invariant {name}: {draw(_invariants(v, domains))}" for name in invariants]
    return ModelSpec("\n".join(lines) + "\n", invariants)


SPECS_DIR = Path(__file__).resolve().parents[2] / "specs"
