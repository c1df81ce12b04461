"""`gcverify trace SPEC PROPERTY [--dot DIR [--svg]] [--html FILE]`: pictures of one counterexample.

Owns: the `trace` command (click): check the spec, pick the property's counterexample, print it as
text, write one Graphviz file per state (report/dot.py), and with --svg or --html run Graphviz's
`dot` (the only subprocess here) for SVG pictures and the stepping page (report/html.py).
No checking logic and no rendering live here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import traceback
from collections.abc import Mapping, Sized
from dataclasses import replace
from pathlib import Path

import click
from rich.console import Console

from gcverify import __version__, wording
from gcverify.cli_options import IMPORT_PATH
from gcverify.cli_reporter import ProgressLine
from gcverify.diagnostics import ExitCode, GcverifyError
from gcverify.ir import nodes as n
from gcverify.pipeline import CheckConfig, EngineChoice, check_spec, load_spec, parse_overrides
from gcverify.report.dot import render_trace_dots
from gcverify.report.html import render_html
from gcverify.report.lexer import highlight_diagnostic, highlight_trace
from gcverify.report.text import trace_lines
from gcverify.reporter import Reporter
from gcverify.results import SpecResult, Verdict

NO_GRAPHVIZ = (
    "Graphviz's `dot` program is not on PATH; --svg and --html need it to draw the pictures. "
    "Install graphviz (e.g. `apt-get install graphviz`), or leave out --svg and --html to get the .dot files only."
)


class _Stop(Exception):
    """Ends the command with a message on standard error and an exit code."""

    def __init__(self, message: str, code: ExitCode) -> None:
        super().__init__(message)
        self.code = code


def _overrides(sets: tuple[str, ...]) -> dict[str, str]:
    try:
        return parse_overrides(sets)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--set") from e


def _check(
    display: str, prop: str, overrides: Mapping[str, str], config: CheckConfig, reporter: Reporter
) -> SpecResult:
    """Load and check the spec file `display` (the path as given, which messages show); a property
    the spec does not have stops before the search."""
    path = Path(display)
    spec = load_spec(path, overrides, display, import_path=config.import_path)
    found = spec.property_named(prop)
    if found is None:
        listed = ", ".join(repr(p.display) for p in spec.safety_properties(deadlock=True))
        raise _Stop(f"error: spec {spec.name!r} has no property {prop!r}; its properties are: {listed}", ExitCode.USAGE)
    if found.kind is n.PropertyKind.DEADLOCK and config.engine is not EngineChoice.EXPLICIT:
        raise _Stop(f"error: {prop!r} is checked by the explicit engine only; leave out --engine", ExitCode.USAGE)

    def reload(extra: Mapping[str, str]) -> n.Spec:
        return load_spec(path, {**overrides, **extra}, display, import_path=config.import_path)

    deadlock = config.check_deadlock or found.kind is n.PropertyKind.DEADLOCK
    return check_spec(spec, replace(config, check_deadlock=deadlock), reload, reporter=reporter)


def _no_trace(result: SpecResult, prop: str) -> _Stop:
    """Why there is no counterexample to draw: the verdict and its scope."""
    check = next(c for c in result.results if c.property.display == prop)
    scope = f"{wording.describe(check.evidence)}, with {result.scope()}"
    if check.verdict is Verdict.UNKNOWN:
        return _Stop(f"{result.name}: {prop} is unknown ({scope}); no counterexample to draw", ExitCode.UNKNOWN)
    return _Stop(f"{result.name}: {prop} {check.verdict.value} ({scope}); no counterexample to draw", ExitCode.USAGE)


def to_svg(dot: str, text: str) -> str:
    """One DOT graph as SVG, by Graphviz's `dot` at path `dot`."""
    try:
        done = subprocess.run([dot, "-Tsvg"], input=text.encode("utf-8"), capture_output=True, check=False)
    except OSError as e:
        raise _Stop(f"error: cannot run Graphviz ({dot}): {e}", ExitCode.USAGE) from e
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise _Stop(f"internal error: Graphviz rejected a picture: {message}", ExitCode.INTERNAL)
    return done.stdout.decode("utf-8")


def _s(items: Sized) -> str:
    return "" if len(items) == 1 else "s"


_STEP_FILE = re.compile(r"^step-(\d{3,})\.(dot|svg)$")


def _remove_stale(folder: Path, count: int) -> None:
    """Remove step-NNN.dot/.svg files of an earlier, longer trace (NNN >= count), so that the
    folder holds exactly this trace's pictures; no other file is touched."""
    for path in folder.iterdir():
        m = _STEP_FILE.match(path.name)
        if m is not None and int(m.group(1)) >= count and path.is_file():
            path.unlink()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@click.command()
@click.argument("spec", type=click.Path(exists=True, dir_okay=False))
@click.argument("prop", metavar="PROPERTY")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="Override a constant (repeatable).")
@IMPORT_PATH
@click.option(
    "--engine",
    type=click.Choice([EngineChoice.EXPLICIT.value, EngineChoice.BMC.value]),
    default="explicit",
    show_default=True,
    help="explicit: a shortest counterexample from a search of every reachable state; bmc: Z3 to --depth steps.",
)
@click.option("--depth", type=click.IntRange(min=0), default=20, show_default=True, help="The depth of bmc.")
@click.option(
    "--dot",
    "dot_dir",
    metavar="DIR",
    help="Write one Graphviz file per state: DIR/step-000.dot (the initial state), step-001.dot, … "
    "(older step-NNN files beyond the trace's end are removed).",
)
@click.option("--svg", is_flag=True, help="With --dot: also render each DOT file to DIR/step-NNN.svg (needs Graphviz).")
@click.option(
    "--html",
    "html_file",
    metavar="FILE",
    help="Write one self-contained HTML page that steps through the trace (needs Graphviz).",
)
def trace(
    spec: str,
    prop: str,
    sets: tuple[str, ...],
    import_path: tuple[str, ...],
    engine: str,
    depth: int,
    dot_dir: str | None,
    svg: bool,
    html_file: str | None,
) -> None:
    """Draw the counterexample of PROPERTY in SPEC: print it as text and write one picture per state.

    In a picture, objects are filled with their colour, free objects are dashed, roots are boxes and
    pointer fields are labelled edges; what the step changed is red (a new edge bold, an overwritten
    one dashed).  --svg and --html run Graphviz's `dot`, which must be installed (apt-get install
    graphviz).  PROPERTY is an invariant of the spec, `assert NAME` (a named assertion; an unnamed
    one is `assert FILE:LINE:COL`), `runtime_error` (a nil dereference or a value out of range) or
    `deadlock`.

    \b
    Exit status:
      0    the counterexample was drawn
      2    usage: an unknown PROPERTY, a PROPERTY that holds (no counterexample to draw),
           or Graphviz missing for --svg/--html
      20   the verdict of PROPERTY is unknown (a limit or the solver), so nothing to draw
      120, 150   the spec has errors (as for `check`); 255 an internal error
    """
    if svg and dot_dir is None:
        raise click.UsageError("--svg writes next to the DOT files: give --dot DIR")
    if dot_dir is None and html_file is None:
        raise click.UsageError("say what to write: --dot DIR (and --svg), --html FILE, or both")
    err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
    overrides = _overrides(sets)
    try:
        dirs = tuple(Path(p) for p in import_path)
        code = _trace(
            spec, prop, overrides, dirs, engine, depth, Path(dot_dir) if dot_dir else None, svg, html_file, err
        )
    except _Stop as stop:
        err.print(str(stop), markup=False)
        code = stop.code
    except GcverifyError as e:
        for d in e.diagnostics:
            err.print(highlight_diagnostic(d.render()))
        code = e.exit_code
    except Exception as e:
        err.print(f"internal error while checking {spec}: {e}", markup=False)
        err.print(traceback.format_exc(), markup=False)
        err.print(f"This is a bug in gcverify {__version__}; please report it with the spec that caused it.")
        code = ExitCode.INTERNAL
    sys.exit(int(code))


def _trace(
    spec: str,
    prop: str,
    overrides: dict[str, str],
    import_path: tuple[Path, ...],
    engine: str,
    depth: int,
    dot_dir: Path | None,
    svg: bool,
    html_file: str | None,
    err: Console,
) -> ExitCode:
    config = CheckConfig(overrides=overrides, engine=EngineChoice(engine), bmc_depth=depth, import_path=import_path)
    result = _check(spec, prop, overrides, config, ProgressLine(err, spec))
    check = next((c for c in result.results if c.property.display == prop and c.finding is not None), None)
    if check is None:
        raise _no_trace(result, prop)
    Console(highlight=False, soft_wrap=True).print(highlight_trace(trace_lines(result, check)))
    # the text counterexample comes first, so a missing Graphviz costs only the pictures
    dot = shutil.which("dot") if svg or html_file else None
    if (svg or html_file) and dot is None:
        raise _Stop(f"error: {NO_GRAPHVIZ}", ExitCode.USAGE)
    dots = render_trace_dots(result, check)
    names = [f"step-{i:03d}" for i in range(len(dots))]
    if dot_dir is not None:
        for name, text in zip(names, dots, strict=True):
            _write(dot_dir / f"{name}.dot", text)
        _remove_stale(dot_dir, len(dots))
        files = f"{names[0]}.dot" if len(names) == 1 else f"{names[0]}.dot … {names[-1]}.dot"
        err.print(f"wrote {len(dots)} Graphviz file{_s(dots)} to {dot_dir}/: {files}", markup=False)
    if dot is None:
        return ExitCode.OK
    svgs = [to_svg(dot, text) for text in dots]
    if svg and dot_dir is not None:
        for name, picture in zip(names, svgs, strict=True):
            _write(dot_dir / f"{name}.svg", picture)
        err.print(f"wrote {len(svgs)} SVG picture{_s(svgs)} to {dot_dir}/", markup=False)
    if html_file is not None:
        _write(Path(html_file), render_html(result, check, svgs))
        err.print(f"wrote {html_file}: open it in a browser and step with ← →", markup=False)
    return ExitCode.OK
