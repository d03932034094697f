"""Read a raw file as declared (dialect, encoding) into a table of strings, keeping the physical
line of every row. Structural problems (encoding, ragged rows, header) become findings; cell
values are never typed here, so codes keep their leading zeros."""

from __future__ import annotations

import codecs
import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.catalog import ResourceDecl
from pipeline.findings import Finding
from pipeline.messages import message, shorten

ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "cp1252": "cp1252 (Windows-1252)",
    "latin-1": "latin-1 (ISO-8859-1)",
    "iso-8859-1": "latin-1 (ISO-8859-1)",
    "iso-8859-15": "ISO-8859-15",
}


@dataclass
class RawTable:
    """Cells as strings, one column per schema field found in the header."""

    frame: pd.DataFrame
    lines: np.ndarray  # physical line of each row of ``frame`` (header = 1)
    findings: list[Finding] = field(default_factory=list)
    file: str = ""
    columns: dict[str, int] = field(default_factory=dict)  # field -> 1-based column in the file

    @property
    def fatal(self) -> bool:
        return self.frame is None


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


def _first_error(path: Path, codec: str) -> int | None:
    """Byte offset of the first sequence ``codec`` cannot decode, streaming the file."""
    decoder = codecs.getincrementaldecoder(codec)()
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return offset + exc.start
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset
    return None


def _line_at(path: Path, offset: int) -> int:
    with path.open("rb") as handle:
        return handle.read(offset).count(b"\n") + 1


def _first_high_byte(path: Path) -> int | None:
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            if max(chunk) >= 0x80:
                return offset + next(i for i, b in enumerate(chunk) if b >= 0x80)
            offset += len(chunk)
    return None


def check_encoding(path: Path, declared: str) -> tuple[str, int] | None:
    """(encoding found, line) when the bytes contradict the declared encoding, else None."""
    codec = _codec(declared)
    if codec.startswith("utf-8"):
        bad = _first_error(path, "utf-8")
        return None if bad is None else ("cp1252", _line_at(path, bad))
    bad = _first_error(path, codec)
    if bad is not None:
        return "utf-8", _line_at(path, bad)
    # A legacy 8-bit encoding decodes almost anything: valid UTF-8 with accented letters is
    # the tell-tale of a file saved in UTF-8 (it would read as "Ã©").
    high = _first_high_byte(path)
    if high is not None and _first_error(path, "utf-8") is None:
        return "utf-8", _line_at(path, high)
    return None


def _read_rows_csv(
    text_stream, delimiter: str, quotechar: str
) -> tuple[list[list[str]], list[int]]:
    """Exact reader: every record with the physical line where it starts."""
    reader = csv.reader(text_stream, delimiter=delimiter, quotechar=quotechar, strict=False)
    rows: list[list[str]] = []
    lines: list[int] = []
    previous_end = 0
    for record in reader:
        rows.append(record)
        lines.append(previous_end + 1)
        previous_end = reader.line_num
    return rows, lines


def _read_xlsx(path: Path, sheet) -> tuple[list[list[str]], list[int]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    worksheet = workbook[sheet] if isinstance(sheet, str) else workbook.worksheets[sheet or 0]
    rows, lines = [], []
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        cells = []
        for value in values:
            if value is None:
                cells.append("")
            elif hasattr(value, "date") and hasattr(value, "hour"):
                cells.append(
                    value.date().isoformat()
                    if (value.hour, value.minute) == (0, 0)
                    else value.isoformat()
                )
            elif isinstance(value, float) and value.is_integer():
                cells.append(str(int(value)))
            else:
                cells.append(str(value))
        while cells and cells[-1] == "":
            cells.pop()
        rows.append(cells)
        lines.append(number)
    workbook.close()
    return rows, lines


STR = pd.StringDtype("pyarrow", na_value=np.nan)


def _frame_fast(path: Path, dialect: dict, encoding: str) -> tuple[pd.DataFrame, np.ndarray] | None:
    """pyarrow's multithreaded CSV reader, cells kept as Arrow strings. Returns None when
    some record does not have the header's width (or is blank): the exact reader then
    reports each such line."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pacsv

    with path.open("rb") as handle:
        first = handle.readline()
    if not first.strip():
        return None
    width = len(
        next(
            csv.reader(
                [first.decode(encoding, errors="replace")],
                delimiter=dialect["delimiter"],
                quotechar=dialect.get("quoteChar", '"'),
            )
        )
    )
    invalid: list[int] = []

    def on_invalid(row) -> str:
        invalid.append(1)
        return "skip"

    names = [f"c{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=names, encoding="utf8" if encoding.startswith("utf-8") else encoding
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=dialect["delimiter"],
                quote_char=dialect.get("quoteChar", '"'),
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError, LookupError):
        return None
    if invalid or table.num_rows == 0:
        return None
    # Records start one line after the previous one ends: count line breaks inside cells.
    breaks = np.zeros(table.num_rows, dtype=np.int64)
    for column in table.columns:
        if pc.any(pc.match_substring(column, "\n")).as_py():
            breaks += pc.count_substring(column, "\n").to_numpy(zero_copy_only=False)
    starts = np.arange(1, table.num_rows + 1) + np.concatenate(([0], np.cumsum(breaks)[:-1]))
    if starts[-1] + breaks[-1] != _count_lines(path):
        return None  # lone CR line endings or the like: let the exact reader number lines
    frame = table.to_pandas(types_mapper={pa.string(): STR}.get)
    frame.columns = range(width)
    if encoding.startswith("utf-8") and len(frame):
        frame.iat[0, 0] = str(frame.iat[0, 0]).lstrip("\ufeff")
    return frame, starts


def _count_lines(path: Path) -> int:
    count = 0
    last = b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (0 if last == b"\n" else 1)


def read_raw(repo_root: Path, dataset: str, res: ResourceDecl) -> RawTable:
    src = res.source
    assert src is not None
    rel = src.path
    path = repo_root / rel
    dialect = src.dialect

    def finding(code: str, severity="error", line=None, column=None, fld=None, value=None, **kw):
        return Finding(
            dataset=dataset,
            severity=severity,
            code=code,
            message=message(
                code, dataset=dataset, line=line, column=column, field=fld, value=value, **kw
            ),
            file=rel,
            line=line,
            column=column,
            field=fld,
            value=None if value is None else shorten(value, 200),
        )

    def failed(code: str, **kw) -> RawTable:
        """A file that cannot be read any further: one finding, no table."""
        return RawTable(None, np.array([]), [finding(code, **kw)], rel)  # type: ignore[arg-type]

    if not path.is_file():
        return failed("source-error", detail=rel)

    fmt = src.format.lower()
    if fmt == "xlsx":
        try:
            rows, lines = _read_xlsx(path, src.sheet)
        except Exception as exc:  # openpyxl raises many types on a corrupt workbook
            return failed("source-error", detail=f"{rel} ({exc})")
        # Title rows above the header are skipped; lines stay the sheet's row numbers. A sheet
        # stores no trailing empty cells: a row is padded to the header, not "missing" cells.
        rows, lines = rows[src.header_row - 1 :], lines[src.header_row - 1 :]
        width = len(rows[0]) if rows else 0
        rows = [r + [""] * (width - len(r)) if 0 < len(r) < width else r for r in rows]
        return _assemble_rows(rows, lines, res, finding, rel)

    declared = dialect.get("encoding", "utf-8")
    encoding = "utf-8-sig" if _codec(declared) == "utf-8" else declared
    problem = check_encoding(path, declared)
    if problem:
        found, line = problem
        return failed(
            "encoding-error",
            line=line,
            found=ENCODING_NAMES.get(found, found),
            declared=ENCODING_NAMES.get(_codec(declared), declared),
            found_key=found,
        )
    fast = _frame_fast(path, dialect, encoding)
    if fast is not None:
        frame, lines = fast
        return _assemble_frame(frame, lines, res, finding, rel)
    with path.open("r", encoding=encoding, newline="") as handle:
        try:
            rows, lines = _read_rows_csv(
                handle, dialect["delimiter"], dialect.get("quoteChar", '"')
            )
        except csv.Error as exc:
            return failed("format-error", detail=str(exc), delimiter=dialect["delimiter"])
    return _assemble_rows(rows, lines, res, finding, rel)


def _assemble_rows(rows, lines, res, finding, rel) -> RawTable:
    """Ragged rows from the exact reader: report width problems, then pad to a frame."""
    if not rows:
        return RawTable(
            None, np.array([]), [finding("source-error", detail=f"{rel} est vide")], rel
        )  # type: ignore[arg-type]
    width = len(rows[0])
    findings: list[Finding] = []
    header = rows[0]
    padded = [header]
    kept_lines = [lines[0]]
    for record, line in zip(rows[1:], lines[1:], strict=True):
        if not record:  # csv gives [] for a truly empty line
            record = [""] * width
        if len(record) > width:
            findings.append(
                finding(
                    "extra-cell", line=line, column=width + 1, found=len(record), expected=width
                )
            )
            record = record[:width]
        elif len(record) < width:
            missing = header[len(record)] if len(record) < len(header) else None
            findings.append(
                finding(
                    "missing-cell",
                    line=line,
                    column=len(record) + 1,
                    fld=missing,
                    found=len(record),
                    expected=width,
                )
            )
            record = record + [""] * (width - len(record))
        padded.append(record)
        kept_lines.append(line)
    frame = pd.DataFrame(padded, dtype=str)
    table = _assemble_frame(frame, np.asarray(kept_lines), res, finding, rel)
    table.findings[:0] = findings
    return table


def _assemble_frame(frame: pd.DataFrame, lines: np.ndarray, res, finding, rel) -> RawTable:
    header = [str(v).strip() for v in frame.iloc[0].tolist()] if len(frame) else []
    body = frame.iloc[1:]
    body_lines = lines[1:]
    findings: list[Finding] = []
    expected = res.raw_field_names
    delimiter = res.source.dialect.get("delimiter", ",")
    if len(header) == 1 and len(expected) > 1:
        for other in (";", ",", "\t", "|"):
            if other != delimiter and header[0].count(other) >= 1:
                findings.append(finding("delimiter-error", line=1, found=other, declared=delimiter))
                return RawTable(None, np.array([]), findings, rel)  # type: ignore[arg-type]

    counts = Counter(header)
    columns: dict[str, int] = {}
    for index, label in enumerate(header):
        if label == "":
            findings.append(finding("blank-header", line=1, column=index + 1))
        elif counts[label] > 1 and label in columns:
            findings.append(finding("duplicate-label", line=1, column=index + 1, label=label))
        elif label not in expected:
            findings.append(finding("extra-label", line=1, column=index + 1, label=shorten(label)))
        else:
            columns[label] = index
    for name in expected:
        if name not in columns:
            findings.append(finding("missing-label", line=1, fld=name))

    table = body[[columns[n] for n in expected if n in columns]]
    table.columns = [n for n in expected if n in columns]
    table = table.reset_index(drop=True)
    blank = np.ones(len(body), dtype=bool)
    for position in range(body.shape[1]):
        blank &= body.iloc[:, position].to_numpy() == ""
    if blank.any():
        for line in body_lines[blank]:
            findings.append(finding("blank-row", line=int(line)))
        table = table.loc[~blank].reset_index(drop=True)
        body_lines = body_lines[~blank]
    return RawTable(
        table,
        np.asarray(body_lines),
        findings,
        rel,
        {name: index + 1 for name, index in columns.items()},
    )
