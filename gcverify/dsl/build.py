"""Lark parse tree -> `syntax.Module`.

Owns: the grammar-shaped Transformer.  It builds nodes and attaches spans; it never validates
(that is `ir.resolve`'s job) and never raises user errors.
Must not import gcverify.ir or anything later in the pipeline.
"""

from __future__ import annotations

from typing import Any

from lark import Token, Transformer, Tree, v_args
from lark.tree import Meta

from gcverify import syntax as s
from gcverify.source import Pos, SourceFile, Span


def _stmts(items: Any) -> tuple[s.Stmt, ...]:
    return tuple(items)


@v_args(meta=True)
class _Builder(Transformer[Token, Any]):
    def __init__(self, source: SourceFile) -> None:
        super().__init__()
        self.source = source

    def _span(self, meta: Meta) -> Span | None:
        if getattr(meta, "empty", True):
            return None
        return Span(self.source, Pos(meta.line, meta.column), Pos(meta.end_line, meta.end_column))

    def _tok_span(self, tok: Token) -> Span:
        return Span(self.source, Pos(tok.line or 0, tok.column or 0), Pos(tok.end_line or 0, tok.end_column or 0))

    # ---- module
    def start(self, meta: Meta, items: list[Any]) -> s.Module:
        name = None
        imports: list[s.Import] = []
        decls: list[s.Decl] = []
        for item in items:
            if isinstance(item, str):
                name = item
            elif isinstance(item, s.Import):
                imports.append(item)
            else:
                decls.append(item)
        return s.Module(name, tuple(imports), tuple(decls), self._span(meta))

    def header(self, meta: Meta, items: list[Token]) -> str:
        return str(items[0])

    def import_decl(self, meta: Meta, items: list[Token]) -> s.Import:
        return s.Import(str(items[0])[1:-1], self._span(meta))

    # ---- declarations
    def const_decl(self, meta: Meta, items: list[Any]) -> s.ConstDecl:
        return s.ConstDecl(str(items[0]), items[1], self._span(meta))

    def scalarset_decl(self, meta: Meta, items: list[Any]) -> s.ScalarsetDecl:
        return s.ScalarsetDecl(str(items[0]), items[1], self._span(meta))

    def range_decl(self, meta: Meta, items: list[Any]) -> s.RangeDecl:
        return s.RangeDecl(str(items[0]), items[1], items[2], self._span(meta))

    def enum_decl(self, meta: Meta, items: list[Any]) -> s.EnumDecl:
        return s.EnumDecl(str(items[0]), items[1], self._span(meta))

    def fields_decl(self, meta: Meta, items: list[Any]) -> s.FieldsDecl:
        return s.FieldsDecl(items[0], self._span(meta))

    def var_decl(self, meta: Meta, items: list[Any]) -> s.VarDecl:
        init = items[2] if len(items) > 2 else None
        return s.VarDecl(str(items[0]), items[1], init, self._span(meta))

    def roots_decl(self, meta: Meta, items: list[Any]) -> s.RootsDecl:
        return s.RootsDecl(items[0], self._span(meta))

    def def_decl(self, meta: Meta, items: list[Any]) -> s.DefDecl:
        if len(items) == 3:
            return s.DefDecl(str(items[0]), (), items[1], items[2], self._span(meta))
        return s.DefDecl(str(items[0]), items[1], items[2], items[3], self._span(meta))

    def proc_decl(self, meta: Meta, items: list[Any]) -> s.ProcDecl:
        if len(items) == 2:
            return s.ProcDecl(str(items[0]), (), items[1], self._span(meta))
        return s.ProcDecl(str(items[0]), items[1], items[2], self._span(meta))

    def process_decl(self, meta: Meta, items: list[Any]) -> s.ProcessDecl:
        if len(items) == 2:
            return s.ProcessDecl(str(items[0]), None, items[1], self._span(meta))
        return s.ProcessDecl(str(items[0]), items[1], items[2], self._span(meta))

    def instance(self, meta: Meta, items: list[Token]) -> tuple[str, str]:
        return (str(items[0]), str(items[1]))

    def invariant_decl(self, meta: Meta, items: list[Any]) -> s.InvariantDecl:
        return s.InvariantDecl(str(items[0]), items[1] if len(items) > 1 else None, self._span(meta))

    def inductive_decl(self, meta: Meta, items: list[Any]) -> s.InductiveDecl:
        return s.InductiveDecl(str(items[0]), items[1], self._span(meta))

    def expect_decl(self, meta: Meta, items: list[Any]) -> s.ExpectDecl:
        within = items[2] if len(items) > 2 else None
        return s.ExpectDecl(str(items[0]), s.ExpectedVerdict(str(items[1])), within, span=self._span(meta))

    def expect_assert_decl(self, meta: Meta, items: list[Any]) -> s.ExpectDecl:
        within = items[2] if len(items) > 2 else None
        verdict = s.ExpectedVerdict(str(items[1]))
        return s.ExpectDecl(str(items[0]), verdict, within, assertion=True, span=self._span(meta))

    def within(self, meta: Meta, items: list[Token]) -> int:
        return int(items[0])

    def name_list(self, meta: Meta, items: list[Token]) -> tuple[str, ...]:
        return tuple(str(t) for t in items)

    def params(self, meta: Meta, items: list[s.Param]) -> tuple[s.Param, ...]:
        return tuple(items)

    def param(self, meta: Meta, items: list[Any]) -> s.Param:
        return s.Param(str(items[0]), items[1], self._span(meta))

    # ---- types
    def map_type(self, meta: Meta, items: list[Any]) -> s.MapType:
        return s.MapType(items[0], items[1], self._span(meta))

    def bool_type(self, meta: Meta, items: list[Any]) -> s.BoolType:
        return s.BoolType(self._span(meta))

    def named_type(self, meta: Meta, items: list[Token]) -> s.NamedType:
        return s.NamedType(str(items[0]), self._span(meta))

    def option_type(self, meta: Meta, items: list[Token]) -> s.OptionType:
        return s.OptionType(str(items[0]), self._span(meta))

    def range_type(self, meta: Meta, items: list[Any]) -> s.RangeType:
        return s.RangeType(items[0], items[1], self._span(meta))

    # ---- statements
    def block(self, meta: Meta, items: list[s.Stmt]) -> tuple[s.Stmt, ...]:
        return _stmts(items)

    def single_block(self, meta: Meta, items: list[s.Stmt]) -> tuple[s.Stmt, ...]:
        return _stmts(items)

    def assign(self, meta: Meta, items: list[Any]) -> s.Assign:
        return s.Assign(items[0], items[1], self._span(meta))

    def call_stmt(self, meta: Meta, items: list[Any]) -> s.CallStmt:
        return s.CallStmt(self.call(meta, items), self._span(meta))

    def skip(self, meta: Meta, items: list[Any]) -> s.Skip:
        return s.Skip(self._span(meta))

    def safepoint(self, meta: Meta, items: list[Any]) -> s.Safepoint:
        return s.Safepoint(self._span(meta))

    def await_stmt(self, meta: Meta, items: list[Any]) -> s.Await:
        return s.Await(items[0], self._span(meta))

    def assert_stmt(self, meta: Meta, items: list[Any]) -> s.Assert:
        return s.Assert(items[0], span=self._span(meta))

    def named_assert_stmt(self, meta: Meta, items: list[Any]) -> s.Assert:
        return s.Assert(items[1], str(items[0]), self._span(meta))

    def local_decl(self, meta: Meta, items: list[Any]) -> s.LocalDecl:
        return s.LocalDecl(str(items[0]), items[1], items[2], self._span(meta))

    def labeled(self, meta: Meta, items: list[Any]) -> s.Labeled:
        return s.Labeled(str(items[0]), items[1], self._span(meta))

    def atomic(self, meta: Meta, items: list[Any]) -> s.Atomic:
        return s.Atomic(items[0], self._span(meta))

    def if_stmt(self, meta: Meta, items: list[Any]) -> s.If:
        else_: tuple[s.Stmt, ...] | None = None
        if len(items) > 2:
            else_ = (items[2],) if isinstance(items[2], s.If) else items[2]
        return s.If(items[0], items[1], else_, self._span(meta))

    def while_stmt(self, meta: Meta, items: list[Any]) -> s.While:
        return s.While(items[0], items[1], self._span(meta))

    def loop_stmt(self, meta: Meta, items: list[Any]) -> s.Loop:
        return s.Loop(items[0], self._span(meta))

    def for_stmt(self, meta: Meta, items: list[Any]) -> s.For:
        return s.For(items[0], items[1], self._span(meta))

    def either(self, meta: Meta, items: list[Any]) -> s.Either:
        return s.Either(tuple(items), self._span(meta))

    def choose(self, meta: Meta, items: list[Any]) -> s.Choose:
        if len(items) == 3:
            return s.Choose(items[0], items[1], items[2], self._span(meta))
        return s.Choose(items[0], None, items[1], self._span(meta))

    def binders(self, meta: Meta, items: list[s.Binder]) -> tuple[s.Binder, ...]:
        return tuple(items)

    def binder(self, meta: Meta, items: list[Token]) -> s.Binder:
        return s.Binder(tuple(str(t) for t in items[:-1]), str(items[-1]), self._span(meta))

    # ---- expressions
    def quant(self, meta: Meta, items: list[Any]) -> s.Quant:
        return s.Quant(s.Quantifier(str(items[0])), items[1], items[2], self._span(meta))

    def ite(self, meta: Meta, items: list[Any]) -> s.IfExpr:
        return s.IfExpr(items[0], items[1], items[2], self._span(meta))

    def implies(self, meta: Meta, items: list[Any]) -> s.Logic:
        return s.Logic(s.LogicOp.IMPLIES, items[0], items[1], self._span(meta))

    def or_(self, meta: Meta, items: list[Any]) -> s.Logic:
        return s.Logic(s.LogicOp.OR, items[0], items[1], self._span(meta))

    def and_(self, meta: Meta, items: list[Any]) -> s.Logic:
        return s.Logic(s.LogicOp.AND, items[0], items[1], self._span(meta))

    def not_(self, meta: Meta, items: list[Any]) -> s.Not:
        return s.Not(items[0], self._span(meta))

    def compare(self, meta: Meta, items: list[Any]) -> s.Compare:
        return s.Compare(s.CmpOp(str(items[1])), items[0], items[2], self._span(meta))

    def add(self, meta: Meta, items: list[Any]) -> s.Arith:
        return s.Arith(s.ArithOp.ADD, items[0], items[1], self._span(meta))

    def sub(self, meta: Meta, items: list[Any]) -> s.Arith:
        return s.Arith(s.ArithOp.SUB, items[0], items[1], self._span(meta))

    def mul(self, meta: Meta, items: list[Any]) -> s.Arith:
        return s.Arith(s.ArithOp.MUL, items[0], items[1], self._span(meta))

    def neg(self, meta: Meta, items: list[Any]) -> s.Neg:
        return s.Neg(items[0], self._span(meta))

    def index(self, meta: Meta, items: list[Any]) -> s.Index:
        return s.Index(items[0], items[1], self._span(meta))

    def field(self, meta: Meta, items: list[Any]) -> s.Field:
        return s.Field(items[0], str(items[1]), self._span(meta), self._tok_span(items[1]))

    def call(self, meta: Meta, items: list[Any]) -> s.Call:
        args = tuple(items[1]) if len(items) > 1 else ()
        return s.Call(str(items[0]), args, self._span(meta))

    def reach(self, meta: Meta, items: list[Any]) -> s.Reach:
        return s.Reach(items[0], str(items[1]), items[2], str(items[3]), items[4], self._span(meta))

    def args(self, meta: Meta, items: list[Any]) -> list[Any]:
        return items

    def int_lit(self, meta: Meta, items: list[Token]) -> s.IntLit:
        return s.IntLit(int(items[0]), self._span(meta))

    def true_lit(self, meta: Meta, items: list[Any]) -> s.BoolLit:
        return s.BoolLit(True, self._span(meta))

    def false_lit(self, meta: Meta, items: list[Any]) -> s.BoolLit:
        return s.BoolLit(False, self._span(meta))

    def nil_lit(self, meta: Meta, items: list[Any]) -> s.NilLit:
        return s.NilLit(self._span(meta))

    def name(self, meta: Meta, items: list[Token]) -> s.Name:
        return s.Name(str(items[0]), self._span(meta))


def build(tree: Tree[Token], source: SourceFile) -> s.Module:
    """Turn a parse tree into the surface AST.  Pure construction: never fails on a valid tree."""
    result = _Builder(source).transform(tree)
    assert isinstance(result, s.Module)
    return result
