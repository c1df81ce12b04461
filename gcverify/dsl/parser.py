"""Parsing: text -> `syntax.Module`, with syntax errors as `Diagnostic`s.

Owns: the lark parser (LALR, built once from grammar.lark), translation of lark's exceptions into
GCV1xx diagnostics worded for people (token names become the text a user would type), and the
hints for common slips.  The only module that catches lark's `UnexpectedInput`.
"""

from __future__ import annotations

import hashlib
import sys
from functools import cache
from pathlib import Path
from typing import cast

import lark
from lark import Lark, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.exceptions import VisitError

from gcverify import syntax
from gcverify.diagnostics import Code, Diagnostic, GcverifyError, InternalError
from gcverify.dsl.build import build
from gcverify.dsl.nesting import Nesting, measure
from gcverify.dsl.syntax_errors import HINTS, SYNTAX_EXAMPLES
from gcverify.machine import cache_dir
from gcverify.source import Pos, SourceFile, Span

GRAMMAR = Path(__file__).with_name("grammar.lark")

# What a person would type for each terminal lark may report.
TOKEN_WORDS: dict[str, str] = {
    "NAME": "a name",
    "INT": "a number",
    "STRING": "a quoted path",
    "VERDICT": "'holds' or 'violated'",
    "QUANT": "'forall' or 'exists'",
    "CMP_OP": "a comparison",
    "PLUS": "'+'",
    "STAR": "'*'",
    "TRUE": "'true'",
    "FALSE": "'false'",
    "NIL": "'nil'",
    "SKIP": "'skip'",
    "BOOL": "'bool'",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COLON": "':'",
    "SEMICOLON": "';'",
    "COMMA": "','",
    "DOT": "'.'",
    "EQUAL": "'='",
    "QMARK": "'?'",
    "MINUS": "'-'",
    "$END": "the end of the file",
}


@cache
def _parser() -> Lark:
    grammar = GRAMMAR.read_text(encoding="utf-8")
    return Lark(
        grammar,
        parser="lalr",
        lexer="basic",
        propagate_positions=True,
        maybe_placeholders=False,
        cache=_parser_cache(grammar) or False,
    )


def _parser_cache(grammar: str) -> str | None:
    """Where lark keeps the analysed grammar between runs (building it takes most of a small
    check's start-up: about 0.9 s of 1.5 s), in the user's own cache directory rather than lark's
    shared temporary one; None if that directory cannot be made.  Lark checks the grammar's hash
    on loading and rebuilds on any mismatch."""
    base = cache_dir()
    key = hashlib.sha256(f"{grammar}\0{lark.__version__}\0{sys.version_info[:2]}".encode()).hexdigest()[:24]
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return str(base / f"parser-{key}.lark")


def _word(parser: Lark, name: str) -> str:
    if name in TOKEN_WORDS:
        return TOKEN_WORDS[name]
    for term in parser.terminals:
        if term.name == name:
            pattern = term.pattern.value
            if term.pattern.type == "str":
                return f"'{pattern}'"
    return name.lower()


def _expected(parser: Lark, names: set[str]) -> str:
    words = sorted({_word(parser, n) for n in names})
    keywords = [w for w in words if w.startswith("'")]
    others = [w for w in words if not w.startswith("'")]
    listed = others + keywords
    if len(listed) > 12:
        listed = [*listed[:12], "…"]
    if len(listed) == 1:
        return listed[0]
    return ", ".join(listed[:-1]) + " or " + listed[-1]


def _point(source: SourceFile, line: int, col: int, length: int = 1) -> Span:
    return Span(source, Pos(line, col), Pos(line, col + max(length, 1)))


def _label(parser: Lark, err: UnexpectedInput) -> str | None:
    if not isinstance(err, UnexpectedToken) or err.state is None:
        return None
    try:
        label = err.match_examples(parser.parse, SYNTAX_EXAMPLES, use_accepts=True)
    except Exception:
        return None
    return label if isinstance(label, str) else None


def _brace_balance(parser: Lark, text: str) -> tuple[int, int, int] | None:
    """(line, col, +1/-1) of the first unmatched brace, or None.  Uses the language's own lexer, so
    braces inside comments and strings do not count; text past a lexing error is not looked at."""
    stack: list[tuple[int, int]] = []
    try:
        for tok in parser.lex(text):
            if tok.type == "LBRACE":
                stack.append((tok.line or 1, tok.column or 1))
            elif tok.type == "RBRACE":
                if not stack:
                    return (tok.line or 1, tok.column or 1, -1)
                stack.pop()
    except UnexpectedInput:
        pass
    if stack:
        return (*stack[-1], +1)
    return None


def _terminal(parser: Lark, text: str) -> str | None:
    """The name lark gave the terminal for a literal such as ':='."""
    for term in parser.terminals:
        if term.pattern.type == "str" and term.pattern.value == text:
            return str(term.name)
    return None


def _diagnose(source: SourceFile, parser: Lark, err: UnexpectedInput) -> Diagnostic:
    if isinstance(err, UnexpectedCharacters):
        # lark types `pos_in_stream` as None (base-class default); UnexpectedCharacters sets the int lexer position.
        pos = cast(int, err.pos_in_stream)
        ch = source.text[pos] if pos < len(source.text) else "?"
        hint = "assignments are written ':='" if ch == "=" else None
        return Diagnostic(
            code=Code.BAD_CHARACTER,
            message=f"unexpected character {ch!r}",
            span=_point(source, err.line, err.column),
            hint=hint,
        )
    balance = _brace_balance(parser, source.text)
    if isinstance(err, UnexpectedEOF) or (isinstance(err, UnexpectedToken) and err.token.type == "$END"):
        end = source.end_pos()
        wanted = err.expected if isinstance(err, UnexpectedEOF) else (err.accepts or err.expected)
        if balance is not None and balance[2] > 0:
            return Diagnostic(
                code=Code.UNBALANCED_BRACE,
                message="this '{' is never closed",
                span=_point(source, balance[0], balance[1]),
                hint="add the missing '}' (the file ends inside this block)",
            )
        return Diagnostic(
            code=Code.UNEXPECTED_END,
            message=f"the file ends early: expected {_expected(parser, set(wanted))}",
            span=_point(source, end.line, end.col),
        )
    assert isinstance(err, UnexpectedToken)
    tok = err.token
    span = _point(source, tok.line or 1, tok.column or 1, len(str(tok)))
    expected = _expected(parser, set(err.accepts or err.expected))
    message = f"unexpected {str(tok)!r}: expected {expected}"
    label = _label(parser, err)
    if tok.type == "RBRACE" and balance is not None and balance[2] < 0:
        return Diagnostic(
            code=Code.UNBALANCED_BRACE,
            message="this '}' closes nothing",
            span=_point(source, balance[0], balance[1]),
            hint="remove it, or add the '{' it closes",
        )
    accepts = err.accepts or err.expected
    if tok.type == "EQUAL" and (label == "missing_assign" or _terminal(parser, ":=") in accepts):
        return Diagnostic(
            code=Code.MISSING_ASSIGN,
            message=f"unexpected '=': {HINTS['missing_assign']}",
            span=span,
            hint="write ':=' to assign",
        )
    if tok.type == "EQUAL":
        return Diagnostic(code=Code.SYNTAX, message=message, span=span, hint=HINTS["equality_in_decl"])
    if balance is not None and balance[2] > 0 and tok.type in DECL_KEYWORDS:
        return Diagnostic(
            code=Code.UNBALANCED_BRACE,
            message=f"this '{{' is never closed before {str(tok)!r}",
            span=_point(source, balance[0], balance[1]),
            hint="add the missing '}' before the next declaration",
        )
    if tok.type == "NAME" and (label == "unknown_keyword" or _at_decl_start(err)):
        return Diagnostic(
            code=Code.UNKNOWN_KEYWORD, message=f"unknown keyword {str(tok)!r}", span=span, hint=HINTS["unknown_keyword"]
        )
    return Diagnostic(code=Code.SYNTAX, message=message, span=span)


DECL_KEYWORDS = frozenset(
    {
        "SPEC",
        "IMPORT",
        "CONST",
        "SCALARSET",
        "RANGE",
        "ENUM",
        "FIELDS",
        "ROOTS",
        "DEF",
        "PROC",
        "PROCESS",
        "INVARIANT",
        "EXPECT",
    }
)


def _at_decl_start(err: UnexpectedToken) -> bool:
    accepts = err.accepts or err.expected
    return "PROCESS" in accepts or "INVARIANT" in accepts


def parse(source: SourceFile) -> syntax.Module:
    """Parse one file.  Raises `GcverifyError` with one GCV1xx diagnostic on a syntax error, and
    with GCV404/GCV405 for a file nested too deep or a number too long (see `measure`)."""
    return parse_measured(source)[0]


def parse_measured(source: SourceFile) -> tuple[syntax.Module, Nesting]:
    """`parse`, and how deep each declaration nests and what it calls (for `check_expansion`)."""
    parser = _parser()
    try:
        tree = parser.parse(source.text)
    except UnexpectedInput as err:
        raise GcverifyError([_diagnose(source, parser, err)]) from None
    # The builder below recurses over the tree: measure it first, with an explicit stack.
    nesting, errors = measure(tree, source)
    if errors:
        raise GcverifyError(errors)
    try:
        return build(tree, source), nesting
    except VisitError as err:  # a bug in the builder, never the user's fault
        raise InternalError(f"building the syntax tree failed: {err.orig_exc!r}") from err
