"""What a data officer sees on the real repository carries no Python warning: each command runs
in its own interpreter with every warning shown (PYTHONWARNINGS=default also shows the
DeprecationWarnings Python hides by default), as `make publish` would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, copy_repo


def _pipeline(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "default"}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "--root", str(root), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_validate_on_the_real_repository_prints_no_warning():
    result = _pipeline(ROOT, "validate")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "VALIDE    france-services" in result.stderr  # the suite that used to warn
    assert "Warning" not in result.stderr, result.stderr[-2000:]


def test_build_on_the_real_repository_prints_no_warning(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    result = _pipeline(repo, "build")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Warning" not in result.stderr, result.stderr[-2000:]


def test_publish_without_a_target_prints_no_warning(tmp_path):
    """`make publish` runs `pipeline publish` with no --to: validate, then build only."""
    repo = copy_repo(tmp_path / "repo", published=False)
    result = _pipeline(repo, "publish")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Warning" not in result.stderr, result.stderr[-2000:]
    assert "Warning" not in result.stdout, result.stdout[-2000:]
    assert "Rien n'a été envoyé. Pour publier sur data.gouv.fr :" in result.stderr
    assert (repo / "data/published/france-services/datapackage.json").is_file()
