"""Loading a spec and everything it imports.

Owns: import resolution.  An import path is looked up relative to the importing file first, then
in the bundled library (the `specs/` folder shipped with gcverify).  Each file is parsed once;
importing a file twice, or files importing each other, is harmless.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gcverify import syntax
from gcverify.diagnostics import Code, Diagnostic, GcverifyError
from gcverify.dsl.parser import parse
from gcverify.source import SourceFile


def bundled_specs() -> Path:
    """The bundled specs: inside the installed package, or the repository's specs/ folder."""
    here = Path(__file__).resolve().parent.parent
    installed = here / "specs"
    if installed.is_dir():
        return installed
    return here.parent / "specs"


def is_spec(path: Path) -> bool:
    """A spec file starts (after comments) with `spec NAME`; library files do not."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return True  # let the loader report it
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("//"):
            continue
        return stripped.startswith("spec ") or stripped == "spec"
    return False


def spec_files(paths: Sequence[str]) -> list[tuple[Path, str]]:
    """The spec files PATHs name, each with the name messages give it: a folder means every spec in
    it (library files left out); no PATH means the bundled specs."""
    if not paths:
        root = bundled_specs()
        return [(p, f"<bundled>/{p.relative_to(root)}") for p in sorted(root.rglob("*.gcv")) if is_spec(p)]
    out: list[tuple[Path, str]] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend((f, str(f)) for f in sorted(p.rglob("*.gcv")) if is_spec(f))
        else:
            out.append((p, raw))
    return out


@dataclass(frozen=True, slots=True)
class Program:
    """The root module first, then the modules it imports (transitively), each once.

    `imports[i]` holds the indexes of every module that module i imports, directly or not."""

    modules: tuple[syntax.Module, ...]
    files: tuple[str, ...]
    imports: tuple[frozenset[int], ...] = ()


def _display(path: Path) -> str:
    """A path as messages show it: relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _read(path: Path, display: str) -> SourceFile:
    try:
        return SourceFile.read(path, display)
    except (OSError, UnicodeDecodeError) as e:
        raise GcverifyError([Diagnostic(code=Code.IO, message=f"cannot read {display}: {e}")]) from None


def load(path: Path, display: str | None = None) -> Program:
    root = _read(path, display or str(path))
    modules: list[syntax.Module] = []
    files: list[str] = []
    seen: set[Path] = set()
    direct: list[list[Path]] = []
    errors: list[Diagnostic] = []
    queue: list[tuple[Path, SourceFile]] = [(path.resolve(), root)]
    order: list[Path] = []
    lib = bundled_specs()
    while queue:
        real, source = queue.pop(0)
        if real in seen:
            continue
        seen.add(real)
        module = parse(source)
        modules.append(module)
        files.append(source.name)
        order.append(real)
        direct.append([])
        for imp in module.imports:
            candidates = [real.parent / imp.path, lib / imp.path]
            found = next((c for c in candidates if c.is_file()), None)
            if found is None:
                errors.append(
                    Diagnostic(
                        code=Code.IMPORT_NOT_FOUND,
                        message=f"cannot find {imp.path!r}",
                        span=imp.span,
                        hint=f"looked in {real.parent} and in the bundled library {lib}",
                    )
                )
                continue
            display_name = _display(found)
            direct[-1].append(found.resolve())
            queue.append((found.resolve(), _read(found, display_name)))
    if errors:
        raise GcverifyError(errors)
    index = {p: i for i, p in enumerate(order)}
    edges = [[index[p] for p in ps] for ps in direct]
    return Program(tuple(modules), tuple(files), tuple(_closure(edges, i) for i in range(len(edges))))


def _closure(edges: list[list[int]], start: int) -> frozenset[int]:
    seen: set[int] = set()
    todo = list(edges[start])
    while todo:
        i = todo.pop()
        if i not in seen:
            seen.add(i)
            todo.extend(edges[i])
    return frozenset(seen - {start})
