"""gcverify side by side with SPIN on three zoo models: the same state space, then each tool at its best.

    python bench/vs_spin.py [--objects 3,4,5,6] [--mutators 1,2] [--timeout 60] [--out bench/results/vs_spin.md]
                            [--same 2x1,2x2,3x1] [--same-timeout 300] [--workers N] [--symmetry default|on|off]
                            [--gcverify-max-objects K] [--tools spin,gcverify] [--models a,b]

The models are specs/barriers/{dijkstra_rescan,hybrid,dijkstra_no_rescan}.gcv and their Promela
translations in bench/promela/ (gc_lib.pml says how a SPIN state maps to a gcverify state).  Three
parts:
1. *Same state space*: at small sizes (--same, OBJECTSxMUTATORS), gcverify's reachable state count
   without symmetry reduction (and with --deadlock, so that it explores everything even after every
   invariant is violated) next to SPIN's "states, stored" with -DNOREDUCE and with partial-order
   reduction on.
2. *Best settings*: SPIN as a user would run it (spin -a; gcc -O2 -DSAFETY; POR on; pan's stack
   and hash table sized from the run at the previous OBJECTS, the stack raised tenfold and pan rerun
   when it reports "max search depth too small"), and gcverify with its defaults plus
   --workers/--symmetry/--max-memory when asked and supported (detected from `gcverify check --help`).
   Once a tool ends without a verdict (--timeout, memory) at some OBJECTS, it is not run at larger
   OBJECTS for that model and MUTATORS.
3. The largest OBJECTS each tool finishes within --timeout, and the growth of states and seconds.

Owns: building and running SPIN, measuring every run (wall seconds of the checker process alone,
and its peak resident memory: the larger of the kernel's ru_maxrss for the processes a forked
child waited for and a sampled sum over the checker's process tree, so that worker processes
count), and rendering one Markdown document, printed and written to --out.  A run that hits its
time limit shows as "> N s", never as an exception.
Imports only the standard library and bench/runner.py: the gcverify command line is what is measured.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import multiprocessing
import os
import re
import resource
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from runner import ROOT, gcverify  # bench/runner.py (the script's own folder is on sys.path)

PROMELA = ROOT / "bench" / "promela"
MODELS = ("dijkstra_rescan", "hybrid", "dijkstra_no_rescan")
T = TypeVar("T")


# ---------------------------------------------------------------- records


@dataclass(frozen=True, slots=True, kw_only=True)
class Run:
    """One checker run.  `decided`: it ended with a verdict (every state explored, or a violation found)."""

    tool: str
    states: int | None
    seconds: float
    peak_mb: float | None
    verdict: str
    timed_out: bool = False
    decided: bool = False
    agrees: bool | None = None  # with the spec's `expect` lines
    complete: bool = False  # every reachable state was explored
    depth: int | None = None  # SPIN: the deepest DFS stack it reached
    note: str = ""


@dataclass(frozen=True, slots=True)
class Size:
    objects: int
    mutators: int

    def __str__(self) -> str:
        return f"{self.objects}x{self.mutators}"


def expected_violated(model: str) -> frozenset[str]:
    text = (ROOT / "specs" / "barriers" / f"{model}.gcv").read_text(encoding="utf-8")
    return frozenset(re.findall(r"^expect\s+(\w+)\s+violated", text, flags=re.M))


# ---------------------------------------------------------------- measuring a run


def _descendants(pid: int) -> list[int]:
    """The processes below `pid` (read from /proc; empty where it cannot be read)."""
    out: list[int] = []
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                kids = [int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split()]
                out += kids
                todo += kids
        except (OSError, ValueError):
            continue
    return out


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of the processes below `pid` (not `pid` itself), in MiB."""
    total = 0
    for p in _descendants(pid):
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError):
            continue
    return total / 2**20


def measured(work: Callable[[], T], limit: float) -> tuple[T | None, float | None]:
    """Run `work` in a forked child: what it returns and the peak RSS (MiB) of what it started.

    `work` runs its checker as a subprocess with a time limit of its own; `limit` only guards
    against a child that never answers."""
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)

    def child() -> None:
        out = work()
        send.send((out, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024))

    proc = ctx.Process(target=child)
    proc.start()
    sampled = 0.0
    deadline = time.monotonic() + limit + 120
    while proc.is_alive() and not recv.poll(0.05) and time.monotonic() < deadline:
        sampled = max(sampled, _tree_rss_mb(proc.pid or 0))
    got: tuple[T, float] | None = recv.recv() if recv.poll(1.0) else None
    if proc.is_alive():  # it never answered: stop what it started, then the child itself
        for p in reversed(_descendants(proc.pid or 0)):
            with contextlib.suppress(OSError):
                os.kill(p, signal.SIGKILL)
        proc.kill()
    proc.join()
    if got is None:
        return None, sampled or None
    return got[0], max(got[1], sampled)


# ---------------------------------------------------------------- SPIN


@dataclass(frozen=True, slots=True, kw_only=True)
class SpinConfig:
    reduce: bool = True  # partial-order reduction (pan without -DNOREDUCE)
    check: bool = True  # invariant asserts in the model (spin without -DNOCHECK)
    collapse: bool = False
    memlim_mb: int = 8192


@dataclass(frozen=True, slots=True)
class PanSize:
    """pan's two preallocated tables, sized as a user would: `-m` (DFS stack) and `-w` (hash slots 2^w).

    `after` sizes them from a finished run for the next OBJECTS: the stack for ten times its depth,
    the hash table for forty times its states (at most 2^26 slots, 512 MB: more than pan fills in a
    minute here).  Too small a stack is caught (pan says so: it is stopped, and rerun with a tenfold
    stack); too small a hash table only costs time (pan resizes it)."""

    depth: int = 100_000
    hash_w: int = 20

    @staticmethod
    def after(states: int, depth: int) -> PanSize:
        want_w = math.ceil(math.log2(max(states * 40, 2**18)))
        return PanSize(depth=min(max(depth * 10, 100_000), MAX_DEPTH), hash_w=min(want_w, 26))


MAX_DEPTH = 100_000_000


def build_pan(model: str, size: Size, cfg: SpinConfig, work: Path) -> tuple[Path, float]:
    """spin -a and gcc in a folder of its own: the pan binary and the seconds the build took."""
    tag = f"{model}-{size}-{'por' if cfg.reduce else 'noreduce'}-{'check' if cfg.check else 'nocheck'}"
    out = work / tag
    pan = out / "pan"
    if pan.exists():  # built for an earlier run: the same binary, and the time it took then
        return pan, float((out / "build-seconds").read_text())
    out.mkdir(parents=True)
    start = time.monotonic()
    spin = ["spin", f"-DOBJECTS={size.objects}", f"-DMUTATORS={size.mutators}"]
    spin += [] if cfg.check else ["-DNOCHECK"]
    _must([*spin, "-a", str(PROMELA / f"{model}.pml")], out)
    cc = ["gcc", "-O2", "-w", "-DSAFETY", f"-DMEMLIM={cfg.memlim_mb}", "-o", "pan", "pan.c"]
    cc += ([] if cfg.reduce else ["-DNOREDUCE"]) + (["-DCOLLAPSE"] if cfg.collapse else [])
    _must(cc, out)
    seconds = time.monotonic() - start
    (out / "build-seconds").write_text(f"{seconds:.3f}")
    return pan, seconds


def _must(cmd: list[str], cwd: Path) -> None:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} failed: {(done.stderr or done.stdout).strip()[:300]}")


PanOut = tuple[str | None, float, int, int]  # (output or None on timeout, seconds, -m used, tries)
TOO_SHALLOW = "max search depth too small"


def _pan_work(pan: Path, sized: PanSize, limit: float) -> Callable[[], PanOut]:
    """The child's job: pan within `limit` seconds in all, stopped and rerun with a tenfold stack as
    soon as it says its depth is too small.  The seconds are those of the last pan run."""

    def work() -> PanOut:
        depth, tries = sized.depth, 0
        deadline = time.monotonic() + limit
        while True:
            tries += 1
            start = time.monotonic()
            text, status = _pan_once([str(pan), f"-m{depth}", f"-w{sized.hash_w}"], pan.parent, deadline)
            if status == "timeout":
                return None, time.monotonic() - start, depth, tries
            if status == "shallow" and depth < MAX_DEPTH:
                depth *= 10
                continue
            return text, time.monotonic() - start, depth, tries

    return work


def _pan_once(cmd: list[str], cwd: Path, deadline: float) -> tuple[str, str]:
    """(output, "done" | "timeout" | "shallow"): pan, read as it prints, killed at the deadline or at
    its first complaint that the stack is too small."""
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout or ()), daemon=True)
    reader.start()
    status, seen = "done", 0
    while proc.poll() is None:
        upto = len(lines)
        if time.monotonic() > deadline:
            status = "timeout"
        elif any(TOO_SHALLOW in line for line in lines[seen:upto]):
            status = "shallow"
        if status != "done":
            proc.kill()
            break
        seen = upto
        time.sleep(0.02)
    proc.wait()
    reader.join()
    text = "".join(lines)
    return text, ("shallow" if status == "done" and TOO_SHALLOW in text else status)


def run_spin(model: str, size: Size, cfg: SpinConfig, work: Path, limit: float, sized: PanSize) -> Run:
    try:
        pan, build = build_pan(model, size, cfg, work)
    except RuntimeError as e:
        return Run(tool="SPIN", states=None, seconds=0.0, peak_mb=None, verdict=f"error: {e}")
    got, peak = measured(_pan_work(pan, sized, limit), limit)
    if got is None:
        return Run(tool="SPIN", states=None, seconds=0.0, peak_mb=peak, verdict="no answer")
    text, seconds, depth, tries = got
    note = f"build {build:.1f} s; pan -m{depth:,} -w{sized.hash_w}" + (f" ({tries} tries)" if tries > 1 else "")
    if text is None:
        return Run(tool="SPIN", states=None, seconds=seconds, peak_mb=peak, verdict="", timed_out=True, note=note)
    return _spin_result(text, seconds, peak, expected_violated(model), note)


def _spin_result(text: str, seconds: float, peak: float | None, expected: frozenset[str], note: str) -> Run:
    def num(pattern: str) -> float | None:
        m = re.search(pattern, text)
        return float(m.group(1)) if m else None

    states = num(r"(\d+) states, stored")
    depth = num(r"depth reached (\d+)")
    reported = num(r"([\d.]+)\s+total actual memory usage")
    elapsed = num(r"elapsed time ([\d.e+]+) seconds")
    note += f"; pan: {elapsed or 0:g} s, {reported or 0:,.0f} MB"
    violated = re.findall(r"assertion violated ok_(\w+) \(at depth (\d+)\)", text)
    errors = int(num(r"errors: (\d+)") or 0)
    if "reached -DMEMLIM bound" in text or "out of memory" in text:
        verdict, agrees, complete = "out of memory", None, False
    elif violated:
        verdict = ", ".join(f"{p} ✗ (DFS depth {d})" for p, d in violated)
        agrees, complete = all(p in expected for p, _ in violated), False
    elif errors:
        first = re.search(r"pan:\d+: (.*)", text)
        verdict, agrees, complete = f"error: {first.group(1) if first else '?'}", False, False
    else:
        depth_cut = "max search depth too small" in text
        verdict = "incomplete (depth)" if depth_cut else "all hold"
        agrees, complete = (None if depth_cut else not expected), not depth_cut
    return Run(
        tool="SPIN",
        decided=complete or bool(violated),
        states=int(states) if states is not None else None,
        seconds=seconds,
        peak_mb=peak,
        verdict=verdict,
        agrees=agrees,
        complete=complete,
        depth=int(depth) if depth is not None else None,
        note=note,
    )


# ---------------------------------------------------------------- gcverify


@dataclass(frozen=True, slots=True, kw_only=True)
class GcvConfig:
    flags: tuple[str, ...] = ()  # --workers, --symmetry/--no-symmetry, --max-memory as supported
    exhaustive: bool = False  # --deadlock: explore everything even once every invariant is violated


def gcverify_help() -> str:
    done = subprocess.run(
        [sys.executable, "-m", "gcverify", "check", "--help"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    return done.stdout


def run_gcverify(model: str, size: Size, cfg: GcvConfig, limit: float) -> Run:
    args = ["check", f"specs/barriers/{model}.gcv", "--set", f"OBJECTS={size.objects}"]
    args += ["--set", f"MUTATORS={size.mutators}", *cfg.flags] + (["--deadlock"] if cfg.exhaustive else [])
    got, peak = measured(lambda: gcverify(args, limit), limit)
    if got is None:
        return Run(tool="gcverify", states=None, seconds=0.0, peak_mb=peak, verdict="no answer")
    doc, seconds, code, err = got
    if code is None:
        return Run(tool="gcverify", states=None, seconds=seconds, peak_mb=peak, verdict="", timed_out=True)
    specs: list[dict[str, Any]] = doc["specs"] if doc else []
    if not specs:
        return Run(tool="gcverify", states=None, seconds=seconds, peak_mb=peak, verdict=f"error: {err}")
    spec = specs[0]
    results: list[dict[str, Any]] = spec["results"]
    bad = [f"{r['property']} ✗{r['depth']}" for r in results if r["verdict"] == "violated"]
    unknown = [r["property"] for r in results if r["verdict"] not in ("holds", "violated")]
    verdict = ", ".join(bad) or "all hold"
    if unknown:
        verdict += f"; unknown: {', '.join(unknown)}"
    return Run(
        tool="gcverify",
        decided=not unknown,
        states=int(spec["states"]),
        seconds=seconds,
        peak_mb=peak,
        verdict=verdict,
        agrees=all(bool(r.get("met")) for r in results) and not unknown,
        complete=bool(spec.get("complete")),
    )


# ---------------------------------------------------------------- the three parts


def fmt_seconds(run: Run, limit: float) -> str:
    return f"> {limit:g} s" if run.timed_out else f"{run.seconds:.2f}"


def fmt_states(run: Run) -> str:
    return f"{run.states:,}" if run.states is not None else "–"


def same_space(models: list[str], sizes: list[Size], work: Path, gcv: GcvConfig, limit: float) -> list[str]:
    lines = [
        "| model | OBJECTS | MUTATORS | gcverify, no symmetry | SPIN -DNOREDUCE | SPIN, POR on | same? |",
        "|---|---|---|---|---|---|---|",
    ]
    for model in models:
        violated = bool(expected_violated(model))
        for size in sizes:
            # A violated model is compared without its asserts (-DNOCHECK): pan would stop at the first one.
            plain = SpinConfig(reduce=False, check=not violated)
            s = run_spin(model, size, plain, work, limit, PanSize())
            if s.complete:  # else there is nothing to compare with: spare the other two runs
                por = run_spin(model, size, SpinConfig(reduce=True, check=not violated), work, limit, PanSize())
                g = run_gcverify(model, size, gcv, limit)
                cells = f"{_count(g, limit)} | {_count(s, limit)} | {_count(por, limit)} | {_same(g, s)}"
            else:
                cells = f"not run | {_count(s, limit)} | not run | –"
            lines.append(f"| {model} | {size.objects} | {size.mutators} | {cells} |")
            print(lines[-1], flush=True)
    return lines


def _count(run: Run, limit: float) -> str:
    if run.timed_out:
        return f"> {limit:g} s"
    if not run.decided and run.verdict:
        return run.verdict
    partial = "" if run.complete else " (stopped early)"
    return f"{fmt_states(run)}{partial}, {run.seconds:.1f} s"


def _same(g: Run, s: Run) -> str:
    if not (g.complete and s.complete) or g.states is None or s.states is None:
        return "–"
    return "equal" if g.states == s.states else f"differ by {s.states - g.states:+,}"


Table = dict[tuple[str, Size], dict[str, Run | str]]


def best(models: list[str], args: argparse.Namespace, work: Path, gcv: GcvConfig, spin_cfg: SpinConfig) -> Table:
    """Each model x MUTATORS x OBJECTS, SPIN then gcverify; a string says why a run was skipped."""
    out: Table = {}
    for model in models:
        for m in args.mutators:
            stopped: dict[str, int] = {}
            sized = PanSize()
            for k in args.objects:
                size = Size(k, m)
                row: dict[str, Run | str] = {}
                for tool in args.tools:
                    if tool in stopped:
                        row[tool] = f"not run (undecided at OBJECTS={stopped[tool]})"
                    elif tool == "gcverify" and args.gcverify_max_objects and k > args.gcverify_max_objects:
                        row[tool] = f"not run (--gcverify-max-objects {args.gcverify_max_objects})"
                    else:
                        run = (
                            run_spin(model, size, spin_cfg, work, args.timeout, sized)
                            if tool == "spin"
                            else run_gcverify(model, size, gcv, args.timeout)
                        )
                        row[tool] = run
                        if not run.decided:
                            stopped[tool] = k
                        elif tool == "spin" and run.states and run.depth:
                            sized = PanSize.after(run.states, run.depth)
                    print(f"{model} {size} {tool}: {_brief(row[tool], args.timeout)}", flush=True)
                out[(model, size)] = row
    return out


def _brief(run: Run | str, limit: float) -> str:
    if isinstance(run, str):
        return run
    seconds = fmt_seconds(run, limit) + ("" if run.timed_out else " s")
    return f"{fmt_states(run)} states, {seconds}, {run.peak_mb or 0:.0f} MB, {run.verdict}"


def best_table(table: Table, limit: float) -> list[str]:
    lines = [
        "| model | OBJECTS | MUTATORS | tool | states stored | wall s | peak MB | verdict "
        "| time gcverify/SPIN | memory gcverify/SPIN | notes |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (model, size), row in table.items():
        spin = row.get("spin")
        for tool, run in row.items():
            name = "SPIN" if tool == "spin" else "gcverify"
            head = f"| {model} | {size.objects} | {size.mutators} | {name} "
            if isinstance(run, str):
                lines.append(head + f"| – | – | – | {run} | | | |")
                continue
            ratio_t = ratio_m = ""
            if tool == "gcverify" and isinstance(spin, Run) and spin.decided and run.decided:
                ratio_t = f"{run.seconds / spin.seconds:,.1f}×" if spin.seconds > 0 else ""
                ratio_m = f"{run.peak_mb / spin.peak_mb:,.2f}×" if run.peak_mb and spin.peak_mb else ""
            verdict = f"> {limit:g} s" if run.timed_out else run.verdict
            mark = {True: " (as expected)", False: " (NOT as expected)", None: ""}[run.agrees]
            peak = f"{run.peak_mb:,.0f}" if run.peak_mb else "–"
            lines.append(
                head + f"| {fmt_states(run)} | {fmt_seconds(run, limit)} | {peak} | {verdict}{mark} "
                f"| {ratio_t} | {ratio_m} | {run.note} |"
            )
    return lines


def largest_table(table: Table, tools: list[str], limit: float) -> list[str]:
    names = ["SPIN" if t == "spin" else "gcverify" for t in tools]
    lines = [f"| model | MUTATORS | {' | '.join(names)} |", "|---" * (2 + len(tools)) + "|"]
    keys = sorted({(model, size.mutators) for model, size in table}, key=lambda x: (MODELS.index(x[0]), x[1]))
    for model, m in keys:
        cells = []
        for tool in tools:
            runs = [(s.objects, r.get(tool)) for (mo, s), r in table.items() if mo == model and s.mutators == m]
            done = [k for k, r in runs if isinstance(r, Run) and r.decided]
            tried = [k for k, r in runs if isinstance(r, Run)]
            best_k = max(done) if done else None
            if best_k is None:
                cells.append(f"none within {limit:g} s")
            elif best_k == max(k for k, _ in runs):
                cells.append(f"≥ {best_k} (the largest asked)")
            elif tried and best_k == max(tried):
                cells.append(f"≥ {best_k} (not run above)")
            else:
                cells.append(str(best_k))
        lines.append(f"| {model} | {m} | {' | '.join(cells)} |")
    return lines


def growth_table(table: Table, objects: list[int], limit: float) -> list[str]:
    lines = [
        "| model | MUTATORS | tool | " + " | ".join(f"OBJECTS={k}" for k in objects) + " |",
        "|---" * (3 + len(objects)) + "|",
    ]
    keys = sorted({(model, size.mutators) for model, size in table}, key=lambda x: (MODELS.index(x[0]), x[1]))
    for model, m in keys:
        for tool in ("spin", "gcverify"):
            cells = []
            for k in objects:
                run = table.get((model, Size(k, m)), {}).get(tool)
                if not isinstance(run, Run):
                    cells.append("–")
                elif run.timed_out:
                    cells.append(f"> {limit:g} s")
                elif not run.decided:
                    cells.append(run.verdict)
                else:
                    cells.append(f"{fmt_states(run)} / {run.seconds:.2f} s")
            if any(c != "–" for c in cells):
                name = "SPIN" if tool == "spin" else "gcverify"
                lines.append(f"| {model} | {m} | {name} | " + " | ".join(cells) + " |")
    return lines


# ---------------------------------------------------------------- the document


def gcverify_flags(args: argparse.Namespace, help_text: str) -> tuple[tuple[str, ...], tuple[str, ...], list[str]]:
    """(flags for best settings, flags for the same-state-space runs, notes on what was not supported)."""
    notes: list[str] = []
    best_flags: list[str] = []
    same_flags: list[str] = []
    if args.workers is not None:
        if "--workers" in help_text:
            best_flags += ["--workers", str(args.workers)]
        else:
            notes.append(f"--workers {args.workers} asked, but this gcverify has no --workers: not passed")
    has_symmetry = "--symmetry" in help_text or "--no-symmetry" in help_text
    if args.symmetry != "default":
        if has_symmetry:
            best_flags.append("--symmetry" if args.symmetry == "on" else "--no-symmetry")
        else:
            notes.append(f"--symmetry {args.symmetry} asked, but this gcverify has no such flag: not passed")
    if has_symmetry:
        same_flags.append("--no-symmetry")
    else:
        notes.append("this gcverify has no --no-symmetry flag: its explorer has no symmetry reduction yet")
    if args.gcverify_max_memory and "--max-memory" in help_text:
        best_flags += ["--max-memory", args.gcverify_max_memory]
    return tuple(best_flags), tuple(same_flags), notes


def environment() -> str:
    def first(cmd: list[str]) -> str:
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
        except OSError:
            return "?"
        return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr).strip() else "?"

    dirty = first(["git", "status", "--porcelain", "--", "gcverify"]) != "?"
    revision = first(["git", "rev-parse", "--short", "HEAD"]) + (" with uncommitted changes" if dirty else "")
    return (
        f"{first(['spin', '-V'])}; {first(['gcc', '--version'])}; Python {sys.version.split()[0]}; "
        f"gcverify at {revision}; {os.cpu_count()} CPUs"
    )


EXPLAIN = """\
How the Promela models match gcverify's semantics (bench/promela/gc_lib.pml): every gcverify `var` is
a global with the same values (nil is OBJECTS); each of gcverify's program counters is one Promela
control location and each gcverify action (one atomic step, `choose` values fixed) is one `d_step`,
so SPIN stores no intermediate state; store's and pre_write's hidden locals are the Mutator's locals,
set and reset in the same steps; `stopped(Mutator)` is `busy == 0`, a counter that is a function of
the mutators' locations (so it adds no state); the invariants are asserted at the end of every
d_step with `hidden` scratch variables (no state either; a looping monitor or a never claim would
keep the count too, a one-shot `active proctype monitor() { assert(inv) }` triples it: 10,050
instead of 3,350 for dijkstra_rescan at OBJECTS=2).  SPIN has no `init` process here (every
proctype is `active`), so its first stored state is gcverify's initial state: no "+1".  Neither
dataflow optimisation nor statement merging changes the counts (`spin -o1`, `-o2`, `-o3` give the
same numbers), and partial-order reduction reduces nothing, since every step reads or writes shared
variables."""


def render(
    args: argparse.Namespace,
    same: list[str],
    table: Table,
    notes: list[str],
    flags: tuple[str, ...],
    env: str,
) -> str:
    cmd = "python bench/vs_spin.py " + shlex.join(sys.argv[1:])
    spin_flags = "spin -a; gcc -O2 -DSAFETY" + (" -DCOLLAPSE" if args.spin_collapse else "")
    parts = [
        f"<!-- {cmd} -->",
        "",
        "# gcverify and SPIN on the same models",
        "",
        f"Environment (at the start): {env}.  Wall seconds and peak resident memory are measured for the checker "
        "process alone (pan; the gcverify command), not SPIN's translation and compilation (the notes give "
        "those).",
        f"SPIN: `{spin_flags} -DMEMLIM={args.spin_memlim}`, partial-order reduction on; `pan -mD -wW` with D ten "
        "times the depth and 2^W forty times the states (W ≤ 26) of the run at the previous OBJECTS; pan is stopped "
        "and rerun with 10·D when it says the depth is too small (the time shown is the last run's), and resizes "
        "a full hash table itself.  "
        "SPIN stops at its first assertion violation (depth-first, so not a shortest trace); "
        "gcverify explores breadth-first until every invariant is decided and gives a "
        f"shortest counterexample (✗N).  gcverify flags: `{' '.join(flags) or '(defaults)'}`.",
        *[f"Note: {n}." for n in notes],
    ]
    if same:
        parts += ["", "## The same state space", "", EXPLAIN, "", *same]
    if table:
        parts += ["", f"## Best settings, time limit {args.timeout:g} s", "", *best_table(table, args.timeout)]
        parts += ["", f"## Largest OBJECTS within {args.timeout:g} s", ""]
        parts += largest_table(table, args.tools, args.timeout)
        parts += ["", "## Growth: states stored / wall seconds", ""]
        parts += growth_table(table, args.objects, args.timeout)
    return "\n".join(parts) + "\n"


def ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--objects", type=ints, default=[3, 4, 5, 6])
    ap.add_argument("--mutators", type=ints, default=[1, 2])
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per checker run (best settings)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "vs_spin.md")
    ap.add_argument("--models", type=lambda s: [x for x in s.split(",") if x], default=list(MODELS))
    ap.add_argument("--tools", type=lambda s: [x for x in s.split(",") if x], default=["spin", "gcverify"])
    ap.add_argument("--same", default="2x1,2x2,3x1", help="OBJECTSxMUTATORS sizes for the state-space check")
    ap.add_argument("--same-timeout", type=float, default=300.0)
    ap.add_argument("--workers", type=int, default=None, help="passed to gcverify if it has --workers")
    ap.add_argument("--symmetry", choices=["default", "on", "off"], default="default")
    ap.add_argument("--gcverify-max-memory", default=None, help="passed as --max-memory if supported")
    ap.add_argument("--gcverify-max-objects", type=int, default=None, help="do not run gcverify above this")
    ap.add_argument("--spin-collapse", action="store_true", help="compile pan with -DCOLLAPSE")
    ap.add_argument("--spin-memlim", type=int, default=8192, help="pan's -DMEMLIM, in MB")
    a = ap.parse_args()
    unknown = set(a.models) - set(MODELS) or set(a.tools) - {"spin", "gcverify"}
    if unknown:
        ap.error(f"unknown: {', '.join(sorted(unknown))}")
    a.same_sizes = [Size(*ints(x.replace("x", ","))) for x in a.same.split(",") if x.strip()]
    return a


def main() -> None:
    args = parse_args()
    env = environment()
    best_flags, same_flags, notes = gcverify_flags(args, gcverify_help())
    spin_cfg = SpinConfig(collapse=args.spin_collapse, memlim_mb=args.spin_memlim)
    with tempfile.TemporaryDirectory(prefix="vs_spin-") as tmp:
        work = Path(tmp)
        exhaustive = GcvConfig(flags=same_flags, exhaustive=True)
        same = same_space(args.models, args.same_sizes, work, exhaustive, args.same_timeout) if args.same_sizes else []
        table = best(args.models, args, work, GcvConfig(flags=best_flags), spin_cfg) if args.objects else {}
    doc = render(args, same, table, notes, best_flags, env)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(doc, encoding="utf-8")
    print(doc)


if __name__ == "__main__":
    main()
