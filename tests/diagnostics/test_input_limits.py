"""No traceback for any input: the limits on nesting, numbers, sorts and state width, imports that
stay inside the folders a spec may read, file encodings and --set values, each reported as a
located GCVnnn error (issue 13).  Each test here failed with a traceback, a leak or a silent
acceptance before the fix it guards.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gcverify.cli import main
from gcverify.diagnostics import Code, ExitCode, GcverifyError
from gcverify.dsl.loader import load, spec_files
from gcverify.limits import MAX_DEPTH, MAX_EXPANDED_DEPTH, MAX_SLOTS
from tests.diagnostics.test_errors import assert_no_traceback, parse_output, run_check, write

ROOT = Path(__file__).resolve().parents[2]
NONE = ROOT / "specs" / "barriers" / "none.gcv"


def only(result: Result, code: Code) -> tuple[int | None, int | None, str]:
    """The one diagnostic printed: (line, col, message); it has `code` and its family's exit code."""
    assert_no_traceback(result)
    found = parse_output(result.output)
    assert [d.code for d in found] == [code.id], result.output
    assert result.exit_code == code.family, result.output
    return found[0].line, found[0].col, found[0].message


# ---------------------------------------------------------------- the repros of issue 13


def test_not_nested_500_deep(tmp_path: Path) -> None:
    text = "spec s\nvar x: bool = false\nprocess P { x := " + "not " * 500 + "x }\n"
    line, col, message = only(run_check(str(write(tmp_path, text))), Code.TOO_DEEP)
    # `process` is level 2, its block 3, the assignment 4: the 97th `not` is level 101
    assert (line, col) == (3, len("process P { x := ") + 4 * (MAX_DEPTH - 4) + 1)
    assert f"at most {MAX_DEPTH} levels" in message


def test_a_sum_of_1000_terms(tmp_path: Path) -> None:
    text = "spec s\nvar x: 0 .. 3 = 0\nprocess P { x := " + " + ".join(["x"] * 1000) + " }\n"
    line, _, _ = only(run_check(str(write(tmp_path, text))), Code.TOO_DEEP)
    assert line == 3


def test_300_nested_if_blocks(tmp_path: Path) -> None:
    text = "spec s\nvar x: 0 .. 3 = 0\nprocess P {\n" + "if x == 0 {\n" * 300 + "x := 1\n" + "}\n" * 300 + "}\n"
    line, _, _ = only(run_check(str(write(tmp_path, text))), Code.TOO_DEEP)
    # `process` is level 2 and its block 3; the n-th `if` (on line 3 + n) is level 2n + 2 and its
    # block 2n + 3, so the first level past the limit is the block of the 49th
    assert line == 3 + (MAX_DEPTH - 1) // 2


def test_a_literal_of_5000_digits(tmp_path: Path) -> None:
    text = "spec s\nvar x: 0 .. 3 = 0\nprocess P { x := " + "9" * 5000 + " }\n"
    line, col, message = only(run_check(str(write(tmp_path, text))), Code.NUMBER_TOO_LARGE)
    assert (line, col) == (3, 18)
    assert "5,000 digits" in message


def test_a_scalarset_of_23_digits(tmp_path: Path) -> None:
    text = "spec s\nscalarset S of 99999999999999999999999\nvar x: S? = nil\nprocess P { skip }\n"
    line, col, _ = only(run_check(str(write(tmp_path, text))), Code.NUMBER_TOO_LARGE)
    assert (line, col) == (2, 16)


def test_a_constant_folded_past_18_digits(tmp_path: Path) -> None:
    text = (
        "spec s\nconst A = 999999999 * 999999999 * 999999999\nscalarset S of A\nvar x: S? = nil\nprocess P { skip }\n"
    )
    line, col, _ = only(run_check(str(write(tmp_path, text))), Code.NUMBER_TOO_LARGE)
    assert (line, col) == (2, 11)


def test_set_objects_of_23_digits() -> None:
    _, _, message = only(run_check(str(NONE), "--set", "OBJECTS=99999999999999999999999"), Code.BAD_SET)
    assert "'99999999999999999999999'" in message


def test_set_objects_to_a_million_names_the_set() -> None:
    _, _, message = only(run_check(str(NONE), "--set", "OBJECTS=1000000"), Code.SORT_TOO_LARGE)
    assert "--set OBJECTS=1000000" in message


def test_set_roots_to_a_million_is_refused_before_anything_is_built() -> None:
    _, _, message = only(run_check(str(NONE), "--set", "ROOTS=1000000"), Code.STATE_TOO_WIDE)
    assert f"more than {MAX_SLOTS:,} slots" in message and "'root'" in message


def test_a_map_over_a_range_of_100000(tmp_path: Path) -> None:
    text = "spec s\nrange R = 0 .. 99999\nvar m: R -> bool = false\nprocess P { m[0] := true }\n"
    line, col, _ = only(run_check(str(write(tmp_path, text))), Code.STATE_TOO_WIDE)
    assert (line, col) == (3, 1)


@pytest.mark.parametrize(
    ("decl", "what"),
    [
        ("scalarset S of 1001", "scalarset 'S'"),
        ("range R = 0 .. 1000000", "range 'R'"),
        ("enum E { " + ", ".join(f"e{i}" for i in range(1001)) + " }", "enum 'E'"),
        ("var y: 0 .. 1000000 = 0", "the range 0..1000000"),
    ],
    ids=["scalarset", "range", "enum", "anonymous-range"],
)
def test_sort_sizes(decl: str, what: str, tmp_path: Path) -> None:
    text = f"spec s\n{decl}\nvar x: bool = false\nprocess P {{ x := true }}\n"
    line, _, message = only(run_check(str(write(tmp_path, text))), Code.SORT_TOO_LARGE)
    assert line == 2 and message.startswith(what), message


def test_an_import_of_a_300_character_name(tmp_path: Path) -> None:
    text = 'spec s\nimport "' + "a" * 300 + '.gcv"\nvar x: bool = false\nprocess P { skip }\n'
    line, col, message = only(run_check(str(write(tmp_path, text))), Code.IO)
    assert (line, col) == (2, 1)
    assert "File name too long" in message and "304 characters" in message


# ---------------------------------------------------------------- imports from untrusted specs

SECRET = "root:x:0:0:secret-line"


def test_an_import_of_etc_passwd_never_shows_it(tmp_path: Path) -> None:
    spec = tmp_path / "a" / "b" / "s.gcv"
    spec.parent.mkdir(parents=True)
    (tmp_path / "passwd").write_text(SECRET + "\n", encoding="utf-8")
    spec.write_text('spec s\nimport "../../passwd"\nvar x: bool = false\nprocess P { skip }\n', encoding="utf-8")
    result = run_check(str(spec))
    line, col, _ = only(result, Code.IMPORT_NOT_SPEC)
    assert (line, col) == (2, 1)
    assert "secret" not in result.output


def outside(tmp_path: Path) -> tuple[Path, Path]:
    """A spec in tmp/proj importing ../shared/lib.gcv, which exists."""
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "lib.gcv").write_text(f"// {SECRET}\nvar y: bool = false\n", encoding="utf-8")
    (tmp_path / "proj").mkdir()
    spec = tmp_path / "proj" / "s.gcv"
    spec.write_text('spec s\nimport "../shared/lib.gcv"\nprocess P { y := true }\n', encoding="utf-8")
    return spec, tmp_path / "shared"


def test_an_import_outside_the_spec_folder_is_refused(tmp_path: Path) -> None:
    spec, _ = outside(tmp_path)
    result = run_check(str(spec))
    line, col, _ = only(result, Code.IMPORT_OUTSIDE)
    assert (line, col) == (2, 1)
    assert "secret" not in result.output
    assert any("--import-path" in d.hints[0] for d in parse_output(result.output))


def test_import_path_allows_a_folder(tmp_path: Path) -> None:
    spec, shared = outside(tmp_path)
    spec.write_text('spec s\nimport "lib.gcv"\nprocess P { y := true }\n', encoding="utf-8")
    assert run_check(str(spec), "--import-path", str(shared)).exit_code == ExitCode.OK
    # `..` out of the spec's folder into an allowed one is fine too
    spec.write_text('spec s\nimport "../shared/lib.gcv"\nprocess P { y := true }\n', encoding="utf-8")
    assert run_check(str(spec), "--import-path", str(shared)).exit_code == ExitCode.OK


@pytest.mark.parametrize("command", ["prove", "trace", "matrix"])
def test_every_command_that_loads_specs_takes_import_path(command: str, tmp_path: Path) -> None:
    spec, shared = outside(tmp_path)
    args = {
        "prove": ["prove", "--bmc", "1", str(spec)],
        "trace": ["trace", str(spec), "faults", "--dot", str(tmp_path / "d")],
        "matrix": ["matrix", str(spec), "--set", "X=1"],
    }[command]
    refused = CliRunner().invoke(main, args)
    assert_no_traceback(refused)
    assert "GCV208" in refused.output
    allowed = CliRunner().invoke(main, [*args, "--import-path", str(shared)])
    assert "GCV208" not in allowed.output, allowed.output


def test_an_absolute_import_is_outside(tmp_path: Path) -> None:
    spec, shared = outside(tmp_path)
    spec.write_text(f'spec s\nimport "{shared / "lib.gcv"}"\nprocess P {{ y := true }}\n', encoding="utf-8")
    only(run_check(str(spec)), Code.IMPORT_OUTSIDE)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_a_link_inside_the_folder_to_a_file_outside(tmp_path: Path) -> None:
    spec, shared = outside(tmp_path)
    (spec.parent / "lib.gcv").symlink_to(shared / "lib.gcv")
    spec.write_text('spec s\nimport "lib.gcv"\nprocess P { y := true }\n', encoding="utf-8")
    result = run_check(str(spec))
    only(result, Code.IMPORT_OUTSIDE)
    assert "secret" not in result.output


def test_the_bundled_library_and_subfolders_are_allowed(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.gcv").write_text("var y: bool = false\n", encoding="utf-8")
    text = 'spec s\nimport "lib/gc.gcv"\nimport "sub/x.gcv"\nfields next\nprocess P { y := true }\n'
    assert run_check(str(write(tmp_path, text)), "--max-states", "50").exit_code == ExitCode.OK


# ---------------------------------------------------------------- encodings


def test_a_byte_order_mark_is_accepted_and_columns_do_not_move(tmp_path: Path) -> None:
    text = "spec s\nvar x: 0 .. 3 = 0\nprocess P { x := colr }\n"
    plain = tmp_path / "plain.gcv"
    plain.write_text(text, encoding="utf-8")
    bom = tmp_path / "bom.gcv"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert only(run_check(str(bom)), Code.UNKNOWN_NAME)[:2] == only(run_check(str(plain)), Code.UNKNOWN_NAME)[:2]
    ok = tmp_path / "ok.gcv"
    ok.write_bytes(b"\xef\xbb\xbfspec s\nvar x: 0 .. 3 = 0\nprocess P { x := 1 }\n")
    assert run_check(str(ok)).exit_code == ExitCode.OK


def test_a_latin1_file_is_located_by_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "old.gcv"
    path.write_bytes("spec s\n// the café example\nvar x: bool = false\nprocess P { x := true }\n".encode("latin-1"))
    result = run_check(str(path))
    line, col, _ = only(result, Code.ENCODING)
    assert (line, col) == (2, len("// the caf") + 1)
    assert any("UTF-8" in h for d in parse_output(result.output) for h in d.hints)


def test_a_bad_byte_after_wide_characters_counts_characters(tmp_path: Path) -> None:
    path = tmp_path / "wide.gcv"
    path.write_bytes("spec s\n// ééé".encode() + b"\xff\nprocess P { skip }\n")
    assert only(run_check(str(path)), Code.ENCODING)[:2] == (2, len("// ééé") + 1)


def test_a_latin1_import_is_located_in_the_imported_file(tmp_path: Path) -> None:
    (tmp_path / "lib.gcv").write_bytes("// café\n".encode("latin-1"))
    path = write(tmp_path, 'spec s\nimport "lib.gcv"\nvar x: bool = false\nprocess P { x := true }\n')
    result = run_check(str(path))
    only(result, Code.ENCODING)
    assert "lib.gcv:1:7" in result.output  # the 'é' of '// café'


# ---------------------------------------------------------------- --set values


@pytest.mark.parametrize("value", ["３", "+2", " 3", "3 ", "1_000", "0x3", "٣"])
def test_set_takes_ascii_digits_only(value: str) -> None:
    _, _, message = only(run_check(str(NONE), "--set", f"OBJECTS={value}"), Code.BAD_SET)
    assert repr(value) in message


def test_set_takes_a_negative_number(tmp_path: Path) -> None:
    path = write(tmp_path, "spec s\nconst LO = 0\nvar x: LO .. 3 = 0\nprocess P { x := 1 }\n")
    assert run_check(str(path), "--set", "LO=-1").exit_code == ExitCode.OK


def test_trace_uses_the_one_set_parser(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["trace", str(NONE), "strong_tricolor", "--set", "OBJECTS=+2", "--dot", "d"])
    only(result, Code.BAD_SET)
    # a list or range (matrix syntax) is a usage error for every command, as it was for trace
    for command in (["trace", str(NONE), "strong_tricolor", "--dot", "d"], ["check", str(NONE)]):
        for value in ("2,3", "2..3"):
            result = CliRunner().invoke(main, [*command, "--set", f"OBJECTS={value}"])
            assert result.exit_code == ExitCode.USAGE and "one value" in result.output, result.output
    result = CliRunner().invoke(main, ["trace", str(NONE), "strong_tricolor", "--set", "OBJECTS", "--dot", "d"])
    assert result.exit_code == ExitCode.USAGE and "NAME=VALUE" in result.output


# ---------------------------------------------------------------- found by the fuzzer


def test_fields_naming_a_constant(tmp_path: Path) -> None:
    result = run_check(str(write(tmp_path, "fields x const x = 0 ")))
    assert_no_traceback(result)
    assert result.exit_code == ExitCode.STATIC_ERROR
    assert Code.DUPLICATE_NAME.id in result.output


# ---------------------------------------------------------------- every stage at the limit


SHAPES: dict[str, Callable[[int], str]] = {
    "not": lambda k: "spec s\nvar x: bool = false\nprocess P { x := " + "not " * k + "x }\ninvariant i: x or not x\n",
    "plus": lambda k: "spec s\nvar x: 0 .. 3 = 0\nprocess P { x := " + " + ".join(["x"] * k) + " }\n",
    "neg": lambda k: "spec s\nvar x: -3 .. 3 = 0\nprocess P { x := " + "-" * k + "x }\n",
    "and": lambda k: (
        "spec s\nvar x: bool = false\nprocess P { x := not x }\ninvariant i: "
        + " and ".join(["(x or not x)"] * k)
        + "\n"
    ),
    "if": lambda k: "spec s\nvar x: 0 .. 3 = 0\nprocess P {\n" + "if x == 0 {\n" * k + "x := 1\n" + "}\n" * k + "}\n",
    "atomic-if": lambda k: (
        "spec s\nvar x: 0 .. 3 = 0\nprocess P {\n atomic {" + "if x == 0 {\n" * k + "x := 1\n" + "}\n" * k + "}}\n"
    ),
    "ite": lambda k: "spec s\nvar x: 0 .. 3 = 0\nprocess P { x := " + "if x == 0 then 1 else " * k + "2 }\n",
    "index": lambda k: "spec s\nvar m: 0 .. 1 -> 0 .. 1 = 0\nprocess P { m[0] := " + "m[" * k + "0" + "]" * k + " }\n",
    "forall": lambda k: (
        "spec s\nrange R = 0 .. 0\nvar x: bool = false\nprocess P { x := " + "forall r in R: " * k + "x }\n"
    ),
    "def-chain": lambda k: (
        "spec s\nvar x: -3 .. 3 = 0\n"
        + "".join(
            f"def f{i}(a: -3 .. 3): -3 .. 3 = " + ("-" * 20 + f"f{i - 1}(a)" if i else "a") + "\n" for i in range(k)
        )
        + f"process P {{ x := f{k - 1}(x) }}\ninvariant i: f{k - 1}(x) <= 3\n"
    ),
    "def-arguments": lambda k: (
        "spec s\nvar x: bool = false\n"
        + "".join(
            f"def g{i}(a: bool): bool = " + (f"not g{i - 1}(not not a)" if i else "not a") + "\n" for i in range(k)
        )
        + f"process P {{ x := g{k - 1}(x) }}\ninvariant i: g{k - 1}(x) or true\n"
    ),
    "proc-chain": lambda k: (
        "spec s\nvar x: -3 .. 3 = 0\n"
        + "".join(
            f"proc p{i}(a: -3 .. 3) {{ " + (f"if x == 0 {{ if x == 0 {{ p{i - 1}(-a) }} }}" if i else "x := a") + " }\n"
            for i in range(k)
        )
        + f"process P {{ p{k - 1}(x) }}\n"
    ),
    "binders": lambda k: (
        "spec s\nrange R = 0 .. 0\nvar x: bool = false\nprocess P { x := true }\ninvariant i: forall "
        + ", ".join(f"r{i}" for i in range(k))
        + " in R: x or not x\n"
    ),
    "either-in-atomic": lambda k: (
        "spec s\nvar x: 0 .. 3 = 0\nprocess P { atomic { either { x := 1 } " + "or { x := 2 } " * k + "} }\n"
    ),
    "proc-in-atomic": lambda k: (
        "spec s\nvar x: -3 .. 3 = 0\n"
        + "".join(
            f"proc p{i}(a: -3 .. 3) {{ " + (f"if x == 0 {{ p{i - 1}(-a) }}" if i else "x := a") + " }\n"
            for i in range(k)
        )
        + f"process P {{ atomic {{ p{k - 1}(x) }} }}\n"
    ),
}


def _accepted(path: Path, text: str) -> bool:
    path.write_text(text, encoding="utf-8")
    try:
        load(path)
    except GcverifyError as e:
        assert {d.code for d in e.diagnostics} == {Code.TOO_DEEP}, e
        return False
    return True


def deepest(path: Path, make: Callable[[int], str]) -> int:
    """The largest k whose spec the limits accept (k + 1 is refused)."""
    lo, hi = 1, 2
    while _accepted(path, make(hi)):
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _accepted(path, make(mid)):
            lo = mid
        else:
            hi = mid
    return lo


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_stage_copes_just_below_the_limit(shape: str, tmp_path: Path) -> None:
    """The deepest spec of each shape that the limits accept goes through every stage (parsing,
    resolution, lowering, the compiled explorer, the Z3 encoding) without a RecursionError, and one
    level deeper is a GCV404."""
    path = tmp_path / "deep.gcv"
    k = deepest(path, SHAPES[shape])
    assert k >= 9
    path.write_text(SHAPES[shape](k), encoding="utf-8")
    # the Python explorer: lowering is what is tested, and 3,000 steps are 1 MB of C to compile
    for args in (
        ["check", str(path), "--max-states", "10000", "--explorer", "python"],
        ["prove", "--bmc", "2", str(path)],
    ):
        result = CliRunner().invoke(main, args)
        assert_no_traceback(result)
        assert result.exit_code in (ExitCode.OK, ExitCode.VIOLATION, ExitCode.UNKNOWN), result.output
    path.write_text(SHAPES[shape](k + 1), encoding="utf-8")
    result = run_check(str(path))
    assert_no_traceback(result)
    assert Code.TOO_DEEP.id in result.output and result.exit_code == Code.TOO_DEEP.family


def test_a_call_chain_is_reported_at_the_call_that_crosses_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "deep.gcv"
    k = deepest(path, SHAPES["def-chain"])
    path.write_text(SHAPES["def-chain"](k + 1), encoding="utf-8")
    result = run_check(str(path))
    [d] = parse_output(result.output)
    assert d.code == Code.TOO_DEEP.id and f"at most {MAX_EXPANDED_DEPTH}" in d.message
    assert d.shown is not None and d.shown.startswith("def f") and d.carets == len("f0")
    assert d.notes and "is declared here" in d.notes[0]


def test_a_failed_heap_sort_is_reported_once() -> None:
    """Object refused: no follow-on errors about the heap, the roots or the procedures using it."""
    only(run_check(str(NONE), "--set", "OBJECTS=0"), Code.BAD_RANGE)


# ---------------------------------------------------------------- long sequences, and sizes that multiply


@pytest.mark.parametrize(
    "body",
    ["safepoint " * 3000 + "x := 1", "x := 1 " * 3000, "atomic { " + "x := 1 x := 2 " * 2000 + "}"],
    ids=["safepoints", "steps", "atomic"],
)
def test_long_sequences_are_not_nesting(body: str, tmp_path: Path) -> None:
    """Statements one after another are not limited: lowering walks them without recursion."""
    path = write(tmp_path, "spec s\nvar x: 0 .. 3 = 0\nprocess P { " + body + " }\n")
    # the Python explorer: lowering is what is tested, and 3,000 steps are 1 MB of C to compile
    for args in (
        ["check", str(path), "--max-states", "10000", "--explorer", "python"],
        ["prove", "--bmc", "2", str(path)],
    ):
        result = CliRunner().invoke(main, args)
        assert_no_traceback(result)
        assert result.exit_code == ExitCode.OK, result.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "spec s\nrange R = 0 .. 1\nvar x: 0 .. 3 = 0\nprocess P {\n"
            + "".join(f"for r{i} in R {{\n" for i in range(40))
            + "x := 1\n"
            + "}\n" * 40
            + "}\n",
            "statements",
        ),
        (
            "spec s\nvar x: 0 .. 3 = 0\n"
            + "".join(f"proc p{i}() {{ " + (f"p{i - 1}() p{i - 1}()" if i else "x := 1") + " }\n" for i in range(40))
            + "process P { atomic { p39() } }\n",
            "statements",
        ),
        ("spec s\nvar x: 0 .. 3 = 0\nprocess P { " + "if x == 3 { } " * 60 + "x := 1 }\n", "steps"),
        ("spec s\nvar x: 0 .. 3 = 0\nprocess P { loop { " + "if x == 3 { } " * 60 + "} }\n", "program points"),
    ],
    ids=["nested-for-unrolled", "procedures-inlined-twice", "branches-in-a-row", "branches-in-a-busy-wait"],
)
def test_lowering_that_would_multiply_is_refused(text: str, message: str, tmp_path: Path) -> None:
    """Each of these used to run out of memory (24 GB) or time before lowering finished."""
    _, _, got = only(run_check(str(write(tmp_path, text))), Code.TOO_LARGE)
    assert message in got


def test_a_spec_with_a_byte_order_mark_is_found_in_a_folder(tmp_path: Path) -> None:
    (tmp_path / "bom.gcv").write_bytes(b"\xef\xbb\xbfspec s\nvar x: 0 .. 3 = 0\nprocess P { x := 1 }\n")
    assert spec_files([str(tmp_path)]) == [(tmp_path / "bom.gcv", str(tmp_path / "bom.gcv"))]


def test_a_file_named_on_the_command_line_must_be_a_spec_file(tmp_path: Path) -> None:
    """`gcverify check /etc/passwd` used to quote the file's first line in its syntax error."""
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:secret-line:/root:/bin/bash\n", encoding="utf-8")
    result = run_check(str(secret))
    assert_no_traceback(result)
    assert result.exit_code == ExitCode.STATIC_ERROR
    assert "GCV402" in result.output and "is not a spec file" in result.output
    assert "secret-line" not in result.output
