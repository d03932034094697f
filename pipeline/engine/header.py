"""The header of a raw file alone, read without findings: the declarations compare it with
the fields a resource computes (:mod:`pipeline.declarations.computed`) before any data is
read. Only the head of a CSV file is read (in its declared encoding, delimiter and quote),
only the rows of a sheet down to its header. A file this cannot read gives None: the
engine's reading then says why, as it would have. It imports only the encoding rules of
the engine (no DuckDB, no table), so that the declarations can use it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from pipeline.engine.encoding import codec, is_utf8

HEAD_BYTES = 1 << 20


def raw_labels(
    path: Path, fmt: str, dialect: dict, sheet: str | int | None = None, header_row: int = 1
) -> list[str] | None:
    """The labels of the header as the engine matches them (stripped), or None when the
    file cannot be read that far."""
    if fmt.lower() == "xlsx":
        labels = _sheet_header(path, sheet, header_row)
    else:
        labels = _csv_header(path, dialect)
    return None if labels is None else [label.strip() for label in labels]


def _csv_header(path: Path, dialect: dict) -> list[str] | None:
    """The first record that is not an empty line, as the exact reader takes it; one byte
    order mark dropped for UTF-8, as the engine drops it."""
    declared = dialect.get("encoding", "utf-8")
    name = "utf-8-sig" if is_utf8(declared) else codec(declared)
    if name is None:
        return None
    try:
        with (
            path.open("rb") as raw,
            io.TextIOWrapper(raw, encoding=name, errors="replace", newline="") as text,
        ):
            reader = csv.reader(
                _head_lines(text),
                delimiter=dialect.get("delimiter", ","),
                quotechar=dialect.get("quoteChar", '"'),
                strict=False,
            )
            record = next((r for r in reader if r), None)
    except (OSError, UnicodeError, LookupError, csv.Error, TypeError):
        return None
    if record is None or any("\ufffd" in label for label in record):
        return None  # not in its encoding: the engine reports it
    return record


def _head_lines(text: io.TextIOWrapper) -> Iterator[str]:
    """The lines of the file's first HEAD_BYTES characters (a longer line is cut there)."""
    left = HEAD_BYTES
    while left > 0 and (line := text.readline(left)):
        left -= len(line)
        yield line


def _sheet_header(path: Path, sheet: str | int | None, header_row: int) -> list[str] | None:
    """The first filled row of the sheet from ``header_row`` on, as
    :func:`pipeline.engine.workbook.workbook_records` takes it."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # not a workbook, or a damaged one: the engine says which
        return None
    try:
        names = list(workbook.sheetnames)
        index = names.index(sheet) if isinstance(sheet, str) else sheet or 0
        if not 0 <= index < len(names):
            return None
        for number, cells in xlsx_rows(workbook.worksheets[index]):
            if number >= header_row and cells:
                return cells
        return None
    except Exception:  # an unknown or damaged sheet: the engine says which
        return None
    finally:
        workbook.close()


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
