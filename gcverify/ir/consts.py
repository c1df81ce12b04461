"""Constant values: the `const` declarations, command-line overrides, and constant folding.

Owns: `ConstValue` (int, bool or enum member), evaluation of constant expressions over the surface
AST, and parsing of `--set NAME=VALUE` text.  Used by `resolve` before any sort has a size.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from gcverify import syntax as s
from gcverify.diagnostics import Code, Diagnostic, GcverifyError
from gcverify.ir.nodes import EnumSort
from gcverify.limits import MAX_DIGITS

LARGEST = 10**MAX_DIGITS  # the first number with too many digits


@dataclass(frozen=True, slots=True)
class Member:
    sort: EnumSort
    index: int

    def __str__(self) -> str:
        return self.sort.members[self.index]


ConstValue = int | bool | Member


def kind_name(v: ConstValue) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    return v.sort.name


def show(v: ConstValue) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


class ConstEvaluator:
    """Folds constant expressions; `lookup` gives the value of a const or enum member by name."""

    def __init__(self, lookup: Callable[[str, s.Name], ConstValue]) -> None:
        self.lookup = lookup

    def fail(self, message: str, node: s.Expr, code: Code = Code.NOT_CONSTANT) -> GcverifyError:
        return GcverifyError([Diagnostic(code=code, message=message, span=node.span)])

    def int_(self, e: s.Expr) -> int:
        v = self.eval(e)
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.fail(f"expected a constant number, got {show(v)!r}", e, Code.TYPE_MISMATCH)
        return v

    def bool_(self, e: s.Expr) -> bool:
        v = self.eval(e)
        if not isinstance(v, bool):
            raise self.fail(f"expected a constant boolean, got {show(v)!r}", e, Code.TYPE_MISMATCH)
        return v

    def eval(self, e: s.Expr) -> ConstValue:
        match e:
            case s.IntLit(value=v):
                return v
            case s.BoolLit(value=v):
                return v
            case s.Name():
                return self.lookup(e.name, e)
            case s.Neg(operand=a):
                return -self.int_(a)
            case s.Not(operand=a):
                return not self.bool_(a)
            case s.Arith(op=op, left=a, right=b):
                x, y = self.int_(a), self.int_(b)
                v = {s.ArithOp.ADD: x + y, s.ArithOp.SUB: x - y, s.ArithOp.MUL: x * y}[op]
                if abs(v) >= LARGEST:
                    raise self.fail(
                        f"this constant has more than {MAX_DIGITS} digits; gcverify allows at most {MAX_DIGITS}",
                        e,
                        Code.NUMBER_TOO_LARGE,
                    )
                return v
            case s.Logic(op=op, left=a, right=b):
                p, q = self.bool_(a), self.bool_(b)
                return {s.LogicOp.AND: p and q, s.LogicOp.OR: p or q, s.LogicOp.IMPLIES: (not p) or q}[op]
            case s.Compare(op=op, left=a, right=b):
                return self._compare(op, a, b)
            case s.IfExpr(cond=c, then=t, else_=f):
                return self.eval(t) if self.bool_(c) else self.eval(f)
        raise self.fail(
            "this expression is not a constant: constants are numbers, booleans, enum members and other constants", e
        )

    def _compare(self, op: s.CmpOp, a: s.Expr, b: s.Expr) -> bool:
        x, y = self.eval(a), self.eval(b)
        if op in (s.CmpOp.EQ, s.CmpOp.NE):
            if kind_name(x) != kind_name(y):
                raise self.fail(f"cannot compare {kind_name(x)} with {kind_name(y)}", b, Code.TYPE_MISMATCH)
            return (x == y) == (op is s.CmpOp.EQ)
        xi, yi = self.int_(a), self.int_(b)
        return {s.CmpOp.LT: xi < yi, s.CmpOp.LE: xi <= yi, s.CmpOp.GT: xi > yi, s.CmpOp.GE: xi >= yi}[op]


# A --set number: ASCII digits only (Python's int() also takes '３', '+2', ' 3' and '1_000').
_NUMBER = re.compile(rf"-?[0-9]{{1,{MAX_DIGITS}}}")


def parse_override(text: str, default: ConstValue, members: Mapping[str, Member]) -> ConstValue | None:
    """The value `--set NAME=text` gives a const whose declared value is `default`; None if ill-typed.
    The text is taken as it is: a number is written as in a spec (ASCII digits, a '-' for a negative
    one, at most MAX_DIGITS digits), a boolean as true or false, an enum member by its name."""
    if isinstance(default, bool):
        return {"true": True, "false": False}.get(text)
    if isinstance(default, int):
        return int(text) if _NUMBER.fullmatch(text) else None
    m = members.get(text)
    return m if m is not None and m.sort == default.sort else None
