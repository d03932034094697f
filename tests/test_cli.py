"""Every command and exit code, through click's CliRunner."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import MINI_OK, ROOT, copy_repo, findings, run, tree_bytes


def test_help_lists_commands():
    result = run(ROOT, "--help")
    assert result.exit_code == 0
    for name in ("validate", "build", "diff", "publish", "verify"):
        assert name in result.stdout


def test_python_dash_m_works():
    out = subprocess.run(
        [sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("pipeline, version")


def test_validate_repository_exits_0_with_real_warnings():
    code, items = findings(ROOT)
    assert code == 0
    assert all(f["severity"] == "warning" for f in items)
    va = [
        f for f in items if f["dataset"] == "villages-d-avenir" and f["field"] == "cog_population"
    ]
    communes = sorted(f["message"].split(" (")[0].removeprefix("La commune ") for f in va)
    # the September 2024 list, against the populations of the COG 2024 (PL 2021)
    assert communes == [
        "Castelmaurou",
        "Fontvieille",
        "Gouffern en Auge",
        "Le Mené",
        "Le Val",
        "Monein",
        "Pierrevert",
        "Plan-d'Orgon",
        "Pointe-Noire",
        "Prinquiau",
        "Suippes",
    ]
    assert {f["line"] for f in va} == {
        103, 354, 359, 591, 876, 1276, 1461, 1746, 1811, 2179, 2486}  # fmt: skip
    # the mobile bus based in Rouen (76) that serves the Eure (27)
    assert any(f["code"] == "commune-departement-mismatch" and f["line"] == 1452 for f in items)


def test_validate_json_shape_and_streams():
    result = run(ROOT, "validate", "--format", "json", "villages-d-avenir")
    data = json.loads(result.stdout)
    assert set(data) >= {"valid", "errors", "warnings", "findings"}
    assert data["valid"] is True and data["errors"] == 0 and data["warnings"] == 15
    assert set(data["findings"][0]) >= {
        "dataset",
        "severity",
        "code",
        "file",
        "line",
        "column",
        "field",
        "message",
    }


def test_text_report_is_french_on_stderr(mini):
    root = mini(MINI_OK.replace(",50,", ",150,"))
    result = run(root, "validate", "mini")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "INVALIDE  mini" in result.stderr
    assert "ERREUR [constraint-error] ligne 2, champ taux" in result.stderr


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["valdate"], "Erreur : Commande 'valdate' inconnue. Vouliez-vous écrire 'validate' ?"),
        (["validate", "--frmat", "json"], "Erreur : Option '--frmat' inconnue. Vouliez-vous écrire '--format' ?"),
        (["validate", "--format", "xml"], "Erreur : Valeur invalide pour '--format' : 'xml' n'est pas l'une des valeurs 'text', 'json', 'github', 'markdown', 'html'."),
        (["validate", "--max-findings", "-3"], "Erreur : Valeur invalide pour '--max-findings' : -3 n'est pas dans l'intervalle 0<=x<=4611686018427387904."),
        (["validate", "--max-findings", "beaucoup"], "Erreur : Valeur invalide pour '--max-findings' : 'beaucoup' n'est pas un nombre."),
        (["verify"], "Erreur : Argument manquant 'SOURCE'."),
        (["publish", "--to"], "Erreur : L'option '--to' attend une valeur."),
    ],
)  # fmt: skip
def test_usage_errors_are_in_french_with_exit_2(args, error):
    result = run(ROOT, *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == error
    assert result.stdout == ""


def test_a_dataset_named_twice_is_validated_once():
    twice = json.loads(
        run(ROOT, "validate", "france-services", "france-services", "--format", "json").stdout
    )
    once = json.loads(run(ROOT, "validate", "france-services", "--format", "json").stdout)
    assert twice == once
    assert [d["name"] for d in once["datasets"]] == ["france-services"]


def test_unknown_dataset_is_usage_error():
    result = run(ROOT, "validate", "nope")
    assert result.exit_code == 2
    assert "Jeu de données inconnu : nope" in result.stderr


def test_broken_schema_is_configuration_error(repo):
    (repo / "schemas/villages-d-avenir/villages-d-avenir.schema.json").write_text("{ broken")
    result = run(repo, "validate", "villages-d-avenir")
    assert result.exit_code == 2
    assert "n'est pas un JSON valide" in result.stderr
    assert "Traceback" not in result.output


def test_misspelt_expectation_is_configuration_error(repo):
    path = repo / "schemas/villages-d-avenir/villages-d-avenir.expectations.json"
    path.write_text(
        path.read_text().replace(
            "expect_column_values_to_be_between", "expect_column_values_to_be_betwen"
        )
    )
    result = run(repo, "validate", "villages-d-avenir")
    assert result.exit_code == 2
    assert "expect_column_values_to_be_betwen" in result.stderr


def test_not_a_repository(tmp_path):
    result = run(tmp_path, "validate")
    assert result.exit_code == 2
    assert "schemas/" in result.stderr


def test_build_check_passes_on_committed_packages():
    result = run(ROOT, "build", "--check")
    assert result.exit_code == 0, result.stderr
    assert "à jour" in result.stderr


def test_build_check_names_stale_files(repo):
    csv_path = repo / "data/published/chiffres-cles-2023/chiffres-cles-2023.csv"
    csv_path.write_bytes(csv_path.read_bytes().replace(b"183", b"184"))
    result = run(repo, "build", "--check")
    assert result.exit_code == 1
    assert "data/published/chiffres-cles-2023/chiffres-cles-2023.csv" in result.stderr
    assert "data/published/france-services" not in result.stderr


def test_build_refuses_invalid_data_and_writes_nothing(repo):
    before = tree_bytes(repo / "data/published")
    raw = repo / "data/raw/chiffres-cles-2023.csv"
    raw.write_text(raw.read_text().replace(",183,", ",cent,"))
    result = run(repo, "build")
    assert result.exit_code == 1
    assert "ligne 2, champ valeur" in result.stderr
    assert tree_bytes(repo / "data/published") == before


def test_publish_without_target_builds_locally(tmp_path):
    root = copy_repo(tmp_path / "r", published=False)
    result = run(root, "publish", "chiffres-cles-2023")
    assert result.exit_code == 0, result.stderr
    assert (root / "data/published/chiffres-cles-2023/datapackage.json").is_file()


def test_diff_one_cell_then_build_bumps_patch_and_changelog(repo):
    raw = repo / "data/raw/chiffres-cles-2023.csv"
    text = raw.read_text(encoding="utf-8")
    before = ",2023,Territoires d'industrie,,"
    assert text.count(before) == 1
    raw.write_text(
        text.replace(before, ",2023,Territoires d'industrie,à fin 2023,"), encoding="utf-8"
    )
    result = run(repo, "diff", "--format", "json", "chiffres-cles-2023")
    assert result.exit_code == 0, result.stderr
    (diff,) = json.loads(result.stdout)
    assert (diff["rows_added"], diff["rows_removed"], diff["rows_changed"]) == (0, 0, 1)
    text = run(repo, "diff", "chiffres-cles-2023").stderr
    old = json.loads((repo / "data/published/chiffres-cles-2023/datapackage.json").read_text())[
        "version"
    ]
    major, minor, patch = map(int, old.split("."))
    new = f"{major}.{minor}.{patch + 1}"
    assert "precision (vide) → « à fin 2023 »" in text and f"{old} → {new}" in text
    assert run(repo, "build", "chiffres-cles-2023").exit_code == 0
    package = json.loads((repo / "data/published/chiffres-cles-2023/datapackage.json").read_text())
    assert package["version"] == new
    changelog = (repo / "data/published/chiffres-cles-2023/CHANGELOG.md").read_text()
    assert changelog.index(f"## {new}") < changelog.index(f"## {old}")
    assert "1 ligne modifiée" in changelog
    assert run(repo, "build", "--check").exit_code == 0
