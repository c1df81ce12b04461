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
from gcverify.semantics.concrete import CONCRETE
from gcverify.semantics.interp import Disabled, Interpreter, Stop
from gcverify.semantics.layout import Layout
from gcverify.semantics.staged import Emitter, Node, SourceOps
from gcverify.semantics.state import ActionInstance, State

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
    def __init__(self, spec: n.Spec, layout: Layout, budget: Budget | None = None) -> None:
        self.spec = spec
        self.budget = budget
        self.layout = layout
        self.ops = SourceOps(budget=budget)
        self.interp: Interpreter[Node] = Interpreter(spec, self.ops, layout)
        self.leaves: list[Node] = []
        for v, vl in zip(spec.vars, layout.vars, strict=True):
            r = v.sort.elements()
            for i in range(vl.offset, vl.offset + vl.size):
                self.leaves.append(self.ops.leaf(i, r.start, r.stop - 1))
        self.lines: list[str] = []
        self.blocks: list[tuple[str, list[str]]] = []

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
        budget = MAX_SPLITS
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
        em = Emitter(roots)
        body = self.tree(t, em, paths, 0)
        self.blocks.append((f"while True:  # t={t} {label}", body))

    def leaf_roots(self, leaf: Leaf) -> list[Node]:
        changed = [p for i, p in enumerate(leaf.post) if p is not self.leaves[i]]
        return [*leaf.enabled.conjuncts(), *(c for q, _ in leaf.faults for c in q.conjuncts()), *changed]

    def tree(self, t: int, em: Emitter, paths: list[Path], depth: int) -> list[str]:
        """The statements of the paths that share their first `depth` decisions."""
        if len(paths[0].taken) == depth:
            assert len(paths) == 1
            leaf = paths[0].leaf
            return ["break"] if leaf is None else self.leaf(t, em, leaf)
        node = paths[0].taken[depth][0]
        yes = [p for p in paths if p.taken[depth][1] == 1]
        no = [p for p in paths if p.taken[depth][1] == 0]
        names = dict(em.names)
        dead_yes = all(p.leaf is None for p in yes)
        dead_no = all(p.leaf is None for p in no)
        if dead_no or dead_yes:
            out = em.statement("if not {}: break" if dead_no else "if {}: break", node)
            return out + self.tree(t, em, yes if dead_no else no, depth + 1)
        out = em.statement("if {}:", node)
        inner = dict(em.names)
        then = self.tree(t, em, yes, depth + 1)
        em.names = dict(inner)
        else_ = self.tree(t, em, no, depth + 1)
        em.names = names
        out.extend(f"    {line}" for line in then)
        out.append("else:")
        out.extend(f"    {line}" for line in else_)
        return out

    def leaf(self, t: int, em: Emitter, leaf: Leaf) -> list[str]:
        """One path's end: its remaining (merged) guards and faults in order, then the post-state."""
        changed = [(i, p) for i, p in enumerate(leaf.post) if p is not self.leaves[i]]
        guards = list(leaf.enabled.conjuncts())
        body: list[str] = []
        checked: set[int] = set()

        def check_guard(g: Node) -> None:
            checked.add(id(g))
            body.extend(em.statement("if not {}: break", g))

        for k, (cond, site) in enumerate(leaf.faults):
            parts = () if leaf.stopped and k == len(leaf.faults) - 1 else cond.conjuncts()
            for g in guards:
                if id(g) not in checked and any(g is p for p in parts):
                    check_guard(g)
            rest = [p for p in parts if id(p) not in checked]
            if not rest:
                body.append(f"faults.append(({t}, {site})); break")
                return body
            test = " and ".join("{}" for _ in rest)
            body.extend(em.statement(f"if {test}: faults.append(({t}, {site})); break", *rest))
        for g in guards:
            if id(g) not in checked:
                check_guard(g)
        start = len(em.lines)
        build = self.post(em, changed)  # statements; the last is the post-state's expression
        body.extend(em.lines[start:])
        body.extend(build[:-1])
        body.append(f"posts.append(({t}, {build[-1]}))")
        body.append("break")
        return body

    def group(self, name: str) -> None:
        """One function for the blocks staged since the last group: the guard lines every block
        starts with are checked once, at the top (they compute the same values in each block)."""
        blocks, self.blocks = self.blocks, []
        if not blocks:
            return
        common = 0
        first = blocks[0][1]
        while common < len(first) and all(len(b) > common and b[common] == first[common] for _, b in blocks):
            line = first[common]
            if len(blocks) > 1 and line.startswith("_p"):
                # NOTE(shared post-state): `_p = list(s)` is mutated by the block after it; shared, one
                # block's writes would leak into the next block's post-state (even where the lines
                # that follow agree, a later block may write other slots).
                break
            if not (line.endswith(": break") and line.startswith("if not ")) and " = " not in line.split(":")[0]:
                break
            common += 1
        out = [f"def {name}(s, posts, faults):"]
        out.extend(
            "    " + (line.removesuffix("break") + "return" if line.endswith(": break") else line)
            for line in first[:common]
        )
        for head, body in blocks:
            out.append(f"    {head}")
            out.extend(f"        {line}" for line in body[common:])
        self.lines.extend(out)

    def post(self, em: Emitter, changed: Sequence[tuple[int, Node]]) -> list[str]:
        """Statements building the post-state; the last item is the expression that is it."""
        if not changed:
            return ["s"]
        values = [(i, em.value(p)) for i, p in changed]
        if len(values) == 1:
            (i, v), size = values[0], self.layout.size
            head = f"s[:{i}] + " if i else ""
            tail = f" + s[{i + 1}:]" if i + 1 < size else ""
            return [f"{head}({v},){tail}"]
        # every value is computed from the pre-state before any slot is written
        names = [f"_v{k}" for k in range(len(values))]
        out = [f"{', '.join(names)}, = {', '.join(v for _, v in values)},", "_p = list(s)"]
        out.extend(f"_p[{i}] = {name}" for (i, _), name in zip(values, names, strict=True))
        return [*out, "tuple(_p)"]

    def invariant(self, index: int) -> str:
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
        em = Emitter([value, *(q.cond for q in f.faults)])
        body: list[str] = []
        for q in f.faults:
            body.extend(em.statement("if {}: return False", q.cond))
        body.extend(em.statement("return bool({})", value))
        return "\n".join([f"def _inv{index}(s):", *(f"    {line}" for line in body)])


def compile_model(
    spec: n.Spec,
    layout: Layout,
    instances: Sequence[ActionInstance],
    by_pc: dict[tuple[int, int], list[int]],
    pc_slots: Sequence[int],
    budget: Budget | None = None,
) -> Compiled:
    """`budget`: checked before each staging run (raises `Stopped`)."""
    b = _Builder(spec, layout, budget)
    tables: dict[int, dict[int, str]] = {slot: {} for slot in pc_slots}
    for k, ((slot, pc), ts) in enumerate(sorted(by_pc.items())):
        name = f"_g{k}"
        for t in ts:
            b.block(t, spec.actions[instances[t].action].label, b.stage(instances[t]))
        if b.blocks:
            b.group(name)
            tables[slot][pc] = name
    lines = b.lines
    for slot, table in tables.items():
        lines.append(f"_d{slot} = {{{', '.join(f'{pc}: {name}' for pc, name in table.items())}}}")
    lines.append("def expand(s):")
    lines.append("    posts = []; faults = []")
    for slot, table in tables.items():
        if table:
            lines.append(f"    g = _d{slot}.get(s[{slot}])")
            lines.append("    if g is not None: g(s, posts, faults)")
    lines.append("    return posts, faults")
    for i in range(len(spec.invariants)):
        lines.append(b.invariant(i))
    source = "\n".join(lines) + "\n"
    namespace: dict[str, object] = {"_reach": _LastReach()}
    exec(compile(source, f"<gcverify model {spec.name}>", "exec"), namespace)
    invariants = tuple(namespace[f"_inv{i}"] for i in range(len(spec.invariants)))
    return Compiled(namespace["expand"], invariants, source)  # type: ignore[arg-type]
