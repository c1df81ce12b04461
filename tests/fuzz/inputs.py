"""Inputs for fuzzing the command line, and one run of `gcverify check` on an input.

Two sources of inputs: text drawn from the grammar (`grammar_specs`, a Hypothesis strategy built
with `hypothesis.extra.lark.from_lark` over gcverify/dsl/grammar.lark, keywords and names followed
by a space so that they stay apart), and token mutations of the bundled specs and libraries
(`mutate`: delete, duplicate, swap or replace tokens, insert deep nesting, huge numbers, odd bytes
and odd imports).  `run` checks one input in-process with small limits and classifies the outcome;
an outcome is fine when its exit code is documented and nothing says "This is a bug".
Used by tests/fuzz/test_fuzz.py (small, derandomized) and bench/fuzz.py (10,000 inputs and more).
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from click.testing import CliRunner
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark import Lark

from gcverify.cli import main

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"
GRAMMAR = ROOT / "gcverify" / "dsl" / "grammar.lark"

# Every exit code `gcverify check` documents (docs/adr/0001-exit-codes.md); 255 is a bug.
DOCUMENTED = frozenset({0, 2, 11, 12, 14, 20, 120, 150})
BUG = "This is a bug"
LIMITS = ("--max-states", "200", "--max-seconds", "2")


@dataclass(frozen=True, slots=True)
class Outcome:
    exit_code: int
    bug: bool  # "This is a bug", an exception out of the command, or an undocumented exit code
    output: str

    @property
    def fine(self) -> bool:
        return not self.bug and self.exit_code in DOCUMENTED


def run(path: Path, *extra: str) -> Outcome:
    """`gcverify check PATH` with small limits, in this process."""
    result = CliRunner().invoke(main, ["check", str(path), *LIMITS, *extra])
    escaped = result.exception is not None and not isinstance(result.exception, SystemExit)
    output = result.output + (f"\n{result.exception!r}" if escaped else "")
    return Outcome(result.exit_code, escaped or BUG in result.output or "Traceback" in result.output, output)


# ---------------------------------------------------------------- the bundled files and a workspace


@cache
def corpus() -> tuple[tuple[str, str], ...]:
    """(name, text) of every bundled .gcv file: specs and libraries."""
    return tuple((str(p.relative_to(SPECS)), p.read_text(encoding="utf-8")) for p in sorted(SPECS.rglob("*.gcv")))


def workspace(folder: Path) -> None:
    """A folder laid out like specs/: the libraries under lib/ (the Go model's next to the rest), so
    that a mutated spec or library finds what it imports."""
    lib = folder / "lib"
    lib.mkdir(parents=True, exist_ok=True)
    for p in [*(SPECS / "lib").glob("*.gcv"), *(SPECS / "go" / "lib").glob("*.gcv")]:
        shutil.copyfile(p, lib / p.name)


def place(folder: Path, name: str, data: bytes) -> Path:
    """Write a mutated bundled file into a workspace; the spec to check.  A mutated library
    replaces its copy in lib/ (restored by the next `workspace`) and is checked through a spec that
    imports it."""
    if name.startswith("lib/") or "/lib/" in name:
        target = folder / "lib" / Path(name).name
        target.write_bytes(data)
        importer = "barriers/dijkstra.gcv" if name.startswith("lib/") else "go/go_gc.gcv"
        spec = folder / "spec.gcv"
        spec.write_text((SPECS / importer).read_text(encoding="utf-8"), encoding="utf-8")
        return spec
    spec = folder / "spec.gcv"
    spec.write_bytes(data)
    return spec


# ---------------------------------------------------------------- token mutations

TOKEN = re.compile(
    r'\s+|//[^\n]*|/\*.*?\*/|"[^"\n]*"|[A-Za-z_][A-Za-z0-9_]*|[0-9]+|:=|==|!=|<=|>=|->|\.\.|.', re.DOTALL
)

ODD = [
    "\ufeff",
    "\x00",
    "\u202e",
    "\u00e9",
    "３",
    "\r",
    "\t",
    "\x0c",
    "/*",
    "*/",
    "//",
    '"',
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "..",
    "?",
    "#",
    "=",
]
HUGE = ["9" * 19, "9" * 30, "9" * 5000, "1" + "0" * 18, "999999999999999999", "4611686018427387904", "-" + "9" * 25]
IMPORTS = [
    'import "../../../../etc/passwd"\n',
    'import "/etc/hostname.gcv"\n',
    'import "' + "a" * 300 + '.gcv"\n',
    'import "lib"\n',
    'import "lib/"\n',
    'import "."\n',
    'import ""\n',
    'import "spec.gcv"\n',
    'import "lib/gc.gcv"\nimport "lib/gc.gcv"\n',
    'import "' + "../" * 40 + 'x.gcv"\n',
]


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


@cache
def pool() -> tuple[str, ...]:
    """Every distinct token of the bundled files, for replacements."""
    seen: dict[str, None] = {}
    for _, text in corpus():
        for t in tokens(text):
            if not t.isspace():
                seen.setdefault(t, None)
    return tuple(seen)


def _nest(rng: random.Random) -> tuple[str, str]:
    """Text to put before and after a token to nest it deep."""
    k = rng.choice([50, 99, 100, 101, 150, 300, 1000, 5000])
    kind = rng.randrange(10)
    if kind == 0:
        return "not " * k, ""
    if kind == 1:
        return "(" * k, ")" * k
    if kind == 2:
        return "-" * k, ""
    if kind == 3:
        return "x + " * k, ""
    if kind == 4:
        return "if true { " * k, " }" * k
    if kind == 5:
        return "atomic { " * k, " }" * k
    if kind == 6:
        return "m[" * k, "]" * k
    if kind == 7:
        return "forall " + ", ".join(f"q{i}" for i in range(k)) + " in Object: ", ""
    if kind == 8:
        return "either { ", " }" + " or { skip }" * k
    return "if x == 3 { } " * min(k, 300), ""


def mutate(rng: random.Random, text: str) -> bytes:
    """One to four random edits of a file's tokens; the result as bytes (edits may break UTF-8)."""
    toks = tokens(text)
    solid = [i for i, t in enumerate(toks) if not t.isspace()] or [0]
    raw_tail = b""
    for _ in range(rng.randint(1, 4)):
        i = rng.choice(solid) if toks else 0
        if not toks:
            toks = [""]
        op = rng.randrange(11)
        if op == 0:
            toks[i] = ""  # delete
        elif op == 1:
            toks[i] = toks[i] + " " + toks[i]  # duplicate
        elif op == 2:
            j = rng.choice(solid)
            toks[i], toks[j] = toks[j], toks[i]  # swap
        elif op in (3, 4):
            toks[i] = rng.choice(pool())  # replace
        elif op == 5:
            before, after = _nest(rng)
            toks[i] = before + toks[i] + after
        elif op == 6:
            toks[i] = rng.choice(HUGE) if toks[i].isdigit() or rng.random() < 0.3 else toks[i]
        elif op == 7:
            toks[i] = toks[i] + rng.choice(ODD)
        elif op == 8:
            toks.insert(0 if rng.random() < 0.5 else len(toks), rng.choice(IMPORTS))
        elif op == 9:
            raw_tail += bytes([rng.choice([0x80, 0xC3, 0xE9, 0xFF, 0xFE, 0xED])])
        else:
            start = rng.choice(solid)
            toks[start:start] = toks[start : start + rng.randint(1, 40)]  # repeat a stretch
    data = "".join(toks).encode("utf-8")
    if raw_tail:
        at = rng.randrange(len(data) + 1)
        data = data[:at] + raw_tail + data[at:]
    if rng.random() < 0.05:
        data = b"\xef\xbb\xbf" + data
    return data


# ---------------------------------------------------------------- text from the grammar

_IGNORED = {"WS", "COMMENT", "BLOCK_COMMENT"}


@cache
def _lark() -> Lark:
    return Lark(GRAMMAR.read_text(encoding="utf-8"), parser="lalr", lexer="basic", maybe_placeholders=False)


def grammar_specs() -> st.SearchStrategy[str]:
    """Texts the grammar derives: mostly syntactically valid, seldom meaningful."""
    lark = _lark()
    names = ["x", "y", "m", "Object", "Field", "P", "Q", "f", "g", "r", "next", "color", "N", "OBJECTS", "heap"]
    words: dict[str, st.SearchStrategy[str]] = {
        "NAME": st.sampled_from(names),
        "INT": st.sampled_from(["0", "1", "2", "3", "7", "99", "99999999", "1000000000000000000"]),
        "STRING": st.sampled_from(['"lib/gc.gcv"', '"lib/mutator.gcv"', '"a.gcv"', '"../x.gcv"', '"x.txt"']),
    }
    explicit: dict[str, st.SearchStrategy[str]] = {}
    for term in lark.terminals:
        if term.name in _IGNORED:
            continue
        if term.name in words:
            base = words[term.name]
        elif term.pattern.type == "str":
            base = st.just(term.pattern.value)
        else:
            base = st.from_regex(term.pattern.to_regexp(), fullmatch=True)
        explicit[term.name] = base.map(lambda s: s + " ")
    return from_lark(lark, explicit=explicit)
