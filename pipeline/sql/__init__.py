"""Every SQL statement the engine runs is generated in this package, as plain SQL text (no
Python callbacks), so that the same checks can run on another SQL engine (see
docs/scale-out.md). Values from declarations are always quoted with :func:`literal`, names
with :func:`ident`."""

from __future__ import annotations

from pathlib import Path


def ident(name: str) -> str:
    """A quoted identifier."""
    return '"' + str(name).replace('"', '""') + '"'


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ident_key(name: str) -> str:
    """A name as DuckDB compares identifiers, quoted or not: ASCII letters without their case
    (``LIB_FS`` is ``lib_fs``; ``É`` stays apart from ``é``). Two names with one key cannot
    be two columns of one table."""
    return str(name).translate(_ASCII_LOWER)


def literal(value: object) -> str:
    """A SQL literal for a string, number, boolean or None."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def string_list(values) -> str:
    return "[" + ", ".join(literal(str(v)) for v in values) + "]::VARCHAR[]"


def csv_scan(path: Path, width: int, dialect: dict, new_line: str, numbered: bool = True) -> str:
    """A ``read_csv`` call reading every cell as text, in file order: numbered from 0 (the
    header) in ``__rec``, or (``numbered=False``) the data records only, unnumbered, which
    DuckDB can read with all its threads. Rows whose cells are all empty are left out, as
    DuckDB leaves out empty lines: both are blank rows, listed by the layout pass."""
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    quote = dialect.get("quoteChar", '"')
    options = ", ".join(
        [
            f"header = {'false' if numbered else 'true'}",
            "auto_detect = false",
            "strict_mode = true",
            f"delim = {literal(dialect.get('delimiter', ','))}",
            f"quote = {literal(quote)}",
            f"escape = {literal(quote)}",
            f"new_line = {literal(new_line)}",
            f"columns = {columns}",
            "parallel = true",
        ]
    )
    cells = ", ".join(f"c{i}" for i in range(width))
    scan = f"read_csv({literal(path.as_posix())}, {options}) WHERE coalesce({cells}) IS NOT NULL"
    if not numbered:
        return f"(SELECT * FROM {scan})"
    return f"(SELECT row_number() OVER () - 1 AS __rec, * FROM {scan})"
