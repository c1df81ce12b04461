"""The command line: `gcverify check PATH…` and `gcverify prove SPEC`.

Owns: argument parsing (click), finding spec files, and dispatching: the run over the files is
gcverify/session.py's `check_files`, what it prints is a Reporter (gcverify/cli_reporter.py), the
documents are gcverify/report/documents.py's, and the exit code is the run's (results.exit_code,
docs/adr/0001-exit-codes.md).  No checking, wording or rendering lives here.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import click
from rich.console import Console

from gcverify import __version__
from gcverify.budget import Interrupt
from gcverify.cli_matrix import matrix
from gcverify.cli_options import IMPORT_PATH
from gcverify.cli_reporter import ConsoleReporter
from gcverify.cli_trace import trace
from gcverify.diagnostics import ExitCode
from gcverify.dsl.loader import spec_files
from gcverify.explore.search import Explorer
from gcverify.pipeline import CheckConfig, EngineChoice, parse_overrides
from gcverify.report.documents import Format, write_documents, write_itf
from gcverify.session import check_files


def _parse_sets(values: tuple[str, ...]) -> dict[str, str]:
    try:
        return parse_overrides(values)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--set") from e


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


def _run(
    files: list[tuple[Path, str]],
    overrides: dict[str, str],
    config: CheckConfig,
    traces: bool,
    documents: list[tuple[Format, str]],
    itf_dir: str | None = None,
) -> ExitCode:
    """Check each file (session.py) with the console as its reporter, then write the documents
    ('-': standard output, and then the table goes to standard error so the document stays clean).
    Ctrl-C stops the checking (see `_interrupts`); what was found is still printed and written."""
    to_stdout = any(target == "-" for _, target in documents)
    out = Console(stderr=to_stdout, highlight=False, soft_wrap=True, emoji=False)
    if not out.is_terminal:
        out = Console(stderr=to_stdout, highlight=False, soft_wrap=True, emoji=False, width=200)
    err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
    interrupt = Interrupt()
    with _interrupts(interrupt):
        run = check_files(files, overrides, config, ConsoleReporter(err, out, traces, __version__), interrupt)
        if itf_dir is not None:
            for r, prop, path in write_itf(run.results, Path(itf_dir), traces):
                err.print(f"{r.name}: {prop}: counterexample written to {path}", markup=False)
        write_documents(run.results, run.errors, documents, __version__)
    return run.code


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
            IMPORT_PATH,
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
@click.option(
    "--explorer",
    type=click.Choice([e.value for e in Explorer]),
    default=Explorer.NATIVE.value,
    show_default=True,
    envvar="GCVERIFY_EXPLORER",
    show_envvar=True,
    help="The explicit search's implementation: the model compiled to C with the system C compiler "
    "(cached; without a compiler, a note and the Python explorer), or in Python. The same states, "
    "verdicts and counterexamples either way.",
)
def check(
    paths: tuple[str, ...],
    sets: tuple[str, ...],
    import_path: tuple[str, ...],
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
    explorer: str,
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
        explorer=Explorer(explorer),
        bmc_depth=depth,
        solver_timeout=solver_timeout,
        import_path=tuple(Path(p) for p in import_path),
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
    import_path: tuple[str, ...],
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
        import_path=tuple(Path(p) for p in import_path),
    )
    documents = _documents(json_out, junit, sarif, fmt, output)
    sys.exit(int(_run([(Path(spec), spec)], overrides, config, traces, documents, itf_dir)))


main.add_command(matrix)
main.add_command(trace)
