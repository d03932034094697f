"""Generated cases for the agreement of the two expectation engines on date columns: a table
of two date fields (one ISO, one written « 31/12/2024 », so that bounds meet the typed dates,
not the raw text), a third of the cells empty and a few unreadable, and a suite of the
expectations that take dates (bounds, sets, minimum and maximum, pairs, rows) with ISO
dates drawn around the table's values, so that bounds fall on values, strict or not."""

from __future__ import annotations

import random
from datetime import date

FIELDS = [
    {"name": "d", "type": "date"},
    {"name": "e", "type": "date", "format": "%d/%m/%Y"},
    {"name": "s", "type": "string"},  # never empty: no blank row
]
DAYS = ["2019-12-31", "2020-01-01", "2020-01-02", "2023-12-31", "2024-01-15", "2024-02-29"]
BOUNDS = [None, *DAYS, "2025-01-01"]
UNREADABLE = "2023-02-29"  # a type error, then null for the expectations
TYPES = (
    "expect_column_values_to_be_between",
    "expect_column_min_to_be_between",
    "expect_column_max_to_be_between",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_not_be_in_set",
    "expect_column_distinct_values_to_be_in_set",
    "expect_column_distinct_values_to_contain_set",
    "expect_column_distinct_values_to_equal_set",
    "expect_column_most_common_value_to_be_in_set",
    "expect_column_pair_values_a_to_be_greater_than_b",
    "expect_column_pair_values_to_be_equal",
    "expect_select_column_values_to_be_unique_within_record",
    "expect_compound_columns_to_be_unique",
    "expect_column_values_to_be_unique",
    "expect_column_values_to_match_regex",
)


def french(iso: str) -> str:
    """« 2024-01-15 » as column e writes it (« 15/01/2024 »)."""
    return "/".join(reversed(iso.split("-")))


def rows(rng: random.Random, count: int) -> list[list[str]]:
    """``count`` rows: each date cell empty a third of the time, rarely unreadable, else a
    day of a few (repeated, so that sets, modes and duplicates have something to find); e
    is often (in some tables always) the day of d."""
    few = rng.sample(DAYS, rng.randint(2, 4))
    same = rng.choice([0.3, 1])

    def day() -> str:
        draw = rng.random()
        if draw < 0.3:
            return ""
        if draw < 0.35:
            return UNREADABLE
        return rng.choice(few if draw < 0.85 else DAYS)

    out = []
    for i in range(count):
        d = day()
        e = d if rng.random() < same else day()
        out.append([d, french(e) if e else "", f"ligne {i}"])
    return out


def cell_date(row: list[str], column: str) -> date | None:
    """The typed value of a cell (None when empty or unreadable)."""
    raw = row[0] if column == "d" else "-".join(reversed(row[1].split("/")))
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def bounds(rng: random.Random) -> dict:
    """min_value and/or max_value in order, each strict a third of the time."""
    while True:
        low, high = rng.choice(BOUNDS), rng.choice(BOUNDS)
        if (low, high) != (None, None) and (None in (low, high) or low <= high):  # type: ignore[operator]
            break
    kw = {k: v for k, v in (("min_value", low), ("max_value", high)) if v is not None}
    for flag in ("strict_min", "strict_max"):
        if rng.random() < 0.3:
            kw[flag] = True
    return kw


def expectation(rng: random.Random, etype: str, table: list[list[str]]) -> dict:
    column = rng.choice(["d", "e"])
    own = sorted({str(v) for row in table if (v := cell_date(row, column))})
    members = rng.sample(DAYS, rng.randint(1, 3))
    if own and rng.random() < 0.4:
        members = own if rng.random() < 0.5 else [*members, rng.choice(own)]
    name = etype.removeprefix("expect_")
    if name.endswith("_to_be_between"):
        kw = {"column": column, **bounds(rng)}
    elif "set" in name and name.startswith("column_"):
        kw = {"column": column, "value_set": members}
        if "most_common" in name and rng.random() < 0.5:
            kw["ties_okay"] = True
    elif name.startswith("column_pair"):
        a, b = rng.choice([("d", "e"), ("e", "d")])
        ignores = ["both_values_are_missing", "either_value_is_missing", "neither"]
        kw = {"column_A": a, "column_B": b, "ignore_row_if": rng.choice(ignores)}
        if "greater" in name and rng.random() < 0.5:
            kw["or_equal"] = True
    elif name.endswith("unique_within_record") or name.startswith("compound"):
        ignores = ["all_values_are_missing", "any_value_is_missing", "never"]
        kw = {"column_list": ["d", "e"], "ignore_row_if": rng.choice(ignores)}
    elif name == "column_values_to_match_regex":  # GX prints a date as its ISO text
        kw = {"column": column, "regex": rng.choice(["^2024-", "-01-", "-29$"])}
    else:
        kw = {"column": column}
    return {"type": etype, "kwargs": kw}


def suite(rng: random.Random, per_type: int, table: list[list[str]]) -> dict:
    out = []
    for etype in TYPES:
        for _ in range(per_type):
            entry = expectation(rng, etype, table)
            aggregate = "_min_" in etype or "_max_" in etype or "distinct_" in etype
            message = "observé : {observed}" if aggregate or "most_common" in etype else "{d}|{e}"
            entry["meta"] = {"id": f"e{len(out)}", "message": message}
            out.append(entry)
    return {"name": "gen", "expectations": out}


def outside(value: date | None, kw: dict) -> bool:
    """Whether a value breaks a ``between``'s bounds, as Python compares dates (a null is
    skipped)."""
    if value is None:
        return False
    low, high = (date.fromisoformat(kw[k]) if k in kw else None for k in ("min_value", "max_value"))
    if low is not None and (value <= low if kw.get("strict_min") else value < low):
        return True
    return high is not None and (value >= high if kw.get("strict_max") else value > high)
