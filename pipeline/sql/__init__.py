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


def text_csv(
    path: Path,
    names: list[str],
    *,
    header: bool = True,
    delimiter: str = ",",
    quote: str = '"',
    new_line: str | None = None,
    strict: bool = False,
    parallel: bool = False,
) -> str:
    """A ``read_csv`` call reading every cell of ``path`` as text, under ``names``, with no
    detection: the one way the pipeline reads a CSV file in DuckDB."""
    columns = "{" + ", ".join(f"{literal(n)}: 'VARCHAR'" for n in names) + "}"
    options = [
        f"header = {'true' if header else 'false'}",
        "auto_detect = false",
        *(["strict_mode = true"] if strict else []),
        f"delim = {literal(delimiter)}",
        f"quote = {literal(quote)}",
        f"escape = {literal(quote)}",
        *([f"new_line = {literal(new_line)}"] if new_line else []),
        f"columns = {columns}",
        *(["parallel = true"] if parallel else []),
    ]
    return f"read_csv({literal(path.as_posix())}, {', '.join(options)})"


def csv_scan(path: Path, width: int, dialect: dict, new_line: str, numbered: bool = True) -> str:
    """A ``read_csv`` call reading every cell as text, in file order: numbered from 0 (the
    header) in ``__rec``, or (``numbered=False``) the data records only, unnumbered, which
    DuckDB can read with all its threads. Rows whose cells are all empty are left out, as
    DuckDB leaves out empty lines: both are blank rows, listed by the layout pass."""
    read = text_csv(
        path,
        [f"c{i}" for i in range(width)],
        header=not numbered,
        delimiter=dialect.get("delimiter", ","),
        quote=dialect.get("quoteChar", '"'),
        new_line=new_line,
        strict=True,
        parallel=True,
    )
    cells = ", ".join(f"c{i}" for i in range(width))
    scan = f"{read} WHERE coalesce({cells}) IS NOT NULL"
    if not numbered:
        return f"(SELECT * FROM {scan})"
    return f"(SELECT row_number() OVER () - 1 AS __rec, * FROM {scan})"
