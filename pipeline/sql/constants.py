"""Constants of a schema (bounds, ``enum`` options) read with the field's own reader, once,
when the schema is loaded: frictionless reads them with the field's value reader too
(``schema/field.py``, ``create_cell_reader``), and a constant it cannot read makes it crash,
so we refuse it (:mod:`pipeline.sql.support`)."""

from __future__ import annotations

import functools
import json
import threading
from dataclasses import dataclass

import duckdb

from pipeline.sql import literal
from pipeline.sql import numbers as num
from pipeline.sql.readers import field_format


def bound_text(fdesc: dict, value: object) -> str | None:
    """A constraint value (bound or enum option) as the text the field's reader gets, as
    frictionless's value readers take JSON values; None when they cannot take it."""
    ftype = fdesc.get("type", "string")
    if isinstance(value, bool):
        return None  # a boolean field takes True and False as they are (see fields)
    pair = isinstance(value, list) and len(value) == 2
    if ftype == "yearmonth" and pair and all(type(v) is int for v in value):
        return f"{value[0]}-{value[1]}"  # yearmonth(year, month)
    if ftype == "geopoint" and pair and all(type(v) in (int, float) for v in value):
        lon, lat = value
        fmt = field_format(fdesc)
        if fmt == "default":
            return f"{lon},{lat}"
        return json.dumps(value if fmt == "array" else {"lon": lon, "lat": lat})
    if ftype == "integer":
        if isinstance(value, float):
            return str(int(value)) if value.is_integer() else None
        return str(value) if isinstance(value, int | str) else None
    if ftype == "number":
        return num.python_number_text(value)
    if ftype == "year" and isinstance(value, int):
        return str(value).zfill(4) if 0 <= value <= 9999 else None
    if ftype in ("object", "array", "geojson") and isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value if isinstance(value, str) else None


_scratch = threading.local()


def scratch() -> duckdb.DuckDBPyConnection:
    """A private connection to read constants (bounds, enum options) and check declared
    values once, at load (opening one costs 15 ms): one per thread, as a connection runs
    one statement at a time."""
    con = getattr(_scratch, "con", None)
    if con is None:
        con = _scratch.con = duckdb.connect(
            ":memory:",
            config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
        )
    return con


@dataclass(frozen=True)
class Constant:
    """A bound or enum option as the field reads it: SQL literals of its values."""

    readable: bool
    typed: str = "NULL"
    order: str = "NULL"
    key: str = "NULL"


_CONSTANTS: dict[tuple[str, str, str], Constant] = {}
# What the readers of pipeline.sql.readers read of a field (its name, title, constraints…
# change nothing to how a value is read).
READER_KEYS = {
    "type",
    "format",
    "decimalChar",
    "groupChar",
    "bareNumber",
    "trueValues",
    "falseValues",
    "delimiter",
    "itemType",
}


def _as_literal(value: str | None, kind: str) -> str:
    return "NULL" if value is None else f"CAST({literal(value)} AS {kind})"


def read_constants(fdesc: dict, values: list, dialect: dict) -> list[Constant]:
    """How the field reads each JSON value (as frictionless's value readers do: a JSON
    number is not a text, so no decimal or group character applies to it), in one query
    over the values."""
    todo: dict[tuple[str, str], tuple[dict, dict, list[str]]] = {}
    plan: list = []
    ftype = fdesc.get("type", "string")
    for value in values:
        text = bound_text(fdesc, value)
        if text is None:
            plan.append(None)
            continue
        if ftype in ("string", "any") and field_format(fdesc) == "default":
            plan.append(Constant(True, literal(text), literal(text), literal(text)))
            continue
        drop = {"constraints", "missingValues"}
        relevant = {"number": ("decimalChar", "groupChar"), "date": ("dateFormat",)}
        neutral = {"decimalChar": ".", "groupChar": "", "dateFormat": "%Y-%m-%d"}
        options = {
            k: v
            for k, v in dialect.items()
            if k in relevant.get(ftype, ()) and v != neutral[k]  # no-ops: one cache entry
        }
        if not isinstance(value, str):
            drop |= {"decimalChar", "groupChar", "bareNumber"}
            options = {}
        bare = {k: v for k, v in fdesc.items() if k in READER_KEYS and k not in drop}
        bare["name"] = "v"  # fields read alike share their constants (one query)
        group = (json.dumps(bare, sort_keys=True), json.dumps(options, sort_keys=True))
        plan.append((*group, text))
        if (*group, text) not in _CONSTANTS:
            todo.setdefault(group, (bare, options, []))[2].append(text)
    for (g_fdesc, g_dialect), (bare, options, texts) in todo.items():
        for text, constant in zip(texts, _evaluate(bare, options, texts), strict=True):
            _CONSTANTS[(g_fdesc, g_dialect, text)] = constant
    return [
        Constant(False)
        if item is None
        else item
        if isinstance(item, Constant)
        else _CONSTANTS[item]
        for item in plan
    ]


def _evaluate(fdesc: dict, dialect: dict, texts: list[str]) -> list[Constant]:
    from pipeline.sql.fields import compile_field  # fields uses the constants it reads
    from pipeline.sql.scan import rows

    f = compile_field(fdesc, "r.c0", [], dialect, key="b")
    layers: list[dict[str, str]] = [{} for _ in f.layers]
    for i, layer in enumerate(f.layers):
        layers[i].update(layer)
    values = ", ".join(f"({i + 1}, {literal(t)})" for i, t in enumerate(texts))
    relation = f"(SELECT * FROM (VALUES {values}) AS v(__rec, c0))"
    picks = ", ".join(f"CAST(({e}) AS VARCHAR), typeof(({e}))" for e in (f.typed, f.order, f.key))
    sql = f"SELECT {f.invalid}, {picks} FROM {rows(relation, layers, {})} ORDER BY r.__rec"
    out = []
    for invalid, typed, t_kind, order, o_kind, key, k_kind in scratch().execute(sql).fetchall():
        out.append(
            Constant(
                not invalid and key is not None,
                _as_literal(typed, t_kind),
                _as_literal(order, o_kind),
                _as_literal(key, k_kind),
            )
        )
    return out


@functools.cache
def published_text(fdesc_json: str, text: str) -> str | None:
    """The published text of the value ``text`` of a field (as the normalised CSV writes it:
    ``fdesc_json`` is the field descriptor, as JSON), None when the field cannot read it.
    A figure's or a programme's condition compares published texts."""
    from pipeline.sql.fields import compile_field, published_field
    from pipeline.sql.scan import rows

    fdesc = published_field(json.loads(fdesc_json)) | {"name": "v"}
    f = compile_field(fdesc, "r.c0", [""], {}, key="b")
    layers: list[dict[str, str]] = [dict(layer) for layer in f.layers]
    relation = f"(SELECT * FROM (VALUES (1, {literal(text)})) AS v(__rec, c0))"
    sql = f"SELECT {f.invalid}, CAST(({f.text}) AS VARCHAR) FROM {rows(relation, layers, {})}"
    invalid, published = scratch().execute(sql).fetchone()  # type: ignore[misc]
    return None if invalid or published is None else published
