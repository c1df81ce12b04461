"""The reader of the docs' examples (tests/docs/markdown.py): what it takes for a block, a
directive and a session, so that an example cannot slip past the tests unseen."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs import markdown
from tests.docs.markdown import blocks, session


def page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    monkeypatch.setattr(markdown, "ROOT", tmp_path)
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_blocks_directives_and_titles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        'Text.\n\n<!-- docs-test: exit=12 -->\n```gcv title="a.gcv"\nspec a\n```\n\n'
        "```console\n$ gcverify check a.gcv \\\n    --set X=1\nout\n$ echo $?\n12\n```\n"
    )
    [spec, console] = blocks(page(tmp_path, monkeypatch, text))
    assert (spec.lang, spec.attributes, spec.directive, spec.text) == (
        "gcv",
        {"title": "a.gcv"},
        {"exit": "12"},
        "spec a\n",
    )
    commands = session(console)
    assert [(c.line, c.output) for c in commands] == [
        ("gcverify check a.gcv --set X=1", ("out",)),
        ("echo $?", ("12",)),
    ]


def test_examples_shown_inside_a_longer_fence_are_not_examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "````markdown\n<!-- docs-test: exit=12 -->\n```gcv\nspec a\n```\n````\n\n```gcv\nspec b\n```\n"
    assert [b.text for b in blocks(page(tmp_path, monkeypatch, text))] == ["spec b\n"]


@pytest.mark.parametrize(
    "text",
    [
        "<!-- docs-test: exit=12 -->\nSome text in between.\n```gcv\nspec a\n```\n",  # not right before
        "<!-- docs-test: exit=12 -->\n",  # no block
        "<!-- docs-test: exitcode=12 -->\n```gcv\nspec a\n```\n",  # an unknown key
    ],
)
def test_a_misplaced_or_misspelt_directive_is_an_error(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValueError, match="docs-test"):
        blocks(page(tmp_path, monkeypatch, text))
