"""Bounded reports (issue 8, part 6): the report keeps the first N findings per check and
file (1,000 by default, ``--max-findings N``, 0 for all); every renderer gives the exact
totals, N, what was left out and how to see it."""

from __future__ import annotations

import json
import shutil

import pytest

import pipeline.tables
from tests.conftest import MINI_SCHEMA, ROOT, run

NB = "\u00a0"  # fmt_int's thousands separator
NNB = "\u202f"  # the text report's


def duplicated_ids(rows: int = 5000) -> str:
    """Every row has the same id: every row but the first is a primary-key error."""
    lines = ["id,insee_com,lib_com,montant,taux,date"]
    lines += [f"7,01036,Valromey-sur-Séran,{i},50,2023-12-31" for i in range(rows)]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def dup_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("bounded") / "mini"
    shutil.copytree(ROOT / "schemas/reference", root / "schemas/reference")
    shutil.copytree(ROOT / "data/reference", root / "data/reference")
    (root / "data/raw").mkdir(parents=True)
    (root / "data/published").mkdir(parents=True)
    folder = root / "schemas/mini"
    folder.mkdir()
    (folder / "mini.schema.json").write_text(json.dumps(MINI_SCHEMA), encoding="utf-8")
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
                "source": {"path": "data/raw/mini.csv", "dialect": {"encoding": "utf-8"}},
            }
        ],
    }
    (folder / "dataset.json").write_text(json.dumps(meta), encoding="utf-8")
    (root / "data/raw/mini.csv").write_text(duplicated_ids(), encoding="utf-8")
    return root


def report(root, *args) -> tuple[int, dict]:
    result = run(root, "validate", "mini", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def test_default_keeps_the_first_thousand_and_counts_the_rest(dup_root):
    code, data = report(dup_root)
    assert code == 1
    assert (data["errors"], data["warnings"], data["truncated"]) == (4999, 0, 3999)
    assert data["max_findings"] == 1000
    assert [f["line"] for f in data["findings"]] == list(range(3, 1003))
    assert {(f["code"], f["field"], f["value"]) for f in data["findings"]} == {
        ("primary-key-error", "id", "7")
    }
    assert data["truncations"] == [
        {
            "dataset": "mini",
            "severity": "error",
            "file": "data/raw/mini.csv",
            "code": "primary-key-error",
            "check": None,
            "field": "id",
            "shown": 1000,
            "total": 4999,
            "left_out": 3999,
        }
    ]
    assert data["datasets"][0]["errors"] == 4999


def test_max_findings_sets_n(dup_root):
    code, data = report(dup_root, "--max-findings", "10")
    assert code == 1
    assert (data["errors"], data["truncated"], data["max_findings"]) == (4999, 4989, 10)
    assert [f["line"] for f in data["findings"]] == list(range(3, 13))
    assert (data["truncations"][0]["shown"], data["truncations"][0]["total"]) == (10, 4999)


def test_max_findings_zero_keeps_them_all(dup_root):
    code, data = report(dup_root, "--max-findings", "0")
    assert code == 1
    assert (data["errors"], data["truncated"], data["max_findings"]) == (4999, 0, None)
    assert [f["line"] for f in data["findings"]] == list(range(3, 5002))
    assert data["truncations"] == []


def test_a_negative_max_findings_is_a_usage_error(dup_root):
    result = run(dup_root, "validate", "mini", "--max-findings", "-1")
    assert result.exit_code == 2


REMARK = (
    f"4{NB}989 constats laissés de côté : le rapport garde au plus 10 constats par contrôle et "
    "par fichier (les totaux sont exacts). Pour les voir tous : --max-findings 0 ; pour en voir "
    "N : --max-findings N."
)


def test_text(dup_root):
    result = run(dup_root, "validate", "mini", "--max-findings", "10")
    assert result.exit_code == 1
    err = result.stderr
    assert f"INVALIDE  mini — 5{NNB}000 lignes, 4{NNB}999 erreur(s), 0 avertissement(s)" in err
    assert err.count("ERREUR [primary-key-error]") == 10
    assert (
        f"  … mini · data/raw/mini.csv · primary-key-error, champ id : 10 affichés sur 4{NB}999 "
        f"(4{NB}989 laissés de côté)\n"
    ) in err
    assert REMARK + "\n" in err
    assert err.endswith(
        f"Données invalides : corrigez les erreurs ci-dessus (4{NNB}999 erreur(s), "
        "0 avertissement(s)).\n"
    )


def test_github(dup_root):
    result = run(dup_root, "validate", "mini", "--max-findings", "10", "--format", "github")
    lines = result.stderr.splitlines()
    (annotation,) = [x for x in lines if x.startswith("::error ")]
    assert f"::4{NB}999 cellules de la colonne `id` sont concernées" in annotation
    assert "Lignes (les 10 premières) : 3, 4, 5, 6, 7, 8, 9, 10, 11, 12." in annotation
    assert f"::group::Liste des constats (10 sur 4{NB}999)" in lines
    start = lines.index(f"::group::Liste des constats (10 sur 4{NB}999)")
    assert lines[start + 11 : start + 14] == [
        f"… mini · data/raw/mini.csv · primary-key-error, champ id : 10 affichés sur 4{NB}999 "
        f"(4{NB}989 laissés de côté)",
        REMARK,
        "::endgroup::",
    ]


def test_markdown(dup_root):
    result = run(dup_root, "validate", "mini", "--max-findings", "10", "--format", "markdown")
    out = result.stdout
    assert f"1 jeu de données, 4{NB}999 erreurs, 0 avertissement." in out
    assert f"### Erreurs (4{NB}999)" in out
    assert out.count("| `mini` | `data/raw/mini.csv` | ") == 10 + 1
    assert (
        f"| `mini` | `data/raw/mini.csv` | `primary-key-error` | `id` | 10 | 4{NB}999 | 4{NB}989 |"
    ) in out
    assert f"> {REMARK}" in out


def test_html(dup_root, tmp_path):
    page = tmp_path / "rapport.html"
    args = ["--max-findings", "10", "--format", "html", "--output", str(page)]
    result = run(dup_root, "validate", "mini", *args)
    assert result.exit_code == 1
    html = page.read_text(encoding="utf-8")
    assert f"1 jeu de données, 4{NB}999 erreurs, 0 avertissement." in html
    assert f"<h4>data/raw/mini.csv — 10 constats affichés sur 4{NB}999</h4>" in html
    assert '<section id="laisses">' in html
    assert f"<p>{REMARK}</p>" in html
    assert (
        f'<td class="num">10</td><td class="num">4{NB}999</td><td class="num">4{NB}989</td>'
    ) in html
    assert html.count('<tr class="error">') == 10
    assert REMARK in result.stderr  # the text beside the file


@pytest.mark.parametrize("command", ["build", "diff", "publish"])
def test_commands_that_validate_take_max_findings(dup_root, command):
    result = run(dup_root, command, "mini", "--max-findings", "10")
    assert result.exit_code == 1
    assert REMARK in result.stderr
    assert result.stderr.count("ERREUR [primary-key-error]") == 10
    assert "4999 erreur(s) bloquante(s)" in result.stderr


def test_the_package_readme_gives_the_exact_number_of_warnings(mini):
    lines = ["id,insee_com,lib_com,montant,taux,date"]
    lines += [f"{i},01036,-Valromey,1,50,2023-12-31" for i in range(1, 1201)]
    root = mini("\n".join(lines) + "\n")
    result = run(root, "build", "mini")
    assert result.exit_code == 0, result.stderr
    readme = (root / "data/published/mini/README.md").read_text(encoding="utf-8")
    assert (
        "La validation a relevé 1200 avertissement(s), publiés tels quels : les données ne sont "
        "jamais corrigées pour faire passer un contrôle ; les 1000 premiers sont listés."
    ) in readme
    assert readme.count("| `data/raw/mini.csv` |") == 1000


@pytest.mark.parametrize("reader", ["fast", "exact"])
def test_duplicates_name_the_first_line_of_their_key(mini, monkeypatch, reader):
    if reader == "exact":
        monkeypatch.setattr(pipeline.tables, "csv_source", lambda *args, **kw: None)
    lines = ["id,insee_com,lib_com,montant,taux,date"]
    lines += [f"{i},01036,Valromey-sur-Séran,,50," for i in (1, 2, 1, 2, 1)]
    root = mini("\n".join(lines) + "\n")
    code, data = report(root, "--max-findings", "2")
    assert code == 1
    assert [f["line"] for f in data["findings"]] == [4, 5]
    assert "(déjà vue ligne 2)" in data["findings"][0]["message"]
    assert "(déjà vue ligne 3)" in data["findings"][1]["message"]
    assert (data["errors"], data["truncated"]) == (3, 1)
