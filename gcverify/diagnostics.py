"""User-facing problems as data, and the two families of failure.

Owns: `Code` (the registry of GCVnnn codes, each with a one-line description), `Diagnostic`
(code, message, span, notes, hint), `GcverifyError` (user errors: printed without a stack trace)
and `InternalError` (tool bugs: printed with one).  Exit codes live in `ExitCode`.
Must not import anything from gcverify but `source`.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

from gcverify.source import Span, render_snippet


class ExitCode(enum.IntEnum):
    """Process exit codes, compatible with TLC and Apalache (see docs/adr/0001-exit-codes.md)."""

    OK = 0
    USAGE = 2
    DEADLOCK = 11
    VIOLATION = 12
    UNKNOWN = 20
    ASSERTION = 14
    STATIC_ERROR = 120
    SYNTAX_ERROR = 150
    INTERNAL = 255

    @property
    def meaning(self) -> str:
        """One line for `--help` and the docs."""
        return _EXIT_MEANINGS[self]


_EXIT_MEANINGS = {
    ExitCode.OK: "every expectation met (no expect lines: every invariant holds)",
    ExitCode.USAGE: "a command-line usage error",
    ExitCode.DEADLOCK: "a deadlock found (with --deadlock)",
    ExitCode.VIOLATION: "a property violated against expectation, or one expected violated holds",
    ExitCode.UNKNOWN: "unknown: a limit or Ctrl-C stopped the run before a verdict (partial results kept)",
    ExitCode.ASSERTION: "a model fault: a failed assert, a nil dereference, a value out of its range",
    ExitCode.STATIC_ERROR: "a name, type or static error in a spec, or a bad --set",
    ExitCode.SYNTAX_ERROR: "a syntax error in a spec",
    ExitCode.INTERNAL: "an internal error in gcverify (please report it)",
}


class Code(enum.Enum):
    """Every diagnostic code gcverify can emit, with its one-line description."""

    # GCV1xx: syntax
    SYNTAX = ("GCV100", "the text does not follow the grammar")
    UNEXPECTED_END = ("GCV101", "the file ends in the middle of a construct")
    MISSING_ASSIGN = ("GCV102", "'=' used where an assignment ':=' is needed")
    UNBALANCED_BRACE = ("GCV103", "a '{' or '}' without its partner")
    UNKNOWN_KEYWORD = ("GCV104", "a word at the start of a declaration or statement that is not a keyword")
    BAD_CHARACTER = ("GCV105", "a character that cannot start any token")
    # GCV2xx: names and types
    UNKNOWN_NAME = ("GCV201", "a name that is not declared")
    DUPLICATE_NAME = ("GCV202", "a name declared twice")
    TYPE_MISMATCH = ("GCV203", "an expression of the wrong type")
    NOT_A_SORT = ("GCV204", "a name used as a sort that is not one")
    ARITY = ("GCV205", "a call or index with the wrong number of arguments")
    NOT_ASSIGNABLE = ("GCV206", "an assignment to something that is not a state variable or local")
    IMPORT_NOT_FOUND = ("GCV207", "an imported file that cannot be found")
    IMPORT_OUTSIDE = ("GCV208", "an import of a file outside the folders a spec may read")
    IMPORT_NOT_SPEC = ("GCV209", "an import of a file that is not a .gcv file")
    RESERVED_NAME = ("GCV210", "a property given the name of a built-in property (deadlock, runtime_error)")
    # GCV3xx: static semantics
    SCALARSET = ("GCV301", "a scalarset value used as a number or ordered")
    NOT_CONSTANT = ("GCV302", "an expression that must be constant is not")
    BAD_NESTING = ("GCV303", "a statement that is not allowed where it stands")
    RECURSION = ("GCV304", "a procedure or definition that calls itself")
    BAD_EXPECT = ("GCV305", "an expectation about a property that does not exist")
    BAD_RANGE = ("GCV306", "an empty or inverted range, or a value outside its range")
    NO_PROCESS = ("GCV307", "a spec with nothing to run")
    NO_INDUCTIVE = ("GCV308", "proof by induction asked of a spec with no 'inductive' candidate")
    NOT_FIRST_ORDER = ("GCV309", "a proof for every heap size asked of something it cannot express")
    NO_LEMMA = ("GCV310", "a write-barrier lemma asked of a spec without the procedure or property it needs")
    LABEL_MID_STEP = ("GCV311", "at() of a label that control passes only in the middle of a step")
    # GCV4xx: configuration, bounds, CLI, I/O
    BAD_SET = ("GCV401", "a --set option that does not name a constant or gives a bad value")
    IO = ("GCV402", "a file that cannot be read")
    TOO_LARGE = ("GCV403", "a model too large to build")
    TOO_DEEP = ("GCV404", "expressions, statements or calls nested deeper than gcverify allows")
    NUMBER_TOO_LARGE = ("GCV405", "a number with more digits than gcverify allows")
    SORT_TOO_LARGE = ("GCV406", "a scalarset, range or enum with more elements than gcverify allows")
    STATE_TOO_WIDE = ("GCV407", "a state with more slots than gcverify allows")
    ENCODING = ("GCV408", "a file that is not UTF-8 text")
    STOPPED = ("GCV410", "a time or memory limit, or Ctrl-C, stopped the run while the spec was loaded")
    UNKNOWN_PROPERTY = ("GCV411", "a --property that names no property of the spec")
    # GCV9xx: internal
    INTERNAL = ("GCV900", "a bug in gcverify")

    @property
    def id(self) -> str:
        return self.value[0]

    @property
    def description(self) -> str:
        return self.value[1]

    @property
    def family(self) -> ExitCode:
        n = int(self.id[3:])
        if self is Code.STOPPED:
            return ExitCode.UNKNOWN  # not checked to the end: not an error in the spec
        if n < 200:
            return ExitCode.SYNTAX_ERROR
        if n < 900:
            return ExitCode.STATIC_ERROR
        return ExitCode.INTERNAL


@dataclass(frozen=True, slots=True)
class Note:
    message: str
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    code: Code
    message: str
    span: Span | None = field(default=None, compare=False)
    notes: tuple[Note, ...] = ()
    hint: str | None = None

    def render(self) -> str:
        """rustc-style text: `file:line:col: error[GCVnnn]: message`, snippet, notes, hint."""
        head = f"error[{self.code.id}]: {self.message}"
        lines = [f"{self.span}: {head}" if self.span else head]
        if self.span is not None:
            lines.extend(render_snippet(self.span))
        for note in self.notes:
            where = f" ({note.span})" if note.span else ""
            lines.append(f"   = note: {note.message}{where}")
        if self.hint:
            lines.append(f"   = hint: {self.hint}")
        return "\n".join(lines)


class GcverifyError(Exception):
    """A user error: one or more diagnostics, printed without a stack trace."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(d.render() for d in self.diagnostics))

    @property
    def exit_code(self) -> ExitCode:
        return max((d.code.family for d in self.diagnostics), default=ExitCode.STATIC_ERROR)


class InternalError(Exception):
    """A bug in gcverify itself (a failed replay, a broken internal invariant)."""


def error(
    code: Code, message: str, span: Span | None, hint: str | None = None, notes: tuple[Note, ...] = ()
) -> Diagnostic:
    return Diagnostic(code=code, message=message, span=span, hint=hint, notes=notes)
