"""SQL of the headline-figure methods, over the published text of a resource (``relation``: a
FROM item with a column per field, from ``Workspace.text_rows``). Values are compared as text, as they are published (ISO dates
compare correctly); an empty cell meets no comparison."""

from __future__ import annotations

from pipeline.sql import ident, literal

OPS = ("==", "!=", "<", "<=", ">", ">=")


def condition(cond: dict) -> str:
    """One ``{"field", "op", "value"}`` condition; ``op`` is one of ==, !=, <, <=, >, >=, in."""
    col = f"coalesce({ident(cond['field'])}, '')"
    op, value = cond.get("op", "=="), cond["value"]
    if op == "in":
        return f"{col} IN ({', '.join(literal(str(v)) for v in value) or 'NULL'})"
    sql_op = "=" if op == "==" else "<>" if op == "!=" else op
    return f"({col} <> '' AND {col} {sql_op} {literal(str(value))})"


def where(conditions: list[dict]) -> str:
    return " AND ".join(condition(c) for c in conditions) or "TRUE"


def row_count(relation: str, conditions: list[dict]) -> str:
    return f"SELECT count(*) FROM {relation} WHERE {where(conditions)}"


def distinct_count(relation: str, field: str) -> str:
    col = ident(field)
    return f"SELECT count(DISTINCT {col}) FROM {relation} WHERE coalesce({col}, '') <> ''"


def coverage(relation: str, field: str, population: str | None) -> str:
    """Rows, rows whose ``field`` is above 0 (covered) and, with ``population``, the sum of
    that field over the covered rows (unreadable values left out)."""
    covered = f"TRY_CAST({ident(field)} AS DOUBLE) > 0"
    pop = (
        f"sum(TRY_CAST({ident(population)} AS DOUBLE)) FILTER (WHERE {covered})"
        if population
        else "NULL"
    )
    return f"SELECT count(*), count(*) FILTER (WHERE {covered}), {pop} FROM {relation}"


def published_figures(relation: str, key: str, columns: list[str]) -> str:
    return f"SELECT {', '.join(ident(c) for c in [key, *columns])} FROM {relation} ORDER BY __rec"
