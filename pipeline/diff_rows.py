"""Which rows differ between two versions of a published CSV table, in bounded memory.

Rows are matched on a key (repeated keys by their occurrence, in file order) and compared on
the columns both versions have. A table is compared in DuckDB (:mod:`pipeline.sql.rowdiff`):
only a narrow table per side is joined, and only the first ``limit`` rows of each kind are
read back, with the exact totals. A file DuckDB would not read as Python's csv does (a CR,
a quote inside a cell's text, a BOM, repeated column names: never written by the build, but a
published file may have been edited by hand) is compared in memory, the same way."""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.sql import rowdiff

if TYPE_CHECKING:
    import duckdb

Row = dict[str, str]
KINDS = ("added", "removed", "changed", "reassigned")
DIFF_MEMORY = 256 * 2**20  # DuckDB's share while a build compares (it spills beyond)


@dataclass
class Table:
    """One version of a table: its CSV file (None when the version has none) and header."""

    path: Path | None
    header: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, path: Path | None) -> Table:
        if path is None:
            return cls(None)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return cls(path, next(csv.reader(handle), []))

    def rows(self) -> list[Row]:
        """Every row, as csv.DictReader reads it (the in-memory comparison)."""
        if self.path is None:
            return []
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            return [dict(row) for row in csv.DictReader(handle)]


@dataclass
class Matching:
    """How rows are matched: ``key`` (diffKey, primary key or common columns), the columns
    compared, and, to report identifiers given to another row, the producer's identifier
    (``ids``) and what identifies the row in the real world (``identity``)."""

    key: list[str]
    compared: list[str]
    ids: list[str] = field(default_factory=list)
    identity: list[str] = field(default_factory=list)


@dataclass
class Compared:
    """The first ``limit`` rows of each kind (file order: the new file's, the old one's for
    removed rows), ``changed`` and ``reassigned`` as (old row, new row), and exact totals;
    ``emptied``: for each compared field, how many rows of both files had it filled and now
    empty (exact, fields emptied in no row left out)."""

    added: list[Row] = field(default_factory=list)
    removed: list[Row] = field(default_factory=list)
    changed: list[tuple[Row, Row]] = field(default_factory=list)
    reassigned: list[tuple[Row, Row]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    emptied: dict[str, int] = field(default_factory=dict)  # field -> rows it went empty in
    old_rows: int = 0  # rows in each file
    new_rows: int = 0

    def cut(self, limit: int | None) -> Compared:
        """The same, each list cut at ``limit`` (totals kept)."""
        if limit is not None:
            for kind in KINDS:
                setattr(self, kind, getattr(self, kind)[:limit])
        return self


def compare(old: Table, new: Table, how: Matching, limit: int | None) -> Compared:
    """Rows of ``new`` not in ``old`` and the reverse, rows whose compared cells differ, and
    identifiers naming another row."""
    records = [_records(old), _records(new)]
    if records == [0, 0]:  # headers alone (a table the same on both sides): no row to join
        return in_memory([], [], how)
    if None not in records:
        with _connection(old, new) as db:
            result = in_duckdb(db, (old, new), records, how, limit)
        if result is not None:
            return result
    return in_memory(old.rows(), new.rows(), how).cut(limit)


# --- in memory: the reference -------------------------------------------------------------


def _index(rows: list[Row], key: list[str]) -> dict[tuple, Row]:
    """Rows by key; a repeated key gets an occurrence number so no row is lost."""
    indexed: dict[tuple, Row] = {}
    for row in rows:
        k = tuple(row.get(f, "") for f in key)
        n = 1
        while (k if n == 1 else (*k, f"#{n}")) in indexed:
            n += 1
        indexed[k if n == 1 else (*k, f"#{n}")] = row
    return indexed


def in_memory(old_rows: list[Row], new_rows: list[Row], how: Matching) -> Compared:
    out = Compared()
    old_index, new_index = _index(old_rows, how.key), _index(new_rows, how.key)
    for k, row in new_index.items():
        before = old_index.get(k)
        if before is None:
            out.added.append(row)
        elif any(before[f] != row[f] for f in how.compared):
            out.changed.append((before, row))
    out.removed = [row for k, row in old_index.items() if k not in new_index]
    if how.ids:
        old_ids = _index(old_rows, how.ids)
        for k, row in _index(new_rows, how.ids).items():
            before = old_ids.get(k)
            if before is not None and any(before.get(f) != row.get(f) for f in how.identity):
                out.reassigned.append((before, row))
    out.totals = {kind: len(getattr(out, kind)) for kind in KINDS}
    counts = {f: sum(1 for old, new in out.changed if old[f] and not new[f]) for f in how.compared}
    out.emptied = {f: n for f, n in counts.items() if n}
    out.old_rows, out.new_rows = len(old_rows), len(new_rows)
    return out


# --- in DuckDB ----------------------------------------------------------------------------


def _records(table: Table) -> int | None:
    """The data records of the file (blank lines apart), when DuckDB reads it as Python's
    csv does: LF line ends, no quote inside a cell's text, no BOM, distinct column names
    (the build writes nothing else); else None."""
    if table.path is None:
        return 0
    from pipeline.engine.lines import scan_layout

    with table.path.open("rb") as handle:
        if handle.read(3) == b"\xef\xbb\xbf":
            return None
    if not table.header or len(set(table.header)) != len(table.header):
        return None
    layout = scan_layout(table.path)
    if layout.new_line != "\\n" or layout.cr_ends is not None:
        return None
    return max(len(layout.starts) - 1, 0)


def count_records(path: Path) -> int:
    """Data records of a CSV file as csv.DictReader reads them (blank lines skipped): by the
    layout pass when DuckDB would read the file the same, else with Python's csv."""
    found = _records(Table.of(path))
    if found is not None:
        return found
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return max(sum(1 for row in csv.reader(handle) if row) - 1, 0)


@contextmanager
def _connection(old: Table, new: Table) -> Iterator[duckdb.DuckDBPyConnection]:
    from pipeline.engine.db import connect, lower_memory_limit

    largest = max((t.path.stat().st_size for t in (old, new) if t.path), default=0)
    db, scratch = connect(largest)
    try:
        lower_memory_limit(db, DIFF_MEMORY)
        yield db
    finally:
        db.close()
        shutil.rmtree(scratch, ignore_errors=True)


def in_duckdb(
    db, tables: tuple[Table, Table], records: list[int], how: Matching, limit: int | None
) -> Compared | None:
    """The comparison in DuckDB; None when DuckDB does not read a file whole (the caller
    compares in memory)."""
    import duckdb

    old, new = tables
    if old.path is None and new.path is None:
        return Compared(totals=dict.fromkeys(KINDS, 0))
    names = {side: f"rowdiff_{side}" for side in ("old", "new", "diff")}
    try:
        with tempfile.TemporaryDirectory(prefix="rowdiff-") as folder:
            for (side, table), expected in zip((("old", old), ("new", new)), records, strict=True):
                header = table.header if table.path else new.header or old.header
                path = table.path or _header_only(Path(folder) / f"{side}.csv", header)
                db.execute(
                    rowdiff.narrow_table(
                        names[side], path, header, how.key, how.compared, how.ids, how.identity
                    )
                )
                if db.execute(f'SELECT count(*) FROM "{names[side]}"').fetchone()[0] != expected:
                    return None
        width = len(how.compared)
        db.execute(
            rowdiff.differing(names["diff"], names["old"], names["new"], len(how.key), width)
        )
        compared = _collect(db, old, new, how, names, limit)
        if width:
            counts = db.execute(rowdiff.emptied_counts(names["diff"], width)).fetchone()
            compared.emptied = {f: n for f, n in zip(how.compared, counts, strict=True) if n}
        compared.old_rows, compared.new_rows = records
        return compared
    except duckdb.Error:
        return None


def _header_only(path: Path, header: list[str]) -> Path:
    """A file of ``header`` and no row: the side of a table a version does not have."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(header)
    return path


def _collect(db, old: Table, new: Table, how: Matching, names: dict, limit: int | None) -> Compared:
    cut = "" if limit is None else f" LIMIT {int(limit)}"
    diff = f'"{names["diff"]}"'
    totals = db.execute(
        f"SELECT count_if(old IS NULL), count_if(new IS NULL), "
        f"count_if(old IS NOT NULL AND new IS NOT NULL) FROM {diff}"
    ).fetchone()
    added = [
        r[0]
        for r in db.execute(
            f"SELECT new FROM {diff} WHERE old IS NULL ORDER BY new{cut}"
        ).fetchall()
    ]
    removed = [
        r[0]
        for r in db.execute(
            f"SELECT old FROM {diff} WHERE new IS NULL ORDER BY old{cut}"
        ).fetchall()
    ]
    changed = db.execute(
        f"SELECT old, new FROM {diff} WHERE old IS NOT NULL AND new IS NOT NULL ORDER BY new{cut}"
    ).fetchall()
    moved: list[tuple[int, int]] = []
    moved_total = 0
    if how.ids:
        query = rowdiff.reassigned(names["old"], names["new"], len(how.ids), len(how.identity))
        listed = db.execute(f"SELECT *, count(*) OVER () FROM ({query}) ORDER BY new{cut}")
        found = listed.fetchall()
        moved = [(o, n) for o, n, _ in found]
        moved_total = found[0][2] if found else 0
    old_rows = _rows_at(db, old, {*removed, *(o for o, _ in changed), *(o for o, _ in moved)})
    new_rows = _rows_at(db, new, {*added, *(n for _, n in changed), *(n for _, n in moved)})
    return Compared(
        added=[new_rows[p] for p in added],
        removed=[old_rows[p] for p in removed],
        changed=[(old_rows[o], new_rows[n]) for o, n in changed],
        reassigned=[(old_rows[o], new_rows[n]) for o, n in moved],
        totals=dict(zip(KINDS, (*(n or 0 for n in totals), moved_total), strict=True)),
    )


def _rows_at(db, table: Table, positions: set[int]) -> dict[int, Row]:
    """The rows of ``table`` at ``positions``, by position."""
    if not positions or table.path is None:
        return {}
    query = rowdiff.rows_at(table.path, len(table.header))
    return {
        row[0]: dict(zip(table.header, row[1:], strict=True))
        for row in db.execute(query, [sorted(positions)]).fetchall()
    }
