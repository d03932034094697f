"""SQL reading a CSV of a built package (``data/published/<dataset>/<resource>.csv``): UTF-8,
comma, double quotes, header on line 1, as build writes it. Every cell is text; an empty
cell is ''."""

from __future__ import annotations

from pathlib import Path

from pipeline.sql import ident, text_csv

KEY_SEPARATOR = "chr(31)"  # between the fields of a key of several fields


def key_text(cells: list[str]) -> str:
    """One text for a row's key, from the SQL of its fields' text (NULL read as '')."""
    parts = [f"coalesce({c}, '')" for c in cells]
    return parts[0] if len(parts) == 1 else f"concat_ws({KEY_SEPARATOR}, {', '.join(parts)})"


def read_published(path: Path, header: list[str]) -> str:
    """The FROM item of a published CSV read in place, every column as text."""
    return text_csv(path, header)


def published_identifiers(
    table: str, path: Path, header: list[str], identifier: str, key: list[str], label: str | None
) -> str:
    """CREATE a table of a published CSV's identifiers, one row per identifier: ``keys``,
    the keys of the rows it names (a territory of two communes names two), and ``named``,
    those rows as a report names them (« Blangy-le-Château (14077) »), in the order of their
    keys."""
    cells = [ident(k) for k in key]
    values = "concat_ws(', ', " + ", ".join(f"coalesce({c}, '')" for c in cells) + ")"
    naming = f"coalesce({ident(label)}, '') || ' (' || {values} || ')'" if label else values
    return (
        f"CREATE OR REPLACE TABLE {ident(table)} AS SELECT "
        f"coalesce({ident(identifier)}, '') AS {ident(identifier)}, "
        f"list(DISTINCT {key_text(cells)}) AS keys, "
        f"string_agg({naming}, ', ' ORDER BY {key_text(cells)}, {naming}) AS named "
        f"FROM {read_published(path, header)} GROUP BY 1"
    )


def filled_counts(path: Path, header: list[str], fields: list[str]) -> str:
    """One row: the published CSV's rows, then, for each of ``fields``, its non-empty cells."""
    counts = [f"count_if(coalesce({ident(f)}, '') <> '')" for f in fields]
    return f"SELECT {', '.join(['count(*)', *counts])} FROM {read_published(path, header)}"
