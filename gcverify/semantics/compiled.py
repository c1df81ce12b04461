"""Compiled successor generation and invariants: the interpreter staged into one Python module per model.

Owns: `compile_model(...)` -> `Compiled` (an `expand(state)` function and one function per
invariant) and the generated source, kept for inspection (`Compiled.source`).

How: each action instance (action and argument values) is run once through the interpreter
(interp.py) with `SourceOps` (staged.py) over a pre-state made of placeholders `s[i]`.  What the
run decides on known values (arguments, literals, unrolled quantifiers) is settled here; what it
computes from the state becomes source.  The instances that start at the same program counter of
the same process are emitted into one function, each as a block that leaves (`break`) as soon as a
guard is false.  Faults are checked in program order, each after the guards that precede it, so a
faulting instance is reported exactly when the interpreter would raise its fault (NOTE(faults) in
interp.py); the post-state is built only for enabled instances, from slices of the pre-state.
Must not import z3.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from gcverify.budget import Budget
from gcverify.ir import nodes as n
from gcverify.semantics.code import Branch, Emitter, Exit, Fault, Leave, Let, Post, Stmt
from gcverify.semantics.concrete import CONCRETE
from gcverify.semantics.interp import Disabled, Interpreter, Stop
from gcverify.semantics.layout import Layout
from gcverify.semantics.staged import Kind, Node, SourceOps
from gcverify.semantics.state import ActionInstance, State
from gcverify.semantics.targets import Function, Printer, PythonTarget, c_range_ok

# (transition id, post-state) of each enabled instance that does not fault; (transition id, fault
# site) of each that faults (see interp.Fault.site)
Expand = Callable[[State], tuple[list[tuple[int, State]], list[tuple[int, int]]]]

# Decision points split per action instance: each split adds a path (and duplicates the code after
# it), so a few pay (measured on go_gc: 0 splits 59 us/state, 4 splits 24 us/state and 1.3 MB of
# source; 64 splits 23 us/state and 19 MB); beyond the budget, branches are merged.
MAX_SPLITS = 4


@dataclass(frozen=True, slots=True)
class Leaf:
    """Where one staged path ends: its merged guard, fault conditions and post-state, and whether
    a certain fault stopped it."""

    enabled: Node
    faults: list[tuple[Node, int]]  # (condition, fault site), in program order
    post: list[Node]
    stopped: bool


@dataclass(frozen=True, slots=True)
class Path:
    taken: list[tuple[Node, int]]
    leaf: Leaf | None


@dataclass(frozen=True, slots=True)
class Printed:
    """A model printed by one printer: the functions of each program counter (`groups`; the one the
    dispatch calls last), then the dispatch on program counters and the invariants (`rest`, lines)."""

    groups: list[list[Function]]
    rest: list[str]

    @property
    def text(self) -> str:
        return "\n".join([*(f.text for g in self.groups for f in g), *self.rest]) + "\n"


@dataclass(frozen=True, slots=True)
class Compiled:
    expand: Expand
    invariants: tuple[Callable[[State], bool], ...]
    source: str


class _LastReach:
    """`ConcreteOps.reach` remembering its last call: the invariants of one state (no_live_freed,
    mark_complete, …) ask for the same closure one after another."""

    def __init__(self) -> None:
        self.key: tuple[object, ...] | None = None
        self.value: list[int] = []

    def __call__(self, roots: tuple[int, ...], succ: tuple[tuple[int, ...], ...], size: int) -> list[int]:
        key = (roots, succ, size)
        if key != self.key:
            self.key, self.value = key, CONCRETE.reach(roots, succ, size)
        return self.value


class _Builder:
    """Stages every action instance once and prints the result with each of `printers`."""

    def __init__(
        self, spec: n.Spec, layout: Layout, printers: Sequence[Printer], budget: Budget | None, splits: int
    ) -> None:
        self.spec = spec
        self.splits = splits
        self.budget = budget
        self.layout = layout
        self.printers = tuple(printers)
        self.ops = SourceOps(budget=budget)
        self.interp: Interpreter[Node] = Interpreter(spec, self.ops, layout)
        self.leaves: list[Node] = []
        for v, vl in zip(spec.vars, layout.vars, strict=True):
            r = v.sort.elements()
            for i in range(vl.offset, vl.offset + vl.size):
                self.leaves.append(self.ops.leaf(i, r.start, r.stop - 1))
        self.printed = [Printed([], []) for _ in printers]
        self.blocks: list[list[tuple[str, list[Stmt]]]] = [[] for _ in printers]
        # whether every value the code computes is known to fit 64 bits (what C computes in)
        self.fits = True

    def run_once(self, inst: ActionInstance) -> Leaf | None:
        run = self.interp.action(inst.action)
        f = self.interp.frame(self.leaves, [self.ops.const(a) for a in inst.args])
        stopped = False
        try:
            run(f)
        except Disabled:
            return None
        except Stop:
            stopped = True
        if f.enabled.const == 0 and not f.faults:
            return None
        return Leaf(f.enabled, [(q.cond, q.site) for q in f.faults], list(f.state), stopped)

    def stage(self, inst: ActionInstance) -> list[Path]:
        """Every path of one instance (depth first, each decision 1 before 0): the decisions
        taken and where the path ends (None: disabled)."""
        self.ops.table.clear()
        paths: list[Path] = []
        script: list[int] = []
        budget = self.splits
        while True:
            if self.budget is not None:
                self.budget.check("compiling the model")
            self.ops.start(script, budget)
            leaf = self.run_once(inst)
            budget = self.ops.splits
            taken = self.ops.taken
            paths.append(Path(taken, leaf))
            flips = [i for i, (_, k) in enumerate(taken) if k == 1]
            if not flips:
                return paths
            script = [k for _, k in taken[: flips[-1]]] + [0]

    def block(self, t: int, label: str, paths: list[Path]) -> None:
        if all(p.leaf is None for p in paths):
            return
        roots: list[Node] = []
        for p in paths:
            roots.extend(node for node, _ in p.taken)
            if p.leaf is not None:
                roots.extend(self.leaf_roots(p.leaf))
        self.check_ranges(roots)
        for k, printer in enumerate(self.printers):
            em = Emitter(roots, printer)
            self.blocks[k].append((f"t={t} {label}", self.tree(t, em, paths, 0)))

    def check_ranges(self, roots: Sequence[Node]) -> None:
        """Clear `fits` if some value computed from `roots` may not fit 64 bits (only when a
        printer other than Python's, whose ints are unbounded, needs to know)."""
        if not self.fits or all(isinstance(p, PythonTarget) for p in self.printers):
            return
        stack, seen = list(roots), set()
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if node.kind in (Kind.ARITH, Kind.CONST, Kind.INDEX) and not c_range_ok(node):
                self.fits = False
                return
            stack.extend(node.args)

    def leaf_roots(self, leaf: Leaf) -> list[Node]:
        changed = [p for i, p in enumerate(leaf.post) if p is not self.leaves[i]]
        return [*leaf.enabled.conjuncts(), *(c for q, _ in leaf.faults for c in q.conjuncts()), *changed]

    def tree(self, t: int, em: Emitter, paths: list[Path], depth: int) -> list[Stmt]:
        """The statements of the paths that share their first `depth` decisions."""
        if len(paths[0].taken) == depth:
            assert len(paths) == 1
            leaf = paths[0].leaf
            return [Leave()] if leaf is None else self.leaf(t, em, leaf)
        node = paths[0].taken[depth][0]
        yes = [p for p in paths if p.taken[depth][1] == 1]
        no = [p for p in paths if p.taken[depth][1] == 0]
        names = dict(em.names)
        dead_yes = all(p.leaf is None for p in yes)
        dead_no = all(p.leaf is None for p in no)
        out, (cond,) = em.prepare(node)
        if dead_no or dead_yes:
            out.append(Exit(cond, dead_yes))
            return out + self.tree(t, em, yes if dead_no else no, depth + 1)
        inner = dict(em.names)
        then = self.tree(t, em, yes, depth + 1)
        em.names = dict(inner)
        else_ = self.tree(t, em, no, depth + 1)
        em.names = names
        out.append(Branch(cond, tuple(then), tuple(else_)))
        return out

    def leaf(self, t: int, em: Emitter, leaf: Leaf) -> list[Stmt]:
        """One path's end: its remaining (merged) guards and faults in order, then the post-state."""
        changed = [(i, p) for i, p in enumerate(leaf.post) if p is not self.leaves[i]]
        guards = list(leaf.enabled.conjuncts())
        body: list[Stmt] = []
        checked: set[int] = set()

        def check_guard(g: Node) -> None:
            checked.add(id(g))
            lets, (cond,) = em.prepare(g)
            body.extend([*lets, Exit(cond, False)])

        for k, (cond, site) in enumerate(leaf.faults):
            parts = () if leaf.stopped and k == len(leaf.faults) - 1 else cond.conjuncts()
            for g in guards:
                if id(g) not in checked and any(g is p for p in parts):
                    check_guard(g)
            rest = [p for p in parts if id(p) not in checked]
            if not rest:
                body.append(Fault(t, site))
                return body
            lets, texts = em.prepare(*rest)
            test = texts[0] if len(texts) == 1 else em.target.join(Kind.AND, texts)
            body.extend([*lets, Branch(test, (Fault(t, site),), ())])
        for g in guards:
            if id(g) not in checked:
                check_guard(g)
        values: list[tuple[int, str]] = []
        for i, p in changed:
            lets, _ = em.prepare(p)
            body.extend(lets)
            values.append((i, em.value(p)))
        body.append(Post(t, tuple(values)))
        return body

    def group(self, name: str) -> None:
        """One function for the blocks staged since the last group: the statements every block
        starts with (locals and guards) are run once, at the top (they compute the same values
        in each block)."""
        for k, printer in enumerate(self.printers):
            blocks, self.blocks[k] = self.blocks[k], []
            if not blocks:
                continue
            common = 0
            first = blocks[0][1]
            while common < len(first) and all(len(b) > common and b[common] == first[common] for _, b in blocks):
                st = first[common]
                # only locals and guards (leave when false) are hoisted
                if not (isinstance(st, Let) or (isinstance(st, Exit) and not st.when)):
                    break
                common += 1
            rest = [(label, body[common:]) for label, body in blocks]
            self.printed[k].groups.append(printer.group(name, first[:common], rest))

    def invariant(self, index: int) -> None:
        if self.budget is not None:
            self.budget.check("compiling the model")
        self.ops.table.clear()
        self.ops.start([], 0)  # a property is one expression: merged, never split
        fn = self.interp.invariant(index)
        f = self.interp.frame(self.leaves, ())
        f.property = True
        try:
            value = fn(f)
        except Stop:
            value = self.ops.const(0)
        roots = [value, *(q.cond for q in f.faults)]
        self.check_ranges(roots)
        for k, printer in enumerate(self.printers):
            em = Emitter(roots, printer)
            body: list[Stmt] = []
            for q in f.faults:
                lets, (cond,) = em.prepare(q.cond)
                body.extend([*lets, Exit(cond, True)])
            lets, (text,) = em.prepare(value)
            body.extend(lets)
            self.printed[k].rest.extend(printer.invariant(index, body, text))


def model_sources(
    spec: n.Spec,
    layout: Layout,
    instances: Sequence[ActionInstance],
    by_pc: dict[tuple[int, int], list[int]],
    pc_slots: Sequence[int],
    printers: Sequence[Printer],
    budget: Budget | None = None,
    splits: int = MAX_SPLITS,
) -> tuple[list[Printed], bool]:
    """The successor function and invariants of the model printed by each of `printers` (one
    staging run for all), and whether every value the code computes fits 64 bits.  `splits`: the
    decision points split per action instance (see MAX_SPLITS).  `budget`: checked before each staging
    run (raises `Stopped`)."""
    b = _Builder(spec, layout, printers, budget, splits)
    tables: dict[int, dict[int, str]] = {slot: {} for slot in pc_slots}
    for (slot, pc), ts in sorted(by_pc.items()):
        name = f"_g{len(b.printed[0].groups)}"  # _g0, _g1, …: the groups in order
        for t in ts:
            b.block(t, spec.actions[instances[t].action].label, b.stage(instances[t]))
        if b.blocks[0]:
            b.group(name)
            tables[slot][pc] = name
    for printed, printer in zip(b.printed, printers, strict=True):
        printed.rest.extend(printer.dispatch(tables))
    for i in range(len(spec.invariants)):
        b.invariant(i)
    return b.printed, b.fits


def compile_model(
    spec: n.Spec,
    layout: Layout,
    instances: Sequence[ActionInstance],
    by_pc: dict[tuple[int, int], list[int]],
    pc_slots: Sequence[int],
    budget: Budget | None = None,
) -> Compiled:
    """The model staged into Python and run with `exec`.  `budget`: checked before each staging run
    (raises `Stopped`)."""
    (printed,), _ = model_sources(spec, layout, instances, by_pc, pc_slots, [PythonTarget(layout.size)], budget)
    source = printed.text
    namespace: dict[str, object] = {"_reach": _LastReach()}
    exec(compile(source, f"<gcverify model {spec.name}>", "exec"), namespace)
    invariants = tuple(namespace[f"_inv{i}"] for i in range(len(spec.invariants)))
    return Compiled(namespace["expand"], invariants, source)  # type: ignore[arg-type]
