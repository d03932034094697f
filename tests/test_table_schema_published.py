"""What is published for each Table Schema type: the canonical text of the CSV, the JSON
value, and a package that frictionless reads back with its published schema; and what the
engine refuses when a schema is loaded (exit 2, the field and the JSON path named)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from frictionless import Package

from tests.conftest import MINI_SCHEMA, findings, run

FIELDS = [
    {"name": "id", "type": "integer"},
    {"name": "montant", "type": "number", "decimalChar": ",", "groupChar": " "},
    {"name": "grand", "type": "integer", "x-parquet-decimal": {"precision": 40, "scale": 0}},
    {"name": "actif", "type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]},
    {"name": "jour", "type": "date", "format": "%d/%m/%Y"},
    {"name": "horodatage", "type": "datetime", "format": "%Y-%m-%d %H:%M:%S%z"},
    {"name": "heure", "type": "time"},
    {"name": "mois", "type": "yearmonth"},
    {"name": "duree", "type": "duration"},
    {"name": "point", "type": "geopoint"},
    {"name": "attributs", "type": "object"},
    {"name": "valeurs", "type": "array"},
    {"name": "codes", "type": "list", "itemType": "integer", "delimiter": ";"},
    {"name": "forme", "type": "geojson"},
    {"name": "courriel", "type": "string", "format": "email"},
    {"name": "note", "type": "number"},
]
RAW = [
    [
        "1",
        "1 234,50",
        "+00170141183460469231731687303715884105728",
        "oui",
        "5/1/2024",
        "2024-01-05 10:30:00+0100",
        "24:00:00",
        "2024-1",
        "P1DT2H",
        " 2.35 , 48.85 ",
        '{"b": 1, "a": [true, null]}',
        "[1, 2.50]",
        "01;+2;3",
        '{"type": "Point", "coordinates": [2.35, 48.85]}',
        "a@b.fr",
        "1.5e3",
    ],
    [
        "2",
        "-0",
        "-7",
        "non",
        "29/02/2024",
        "2024-01-05 10:30:00Z",
        "10:00:00.5+01:00",
        "2024-12",
        "PT0.5S",
        "0,0",
        "{}",
        "[]",
        "4",
        '{"type": "Feature", "geometry": null, "properties": null}',
        "x@y.fr",
        "NaN",
    ],
]


def _mini(mini, fields=FIELDS, raw=RAW):
    header = [f["name"] for f in fields]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *raw])
    root = mini(buffer.getvalue())
    schema = {**MINI_SCHEMA, "fields": fields, "primaryKey": ["id"]}
    schema.pop("foreignKeys")
    (root / "schemas/mini/mini.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    meta_path = root / "schemas/mini/dataset.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["homepage"] = "https://agence-cohesion-territoires.gouv.fr"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    return root


def test_every_type_is_published_in_its_canonical_form(mini):
    root = _mini(mini)
    code, items = findings(root, "mini")
    assert code == 0, items
    assert run(root, "build", "mini").exit_code == 0
    folder = root / "data/published/mini"
    rows = list(csv.reader(io.StringIO((folder / "mini.csv").read_text(encoding="utf-8"))))
    assert rows[1:] == [
        [
            "1",
            "1234.5",
            "170141183460469231731687303715884105728",
            "true",
            "2024-01-05",
            "2024-01-05T10:30:00+01:00",
            "00:00:00",
            "2024-01",
            "P1DT2H",
            "2.35,48.85",
            '{"b":1,"a":[true,null]}',
            "[1,2.5]",
            "1;2;3",
            '{"type":"Point","coordinates":[2.35,48.85]}',
            "a@b.fr",
            "1500",
        ],
        [
            "2",
            "0",
            "-7",
            "false",
            "2024-02-29",
            "2024-01-05T10:30:00Z",
            "10:00:00.500000+01:00",
            "2024-12",
            "PT0.5S",
            "0,0",
            "{}",
            "[]",
            "4",
            '{"type":"Feature","geometry":null,"properties":null}',
            "x@y.fr",
            "NaN",
        ],
    ]
    records = json.loads((folder / "mini.json").read_text(encoding="utf-8"))
    assert records[0]["grand"] == 2**127 and records[1]["grand"] == -7  # every digit kept
    assert records[0]["point"] == [2.35, 48.85]
    assert records[0]["attributs"] == {"b": 1, "a": [True, None]}
    assert records[0]["codes"] == [1, 2, 3]
    assert records[0]["forme"]["type"] == "Point"
    assert records[0]["heure"] == "00:00:00"
    assert records[1]["note"] is None  # NaN has no JSON form (the CSV says NaN)
    assert records[1]["actif"] is False
    # the published schema reads the published text: frictionless agrees
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    published = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert "decimalChar" not in published["montant"] and "trueValues" not in published["actif"]
    assert "format" not in published["jour"]
    report = Package(str(folder / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.mark.parametrize(
    "fmt, raw, text",
    [
        ("array", "[2.350, 48.850]", "[2.35,48.85]"),
        ("object", '{"lat": 48.850, "lon": 2.35}', '{"lon":2.35,"lat":48.85}'),
    ],
)
def test_a_geopoint_keeps_its_format_when_published(mini, fmt, raw, text):
    """One geopoint per table (two would make the GeoJSON copy ambiguous, refused)."""
    fields = [{"name": "id", "type": "integer"}, {"name": "p", "type": "geopoint", "format": fmt}]
    root = _mini(mini, fields, [["1", raw]])
    assert run(root, "build", "mini").exit_code == 0
    folder = root / "data/published/mini"
    assert (folder / "mini.csv").read_text(encoding="utf-8").splitlines()[1] == f"1,{_csv(text)}"
    assert json.loads((folder / "mini.json").read_text(encoding="utf-8"))[0]["p"] == [2.35, 48.85]
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["resources"][0]["schema"]["fields"][1]["format"] == fmt
    report = Package(str(folder / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def _csv(value: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([value])
    return buffer.getvalue()


REFUSED = [
    ({"name": "v", "type": "dat"}, "fields[0].type", "type « dat » inconnu"),
    ({"name": "v", "type": "string", "format": "wkt"}, "fields[0].format", "wkt"),
    ({"name": "v", "type": "geojson", "format": "topojson"}, "fields[0].format", "topojson"),
    (
        {"name": "v", "type": "array", "arrayItem": {"type": "integer"}},
        "fields[0].arrayItem",
        "« arrayItem » inconnue du moteur",
    ),
    (
        {"name": "v", "type": "string", "constraints": {"pattern": "(?=a)a"}},
        "fields[0].constraints.pattern",
        "assertions",
    ),
    (
        {"name": "v", "type": "string", "constraints": {"pattern": "(a)\\1"}},
        "fields[0].constraints.pattern",
        "références",
    ),
    (
        {"name": "v", "type": "string", "constraints": {"pattern": "\\bx"}},
        "fields[0].constraints.pattern",
        "limites de mot",
    ),
    (
        {"name": "v", "type": "string", "constraints": {"pattern": "a$\\n"}},
        "fields[0].constraints.pattern",
        "« $ » suivi",
    ),
    (
        {"name": "v", "type": "string", "constraints": {"pattern": "(?i)a"}},
        "fields[0].constraints.pattern",
        "drapeaux globaux",
    ),
    (
        {"name": "v", "type": "string", "constraints": {"pattern": "a{2000}"}},
        "fields[0].constraints.pattern",
        "1000",
    ),
    ({"name": "v", "type": "date", "format": "%j/%Y"}, "fields[0].format", "%j"),
    ({"name": "v", "type": "date", "format": "%Q"}, "fields[0].format", "%Q"),
    ({"name": "v", "type": "date", "format": "le jour"}, "fields[0].format", "aucune directive"),
    (
        {"name": "v", "type": "integer", "constraints": {"minimum": "abc"}},
        "fields[0].constraints.minimum",
        "abc",
    ),
    (
        {"name": "v", "type": "integer", "constraints": {"maximum": 0.5}},
        "fields[0].constraints.maximum",
        "0.5",
    ),
    (
        {"name": "v", "type": "number", "constraints": {"minimum": "NaN"}},
        "fields[0].constraints.minimum",
        "NaN",
    ),
    (
        {"name": "v", "type": "integer", "constraints": {"enum": [1, "x"]}},
        "fields[0].constraints.enum[1]",
        "« x »",
    ),
    (
        {"name": "v", "type": "string", "constraints": {"enum": ["a", 1]}},
        "fields[0].constraints.enum[1]",
        "« 1 » ne se lit pas comme une valeur string",
    ),
    (
        {"name": "v", "type": "boolean", "constraints": {"minimum": 1}},
        "fields[0].constraints.minimum",
        "« minimum » non prise en charge pour le type boolean",
    ),
    (
        {"name": "v", "type": "object", "constraints": {"unique": True}},
        "fields[0].constraints.unique",
        "n'est pas vérifiable sur le type object",
    ),
    ({"name": "v", "type": "list", "delimiter": ""}, "fields[0].delimiter", "texte non vide"),
    (
        {"name": "v", "type": "list", "itemType": "object"},
        "fields[0].itemType",
        "« itemType » doit être l'un de",
    ),
    ({"name": "v", "type": "string", "foo": 1}, "fields[0].foo", "« foo » inconnue du moteur"),
]


@pytest.mark.parametrize(("fdesc", "path", "word"), REFUSED, ids=[w for _, _, w in REFUSED])
def test_what_the_engine_does_not_check_is_refused_at_load(mini, fdesc, path, word):
    root = mini("v\nx\n")
    schema = {**MINI_SCHEMA, "fields": [fdesc]}
    for key in ("primaryKey", "foreignKeys"):
        schema.pop(key)
    (root / "schemas/mini/mini.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    result = run(root, "validate", "mini")
    assert result.exit_code == 2, result.output
    assert "mini.schema.json" in result.output and path in result.output
    assert word in result.output and "« v »" in result.output
    assert "Traceback" not in result.output


def test_a_key_over_unhashable_values_is_refused(mini):
    root = mini("v\n[1]\n")
    schema = {**MINI_SCHEMA, "fields": [{"name": "v", "type": "array"}], "primaryKey": "v"}
    schema.pop("foreignKeys")
    (root / "schemas/mini/mini.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    result = run(root, "validate", "mini")
    assert result.exit_code == 2
    assert "primaryKey" in result.output and "« v »" in result.output
