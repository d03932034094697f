"""Shared fixtures: throw-away copies of the repository to break and rebuild."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from tests.udata.fixtures import fault_proxy, udata_server  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]


def copy_repo(
    dest: Path, *, published: bool = True, datasets: tuple[str, ...] | None = None
) -> Path:
    """A copy of the repository's data and schemas (all datasets, or the named ones plus the
    reference)."""
    for sub in ("data/raw", "data/reference"):
        shutil.copytree(ROOT / sub, dest / sub)
    for folder in (ROOT / "schemas").iterdir():
        if folder.is_dir() and (datasets is None or folder.name in (*datasets, "reference")):
            shutil.copytree(folder, dest / "schemas" / folder.name)
    if published:
        shutil.copytree(ROOT / "data/published", dest / "data/published")
    else:
        (dest / "data/published").mkdir(parents=True)
    for name in ("pipeline.json",):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, dest / name)
    for path in dest.rglob("*"):
        if path.is_file():
            path.chmod(0o644)
    return dest


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_repo(tmp_path / "repo")


MINI_SCHEMA = {
    "name": "mini",
    "title": "Jeu de test",
    "description": "Jeu minimal pour les tests",
    "version": "1.0.0",
    "licenses": [{"name": "etalab-2.0", "title": "Licence Ouverte 2.0"}],
    "contributors": [{"title": "ANCT", "role": "publisher"}],
    "missingValues": [""],
    "fields": [
        {"name": "id", "type": "integer", "example": 1, "constraints": {"required": True}},
        {
            "name": "insee_com",
            "type": "string",
            "example": "01036",
            "constraints": {"required": True, "pattern": "^([013-9]\\d|2[AB1-9])\\d{3}$"},
        },
        {
            "name": "lib_com",
            "type": "string",
            "example": "Valromey-sur-Séran",
            "constraints": {"required": True},
        },
        {"name": "montant", "type": "number", "example": 19.5, "constraints": {"required": False}},
        {
            "name": "taux",
            "type": "integer",
            "example": 50,
            "constraints": {"minimum": 0, "maximum": 100},
        },
        {
            "name": "date",
            "type": "date",
            "example": "2023-12-31",
            "constraints": {"required": False},
        },
    ],
    "primaryKey": ["id"],
    "foreignKeys": [
        {
            "fields": "insee_com",
            "reference": {"resource": "cog2023-communes", "fields": "code_insee"},
        }
    ],
}

MINI_OK = (
    "id,insee_com,lib_com,montant,taux,date\n"
    "1,01036,Valromey-sur-Séran,19.5,50,2023-12-31\n"
    "2,2A004,Ajaccio,1234.5,10,2024-01-15\n"
    "3,01063,Brion,,0,\n"
)


@pytest.fixture
def mini(tmp_path: Path):
    """A repository holding the COG reference and one small dataset ``mini`` whose raw file
    and dialect each test writes: ``write(text, encoding="utf-8", **dialect)``."""
    root = tmp_path / "mini"
    shutil.copytree(ROOT / "schemas/reference", root / "schemas/reference")
    shutil.copytree(ROOT / "data/reference", root / "data/reference")
    (root / "data/raw").mkdir(parents=True)
    (root / "data/published").mkdir(parents=True)
    folder = root / "schemas/mini"
    folder.mkdir()
    (folder / "mini.schema.json").write_text(json.dumps(MINI_SCHEMA), encoding="utf-8")

    def write(
        text: str, encoding: str = "utf-8", raw_bytes: bytes | None = None, **dialect
    ) -> Path:
        meta = {
            "name": "mini",
            "title": "Jeu de test",
            "description": "Jeu minimal pour les tests",
            "created": "2024-01-01",
            "licenses": MINI_SCHEMA["licenses"],
            "resources": [
                {
                    "name": "mini",
                    "schema": "mini.schema.json",
                    "source": {
                        "path": "data/raw/mini.csv",
                        "dialect": {"encoding": encoding, **dialect},
                    },
                }
            ],
        }
        (folder / "dataset.json").write_text(json.dumps(meta), encoding="utf-8")
        data = raw_bytes if raw_bytes is not None else text.encode(encoding)
        (root / "data/raw/mini.csv").write_bytes(data)
        return root

    return write


def run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


def findings(root: Path, *datasets: str) -> tuple[int, list[dict]]:
    result = run(root, "validate", "--format", "json", *datasets)
    return result.exit_code, json.loads(result.stdout)["findings"]


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(params=["fast", "exact"])
def reader(request, monkeypatch):
    """Run a test on both readers: ``exact`` makes the direct DuckDB scan decline every
    file, so that each is read by the exact reader."""
    import pipeline.tables

    if request.param == "exact":
        monkeypatch.setattr(pipeline.tables, "csv_source", lambda *args, **kw: None)
    return request.param
