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
class Parts:
    """How a type reads a cell, in three steps that the row layers compute once each:
    ``prepared`` over the raw cell (e.g. trimmed, group separators removed, or parsed),
    ``ok`` over the prepared value and the raw cell (TRUE when readable), then ``typed`` and
    ``text`` over the prepared value, for readable cells only."""

    prepared: str
    ok: str
    typed: str
    text: str
    sql_type: str
    format: str = "default"
    hint: str = ""


@dataclass
class FieldSQL:
    """A compiled field. Its expressions name the columns of the row layers (see
    :func:`layer_columns`), so each is computed once per row whatever the checks using it."""

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
    layers: tuple[dict[str, str], ...] = ()  # column definitions, layer by layer
    bounds: list[tuple[str, str]] = field(default_factory=list)  # (constraint, typed literal)

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
    """A raw cell is NULL when empty (DuckDB's reader, and the exact reader alike)."""
    others = [v for v in values if v != ""]
    empty = f"({raw} IS NULL)" if "" in values else "FALSE"
    if not others:
        return empty
    return f"({empty} OR list_contains({string_list(others)}, {raw}))"


def _col(alias: str, name: str) -> str:
    return f'{alias}."{name}"'


def compile_field(
    fdesc: dict, raw: str, missing_values: list[str], dialect: dict, key: str | None = None
) -> FieldSQL:
    """The SQL of one field over the raw cell expression ``raw``.

    With ``key``, the expressions name the columns ``<key>.raw``, ``.missing``, ``.prepared``,
    ``.ok``, ``.typed`` and ``.text`` of the row layers (alias ``r``), whose definitions are in
    ``layers``; without, they are inline expressions (for literals and joined values)."""
    ftype = fdesc.get("type", "string")
    values = fdesc.get("missingValues", missing_values)
    parts_of = BUILDERS[ftype]
    if key is None:
        missing = _missing(raw, values)
        parts = _fill(parts_of(fdesc, raw, dialect), raw)
        good = f"(NOT ({missing}) AND {parts.ok})"
        compiled = FieldSQL(
            fdesc["name"],
            ftype,
            parts.format,
            raw,
            missing,
            "FALSE" if parts.ok == "TRUE" else f"(NOT ({missing}) AND NOT ({parts.ok}))",
            f"CASE WHEN {good} THEN {parts.typed} END",
            f"CASE WHEN {good} THEN {parts.text} ELSE '' END",
            parts.sql_type,
            hint=parts.hint,
        )
    else:
        a = {f"{key}.raw": raw}
        raw_ref = _col("r", f"{key}.raw")
        parts = parts_of(fdesc, raw_ref, dialect)
        missing_ref = _col("r", f"{key}.missing")
        b = {f"{key}.missing": _missing(raw_ref, values), f"{key}.prepared": parts.prepared}
        prepared_ref = _col("r", f"{key}.prepared")
        ok = parts.ok.replace("{prepared}", prepared_ref)
        b2 = {f"{key}.ok": f"(NOT {missing_ref} AND {ok})"}
        ok_ref = _col("r", f"{key}.ok")
        c = {
            f"{key}.typed": f"CASE WHEN {ok_ref} THEN {parts.typed.replace('{prepared}', prepared_ref)} END",
        }
        typed_ref = _col("r", f"{key}.typed")
        text = parts.text.replace("{prepared}", prepared_ref).replace("{typed}", typed_ref)
        e = {f"{key}.text": f"CASE WHEN {ok_ref} THEN {text} ELSE '' END"}
        compiled = FieldSQL(
            fdesc["name"],
            ftype,
            parts.format,
            raw_ref,
            missing_ref,
            "FALSE" if parts.ok == "TRUE" else f"(NOT {missing_ref} AND NOT {ok_ref})",
            typed_ref,
            _col("r", f"{key}.text"),
            parts.sql_type,
            hint=parts.hint,
            layers=({}, a, b, b2, c, e),
        )
    compiled.constraints, compiled.bounds = _constraints(fdesc, compiled, dialect)
    return compiled


# --- types --------------------------------------------------------------------------------
# Each builder returns Parts whose ``ok``, ``typed`` and ``text`` may use the placeholders
# ``{prepared}`` (the prepared value) and, in ``text``, ``{typed}``.


def _fill(parts: Parts, raw: str) -> Parts:
    """Inline form: the placeholders replaced by the expressions themselves."""
    prepared = parts.prepared
    typed = parts.typed.replace("{prepared}", f"({prepared})")
    return Parts(
        prepared,
        parts.ok.replace("{prepared}", f"({prepared})"),
        typed,
        parts.text.replace("{prepared}", f"({prepared})").replace("{typed}", f"({typed})"),
        parts.sql_type,
        parts.format,
        parts.hint,
    )


def _string(fdesc, raw, dialect) -> Parts:
    return Parts(raw, "TRUE", "{prepared}", "{prepared}", "VARCHAR")


def _integer(fdesc, raw, dialect, pattern=r"[+-]?[0-9]+") -> Parts:
    ok = f"regexp_full_match({{prepared}}, {literal(pattern)})"
    return Parts(
        f"trim({raw})", ok, "TRY_CAST({prepared} AS HUGEINT)", "CAST({typed} AS VARCHAR)", "HUGEINT"
    )


def _year(fdesc, raw, dialect) -> Parts:
    return _integer(fdesc, raw, dialect, pattern=r"[0-9]{4}")


NUMBER_RE = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"


def _number(fdesc, raw, dialect) -> Parts:
    decimal = fdesc.get("decimalChar") or dialect.get("decimalChar") or "."
    group = fdesc.get("groupChar", dialect.get("groupChar")) or ""
    cleaned = f"trim({raw})"
    if group:
        chars = GROUP_CHARS_ALL if group in GROUP_CHARS_ALL else group
        cleaned = f"regexp_replace({cleaned}, {literal('[' + re.escape(chars) + ']')}, '', 'g')"
    if decimal != ".":
        cleaned = f"replace({cleaned}, {literal(decimal)}, '.')"
    return Parts(
        cleaned,
        f"regexp_full_match({{prepared}}, {literal(NUMBER_RE)})",
        "TRY_CAST({prepared} AS DOUBLE)",
        _canonical_number("{prepared}"),
        "DOUBLE",
        hint=f" (séparateur décimal attendu « {decimal} »)",
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


def _boolean(fdesc, raw, dialect) -> Parts:
    trues = fdesc.get("trueValues", DEFAULT_TRUE)
    falses = fdesc.get("falseValues", DEFAULT_FALSE)
    is_true = f"list_contains({string_list(trues)}, {{prepared}})"
    is_false = f"list_contains({string_list(falses)}, {{prepared}})"
    return Parts(
        raw,
        f"({is_true} OR {is_false})",
        is_true,
        "CASE WHEN {typed} THEN 'true' ELSE 'false' END",
        "BOOLEAN",
    )


def _date_format(fdesc, dialect) -> str:
    fmt = fdesc.get("format") or dialect.get("dateFormat") or "%Y-%m-%d"
    return "%Y-%m-%d" if fmt in ("default", "any") else fmt


def _french_format(fmt: str) -> str:
    return fmt.replace("%d", "jj").replace("%m", "mm").replace("%Y", "aaaa")


def _date(fdesc, raw, dialect, ftype="date") -> Parts:
    fmt = _date_format(fdesc, dialect)
    parsed = f"try_strptime(trim({raw}), {literal(fmt)})"
    ok = "({prepared} IS NOT NULL)"
    if fmt == "%Y-%m-%d":
        ok = f"(regexp_full_match(trim({raw}), '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') AND {ok})"
    out_fmt = "%Y-%m-%d" if ftype == "date" else "%Y-%m-%dT%H:%M:%S"
    sql_type = "DATE" if ftype == "date" else "TIMESTAMP"
    return Parts(
        parsed,
        ok,
        f"CAST({{prepared}} AS {sql_type})",
        f"strftime({{prepared}}, {literal(out_fmt)})",
        sql_type,
        fmt,
        f" (format attendu {_french_format(fmt)})",
    )


def _datetime(fdesc, raw, dialect) -> Parts:
    return _date(fdesc, raw, dialect, ftype="datetime")


def _any(fdesc, raw, dialect) -> Parts:
    return _string(fdesc, raw, dialect)


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


def _constraints(
    fdesc: dict, f: FieldSQL, dialect: dict
) -> tuple[list[Constraint], list[tuple[str, str]]]:
    constraints = fdesc.get("constraints", {})
    out: list[Constraint] = []
    bounds: list[tuple[str, str]] = []
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
            options = [_bound(fdesc, v, dialect) for v in allowed]
            bounds += [("enum", o) for o in options]
            member = f"({f.typed} IN ({', '.join(options)}))" if options else "FALSE"
        out.append(Constraint("enum", f"NOT coalesce({member}, FALSE)", allowed))
    for key, op in (("minLength", "<"), ("maxLength", ">")):
        if key in constraints:
            out.append(
                Constraint(key, f"length({f.raw}) {op} {int(constraints[key])}", constraints[key])
            )
    for key, op in (("minimum", "<"), ("maximum", ">")):
        if key in constraints:
            bound = _bound(fdesc, constraints[key], dialect)
            bounds.append((key, bound))
            out.append(
                Constraint(key, f"coalesce({f.typed} {op} {bound}, FALSE)", constraints[key])
            )
    return out, bounds
