"""`Model`: a lowered spec made executable under concrete semantics.

Owns: the initial state, the enumeration of action instances (every argument tuple of every
action, grouped by process instance and program counter so a state only tries the actions its
processes can take), successor generation, invariant evaluation and fault reporting.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass

from gcverify.budget import Budget
from gcverify.diagnostics import Code, Diagnostic, GcverifyError
from gcverify.ir import nodes as n
from gcverify.semantics.compiled import Compiled, compile_model
from gcverify.semantics.concrete import CONCRETE
from gcverify.semantics.interp import Disabled, Fault, Interpreter, Stop
from gcverify.semantics.layout import Layout
from gcverify.semantics.state import ActionInstance, State

MAX_INSTANCES = 2_000_000


@dataclass(frozen=True, slots=True)
class Transition:
    instance: ActionInstance
    post: State
    fault: Fault[int] | None


class Model:
    def __init__(self, spec: n.Spec, budget: Budget | None = None) -> None:
        """`budget`: checked while the action instances are enumerated (raises `Stopped`)."""
        self.spec = spec
        self.layout = Layout(spec)
        self.interp: Interpreter[int] = Interpreter(spec, CONCRETE, self.layout)
        self._compiled: Compiled | None = None
        # instances[t] = the action instance with transition id t
        self.instances: list[ActionInstance] = []
        # by (pc slot, pc value) -> transition ids that need that program counter
        self.by_pc: dict[tuple[int, int], list[int]] = {}
        self.pc_slots: list[int] = []
        for proc in spec.processes:
            for inst in proc.instances:
                key = (inst,) if proc.instance is not None else ()
                self.pc_slots.append(self.layout.slot(proc.pc_var, key))
        for a in spec.actions:
            proc = spec.processes[a.process]
            domains = [p.sort.elements() for p in a.params]
            count = math.prod(len(d) for d in domains)
            if len(self.instances) + count > MAX_INSTANCES:
                raise GcverifyError(
                    [
                        Diagnostic(
                            code=Code.TOO_LARGE,
                            span=a.span,
                            message=f"this step has {count:,} combinations of parameter values "
                            f"({', '.join(f'{p.name}: {len(d)}' for p, d in zip(a.params, domains, strict=True))}); "
                            f"the model would have more than {MAX_INSTANCES:,} action instances",
                            hint="choose fewer values at once, or use smaller sorts",
                        )
                    ]
                )
            for k, args in enumerate(itertools.product(*domains)):
                if budget is not None and k % 1024 == 0:
                    budget.check("building the model")
                key = (args[0],) if proc.instance is not None else ()
                slot = self.layout.slot(proc.pc_var, key)
                self.by_pc.setdefault((slot, a.from_pc), []).append(len(self.instances))
                self.instances.append(ActionInstance(a.index, tuple(args)))
        self.end_pcs = {
            self.layout.slot(p.pc_var, (i,) if p.instance is not None else ()): p.end_pc
            for p in spec.processes
            for i in p.instances
        }

    def initial(self) -> State:
        return self.layout.initial()

    def successors(self, state: State) -> Iterator[tuple[int, Transition]]:
        """Every enabled action instance from `state`, with its transition id."""
        run = self.interp.run_action
        for slot in self.pc_slots:
            for t in self.by_pc.get((slot, state[slot]), ()):
                inst = self.instances[t]
                out = run(inst.action, state, inst.args)
                if out is None:
                    continue
                fault = out.faults[0] if out.faults else None
                yield t, Transition(inst, out.post, fault)

    @property
    def compiled(self) -> Compiled:
        """The actions and invariants staged into Python source (compiled.py), built on first use."""
        return self.compile()

    def compile(self, budget: Budget | None = None) -> Compiled:
        """`compiled`, built now if it has not been, within `budget` (raises `Stopped`)."""
        if self._compiled is None:
            self._compiled = compile_model(self.spec, self.layout, self.instances, self.by_pc, self.pc_slots, budget)
        return self._compiled

    def expand(self, state: State) -> tuple[list[tuple[int, State]], list[tuple[int, int]]]:
        """The successors of `state`: (transition id, post-state) for every enabled instance that
        does not fault, and (transition id, fault site) for those that fault (compiled; in
        transition-id order within each process, processes in order)."""
        return self.compiled.expand(state)

    def expand_interpreted(self, state: State) -> tuple[list[tuple[int, State]], list[tuple[int, int]]]:
        """`expand` by the plain interpreter: what the compiled code is tested against."""
        posts: list[tuple[int, State]] = []
        faults: list[tuple[int, int]] = []
        for t, tr in self.successors(state):
            if tr.fault is None:
                posts.append((t, tr.post))
            else:
                faults.append((t, tr.fault.site))
        return posts, faults

    def step(self, state: State, inst: ActionInstance) -> Transition | None:
        out = self.interp.run_action(inst.action, state, inst.args)
        if out is None:
            return None
        return Transition(inst, out.post, out.faults[0] if out.faults else None)

    def check(self, index: int, state: State) -> bool:
        """Whether invariant `index` holds in `state` (a fault while evaluating it counts as false)."""
        return self.compiled.invariants[index](state)

    def check_interpreted(self, index: int, state: State) -> bool:
        """`check` by the plain interpreter (replay uses it, so a counterexample found with the
        compiled code is confirmed without it)."""
        value, faults = self.interp.eval_invariant(index, state)
        return bool(value) and not faults

    def witnesses(self, index: int, state: State) -> list[str]:
        """The quantified values for which invariant `index` is false in `state`, e.g. 'o=o2, f=next'."""
        comp = self.interp.compiler
        frame = self.interp.frame(state, ())
        found: list[str] = []

        def holds(e: n.Expr) -> bool:
            try:
                return bool(comp.expr(e)(frame))
            except (Stop, Disabled):
                return False

        def walk(e: n.Expr, binding: tuple[str, ...]) -> None:
            match e:
                case n.Apply(fn=fn, args=()):
                    walk(self.spec.defs[fn].body, binding)
                case n.Implies(left=a, right=b) if holds(a):
                    walk(b, binding)
                case n.And(args=args):
                    for a in args:
                        if not holds(a):
                            walk(a, binding)
                            return
                case n.Quant(kind=n.QuantKind.FORALL, slot=slot, sort=sort, body=body, name=name):
                    for v in sort.elements():
                        frame.bound[slot] = v
                        if not holds(body):
                            walk(body, (*binding, f"{name}={sort.show(v)}"))
                case _:
                    if binding:
                        found.append(", ".join(binding))

        walk(self.spec.invariants[index].body, ())
        return found

    def terminated(self, state: State) -> bool:
        return all(state[slot] == pc for slot, pc in self.end_pcs.items())
