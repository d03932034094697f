"""SQL reading a CSV of a built package (``data/published/<dataset>/<resource>.csv``): UTF-8,
comma, double quotes, header on line 1, as build writes it. Every cell is text; an empty
cell is ''."""

from __future__ import annotations

from pathlib import Path

from pipeline.sql import ident, literal


def published_table(table: str, path: Path, header: list[str], columns: list[str]) -> str:
    """CREATE a table of ``columns`` (named as in ``header``) of a published CSV."""
    declared = "{" + ", ".join(f"{literal(n)}: 'VARCHAR'" for n in header) + "}"
    options = ", ".join(
        [
            "header = true",
            "auto_detect = false",
            "delim = ','",
            "quote = '\"'",
            "escape = '\"'",
            f"columns = {declared}",
        ]
    )
    items = ", ".join(f"coalesce({ident(c)}, '') AS {ident(c)}" for c in columns)
    return (
        f"CREATE OR REPLACE TEMP TABLE {ident(table)} AS SELECT DISTINCT ON ({ident(columns[0])}) "
        f"{items} FROM read_csv({literal(path.as_posix())}, {options})"
    )
