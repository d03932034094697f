"""Reading an XLSX workbook declared as a raw file, with a French finding for each way it can
fail: a file that is not a workbook at all (a CSV or an archive saved under ``.xlsx``), a
damaged workbook, a declared sheet it does not have, an empty sheet (naming the sheets that
hold data) or a ``headerRow`` below the last filled row. openpyxl's own exceptions are
English and say nothing of what to do: none reaches the data officer."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from pipeline.engine.header import sheet_values, xlsx_rows
from pipeline.engine.sniff import COMPRESSED, UNPACK, not_text, zip_kind
from pipeline.engine.source import Fatal, Reporter, empty_file
from pipeline.messages import shorten

RESAVE_XLSX = (
    "Ouvrez-le dans le tableur et enregistrez-le au format « Classeur Excel (.xlsx) », ou "
    "exportez-le en « CSV UTF-8 » et déclarez ce CSV."
)
UNPACK_ANY = "Décompressez-le et déposez à sa place le fichier qu'il contient."
TEXT_ADVICE = (
    'Renommez-le en .csv et déclarez-le avec "format": "csv" (et son dialecte) dans '
    "schemas/{dataset}/dataset.json, ou ouvrez-le dans le tableur et enregistrez-le au format "
    "« Classeur Excel (.xlsx) »."
)


def sheet_list(names: list[str]) -> str:
    return ", ".join(f"« {shorten(n)} »" for n in names) or "aucune"


def not_workbook(path: Path, dataset: str, text_advice: str = TEXT_ADVICE) -> dict | None:
    """``what`` a file declared as XLSX looks like and the ``advice`` to follow, in French,
    when it is not an XLSX workbook (None when it is a ZIP holding a workbook)."""
    saved = f" enregistré avec l'extension {path.suffix}" if path.suffix else ""
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(b"PK\x03\x04"):
        if not zipfile.is_zipfile(path):
            return None  # a damaged ZIP, most likely a damaged workbook: opening it says so
        what, advice = zip_kind(path)
        if "XLSX" in what:
            return None
        advice = UNPACK_ANY if advice == UNPACK else RESAVE_XLSX
        return {"what": what.format(saved=saved), "advice": advice}
    found = not_text(path, "utf-8")
    if found is None:
        return {
            "what": "du texte (un fichier CSV ?), pas un classeur",
            "advice": text_advice.format(dataset=dataset),
        }
    what, advice = found
    compressed = any(head.startswith(magic) for magic in COMPRESSED)
    return {
        "what": what.format(saved=saved),
        "advice": UNPACK_ANY if compressed else RESAVE_XLSX,
    }


def _has_data(rows: Iterator[tuple[int, list[str]]]) -> int:
    """The last filled row of a sheet (0: none)."""
    last = 0
    for number, cells in rows:
        if cells:
            last = number
    return last


def workbook_records(
    path: Path, sheet: str | int | None, header_row: int, report: Reporter, dataset: str
) -> list[tuple[int, list[str]]]:
    """(row, cells) of the declared sheet from ``header_row`` on, each row as wide as the
    header at least (a sheet stores no trailing empty cells). Raises :class:`Fatal`."""
    from openpyxl import load_workbook

    rel = report.file or str(path)
    if path.stat().st_size == 0:
        raise empty_file(report, rel)
    found = not_workbook(path, dataset)
    if found is not None:
        raise Fatal([report("format-error", message_code="xlsx-format-error", **found)])
    damaged = Fatal([report("format-error", message_code="xlsx-damaged", file=rel)])
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on a damaged workbook
        raise damaged from exc
    try:
        names = list(workbook.sheetnames)
        if isinstance(sheet, str) and sheet not in names:
            raise Fatal(
                [
                    report(
                        "source-error",
                        message_code="xlsx-sheet-missing",
                        file=rel,
                        sheet=shorten(sheet),
                        sheets=sheet_list(names),
                    )
                ]
            )
        index = names.index(sheet) if isinstance(sheet, str) else sheet or 0
        if not 0 <= index < len(names):
            raise Fatal(
                [
                    report(
                        "source-error",
                        message_code="xlsx-sheet-index",
                        file=rel,
                        sheet=index,
                        count=len(names),
                        sheets=sheet_list(names),
                    )
                ]
            )
        try:
            records = list(xlsx_rows(workbook.worksheets[index]))
            if not any(cells for _, cells in records):
                filled = [n for n in names if _has_data(xlsx_rows(workbook[n]))]
        except Fatal:
            raise
        except Exception as exc:  # a damaged sheet
            raise damaged from exc
    finally:
        workbook.close()
    name = shorten(names[index])
    if not any(cells for _, cells in records):
        if filled:
            where = (
                f"Feuille(s) contenant des données : {sheet_list(filled)}. Déclarez la bonne "
                f"sous « sheet » dans schemas/{dataset}/dataset.json."
            )
        else:
            where = "Aucune feuille du classeur ne contient de données : déposez de nouveau le "
            where += "fichier complet."
        raise Fatal(
            [
                report(
                    "source-error",
                    message_code="xlsx-sheet-empty",
                    file=rel,
                    sheet=name,
                    where=where,
                )
            ]
        )
    formulas = _uncomputed(path, names[index], damaged)
    if formulas:
        raise Fatal(
            [
                report(
                    "source-error",
                    message_code="xlsx-sheet-uncomputed",
                    file=rel,
                    sheet=name,
                    **formulas,
                )
            ]
        )
    kept = records[header_row - 1 :]
    if not any(cells for _, cells in kept):
        last = max(number for number, cells in records if cells)
        raise Fatal(
            [
                report(
                    "source-error",
                    message_code="xlsx-header-beyond",
                    file=rel,
                    sheet=name,
                    header_row=header_row,
                    last=last,
                )
            ]
        )
    width = len(next(cells for _, cells in kept if cells))
    return [
        (line, cells + [""] * (width - len(cells)) if 0 < len(cells) < width else cells)
        for line, cells in kept
    ]


def _uncomputed(path: Path, sheet: str, damaged: Fatal) -> dict | None:
    """:func:`uncomputed_formulas` of the declared sheet, a damaged sheet said as such."""
    try:
        return uncomputed_formulas(path, sheet)
    except Exception as exc:  # openpyxl raises many types on a damaged workbook
        raise damaged from exc


FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")  # a cell's <f> element in a sheet's XML


def _has_formulas(path: Path) -> bool:
    """Whether any sheet of the workbook holds a formula, read from the sheets' XML in
    chunks (a workbook without one, most of them, is not parsed cell by cell again)."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not name.startswith("xl/worksheets/") or not name.endswith(".xml"):
                continue
            tail = b""
            with archive.open(name) as handle:
                while chunk := handle.read(1 << 20):
                    if FORMULA.search(tail + chunk):
                        return True
                    tail = chunk[-16:]
    return False


def uncomputed_formulas(path: Path, sheet: str) -> dict | None:
    """When the sheet holds formulas and not one computed value (a workbook written by a
    program that does not compute them: a script, some exports), the number of formulas and
    the first one, its cell and text: read as values, each of them is an empty cell. None
    when the sheet has no formula, or a computed one (a formula may compute to nothing)."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    if not _has_formulas(path):  # nearly always: the sheets are not read twice more
        return None
    books = [load_workbook(path, read_only=True, data_only=values) for values in (False, True)]
    try:
        count, first = 0, None
        rows = zip(*(sheet_values(book[sheet]) for book in books), strict=False)
        for number, (formulas, values) in enumerate(rows, start=1):
            for column, (formula, value) in enumerate(zip(formulas, values, strict=False), start=1):
                if not (isinstance(formula, str) and formula.startswith("=")):
                    continue
                if value is not None:
                    return None
                count += 1
                cell = f"{get_column_letter(column)}{number}"
                first = first or {"cell": cell, "formula": shorten(formula)}
    finally:
        for book in books:
            book.close()
    return {"count": count, **first} if first else None
