"""The column aggregates GX expectations observe (minimum, median, distinct values…),
compiled to SQL aggregates that run in the engine's group or aggregate pass. Their verdicts
are drawn in :mod:`pipeline.checks.expectation_rules`."""

from __future__ import annotations

from pipeline.sql.expectations import is_number, iso_date, members


def _agg_bounds(kw: dict, kind: str) -> bool:
    """Bounds GX compares with the observed value as we do: numbers with a number; ISO
    dates (which pydantic turns into dates) with the minimum or maximum of a date column."""
    low, high = kw.get("min_value"), kw.get("max_value")
    strict = kw.get("strict_min", False), kw.get("strict_max", False)
    if any(not isinstance(s, bool) for s in strict):
        return False
    if kind == "date":
        return all(v is None or iso_date(v) is not None for v in (low, high))
    return all(v is None or is_number(v) for v in (low, high))


def aggregates(etype: str, x: str, kind: str, kw: dict) -> dict | None:
    """The aggregates an aggregate expectation observes, ``{name: (function of the
    engine's pass, its input)}``; None when GX must run it. Distinct values, modes and the
    median come from the column's histogram (value -> rows), which GX also builds."""
    name = etype.removeprefix("expect_column_")
    numeric = kind in ("int", "float")
    histogram = {"histogram": ("histogram", x)}
    if name in ("min_to_be_between", "max_to_be_between"):
        if not ((numeric or kind == "date") and _agg_bounds(kw, kind)):
            return None
        return {"value": (name[:3], x)}
    if name in ("mean_to_be_between", "sum_to_be_between"):
        # exact for integers only: float sums depend on numpy's summation order
        if kind != "int" or not _agg_bounds(kw, kind):
            return None
        return {
            "sum": ("sum", x),
            "count": ("count", x),
            "largest": ("max", f"abs(CAST({x} AS HUGEINT))"),
        }
    if name == "median_to_be_between":
        return histogram if numeric and _agg_bounds(kw, kind) else None
    distinct = {"distinct": ("count_distinct", x)}
    count = {"count": ("count", x)}
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
    if name.startswith("distinct_values_to_") or name == "most_common_value_to_be_in_set":
        values = kw.get("value_set")
        if not isinstance(values, list) or members("x", kind, values) is None:
            return None  # hashable scalars only
        if not values and name == "distinct_values_to_be_in_set":  # refused by GX
            return None
        if not isinstance(kw.get("ties_okay"), bool | None):
            return None
        return histogram
    return None
