"""Table Schema fields compiled to SQL expressions over a raw cell (text, '' when empty).

For every field: is the cell a missing value; can it be read as the field's type; its typed
value; the text published in the normalised CSV; and each constraint as a condition that is
TRUE when violated. The semantics are frictionless 5's (``frictionless/fields/*.py``,
``schema/field.py``): a cell that cannot be read gets one type error and no constraint error;
a missing cell only meets ``required``. Anything not implemented here is refused when the
schema is loaded (:func:`support_problems`), never skipped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.sql import literal, string_list

DEFAULT_TRUE = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE = ["false", "False", "FALSE", "0"]
GROUP_CHARS_ALL = " \u00a0\u202f"

TYPES = ("string", "integer", "number", "boolean", "date", "datetime", "year", "any")
FORMATS = {
    "string": {"default"},
    "date": None,  # any strftime pattern, "default" or "any"
    "datetime": None,
}
CONSTRAINTS = {
    "string": {"required", "unique", "pattern", "enum", "minLength", "maxLength"},
    "integer": {"required", "unique", "enum", "minimum", "maximum"},
    "number": {"required", "unique", "enum", "minimum", "maximum"},
    "year": {"required", "unique", "enum", "minimum", "maximum"},
    "boolean": {"required", "unique", "enum"},
    "date": {"required", "unique", "enum", "minimum", "maximum"},
    "datetime": {"required", "unique", "enum", "minimum", "maximum"},
    "any": {"required", "unique", "enum"},
}
FIELD_KEYS = {
    "name",
    "title",
    "description",
    "type",
    "format",
    "example",
    "constraints",
    "missingValues",
    "decimalChar",
    "groupChar",
    "trueValues",
    "falseValues",
    "rdfType",
    "x-source",
}


@dataclass
class Constraint:
    name: str
    violated: str  # SQL, TRUE when a present and readable cell breaks the constraint
    limit: object = None  # the declared bound, for messages


@dataclass
class FieldSQL:
    name: str
    type: str
    format: str
    raw: str
    missing: str
    invalid: str  # TRUE when a present cell cannot be read as the type
    typed: str  # the typed value, NULL when missing or unreadable
    text: str  # the published text, '' when missing or unreadable
    sql_type: str
    constraints: list[Constraint] = field(default_factory=list)
    hint: str = ""  # French hint for type errors, e.g. the expected date format

    @property
    def present(self) -> str:
        return f"NOT ({self.missing})"


def support_problems(schema: dict) -> list[tuple[str, str]]:
    """(JSON path, French message) for everything of ``schema`` the engine does not check."""
    problems: list[tuple[str, str]] = []
    for i, fdesc in enumerate(schema.get("fields", [])):
        path = f"fields[{i}]"
        ftype = fdesc.get("type", "string")
        if ftype not in TYPES:
            problems.append(
                (
                    f"{path}.type",
                    f"type « {ftype} » non pris en charge pour le champ « {fdesc.get('name')} » "
                    f"(types pris en charge : {', '.join(TYPES)}).",
                )
            )
            continue
        fmt = fdesc.get("format", "default")
        allowed = FORMATS.get(ftype, {"default"})
        if allowed is not None and fmt not in allowed:
            problems.append(
                (
                    f"{path}.format",
                    f"format « {fmt} » non pris en charge pour le type {ftype} du champ "
                    f"« {fdesc.get('name')} ».",
                )
            )
        for key in fdesc.get("constraints", {}):
            if key not in CONSTRAINTS[ftype]:
                problems.append(
                    (
                        f"{path}.constraints.{key}",
                        f"contrainte « {key} » non prise en charge pour le type {ftype} du "
                        f"champ « {fdesc.get('name')} ».",
                    )
                )
        for key in fdesc:
            if key not in FIELD_KEYS:
                problems.append(
                    (
                        f"{path}.{key}",
                        f"propriété « {key} » inconnue du moteur pour le champ "
                        f"« {fdesc.get('name')} ».",
                    )
                )
    return problems


def _missing(raw: str, values: list[str]) -> str:
    if not values:
        return "FALSE"
    if values == [""]:
        return f"({raw} = '')"
    return f"list_contains({string_list(values)}, {raw})"


def compile_field(fdesc: dict, raw: str, missing_values: list[str], dialect: dict) -> FieldSQL:
    """The SQL of one field over the raw cell expression ``raw``."""
    ftype = fdesc.get("type", "string")
    values = fdesc.get("missingValues", missing_values)
    missing = _missing(raw, values)
    builder = BUILDERS[ftype]
    compiled = builder(fdesc, raw, missing, dialect)
    compiled.constraints = _constraints(fdesc, compiled)
    return compiled


# --- types --------------------------------------------------------------------------------


def _string(fdesc, raw, missing, dialect) -> FieldSQL:
    typed = f"CASE WHEN {missing} THEN NULL ELSE {raw} END"
    text = f"CASE WHEN {missing} THEN '' ELSE {raw} END"
    return FieldSQL(
        fdesc["name"], "string", "default", raw, missing, "FALSE", typed, text, "VARCHAR"
    )


def _any(fdesc, raw, missing, dialect) -> FieldSQL:
    compiled = _string(fdesc, raw, missing, dialect)
    compiled.type = "any"
    return compiled


def _integer(fdesc, raw, missing, dialect, pattern=r"[+-]?[0-9]+", ftype="integer") -> FieldSQL:
    stripped = f"trim({raw})"
    ok = f"regexp_full_match({stripped}, {literal(pattern)})"
    invalid = f"(NOT ({missing}) AND NOT {ok})"
    typed = f"CASE WHEN NOT ({missing}) AND {ok} THEN TRY_CAST({stripped} AS HUGEINT) END"
    text = f"coalesce(CAST({typed} AS VARCHAR), '')"
    return FieldSQL(fdesc["name"], ftype, "default", raw, missing, invalid, typed, text, "HUGEINT")


def _year(fdesc, raw, missing, dialect) -> FieldSQL:
    return _integer(fdesc, raw, missing, dialect, pattern=r"[0-9]{4}", ftype="year")


NUMBER_RE = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"


def _number(fdesc, raw, missing, dialect) -> FieldSQL:
    decimal = fdesc.get("decimalChar") or dialect.get("decimalChar") or "."
    group = fdesc.get("groupChar", dialect.get("groupChar")) or ""
    cleaned = f"trim({raw})"
    if group:
        chars = GROUP_CHARS_ALL if group in GROUP_CHARS_ALL else group
        cleaned = f"regexp_replace({cleaned}, {literal('[' + re.escape(chars) + ']')}, '', 'g')"
    if decimal != ".":
        cleaned = f"replace({cleaned}, {literal(decimal)}, '.')"
    ok = f"regexp_full_match({cleaned}, {literal(NUMBER_RE)})"
    invalid = f"(NOT ({missing}) AND NOT {ok})"
    good = f"(NOT ({missing}) AND {ok})"
    typed = f"CASE WHEN {good} THEN TRY_CAST({cleaned} AS DOUBLE) END"
    text = f"CASE WHEN {good} THEN {_canonical_number(cleaned)} ELSE '' END"
    hint = f" (séparateur décimal attendu « {decimal} »)"
    return FieldSQL(
        fdesc["name"], "number", "default", raw, missing, invalid, typed, text, "DOUBLE", hint=hint
    )


def _canonical_number(cleaned: str) -> str:
    """'+007.50' -> '7.5', '-0' -> '0', '1e3' -> '1000.0' (Python's float repr)."""
    body = f"ltrim({cleaned}, '+-')"
    whole = f"coalesce(nullif(ltrim(split_part({body}, '.', 1), '0'), ''), '0')"
    frac = f"rtrim(split_part({body}, '.', 2), '0')"
    sign = f"CASE WHEN starts_with({cleaned}, '-') THEN '-' ELSE '' END"
    plain = (
        f"CASE WHEN {whole} = '0' AND {frac} = '' THEN '0' "
        f"ELSE {sign} || {whole} || CASE WHEN {frac} = '' THEN '' ELSE '.' || {frac} END END"
    )
    return (
        f"CASE WHEN contains(lower({cleaned}), 'e') "
        f"THEN CAST(CAST({cleaned} AS DOUBLE) AS VARCHAR) ELSE {plain} END"
    )


def _boolean(fdesc, raw, missing, dialect) -> FieldSQL:
    trues = fdesc.get("trueValues", DEFAULT_TRUE)
    falses = fdesc.get("falseValues", DEFAULT_FALSE)
    is_true = f"list_contains({string_list(trues)}, {raw})"
    is_false = f"list_contains({string_list(falses)}, {raw})"
    invalid = f"(NOT ({missing}) AND NOT ({is_true} OR {is_false}))"
    typed = f"CASE WHEN {missing} THEN NULL WHEN {is_true} THEN TRUE WHEN {is_false} THEN FALSE END"
    text = f"CASE WHEN {typed} THEN 'true' WHEN NOT {typed} THEN 'false' ELSE '' END"
    return FieldSQL(
        fdesc["name"], "boolean", "default", raw, missing, invalid, typed, text, "BOOLEAN"
    )


def _date_format(fdesc, dialect) -> str:
    fmt = fdesc.get("format") or dialect.get("dateFormat") or "%Y-%m-%d"
    return "%Y-%m-%d" if fmt in ("default", "any") else fmt


def _french_format(fmt: str) -> str:
    return fmt.replace("%d", "jj").replace("%m", "mm").replace("%Y", "aaaa")


def _date(fdesc, raw, missing, dialect, ftype="date") -> FieldSQL:
    fmt = _date_format(fdesc, dialect)
    stripped = f"trim({raw})"
    parsed = f"try_strptime({stripped}, {literal(fmt)})"
    ok = f"({parsed} IS NOT NULL)"
    if fmt == "%Y-%m-%d":
        ok = f"(regexp_full_match({stripped}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') AND {ok})"
    invalid = f"(NOT ({missing}) AND NOT {ok})"
    good = f"(NOT ({missing}) AND {ok})"
    out_fmt = "%Y-%m-%d" if ftype == "date" else "%Y-%m-%dT%H:%M:%S"
    sql_type = "DATE" if ftype == "date" else "TIMESTAMP"
    typed = f"CASE WHEN {good} THEN CAST({parsed} AS {sql_type}) END"
    text = f"CASE WHEN {good} THEN strftime({parsed}, {literal(out_fmt)}) ELSE '' END"
    hint = f" (format attendu {_french_format(fmt)})"
    return FieldSQL(
        fdesc["name"], ftype, fmt, raw, missing, invalid, typed, text, sql_type, hint=hint
    )


def _datetime(fdesc, raw, missing, dialect) -> FieldSQL:
    return _date(fdesc, raw, missing, dialect, ftype="datetime")


BUILDERS = {
    "string": _string,
    "any": _any,
    "integer": _integer,
    "year": _year,
    "number": _number,
    "boolean": _boolean,
    "date": _date,
    "datetime": _datetime,
}


# --- constraints --------------------------------------------------------------------------


def _bound(fdesc: dict, value: object, dialect: dict) -> str:
    """A constraint value read with the field's own reader, as a typed SQL literal."""
    compiled = compile_field({**fdesc, "constraints": {}}, literal(str(value)), [], dialect)
    return f"({compiled.typed})"


def _constraints(fdesc: dict, f: FieldSQL) -> list[Constraint]:
    constraints = fdesc.get("constraints", {})
    out: list[Constraint] = []
    if "pattern" in constraints:
        out.append(
            Constraint(
                "pattern",
                f"NOT regexp_full_match({f.raw}, {literal(constraints['pattern'])})",
                constraints["pattern"],
            )
        )
    if "enum" in constraints:
        allowed = constraints["enum"]
        if f.type in ("string", "any"):
            member = f"list_contains({string_list(allowed)}, {f.typed})"
        else:
            options = [_bound(fdesc, v, {}) for v in allowed]
            member = f"({f.typed} IN ({', '.join(options)}))" if options else "FALSE"
        out.append(Constraint("enum", f"NOT coalesce({member}, FALSE)", allowed))
    for key, op in (("minLength", "<"), ("maxLength", ">")):
        if key in constraints:
            out.append(
                Constraint(key, f"length({f.raw}) {op} {int(constraints[key])}", constraints[key])
            )
    for key, op in (("minimum", "<"), ("maximum", ">")):
        if key in constraints:
            bound = _bound(fdesc, constraints[key], {})
            out.append(
                Constraint(key, f"coalesce({f.typed} {op} {bound}, FALSE)", constraints[key])
            )
    return out
