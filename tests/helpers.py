"""Shared test helpers: build and check small specs from text."""

from __future__ import annotations

import tempfile
from pathlib import Path

from gcverify.ir import nodes as n
from gcverify.pipeline import CheckConfig, check_spec, load_spec
from gcverify.results import SpecResult


def spec_from_text(text: str, overrides: dict[str, str] | None = None) -> n.Spec:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "t.gcv"
        path.write_text(text, encoding="utf-8")
        return load_spec(path, overrides or {})


def run(text: str, overrides: dict[str, str] | None = None, **config: object) -> SpecResult:
    """Check a spec given as text.  Without symmetry reduction unless the test asks for it
    (`symmetry=True`), so state counts are those of the plain state space."""
    config.setdefault("symmetry", False)
    # **config is typed object, so mypy cannot match it to CheckConfig's fields; a wrong name is a TypeError
    return check_spec(spec_from_text(text, overrides), CheckConfig(**config))  # type: ignore[arg-type]


def write_spec(folder: Path, name: str, text: str) -> str:
    """Write a spec file into `folder`; its path, as a command-line argument."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)
