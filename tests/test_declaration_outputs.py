"""Declaration errors in every output format, the line of a JSON path, and the JSON Schemas
published for editors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from pipeline.declarations import composed
from pipeline.declarations.jsonfile import format_path, locate, parse_path, read_json
from tests.conftest import MINI_OK, ROOT, run, tree_bytes

TEXT = """{
  "name": "x",
  "resources": [
    {
      "name": "a \\" } [ b",
      "source": {"path": "data/raw/a.csv",
                 "dialect": {"delimiter": ";"}}
    },
    "plain",
    [1, {"deep": true}]
  ],
  "odd key.with dots": {"[0]": null},
  "name": "y"
}
"""


def test_the_line_of_each_json_path() -> None:
    found = locate(TEXT)
    assert found.line(()) == 1
    assert found.line(("name",)) == 2
    assert found.line(("resources",)) == 3
    assert found.line(("resources", 0)) == 4
    assert found.line(("resources", 0, "name")) == 5
    assert found.line(("resources", 0, "source", "path")) == 6
    assert found.line(("resources", 0, "source", "dialect", "delimiter")) == 7
    assert found.line(("resources", 1)) == 9
    assert found.line(("resources", 2, 1, "deep")) == 10
    assert found.line(("odd key.with dots", "[0]")) == 12
    # a key that is not there: the line of its nearest ancestor
    assert found.line(("resources", 0, "source", "format")) == 6
    assert found.line(("resources", 7, "name")) == 3
    assert found.duplicates == [("name",)]


def test_json_paths_are_written_and_read_back() -> None:
    for path in [
        (),
        ("resources", 0, "source", "path"),
        ("fields", 3, "constraints", "enum", 1),
        ("uniqueKeys", 0, 1),
        ("odd key.with dots", "[0]", 'quote"d'),
        ("enrich", 0, "on", "insee_com"),
    ]:
        assert parse_path(format_path(path)) == path
    assert format_path(("resources", 0, "schema")) == "resources[0].schema"
    assert format_path(("a b", 2)) == '["a b"][2]'


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b'{"a": 1,}', 1, "virgule en trop"),
        (b'{\n  "a": "\xe9t\xe9"\n}', 2, "Windows-1252"),
        (b"", 1, "vide"),
        (b'{"a": 1}\n{"b": 2}', 2, "après la fin"),
        (b'{\n "a": "\\d"\n}', 2, "barre oblique inverse"),
        (b'{\n\n "a": [1, 2\n', 4, "virgule"),
    ],
)
def test_unreadable_files_say_why_and_where(data: bytes, line: int, words: str) -> None:
    text = read_json(data)
    assert not text.ok
    assert text.error is not None
    assert text.error[0] == line
    assert words in text.error[1]


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b'{"a": "NaN",\n "b": [1, -Infinity]}', 2, "le fichier n'est pas un JSON valide : "
         "-Infinity n'est pas une valeur JSON : écrivez un nombre, ou null"),
        (b'{"a": "1",\n "b": ' + b"1" * 5000 + b"}", 2, "le fichier n'est "
         "pas un JSON accepté : nombre de plus de 4 300 chiffres"),
        (b'{"a":\n' + b"[" * 101 + b"]" * 101 + b"}", 2, "le fichier n'est pas un JSON "
         "accepté : plus de 100 objets ou listes imbriqués les uns dans les autres"),
    ],
)  # fmt: skip
def test_json_refused_unparsed_is_told_on_its_line(data: bytes, line: int, message: str) -> None:
    """NaN and Infinity, integers Python will not convert and nesting that would exhaust the
    stack: each refused with the line of the first one."""
    assert read_json(data).error == (line, message)


def test_a_bom_is_accepted() -> None:
    assert read_json(b'\xef\xbb\xbf{"a": 1}').value == {"a": 1}


def test_the_schemas_published_for_editors_are_up_to_date_and_valid() -> None:
    for name, text in composed.published().items():
        path = ROOT / "docs" / "schemas" / name
        assert path.read_text(encoding="utf-8") == text, (
            f"docs/schemas/{name} is stale: run `python -m pipeline.declarations.composed`"
        )
        Draft7Validator.check_schema(json.loads(text))


def test_every_committed_dataset_json_follows_the_published_schema() -> None:
    schema = json.loads((ROOT / "docs/schemas/dataset.schema.json").read_text(encoding="utf-8"))
    validator = Draft7Validator(schema)
    for path in sorted((ROOT / "schemas").glob("*/dataset.json")):
        errors = list(validator.iter_errors(json.loads(path.read_text(encoding="utf-8"))))
        assert errors == [], (path, errors[0].message)


def test_the_schema_knows_every_derive_kind_figure_method_and_declared_check() -> None:
    """Each comes from its class's ``options_schema``: one place per schema."""
    from pipeline.checks import FIGURES, REGISTRY
    from pipeline.derive import DERIVATIONS

    schema = composed.dataset_schema()
    defs = schema["definitions"]
    assert defs["derive"]["properties"]["kind"]["enum"] == sorted(DERIVATIONS)
    assert defs["figure-method"]["properties"]["method"]["enum"] == sorted(FIGURES)
    for name, cls in DERIVATIONS.items():
        branch = next(
            b for b in defs["derive"]["allOf"] if b["if"]["properties"]["kind"]["const"] == name
        )
        assert branch["then"] is cls.options_schema
    checks = defs["check"]["properties"]["check"]["enum"]
    assert sorted(checks) == sorted(set(REGISTRY) - set(composed.IMPLICIT_CHECKS))


def test_every_options_schema_is_a_valid_json_schema() -> None:
    """The options schemas are checked against JSON Schema's metaschema here, once, and not
    at every run (:mod:`pipeline.options`)."""
    from jsonschema.validators import validator_for

    from pipeline.checks import FIGURES, REGISTRY
    from pipeline.checks.figures import DECLARATION
    from pipeline.derive import DERIVATIONS

    classes = [*REGISTRY.values(), *FIGURES.values(), *DERIVATIONS.values()]
    schemas = [cls.options_schema for cls in classes] + [DECLARATION]
    assert len(schemas) > 20
    for schema in schemas:
        validator_for(schema).check_schema(schema)


def test_the_licences_publish_maps_are_those_dataset_json_is_checked_against() -> None:
    assert composed.licences()["etalab-2.0"] == "lov2"
    assert composed.licences()["ODbL-1.0"] == "odc-odbl"
    enum = composed.dataset_schema()["properties"]["licenses"]["items"]["properties"]["name"]
    assert enum["enum"] == list(composed.licences())


# --- the CLI, in every format -----------------------------------------------------------


def broken_mini(mini) -> Path:
    """The mini dataset with two mistakes in dataset.json and one in its Table Schema."""
    root = mini(MINI_OK)
    path = root / "schemas/mini/dataset.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["resources"][0]["source"]["dialect"]["delimeter"] = ";"
    meta["licenses"][0]["name"] = "etalab"
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    schema_path = root / "schemas/mini/mini.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["primaryKey"] = ["ident"]
    schema_path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    return root


def line_of(root: Path, rel: str, path: str) -> int:
    return locate((root / rel).read_text(encoding="utf-8")).line(parse_path(path))


EXPECTED = [
    ("schemas/mini/dataset.json", "licenses[0].name"),
    ("schemas/mini/dataset.json", "resources[0].source.dialect.delimeter"),
    ("schemas/mini/mini.schema.json", "primaryKey[0]"),
]


def test_text_lists_every_problem_on_stderr(mini) -> None:
    root = broken_mini(mini)
    result = run(root, "validate")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Erreur : 3 erreur(s) dans les déclarations")
    for file, path in EXPECTED:
        line = line_of(root, file, path)
        assert any(x.startswith(f"  - {file}, ligne {line}, {path} : ") for x in lines), path


def test_json_gives_declaration_error_findings_with_file_and_line(mini) -> None:
    root = broken_mini(mini)
    result = run(root, "validate", "--format", "json")
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["valid"] is False and report["errors"] == 3
    found = [(f["file"], f["check"], f["line"], f["code"]) for f in report["findings"]]
    assert found == [
        (file, path, line_of(root, file, path), "declaration-error") for file, path in EXPECTED
    ]
    assert all(f["dataset"] == "mini" for f in report["findings"])
    assert report["findings"][1]["message"].startswith(
        "resources[0].source.dialect.delimeter : clé « delimeter » inconnue ; vouliez-vous "
        "écrire « delimiter » ?"
    )


def test_github_annotates_each_mistake_on_its_own_line(mini) -> None:
    root = broken_mini(mini)
    result = run(root, "validate", "--format", "github")
    assert result.exit_code == 2
    annotations = [x for x in result.stderr.splitlines() if x.startswith("::error ")]
    assert len(annotations) == 3
    for (file, path), annotation in zip(EXPECTED, annotations, strict=True):
        line = line_of(root, file, path)
        assert annotation.startswith(
            f"::error file={file},line={line},title=mini %3A declaration-error::"
        )
        assert path in annotation
    assert "Erreur : 3 erreur(s) dans les déclarations" in result.stderr


def test_markdown_and_html_carry_the_findings(mini, tmp_path: Path) -> None:
    root = broken_mini(mini)
    result = run(root, "validate", "--format", "markdown")
    assert result.exit_code == 2
    assert "declaration-error" in result.stdout or "delimeter" in result.stdout
    assert "schemas/mini/dataset.json" in result.stdout
    out = tmp_path / "rapport.html"
    result = run(root, "validate", "--format", "html", "--output", str(out))
    assert result.exit_code == 2
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "delimeter" in page and "schemas/mini/mini.schema.json" in page


def test_build_and_publish_stop_before_writing(mini) -> None:
    root = broken_mini(mini)
    before = tree_bytes(root / "data/published")
    result = run(root, "build", "--format", "json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["findings"][0]["code"] == "declaration-error"
    from click.testing import CliRunner

    from pipeline.cli import cli

    (root / "pipeline.json").write_text('{"datagouv": {"organization": "Mon Orga"}}')
    result = CliRunner().invoke(
        cli,
        ["--root", str(root), "publish", "--to", "http://127.0.0.1:9"],
        env={"DATAGOUV_API_KEY": "udata_not-used"},
    )
    assert result.exit_code == 2
    assert "pipeline.json, ligne 1, datagouv.organization" in result.stderr
    assert "resources[0].source.dialect.delimeter" in result.stderr  # all problems, together
    assert tree_bytes(root / "data/published") == before


def test_a_dataset_json_may_name_its_schema_and_leave_out_homepage(mini) -> None:
    """``$schema`` is allowed (editors complete and underline with it); without homepage the
    datapackage.json leaves the key out, and frictionless accepts it."""
    from frictionless import Package

    root = mini(MINI_OK)
    path = root / "schemas/mini/dataset.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    assert "homepage" not in meta
    meta = {"$schema": "../../docs/schemas/dataset.schema.json", **meta}
    path.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    result = run(root, "build", "mini")
    assert result.exit_code == 0, result.stderr
    folder = root / "data/published/mini"
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert "homepage" not in descriptor and descriptor["created"] == "2024-01-01T00:00:00Z"
    assert "$schema" not in descriptor
    report = Package.validate_descriptor(descriptor, basepath=str(folder))
    assert report.valid, [e.note for e in report.errors]


def test_types_of_the_engine_are_checked_from_its_table_and_the_others_by_gx() -> None:
    """A type of the engine's table (pipeline.sql.expectations.EXPECTATIONS, compiled or run
    by GX) is checked from that table, without GX: its arguments, the values its message can
    cite (a column aggregate cites ``observed`` and its arguments, not a field). A type only GX
    knows is checked by GX itself; a type nobody knows is refused with the closest one."""
    from pipeline.declarations.suites import SUPPORTED, check_suite
    from pipeline.declarations.values import Engine

    suite = {
        "expectations": [
            {"type": "expect_column_mean_to_be_between", "kwargs": {"column": "pop", "minimum": 1}},
            {
                "type": "expect_column_mean_to_be_between",
                "kwargs": {"column": "pop", "min_value": 1},
                "meta": {"message": "Moyenne {observed} (au moins {min_value}) pour {lib}."},
            },
            {"type": "expect_column_mean_to_be_betwen", "kwargs": {"column": "pop"}},
            {
                "type": "expect_column_values_to_match_strftime_format",
                "kwargs": {"column": "lib", "strftime": "%Y"},
            },
        ]
    }
    found: list = []
    columns = {"pop": "integer", "lib": "string"}
    check_suite(suite, columns, Engine(), lambda path, text: found.append((path, text)), "s.json")
    assert found == [
        (
            ("expectations", 0, "kwargs", "minimum"),
            "clé « minimum » inconnue ; clés permises : catch_exceptions, column, "
            "condition_parser, max_value, meta, min_value, result_format, row_condition, "
            "strict_max, strict_min",
        ),
        (
            ("expectations", 0, "kwargs"),
            "ajoutez au moins une borne : « min_value » ou « max_value »",
        ),
        (
            ("expectations", 1, "meta", "message"),
            "le message cite « {lib} », qui n'est pas une valeur connue ; valeurs possibles (les "
            "arguments de l'attente et « observed ») : column, min_value, observed",
        ),
        (
            ("expectations", 2, "type"),
            "type d'attente « expect_column_mean_to_be_betwen » inconnu ; vouliez-vous écrire "
            "« expect_column_mean_to_be_between » ? Types compilés par le pipeline : "
            + ", ".join(SUPPORTED),
        ),
        (
            ("expectations", 3, "kwargs", "strftime_format"),
            "clé obligatoire manquante : ajoutez-la",
        ),
        (
            ("expectations", 3, "kwargs", "strftime"),
            "argument inconnu de Great Expectations pour ce type : retirez-le ou corrigez son nom",
        ),
    ]
