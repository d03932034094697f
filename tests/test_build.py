"""Determinism, atomicity, and the committed packages being exactly what build produces."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from frictionless import Package

from pipeline import build as build_module
from tests.conftest import MINI_OK, ROOT, copy_repo, run, tree_bytes

DATASETS = ("chiffres-cles-2023", "villages-d-avenir", "france-services")


def test_committed_published_is_exactly_what_build_produces(tmp_path):
    fresh = copy_repo(tmp_path / "fresh", published=True)
    assert run(fresh, "build").exit_code == 0
    assert tree_bytes(fresh / "data/published") == tree_bytes(ROOT / "data/published")


def test_build_is_deterministic(tmp_path):
    one = copy_repo(tmp_path / "one", published=False)
    two = copy_repo(tmp_path / "two", published=False)
    assert run(one, "build", "chiffres-cles-2023").exit_code == 0
    assert run(two, "build", "chiffres-cles-2023").exit_code == 0
    first = tree_bytes(one / "data/published")
    assert first and first == tree_bytes(two / "data/published")
    assert run(one, "build", "chiffres-cles-2023").exit_code == 0
    assert tree_bytes(one / "data/published") == first


@pytest.mark.parametrize("name", DATASETS)
def test_frictionless_accepts_committed_package(name):
    package = Package(str(ROOT / "data/published" / name / "datapackage.json"))
    report = package.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


def test_published_csv_is_normalised():
    data = (ROOT / "data/published/france-services/france-services.csv").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data
    header = data.split(b"\n", 1)[0].decode()
    schema = json.loads((ROOT / "schemas/france-services/france-services.schema.json").read_text())
    assert header.split(",") == [f["name"] for f in schema["fields"]]
    ids = [int(row[0]) for row in list(csv.reader(io.StringIO(data.decode())))[1:]]
    assert ids == sorted(ids)


def test_interrupted_build_leaves_previous_package(mini, monkeypatch):
    root = mini(MINI_OK)
    assert run(root, "build", "mini").exit_code == 0
    before = tree_bytes(root / "data/published")
    mini(MINI_OK.replace("19.5", "20.5"))

    def crash(a, b):
        raise KeyboardInterrupt  # killed after writing aside, before swapping in

    monkeypatch.setattr(build_module, "_exchange", crash)
    with pytest.raises(KeyboardInterrupt):
        build_module.build(build_module.Repo(root), ["mini"])
    published = root / "data/published"
    assert {k: v for k, v in tree_bytes(published).items() if not k.startswith(".")} == before
    monkeypatch.undo()
    assert run(root, "build", "mini").exit_code == 0
    assert not [p for p in published.iterdir() if p.name.startswith(".")]
    assert b"20.5" in (published / "mini/mini.csv").read_bytes()


def test_swap_interrupted_after_moving_old_aside_is_recovered(mini):
    root = mini(MINI_OK)
    assert run(root, "build", "mini").exit_code == 0
    published = root / "data/published"
    before = tree_bytes(published / "mini")
    shutil.move(published / "mini", published / ".old-mini")  # crash between the two renames
    build_module._recover(published, "mini")
    assert tree_bytes(published / "mini") == before


def test_exchange_swaps_directories(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "new").write_text("new")
    (b / "old").write_text("old")
    build_module._exchange(a, b)
    assert (b / "new").read_text() == "new" and (a / "old").read_text() == "old"


def test_first_changelog_counts_records_not_lines(mini):
    """A cell spanning two lines is one row of the first CHANGELOG entry, not two."""
    root = mini(MINI_OK.replace("Valromey-sur-Séran", '"Valromey-sur-Séran\n(Ain)"'))
    result = run(root, "build", "mini")
    assert result.exit_code == 0, result.output
    changelog = (root / "data/published/mini/CHANGELOG.md").read_text(encoding="utf-8")
    assert "Première publication : 3 lignes." in changelog
