"""A *source*: the cells of a raw file (or of a derived table) as text, in file order, with
the physical line of every record. Structural problems (file, encoding, header, ragged rows,
blank lines) become findings here; cells are never typed here, so codes keep their zeros.

A clean CSV file is scanned by DuckDB directly (``read_csv``, every column as text); the
scan verifies afterwards that records and line breaks add up to the file's lines. Any other
file (ragged rows, blank lines, lone CR line ends, stray bytes) goes through the exact reader
of :mod:`pipeline.engine.exact`, which streams it into a DuckDB table."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.catalog import ResourceDecl
from pipeline.engine import encoding
from pipeline.engine.header import HEAD_BYTES
from pipeline.engine.lines import Layout, drop_bytes, scan_layout
from pipeline.findings import Finding
from pipeline.messages import EDITION_SCHEMA, message, shorten
from pipeline.numbers_fr import edition_fr
from pipeline.sql import csv_scan, ident

DELIMITER_NAMES = {"\t": "tabulation"}  # shown by name in messages, not as white space
MAX_FAST_COLUMNS = 2000  # wider headers (a file whose records sit on one line) read exactly


@dataclass
class Source:
    dataset: str
    file: str | None  # repository-relative path of the raw file; None for a derived table
    relation: str  # SQL FROM item: __rec (0 = header), [__line], c0 … c{width-1} as VARCHAR
    width: int
    labels: list[str]
    columns: dict[str, int]  # field name -> 0-based column of the file
    findings: list[Finding] = field(default_factory=list)
    has_lines: bool = True  # the relation carries __line; otherwise the scan computes lines
    fast: bool = False  # a direct DuckDB scan of the file, verified after the scan
    layout: Layout | None = None  # where each record starts, for a direct CSV scan
    scan_relation: str | None = None  # the data records only, unnumbered (direct CSV scan)
    cached: bool = False  # scan_relation is a table the whole file was read into
    path: Path | None = None  # the file DuckDB reads (maybe a UTF-8 transcoding)
    dialect: dict = field(default_factory=dict)
    header_line: int = 1  # physical line of the header
    trailing_blank: list[int] = field(default_factory=list)  # blank lines after the last record
    controls: bool = True  # False when the file provably holds no control character
    longest: int | None = None  # bytes of the longest record, when the layout pass read them

    @property
    def cr_check(self) -> bool:
        return bool(self.layout and self.layout.cr_check)

    def line(self, rec: int) -> int:
        """Physical line of a record read directly (record 0 is the header)."""
        assert self.layout is not None
        return int(self.layout.starts[rec])

    def column(self, name: str) -> str:
        """SQL for the raw cell of a field (NULL when empty)."""
        return f"r.{ident('c' + str(self.columns[name]))}"


class Fatal(Exception):
    """The file cannot be read any further: its findings say why."""

    def __init__(self, findings: list[Finding]):
        super().__init__(findings[0].code if findings else "fatal")
        self.findings = findings


class Reporter:
    """Builds the structural findings of one file."""

    def __init__(self, dataset: str, file: str | None):
        self.dataset, self.file = dataset, file

    def __call__(
        self,
        code: str,
        severity="error",
        line=None,
        column=None,
        fld=None,
        value=None,
        message_code: str | None = None,
        **kw,
    ) -> Finding:
        """A finding; its message is that of ``message_code`` (default ``code``)."""
        return Finding(
            dataset=self.dataset,
            severity=severity,
            code=code,
            message=message(
                message_code or code,
                dataset=self.dataset,
                line=line,
                column=column,
                field=fld,
                value=value,
                **kw,
            ),
            file=self.file,
            line=line,
            column=column,
            field=fld,
            value=None if value is None else shorten(value, 200),
        )


def match_header(
    labels: list[str], res: ResourceDecl, report: Reporter, delimiter: str
) -> tuple[dict[str, int], list[Finding]]:
    """Columns of the expected fields, and the header's findings. Raises Fatal when the
    header is a single column holding another delimiter."""
    header = [label.strip() for label in labels]
    expected = res.raw_field_names
    findings: list[Finding] = []
    if len(header) == 1 and len(expected) > 1:
        for other in (";", ",", "\t", "|"):
            if other != delimiter and header[0].count(other) >= 1:
                found, declared = (DELIMITER_NAMES.get(d, d) for d in (other, delimiter))
                raise Fatal([report("delimiter-error", line=1, found=found, declared=declared)])
    counts = Counter(header)
    columns: dict[str, int] = {}
    advice = _schema_advice(res, report.dataset)
    for index, label in enumerate(header):
        if label == "":
            findings.append(report("blank-header", line=1, column=index + 1))
        elif counts[label] > 1 and label in columns:
            findings.append(report("duplicate-label", line=1, column=index + 1, label=label))
        elif label not in expected:
            findings.append(
                report(
                    "extra-label",
                    line=1,
                    column=index + 1,
                    label=shorten(label),
                    **advice("extra-label"),
                )
            )
        else:
            columns[label] = index
    for name in expected:
        if name not in columns:
            findings.append(report("missing-label", line=1, fld=name, **advice("missing-label")))
    return columns, findings


def _schema_advice(res: ResourceDecl, dataset: str):
    """How a header finding's message advises: an earlier edition's file is kept as
    received (the README forbids editing a raw file), so its advice is to give that edition
    its own schema, not to edit the file or the current schema."""
    if not res.edition:
        return lambda code: {}
    advice = EDITION_SCHEMA[res.edition_schema].format(dataset=dataset)
    details = {"edition": edition_fr(res.edition), "schema": res.schema_path.name, "advice": advice}
    return lambda code: {"message_code": f"{code}-edition", **details}


def _first_invalid(head: bytes, whole: bool) -> int | None:
    """Offset of the first byte of ``head`` that is not UTF-8 (a character cut by the end of
    the head is not counted unless the head is the ``whole`` file)."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not whole and exc.end == len(head) and exc.reason == "unexpected end of data":
            return None
        return exc.start
    return None


def first_record(path: Path, dialect: dict, report: Reporter) -> list[str] | None:
    """The header record, read by Python's csv module from the head of a UTF-8 file. Raises
    Fatal (``encoding-error``) when a byte of the header is not UTF-8."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    text = head.decode("utf-8", errors="replace")
    bom = 1 if text.startswith("\ufeff") else 0  # one BOM, as Python's utf-8-sig
    text = text[bom:]
    if not text.strip("\r\n"):
        return None
    read: list[str] = []  # the lines the header record spans

    def lines():
        for line in io.StringIO(text, newline=""):
            read.append(line)
            yield line

    reader = csv.reader(
        lines(),
        delimiter=dialect.get("delimiter", ","),
        quotechar=dialect.get("quoteChar", '"'),
        strict=False,
    )
    record = next(reader, None)
    bad = _first_invalid(head, len(head) < HEAD_BYTES)
    if bad is not None and len(head[:bad].decode("utf-8")) - bom < sum(map(len, read)):
        raise not_utf8(path, report)
    return record


def empty_file(report: Reporter, rel: str) -> Fatal:
    """The ``source-error`` of a file that holds no record."""
    return Fatal([report("source-error", message_code="source-empty", file=rel)])


def encoding_problem(path: Path, declared: str, report: Reporter) -> Fatal | None:
    """The ``encoding-error`` of a file that does not read in its declared encoding, on the
    line of the first byte that does not; None when it reads."""
    problem = encoding.check_encoding(path, declared)
    if problem is None:
        return None
    found, line = problem
    return Fatal(
        [
            report(
                "encoding-error",
                line=line,
                found=encoding.label(found),
                declared=encoding.label(declared),
                found_key=found,
            )
        ]
    )


def not_utf8(path: Path, report: Reporter) -> Fatal:
    """The ``encoding-error`` of a file read as UTF-8 once a decoder has failed on it."""
    fatal = encoding_problem(path, "utf-8", report)
    assert fatal is not None, path
    return fatal


def csv_source(
    dataset: str,
    rel: str,
    path: Path,
    res: ResourceDecl,
    dialect: dict,
    report: Reporter,
    scratch: Path | None = None,
) -> Source | None:
    """A direct DuckDB scan of a UTF-8 CSV file, or None when only the exact reader fits."""
    labels = first_record(path, dialect, report)
    if labels is None:
        raise empty_file(report, rel)
    columns, findings = match_header(labels, res, report, dialect.get("delimiter", ","))
    delimiter = dialect.get("delimiter", ",")
    if len(labels) > MAX_FAST_COLUMNS or len(delimiter) != 1 or not any(labels):
        return None  # an empty header (a row of empty cells for the scan): read exactly
    layout = scan_layout(path, dialect.get("quoteChar", '"'), delimiter, len(labels))
    if layout.new_line is None or not len(layout.starts):
        return None
    header_line = int(layout.starts[0])
    trailing = layout.trailing_blank
    for line in layout.blank_lines:
        if header_line < line and not (trailing and line >= trailing[0]):
            findings.append(report("blank-row", line=line))
    if layout.cr_ends is not None:
        if scratch is None:
            return None
        path = drop_bytes(path, layout.cr_ends, scratch / f"lf-{id(layout)}.csv")
    relation = csv_scan(path, len(labels), dialect, layout.new_line)
    unnumbered = csv_scan(path, len(labels), dialect, layout.new_line, numbered=False)
    return Source(
        dataset,
        rel,
        relation,
        len(labels),
        labels,
        columns,
        findings,
        has_lines=False,
        fast=True,
        layout=layout,
        scan_relation=unnumbered,
        path=path,
        dialect=dialect,
        header_line=header_line,
        trailing_blank=trailing,
        controls=layout.controls,
        longest=layout.longest,
    )
