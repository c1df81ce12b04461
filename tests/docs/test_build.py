"""The manual builds with MkDocs, and any warning (a broken link, a page missing from the nav, a
bad option) fails the build (`mkdocs build --strict`).

MkDocs comes with the `docs` extra (`pip install -e ".[docs]"`).  Without it this test is skipped,
so the README's test command passes on a fresh machine; CI installs it and sets
GCVERIFY_REQUIRE_TOOLS=1, and then a missing MkDocs fails the test instead.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from tests.docs.markdown import ROOT
from tests.tools import need


def build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config), "--site-dir", str(site)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": str(Path(sys.executable).parent)},
    )


def test_the_manual_builds_without_warnings(tmp_path: Path) -> None:
    need("MkDocs with Material", importlib.util.find_spec("material") is not None, 'pip install -e ".[docs]"')
    result = build(ROOT / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "reference" / "language" / "index.html").is_file()


def test_a_broken_link_fails_the_build(tmp_path: Path) -> None:
    """--strict really turns a warning into a failure (so the test above can fail)."""
    need("MkDocs with Material", importlib.util.find_spec("material") is not None, 'pip install -e ".[docs]"')
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# t\n\nSee [nowhere](nowhere.md).\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:")[0] + "\n", encoding="utf-8")
    result = build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "nowhere.md" in result.stdout + result.stderr
