"""Run the checks of one resource over its source: duplicate keys, then one row scan, then
the aggregates. The results are read back in bounded slices (the first ``limit`` failing
rows of each condition, and exact counts)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import duckdb
import numpy as np

from pipeline.engine.source import Source
from pipeline.sql import scan as q

_ids = itertools.count(1)


class FastPathFailed(Exception):
    """DuckDB could not read the file as a plain CSV, or its records do not add up to the
    file's lines: the exact reader must take over."""


@dataclass
class ScanResult:
    con: duckdb.DuckDBPyConnection
    table: str
    source: Source
    limit: int | None
    rows: int = 0
    aggregates: dict = field(default_factory=dict)
    _breaks: tuple[np.ndarray, np.ndarray] | None = None
    _header_breaks: int = 0

    def line(self, rec: int, stored: int | None) -> int:
        """Physical line of a record (header = record 0 = line 1)."""
        if stored is not None:
            return int(stored)
        recs, cumulative = self._breaks  # type: ignore[misc]
        before = int(np.searchsorted(recs, rec))  # records with line breaks before this one
        inner = int(cumulative[before - 1]) if before else 0
        return 1 + self._header_breaks + rec + inner

    def lines_of(self, recs: list[int]) -> dict[int, int]:
        """Physical lines of records, whatever the source."""
        if not self.source.has_lines:
            return {rec: self.line(rec, None) for rec in recs}
        self.con.execute(f"SELECT __rec, __line FROM {self.source.relation} WHERE __rec >= 1")
        stored = dict(self.con.fetchall())
        return {rec: int(stored[rec]) for rec in recs}

    def failing(self, key: str, names: list[str]) -> tuple[list[dict], int]:
        """The first ``limit`` rows failing condition ``key`` (with ``line`` and the
        requested values) and how many rows fail it in all."""
        fetched = self.con.execute(q.failing(self.table, key, names, self.limit)).fetchall()
        total = len(fetched)
        if self.limit is not None and total >= self.limit:
            total = self.con.execute(q.failing_count(self.table, key)).fetchall()[0][0]
        rows = []
        for rec, line, *values in fetched:
            row = dict(zip(names, values, strict=True))
            row["__rec"] = rec
            row["line"] = self.line(rec, line)
            rows.append(row)
        return rows, total


class ScanPlan:
    """What the checks of one resource ask of the scans: row conditions, duplicate-key
    groups and aggregates. Each check adds its part, then reads the :class:`ScanResult`."""

    def __init__(self) -> None:
        self.id = next(_ids)
        self.predicates: list[q.Predicate] = []
        self.groups: list[q.KeyGroup] = []
        self.aggregates: dict[str, str] = {}
        self.aggregate_joins: list[str] = []

    def predicate(self, key: str, fails: str, values=None, joins=()) -> str:
        if any(p.key == key for p in self.predicates):
            raise ValueError(f"condition {key} déjà déclarée")
        self.predicates.append(q.Predicate(key, fails, dict(values or {}), tuple(joins)))
        return key

    def duplicates(self, key: str, exprs: list[str], skip_null: bool = True) -> tuple[str, str]:
        """(LEFT JOIN, condition) selecting rows whose key value is held by several rows."""
        group = q.KeyGroup(key, tuple(exprs), skip_null)
        if group not in self.groups:
            self.groups.append(group)
        return q.in_duplicates(self.group_table(key), f"dup_{len(self.groups)}_{key}", group)

    def group_table(self, key: str) -> str:
        return f"dups_{self.id}_{key}"

    def aggregate(self, name: str, expr: str, joins=()) -> str:
        self.aggregates[name] = expr
        for join in joins:
            if join not in self.aggregate_joins:
                self.aggregate_joins.append(join)
        return name


def run_scan(
    con: duckdb.DuckDBPyConnection, source: Source, plan: ScanPlan, limit: int | None
) -> ScanResult:
    table = f"fails_{plan.id}"
    predicates, aggregates = plan.predicates, plan.aggregates
    try:
        for group in plan.groups:
            con.execute(q.duplicates(plan.group_table(group.key), source.relation, group))
        newline_cols = [f'"c{i}"' for i in sorted(set(source.columns.values()))]
        if source.fast:
            newline_cols = [f'"c{i}"' for i in range(source.width)]
        con.execute(q.row_scan(table, source.relation, predicates, source.has_lines, newline_cols))
        if source.cr_check:
            last = f'd."c{source.width - 1}"'
            aggregates = {**aggregates, "__cr": f"count_if(ends_with({last}, chr(13)))"}
        values = con.execute(
            q.aggregate_scan(source.relation, aggregates, plan.aggregate_joins)
        ).fetchall()[0]
    except duckdb.Error as exc:
        if source.fast:
            raise FastPathFailed(str(exc)) from exc
        raise
    result = ScanResult(con, table, source, limit, int(values[0]))
    result.aggregates = dict(zip(aggregates, values[1:], strict=True))
    if result.aggregates.pop("__cr", 0):
        raise FastPathFailed("des enregistrements finissent par CR")
    if source.fast:
        breaks = con.execute(q.line_breaks(table)).fetchall()
        recs = np.array([r for r, _ in breaks], dtype=np.int64)
        counts = np.array([n for _, n in breaks], dtype=np.int64)
        result._breaks = (recs, np.cumsum(counts))
        result._header_breaks = sum(label.count("\n") for label in source.labels)
        expected = 1 + result._header_breaks + result.rows + int(counts.sum())
        if expected != source.physical_lines:
            raise FastPathFailed(
                f"{expected} lignes attendues, {source.physical_lines} dans le fichier"
            )
    return result
