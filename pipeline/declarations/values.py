"""Values of declarations tried where they will be used: regexes in Python's ``re`` and in
DuckDB's RE2, date formats read back by DuckDB's ``strptime``, and constraint bounds read by
the engine's own reader of the field (:func:`pipeline.sql.fields.compile_field`), so that a
declaration the engine would misread is refused at load rather than blamed on the data."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

import duckdb

from pipeline.sql import fields as sqlf
from pipeline.sql import literal

SAMPLE = datetime(2023, 11, 25, 13, 47, 52)
TYPE_FR = {
    "integer": "un nombre entier",
    "number": "un nombre",
    "year": "une année (4 chiffres)",
    "boolean": "un booléen",
    "date": "une date",
    "datetime": "une date et heure",
}


REGEX_FR = {
    "missing ), unterminated subpattern": "parenthèse fermante manquante",
    "unbalanced parenthesis": "parenthèse fermante en trop",
    "unterminated character set": "crochet fermant « ] » manquant",
    "nothing to repeat": "quantificateur (*, +, ?, {n}) sans rien à répéter",
    "multiple repeat": "deux quantificateurs à la suite",
    "min repeat greater than max repeat": "{min,max} avec min plus grand que max",
}


def _regex_fr(msg: str) -> str:
    if msg.startswith("bad escape"):
        return f"séquence d'échappement inconnue {msg.split()[-1]}"
    return REGEX_FR.get(msg, msg)


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
    return detail


class Engine:
    """Answers computed in a DuckDB connection of its own (no extension is ever loaded),
    opened on first need. The answers depend on their inputs only, so they are kept for the
    life of the process: a run checks the same patterns and formats again and again."""

    _answers: ClassVar[dict[tuple, str | None]] = {}

    def __init__(self) -> None:
        self._con: duckdb.DuckDBPyConnection | None = None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = duckdb.connect(
                config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
            )
        return self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()

    def _cached(self, key: tuple, compute: Callable[[], str | None]) -> str | None:
        if key not in self._answers:
            self._answers[key] = compute()
        return self._answers[key]

    def _regex_problem(self, pattern: str, python: bool = True, re2: bool = True) -> str | None:
        if python:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    re.compile(pattern)
            except re.error as exc:
                return f"expression régulière invalide : {_regex_fr(exc.msg)} (position {exc.pos})"
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
            return f"remplacement « {replace} » impossible ({str(exc).split(':', 1)[-1].strip()})"
        return None

    def _date_format_problem(self, fmt: str, kind: str = "date") -> str | None:
        if fmt in ("default", "any"):
            return None
        example = "« %d/%m/%Y » ou « %Y-%m-%d »"
        if fmt.startswith("fmt:"):
            return f"écrivez le format sans le préfixe « fmt: », par exemple « {fmt[4:]} »"
        if "%" not in fmt:
            return f"format de date sans aucune directive : écrivez par exemple {example}"
        try:
            text = SAMPLE.strftime(fmt)
            parsed = self.con.execute("SELECT try_strptime(?, ?)", [text, fmt]).fetchall()[0][0]
        except (ValueError, duckdb.Error) as exc:
            found = re.search(r"Unrecognized format for strftime/strptime: (%.?)", str(exc))
            what = f"directive « {found.group(1)} » inconnue" if found else "directive incomplète"
            return f"format de date « {fmt} » illisible ({what}) : écrivez par exemple {example}"
        if parsed is None or parsed.date() != SAMPLE.date():
            return (
                f"le format « {fmt} » ne relit pas la date 25/11/2023 (écrite « {text} ») : il lui "
                "manque le jour (%d), le mois (%m) ou l'année (%Y) ; %M désigne les minutes et "
                f"%y l'année sur deux chiffres. Écrivez par exemple {example}"
            )
        return None

    def _unreadable(self, fdesc: dict, value: object, dialect: dict) -> str | None:
        ftype = fdesc.get("type", "string")
        if ftype in ("string", "any") or ftype not in sqlf.BUILDERS:
            return None
        plain = {k: v for k, v in fdesc.items() if k != "constraints"}
        compiled = sqlf.compile_field(plain, literal(str(value)), [], dialect)
        try:
            ok = self.con.execute(f"SELECT ({compiled.typed}) IS NOT NULL").fetchall()[0][0]
        except duckdb.Error:
            ok = False
        if ok:
            return None
        wanted = TYPE_FR.get(ftype, f"une valeur de type {ftype}")
        hint = compiled.hint
        if ftype in ("date", "datetime"):
            fmt = compiled.format
            hint = f" au format « {fmt} », par exemple « {SAMPLE.strftime(fmt)} »"
        return f"« {value} » ne se lit pas comme {wanted}{hint}"

    def regex_problem(self, pattern: str, python: bool = True, re2: bool = True) -> str | None:
        """Why ``pattern`` does not compile in RE2 (DuckDB) or, with ``python``, in ``re``
        (frictionless and Great Expectations); None when it compiles in both. ``re2=False``
        for a regex of an expectation: one RE2 cannot run goes to GX."""
        key = ("re", pattern, python, re2)
        return self._cached(key, lambda: self._regex_problem(pattern, python, re2))

    def rewrite_problem(self, pattern: str, replace: str) -> str | None:
        """Why ``replace`` cannot rewrite a match of ``pattern`` (e.g. ``\\3`` with two
        groups), as :func:`pipeline.tables.computed_sql` uses them."""
        key = ("rewrite", pattern, replace)
        return self._cached(key, lambda: self._rewrite_problem(pattern, replace))

    def date_format_problem(self, fmt: str, kind: str = "date") -> str | None:
        """Why ``fmt`` cannot read dates back: unknown directive, or the day, month or year
        lost (``%M``, minutes, written for ``%m``)."""
        return self._cached(("date", fmt, kind), lambda: self._date_format_problem(fmt, kind))

    def unreadable(self, fdesc: dict, value: object, dialect: dict) -> str | None:
        """Why ``value`` (a constraint bound or enum member) cannot be read as a value of the
        field, the way the engine reads it; None when it can."""
        plain = {k: v for k, v in fdesc.items() if k not in ("constraints", "example")}
        key = ("value", *(json.dumps(x, sort_keys=True) for x in (plain, value, dialect)))
        return self._cached(key, lambda: self._unreadable(plain, value, dialect))
