"""What the engine checks of a Table Schema, and the refusal of everything else when the
schema is loaded: each problem is a (JSON path, French message naming the field). The caller
raises a configuration error (exit 2); nothing is skipped in silence.

Refused, beyond unknown types, formats, constraints and properties: bounds and ``enum``
options the field cannot read (frictionless would crash on them), patterns RE2 cannot run
with Python's meaning (lookarounds, backreferences, Unicode word boundaries), strftime
directives we do not read (``%j``, ``%U``, ``%W``, ``%G``, ``%V``, ``%c``, ``%x``, ``%X``,
``%Z``), ``wkt`` strings, ``topojson``, ``arrayItem``, and keys over values Python cannot
hash (object, array, list, geojson: frictionless crashes on them)."""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache

import duckdb

from pipeline.sql import fields as f
from pipeline.sql import literal
from pipeline.sql.constants import read_constants, scratch
from pipeline.sql.expectations import iso_date
from pipeline.sql.pyregex import Untranslatable, python_error_fr, translate
from pipeline.sql.temporal import BadFormat

TYPES = tuple(f.BUILDERS)
BOUNDED = ("integer", "number", "year", "date", "time", "datetime", "yearmonth")
_BASE = {"required", "unique", "enum"}
CONSTRAINTS = {
    **{t: _BASE | set(f.BOUNDS) for t in BOUNDED},
    "string": _BASE | {"minLength", "maxLength", "pattern"},
    "boolean": _BASE,
    "duration": _BASE,
    "geopoint": _BASE,
    "geojson": _BASE,
    "any": _BASE,
    "object": _BASE | {"minLength", "maxLength"},
    "array": _BASE | {"minLength", "maxLength"},
    "list": {"required", "unique", "minLength", "maxLength"},
}
FORMATS: dict[str, set[str] | None] = {
    "string": {"default", "email", "uri", "uuid", "binary"},
    "geopoint": {"default", "array", "object"},
    "date": None,  # "default", "any" or a strftime pattern
    "time": None,
    "datetime": None,
}
UNHASHABLE = ("object", "array", "list", "geojson")
FIELD_KEYS = {
    "name",
    "title",
    "description",
    "type",
    "format",
    "example",
    "constraints",
    "missingValues",
    "rdfType",
    "x-source",
}
TYPE_KEYS = {  # x-parquet-decimal: the Parquet type of the published column (parquet.py)
    "number": {"decimalChar", "groupChar", "bareNumber", "x-parquet-decimal"},
    "integer": {"bareNumber", "x-parquet-decimal"},
    "year": {"x-parquet-decimal"},
    "boolean": {"trueValues", "falseValues"},
    "list": {"delimiter", "itemType"},
}
TYPE_FR = {
    "integer": "un nombre entier",
    "number": "un nombre",
    "year": "une année",
    "boolean": "un booléen",
    "date": "une date",
    "datetime": "une date et heure",
    "time": "une heure",
    "yearmonth": "une année et un mois",
    "duration": "une durée",
    "geopoint": "un point",
    "geojson": "un objet GeoJSON",
    "object": "un objet JSON",
    "array": "un tableau JSON",
}
REFUSED_FORMATS = {
    ("string", "wkt"): "le format wkt (géométrie en texte) n'est pas vérifié par le moteur",
    ("geojson", "topojson"): "le format topojson n'est pas vérifié par le moteur",
}


def _unreadable(fdesc: dict, values: list) -> list[bool]:
    """For each value (a bound or an enum option): the field's reader cannot read it (NaN
    included: frictionless cannot compare it). Values plainly of the field's type are not
    read: every schema of the repository is checked at each run."""
    todo = [v for v in values if not plainly_readable(fdesc, v)]
    read = iter(read_constants(fdesc, todo, {}) if todo else [])
    boolean = fdesc.get("type") == "boolean"
    out = []
    for v in values:
        if plainly_readable(fdesc, v):
            out.append(False)
            continue
        c = next(read)
        out.append(not (c.readable or (boolean and isinstance(v, bool))))
    return out


def plainly_readable(fdesc: dict, value: object) -> bool:
    """A JSON integer for an integer or number field, a finite JSON number for a number
    field, an ISO date for a date field read with ``%Y-%m-%d``: every reader of the field
    takes them (see :func:`pipeline.sql.constants.bound_text`)."""
    ftype = fdesc.get("type", "string")
    if type(value) is int and ftype in ("integer", "number"):
        return abs(value) < 2**63
    if type(value) is float and ftype == "number":
        return math.isfinite(value)
    if isinstance(value, str) and ftype == "date" and f.field_format(fdesc) == "default":
        read = iso_date(value)
        return read is not None and read.year >= 1
    return False


def _string_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def field_problems(fdesc: dict, path: str) -> list[tuple[str, str]]:  # noqa: C901
    """The problems of one field descriptor."""
    if not isinstance(fdesc, dict) or not isinstance(fdesc.get("name"), str):
        return [(path, "chaque champ doit être un objet avec un nom (« name »).")]
    name = fdesc["name"]
    ftype = fdesc.get("type", "string")
    if ftype not in TYPES:
        return [
            (
                f"{path}.type",
                f"type « {ftype} » inconnu pour le champ « {name} » (types pris en charge : "
                f"{', '.join(TYPES)}).",
            )
        ]
    out: list[tuple[str, str]] = []

    def problem(where: str, text: str) -> None:
        out.append((f"{path}.{where}", f"champ « {name} » : {text}."))

    for key in fdesc:
        if key not in FIELD_KEYS | TYPE_KEYS.get(ftype, set()):
            problem(key, f"propriété « {key} » inconnue du moteur pour le type {ftype}")
    fmt = f.field_format(fdesc)
    allowed = FORMATS.get(ftype, {"default"})
    if (ftype, fmt) in REFUSED_FORMATS:
        problem("format", REFUSED_FORMATS[(ftype, fmt)])
    elif allowed is not None and fmt not in allowed:
        known = ", ".join(sorted(allowed, key=lambda k: (k != "default", k)))
        problem("format", f"format « {fmt} » inconnu pour le type {ftype} (formats : {known})")
    for key in ("missingValues", "trueValues", "falseValues"):
        if key in fdesc and not _string_list(fdesc[key]):
            problem(key, f"« {key} » doit être une liste de textes")
    for key in ("decimalChar", "groupChar", "format"):
        if key in fdesc and not isinstance(fdesc[key], str):
            problem(key, f"« {key} » doit être un texte")
    decimal, group = fdesc.get("decimalChar"), fdesc.get("groupChar")
    if decimal == "":
        problem("decimalChar", "« decimalChar » ne peut pas être vide")
    elif isinstance(decimal, str) and len(decimal) > 1:
        problem(
            "decimalChar",
            f"« decimalChar » vaut « {decimal} » : un seul caractère, « . » ou « , »",
        )
    elif isinstance(decimal, str) and decimal == group:
        # (as for the dialect: pipeline.declarations.sources)
        problem(
            "groupChar",
            f"séparateur décimal et séparateur des milliers identiques (« {group} ») : ils "
            "doivent différer",
        )
    if _string_list(fdesc.get("trueValues")) and _string_list(fdesc.get("falseValues")):
        both = [v for v in fdesc["falseValues"] if v in fdesc["trueValues"]]
        if both:
            problem(
                "falseValues",
                f"« {both[0]} » est à la fois dans trueValues et dans falseValues : une valeur "
                "ne peut pas être vraie et fausse",
            )
    if "bareNumber" in fdesc and not isinstance(fdesc["bareNumber"], bool):
        problem("bareNumber", "« bareNumber » doit être true ou false")
    if ftype == "list":
        delimiter = fdesc.get("delimiter", ",")
        if not isinstance(delimiter, str) or not delimiter:
            problem("delimiter", "« delimiter » doit être un texte non vide")
        if fdesc.get("itemType", "string") not in f.LIST_ITEM_TYPES:
            problem(
                "itemType",
                f"« itemType » doit être l'un de {', '.join(f.LIST_ITEM_TYPES)}",
            )
    if "x-parquet-decimal" in fdesc and "x-parquet-decimal" in TYPE_KEYS.get(ftype, set()):
        # the Parquet writer's own rule, imported only when asked for (it brings pandas)
        from pipeline.parquet import decimal_problem

        decimal = decimal_problem(fdesc)
        if decimal:
            problem("x-parquet-decimal", decimal)
    if out:
        return out
    try:
        f.compile_field({**fdesc, "constraints": {}}, "''", [""], {})
    except (BadFormat, Untranslatable) as exc:
        problem("format", str(exc))
        return out
    constraints = fdesc.get("constraints", {})
    if not isinstance(constraints, dict):
        problem("constraints", "« constraints » doit être un objet")
        return out
    checked = [k for k in constraints if k in f.BOUNDS or k == "enum"]
    values = [constraints[k] for k in checked if k != "enum"]
    options = constraints.get("enum") if isinstance(constraints.get("enum"), list) else []
    flags = iter(_unreadable(fdesc, values + options))
    unreadable = {k: next(flags) for k in checked if k != "enum"}
    enum_unreadable = list(flags)
    for key, value in constraints.items():
        where = f"constraints.{key}"
        if key not in CONSTRAINTS[ftype]:
            problem(where, f"contrainte « {key} » non prise en charge pour le type {ftype}")
        elif key in ("required", "unique") and not isinstance(value, bool):
            problem(where, f"« {key} » doit être true ou false")
        elif key in ("minLength", "maxLength") and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            problem(where, f"« {key} » doit être un entier positif")
        elif key == "pattern":
            out += _pattern_problems(value, f"{path}.{where}", name)
        elif key == "enum":
            if not isinstance(value, list) or not value:
                problem(where, "« enum » doit être une liste non vide")
                continue
            for i, option in enumerate(value):
                if enum_unreadable[i]:
                    problem(f"{where}[{i}]", f"la valeur permise {_unread(option, fdesc)}")
        elif key in f.BOUNDS and unreadable[key]:
            problem(where, f"la borne {_unread(value, fdesc)}")
        elif key == "unique" and value and ftype in UNHASHABLE:
            problem(where, f"« unique » n'est pas vérifiable sur le type {ftype}")
    return out


def _unread(value: object, fdesc: dict) -> str:
    """« value » ne se lit pas comme <a value of the field>, with how the field reads it."""
    ftype = fdesc.get("type", "string")
    shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if ftype == "number" and _is_nan(value):
        return f"« {shown} » (NaN) ne se compare à aucun nombre : frictionless plante dessus"
    text = f"« {shown} » ne se lit pas comme {TYPE_FR.get(ftype, f'une valeur {ftype}')}"
    fmt = f.field_format(fdesc)
    if ftype in ("date", "datetime", "time") and fmt not in ("default", "any"):
        text += f" au format « {fmt} »"
    return text


def _is_nan(value: object) -> bool:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return number != number


def _pattern_problems(pattern: object, path: str, name: str) -> list[tuple[str, str]]:
    if not isinstance(pattern, str):
        return [(path, f"champ « {name} » : « pattern » doit être un texte.")]
    why = pattern_problem(pattern)
    return [(path, f"champ « {name} » : {why}.")] if why else []


@lru_cache(maxsize=512)
def pattern_problem(pattern: str) -> str | None:
    try:
        translated = translate("^" + pattern + "$")
        scratch().execute("SELECT regexp_matches('', ?)", [translated]).fetchall()
    except re.error as exc:
        return python_error_fr(exc)
    except Untranslatable as exc:
        return f"motif sans équivalent exact dans le moteur d'expressions régulières RE2 ({exc})"
    except duckdb.Error as exc:
        return f"motif trop complexe pour le moteur RE2 ({exc})"
    return None


def support_problems(schema: dict) -> list[tuple[str, str]]:
    """(JSON path, French message) for everything of ``schema`` the engine does not check.
    A schema is asked about when its declaration is checked and again when its table is
    compiled: the answer is kept."""
    try:
        text = json.dumps(schema, sort_keys=True)
    except (TypeError, ValueError):  # not JSON: never from a declaration file
        return _support_problems(schema)
    return list(_cached_problems(text))


@lru_cache(maxsize=256)
def _cached_problems(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(_support_problems(json.loads(text)))


def _support_problems(schema: dict) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    fields = schema.get("fields", [])
    if not isinstance(fields, list):
        return [("fields", "« fields » doit être une liste de champs.")]
    types = {}
    for i, fdesc in enumerate(fields):
        problems += field_problems(fdesc, f"fields[{i}]")
        if isinstance(fdesc, dict):
            types[fdesc.get("name")] = fdesc.get("type", "string")
    if "missingValues" in schema and not _string_list(schema["missingValues"]):
        problems.append(("missingValues", "« missingValues » doit être une liste de textes."))
    keys = [("primaryKey", schema.get("primaryKey"))]
    keys += [(f"uniqueKeys[{i}]", k) for i, k in enumerate(schema.get("uniqueKeys") or [])]
    keys += [
        (f"foreignKeys[{i}].fields", fk.get("fields"))
        for i, fk in enumerate(schema.get("foreignKeys") or [])
        if isinstance(fk, dict)
    ]
    for path, names in keys:
        if not isinstance(names, str | list):
            continue  # the shape of keys is checked with the declaration (JSON Schema)
        for key_name in [names] if isinstance(names, str) else names:
            if types.get(key_name) in UNHASHABLE:
                problems.append(
                    (
                        path,
                        f"le champ « {key_name} » de type {types[key_name]} ne peut pas servir "
                        "de clé (valeur non comparable).",
                    )
                )
    return problems


def not_matching(pattern: str, limit: int) -> str:
    """The first ``limit`` (line, value) pairs of the parameters ``$numbers`` and ``$values``
    whose value does not match the RE2 ``pattern``, by line."""
    return (
        "SELECT n, v FROM (SELECT unnest($numbers) AS n, unnest($values) AS v) "
        f"WHERE NOT regexp_matches(v, {literal(pattern)}) ORDER BY n LIMIT {int(limit)}"
    )
