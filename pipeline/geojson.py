"""GeoJSON copy (RFC 7946) of a published table that has coordinates.

A table has coordinates when its dataset declares a ``coordinates-in-france`` check (which
names the latitude and longitude fields), or else when its Table Schema has one ``geopoint``
field, or one pair of ``number`` fields named ``latitude``/``lat`` and
``longitude``/``lon``/``lng``/``long``. Nothing else is guessed: ambiguous schemas are refused.

Output: one FeatureCollection, one Point feature per line in primary-key order, coordinates
``[longitude, latitude]`` (WGS 84), the row's fields as properties in schema order, typed like
the JSON file (numbers as published, booleans, ``null`` for missing). A row is left out, and
counted and named, when its coordinates are missing, unreadable, or outside every French
bounding box (metropolitan France and overseas, ``pipeline.checks.coordinates.FRANCE_BOXES``).
Input: the published text (as in the CSV), one frame or an iterable of frames (pandas, or
Arrow batches), or pushed piece by piece to a :class:`GeoJSONSink`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# The one validation-core symbol the reusers' formats use (the GeoJSON and the map of
# pipeline.picture take it from here).
from pipeline.checks.coordinates import FRANCE_BOXES
from pipeline.errors import ConfigError
from pipeline.frames import JSON_NUMBER, TEXT_ROWS, Frames, row_text, slices

MEDIATYPE = "application/geo+json"
LAT_NAMES = ("latitude", "lat")
LON_NAMES = ("longitude", "lon", "lng", "long")
NAMED_LIMIT = 100  # rows left out that are named one by one; the rest are counted
NEEDS_ESCAPE = r'["\\\x00-\x1f]'
TYPED = ("integer", "year", "number", "boolean")
STRINGS = pd.StringDtype("pyarrow", na_value=float("nan"))  # as the engine's frames
GEOPOINT_FORMATS = ("default", "array", "object")


@dataclass(frozen=True)
class Coordinates:
    """Where a table's coordinates are: a latitude/longitude pair, or one geopoint field."""

    latitude: str | None = None
    longitude: str | None = None
    geopoint: str | None = None
    geopoint_format: str = "default"

    @property
    def fields(self) -> list[str]:
        return [f for f in (self.latitude, self.longitude, self.geopoint) if f]

    def record(self) -> dict:
        """As recorded in the GeoJSON's entry of ``datapackage.json`` (``x-coordinates``),
        for ``pipeline verify`` to recompute the points from the table."""
        if self.geopoint:
            return {"geopoint": self.geopoint, "format": self.geopoint_format}
        return {"latitude": self.latitude, "longitude": self.longitude}

    @classmethod
    def from_record(cls, record: object) -> Coordinates | None:
        """The coordinates a :meth:`record` names, or None when it is not one."""
        if not isinstance(record, dict):
            return None
        names = (record.get("latitude"), record.get("longitude"), record.get("geopoint"))
        if isinstance(names[2], str) and record.get("format", "default") in GEOPOINT_FORMATS:
            return cls(geopoint=names[2], geopoint_format=record.get("format", "default"))
        if isinstance(names[0], str) and isinstance(names[1], str):
            return cls(latitude=names[0], longitude=names[1])
        return None


@dataclass
class GeoResult:
    features: int = 0
    left_out: int = 0
    named: list[tuple[str, str]] = field(default_factory=list)  # (row, reason), capped
    lon: np.ndarray = field(default_factory=lambda: np.empty(0))
    lat: np.ndarray = field(default_factory=lambda: np.empty(0))


def coordinate_fields(schema: dict, checks: list[dict], where: str) -> Coordinates | None:
    """The table's coordinate fields, or None when it has none."""
    fields = {f["name"]: f for f in schema["fields"]}
    for check in checks:
        if check.get("check") == "coordinates-in-france":
            lat, lon = check.get("latitude"), check.get("longitude")
            if lat not in fields or lon not in fields:
                raise ConfigError(
                    f"{where} : le contrôle coordinates-in-france nomme les champs {lat!r} et "
                    f"{lon!r}, absents du schéma."
                )
            return Coordinates(latitude=lat, longitude=lon)
    numbers = [f for f in fields.values() if f.get("type") == "number"]
    lats = [f["name"] for f in numbers if f["name"].lower() in LAT_NAMES]
    lons = [f["name"] for f in numbers if f["name"].lower() in LON_NAMES]
    points = [f for f in fields.values() if f.get("type") == "geopoint"]
    if len(lats) > 1 or len(lons) > 1 or len(points) > 1 or (points and (lats or lons)):
        raise ConfigError(
            f"{where} : plusieurs champs de coordonnées possibles "
            f"({', '.join([*lats, *lons, *(p['name'] for p in points)])}) ; déclarez lesquels "
            "avec un contrôle coordinates-in-france (latitude, longitude) dans dataset.json."
        )
    if len(lats) != len(lons):
        raise ConfigError(
            f"{where} : un champ {'latitude' if lats else 'longitude'} sans son pendant ; "
            "renommez-le ou déclarez un contrôle coordinates-in-france dans dataset.json."
        )
    if lats:
        return Coordinates(latitude=lats[0], longitude=lons[0])
    if points:
        fmt = points[0].get("format", "default")
        if fmt not in GEOPOINT_FORMATS:
            raise ConfigError(f"{where} : format de geopoint {fmt!r} inconnu.")
        return Coordinates(geopoint=points[0]["name"], geopoint_format=fmt)
    return None


def inside_france(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    inside = np.zeros(len(lat), dtype=bool)
    for lat_min, lat_max, lon_min, lon_max in FRANCE_BOXES.values():
        inside |= (lat >= lat_min) & (lat <= lat_max) & (lon >= lon_min) & (lon <= lon_max)
    return inside


def _floats(text: pd.Series) -> np.ndarray:
    return pd.to_numeric(text.where(text != ""), errors="coerce").to_numpy(dtype="float64")


def _geopoints(text: pd.Series, fmt: str) -> tuple[np.ndarray, np.ndarray]:
    if fmt == "object":

        def pick(value: str, key: str) -> float:
            try:
                return float(json.loads(value)[key])
            except (ValueError, TypeError, KeyError):
                return np.nan

        lon = text.map(lambda v: pick(v, "lon") if v else np.nan)
        lat = text.map(lambda v: pick(v, "lat") if v else np.nan)
        return lon.to_numpy(dtype="float64"), lat.to_numpy(dtype="float64")
    number = r"\s*([-+0-9.eE]+)\s*"
    pattern = rf"^\[{number},{number}\]$" if fmt == "array" else rf"^{number},{number}$"
    parts = text.str.extract(pattern)
    return _floats(parts[0].fillna("")), _floats(parts[1].fillna(""))


def locate(
    text: pd.DataFrame, coords: Coordinates
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each row's longitude and latitude (NaN when missing or unreadable), whether both are
    known, and whether the row is usable (known, and inside France): the rows of the GeoJSON.
    ``text``: the published text of the rows."""
    if coords.geopoint:
        lon, lat = _geopoints(text[coords.geopoint].astype("str"), coords.geopoint_format)
    else:
        lon = _floats(text[coords.longitude].astype("str"))
        lat = _floats(text[coords.latitude].astype("str"))
    known = ~np.isnan(lon) & ~np.isnan(lat)
    return lon, lat, known, known & inside_france(lon, lat)


def _large(value: str) -> pa.Scalar:
    return pa.scalar(value, pa.large_string())


def _empty(text: pa.Array) -> pa.Array:
    """Cells that are '' (by length: comparing with a large_string scalar is slow)."""
    return pc.equal(pc.binary_length(text), 0)


def _arrow_text(values: pd.Series) -> pa.Array:
    text = pa.Array.from_pandas(values.astype("str"), type=pa.large_string())
    if isinstance(text, pa.ChunkedArray):  # pandas strings backed by Arrow
        text = text.combine_chunks()
    return pc.fill_null(text, _large(""))


def _patch(out: pa.Array, text: pa.Array, odd: pa.Array, convert) -> pa.Array:
    """Replace the rare cells flagged ``odd`` by ``convert(value)`` (done in Python)."""
    rows = np.flatnonzero(odd.to_numpy(zero_copy_only=False))
    if not len(rows):
        return out
    values = out.to_pylist()
    for row in rows:
        values[row] = convert(text[int(row)].as_py())
    return pa.array(values, type=pa.large_string())


def _json_strings(values: pd.Series) -> pa.Array:
    """JSON string literals (``null`` for missing), escaping only where needed."""
    text = _arrow_text(values)
    empty = _empty(text)
    quoted = pc.binary_join_element_wise(_large('"'), text, _large('"'), _large(""))
    out = pc.if_else(empty, _large("null"), quoted)
    odd = pc.and_(pc.match_substring_regex(text, NEEDS_ESCAPE), pc.invert(empty))
    return _patch(out, text, odd, lambda v: json.dumps(v, ensure_ascii=False))


def _json_literals(values: pd.Series) -> pa.Array:
    """Published numbers and booleans are already JSON literals; anything else becomes a
    number through float, or null."""
    text = _arrow_text(values)
    valid = pc.or_(
        pc.match_substring_regex(text, JSON_NUMBER),
        pc.is_in(text, pa.array(["true", "false"], type=pa.large_string())),
    )
    out = pc.if_else(valid, text, _large("null"))
    odd = pc.and_(pc.invert(valid), pc.invert(_empty(text)))
    return _patch(out, text, odd, _float_literal)


def _float_literal(value: str) -> str:
    try:
        number = float(value)
    except ValueError:
        return "null"
    return repr(number) if np.isfinite(number) else "null"


def _coordinate_text(values: np.ndarray) -> pa.Array:
    return pa.array([repr(float(v)) for v in values], type=pa.large_string())


def _row_names(text: pd.DataFrame, key: list[str]) -> pd.Series:
    if not key:
        return pd.Series([f"ligne {i}" for i in range(len(text))], index=text.index)
    names = key[0] + " " + text[key[0]].astype("str")
    for name in key[1:]:
        names = names + ", " + name + " " + text[name].astype("str")
    return names


class GeoJSONSink:
    """The FeatureCollection written to ``sink`` as pieces of published text arrive
    (:meth:`write`, one frame or Arrow batch at a time, in published order); ``key`` names
    the rows left out. :meth:`close` ends the collection and returns the counts, with the
    coordinates of the points kept (for the map)."""

    def __init__(self, schema: dict, coords: Coordinates, sink: BinaryIO, key: list[str]):
        self.schema, self.coords, self.sink, self.key = schema, coords, sink, key
        self.result = GeoResult()
        self._lons: list[np.ndarray] = []
        self._lats: list[np.ndarray] = []
        self._names = [json.dumps(f["name"], ensure_ascii=False) for f in schema["fields"]]
        self._first = True
        sink.write(b'{"type":"FeatureCollection","features":[')

    def write(self, frames: Frames) -> None:
        for text in slices(frames, TEXT_ROWS):
            if not isinstance(text, pd.DataFrame):
                text = text.to_pandas(types_mapper={pa.string(): STRINGS}.get)
            self._write(text.reset_index(drop=True))

    def _write(self, text: pd.DataFrame) -> None:
        key, result = self.key, self.result
        lon, lat, known, usable = locate(text, self.coords)
        dropped = np.flatnonzero(~usable)
        result.left_out += len(dropped)
        room = NAMED_LIMIT - len(result.named)
        if len(dropped) and room > 0:
            labels = _row_names(text.iloc[dropped[:room]], key)
            for row, label in zip(dropped[:room], labels, strict=True):
                reason = (
                    "hors des emprises de la France (métropole et outre-mer)"
                    if known[row]
                    else "coordonnées absentes ou illisibles"
                )
                result.named.append((label, reason))
        kept = text.iloc[np.flatnonzero(usable)]
        if kept.empty:
            return
        lon, lat = lon[usable], lat[usable]
        self._lons.append(lon)
        self._lats.append(lat)
        parts: list = [',\n{"type":"Feature",']
        if len(key) == 1:
            parts += ['"id":', _json_strings(kept[key[0]]), ","]
        parts += [
            '"geometry":{"type":"Point","coordinates":[',
            _coordinate_text(lon),
            ",",
            _coordinate_text(lat),
            ']},"properties":{',
        ]
        for index, (fdesc, name) in enumerate(zip(self.schema["fields"], self._names, strict=True)):
            values = kept[fdesc["name"]]
            literal = fdesc.get("type", "string") in TYPED
            parts += [("," if index else "") + name + ":"]
            parts += [_json_literals(values) if literal else _json_strings(values)]
        parts.append("}}")
        data = row_text(parts)  # each feature after ",\n"; the first one after "\n"
        self.sink.write(memoryview(data)[1:] if self._first else data)
        self._first = False
        result.features += len(kept)

    def close(self) -> GeoResult:
        self.sink.write(b"\n]}\n")
        if self._lons:
            self.result.lon = np.concatenate(self._lons)
            self.result.lat = np.concatenate(self._lats)
            self._lons, self._lats = [], []
        return self.result


def write_geojson(
    frames: Frames, schema: dict, coords: Coordinates, sink: BinaryIO, key: list[str]
) -> GeoResult:
    """Write the FeatureCollection to ``sink``; ``key`` names the rows left out."""
    writer = GeoJSONSink(schema, coords, sink, key)
    writer.write(frames)
    return writer.close()
