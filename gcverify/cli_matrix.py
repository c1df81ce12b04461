"""`gcverify matrix SPEC… --set NAME=a,b --set NAME=lo..hi`: specs at every combination.

Owns: the `matrix` command (click) and its terminal table (rich); the combinations are run by
gcverify/matrix.py and written by report/matrix.py.  No checking logic lives here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich import box
from rich.console import Console
from rich.table import Table

from gcverify.cli_options import IMPORT_PATH
from gcverify.diagnostics import ExitCode
from gcverify.dsl.loader import spec_files
from gcverify.matrix import parse_axis, run_matrix, spec_axis
from gcverify.pipeline import CheckConfig
from gcverify.report.matrix import matrix_rows, render_csv, render_json, render_markdown
from gcverify.results import Axis, Cell

WRITERS = {"md": render_markdown, "csv": render_csv, "json": render_json}


def _table(axes: list[Axis], cells: list[Cell]) -> Table:
    header, rows = matrix_rows(axes, cells)
    table = Table(box=box.SIMPLE_HEAD, title="gcverify matrix")
    for h in header:
        table.add_column(h, justify="right" if h in ("states", "seconds") else "left", no_wrap=True)
    for row in rows:
        table.add_row(*row)
    return table


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="NAME=VALUES",
    help="A constant and its values: a,b,c or lo..hi (repeatable; every combination is checked).",
)
@IMPORT_PATH
@click.option("--format", "fmt", type=click.Choice(sorted(WRITERS)), help="Also write the matrix as md, csv or json.")
@click.option("--output", metavar="FILE", default="-", help="Where --format writes ('-': standard output).")
@click.option("--max-states", type=click.IntRange(min=1), help="Per combination: stop after this many states.")
@click.option(
    "--max-seconds", type=click.FloatRange(min=0.0, min_open=True), help="Per combination: stop after this long."
)
@click.option("--symmetry/--no-symmetry", default=True, show_default=True, help="Symmetry reduction.")
@click.option("--workers", type=click.IntRange(min=0), default=1, show_default=True, help="Worker processes.")
def matrix(
    paths: tuple[str, ...],
    sets: tuple[str, ...],
    import_path: tuple[str, ...],
    fmt: str | None,
    output: str,
    max_states: int | None,
    max_seconds: float | None,
    symmetry: bool,
    workers: int,
) -> None:
    """Check each spec at every combination of the constants' values and print one row per
    combination: each property's verdict (with the counterexample length), states and seconds.
    A PATH is a .gcv file or a folder of them; with several specs, the spec is the first column."""
    try:
        axes = [parse_axis(s) for s in sets]
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--set") from e
    specs = [p for p, _ in spec_files(paths)]
    if not specs:
        raise click.UsageError("no spec files found (a spec file starts with 'spec NAME')")
    try:
        shown = [*spec_axis(specs), *axes]
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="PATHS") from e
    if not axes and len(specs) < 2:
        raise click.UsageError("give at least one --set NAME=VALUES (or several specs)")
    to_stdout = fmt is not None and output == "-"
    out = Console(stderr=to_stdout, highlight=False, soft_wrap=True, emoji=False)
    if not out.is_terminal:
        out = Console(stderr=to_stdout, highlight=False, soft_wrap=True, emoji=False, width=200)
    config = CheckConfig(
        max_states=max_states,
        max_seconds=max_seconds,
        symmetry=symmetry,
        workers=workers,
        import_path=tuple(Path(p) for p in import_path),
    )

    def each(cell: Cell) -> None:
        what = ", ".join(f"{a.name}={v}" for a, v in zip(shown, cell.values, strict=True))
        status = cell.error or ("expectations met" if cell.met else "an expectation is not met")
        out.print(f"{what}: {status}", markup=False)

    cells = run_matrix(specs, axes, config, each)
    out.print(_table(shown, cells))
    if fmt is not None:
        text = WRITERS[fmt](shown, cells)
        if output == "-":
            click.echo(text)
        else:
            Path(output).write_text(text + "\n", encoding="utf-8")
    if any(c.error is not None for c in cells):
        sys.exit(int(ExitCode.STATIC_ERROR))
    sys.exit(int(ExitCode.OK if all(c.met for c in cells) else ExitCode.VIOLATION))
