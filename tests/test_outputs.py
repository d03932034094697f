"""One output registry for every command: the same formats, the same streams."""

from __future__ import annotations

import json
import re
import shutil

import click
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.render import FORMATS, formats
from tests.conftest import MINI_OK, ROOT, run, tree_bytes

KINDS = {
    "validate": ("report",),
    "build": ("build",),
    "diff": ("diff",),
    "publish": ("publish", "unpublished"),
    "verify": ("verify",),
    "add": ("add",),
}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_command_takes_its_formats_from_the_registry(name: str) -> None:
    option = next(p for p in cli.commands[name].params if p.name == "fmt")
    assert isinstance(option.type, click.Choice)
    assert list(option.type.choices) == formats(*KINDS[name])
    assert option.default == "text" and option.opts == ["--format"]


def test_the_registry_renders_each_format_on_its_stream() -> None:
    assert formats("report") == ["text", "json", "github", "markdown", "html"]
    assert formats("diff") == ["text", "json", "markdown"]
    assert formats("add") == ["text", "json"]
    assert {n: f.stream for n, f in FORMATS.items()} == {
        "text": "stderr",
        "json": "stdout",
        "github": "stderr",
        "markdown": "stdout",
        "html": "file",
    }


def test_html_needs_an_output_file(mini) -> None:
    result = run(mini(MINI_OK), "validate", "--format", "html")
    assert result.exit_code == 2
    assert "--format html demande --output FICHIER." in result.stderr
    assert result.stdout == ""


def test_validate_writes_the_report_file_and_the_text(mini, tmp_path) -> None:
    out = tmp_path / "reports" / "validation.html"
    result = run(mini(MINI_OK), "validate", "--format", "html", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "VALIDE    mini" in result.stderr
    assert result.stderr.endswith(f"Rapport écrit dans {out}\n")
    assert result.stdout == ""


def test_build_json_on_stdout_and_the_text_on_stderr(mini) -> None:
    root = mini(MINI_OK)
    result = run(root, "build", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "check": False,
        "packages": [{"name": "mini", "path": "data/published/mini", "written": True}],
        "stale": [],
    }
    assert result.stderr == "mini : mis à jour (data/published/mini)\n"
    again = run(root, "build", "--format", "json")
    assert json.loads(again.stdout)["packages"][0]["written"] is False
    assert again.stderr == "mini : inchangé (data/published/mini)\n"


def test_build_check_json_names_the_stale_files(repo) -> None:
    csv_path = repo / "data/published/chiffres-cles-2023/chiffres-cles-2023.csv"
    csv_path.write_bytes(csv_path.read_bytes().replace(b"183", b"184"))
    result = run(repo, "build", "chiffres-cles-2023", "--check", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["check"] is True
    # the committed CSV was edited: a fresh build differs from it, and versions it anew
    folder = "data/published/chiffres-cles-2023"
    names = ["CHANGELOG.md", "README.md", "chiffres-cles-2023.csv", "datapackage.json"]
    assert data["stale"] == [f"{folder}/{name}" for name in names]
    assert "fichiers à reconstruire" in result.stderr


REPORT_KEYS = [
    "valid", "errors", "warnings", "truncated", "max_findings", "datasets", "findings", "figures",
    "truncations",
]  # fmt: skip
TOO_HIGH = "« 150 » est supérieur au maximum 100 permis pour « taux »."


@pytest.mark.parametrize("command", ["build", "diff", "publish"])
def test_invalid_data_is_reported_once_by_the_cli_in_the_format_asked_and_nothing_is_written(
    mini, command: str
) -> None:
    root = mini(MINI_OK.replace(",50,", ",150,"))
    before = tree_bytes(root / "data/published")
    result = run(root, command, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)  # the validation report, as validate gives it
    assert list(report) == REPORT_KEYS
    assert (report["valid"], report["errors"], report["warnings"]) == (False, 1, 0)
    assert [
        (f["file"], f["line"], f["field"], f["code"], f["message"]) for f in report["findings"]
    ] == [("data/raw/mini.csv", 2, "taux", "constraint-error", TOO_HIGH)]
    assert result.stdout == run(root, "validate", "--format", "json").stdout
    assert result.stderr.count("INVALIDE  mini") == 1
    assert "ERREUR [constraint-error] ligne 2, champ taux" in result.stderr
    assert re.search(r"\nErreur : 1 erreur\(s\) bloquante\(s\) : rien n'a été", result.stderr)
    assert "::error" not in result.stderr  # annotations go with text, or --format github
    assert tree_bytes(root / "data/published") == before


def test_invalid_data_in_markdown_for_the_step_summary(mini) -> None:
    root = mini(MINI_OK.replace(",50,", ",150,"))
    result = run(root, "diff", "--format", "markdown")
    assert result.exit_code == 1
    assert result.stdout == run(root, "validate", "--format", "markdown").stdout
    assert result.stdout.startswith("## Validation des données : ❌ INVALIDE\n")
    assert f"| `mini` | `data/raw/mini.csv` | 2 | `taux` | {TOO_HIGH} | `150` |" in result.stdout


@pytest.mark.parametrize("command", ["build", "diff", "publish"])
def test_invalid_data_is_annotated_under_github_actions(mini, command: str) -> None:
    root = mini(MINI_OK.replace(",50,", ",150,"))
    result = CliRunner().invoke(
        cli, ["--root", str(root), command], env={"GITHUB_ACTIONS": "true"}, catch_exceptions=False
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    annotations = [line for line in result.stderr.splitlines() if line.startswith("::")]
    assert annotations == [
        "::error file=data/raw/mini.csv,line=2,col=5,title=mini %3A constraint-error "
        f"(colonne taux)::{TOO_HIGH}",
        "::group::Liste complète des constats (1)",
        "::endgroup::",
    ]
    assert result.stderr.count("INVALIDE  mini") == 1
    assert result.stderr.splitlines()[-1].startswith("Erreur : 1 erreur(s) bloquante(s)")


def test_verify_json_on_stdout_and_the_text_on_stderr() -> None:
    folder = ROOT / "data/published/immobilier-commercial"
    result = run(ROOT, "verify", str(folder), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["valid"] is True and data["package"] == "immobilier-commercial"
    assert result.stderr.endswith(
        "Résultat : CONFORME. Les fichiers sont ceux qui ont été validés et publiés.\n"
    )


ACV = "anct_acv_communes_20240205.csv"  # a committed raw file, copied under a new name
ADD_KEYS = [
    "name", "raw", "dry_run", "valid", "format", "sheet", "dialect", "rows", "primary_key",
    "files", "written", "todo", "notes", "validation",
]  # fmt: skip
ACV_FILES = ["schemas/acv/dataset.json", "schemas/acv/acv.schema.json"]
ACV_FILES.append("schemas/acv/acv.expectations.json")


@pytest.fixture
def undeclared(tmp_path):
    """The reference and one raw file not declared yet."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "schemas/reference", root / "schemas/reference")
    shutil.copytree(ROOT / "data/reference", root / "data/reference")
    (root / "data/raw").mkdir(parents=True)
    shutil.copy(ROOT / "data/raw" / ACV, root / "data/raw/acv.csv")
    return root


def test_add_json_on_stdout_and_the_same_text_on_stderr(undeclared) -> None:
    dry = run(undeclared, "add", "data/raw/acv.csv", "--dry-run", "--format", "json")
    assert dry.exit_code == 0, dry.stderr
    plan = json.loads(dry.stdout)
    assert list(plan) == ADD_KEYS
    assert (plan["name"], plan["raw"], plan["dry_run"], plan["valid"]) == (
        "acv", "data/raw/acv.csv", True, None
    )  # fmt: skip
    assert (plan["format"], plan["sheet"], plan["rows"], plan["primary_key"]) == (
        "csv", None, 244, ["insee_com"]
    )  # fmt: skip
    assert plan["dialect"] == {
        "delimiter": ",", "encoding": "utf-8", "decimalChar": ".", "groupChar": "",
        "dateFormat": "%Y-%m-%d",
    }  # fmt: skip
    assert (list(plan["files"]), plan["written"], plan["validation"]) == (ACV_FILES, [], None)
    assert plan["todo"][0] == {
        "file": "schemas/acv/dataset.json", "where": "title", "text": "À COMPLÉTER : titre du jeu"
    }  # fmt: skip
    dry_text = run(undeclared, "add", "data/raw/acv.csv", "--dry-run")
    assert dry.stderr == dry_text.stderr
    assert not (undeclared / "schemas/acv").exists()

    result = run(undeclared, "add", "data/raw/acv.csv", "--format", "json")
    assert result.exit_code == 0, result.stderr
    done = json.loads(result.stdout)
    assert (done["dry_run"], done["valid"], done["written"]) == (False, True, ACV_FILES)
    assert done["files"] == plan["files"]
    for path, content in done["files"].items():  # the document holds what was written
        assert (undeclared / path).read_text(encoding="utf-8") == content
    assert list(done["validation"]) == REPORT_KEYS
    assert (done["validation"]["valid"], done["validation"]["errors"]) == (True, 0)
    assert "VALIDE    acv — 244 lignes, 0 erreur(s)" in result.stderr
    assert result.stderr.startswith("Jeu « acv » depuis data/raw/acv.csv\n")


def test_add_refuses_a_format_it_cannot_render(undeclared) -> None:
    result = run(undeclared, "add", "data/raw/acv.csv", "--format", "markdown")
    assert result.exit_code == 2
    assert (
        "Valeur invalide pour '--format' : 'markdown' n'est pas l'une des valeurs 'text', 'json'."
        in result.stderr
    )
    assert result.stdout == ""
    assert not (undeclared / "schemas/acv").exists()
