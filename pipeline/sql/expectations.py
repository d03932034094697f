"""Great Expectations types compiled to SQL, with GX 1.x's semantics on pandas: nulls are
skipped (except by ``not_be_null``), regexes are searched anywhere in the value, ``unique``
marks every member of a duplicate group, ``mostly`` is the share of non-null values that
must pass. Each function returns the condition TRUE for an *unexpected* row, over ``x`` (the
column's typed value), or the aggregate a table-level expectation observes."""

from __future__ import annotations

from pipeline.sql import literal

NUMERIC = ("HUGEINT", "BIGINT", "DOUBLE", "DECIMAL")


def _bound(value, sql_type: str) -> str:
    if isinstance(value, bool) or value is None:
        return literal(value)
    if isinstance(value, int | float):
        return literal(value)
    if sql_type in ("DATE", "TIMESTAMP"):
        return f"CAST({literal(value)} AS {sql_type})"
    return literal(value)


def between(x: str, kw: dict, sql_type: str) -> str:
    parts = []
    low, high = kw.get("min_value"), kw.get("max_value")
    if low is not None:
        op = "<=" if kw.get("strict_min") else "<"
        parts.append(f"{x} {op} {_bound(low, sql_type)}")
    if high is not None:
        op = ">=" if kw.get("strict_max") else ">"
        parts.append(f"{x} {op} {_bound(high, sql_type)}")
    return " OR ".join(parts) or "FALSE"


def as_text(x: str, sql_type: str) -> str:
    """The value as Python's ``str`` would print it (pandas ``astype(str)``)."""
    if sql_type == "BOOLEAN":
        return f"CASE WHEN {x} THEN 'True' ELSE 'False' END"
    return f"CAST({x} AS VARCHAR)"


def in_set(x: str, values: list, sql_type: str) -> str:
    if not values:
        return "FALSE"
    if sql_type in NUMERIC:
        numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        if not numbers:
            return "FALSE"
        return f"{x} IN ({', '.join(literal(v) for v in numbers)})"
    return f"{as_text(x, sql_type)} IN ({', '.join(literal(str(v)) for v in values)})"


def column_map(etype: str, x: str, kw: dict, sql_type: str) -> str | None:
    """Condition TRUE when a non-null value is unexpected; None for an unknown type."""
    if etype == "expect_column_values_to_be_between":
        return between(x, kw, sql_type)
    if etype == "expect_column_values_to_match_regex":
        return f"NOT regexp_matches({as_text(x, sql_type)}, {literal(kw['regex'])})"
    if etype == "expect_column_values_to_not_match_regex":
        return f"regexp_matches({as_text(x, sql_type)}, {literal(kw['regex'])})"
    if etype == "expect_column_values_to_be_in_set":
        return f"NOT ({in_set(x, list(kw['value_set']), sql_type)})"
    if etype == "expect_column_values_to_not_be_in_set":
        return in_set(x, list(kw["value_set"]), sql_type)
    if etype == "expect_column_value_lengths_to_be_between":
        return between(f"length({as_text(x, sql_type)})", kw, "BIGINT")
    return None


COLUMN_MAP_ARGS = {
    "expect_column_values_to_be_between": {"min_value", "max_value", "strict_min", "strict_max"},
    "expect_column_values_to_match_regex": {"regex"},
    "expect_column_values_to_not_match_regex": {"regex"},
    "expect_column_values_to_be_in_set": {"value_set"},
    "expect_column_values_to_not_be_in_set": {"value_set"},
    "expect_column_value_lengths_to_be_between": {
        "min_value",
        "max_value",
        "strict_min",
        "strict_max",
    },
    "expect_column_values_to_not_be_null": set(),
    "expect_column_values_to_be_unique": set(),
}
AGGREGATE_ARGS = {
    "expect_table_row_count_to_be_between": {"min_value", "max_value"},
    "expect_column_unique_value_count_to_be_between": {"column", "min_value", "max_value"},
}
COMMON_ARGS = {"column", "mostly", "meta", "result_format", "catch_exceptions"}
SUPPORTED = {*COLUMN_MAP_ARGS, *AGGREGATE_ARGS}


def aggregate(etype: str, x: str | None) -> tuple[str, str | None]:
    """(aggregate function of the engine's pass, its input) a table-level type observes."""
    if etype == "expect_table_row_count_to_be_between":
        return "count", None
    if etype == "expect_column_unique_value_count_to_be_between":
        return "count_distinct", x
    raise KeyError(etype)


def count_between(observed, kw: dict) -> bool:
    low, high = kw.get("min_value"), kw.get("max_value")
    return (low is None or observed >= low) and (high is None or observed <= high)
