"""The queries of one validation pass over a source:

* the *row scan* evaluates every row-level condition of every check in one pass and keeps,
  in a small table, only the rows that fail one of them (plus the rows whose cells hold line
  breaks, which give the physical line numbers of a CSV read directly);
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
    joins: tuple[str, ...] = ()  # LEFT JOIN clauses the expressions use (alias d is the row)


@dataclass(frozen=True)
class KeyGroup:
    """Rows sharing a value of ``exprs`` (a unique field, a primary key...)."""

    key: str
    exprs: tuple[str, ...]
    skip_null: bool = True  # rows whose key parts are all NULL take no part


def data(relation: str) -> str:
    return f"(SELECT * FROM {relation} WHERE __rec >= 1)"


def newline_count(columns: list[str]) -> str:
    """Line breaks inside the cells of a row (their sum gives physical lines)."""
    if not columns:
        return "0"
    parts = [f"coalesce(length({c}) - length(replace({c}, chr(10), '')), 0)" for c in columns]
    return " + ".join(parts)


def row_scan(
    table: str,
    relation: str,
    predicates: list[Predicate],
    has_lines: bool,
    newline_columns: list[str],
) -> str:
    """CREATE the table of failing rows: __rec, __line, __nl, one flag per predicate, values."""
    joins: list[str] = []
    for p in predicates:
        for j in p.joins:
            if j not in joins:
                joins.append(j)
    flags = [f"coalesce(({p.fails}), FALSE) AS {ident('p:' + p.key)}" for p in predicates]
    shared: dict[str, str] = {}
    for p in predicates:
        for name, expr in p.values.items():
            if shared.setdefault(name, expr) != expr:
                raise ValueError(f"value {name} declared twice with different expressions")
    values = [f"{expr} AS {ident('v:' + name)}" for name, expr in shared.items()]
    line = "d.__line" if has_lines else "NULL::BIGINT"
    nl = newline_count([f"d.{c}" for c in newline_columns]) if not has_lines else "0"
    select = ", ".join(["d.__rec", f"{line} AS __line", f"{nl} AS __nl", *flags, *values])
    keep = " OR ".join(["__nl > 0", *[ident("p:" + p.key) for p in predicates]])
    return (
        f"CREATE OR REPLACE TEMP TABLE {ident(table)} AS SELECT * FROM ("
        f"SELECT {select} FROM {data(relation)} AS d {' '.join(joins)}"
        f") WHERE {keep}"
    )


def aggregate_scan(relation: str, aggregates: dict[str, str], joins: list[str]) -> str:
    items = ["count(*) AS __rows"] + [
        f"{expr} AS {ident(name)}" for name, expr in aggregates.items()
    ]
    return f"SELECT {', '.join(items)} FROM {data(relation)} AS d {' '.join(joins)}"


def duplicates(table: str, relation: str, group: KeyGroup) -> str:
    """CREATE the table of key values held by more than one row."""
    keys = ", ".join(f"{e} AS {ident('k' + str(i))}" for i, e in enumerate(group.exprs))
    names = ", ".join(ident("k" + str(i)) for i in range(len(group.exprs)))
    where = ""
    if group.skip_null:
        where = " WHERE NOT (" + " AND ".join(f"({e}) IS NULL" for e in group.exprs) + ")"
    return (
        f"CREATE OR REPLACE TEMP TABLE {ident(table)} AS SELECT {names}, count(*) AS n FROM "
        f"(SELECT {keys} FROM {data(relation)} AS d{where}) GROUP BY ALL HAVING count(*) > 1"
    )


def in_duplicates(table: str, alias: str, group: KeyGroup) -> tuple[str, str]:
    """(LEFT JOIN clause, condition) flagging rows whose key is in the duplicates table."""
    on = " AND ".join(
        f"{alias}.{ident('k' + str(i))} IS NOT DISTINCT FROM ({e})"
        for i, e in enumerate(group.exprs)
    )
    return (
        f"LEFT JOIN {ident(table)} AS {alias} ON {on}",
        f"{alias}.n IS NOT NULL",
    )


def failing(table: str, key: str, names: list[str], limit: int | None) -> str:
    cols = ", ".join(["__rec", "__line", *[ident("v:" + n) for n in names]])
    cap = f" LIMIT {int(limit)}" if limit is not None else ""
    return f"SELECT {cols} FROM {ident(table)} WHERE {ident('p:' + key)} ORDER BY __rec{cap}"


def failing_count(table: str, key: str) -> str:
    return f"SELECT count(*) FROM {ident(table)} WHERE {ident('p:' + key)}"


def line_breaks(table: str) -> str:
    return f"SELECT __rec, __nl FROM {ident(table)} WHERE __nl > 0 ORDER BY __rec"


def materialise(table: str, relation: str, columns: dict[str, str]) -> str:
    """CREATE a table of the given expressions over the data rows, in file order."""
    items = ", ".join(["d.__rec", *[f"{expr} AS {ident(name)}" for name, expr in columns.items()]])
    return (
        f"CREATE OR REPLACE TEMP TABLE {ident(table)} AS SELECT {items} "
        f"FROM {data(relation)} AS d ORDER BY d.__rec"
    )
