"""The same rows in every format of every committed package, as a reuser loads them: the CSV
with pandas as text, typed as the README's « Forme publiée » table says; the JSON objects; the
Parquet file with pandas; the GeoJSON points (properties and coordinates). Same count, same
order, same values, exactly (leading zeros kept, an empty cell is null). Parquet is also
compared cell for cell with pyarrow in tests/test_formats.py."""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pytest

from tests.conftest import ROOT

PUBLISHED = ROOT / "data/published"
PACKAGES = sorted(p.name for p in PUBLISHED.iterdir() if p.is_dir())
TYPED = ("string", "integer", "year", "number", "boolean", "date")  # the committed types


def tables(name: str) -> list[dict]:
    descriptor = json.loads((PUBLISHED / name / "datapackage.json").read_text(encoding="utf-8"))
    return [r for r in descriptor["resources"] if r.get("type") == "table"]


def from_csv(text: str, ftype: str) -> object:
    """A CSV cell in its published form as the value it stands for."""
    if text == "":
        return None
    if ftype in ("integer", "year"):
        assert text == str(int(text))  # no leading zero nor sign
        return int(text)
    if ftype == "number":
        return float(text)
    if ftype == "boolean":
        return {"true": True, "false": False}[text]
    return text  # string and date: text (a date as AAAA-MM-JJ)


def from_json(value: object, ftype: str) -> object:
    if ftype == "number" and value is not None:
        assert type(value) in (int, float)
        return float(value)
    return value


def from_parquet(value: object, ftype: str) -> object:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if ftype == "date":
        assert type(value) is dt.date, value
        return value.isoformat()
    if ftype in ("integer", "year", "boolean"):
        return {"boolean": bool}.get(ftype, int)(value)  # numpy scalars
    return value


def same(left: dict, right: dict) -> bool:
    """Equal values of the same Python types (True is not 1, 1 is not 1.0)."""
    return left == right and all(type(left[k]) is type(right[k]) for k in left)


def table_rows(name: str, resource: dict) -> tuple[list[str], dict[str, str], list[dict]]:
    fields = resource["schema"]["fields"]
    types = {f["name"]: f.get("type", "string") for f in fields}
    assert set(types.values()) <= set(TYPED), "un type de plus : étendre ce test"
    frame = pd.read_csv(PUBLISHED / name / resource["path"], dtype=str, keep_default_na=False)
    rows = [{k: from_csv(v, types[k]) for k, v in row.items()} for row in frame.to_dict("records")]
    return [f["name"] for f in fields], types, rows


@pytest.mark.parametrize("name", PACKAGES)
def test_json_objects_are_the_csv_rows(name: str) -> None:
    for resource in tables(name):
        columns, types, rows = table_rows(name, resource)
        path = PUBLISHED / name / resource["path"].replace(".csv", ".json")
        objects = json.loads(path.read_bytes())
        assert len(objects) == len(rows), path.name
        for line, (row, obj) in enumerate(zip(rows, objects, strict=True), start=2):
            assert list(obj) == columns, f"{path.name}, ligne {line} du CSV"
            typed = {k: from_json(v, types[k]) for k, v in obj.items()}
            assert same(typed, row), f"{path.name}, ligne {line} du CSV"


@pytest.mark.parametrize("name", PACKAGES)
def test_parquet_read_with_pandas_gives_the_csv_rows(name: str) -> None:
    for resource in tables(name):
        columns, types, rows = table_rows(name, resource)
        path = PUBLISHED / name / resource["path"].replace(".csv", ".parquet")
        frame = pd.read_parquet(path)
        assert list(frame.columns) == columns
        for column, ftype in types.items():
            if ftype == "string":  # codes stay text: their leading zeros are kept
                assert pd.api.types.is_string_dtype(frame[column]), column
        back = frame.astype(object).to_dict("records")
        assert len(back) == len(rows), path.name
        for line, (row, got) in enumerate(zip(rows, back, strict=True), start=2):
            typed = {k: from_parquet(v, types[k]) for k, v in got.items()}
            assert same(typed, row), f"{path.name}, ligne {line} du CSV"


@pytest.mark.parametrize("name", PACKAGES)
def test_geojson_points_are_the_json_rows(name: str) -> None:
    descriptor = json.loads((PUBLISHED / name / "datapackage.json").read_text(encoding="utf-8"))
    for entry in descriptor["resources"]:
        if entry["format"] != "geojson":
            continue
        coords = entry["x-coordinates"]
        [table] = [r for r in descriptor["resources"] if r["name"] == coords["resource"]]
        objects = json.loads(
            (PUBLISHED / name / table["path"].replace(".csv", ".json")).read_bytes()
        )
        features = json.loads((PUBLISHED / name / entry["path"]).read_bytes())["features"]
        # every committed table with coordinates has them on every row (its README says so)
        assert "Toutes les lignes ont des coordonnées utilisables." in (
            PUBLISHED / name / "README.md"
        ).read_text(encoding="utf-8")
        assert len(features) == len(objects)
        for index, (feature, obj) in enumerate(zip(features, objects, strict=True)):
            assert feature["properties"] == obj, f"{entry['path']}, point {index}"
            lon_lat = [obj[coords["longitude"]], obj[coords["latitude"]]]
            assert feature["geometry"] == {"type": "Point", "coordinates": lon_lat}


def test_the_committed_packages_hold_points() -> None:
    """The GeoJSON test above is not vacuous."""
    with_points = [n for n in PACKAGES if any((PUBLISHED / n).glob("*.geojson"))]
    assert with_points == ["france-services"]
