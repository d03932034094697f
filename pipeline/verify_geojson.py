"""``pipeline verify`` of a GeoJSON file: its structure (RFC 7946 FeatureCollection of
Point features), then its content against the table it was built from.

The points are recomputed from the table's CSV the way the build made them
(:func:`pipeline.geojson.locate`): one point per row with usable coordinates, in the CSV's
order. Each point must lie in France in [longitude, latitude] order, carry the row's
coordinates, its key as ``id`` (single-field keys) and the row's fields as properties,
typed as in the JSON file; the number of points must be the CSV's rows minus those left out.
The table and its coordinate fields are those the GeoJSON's entry records
(``x-coordinates``), else the resource of the same name and the fields its schema names.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.errors import ConfigError
from pipeline.frames import JSON_NUMBER
from pipeline.geojson import (
    TYPED,
    Coordinates,
    coordinate_fields,
    inside_france,
    locate,
)
from pipeline.jsondepth import loads
from pipeline.numbers_fr import fmt_int

LIMIT = 100  # problems reported per file
CHUNK_ROWS = 16_384
NUMBER = re.compile(JSON_NUMBER)
SHOWN_FIELDS = 5


class Problems(list):
    """At most :data:`LIMIT` problems; :attr:`full` once reached."""

    @property
    def full(self) -> bool:
        return len(self) >= LIMIT


def geojson_problems(
    resource: dict, path: Path, tables: dict[str, tuple[dict, Path | None]]
) -> list[str]:
    """French problems of the GeoJSON ``path`` (``resource``: its entry), each naming the
    file and, for a point, its index. ``tables``: the package's table resources by name, with
    their local copy (None when it could not be read)."""
    name = str(resource.get("path") or resource.get("name"))
    data = path.read_bytes()
    try:  # decoded as json.loads decodes bytes (UTF-8, -16 or -32, BOM or not)
        collection = loads(data.decode(json.detect_encoding(data), "surrogatepass"))
    except ValueError as exc:  # not text, not JSON, or JSON refused (too deep, NaN…)
        return [f"{name} : GeoJSON illisible ({exc})"]
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        return [f"{name} : pas une FeatureCollection (RFC 7946)"]
    features = collection.get("features")
    if not isinstance(features, list):
        return [f"{name} : « features » absent ou n'est pas une liste"]
    checked = [_structure(feature) for feature in features]
    points = [point for _, point in checked]
    lon, lat = (np.array([p[i] if p else np.nan for p in points], dtype="float64") for i in (0, 1))
    inside, swapped = inside_france(lon, lat), inside_france(lat, lon)
    problems = Problems()
    for index, (why, point) in enumerate(checked):
        if problems.full:
            break
        if why is None and point is not None and not inside[index]:
            where = f"({point[0]}, {point[1]})"
            why = (
                f"longitude et latitude inversées {where} : RFC 7946 veut [longitude, latitude]"
                if swapped[index]
                else f"point {where} hors des emprises de la France"
            )
        if why:
            problems.append(f"{name}, point {index + 1} (features[{index}]) : {why}")
    source = _source(resource, tables)
    if isinstance(source, str):
        return [*problems, f"{name} : {source}"]
    table, csv_path, coords = source
    count, compared = _against_table(features, points, table, csv_path, coords)
    return [f"{name} : {p}" for p in ([count] if count else [])] + [
        *problems,
        *(f"{name}, {p}" for p in compared),
    ][:LIMIT]


def _structure(feature: object) -> tuple[str | None, list | None]:
    """What is wrong with one feature's structure, and its [lon, lat] point if readable
    (whether it lies in France is checked for all points at once)."""
    if not isinstance(feature, dict):
        return f"pas un objet Feature ({json.dumps(feature, ensure_ascii=False)[:60]})", None
    if feature.get("type") != "Feature":
        return f"« type » vaut {feature.get('type')!r} au lieu de « Feature »", None
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return f"pas de géométrie Point ({json.dumps(geometry, ensure_ascii=False)[:60]})", None
    point = geometry.get("coordinates")
    if not (
        isinstance(point, list)
        and len(point) == 2
        and all(type(v) in (int, float) and math.isfinite(v) for v in point)
    ):
        return f"coordonnées illisibles ({json.dumps(point, ensure_ascii=False)[:60]})", None
    if not isinstance(feature.get("properties"), dict):
        return "« properties » absent ou n'est pas un objet", point
    return None, point


def _source(
    resource: dict, tables: dict[str, tuple[dict, Path | None]]
) -> tuple[dict, Path, Coordinates] | str:
    """The table the GeoJSON comes from, its local CSV and its coordinate fields, or why the
    content cannot be compared."""
    record = resource.get("x-coordinates")
    wanted = record.get("resource") if isinstance(record, dict) else None
    if not isinstance(wanted, str):
        wanted = str(resource.get("name") or "").removesuffix("-geojson")
    if wanted not in tables:
        return f"table source « {wanted} » absente du descripteur : points non comparés"
    table, local = tables[wanted]
    schema = table.get("schema")
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if (
        local is None
        or not isinstance(fields, list)
        or not all(isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields)
    ):
        return f"table source « {wanted} » illisible ou sans schéma : points non comparés"
    coords = Coordinates.from_record(record)
    if coords is None:
        try:
            coords = coordinate_fields(schema, [], f"schéma de {wanted}")
        except ConfigError as exc:
            return f"{exc} : points non comparés"
    if coords is None:
        return f"aucun champ de coordonnées dans le schéma de « {wanted} » : points non comparés"
    names = {f["name"] for f in fields}
    missing = [f for f in coords.fields if f not in names]
    if missing:
        return f"champ(s) {', '.join(missing)} absent(s) du schéma de « {wanted} »"
    return table, local, coords


class TableRows:
    """The rows the GeoJSON must hold, recomputed from the table's CSV; :attr:`total`: the
    CSV's rows read so far."""

    def __init__(self, table: dict, path: Path, coords: Coordinates):
        self.table, self.path, self.coords = table, path, coords
        self.total = 0

    def __iter__(self) -> Iterator[tuple[int, dict, list]]:
        """(row number as frictionless counts them, the header being 1; the row as text;
        its [lon, lat])."""
        fields = [f["name"] for f in self.table["schema"]["fields"]]
        chunks = pd.read_csv(
            self.path,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            encoding=self.table.get("encoding") or "utf-8",
            chunksize=CHUNK_ROWS,
        )
        for chunk in chunks:
            chunk = chunk.reset_index(drop=True).reindex(columns=fields, fill_value="")
            lon, lat, _, usable = locate(chunk, self.coords)
            records = chunk.to_dict("records")
            for i in np.flatnonzero(usable):
                yield self.total + 2 + int(i), records[i], [float(lon[i]), float(lat[i])]
            self.total += len(chunk)


def _expected(row: dict, schema: dict) -> dict:
    """The properties the build gives a row: numbers and booleans as JSON literals (else a
    number through float, or null), other fields as text, empty cells as null."""
    out = {}
    for fdesc in schema["fields"]:
        text = row.get(fdesc["name"], "")
        if text == "":
            out[fdesc["name"]] = None
        elif fdesc.get("type", "string") in TYPED:
            if NUMBER.fullmatch(text) or text in ("true", "false"):
                out[fdesc["name"]] = json.loads(text)
            else:
                try:
                    number = float(text)
                except ValueError:
                    number = math.nan
                out[fdesc["name"]] = number if math.isfinite(number) else None
        else:
            out[fdesc["name"]] = text
    return out


def _same(a: object, b: object) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def _property_differences(props: dict, expected: dict) -> str | None:
    missing = [k for k in expected if k not in props]
    extra = [k for k in props if k not in expected]
    different = [k for k in expected if k in props and not _same(props[k], expected[k])]
    parts = []
    for label, names in (
        ("absent(s)", missing),
        ("en trop", extra),
        ("de valeur différente", different),
    ):
        if names:
            shown = ", ".join(names[:SHOWN_FIELDS]) + ("…" if len(names) > SHOWN_FIELDS else "")
            parts.append(f"{fmt_int(len(names))} champ(s) {label} ({shown})")
    return " ; ".join(parts) or None


def _against_table(
    features: list, points: list, table: dict, csv_path: Path, coords: Coordinates
) -> tuple[str | None, list[str]]:
    """The problem with the number of points, if any, and those of each point against its
    row (compared in order, while the points and the rows line up)."""
    schema = table["schema"]
    key = schema.get("primaryKey")
    key = [key] if isinstance(key, str) else key if isinstance(key, list) else []
    problems = Problems()
    aligned = True
    expected = 0
    rows = TableRows(table, csv_path, coords)
    try:
        for index, (line, row, point) in enumerate(rows):
            expected = index + 1
            if aligned and index < len(features) and not problems.full:
                aligned = _compare(
                    features[index],
                    points[index],
                    index,
                    line,
                    row,
                    point,
                    schema,
                    key,
                    coords,
                    problems,
                )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        return f"CSV de la table source illisible ({exc}) : points non comparés", []
    count = None
    if len(features) != expected:
        count = (
            f"{fmt_int(len(features))} point(s) au lieu de {fmt_int(expected)} : le CSV a "
            f"{fmt_int(rows.total)} ligne(s), dont {fmt_int(rows.total - expected)} sans "
            "coordonnées utilisables, laissée(s) de côté"
        )
    return count, problems


def _compare(
    feature: dict,
    got: list | None,
    index: int,
    line: int,
    row: dict,
    point: list,
    schema: dict,
    key: list,
    coords: Coordinates,
    problems: Problems,
) -> bool:
    """Compare one well-formed feature with the row it stands for; False once the features
    and the rows no longer line up (a point missing, added or moved)."""
    if got is None or not isinstance(feature.get("properties"), dict):
        return True  # reported with the structure
    where = f"point {index + 1} (features[{index}], ligne {line} du CSV)"
    if len(key) == 1 and feature.get("id") != row.get(key[0]):
        problems.append(
            f"{where} : identifiant {json.dumps(feature.get('id'), ensure_ascii=False)} au "
            f"lieu de {json.dumps(row.get(key[0]), ensure_ascii=False)} : des points manquent, "
            "sont en trop ou ne sont pas dans l'ordre du CSV ; les suivants ne sont pas comparés"
        )
        return False
    if got != point:
        problems.append(
            f"{where} : coordonnées {got} au lieu de {point} ({_coordinates_label(coords)} "
            "de la ligne)"
        )
    difference = _property_differences(feature["properties"], _expected(row, schema))
    if difference:
        problems.append(f"{where} : propriétés différentes des champs de la ligne : {difference}")
    return True


def _coordinates_label(coords: Coordinates) -> str:
    if coords.geopoint:
        return f"champ « {coords.geopoint} »"
    return f"champs « {coords.longitude} » et « {coords.latitude} »"
