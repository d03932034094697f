"""Place names compared as a reader compares them: without accents, case, dashes or the
word « arrondissement ». One definition for the two places that compare names, each in its
language: ``pipeline add`` (Python, to propose a ``commune-name`` check) and the
``commune-name`` check itself (DuckDB SQL), so that add never proposes a check that then
warns on names it read as equal.

Ligatures and the typographic apostrophe are spelt out before accents are stripped: Unicode
does not decompose « œ » (Schœlcher) or « æ », so both Python's NFKD and DuckDB's
``strip_accents`` leave them, and the ASCII filter that follows would drop them (« Schlcher »
against the COG's « Schœlcher » or a file's « Schoelcher »)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from pipeline.sql import literal

SPELT_OUT = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'"}
DROPPED_WORDS = ("arrondissement",)


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """``Schœlcher`` and ``SCHOELCHER`` → ``schoelcher``; ``Marseille 1er Arrondissement``
    → ``marseille 1er``."""
    text = str(name)
    for char, spelt in SPELT_OUT.items():
        text = text.replace(char, spelt)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = text.replace("-", " ").casefold().split()
    return " ".join(w for w in words if w not in DROPPED_WORDS)


def name_key_sql(expr: str) -> str:
    """:func:`name_key` in DuckDB SQL, over the text expression ``expr``."""
    for char, spelt in SPELT_OUT.items():
        expr = f"replace({expr}, {literal(char)}, {literal(spelt)})"
    ascii_only = f"regexp_replace(strip_accents({expr}), '[^\\x00-\\x7F]', '', 'g')"
    words = f"string_split_regex(trim(lower(replace({ascii_only}, '-', ' '))), '\\s+')"
    dropped = " AND ".join(f"w <> {literal(w)}" for w in DROPPED_WORDS)
    kept = f"list_filter({words}, lambda w: {dropped} AND w <> '')"
    return f"array_to_string({kept}, ' ')"
