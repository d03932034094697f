"""Parquet, GeoJSON and pictures: the committed packages, the writers on edge cases, a small
end-to-end build with rows lacking coordinates, and determinism."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from frictionless import Package
from PIL import Image

from pipeline.errors import ConfigError, DataError
from pipeline.geojson import FRANCE_BOXES, coordinate_fields, write_geojson
from pipeline.numbers_fr import de
from pipeline.parquet import ROW_GROUP_ROWS, SCHEMA_KEY, parquet_bytes
from pipeline.picture import check_picture
from tests.conftest import ROOT, copy_repo, run, tree_bytes

PUBLISHED = ROOT / "data/published"
PACKAGES = sorted(p.name for p in PUBLISHED.iterdir() if p.is_dir())
ARROW = {
    "integer": pa.int64(),
    "year": pa.int64(),
    "number": pa.float64(),
    "date": pa.date32(),
    "datetime": pa.timestamp("us", tz="UTC"),
    "boolean": pa.bool_(),
}


def descriptor(name: str) -> dict:
    return json.loads((PUBLISHED / name / "datapackage.json").read_text(encoding="utf-8"))


def typed(value: str, ftype: str):
    """A CSV cell as the Python value its declared type gives."""
    if value == "":
        return None
    if ftype in ("integer", "year"):
        return int(value)
    if ftype == "number":
        return float(value)
    if ftype == "date":
        return dt.date.fromisoformat(value)
    if ftype == "boolean":
        return {"true": True, "false": False}[value]
    return value


def csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# -- the committed packages -------------------------------------------------------------------


@pytest.mark.parametrize("name", PACKAGES)
def test_parquet_equals_csv_cell_for_cell_with_declared_types(name):
    for resource in descriptor(name)["resources"]:
        if resource["format"] != "csv":
            continue
        schema = resource["schema"]
        parquet = PUBLISHED / name / resource["path"].replace(".csv", ".parquet")
        table = pq.read_table(parquet)
        assert table.column_names == [f["name"] for f in schema["fields"]]
        for fdesc in schema["fields"]:
            expected = ARROW.get(fdesc.get("type", "string"), pa.string())
            assert table.schema.field(fdesc["name"]).type == expected, fdesc["name"]
        rows = csv_rows(PUBLISHED / name / resource["path"])
        assert table.num_rows == len(rows)
        types = {f["name"]: f.get("type", "string") for f in schema["fields"]}
        got = table.to_pylist()
        for line, (row, back) in enumerate(zip(rows, got, strict=True), start=2):
            want = {k: typed(v, types[k]) for k, v in row.items()}
            assert back == want, f"{parquet.name}, ligne {line} du CSV"


@pytest.mark.parametrize("name", PACKAGES)
def test_parquet_file_layout_and_embedded_schema(name):
    for resource in descriptor(name)["resources"]:
        if resource["format"] != "parquet":
            continue
        path = PUBLISHED / name / resource["path"]
        meta = pq.read_metadata(path)
        assert meta.num_row_groups == 1  # small tables: one row group
        assert meta.created_by == f"parquet-cpp-arrow version {pa.__version__}"
        assert json.loads(meta.metadata[SCHEMA_KEY]) == resource["schema"]
        assert b"pandas" not in meta.metadata
        assert {meta.row_group(0).column(i).compression for i in range(meta.num_columns)} == {
            "ZSTD"
        }
        assert resource["mediatype"] == "application/vnd.apache.parquet"


@pytest.mark.parametrize("name", PACKAGES)
def test_frictionless_validates_every_package(name):
    package = Package(str(PUBLISHED / name / "datapackage.json"))
    report = package.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    formats = [r["format"] for r in descriptor(name)["resources"]]
    assert formats.count("parquet") == formats.count("csv")
    assert formats[-2:] == ["svg", "png"]


def test_france_services_geojson_is_rfc7946_inside_france():
    collection = json.loads((PUBLISHED / "france-services/france-services.geojson").read_bytes())
    assert list(collection) == ["type", "features"]  # no crs member (RFC 7946 §4)
    assert collection["type"] == "FeatureCollection"
    rows = {
        row["id_fs"]: row for row in csv_rows(PUBLISHED / "france-services/france-services.csv")
    }
    assert len(collection["features"]) == len(rows) == 2845
    boxes = list(FRANCE_BOXES.values())
    schema = descriptor("france-services")["resources"][0]["schema"]
    types = {f["name"]: f.get("type", "string") for f in schema["fields"]}
    for feature in collection["features"]:
        assert list(feature) == ["type", "id", "geometry", "properties"]
        assert feature["type"] == "Feature"
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        row = rows[feature["id"]]
        assert (lon, lat) == (float(row["longitude"]), float(row["latitude"]))  # lon, lat order
        assert any(a <= lat <= b and c <= lon <= d for a, b, c, d in boxes)
        props = feature["properties"]
        assert list(props) == list(row)
        json_types = {k: "string" if t == "date" else t for k, t in types.items()}
        assert props == {k: typed(v, json_types[k]) for k, v in row.items()}


def test_readme_shows_the_picture_first_and_documents_the_formats():
    readme = (PUBLISHED / "france-services/README.md").read_text(encoding="utf-8")
    assert readme.splitlines()[2] == "![Les structures France services](apercu.svg)"
    assert "`france-services.parquet` | parquet | 2845 |" in readme
    assert "`france-services.geojson` | geojson | 2845 |" in readme
    assert 'pd.read_parquet("france-services.parquet")' in readme
    assert "SELECT * FROM 'france-services.parquet'" in readme
    assert "Toutes les lignes ont des coordonnées utilisables." in readme
    tiers = (PUBLISHED / "tiers-lieux/README.md").read_text(encoding="utf-8")
    assert "Pas de GeoJSON : aucune table de ce paquet n'a de coordonnées" in tiers


@pytest.mark.parametrize("name", PACKAGES)
def test_pictures_carry_no_date_nor_software(name):
    svg = (PUBLISHED / name / "apercu.svg").read_text(encoding="utf-8")
    assert "<dc:date>" not in svg
    assert "Matplotlib v" not in svg
    title = descriptor(name)["resources"][-1]["title"].removeprefix("Aperçu : ")
    assert f"<!-- {title.removesuffix(' (PNG)')} -->" in svg.replace("&apos;", "'")
    with Image.open(PUBLISHED / name / "apercu.png") as image:
        assert image.format == "PNG" and image.width >= 1000
        assert "Software" not in image.info


@pytest.mark.parametrize(
    ("unit", "label"),
    [
        ("accompagnements", "Nombre d'accompagnements"),
        ("habitants", "Nombre d'habitants"),  # h muet
        ("hameaux", "Nombre de hameaux"),  # h aspiré
        ("élus", "Nombre d'élus"),
        ("Yvelinois", "Nombre d'Yvelinois"),
        ("yaourts", "Nombre de yaourts"),  # y before a vowel is a consonant
        ("communes", "Nombre de communes"),
        ("tiers-lieux", "Nombre de tiers-lieux"),
    ],
)
def test_axis_label_elides_de_before_a_vowel_or_mute_h(unit, label):
    assert f"Nombre {de(unit)}" == label


def test_committed_bar_chart_label_is_elided():
    svg = (PUBLISHED / "immobilier-commercial/apercu.svg").read_text(encoding="utf-8")
    assert "<!-- Nombre d'accompagnements -->" in svg.replace("&apos;", "'")
    assert "Nombre de accompagnements" not in svg
    for name in PACKAGES:
        text = (PUBLISHED / name / "apercu.svg").read_text(encoding="utf-8")
        assert not re.search(r"<!-- Nombre de [aeiouéèêàâîôû]", text.replace("&apos;", "'")), name


# -- writers -----------------------------------------------------------------------------------

SCHEMA = {
    "fields": [
        {"name": "code", "type": "string"},
        {"name": "n", "type": "integer"},
        {"name": "x", "type": "number"},
        {"name": "euros", "type": "number", "x-parquet-decimal": {"precision": 9, "scale": 2}},
        {"name": "d", "type": "date"},
        {"name": "t", "type": "datetime"},
        {"name": "ok", "type": "boolean"},
        {"name": "an", "type": "year"},
        {"name": "pt", "type": "geopoint"},
    ],
    "primaryKey": ["code"],
}
TEXT = pd.DataFrame(
    {
        "code": ["01001", "2A004", "97101"],
        "n": ["1", "", "-3"],
        "x": ["19.5", "1e-05", ""],
        "euros": ["1234.5", "", "0.07"],
        "d": ["2023-12-31", "", "2020-02-29"],
        "t": ["2024-01-01T10:00:00", "2024-01-01T10:00:00+02:00", ""],
        "ok": ["true", "false", ""],
        "an": ["2023", "", "1999"],
        "pt": ["5.8, 46.1", "", "9.1, 42.5"],
    },
    dtype="str",
)


def test_parquet_types_every_table_schema_type():
    table = pq.read_table(io.BytesIO(parquet_bytes(TEXT, SCHEMA)))
    assert [str(f.type) for f in table.schema] == [
        "string",
        "int64",
        "double",
        "decimal128(9, 2)",
        "date32[day]",
        "timestamp[us, tz=UTC]",
        "bool",
        "int64",
        "string",
    ]
    utc = dt.UTC
    assert table.to_pylist() == [
        {
            "code": "01001",
            "n": 1,
            "x": 19.5,
            "euros": Decimal("1234.50"),
            "d": dt.date(2023, 12, 31),
            "t": dt.datetime(2024, 1, 1, 10, tzinfo=utc),  # no offset: UTC
            "ok": True,
            "an": 2023,
            "pt": "5.8, 46.1",
        },
        {
            "code": "2A004",
            "n": None,
            "x": 1e-05,
            "euros": None,
            "d": None,
            "t": dt.datetime(2024, 1, 1, 8, tzinfo=utc),
            "ok": False,
            "an": None,
            "pt": None,
        },
        {
            "code": "97101",
            "n": -3,
            "x": None,
            "euros": Decimal("0.07"),
            "d": dt.date(2020, 2, 29),
            "t": None,
            "ok": None,
            "an": 1999,
            "pt": "9.1, 42.5",
        },
    ]


def test_parquet_bytes_do_not_depend_on_batching():
    big = pd.concat([TEXT] * 50_000, ignore_index=True)  # 150 000 rows: two row groups
    whole = parquet_bytes(big, SCHEMA)
    batches = (big.iloc[i : i + 7_777] for i in range(0, len(big), 7_777))
    assert parquet_bytes(batches, SCHEMA) == whole
    meta = pq.read_metadata(io.BytesIO(whole))
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [
        ROW_GROUP_ROWS,
        len(big) - ROW_GROUP_ROWS,
    ]


def test_parquet_refuses_a_value_its_decimal_type_cannot_hold():
    text = TEXT.assign(euros=["1.234", "", ""])
    with pytest.raises(DataError, match="euros"):
        parquet_bytes(text, SCHEMA)
    bad = {"fields": [{"name": "euros", "type": "number", "x-parquet-decimal": {"scale": 2}}]}
    with pytest.raises(ConfigError, match="x-parquet-decimal"):
        parquet_bytes(TEXT[["euros"]], bad)


def geojson(text: pd.DataFrame, schema: dict, key=("code",)):
    coords = coordinate_fields(schema, [], "test.schema.json")
    sink = io.BytesIO()
    result = write_geojson(text, schema, coords, sink, list(key))
    return json.loads(sink.getvalue()), result


def test_geojson_leaves_out_rows_without_usable_coordinates():
    schema = {
        "fields": [
            {"name": "code", "type": "string"},
            {"name": "lat", "type": "number"},
            {"name": "lon", "type": "number"},
            {"name": "note", "type": "string"},
        ]
    }
    text = pd.DataFrame(
        {
            "code": ["a", "b", "c", "d"],
            "lat": ["46.1", "", "40.7", "-21.1"],
            "lon": ["5.8", "5.8", "-74.0", "55.5"],
            "note": ['dit "le phare"\n', "", "New York", "Saint-Denis"],
        },
        dtype="str",
    )
    collection, result = geojson(text, schema)
    assert (result.features, result.left_out) == (2, 2)
    assert result.named == [
        ("code b", "coordonnées absentes ou illisibles"),
        ("code c", "hors des emprises de la France (métropole et outre-mer)"),
    ]
    assert [f["geometry"]["coordinates"] for f in collection["features"]] == [
        [5.8, 46.1],
        [55.5, -21.1],
    ]
    assert collection["features"][0]["properties"] == {
        "code": "a",
        "lat": 46.1,
        "lon": 5.8,
        "note": 'dit "le phare"\n',
    }


def test_geojson_reads_geopoints_in_every_format():
    for fmt, value in (
        ("default", "5.8, 46.1"),
        ("array", "[5.8, 46.1]"),
        ("object", '{"lon": 5.8, "lat": 46.1}'),
    ):
        schema = {
            "fields": [
                {"name": "code", "type": "string"},
                {"name": "pt", "type": "geopoint", "format": fmt},
            ]
        }
        text = pd.DataFrame({"code": ["a", "b"], "pt": [value, ""]}, dtype="str")
        collection, result = geojson(text, schema)
        assert collection["features"][0]["geometry"]["coordinates"] == [5.8, 46.1], fmt
        assert result.left_out == 1


def test_coordinate_fields_are_recognised_or_refused():
    def fields(*specs):
        return {"fields": [{"name": n, "type": t} for n, t in specs]}

    assert coordinate_fields(fields(("a", "string")), [], "s") is None
    found = coordinate_fields(fields(("Latitude", "number"), ("lng", "number")), [], "s")
    assert (found.latitude, found.longitude) == ("Latitude", "lng")
    check = {"check": "coordinates-in-france", "latitude": "y", "longitude": "x"}
    found = coordinate_fields(fields(("y", "number"), ("x", "number")), [check], "s")
    assert (found.latitude, found.longitude) == ("y", "x")
    assert coordinate_fields(fields(("lat", "string"), ("lon", "string")), [], "s") is None
    with pytest.raises(ConfigError, match="s : plusieurs champs de coordonnées"):
        coordinate_fields(fields(("lat", "number"), ("latitude", "number")), [], "s")
    with pytest.raises(ConfigError, match="sans son pendant"):
        coordinate_fields(fields(("lat", "number")), [], "s")


@pytest.mark.parametrize(
    ("picture", "message"),
    [
        ("carte", "doit être un objet"),
        ({"kind": "pie", "title": "t"}, "« kind » vaut 'pie'"),
        ({"kind": "map", "resource": "r"}, "manquante(s) pour « map » : title"),
        ({"kind": "map", "resource": "r", "title": "t", "color": "red"}, "inconnue(s)"),
        ({"kind": "map", "resource": "autre", "title": "t"}, "ressource « autre » absente"),
        ({"kind": "regions", "series": [], "title": "t"}, "liste non vide"),
    ],
)
def test_bad_picture_declarations_are_refused_naming_file_and_key(picture, message):
    meta = {"resources": [{"name": "r"}], "picture": picture}
    with pytest.raises(ConfigError, match="dataset.json : « picture »") as error:
        check_picture(meta, Path("schemas/x/dataset.json"))
    assert message in str(error.value)


# -- end to end --------------------------------------------------------------------------------

POINTS_SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True}},
        {"name": "nom", "type": "string", "constraints": {"required": True}},
        {"name": "latitude", "type": "number"},
        {"name": "longitude", "type": "number"},
    ],
    "primaryKey": ["id"],
    "missingValues": [""],
}


def points_repo(root: Path) -> Path:
    shutil.copytree(ROOT / "schemas/reference", root / "schemas/reference")
    shutil.copytree(ROOT / "data/reference", root / "data/reference")
    (root / "data/raw").mkdir(parents=True)
    (root / "data/published").mkdir(parents=True)
    folder = root / "schemas/points"
    folder.mkdir()
    (folder / "points.schema.json").write_text(json.dumps(POINTS_SCHEMA), encoding="utf-8")
    meta = {
        "name": "points",
        "title": "Points de test",
        "description": "Des lieux, avec ou sans coordonnées.",
        "created": "2024-01-01",
        "licenses": [{"name": "etalab-2.0", "title": "Licence Ouverte 2.0"}],
        "resources": [
            {"name": "points", "schema": "points.schema.json", "source": {"path": "data/raw/p.csv"}}
        ],
    }
    (folder / "dataset.json").write_text(json.dumps(meta), encoding="utf-8")
    (root / "data/raw/p.csv").write_text(
        "id,nom,latitude,longitude\n"
        "10,Lyon,45.76,4.83\n"
        "2,Sans coordonnées,,\n"
        "3,Saint-Denis (La Réunion),-20.88,55.45\n"
        "4,Montréal,45.5,-73.57\n",
        encoding="utf-8",
    )
    return root


def test_build_names_rows_left_out_of_the_geojson_and_maps_the_rest(tmp_path):
    root = points_repo(tmp_path / "points")
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    folder = root / "data/published/points"
    assert sorted(p.name for p in folder.iterdir()) == [
        "CHANGELOG.md",
        "README.md",
        "apercu.png",
        "apercu.svg",
        "datapackage.json",
        "points.csv",
        "points.geojson",
        "points.json",
        "points.parquet",
    ]
    ids = [f["id"] for f in json.loads((folder / "points.geojson").read_bytes())["features"]]
    assert ids == ["3", "10"]  # primary-key order (numbers as numbers), rows 2 and 4 left out
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "2 ligne(s) sans coordonnées utilisables ne sont pas dans le GeoJSON" in readme
    assert "- id 2 : coordonnées absentes ou illisibles" in readme
    assert "- id 4 : hors des emprises de la France (métropole et outre-mer)" in readme
    assert readme.splitlines()[2] == "![Points de test](apercu.svg)"  # automatic map
    svg = (folder / "apercu.svg").read_text(encoding="utf-8")
    assert "2 lignes placées d'après leurs coordonnées ; 2 sans coordonnées" in svg.replace(
        "\u00a0", " "
    )
    assert run(root, "verify", str(folder)).exit_code == 0


DETERMINISM = ("france-services", "chiffres-cles-2023", "immobilier-commercial")


def test_new_files_are_byte_identical_across_builds(tmp_path):
    """Two builds, each in its own process (its own hash seed), of a map (france-services),
    the figures picture (chiffres-cles-2023) and a bar chart (immobilier-commercial): every
    file of every package has the same bytes."""
    roots = [copy_repo(tmp_path / side, published=False) for side in ("one", "two")]
    builds = [
        subprocess.Popen(
            [sys.executable, "-m", "pipeline", "--root", str(root), "build", *DETERMINISM],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        for root, seed in zip(roots, ("1", "2"), strict=True)
    ]
    for process in builds:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err.decode()
    first, second = (tree_bytes(root / "data/published") for root in roots)
    assert sorted({n.split("/")[0] for n in first}) == sorted(DETERMINISM)
    assert {Path(n).suffix for n in first} >= {".parquet", ".geojson", ".svg", ".png"}
    assert "chiffres-cles-2023/verification.parquet" in first
    assert sorted(first) == sorted(second)
    assert [n for n in first if first[n] != second[n]] == []


def replace_file(folder: Path, name: str, data: bytes) -> None:
    """Put other bytes in a package file and make the descriptor agree (bytes, hash)."""
    import hashlib

    (folder / name).write_bytes(data)
    path = folder / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    for resource in package["resources"]:
        if resource["path"] == name:
            resource["bytes"] = len(data)
            resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")


def verify_errors(folder: Path) -> dict[str, set[str]]:
    result = run(folder, "verify", str(folder), "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == (0 if report["valid"] else 1)
    return {f["resource"]: {e["code"] for e in f["errors"]} for f in report["files"]}


def test_verify_checks_parquet_types_schema_and_rows(tmp_path):
    folder = tmp_path / "immobilier-commercial"
    shutil.copytree(PUBLISHED / "immobilier-commercial", folder)
    assert set().union(*verify_errors(folder).values()) == set()
    name = "immobilier-commercial.parquet"
    table = pq.read_table(folder / name)
    schema = descriptor("immobilier-commercial")["resources"][0]["schema"]

    # a value breaking the schema's pattern (a code that lost its leading zero)
    codes = table.column("insee_com").to_pylist()
    assert codes[0].startswith("0")
    index = table.schema.get_field_index("insee_com")
    broken = table.set_column(index, "insee_com", pa.array([codes[0][1:], *codes[1:]]))
    text = broken.to_pandas().fillna("").astype(str)
    replace_file(folder, name, parquet_bytes(text, schema))
    assert verify_errors(folder)["immobilier-commercial-parquet"] == {"constraint-error"}

    # the codes stored as integers: the column types no longer follow the schema
    sink = io.BytesIO()
    pq.write_table(table.set_column(index, "insee_com", pa.array(range(len(codes)))), sink)
    replace_file(folder, name, sink.getvalue())
    assert verify_errors(folder)["immobilier-commercial-parquet"] == {"parquet-schema"}


# -- verify on GeoJSON files ----------------------------------------------------------------


def geojson_messages(folder: Path, name: str) -> tuple[int, list[str]]:
    """``pipeline verify`` on a package folder: exit code and the messages about ``name``."""
    result = run(folder, "verify", str(folder), "--format", "json")
    assert "Traceback" not in result.output
    report = json.loads(result.stdout)
    [check] = [f for f in report["files"] if f["location"].endswith(name)]
    assert {e["code"] for e in check["errors"]} <= {"geojson-error"}
    return result.exit_code, [e["message"] for e in check["errors"]]


def change_geojson(folder: Path, name: str, change) -> None:
    path = folder / name
    collection = json.loads(path.read_bytes())
    changed = change(collection)
    data = changed if isinstance(changed, bytes) else json.dumps(collection).encode()
    replace_file(folder, name, data)


@pytest.fixture(scope="module")
def points_package(tmp_path_factory) -> Path:
    root = points_repo(tmp_path_factory.mktemp("points") / "repo")
    assert run(root, "build").exit_code == 0
    return root / "data/published/points"


def _set(items: list, index: int, value) -> None:
    items[index] = value


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: b"{", "points.geojson : GeoJSON illisible"),
        (  # json.loads raised a ValueError verify did not catch: exit 70
            lambda c: b'{"x": ' + b"1" * 5000 + b"}",
            "points.geojson : GeoJSON illisible (nombre de plus de 4 300 chiffres, ligne 1)",
        ),
        (lambda c: b"[]", "points.geojson : pas une FeatureCollection"),
        (lambda c: c.pop("features"), "points.geojson : « features » absent"),
        (lambda c: c.update(features={"a": 1}), "points.geojson : « features » absent"),
        (
            lambda c: _set(c["features"], 1, "x"),
            'points.geojson, point 2 (features[1]) : pas un objet Feature ("x")',
        ),
        (
            lambda c: _set(c["features"], 0, None),
            "points.geojson, point 1 (features[0]) : pas un objet Feature (null)",
        ),
        (
            lambda c: c["features"][0].update(type="Fture"),
            "points.geojson, point 1 (features[0]) : « type » vaut 'Fture'",
        ),
        (
            lambda c: c["features"][1].pop("geometry"),
            "points.geojson, point 2 (features[1]) : pas de géométrie Point (null)",
        ),
        (
            lambda c: c["features"][1]["geometry"].update(type="LineString"),
            "points.geojson, point 2 (features[1]) : pas de géométrie Point",
        ),
        (
            lambda c: c["features"][0]["geometry"].update(coordinates=["55.45", -20.88]),
            'points.geojson, point 1 (features[0]) : coordonnées illisibles (["55.45", -20.88])',
        ),
        (
            lambda c: c["features"][0]["geometry"].update(coordinates=[True, -20.88]),
            "points.geojson, point 1 (features[0]) : coordonnées illisibles",
        ),
        (
            lambda c: c["features"][1].update(properties=[]),
            "points.geojson, point 2 (features[1]) : « properties » absent",
        ),
        (
            lambda c: c["features"][1]["geometry"].update(coordinates=[-73.57, 45.5]),
            "points.geojson, point 2 (features[1]) : point (-73.57, 45.5) hors des emprises",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_verify_reports_a_malformed_geojson_naming_file_and_point(
    points_package, tmp_path, change, message
):
    folder = tmp_path / "points"
    shutil.copytree(points_package, folder)
    assert geojson_messages(folder, "points.geojson") == (0, [])
    change_geojson(folder, "points.geojson", change)
    code, messages = geojson_messages(folder, "points.geojson")
    assert code == 1
    assert any(m.startswith(message) for m in messages), messages


def test_verify_compares_each_point_with_its_row(points_package, tmp_path):
    folder = tmp_path / "points"
    shutil.copytree(points_package, folder)

    def change(collection: dict) -> None:
        first, second = collection["features"]
        first["geometry"]["coordinates"] = [55.5, -20.9]  # still in La Réunion, not the row's
        second["properties"]["nom"] = "Lyon 2e"
        second["properties"]["latitude"] = "45.76"  # text instead of a number
        second["properties"]["extra"] = 1

    change_geojson(folder, "points.geojson", change)
    assert geojson_messages(folder, "points.geojson") == (
        1,
        [
            "points.geojson, point 1 (features[0], ligne 3 du CSV) : coordonnées [55.5, -20.9] "
            "au lieu de [55.45, -20.88] (champs « longitude » et « latitude » de la ligne)",
            "points.geojson, point 2 (features[1], ligne 5 du CSV) : propriétés différentes des "
            "champs de la ligne : 1 champ(s) en trop (extra) ; 2 champ(s) de valeur différente "
            "(nom, latitude)",
        ],
    )


def test_verify_reports_points_out_of_order_once(points_package, tmp_path):
    folder = tmp_path / "points"
    shutil.copytree(points_package, folder)
    change_geojson(folder, "points.geojson", lambda c: c["features"].reverse())
    assert geojson_messages(folder, "points.geojson") == (
        1,
        [
            'points.geojson, point 1 (features[0], ligne 3 du CSV) : identifiant "10" au lieu '
            'de "3" : des points manquent, sont en trop ou ne sont pas dans l\'ordre du CSV ; '
            "les suivants ne sont pas comparés"
        ],
    )


@pytest.fixture
def france_services(tmp_path) -> Path:
    folder = tmp_path / "france-services"
    shutil.copytree(PUBLISHED / "france-services", folder)
    return folder


FS_GEOJSON = "france-services.geojson"


def test_verify_france_services_geojson_as_committed(france_services):
    assert geojson_messages(france_services, FS_GEOJSON) == (0, [])


def test_verify_reports_swapped_longitude_and_latitude(france_services):
    def swap(collection: dict) -> None:
        for feature in collection["features"]:
            feature["geometry"]["coordinates"].reverse()

    change_geojson(france_services, FS_GEOJSON, swap)
    code, messages = geojson_messages(france_services, FS_GEOJSON)
    assert code == 1
    assert len(messages) == 100  # capped
    assert re.fullmatch(
        r"france-services\.geojson, point 1 \(features\[0\]\) : longitude et latitude "
        r"inversées \(4[0-9.]+, [0-9.-]+\) : RFC 7946 veut \[longitude, latitude\]",
        messages[0],
    ), messages[0]


def test_verify_reports_missing_points(france_services):
    change_geojson(france_services, FS_GEOJSON, lambda c: c.update(features=c["features"][:10]))
    assert geojson_messages(france_services, FS_GEOJSON) == (
        1,
        [
            "france-services.geojson : 10 point(s) au lieu de 2\u00a0845 : le CSV a 2\u00a0845 "
            "ligne(s), dont 0 sans coordonnées utilisables, laissée(s) de côté"
        ],
    )


def test_verify_reports_empty_properties(france_services):
    def empty(collection: dict) -> None:
        for feature in collection["features"]:
            feature["properties"] = {}

    change_geojson(france_services, FS_GEOJSON, empty)
    code, messages = geojson_messages(france_services, FS_GEOJSON)
    assert code == 1
    assert len(messages) == 100
    assert messages[0] == (
        "france-services.geojson, point 1 (features[0], ligne 2 du CSV) : propriétés "
        "différentes des champs de la ligne : 25 champ(s) absent(s) (id_fs, insee_dep, lib_fs, "
        "adresse, complement_adresse…)"
    )


def edit_descriptor(folder: Path, change) -> None:
    path = folder / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    change(package)
    path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")


def test_verify_finds_the_coordinates_without_their_record(france_services):
    """A descriptor written before ``x-coordinates``: the fields the schema names."""
    edit_descriptor(france_services, lambda p: p["resources"][3].pop("x-coordinates"))
    assert geojson_messages(france_services, FS_GEOJSON) == (0, [])
    edit_descriptor(france_services, lambda p: p["resources"][0].update(name="fs"))
    assert geojson_messages(france_services, FS_GEOJSON) == (
        1,
        [
            "france-services.geojson : table source « france-services » absente du "
            "descripteur : points non comparés"
        ],
    )


def test_verify_reports_a_resource_that_is_not_an_object(france_services):
    edit_descriptor(france_services, lambda p: p["resources"].append("x"))
    result = run(france_services, "verify", str(france_services), "--format", "json")
    assert result.exit_code == 1
    errors = [e for f in json.loads(result.stdout)["files"] for e in f["errors"]]
    assert [e["message"] for e in errors] == ["ressource 7 : pas un objet."]


def test_verify_survives_a_broken_table_schema(france_services):
    """A table schema frictionless cannot load (it crashes on it): findings for the table and
    its GeoJSON, never a crash."""
    edit_descriptor(france_services, lambda p: p["resources"][0]["schema"]["fields"].append(3))
    code, messages = geojson_messages(france_services, FS_GEOJSON)
    assert code == 1
    assert messages == [
        "france-services.geojson : table source « france-services » illisible ou sans "
        "schéma : points non comparés"
    ]
    assert verify_errors(france_services)["france-services"] == {"schema-invalid"}
