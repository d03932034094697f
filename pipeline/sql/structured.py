"""JSON-shaped types as frictionless 5 reads them, in SQL: ``object``, ``array``,
``geojson`` (``json.loads`` then a check of the value), ``geopoint`` and the items of
``list``.

``json.loads`` is stricter than DuckDB's JSON reader, which also takes trailing commas,
comments and ``nan``/``inf`` in any case: a cell is JSON for us when DuckDB reads it *and*,
once its valid strings are set aside, it is made of Python's JSON tokens only (numbers,
``true``, ``false``, ``null``, ``NaN``, ``Infinity``, ``-Infinity``, punctuation and the four
JSON spaces), without a comma before a closing bracket."""

from __future__ import annotations

from itertools import count

from pipeline.sql import literal
from pipeline.sql.numbers import (
    ascii_digits,
    let,
    number_ok,
    number_parts,
    number_text,
    number_typed,
    order_of_parts,
    py_strip,
)

_STRING = r'"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"'
_WS = r"[ \t\n\r]*"
_NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
_TOKENS = (
    r"\A" + _WS + r'(?:(?:[\[\]{}:,]|""|true|false|null|NaN|-?Infinity|' + _NUMBER + ")"
    r"" + _WS + r")*\z"
)
_EMPTY = '""'
_TRAILING_COMMA = "," + _WS + r"[\]}]"
NUMERIC_JSON = "('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')"
STRING_JSON = "('VARCHAR',)"
OBJECT_OR_NULL = "('OBJECT', 'NULL')"


def json_ok(raw: str) -> str:
    """``json.loads(cell)`` succeeds."""
    bare = f"regexp_replace({raw}, {literal(_STRING)}, {literal(_EMPTY)}, 'g')"
    return (
        f"(coalesce(json_valid({raw}), FALSE) AND regexp_matches({bare}, {literal(_TOKENS)}) "
        f"AND NOT regexp_matches({bare}, {literal(_TRAILING_COMMA)}))"
    )


def json_kind(raw: str) -> str:
    return f"json_type(TRY_CAST({raw} AS JSON))"


def json_text(raw: str) -> str:
    """The value as minified JSON (key order kept)."""
    return f"CAST(json(TRY_CAST({raw} AS JSON)) AS VARCHAR)"


def object_size(raw: str) -> str:
    return f"len(list_distinct(json_keys(TRY_CAST({raw} AS JSON))))"


def array_size(raw: str) -> str:
    return f"json_array_length(TRY_CAST({raw} AS JSON))"


# --- geopoint -----------------------------------------------------------------------------


def _decimal_prepared(text: str) -> str:
    """``Decimal(text)`` as :func:`number_prepared` without decimal or group characters."""
    return py_strip(f"replace({ascii_digits(text)}, '_', '')")


def _in_range(prepared: str, limit: int) -> str:
    """-limit <= Decimal(prepared) <= limit, exactly (NaN and infinities out of range): the
    double decides unless it is the limit itself, then the significant digits do."""
    return let(prepared, lambda p: _in_range_of(p, limit))


def _in_range_of(prepared: str, limit: int) -> str:
    value = number_typed(prepared)
    parts = number_parts(prepared)
    exact = (
        f"(struct_extract({parts}, 'd') = {literal(str(limit).rstrip('0'))} AND "
        f"struct_extract({parts}, 'e') = {len(str(limit))})"
    )
    return (
        f"(NOT isnan({value}) AND CASE WHEN abs({value}) < {limit} THEN TRUE "
        f"WHEN abs({value}) > {limit} THEN FALSE ELSE {exact} END)"
    )


def _json_number(j: str, limit: int) -> tuple[str, str]:
    """(ok, prepared text) of ``Decimal(v)`` for a JSON value v (a number, a numeric string
    or a boolean), in -limit..limit."""
    kind = f"json_type({j})"
    as_text = f"json_extract_string({j}, '$')"
    prepared = (
        f"CASE {kind} WHEN 'BOOLEAN' THEN CASE WHEN {as_text} = 'true' THEN '1' ELSE '0' END "
        f"ELSE {_decimal_prepared(as_text)} END"
    )
    valid = let(prepared, lambda p: f"{number_ok(p)} AND {_in_range(p, limit)}")
    ok = (
        f"(CASE WHEN {kind} IN {NUMERIC_JSON} THEN abs(TRY_CAST({as_text} AS DOUBLE)) <= {limit} "
        f"WHEN {kind} = 'BOOLEAN' THEN TRUE "
        f"WHEN {kind} = 'VARCHAR' THEN {valid} "
        "ELSE FALSE END)"
    )
    return ok, prepared


def geopoint_parts(fmt: str, raw: str) -> tuple[str, str, str, str, str, str]:
    """(prepared, ok, extra, key, lon text, lat text) of a geopoint: the prepared value is a
    struct of the two coordinates as Decimal reads them, the extra one their number parts;
    the texts are canonical numbers."""
    if fmt == "default":
        parts = f"string_split({raw}, ',')"
        lon, lat = (_decimal_prepared(py_strip(f"{parts}[{i}]")) for i in (1, 2))
        prepared = f"{{'n': len({parts}), 'lon': {lon}, 'lat': {lat}}}"
        p_lon, p_lat = "struct_extract({prepared}, 'lon')", "struct_extract({prepared}, 'lat')"
        ok = (
            f"(struct_extract({{prepared}}, 'n') = 2 AND {number_ok(p_lon)} AND "
            f"{number_ok(p_lat)} AND {_in_range(p_lon, 180)} AND {_in_range(p_lat, 90)})"
        )
    else:
        j = f"TRY_CAST({raw} AS JSON)"
        if fmt == "array":
            lon_j, lat_j = f"json_extract({j}, '$[0]')", f"json_extract({j}, '$[1]')"
            shape = f"{json_kind(raw)} = 'ARRAY' AND {array_size(raw)} = 2"
        else:
            lon_j, lat_j = f"json_extract({j}, '$.lon')", f"json_extract({j}, '$.lat')"
            keys = f"list_sort(list_distinct(json_keys({j})))"
            shape = f"{json_kind(raw)} = 'OBJECT' AND {keys} = ['lat', 'lon']"
        lon_ok, lon = _json_number(lon_j, 180)
        lat_ok, lat = _json_number(lat_j, 90)
        ok = f"({json_ok(raw)} AND {shape} AND {lon_ok} AND {lat_ok})"
        prepared = f"{{'lon': {lon}, 'lat': {lat}}}"
        p_lon, p_lat = "struct_extract({prepared}, 'lon')", "struct_extract({prepared}, 'lat')"
    extra = f"{{'lon': {number_parts(p_lon)}, 'lat': {number_parts(p_lat)}}}"
    x_lon, x_lat = "struct_extract({extra}, 'lon')", "struct_extract({extra}, 'lat')"
    key = f"{order_of_parts(x_lon)} || ',' || {order_of_parts(x_lat)}"
    return prepared, ok, extra, key, number_text(p_lon, x_lon), number_text(p_lat, x_lat)


# --- geojson ------------------------------------------------------------------------------


class _GeoJSON:
    """frictionless's GeoJSON profile (a JSON Schema, draft 4) as SQL over JSON values."""

    def __init__(self) -> None:
        self.names = count()

    def all(self, j: str, item) -> str:
        var = f"g{next(self.names)}"
        return (
            f"coalesce(list_bool_and(list_transform(json_extract({j}, '$[*]'), "
            f"lambda {var}: {item(var)})), TRUE)"
        )

    @staticmethod
    def kind(j: str, path: str = "$") -> str:
        return f"json_type({j}, {literal(path)})"

    def has(self, j: str, key: str) -> str:
        return f"json_exists({j}, {literal('$.' + key)})"

    def is_type(self, j: str, key: str, kinds: str) -> str:
        return f"coalesce({self.kind(j, '$.' + key)} IN {kinds}, FALSE)"

    def type_is(self, j: str, value: str, required: bool = False) -> str:
        string = f"({self.kind(j, '$.type')} = 'VARCHAR' AND json_extract_string({j}, '$.type') = {literal(value)})"
        return string if required else f"(NOT {self.has(j, 'type')} OR {string})"

    def position(self, j: str) -> str:
        return (
            f"({self.kind(j)} = 'ARRAY' AND json_array_length({j}) = 2 AND "
            f"json_type({j}, '$[0]') IN {NUMERIC_JSON} AND json_type({j}, '$[1]') IN {NUMERIC_JSON})"
        )

    def positions(self, j: str, least: int = 0) -> str:
        return (
            f"({self.kind(j)} = 'ARRAY' AND json_array_length({j}) >= {least} AND "
            f"{self.all(j, self.position)})"
        )

    def polygon(self, j: str) -> str:
        return f"({self.kind(j)} = 'ARRAY' AND {self.all(j, lambda r: self.positions(r, 4))})"

    def geometry(self, j: str) -> str:
        c = f"json_extract({j}, '$.coordinates')"
        shapes = {
            "Point": self.position(c),
            "MultiPoint": self.positions(c),
            "LineString": self.positions(c, 2),
            "MultiLineString": f"({self.kind(c)} = 'ARRAY' AND {self.all(c, lambda x: self.positions(x, 2))})",
            "Polygon": self.polygon(c),
            "MultiPolygon": f"({self.kind(c)} = 'ARRAY' AND {self.all(c, self.polygon)})",
        }
        branches = " OR ".join(
            f"({self.type_is(j, name, required=True)} AND coalesce({shape}, FALSE))"
            for name, shape in shapes.items()
        )
        return (
            f"({self.kind(j)} = 'OBJECT' AND {self.has(j, 'type')} AND "
            f"{self.has(j, 'coordinates')} AND ({branches}))"
        )

    def feature(self, j: str) -> str:
        geometry = f"json_extract({j}, '$.geometry')"
        return (
            f"({self.kind(j)} <> 'OBJECT' OR ({self.has(j, 'geometry')} AND "
            f"{self.has(j, 'properties')} AND {self.type_is(j, 'Feature')} AND "
            f"({self.kind(geometry)} = 'NULL' OR {self.geometry(geometry)}) AND "
            f"{self.is_type(j, 'properties', OBJECT_OR_NULL)}))"
        )

    def collection(self, j: str, key: str, name: str, item) -> str:
        items = f"json_extract({j}, {literal('$.' + key)})"
        return (
            f"({self.has(j, key)} AND {self.type_is(j, name)} AND "
            f"{self.kind(items)} = 'ARRAY' AND {self.all(items, item)})"
        )

    def crs(self, j: str) -> str:
        c = f"json_extract({j}, '$.crs')"
        props = f"json_extract({c}, '$.properties')"
        named = (
            f"({self.type_is(c, 'name')} AND ({self.kind(props)} <> 'OBJECT' OR "
            f"({self.has(props, 'name')} AND list_sort(json_keys({props})) = ['name'] AND "
            f"{self.is_type(props, 'name', STRING_JSON)})))"
        )
        linked = (
            f"({self.type_is(c, 'link')} AND ({self.kind(props)} = 'OBJECT' AND "
            f"{self.has(props, 'href')} AND {self.is_type(props, 'href', STRING_JSON)} AND "
            f"(NOT {self.has(props, 'type')} OR {self.is_type(props, 'type', STRING_JSON)})))"
        )
        return (
            f"(NOT {self.has(j, 'crs')} OR ({self.kind(c)} = 'OBJECT' AND "
            f"list_has_all(['type', 'properties'], json_keys({c})) AND {self.has(c, 'type')} AND "
            f"{self.has(c, 'properties')} AND {self.is_type(c, 'type', STRING_JSON)} AND "
            f"{self.kind(props)} = 'OBJECT' AND "
            f"(CAST({named} AS INTEGER) + CAST({linked} AS INTEGER)) = 1))"
        )

    def bbox(self, j: str) -> str:
        b = f"json_extract({j}, '$.bbox')"
        return (
            f"(NOT {self.has(j, 'bbox')} OR ({self.kind(b)} = 'ARRAY' AND "
            f"{self.all(b, lambda x: f'json_type({x}) IN {NUMERIC_JSON}')}))"
        )

    def document(self, j: str) -> str:
        kinds = [
            self.geometry(j),
            self.collection(j, "geometries", "GeometryCollection", self.geometry),
            self.feature(j),
            self.collection(j, "features", "FeatureCollection", self.feature),
        ]
        one = " + ".join(f"CAST(coalesce({k}, FALSE) AS INTEGER)" for k in kinds)
        return (
            f"({self.kind(j)} = 'OBJECT' AND {self.has(j, 'type')} AND "
            f"coalesce({self.crs(j)}, FALSE) AND coalesce({self.bbox(j)}, FALSE) AND ({one}) = 1)"
        )


def geojson_ok(raw: str) -> str:
    document = _GeoJSON().document(f"TRY_CAST({raw} AS JSON)")
    return f"({json_ok(raw)} AND {document})"
