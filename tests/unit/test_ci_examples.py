"""The example CI workflow and the pre-commit hook definition: valid for the tools that read them
(GitHub's workflow schema, pre-commit's manifest check), and the gcverify command each one runs
works and fails when an expectation is not met."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / "examples" / "ci" / "github-actions.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
HOLDS = "spec ok\nvar x: 0..1 = 0\nprocess P { x := 1 }\ninvariant small: x <= 1\n"
VIOLATED = "spec bad\nvar x: 0..1 = 0\nprocess P { x := 1 }\ninvariant zero: x == 0\n"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def gcverify(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a `gcverify …` command line as a shell would, with this interpreter's gcverify."""
    argv = shlex.split(command)
    assert argv[0] == "gcverify", command
    return run(sys.executable, "-m", "gcverify", *argv[1:], cwd=cwd)


def project(tmp_path: Path, *specs: tuple[str, str]) -> Path:
    (tmp_path / "specs").mkdir(parents=True)
    for name, text in specs:
        (tmp_path / "specs" / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_the_workflow_is_valid_for_github(tmp_path: Path) -> None:
    ok = run(sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(WORKFLOW))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("runs-on:", "runs_on:"), encoding="utf-8")
    bad = run(sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(broken))
    assert bad.returncode != 0


def test_the_workflow_command_writes_its_reports(tmp_path: Path) -> None:
    workflow: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    [command] = [s["run"] for s in workflow["jobs"]["specs"]["steps"] if str(s.get("run", "")).startswith("gcverify")]
    root = project(tmp_path, ("ok.gcv", HOLDS))
    result = gcverify(command, root)
    assert result.returncode == 0, result.stderr
    uploaded = [s for s in workflow["jobs"]["specs"]["steps"] if "upload-sarif" in str(s.get("uses", ""))]
    assert (root / uploaded[0]["with"]["sarif_file"]).is_file()
    assert (root / "gcverify.xml").is_file()
    result = gcverify(command, project(tmp_path / "b", ("bad.gcv", VIOLATED)))
    assert result.returncode == 12
    assert (tmp_path / "b" / "traces" / "bad.zero.itf.json").is_file()


def test_the_hook_definition_is_valid_for_pre_commit(tmp_path: Path) -> None:
    ok = run(sys.executable, "-m", "pre_commit", "validate-manifest", str(HOOKS))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    broken = tmp_path / "hooks.yaml"
    broken.write_text(HOOKS.read_text(encoding="utf-8").replace("entry:", "entrypoint:"), encoding="utf-8")
    assert run(sys.executable, "-m", "pre_commit", "validate-manifest", str(broken)).returncode != 0


@pytest.mark.parametrize(
    ("specs", "code"), [([("ok.gcv", HOLDS)], 0), ([("ok.gcv", HOLDS), ("bad.gcv", VIOLATED)], 12)]
)
def test_the_hook_runs_gcverify_on_the_specs_folder(tmp_path: Path, specs: list[tuple[str, str]], code: int) -> None:
    [hook] = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert hook["files"] == r"\.gcv$" and hook["pass_filenames"] is False
    command = " ".join([hook["entry"], *hook["args"]])
    result = gcverify(command, project(tmp_path, *specs))
    assert result.returncode == code, result.stdout + result.stderr
    assert "ok" in result.stdout
