"""The parser: the grammar has no conflicts, spans are 1-based, and common slips are named."""

from __future__ import annotations

from lark import Lark

from gcverify import syntax as s
from gcverify.dsl.parser import GRAMMAR, parse
from gcverify.source import SourceFile


def test_grammar_builds_in_strict_mode() -> None:
    Lark(GRAMMAR.read_text(encoding="utf-8"), parser="lalr", lexer="basic", strict=True)


def test_spans_are_one_based() -> None:
    m = parse(SourceFile("t.gcv", "spec t\nvar x: bool = false\n"))
    [decl] = m.decls
    assert isinstance(decl, s.VarDecl)
    assert decl.span is not None
    assert (decl.span.start.line, decl.span.start.col) == (2, 1)


def test_precedence() -> None:
    m = parse(SourceFile("t.gcv", "invariant a: x == 1 or y and not z implies w"))
    [inv] = m.decls
    assert isinstance(inv, s.InvariantDecl)
    body = inv.body
    assert isinstance(body, s.Logic) and body.op is s.LogicOp.IMPLIES
    assert isinstance(body.left, s.Logic) and body.left.op is s.LogicOp.OR
    assert isinstance(body.left.right, s.Logic) and body.left.right.op is s.LogicOp.AND


def test_keywords_are_not_names_but_prefixes_are() -> None:
    m = parse(SourceFile("t.gcv", "var variable: bool\nvar loops: bool\n"))
    assert [d.name for d in m.decls if isinstance(d, s.VarDecl)] == ["variable", "loops"]


def test_choose_single_statement_form_equals_block_form() -> None:
    a = parse(SourceFile("t.gcv", "process P { choose r in R where r > 0: x := r }"))
    b = parse(SourceFile("t.gcv", "process P { choose r in R where r > 0 { x := r } }"))
    assert a == b


def test_labels_round_trip() -> None:
    from gcverify.ir.printer import print_module

    text = "process P {\n    top: loop {\n        mid: x := 1\n    }\n}\ninvariant a: at(P, top) or at(P, mid)\n"
    m = parse(SourceFile("t.gcv", text))
    assert parse(SourceFile("t.gcv", print_module(m))) == m
    [proc, _] = m.decls
    assert isinstance(proc, s.ProcessDecl)
    assert isinstance(proc.body[0], s.Labeled) and proc.body[0].label == "top"
