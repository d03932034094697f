"""Great Expectations types compiled to SQL, with GX 1.x's semantics on pandas.

An expectation sees a column as GX sees it in the typed frame (:func:`view`): integers as
Int64 (NULL beyond 64 bits), numbers as float64 (NaN is null), booleans, dates (compared
here through their ISO text, which orders and equals as the dates do) and every other type
as text. JSON has no dates: the ISO dates of a suite are handed to GX as dates where they
meet a date column (:func:`gx_kwargs`). GX's rules followed here: nulls are skipped (except
by the null expectations), regexes are *searched* with Python's ``re`` semantics
(:mod:`pipeline.sql.pyregex`), set membership is Python equality (``1 == 1.0 == True``),
every member of a duplicate group is unexpected, ``mostly`` is the share of the rows
considered that must pass. A condition is TRUE for an *unexpected* row.

Each builder returns None when the compiler cannot reproduce GX exactly for these arguments
(an untranslatable regex, bounds of another type, a ``row_condition``…): the expectation
then runs in GX itself, and the report says so. Column aggregates are compiled in
:mod:`pipeline.sql.expectation_aggregates`."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

from pipeline.sql import literal
from pipeline.sql.pyregex import to_re2

# --- the supported types ------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """An expectation type: its kind, its required kwargs and optional kwargs with GX's
    defaults, and whether the SQL compiler evaluates it (else GX runs it)."""

    kind: str  # map, pair, multicolumn, aggregate, table
    required: tuple[str, ...]
    optional: dict = field(default_factory=dict)
    compiled: bool = True

    @property
    def kwargs(self) -> set[str]:
        return {*self.required, *self.optional, *ANY_KWARGS}


ANY_KWARGS = ("result_format", "catch_exceptions", "meta")
_ROWS = {"row_condition": None, "condition_parser": None}
_MAP = {"mostly": 1, **_ROWS}
_BETWEEN = {"min_value": None, "max_value": None, "strict_min": False, "strict_max": False}
_PAIR = {"mostly": 1, **_ROWS, "ignore_row_if": "both_values_are_missing"}
_MULTI = {"mostly": 1, **_ROWS, "ignore_row_if": "all_values_are_missing"}
_COL = ("column",)
_SET = ("column", "value_set")


def _s(kind, required, optional=None, compiled=True) -> Spec:
    return Spec(kind, required, dict(optional or {}), compiled)


EXPECTATIONS: dict[str, Spec] = {
    # column map: one verdict per row, nulls skipped
    "expect_column_values_to_be_between": _s("map", _COL, {**_MAP, **_BETWEEN}),
    "expect_column_values_to_match_regex": _s("map", _COL, {**_MAP, "regex": "(?s).*"}),
    "expect_column_values_to_not_match_regex": _s("map", ("column", "regex"), _MAP),
    "expect_column_values_to_match_regex_list": _s(
        "map", ("column", "regex_list"), {**_MAP, "match_on": "any"}
    ),
    "expect_column_values_to_not_match_regex_list": _s("map", ("column", "regex_list"), _MAP),
    "expect_column_values_to_be_in_set": _s("map", _SET, _MAP),
    "expect_column_values_to_not_be_in_set": _s("map", _SET, _MAP),
    "expect_column_value_lengths_to_be_between": _s("map", _COL, {**_MAP, **_BETWEEN}),
    "expect_column_value_lengths_to_equal": _s("map", ("column", "value"), _MAP),
    "expect_column_values_to_not_be_null": _s("map", _COL, _MAP),
    "expect_column_values_to_be_null": _s("map", _COL, _MAP),
    "expect_column_values_to_be_unique": _s("map", _COL, _MAP),
    # column pairs and column lists: one verdict per row
    "expect_column_pair_values_to_be_equal": _s("pair", ("column_A", "column_B"), _PAIR),
    "expect_column_pair_values_a_to_be_greater_than_b": _s(
        "pair", ("column_A", "column_B"), {**_PAIR, "or_equal": None}
    ),
    "expect_multicolumn_sum_to_equal": _s("multicolumn", ("column_list", "sum_total"), _MULTI),
    "expect_select_column_values_to_be_unique_within_record": _s(
        "multicolumn", ("column_list",), _MULTI
    ),
    "expect_compound_columns_to_be_unique": _s("multicolumn", ("column_list",), _MULTI),
    # column aggregates: one verdict for the column
    "expect_column_min_to_be_between": _s("aggregate", _COL, {**_ROWS, **_BETWEEN}),
    "expect_column_max_to_be_between": _s("aggregate", _COL, {**_ROWS, **_BETWEEN}),
    "expect_column_mean_to_be_between": _s("aggregate", _COL, {**_ROWS, **_BETWEEN}),
    "expect_column_median_to_be_between": _s("aggregate", _COL, {**_ROWS, **_BETWEEN}),
    "expect_column_sum_to_be_between": _s("aggregate", _COL, {**_ROWS, **_BETWEEN}),
    "expect_column_unique_value_count_to_be_between": _s("aggregate", _COL, {**_ROWS, **_BETWEEN}),
    "expect_column_proportion_of_unique_values_to_be_between": _s(
        "aggregate", _COL, {**_ROWS, **_BETWEEN}
    ),
    "expect_column_proportion_of_non_null_values_to_be_between": _s(
        "aggregate", _COL, {**_ROWS, **_BETWEEN}
    ),
    "expect_column_distinct_values_to_be_in_set": _s("aggregate", _SET, _ROWS),
    "expect_column_distinct_values_to_contain_set": _s("aggregate", _SET, _ROWS),
    "expect_column_distinct_values_to_equal_set": _s("aggregate", _SET, _ROWS),
    "expect_column_most_common_value_to_be_in_set": _s(
        "aggregate", _SET, {**_ROWS, "ties_okay": None}
    ),
    # the table
    "expect_table_row_count_to_be_between": _s("table", (), {**_BETWEEN, **_ROWS}),
    "expect_table_row_count_to_equal": _s("table", ("value",), _ROWS),
    "expect_table_column_count_to_equal": _s("table", ("value",)),
    "expect_table_column_count_to_be_between": _s(
        "table", (), {"min_value": None, "max_value": None}
    ),
    "expect_table_columns_to_match_ordered_list": _s("table", (), {"column_list": None}),
    "expect_table_columns_to_match_set": _s("table", (), {"column_set": None, "exact_match": True}),
    "expect_column_to_exist": _s("table", _COL, {"column_index": None}),
    # run by GX itself: float sums and deviations depend on numpy's summation order, types
    # are pandas dtypes, LIKE patterns have no pandas implementation in GX, and the
    # validation pass reads a file in parallel, with no order to compare neighbours in
    "expect_column_values_to_be_increasing": _s(
        "map", _COL, {**_MAP, "strictly": None}, compiled=False
    ),
    "expect_column_values_to_be_decreasing": _s(
        "map", _COL, {**_MAP, "strictly": None}, compiled=False
    ),
    "expect_column_stdev_to_be_between": _s("aggregate", _COL, {**_ROWS, **_BETWEEN}, False),
    "expect_column_values_to_be_of_type": _s("map", ("column", "type_"), _MAP, False),
    "expect_column_values_to_be_in_type_list": _s("map", _COL, {**_MAP, "type_list": None}, False),
    "expect_column_values_to_be_dateutil_parseable": _s("map", _COL, _MAP, False),
    "expect_column_values_to_be_json_parseable": _s("map", _COL, _MAP, False),
    "expect_column_values_to_match_like_pattern": _s(
        "map", ("column", "like_pattern"), {**_MAP, "escape": None}, False
    ),
    "expect_column_pair_values_to_be_in_set": _s(
        "pair", ("column_A", "column_B", "value_pairs_set"), _PAIR, False
    ),
}
SUPPORTED = {name for name, spec in EXPECTATIONS.items() if spec.compiled}


# --- what GX sees -----------------------------------------------------------------------

INTEGERS = ("HUGEINT", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UBIGINT", "UINTEGER")
FLOATS = ("DOUBLE", "FLOAT", "REAL", "DECIMAL")


def view(expr: str, sql_type: str) -> tuple[str, str]:
    """(SQL of the value as GX sees it in the typed frame, its kind: int, float, bool, text
    or date). The typed frame is built from the same expressions (gx_engine.typed_frame),
    except dates, handed to GX as dates: here, their ISO text (printed as Python prints the
    date)."""
    base = sql_type.split("(")[0].upper()
    if base in INTEGERS:
        return f"TRY_CAST({expr} AS BIGINT)", "int"
    if base in FLOATS:
        return f"nullif(CAST({expr} AS DOUBLE), 'nan'::DOUBLE)", "float"
    if base == "BOOLEAN":
        return expr, "bool"
    if base == "VARCHAR":
        return expr, "text"
    if base == "DATE":  # ISO text, ordered as the dates are
        return f"CAST({expr} AS VARCHAR)", "date"
    return f"CAST({expr} AS VARCHAR)", "text"


TEXTS = ("text", "date")


def number(value) -> str:
    """A DOUBLE literal (infinities included)."""
    value = float(value)
    return f"'{value}'::DOUBLE" if math.isinf(value) else repr(value)


def is_number(value) -> bool:
    return isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value))


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_date(value) -> date | None:
    """The date ``value`` writes as « 2024-01-31 » (no time), else None."""
    if not (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def gx_kwargs(kw: dict, kinds: dict[str, str]) -> dict:
    """The arguments as handed to GX, the columns being of ``kinds`` (column -> kind): the ISO
    dates compared with a date column's values as dates (GX's models read bounds so, not
    the members of a ``value_set`` or ``value_pairs_set``, nor the parameter of a structured
    ``row_condition``), so that they equal the column's dates as « 2024-01-31 » equals
    their ISO text in SQL."""

    def dated(value, column) -> object:
        found = iso_date(value) if kinds.get(column) == "date" else None
        return value if found is None else found

    def pair(p) -> object:
        if not (isinstance(p, list) and len(p) == 2):
            return p
        return [dated(p[0], kw.get("column_A")), dated(p[1], kw.get("column_B"))]

    def condition(c) -> object:  # GX's row conditions: comparison, and, or, nullity (its IN
        # takes no date: refused at load, pipeline.declarations.suite_arguments)
        if not isinstance(c, dict):
            return c
        if isinstance(c.get("conditions"), list):
            return {**c, "conditions": [condition(x) for x in c["conditions"]]}
        column = c["column"].get("name") if isinstance(c.get("column"), dict) else None
        if c.get("type") == "comparison" and "parameter" in c:
            return {**c, "parameter": dated(c["parameter"], column)}
        return c

    out = dict(kw)
    if isinstance(kw.get("value_set"), list):
        out["value_set"] = [dated(v, kw.get("column")) for v in kw["value_set"]]
    if isinstance(kw.get("value_pairs_set"), list):
        out["value_pairs_set"] = [pair(p) for p in kw["value_pairs_set"]]
    if isinstance(kw.get("row_condition"), dict):
        out["row_condition"] = condition(kw["row_condition"])
    return out


def as_text(x: str, kind: str) -> str:
    """The value as pandas ``astype(str)`` prints it (DuckDB prints doubles as Python does)."""
    if kind == "bool":
        return f"CASE WHEN {x} THEN 'True' ELSE 'False' END"
    return x if kind in TEXTS else f"CAST({x} AS VARCHAR)"


def members(x: str, kind: str, values: list) -> str | None:
    """TRUE when ``x`` equals one of ``values`` as Python compares them (pandas ``isin``,
    Python sets): exact numeric equality across int, float and bool; text only to text."""
    if any(v is not None and not isinstance(v, str | int | float) for v in values):
        return None
    if any(isinstance(v, float) and math.isnan(v) for v in values):
        return None
    if kind in TEXTS:
        found = [literal(v) for v in sorted({v for v in values if isinstance(v, str)})]
    elif kind == "int":
        ints = {int(v) for v in values if _integral(v)}
        found = [str(i) for i in sorted(ints) if -(2**63) <= i < 2**63]
    elif kind == "float":
        exact = {float(v) for v in values if _float_exact(v)}
        found = [number(v) for v in sorted(exact)]
    else:  # bool
        found = sorted({"TRUE" if v else "FALSE" for v in values if is_number(v) and v in (0, 1)})
    return f"({x} IN ({', '.join(found)}))" if found else "FALSE"


def _integral(v) -> bool:
    return isinstance(v, int) or (isinstance(v, float) and v.is_integer())


def _float_exact(v) -> bool:
    """A member some double equals exactly (an int beyond 2**53 may not)."""
    if isinstance(v, float):
        return not math.isnan(v)
    try:
        return isinstance(v, int) and float(v) == v
    except OverflowError:
        return False


# --- column map conditions ----------------------------------------------------------------


def _bounds(kw: dict, integer: bool = False, ok=None) -> tuple | None:
    """(low, high, strict_min, strict_max) when the bounds are values ``ok`` accepts (numbers
    by default), in order; None when the expectation must go to GX."""
    if ok is None:
        ok = (lambda v: isinstance(v, int) and not isinstance(v, bool)) if integer else is_number
    low, high = kw.get("min_value"), kw.get("max_value")
    if low is None and high is None:
        return None
    if any(v is not None and not ok(v) for v in (low, high)):
        return None
    if low is not None and high is not None and low > high:
        return None
    strict = kw.get("strict_min", False), kw.get("strict_max", False)
    if any(not isinstance(s, bool) for s in strict):
        return None
    return low, high, *strict


def _date_bounds(kw: dict) -> tuple | None:
    """The bounds of a date column, written as ISO dates (« 2019-01-01 »), as the messages
    of the declaration check ask and as GX reads them (pydantic makes them dates)."""
    return _bounds(kw, ok=lambda v: iso_date(v) is not None)


def between(x: str, bounds: tuple, literal_of=number) -> str:
    low, high, strict_min, strict_max = bounds
    parts = []
    if low is not None:
        parts.append(f"{x} {'<=' if strict_min else '<'} {literal_of(low)}")
    if high is not None:
        parts.append(f"{x} {'>=' if strict_max else '>'} {literal_of(high)}")
    return "(" + " OR ".join(parts) + ")"


def _regex(x: str, kind: str, pattern) -> str | None:
    translated = to_re2(pattern) if isinstance(pattern, str) else None
    if translated is None:
        return None
    return f"regexp_matches({as_text(x, kind)}, {literal(translated)})"


def _regex_list(x: str, kind: str, patterns, joiner: str) -> str | None:
    if not isinstance(patterns, list) or not patterns:
        return None
    found = [_regex(x, kind, p) for p in patterns]
    return None if None in found else "(" + f" {joiner} ".join(found) + ")"  # type: ignore[arg-type]


def column_map(etype: str, x: str, kind: str, kw: dict) -> str | None:
    """Condition TRUE when a non-null value is unexpected; None when GX must run it."""
    name = etype.removeprefix("expect_column_")
    if name == "values_to_be_between":
        if kind == "date":
            dates = _date_bounds(kw)
            return dates and between(f"CAST({x} AS DATE)", dates, lambda v: f"DATE '{v}'")
        bounds = _bounds(kw)
        return between(x, bounds) if bounds and kind in ("int", "float") else None
    if name in ("values_to_match_regex", "values_to_not_match_regex"):
        found = _regex(x, kind, kw.get("regex", "(?s).*"))
        return found and (f"NOT {found}" if "_not_" not in name else found)
    if name == "values_to_match_regex_list":
        match_on = kw.get("match_on", "any")
        if match_on not in ("any", "all"):
            return None
        found = _regex_list(x, kind, kw.get("regex_list"), "OR" if match_on == "any" else "AND")
        return found and f"NOT {found}"
    if name == "values_to_not_match_regex_list":
        return _regex_list(x, kind, kw.get("regex_list"), "OR")
    if name in ("values_to_be_in_set", "values_to_not_be_in_set"):
        values = kw.get("value_set")
        found = members(x, kind, values) if isinstance(values, list) else None
        return found and (f"NOT {found}" if "_not_" not in name else found)
    if name == "value_lengths_to_be_between":
        bounds = _bounds(kw, integer=True)
        return between(f"length({as_text(x, kind)})", bounds, str) if bounds else None
    if name == "value_lengths_to_equal":
        value = kw.get("value")
        return f"length({as_text(x, kind)}) <> {number(value)}" if is_number(value) else None
    return None


# --- column pairs and lists -----------------------------------------------------------------

# What compares with what in GX: a date never equals a text, and ordering them raises
FAMILY = {"int": "number", "float": "number", "text": "text", "date": "date", "bool": "bool"}
MASKED = ("int", "bool")  # pandas masked arrays: a comparison with NA raises in GX


def pair(etype: str, a: tuple[str, str], b: tuple[str, str], kw: dict) -> tuple | None:
    """(rows considered, condition TRUE when unexpected) for a column pair; None: GX."""
    (xa, ka), (xb, kb) = a, b
    ignore = kw.get("ignore_row_if", "both_values_are_missing")
    if FAMILY[ka] != FAMILY[kb]:
        return None
    kept = {
        "both_values_are_missing": f"NOT ({xa} IS NULL AND {xb} IS NULL)",
        "either_value_is_missing": f"({xa} IS NOT NULL AND {xb} IS NOT NULL)",
        "neither": "TRUE",
    }.get(ignore)
    if kept is None or ((ka in MASKED or kb in MASKED) and ignore != "either_value_is_missing"):
        return None
    if etype.endswith("to_be_equal"):
        op = "="
    else:
        or_equal = kw.get("or_equal")
        if not isinstance(or_equal, bool | None):
            return None
        op = ">=" if or_equal else ">"
    return kept, f"NOT coalesce({xa} {op} {xb}, FALSE)"


def multicolumn(
    etype: str, cols: list[tuple[str, str]], kw: dict, keys: list[str] | None = None
) -> tuple | None:
    """(rows considered, condition TRUE when unexpected) for a column list; compound
    uniqueness returns the expressions to group rows on instead of a condition (``keys``,
    equal to the values wherever these are, by default the values). None: GX."""
    exprs = [x for x, _ in cols]
    kinds = [k for _, k in cols]
    ignore = kw.get("ignore_row_if", "all_values_are_missing")
    any_null = " OR ".join(f"{x} IS NULL" for x in exprs)
    kept = {
        "all_values_are_missing": f"NOT ({' AND '.join(f'{x} IS NULL' for x in exprs)})",
        "any_value_is_missing": f"NOT ({any_null})",
        "never": "TRUE",
    }.get(ignore)
    if kept is None or len(exprs) < 2 or len(set(exprs)) < len(exprs):
        return None  # GX refuses fewer than two columns, and fails on a repeated one
    if etype == "expect_compound_columns_to_be_unique":
        keys = list(keys or exprs)
        if ignore == "any_value_is_missing":
            keys = [f"CASE WHEN {any_null} THEN NULL ELSE {k} END" for k in keys]
        return kept, keys + (["TRUE"] if ignore == "never" else [])
    if etype == "expect_multicolumn_sum_to_equal":
        total = kw.get("sum_total")
        numeric = all(k in ("int", "float") for k in kinds)
        masked_ok = ignore == "any_value_is_missing" or not any(k in MASKED for k in kinds)
        if not (numeric and masked_ok and is_number(total)):
            return None
        if all(k == "int" for k in kinds):
            added = " + ".join(f"CAST({x} AS HUGEINT)" for x in exprs)
            added = f"CAST({added} AS DOUBLE)"
        else:
            added = exprs[0] if len(exprs) == 1 else f"CAST({exprs[0]} AS DOUBLE)"
            for x in exprs[1:]:
                added = f"({added} + {x})"
        return kept, f"NOT coalesce({added} = {number(total)}, FALSE)"
    if etype == "expect_select_column_values_to_be_unique_within_record":
        if len({FAMILY[k] for k in kinds}) != 1:
            return None
        same = [
            f"({a} IS NOT DISTINCT FROM {b})" for i, a in enumerate(exprs) for b in exprs[i + 1 :]
        ]
        return kept, "(" + (" OR ".join(same) or "FALSE") + ")"
    return None
