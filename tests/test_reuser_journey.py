"""A reuser's journey on every committed package: the README's data dictionary says what the
published Table Schema says (fields, types, constraints, keys between tables), its file table
gives the real row counts and hashes, its pandas and frictionless snippets run from inside the
package folder and load every row, and the CHANGELOG starts at the package's version. The
rows themselves are compared format by format in tests/test_cross_formats.py."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from pipeline.readme import TYPES_README, _constraints
from tests.conftest import ROOT

PUBLISHED = ROOT / "data/published"
PACKAGES = sorted(p.name for p in PUBLISHED.iterdir() if p.is_dir())
DICTIONARY_ROW = re.compile(r"^\| `([^`]+)` \| ([^|]+) \| .* \| (.*) \|$", re.M)
FILE_ROW = re.compile(r"^\| `([^`]+)` \| (\w+) \| (\d*) \| (\d+) \| `([0-9a-f]{64})` \|$", re.M)
KEYS_BETWEEN_TABLES = (
    "Clés étrangères vers une table du paquet (vérifiées par `frictionless validate` et "
    "`pipeline verify`) :"
)


def descriptor(name: str) -> dict:
    return json.loads((PUBLISHED / name / "datapackage.json").read_text(encoding="utf-8"))


def readme(name: str) -> str:
    return (PUBLISHED / name / "README.md").read_text(encoding="utf-8")


def tables(name: str) -> list[dict]:
    return [r for r in descriptor(name)["resources"] if r.get("type") == "table"]


def section(text: str, resource: str) -> str:
    """The data dictionary of ``resource``, up to the next heading."""
    head = f"## Dictionnaire des données : `{resource}`\n"
    assert text.count(head) == 1, resource
    return text.split(head)[1].split("\n## ")[0]


def key_lines(body: str, title: str) -> list[str]:
    """The list items under ``title`` in a dictionary section (none when it is absent)."""
    if title not in body:
        return []
    items = body.split(title)[1].lstrip("\n").split("\n\n")[0]
    return items.splitlines()


def names(fields: str | list[str]) -> str:
    return fields if isinstance(fields, str) else ", ".join(fields)


@pytest.mark.parametrize("name", PACKAGES)
def test_the_dictionary_says_what_the_published_schema_says(name: str) -> None:
    text = readme(name)
    for resource in tables(name):
        schema = resource["schema"]
        body = section(text, resource["name"])
        assert DICTIONARY_ROW.findall(body) == [
            (f["name"], TYPES_README[f.get("type", "string")], _constraints(f))
            for f in schema["fields"]
        ]
        key = schema.get("primaryKey")
        if key:
            assert f"Clé primaire : `{names(key)}`." in body
        assert key_lines(body, KEYS_BETWEEN_TABLES) == [
            f"- `{names(fk['fields'])}` → "
            f"`{fk['reference']['resource'] or resource['name']}.{names(fk['reference']['fields'])}`"
            for fk in schema.get("foreignKeys", [])
        ]


def test_keys_between_tables_are_listed_in_the_dictionary() -> None:
    """The two committed packages whose tables refer to one another say so to the reuser."""
    ti = section(readme("territoires-d-industrie"), "territoires-d-industrie-communes")
    assert key_lines(ti, KEYS_BETWEEN_TABLES) == [
        "- `id_ti, via_groupement` → `territoires-d-industrie.id_ti, code_groupement`"
    ]
    figures = section(readme("chiffres-cles-2023"), "verification")
    assert key_lines(figures, KEYS_BETWEEN_TABLES) == ["- `figure_id` → `chiffres-cles-2023.id`"]
    assert KEYS_BETWEEN_TABLES not in section(readme("chiffres-cles-2023"), "chiffres-cles-2023")


def row_count(path: Path) -> int:
    import pandas as pd

    if path.suffix == ".csv":
        return len(pd.read_csv(path, dtype=str, keep_default_na=False))
    if path.suffix == ".parquet":
        return len(pd.read_parquet(path))
    data = json.loads(path.read_bytes())
    return len(data["features"] if path.suffix == ".geojson" else data)


@pytest.mark.parametrize("name", PACKAGES)
def test_the_file_table_gives_real_counts_bytes_and_hashes(name: str) -> None:
    listed = {
        path: (fmt, rows, int(size), sha)
        for path, fmt, rows, size, sha in FILE_ROW.findall(readme(name))
    }
    entries = descriptor(name)["resources"]
    assert list(listed) == [r["path"] for r in entries]
    for entry in entries:
        fmt, rows, size, sha = listed[entry["path"]]
        assert (fmt, size, f"sha256:{sha}") == (entry["format"], entry["bytes"], entry["hash"])
        counted = entry["format"] in ("csv", "json", "parquet", "geojson")
        path = PUBLISHED / name / entry["path"]
        assert rows == (str(row_count(path)) if counted else ""), entry["path"]


def installed(code: str) -> bool:
    """Whether every module the snippet imports is installed (polars and geopandas are not
    dependencies of the pipeline)."""
    modules = re.findall(r"^import (\w+)|^from (\w+)", code, re.M)
    return all(importlib.util.find_spec(a or b) for a, b in modules)


@pytest.mark.parametrize("name", PACKAGES)
def test_readme_snippets_load_every_row_from_inside_the_package(name, monkeypatch) -> None:
    """Every Python snippet of the README that can run here runs from the package folder and
    loads the first table whole: ``df`` (pandas, CSV or Parquet) or ``rows`` (frictionless)."""
    blocks = re.findall(r"```python\n(.*?)```", readme(name), re.S)
    first = tables(name)[0]
    expected = row_count(PUBLISHED / name / first["path"])
    columns = [f["name"] for f in first["schema"]["fields"]]
    monkeypatch.chdir(PUBLISHED / name)
    ran = []
    for code in filter(installed, blocks):
        scope: dict = {}
        exec(code, scope)
        if "df" in scope:
            assert (len(scope["df"]), list(scope["df"].columns)) == (expected, columns), code
            ran.append("df")
        if "rows" in scope:
            assert len(scope["rows"]) == expected
            assert list(scope["rows"][0].keys()) == columns
            ran.append("rows")
    assert ran == ["df", "df", "rows"]  # read_parquet, read_csv, then frictionless


@pytest.mark.parametrize("name", PACKAGES)
def test_the_changelog_starts_at_the_package_version(name: str) -> None:
    version = descriptor(name)["version"]
    changelog = (PUBLISHED / name / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## .*", changelog, re.M)
    assert headings[0].startswith(f"## {version} — ")
    assert f"- Version du paquet : **{version}**" in readme(name)


def test_a_key_to_its_own_table_names_the_table() -> None:
    from pipeline.readme import _key_line

    own = {"fields": ["parent"], "reference": {"resource": "", "fields": ["id"]}}
    assert _key_line(own, "structures") == "- `parent` → `structures.id`"


def test_the_pandas_snippet_keeps_texts_pandas_would_take_for_missing(tmp_path, monkeypatch):
    """pandas reads « NA », « None », « null », « n/a »… as missing by default: the README's
    snippet keeps them as text (a comment, a name) and makes only an empty cell null."""
    import pandas as pd

    [snippet] = re.findall(r"Avec pandas :\n\n```python\n(.*?)```", readme("france-services"), re.S)
    (tmp_path / "france-services.csv").write_text(
        'id_fs,commentaire\n001,NA\n002,\n003,None\n004,n/a\n005,null\n006,""\n', "utf-8"
    )
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(snippet, scope)
    df = scope["df"]
    assert df["id_fs"].tolist() == ["001", "002", "003", "004", "005", "006"]
    comments = [None if pd.isna(v) else v for v in df["commentaire"]]
    assert comments == ["NA", None, "None", "n/a", "null", None]
