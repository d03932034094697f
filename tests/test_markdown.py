"""The one Markdown escaper, and a hostile cell on its way to the package README, its
CHANGELOG and the dataset description on data.gouv.fr."""

from __future__ import annotations

import json

import pytest
import requests
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.datagouv.local import load_package
from pipeline.markdown import md_code, md_text
from tests.conftest import MINI_OK, run

HOSTILE = "<img src=x onerror=alert(1)> | [x](javascript:alert(1))"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt; \\| \\[x\\](javascript:alert(1))"
SUITE = {
    "name": "mini",
    "expectations": [
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "taux", "max_value": 40},
            "meta": {
                "id": "mini-taux",
                "severity": "warning",
                "message": "La commune « {lib_com} » a un taux de {taux} %.",
            },
        }
    ],
}
# the README's warning row: file, line, field, message
ROW = f"| `data/raw/mini.csv` | 2 | taux | La commune « {ESCAPED} » a un taux de 50 %. |"


def test_md_text_makes_markup_inert() -> None:
    assert md_text(HOSTILE) == ESCAPED
    assert md_text("a\\|b &amp;") == "a\\\\\\|b &amp;amp;"
    assert md_text("insee_com *x* `y`") == "insee_com *x* `y`"  # styles only: left readable
    assert md_text("é" * 10, 5) == "éééé…"
    assert md_code("a|b") == "`a\\|b`"  # a code span shows HTML literally: only | is escaped
    assert md_code("<b>") == "`<b>`"


@pytest.fixture
def hostile(mini):
    """The mini repository with one warning whose message quotes a hostile cell."""
    root = mini(MINI_OK.replace("Valromey-sur-Séran", HOSTILE))
    folder = root / "schemas/mini"
    meta = json.loads((folder / "dataset.json").read_text(encoding="utf-8"))
    meta["resources"][0]["expectations"] = "mini.expectations.json"
    # udata refuses a temporal coverage without dates, which is what the mini dataset has
    meta["temporal"] = {"start": "2024-01-01", "end": "2024-12-31"}
    (folder / "dataset.json").write_text(json.dumps(meta), encoding="utf-8")
    (folder / "mini.expectations.json").write_text(json.dumps(SUITE), encoding="utf-8")
    return root


def test_hostile_cell_reaches_the_readme_and_the_description_escaped(hostile) -> None:
    result = run(hostile, "build")
    assert result.exit_code == 0, result.stderr
    readme = (hostile / "data/published/mini/README.md").read_text(encoding="utf-8")
    assert ROW in readme.splitlines()
    assert "<img" not in readme and "[x](" not in readme
    description = load_package(hostile / "data/published/mini").dataset_payload()["description"]
    assert ROW in description.splitlines()
    assert "<img" not in description


def test_hostile_cell_reaches_the_changelog_escaped(hostile) -> None:
    """Rows matched on the INSEE code (diffKey): ids 1 and 3 swapped between two builds are
    two reassignments, each naming the hostile commune on one side."""
    meta_path = hostile / "schemas/mini/dataset.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["resources"][0] |= {"diffKey": ["insee_com"], "diffLabel": "lib_com"}
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    assert run(hostile, "build").exit_code == 0
    raw = hostile / "data/raw/mini.csv"
    header, first, second, third = raw.read_text(encoding="utf-8").splitlines()
    raw.write_text("\n".join([header, "3" + first[1:], second, "1" + third[1:], ""]), "utf-8")
    result = run(hostile, "build")
    assert result.exit_code == 0, result.stderr
    changelog = (hostile / "data/published/mini/CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.splitlines()[2:10] == [
        "## 1.1.0 — 2024-01-01",
        "",
        "- Évolution mineure : 0 ligne ajoutée, 0 ligne supprimée, 2 lignes modifiées, "
        "2 identifiants réattribués.",
        "- Identifiants réattribués dans `mini.csv` (les lignes sont comparées sur `insee_com`) :",
        f"  - `1` : {ESCAPED} (01036) → Brion (01063)",
        f"  - `3` : Brion (01063) → {ESCAPED} (01036)",
        "- Fichiers bruts : `data/raw/mini.csv`.",
        "",
    ]
    assert "<img" not in changelog and "[x](" not in changelog


@pytest.mark.udata
def test_hostile_cell_is_escaped_in_the_published_description(hostile, udata_server) -> None:
    (hostile / "pipeline.json").write_text(
        json.dumps({"datagouv": {"organization": udata_server["org_slug"]}}), encoding="utf-8"
    )
    result = CliRunner().invoke(
        cli,
        ["--root", str(hostile), "publish", "--to", udata_server["base_url"], "--format", "json"],
        env={"DATAGOUV_API_KEY": udata_server["api_key"]},
    )
    assert result.exit_code == 0, result.output
    (dataset,) = json.loads(result.stdout)["datasets"]
    url = f"{udata_server['base_url']}/api/1/datasets/{dataset['remote']['id']}/"
    description = requests.get(url, timeout=10).json()["description"]
    assert ROW in description.splitlines()
    assert "<img" not in description and "[x](" not in description
