"""Labelled malformed examples, for naming common syntax slips (lark's `match_examples`).

Owns: the example table.  Each label maps to a diagnostic code and a hint in `parser.py`.
"""

from __future__ import annotations

# label -> malformed snippets that end in the error we want to recognise
SYNTAX_EXAMPLES: dict[str, list[str]] = {
    "missing_assign": [
        "process P { x = 1 }",
        "process P { loop { x = 1 } }",
        "proc p() { x[1] = 2 }",
        "process P { atomic { x = 1 } }",
        "process P { o.f = nil }",
    ],
    "unknown_keyword": [
        "variable x: bool",
        "spec s\nprocedure p() { }",
        "constant N = 3",
        "invariant a: true\nassume x",
        "function f(): bool = true",
    ],
    "equality_in_decl": [
        "invariant a: x = 1",
        "def f(): bool = x = 1",
    ],
}

HINTS: dict[str, str] = {
    "missing_assign": "assignments are written 'target := value'; '==' compares",
    "unknown_keyword": (
        "declarations start with one of: spec, import, const, scalarset, range, enum, fields, var, "
        "roots, def, proc, process, invariant, expect"
    ),
    "equality_in_decl": "equality is written '=='",
}
