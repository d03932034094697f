"""Generated cases for the agreement test of the two expectation engines: a small repository
holding one resource with a column of every kind GX sees (integer, number, text, boolean,
date), filled with edge values (nulls, blanks, duplicates, leading zeros, -0, exponents,
non-ASCII text, combining marks, non-Latin digits, newlines in cells), and a suite of many
expectations of every compiled type with parameters drawn from edge pools (boundaries,
strict bounds, mostly thresholds, mixed-type value sets, Unicode regexes)."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

from pipeline.sql.expectations import EXPECTATIONS, iso_date

FIELDS = [
    {"name": "n", "type": "integer"},
    {"name": "m", "type": "integer"},
    {"name": "x", "type": "number"},
    {"name": "y", "type": "number"},
    {"name": "s", "type": "string"},
    {"name": "t", "type": "string"},
    {"name": "b", "type": "boolean"},
    {"name": "d", "type": "date"},
]
COLUMNS = [f["name"] for f in FIELDS]
TEXT_COLUMNS = {f["name"] for f in FIELDS if f["type"] == "string"}
DATE_COLUMNS = {f["name"] for f in FIELDS if f["type"] == "date"}
POOLS = {
    "integer": ["", "", "0", "1", "-1", "7", "007", "+3", "3", "42", "100", "x"],
    "number": [
        "",
        "",
        "0",
        "-0",
        "0.1",
        "0.2",
        "0.30000000000000004",
        "1e3",
        "1000",
        "1.5",
        "-2.5",
        "19.5",
        "123456789.125",
        "3",
        "7",
        "1,5",
    ],
    "string": [
        "",
        "",
        " ",
        "a",
        "b",
        "é",
        "e\u0301",
        "١٢٣",
        "12345",
        "A1",
        "x\ny",
        "ab\n",
        "Ab c",
        "ß",
        "\u00a0",
        "Zèbre",
        "a" * 60,
        "1",
        "True",
        "2024-01-15",
        "a$",
        "3",
    ],
    "boolean": ["", "true", "false", "True", "0", "1"],
    "date": ["", "2024-01-15", "2023-12-31", "2024-02-29", "2000-01-01", "2023-02-29"],
}
EXTREMES = {  # rare: beyond float precision, at and beyond the int64 range
    "integer": [
        "9007199254740993",
        "9223372036854775807",
        "-9223372036854775808",
        "9223372036854775808",
    ],
    "number": ["1e16", "1e308", "-1e308", "5e-324"],
}
NUMBERS = [None, -1, 0, 1, 1.5, 3, 7, 42, 100, 1e16]
SET_VALUES = [
    0,
    1,
    3,
    7,
    1.5,
    -0.0,
    0.1,
    True,
    False,
    "a",
    "1",
    "é",
    " ",
    "True",
    "2024-01-15",
    1000,
    1000.0,
    42,
    "ab\n",
]
REGEXES = [
    r"^\d+$",
    r"\d",
    r"\w",
    r"\W",
    r"\s",
    r"\S",
    r"^a",
    r"é",
    r"y$",
    r"\n$",
    r"^$",
    r"[A-Z]",
    r"^\d{4}-\d{2}-\d{2}$",
    r"\.",
    r"^-",
    "True",
    r"0$",
    r"[^\w\s]",
    r"(?s).*",
    r"a|b",
    r"^.{3,}$",
    r"^(?:a|é)+$",
    r"[0-9]",
    r"\d{3}",
    r"^\s*$",
    r"\Aa",
    r"e\Z",
]
DATES = ["2000-01-01", "2023-12-31", "2024-01-15", "2024-02-29", "2025-01-01"]


def rows(rng: random.Random, count: int) -> list[list[str]]:
    """``count`` random rows (two of them often repeated). Each column draws from a few values of
    its pool, or is left empty, or holds an ordered sequence, so that expectations pass as
    well as fail."""
    narrow = {f["name"]: rng.sample(POOLS[f["type"]], rng.randint(1, 5)) for f in FIELDS}

    def cell(name: str, ftype: str) -> str:
        if ftype in EXTREMES and rng.random() < 0.01:
            return rng.choice(EXTREMES[ftype])
        return rng.choice(narrow[name] if rng.random() < 0.8 else POOLS[ftype])

    out = [[cell(f["name"], f["type"]) for f in FIELDS] for _ in range(count)]
    if rng.random() < 0.6:
        out += [list(row) for row in out[:2]]  # whole duplicated rows
    if out and rng.random() < 0.5:  # an ordered column, with gaps
        i = rng.choice([0, 2])
        step = rng.choice([1, -1, 0])
        for k, row in enumerate(out):
            row[i] = "" if rng.random() < 0.2 else str(k * step)
    if out and rng.random() < 0.5:
        blank = rng.randrange(len(FIELDS))
        for row in out:
            row[blank] = ""
    return out


def typed(name: str, raw: str):
    """A cell's value as a JSON suite would write it (None when empty or invalid)."""
    ftype = FIELDS[COLUMNS.index(name)]["type"]
    try:
        if ftype == "integer":
            return int(raw)
        if ftype == "number":
            return float(raw)
    except ValueError:
        return None
    if ftype == "boolean":
        return {"true": True, "True": True, "1": True, "false": False, "0": False}.get(raw)
    if ftype == "date":
        return raw if iso_date(raw) else None
    return raw or None


def csv_text(table: list[list[str]], columns: list[str] = COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(table)
    return buffer.getvalue()


def _bounds(rng, pool, integer=False, strict=True) -> dict:
    while True:
        low, high = rng.choice(pool), rng.choice(pool)
        if integer and any(isinstance(v, float) for v in (low, high)):
            continue
        if (low is None and high is None) or (None not in (low, high) and low > high):
            continue
        kw = {k: v for k, v in (("min_value", low), ("max_value", high)) if v is not None}
        for flag in ("strict_min", "strict_max"):
            if strict and rng.random() < 0.3:
                kw[flag] = True
        return kw


def _mostly(rng) -> dict:
    return {"mostly": rng.choice([0.5, 0.75, 0.8, 0.9, 0.95])} if rng.random() < 0.4 else {}


def _member(column: str) -> object:
    """A value set's member of the column's type (another is a declaration error)."""
    return "1" if column in TEXT_COLUMNS else DATES[2] if column in DATE_COLUMNS else 1


def _pick(rng, names, k):
    return rng.sample(names, k)


def expectation(rng: random.Random, etype: str, table: list[list[str]]) -> dict:  # noqa: C901
    name = etype.removeprefix("expect_")
    any_col = rng.choice(COLUMNS)
    empty = [c for i, c in enumerate(COLUMNS) if all(not row[i] for row in table)]
    if empty and rng.random() < 0.3:
        any_col = rng.choice(empty)

    def values(column: str, k: int) -> list:
        """A value set: edge values of every type, and values of the column itself."""
        own = [typed(column, row[COLUMNS.index(column)]) for row in table]
        own = [v for v in own if v is not None]
        if rng.random() < 0.25:  # exactly the column's values
            return own
        picked = rng.sample(SET_VALUES, rng.randint(0, k))
        if column in TEXT_COLUMNS:  # a number in a text column's set is a declaration error
            picked = [v for v in picked if isinstance(v, str)]
        if column in DATE_COLUMNS:  # and anything but an ISO date in a date column's
            picked = [v for v in picked if iso_date(v)]
        return picked + rng.sample(own, min(len(own), rng.randint(0, 2 * k)))

    if name == "column_values_to_be_between":
        kw = {"column": rng.choice(["n", "x"]), **_bounds(rng, NUMBERS), **_mostly(rng)}
    elif name in ("column_values_to_match_regex", "column_values_to_not_match_regex"):
        kw = {"column": any_col, "regex": rng.choice(REGEXES), **_mostly(rng)}
    elif name == "column_values_to_match_regex_list":
        kw = {
            "column": any_col,
            "regex_list": rng.sample(REGEXES, rng.randint(1, 3)),
            "match_on": rng.choice(["any", "all"]),
            **_mostly(rng),
        }
    elif name == "column_values_to_not_match_regex_list":
        kw = {"column": any_col, "regex_list": rng.sample(REGEXES, rng.randint(1, 3))}
    elif name in ("column_values_to_be_in_set", "column_values_to_not_be_in_set"):
        # an empty set is a declaration error (suite_arguments): never generated
        kw = {
            "column": any_col,
            "value_set": values(any_col, 6) or [_member(any_col)],
            **_mostly(rng),
        }
    elif name == "column_value_lengths_to_be_between":
        kw = {"column": any_col, **_bounds(rng, [None, 0, 1, 2, 3, 5, 10], True)}
    elif name == "column_value_lengths_to_equal":
        kw = {"column": any_col, "value": rng.choice([1, 2, 3, 10])}
    elif name in ("column_values_to_be_increasing", "column_values_to_be_decreasing"):
        kw = {"column": rng.choice(["n", "x"]), "strictly": rng.choice([None, True, False])}
    elif name.startswith("column_values_to") or name == "column_values_to_be_unique":
        kw = {"column": any_col, **_mostly(rng)}
    elif name.startswith("column_pair_values"):
        a, b = rng.choice(
            # a date compared with a text is a declaration error: dates only with dates
            [("n", "m"), ("x", "y"), ("n", "x"), ("s", "t"), ("d", "d"), ("y", "x"), ("b", "b")]
        )
        masked = {"n", "m", "b"} & {a, b}
        ignores = (
            ["either_value_is_missing"]
            if masked
            else ["both_values_are_missing", "either_value_is_missing", "neither"]
        )
        kw = {"column_A": a, "column_B": b, "ignore_row_if": rng.choice(ignores), **_mostly(rng)}
        if "greater" in name and rng.random() < 0.5:
            kw["or_equal"] = True
    elif name == "multicolumn_sum_to_equal":
        cols = rng.choice([["n", "m"], ["x", "y"], ["n", "x"], ["y", "x"]])
        masked = {"n", "m"} & set(cols)
        ignores = (
            ["any_value_is_missing"]
            if masked
            else ["all_values_are_missing", "any_value_is_missing", "never"]
        )
        kw = {
            "column_list": cols,
            "ignore_row_if": rng.choice(ignores),
            "sum_total": rng.choice([0, 3, 7, 14, 2.0, 1000.0, 0.30000000000000004]),
        }
    elif name in (
        "select_column_values_to_be_unique_within_record",
        "compound_columns_to_be_unique",
    ):
        pools = [["n", "m"], ["x", "y"], ["s", "t"], ["n", "m", "x"], ["t", "s"]]
        if name == "compound_columns_to_be_unique":  # no value compared across columns
            pools[-1] = ["d", "s"]
            pools += [["n", "s"], ["b", "d"], ["x", "b", "t"]]
        kw = {
            "column_list": rng.choice(pools),
            **_mostly(rng),
            "ignore_row_if": rng.choice(
                ["all_values_are_missing", "any_value_is_missing", "never"]
            ),
        }
    elif name in ("column_min_to_be_between", "column_max_to_be_between"):
        col = rng.choice(["n", "x", "d"])
        pool = [None, *DATES] if col == "d" else NUMBERS
        kw = {"column": col, **_bounds(rng, pool)}
    elif name in ("column_mean_to_be_between", "column_sum_to_be_between"):
        kw = {"column": "n", **_bounds(rng, NUMBERS)}
    elif name == "column_median_to_be_between":
        kw = {"column": rng.choice(["n", "x"]), **_bounds(rng, NUMBERS)}
    elif name == "column_unique_value_count_to_be_between":
        kw = {"column": any_col, **_bounds(rng, [None, 0, 2, 5, 9, 12], True)}
    elif name.startswith("column_proportion_of"):
        kw = {"column": any_col, **_bounds(rng, [None, 0, 0.25, 0.5, 0.8, 1])}
    elif name.startswith("column_distinct_values") or name.startswith("column_most_common"):
        kw = {
            "column": any_col,
            "value_set": values(any_col, 5) or [_member(any_col)],
        }
        if "most_common" in name and rng.random() < 0.5:
            kw["ties_okay"] = True
    elif name == "table_row_count_to_be_between":
        kw = _bounds(rng, [None, 0, len(table) - 1, len(table), len(table) + 1, 100], True)
    elif name == "table_row_count_to_equal":
        kw = {"value": rng.choice([0, len(table), len(table) + 1])}
    elif name == "table_column_count_to_equal":
        kw = {"value": rng.choice([7, 8, 9])}
    elif name == "table_column_count_to_be_between":
        kw = _bounds(rng, [None, 1, 7.5, 8, 10], strict=False)
    # A column list whose verdict is known at load (an unknown column, another order, a
    # column missing from an exact set) is a declaration error: only the others are drawn.
    elif name == "table_columns_to_match_ordered_list":
        kw = {"column_list": COLUMNS}
    elif name == "table_columns_to_match_set":
        kw = rng.choice(
            [
                {"column_set": COLUMNS, "exact_match": rng.choice([True, False])},
                {"column_set": COLUMNS[::-1]},
                {"column_set": COLUMNS[:5], "exact_match": False},
            ]
        )
    elif name == "column_to_exist":
        kw = {
            "column": rng.choice(["n", "d", "z"]),
            "column_index": rng.choice([None, 0, 1, 7, -1, 99]),
        }
    else:
        raise KeyError(etype)
    return {"type": etype, "kwargs": kw}


def suite(rng: random.Random, per_type: int, table: list[list[str]]) -> dict:
    """Every compiled type, ``per_type`` times, each with its own id and a message citing
    the row's values (row-level) or the observed value."""
    out = []
    for etype, spec in EXPECTATIONS.items():
        if not spec.compiled:
            continue
        for _ in range(per_type):
            entry = expectation(rng, etype, table)
            row_level = spec.kind in ("map", "pair", "multicolumn")
            message = "{n}|{x}|{s}|{b}|{d}" if row_level else "observé : {observed}"
            entry["meta"] = {
                "id": f"e{len(out)}",
                "severity": rng.choice(["error", "warning"]),
                **({"message": message} if rng.random() < 0.7 else {}),
            }
            out.append(entry)
    return {"name": "gen", "expectations": out}


def write_repo(
    root: Path, table: list[list[str]], expectations: dict, fields: list[dict] = FIELDS
) -> Path:
    """A repository holding only the dataset ``gen`` (no reference needed), its table of
    ``fields``."""
    folder = root / "schemas/gen"
    folder.mkdir(parents=True)
    (root / "data/raw").mkdir(parents=True)
    (root / "data/published").mkdir(parents=True)
    schema = {"name": "gen", "title": "Cas générés", "missingValues": [""], "fields": fields}
    meta = {
        "name": "gen",
        "title": "Cas générés",
        "description": "Cas générés pour comparer les moteurs d'attentes",
        "created": "2024-01-01",
        "licenses": [{"name": "etalab-2.0", "title": "Licence Ouverte 2.0"}],
        "resources": [
            {
                "name": "gen",
                "schema": "gen.schema.json",
                "expectations": "gen.expectations.json",
                "source": {"path": "data/raw/gen.csv", "dialect": {"encoding": "utf-8"}},
            }
        ],
    }
    (folder / "gen.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    (folder / "dataset.json").write_text(json.dumps(meta), encoding="utf-8")
    (folder / "gen.expectations.json").write_text(json.dumps(expectations), encoding="utf-8")
    columns = [f["name"] for f in fields]
    (root / "data/raw/gen.csv").write_text(csv_text(table, columns), encoding="utf-8")
    return root
