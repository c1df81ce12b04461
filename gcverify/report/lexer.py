"""A Pygments lexer for the gcverify language (`.gcv`), and terminal highlighting with it.

Owns: `GcverifyLexer` (registered as the `pygments.lexers` entry point `gcverify`, so other tools
find it by name, alias or the `*.gcv` file pattern), `highlight_diagnostic`, which colours the
source lines of a rendered diagnostic, and `highlight_trace`, which colours the source text of each
step of a counterexample (report/text.py marks it).  Both keep the text exactly as it was.  The keyword list follows
gcverify/dsl/grammar.lark; tests/unit/test_lexer.py checks that every bundled spec lexes without
an error token.  Must not import lark or z3.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pygments.lexer import RegexLexer, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text, Whitespace
from rich.syntax import Syntax
from rich.text import Text as RichText

from gcverify.report.text import Line

DECLARATIONS = (
    "spec", "import", "const", "var", "enum", "scalarset", "range", "fields", "roots", "def", "proc",
    "process", "invariant", "inductive", "expect",
)  # fmt: skip
STATEMENTS = (
    "if", "then", "else", "either", "or", "loop", "while", "for", "in", "choose", "where", "await",
    "atomic", "assert", "skip", "safepoint", "of", "from", "via", "steps", "within",
)  # fmt: skip
OPERATORS = ("and", "not", "implies", "forall", "exists", "reach")
CONSTANTS = ("true", "false", "nil", "holds", "violated")


class GcverifyLexer(RegexLexer):
    name = "gcverify"
    aliases = ("gcverify", "gcv")
    filenames = ("*.gcv",)
    mimetypes = ("text/x-gcverify",)

    tokens = {  # noqa: RUF012 - RegexLexer's metaclass reads this class-level table
        "root": [
            (r"\s+", Whitespace),
            (r"//[^\n]*", Comment.Single),
            (r"/\*", Comment.Multiline, "comment"),
            (r'"[^"\n]*"', String),
            (words(DECLARATIONS, suffix=r"\b"), Keyword.Declaration),
            (words(STATEMENTS, suffix=r"\b"), Keyword),
            (words(OPERATORS, suffix=r"\b"), Operator.Word),
            (words(CONSTANTS, suffix=r"\b"), Keyword.Constant),
            (words(("bool",), suffix=r"\b"), Keyword.Type),
            (r"[A-Z][A-Za-z0-9_]*", Name.Class),
            (r"[a-z_][A-Za-z0-9_]*(?=\s*\()", Name.Function),
            (r"[A-Za-z_][A-Za-z0-9_]*", Name),
            (r"\d+", Number.Integer),
            (r":=|->|==|!=|<=|>=|\.\.|[-+*<>=!?.]", Operator),
            (r"[{}()\[\],:;|]", Punctuation),
            (r".", Text),
        ],
        "comment": [
            (r"[^*]+", Comment.Multiline),
            (r"\*/", Comment.Multiline, "#pop"),
            (r"\*", Comment.Multiline),
        ],
    }


_SNIPPET = re.compile(r"^(\s*\d+ \| )(.*)$")


def highlight_diagnostic(rendered: str) -> RichText:
    """A rendered diagnostic with its quoted source lines highlighted (the rest unchanged)."""
    out = RichText()
    lexer = GcverifyLexer()
    for i, line in enumerate(rendered.split("\n")):
        if i:
            out.append("\n")
        m = _SNIPPET.match(line)
        if m is None:
            out.append(line)
            continue
        out.append(m.group(1))
        out.append_text(_code(m.group(2), lexer))
    return out


def highlight_trace(lines: Sequence[Line]) -> RichText:
    """A counterexample (`trace_lines`) with each step's source text highlighted."""
    out = RichText()
    lexer = GcverifyLexer()
    for i, line in enumerate(lines):
        if i:
            out.append("\n")
        for part in line:
            if part.code:
                out.append_text(_code(part.text, lexer))
            else:
                out.append(part.text)
    return out


def _code(text: str, lexer: GcverifyLexer) -> RichText:
    code = Syntax(text, lexer, theme="ansi_dark", background_color="default").highlight(text)
    code.rstrip()
    return code
