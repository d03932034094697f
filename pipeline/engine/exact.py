"""The exact reader: Python's csv module (or openpyxl for XLSX) record by record, with the
physical line where each record starts, streamed into a DuckDB table in batches so memory
stays bounded. Used for files DuckDB's reader cannot number exactly (ragged rows, blank
lines, lone CR line ends), for spreadsheets and for derived tables."""

from __future__ import annotations

import csv
import itertools
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.catalog import ResourceDecl
from pipeline.engine.source import Reporter, Source, empty_file, match_header, not_utf8
from pipeline.findings import Finding
from pipeline.messages import shorten
from pipeline.sql import ident

BATCH = 50_000
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class TableWriter:
    """Appends records (only the kept columns) to a DuckDB table, one Arrow batch at a time."""

    def __init__(self, con, name: str, kept: list[int]):
        self.con, self.name, self.kept = con, name, kept
        cols = ", ".join(f"{ident('c' + str(i))} VARCHAR" for i in kept)
        con.execute(
            f"CREATE OR REPLACE TABLE {ident(name)} (__rec BIGINT, __line BIGINT"
            + (f", {cols})" if cols else ")")
        )
        self.recs: list[int] = []
        self.lines: list[int] = []
        self.cells: list[list[str]] = [[] for _ in kept]

    def add(self, rec: int, line: int, record: list[str]) -> None:
        self.recs.append(rec)
        self.lines.append(line)
        width = len(record)
        for slot, index in enumerate(self.kept):
            self.cells[slot].append(record[index] if index < width else "")
        if len(self.recs) >= BATCH:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa

        if not self.recs:
            return
        arrays = [pa.array(self.recs, pa.int64()), pa.array(self.lines, pa.int64())]
        arrays += [
            pa.array([v if v != "" else None for v in column], pa.string()) for column in self.cells
        ]
        names = ["__rec", "__line", *[f"c{i}" for i in self.kept]]
        batch = pa.Table.from_arrays(arrays, names=names)
        self.con.register("__batch", batch)
        self.con.execute(f"INSERT INTO {ident(self.name)} SELECT * FROM __batch")
        self.con.unregister("__batch")
        self.recs, self.lines = [], []
        self.cells = [[] for _ in self.kept]


def csv_records(
    path: Path,
    encoding: str,
    dialect: dict,
    report: Reporter,
    found: list[Finding] | None = None,
) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, cells) for every record, blank lines included. A byte
    that is not UTF-8 ends the reading with an ``encoding-error`` on its line. A quote
    opened and never closed, which makes the rest of the file one cell, adds an
    ``unclosed-quote`` finding to ``found``."""
    delimiter, quote = dialect.get("delimiter", ","), dialect.get("quoteChar", '"')
    with path.open("r", encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, quotechar=quote, strict=False)
        previous_end = 0
        header: list[str] | None = None
        last: list[str] = []
        start = 1  # the line where the last record starts
        try:
            for record in reader:
                start = previous_end + 1
                yield start, record
                header = header or record
                last, previous_end = record, reader.line_num
        except UnicodeDecodeError:
            raise not_utf8(path, report) from None
    if found is None or len(quote) != 1:
        return
    if not swallowed(last, _ends_line(path)):
        return
    with path.open("r", encoding=encoding, newline="") as handle:
        opened = open_quote(handle, start, delimiter, quote, header or [])
    if opened is not None:
        line, column, label, where = opened
        found.append(
            report(
                "unclosed-quote",
                line=line,
                column=column,
                fld=label,
                where=where,
                last=previous_end,
            )
        )


def swallowed(last: list[str], ends_line: bool) -> bool:
    """Whether the last record may hold the rest of the file in an unclosed quoted cell: it
    holds a line break, or the file does not end with one."""
    return any("\n" in c or "\r" in c for c in last) or not ends_line


def open_quote(
    lines: Iterable[str], start: int, delimiter: str, quote: str, header: list[str]
) -> tuple[int, int, str | None, str] | None:
    """(line, 1-based column, label, « where » in French) of the quote left open in the
    record starting on line ``start`` of ``lines`` (the file's lines), or None."""
    tail = "".join(itertools.islice(lines, start - 1, None))
    opened = unclosed_quote(tail, start, delimiter, quote)
    if opened is None:
        return None
    line, column = opened
    label = shorten(header[column].strip()) if column < len(header) else ""
    return (
        line,
        column + 1,
        label or None,
        f"« {label} »" if label else f"de la colonne {column + 1}",
    )


def _ends_line(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(0, 2)
        if handle.tell() == 0:
            return True
        handle.seek(-1, 2)
        return handle.read(1) in (b"\n", b"\r")


def unclosed_quote(
    text: str, first_line: int, delimiter: str, quote: str
) -> tuple[int, int] | None:
    """(line, 0-based column) of the quote that opens a cell and is never closed in ``text``,
    one record starting on line ``first_line``, read as Python's csv module reads it (a
    quote opens a quoted cell only at the start of a cell; a doubled quote inside is
    literal); None when every quoted cell is closed."""
    i, column, size = 0, 0, len(text)
    stops = re.compile("[" + re.escape(delimiter) + "\n\r]")  # the next cell or line end
    while i < size:
        if text.startswith(quote, i):  # a quoted cell
            opening, i = i, i + 1
            while True:
                j = text.find(quote, i)
                if j < 0:
                    before = text[:opening]
                    breaks = before.count("\n") + before.count("\r") - before.count("\r\n")
                    return first_line + breaks, column
                if not text.startswith(quote, j + 1):
                    i = j + 1
                    break
                i = j + 2  # a doubled quote
        # searched up to the first stop only: finding each of them to the end of a long
        # single-line record made this quadratic (17 s on 5 MB)
        stop = stops.search(text, i)
        if stop is None or stop.group() != delimiter:
            return None  # the record ends
        column, i = column + 1, stop.end()
    return None


def sheet_values(worksheet) -> Iterator[tuple]:
    """The rows of a read-only openpyxl sheet as value tuples, each as long as its last
    stored cell. The size a workbook declares (``<dimension>``) is not trusted: one empty
    cell formatted at XFD1048576 made openpyxl pad every row to 16 384 cells and yield every
    row up to the millionth so padded (``pipeline add`` ran out of memory)."""
    worksheet.reset_dimensions()
    return worksheet.iter_rows(values_only=True)


def xlsx_rows(worksheet) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text without the trailing empty ones) of an openpyxl sheet."""
    for number, values in enumerate(sheet_values(worksheet), start=1):
        cells = [xlsx_cell_text(v) for v in values]
        while cells and cells[-1] == "":
            cells.pop()
        yield number, cells


def xlsx_cell_text(value) -> str:
    """A cell as the validation reads it (``pipeline add`` infers from the same text)."""
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "hour"):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cells(count: int) -> str:
    """« 1 cellule », « 3 cellules »."""
    return f"{count} cellule" + ("s" if count > 1 else "")


def load_records(
    con,
    table: str,
    records: Iterable[tuple[int, list[str]]],
    res: ResourceDecl,
    report: Reporter,
    dialect: dict,
    dataset: str,
    rel: str,
) -> Source:
    """Stream records into ``table``: header matched, ragged rows and blank rows (empty
    lines, rows of empty cells) reported. Blank rows after the last record are only listed
    (``Source.trailing_blank``), as the layout pass of a CSV read directly lists them."""
    iterator = iter(records)
    first = next(((line, record) for line, record in iterator if record), None)
    if first is None:
        raise empty_file(report, rel)
    header_line, header = first
    columns, findings = match_header(header, res, report, dialect.get("delimiter", ","))
    width = len(header)
    writer = TableWriter(con, table, sorted(set(columns.values())))
    rec = 0
    empty: list[int] = []  # blank lines since the last record: blank rows unless trailing
    for line, record in iterator:
        if not any(record):  # an empty line, or a row of empty cells
            empty.append(line)
            continue
        findings.extend(report("blank-row", line=n) for n in empty)
        empty = []
        if len(record) > width:
            findings.append(
                report(
                    "extra-cell",
                    line=line,
                    column=width + 1,
                    found=cells(len(record)),
                    expected=width,
                )
            )
        elif len(record) < width:
            label = shorten(header[len(record)].strip())
            absent = f"« {label} »" if label else f"{len(record) + 1} (sans nom)"
            findings.append(
                report(
                    "missing-cell",
                    line=line,
                    column=len(record) + 1,
                    fld=label or None,
                    found=cells(len(record)),
                    expected=width,
                    absent=absent,
                )
            )
        rec += 1
        writer.add(rec, line, record)
    writer.flush()
    return Source(
        dataset,
        rel,
        ident(table),
        width,
        header,
        columns,
        findings,
        dialect=dialect,
        header_line=header_line,
        trailing_blank=empty,
    )
