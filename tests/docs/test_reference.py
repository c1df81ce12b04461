"""What the docs say about the project itself stays true: the reserved words the language
reference lists are the grammar's, and the README's links lead to pages that exist."""

from __future__ import annotations

import re

from tests.docs.markdown import ROOT, blocks, session

LANGUAGE = ROOT / "docs" / "reference" / "language.md"
GRAMMAR = ROOT / "gcverify" / "dsl" / "grammar.lark"


def test_the_reserved_words_are_the_grammars() -> None:
    grammar = GRAMMAR.read_text(encoding="utf-8")
    m = re.search(r"^NAME: /\(\?!\((?P<words>[\w|]+)\)\\b\)", grammar, re.MULTILINE)
    assert m is not None, "the NAME terminal of grammar.lark no longer excludes keywords this way"
    section = LANGUAGE.read_text(encoding="utf-8").split("## Reserved words", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`(\w+)`", section))
    assert documented == set(m.group("words").split("|"))


def test_the_readme_links_lead_somewhere() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme)
    assert links, "the README links to the manual"
    missing = [link for link in links if "://" not in link and not (ROOT / link).is_file()]
    assert not missing


def test_the_readme_stays_short() -> None:
    """A newcomer's page: what gcverify is, set-up, a first spec and counterexample, the
    performance table issue 14 asks for, links."""
    assert len((ROOT / "README.md").read_bytes()) < 9216


def test_the_readme_shows_its_first_spec_fail() -> None:
    """The newcomer sees the first spec hold, and then fail when its barrier is taken away (a run
    that the session test checks, exit code included)."""
    readme = [b for b in blocks(ROOT / "README.md") if b.lang in {"gcv", "console"}]
    [spec] = [b for b in readme if b.lang == "gcv"]
    runs = [c for b in readme if b.lang == "console" for c in session(b)]
    name = spec.attributes["title"]
    assert runs[0].line == f"gcverify check {name}"
    failing = next(i for i, c in enumerate(runs) if c.line.startswith(f"gcverify check {name} --set"))
    assert runs[failing + 1].line == "echo $?"
    assert runs[failing + 1].output == ("12",)
    assert any(line.startswith("Counterexample for") for line in runs[failing].output)
