"""Run the checks of one resource over its source in as few passes as possible:

1. the *group pass*: for the first key to check for duplicates (a primary key, a unique
   field), the rows per key value, together with the table-level aggregates that can be
   added up from groups (counts, sums); other keys get a pass of their own;
2. the *aggregate pass*, only when an aggregate cannot be added up (``count(DISTINCT)``) or
   when no key is checked;
3. the *row scan*: every row-level condition of every check at once; only failing rows are
   kept, in a small table read back in bounded slices.

For a CSV read directly, the row scan also checks that DuckDB read as many records as the
layout pass found (:mod:`pipeline.engine.lines`); otherwise the exact reader takes over."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import duckdb

from pipeline.engine.source import Source
from pipeline.sql import ident
from pipeline.sql import scan as q

_ids = itertools.count(1)


class FastPathFailed(Exception):
    """DuckDB could not read the file as a plain CSV, or its records do not match the
    file's layout: the exact reader must take over."""


@dataclass
class Aggregate:
    expr: str  # over the rows (alias r) and the joins
    additive: bool  # its value over the table is the sum of its values over groups
    joins: tuple[str, ...] = ()


@dataclass
class ScanResult:
    con: duckdb.DuckDBPyConnection
    table: str
    source: Source
    limit: int | None
    rows: int = 0
    aggregates: dict = field(default_factory=dict)

    def line(self, rec: int, stored: int | None) -> int:
        """Physical line of a record (header = record 0)."""
        return int(stored) if stored is not None else self.source.line(rec)

    def lines_of(self, recs: list[int]) -> dict[int, int]:
        """Physical lines of records, whatever the source."""
        if not self.source.has_lines:
            return {rec: self.line(rec, None) for rec in recs}
        stored = dict(
            self.con.execute(f"SELECT __rec, __line FROM {self.source.relation}").fetchall()
        )
        return {rec: int(stored[rec]) for rec in recs}

    def failing(
        self, key: str, names: list[str], computed: dict[str, str] | None = None
    ) -> tuple[list[dict], int]:
        """The first ``limit`` rows failing condition ``key`` (with ``line``, the requested
        values and the ``computed`` ones) and how many rows fail it in all."""
        sql = q.failing(self.table, key, names, self.limit, computed)
        fetched = self.con.execute(sql).fetchall()
        names = [*names, *(computed or {})]
        total = len(fetched)
        if self.limit is not None and total >= self.limit:
            total = self.con.execute(q.failing_count(self.table, key)).fetchall()[0][0]
        out = []
        for rec, line, *values in fetched:
            row = dict(zip(names, values, strict=True))
            row["__rec"] = rec
            row["line"] = self.line(rec, line)
            out.append(row)
        return out, total


class ScanPlan:
    """What the checks of one resource ask of the scans: row conditions, duplicate-key
    groups and aggregates. Each check adds its part, then reads the :class:`ScanResult`."""

    def __init__(self) -> None:
        self.id = next(_ids)
        self.predicates: list[q.Predicate] = []
        self.groups: list[q.KeyGroup] = []
        self.aggregates: dict[str, Aggregate] = {}

    def predicate(self, key: str, fails: str, values=None, joins=()) -> str:
        if any(p.key == key for p in self.predicates):
            raise ValueError(f"condition {key} déjà déclarée")
        self.predicates.append(q.Predicate(key, fails, dict(values or {}), tuple(joins)))
        return key

    def duplicates(self, key: str, exprs: list[str]) -> tuple[str, str, str]:
        """(LEFT JOIN, condition, table of duplicated values) selecting rows whose key value
        is held by several rows
        (rows whose key parts are all NULL take no part). Keys with the same expressions
        share one group."""
        for group in self.groups:
            if group.exprs == tuple(exprs):
                break
        else:
            group = q.KeyGroup(f"g{len(self.groups)}", tuple(exprs))
            self.groups.append(group)
        alias = f"dup_{self.id}_{group.key}_{key}"
        table = self.group_table(group.key)
        return (*q.in_duplicates(table, alias, group), table)

    def group_table(self, key: str) -> str:
        return f"dups_{self.id}_{key}"

    def aggregate(self, name: str, expr: str, joins=(), additive: bool = True) -> str:
        """A table-level value; ``additive`` when it is a count or a sum."""
        self.aggregates[name] = Aggregate(expr, additive, tuple(joins))
        return name


def _pass(con, sql: str, source: Source):
    try:
        return con.execute(sql)
    except duckdb.Error as exc:
        if source.fast:
            raise FastPathFailed(str(exc)) from exc
        raise


def run_scan(
    con: duckdb.DuckDBPyConnection, source: Source, rows: str, plan: ScanPlan, limit: int | None
) -> ScanResult:
    """Run the plan over ``rows`` (the layered data rows of ``source``, alias ``r``)."""
    table = f"fails_{plan.id}"
    additive = {n: a for n, a in plan.aggregates.items() if a.additive}
    others = {n: a for n, a in plan.aggregates.items() if not a.additive}
    values: dict = {}
    count = None
    for i, group in enumerate(plan.groups):
        carried = additive if i == 0 else {}
        joins = [j for a in carried.values() for j in a.joins]
        grouped = f"keys_{plan.id}_{group.key}"
        partial = {n: a.expr for n, a in carried.items()}
        _pass(con, q.group_pass(grouped, rows, group, partial, joins), source)
        con.execute(q.duplicates_of(plan.group_table(group.key), grouped, group))
        if i == 0:
            totals = con.execute(q.totals(grouped, list(carried))).fetchall()[0]
            count = int(totals[0] or 0)
            values.update(zip(carried, totals[1:], strict=True))
        con.execute(f"DROP TABLE {ident(grouped)}")
    pending = others if plan.groups else plan.aggregates
    if pending or (count is None and not source.fast):
        exprs = {n: a.expr for n, a in pending.items()}
        joins = [j for a in pending.values() for j in a.joins]
        result = _pass(con, q.aggregate_scan(rows, exprs, joins), source).fetchall()[0]
        count = int(result[0])
        values.update(zip(exprs, result[1:], strict=True))
    predicates = list(plan.predicates)
    expected_last = None
    if source.fast and source.layout is not None:
        expected_last = len(source.layout.starts) - 1
        predicates.append(q.Predicate("__last", f"r.__rec = {expected_last}"))
        predicates.append(q.Predicate("__beyond", f"r.__rec > {expected_last}"))
        if source.cr_check:
            predicates.append(q.Predicate("__cr", "ends_with(r.__last, chr(13))"))
    # Filters pushed below the row layers would copy each field's expressions into every
    # condition that uses them: computed once per row is what the layers are for.
    con.execute("SET disabled_optimizers = 'filter_pushdown,build_side_probe_side,join_order'")
    try:
        _pass(con, q.row_scan(table, rows, predicates, source.has_lines), source)
    finally:
        con.execute("RESET disabled_optimizers")
    for name in values:
        values[name] = 0 if values[name] is None and plan.aggregates[name].additive else values[name]
    if expected_last is not None:
        cr = 'count_if("p:__cr")' if source.cr_check else "0"
        last, beyond, crs = con.execute(
            f'SELECT count_if("p:__last"), count_if("p:__beyond"), {cr} FROM {ident(table)}'
        ).fetchall()[0]
        if last != 1 or beyond or crs:
            raise FastPathFailed("les enregistrements lus ne correspondent pas au fichier")
        count = expected_last if count is None else count
        if count != expected_last:
            raise FastPathFailed(f"{count} lignes lues, {expected_last} dans le fichier")
    return ScanResult(con, table, source, limit, int(count or 0), values)
