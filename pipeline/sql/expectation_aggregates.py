"""The column aggregates GX expectations observe (minimum, median, distinct values…),
compiled to SQL aggregates that run in the engine's group or aggregate pass. Their verdicts
are drawn in :mod:`pipeline.checks.expectation_rules`."""

from __future__ import annotations

import datetime as dt
import re

from pipeline.sql.expectations import is_number, members

ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def date_bound(value) -> bool:
    if not isinstance(value, str) or not re.match(ISO_DATE, value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _agg_bounds(kw: dict, kind: str) -> bool:
    """Bounds GX compares with the observed value as we do: numbers with a number; ISO
    dates (which pydantic turns into dates) with the minimum or maximum of a date column."""
    low, high = kw.get("min_value"), kw.get("max_value")
    strict = kw.get("strict_min", False), kw.get("strict_max", False)
    if any(not isinstance(s, bool) for s in strict):
        return False
    check = date_bound if kind == "date" else is_number
    return all(v is None or check(v) for v in (low, high))


def aggregates(etype: str, x: str, kind: str, kw: dict) -> dict | None:
    """The aggregates an aggregate expectation observes, ``{name: (SQL over the rows, how
    values over groups of rows combine: "sum", "min", "max", or None when they do not, as a
    count of distinct values)}``; None when GX must run it."""
    name = etype.removeprefix("expect_column_")
    numeric = kind in ("int", "float")
    if name in ("min_to_be_between", "max_to_be_between"):
        if not ((numeric or kind == "date") and _agg_bounds(kw, kind)):
            return None
        fn = name[:3]
        return {"value": (f"{fn}({x})", fn)}
    if name in ("mean_to_be_between", "sum_to_be_between"):
        # exact for integers only: float sums depend on numpy's summation order
        if kind != "int" or not _agg_bounds(kw, kind):
            return None
        largest = f"max(abs(CAST({x} AS HUGEINT)))"
        return {
            "sum": (f"sum({x})", "sum"),
            "count": (f"count({x})", "sum"),
            "largest": (largest, "max"),
        }
    if name == "median_to_be_between":
        if not (numeric and _agg_bounds(kw, kind)):
            return None
        d = f"CAST({x} AS DOUBLE)"
        return {
            "low": (f"quantile_disc({d}, 0.5)", None),
            "high": (f"-quantile_disc(-{d}, 0.5)", None),
        }
    distinct = {"distinct": (f"count(DISTINCT {x})", None)}
    count = {"count": (f"count({x})", "sum")}
    if name == "unique_value_count_to_be_between":  # pydantic truncates other bounds
        integers = all(
            v is None or (isinstance(v, int) and not isinstance(v, bool))
            for v in (kw.get("min_value"), kw.get("max_value"))
        )
        return distinct if integers and _agg_bounds(kw, "number") else None
    if name == "proportion_of_unique_values_to_be_between":
        return {**distinct, **count} if _agg_bounds(kw, "number") else None
    if name == "proportion_of_non_null_values_to_be_between":
        return count if _agg_bounds(kw, "number") else None
    if name.startswith("distinct_values_to_"):
        values = kw.get("value_set")
        if not isinstance(values, list) or members(x, kind, values) is None:
            return None
        if not values and name == "distinct_values_to_be_in_set":  # refused by GX
            return None
        outside = f"count_if({x} IS NOT NULL AND NOT {members(x, kind, values)})"
        out = {"outside": (outside, "sum")}
        for i, value in enumerate(values):
            out[f"found_{i}"] = (f"count_if({members(x, kind, [value])})", "sum")
        return out
    if name == "most_common_value_to_be_in_set":
        values = kw.get("value_set")
        if not isinstance(values, list) or members(x, kind, values) is None:
            return None
        if not isinstance(kw.get("ties_okay"), bool | None):
            return None
        return {"histogram": (f"histogram({x})", None)}
    return None
