"""A resource's Table Schema, checked when it is loaded: its shape (JSON Schema below), what
the engine supports (:func:`pipeline.sql.fields.support_problems`: every type, format and
constraint of Table Schema, with the patterns, date formats, bounds and enum members the
engine reads as frictionless does; anything else is refused), frictionless's own reading of
each field (examples are read with the field's type and format), and declarations that are
surely mistakes (a date format reading minutes for the month, minLength above maxLength).
Keys (``primaryKey``, ``uniqueKeys``, ``foreignKeys``) must name fields that exist, here and
in the referenced resource."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache

from pipeline.declarations.jsonfile import JsonPath, parse_path
from pipeline.declarations.references import Index
from pipeline.declarations.schema_errors import listing, schema_problems, shown, suggestion
from pipeline.declarations.values import SAMPLE, Engine
from pipeline.sql import fields as sqlf
from pipeline.sql import ident_key
from pipeline.sql.expectations import iso_date

Report = Callable[[JsonPath, str], None]

NAMES = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
    ]
}
STRINGS = {"type": "array", "items": {"type": "string"}}
COUNT = {
    "type": "integer",
    "minimum": 0,
    "description": "un nombre entier positif ou nul, par exemple 5",
}
TEXT = {"type": "string"}
# licenses, contributors, sources: objects whose members are texts ({"title", "path"…})
OBJECTS = {
    "type": "array",
    "items": {"type": "object", "additionalProperties": TEXT},
    "description": 'une liste d\'objets dont chaque valeur est un texte, par exemple [{"title": '
    '"ANCT", "path": "https://anct.gouv.fr"}]',
}
# the Table Schema keys besides fields and keys: read by frictionless, schema.data.gouv.fr and
# every reuser as texts or lists (a number here is published, then refused by verify)
METADATA = {
    **{key: TEXT for key in ("$schema", "name", "title", "description", "version", "homepage")},
    **{key: TEXT for key in ("path", "created", "lastModified", "updated", "countryCode")},
    "image": TEXT,
    "keywords": STRINGS | {"description": 'une liste de textes, par exemple ["commune", "ANCT"]'},
    "contributors": OBJECTS,
    "licenses": OBJECTS,
    "sources": OBJECTS,
}
SHAPE = {
    "type": "object",
    "required": ["fields"],
    "properties": {
        **METADATA,
        "fields": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "type": {"type": "string"},
                    "format": {"type": "string"},
                    "title": {"type": "string"},
                    "description": {"type": "string"},
                    "constraints": {
                        "type": "object",
                        "properties": {
                            "required": {"type": "boolean"},
                            "unique": {"type": "boolean"},
                            "pattern": {"type": "string", "minLength": 1},
                            "enum": {
                                "type": "array",
                                "minItems": 1,
                                "description": 'une liste des valeurs permises, par exemple ["Principal", "Antenne"]',
                            },
                            "minLength": COUNT,
                            "maxLength": COUNT,
                            # bounds: any JSON value the field's reader takes (a number, a
                            # date as text, a yearmonth as [2024, 1]…), tried by the engine
                            "minimum": {},
                            "maximum": {},
                            "exclusiveMinimum": {},
                            "exclusiveMaximum": {},
                        },
                    },
                    "missingValues": STRINGS,
                    "rdfType": {"type": "string"},
                    "trueValues": STRINGS,
                    "falseValues": STRINGS,
                    "decimalChar": {"type": "string", "minLength": 1},
                    "groupChar": {"type": "string"},
                },
            },
        },
        "missingValues": STRINGS,
        "primaryKey": NAMES,
        "uniqueKeys": {"type": "array", "items": NAMES},
        "foreignKeys": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["fields", "reference"],
                "additionalProperties": False,
                "properties": {
                    "fields": NAMES,
                    "reference": {
                        "type": "object",
                        "required": ["fields"],
                        "additionalProperties": False,
                        "properties": {"resource": {"type": "string"}, "fields": NAMES},
                    },
                    "severity": {"enum": ["error", "warning"]},
                    "hint": {"type": "string"},
                },
            },
        },
    },
}
# Table Schema keys, and those of schema.data.gouv.fr's conventions; anything else is a typo.
TOP_KEYS = {
    "$schema", "name", "title", "description", "version", "homepage", "path", "created",
    "lastModified", "updated", "countryCode", "contributors", "licenses", "sources", "keywords",
    "resources", "image", "missingValues", "primaryKey", "foreignKeys", "uniqueKeys", "fields",
}  # fmt: skip
EXAMPLE_NOTE = re.compile(r'example value "(.*)" for field "(.*)" is not valid')
CONSTRAINTS = (
    "required",
    "unique",
    "pattern",
    "enum",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
)
AT_PROPERTY = re.compile(r"^(.*) at property '([^']*)'$")


def as_list(value: object) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])  # type: ignore[call-overload]


def check_schema(schema: object, engine: Engine, report: Report) -> list[str] | None:
    """Problems of one Table Schema on its own. Returns its field names when they can be
    trusted by the declarations that refer to them, else None."""
    shape = schema_problems(schema, SHAPE)
    for path, message in shape:
        report(path, message)
    if not isinstance(schema, dict) or not _named_fields(schema):
        return None
    for key in schema:
        if key not in TOP_KEYS:
            hint = suggestion(key, TOP_KEYS)
            report((key,), f"clé « {key} » inconnue d'un Table Schema{hint}")
    seen: dict[str, int] = {}
    keys: dict[str, int] = {}
    for i, fdesc in enumerate(schema["fields"]):
        name = fdesc["name"]
        if name in seen:
            report(
                ("fields", i, "name"),
                f"le champ « {name} » est déjà déclaré (fields[{seen[name]}]) : chaque champ "
                "porte un nom unique, renommez ou retirez l'un des deux",
            )
        elif ident_key(name) in keys:
            first = keys[ident_key(name)]
            report(
                ("fields", i, "name"),
                f"le champ « {name} » ne diffère de « {schema['fields'][first]['name']} » "
                f"(fields[{first}]) que par des majuscules : le moteur de validation ne les "
                "distingue pas dans un nom de colonne, renommez l'un des deux",
            )
        seen.setdefault(name, i)
        keys.setdefault(ident_key(name), i)
    if shape:  # the checks below expect a well-formed schema
        return list(seen)
    engine_paths = set()
    for text, message in sqlf.support_problems(schema):
        path = parse_path(text)
        engine_paths.add(path[:2])
        hint = ""
        if (
            path[-2:-1] == ("constraints",)
            and isinstance(path[-1], str)
            and path[-1] not in CONSTRAINTS
        ):
            hint = suggestion(path[-1], CONSTRAINTS)
        report(path, message.rstrip(".") + hint)
    for i, fdesc in enumerate(schema["fields"]):
        if ("fields", i) in engine_paths:
            continue
        found: list[JsonPath] = []

        def counted(path: JsonPath, message: str, found: list = found) -> None:
            found.append(path)
            report(path, message)

        _field(fdesc, ("fields", i), engine, counted)
        if not found and not plainly_valid(fdesc):
            _frictionless(fdesc, ("fields", i), report)
    _keys(schema, set(seen), report)
    return list(seen)


def _named_fields(schema: dict) -> bool:
    fields = schema.get("fields")
    return isinstance(fields, list) and all(
        isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields
    )


def _field(fdesc: dict, path: JsonPath, engine: Engine, report: Report) -> None:
    """Mistakes in a field the engine would run as written (its support is checked before)."""
    ftype = fdesc.get("type", "string")
    if ftype in ("date", "datetime") and isinstance(fdesc.get("format"), str):
        # (a format inherited from the dialect is checked with the dialect)
        problem = engine.date_format_problem(fdesc["format"], ftype)
        if problem:
            report((*path, "format"), problem)
            return
    cons = fdesc.get("constraints") or {}
    low, high = cons.get("minLength"), cons.get("maxLength")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        report((*path, "constraints", "minLength"), f"minLength ({low}) dépasse maxLength ({high})")
    _bounds_in_order(fdesc, cons, (*path, "constraints"), report)


# (lower bound, upper bound, the comparison that leaves no value between them)
BOUND_PAIRS = (
    ("minimum", "maximum", ">"),
    ("exclusiveMinimum", "exclusiveMaximum", ">="),
    ("minimum", "exclusiveMaximum", ">="),
    ("exclusiveMinimum", "maximum", ">="),
)


def _bounds_in_order(fdesc: dict, cons: dict, path: JsonPath, report: Report) -> None:
    """Bounds that leave no value between them (numbers, dates, times…), compared as the
    field reads them (bounds it cannot read are reported by the engine's support check)."""
    from pipeline.sql.constants import read_constants, scratch

    for low_key, high_key, empty in BOUND_PAIRS:
        if low_key not in cons or high_key not in cons:
            continue
        plain = _plain_order(fdesc, cons[low_key], cons[high_key])
        if plain is not None:
            crossed = plain > 0 if empty == ">" else plain >= 0
        else:
            low, high = read_constants(fdesc, [cons[low_key], cons[high_key]], {})
            if not (low.readable and high.readable):
                continue
            row = scratch().execute(f"SELECT ({low.order}) {empty} ({high.order})").fetchone()
            crossed = bool(row and row[0])
        if crossed:
            verb = "dépasse" if empty == ">" else "atteint ou dépasse"
            report(
                (*path, low_key),
                f"{low_key} ({shown(cons[low_key])}) {verb} {high_key} "
                f"({shown(cons[high_key])}) : aucune valeur ne tiendrait entre les deux ; "
                "échangez-les",
            )


def _plain_order(fdesc: dict, low: object, high: object) -> int | None:
    """-1, 0 or 1 when both bounds are plainly readable (JSON numbers on a number field, ISO
    dates on a default date field), compared without the engine (a query per pair cost a
    tenth of a second over the repository); None otherwise."""
    from pipeline.sql.support import plainly_readable

    if not (plainly_readable(fdesc, low) and plainly_readable(fdesc, high)):
        return None
    return (low > high) - (low < high)  # type: ignore[operator]


def plainly_valid(fdesc: dict) -> bool:
    """True when frictionless is known to accept the field without asking it (importing it
    costs a third of a second): everything else it checks in a field (the descriptor's shape,
    constraints per type, missing values) is checked above, so only an ``example`` that is not
    plainly of the field's type is left to it."""
    example = fdesc.get("example")
    if not example:  # frictionless reads no falsy example
        return True
    ftype, fmt = fdesc.get("type", "string"), fdesc.get("format", "default")
    number = isinstance(example, int | float) and not isinstance(example, bool)
    if ftype == "string" and fmt == "default":
        return isinstance(example, str)
    if ftype == "integer":
        return isinstance(example, int) and not isinstance(example, bool)
    if ftype == "year":
        return isinstance(example, int) and not isinstance(example, bool) and 0 <= example < 10000
    if ftype == "number":
        return number and example == example and abs(example) != float("inf")
    if ftype == "boolean":
        return isinstance(example, bool)
    if ftype == "date" and fmt == "default" and isinstance(example, str):
        return iso_date(example) is not None
    return False


def _frictionless(fdesc: dict, path: JsonPath, report: Report) -> None:
    """frictionless's reading of the field (it reads the ``example`` with the field's type and
    format, as a reuser's frictionless will)."""
    for note in _frictionless_notes(json.dumps(fdesc, sort_keys=True)):
        example = EXAMPLE_NOTE.match(note)
        if example:
            report((*path, "example"), _example_message(fdesc, example.group(1)))
            continue
        at = AT_PROPERTY.match(note)
        if at:
            report((*path, *at.group(2).split("/")), f"refusé par frictionless : {at.group(1)}")
        else:
            report(path, f"champ refusé par frictionless : {note}")


def _example_message(fdesc: dict, value: str) -> str:
    ftype, fmt = fdesc.get("type", "string"), fdesc.get("format", "default")
    text = f"l'exemple « {value} » ne se lit pas comme une valeur du champ (type {ftype}"
    if ftype in ("integer", "number", "year"):
        return (
            f"{text}) : écrivez-le comme un nombre JSON, sans guillemets ni séparateur des "
            "milliers, par exemple 1234.5 (frictionless, chez les réutilisateurs, ne lit pas "
            "les exemples avec decimalChar ou groupChar)"
        )
    if ftype in ("date", "datetime"):
        fmt = "%Y-%m-%d" if fmt in ("default", "any") else fmt
        sample = SAMPLE.strftime(fmt) if ftype == "date" else SAMPLE.isoformat()
        return f"{text}, format « {fmt} ») : écrivez-le dans ce format, par exemple « {sample} »"
    return f"{text}, format {fmt}) : écrivez-le comme dans le fichier brut"


@cache
def _frictionless_notes(descriptor: str) -> tuple[str, ...]:
    """frictionless's notes on one field descriptor (kept: runs check the same fields)."""
    from frictionless import Field

    try:
        result = Field.validate_descriptor(json.loads(descriptor))
    except Exception as exc:  # frictionless raises many types on odd descriptors
        return (str(exc),)
    return tuple(error.note for error in result.errors)


def _keys(schema: dict, names: set[str], report: Report) -> None:
    def unknown(path: JsonPath, value: object) -> None:
        for j, name in enumerate(as_list(value)):
            if name not in names:
                where = path if isinstance(value, str) else (*path, j)
                hint = listing(suggestion(name, names), "champs", sorted(names))
                report(where, f"champ « {name} » absent de « fields »{hint}")

    if "primaryKey" in schema:
        unknown(("primaryKey",), schema["primaryKey"])
        repeated_names(("primaryKey",), schema["primaryKey"], report)
    for i, key in enumerate(schema.get("uniqueKeys") or []):
        unknown(("uniqueKeys", i), key)
    for i, fk in enumerate(schema.get("foreignKeys") or []):
        unknown(("foreignKeys", i, "fields"), fk["fields"])
        theirs = fk["reference"]["fields"]
        if len(as_list(fk["fields"])) != len(as_list(theirs)):
            report(
                ("foreignKeys", i, "reference", "fields"),
                f"autant de champs que dans « fields » ({len(as_list(fk['fields']))}) attendus",
            )


def check_foreign_keys(schema: dict, resource: str, index: Index, report: Report) -> None:
    """Each foreign key's resource exists and has the referenced fields."""
    fks = schema.get("foreignKeys")
    for i, fk in enumerate(fks if isinstance(fks, list) else []):
        if schema_problems(fk, SHAPE["properties"]["foreignKeys"]["items"]):
            continue  # reported with the schema's shape
        target = fk["reference"].get("resource") or resource
        path: JsonPath = ("foreignKeys", i, "reference")
        if not index.knows(target):
            report((*path, "resource"), index.unknown_resource(target))
            continue
        known = index.fields.get(target)
        if known is None:
            continue
        value = fk["reference"]["fields"]
        for j, name in enumerate(as_list(value)):
            if name not in known:
                where = (*path, "fields") if isinstance(value, str) else (*path, "fields", j)
                report(where, index.unknown_field(name, target))


def repeated_names(path: JsonPath, value: object, report: Report) -> None:
    """A key (primaryKey, diffKey) naming the same field twice."""
    if not isinstance(value, list):
        return
    for j, name in enumerate(value):
        if name in value[:j]:
            report(
                (*path, j),
                f"champ « {name} » nommé deux fois dans la clé : nommez chaque champ une fois",
            )
