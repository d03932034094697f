"""Great Expectations suites, checked when they are loaded: each expectation's type is known,
its arguments are there and well typed, ``meta.severity`` is ``error`` or ``warning``, and
every ``{placeholder}`` of ``meta.message`` is a value the message will have (a field of the
resource or an enrichment column; for table-level expectations, ``observed`` and the
expectation's own arguments).

The types compiled to SQL (:mod:`pipeline.sql.expectations`) are checked here, without
importing Great Expectations; the other types run in GX, which checks their arguments itself
(it is then imported, as it would be to run them)."""

from __future__ import annotations

import importlib.util
import string
from collections.abc import Callable
from functools import cache
from pathlib import Path

from pipeline.declarations.jsonfile import JsonPath
from pipeline.declarations.schema_errors import listing, schema_problems, suggestion
from pipeline.declarations.values import Engine
from pipeline.errors import ConfigError
from pipeline.sql import expectations as gxsql

Report = Callable[[JsonPath, str], None]

NUMERIC = ("integer", "number", "year")
BOUND = {"type": ["number", "string", "null"]}
COUNT_BOUND = {"type": ["integer", "null"], "minimum": 0}
BOUNDS = {"anyOf": [{"required": ["min_value"]}, {"required": ["max_value"]}]}
COMMON = {
    "column": {"type": "string", "minLength": 1},
    "mostly": {"type": "number", "minimum": 0, "maximum": 1},
    "result_format": {"type": ["string", "object"]},
    "catch_exceptions": {"type": "boolean"},
}


def _kwargs(required: list[str], extra: dict, *, bounds: bool = False, column: bool = True) -> dict:
    properties = {**COMMON, **extra} if column else {**extra}
    schema = {
        "type": "object",
        "required": (["column"] if column else []) + required,
        "additionalProperties": False,
        "properties": properties,
    }
    if bounds:
        schema |= BOUNDS | {
            "x-message": "ajoutez au moins une borne : « min_value » ou « max_value »"
        }
    return schema


STRICT = {"strict_min": {"type": "boolean"}, "strict_max": {"type": "boolean"}}
REGEX = {"regex": {"type": "string", "minLength": 1}}
VALUE_SET = {"value_set": {"type": "array", "items": {"type": ["string", "number", "boolean"]}}}
# The arguments of every type compiled to SQL (others are checked by GX itself).
KWARGS = {
    "expect_column_values_to_be_between": _kwargs(
        [], {"min_value": BOUND, "max_value": BOUND, **STRICT}, bounds=True
    ),
    "expect_column_values_to_match_regex": _kwargs(["regex"], REGEX),
    "expect_column_values_to_not_match_regex": _kwargs(["regex"], REGEX),
    "expect_column_values_to_be_in_set": _kwargs(["value_set"], VALUE_SET),
    "expect_column_values_to_not_be_in_set": _kwargs(["value_set"], VALUE_SET),
    "expect_column_value_lengths_to_be_between": _kwargs(
        [], {"min_value": COUNT_BOUND, "max_value": COUNT_BOUND, **STRICT}, bounds=True
    ),
    "expect_column_values_to_not_be_null": _kwargs([], {}),
    "expect_column_values_to_be_unique": _kwargs([], {}),
    "expect_table_row_count_to_be_between": _kwargs(
        [],
        {
            "min_value": COUNT_BOUND,
            "max_value": COUNT_BOUND,
            "result_format": {},
            "catch_exceptions": {},
        },
        bounds=True,
        column=False,
    ),
    "expect_column_unique_value_count_to_be_between": _kwargs(
        [], {"min_value": COUNT_BOUND, "max_value": COUNT_BOUND}, bounds=True
    ),
}
SUITE = {
    "type": "object",
    "required": ["expectations"],
    "additionalProperties": False,
    "properties": {
        "$schema": {"type": "string"},
        "name": {"type": "string"},
        "id": {"type": "string"},
        "meta": {"type": "object"},
        "notes": {},
        "expectations": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type"],
                "additionalProperties": False,
                "properties": {
                    "type": {"type": "string", "minLength": 1},
                    "kwargs": {"type": "object"},
                    "id": {"type": "string"},
                    "notes": {},
                    "description": {"type": "string"},
                    "rendered_content": {},
                    "severity": {
                        "not": {},
                        "x-message": "la gravité se déclare dans « meta » : écrivez "
                        '"meta": {"severity": "warning"} (ou "error")',
                    },
                    "meta": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "id": {"type": "string", "minLength": 1},
                            "severity": {"enum": ["error", "warning"]},
                            "message": {"type": "string", "minLength": 1},
                            "notes": {},
                            "description": {"type": "string"},
                        },
                    },
                },
            },
        },
    },
}


@cache
def gx_types() -> frozenset[str]:
    """Every expectation type GX 1.x knows, from its installed modules (without importing it:
    the import costs seconds)."""
    spec = importlib.util.find_spec("great_expectations")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    core = Path(next(iter(spec.submodule_search_locations))) / "expectations" / "core"
    return frozenset(p.stem for p in core.glob("expect_*.py"))


def check_suite(
    suite: object,
    columns: dict[str, str],
    engine: Engine,
    report: Report,
    where: str,
) -> None:
    """``columns``: every column an expectation can name (fields and enrichment columns),
    with its Table Schema type. ``where`` names the suite for GX's own messages."""
    shape = schema_problems(suite, SUITE)
    for path, message in shape:
        report(path, message)
    if not isinstance(suite, dict) or not isinstance(suite.get("expectations"), list):
        return
    bad = {p[:2] for p, _ in shape}
    for i, entry in enumerate(suite["expectations"]):
        if ("expectations", i) not in bad:
            _entry(entry, ("expectations", i), columns, engine, report, where)


def _entry(
    entry: dict,
    path: JsonPath,
    columns: dict[str, str],
    engine: Engine,
    report: Report,
    where: str,
) -> None:
    etype = entry["type"]
    kw = entry.get("kwargs") or {}
    meta = entry.get("meta") or {}
    if etype in KWARGS:
        problems = schema_problems(kw, KWARGS[etype])
        for sub, message in problems:
            report((*path, "kwargs", *sub), message)
        if problems:
            return
    elif etype in gx_types():
        problems = _gx_problems(entry, where)
        for sub, message in problems:
            report((*path, *sub), message)
        if problems:
            return
    else:
        known = sorted(set(gx_types()) | set(KWARGS))
        hint = listing(suggestion(etype, known), "types compilés par le pipeline", sorted(KWARGS))
        report((*path, "type"), f"type d'attente « {etype} » inconnu{hint}")
        return
    for key in ("column", "column_A", "column_B"):
        name = kw.get(key)
        if isinstance(name, str) and name not in columns:
            hint = listing(suggestion(name, columns), "colonnes", columns)
            report((*path, "kwargs", key), f"colonne « {name} » inconnue{hint}")
            return
    if etype in ("expect_column_values_to_match_regex", "expect_column_values_to_not_match_regex"):
        problem = engine.regex_problem(kw["regex"])
        if problem:
            report((*path, "kwargs", "regex"), problem)
    if etype == "expect_column_values_to_be_between":
        ftype = columns.get(kw["column"], "string")
        for key in ("min_value", "max_value"):
            value = kw.get(key)
            if ftype in NUMERIC and isinstance(value, str):
                report(
                    (*path, "kwargs", key),
                    f"la colonne « {kw['column']} » est numérique ({ftype}) : écrivez la borne "
                    f"comme un nombre, sans guillemets (par exemple {value.strip() or 0})",
                )
            if ftype in ("date", "datetime") and isinstance(value, int | float):
                report(
                    (*path, "kwargs", key),
                    f"la colonne « {kw['column']} » est une date : écrivez la borne "
                    "comme une date ISO entre guillemets, par exemple « 2024-01-31 »",
                )
    if isinstance(meta.get("message"), str):
        _message(meta["message"], etype, kw, columns, (*path, "meta", "message"), report)


def _message(
    template: str, etype: str, kw: dict, columns: dict[str, str], path: JsonPath, report: Report
) -> None:
    table_level = etype in gxsql.AGGREGATE_ARGS
    if table_level:
        allowed = {"observed": 0, **kw}
    else:
        allowed = dict.fromkeys(columns, "x")
        if etype not in KWARGS:  # run in GX: row or table level
            allowed |= {"observed": 0, **kw}
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        report(path, f"message mal formé ({exc}) : une accolade seule s'écrit {{{{ ou }}}}")
        return
    for name in names:
        if name == "" or name.isdigit():
            report(
                path,
                "« {} » vide dans le message : écrivez le nom d'un champ, par exemple {lib_com}",
            )
            return
        if name not in allowed:
            kind = (
                "les arguments de l'attente et « observed »"
                if table_level
                else "les champs de la ressource"
            )
            hint = listing(
                suggestion(name, allowed), f"valeurs possibles ({kind})", sorted(allowed)
            )
            report(path, f"le message cite « {{{name}}} », qui n'est pas une valeur connue{hint}")
            return
    try:
        template.format(**allowed)
    except (ValueError, KeyError, IndexError, AttributeError) as exc:
        report(path, f"message mal formé ({exc}) : écrivez les valeurs sous la forme {{champ}}")


def _gx_problems(entry: dict, where: str) -> list[tuple[JsonPath, str]]:
    """GX's own check of an expectation it runs: (path under the entry, message)."""
    from pipeline.checks.gx_engine import load_suite

    try:
        load_suite(
            [{k: v for k, v in entry.items() if k in ("type", "kwargs", "meta")}], where, where
        )
    except ConfigError as exc:
        cause = exc.__cause__
        errors = getattr(cause, "errors", None)
        if callable(errors):
            out: list[tuple[JsonPath, str]] = []
            for error in errors():
                loc = tuple(str(x) for x in error.get("loc", ()))
                text = (
                    "argument inconnu"
                    if error.get("type") == "value_error.extra"
                    else error.get("msg")
                )
                out.append((("kwargs", *loc), f"refusé par Great Expectations : {text}"))
            if out:
                return out
        detail = " ".join(str(cause or exc.message).split())
        return [(("kwargs",), f"arguments refusés par Great Expectations : {detail[:400]}")]
    return []
