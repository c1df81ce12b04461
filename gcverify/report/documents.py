"""The results documents a run writes: JSON, JUnit XML and SARIF to a file or standard output, and
one ITF file per counterexample.

Owns: `Format`, `write_documents` and `write_itf`.  Pure rendering lives in the format's own module
(json.py, junit.py, sarif.py, itf.py); this module only chooses the targets and writes.
Must not import gcverify.cli.
"""

from __future__ import annotations

import enum
import sys
from collections.abc import Sequence
from pathlib import Path

from gcverify.report.itf import render_itf
from gcverify.report.json import render_json
from gcverify.report.junit import render_junit
from gcverify.report.sarif import render_sarif
from gcverify.results import LoadError, SpecResult


class Format(enum.Enum):
    JSON = "json"
    JUNIT = "junit"
    SARIF = "sarif"


def write_documents(
    results: Sequence[SpecResult], errors: Sequence[LoadError], documents: Sequence[tuple[Format, str]], version: str
) -> None:
    """Each (format, target) document; target '-' is standard output."""
    for fmt, target in documents:
        match fmt:
            case Format.JSON:
                text = render_json(results, errors)
            case Format.JUNIT:
                text = render_junit(results, errors)
            case Format.SARIF:
                text = render_sarif(results, errors, version=version)
        if target == "-":
            sys.stdout.write(text + "\n")
            sys.stdout.flush()
        else:
            Path(target).write_text(text + "\n", encoding="utf-8")


def write_itf(results: Sequence[SpecResult], folder: Path, every: bool) -> list[tuple[SpecResult, str, Path]]:
    """Each counterexample (the unexpected ones, or with `every` all) as FOLDER/SPEC.PROPERTY.itf.json;
    what was written: (spec result, property, file)."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[tuple[SpecResult, str, Path]] = []
    for r in results:
        for c in r.results:
            if c.finding is not None and (every or not c.met):
                path = folder / f"{r.name}.{c.property.slug}.itf.json"
                path.write_text(render_itf(r, c) + "\n", encoding="utf-8")
                written.append((r, c.property.display, path))
    return written
