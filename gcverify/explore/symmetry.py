"""Symmetry reduction: a canonical representative of each state under permutations of scalarsets.

Owns: `Symmetry`, which maps a state to the least state (as a tuple) of its orbit under the
permutations of the spec's scalarsets (`Object`, `Mutator`, and any other `scalarset`), together
with the size of that orbit.  The resolver's scalarset discipline (NOTE(symmetry) in
ir/resolve.py) makes every such permutation an automorphism of the transition system, so merging a
state with its canonical form is sound; summing orbit sizes over the canonical states gives the
exact number of states the search would have stored without symmetry.
Must not import z3, gcverify.pipeline or gcverify.report.

NOTE(canonical form): trying all |G| permutations per state is too slow (720 at six objects), so
only those that sort the elements by a *signature* are tried: what an element's own entries hold
(with references to symmetric elements reduced to nil / other / itself) and from where it is
referenced.  A signature is invariant under permutations, so the set of permutations tried for a
state and for any permutation of it give the same images, and the least image is a canonical form.
Elements with equal signatures that reference nothing and are referenced by nothing can be swapped
without changing the state, so one order of them is enough; they count k! times towards the
automorphisms.  Orbit size = |G| / |automorphisms| = |G| / (number of tried permutations giving the
least image × those k! factors).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from gcverify.budget import Budget
from gcverify.ir import nodes as n
from gcverify.semantics.layout import Layout
from gcverify.semantics.state import State

MEMO_SIZE = 1 << 14  # recent canonical forms kept (cleared when full): a few MB, about 45% hits
Perm = tuple[int, ...]  # element -> its new index, for one sort
Order = tuple[int, ...]  # new index -> element, for one sort
SigFn = Callable[[State], tuple[list[Any], list[int]]]  # signatures (tuples or ints), reference counts
IsoFn = Callable[[State, list[int]], list[bool]]


@dataclass(frozen=True, slots=True)
class _Group:
    """Slots holding one element's entries of one variable at one key position."""

    slots: tuple[int, ...]
    unordered: bool  # other key positions are symmetric too: compare as a multiset


class Symmetry:
    """Canonical forms under permutations of `sorts` (by default every scalarset of the spec)."""

    def __init__(
        self,
        spec: n.Spec,
        layout: Layout,
        sorts: tuple[n.ScalarsetSort, ...] | None = None,
        budget: Budget | None = None,
    ) -> None:
        """`budget`: checked while the tables are built (raises `Stopped`)."""

        def check() -> None:
            if budget is not None:
                budget.check("building the symmetry tables")

        self.spec = spec
        self.layout = layout
        chosen = spec.symmetric if sorts is None else sorts
        self.sorts = tuple(s for s in chosen if s.size > 1)
        self.group_size = math.prod(math.factorial(s.size) for s in self.sorts)
        index = {s: a for a, s in enumerate(self.sorts)}
        size = layout.size
        self.value_sort = [-1] * size  # slot -> symmetric sort of its value, or -1
        self.key_sorts: list[list[tuple[int, int, int]]] = [[] for _ in range(size)]  # (sort, element, stride)
        self.base = [0] * size  # slot index without its symmetric key parts
        self.tag = [0] * size  # where a reference held in this slot comes from (variable, other keys)
        self.own: list[list[list[_Group]]] = [[[] for _ in range(s.size)] for s in self.sorts]
        tags: dict[tuple[object, ...], int] = {}
        for v, (var, vl) in enumerate(zip(spec.vars, layout.vars, strict=True)):
            vs = var.sort.base if isinstance(var.sort, n.OptionSort) else var.sort
            key_syms = [index.get(k) if isinstance(k, n.ScalarsetSort) else None for k in var.keys]
            for j, key in enumerate(layout.keys(v)):
                if j % 1024 == 0:
                    check()
                slot = vl.offset + j
                self.value_sort[slot] = index.get(vs, -1) if isinstance(vs, n.ScalarsetSort) else -1
                base = vl.offset
                for p, (k, lo, stride) in enumerate(zip(key, vl.los, vl.strides, strict=True)):
                    a = key_syms[p]
                    if a is None:
                        base += (k - lo) * stride
                    else:
                        self.key_sorts[slot].append((a, k, stride))
                self.base[slot] = base
                plain = tuple(k for k, a in zip(key, key_syms, strict=True) if a is None)
                self.tag[slot] = tags.setdefault((v, plain), len(tags))
            for p, a in enumerate(key_syms):
                if a is None:
                    continue
                unordered = sum(x is not None for x in key_syms) > 1
                for e in range(self.sorts[a].size):
                    check()
                    slots = tuple(vl.offset + j for j, key in enumerate(layout.keys(v)) if key[p] == e)
                    self.own[a][e].append(_Group(slots, unordered))
        self.ref_slots = [[i for i in range(size) if self.value_sort[i] == a] for a in range(len(self.sorts))]
        namespace: dict[str, object] = {}
        for a in range(len(self.sorts)):
            check()
            exec(compile(self.signature_source(a), f"<gcverify symmetry {spec.name}>", "exec"), namespace)
        # the generated functions (signature_source): typed by what that source returns
        self._sig = [cast(SigFn, namespace[f"_sig{a}"]) for a in range(len(self.sorts))]
        self._iso = [cast(IsoFn, namespace[f"_iso{a}"]) for a in range(len(self.sorts))]
        self._by_order: dict[tuple[Order, ...], Callable[[State], State]] = {}
        self._memo: dict[State, tuple[State, int]] = {}  # recent states: about half of all successors recur

    # ------------------------------------------------------------ signatures

    def value_source(self, slot: int, a: int, e: int) -> str:
        """Source for a slot's value as element `e` of sort `a` sees it: references reduced to
        what no permutation changes (nil 0, another element 1, the element itself 2)."""
        b = self.value_sort[slot]
        if b < 0:
            return f"s[{slot}]"
        nil = self.sorts[b].size
        if b == a:
            return f"(0 if s[{slot}] == {nil} else 2 if s[{slot}] == {e} else 1)"
        return f"(0 if s[{slot}] == {nil} else 1)"

    def signature_source(self, a: int) -> str:
        """A function of the state giving, per element of sort `a`, its signature and whether it
        is isolated (holds no reference to a symmetric element, none refers to it, and its entries
        do not differ by another sort's element)."""
        if not any(g.unordered for groups in self.own[a] for g in groups):
            return self.packed_signature_source(a)
        size = self.sorts[a].size
        tags = sorted({self.tag[j] for j in self.ref_slots[a]})
        width = max(len(tags), 1)
        col = {t: k for k, t in enumerate(tags)}
        lines = [f"def _sig{a}(s):", f"    c = [0] * {(size + 1) * width}"]
        lines.extend(f"    c[s[{j}] * {width} + {col[self.tag[j]]}] += 1" for j in self.ref_slots[a])
        sigs, isos = [], []
        for e in range(size):
            parts: list[str] = []
            alone = [f"not any(c[{e * width}:{(e + 1) * width}])"]
            for g in self.own[a][e]:
                vals = [self.value_source(j, a, e) for j in g.slots]
                alone.extend(
                    f"s[{j}] == {self.sorts[self.value_sort[j]].size}" for j in g.slots if self.value_sort[j] >= 0
                )
                if g.unordered:
                    parts.append(f"*sorted(({', '.join(vals)},))")
                    if len(vals) > 1:
                        alone.append(" == ".join(vals))
                else:
                    parts.extend(vals)
            parts.append(f"*c[{e * width}:{(e + 1) * width}]")
            sigs.append(f"({', '.join(parts)},)")
            isos.append("(" + " and ".join(alone) + ")")
        return self.functions(a, lines, sigs, isos)

    @staticmethod
    def functions(a: int, counting: list[str], sigs: list[str], isos: list[str]) -> str:
        """`_sig{a}` (the lines `counting` that fill `c`, then the signatures) and `_iso{a}`."""
        return "\n".join(
            [
                *counting,
                f"    return [{', '.join(sigs)}], c",
                f"def _iso{a}(s, c):",
                f"    return [{', '.join(isos)}]",
            ]
        )

    def packed_signature_source(self, a: int) -> str:
        """`signature_source` when no entry is keyed by two symmetric sorts: each signature is
        one int (the same values in mixed radix, which is injective), cheaper to build and sort.
        Reference counts per origin are digits in base `base`; c[e] is element e's number."""
        size = self.sorts[a].size
        tags = sorted({self.tag[j] for j in self.ref_slots[a]})
        col = {t: k for k, t in enumerate(tags)}
        base = len(self.ref_slots[a]) + 1
        scale = base ** max(len(tags), 1)
        lines = [f"def _sig{a}(s):", f"    c = [0] * {size + 1}"]
        lines.extend(f"    c[s[{j}]] += {base ** col[self.tag[j]]}" for j in self.ref_slots[a])
        sigs, isos = [], []
        for e in range(size):
            expr = "0"
            alone = [f"not c[{e}]"]
            for g in self.own[a][e]:
                for j in g.slots:
                    b = self.value_sort[j]
                    if b >= 0:
                        radix, val = 3, self.value_source(j, a, e)
                        alone.append(f"s[{j}] == {self.sorts[b].size}")
                    else:
                        var = self.spec.vars[self.layout.owner(j)[0]]
                        r = var.sort.elements()
                        radix, val = len(r), f"s[{j}]" if r.start == 0 else f"(s[{j}] - {r.start})"
                    expr = val if expr == "0" else f"({expr}) * {radix} + {val}"
            sigs.append(f"({expr}) * {scale} + c[{e}]")
            isos.append("(" + " and ".join(alone) + ")")
        return self.functions(a, lines, sigs, isos)

    def isolated_ties(self, a: int, s: State, sigs: list[Any], counts: list[int], ranked: Order) -> int:
        """The product of the factorials of the classes of equal signatures of sort `a` when
        every such class is isolated (so the order `ranked` alone gives the canonical form of
        this sort), else 0."""
        fixed, run, iso = 1, 1, None
        for i in range(1, len(ranked) + 1):
            if i < len(ranked) and sigs[ranked[i]] == sigs[ranked[i - 1]]:
                run += 1
                continue
            if run > 1:
                if iso is None:
                    iso = self._iso[a](s, counts)
                if not all(iso[ranked[k]] for k in range(i - run, i)):
                    return 0
                fixed *= math.factorial(run)
            run = 1
        return fixed

    def orders(self, a: int, s: State, sigs: list[Any], counts: list[int], ranked: Order) -> tuple[list[Order], int]:
        """Every order of sort `a` that sorts its elements by signature (one order of each class
        of isolated equals), and the product of those classes' factorials."""
        isolated = self._iso[a](s, counts)
        fixed = 1
        choices: list[list[tuple[int, ...]]] = []
        for _, group in itertools.groupby(ranked, key=sigs.__getitem__):
            cls = list(group)
            if len(cls) > 1 and all(isolated[e] for e in cls):
                fixed *= math.factorial(len(cls))
                choices.append([tuple(cls)])
            else:
                choices.append(list(itertools.permutations(cls)))
        return [tuple(e for part in combo for e in part) for combo in itertools.product(*choices)], fixed

    # ------------------------------------------------------------ applying permutations

    def apply(self, s: State, perms: tuple[Perm, ...]) -> State:
        """The state with every element e of sort a renamed perms[a][e]."""
        return self.arrange(s, tuple(_inverse(perm) for perm in perms))

    def arrange(self, s: State, orders: tuple[Order, ...]) -> State:
        """The state with the elements of each sort put in the given order (orders[a][new] = old)."""
        fn = self._by_order.get(orders)
        if fn is None:
            fn = self._by_order[orders] = self.arranger(orders)
        return fn(s)

    def arranger(self, orders: tuple[Order, ...]) -> Callable[[State], State]:
        """A generated function that builds the arranged state as one tuple display."""
        perms = [_inverse(order) for order in orders]
        cells = [""] * self.layout.size
        for i in range(self.layout.size):
            target = self.base[i] + sum(perms[a][e] * stride for a, e, stride in self.key_sorts[i])
            b = self.value_sort[i]
            cells[target] = f"s[{i}]" if b < 0 else f"{(*perms[b], self.sorts[b].size)!r}[s[{i}]]"
        namespace: dict[str, object] = {}
        exec(f"def arrange(s):\n    return ({', '.join(cells)},)\n", namespace)
        return cast(Callable[[State], State], namespace["arrange"])

    # ------------------------------------------------------------ canonical forms

    def canon(self, state: State) -> tuple[State, int]:
        """The canonical representative of `state`'s orbit and the orbit's size."""
        if not self.sorts:
            return state, 1
        memo = self._memo
        got = memo.get(state)
        if got is None:
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            got = memo[state] = self.compute(state)
        return got

    def compute(self, state: State) -> tuple[State, int]:
        first = self._sig[0](state)
        if len(self._sig) == 1:  # the common case, kept short: one sort, every signature distinct
            sigs = first[0]
            if len(set(sigs)) == len(sigs):
                key = (tuple(sorted(range(len(sigs)), key=sigs.__getitem__)),)
                fn = self._by_order.get(key)
                if fn is None:
                    fn = self._by_order[key] = self.arranger(key)
                return fn(state), self.group_size
        choices: list[list[Order]] = []
        fixed = 1
        single = True
        for a, sig in enumerate(self._sig):
            sigs, counts = first if a == 0 else sig(state)
            ranked = tuple(sorted(range(len(sigs)), key=sigs.__getitem__))
            f = self.isolated_ties(a, state, sigs, counts, ranked)
            if f:
                choices.append([ranked])
            else:
                orders, f = self.orders(a, state, sigs, counts, ranked)
                choices.append(orders)
                single = single and len(orders) == 1
            fixed *= f
        if single:
            return self.arrange(state, tuple(c[0] for c in choices)), self.group_size // fixed
        best: State | None = None
        count = 0
        for combo in itertools.product(*choices):
            image = self.arrange(state, combo)
            if best is None or image < best:
                best, count = image, 1
            elif image == best:
                count += 1
        assert best is not None
        return best, self.group_size // (count * fixed)

    def all_images(self, state: State) -> set[State]:
        """Every state in `state`'s orbit, by trying all |G| permutations (for tests, small sorts)."""
        per_sort: Sequence[list[Perm]] = [list(itertools.permutations(range(s.size))) for s in self.sorts]
        return {self.apply(state, perms) for perms in itertools.product(*per_sort)}


def _inverse(p: tuple[int, ...]) -> tuple[int, ...]:
    """The inverse permutation: an order (new position -> old element) from a renaming, or back."""
    out = [0] * len(p)
    for i, j in enumerate(p):
        out[j] = i
    return tuple(out)
