"""Every example in README.md and the manual (docs/) runs, and shows what it really does.

- A ```gcv block is a whole spec file: `gcverify check` must meet its `expect` lines (exit 0), or
  end with the exit code of its `<!-- docs-test: exit=N -->` directive.  With
  `<!-- docs-test: excerpt=PATH -->` it is a verbatim excerpt of PATH instead, and is not run alone.
- A ```console block is a shell session: each `$ ` command runs (bash, in a fresh folder holding the
  page's spec files and `specs/`), and its output must be the one shown, under the rule of
  `markdown.normalise`.  A command that fails must be followed by `$ echo $?` and its code.
- A ```sh block is not run (installs, long benchmarks); each `gcverify …` line in it must parse.

docs/errors.md's ```gcv examples are the exception: each one is meant to fail, and
tests/diagnostics/test_errors.py checks that it produces the code of its section.

Set GCVERIFY_DOCS_UPDATE=1 (and run with `-n 0`) to write the real output into every console block
that does not match, then review the diff.  The format is described in docs/contributing.md.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from gcverify.cli import main
from gcverify.dsl.loader import bundled_specs
from tests.docs.markdown import (
    CHECKED,
    ROOT,
    Block,
    blocks,
    matches,
    normalise,
    pages,
    session,
    shell_commands,
)

UPDATE = os.environ.get("GCVERIFY_DOCS_UPDATE") == "1"
ERRORS_PAGE = ROOT / "docs" / "errors.md"  # its examples are tests/diagnostics/test_errors.py's


def all_blocks() -> list[Block]:
    return [b for page in pages() for b in blocks(page)]


def params(lang: str) -> list[object]:
    return [
        pytest.param(b, id=f"{b.page.relative_to(ROOT)}:{b.line}")
        for b in all_blocks()
        if b.lang == lang and not (lang == "gcv" and b.page == ERRORS_PAGE)
    ]


def spec_files(page: Path) -> dict[str, str]:
    """The page's ```gcv blocks that have a title="NAME.gcv": the files its sessions can use."""
    return {b.attributes["title"]: b.text for b in blocks(page) if b.lang == "gcv" and "title" in b.attributes}


# ---------------------------------------------------------------- the shape of the examples


def test_the_docs_have_examples_of_every_kind() -> None:
    found = {b.lang for b in all_blocks()}
    assert found >= CHECKED
    assert len(params("console")) >= 10


@pytest.mark.parametrize("page", pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_example_block_is_one_the_tests_see(page: Path) -> None:
    """An indented fence (in a list or an admonition) or the spelling `gcverify` would be skipped."""
    for b in blocks(page):
        if b.lang in CHECKED:
            assert not b.indent, f"{b.where}: a {b.lang} block must start at the left margin to be tested"
        assert b.lang != "gcverify", f"{b.where}: write ```gcv for spec text, so the tests check it"
        if b.directive:
            assert b.lang == "gcv", f"{b.where}: docs-test directives apply to ```gcv blocks"
    titles = [b.attributes["title"] for b in blocks(page) if b.lang == "gcv" and "title" in b.attributes]
    assert len(titles) == len(set(titles)), f"{page}: two spec blocks share a title"


# ---------------------------------------------------------------- ```gcv: specs


@pytest.mark.parametrize("block", params("gcv"))
def test_spec(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if "excerpt" in block.directive:
        source = (ROOT / block.directive["excerpt"]).read_text(encoding="utf-8")
        assert block.text in source, f"{block.where}: not a verbatim excerpt of {block.directive['excerpt']}"
        return
    name = block.attributes.get("title", "example.gcv")
    (tmp_path / name).write_text(block.text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", name])
    assert "Traceback" not in result.output, result.output
    expected = int(block.directive.get("exit", "0"))
    assert result.exit_code == expected, f"{block.where}: exit {result.exit_code}, not {expected}\n{result.output}"


# ---------------------------------------------------------------- ```console: sessions


def scratch(block: Block, tmp_path: Path) -> Path:
    """A fresh folder with the page's spec files and the repository's specs/."""
    for name, text in spec_files(block.page).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "specs").symlink_to(ROOT / "specs", target_is_directory=True)
    return tmp_path


def shell(command: str, cwd: Path, previous: int) -> subprocess.CompletedProcess[str]:
    """Run one command line with bash, as a terminal-less shell would; `$?` is `previous`."""
    env = {
        k: v
        for k, v in os.environ.items()
        # CI and BUILD_NUMBER: pytest does not shorten its summary lines under CI, so a session that
        # runs pytest would print otherwise there than here
        if k not in {"COLUMNS", "LINES", "FORCE_COLOR", "TERM", "CI", "BUILD_NUMBER"} and not k.startswith("PYTEST_")
    }
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"  # stdout and stderr interleave as on a terminal
    return subprocess.run(
        ["bash", "-c", f"(exit {previous}); {command}"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("block", params("console"))
def test_session(block: Block, tmp_path: Path) -> None:
    folder = scratch(block, tmp_path)
    bundled = str(bundled_specs())
    previous = 0
    actual_outputs: list[str] = []
    failures: list[str] = []
    commands = session(block)
    for n, command in enumerate(commands):
        result = shell(command.line, folder, previous)
        assert "Traceback" not in result.stdout or "Traceback" in "\n".join(command.output), result.stdout
        actual = normalise(result.stdout, bundled)
        expected = normalise("\n".join(command.output), bundled)
        actual_outputs.append(result.stdout.replace(bundled.rstrip("/") + "/", "specs/"))
        if not matches(expected, actual):
            failures.append(f"$ {command.line}\n--- the docs show:\n{expected}\n--- it printed:\n{actual}")
        following = commands[n + 1].line if n + 1 < len(commands) else ""
        if result.returncode != 0 and following.strip() != "echo $?":
            failures.append(f"$ {command.line}\nexits {result.returncode}: follow it with `$ echo $?` in the docs")
        previous = result.returncode
    if failures and UPDATE:
        rewrite(block, [c.line for c in commands], actual_outputs)
        pytest.skip(f"{block.where}: output rewritten (GCVERIFY_DOCS_UPDATE=1); review the diff")
    assert not failures, f"{block.where}:\n" + "\n\n".join(failures)


def rewrite(block: Block, commands: list[str], outputs: list[str]) -> None:
    """Replace a console block's text by the commands with the outputs they really printed."""
    [current] = [b for b in blocks(block.page) if b.lang == "console" and b.index == block.index]
    lines = block.page.read_text(encoding="utf-8").split("\n")
    old = current.text.rstrip("\n").split("\n")
    new: list[str] = []
    for command, output in zip(commands, outputs, strict=True):
        new.append(f"$ {command}")
        new.extend(line.rstrip() for line in output.rstrip("\n").split("\n") if output.strip())
    lines[current.line : current.line + len(old)] = new
    block.page.write_text("\n".join(lines), encoding="utf-8")


# ---------------------------------------------------------------- ```sh: commands not run


def usage_error(command: str) -> str | None:
    """Why gcverify's argument parser refuses a `gcverify …` command line (None: it accepts it, or
    the line runs another program)."""
    argv = shlex.split(command)
    if not argv or not (argv[0] == "gcverify" or argv[0].endswith("/gcverify")):
        return None
    argv = argv[: argv.index("|")] if "|" in argv else argv
    parent = click.Context(main, info_name="gcverify")
    sub = main.get_command(parent, argv[1]) if len(argv) > 1 else None
    if sub is None:
        return "names no gcverify command"
    try:
        sub.make_context(argv[1], argv[2:], parent=parent)
    except click.ClickException as e:
        return e.format_message()
    return None


@pytest.mark.parametrize("block", params("sh"))
def test_commands_parse(block: Block) -> None:
    """Each `gcverify …` line of a block that is not run has options gcverify accepts."""
    for line in shell_commands(block):
        for part in line.split("&&"):
            error = usage_error(part)
            assert error is None, f"{block.where}: `{part.strip()}`: {error}"


def test_a_command_that_is_not_run_is_still_parsed() -> None:
    assert usage_error("gcverify check specs --set OBJECTS=2 --engine bmc --depth 3") is None
    assert usage_error(".venv/bin/gcverify check") is None
    assert usage_error("pip install -e .") is None
    assert usage_error("gcverify check specs --engine smt") is not None
    assert usage_error("gcverify check specs --no-such-option") is not None
    assert usage_error("gcverify chekc specs") is not None


# ---------------------------------------------------------------- the comparison rule itself


def test_the_comparison_keeps_what_matters() -> None:
    bundled = "/somewhere/site-packages/gcverify/specs"
    shown = " spec   seconds\n x         0.10   ok\n@ specs/lib/gc.gcv:3:1"
    printed = f" spec   seconds   \n x        12.34   ok\n@ {bundled}/lib/gc.gcv:3:1\n\n"
    assert matches(normalise(shown, bundled), normalise(printed, bundled))
    assert not matches(normalise(shown, bundled), normalise(printed.replace("ok", "UNEXPECTED"), bundled))
    assert not matches(normalise(shown, bundled), normalise(printed.replace("3:1", "4:1"), bundled))
    assert not matches(normalise("1,691 states", bundled), normalise("1,690 states", bundled))
    assert not matches("a\nb", "a")
    assert not matches("", "something")


def test_an_elision_stands_for_any_lines_and_only_there() -> None:
    assert matches("first\n[...]\nlast", "first\nlast")
    assert matches("first\n[...]\nlast", "first\n1\n2\nlast")
    assert not matches("first\n[...]\nlast", "first\n1\nlast\nmore")
    assert not matches("first\n[...]\nlast", "other\nlast")
