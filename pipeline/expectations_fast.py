"""A vectorised evaluator for the Great Expectations types our suites use, with GX 1.x's
semantics on pandas (nulls skipped except by ``not_be_null``, ``mostly``, regexes searched
anywhere in the value, every member of a duplicate group unexpected).

Why: ``import great_expectations`` alone costs 5 to 9 s on a 2-core runner, more than the
whole validation. The suites stay GX suites: any type not listed here runs in GX itself, and
``tests/test_expectations_engines.py`` checks that both engines give the same findings on
every committed suite."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.errors import ConfigError

MAP_KWARGS = {"column", "mostly", "meta", "result_format", "catch_exceptions"}


@dataclass
class Outcome:
    """One expectation's result, whichever engine computed it."""

    type: str
    kwargs: dict
    meta: dict
    success: bool
    rows: np.ndarray | None = None  # positions of unexpected rows (column map expectations)
    observed: object = None  # observed value (aggregate expectations)


def _between(values: pd.Series, kw: dict) -> np.ndarray:
    ok = np.ones(len(values), dtype=bool)
    low, high = kw.get("min_value"), kw.get("max_value")
    with np.errstate(invalid="ignore"):
        if low is not None:
            ok &= (values > low if kw.get("strict_min") else values >= low).to_numpy(dtype=bool)
        if high is not None:
            ok &= (values < high if kw.get("strict_max") else values <= high).to_numpy(dtype=bool)
    return ~ok


def _search(values: pd.Series, regex: str) -> np.ndarray:
    return values.astype("str").str.contains(regex, regex=True).to_numpy(dtype=bool)


def _in_set(values: pd.Series, value_set) -> np.ndarray:
    return values.isin(list(value_set)).to_numpy(dtype=bool)


COLUMN_MAP = {
    "expect_column_values_to_be_between": (
        {"min_value", "max_value", "strict_min", "strict_max"},
        _between,
    ),
    "expect_column_values_to_match_regex": ({"regex"}, lambda v, kw: ~_search(v, kw["regex"])),
    "expect_column_values_to_not_match_regex": ({"regex"}, lambda v, kw: _search(v, kw["regex"])),
    "expect_column_values_to_be_in_set": (
        {"value_set"},
        lambda v, kw: ~_in_set(v, kw["value_set"]),
    ),
    "expect_column_values_to_not_be_in_set": (
        {"value_set"},
        lambda v, kw: _in_set(v, kw["value_set"]),
    ),
    "expect_column_values_to_be_unique": (set(), lambda v, kw: v.duplicated(keep=False).to_numpy()),
    "expect_column_value_lengths_to_be_between": (
        {"min_value", "max_value", "strict_min", "strict_max"},
        lambda v, kw: _between(v.astype("str").str.len(), kw),
    ),
}


def _count_between(observed: int, kw: dict) -> bool:
    low, high = kw.get("min_value"), kw.get("max_value")
    return (low is None or observed >= low) and (high is None or observed <= high)


AGGREGATE = {
    "expect_table_row_count_to_be_between": (
        {"min_value", "max_value"},
        lambda frame, kw: len(frame),
    ),
    "expect_column_unique_value_count_to_be_between": (
        {"column", "min_value", "max_value"},
        lambda frame, kw: int(frame[kw["column"]].nunique(dropna=True)),
    ),
}

SUPPORTED = {*COLUMN_MAP, *AGGREGATE, "expect_column_values_to_not_be_null"}


def supports(spec: dict) -> bool:
    return all(e.get("type") in SUPPORTED for e in spec.get("expectations", []))


def _check_kwargs(etype: str, kwargs: dict, allowed: set, path) -> None:
    unknown = set(kwargs) - allowed - {"meta", "result_format", "catch_exceptions"}
    if unknown:
        raise ConfigError(
            f"{path} : {etype} : paramètre(s) inconnu(s) {', '.join(sorted(unknown))}."
        )


def evaluate(spec: dict, frame: pd.DataFrame, path) -> list[Outcome]:
    """Evaluate every expectation of a suite (all of whose types are supported)."""
    outcomes = []
    for entry in spec.get("expectations", []):
        etype, kwargs, meta = (
            entry["type"],
            dict(entry.get("kwargs", {})),
            dict(entry.get("meta", {})),
        )
        if etype in AGGREGATE:
            allowed, observe = AGGREGATE[etype]
            _check_kwargs(etype, kwargs, allowed, path)
            if "column" in kwargs and kwargs["column"] not in frame.columns:
                raise ConfigError(f"{path} : {etype} : colonne inconnue « {kwargs['column']} ».")
            observed = observe(frame, kwargs)
            outcomes.append(
                Outcome(etype, kwargs, meta, _count_between(observed, kwargs), None, observed)
            )
            continue
        if etype == "expect_column_values_to_not_be_null":
            allowed, unexpected_of = set(), None
        else:
            allowed, unexpected_of = COLUMN_MAP[etype]
        _check_kwargs(etype, kwargs, allowed | MAP_KWARGS, path)
        column = kwargs.get("column")
        if column not in frame.columns:
            raise ConfigError(f"{path} : {etype} : colonne inconnue « {column} ».")
        if "regex" in kwargs:
            try:
                re.compile(kwargs["regex"])
            except re.error as exc:
                raise ConfigError(
                    f"{path} : {etype} : expression régulière invalide ({exc})."
                ) from exc
        values = frame[column]
        null = values.isna().to_numpy()
        if unexpected_of is None:
            unexpected, considered = null, len(values)
        else:
            present = values[~null]
            unexpected = np.zeros(len(values), dtype=bool)
            unexpected[np.flatnonzero(~null)] = unexpected_of(present, kwargs)
            considered = int((~null).sum())
        count = int(unexpected.sum())
        mostly = kwargs.get("mostly", 1.0)
        success = count == 0 or (considered > 0 and 1 - count / considered >= mostly)
        outcomes.append(Outcome(etype, kwargs, meta, success, np.flatnonzero(unexpected)))
    return outcomes
