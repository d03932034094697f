"""pipeline.json, loaded by Repo on first use."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.errors import ConfigError
from pipeline.repo import Repo
from tests.conftest import MINI_OK, ROOT, tree_bytes


def test_the_repository_config_names_the_organisation() -> None:
    config = Repo(ROOT).config
    assert config.datagouv.organization == "agence-nationale-de-la-cohesion-des-territoires"
    assert config.datagouv.files_url is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://forge.example/anct/pipeline/raw/main/data/published/", None),
        ("http://127.0.0.1:8000/data/published", "http://127.0.0.1:8000/data/published/"),
    ],
)
def test_files_url_is_read_and_ends_with_a_slash(tmp_path: Path, url: str, expected) -> None:
    text = f'{{"datagouv": {{"organization": "anct", "files_url": "{url}"}}}}'
    (tmp_path / "pipeline.json").write_text(text, encoding="utf-8")
    assert Repo(tmp_path).config.datagouv.files_url == (expected or url)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (None, "pipeline.json absent : il doit indiquer datagouv.organization."),
        ("{ broken", "pipeline.json, ligne 1 : le fichier n'est pas un JSON valide (colonne 3)"),
        ('{"datagouv": {}}', "datagouv.organization : clé obligatoire « organization » manquante"),
        ('{"datagouv": {"organization": " "}}', "datagouv.organization : «   » n'a pas la forme"),
        ('{"datagouv": {"organization": 7}}', "datagouv.organization : doit être un texte"),
        (
            '{"datagouv": {"organisation": "x"}}',
            "datagouv.organisation : clé « organisation » inconnue ; vouliez-vous écrire "
            "« organization » ?",
        ),
        (
            '{"datagouv": {"organization": "anct", "files_url": "data/published"}}',
            "datagouv.files_url : doit être l'adresse http(s) où le dépôt sert data/published/",
        ),
        (
            '{"datagouv": {"organization": "anct", "files_url": 7}}',
            "datagouv.files_url : doit être l'adresse http(s)",
        ),
    ],
)
def test_a_bad_config_is_a_configuration_error_naming_the_file(
    tmp_path: Path, text: str | None, error: str
) -> None:
    if text is not None:
        (tmp_path / "pipeline.json").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        Repo(tmp_path).config  # noqa: B018
    assert caught.value.exit_code == 2
    if text is None:
        assert caught.value.message.startswith(str(tmp_path / "pipeline.json"))
    assert error in caught.value.message


def test_only_publishing_reads_the_config(mini) -> None:
    root = mini(MINI_OK)  # no pipeline.json
    runner = CliRunner()
    assert runner.invoke(cli, ["--root", str(root), "validate"]).exit_code == 0
    before = tree_bytes(root / "data/published")
    result = runner.invoke(
        cli,
        ["--root", str(root), "publish", "--to", "http://127.0.0.1:9"],
        env={"DATAGOUV_API_KEY": "udata_not-used"},
    )
    assert result.exit_code == 2
    assert f"Erreur : {root / 'pipeline.json'} absent" in result.stderr
    assert tree_bytes(root / "data/published") == before  # nothing built, nothing sent
