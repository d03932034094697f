"""The queries of one validation pass over a source.

* :func:`rows`: the data records of a source with every field computed in layers, so that
  each expression (a regex, a date parse) runs once per row whatever the checks using it;
* :func:`compact`: the ONE pass over the records. It keeps, for every record, a compact row:
  bit masks of the row-level conditions that failed, the key values of the duplicate checks,
  the inputs of the table-level aggregates, and the values the failing conditions asked for
  (NULL elsewhere). Everything else (duplicates, aggregates, failing rows) is read from that
  small table;
* the small queries over the compact table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.sql import ident

BITS = 62  # flags per BIGINT mask (sign bit left alone)


@dataclass(frozen=True)
class Predicate:
    """A row-level condition, TRUE when the row fails, and what to fetch about such rows."""

    key: str
    fails: str
    values: dict[str, str] = field(default_factory=dict)  # name -> SQL over the row
    joins: tuple[str, ...] = ()  # LEFT JOIN clauses the expressions use (alias r is the row)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", dict(self.values))


@dataclass(frozen=True)
class KeyGroup:
    """Records sharing a value of ``exprs`` (a unique field, a primary key...); ``values``
    are kept for every record, to describe the duplicates."""

    key: str
    exprs: tuple[str, ...]
    values: tuple[tuple[str, str], ...] = ()


def data(relation: str) -> str:
    return f"(SELECT * FROM {relation} WHERE __rec >= 1)"


def _defs(layer: dict[str, str]) -> list[str]:
    return [f"{expr} AS {ident(name)}" for name, expr in layer.items()]


def rows(relation: str, layers: list[dict[str, str]], extra: dict[str, str], numbered=True) -> str:
    """The data records of a source with every field computed in successive layers, as the
    FROM item ``(…) AS r`` (every layer names the previous one ``r``). ``numbered``: the
    relation carries ``__rec`` (0 = header) and only data records are kept; otherwise the
    relation holds the data records only, in file order. ``extra`` columns are computed
    with the first layer."""
    source = data(relation) if numbered else relation
    select = f"SELECT {', '.join(['r.*', *_defs(extra), *_defs(layers[0] if layers else {})])}"
    select += f" FROM {source} AS r"
    for layer in layers[1:]:
        if layer:
            select = f"SELECT {', '.join(['r.*', *_defs(layer)])} FROM ({select}) AS r"
    return f"({select}) AS r"


REF = re.compile(r'\br\."([^"]+)"')  # a column of the row layers, as expressions name it


def needed(layers: list[dict[str, str]], used: list[str]) -> list[dict[str, str]]:
    """The layers without the columns that neither the SQL ``used`` nor a kept column reads:
    DuckDB then parses and binds the expressions of the fields a query reads, not of every
    field of the table (one field of the COG's sixteen for a foreign key)."""
    wanted = {name for text in used for name in REF.findall(text)}
    kept: list[dict[str, str]] = []
    for layer in reversed(layers):
        keep = {name: expr for name, expr in layer.items() if name in wanted}
        wanted.update(name for expr in keep.values() for name in REF.findall(expr))
        kept.append(keep)
    return kept[::-1]


def joins(items) -> list[str]:
    out: list[str] = []
    for join in items:
        if join not in out:
            out.append(join)
    return out


def mask_expr(flags: list[str]) -> str:
    """One BIGINT whose bit i is set when condition i holds."""
    parts = [
        f"(CASE WHEN coalesce(({f}), FALSE) THEN {1 << i} ELSE 0 END)::BIGINT"
        for i, f in enumerate(flags)
    ]
    return " | ".join(parts) if parts else "0::BIGINT"


def bit_test(index: int) -> str:
    """Condition over a compact row: predicate ``index`` failed."""
    return f"({ident('m' + str(index // BITS))} & {1 << (index % BITS)}) <> 0"


SPARSE = "__v"  # the compact column of the failing rows' values


def compact(
    table: str,
    rows_sql: str,
    join_clauses: list[str],
    masks: list[str],
    dense: dict[str, str],
    sparse: dict[str, tuple[str, str]],
    position: list[str],
) -> str:
    """CREATE the compact table: ``position`` columns (``__rec``, ``__line`` when the rows
    carry them), masks ``m0, m1…``, ``dense`` columns for every record, and ``sparse`` values
    ``name -> (expr, condition over the masks)`` kept only where the condition holds."""
    inner = position + [f"({m}) AS {ident('m' + str(i))}" for i, m in enumerate(masks)]
    inner += [f"{expr} AS {ident(name)}" for name, expr in dense.items()]
    inner += [f"{expr} AS {ident('x:' + name)}" for name, (expr, _) in sparse.items()]
    outer = [p.split(" AS ")[-1] for p in position]
    outer += [ident("m" + str(i)) for i in range(len(masks))] + [ident(n) for n in dense]
    if sparse:
        # The values of the failing rows only, packed in one column: a list holding one
        # struct, NULL (no storage for its children) on every row that fails nothing. One
        # column per value cost a string per row and column for a million NULLs.
        fields = ", ".join(
            f"{ident(name)} := CASE WHEN {cond} THEN {ident('x:' + name)} END"
            for name, (_, cond) in sparse.items()
        )
        anyfail = " OR ".join(f"{ident('m' + str(i))} <> 0" for i in range(len(masks)))
        outer.append(f"CASE WHEN {anyfail} THEN [struct_pack({fields})] END AS {ident(SPARSE)}")
    return (
        f"CREATE OR REPLACE TABLE {ident(table)} AS SELECT {', '.join(outer)} FROM ("
        f"SELECT {', '.join(inner)} FROM {rows_sql} {' '.join(join_clauses)})"
    )


def summary(table: str, aggregates: dict[str, str]) -> str:
    items = ["count(*)", *aggregates.values()]
    return f"SELECT {', '.join(items)} FROM {ident(table)}"


def duplicates(dups: str, table: str, group: KeyGroup) -> str:
    """CREATE the table of key values held by several records (all-NULL keys excluded)."""
    names = [ident(f"k:{group.key}:{i}") for i in range(len(group.exprs))]
    not_null = " AND ".join(f"{n} IS NULL" for n in names)
    return (
        f"CREATE OR REPLACE TABLE {ident(dups)} AS SELECT {', '.join(names)}, count(*) AS n "
        f"FROM {ident(table)} WHERE NOT ({not_null}) GROUP BY ALL HAVING count(*) > 1"
    )


def value(name: str) -> str:
    """A requested value ``name`` of a failing row, in the ``computed`` SQL of
    :func:`failing` (SQL over the values, evaluated on the rows fetched only)."""
    return ident(name)


def _selected(rec: str, columns: dict[str, str]) -> list[str]:
    return [
        f"{rec} AS __rec",
        "c.__line",
        *[f"{_column(c)} AS {ident(n)}" for n, c in columns.items()],
    ]


def _column(name: str) -> str:
    """A compact column, or a value packed in the failing rows' struct (``v:…``)."""
    if name.startswith("v:"):
        return f"c.{ident(SPARSE)}[1].{ident(name[2:])}"
    return f"c.{ident(name)}"


def _computed(query: str, computed: dict[str, str] | None) -> str:
    if not computed:
        return query
    extra = ", ".join(f"{expr} AS {ident(n)}" for n, expr in computed.items())
    return f"SELECT *, {extra} FROM ({query}) ORDER BY __rec"


def failing(
    from_sql: str,
    rec: str,
    condition: str,
    columns: dict[str, str],
    limit: int | None,
    computed: dict[str, str] | None = None,
) -> str:
    """The failing compact rows (alias ``c``) in file order, with the requested values
    (name -> compact column), then ``computed`` ones (name -> SQL over the values, see
    :func:`value`, evaluated on the rows kept only: the head of a long cell...)."""
    cap = f" LIMIT {int(limit)}" if limit is not None else ""
    query = (
        f"SELECT {', '.join(_selected(rec, columns))} FROM {from_sql} WHERE {condition} "
        f"ORDER BY 1{cap}"
    )
    return _computed(query, computed)


def failing_count(from_sql: str, condition: str) -> str:
    return f"SELECT count(*) FROM {from_sql} WHERE {condition}"


def group_members(table: str, dups: str, group: KeyGroup) -> str:
    """FROM clause of the compact rows (alias ``c``) whose key is held by several rows."""
    on = " AND ".join(
        f"c.{ident(f'k:{group.key}:{i}')} IS NOT DISTINCT FROM g.{ident(f'k:{group.key}:{i}')}"
        for i in range(len(group.exprs))
    )
    return f"{ident(table)} AS c SEMI JOIN {ident(dups)} AS g ON {on}"


def later_duplicates(
    table: str, dups: str, group: KeyGroup, rec: str, columns: dict[str, str], limit: int | None
) -> str:
    """The first ``limit`` members of a duplicate group that are not the first row of their
    key value, in file order, with the requested values and that first row's ``__rec`` and
    ``__line`` (``__first_rec``, ``__first_line``): a report of N duplicates shows N later
    rows, each naming the line it repeats, whatever the limit."""
    keys = ", ".join(f"c.{ident(f'k:{group.key}:{i}')}" for i in range(len(group.exprs)))
    cap = f" LIMIT {int(limit)}" if limit is not None else ""
    items = [
        *_selected(rec, columns),
        f"first_value({rec}) OVER w AS __first_rec",
        "first_value(c.__line) OVER w AS __first_line",
    ]
    return (
        f"SELECT {', '.join(items)} FROM {group_members(table, dups, group)} "
        f"WINDOW w AS (PARTITION BY {keys} ORDER BY {rec}) "
        f"QUALIFY row_number() OVER w > 1 ORDER BY 1{cap}"
    )


def select(rows_sql: str, columns: dict[str, str], join_clauses=()) -> str:
    """The given expressions over the data rows, in file order (with ``__rec``)."""
    items = ", ".join(["r.__rec", *[f"{expr} AS {ident(name)}" for name, expr in columns.items()]])
    return f"SELECT {items} FROM {rows_sql} {' '.join(joins(join_clauses))} ORDER BY r.__rec"


def text_relation(rows_sql: str, columns: dict[str, str]) -> str:
    """The given expressions over the data rows (with ``__rec``), as a FROM item, unordered."""
    items = ", ".join(["r.__rec", *[f"{expr} AS {ident(name)}" for name, expr in columns.items()]])
    return f"(SELECT {items} FROM {rows_sql}) AS t"


def first_per_key(table: str, source: str, key: str, columns: list[str]) -> str:
    """CREATE the table of the first row (in file order) of ``source`` for each value of
    ``key``, with ``columns``."""
    items = ", ".join(ident(c) for c in dict.fromkeys([key, *columns]))
    return (
        f"CREATE OR REPLACE TABLE {ident(table)} AS SELECT {items} FROM {ident(source)} "
        f"QUALIFY row_number() OVER (PARTITION BY {ident(key)} ORDER BY __rec) = 1"
    )


def materialise(table: str, rows_sql: str, columns: dict[str, str]) -> str:
    """CREATE a table of the given expressions over the data rows, in file order."""
    return f"CREATE OR REPLACE TABLE {ident(table)} AS {select(rows_sql, columns)}"


def materialise_unnumbered(table: str, rows_sql: str, columns: dict[str, str]) -> list[str]:
    """:func:`materialise` over unnumbered rows (a CSV read in place): a projection keeps
    file order, so the stored rows need neither a window to number them nor a sort; a view
    ``table`` numbers them (``__rec`` from 1) by their place in the stored table."""
    stored = ident(table + ":rows")
    items = ", ".join(f"{expr} AS {ident(name)}" for name, expr in columns.items())
    return [
        f"CREATE OR REPLACE TABLE {stored} AS SELECT {items} FROM {rows_sql}",
        f"CREATE OR REPLACE VIEW {ident(table)} AS SELECT rowid + 1 AS __rec, * FROM {stored}",
    ]
