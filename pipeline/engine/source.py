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
from pipeline.engine.lines import Layout, scan_layout
from pipeline.findings import Finding
from pipeline.messages import message, shorten
from pipeline.sql import csv_scan, ident

HEAD_BYTES = 1 << 20
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
    path: Path | None = None  # the file DuckDB reads (maybe a UTF-8 transcoding)
    dialect: dict = field(default_factory=dict)

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
        self, code: str, severity="error", line=None, column=None, fld=None, value=None, **kw
    ) -> Finding:
        return Finding(
            dataset=self.dataset,
            severity=severity,
            code=code,
            message=message(
                code,
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
                raise Fatal([report("delimiter-error", line=1, found=other, declared=delimiter)])
    counts = Counter(header)
    columns: dict[str, int] = {}
    for index, label in enumerate(header):
        if label == "":
            findings.append(report("blank-header", line=1, column=index + 1))
        elif counts[label] > 1 and label in columns:
            findings.append(report("duplicate-label", line=1, column=index + 1, label=label))
        elif label not in expected:
            findings.append(report("extra-label", line=1, column=index + 1, label=shorten(label)))
        else:
            columns[label] = index
    for name in expected:
        if name not in columns:
            findings.append(report("missing-label", line=1, fld=name))
    return columns, findings


def first_record(path: Path, dialect: dict) -> list[str] | None:
    """The header record, read by Python's csv module from the head of a UTF-8 file."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    if not text.strip("\r\n"):
        return None
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=dialect.get("delimiter", ","),
        quotechar=dialect.get("quoteChar", '"'),
        strict=False,
    )
    return next(reader, None)


def csv_source(
    dataset: str, rel: str, path: Path, res: ResourceDecl, dialect: dict, report: Reporter
) -> Source | None:
    """A direct DuckDB scan of a UTF-8 CSV file, or None when only the exact reader fits."""
    labels = first_record(path, dialect)
    if labels is None:
        raise Fatal([report("source-error", detail=f"{rel} est vide")])
    columns, findings = match_header(labels, res, report, dialect.get("delimiter", ","))
    if len(labels) > MAX_FAST_COLUMNS or len(dialect.get("delimiter", ",")) != 1:
        return None
    layout = scan_layout(path, dialect.get("quoteChar", '"'))
    if layout.new_line is None or not len(layout.starts):
        return None
    header_line = int(layout.starts[0])
    for line in layout.blank_lines:
        if line > header_line:
            findings.append(report("blank-row", line=line))
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
    )
