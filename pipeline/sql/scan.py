"""The queries of one validation pass over a source:

* the *rows* of a source: its data records with every field computed in layers, so that
  each expression (a regex, a date parse) runs once per row whatever the checks using it;
* the *row scan* evaluates every row-level condition of every check in one pass and keeps,
  in a small table, only the rows that fail one of them;
* the *aggregate scan* computes the row count and the table-level values of the checks;
* one *group scan* per key finds the values held by more than one row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.sql import ident


@dataclass(frozen=True)
class Predicate:
    """A row-level condition, TRUE when the row fails, and what to fetch about such rows."""

    key: str
    fails: str
    values: dict[str, str] = field(default_factory=dict)  # name -> SQL over the row
    joins: tuple[str, ...] = ()  # LEFT JOIN clauses the expressions use (alias r is the row)


@dataclass(frozen=True)
class KeyGroup:
    """Rows sharing a value of ``exprs`` (a unique field, a primary key...)."""

    key: str
    exprs: tuple[str, ...]


def data(relation: str) -> str:
    return f"(SELECT * FROM {relation} WHERE __rec >= 1)"


def _defs(layer: dict[str, str]) -> str:
    return "".join(f", {expr} AS {ident(name)}" for name, expr in layer.items())


def rows(relation: str, layers: list[dict[str, str]], extra: dict[str, str]) -> str:
    """The data rows of a source with every field computed in successive layers, as the
    FROM item ``(…) AS r``. ``extra`` columns come from the source row itself (alias ``d``),
    e.g. ``__line``."""
    first = layers[0] if layers else {}
    select = f"SELECT d.__rec{_defs(extra)}{_defs(first)} FROM {data(relation)} AS d"
    for layer in layers[1:]:
        if layer:
            select = f"SELECT r.*{_defs(layer)} FROM ({select}) AS r"
    return f"({select}) AS r"


def _joins(items) -> list[str]:
    out: list[str] = []
    for join in items:
        if join not in out:
            out.append(join)
    return out


def row_scan(table: str, rows: str, predicates: list[Predicate], has_lines: bool) -> str:
    """CREATE the table of failing rows: __rec, __line, one flag per predicate, values."""
    joins = _joins(j for p in predicates for j in p.joins)
    flags = [f"coalesce(({p.fails}), FALSE) AS {ident('p:' + p.key)}" for p in predicates]
    shared: dict[str, str] = {}
    for p in predicates:
        for name, expr in p.values.items():
            if shared.setdefault(name, expr) != expr:
                raise ValueError(f"value {name} declared twice with different expressions")
    values = [f"{expr} AS {ident('v:' + name)}" for name, expr in shared.items()]
    line = "r.__line" if has_lines else "NULL::BIGINT"
    select = ", ".join(["r.__rec", f"{line} AS __line", *flags, *values])
    keep = " OR ".join(ident("p:" + p.key) for p in predicates) or "FALSE"
    return (
        f"CREATE OR REPLACE TEMP TABLE {ident(table)} AS SELECT * FROM ("
        f"SELECT {select} FROM {rows} {' '.join(joins)}) WHERE {keep}"
    )


def aggregate_scan(rows: str, aggregates: dict[str, str], joins: list[str]) -> str:
    items = ["count(*) AS __rows"]
    items += [f"{expr} AS {ident(name)}" for name, expr in aggregates.items()]
    return f"SELECT {', '.join(items)} FROM {rows} {' '.join(_joins(joins))}"


def group_pass(
    table: str, rows: str, group: KeyGroup, partial: dict[str, str], joins: list[str]
) -> str:
    """CREATE the table of rows per key value, with additive aggregates per value."""
    keys = ", ".join(f"{e} AS {ident('k' + str(i))}" for i, e in enumerate(group.exprs))
    names = ", ".join(ident("k" + str(i)) for i in range(len(group.exprs)))
    aggs = "".join(f", {expr} AS {ident(name)}" for name, expr in partial.items())
    return (
        f"CREATE OR REPLACE TEMP TABLE {ident(table)} AS SELECT {keys}, count(*) AS n{aggs} "
        f"FROM {rows} {' '.join(_joins(joins))} GROUP BY {names}"
    )


def duplicates_of(table: str, grouped: str, group: KeyGroup) -> str:
    """CREATE the table of key values held by more than one row (all-NULL keys excluded)."""
    names = [ident("k" + str(i)) for i in range(len(group.exprs))]
    not_null = " AND ".join(f"{n} IS NULL" for n in names)
    return (
        f"CREATE OR REPLACE TEMP TABLE {ident(table)} AS SELECT {', '.join(names)}, n "
        f"FROM {ident(grouped)} WHERE n > 1 AND NOT ({not_null})"
    )


def totals(grouped: str, names: list[str]) -> str:
    sums = "".join(f", sum({ident(n)})" for n in names)
    return f"SELECT sum(n){sums} FROM {ident(grouped)}"


def in_duplicates(table: str, alias: str, group: KeyGroup) -> tuple[str, str]:
    """(LEFT JOIN clause, condition) flagging rows whose key is in the duplicates table."""
    on = " AND ".join(
        f"{ident(alias)}.{ident('k' + str(i))} IS NOT DISTINCT FROM ({e})"
        for i, e in enumerate(group.exprs)
    )
    return (
        f"LEFT JOIN {ident(table)} AS {ident(alias)} ON {on}",
        f"{ident(alias)}.n IS NOT NULL",
    )


def value(name: str) -> str:
    """The column of the failing-rows table holding a predicate's value ``name``."""
    return ident("v:" + name)


def failing(
    table: str,
    key: str,
    names: list[str],
    limit: int | None,
    computed: dict[str, str] | None = None,
) -> str:
    """The first failing rows of ``key``: their values ``names``, then ``computed`` (SQL over
    the values, e.g. the head of a long cell, evaluated on these rows only)."""
    extra = [f"{expr} AS {ident(n)}" for n, expr in (computed or {}).items()]
    cols = ", ".join(["__rec", "__line", *[value(n) for n in names], *extra])
    cap = f" LIMIT {int(limit)}" if limit is not None else ""
    return f"SELECT {cols} FROM {ident(table)} WHERE {ident('p:' + key)} ORDER BY __rec{cap}"


def later_duplicates(
    table: str, key: str, names: list[str], parts: list[str], limit: int | None
) -> str:
    """The first ``limit`` rows failing duplicate-key condition ``key`` that are not the
    first of their key value (the values ``parts``), with that first row's ``__rec`` and
    ``__line``, in file order: the report shows ``limit`` duplicates, not first rows."""
    window = f"PARTITION BY {', '.join(value(p) for p in parts)} ORDER BY __rec"
    cols = ", ".join(["__rec", "__line", *[value(n) for n in names]])
    cap = f" LIMIT {int(limit)}" if limit is not None else ""
    return (
        f"SELECT {cols}, __first_rec, __first_line FROM (SELECT *, "
        f"row_number() OVER ({window}) AS __n, first_value(__rec) OVER ({window}) AS __first_rec, "
        f"first_value(__line) OVER ({window}) AS __first_line "
        f"FROM {ident(table)} WHERE {ident('p:' + key)}) WHERE __n > 1 ORDER BY __rec{cap}"
    )


def failing_count(table: str, key: str) -> str:
    return f"SELECT count(*) FROM {ident(table)} WHERE {ident('p:' + key)}"


def select(rows: str, columns: dict[str, str], joins=()) -> str:
    """The given expressions over the data rows, in file order (with ``__rec``)."""
    items = ", ".join(["r.__rec", *[f"{expr} AS {ident(name)}" for name, expr in columns.items()]])
    return f"SELECT {items} FROM {rows} {' '.join(_joins(joins))} ORDER BY r.__rec"


def materialise(table: str, rows: str, columns: dict[str, str]) -> str:
    """CREATE a table of the given expressions over the data rows, in file order."""
    return f"CREATE OR REPLACE TEMP TABLE {ident(table)} AS {select(rows, columns)}"
