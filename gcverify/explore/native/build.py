"""Compiling a model's C file into a shared object, once, and finding it again.

Owns: `find_compiler` (the system C compiler: $CC, else cc, gcc or clang, as SPIN and Rumur use
it), `cache_dir` (where compiled models are kept: `native/` in gcverify's cache directory, see
gcverify/machine.py), `build` (compile
unless a shared object for this source and this compiler is cached; returns its path and the
seconds spent) and `CompileError` (the compiler refused generated code: a bug of gcverify, reported
with the generated file's path, never as a traceback).  Must not import z3, gcverify.pipeline or
gcverify.report.

The cache key is a hash of the generated source, the flags, and the compiler's path and version,
so a change to any of them compiles again.  An index maps a cheaper key (engine.model_key: the
lowered spec and gcverify's own code) to the library, so a warm run does not generate C at all.
A shared object is written under a temporary name and renamed into place, so concurrent runs
(pytest -n, parallel CI jobs) never load half a file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from gcverify import machine
from gcverify.budget import Budget

FLAGS = ("-O1", "-std=c11", "-Wall", "-Wextra", "-fPIC", "-shared")  # tests add -Werror
SANITIZE_ENV = "GCVERIFY_NATIVE_SANITIZE"  # set (e.g. to "address,undefined") to build with -fsanitize


class CompileError(Exception):
    """The C compiler failed on generated code; `path` is the (first) generated file, `output` what
    the compiler said."""

    def __init__(self, message: str, path: Path, output: str) -> None:
        super().__init__(message)
        self.path = path
        self.output = output


@dataclass(frozen=True, slots=True)
class Compiler:
    path: str
    version: str


@dataclass(frozen=True, slots=True)
class Built:
    library: Path
    source: Path
    seconds: float  # spent compiling (0 when the cache had it)
    cached: bool


def find_compiler() -> Compiler | None:
    """The C compiler to use, or None if there is none."""
    names = [os.environ["CC"]] if os.environ.get("CC") else ["cc", "gcc", "clang"]
    for name in names:
        path = shutil.which(name)
        if path is None:
            continue
        try:
            out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30, check=False)
        except (OSError, subprocess.SubprocessError):
            continue
        if out.returncode == 0:
            return Compiler(path, out.stdout.splitlines()[0] if out.stdout else "")
    return None


def cache_dir() -> Path:
    return machine.cache_dir() / "native"


def flags() -> tuple[str, ...]:
    sanitize = os.environ.get(SANITIZE_ENV, "")
    extra = (f"-fsanitize={sanitize}", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer", "-g") if sanitize else ()
    return (*FLAGS, *extra)


def _index(model_key: str, compiler: Compiler) -> Path:
    key = hashlib.sha256("\0".join([model_key, compiler.path, compiler.version, *flags()]).encode()).hexdigest()[:32]
    return cache_dir() / f"index-{key}"


def lookup(model_key: str, compiler: Compiler) -> Built | None:
    """The shared object built before for the model with this key (see engine.model_key), without
    generating its C again: the index file names the library."""
    try:
        name = _index(model_key, compiler).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    library = cache_dir() / name
    if not name.startswith("model-") or not library.exists():
        return None
    return Built(library, library.with_suffix(".c"), 0.0, True)


def build(files: tuple[str, ...], compiler: Compiler, budget: Budget | None = None, model_key: str = "") -> Built:
    """The shared object of the C `files` (the first defines what the others' functions are called
    from), compiled now (the files in parallel, then linked) unless cached; `model_key`: also
    index it under this key (for `lookup`).  Raises `CompileError`, or `Stopped` when `budget` runs
    out while a compiler runs (the compilers are then killed)."""
    options = flags()
    key = hashlib.sha256("\0".join([*files, compiler.path, compiler.version, *options]).encode()).hexdigest()[:32]
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    library = folder / f"model-{key}.so"
    c_files = [folder / (f"model-{key}.c" if k == 0 else f"model-{key}-{k}.c") for k in range(len(files))]
    if library.exists():
        _write_index(model_key, compiler, library)
        return Built(library, c_files[0], 0.0, True)
    for c_file, text in zip(c_files, files, strict=True):
        c_file.write_text(text, encoding="utf-8")
    start = time.monotonic()
    fd, tmp = tempfile.mkstemp(prefix=f".model-{key}-", suffix=".so", dir=folder)
    os.close(fd)
    objects = [c_file.with_suffix(f".{os.getpid()}.o") for c_file in c_files]
    try:
        if len(files) == 1:
            _run(compiler, [[*options, "-o", tmp, str(c_files[0])]], c_files, budget)
        else:
            _run(
                compiler,
                [[*options, "-c", "-o", str(o), str(c)] for c, o in zip(c_files, objects, strict=True)],
                c_files,
                budget,
            )
            _run(compiler, [[*options, "-o", tmp, *map(str, objects)]], c_files, budget)
        os.replace(tmp, library)
        _write_index(model_key, compiler, library)
    finally:
        for path in [Path(tmp), *objects]:
            if path.exists():
                path.unlink()
    return Built(library, c_files[0], time.monotonic() - start, False)


def _write_index(model_key: str, compiler: Compiler, library: Path) -> None:
    if not model_key:
        return
    index = _index(model_key, compiler)
    fd, tmp = tempfile.mkstemp(prefix=".index-", dir=index.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(library.name)
    os.replace(tmp, index)


def _run(compiler: Compiler, commands: list[list[str]], c_files: list[Path], budget: Budget | None) -> None:
    """Run the compiler once for each of `commands`, all at once; raise `CompileError` if one fails."""
    procs = [
        subprocess.Popen(
            [compiler.path, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )
        for args in commands
    ]
    outputs: list[str] = []
    try:
        for proc in procs:
            while True:
                try:
                    outputs.append(proc.communicate(timeout=0.2)[0])
                    break
                except subprocess.TimeoutExpired:
                    if budget is not None:
                        budget.check("compiling the model to C")
    except BaseException:
        for proc in procs:
            proc.kill()
            proc.wait()
        raise
    for proc, output in zip(procs, outputs, strict=True):
        if proc.returncode != 0:
            where = ", ".join(map(str, c_files))
            raise CompileError(f"{compiler.path} failed on the generated file {where}", c_files[0], output)
