"""Loading a spec and everything it imports.

Owns: reading spec files (UTF-8, a byte-order mark allowed) and import resolution.  An import
path is looked up relative to the importing file first, then in the bundled specs' folder (shipped
with gcverify), then in the folders given with --import-path.  Specs may come from untrusted pull
requests, so an imported file must be a .gcv file inside the root spec's folder tree, the bundled
specs shipped with gcverify (specs/, whose library is specs/lib and specs/go/lib) or an
--import-path folder; nothing else is read.  Each file is parsed once;
importing a file twice, or files importing each other, is harmless.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gcverify import syntax
from gcverify.diagnostics import Code, Diagnostic, GcverifyError
from gcverify.dsl.nesting import Nesting, check_expansion
from gcverify.dsl.parser import parse_measured
from gcverify.source import Pos, SourceFile, Span


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
        text = path.read_text(encoding="utf-8-sig")
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
    except (ValueError, OSError):
        return str(path)


BOM = b"\xef\xbb\xbf"


def decode(data: bytes, name: str) -> SourceFile:
    """A spec's bytes as text: UTF-8, with a byte-order mark at the start left out (so columns are
    those an editor shows).  Text that is not UTF-8 is a GCV408 at the line and column (in
    characters) of its first bad byte."""
    body = data[len(BOM) :] if data.startswith(BOM) else data
    try:
        return SourceFile(name, body.decode("utf-8"))
    except UnicodeDecodeError as e:
        line_start = body.rfind(b"\n", 0, e.start) + 1
        line = body.count(b"\n", 0, e.start) + 1
        col = len(body[line_start : e.start].decode("utf-8", errors="replace")) + 1
        shown = SourceFile(name, body.decode("utf-8", errors="replace"))
        raise GcverifyError(
            [
                Diagnostic(
                    code=Code.ENCODING,
                    message=f"{name} is not UTF-8 text: byte 0x{body[e.start]:02x} cannot start or continue "
                    "a UTF-8 character here",
                    span=Span(shown, Pos(line, col), Pos(line, col + 1)),
                    hint="save the file as UTF-8 (spec files are UTF-8; most editors can convert one, "
                    "e.g. `iconv -f latin1 -t utf-8`)",
                )
            ]
        ) from None


def _read(path: Path, display: str, at: Span | None = None) -> SourceFile:
    """A spec file's text; GCV402 (at the import statement `at`, if any) when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as e:
        reason = e.strerror or type(e).__name__
        raise GcverifyError([Diagnostic(code=Code.IO, message=f"cannot read {display}: {reason}", span=at)]) from None
    return decode(data, display)


def _within(path: Path, folders: Sequence[Path]) -> bool:
    return any(path == f or path.is_relative_to(f) for f in folders)


def _is_file(path: Path, imp: syntax.Import) -> bool:
    """Whether an import's candidate exists; GCV402 at the import when the system cannot even look
    (a name too long, a loop of links, no permission)."""
    try:
        return path.is_file()
    except OSError as e:
        reason = e.strerror or type(e).__name__
        raise GcverifyError(
            [Diagnostic(code=Code.IO, message=f"cannot read the import {_short(imp.path)}: {reason}", span=imp.span)]
        ) from None


def _short(text: str) -> str:
    return repr(text) if len(text) <= 80 else repr(text[:60] + "…") + f" ({len(text):,} characters)"


@dataclass(frozen=True, slots=True)
class _Places:
    """Where imports are looked up (in this order after the importing file's folder), and the
    folders their files must lie in (all resolved)."""

    lookup: tuple[Path, ...]
    allowed: tuple[Path, ...]


def _places(root: Path, import_path: Sequence[Path]) -> _Places:
    specs = bundled_specs()
    extra = tuple(p.resolve() for p in import_path)
    # The bundled folder is shipped with gcverify, so all of it may be read (specs/go/lib too).
    return _Places(lookup=(specs, *extra), allowed=(root.resolve().parent, specs.resolve(), *extra))


def _find(imp: syntax.Import, folder: Path, places: _Places) -> Path:
    """The file an import names: the first candidate that exists inside an allowed folder."""
    if not imp.path.endswith(".gcv"):
        raise GcverifyError(
            [
                Diagnostic(
                    code=Code.IMPORT_NOT_SPEC,
                    message=f"cannot import {_short(imp.path)}: only .gcv files can be imported",
                    span=imp.span,
                    hint="import a gcverify library file, whose name ends in .gcv",
                )
            ]
        )
    outside: Path | None = None
    for base in (folder, *places.lookup):
        # Lexically first, so that nothing outside is even looked at; then with links followed.
        candidate = Path(os.path.normpath(base / imp.path))
        if not _within(candidate, places.allowed):
            outside = outside or candidate
            continue
        if not _is_file(candidate, imp):
            continue
        real = candidate.resolve()
        if _within(real, places.allowed):
            return candidate
        outside = outside or real
    if outside is not None:
        raise GcverifyError(
            [
                Diagnostic(
                    code=Code.IMPORT_OUTSIDE,
                    message=f"cannot import {_short(imp.path)}: it is outside the folders this spec may import "
                    f"from ({_short(str(outside))})",
                    span=imp.span,
                    hint=f"a spec imports files in its own folder ({places.allowed[0]}) and below it, and the "
                    "bundled library; to allow another folder, give --import-path DIR",
                )
            ]
        )
    looked = ", ".join(str(p) for p in (folder, *places.lookup))
    raise GcverifyError(
        [
            Diagnostic(
                code=Code.IMPORT_NOT_FOUND,
                message=f"cannot find {_short(imp.path)}",
                span=imp.span,
                hint=f"looked in {looked} (the importing file's folder, the bundled library"
                + (" and --import-path)" if len(places.lookup) > 1 else ")"),
            )
        ]
    )


def load(path: Path, display: str | None = None, import_path: Sequence[Path] = ()) -> Program:
    """A spec file and everything it imports.  Imports are looked up next to the importing file,
    then in the bundled specs' folder, then in each `import_path` folder; the file found must lie in
    the root spec's folder tree, the bundled specs' folder (its libraries: lib/, go/lib/) or an
    `import_path` folder.  The file itself must be a .gcv file too: an error quotes the lines of
    the file it is about, and no other file's lines are shown."""
    if path.suffix != ".gcv":
        name = display or str(path)
        hint = "name a spec file (its name ends in .gcv) or a folder of them"
        message = f"{name} is not a spec file: gcverify reads only .gcv files"
        raise GcverifyError([Diagnostic(code=Code.IO, message=message, hint=hint)])
    root = _read(path, display or str(path))
    try:
        places = _places(path, import_path)
        start = path.resolve()
    except OSError as e:
        raise GcverifyError([Diagnostic(code=Code.IO, message=f"cannot read {root.name}: {e.strerror}")]) from None
    modules: list[syntax.Module] = []
    files: list[str] = []
    nestings: list[Nesting] = []
    seen: set[Path] = set()
    direct: list[list[Path]] = []
    errors: list[Diagnostic] = []
    queue: list[tuple[Path, SourceFile]] = [(start, root)]
    order: list[Path] = []
    while queue:
        real, source = queue.pop(0)
        if real in seen:
            continue
        seen.add(real)
        module, nesting = parse_measured(source)
        modules.append(module)
        nestings.append(nesting)
        files.append(source.name)
        order.append(real)
        direct.append([])
        for imp in module.imports:
            try:
                found = _find(imp, real.parent, places)
                resolved = found.resolve()
                if resolved not in seen:
                    queue.append((resolved, _read(found, _display(found), imp.span)))
            except GcverifyError as e:
                errors.extend(e.diagnostics)
                continue
            except OSError as e:
                reason = e.strerror or type(e).__name__
                errors.append(
                    Diagnostic(code=Code.IO, message=f"cannot read {_short(imp.path)}: {reason}", span=imp.span)
                )
                continue
            direct[-1].append(resolved)
    if errors:
        raise GcverifyError(errors)
    deep = check_expansion(nestings)
    if deep:
        raise GcverifyError(deep)
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
