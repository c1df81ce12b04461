"""Rebuilding a concrete counterexample from the fingerprints a search stored.

Owns: `layers` (from a stored state's key back through parent links to the initial state: the keys
that may stand at each depth of its path) and `walk` (a concrete path from the initial state
through those layers, found by running the model: at each step the successor with the lowest
transition id whose canonical form has a key of the next layer that links back to the current
state).  The path is concrete even under symmetry reduction: each step is a real transition of
the model from the concrete state before it, and only the keys are of canonical forms.  A link may
name more than one key (NOTE(fingerprints) in visited.py), so `walk` backtracks, remembering the
(depth, key) pairs it has found to lead nowhere; in practice every layer holds one key.
Must not import z3, gcverify.pipeline or gcverify.report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from gcverify.diagnostics import InternalError
from gcverify.explore.partition import Canon
from gcverify.explore.visited import fingerprint
from gcverify.semantics.model import Model
from gcverify.semantics.state import State

LinksFor = Callable[[set[int]], dict[int, int]]
# a state's successors: what Model.expand computes (the native engine computes it in C)
ExpandFn = Callable[[State], tuple[list[tuple[int, State]], list[tuple[int, int]]]]
Layers = tuple[Mapping[int, int], ...]
MAX_CANDIDATES = 1_000_000  # keys over all layers before a trace is given up as an internal error


def layers(links_for: LinksFor, key: int, depth: int) -> Layers:
    """Layer `depth` is `key` alone; layer k - 1 holds every stored key whose prefix is the link of
    a key in layer k (each with its own link)."""
    last = {k: link for k, link in links_for({key >> 32}).items() if k == key}
    if not last:
        raise InternalError(f"the state with fingerprint {key:#018x} is not in the visited set")
    out: list[Mapping[int, int]] = [last]
    total = 1
    for _ in range(depth):
        layer = links_for(set(out[-1].values()))
        total += len(layer)
        if not layer or total > MAX_CANDIDATES:
            raise InternalError(f"no parent chain of {depth} steps leads to fingerprint {key:#018x}")
        out.append(layer)
    out.reverse()
    return tuple(out)


def walk(model: Model, canon: Canon | None, path: Layers, expand: ExpandFn | None = None) -> tuple[list[int], State]:
    """Transition ids of a concrete path from the initial state whose k-th state's canonical key is
    in layer k, each linking to the one before; and the path's last (concrete) state.  `expand`:
    the successor function to follow (default: the model's own)."""
    init = model.initial()
    successors = expand or model.expand
    first = fingerprint(init if canon is None else canon(init)[0])
    if first not in path[0]:
        raise InternalError("the initial state is not where the parent chain of a counterexample starts")
    stack: list[tuple[int, State, Iterator[tuple[int, State, int]]]] = [
        (first, init, _steps(successors, canon, init, first, path, 1, set()))
    ]
    ids: list[int] = []
    dead: set[tuple[int, int]] = set()
    while len(stack) < len(path):
        key, _, steps = stack[-1]
        step = next(steps, None)
        if step is None:
            dead.add((len(stack) - 1, key))
            stack.pop()
            if not stack:
                raise InternalError("no concrete path follows the parent chain of a counterexample")
            ids.pop()
            continue
        t, post, post_key = step
        ids.append(t)
        stack.append((post_key, post, _steps(successors, canon, post, post_key, path, len(stack) + 1, dead)))
    return ids, stack[-1][1]


def _steps(
    expand: ExpandFn, canon: Canon | None, state: State, key: int, path: Layers, depth: int, dead: set[tuple[int, int]]
) -> Iterator[tuple[int, State, int]]:
    """The successors of `state` that may stand at `depth`, lowest transition id first."""
    if depth >= len(path):
        return
    layer = path[depth]
    prefix = key >> 32
    posts, _ = expand(state)
    for t, post in sorted(posts, key=lambda p: p[0]):
        post_key = fingerprint(post if canon is None else canon(post)[0])
        if layer.get(post_key) == prefix and (depth, post_key) not in dead:
            yield t, post, post_key
