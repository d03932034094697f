"""Sniff a raw file as the data officer received it: encoding, delimiter, decimal and
thousands separators, date format; for XLSX, the sheet and the header row.

The file is only read, never rewritten. Every cell is kept as the text the pipeline's reader
will see (so codes keep their leading zeros), and the whole file is read, not a sample: a
``ç`` on the last line still decides the encoding (frictionless sniffs the first 100 kB)."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

import pandas as pd

from pipeline.engine.exact import open_quote, swallowed
from pipeline.engine.header import sheet_values, xlsx_cell_text
from pipeline.engine.sniff import diagnosis
from pipeline.engine.workbook import not_workbook, sheet_list, uncomputed_formulas
from pipeline.errors import ConfigError, DataError
from pipeline.messages import message
from pipeline.sql import ident_key

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_FR = {",": "virgule", ";": "point-virgule", "\t": "tabulation", "|": "barre verticale"}
GROUP_CHARS = (" ", "\u00a0", "\u202f")  # space, no-break space, narrow no-break space
# Bytes Windows-1252 leaves undefined: a file holding one cannot be cp1252, only latin-1.
CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
DATE_FORMATS = {
    "%Y-%m-%d": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "%d/%m/%Y": re.compile(r"\d{1,2}/\d{1,2}/\d{4}"),
    "%d-%m-%Y": re.compile(r"\d{1,2}-\d{1,2}-\d{4}"),
}
SAMPLE_LINES = 200
ADD_TEXT_ADVICE = "Renommez-le en .csv et relancez pipeline add : il sera lu comme un CSV."


@dataclass(frozen=True)
class Dialect:
    """What ``dataset.json`` declares under ``source.dialect``."""

    delimiter: str = ","
    encoding: str = "utf-8"
    decimal_char: str = "."
    group_char: str = ""
    date_format: str = "%Y-%m-%d"

    def declaration(self, fmt: str) -> dict[str, str]:
        """The dialect as ``dataset.json`` writes it (an XLSX has no bytes-level keys)."""
        keys = {
            "delimiter": self.delimiter,
            "encoding": self.encoding,
            "decimalChar": self.decimal_char,
            "groupChar": self.group_char,
            "dateFormat": self.date_format,
        }
        if fmt == "xlsx":
            del keys["delimiter"], keys["encoding"]
        return keys


@dataclass
class Sniffed:
    """A raw file read as text cells, with the dialect and layout found."""

    format: str  # csv | xlsx
    dialect: Dialect
    table: pd.DataFrame  # one str column per header label, in file order
    lines: list[int]  # physical line (CSV) or row (XLSX) of each data row
    bom: bool = False
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    header_row: int = 1
    notes: list[str] = field(default_factory=list)


def sniff(path: Path, rel: str, sheet: str | None = None) -> Sniffed:
    """Read ``path`` (shown as ``rel`` in messages) and find how it is written."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        found = _sniff_xlsx(path, rel, sheet)
    elif sheet is not None:
        raise ConfigError(
            f"{rel} n'est pas un classeur XLSX : l'option --sheet ne s'applique qu'aux "
            "classeurs. Relancez sans --sheet."
        )
    else:
        found = _sniff_csv(path, rel)
    decimal, group, date_format = sniff_values(found.table)
    found.dialect = Dialect(
        found.dialect.delimiter, found.dialect.encoding, decimal, group, date_format
    )
    return found


# -- CSV ------------------------------------------------------------------------------------


def sniff_encoding(data: bytes) -> tuple[str, bool]:
    """(encoding as the reader names it, BOM present). UTF-8 when every byte decodes; else
    cp1252, what French spreadsheets save, or latin-1 when a byte cp1252 leaves undefined
    appears (without any byte in 0x80-0x9F the two decode alike)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DataError(
            "Le fichier est encodé en UTF-16, que le pipeline ne lit pas : exportez-le en "
            "« CSV UTF-8 » depuis le tableur."
        )
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        data.decode("utf-8")
        return "utf-8", bom
    except UnicodeDecodeError:
        pass
    if CP1252_UNDEFINED & set(data):
        return "latin-1", False
    return "cp1252", False


def sniff_delimiter(sample: str) -> str:
    """The candidate that splits the first lines into the same, widest number of cells."""
    best, best_key = ",", (-1, -1, -1)
    for delimiter in DELIMITERS:
        try:
            rows = [
                r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter) if r
            ]
        except csv.Error:
            continue
        if not rows:
            continue
        rows = rows[:-1] or rows  # the sample may cut the last record
        width = len(rows[0])
        consistent = sum(len(r) == width for r in rows)
        key = (int(width > 1 and consistent == len(rows)), width if width > 1 else 0, consistent)
        if key > best_key:
            best, best_key = delimiter, key
    return best


def refuse_not_text(path: Path, rel: str) -> None:
    """A file that is not text (an archive, a workbook or a PDF under a .csv name, UTF-16,
    binary data) is refused as ``pipeline validate`` refuses it, before any reading."""
    found = diagnosis(path, {}, path.stem)
    if found is None:
        return
    if "XLSX" in found["what"]:
        found["advice"] = (
            "Renommez-le en .xlsx et relancez pipeline add : il sera lu comme un classeur."
        )
    raise DataError(f"{rel} : {message('format-error', **found)}")


def _sniff_csv(path: Path, rel: str) -> Sniffed:
    data = path.read_bytes()
    if not data.strip():
        raise DataError(f"{rel} est vide : aucune ligne à lire.")
    refuse_not_text(path, rel)
    encoding, bom = sniff_encoding(data)
    text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    # newline="": a line ends at LF, CRLF or a lone CR (old Mac exports), as the reader of
    # pipeline validate reads it
    sample = "".join(io.StringIO(text, newline="").readlines(SAMPLE_LINES * 400)[:SAMPLE_LINES])
    delimiter = sniff_delimiter(sample)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    records: list[list[str]] = []
    lines: list[int] = []
    previous_end = 0
    try:
        for record in reader:
            if record:
                records.append(record)
                lines.append(previous_end + 1)
            previous_end = reader.line_num
    except csv.Error as exc:
        raise DataError(
            f"{rel}, ligne {reader.line_num} : le fichier ne se lit pas comme un CSV ({exc}). "
            "Exportez-le de nouveau depuis le tableur (« CSV UTF-8 »), puis relancez."
        ) from None
    if not records:  # a BOM, blank lines: nothing else
        raise DataError(f"{rel} est vide : aucune ligne à lire.")
    _refuse_unclosed_quote(rel, text, records, lines[-1], delimiter)
    while len(records) > 1 and not any(records[-1]):
        # rows of empty cells after the last record (« ;;;; », left by a spreadsheet):
        # pipeline validate ignores them (trailing-blank-lines), so inference does too
        records.pop()
        lines.pop()
    header, body = records[0], records[1:]
    width = len(header)
    widths = Counter(len(r) for r in body)
    if body and width == 1 and widths.most_common(1)[0][0] > 1:
        raise DataError(
            f"{rel}, ligne {lines[0]} : une seule cellule, contre {widths.most_common(1)[0][0]} sur les "
            "lignes suivantes. Le pipeline lit l'en-tête sur la ligne 1 d'un CSV : retirez les "
            "lignes de titre à l'export."
        )
    for record, line in zip(body, lines[1:], strict=True):
        if len(record) != width:
            raise DataError(
                f"{rel}, ligne {line} : {len(record)} cellule(s), {width} attendues d'après "
                f"l'en-tête (séparateur « {DELIMITER_FR[delimiter]} »). Corrigez l'export "
                "puis relancez."
            )
    table = _frame(rel, header, body, first_line=lines[0])
    return Sniffed(
        "csv",
        Dialect(delimiter=delimiter, encoding=encoding),
        table,
        lines[1:],
        bom=bom,
    )


def _refuse_unclosed_quote(
    rel: str, text: str, records: list[list[str]], start: int, delimiter: str
) -> None:
    """A quote opened and never closed makes the rest of the file the last record's cell:
    said on the line where it opens, rather than as that record's missing cells."""
    if not swallowed(records[-1], text.endswith(("\n", "\r"))):
        return
    opened = open_quote(io.StringIO(text, newline=""), start, delimiter, '"', records[0])
    if opened is None:
        return
    line, _, _, where = opened
    raise DataError(
        f"{rel}, ligne {line} : le guillemet qui ouvre la cellule {where} n'est jamais refermé : "
        "toute la suite du fichier est lue comme une seule cellule. Refermez ce guillemet ou "
        "retirez-le, puis relancez."
    )


def _frame(rel: str, header: list[str], body: list[list[str]], first_line: int) -> pd.DataFrame:
    labels = [label.strip() for label in header]
    for index, label in enumerate(labels, start=1):
        if label == "":
            raise DataError(
                f"{rel}, ligne {first_line} : la colonne {index} n'a pas de nom dans l'en-tête. "
                "Nommez-la dans le fichier source."
            )
    duplicated = [label for label, count in Counter(labels).items() if count > 1]
    if duplicated:
        raise DataError(
            f"{rel}, ligne {first_line} : colonne(s) en double dans l'en-tête : "
            f"{', '.join(duplicated)}. Renommez-les dans le fichier source."
        )
    first: dict[str, str] = {}
    for label in labels:
        other = first.setdefault(ident_key(label), label)
        if other != label:
            raise DataError(
                f"{rel}, ligne {first_line} : les colonnes « {other} » et « {label} » ne "
                "diffèrent que par des majuscules, que le moteur de validation ne distingue "
                "pas dans un nom de colonne. Renommez l'une des deux dans le fichier source."
            )
    if not body:
        raise DataError(f"{rel} n'a pas de ligne de données après l'en-tête.")
    columns = list(zip(*body, strict=True)) if body else [() for _ in labels]
    return pd.DataFrame(
        {label: pd.Series(col, dtype=object) for label, col in zip(labels, columns, strict=True)}
    )


# -- XLSX -----------------------------------------------------------------------------------


def _sniff_xlsx(path: Path, rel: str, sheet: str | None) -> Sniffed:
    from openpyxl import load_workbook

    if not path.stat().st_size:
        raise DataError(f"{rel} est vide : aucune ligne à lire.")
    found = not_workbook(path, path.stem, ADD_TEXT_ADVICE)
    if found is not None:
        raise DataError(f"{rel} : {message('xlsx-format-error', **found)}")
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on a damaged workbook
        raise DataError(f"{rel} : {message('xlsx-damaged', file=rel)}") from exc
    try:
        names = list(workbook.sheetnames)
        if sheet is not None and sheet not in names:
            raise ConfigError(
                f"{rel} n'a pas de feuille « {sheet} » (option --sheet). Feuilles du classeur : "
                f"{', '.join(names)}."
            )
        chosen, raw_rows, most = None, [], 1
        for name in [sheet] if sheet else names:  # the sheet with the most filled rows
            try:
                rows = [list(r) for r in sheet_values(workbook[name])]
            except Exception as exc:  # a damaged sheet
                raise DataError(f"{rel} : {message('xlsx-damaged', file=rel)}") from exc
            filled = sum(any(v is not None and str(v).strip() for v in r) for r in rows)
            if filled > most:  # a header and data: 2 rows at least; a tie keeps the first
                chosen, raw_rows, most = name, rows, filled
    finally:
        workbook.close()
    if chosen is None and sheet is not None:
        raise DataError(
            f"{rel} : la feuille « {sheet} » (option --sheet) ne contient pas un en-tête et des "
            f"données. Feuilles du classeur : {sheet_list(names)} ; relancez sans --sheet pour "
            "prendre celle qui a le plus de lignes remplies."
        )
    if chosen is None:
        raise DataError(
            f"{rel} : aucune feuille ne contient un en-tête et des données (feuilles : "
            f"{sheet_list(names)}). Déposez de nouveau le classeur complet."
        )
    formulas = uncomputed_formulas(path, chosen)
    if formulas:
        where = f"{rel}, feuille « {chosen} »"
        raise DataError(f"{where} : {message('xlsx-uncomputed-formulas', **formulas)}")
    header_index = _header_row(raw_rows)
    rows = []
    for values in raw_rows:
        cells = [xlsx_cell_text(v) for v in values]
        while cells and cells[-1] == "":
            cells.pop()
        rows.append(cells)
    header = rows[header_index]
    width = len(header)
    body, lines = [], []
    for number, cells in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if not any(cells):
            continue  # the validation reports blank rows; inference skips them
        if len(cells) > width:
            raise DataError(
                f"{rel}, feuille « {chosen} », ligne {number} : {len(cells)} cellules remplies, "
                f"{width} colonnes dans l'en-tête (ligne {header_index + 1}). Nommez la colonne "
                "ou videz la cellule."
            )
        body.append(cells + [""] * (width - len(cells)))
        lines.append(number)
    table = _frame(f"{rel}, feuille « {chosen} »", header, body, header_index + 1)
    notes = []
    if len(names) > 1:
        notes.append(
            f"Le classeur compte {len(names)} feuilles ({', '.join(names)}) : la feuille "
            f"« {chosen} » est déclarée (option --sheet pour en choisir une autre)."
        )
    if header_index:
        notes.append(
            f"L'en-tête est à la ligne {header_index + 1} de la feuille « {chosen} » ; les "
            "lignes au-dessus sont ignorées (« headerRow »)."
        )
    return Sniffed(
        "xlsx",
        Dialect(),
        table,
        lines,
        sheet=chosen,
        sheets=names,
        header_row=header_index + 1,
        notes=notes,
    )


def _header_row(rows: list[list]) -> int:
    """Index of the header among the first 30 rows: the first row filled as widely as the
    widest, with text in every cell (title lines above a table fill one cell), or else the
    first one filled so; then, up from it, the top of the rows each filled over half as
    widely. A header with unnamed columns (a blank over an index column, a gap under a
    merged cell) is filled less than the data: it is still the header, refused for its
    unnamed columns, rather than a data row below it silently taken for it."""
    head = rows[:30]
    filled = [sum(v is not None and str(v).strip() != "" for v in r) for r in head]
    widest = max(filled)
    found = filled.index(widest)
    for index, row in enumerate(head):
        cells = [v for v in row if v is not None and str(v).strip() != ""]
        if filled[index] == widest and all(isinstance(v, str) for v in cells):
            found = index
            break
    while found and 2 * filled[found - 1] > widest:
        found -= 1
    return found


# -- Values: decimal and thousands separators, date format -----------------------------------


@cache
def number_regex(decimal: str, group: str) -> re.Pattern:
    """A number as Table Schema reads it with ``decimalChar``/``groupChar``, in full."""
    grouped = rf"\d{{1,3}}(?:{re.escape(group)}\d{{3}})+|" if group else ""
    return re.compile(rf"[+-]?(?:{grouped}\d+)(?:{re.escape(decimal)}\d+)?")


def _column_numbers(values: list[str]) -> tuple[set[str], Counter]:
    """Decimal chars a column of numbers can use (empty when not numbers), and the thousands
    separators its cells show."""
    groups: Counter = Counter()
    decimals = {".", ","}
    for value in values:
        fits = set()
        for decimal in (".", ","):
            if number_regex(decimal, "").fullmatch(value):
                fits.add(decimal)
                continue
            for group in GROUP_CHARS:
                if number_regex(decimal, group).fullmatch(value):
                    fits.add(decimal)
                    groups[group] += 1
                    break
        decimals &= fits
        if not decimals:
            return set(), Counter()
    return decimals, groups


def sniff_values(table: pd.DataFrame) -> tuple[str, str, str]:
    """(decimalChar, groupChar, dateFormat) that type the most columns. Columns that a
    separator or format of the minority would have typed stay text (inference re-checks
    every column against the chosen dialect)."""
    decimal_votes: Counter = Counter()
    group_votes: Counter = Counter()
    date_votes: Counter = Counter()
    for name in table.columns:
        values = [v for v in pd.unique(table[name]) if v != ""]
        if not values:
            continue
        decimals, groups = _column_numbers(values[:2000])
        if decimals and len(decimals) == 1:
            decimal_votes[next(iter(decimals))] += 1
        if decimals:
            group_votes.update(groups)
        for fmt in date_formats(values):
            date_votes[fmt] += 1
    decimal = "," if decimal_votes[","] > decimal_votes["."] else "."
    group = group_votes.most_common(1)[0][0] if group_votes else ""
    date_format = max(date_votes, key=lambda f: (date_votes[f], f != "%Y-%m-%d"), default=None)
    return decimal, group, date_format or "%Y-%m-%d"


def date_formats(values: list[str]) -> list[str]:
    """The formats every value is a real date in (31/02/2024 is not)."""
    found = []
    for fmt, shape in DATE_FORMATS.items():
        if all(shape.fullmatch(v) for v in values):
            try:
                for value in values:
                    datetime.strptime(value, fmt)
            except ValueError:
                continue
            found.append(fmt)
    return found
