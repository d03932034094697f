"""GX 1.x's verdicts on what the scans observed, in plain Python: the ``mostly`` rule, the
bounds of aggregate and table-level expectations, distinct value sets, most common values,
and the table's columns. Each function mirrors the ``_validate`` of the GX expectation it is
named after and returns ``(success, observed_value)``; the observed value is the one GX
reports (a message's ``{observed}``), of the same Python type when printed."""

from __future__ import annotations

import numpy as np

from pipeline.sql.expectations import gx_kwargs, iso_date

EXACT_FLOAT_INT = 2**53  # integers up to here add up exactly in float64, in any order


class Inexact(Exception):
    """The observed value cannot be reproduced exactly here: GX must compute it."""


def mostly_success(considered: int, unexpected: int, mostly) -> bool:
    """``expectation._mostly_success``: vacuously true when no row is considered."""
    if considered == 0 or unexpected == 0:
        return True
    return (float(considered) - float(unexpected)) / float(considered) >= float(mostly)


def between(observed, kw: dict) -> tuple[bool, object]:
    """``BatchExpectation._validate_metric_value_between`` for numbers, and for ISO dates
    (GX compares the date it observes with bounds pydantic read as dates; their ISO texts
    compare the same way)."""
    if observed is None or (isinstance(observed, float) and observed != observed):
        return False, None
    low, high = kw.get("min_value"), kw.get("max_value")
    above = low is None or (observed > low if kw.get("strict_min") else observed >= low)
    below = high is None or (observed < high if kw.get("strict_max") else observed <= high)
    return bool(above and below), observed


def aggregate(etype: str, kind: str, values: dict, rows: int, kw: dict) -> tuple[bool, object]:
    """The verdict of a column aggregate expectation from its SQL aggregates."""
    name = etype.removeprefix("expect_column_")
    if name in ("min_to_be_between", "max_to_be_between"):
        observed = values["value"]
        return _signed_zero(between(_numpy(observed, kind) if kind != "date" else observed, kw))
    if name == "sum_to_be_between":  # numpy's int64 sum wraps around
        total = (int(values["sum"] or 0) + 2**63) % 2**64 - 2**63
        return between(np.int64(total), kw)
    if name == "mean_to_be_between":  # numpy adds integers as float64
        count = values["count"]
        if count and count * int(values["largest"]) > EXACT_FLOAT_INT:
            raise Inexact("moyenne au-delà de 2**53")
        return between(np.float64(values["sum"]) / count if count else None, kw)
    if name == "median_to_be_between":
        return _signed_zero(between(median(values["histogram"] or {}), kw))
    if name == "unique_value_count_to_be_between":
        return between(values["distinct"], kw)
    if name == "proportion_of_unique_values_to_be_between":
        count = values["count"]
        return between(values["distinct"] / count if rows > 0 and count else 0, kw)
    if name == "proportion_of_non_null_values_to_be_between":
        return between(values["count"] / rows if rows > 0 else 0, kw)
    if name.startswith("distinct_values_to_"):
        return distinct_sets(name, values["histogram"] or {}, kw), None
    if name == "most_common_value_to_be_in_set":
        return most_common(values["histogram"] or {}, kind, kw)
    raise KeyError(etype)


def _signed_zero(verdict: tuple[bool, object]) -> tuple[bool, object]:
    """Which of -0.0 and 0.0 numpy returns depends on the order it reads them in: a failure
    that would print a zero is left to GX."""
    success, observed = verdict
    if not success and isinstance(observed, float) and observed == 0:
        raise Inexact("zéro signé")
    return verdict


def _numpy(value, kind: str):
    """The scalar type pandas hands GX for a value of this kind (printed as GX prints it):
    a date from its ISO text."""
    if value is None:
        return None
    return {"int": np.int64, "float": np.float64, "bool": np.bool_, "date": iso_date}.get(
        kind, str
    )(value)


def median(histogram: dict):
    """``Series.median()`` from the column's histogram: the middle value, or for an even
    count the two middle ones added then halved in float64, as numpy does (None when there
    is no value)."""
    total = sum(histogram.values())
    if not total:
        return None
    middle = sorted({(total - 1) // 2, total // 2})
    found, seen = {}, 0
    for value in sorted(histogram):
        count = histogram[value]
        for position in middle:
            if seen <= position < seen + count:
                found[position] = np.float64(value)
        seen += count
    if len(middle) == 1:
        return found[middle[0]]
    return (found[middle[0]] + found[middle[1]]) / np.float64(2)


def distinct_sets(name: str, histogram: dict, kw: dict) -> bool:
    """GX's distinct-value expectations: the column's set of values against ``value_set``,
    with Python's equality (1 == 1.0 == True)."""
    column, expected = set(histogram), set(kw["value_set"])
    unexpected, missing = column - expected, expected - column
    if name == "distinct_values_to_be_in_set":
        return not unexpected
    if name == "distinct_values_to_contain_set":
        return not missing
    return not unexpected and not missing


def most_common(histogram: dict, kind: str, kw: dict) -> tuple[bool, object]:
    """``expect_column_most_common_value_to_be_in_set``: the modes (``Series.mode()``,
    sorted), then Python set equality with ``value_set``."""
    top = max(histogram.values(), default=0)
    modes = [_numpy(v, kind) for v in sorted(k for k, n in histogram.items() if n == top)]
    expected = gx_kwargs(kw, {kw.get("column"): kind}).get("value_set") or []
    found = len(set(expected).intersection(modes))
    success = found > 0 if kw.get("ties_okay") else len(modes) == 1 and found == 1
    if not success and kind == "float" and 0 in modes:
        raise Inexact("zéro signé")
    return success, modes


def table(etype: str, columns: list[str], rows: int, kw: dict) -> tuple[bool, object]:
    """The verdict of a table-level expectation on the table's columns and row count."""
    name = etype.removeprefix("expect_")
    if name == "table_row_count_to_be_between":
        return between(rows, kw)
    if name == "table_row_count_to_equal":
        return rows == kw["value"], rows
    if name == "table_column_count_to_equal":
        return len(columns) == kw["value"], len(columns)
    if name == "table_column_count_to_be_between":
        return between(len(columns), kw)
    if name == "table_columns_to_match_ordered_list":
        expected = kw.get("column_list")
        return expected is None or list(columns) == list(expected), list(columns)
    if name == "table_columns_to_match_set":
        expected = set(kw.get("column_set") or [])
        actual = set(columns)
        if kw.get("exact_match", True):
            return actual == expected, sorted(actual)
        return not (expected - actual), sorted(actual)
    if name == "column_to_exist":
        index = kw.get("column_index")
        if index:  # GX: a column_index of 0 only checks presence
            try:
                return columns[index] == kw["column"], None
            except IndexError:
                return False, None
        return kw["column"] in columns, None
    raise KeyError(etype)
