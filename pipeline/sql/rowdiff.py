"""The SQL of the row-by-row diff (:mod:`pipeline.diff_rows`): two published CSV files read in
place, each reduced to a narrow table (file position, the key a row is matched on, an
occurrence number for repeated keys, a 128-bit fingerprint of the compared cells), then joined
on key and occurrence. Only the narrow tables are joined, so a table of millions of rows is
compared in bounded memory; the rows reported are read again by position."""

from __future__ import annotations

from pathlib import Path

from pipeline.sql import ident, text_csv
from pipeline.sql.scan import BITS, mask_expr

POSITION = "__pos"


def read_rows(path: Path, width: int) -> str:
    """A published CSV file as rows of text: ``__pos`` (1 for the first data row, in file
    order) and ``c0``…, every cell read as written (an empty cell is ``''``, not NULL, as
    Python's csv reads it)."""
    cells = ", ".join(f"coalesce(c{i}, '') AS c{i}" for i in range(width))
    read = text_csv(path, [f"c{i}" for i in range(width)], new_line="\\n", strict=True)
    return f"(SELECT row_number() OVER () AS {POSITION}, {cells} FROM {read})"


def _cells(header: list[str], names: list[str]) -> list[str]:
    """The columns of ``names`` on a side whose header is ``header`` (``''`` when absent)."""
    return [f"c{header.index(n)}" if n in header else "''" for n in names]


def _fingerprint(cells: list[str]) -> list[str]:
    """Two independent 64-bit hashes of the cells, in two orders: rows whose fingerprints
    are equal hold the same cells (a collision has odds of about 2^-128)."""
    if not cells:
        return ["0::UBIGINT", "0::UBIGINT"]
    return [f"hash({', '.join(cells)})", f"hash('rowdiff', {', '.join(reversed(cells))})"]


def _filled(cells: list[str]) -> list[str]:
    """Which cells are not empty: bit ``i % BITS`` of mask ``i // BITS`` for cell ``i``."""
    return [
        mask_expr([f"{c} <> ''" for c in cells[i : i + BITS]]) for i in range(0, len(cells), BITS)
    ]


def narrow_table(
    name: str,
    path: Path,
    header: list[str],
    key: list[str],
    compared: list[str],
    ids: list[str],
    identity: list[str],
) -> str:
    """One side reduced to what the join needs: position, ``k*`` (the key), ``occ`` (its
    occurrence, 1 for the first row with that key), ``h0``/``h1`` (fingerprint of the
    ``compared`` columns), ``f*`` (which of them are filled, see :func:`_filled`), and for reassignments ``i*`` (the producer's identifier), its
    occurrence ``iocc`` and ``d*`` (what identifies the row in the real world)."""
    keys = [f"{c} AS k{i}" for i, c in enumerate(_cells(header, key))]
    prints = [f"{c} AS h{i}" for i, c in enumerate(_fingerprint(_cells(header, compared)))]
    prints += [f"{m} AS f{i}" for i, m in enumerate(_filled(_cells(header, compared)))]
    extra = [f"{c} AS i{i}" for i, c in enumerate(_cells(header, ids))]
    extra += [f"{c} AS d{i}" for i, c in enumerate(_cells(header, identity))]
    over_key = ", ".join(f"k{i}" for i in range(len(key))) or "NULL"
    occurrences = [f"row_number() OVER (PARTITION BY {over_key} ORDER BY {POSITION}) AS occ"]
    if ids:
        over_ids = ", ".join(f"i{i}" for i in range(len(ids)))
        occurrences.append(
            f"row_number() OVER (PARTITION BY {over_ids} ORDER BY {POSITION}) AS iocc"
        )
    inner = ", ".join([POSITION, *keys, *prints, *extra])
    return (
        f"CREATE OR REPLACE TABLE {ident(name)} AS SELECT *, {', '.join(occurrences)} "
        f"FROM (SELECT {inner} FROM {read_rows(path, len(header))})"
    )


def differing(name: str, old: str, new: str, key_width: int, compared: int) -> str:
    """The rows that differ: ``old``/``new`` positions, NULL on the side a row is missing,
    and ``e*``, which of the ``compared`` cells a row holding on both sides emptied (the
    masks of :func:`_filled`)."""
    on = " AND ".join([*(f"o.k{i} = n.k{i}" for i in range(key_width)), "o.occ = n.occ"])
    emptied = [f", o.f{i} & ~n.f{i} AS e{i}" for i in range(-(-compared // BITS))]
    return (
        f"CREATE OR REPLACE TABLE {ident(name)} AS SELECT o.{POSITION} AS old, n.{POSITION} AS new"
        f"{''.join(emptied)} FROM {ident(old)} AS o FULL JOIN {ident(new)} AS n ON {on} "
        f"WHERE o.{POSITION} IS NULL OR n.{POSITION} IS NULL OR o.h0 <> n.h0 OR o.h1 <> n.h1"
    )


def emptied_counts(name: str, compared: int) -> str:
    """One row: for each compared cell, the rows of both sides that emptied it."""
    counts = [f"count_if((e{i // BITS} & {1 << (i % BITS)}) <> 0)" for i in range(compared)]
    return f"SELECT {', '.join(counts)} FROM {ident(name)}"


def reassigned(old: str, new: str, ids_width: int, identity_width: int) -> str:
    """Identifiers on both sides whose row is another one (by what identifies it)."""
    on = " AND ".join([*(f"o.i{i} = n.i{i}" for i in range(ids_width)), "o.iocc = n.iocc"])
    moved = " OR ".join(f"o.d{i} <> n.d{i}" for i in range(identity_width)) or "FALSE"
    return (
        f"SELECT o.{POSITION} AS old, n.{POSITION} AS new FROM {ident(old)} AS o "
        f"JOIN {ident(new)} AS n ON {on} WHERE {moved}"
    )


def rows_at(path: Path, width: int) -> str:
    """The rows of a file at the positions given as the query's parameter (a list)."""
    return (
        f"SELECT * FROM {read_rows(path, width)} "
        f"WHERE {POSITION} IN (SELECT unnest($1::BIGINT[])) ORDER BY {POSITION}"
    )
