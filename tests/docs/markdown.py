"""The examples in the docs: fenced blocks of README.md and docs/**/*.md, read as tests read them.

Owns: finding the blocks, their `<!-- docs-test: … -->` directives, splitting console sessions into
commands and outputs, and the one rule for comparing an output (`normalise`, `matches`).  The
format is documented for contributors in docs/contributing.md; keep the two in step.
Must not import gcverify's checking code: it only reads Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

OUTER_FENCE = re.compile(r"^\s*(````+)[^`]*$")
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<info>[^`]*)$")
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
DIRECTIVE = re.compile(r"^<!--\s*docs-test:(?P<body>.*?)-->\s*$")
DIRECTIVE_KEYS = frozenset({"exit", "excerpt"})
ELISION = "[...]"  # a line of expected output that stands for any number of lines
CHECKED = frozenset({"gcv", "console", "sh"})  # the languages whose blocks the tests run or parse


@dataclass(frozen=True, slots=True)
class Block:
    """One fenced block: where it is, its language and attributes, its directive and its text."""

    page: Path
    line: int  # 1-based line of the opening fence
    index: int  # the how-many-th block of its language on its page, from 0
    lang: str
    attributes: dict[str, str]
    directive: dict[str, str]
    indent: str
    text: str

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


@dataclass(frozen=True, slots=True)
class Command:
    """One `$ …` command of a console session and the output the docs show for it."""

    line: str  # the command, continuation lines joined
    output: tuple[str, ...]


def pages() -> list[Path]:
    """README.md and every Markdown page of the manual."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def parse_directive(text: str, where: str) -> dict[str, str]:
    """`<!-- docs-test: exit=12 excerpt=specs/x.gcv -->` -> {"exit": "12", "excerpt": "specs/x.gcv"}."""
    out: dict[str, str] = {}
    for item in text.split():
        key, sep, value = item.partition("=")
        if not sep or key not in DIRECTIVE_KEYS or key in out:
            raise ValueError(f"{where}: bad docs-test directive item {item!r} (known: {sorted(DIRECTIVE_KEYS)})")
        out[key] = value
    return out


def blocks(page: Path) -> list[Block]:
    """Every fenced block of a page, in order."""
    lines = page.read_text(encoding="utf-8").splitlines()
    out: list[Block] = []
    counts: dict[str, int] = {}
    pending: tuple[int, dict[str, str]] | None = None  # a directive waiting for its block
    i = 0
    while i < len(lines):
        outer = OUTER_FENCE.match(lines[i])
        if outer is not None:  # a ````markdown block shows examples; they are not examples themselves
            close = outer.group(1)
            i += 1
            while i < len(lines) and lines[i].strip() != close:
                i += 1
            i += 1
            continue
        m = FENCE.match(lines[i])
        d = DIRECTIVE.match(lines[i])
        if d is not None:
            if pending is not None:
                raise ValueError(f"{page.relative_to(ROOT)}:{pending[0]}: a docs-test directive with no block after it")
            pending = (i + 1, parse_directive(d.group("body"), f"{page.relative_to(ROOT)}:{i + 1}"))
            i += 1
            continue
        if m is None:
            if pending is not None and lines[i].strip():
                raise ValueError(
                    f"{page.relative_to(ROOT)}:{pending[0]}: a docs-test directive must come right before its block"
                )
            i += 1
            continue
        info = m.group("info").strip()
        lang = info.split()[0] if info else ""
        start = i
        i += 1
        body: list[str] = []
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i][len(m.group("indent")) :])
            i += 1
        i += 1  # the closing fence
        index = counts.get(lang, 0)
        counts[lang] = index + 1
        directive = pending[1] if pending is not None else {}
        pending = None
        out.append(
            Block(
                page=page,
                line=start + 1,
                index=index,
                lang=lang,
                attributes=dict(ATTRIBUTE.findall(info)),
                directive=directive,
                indent=m.group("indent"),
                text="\n".join(body) + "\n",
            )
        )
    if pending is not None:
        raise ValueError(f"{page.relative_to(ROOT)}:{pending[0]}: a docs-test directive with no block after it")
    return out


def join_continuations(lines: list[str]) -> list[str]:
    """Shell lines ending in a backslash joined with the next (as a shell reads them)."""
    out: list[str] = []
    current = ""
    for line in lines:
        if line.endswith("\\"):
            current += line[:-1].rstrip() + " "
        else:
            out.append(current + line.strip() if current else line)
            current = ""
    if current:
        out.append(current.rstrip())
    return out


def session(block: Block) -> list[Command]:
    """A console block as commands (`$ ` lines, with their `\\` continuations) and their outputs."""
    commands: list[Command] = []
    lines = block.text.splitlines()
    i = 0
    if lines and not lines[0].startswith("$ "):
        raise ValueError(f"{block.where}: a console session starts with a '$ ' command line")
    while i < len(lines):
        parts = [lines[i][2:]]
        while parts[-1].endswith("\\"):
            i += 1
            parts.append(lines[i].strip())
        i += 1
        output: list[str] = []
        while i < len(lines) and not lines[i].startswith("$ "):
            output.append(lines[i])
            i += 1
        commands.append(Command(join_continuations(parts)[0], tuple(output)))
    return commands


def shell_commands(block: Block) -> list[str]:
    """The commands of a `sh` block: comments and blank lines dropped, continuations joined."""
    kept = [re.sub(r"\s+#.*$", "", line).rstrip() for line in block.text.splitlines()]
    return [c for c in join_continuations([k for k in kept if k and not k.lstrip().startswith("#")]) if c]


# ---------------------------------------------------------------- comparing outputs

SECONDS = re.compile(r" *(?<![\w.])\d+\.\d\d(?![\d.])")  # 0.07, 12.34, and pytest's 3.27s


def normalise(text: str, bundled: str) -> str:
    """The one rule for comparing an output with the docs, applied to both sides:

    - the bundled library's location (it depends on where gcverify is installed) reads `specs/`,
      as from a checkout's root;
    - a number with exactly two decimals (how gcverify and pytest print seconds), with the spaces
      before it, reads ` <s>`, since timings vary from run to run;
    - trailing spaces, and blank lines at the end, are dropped.
    """
    text = text.replace(bundled.rstrip("/") + "/", "specs/")
    lines = [SECONDS.sub(" <s>", line).rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def matches(expected: str, actual: str) -> bool:
    """Whether a (normalised) actual output is the expected one, where a line `[...]` of the
    expected output stands for any number of lines, none included."""
    pattern = ""
    for line in expected.split("\n") if expected else []:
        pattern += r"(?:[^\n]*\n)*?" if line.strip() == ELISION else re.escape(line) + r"\n"
    return re.fullmatch(pattern, actual + "\n" if actual else "") is not None
