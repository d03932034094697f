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

import copy
import itertools
from dataclasses import dataclass, field

import duckdb

from pipeline.engine.db import Connections
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
    "bit_or": "bit_or({x})",  # flags of several fields in one BIGINT: which held in some row
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
    fail_counts: dict = field(default_factory=dict)  # condition key -> rows failing it
    stages: list = field(default_factory=list)
    where: dict = field(default_factory=dict)  # condition key -> (stage, bit)
    group_stage: dict = field(default_factory=dict)  # group key -> stage

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

    def _where(self, key: str) -> tuple[str, str, str]:
        """(FROM, condition, record number) of a condition or duplicate group ``key``."""
        if key in self.where:
            stage, bit = self.where[key]
            return f"{ident(stage.table)} AS c", q.bit_test(bit), stage.rec
        group = self.plan.group_of[key]
        stage = self.group_stage[group.key]
        dups = self.plan.dups_table(group.key)
        return q.group_members(stage.table, dups, group), "TRUE", stage.rec

    def failing(
        self, key: str, names: list[str], computed: dict[str, str] | None = None
    ) -> tuple[list[dict], int]:
        """The first ``limit`` rows failing condition ``key`` (with ``line``, the requested
        values and the ``computed`` ones: SQL over the values, see :func:`q.value`) and how
        many rows fail it in all. For a duplicate group, every row holding a duplicated
        value, in file order."""
        if key in self.plan.bits:
            total = self.fail_counts[key]
        else:
            total = self.group_sizes[self.plan.group_of[key].key][1]
        if total == 0:  # counted with the pass: no query for a clean condition
            return [], 0
        from_sql, condition, rec = self._where(key)
        columns = {n: self.plan.column(key, n) for n in names}
        query = q.failing(from_sql, rec, condition, columns, self.limit, computed)
        fetched = self.con.execute(query).fetchall()
        return self._rows(fetched, [*names, *(computed or {})]), total

    def later_duplicates(self, key: str, names: list[str]) -> tuple[list[dict], int]:
        """The first ``limit`` rows of duplicate group ``key`` that repeat an earlier row's
        key value (with ``line``, ``first_line``, the line of that earlier row, and the
        requested values), and how many such rows there are in all."""
        group = self.plan.group_of[key]
        held, members = self.group_sizes[group.key]
        if members == 0:
            return [], 0
        columns = {n: self.plan.column(key, n) for n in names}
        stage = self.group_stage[group.key]
        query = q.later_duplicates(
            stage.table, self.plan.dups_table(group.key), group, stage.rec, columns, self.limit
        )
        fetched = self.con.execute(query).fetchall()
        rows = self._rows([row[:-2] for row in fetched], names)
        for row, (first_rec, first_line) in zip(rows, (r[-2:] for r in fetched), strict=True):
            row["first_line"] = self.line(first_rec, first_line)
        return rows, members - held

    def _rows(self, fetched: list[tuple], names: list[str]) -> list[dict]:
        out = []
        for rec, line, *values in fetched:
            row = {  # an empty raw cell is NULL in the engine, '' in messages
                n: "" if v is None and n.startswith("raw:") else v
                for n, v in zip(names, values, strict=True)
            }
            row["__rec"] = rec
            row["line"] = self.line(rec, line)
            out.append(row)
        return out


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

    def checkpoint(self) -> dict:
        """The plan's state, to :meth:`rollback` the part of a check that cannot run."""
        return {name: copy.copy(value) for name, value in vars(self).items()}

    def rollback(self, state: dict) -> None:
        vars(self).update(state)

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

    def references(self) -> list[str]:
        """Every SQL text the pass evaluates over the rows (alias ``r``), joins included:
        what the rows must compute (:func:`pipeline.sql.scan.needed`)."""
        return _texts(self.predicates, self.groups, self.aggregates) + self.extra_joins

    def column(self, key: str, name: str) -> str:
        """The compact column holding value ``name`` for the rows of ``key``."""
        if key in self.bits:
            return f"v:{name}"
        return f"gv:{self.group_of[key].key}:{name}"


@dataclass
class Stage:
    """One pass of a plan and the compact table it writes."""

    table: str
    numbered: bool
    predicates: list[q.Predicate]
    groups: list[q.KeyGroup]
    aggregates: dict[str, tuple[str, str, tuple[str, ...]]]
    joins: list[str]

    @property
    def rec(self) -> str:
        return "c.__rec" if self.numbered else "(c.rowid + 1)"


def _stages(plan: ScanPlan, source: Source) -> list[Stage]:
    """The passes of a plan. A CSV read directly is scanned unnumbered, and only a
    projection keeps DuckDB's file order: the conditions that join other tables then run
    in a second pass over the first one's compact table, each row carrying its number."""
    joined_preds = [p for p in plan.predicates if p.joins]
    joined_aggs = {n: a for n, a in plan.aggregates.items() if a[2]}
    joined_groups = list(plan.groups) if plan.extra_joins else []
    if plan.numbered or not (joined_preds or joined_aggs or joined_groups):
        joins = q.joins(
            [j for p in plan.predicates for j in p.joins]
            + plan.extra_joins
            + [j for _, _, js in plan.aggregates.values() for j in js]
        )
        return [
            Stage(plan.table, plan.numbered, plan.predicates, plan.groups, plan.aggregates, joins)
        ]
    local_preds = [p for p in plan.predicates if not p.joins]
    local_aggs = {n: a for n, a in plan.aggregates.items() if n not in joined_aggs}
    local_groups = [g for g in plan.groups if g not in joined_groups]
    first = Stage(plan.table, False, local_preds, local_groups, local_aggs, [])
    joins = q.joins(
        [j for p in joined_preds for j in p.joins]
        + plan.extra_joins
        + [j for _, _, js in joined_aggs.values() for j in js]
    )
    second = Stage(f"{plan.table}_j", True, joined_preds, joined_groups, joined_aggs, joins)
    return [first, second]


def _texts(predicates, groups, aggregates) -> list[str]:
    """Every SQL text evaluated over the rows (alias ``r``) by these conditions, duplicate
    groups and aggregates, their joins included."""
    texts = [p.fails for p in predicates]
    texts += [e for p in predicates for e in (*p.values.values(), *p.joins)]
    texts += [e for g in groups for e in (*g.exprs, *(v for _, v in g.values))]
    texts += [e for _, expr, js in aggregates.values() for e in (expr, *js)]
    return texts


def _carried(stage: Stage) -> list[str]:
    """The row columns a stage reads (``r."…"``), in first-seen order."""
    seen: list[str] = []
    for text in _texts(stage.predicates, stage.groups, stage.aggregates) + stage.joins:
        for name in q.REF.findall(text):
            if name not in seen:
                seen.append(name)
    return seen


# Turned off for the pass: filters pushed below the row layers would copy each field's
# expressions into every condition using them; DuckDB also misjudges the size of a CSV scan
# (it would build its hash tables on the million rows instead of the reference tables). The
# layers already compute each expression once: looking for common subexpressions in them
# only costs planning time (half the time of a pass over a small file).
SCAN_OPTIMIZERS_OFF = "filter_pushdown,build_side_probe_side,join_order,common_subexpressions"


def _write(
    connections: Connections, stage: Stage, rows_sql: str, source: Source, extra, carry
) -> None:
    flags = [p.fails for p in stage.predicates] + extra
    masks = [q.mask_expr(flags[i : i + q.BITS]) for i in range(0, len(flags), q.BITS)] or [
        "0::BIGINT"
    ]
    dense: dict[str, str] = {}
    for group in stage.groups:
        for i, expr in enumerate(group.exprs):
            dense[f"k:{group.key}:{i}"] = expr
        for name, expr in group.values:
            dense[f"gv:{group.key}:{name}"] = expr
    for name, (func, expr, _) in stage.aggregates.items():
        dense[f"a:{name}"] = f"({expr}) IS NOT NULL" if func == "count" else expr
    for name in carry:
        dense[name] = f'r."{name}"'
    sparse: dict[str, tuple[str, list[str]]] = {}
    for index, p in enumerate(stage.predicates):
        for name, expr in p.values.items():
            if name in sparse and sparse[name][0] != expr:
                raise ValueError(f"value {name} declared twice with different expressions")
            sparse.setdefault(name, (expr, []))[1].append(q.bit_test(index))
    position = ["r.__rec AS __rec"] if stage.numbered else []
    position.append(
        "r.__line AS __line"
        if source.has_lines or stage.table.endswith("_j")
        else "NULL::BIGINT AS __line"
    )
    statement = q.compact(
        stage.table,
        rows_sql,
        stage.joins,
        masks,
        dense,
        {n: (e, " OR ".join(c)) for n, (e, c) in sparse.items()},
        position,
    )
    with connections.optimizers_off(SCAN_OPTIMIZERS_OFF):
        connections.get().execute(statement)


def run_scan(
    connections: Connections, source: Source, rows_sql: str, plan: ScanPlan, limit: int | None
) -> ScanResult:
    """Run the plan over ``rows_sql`` (the layered data rows of ``source``, alias ``r``), on
    this thread's connection."""
    con = connections.get()
    stages = _stages(plan, source)
    cr_flag = ["ends_with(r.__last, chr(13))"] if source.fast and source.cr_check else []
    carry = _carried(stages[1]) if len(stages) > 1 else []
    try:
        _write(connections, stages[0], rows_sql, source, cr_flag, carry)
        if len(stages) > 1:
            first = ident(stages[0].table)
            numbered = f"(SELECT (c.rowid + 1) AS __rec, c.* FROM {first} AS c) AS r"
            _write(connections, stages[1], numbered, source, [], [])
    except (duckdb.BinderException, duckdb.ParserException, duckdb.CatalogException):
        raise  # SQL we generated wrong: a bug, never hidden behind the exact reader
    except duckdb.Error as exc:
        if source.fast:
            raise FastPathFailed(str(exc)) from exc
        raise
    result = ScanResult(con, plan, source, limit)
    result.stages = stages
    for n, stage in enumerate(stages):
        aggregates = {
            name: AGGREGATES[func].format(x=ident(f"a:{name}"))
            for name, (func, _, _) in stage.aggregates.items()
        }
        if n == 0 and cr_flag:
            aggregates["__cr"] = f"count_if({q.bit_test(len(stage.predicates))})"
        # how many rows fail each condition, in the same query: no query per clean condition
        counts = {
            f"__fails:{p.key}": f"count_if({q.bit_test(i)})" for i, p in enumerate(stage.predicates)
        }
        totals = con.execute(q.summary(stage.table, {**aggregates, **counts})).fetchall()
        count, *values = totals[0]
        if n == 0:
            result.rows = int(count)
        result.aggregates.update(zip(aggregates, values[: len(aggregates)], strict=True))
        result.fail_counts.update(
            (p.key, int(v or 0))
            for p, v in zip(stage.predicates, values[len(aggregates) :], strict=True)
        )
        for i, p in enumerate(stage.predicates):
            result.where[p.key] = (stage, i)
        for group in stage.groups:
            result.group_stage[group.key] = stage
            dups = plan.dups_table(group.key)
            con.execute(q.duplicates(dups, stage.table, group))
            held, members = con.execute(
                f"SELECT count(*), coalesce(sum(n), 0) FROM {ident(dups)}"
            ).fetchall()[0]
            result.group_sizes[group.key] = (int(held), int(members))
    if source.fast and source.layout is not None:
        expected = len(source.layout.starts) - 1
        if result.rows != expected or result.aggregates.pop("__cr", 0):
            raise FastPathFailed(f"{result.rows} enregistrements lus, {expected} dans le fichier")
    return result
