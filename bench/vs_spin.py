"""gcverify side by side with SPIN and Rumur on three zoo models: the same state space, then each tool at its best.

    python bench/vs_spin.py [--objects 3,4,5,6] [--mutators 1,2] [--timeout 60] [--out bench/results/vs_spin.md]
                            [--same 2x1,2x2,3x1] [--same-timeout 300] [--workers N] [--symmetry default|on|off]
                            [--gcverify-max-objects K] [--tools spin,rumur,gcverify-native,gcverify-python]
                            [--models a,b] [--rumur-symmetry heuristic|exhaustive|off] [--rumur-threads T]

The models are specs/barriers/{dijkstra_rescan,hybrid,dijkstra_no_rescan}.gcv, their Promela
translations in bench/promela/ (gc_lib.pml says how a SPIN state maps to a gcverify state) and, for
the first two, their Murphi translations in bench/murphi/ (the same mapping, nil as `undefined`,
objects and mutators as scalarsets).  gcverify runs once per explorer (`--explorer native` and
`--explorer python`, when `gcverify check --help` has --explorer; without it, the one Python
explorer, under the name gcverify-python).  Parts:
1. *Exact mode, the same state space*: at small sizes (--same, OBJECTSxMUTATORS), gcverify's
   reachable state count without symmetry reduction (and with --deadlock, so that it explores
   everything even after every invariant is violated) next to SPIN's "states, stored" with
   -DNOREDUCE and with partial-order reduction on, and Rumur's state count with
   `--symmetry-reduction off`; states and seconds.  Then the same sizes with symmetry: gcverify's
   canonical states and orbit sum next to Rumur's exhaustive (canonical) and heuristic symmetry.
2. *Best settings*: SPIN as a user would run it (spin -a; gcc -O2 -DSAFETY; POR on; pan's stack
   and hash table sized from the run at the previous OBJECTS, the stack raised tenfold and pan rerun
   when it reports "max search depth too small"); Rumur with its default heuristic symmetry
   reduction (rumur; gcc -O3; one thread unless --rumur-threads); gcverify with its defaults plus
   --workers/--symmetry/--max-memory when asked and supported (detected from `gcverify check --help`).
   SPIN's and Rumur's builds are not timed; neither is the native explorer's compilation (a first
   run with --max-states 1 fills its cache; the notes give its time).  Once a tool ends without a
   verdict (--timeout, memory) at some OBJECTS, it is not run at larger OBJECTS for that model and
   MUTATORS.  Ratio columns: a gcverify run's time over SPIN's and over Rumur's.
3. The largest OBJECTS each tool finishes within --timeout, the growth of states and seconds, and
   issue 14's targets with what this run measured of them.

Owns: building and running SPIN and Rumur, measuring every run (wall seconds of the checker process
alone, and its peak resident memory: the larger of the kernel's ru_maxrss for the processes a forked
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
MURPHI = ROOT / "bench" / "murphi"
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
    orbits: int | None = None  # gcverify with symmetry: the states its canonical ones stand for
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
    try:
        done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as e:  # not installed: the run's cell says so (e.g. `apt-get install -y rumur`)
        raise RuntimeError(f"{cmd[0]}: {e.strerror}") from None
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


# ---------------------------------------------------------------- Rumur


@dataclass(frozen=True, slots=True, kw_only=True)
class RumurConfig:
    symmetry: str = "heuristic"  # rumur --symmetry-reduction: off, heuristic (Rumur's default) or exhaustive
    check: bool = True  # the model's invariants (False: its top-level `invariant` lines are dropped)
    threads: int = 1


def has_murphi(model: str) -> bool:
    return (MURPHI / f"{model}.m").exists()


def murphi_source(model: str, size: Size, check: bool) -> str:
    """bench/murphi/MODEL.m at `size`: its `OBJECTS: k;` and `MUTATORS: m;` constants rewritten."""
    text = (MURPHI / f"{model}.m").read_text(encoding="utf-8")
    for name, value in (("OBJECTS", size.objects), ("MUTATORS", size.mutators)):
        text, n = re.subn(rf"^(\s*{name}\s*:\s*)\d+\s*;", rf"\g<1>{value};", text, flags=re.M)
        if n != 1:
            raise RuntimeError(f"{model}.m: expected one `{name}: N;` constant, found {n}")
    return text if check else re.sub(r"^invariant\b.*$", "", text, flags=re.M)


def build_rumur(model: str, size: Size, cfg: RumurConfig, work: Path) -> tuple[Path, float]:
    """rumur and gcc in a folder of their own: the verifier and the seconds the build took."""
    tag = f"rumur-{model}-{size}-{cfg.symmetry}-{'check' if cfg.check else 'nocheck'}-t{cfg.threads}"
    out = work / tag
    verifier = out / "verifier"
    if verifier.exists():
        return verifier, float((out / "build-seconds").read_text())
    out.mkdir(parents=True)
    (out / "model.m").write_text(murphi_source(model, size, cfg.check), encoding="utf-8")
    start = time.monotonic()
    rumur = ["rumur", "--quiet", "--threads", str(cfg.threads), "--symmetry-reduction", cfg.symmetry]
    # gcverify checks no deadlocks unless asked: neither does Rumur here (its default would stop at one)
    _must([*rumur, "--deadlock-detection", "off", "--output", "model.c", "model.m"], out)
    _must(["gcc", "-O3", "-w", "-o", "verifier", "model.c", "-lpthread"], out)
    seconds = time.monotonic() - start
    (out / "build-seconds").write_text(f"{seconds:.3f}")
    return verifier, seconds


def _timed(cmd: list[str], cwd: Path, limit: float) -> Callable[[], tuple[str | None, float]]:
    """The child's job: `cmd` within `limit` seconds; its output (None on timeout) and wall seconds."""

    def work() -> tuple[str | None, float]:
        start = time.monotonic()
        try:
            done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=limit, check=False)
        except subprocess.TimeoutExpired:
            return None, time.monotonic() - start
        return done.stdout + done.stderr, time.monotonic() - start

    return work


def run_rumur(model: str, size: Size, cfg: RumurConfig, work: Path, limit: float) -> Run:
    try:
        verifier, build = build_rumur(model, size, cfg, work)
    except RuntimeError as e:
        return Run(tool="Rumur", states=None, seconds=0.0, peak_mb=None, verdict=f"error: {e}")
    got, peak = measured(_timed([str(verifier)], verifier.parent, limit), limit)
    if got is None:
        return Run(tool="Rumur", states=None, seconds=0.0, peak_mb=peak, verdict="no answer")
    text, seconds = got
    note = f"build {build:.1f} s; symmetry {cfg.symmetry}; {cfg.threads} thread{'s' if cfg.threads > 1 else ''}"
    if text is None:
        return Run(tool="Rumur", states=None, seconds=seconds, peak_mb=peak, verdict="", timed_out=True, note=note)
    return _rumur_result(text, seconds, peak, expected_violated(model) if cfg.check else frozenset(), note)


def _rumur_result(text: str, seconds: float, peak: float | None, expected: frozenset[str], note: str) -> Run:
    counted = re.search(r"(\d+) states, (\d+) rules fired", text)
    states = int(counted.group(1)) if counted else None
    bits = re.search(r"size of each state is (\d+) bits", text)
    if bits:
        note += f"; state {bits.group(1)} bits"
    failed = re.findall(r'invariant "(\w+)" failed', text)
    if "No error found" in text and states is not None:
        verdict, agrees, complete = "all hold", not expected, True
    elif failed:
        verdict, agrees, complete = ", ".join(f"{p} ✗" for p in failed), all(p in expected for p in failed), False
    else:
        said = re.search(r"error trace for the error:\s*\n\s*(.+)", text) or re.search(r"(?im)^(.*error.*)$", text)
        verdict, agrees, complete = f"error: {said.group(1).strip() if said else '?'}", False, False
    return Run(
        tool="Rumur",
        decided=complete or bool(failed),
        states=states,
        seconds=seconds,
        peak_mb=peak,
        verdict=verdict,
        agrees=agrees,
        complete=complete,
        note=note,
    )


# ---------------------------------------------------------------- gcverify


@dataclass(frozen=True, slots=True, kw_only=True)
class GcvConfig:
    flags: tuple[str, ...] = ()  # --workers, --symmetry/--no-symmetry, --max-memory as supported
    exhaustive: bool = False  # --deadlock: explore everything even once every invariant is violated
    explorer: str | None = None  # `--explorer` value; None: this gcverify has one explorer (Python)

    def args(self, model: str, size: Size) -> list[str]:
        out = ["check", f"specs/barriers/{model}.gcv", "--set", f"OBJECTS={size.objects}"]
        out += ["--set", f"MUTATORS={size.mutators}", *self.flags] + (["--deadlock"] if self.exhaustive else [])
        return out + (["--explorer", self.explorer] if self.explorer else [])


def gcverify_help() -> str:
    done = subprocess.run(
        [sys.executable, "-m", "gcverify", "check", "--help"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    return done.stdout


def _search_stats(doc: dict[str, Any] | None) -> dict[str, Any]:
    specs: list[dict[str, Any]] = doc["specs"] if doc else []
    return (specs[0].get("search") or {}) if specs else {}


def run_gcverify(model: str, size: Size, cfg: GcvConfig, limit: float) -> Run:
    args = cfg.args(model, size)
    tool = f"gcverify {cfg.explorer or 'python'}"
    notes: list[str] = []
    if cfg.explorer == "native":  # compile (or find in the cache) the model's C first, untimed: as SPIN's build
        warm_doc, warm_seconds, _code, _err = gcverify([*args, "--max-states", "1"], limit)
        compiled = _search_stats(warm_doc).get("compile_seconds")
        what = f"compiled in {compiled:.1f} s" if isinstance(compiled, int | float) and compiled else "cached"
        notes.append(f"first run (--max-states 1) {warm_seconds:.1f} s, {what}")
    got, peak = measured(lambda: gcverify(args, limit), limit)
    if got is None:
        return Run(tool=tool, states=None, seconds=0.0, peak_mb=peak, verdict="no answer", note="; ".join(notes))
    doc, seconds, code, err = got
    if code is None:
        return Run(
            tool=tool, states=None, seconds=seconds, peak_mb=peak, verdict="", timed_out=True, note="; ".join(notes)
        )
    specs: list[dict[str, Any]] = doc["specs"] if doc else []
    if not specs:
        return Run(
            tool=tool, states=None, seconds=seconds, peak_mb=peak, verdict=f"error: {err}", note="; ".join(notes)
        )
    spec = specs[0]
    results: list[dict[str, Any]] = spec["results"]
    bad = [f"{r['property']} ✗{r['depth']}" for r in results if r["verdict"] == "violated"]
    unknown = [r["property"] for r in results if r["verdict"] not in ("holds", "violated")]
    verdict = ", ".join(bad) or "all hold"
    if unknown:
        verdict += f"; unknown: {', '.join(unknown)}"
    search = _search_stats(doc)
    ran = search.get("explorer")
    if cfg.explorer and ran and ran != cfg.explorer:  # e.g. no C compiler: gcverify fell back to Python
        notes.append(f"the {ran} explorer ran")
    compiled = search.get("compile_seconds")
    if isinstance(compiled, int | float) and compiled:
        notes.append(f"compiled in {compiled:.1f} s during the timed run")
    orbits = search.get("unreduced_states")
    return Run(
        tool=tool,
        decided=not unknown,
        states=int(spec["states"]),
        seconds=seconds,
        peak_mb=peak,
        verdict=verdict,
        agrees=all(bool(r.get("met")) for r in results) and not unknown,
        complete=bool(spec.get("complete")),
        orbits=int(orbits) if isinstance(orbits, int) else None,
        note="; ".join(notes),
    )


# ---------------------------------------------------------------- the tools


TOOLS = ("spin", "rumur", "gcverify-native", "gcverify-python")
NAMES = {"spin": "SPIN", "rumur": "Rumur", "gcverify-native": "gcverify native", "gcverify-python": "gcverify python"}
GCVERIFY = ("gcverify-native", "gcverify-python")


def parse_tools(text: str) -> list[str]:
    """--tools: names from TOOLS; `gcverify` stands for both explorers."""
    out: list[str] = []
    for name in (x.strip() for x in text.split(",") if x.strip()):
        for tool in GCVERIFY if name == "gcverify" else (name,):
            if tool not in out:
                out.append(tool)
    return out


@dataclass(frozen=True, slots=True)
class Setup:
    """What the run needs to know about this gcverify and the options, computed once."""

    explorers: dict[str, str | None]  # gcverify tool -> its --explorer value (None: no such option)
    best_flags: tuple[str, ...]
    exact_flags: tuple[str, ...]  # no symmetry
    symmetric_flags: tuple[str, ...]  # symmetry on, for the orbit comparison
    notes: list[str]


def setup(args: argparse.Namespace, help_text: str) -> Setup:
    """The gcverify flags for each part and each explorer, and notes on what this gcverify lacks."""
    notes: list[str] = []
    best_flags: list[str] = []
    exact_flags: list[str] = []
    symmetric_flags: list[str] = []
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
        exact_flags.append("--no-symmetry")
        symmetric_flags.append("--symmetry")
    else:
        notes.append("this gcverify has no --no-symmetry flag: its explorer has no symmetry reduction yet")
    if args.gcverify_max_memory and "--max-memory" in help_text:
        best_flags += ["--max-memory", args.gcverify_max_memory]
    explorers: dict[str, str | None] = {}
    has_explorer = "--explorer" in help_text
    for tool in GCVERIFY:
        if tool not in args.tools:
            continue
        if has_explorer:
            explorers[tool] = tool.removeprefix("gcverify-")
        elif tool == "gcverify-python":
            explorers[tool] = None
        else:
            notes.append("this gcverify has no --explorer option (no native explorer): gcverify-native not run")
    return Setup(
        explorers, tuple(best_flags), tuple(exact_flags), tuple(symmetric_flags) if has_symmetry else (), notes
    )


# ---------------------------------------------------------------- the parts


def fmt_seconds(run: Run, limit: float) -> str:
    return f"> {limit:g} s" if run.timed_out else f"{run.seconds:.2f}"


def fmt_states(run: Run) -> str:
    return f"{run.states:,}" if run.states is not None else "–"


Row = dict[str, Run | str]
Table = dict[tuple[str, Size], Row]


def same_space(models: list[str], args: argparse.Namespace, work: Path, su: Setup) -> tuple[Table, Table]:
    """Exact mode (no symmetry reduction anywhere) and symmetry at the --same sizes.

    Keys of the exact table's rows: the gcverify tools, spin-noreduce, spin-por, rumur-off; of the
    symmetric one: the gcverify tools, rumur-exhaustive, rumur-heuristic.  A run undecided at some
    OBJECTS is not run at larger OBJECTS with the same MUTATORS."""
    exact: Table = {}
    symmetric: Table = {}
    stopped: dict[tuple[str, str, int], int] = {}
    for model in models:
        for size in args.same_sizes:
            rows: dict[bool, Row] = {False: {}, True: {}}
            for key, reduced in _same_runs(args.tools, su):
                name = key.removesuffix("-sym")
                at = stopped.get((model, key, size.mutators))
                if key.startswith("rumur") and not has_murphi(model):
                    rows[reduced][name] = "no Murphi model"
                elif at is not None and size.objects >= at:
                    rows[reduced][name] = f"not run (undecided at OBJECTS={at})"
                else:
                    run = _same_run(key, model, size, args, work, su)
                    rows[reduced][name] = run
                    if not run.decided:
                        stopped[(model, key, size.mutators)] = size.objects
            exact[(model, size)], symmetric[(model, size)] = rows[False], rows[True]
            for label, row in (("exact", rows[False]), ("symmetry", rows[True])):
                text = "; ".join(f"{k} {_brief(v, args.same_timeout)}" for k, v in row.items())
                print(f"{model} {size} {label}: {text}", flush=True)
    return exact, symmetric


def _same_runs(tools: list[str], su: Setup) -> list[tuple[str, bool]]:
    """The runs of the state-space comparison, in --tools order: (key, with symmetry reduction?)."""
    out: list[tuple[str, bool]] = []
    for tool in tools:
        if tool == "spin":
            out += [("spin-noreduce", False), ("spin-por", False)]
        elif tool == "rumur":
            out += [("rumur-off", False), ("rumur-exhaustive", True), ("rumur-heuristic", True)]
        elif tool in su.explorers:
            out += [(tool, False)] + ([(f"{tool}-sym", True)] if su.symmetric_flags else [])
    return out


def _same_run(key: str, model: str, size: Size, args: argparse.Namespace, work: Path, su: Setup) -> Run:
    # A violated model is compared without its invariants (-DNOCHECK; Rumur's dropped): pan and Rumur
    # would stop at the first violation.
    check = not expected_violated(model)
    limit = args.same_timeout
    if key.startswith("spin-"):
        return run_spin(model, size, SpinConfig(reduce=key == "spin-por", check=check), work, limit, PanSize())
    if key.startswith("rumur-"):
        cfg = RumurConfig(symmetry=key.removeprefix("rumur-"), check=check, threads=args.rumur_threads)
        return run_rumur(model, size, cfg, work, limit)
    tool = key.removesuffix("-sym")
    flags = su.symmetric_flags if key.endswith("-sym") else su.exact_flags
    return run_gcverify(model, size, GcvConfig(flags=flags, exhaustive=True, explorer=su.explorers[tool]), limit)


EXACT_COLUMNS = {
    "gcverify-native": "gcverify native, no symmetry",
    "gcverify-python": "gcverify python, no symmetry",
    "spin-noreduce": "SPIN -DNOREDUCE",
    "spin-por": "SPIN, POR on",
    "rumur-off": "Rumur, no symmetry",
}


def _count(run: Run | str | None, limit: float) -> str:
    if run is None:
        return "–"
    if isinstance(run, str):
        return run
    if run.timed_out:
        return f"> {limit:g} s"
    if not run.decided and run.verdict:
        return run.verdict
    partial = "" if run.complete else " (stopped early)"
    return f"{fmt_states(run)}{partial}, {run.seconds:.2f} s"


def _complete(run: Run | str | None) -> Run | None:
    return run if isinstance(run, Run) and run.complete and run.states is not None else None


def _ratio(a: Run | str | None, b: Run | str | None) -> str:
    """a's wall seconds over b's, for two runs that both decided."""
    if not (isinstance(a, Run) and isinstance(b, Run) and a.decided and b.decided and b.seconds > 0):
        return ""
    return f"{a.seconds / b.seconds:,.2f}×"


def exact_table(table: Table, limit: float) -> list[str]:
    keys = [k for k in EXACT_COLUMNS if any(k in row for row in table.values())]
    ratios = [(g, o) for g in GCVERIFY if g in keys for o in ("spin-noreduce", "rumur-off") if o in keys]
    head = [EXACT_COLUMNS[k] for k in keys] + ["same states?"]
    head += [f"{NAMES[g].removeprefix('gcverify ')} ÷ {EXACT_COLUMNS[o].split(',')[0]}" for g, o in ratios]
    lines = [
        "| model | OBJECTS | MUTATORS | " + " | ".join(head) + " |",
        "|---" * (3 + len(head)) + "|",
    ]
    for (model, size), row in table.items():
        counts = {k: r.states for k in keys if (r := _complete(row.get(k))) is not None}
        if len(counts) < 2:
            same = "–"
        elif len(set(counts.values())) == 1:
            same = "equal"
        else:
            same = "DIFFER: " + ", ".join(f"{EXACT_COLUMNS[k]} {v:,}" for k, v in counts.items())
        cells = [_count(row.get(k), limit) for k in keys] + [same]
        cells += [_ratio(row.get(g), row.get(o)) for g, o in ratios]
        lines.append(f"| {model} | {size.objects} | {size.mutators} | " + " | ".join(cells) + " |")
    return lines


def symmetry_table(symmetric: Table, exact: Table, limit: float) -> list[str]:
    gcv = [g for g in GCVERIFY if any(g in row for row in symmetric.values())]
    rumur = [k for k in ("rumur-exhaustive", "rumur-heuristic") if any(k in row for row in symmetric.values())]
    head = [f"{NAMES[g]}: canonical states (orbit sum), s" for g in gcv]
    head += ["Rumur, exhaustive symmetry", "Rumur, heuristic symmetry"][: len(rumur)] if rumur else []
    head += ["same?"]
    lines = ["| model | OBJECTS | MUTATORS | " + " | ".join(head) + " |", "|---" * (3 + len(head)) + "|"]
    for (model, size), row in symmetric.items():
        cells = []
        for g in gcv:
            run = row.get(g)
            text = _count(run, limit)
            if isinstance(run, Run) and run.complete and run.orbits is not None:
                text = f"{fmt_states(run)} ({run.orbits:,}), {run.seconds:.2f} s"
            cells.append(text)
        cells += [_count(row.get(k), limit) for k in rumur]
        checks: list[str] = []
        exhaustive = _complete(row.get("rumur-exhaustive"))
        plain = [r.states for k in EXACT_COLUMNS if (r := _complete(exact.get((model, size), {}).get(k)))]
        for g in gcv:
            run = _complete(row.get(g))
            if run is None:
                continue
            if exhaustive is not None:
                ok = run.states == exhaustive.states
                checks.append(f"canonical {'=' if ok else '≠'} Rumur exhaustive")
            if run.orbits is not None and plain:
                ok = all(run.orbits == p for p in plain)
                checks.append(f"orbit sum {'=' if ok else '≠'} exact count")
        cells.append("; ".join(dict.fromkeys(checks)) or "–")
        lines.append(f"| {model} | {size.objects} | {size.mutators} | " + " | ".join(cells) + " |")
    return lines


def best(models: list[str], args: argparse.Namespace, work: Path, su: Setup, spin_cfg: SpinConfig) -> Table:
    """Each model x MUTATORS x OBJECTS, each tool in --tools order; a string says why a run was skipped."""
    out: Table = {}
    rumur_cfg = RumurConfig(symmetry=args.rumur_symmetry, threads=args.rumur_threads)
    for model in models:
        for m in args.mutators:
            stopped: dict[str, int] = {}
            sized = PanSize()
            for k in args.objects:
                size = Size(k, m)
                row: Row = {}
                for tool in args.tools:
                    if tool in stopped:
                        row[tool] = f"not run (undecided at OBJECTS={stopped[tool]})"
                    elif tool in GCVERIFY and tool not in su.explorers:
                        continue
                    elif tool in GCVERIFY and args.gcverify_max_objects and k > args.gcverify_max_objects:
                        row[tool] = f"not run (--gcverify-max-objects {args.gcverify_max_objects})"
                    elif tool == "rumur" and not has_murphi(model):
                        row[tool] = "no Murphi model"
                    else:
                        if tool == "spin":
                            run = run_spin(model, size, spin_cfg, work, args.timeout, sized)
                        elif tool == "rumur":
                            run = run_rumur(model, size, rumur_cfg, work, args.timeout)
                        else:
                            cfg = GcvConfig(flags=su.best_flags, explorer=su.explorers[tool])
                            run = run_gcverify(model, size, cfg, args.timeout)
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
        "| time ÷ SPIN | time ÷ Rumur | memory ÷ SPIN | notes |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (model, size), row in table.items():
        spin, rumur = row.get("spin"), row.get("rumur")
        for tool, run in row.items():
            head = f"| {model} | {size.objects} | {size.mutators} | {NAMES[tool]} "
            if isinstance(run, str):
                lines.append(head + f"| – | – | – | {run} | | | | |")
                continue
            ratio_t = ratio_r = ratio_m = ""
            if tool in GCVERIFY:
                ratio_t, ratio_r = _ratio(run, spin), _ratio(run, rumur)
                if isinstance(spin, Run) and spin.decided and run.decided and run.peak_mb and spin.peak_mb:
                    ratio_m = f"{run.peak_mb / spin.peak_mb:,.2f}×"
            verdict = f"> {limit:g} s" if run.timed_out else run.verdict
            mark = {True: " (as expected)", False: " (NOT as expected)", None: ""}[run.agrees]
            peak = f"{run.peak_mb:,.0f}" if run.peak_mb else "–"
            lines.append(
                head + f"| {fmt_states(run)} | {fmt_seconds(run, limit)} | {peak} | {verdict}{mark} "
                f"| {ratio_t} | {ratio_r} | {ratio_m} | {run.note} |"
            )
    return lines


def _tools_in(table: Table, tools: list[str]) -> list[str]:
    return [t for t in tools if any(t in row for row in table.values())]


def largest_table(table: Table, tools: list[str], limit: float) -> list[str]:
    tools = _tools_in(table, tools)
    lines = [f"| model | MUTATORS | {' | '.join(NAMES[t] for t in tools)} |", "|---" * (2 + len(tools)) + "|"]
    keys = sorted({(model, size.mutators) for model, size in table}, key=lambda x: (MODELS.index(x[0]), x[1]))
    for model, m in keys:
        cells = []
        for tool in tools:
            runs = [(s.objects, r.get(tool)) for (mo, s), r in table.items() if mo == model and s.mutators == m]
            done = [k for k, r in runs if isinstance(r, Run) and r.decided]
            tried = [k for k, r in runs if isinstance(r, Run)]
            best_k = max(done) if done else None
            if not tried:
                cells.append(next((r for _, r in runs if isinstance(r, str)), "–"))
            elif best_k is None:
                cells.append(f"none within {limit:g} s")
            elif best_k == max(k for k, _ in runs):
                cells.append(f"≥ {best_k} (the largest asked)")
            elif best_k == max(tried):
                cells.append(f"≥ {best_k} (not run above)")
            else:
                cells.append(str(best_k))
        lines.append(f"| {model} | {m} | {' | '.join(cells)} |")
    return lines


def growth_table(table: Table, objects: list[int], tools: list[str], limit: float) -> list[str]:
    lines = [
        "| model | MUTATORS | tool | " + " | ".join(f"OBJECTS={k}" for k in objects) + " |",
        "|---" * (3 + len(objects)) + "|",
    ]
    keys = sorted({(model, size.mutators) for model, size in table}, key=lambda x: (MODELS.index(x[0]), x[1]))
    for model, m in keys:
        for tool in tools:
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
                lines.append(f"| {model} | {m} | {NAMES[tool]} | " + " | ".join(cells) + " |")
    return lines


# ---------------------------------------------------------------- issue 14's targets


@dataclass(frozen=True, slots=True)
class Target:
    text: str
    model: str
    size: Size
    part: str  # "exact" or "best"
    versus: str | None  # the run in the same row it is compared with, or None for an absolute bound
    bound: float  # the largest ratio (versus a run) or wall seconds (absolute) that meets it


TARGETS = (
    Target(
        "exact mode: SPIN -DNOREDUCE's states, ≤ 1.0× its time",
        "dijkstra_rescan",
        Size(4, 1),
        "exact",
        "spin-noreduce",
        1.0,
    ),
    Target(
        "exact mode: SPIN -DNOREDUCE's states, ≤ 1.0× its time", "hybrid", Size(3, 2), "exact", "spin-noreduce", 1.0
    ),
    Target("with symmetry: ≤ 0.1× SPIN's time", "dijkstra_rescan", Size(4, 1), "best", "spin", 0.1),
    Target("with symmetry: ≤ 0.1× SPIN's time", "hybrid", Size(4, 2), "best", "spin", 0.1),
    Target("under 10 s", "dijkstra_rescan", Size(5, 1), "best", None, 10.0),
    Target("under 10 s", "dijkstra_rescan", Size(4, 2), "best", None, 10.0),
    Target("within 60 s", "dijkstra_rescan", Size(6, 1), "best", None, 60.0),
    Target("at or under Rumur's time (heuristic symmetry)", "hybrid", Size(4, 2), "best", "rumur", 1.0),
    Target("at or under Rumur's time (heuristic symmetry)", "dijkstra_rescan", Size(4, 2), "best", "rumur", 1.0),
)


def targets_table(exact: Table, table: Table) -> list[str]:
    """Each target of issue 14 with what this run measured of it: gcverify's native explorer (the
    Python explorer where the native one was not run)."""
    lines = ["| target | model | size | gcverify | measured | met? |", "|---|---|---|---|---|---|"]
    for t in TARGETS:
        row = (exact if t.part == "exact" else table).get((t.model, t.size), {})
        tool = next((g for g in GCVERIFY if isinstance(row.get(g), Run)), None)
        run = row.get(tool) if tool else None
        head = f"| {t.text} | {t.model} | {t.size} "
        if not isinstance(run, Run):
            lines.append(head + "| – | not measured in this run | – |")
            continue
        if not run.decided:
            lines.append(
                head + f"| {NAMES[tool or '']} | {_count(run, 0) if not run.timed_out else 'timed out'} | no |"
            )
            continue
        if t.versus is None:
            measured_text, value = f"{run.seconds:.2f} s", run.seconds
        else:
            other = row.get(t.versus)
            ratio = _ratio(run, other)
            if not ratio or not isinstance(other, Run):
                why = other if isinstance(other, str) else "undecided" if isinstance(other, Run) else "not run"
                lines.append(head + f"| {NAMES[tool or '']} | {run.seconds:.2f} s; the other run: {why} | – |")
                continue
            value = run.seconds / other.seconds
            measured_text = f"{ratio} ({run.seconds:.2f} s ÷ {other.seconds:.2f} s)"
            if t.part == "exact" and run.states:
                measured_text += f"; {run.seconds / run.states * 1e6:.1f} µs per state (wall)"
            if t.part == "exact" and run.states != other.states:
                measured_text += f"; states {fmt_states(run)} vs {fmt_states(other)}"
                value = math.inf
        met = "yes" if value <= t.bound else "no"
        lines.append(head + f"| {NAMES[tool or '']} | {measured_text} | {met} |")
    return lines


# ---------------------------------------------------------------- the document


def environment() -> str:
    def first(cmd: list[str]) -> str:
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
        except OSError:
            return "?"
        return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr).strip() else "?"

    dirty = first(["git", "status", "--porcelain", "--", "gcverify"]) != "?"
    revision = first(["git", "rev-parse", "--short", "HEAD"]) + (" with uncommitted changes" if dirty else "")
    cpu = next((x.split(":", 1)[1].strip() for x in _lines("/proc/cpuinfo") if x.startswith("model name")), "?")
    return (
        f"{first(['spin', '-V'])}; Rumur {first(['rumur', '--version']).removeprefix('Rumur version ')}; "
        f"{first(['gcc', '--version'])}; Python {sys.version.split()[0]}; gcverify at {revision}; "
        f"{os.cpu_count()} CPUs ({cpu})"
    )


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


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
variables.

The Murphi models (bench/murphi/) follow the same mapping: every gcverify `var` is a state variable,
nil is Murphi's `undefined` (which a scalarset permutation leaves alone), the program counters and
the hidden locals are per-process state variables, one rule per gcverify action, `stopped(Mutator)`
and the invariants are functions (no state), and there is one start state.  Objects and mutators
are scalarsets.  Rumur runs with `--deadlock-detection off` (gcverify checks deadlocks only when
asked) and stops at its first violated invariant, as pan does; a violated model is compared without
its invariants, as pan's is with -DNOCHECK."""

EXPLAIN_SYMMETRY = """\
gcverify's symmetry reduction stores one canonical state per orbit under permutations of the
objects and of the mutators, and reports the orbit sum (its `unreduced_states`: the states the
orbits stand for), which must equal the exact count above.  Rumur's exhaustive symmetry reduction
also stores one state per orbit, so the two canonical counts must be equal; its default, heuristic
reduction sorts the state and stores more."""


def render(args: argparse.Namespace, exact: Table, symmetric: Table, table: Table, su: Setup, env: str) -> str:
    cmd = "python bench/vs_spin.py " + shlex.join(sys.argv[1:])
    spin_flags = "spin -a; gcc -O2 -DSAFETY" + (" -DCOLLAPSE" if args.spin_collapse else "")
    explorers = ", ".join(f"{NAMES[t]} (`--explorer {e}`)" if e else NAMES[t] for t, e in su.explorers.items())
    parts = [
        f"<!-- {cmd} -->",
        "",
        "# gcverify, SPIN and Rumur on the same models",
        "",
        f"Environment (at the start): {env}.  Wall seconds and peak resident memory are measured for the checker "
        "process alone (pan; Rumur's verifier; the gcverify command), not SPIN's or Rumur's translation and "
        "compilation (the notes give those), nor the native explorer's first compilation of a model (a run with "
        "--max-states 1 before the timed one; the notes give its time).",
        f"SPIN: `{spin_flags} -DMEMLIM={args.spin_memlim}`, partial-order reduction on; `pan -mD -wW` with D ten "
        "times the depth and 2^W forty times the states (W ≤ 26) of the run at the previous OBJECTS; pan is stopped "
        "and rerun with 10·D when it says the depth is too small (the time shown is the last run's), and resizes "
        "a full hash table itself.  "
        f"Rumur: `rumur --threads {args.rumur_threads} --symmetry-reduction {args.rumur_symmetry} "
        "--deadlock-detection off; gcc -O3`.  "
        "SPIN stops at its first assertion violation (depth-first, so not a shortest trace), Rumur at its first "
        "violated invariant (breadth-first); gcverify explores breadth-first until every invariant is decided and "
        f"gives a shortest counterexample (✗N).  gcverify: {explorers or 'not run'}; flags "
        f"`{' '.join(su.best_flags) or '(defaults)'}`.",
        *[f"Note: {n}." for n in su.notes],
    ]
    if exact:
        parts += ["", "## Exact mode: the same state space", "", EXPLAIN, "", *exact_table(exact, args.same_timeout)]
    if any(symmetric.values()):
        parts += ["", "## Symmetry: the same orbits", "", EXPLAIN_SYMMETRY, ""]
        parts += symmetry_table(symmetric, exact, args.same_timeout)
    if table:
        parts += ["", f"## Best settings, time limit {args.timeout:g} s", "", *best_table(table, args.timeout)]
        parts += ["", f"## Largest OBJECTS within {args.timeout:g} s", ""]
        parts += largest_table(table, args.tools, args.timeout)
        parts += ["", "## Growth: states stored / wall seconds", ""]
        parts += growth_table(table, args.objects, _tools_in(table, args.tools), args.timeout)
    if exact or table:
        parts += ["", "## Issue 14's targets, as far as this run measured them", ""]
        parts += targets_table(exact, table)
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
    ap.add_argument("--tools", type=parse_tools, default=list(TOOLS), help="spin,rumur,gcverify-native,gcverify-python")
    ap.add_argument("--same", default="2x1,2x2,3x1", help="OBJECTSxMUTATORS sizes for the state-space check")
    ap.add_argument("--same-timeout", type=float, default=300.0)
    ap.add_argument("--workers", type=int, default=None, help="passed to gcverify if it has --workers")
    ap.add_argument("--symmetry", choices=["default", "on", "off"], default="default")
    ap.add_argument("--gcverify-max-memory", default=None, help="passed as --max-memory if supported")
    ap.add_argument("--gcverify-max-objects", type=int, default=None, help="do not run gcverify above this")
    ap.add_argument("--spin-collapse", action="store_true", help="compile pan with -DCOLLAPSE")
    ap.add_argument("--spin-memlim", type=int, default=8192, help="pan's -DMEMLIM, in MB")
    ap.add_argument("--rumur-symmetry", choices=["heuristic", "exhaustive", "off"], default="heuristic")
    ap.add_argument("--rumur-threads", type=int, default=1, help="rumur --threads (best settings and exact mode)")
    a = ap.parse_args()
    unknown = set(a.models) - set(MODELS) or set(a.tools) - set(TOOLS)
    if unknown:
        ap.error(f"unknown: {', '.join(sorted(unknown))}")
    a.same_sizes = [Size(*ints(x.replace("x", ","))) for x in a.same.split(",") if x.strip()]
    return a


def main() -> None:
    args = parse_args()
    env = environment()
    su = setup(args, gcverify_help())
    spin_cfg = SpinConfig(collapse=args.spin_collapse, memlim_mb=args.spin_memlim)
    with tempfile.TemporaryDirectory(prefix="vs_spin-") as tmp:
        work = Path(tmp)
        exact, symmetric = same_space(args.models, args, work, su) if args.same_sizes else ({}, {})
        table = best(args.models, args, work, su, spin_cfg) if args.objects else {}
    doc = render(args, exact, symmetric, table, su, env)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(doc, encoding="utf-8")
    print(doc)


if __name__ == "__main__":
    main()
