"""Control references: `at()` and `local()` in properties and definitions -> core reads.

Owns: `control_refs`, which turns `at(P[i], label)` into a test of P's program counter against the
pcs that carry the label, and `local(P[i], x)` into a read of the local that keeps x; with the
errors for a label control only passes mid-step (GCV311), an unknown label and a name that is
never kept.
Invariants: runs after every process is lowered (it needs all pcs, labels and stored locals); a
label that the constants make unreachable is simply never true.
Must not import anything from gcverify but `source`, `diagnostics` and `ir`.
"""

from __future__ import annotations

from gcverify.diagnostics import Code
from gcverify.ir import control as c
from gcverify.ir import nodes as n
from gcverify.ir.lower.cfg import fail
from gcverify.ir.lower.context import Program
from gcverify.ir.walk import to_core


def control_refs(prog: Program, processes: list[n.Process], e: c.PreExpr) -> n.Expr:
    """`e` as a core expression, its `at()` and `local()` resolved."""

    def one(x: c.Surface) -> n.Expr:
        match x:
            case c.SymRef():
                # a genuine invariant: properties and definitions are resolved outside processes
                raise AssertionError("a process-level name in a property")
            case c.AtLabel():
                return _at(prog, processes, x)
            case c.LocalOf(process=p, instance=i, sym=sym, name=name, span=span):
                var = prog.stored.get((p, sym))
                if var is None:
                    raise fail(
                        Code.UNKNOWN_NAME,
                        f"{name!r} is never kept across steps in process "
                        f"{processes[p].name}, so it has no value to read",
                        span,
                    )
                inst = () if i is None else (control_refs(prog, processes, i),)
                return n.Read(var, inst, prog.vars[var].sort)

    return to_core(e, one)


def _at(prog: Program, processes: list[n.Process], x: c.AtLabel) -> n.Expr:
    p, label = x.process, x.label
    proc = processes[p]
    pcs = prog.label_pcs[p].get(label)
    if not pcs and (p, label) in prog.passed_labels:
        raise fail(
            Code.LABEL_MID_STEP,
            f"process {proc.name} is never at label {label!r} between steps: control passes "
            "it in the middle of a step, so at() would always be false",
            x.span,
            hint="a condition decided after the previous step (leaving a loop, an if) is part "
            "of the next step; put a step before the labelled statement",
        )
    if not pcs and label in prog.all_labels[p]:
        return n.Lit(0, n.BOOL)  # on a path no step can reach (a branch the constants rule out)
    if not pcs:
        raise fail(
            Code.UNKNOWN_NAME,
            f"process {proc.name} has no control point labelled {label!r}",
            x.span,
            hint="a label names the point before a statement that a step ends at; "
            f"the labels are: {', '.join(sorted(prog.label_pcs[p])) or 'none'}",
        )
    sort = prog.vars[proc.pc_var].sort
    pc = n.Read(proc.pc_var, () if x.instance is None else (control_refs(prog, processes, x.instance),), sort)
    return n.Or(tuple(n.Cmp(n.CmpOp.EQ, pc, n.Lit(k, sort)) for k in pcs))
