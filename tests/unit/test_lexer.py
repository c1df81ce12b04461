"""The Pygments lexer (report/lexer.py): registered for `.gcv`, and every bundled spec lexes
without an error token; error snippets are highlighted without changing their text."""

from __future__ import annotations

from pathlib import Path

import pytest
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Comment, Error, Keyword, Name, Operator, is_token_subtype

from gcverify.pipeline import CheckConfig, check_spec, load_spec
from gcverify.report.lexer import GcverifyLexer, highlight_diagnostic, highlight_trace
from gcverify.report.text import render_trace, trace_lines

SPECS = Path(__file__).resolve().parents[2] / "specs"
FILES = sorted(SPECS.rglob("*.gcv"))


def test_registered_by_name_and_file_pattern() -> None:
    assert isinstance(get_lexer_by_name("gcverify"), GcverifyLexer)
    assert isinstance(get_lexer_for_filename("barrier.gcv"), GcverifyLexer)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SPECS)))
def test_every_bundled_file_lexes_without_errors(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    tokens = list(GcverifyLexer().get_tokens(text))
    assert not [v for t, v in tokens if is_token_subtype(t, Error)]
    assert "".join(v for _, v in tokens) == text if text.endswith("\n") else text + "\n"


def test_token_kinds() -> None:
    src = "process Collector { /* note */ if phase == mark and o != nil { shade(o) } } // end\n"
    kinds = {v: t for t, v in GcverifyLexer().get_tokens(src) if v.strip()}
    # is_token_subtype is `kind in Keyword`, which mypy reads as a str-in-tuple check (the stubs
    # make _TokenType a tuple[str, ...]) and so reports as a comparison that is always false.
    assert is_token_subtype(kinds["process"], Keyword) and is_token_subtype(kinds["if"], Keyword)
    assert is_token_subtype(kinds["and"], Operator) and is_token_subtype(kinds["=="], Operator)
    assert is_token_subtype(kinds["nil"], Keyword.Constant)
    assert is_token_subtype(kinds["Collector"], Name.Class) and is_token_subtype(kinds["shade"], Name.Function)
    assert is_token_subtype(kinds[" note "], Comment) and is_token_subtype(kinds["// end"], Comment)


def test_highlighting_keeps_the_diagnostic_text() -> None:
    rendered = (
        "specs/x.gcv:12:8: error[GCV201]: unknown name 'colr'\n"
        "   |\n"
        "12 |     if colr[o] == white { skip }\n"
        "   |        ^^^^\n"
        "   = hint: did you mean 'color'?"
    )
    text = highlight_diagnostic(rendered)
    assert text.plain == rendered
    assert text.spans, "the source line is coloured"


def test_trace_steps_are_highlighted_without_changing_the_text() -> None:
    result = check_spec(load_spec(SPECS / "barriers" / "none.gcv", {}), CheckConfig())
    check = next(c for c in result.results if c.finding is not None)
    assert check.finding is not None
    lines = trace_lines(result, check)
    text = highlight_trace(lines)
    assert text.plain == render_trace(result, check)
    # One piece of source text per step, and only source text is coloured.
    steps = [line for line in lines if any(p.code for p in line)]
    assert len(steps) == len(check.finding.trace)
    codes = " ".join(p.text for line in steps for p in line if p.code)
    styled = {text.plain[s.start : s.end].strip() for s in text.spans if s.style} - {""}
    assert styled and all(s in codes for s in styled)
    assert "alloc" in styled
