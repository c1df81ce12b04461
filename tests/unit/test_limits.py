"""Limits and Ctrl-C in every phase (gcverify/budget.py): --max-seconds and --max-memory stop
lowering, compiling and BMC too, not only the search; Ctrl-C ends `check` in exit code 20 with the
partial results printed and written, and no traceback from any process.

The Ctrl-C tests run `gcverify check` in a subprocess whose standard error is a pseudo-terminal, so
that the progress line appears once the run has lasted a second; SIGINT is sent to the whole
process group (as a terminal's Ctrl-C is) once it has.  No test asserts on wall-clock times.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gcverify import cli_trace
from gcverify.budget import Budget, Interrupt, Limits, Stopped, own_memory
from gcverify.cli import main
from gcverify.diagnostics import ExitCode
from gcverify.dsl.loader import load
from gcverify.explore.search import ExploreConfig, Explorer, explore
from gcverify.ir.lower import lower
from gcverify.ir.resolve import resolve
from gcverify.pipeline import CheckConfig, EngineChoice, check_spec, load_spec
from gcverify.results import Engine, Partial, SolverUnknown, Verdict
from gcverify.semantics.model import Model
from tests.helpers import spec_from_text

SPECS = Path(__file__).resolve().parents[2] / "specs" / "barriers"


# ---------------------------------------------------------------- the budget itself


def test_budget_reasons() -> None:
    assert Budget().reason() == ""
    assert Budget(Limits(max_seconds=1e-9)).reason().startswith("time limit of 1e-09 s reached")
    assert Budget(Limits(max_memory_mb=1)).reason(lambda: 2 << 20) == "memory limit of 1 MB reached"
    assert Budget(Limits(max_memory_mb=1)).reason(lambda: 1 << 20) == ""
    interrupt = Interrupt()
    budget = Budget(Limits(max_seconds=1e6), interrupt)
    interrupt.set()
    assert budget.reason() == "interrupted"
    with pytest.raises(Stopped) as stop:
        budget.check("compiling the model")
    assert stop.value.message == "interrupted while compiling the model"


def test_a_search_stops_at_the_memory_limit() -> None:
    # compiled beforehand, so the first look at memory is the search's own
    model = Model(spec_from_text("var x: 0..200 = 0\nprocess P { loop { await x < 200\n x := x + 1 } }\n"))
    model.compile()
    config = ExploreConfig(symmetry=False, explorer=Explorer.PYTHON)  # native: the limit stops its compiling
    search = explore(model, config, Budget(Limits(max_memory_mb=1)))
    assert not search.complete
    assert search.stop_reason == "memory limit of 1 MB reached"


def test_budget_reports_its_phases() -> None:
    heard: list[str] = []
    budget = Budget(report=lambda phase, seconds: heard.append(phase))
    budget.check("lowering the spec")
    budget.check("lowering the spec")  # within REPORT_INTERVAL of the first: not reported again
    assert heard == ["lowering the spec"]


def test_solver_timeout_is_what_is_left() -> None:
    assert Budget().solver_timeout_ms(None) is None
    assert Budget().solver_timeout_ms(5000) == 5000
    assert Budget(Limits(max_seconds=1e6)).solver_timeout_ms(5000) == 5000
    assert Budget(Limits(max_seconds=1e-9)).solver_timeout_ms(5000) == 1  # spent: the least Z3 takes


# ---------------------------------------------------------------- the phases before the search


def test_max_seconds_stops_compiling() -> None:
    # 200 objects: staging every action takes far longer than a second
    model = Model(load_spec(SPECS / "none.gcv", {"OBJECTS": "200"}))
    with pytest.raises(Stopped) as stop:
        model.compile(Budget(Limits(max_seconds=1)))
    assert stop.value.message == "time limit of 1 s reached while compiling the model"


# one invariant of 10^8 terms: a single run of the interpreter, staged or on Z3 terms
HUGE_INVARIANT = """
range R = 0 .. 4999
var m: R -> bool = false
var x: 0 .. 1 = 0
process P { x := 1 }
invariant ok: forall r in R: forall q in R: m[r] or not m[q]
"""


def test_max_seconds_stops_one_long_staging_run() -> None:
    model = Model(spec_from_text(HUGE_INVARIANT))
    with pytest.raises(Stopped) as stop:
        model.compile(Budget(Limits(max_seconds=1)))
    assert stop.value.message == "time limit of 1 s reached while compiling the model"


def test_max_seconds_stops_one_long_encoding() -> None:
    result = check_spec(spec_from_text(HUGE_INVARIANT), CheckConfig(engine=EngineChoice.BMC, max_seconds=1))
    assert [c.property.display for c in result.results] == ["ok", "runtime_error"]
    for c in result.results:
        assert c.verdict is Verdict.UNKNOWN
        assert isinstance(c.evidence, SolverUnknown)
        assert re.fullmatch(r"time limit of 1 s reached while encoding .*", c.evidence.reason), c.evidence.reason


def test_a_limit_before_the_search_gives_unknown_results() -> None:
    spec = load_spec(SPECS / "none.gcv", {"OBJECTS": "200"})
    result = check_spec(spec, CheckConfig(max_seconds=1, check_deadlock=True))
    assert {c.property.display for c in result.results} == {
        *(i.name for i in spec.invariants),
        "runtime_error",
        "deadlock",
    }
    assert not result.complete
    for c in result.results:
        assert c.verdict is Verdict.UNKNOWN
        assert isinstance(c.evidence, Partial)
        # which phase it stops in depends on the machine's speed; the search is never reached
        assert re.fullmatch(r"time limit of 1 s reached while (building|compiling) the .*", c.evidence.reason)


# 90,000 unrolled iterations in one atomic step: within every input limit (tests/diagnostics/
# test_input_limits.py), and lowering them takes seconds and tens of MB
SLOW_LOWERING = """spec slow
range R = 0 .. 299
var m: R -> 0 .. 3 = 0
process P { atomic { for r in R { for q in R { if m[r] == 1 { m[q] := 2 } } } } }
"""


def lowering(budget: Budget, tmp_path: Path) -> None:
    """Lower SLOW_LOWERING within `budget`."""
    path = tmp_path / "slow.gcv"
    path.write_text(SLOW_LOWERING, encoding="utf-8")
    program = load(path)
    lower(resolve(program.modules, program.files, {}, program.imports), budget)


def test_max_seconds_stops_lowering(tmp_path: Path) -> None:
    with pytest.raises(Stopped) as stop:
        lowering(Budget(Limits(max_seconds=1)), tmp_path)
    assert stop.value.message == "time limit of 1 s reached while lowering the spec"


def test_max_memory_stops_lowering(tmp_path: Path) -> None:
    # lowering SLOW_LOWERING takes about 40 MB more than this process holds now
    limit = (own_memory() >> 20) + 16
    with pytest.raises(Stopped) as stop:
        lowering(Budget(Limits(max_memory_mb=limit)), tmp_path)
    assert stop.value.message == f"memory limit of {limit:,} MB reached while lowering the spec"


def test_auto_gives_bmc_a_time_limit_of_its_own() -> None:
    # the search spends its second; BMC then gets one of its own (README: auto --max-seconds 60)
    spec = load_spec(SPECS / "dijkstra.gcv", {"OBJECTS": "5"})
    result = check_spec(spec, CheckConfig(engine=EngineChoice.AUTO, max_seconds=1, bmc_depth=60))
    for c in result.results:
        assert c.verdict is Verdict.UNKNOWN
        assert c.engine is Engine.BMC
        assert isinstance(c.evidence, SolverUnknown)
        assert c.evidence.reason.startswith("time limit of 1 s reached while "), c.evidence.reason


def test_ctrl_c_in_any_command_is_one_line_and_exit_20(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_trace, "check_spec", interrupt)
    args = ["trace", str(SPECS / "none.gcv"), "no_live_freed", "--dot", str(tmp_path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == ExitCode.UNKNOWN
    assert result.output.strip() == "gcverify: interrupted"


def test_max_seconds_stops_bmc() -> None:
    spec = load_spec(SPECS / "dijkstra.gcv")
    result = check_spec(spec, CheckConfig(engine=EngineChoice.BMC, bmc_depth=60, max_seconds=2))
    assert result.results and not result.complete
    for c in result.results:
        assert c.verdict is Verdict.UNKNOWN
        assert isinstance(c.evidence, SolverUnknown)
        assert c.evidence.reason.startswith("time limit of 2 s reached while "), c.evidence.reason
        assert c.evidence.depth < 60


def test_max_seconds_stops_induction() -> None:
    spec = load_spec(SPECS / "dijkstra.gcv")
    budget = Budget(Limits(max_seconds=1e-9))
    result = check_spec(spec, CheckConfig(engine=EngineChoice.INDUCTION), budget=budget)
    candidates = {d.name for d in spec.inductives}
    assert candidates
    for c in result.results:
        assert c.verdict is Verdict.UNKNOWN
        if c.property.name in candidates:
            assert isinstance(c.evidence, SolverUnknown)
            assert c.evidence.reason.startswith("time limit of 1e-09 s reached before proving ")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gcverify", *args], capture_output=True, text=True, timeout=600, check=False
    )


def test_a_limit_while_loading_is_unknown_with_every_output(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    junit = tmp_path / "out.xml"
    slow = tmp_path / "slow.gcv"
    slow.write_text(SLOW_LOWERING, encoding="utf-8")
    done = cli(
        "check",
        str(slow),
        "--max-seconds",
        "1",
        "--json",
        str(out),
        "--junit",
        str(junit),
    )
    assert done.returncode == ExitCode.UNKNOWN, done.stderr
    assert "Traceback" not in done.stderr
    # parsing, resolving or lowering: which, depends on the machine's speed
    message = re.search(r"unknown: (time limit of 1 s reached while \w+ing the spec)$", done.stderr, re.MULTILINE)
    assert message, done.stderr
    [error] = json.loads(out.read_text(encoding="utf-8"))["errors"]
    assert error["code"] == "GCV410"
    assert error["message"] == message.group(1)
    assert "GCV410" in junit.read_text(encoding="utf-8")


# ---------------------------------------------------------------- Ctrl-C


def interrupted(args: list[str], ready: bytes) -> tuple[int, str, str]:
    """Run `gcverify ARGS` with standard error on a pseudo-terminal; once `ready` has appeared there
    (the progress line), send SIGINT to its process group.  (exit code, stdout, stderr)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gcverify", *args],
        stdout=subprocess.PIPE,
        stderr=slave,
        start_new_session=True,
        env={**os.environ, "TERM": "xterm", "COLUMNS": "200"},
    )
    os.close(slave)
    seen = b""
    sent = False
    try:
        while True:
            readable, _, _ = select.select([master], [], [], 1.0)
            if readable:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child has closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
            if not sent and ready in seen:
                os.killpg(proc.pid, signal.SIGINT)
                sent = True
            if proc.poll() is not None and not readable:
                break
        stdout = proc.stdout.read().decode() if proc.stdout else ""
        code = proc.wait(timeout=600)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        os.close(master)
    assert sent, f"no progress line appeared: {seen.decode(errors='replace')}"
    return code, stdout, seen.decode(errors="replace")


def assert_interrupted(code: int, stdout: str, stderr: str, report: Path, evidence: str) -> None:
    assert code == ExitCode.UNKNOWN, stderr
    assert "Traceback" not in stderr and "Aborted" not in stderr, stderr
    assert "interrupted" in stdout  # the partial result, printed
    [spec] = json.loads(report.read_text(encoding="utf-8"))["specs"]
    assert spec["results"]
    for r in spec["results"]:
        assert r["verdict"] == "unknown"
        assert r["evidence"]["kind"] == evidence
        assert "interrupted" in r["evidence"]["text"]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_stops_a_search_with_partial_results(tmp_path: Path, workers: str) -> None:
    report = tmp_path / "out.json"
    args = ["check", str(SPECS / "dijkstra.gcv"), "--set", "OBJECTS=5", "--workers", workers, "--json", str(report)]
    code, stdout, stderr = interrupted(args, b"states/s")
    assert_interrupted(code, stdout, stderr, report, "partial")
    assert "explored" in stdout


def test_ctrl_c_stops_compiling(tmp_path: Path) -> None:
    report = tmp_path / "out.json"
    args = ["check", str(SPECS / "none.gcv"), "--set", "OBJECTS=200", "--json", str(report)]
    code, stdout, stderr = interrupted(args, b"compiling the model")
    assert_interrupted(code, stdout, stderr, report, "partial")
    assert "interrupted while compiling the model" in stdout


def test_ctrl_c_stops_bmc_with_partial_results(tmp_path: Path) -> None:
    report = tmp_path / "out.json"
    args = ["check", str(SPECS / "dijkstra.gcv"), "--engine", "bmc", "--depth", "60", "--json", str(report)]
    code, stdout, stderr = interrupted(args, b"Z3 at depth")
    assert_interrupted(code, stdout, stderr, report, "solver-unknown")


def test_ctrl_c_while_starting_prints_one_line() -> None:
    # KeyboardInterrupt raised by the import of the command-line module, as a Ctrl-C there would
    program = (
        "import builtins, sys\n"
        "real = builtins.__import__\n"
        "def fake(name, *args, **kwargs):\n"
        "    if name == 'gcverify.cli':\n"
        "        raise KeyboardInterrupt\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = fake\n"
        "sys.argv = ['gcverify', 'check']\n"
        "from gcverify.__main__ import run\n"
        "run()\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == ExitCode.UNKNOWN
    assert done.stderr.strip().splitlines() == ["gcverify: interrupted while starting; nothing was checked"]


# ---------------------------------------------------------------- help


@pytest.mark.parametrize("command", ["check", "prove"])
def test_help_lists_every_exit_code_and_explains_the_engines(command: str) -> None:
    done = cli(command, "--help")
    assert done.returncode == 0
    for code in ExitCode:
        assert re.search(rf"^\s*{int(code)}  {re.escape(code.meaning)}$", done.stdout, re.MULTILINE), code
    text = " ".join(done.stdout.split())
    assert "inductive" in text and "every heap size" in text and "keeps" in text


def test_a_solver_timeout_at_the_end_of_the_time_budget_is_the_time_limit() -> None:
    """The query's timeout was the time left; Z3's timer may fire a tick before the limit passes
    (this made a test of auto's BMC fallback fail now and then on a loaded machine)."""
    nearly = Budget(Limits(max_seconds=0.05))
    assert nearly.after_solver("timeout") == "time limit of 0.05 s reached"
    plenty = Budget(Limits(max_seconds=100))
    assert plenty.after_solver("timeout") == ""  # then the solver's own timeout was the reason
    assert plenty.after_solver("incomplete quantifiers") == ""
    assert plenty.after_solver("interrupted from keyboard") == "interrupted" and plenty.interrupt.is_set
