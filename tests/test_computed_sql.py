"""A computed field (``computed`` in dataset.json) reads like Python's ``re.search`` then
``expand``: checked on matches, non-matches, empty matches and NULL cells."""

import re

import duckdb
import pytest

from pipeline.sql import ident, literal
from pipeline.sql.computed import computed_sql

CASES = [
    (r"(\d{2})/(\d{2})/(\d{4})", r"\3-\2-\1"),
    (r"(\d*)x", r"<\1>"),  # the match may be empty
    (r"a(b?)", r"\1"),  # a match whose group is empty
    (r"(?:Espace|Maison) (\w+)", r"\g<1>"),
]
TEXTS = [
    "labellisé le 01/02/2020",
    "l'Espace 3/04/2021",
    "x",
    "12x",
    "a",
    "ab",
    "Maison Bleue",
    "rien",
    "",
    None,
]


def python(pattern: str, replace: str, text: str | None) -> str | None:
    if text is None:
        return None
    m = re.search(pattern, text)
    return (m.expand(replace) or None) if m else None


@pytest.mark.parametrize(("pattern", "replace"), CASES)
def test_computed_field_reads_as_python_does(pattern, replace):
    raw, pre = computed_sql({"pattern": pattern, "replace": replace}, "r.src", "f0")
    layer = ", ".join(f"{expr} AS {ident(name)}" for name, expr in pre.items())
    values = ", ".join("(NULL)" if t is None else f"({literal(t)})" for t in TEXTS)
    inner = f"SELECT r.*{', ' + layer if layer else ''} FROM (VALUES {values}) AS r(src)"
    got = [row[0] for row in duckdb.sql(f"SELECT {raw} FROM ({inner}) AS r").fetchall()]
    assert got == [python(pattern, replace, t) for t in TEXTS]
