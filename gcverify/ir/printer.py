"""Pretty-printer for the surface AST: `parse(print_module(m)) == m` (spans aside).

Owns: canonical text for every syntax node, with the fewest parentheses the grammar's precedence
allows.  Used for step labels in traces and by the round-trip property tests.
Must not import anything from gcverify but `syntax`.
"""

from __future__ import annotations

from typing import assert_never

from gcverify import syntax as s

# Binding strength of each expression form; higher binds tighter.
_QUANT, _IMPLIES, _OR, _AND, _NOT, _CMP, _SUM, _PRODUCT, _UNARY, _POSTFIX = range(10)


def _prec(e: s.Expr) -> int:
    match e:
        case s.Quant() | s.IfExpr():
            return _QUANT
        case s.Logic(op=s.LogicOp.IMPLIES):
            return _IMPLIES
        case s.Logic(op=s.LogicOp.OR):
            return _OR
        case s.Logic(op=s.LogicOp.AND):
            return _AND
        case s.Not():
            return _NOT
        case s.Compare():
            return _CMP
        case s.Arith(op=s.ArithOp.MUL):
            return _PRODUCT
        case s.Arith():
            return _SUM
        case s.Neg():
            return _UNARY
    return _POSTFIX


def _wrap(e: s.Expr, least: int) -> str:
    text = expr_text(e)
    return f"({text})" if _prec(e) < least else text


def _binders(bs: tuple[s.Binder, ...]) -> str:
    return ", ".join(f"{', '.join(b.names)} in {b.sort}" for b in bs)


def expr_text(e: s.Expr) -> str:
    match e:
        case s.IntLit(value=v):
            return str(v)
        case s.BoolLit(value=v):
            return "true" if v else "false"
        case s.NilLit():
            return "nil"
        case s.Name(name=name):
            return name
        case s.Index(base=b, index=i):
            return f"{_wrap(b, _POSTFIX)}[{expr_text(i)}]"
        case s.Field(base=b, name=name):
            return f"{_wrap(b, _POSTFIX)}.{name}"
        case s.Reach(target=t, start_name=x, start=a, via_name=y, via=b):
            return f"reach({expr_text(t)}, from {x}: {expr_text(a)}, via {y}: {expr_text(b)})"
        case s.Call(name=name, args=args):
            return f"{name}({', '.join(expr_text(a) for a in args)})"
        case s.Neg(operand=a):
            return f"-{_wrap(a, _UNARY)}"
        case s.Not(operand=a):
            return f"not {_wrap(a, _NOT)}"
        case s.Arith(op=op, left=a, right=b):
            p = _prec(e)
            return f"{_wrap(a, p)} {op.value} {_wrap(b, p + 1)}"
        case s.Compare(op=op, left=a, right=b):
            return f"{_wrap(a, _SUM)} {op.value} {_wrap(b, _SUM)}"
        case s.Logic(op=s.LogicOp.IMPLIES, left=a, right=b):
            return f"{_wrap(a, _OR)} implies {_wrap(b, _IMPLIES)}"
        case s.Logic(op=op, left=a, right=b):
            p = _prec(e)
            return f"{_wrap(a, p)} {op.value} {_wrap(b, p + 1)}"
        case s.Quant(kind=k, binders=bs, body=body):
            return f"{k.value} {_binders(bs)}: {expr_text(body)}"
        case s.IfExpr(cond=cnd, then=t, else_=f):
            return f"if {expr_text(cnd)} then {expr_text(t)} else {expr_text(f)}"
        case _:
            assert_never(e)


def type_text(t: s.TypeExpr) -> str:
    match t:
        case s.BoolType():
            return "bool"
        case s.NamedType(name=name):
            return name
        case s.OptionType(name=name):
            return f"{name}?"
        case s.RangeType(lo=lo, hi=hi):
            return f"{_wrap(lo, _SUM)} .. {_wrap(hi, _SUM)}"
        case s.MapType(key=k, value=v):
            return f"{type_text(k)} -> {type_text(v)}"
        case _:
            assert_never(t)


def _block(stmts: tuple[s.Stmt, ...], indent: int) -> str:
    if not stmts:
        return "{ }"
    inner = "\n".join(stmt_text(st, indent + 1) for st in stmts)
    return "{\n" + inner + "\n" + "    " * indent + "}"


def stmt_text(st: s.Stmt, indent: int = 0) -> str:
    pad = "    " * indent
    match st:
        case s.Assign(target=t, value=v):
            return f"{pad}{expr_text(t)} := {expr_text(v)}"
        case s.CallStmt(call=call):
            return f"{pad}{expr_text(call)}"
        case s.Skip():
            return f"{pad}skip"
        case s.Safepoint():
            return f"{pad}safepoint"
        case s.Await(cond=cond):
            return f"{pad}await {expr_text(cond)}"
        case s.Assert(cond=cond, name=name):
            return f"{pad}assert {name + ': ' if name else ''}{expr_text(cond)}"
        case s.LocalDecl(name=name, type=t, init=init):
            return f"{pad}var {name}: {type_text(t)} = {expr_text(init)}"
        case s.Atomic(body=b):
            return f"{pad}atomic {_block(b, indent)}"
        case s.Labeled(label=label, stmt=inner):
            return f"{pad}{label}: {stmt_text(inner, indent).lstrip()}"
        case s.If():
            return pad + _if_text(st, indent)
        case s.While(cond=cond, body=b):
            return f"{pad}while {expr_text(cond)} {_block(b, indent)}"
        case s.Loop(body=b):
            return f"{pad}loop {_block(b, indent)}"
        case s.For(binders=bs, body=b):
            return f"{pad}for {_binders(bs)} {_block(b, indent)}"
        case s.Either(branches=bs):
            return pad + "either " + " or ".join(_block(b, indent) for b in bs)
        case s.Choose(binders=bs, where=w, body=b):
            where = f" where {expr_text(w)}" if w is not None else ""
            return f"{pad}choose {_binders(bs)}{where} {_block(b, indent)}"
        case _:
            assert_never(st)


def _if_text(st: s.If, indent: int) -> str:
    text = f"if {expr_text(st.cond)} {_block(st.then, indent)}"
    if st.else_ is None:
        return text
    if len(st.else_) == 1 and isinstance(st.else_[0], s.If):
        return f"{text} else {_if_text(st.else_[0], indent)}"
    return f"{text} else {_block(st.else_, indent)}"


def _params(ps: tuple[s.Param, ...]) -> str:
    return ", ".join(f"{p.name}: {type_text(p.type)}" for p in ps)


def decl_text(d: s.Decl) -> str:
    match d:
        case s.ConstDecl(name=name, value=v):
            return f"const {name} = {expr_text(v)}"
        case s.ScalarsetDecl(name=name, size=size):
            return f"scalarset {name} of {expr_text(size)}"
        case s.RangeDecl(name=name, lo=lo, hi=hi):
            return f"range {name} = {expr_text(lo)} .. {expr_text(hi)}"
        case s.EnumDecl(name=name, members=ms):
            return f"enum {name} {{ {', '.join(ms)} }}"
        case s.FieldsDecl(names=names):
            return f"fields {', '.join(names)}"
        case s.VarDecl(name=name, type=t, init=init):
            tail = f" = {expr_text(init)}" if init is not None else ""
            return f"var {name}: {type_text(t)}{tail}"
        case s.RootsDecl(names=names):
            return f"roots {', '.join(names)}"
        case s.DefDecl(name=name, params=ps, result=r, body=b):
            return f"def {name}({_params(ps)}): {type_text(r)} = {expr_text(b)}"
        case s.ProcDecl(name=name, params=ps, body=b):
            return f"proc {name}({_params(ps)}) {_block(b, 0)}"
        case s.ProcessDecl(name=name, instance=inst, body=b):
            head = f"[{inst[0]} in {inst[1]}]" if inst else ""
            return f"process {name}{head} {_block(b, 0)}"
        case s.InvariantDecl(name=name, body=b):
            return f"invariant {name}" + (f": {expr_text(b)}" if b is not None else "")
        case s.InductiveDecl(name=name, body=b):
            return f"inductive {name}: {expr_text(b)}"
        case s.ExpectDecl(name=name, verdict=v, within=w, assertion=a):
            kind = "assert " if a else ""
            return f"expect {kind}{name} {v.value}" + (f" within {w} steps" if w is not None else "")
        case _:
            assert_never(d)


def print_module(m: s.Module) -> str:
    parts: list[str] = []
    if m.name is not None:
        parts.append(f"spec {m.name}")
    parts.extend(f'import "{i.path}"' for i in m.imports)
    parts.extend(decl_text(d) for d in m.decls)
    return "\n".join(parts) + "\n"
