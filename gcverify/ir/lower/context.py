"""What lowering keeps while it works: the spec-wide `Program` and the per-process `ProcessContext`.

Owns: `Program` (the state variables, actions, stored locals and labels accumulated over the whole
spec, fresh `let` slots, and the hidden locals that multi-step scopes need) and `ProcessContext`
(the process being lowered: its index, instance parameter, labels and loop heads).
Invariants: a `ProcessContext` is made fresh for each process and dropped after it, so nothing of
one process leaks into the next; `Program` only grows (variables and actions are appended, never
changed, except the pc guards `actions.lower_process` wraps around its own actions).
Must not import anything from gcverify but `source`, `diagnostics`, `budget`, `limits` and `ir`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gcverify.budget import Budget
from gcverify.diagnostics import Code
from gcverify.ir import control as c
from gcverify.ir import nodes as n
from gcverify.ir.lower.cfg import Hole, Store, fail
from gcverify.ir.lower.steps import StepCounter
from gcverify.ir.resolve import Resolved
from gcverify.ir.walk import children
from gcverify.limits import MAX_ACTIONS, MAX_PATH_VISITS, MAX_STATEMENTS
from gcverify.source import Span

_PATHS_HINT = "put a step ('skip') between the branches, or join their conditions"


@dataclass(eq=False)
class ProcessContext:
    """The process being lowered; made fresh for each process."""

    index: int
    name: str
    inst: n.Param | None  # the instance parameter (parameter 0) of a replicated process
    inst_sort: n.ScalarsetSort | n.EnumSort | n.IntSort | None
    declared_labels: set[str] = field(default_factory=set)
    loop_heads: dict[int, Hole] = field(default_factory=dict)  # id(loop head) -> the hole closing it

    @property
    def inst_index(self) -> tuple[n.Expr, ...]:
        """The indices that select this instance's entry of a per-instance variable."""
        return (self.inst,) if self.inst is not None else ()

    @property
    def inst_keys(self) -> tuple[n.FiniteSort, ...]:
        return (self.inst_sort,) if self.inst_sort is not None else ()


@dataclass(eq=False)
class Program:
    """What lowering accumulates over the whole spec."""

    r: Resolved
    vars: list[n.StateVar]
    next_slot: int
    steps: StepCounter
    # procedure parameters some property reads with local(): kept in their local at every call,
    # even where the argument is a constant (which otherwise needs no local)
    watched: frozenset[int]
    actions: list[n.Action] = field(default_factory=list)
    stored: dict[tuple[int, int], int] = field(default_factory=dict)  # (process, sym) -> local var
    label_pcs: list[dict[str, list[int]]] = field(default_factory=list)  # per process: label -> pcs
    all_labels: list[set[str]] = field(default_factory=list)  # per process: the labels it declares
    passed_labels: set[tuple[int, str]] = field(default_factory=set)  # (process, label) some step passes
    budget: Budget | None = None  # checked at each statement of an atomic step (raises `Stopped`)
    built: int = 0  # statements built so far, against MAX_STATEMENTS
    visits: int = 0  # nodes visited on paths between steps, against MAX_PATH_VISITS

    def count_statement(self, span: Span | None) -> None:
        """GCV403 once unrolling and inlining have built MAX_STATEMENTS statements: each `for` over
        a range or enum repeats its body per element and each call repeats the procedure, so
        nesting them multiplies the size (exponentially in the depth) long before memory runs out."""
        self.built += 1
        if self.built <= MAX_STATEMENTS:
            return
        raise fail(
            Code.TOO_LARGE,
            f"lowering this spec builds more than {MAX_STATEMENTS:,} statements: loops over ranges "
            "are unrolled and procedures inlined at each call, so nesting them multiplies its size",
            span,
            "nest fewer loops over ranges (a scalarset loop outside 'atomic' is not unrolled), "
            "or call procedures that call others fewer times",
        )

    def count_action(self, span: Span | None) -> None:
        """GCV403 once the paths of control between steps multiply past MAX_ACTIONS (branches one
        after another outside `atomic` make their number exponential)."""
        if len(self.actions) < MAX_ACTIONS:
            return
        raise fail(
            Code.TOO_LARGE,
            f"the spec has more than {MAX_ACTIONS:,} steps (paths of control from one program point to the next "
            "step): branches one after another, with no step between them, multiply them",
            span,
            _PATHS_HINT,
        )

    def count_visit(self, span: Span | None) -> None:
        """GCV403 once finding the paths between steps has visited MAX_PATH_VISITS nodes."""
        self.visits += 1
        if self.visits <= MAX_PATH_VISITS:
            return
        raise fail(
            Code.TOO_LARGE,
            f"finding the paths of control between steps visits more than {MAX_PATH_VISITS:,} program points: "
            "branches one after another, with no step between them, multiply the paths",
            span,
            _PATHS_HINT,
        )

    @classmethod
    def start(cls, r: Resolved, budget: Budget | None = None) -> Program:
        watched: set[int] = set()
        todo: list[c.PreExpr] = [d.body for d in r.defs] + [i.body for i in r.invariants]
        todo += [e for d in r.inductives for _, e in d.conjuncts]
        while todo:
            e = todo.pop()
            if isinstance(e, c.LocalOf):
                watched.add(e.sym)
            todo.extend(children(e))
        return cls(r, list(r.vars), r.next_slot, StepCounter(r.procs), frozenset(watched), budget=budget)

    def fresh(self, sort: n.Sort, name: str) -> n.Bound:
        self.next_slot += 1
        return n.Bound(self.next_slot - 1, sort, name)

    def add_var(self, var: n.StateVar) -> int:
        self.vars.append(var)
        return len(self.vars) - 1

    def local_var(self, ctx: ProcessContext, sym: c.Sym, hidden: bool, init: int | None = None) -> n.Read[n.Expr]:
        """The local that keeps `sym` for each instance of the process (made on first use)."""
        key = (ctx.index, sym.id)
        if key not in self.stored:
            sort = n.OptionSort(sym.sort) if isinstance(sym.sort, n.ScalarsetSort) else sym.sort
            value = n.default_value(sort) if init is None else init
            self.stored[key] = self.add_var(
                n.StateVar(
                    name=f"{ctx.name}.{sym.name}",
                    keys=ctx.inst_keys,
                    sort=sort,
                    init=value,
                    kind=n.VarKind.LOCAL,
                    hidden=hidden,
                    span=sym.span,
                )
            )
        var = self.stored[key]
        return n.Read(var, ctx.inst_index, self.vars[var].sort)

    def reset(self, sym: c.Sym, env: Mapping[int, n.Expr]) -> Store | None:
        """Setting `sym`'s local back to its default when its scope ends (None: it has no local)."""
        target = env.get(sym.id)
        if isinstance(target, n.Read) and self.vars[target.var].kind is n.VarKind.LOCAL:
            var = self.vars[target.var]
            return Store(target.var, target.indices, n.Lit(n.default_value(var.sort), var.sort))
        return None

    def hidden_map(self, ctx: ProcessContext, name: str, sort: n.FiniteSort, span: Span | None) -> int:
        """A hidden per-instance map from `sort` to bool (a loop's set of visited elements)."""
        return self.add_var(
            n.StateVar(
                name=f"{ctx.name}.{name}",
                keys=(*ctx.inst_keys, sort),
                sort=n.BOOL,
                init=0,
                kind=n.VarKind.LOCAL,
                hidden=True,
                span=span,
            )
        )
