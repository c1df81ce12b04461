"""How deep a spec nests, and how large its literals are, measured on lark's tree before anything
recurses over it.

Owns: `measure` (one file: its deepest point and its number literals against the limits, plus a
`Nesting` summary of each declaration's calls) and `check_expansion` (all files of a program: the
depth a declaration reaches once the definitions and procedures it calls are expanded where they
are called, as lowering and the interpreter do).  Both walk with explicit stacks, never by
recursion, so any input is measured.  Depth is counted in grammar levels: the file is level 1, a
declaration level 2, and each operator, call, index, statement and block inside it one more.
Must not import gcverify.ir or anything later in the pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lark import Token, Tree

from gcverify.diagnostics import Code, Diagnostic, Note
from gcverify.limits import MAX_DEPTH, MAX_DIGITS, MAX_EXPANDED_DEPTH
from gcverify.source import Pos, SourceFile, Span

_CALLS = ("call", "call_stmt")
_BODIES = ("def_decl", "proc_decl")


@dataclass(frozen=True, slots=True)
class CallSite:
    name: str
    depth: int  # the call's level inside its declaration (the declaration itself is level 1)
    height: int  # levels of the call and its arguments
    span: Span


@dataclass(frozen=True, slots=True)
class Declaration:
    """One top-level declaration: its name if it is a definition or procedure, how many levels it
    has by itself, and the calls in it."""

    name: str | None
    height: int
    calls: tuple[CallSite, ...]
    span: Span | None


@dataclass(frozen=True, slots=True)
class Nesting:
    declarations: tuple[Declaration, ...]


def _span(source: SourceFile, node: Tree[Token] | Token, whole: bool = True) -> Span:
    """Where a token or subtree is: all of it, or (not `whole`) its first character."""
    if isinstance(node, Token):
        line, col = node.line or 1, node.column or 1
        return Span(source, Pos(line, col), Pos(node.end_line or line, node.end_column or col + 1))
    meta = node.meta
    if getattr(meta, "empty", True):
        return Span(source, Pos(1, 1), Pos(1, 2))
    if not whole:
        return Span(source, Pos(meta.line, meta.column), Pos(meta.line, meta.column + 1))
    return Span(source, Pos(meta.line, meta.column), Pos(meta.end_line, meta.end_column))


def _nests(parent: str, child: Tree[Token]) -> int:
    """Levels that the siblings after `child` gain in the IR, beyond the grammar's: each name a
    quantifier or loop binds wraps the body once more (`forall a, b in S: e` is two quantifiers),
    and each branch of an `either` is nested in the choice before it (inside `atomic`, a chain of
    ifs)."""
    if child.data == "binders":
        names = sum(len(b.children) - 1 for b in child.children if isinstance(b, Tree))  # a binder: names, sort
        return max(names - 1, 0)
    if parent == "either":
        return 1
    return 0


def _first_token(tree: Tree[Token]) -> Token | None:
    head = tree.children[0] if tree.children else None
    return head if isinstance(head, Token) else None


def _too_deep(span: Span, limit: int = MAX_DEPTH, extra: str = "", notes: tuple[Note, ...] = ()) -> Diagnostic:
    return Diagnostic(
        code=Code.TOO_DEEP,
        message=f"this is nested more than {limit} levels deep{extra}; gcverify allows at most {limit} "
        "levels of nested expressions, statements and blocks"
        + ("" if limit == MAX_DEPTH else " with the definitions and procedures they call expanded"),
        span=span,
        notes=notes,
        hint="split the expression or block: name its parts with 'def' or 'proc', or use a local variable",
    )


def measure(tree: Tree[Token], source: SourceFile) -> tuple[Nesting, list[Diagnostic]]:
    """The file's `Nesting`, and a diagnostic for its first point deeper than MAX_DEPTH and for each
    number literal longer than MAX_DIGITS.  Nothing below a point too deep is looked at."""
    errors: list[Diagnostic] = []
    declarations: list[Declaration] = []
    for child in tree.children:
        if isinstance(child, Tree):
            declarations.append(_declaration(child, source, errors))
        if len(errors) > 20:
            break
    return Nesting(tuple(declarations)), errors


def _declaration(decl: Tree[Token], source: SourceFile, errors: list[Diagnostic]) -> Declaration:
    """Walk one declaration (level 2 of its file) with an explicit stack; heights come out of a
    post-order pass over the same stack."""
    name: str | None = None
    if decl.data in _BODIES:
        tok = _first_token(decl)
        name = str(tok) if tok is not None else None
    # Pre-order: (node, level in the declaration); `order` keeps every tree node visited.
    order: list[tuple[Tree[Token], int]] = []
    stack: list[tuple[Tree[Token], int]] = [(decl, 1)]
    reported = False
    while stack:
        node, level = stack.pop()
        if level + 1 > MAX_DEPTH:  # +1: the file's own level
            if not reported:
                errors.append(_too_deep(_span(source, node, whole=False)))
                reported = True
            continue
        order.append((node, level))
        extra = 0  # levels the children after this one gain in the IR (see _nests)
        for child in node.children:
            if isinstance(child, Tree):
                stack.append((child, level + 1 + extra))
                extra += _nests(node.data, child)
            elif child.type == "INT" and len(child) > MAX_DIGITS:
                errors.append(
                    Diagnostic(
                        code=Code.NUMBER_TOO_LARGE,
                        message=f"this number has {len(child):,} digits; gcverify allows at most {MAX_DIGITS}",
                        span=_span(source, child),
                        hint="no sort can be that large: use a smaller number",
                    )
                )
    heights: dict[int, int] = {}
    for node, _ in reversed(order):  # children come after their parent in `order`
        heights[id(node)] = 1 + max((heights.get(id(c), 0) for c in node.children if isinstance(c, Tree)), default=0)
    calls = []
    for node, level in order:
        tok = _first_token(node) if node.data in _CALLS else None
        if tok is not None and tok.type == "NAME":
            calls.append(CallSite(str(tok), level, heights[id(node)], _span(source, tok)))
    return Declaration(name, heights[id(decl)], tuple(calls), _span(source, decl))


def check_expansion(files: Sequence[Nesting]) -> list[Diagnostic]:
    """The depth each declaration reaches with the definitions and procedures it calls expanded at
    their calls: at most one diagnostic, at the call where MAX_EXPANDED_DEPTH is first crossed (in a
    declaration whose callees are all within the limit themselves).  Calls that form a cycle are
    left to name resolution (GCV304)."""
    bodies: dict[str, list[Declaration]] = {}
    for f in files:
        for d in f.declarations:
            if d.name is not None:
                bodies.setdefault(d.name, []).append(d)
    expanded: dict[int, int] = {}  # id(declaration) -> its height with every call expanded
    via: dict[int, tuple[CallSite, Declaration] | None] = {}  # the call that gives that height
    for f in files:
        for root in f.declarations:
            _expand(root, bodies, expanded, via)
    for f in files:
        for d in f.declarations:
            if expanded[id(d)] + 1 <= MAX_EXPANDED_DEPTH:
                continue
            step = via[id(d)]
            if step is None:
                continue  # too deep by itself: `measure` reported it
            site, callee = step
            if expanded[id(callee)] + 1 > MAX_EXPANDED_DEPTH:
                continue  # the callee crosses the limit itself; it is reported there
            chain = [site.name]
            nxt = via[id(callee)]
            while nxt is not None and len(chain) < 8:
                chain.append(nxt[0].name)
                nxt = via[id(nxt[1])]
            path = " → ".join(chain) + (" → …" if nxt is not None else "")
            note = Note(f"{site.name!r} is declared here", callee.span)
            return [_too_deep(site.span, MAX_EXPANDED_DEPTH, f" once the calls {path} are expanded", (note,))]
    return []


def _expand(
    root: Declaration,
    bodies: dict[str, list[Declaration]],
    expanded: dict[int, int],
    via: dict[int, tuple[CallSite, Declaration] | None],
) -> None:
    """Fill `expanded` for `root` and everything it calls, depth first with an explicit stack."""
    if id(root) in expanded:
        return
    active: set[int] = set()
    stack: list[tuple[Declaration, bool]] = [(root, False)]
    while stack:
        d, done = stack.pop()
        if done:
            active.discard(id(d))
            best, why = d.height, None
            for site in d.calls:
                for callee in bodies.get(site.name, ()):
                    if id(callee) not in expanded:
                        continue  # a cycle: resolution reports it
                    # The callee's body stands where the call is (its declaration level is the
                    # call's), and an argument (below the call's `args` level) may be substituted
                    # into its deepest point.
                    reach = site.depth - 1 + expanded[id(callee)] + max(site.height - 2, 0)
                    if reach > best:
                        best, why = reach, (site, callee)
            expanded[id(d)] = best
            via[id(d)] = why
            continue
        if id(d) in expanded or id(d) in active:
            continue
        active.add(id(d))
        stack.append((d, True))
        for site in d.calls:
            for callee in bodies.get(site.name, ()):
                if id(callee) not in expanded and id(callee) not in active:
                    stack.append((callee, False))
