"""Mistakes in computed fields (``computed`` in dataset.json; the ``computed-*`` cases of
tests/declaration_cases.py) are refused at load: validate, build and publish (local, or to a
server never reached) exit 2 with the same French message naming the declaration file, its
line and JSON path, and data/published/ stays as it was. A raw file whose header the load
check cannot read keeps exactly the findings the engine gives it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from tests.conftest import copy_repo
from tests.declaration_cases import CASES, FS_DS, FS_RAW, edit, res
from tests.test_declarations import Corpus

HEAD = (
    "Erreur : 1 erreur(s) dans les déclarations (schemas/, pipeline.json) : rien n'a été "
    "validé, construit ni publié. Corrigez-les puis relancez.\n"
)
FS = "schemas/france-services/dataset.json, ligne"
TI = "schemas/territoires-d-industrie/dataset.json, ligne"
FS_FIELDS = (
    "Champs : id_fs, insee_dep, lib_fs, adresse, complement_adresse, insee_com, code_postal, "
    "lib_com, latitude, longitude, mail, telephone, h_lundi, h_mardi, h_mercredi, h_jeudi, "
    "h_vendredi, h_samedi, prise_rdv, commentaire, type_fs, format_fs, groupe_fs, "
    "labellisation_fs, date_labellisation"
)
RENAME = (
    ": sa valeur calculée remplacerait sans bruit celle du fichier ; donnez-lui un autre nom "
    "(dans « computed » et dans le Table Schema), ou retirez cette déclaration si le fichier "
    "fournit lui-même cette colonne"
)
PROBLEMS = {  # case -> its one problem, exactly
    "computed-raw-column": f"{FS} 85, resources[0].computed[0].name : le champ calculé "
    "« lib_com » porte le nom de la colonne 8 du fichier brut "
    f"« data/raw/anct_france_services_20240801.csv » {RENAME}",
    "computed-raw-column-earlier-edition": f"{FS} 85, resources[0].computed[0].name : le champ "
    "calculé « date_labellisation » porte le nom de la colonne 26 du fichier brut "
    f"« data/raw/anct_france_services_20240701.csv » (édition du 2024-07-01) {RENAME}",
    "computed-raw-column-workbook": f"{FS} 86, resources[0].computed[0].name : le champ "
    "calculé « date_labellisation » porte le nom de la colonne 25 du fichier brut "
    f"« data/raw/anct_france_services_20240801.xlsx » {RENAME}",
    "computed-twice": f"{FS} 91, resources[0].computed[1].name : le champ "
    "« date_labellisation » est déjà calculé par computed[0] : seule la dernière déclaration "
    "serait appliquée, sans bruit ; gardez-en une seule",
    "computed-on-derived-table": f"{TI} 163, resources[1].computed : « computed » extrait un "
    "champ d'une colonne du fichier brut ; une ressource calculée (« derive ») n'a pas de "
    "fichier brut, sa dérivation produit tous ses champs : retirez « computed »",
    "computed-from-itself": f"{FS} 86, resources[0].computed[0].from : « date_labellisation » "
    "est lui-même calculé : « from » nomme une colonne du fichier brut",
    "computed-unknown-from": f"{FS} 86, resources[0].computed[0].from : champ « labellisation » "
    "inconnu de la ressource « france-services » ; vouliez-vous écrire « labellisation_fs » ? "
    f"{FS_FIELDS}",
    "computed-name-unknown": f"{FS} 85, resources[0].computed[0].name : champ « date_label » "
    "inconnu de la ressource « france-services » ; vouliez-vous écrire « date_labellisation » ? "
    f"{FS_FIELDS}",
    "computed-fewer-groups": f"{FS} 88, resources[0].computed[0].replace : le remplacement "
    "« \\3-\\2-\\1 » cite le groupe \\3 mais le motif n'a que 2 groupe(s) entre parenthèses",
}
COMMANDS = [("validate",), ("build",), ("publish",), ("publish", "--to", "http://127.0.0.1:9")]
BY_ID = {case.id: case for case in CASES}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Corpus:
    return Corpus(copy_repo(tmp_path_factory.mktemp("computed") / "repo"))


def invoke(root: Path, *args: str):
    env = {"DATAGOUV_API_KEY": "cle-de-test"}  # publish --to reaches the load, never the server
    return CliRunner().invoke(cli, ["--root", str(root), *args], env=env, catch_exceptions=False)


def test_every_computed_case_of_the_corpus_has_its_message_here() -> None:
    regex = {"computed-bad-regex", "computed-bad-replace"}  # RE2's words: the corpus tests them
    assert set(PROBLEMS) == {c for c in BY_ID if c.startswith("computed-")} - regex


@pytest.mark.parametrize("case_id", sorted(PROBLEMS))
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_computed_field_mistake_is_refused_at_load(
    corpus: Corpus, case_id: str, command: tuple[str, ...]
) -> None:
    root = corpus.fresh()
    BY_ID[case_id].mutate(root)
    result = invoke(root, *command)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"{HEAD}  - {PROBLEMS[case_id]}\n"
    assert corpus.published_unchanged() and corpus.published_identical()


def _header_not_utf8(root: Path) -> dict:
    data = (root / FS_RAW).read_bytes().replace(b'"adresse"', b'"adress\xe9"', 1)
    return {"path": "data/raw/illisible.csv", "bytes": data}


def _header_not_cp1252(root: Path) -> dict:
    data = (root / FS_RAW).read_bytes().replace(b'"adresse"', b'"adress\x81"', 1)
    dialect = {"delimiter": ",", "encoding": "cp1252"}
    return {"path": "data/raw/illisible.csv", "bytes": data, "dialect": dialect}


UNREADABLE: dict[str, tuple[Callable[[Path], dict], str]] = {
    "header-not-utf8": (_header_not_utf8, "encoding-error"),
    "header-not-cp1252": (_header_not_cp1252, "encoding-error"),
    "empty-file": (lambda root: {"path": "data/raw/vide.csv", "bytes": b""}, "source-error"),
    "damaged-workbook": (
        lambda root: {"path": "data/raw/abime.xlsx", "bytes": b"PK\x03\x04abime", "format": "xlsx"},
        "format-error",
    ),
}


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_a_raw_file_the_header_check_cannot_read_keeps_its_findings(
    corpus: Corpus, name: str
) -> None:
    """The computed field is renamed ``lib_com``, a column of the real header: the check
    would refuse it if it read the header, but the file does not read; validating it gives
    the findings the same file gives with the field left as it was."""
    make, code = UNREADABLE[name]
    reports = []
    for renamed in (False, True):
        root = corpus.fresh()
        spec = make(root)
        (root / spec["path"]).write_bytes(spec.pop("bytes"))

        def change(d: dict, spec=spec, renamed=renamed) -> None:
            res(d)["source"].update(spec)
            if renamed:
                res(d)["computed"][0]["name"] = "lib_com"

        edit(FS_DS, change)(root)
        result = invoke(root, "validate", "--format", "json", "france-services")
        assert result.exit_code == 1, result.output
        reports.append(json.loads(result.stdout)["findings"])
    assert reports[1] == reports[0]
    assert [f["code"] for f in reports[0]] == [code]
    assert corpus.published_unchanged()
