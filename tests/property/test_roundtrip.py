"""Printing and parsing are inverse: `parse(print_module(m)) == m` for every well-formed module.

The modules are random (strategies.modules): every declaration, type, statement and expression
form, all operators at every precedence level, names that start or end like keywords.  Spans are
excluded from equality, so only the tree is compared.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from gcverify import syntax as s
from gcverify.diagnostics import GcverifyError
from gcverify.dsl.parser import parse
from gcverify.ir.printer import expr_text, print_module
from gcverify.source import SourceFile

from .strategies import EXCLUDED_WORDS, LITERAL_WORDS, NAME_RE, SPECS_DIR, exprs, modules

SLOW_DATA = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def reparse(text: str) -> s.Module:
    return parse(SourceFile("t.gcv", text))


@pytest.mark.slow
@SLOW_DATA
@given(modules())
def test_parse_of_print_is_identity(m: s.Module) -> None:
    text = print_module(m)
    assert reparse(text) == m, text


@SLOW_DATA
@given(modules())
def test_printing_is_idempotent(m: s.Module) -> None:
    text = print_module(m)
    again = print_module(reparse(text))
    assert again == text


@SLOW_DATA
@given(modules())
def test_comments_and_blank_lines_do_not_change_the_tree(m: s.Module) -> None:
    lines = print_module(m).splitlines()
    noisy = "/* head { */\n" + "\n".join(f"{line}   // note }}\n\n/* a\n block */" for line in lines) + "\n"
    assert reparse(noisy) == m, noisy


@SLOW_DATA
@given(exprs(4))
def test_expression_text_round_trips_inside_an_invariant(e: s.Expr) -> None:
    m = reparse(f"invariant i: {expr_text(e)}\n")
    [decl] = m.decls
    assert isinstance(decl, s.InvariantDecl)
    assert decl.body == e


BUNDLED = sorted(SPECS_DIR.rglob("*.gcv"))


def test_bundled_specs_exist() -> None:
    assert len(BUNDLED) >= 10, BUNDLED


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: str(p.relative_to(SPECS_DIR)))
def test_bundled_specs_round_trip(path: Path) -> None:
    m = parse(SourceFile.read(path))
    assert m.decls
    text = print_module(m)
    assert reparse(text) == m
    assert print_module(reparse(text)) == text


# Canonical text: the fewest parentheses that keep the tree.
CANONICAL = [
    ("(a - b) - c", "a - b - c"),
    ("a - (b - c)", "a - (b - c)"),
    ("a - (b + c)", "a - (b + c)"),
    ("(a * b) + c", "a * b + c"),
    ("a * (b + c)", "a * (b + c)"),
    ("a * (b * c)", "a * (b * c)"),
    ("-(a * b)", "-(a * b)"),
    ("(-a) * b", "-a * b"),
    ("a + -b", "a + -b"),
    ("--a", "--a"),
    ("(a == b) == c", "(a == b) == c"),
    ("not (a == b)", "not a == b"),
    ("(not a) == b", "(not a) == b"),
    ("not (a and b)", "not (a and b)"),
    ("(a and b) and c", "a and b and c"),
    ("a and (b and c)", "a and (b and c)"),
    ("(a or b) and c", "(a or b) and c"),
    ("a or (b and c)", "a or b and c"),
    ("a implies (b implies c)", "a implies b implies c"),
    ("(a implies b) implies c", "(a implies b) implies c"),
    ("(a or b) implies c", "a or b implies c"),
    ("(forall x in S: p) and q", "(forall x in S: p) and q"),
    ("forall x in S: (p and q)", "forall x in S: p and q"),
    ("forall x, y in S, z in T: exists w in U: p", "forall x, y in S, z in T: exists w in U: p"),
    ("(if a then b else c) + 1", "(if a then b else c) + 1"),
    ("if a then b else (c or d)", "if a then b else c or d"),
    ("if (if a then b else c) then d else e", "if if a then b else c then d else e"),
    ("(a + b)[c]", "(a + b)[c]"),
    ("(m[k])[j]", "m[k][j]"),
    ("(o.f).g", "o.f.g"),
    ("(-o).f", "(-o).f"),
    ("f((a), (b))", "f(a, b)"),
    ("reach((o), from x: (p), via y: (q))", "reach(o, from x: p, via y: q)"),
    ("(reach(o, from x: p, via y: q)).f", "reach(o, from x: p, via y: q).f"),
]


@pytest.mark.parametrize(("source", "canonical"), CANONICAL)
def test_canonical_expression_text(source: str, canonical: str) -> None:
    [decl] = reparse(f"invariant i: {source}\n").decls
    assert isinstance(decl, s.InvariantDecl) and decl.body is not None
    assert expr_text(decl.body) == canonical
    [again] = reparse(f"invariant i: {canonical}\n").decls
    assert again == decl


def test_canonical_statements() -> None:
    text = (
        "process P[m in M] { var t: 0 .. N - 1 -> bool = false; x := 1; if a { skip } else { if b { skip } }\n"
        "choose r in R where r > 0: x := r\n"
        "either { skip } or { safepoint } or { await c }\n"
        "}\n"
        "expect p violated within 3\n"
    )
    want = (
        "process P[m in M] {\n"
        "    var t: 0 .. N - 1 -> bool = false\n"
        "    x := 1\n"
        "    if a {\n        skip\n    } else if b {\n        skip\n    }\n"
        "    choose r in R where r > 0 {\n        x := r\n    }\n"
        "    either {\n        skip\n    } or {\n        safepoint\n    } or {\n        await c\n    }\n"
        "}\n"
        "expect p violated within 3 steps\n"
    )
    m = reparse(text)
    assert print_module(m) == want
    assert reparse(want) == m


def test_every_keyword_of_the_grammar_is_excluded_from_names() -> None:
    """A word the grammar uses as a literal must not lex as a NAME (or `var if: bool` would parse)."""
    assert LITERAL_WORDS <= EXCLUDED_WORDS, LITERAL_WORDS - EXCLUDED_WORDS
    for word in sorted(LITERAL_WORDS | EXCLUDED_WORDS):
        assert NAME_RE.fullmatch(word) is None, word
        with pytest.raises(GcverifyError):
            reparse(f"var {word}: bool\n")
        assert NAME_RE.fullmatch(word + "_x") is not None
