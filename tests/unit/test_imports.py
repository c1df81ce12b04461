"""Imports and constants: a file's constant overrides the one of any file it imports (directly or
not); two files of which neither imports the other cannot both declare it."""

from __future__ import annotations

from pathlib import Path

import pytest

from gcverify.diagnostics import Code, GcverifyError
from gcverify.pipeline import load_spec

BASE = "const N = 1\nvar x: 0 .. 9 = N\nprocess P { skip }\n"


def write(tmp: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp / name).write_text(text, encoding="utf-8")
    return tmp / "s.gcv"


def init_x(path: Path) -> int:
    spec = load_spec(path)
    return next(v.init for v in spec.vars if v.name == "x")


def test_a_library_overrides_the_library_it_imports(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {"base.gcv": BASE, "mid.gcv": 'import "base.gcv"\nconst N = 2\n', "s.gcv": 'spec s\nimport "mid.gcv"\n'},
    )
    assert init_x(path) == 2


def test_the_spec_overrides_every_library(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "base.gcv": BASE,
            "mid.gcv": 'import "base.gcv"\nconst N = 2\n',
            "s.gcv": 'spec s\nimport "mid.gcv"\nconst N = 3\n',
        },
    )
    assert init_x(path) == 3


def test_an_override_through_two_imports(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "base.gcv": BASE,
            "mid.gcv": 'import "base.gcv"\n',
            "top.gcv": 'import "mid.gcv"\nconst N = 4\n',
            "s.gcv": 'spec s\nimport "top.gcv"\n',
        },
    )
    assert init_x(path) == 4


def test_unrelated_libraries_cannot_both_declare_a_constant(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {"base.gcv": BASE, "other.gcv": "const N = 5\n", "s.gcv": 'spec s\nimport "base.gcv"\nimport "other.gcv"\n'},
    )
    with pytest.raises(GcverifyError) as e:
        load_spec(path)
    assert [d.code for d in e.value.diagnostics] == [Code.DUPLICATE_NAME]
    assert "constant 'N' is declared twice" in e.value.diagnostics[0].message


def test_a_constant_declared_twice_in_one_file(tmp_path: Path) -> None:
    path = write(tmp_path, {"s.gcv": "spec s\n" + BASE + "const N = 2\n"})
    with pytest.raises(GcverifyError) as e:
        load_spec(path)
    assert [d.code for d in e.value.diagnostics] == [Code.DUPLICATE_NAME]
