"""The layers the README draws: the stages import no renderer and no click, and name no
dataset (datasets are folders of schemas/, never code); and no module grows past what one
reads at a sitting."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pipeline.catalog import load_catalog
from pipeline.repo import Repo
from tests.conftest import ROOT

PACKAGE = ROOT / "pipeline"
MAX_LINES = 450  # the guide says about 400: past this, a module is split by concern
OUTER = ("cli.py", "__main__.py", "commands/", "render/")  # where rendering is chosen
STAGES = sorted(
    p for p in PACKAGE.rglob("*.py") if not p.relative_to(PACKAGE).as_posix().startswith(OUTER)
)


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("path", STAGES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_a_stage_imports_no_renderer_and_no_click(path: Path) -> None:
    outer = ("click", "pipeline.cli", "pipeline.commands", "pipeline.render")
    assert [n for n in imported(path) if n == "click" or n.startswith(outer)] == []


def test_no_module_names_a_dataset() -> None:
    names = [d.name for d in load_catalog(Repo(ROOT)).packages()]
    found = [
        (path.relative_to(ROOT).as_posix(), name)
        for path in PACKAGE.rglob("*.py")
        for name in names
        if name in path.read_text(encoding="utf-8")
    ]
    assert found == []


def test_no_module_is_too_long() -> None:
    lengths = {
        path.relative_to(PACKAGE).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    too_long = {p: n for p, n in lengths.items() if n > MAX_LINES}
    assert too_long == {}
