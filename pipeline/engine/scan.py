"""Run the checks of one resource over its source in ONE pass.

The pass (:func:`pipeline.sql.scan.compact`) evaluates every row-level condition of every
check and keeps, for each record, a compact row: bit masks of the failed conditions, the key
values of the duplicate checks, the inputs of the aggregates, and the values failing
conditions asked for. Duplicates, aggregates and the failing rows are then read from that
small table, in bounded slices (the first ``limit`` rows of each condition, exact counts).

A CSV read directly is scanned without numbering its records, which lets DuckDB use every
thread; the compact table keeps file order, so a record's number is its row number there. The
number of records is then checked against the layout pass (:mod:`pipeline.engine.lines`);
when they differ, or DuckDB cannot read the file as a plain CSV, the exact reader takes over."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import duckdb

from pipeline.engine.source import Source
from pipeline.sql import ident
from pipeline.sql import scan as q

_ids = itertools.count(1)

AGGREGATES = {
    "count": "count_if({x})",  # input stored as a boolean: the value is not NULL
    "count_distinct": "count(DISTINCT {x})",
    "sum": "sum({x})",
    "min": "min({x})",
    "max": "max({x})",
    "histogram": "histogram({x})",  # value -> rows holding it (distinct values, modes, median)
}


class FastPathFailed(Exception):
    """DuckDB could not read the file as a plain CSV, or its records do not match the
    file's layout: the exact reader must take over."""


@dataclass
class ScanResult:
    con: duckdb.DuckDBPyConnection
    plan: ScanPlan
    source: Source
    limit: int | None
    rows: int = 0
    aggregates: dict = field(default_factory=dict)
    group_sizes: dict = field(default_factory=dict)  # group key -> (values held twice+, rows)

    @property
    def table(self) -> str:
        return self.plan.table

    @property
    def rec(self) -> str:
        return "c.__rec" if self.plan.numbered else "(c.rowid + 1)"

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

    def _where(self, key: str) -> tuple[str, str, list[str]]:
        """(FROM, condition, value columns) of a condition or duplicate group ``key``."""
        if key in self.plan.bits:
            return f"{ident(self.table)} AS c", q.bit_test(self.plan.bits[key]), []
        group = self.plan.group_of[key]
        dups = self.plan.dups_table(group.key)
        return q.group_members(self.table, dups, group), "TRUE", []

    def failing(self, key: str, names: list[str]) -> tuple[list[dict], int]:
        """The first ``limit`` rows failing condition ``key`` (with ``line`` and the
        requested values) and how many rows fail it in all. For a duplicate group, every
        row holding a duplicated value, in file order."""
        from_sql, condition, _ = self._where(key)
        columns = [self.plan.column(key, n) for n in names]
        query = q.failing(from_sql, self.rec, condition, columns, self.limit)
        fetched = self.con.execute(query).fetchall()
        total = len(fetched)
        if self.limit is not None and total >= self.limit:
            total = self.con.execute(q.failing_count(from_sql, condition)).fetchall()[0][0]
        out = []
        for rec, line, *values in fetched:
            row = {  # an empty raw cell is NULL in the engine, '' in messages
                n: "" if v is None and n.startswith("raw:") else v
                for n, v in zip(names, values, strict=True)
            }
            row["__rec"] = rec
            row["line"] = self.line(rec, line)
            out.append(row)
        return out, total


class ScanPlan:
    """What the checks of one resource ask of the pass: row conditions, duplicate-key
    groups and aggregates. Each check adds its part, then reads the :class:`ScanResult`."""

    def __init__(self, numbered: bool = True) -> None:
        self.id = next(_ids)
        self.numbered = numbered
        self.predicates: list[q.Predicate] = []
        self.bits: dict[str, int] = {}
        self.groups: list[q.KeyGroup] = []
        self.group_of: dict[str, q.KeyGroup] = {}
        self.aggregates: dict[str, tuple[str, str, tuple[str, ...]]] = {}
        self.extra_joins: list[str] = []

    @property
    def table(self) -> str:
        return f"compact_{self.id}"

    def dups_table(self, group_key: str) -> str:
        return f"dups_{self.id}_{group_key}"

    def predicate(self, key: str, fails: str, values=None, joins=()) -> str:
        """A row-level condition, TRUE when the row fails; ``values`` (name -> SQL) are kept
        for failing rows."""
        if key in self.bits or key in self.group_of:
            raise ValueError(f"condition {key} déjà déclarée")
        self.bits[key] = len(self.predicates)
        self.predicates.append(q.Predicate(key, fails, dict(values or {}), tuple(joins)))
        return key

    def duplicates(self, key: str, exprs: list[str], values=None, joins=()) -> str:
        """Rows whose key value (``exprs``; all-NULL keys take no part) is held by several
        rows; ``values`` are kept for every row. Keys with the same expressions share one
        group. ``result.failing(key, names)`` lists every member, in file order."""
        for group in self.groups:
            if group.exprs == tuple(exprs):
                break
        else:
            group = q.KeyGroup(f"g{len(self.groups)}", tuple(exprs))
            self.groups.append(group)
        merged = dict(group.values)
        for name, expr in (values or {}).items():
            if merged.setdefault(name, expr) != expr:
                raise ValueError(f"value {name} declared twice with different expressions")
        index = self.groups.index(group)
        self.groups[index] = group = q.KeyGroup(group.key, group.exprs, tuple(merged.items()))
        for k, g in list(self.group_of.items()):
            if g.key == group.key:
                self.group_of[k] = group
        self.group_of[key] = group
        self.extra_joins += [j for j in joins if j not in self.extra_joins]
        return key

    def aggregate(self, name: str, func: str, expr: str | None = None, joins=()) -> str:
        """A table-level value: ``func`` of ``expr`` over the rows (``count`` counts the
        non-NULL values; ``rows`` is always there)."""
        if func not in AGGREGATES:
            raise ValueError(f"aggregate {func} inconnu")
        self.aggregates[name] = (func, expr or "TRUE", tuple(joins))
        return name

    def column(self, key: str, name: str) -> str:
        """The compact column holding value ``name`` for the rows of ``key``."""
        if key in self.bits:
            return f"v:{name}"
        return f"gv:{self.group_of[key].key}:{name}"


def run_scan(
    con: duckdb.DuckDBPyConnection, source: Source, rows_sql: str, plan: ScanPlan, limit: int | None
) -> ScanResult:
    """Run the plan over ``rows_sql`` (the layered data rows of ``source``, alias ``r``)."""
    flags = [p.fails for p in plan.predicates]
    if source.fast and source.cr_check:
        flags.append("ends_with(r.__last, chr(13))")
    masks = [q.mask_expr(flags[i : i + q.BITS]) for i in range(0, len(flags), q.BITS)] or [
        "0::BIGINT"
    ]
    dense: dict[str, str] = {}
    for group in plan.groups:
        for i, expr in enumerate(group.exprs):
            dense[f"k:{group.key}:{i}"] = expr
        for name, expr in group.values:
            dense[f"gv:{group.key}:{name}"] = expr
    for name, (func, expr, _) in plan.aggregates.items():
        dense[f"a:{name}"] = f"({expr}) IS NOT NULL" if func == "count" else expr
    sparse: dict[str, tuple[str, list[str]]] = {}
    for index, p in enumerate(plan.predicates):
        for name, expr in p.values.items():
            if name in sparse and sparse[name][0] != expr:
                raise ValueError(f"value {name} declared twice with different expressions")
            sparse.setdefault(name, (expr, []))[1].append(q.bit_test(index))
    joins = q.joins(
        [j for p in plan.predicates for j in p.joins]
        + plan.extra_joins
        + [j for _, _, js in plan.aggregates.values() for j in js]
    )
    position = ["r.__rec AS __rec"] if plan.numbered else []
    position.append("r.__line AS __line" if source.has_lines else "NULL::BIGINT AS __line")
    statement = q.compact(
        plan.table,
        rows_sql,
        joins,
        masks,
        dense,
        {n: (e, " OR ".join(c)) for n, (e, c) in sparse.items()},
        position,
    )
    # Filters pushed below the row layers would copy each field's expressions into every
    # condition using them; DuckDB also misjudges the size of a CSV scan (it would build its
    # hash tables on the million rows instead of the reference tables).
    con.execute("SET disabled_optimizers = 'filter_pushdown,build_side_probe_side,join_order'")
    try:
        con.execute(statement)
    except duckdb.Error as exc:
        if source.fast:
            raise FastPathFailed(str(exc)) from exc
        raise
    finally:
        con.execute("RESET disabled_optimizers")
    aggregates = {
        name: AGGREGATES[func].format(x=ident(f"a:{name}"))
        for name, (func, _, _) in plan.aggregates.items()
    }
    if source.fast and source.cr_check:
        aggregates["__cr"] = f"count_if({q.bit_test(len(plan.predicates))})"
    totals = con.execute(q.summary(plan.table, aggregates)).fetchall()
    count, *values = totals[0]
    result = ScanResult(con, plan, source, limit, int(count))
    result.aggregates = dict(zip(aggregates, values, strict=True))
    if source.fast and source.layout is not None:
        expected = len(source.layout.starts) - 1
        if count != expected or result.aggregates.pop("__cr", 0):
            raise FastPathFailed(f"{count} enregistrements lus, {expected} dans le fichier")
    for group in plan.groups:
        con.execute(q.duplicates(plan.dups_table(group.key), plan.table, group))
        held, members = con.execute(
            f"SELECT count(*), coalesce(sum(n), 0) FROM {ident(plan.dups_table(group.key))}"
        ).fetchall()[0]
        result.group_sizes[group.key] = (int(held), int(members))
    return result
