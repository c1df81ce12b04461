"""The native explorer under AddressSanitizer and UndefinedBehaviorSanitizer (the slow lane).

A few bundled specs (symmetric and not, holding and violated, the Go model's allocator) are checked
natively in a fresh process whose generated C is built with `-fsanitize=address,undefined` and
`-fno-sanitize-recover=all` (GCVERIFY_NATIVE_SANITIZE): any out-of-bounds access, use after free,
signed overflow or misaligned access in the generated or hand-written C ends the process with a
report, and the test fails.  Python itself is not instrumented, so the ASan runtime is preloaded
and its leak checker is off (the interpreter keeps memory to the end on purpose).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gcverify.explore.native.build import SANITIZE_ENV, find_compiler

SPECS = Path(__file__).resolve().parents[2] / "specs"


def _runtime(name: str) -> str | None:
    compiler = find_compiler()
    if compiler is None:
        return None
    out = subprocess.run([compiler.path, f"-print-file-name={name}"], capture_output=True, text=True, check=False)
    path = out.stdout.strip()
    return path if os.path.isabs(path) and os.path.exists(path) else None


@pytest.mark.slow
@pytest.mark.parametrize(
    ("spec", "sets"),
    [
        ("barriers/dijkstra_no_rescan.gcv", ["OBJECTS=3"]),
        ("barriers/hybrid.gcv", ["OBJECTS=3", "MUTATORS=2"]),
        ("barriers/steele.gcv", []),
        ("go/go_alloc.gcv", []),
    ],
)
@pytest.mark.parametrize("symmetry", ["--symmetry", "--no-symmetry"])
def test_native_explorer_is_clean_under_sanitizers(spec: str, sets: list[str], symmetry: str, tmp_path: Path) -> None:
    asan = _runtime("libasan.so")
    if asan is None:
        pytest.skip("no C compiler with AddressSanitizer")
    env = {
        **os.environ,
        SANITIZE_ENV: "address,undefined",
        "GCVERIFY_CACHE_DIR": str(tmp_path),
        "LD_PRELOAD": asan,
        "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=0",
        "UBSAN_OPTIONS": "print_stacktrace=1",
    }
    args = [sys.executable, "-m", "gcverify", "check", str(SPECS / spec), symmetry, "--explorer", "native"]
    for s in sets:
        args += ["--set", s]
    out = subprocess.run(args, capture_output=True, text=True, env=env, timeout=1200, check=False)
    text = out.stdout + out.stderr
    assert "Sanitizer" not in text and "runtime error" not in text, text[-4000:]
    assert out.returncode == 0, text[-4000:]
    assert "native explorer" in out.stdout
    assert list((tmp_path / "native").glob("model-*.so")), "the sanitized model was not built"
