"""The command line: `gcverify check PATH…`.

Owns: argument parsing (click), finding spec files, printing diagnostics, writing the results
documents and choosing the exit code (docs/adr/0001-exit-codes.md).  The progress display and the
results table are a Reporter (gcverify/cli_reporter.py).  No checking logic lives here.
"""

from __future__ import annotations

import contextlib
import enum
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import click
from rich.console import Console

from gcverify import __version__
from gcverify.budget import Budget, Interrupt, Stopped
from gcverify.cli_matrix import matrix
from gcverify.cli_reporter import ConsoleReporter
from gcverify.cli_trace import trace
from gcverify.diagnostics import Code, ExitCode, GcverifyError, InternalError
from gcverify.dsl.loader import spec_files
from gcverify.ir import nodes as n
from gcverify.ir.nodes import PropertyKind
from gcverify.pipeline import CheckConfig, EngineChoice, budget_for, check_spec, load_spec, parse_overrides
from gcverify.report.itf import render_itf
from gcverify.report.json import render_json
from gcverify.report.junit import render_junit
from gcverify.report.lexer import highlight_diagnostic
from gcverify.report.sarif import render_sarif
from gcverify.results import LoadError, SpecResult, Verdict

SEVERITY = [
    ExitCode.OK,
    ExitCode.UNKNOWN,
    ExitCode.DEADLOCK,
    ExitCode.ASSERTION,
    ExitCode.VIOLATION,
    ExitCode.STATIC_ERROR,
    ExitCode.SYNTAX_ERROR,
    ExitCode.INTERNAL,
]


def _worse(a: ExitCode, b: ExitCode) -> ExitCode:
    return a if SEVERITY.index(a) >= SEVERITY.index(b) else b


def _parse_sets(values: tuple[str, ...]) -> dict[str, str]:
    try:
        return parse_overrides(values)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--set") from e


def _exit_for(r: SpecResult) -> ExitCode:
    code = ExitCode.OK
    for c in r.results:
        if c.met:
            continue
        if c.verdict is Verdict.UNKNOWN:
            code = _worse(code, ExitCode.UNKNOWN)
        elif c.property.kind in (PropertyKind.ASSERTION, PropertyKind.RUNTIME) and c.verdict is Verdict.VIOLATED:
            code = _worse(code, ExitCode.ASSERTION)
        elif c.property.kind is PropertyKind.DEADLOCK and c.verdict is Verdict.VIOLATED:
            code = _worse(code, ExitCode.DEADLOCK)
        else:
            code = _worse(code, ExitCode.VIOLATION)
    return code


class _Main(click.Group):
    """The command group; a Ctrl-C that no command turned into partial results (see `_interrupts`)
    ends in one line and exit code 20, not in click's "Aborted!" (exit 1)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("gcverify: interrupted", err=True)
            ctx.exit(int(ExitCode.UNKNOWN))


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gcverify")
def main() -> None:
    """gcverify: a model checker for garbage-collector correctness."""


class Format(enum.Enum):
    JSON = "json"
    JUNIT = "junit"
    SARIF = "sarif"


def _run(
    files: list[tuple[Path, str]],
    overrides: dict[str, str],
    config: CheckConfig,
    traces: bool,
    documents: list[tuple[Format, str]],
    itf_dir: str | None = None,
) -> ExitCode:
    """Check each file, print traces, the table and the scope of every `holds`; the exit code.
    With `documents`, also write the results in each format to its target ('-': standard output,
    and then the table goes to standard error so the document stays clean).  Ctrl-C stops the
    checking (see `_interrupts`); what was found is still printed and written."""
    interrupt = Interrupt()
    with _interrupts(interrupt):
        return _run_checks(files, overrides, config, traces, documents, itf_dir, interrupt)


def _run_checks(
    files: list[tuple[Path, str]],
    overrides: dict[str, str],
    config: CheckConfig,
    traces: bool,
    documents: list[tuple[Format, str]],
    itf_dir: str | None,
    interrupt: Interrupt,
) -> ExitCode:
    to_stdout = any(target == "-" for _, target in documents)
    out = Console(stderr=to_stdout, highlight=False, soft_wrap=True, emoji=False)
    if not out.is_terminal:
        out = Console(stderr=to_stdout, highlight=False, soft_wrap=True, emoji=False, width=200)
    err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
    code = ExitCode.OK
    results: list[SpecResult] = []
    errors: list[LoadError] = []
    reporter = ConsoleReporter(err, out, traces)
    for number, (path, display) in enumerate(files):
        if interrupt.is_set:
            err.print(f"interrupted: {len(files) - number} more spec file(s) not checked", markup=False)
            break
        reporter.loading(display)
        budget = budget_for(config, interrupt, reporter.phase)
        try:
            spec = load_spec(path, overrides, display, budget)

            def reload(
                extra: Mapping[str, str], path: Path = path, display: str = display, budget: Budget = budget
            ) -> n.Spec:
                return load_spec(path, {**overrides, **extra}, display, budget)

            result = check_spec(spec, config, reload, budget, reporter)
        except GcverifyError as e:
            for d in e.diagnostics:
                err.print(highlight_diagnostic(d.render()))
            errors.extend(LoadError(file=display, code=d.code, message=d.message, span=d.span) for d in e.diagnostics)
            code = _worse(code, e.exit_code)
            continue
        except (Stopped, KeyboardInterrupt) as e:
            # Stopped: the budget ran out before the spec was loaded; KeyboardInterrupt: a second
            # Ctrl-C, which does not wait for the run to stop at its next check
            reporter.close()
            if isinstance(e, KeyboardInterrupt):
                interrupt.set()
            message = e.message if isinstance(e, Stopped) else "interrupted"
            err.print(f"{display}: unknown: {message}", markup=False)
            errors.append(LoadError(file=display, code=Code.STOPPED, message=message))
            code = _worse(code, ExitCode.UNKNOWN)
            continue
        except (InternalError, Exception) as e:
            err.print(f"internal error while checking {display}: {e}", markup=False)
            err.print(traceback.format_exc(), markup=False)
            err.print(f"This is a bug in gcverify {__version__}; please report it with the spec that caused it.")
            code = _worse(code, ExitCode.INTERNAL)
            continue
        results.append(result)
        code = _worse(code, _exit_for(result))
    reporter.run_finished(results)
    if itf_dir is not None:
        _write_itf(results, Path(itf_dir), traces, err)
    for fmt, target in documents:
        if fmt is Format.JSON:
            _write(render_json(results, errors), target)
        elif fmt is Format.JUNIT:
            _write(render_junit(results, errors), target)
        elif fmt is Format.SARIF:
            _write(render_sarif(results, errors, version=__version__), target)
    return code


@contextlib.contextmanager
def _interrupts(interrupt: Interrupt) -> Iterator[None]:
    """While checking: Ctrl-C sets `interrupt`, which every phase's budget watches, so the run stops
    at its next check with the partial results (unknown: interrupted), printed and written.  A second
    Ctrl-C raises KeyboardInterrupt at once.  Outside the main thread (no signals), nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(signum: int, frame: object) -> None:
        if interrupt.is_set:
            raise KeyboardInterrupt
        interrupt.set()

    previous = signal.signal(signal.SIGINT, handle)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _write_itf(results: list[SpecResult], folder: Path, every: bool, err: Console) -> None:
    """Each counterexample (the unexpected ones, or with `every` all) as FOLDER/SPEC.PROPERTY.itf.json."""
    folder.mkdir(parents=True, exist_ok=True)
    for r in results:
        for c in r.results:
            if c.finding is not None and (every or not c.met):
                path = folder / f"{r.name}.{c.property.slug}.itf.json"
                path.write_text(render_itf(r, c) + "\n", encoding="utf-8")
                err.print(f"{r.name}: {c.property}: counterexample written to {path}", markup=False)


def _documents(
    json_out: str | None, junit: str | None, sarif: str | None, fmt: str | None, output: str
) -> list[tuple[Format, str]]:
    """The documents to write, as (format, target) pairs; at most one may go to standard output."""
    out = [(f, t) for f, t in ((Format.JSON, json_out), (Format.JUNIT, junit), (Format.SARIF, sarif)) if t]
    if fmt is not None:
        out.append((Format(fmt), output))
    if sum(t == "-" for _, t in out) > 1:
        raise click.UsageError("only one results document can go to standard output ('-'); give the others a FILE")
    return out


def _write(text: str, target: str) -> None:
    if target == "-":
        click.echo(text)
    else:
        Path(target).write_text(text + "\n", encoding="utf-8")


def _exit_codes() -> str:
    """The exit codes, for the help of `check` and `prove` (click keeps a paragraph after \\b as is)."""
    lines = [f"  {int(c):>3}  {c.meaning}" for c in sorted(ExitCode)]
    return "\b\nExit codes (for several specs, the most severe):\n" + "\n".join(lines)


ENGINES = (
    "explicit: every reachable state, at the spec's sizes; bmc: Z3 looks for a violation within --depth steps; "
    "auto: explicit, then bmc for what a limit left unknown (each within --max-seconds); induction: proves each "
    "`inductive` candidate of the spec 1-inductive with Z3 (it holds initially and every step keeps it, from any "
    "state satisfying it), and with it each invariant it implies, at the spec's sizes (prove --induction: k and "
    "every heap size); lemma: proves that one atomic run of the write barrier `store` keeps `strong_tricolor` from "
    "any state, for heaps of every size (prove --lemma: another procedure or property)."
)


def _common(f: Callable[..., None]) -> Callable[..., None]:
    """Options shared by `check` and `prove`."""
    for option in reversed(
        [
            click.option(
                "--set", "sets", multiple=True, metavar="NAME=VALUE", help="Override a constant (repeatable)."
            ),
            click.option(
                "--json", "json_out", metavar="FILE", help="Write the results as JSON to FILE ('-' for stdout)."
            ),
            click.option("--junit", metavar="FILE", help="Write the results as JUnit XML to FILE ('-' for stdout)."),
            click.option("--sarif", metavar="FILE", help="Write the results as SARIF 2.1.0 to FILE ('-' for stdout)."),
            click.option(
                "--format",
                "fmt",
                type=click.Choice([f.value for f in Format]),
                help="Also write the results to --output: JSON, JUnit XML (one test case per spec and property) "
                "or SARIF 2.1.0 (one result per unmet expectation, at its `expect` line, the counterexample as a "
                "code flow).",
            ),
            click.option(
                "--output",
                metavar="FILE",
                default="-",
                help="Where --format writes ('-': standard output; the table then goes to standard error).",
            ),
            click.option(
                "--itf",
                "itf_dir",
                metavar="DIR",
                help="Write each counterexample shown (all of them with --traces) to DIR in the Informal Trace "
                "Format (Apalache, Quint): DIR/SPEC.PROPERTY.itf.json.",
            ),
            click.option("--traces", is_flag=True, help="Print every counterexample, also the expected ones."),
            click.option(
                "--solver-timeout",
                type=click.FloatRange(min=0.0, min_open=True),
                metavar="SECONDS",
                help="Give up on a Z3 query after this long (verdict: unknown).",
            ),
        ]
    ):
        f = option(f)
    return f


@main.command(epilog=_exit_codes())
@click.argument("paths", nargs=-1)
@_common
@click.option(
    "--engine",
    type=click.Choice([e.value for e in EngineChoice]),
    default="explicit",
    show_default=True,
    help=ENGINES,
)
@click.option("--depth", type=click.IntRange(min=0), default=20, show_default=True, help="The depth of bmc.")
@click.option("--max-states", type=click.IntRange(min=1), help="Stop after this many states (verdict: unknown).")
@click.option(
    "--max-seconds",
    type=click.FloatRange(min=0.0, min_open=True),
    help="Stop each spec's run after this many seconds, whatever it is doing (loading, compiling the model, "
    "searching, BMC) (verdict: unknown).",
)
@click.option(
    "--max-memory",
    type=click.IntRange(min=1),
    metavar="MB",
    help="Stop when gcverify's processes (its workers included) hold more than MB megabytes (MiB) of memory, "
    "whatever the run is doing (verdict: unknown).",
)
@click.option("--deadlock", is_flag=True, help="Also report states where no process can move.")
@click.option(
    "--property",
    "properties",
    multiple=True,
    metavar="NAME",
    help="Check only this property (repeatable): an invariant, 'assert NAME', 'runtime_error' or 'deadlock'. "
    "The search may then stop as soon as these are decided; the others are not reported.",
)
@click.option(
    "--symmetry/--no-symmetry",
    default=True,
    show_default=True,
    help="Store one state for all states that differ only by a permutation of a scalarset's elements "
    "(objects, mutators, …): far fewer states, the same verdicts and counterexample lengths.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    metavar="N",
    help="Explore with N worker processes, each owning a share of the states (0: one per core). "
    "States, verdicts and counterexample lengths are those of one process.",
)
def check(
    paths: tuple[str, ...],
    sets: tuple[str, ...],
    json_out: str | None,
    junit: str | None,
    sarif: str | None,
    fmt: str | None,
    output: str,
    itf_dir: str | None,
    traces: bool,
    solver_timeout: float | None,
    engine: str,
    depth: int,
    max_states: int | None,
    max_seconds: float | None,
    max_memory: int | None,
    deadlock: bool,
    properties: tuple[str, ...],
    symmetry: bool,
    workers: int,
) -> None:
    """Check specs: each PATH is a .gcv file or a folder of them; none means the bundled specs.
    Ctrl-C stops the run with the results so far (unknown, exit code 20), printed and written."""
    files = spec_files(paths)
    if not files:
        Console(stderr=True).print("error: no spec files found (a spec file starts with 'spec NAME')")
        sys.exit(ExitCode.USAGE)
    overrides = _parse_sets(sets)
    config = CheckConfig(
        overrides=overrides,
        engine=EngineChoice(engine),
        max_states=max_states,
        max_seconds=max_seconds,
        max_memory_mb=max_memory,
        check_deadlock=deadlock,
        properties=properties,
        symmetry=symmetry,
        workers=workers,
        bmc_depth=depth,
        solver_timeout=solver_timeout,
    )
    documents = _documents(json_out, junit, sarif, fmt, output)
    sys.exit(int(_run(files, overrides, config, traces, documents, itf_dir)))


@main.command(epilog=_exit_codes())
@click.argument("spec", type=click.Path(dir_okay=False))
@_common
@click.option(
    "--bmc",
    "bmc_depth",
    type=click.IntRange(min=0),
    metavar="K",
    help="Search for a violation within K steps with Z3 (bounded model checking).",
)
@click.option("--induction", is_flag=True, help="Prove the spec's `inductive` candidates by k-induction.")
@click.option("--k", "k", type=click.IntRange(min=1), default=1, show_default=True, help="k of k-induction.")
@click.option(
    "--all-sizes",
    is_flag=True,
    help="With --induction: prove for heaps of every size (Object uninterpreted; first-order properties only).",
)
@click.option(
    "--lemma",
    is_flag=True,
    help="Write-barrier soundness for every heap size: one atomic run of --proc keeps --property from any state.",
)
@click.option("--proc", default="store", show_default=True, help="The procedure of --lemma.")
@click.option("--property", "prop", default="strong_tricolor", show_default=True, help="The property of --lemma.")
def prove(
    spec: str,
    sets: tuple[str, ...],
    json_out: str | None,
    junit: str | None,
    sarif: str | None,
    fmt: str | None,
    output: str,
    itf_dir: str | None,
    traces: bool,
    solver_timeout: float | None,
    bmc_depth: int | None,
    induction: bool,
    k: int,
    all_sizes: bool,
    lemma: bool,
    proc: str,
    prop: str,
) -> None:
    """Check one spec with the symbolic (Z3) engine: --bmc K looks for a violation within K steps;
    --induction proves the spec's `inductive` candidates k-inductive (with each invariant a proved
    candidate implies; at the spec's sizes, or with --all-sizes for heaps of every size); --lemma
    proves that one atomic run of --proc keeps --property from any state, for heaps of every size.
    Ctrl-C stops it with the results so far (unknown, exit code 20)."""
    if sum((bmc_depth is not None, induction, lemma)) != 1:
        raise click.UsageError("say what to prove: one of --bmc K, --induction [--k K] [--all-sizes], or --lemma")
    if all_sizes and not induction:
        raise click.UsageError("--all-sizes goes with --induction (--lemma is always for every size)")
    if all_sizes and k != 1:
        raise click.UsageError("--all-sizes proves 1-induction only; leave out --k")
    overrides = _parse_sets(sets)
    engine = EngineChoice.INDUCTION if induction else EngineChoice.LEMMA if lemma else EngineChoice.BMC
    config = CheckConfig(
        overrides=overrides,
        engine=engine,
        bmc_depth=bmc_depth or 0,
        induction_k=k,
        all_sizes=all_sizes,
        lemma_proc=proc,
        lemma_property=prop,
        solver_timeout=solver_timeout,
    )
    documents = _documents(json_out, junit, sarif, fmt, output)
    sys.exit(int(_run([(Path(spec), spec)], overrides, config, traces, documents, itf_dir)))


main.add_command(matrix)
main.add_command(trace)
