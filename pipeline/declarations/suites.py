"""Great Expectations suites, checked when they are loaded: each expectation's type is known,
its arguments are there and well typed, ``meta.severity`` is ``error`` or ``warning``, and
every ``{placeholder}`` of ``meta.message`` is a value the message will have (a field of the
resource or an enrichment column; for table-level expectations, ``observed`` and the
expectation's own arguments; ``{cog}`` and ``{edition}`` when the declaration gives them).

The types of the engine's table (:data:`pipeline.sql.expectations.EXPECTATIONS`: their
required and optional arguments, compiled to SQL or run by GX) are checked here, then against
the resource's columns (:mod:`pipeline.declarations.suite_arguments`: bounds, value sets, type
names, row conditions, column lists), without importing Great Expectations. An expectation GX
will run (a type the pipeline does not compile, a ``row_condition``) is also checked by GX
itself (:mod:`pipeline.declarations.gx_arguments`): it is then imported, as it would be to
run it. For the compiled types, a test holds these checks to be at least as strict as GX's."""

from __future__ import annotations

import importlib.util
import string
from collections.abc import Callable
from functools import cache
from pathlib import Path

from pipeline.declarations.gx_arguments import gx_problems
from pipeline.declarations.jsonfile import JsonPath
from pipeline.declarations.schema_errors import listing, schema_problems, suggestion
from pipeline.declarations.suite_arguments import check_arguments
from pipeline.declarations.values import Engine
from pipeline.sql import expectations as gxsql

SUPPORTED = sorted(gxsql.SUPPORTED)

Report = Callable[[JsonPath, str], None]

ROW_LEVEL = ("map", "pair", "multicolumn")  # a failing row is a finding, with its values
NAME = {"type": "string", "minLength": 1}
NAMES = {"type": "array", "minItems": 1, "items": NAME}
BOUND = {"type": ["number", "string", "null"]}
COUNT_BOUND = {"type": ["number", "null"], "minimum": 0}  # GX compares a count with 7.5 too
NUMBER_BOUND = {"type": ["number", "null"]}
SHARE_BOUND = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
FLAG = {"type": ["boolean", "null"]}
BOUNDS = {
    "anyOf": [{"required": ["min_value"]}, {"required": ["max_value"]}],
    "x-message": "ajoutez au moins une borne : « min_value » ou « max_value »",
}
# The value each argument of the types of pipeline.sql.expectations.EXPECTATIONS takes.
KWARG = {
    "column": NAME,
    "column_A": NAME,
    "column_B": NAME,
    "column_list": NAMES,
    "mostly": {"type": "number", "minimum": 0, "maximum": 1},
    "min_value": BOUND,
    "max_value": BOUND,
    "strict_min": {"type": "boolean"},
    "strict_max": {"type": "boolean"},
    "regex": NAME,
    "regex_list": NAMES,
    "match_on": {"enum": ["any", "all"]},
    "value_set": {"type": "array", "items": {"type": ["string", "number", "boolean"]}},
    "value": {"type": "integer", "minimum": 0},
    "sum_total": {"type": "number"},
    "row_condition": {"type": ["string", "object", "null"]},
    "condition_parser": {"enum": ["pandas", "great_expectations", None]},
    "ignore_row_if": {
        "enum": [
            "both_values_are_missing",
            "either_value_is_missing",
            "neither",
            "all_values_are_missing",
            "any_value_is_missing",
            "never",
        ]
    },
    "or_equal": FLAG,
    "strictly": FLAG,
    "ties_okay": FLAG,
    "exact_match": FLAG,
    "column_index": {"type": ["integer", "null"]},
    "column_set": {"type": ["array", "null"], "items": {"type": "string"}},
    "type_": NAME,
    "type_list": {"type": ["array", "null"], "items": {"type": "string"}},
    "like_pattern": NAME,
    "escape": {"type": ["string", "null"]},
    "value_pairs_set": {"type": "array", "items": {"type": "array", "minItems": 2, "maxItems": 2}},
    "result_format": {"type": ["string", "object"]},
    "catch_exceptions": {"type": "boolean"},
    "meta": {"type": "object"},
}
COUNTS = (  # their bounds count rows, characters, values or columns
    "expect_column_value_lengths_to_be_between",
    "expect_table_row_count_to_be_between",
    "expect_column_unique_value_count_to_be_between",
    "expect_table_column_count_to_be_between",
)
# Arguments GX defaults to a value that checks nothing (a regex matching every value): a suite
# that leaves them out is a mistake, not a wish.
MEANINGFUL = {"expect_column_values_to_match_regex": ("regex",)}
SHARES = (
    "expect_column_proportion_of_unique_values_to_be_between",
    "expect_column_proportion_of_non_null_values_to_be_between",
)
STATISTICS = (  # a statistic of the values: a number, whatever the column
    "expect_column_mean_to_be_between",
    "expect_column_median_to_be_between",
    "expect_column_sum_to_be_between",
    "expect_column_stdev_to_be_between",
)


@cache
def kwargs_schema(etype: str) -> dict | None:
    """The JSON Schema of the arguments of a type of the engine's table
    (:data:`pipeline.sql.expectations.EXPECTATIONS`: required and optional arguments); None
    for a type it does not know. A ``between`` needs one bound at least: without any, it
    would check nothing."""
    spec = gxsql.EXPECTATIONS.get(etype)
    if spec is None:
        return None
    bound = (
        COUNT_BOUND
        if etype in COUNTS
        else SHARE_BOUND
        if etype in SHARES
        else NUMBER_BOUND
        if etype in STATISTICS
        else BOUND
    )
    properties = {name: KWARG.get(name, {}) for name in sorted(spec.kwargs)}
    for name in ("min_value", "max_value"):
        if name in properties:
            properties[name] = bound
    if spec.kind == "multicolumn":  # GX: "column_list must contain at least two columns"
        properties["column_list"] = {**NAMES, "minItems": 2}
    schema = {
        "type": "object",
        "required": [*spec.required, *MEANINGFUL.get(etype, ())],
        "additionalProperties": False,
        "properties": properties,
    }
    if {"min_value", "max_value"} <= set(spec.optional):
        schema |= BOUNDS
    return schema


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
    declared: frozenset[str] = frozenset(),
) -> None:
    """``columns``: every column an expectation can name (fields and enrichment columns),
    with its Table Schema type. ``where`` names the suite for GX's own messages.
    ``declared``: what a message can cite from the declaration (``cog`` when the dataset
    declares its COG vintage, ``edition`` when the source is dated)."""
    shape = schema_problems(suite, SUITE)
    for path, message in shape:
        report(path, message)
    if not isinstance(suite, dict) or not isinstance(suite.get("expectations"), list):
        return
    bad = {p[:2] for p, _ in shape}
    for i, entry in enumerate(suite["expectations"]):
        if ("expectations", i) not in bad:
            _entry(entry, ("expectations", i), columns, engine, report, where, declared)


def _entry(
    entry: dict,
    path: JsonPath,
    columns: dict[str, str],
    engine: Engine,
    report: Report,
    where: str,
    declared: frozenset[str] = frozenset(),
) -> None:
    etype = entry["type"]
    kw = entry.get("kwargs") or {}
    meta = entry.get("meta") or {}
    schema = kwargs_schema(etype)
    if schema is not None:
        problems = schema_problems(kw, schema)
        for sub, message in problems:
            report((*path, "kwargs", *sub), message)
        if problems:
            return
    elif etype in gx_types():
        problems = gx_problems(entry, where)
        for sub, message in problems:
            report((*path, *sub), message)
        if problems:
            return
    else:
        known = sorted(set(gx_types()) | set(gxsql.EXPECTATIONS))
        hint = listing(suggestion(etype, known), "types compilés par le pipeline", SUPPORTED)
        report((*path, "type"), f"type d'attente « {etype} » inconnu{hint}")
        return
    spec = gxsql.EXPECTATIONS.get(etype)
    if spec is None or spec.kind != "table":  # a table may be expected to lack a column
        named = [(key, kw.get(key)) for key in ("column", "column_A", "column_B")]
        named += [(("column_list", i), n) for i, n in enumerate(kw.get("column_list") or [])]
        for key, name in named:
            if isinstance(name, str) and name not in columns:
                hint = listing(suggestion(name, columns), "colonnes", columns)
                at = key if isinstance(key, tuple) else (key,)
                report((*path, "kwargs", *at), f"colonne « {name} » inconnue{hint}")
                return
    regexes = [(("regex",), kw["regex"])] if isinstance(kw.get("regex"), str) else []
    regexes += [(("regex_list", i), r) for i, r in enumerate(kw.get("regex_list") or [])]
    for at, regex in regexes if spec is not None else []:
        problem = engine.regex_problem(regex, re2=False)  # what RE2 cannot run, GX does
        if problem:
            report((*path, "kwargs", *at), problem)
    found: list[tuple[JsonPath, str]] = []
    check_arguments(etype, kw, columns, path, lambda p, m: found.append((p, m)))
    runs_in_gx = spec is not None and (  # (a type only GX knows was checked by GX above)
        not spec.compiled
        or any(kw.get(k) is not None for k in ("row_condition", "condition_parser"))
    )
    if not found and runs_in_gx:
        found = [((*path, *sub), m) for sub, m in gx_problems(entry, where)]
    for sub, message in found:
        report(sub, message)
    if isinstance(meta.get("message"), str):
        kind = spec.kind if spec is not None else None
        here = (*path, "meta", "message")
        _message(meta["message"], kind, kw, columns, here, report, declared)


UNDECLARED = {  # {cog} and {edition}, when the declaration does not give them
    "cog": " ({cog} demande le millésime du COG du jeu : « cog » dans dataset.json)",
    "edition": " ({edition} demande la date de la source : « source.date » dans dataset.json)",
}


def _message(
    template: str,
    kind: str | None,
    kw: dict,
    columns: dict[str, str],
    path: JsonPath,
    report: Report,
    declared: frozenset[str] = frozenset(),
) -> None:
    """``kind``: the type's kind in the engine's table (None for a type only GX knows: its
    result may be of a row or of the table)."""
    table_level = kind is not None and kind not in ROW_LEVEL
    if table_level:
        allowed = {"observed": 0, **kw}
    else:
        allowed = dict.fromkeys(columns, "x")
        if kind is None:
            allowed |= {"observed": 0, **kw}
    allowed = {**dict.fromkeys(declared, "x"), **allowed}
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
            why = UNDECLARED.get(name, "")
            report(
                path, f"le message cite « {{{name}}} », qui n'est pas une valeur connue{why}{hint}"
            )
            return
    try:
        template.format(**allowed)
    except (ValueError, KeyError, IndexError, AttributeError) as exc:
        report(path, f"message mal formé ({exc}) : écrivez les valeurs sous la forme {{champ}}")
