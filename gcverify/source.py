"""Source files and positions.

Owns: `SourceFile` (a spec's text and name), `Pos` (1-based line and column, as lark reports them)
and `Span` (a range in one file), plus rendering of a caret snippet under a span.
Invariants: positions are 1-based; a span's end is exclusive in columns on its last line.
Must not import anything else from gcverify.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Pos:
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A spec's text.  `name` is what messages print (the path as the user gave it)."""

    name: str
    text: str

    @staticmethod
    def read(path: Path, display: str | None = None) -> SourceFile:
        """UTF-8 text; a byte-order mark at the start is left out, so columns are an editor's."""
        return SourceFile(display if display is not None else str(path), path.read_text(encoding="utf-8-sig"))

    def line(self, n: int) -> str:
        lines = self.text.splitlines()
        return lines[n - 1] if 1 <= n <= len(lines) else ""

    def end_pos(self) -> Pos:
        lines = self.text.splitlines() or [""]
        return Pos(len(lines), len(lines[-1]) + 1)


@dataclass(frozen=True, slots=True)
class Span:
    file: SourceFile
    start: Pos
    end: Pos

    def __str__(self) -> str:
        return f"{self.file.name}:{self.start.line}:{self.start.col}"

    @property
    def line(self) -> int:
        return self.start.line


def render_snippet(span: Span) -> list[str]:
    """The gutter-and-caret lines under a span, rustc style.  Never raises: an unusable span gives []."""
    try:
        text = span.file.line(span.start.line)
        if not text and span.start.line > len(span.file.text.splitlines()):
            return []
        width = len(str(span.start.line))
        start = max(span.start.col, 1)
        if span.end.line == span.start.line and span.end.col > start:
            length = span.end.col - start
        else:
            length = max(len(text) - start + 1, 1)
        pad = " " * width
        shown = text.replace("\t", " ")
        return [
            f"{pad} |",
            f"{span.start.line} | {shown}",
            f"{pad} | {' ' * (start - 1)}{'^' * length}",
        ]
    except Exception:
        return []
