"""The sizes gcverify accepts in a spec, each checked where it first becomes known.

Owns: the numbers only (docs/errors.md names each one, with the code that reports it).  Every
limit is far above what a real spec needs (the bundled specs stay below a fifth of each) and far
below what would make a later stage recurse past Python's stack, overflow, or run for minutes
before it could say anything.
Must not import anything from gcverify.
"""

from __future__ import annotations

# Expressions, statements and blocks nested inside each other, counted in grammar levels (each
# operator, call, index, statement and block is one level).  The deepest bundled file needs 22.
# Checked right after parsing, before anything recurses over the tree (GCV404).
MAX_DEPTH = 100
# The same, with the definitions and procedures a declaration calls expanded where they are called
# (as lowering and the interpreter expand them); the bundled Go model needs 52.
MAX_EXPANDED_DEPTH = 200

# Decimal digits of an integer literal, a --set value and any folded constant (GCV405); 18 digits
# keep every number within a 64-bit machine integer.
MAX_DIGITS = 18

# Elements of one sort (GCV406).
MAX_SCALARSET = 1_000
MAX_ENUM = 1_000  # members of an enum, and heap fields
MAX_RANGE = 1_000_000  # values of a range

# Steps of the lowered spec: one per path of control from a program point to the next step, so
# nested branches and loops multiply them (GCV403).  The bundled specs have at most 28.
MAX_ACTIONS = 10_000
MAX_PATH_VISITS = 1_000_000  # program points visited while finding those paths (bundled: 77)

# Statements lowering builds: a `for` over a range or enum is unrolled and a procedure inlined at
# each call, so nesting multiplies them (GCV403).  The bundled specs need at most 2,471.
MAX_STATEMENTS = 200_000

# Slots of the whole state: one per variable, per entry of a map (GCV407).  The bundled specs need
# at most 59 at their own sizes.
MAX_SLOTS = 10_000
