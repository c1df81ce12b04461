"""The architecture decision records in docs/adr/: each has a status line under its title and the
headings of Apalache's ADRs (Summary, Context, Options, Decision, Consequences), in that order."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

ADR = Path(__file__).resolve().parents[2] / "docs" / "adr"
FILES = sorted(ADR.glob("[0-9][0-9][0-9][0-9]-*.md"))
HEADINGS = ("Summary", "Context", "Options", "Decision", "Consequences")
STATUS = re.compile(
    r"Status: (?P<state>Proposed|Accepted|Superseded by ADR (?P<by>\d{4})) \((?P<date>\d{4}-\d{2}-\d{2})\)(?:; .+)?"
)


def problems(name: str, text: str) -> list[str]:
    """What is wrong with the ADR `name` (its file name) whose text is `text`; empty when nothing."""
    out: list[str] = []
    lines = text.splitlines()
    number = name[:4]
    if not lines or not lines[0].startswith(f"# ADR {number}: "):
        out.append(f"the first line is not the title '# ADR {number}: ...'")
    rest = [line for line in lines[1:] if line.strip()]
    status = STATUS.fullmatch(rest[0]) if rest else None
    if status is None:
        out.append("the line under the title is not 'Status: Accepted|Proposed|Superseded by ADR NNNN (YYYY-MM-DD)'")
    else:
        try:
            datetime.date.fromisoformat(status["date"])
        except ValueError:
            out.append(f"{status['date']} is not a date")
        if status["by"] is not None and not list(ADR.glob(f"{status['by']}-*.md")):
            out.append(f"it is superseded by ADR {status['by']}, which does not exist")
    headings = [line[3:].strip() for line in lines if line.startswith("## ")]
    found = [h for h in headings if h in HEADINGS]
    if found != list(HEADINGS):
        out.append(f"its headings are {found}, not {list(HEADINGS)} once each, in that order")
    return out


def test_there_are_adrs() -> None:
    assert len(FILES) >= 6


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_adr_has_a_status_and_the_five_headings(path: Path) -> None:
    assert problems(path.name, path.read_text(encoding="utf-8")) == []


GOOD = """# ADR 0009: an example

Status: Superseded by ADR 0001 (2026-12-03); the later commands moved there

## Summary
## Context
## Options
## Decision
## Consequences
## Later notes
"""


def test_a_well_formed_adr_passes() -> None:
    assert problems("0009-example.md", GOOD) == []


@pytest.mark.parametrize(
    ("old", "new", "complaint"),
    [
        ("# ADR 0009:", "# ADR 0008:", "title"),
        ("Status: Superseded by ADR 0001", "Status: Done", "Status:"),
        ("Status: Superseded by ADR 0001 (2026-12-03)", "Status: Accepted", "Status:"),
        ("(2026-12-03)", "(2026-13-03)", "not a date"),
        ("ADR 0001 (", "ADR 0999 (", "does not exist"),
        ("Status: Superseded by ADR 0001 (2026-12-03); the later commands moved there\n", "", "Status:"),
        ("## Options\n", "", "headings"),
        ("## Decision\n## Consequences\n", "## Consequences\n## Decision\n", "headings"),
        ("## Context\n", "## Context\n## Context\n", "headings"),
    ],
)
def test_a_malformed_adr_is_caught(old: str, new: str, complaint: str) -> None:
    assert old in GOOD
    found = problems("0009-example.md", GOOD.replace(old, new))
    assert any(complaint in p for p in found), found
