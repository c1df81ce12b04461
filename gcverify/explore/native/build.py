"""Compiling a model's C file into a shared object, once, and finding it again.

Owns: `find_compiler` (the system C compiler: $CC, else cc, gcc or clang, as SPIN and Rumur use
it), `cache_dir` (where compiled models are kept: $GCVERIFY_CACHE_DIR, else the user's cache
directory, `$XDG_CACHE_HOME/gcverify/native` or `~/.cache/gcverify/native`), `build` (compile
unless a shared object for this source and this compiler is cached; returns its path and the
seconds spent) and `CompileError` (the compiler refused generated code: a bug of gcverify, reported
with the generated file's path, never as a traceback).  Must not import z3, gcverify.pipeline or
gcverify.report.

The cache key is a hash of the generated source, the flags, and the compiler's path and version,
so a change to any of them compiles again.  A shared object is written under a temporary name and
renamed into place, so concurrent runs (pytest -n, parallel CI jobs) never load half a file.
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

from gcverify.budget import Budget

FLAGS = ("-O1", "-std=c11", "-Wall", "-Wextra", "-fPIC", "-shared")  # tests add -Werror
SANITIZE_ENV = "GCVERIFY_NATIVE_SANITIZE"  # set (e.g. to "address,undefined") to build with -fsanitize


class CompileError(Exception):
    """The C compiler failed on generated code; `path` is the generated file, `output` what it said."""

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
    explicit = os.environ.get("GCVERIFY_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gcverify" / "native"


def flags() -> tuple[str, ...]:
    sanitize = os.environ.get(SANITIZE_ENV, "")
    extra = (f"-fsanitize={sanitize}", "-fno-omit-frame-pointer", "-g") if sanitize else ()
    return (*FLAGS, *extra)


def build(source: str, compiler: Compiler, budget: Budget | None = None) -> Built:
    """The shared object of `source`, compiled now unless cached.  Raises `CompileError`, or
    `Stopped` when `budget` runs out while the compiler runs (the compiler is then killed)."""
    options = flags()
    key = hashlib.sha256("\0".join([source, compiler.path, compiler.version, *options]).encode()).hexdigest()[:32]
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    library = folder / f"model-{key}.so"
    c_file = folder / f"model-{key}.c"
    if library.exists():
        return Built(library, c_file, 0.0, True)
    c_file.write_text(source, encoding="utf-8")
    start = time.monotonic()
    fd, tmp = tempfile.mkstemp(prefix=f".model-{key}-", suffix=".so", dir=folder)
    os.close(fd)
    try:
        _run(compiler, [*options, "-o", tmp, str(c_file)], c_file, budget)
        os.replace(tmp, library)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return Built(library, c_file, time.monotonic() - start, False)


def _run(compiler: Compiler, args: list[str], c_file: Path, budget: Budget | None) -> None:
    proc = subprocess.Popen(
        [compiler.path, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    try:
        while True:
            try:
                output, _ = proc.communicate(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                if budget is not None:
                    budget.check("compiling the model to C")
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    if proc.returncode != 0:
        raise CompileError(f"{compiler.path} failed on the generated file {c_file}", c_file, output)
