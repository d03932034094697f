"""The published text of the loaded tables (every field's normalised text), made in the
engine: pandas frames of small tables, counts, tables materialised once and shared by the
checks, lookups, and the table in published order, in batches, for the package writers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipeline.errors import ConfigError
from pipeline.sql import ident
from pipeline.sql import scan as q

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from pipeline.engine.db import KeyLocks
    from pipeline.tables import LoadedTable, Workspace


class PublishedText:
    """What :class:`~pipeline.tables.Workspace` makes of its loaded tables' published text
    (a mix-in: the workspace gives the connection, the tables and the retry on the exact
    reader)."""

    con: duckdb.DuckDBPyConnection
    locks: KeyLocks
    _texts: dict[str, list[tuple[tuple[str, ...], str]]]  # table key -> tables made
    _lookups: dict[tuple[str, str], list[tuple[tuple[str, ...], str]]]

    def frame(self, table: LoadedTable, columns: dict[str, str]) -> pd.DataFrame:
        """A pandas frame of SQL expressions over the table's data rows, in file order."""

        import pandas as pd  # only for the frames of derived tables and builds
        import pyarrow as pa

        strings = pd.StringDtype("pyarrow", na_value=float("nan"))

        def build(table: LoadedTable) -> pd.DataFrame:
            rows = self.rows_reading(table, list(columns.values()))
            arrow = self.con.sql(q.select(rows, columns)).to_arrow_table()
            return arrow.drop(["__rec"]).to_pandas(types_mapper={pa.string(): strings}.get)

        return self._query(table, build)

    def counts(self, table: LoadedTable, names: list[str]) -> pd.DataFrame:
        """Each distinct combination of the published text of fields ``names`` with its
        number of rows (column ``__count``), in order of first occurrence in the file: what a
        chart needs of a table of any size, computed by DuckDB."""
        import pandas as pd
        import pyarrow as pa

        unknown = [n for n in names if n not in table.resource.field_names]
        if unknown:
            raise ConfigError(
                f"La table « {table.resource.name} » n'a pas de champ {', '.join(unknown)}."
            )
        strings = pd.StringDtype("pyarrow", na_value=float("nan"))

        def build(table: LoadedTable) -> pd.DataFrame:
            texts = {n: table.text_sql(n) for n in names}
            columns = ", ".join(f"{sql} AS {ident(n)}" for n, sql in texts.items())
            rows = self.rows_reading(table, list(texts.values()))
            query = (
                f"SELECT {columns}, count(*) AS __count FROM {rows} "
                "GROUP BY ALL ORDER BY min(r.__rec)"
            )
            arrow = self.con.sql(query).to_arrow_table()
            return arrow.to_pandas(types_mapper={pa.string(): strings}.get)

        return self._query(table, build)

    def rows_reading(self, table: LoadedTable, used: list[str]) -> str:
        """The numbered data rows computing only what the SQL ``used`` reads; every field
        when a file read in place was never read whole (see :meth:`_unread`)."""
        return table.rows_sql if self._unread(table) else table.layered(numbered=True, used=used)

    def _text_columns(self, table: LoadedTable, columns: Sequence[str] | None) -> list[str]:
        if table.source is None:
            raise table.invalid()
        names = list(dict.fromkeys(columns)) if columns is not None else table.resource.field_names
        unknown = [n for n in names if n not in table.resource.field_names]
        if unknown:
            raise ConfigError(
                f"La table « {table.resource.name} » n'a pas de champ {', '.join(unknown)}."
            )
        return names

    def _holding(self, table: LoadedTable, names: list[str]) -> str | None:
        """A table made by :meth:`materialised` of ``table`` that holds the columns ``names``."""
        for columns, made in self._texts.get(table.key, []):
            if set(names) <= set(columns):
                return made
        return None

    @staticmethod
    def _unread(table: LoadedTable) -> bool:
        """A file DuckDB reads in place that no pass has read whole yet: reading a few of its
        columns could miss what makes it unreadable (bytes that are not UTF-8 elsewhere), so
        its first read takes every field (and falls back on the exact reader if need be). A
        small file was read whole into a table when it was opened."""
        source = table.source
        return source is not None and source.fast and not source.cached and not table.read_whole

    def materialised(self, resource: str, columns: Sequence[str] | None = None) -> str:
        """A DuckDB table of a resource's published text (``__rec`` and all fields, or
        ``columns``): made once, and not again for columns a table made already holds."""
        table = self.table(resource)
        names = self._text_columns(table, columns)
        with self.locks(("text", table.key)):
            made = self._holding(table, names)
            if made is None:
                made = self._materialise(table, names)
        return made

    def _materialise(self, table: LoadedTable, names: list[str]) -> str:
        if self._unread(table):
            names = table.resource.field_names
        made = self.name("text")

        def make(t: LoadedTable) -> None:
            assert t.source is not None
            if t.source.scan_relation is None:
                self.con.execute(q.materialise(made, *t.text_of(names)))
                return
            for statement in q.materialise_unnumbered(made, *t.text_of(names, False)):
                self.con.execute(statement)

        self._query(table, make)
        self._texts.setdefault(table.key, []).append((tuple(names), made))
        if names == table.resource.field_names:
            table.read_whole = True
        return made

    def text_rows(self, resource: str, columns: Sequence[str], query) -> list[tuple]:
        """The rows of ``query(relation)``, where ``relation`` is a FROM item of the published
        text of ``columns`` of a resource (and ``__rec``): a table made by
        :meth:`materialised` when one holds them, else the rows themselves, read for this
        query only (a count needs no table)."""
        table = self.table(resource)
        names = self._text_columns(table, columns)
        with self.locks(("text", table.key)):
            made = self._holding(table, names)
            if made is None and self._unread(table):
                made = self._materialise(table, table.resource.field_names)
        if made is not None:
            return self.con.execute(query(ident(made))).fetchall()

        def build(t: LoadedTable) -> list[tuple]:
            return self.con.execute(query(q.text_relation(*t.text_of(names)))).fetchall()

        return self._query(table, build)

    def lookup(self, resource: str, key: str, columns: Sequence[str] | None = None) -> str:
        """The first row of ``resource`` for each value of ``key`` (like drop_duplicates),
        with ``columns`` (all fields when None)."""
        table = self.table(resource)
        names = self._text_columns(table, None if columns is None else [key, *columns])
        with self.locks(("text", table.key)):
            made = self._lookups.setdefault((table.key, key), [])
            for held, name in made:
                if set(names) <= set(held):
                    return name
            source = self.materialised(resource, names)
            name = self.name("lookup")
            self.con.execute(q.first_per_key(name, source, key, names))
            made.append((tuple(names), name))
        return name


def order_by(ws: Workspace, table: LoadedTable) -> list[str]:
    """The published order of a table, as SQL over its rows: the primary key (else the
    first field), numbers compared as numbers, identifiers made only of digits (up to 15) as
    numbers too ("2" before "10"), ties in file order."""
    res = table.resource
    keys: list[str] = []
    for name in res.primary_key or res.field_names[:1]:
        f = table.fields.get(name)
        if f is None:
            continue
        if f.type in ("integer", "number", "year"):
            keys.append(f"CAST({f.typed} AS DOUBLE) NULLS LAST")
            continue
        digits = ws.con.execute(
            f"SELECT coalesce(bool_and(regexp_full_match({f.text}, '[0-9]{{1,15}}')), FALSE) "
            f"FROM {ws.rows_reading(table, [f.text])}"
        ).fetchall()[0][0]
        keys.append(f"CAST({f.text} AS BIGINT)" if digits else f.text)
    return [*keys, "r.__rec"]


def published_batches(ws: Workspace, table: LoadedTable, size: int = 65_536):
    """The table as published (every field's normalised text, '' when empty), in published
    order, as pyarrow RecordBatches of at most ``size`` rows: DuckDB sorts (spilling to disk
    when needed), so memory does not grow with the table."""
    columns = ", ".join(f"{table.text_sql(n)} AS {ident(n)}" for n in table.resource.field_names)
    query = f"SELECT {columns} FROM {table.rows_sql} ORDER BY {', '.join(order_by(ws, table))}"
    reader = ws.con.sql(query).to_arrow_reader(size)
    yield from reader
