"""Values of declarations tried where they will be used: regexes in Python's ``re`` and in
DuckDB's RE2, date formats read by the engine's own reader of dates
(:mod:`pipeline.sql.temporal`, Python's ``strptime``). A Table Schema's patterns, bounds and
``enum`` members are tried with the engine's support (:mod:`pipeline.sql.support`), so that
a declaration the engine would misread is refused at load rather than blamed on the data."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

import duckdb

from pipeline.sql import fields as sqlf
from pipeline.sql.pyregex import Untranslatable, compile_python, python_error_fr
from pipeline.sql.temporal import BadFormat

SAMPLE = datetime(2023, 11, 25, 13, 47, 52)
EXAMPLE = "« %d/%m/%Y » ou « %Y-%m-%d »"


def _re2_fr(detail: str) -> str:
    if detail.startswith("invalid perl operator"):
        return (
            f"construction {detail.split(':', 1)[-1].strip()} non prise en charge ; réécrivez le "
            "motif sans anticipation (?=…), (?!…), rétrospection (?<=…) ni référence arrière \\1"
        )
    if detail.startswith("missing )"):
        return "parenthèse fermante manquante"
    if detail.startswith("missing ]"):
        return "crochet fermant « ] » manquant"
    for en, fr in RE2_ERRORS_FR.items():
        if detail.startswith(en):
            rest = detail[len(en) :].strip(" :")
            return f"{fr} ({rest})" if rest else fr
    return detail


RE2_ERRORS_FR = {
    "invalid repetition size": "nombre de répétitions au-delà de 1 000, la limite de RE2",
    "invalid character class range": "intervalle de caractères à l'envers ou invalide",
    "invalid character class": "classe de caractères invalide",
    "invalid escape sequence": "séquence d'échappement inconnue",
    "trailing \\": "barre oblique inverse seule à la fin du motif",
    "bad repetition operator": "quantificateur mal placé",
    "missing argument to repetition operator": "quantificateur sans rien à répéter",
    "invalid named capture group": "nom de groupe invalide",
    "duplicate capture group name": "deux groupes portent le même nom",
    "pattern too large - compile failed": "motif trop grand pour RE2",
    "invalid UTF-8": "motif qui n'est pas du texte UTF-8 valide",
    "invalid nested repetition operator": "quantificateurs imbriqués trop profondément",
    "unexpected )": "parenthèse fermante en trop",
}


class Engine:
    """Answers computed in the process's scratch DuckDB connection (no extension is ever
    loaded), opened on first need. The answers depend on their inputs only, so they are kept for the
    life of the process: a run checks the same patterns and formats again and again."""

    _answers: ClassVar[dict[tuple, str | None]] = {}

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        # the connection that reads constants at load: one in-memory DuckDB per process
        from pipeline.sql.constants import scratch

        return scratch()

    def _cached(self, key: tuple, compute: Callable[[], str | None]) -> str | None:
        if key not in self._answers:
            self._answers[key] = compute()
        return self._answers[key]

    def _regex_problem(self, pattern: str, python: bool = True, re2: bool = True) -> str | None:
        if python:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    compile_python(pattern)
            except re.error as exc:
                return python_error_fr(exc)
        if not re2:
            return None
        try:
            self.con.execute("SELECT regexp_matches('', ?)", [pattern]).fetchall()
        except duckdb.Error as exc:
            detail = str(exc).split(":", 1)[-1].strip()
            return f"expression régulière refusée par le moteur RE2 : {_re2_fr(detail)}"
        return None

    def _rewrite_problem(self, pattern: str, replace: str) -> str | None:
        try:
            self.con.execute(
                "SELECT regexp_replace('', ?, ?)", ["^.*?" + pattern + ".*$", replace]
            ).fetchall()
        except duckdb.Error as exc:
            found = re.search(r"requests (\d+) matches, but the regexp only has (\d+)", str(exc))
            if found:
                return (
                    f"le remplacement « {replace} » cite le groupe \\{found.group(1)} mais le "
                    f"motif n'a que {found.group(2)} groupe(s) entre parenthèses"
                )
            detail = str(exc).split(":", 1)[-1].strip()
            if "must be followed by a digit" in detail or "\\g<" in replace:
                return (
                    f"remplacement « {replace} » impossible : un groupe se cite \\1 à \\9 "
                    "(\\g<…> et les noms de groupes ne sont pas lus)"
                )
            return f"remplacement « {replace} » impossible ({detail})"
        return None

    def _date_format_problem(self, fmt: str, kind: str = "date") -> str | None:
        if fmt in ("default", "any"):
            return None
        if "%" not in fmt:
            return f"format de date sans aucune directive : écrivez par exemple {EXAMPLE}"
        try:
            sqlf.compile_field({"name": "d", "type": kind, "format": fmt}, "''", [""], {})
        except (BadFormat, Untranslatable, re.error) as exc:
            return f"format de date illisible : {exc} ; écrivez par exemple {EXAMPLE}"
        directives = set(re.findall(r"%(.)", fmt))
        if "M" in directives and not directives & {"H", "I"}:
            return (
                f"le format « {fmt} » lit des minutes (%M) sans heure : le mois s'écrit %m. "
                f"Écrivez par exemple {EXAMPLE}"
            )
        return None

    def regex_problem(self, pattern: str, python: bool = True, re2: bool = True) -> str | None:
        """Why ``pattern`` does not compile in RE2 (DuckDB) or, with ``python``, in ``re``
        (frictionless and Great Expectations); None when it compiles in both. ``re2=False``
        for a regex of an expectation: one RE2 cannot run goes to GX."""
        key = ("re", pattern, python, re2)
        return self._cached(key, lambda: self._regex_problem(pattern, python, re2))

    def rewrite_problem(self, pattern: str, replace: str) -> str | None:
        """Why ``replace`` cannot rewrite a match of ``pattern`` (e.g. ``\\3`` with two
        groups), as :func:`pipeline.sql.computed.computed_sql` uses them."""
        key = ("rewrite", pattern, replace)
        return self._cached(key, lambda: self._rewrite_problem(pattern, replace))

    def date_format_problem(self, fmt: str, kind: str = "date") -> str | None:
        """Why the engine cannot read dates with ``fmt`` (an unknown directive, one Python's
        ``strptime`` refuses or we do not read), or why ``fmt`` is surely a typo: no
        directive, minutes (``%M``) without hours where the month (``%m``) was meant. (The
        ``fmt:`` prefix of old Table Schemas is read, as frictionless reads it.)"""
        return self._cached(("date", fmt, kind), lambda: self._date_format_problem(fmt, kind))
