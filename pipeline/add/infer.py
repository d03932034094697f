"""Infer a Table Schema from every cell of a sniffed file, following schema.data.gouv.fr's
conventions: a type, an ``example`` and an explicit ``constraints.required`` for every field;
a ``pattern`` for codes and identifiers, an ``enum`` for closed lists, foreign keys to the COG,
a proposed ``primaryKey``.

Why not csv-detective (data.gouv.fr's detector) or ``frictionless describe``: both guess types
on a sample, and neither reads a decimal comma, a thousands space or a ``dd/mm/yyyy`` date;
``describe`` types ``01036`` as an integer. csv-detective 0.13 recognises French codes, but
writes made-up examples ("Lorem ipsum"), ``required: false`` everywhere, no foreign key and no
dialect, and pulls in 15 packages (Faker, shapely, dateparser, libmagic…). Here every type is
checked against every cell with the dialect the reader will use, so the inferred schema
validates its own file by construction, and only types, formats and constraints the
validation core checks today are written (no ``format: email``: a pattern instead)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from pipeline.add.formats import (
    WIDTHS,
    Detected,
    Reference,
    detect_code,
    detect_coordinate,
    geography_matches,
    name_matches,
    tokens,
)
from pipeline.add.labels import NAME_DESCRIPTIONS, NAME_TITLES, TODO
from pipeline.add.notes import lost_zeros, numbers_like_communes, off_pattern
from pipeline.add.sniff import Dialect, date_formats, number_regex
from pipeline.add.vintage import choose, measure

TRUE_VALUES = {"true", "True", "TRUE"}
FALSE_VALUES = {"false", "False", "FALSE"}
MISSING_MARKERS = ("NA", "N/A", "n/a", "#N/A", "NC", "nc", "n.c.", "ND", "nd", "n.d.", "-")
ID_TOKENS = {"id", "code", "cod", "num", "numero", "identifiant", "ref", "cle", "matricule"}
NAME_TOKENS = {"com", "commune", "libcom", "nomcom", "nom_commune", "libelle_commune"}
YEAR_TOKENS = {"annee", "year", "millesime", "an"}
INTEGER_RE = re.compile(r"[+-]?\d+")
DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
ENUM_MAX = 10
SAFE_INTEGER = 2**53


@dataclass
class FieldPlan:
    name: str
    title: str = TODO
    type: str = "string"
    format: str | None = None
    example: Any = None
    required: bool = False
    pattern: str | None = None
    enum: list | None = None
    minimum: float | None = None
    maximum: float | None = None
    detected: Detected | None = None
    description: str = TODO
    identifier: bool = False

    def descriptor(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "type": self.type,
        }
        if self.format:
            out["format"] = self.format
        out["example"] = TODO if self.example is None else self.example
        constraints: dict[str, Any] = {"required": self.required}
        for key in ("pattern", "enum", "minimum", "maximum"):
            if getattr(self, key) is not None:
                constraints[key] = getattr(self, key)
        out["constraints"] = constraints
        return out


@dataclass
class Inference:
    fields: list[FieldPlan]
    rows: int
    missing_values: list[str] = field(default_factory=lambda: [""])
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: list[dict] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cog: int | None = None  # the COG vintage the foreign keys name (None: no key to the COG)


def infer(
    table: pd.DataFrame,
    dialect: Dialect,
    refs: Reference | list[Reference],
    prefer: int | None = None,
) -> Inference:
    """The Table Schema of ``table``, tied to the COG vintage among ``refs`` that covers its
    codes best (:mod:`pipeline.add.vintage`; ``prefer``: the vintage the file name gives)."""
    refs = [refs] if isinstance(refs, Reference) else refs or [Reference()]
    missing = [""] + _missing_markers(table, dialect)
    trials = []
    for ref in refs:
        plans = [_field(name, table[name], dialect, missing, ref) for name in table.columns]
        trials.append(measure(table, ref, plans, checks(table, plans, ref)))
    trial, cog_note = choose(trials, prefer)
    plans = trial.fields
    result = Inference(plans, len(table), missing)
    result.cog = trial.ref.year if cog_note else None
    result.primary_key = primary_key(table, plans, missing)
    result.foreign_keys = foreign_keys(plans)
    result.checks = trial.checks
    result.notes = (
        ([cog_note] if cog_note else [])
        + lost_zeros(table, plans)
        + off_pattern(plans)
        + numbers_like_communes(table, plans, trial.ref)
    )
    return result


def _is_identifier(name: str) -> bool:
    words = tokens(name)
    return bool(words & ID_TOKENS) or name.lower().startswith("id")


def _field(name: str, column: pd.Series, dialect: Dialect, missing: list[str], ref) -> FieldPlan:
    is_missing = column.isin(missing)
    present = column[~is_missing]
    plan = FieldPlan(name, required=not bool(is_missing.any()))
    plan.title = NAME_TITLES.get(name.lower(), TODO)
    plan.description = NAME_DESCRIPTIONS.get(name.lower(), TODO)
    if present.empty:
        return plan
    values = [str(v) for v in pd.unique(present)]
    first = present.iat[0]
    plan.example = first
    plan.identifier = _is_identifier(name)

    detected = detect_code(name, values, ref)
    if detected:
        plan.detected, plan.pattern = detected, detected.pattern
        plan.description = detected.description
        return plan
    leading_zero = any(re.fullmatch(r"0\d+", v) for v in values)
    if plan.identifier or leading_zero:
        plan.pattern = shape_pattern(list(values))
        if not plan.identifier:
            _enum(plan, values, len(present))
        return plan
    typed = _typed(values, dialect, name)
    if typed is None:
        _enum(plan, values, len(present))
        return plan
    plan.type, plan.format, convert = typed
    plan.example = convert(first)
    if plan.type == "number":
        numbers = pd.Series([convert(v) for v in values], dtype="float64")
        coordinate = detect_coordinate(name, numbers)
        if coordinate:
            plan.detected, plan.description = coordinate, coordinate.description
            plan.minimum, plan.maximum = coordinate.minimum, coordinate.maximum
    elif plan.type == "integer":
        _enum(plan, values, len(present), convert)
    return plan


def _typed(values: list[str], dialect: Dialect, name: str):
    """(type, format, converter to the published value) of a column, or None for text."""
    strings = list(values)
    if all(v in TRUE_VALUES or v in FALSE_VALUES for v in strings):
        return "boolean", None, lambda v: v in TRUE_VALUES
    if all(INTEGER_RE.fullmatch(v) for v in strings):
        if any(abs(int(v)) >= SAFE_INTEGER for v in strings):
            return None  # beyond exact floats: kept as text
        if tokens(name) & YEAR_TOKENS and all(re.fullmatch(r"\d{4}", v) for v in strings):
            return "year", None, int
        return "integer", None, int
    number = number_regex(dialect.decimal_char, dialect.group_char)
    if all(number.fullmatch(v) for v in strings):
        return "number", None, lambda v: _number(v, dialect)
    if date_formats(strings) and dialect.date_format in date_formats(strings):
        fmt = dialect.date_format
        return "date", None, lambda v: datetime.strptime(v, fmt).date().isoformat()
    if all(DATETIME_RE.fullmatch(v) for v in strings):
        try:
            for v in strings:
                datetime.strptime(v, DATETIME_FORMAT)
        except ValueError:
            return None
        return "datetime", DATETIME_FORMAT, str
    return None


def _number(value: str, dialect: Dialect) -> int | float:
    text = value.replace(dialect.group_char, "") if dialect.group_char else value
    number = float(text.replace(dialect.decimal_char, "."))
    return int(number) if number.is_integer() and abs(number) < SAFE_INTEGER else number


def _enum(plan: FieldPlan, values: list[str], present: int, convert=None) -> None:
    """A closed list: few distinct short values, each seen several times on average."""
    if len(values) > ENUM_MAX or present < 3 * len(values):
        return
    if max(len(v) for v in values) > 60:
        return
    items = [convert(v) for v in values] if convert else list(values)
    plan.enum = sorted(items)


def _missing_markers(table: pd.DataFrame, dialect: Dialect) -> list[str]:
    """Markers such as ``NA`` or ``n.c.`` that stand for an empty cell in a column of numbers
    or dates: declared in ``missingValues`` so that the column keeps its type."""
    found: set[str] = set()
    for name in table.columns:
        values = pd.unique(table[name])
        markers = {v for v in values if v in MISSING_MARKERS}
        rest = [str(v) for v in values if v != "" and v not in markers]
        if markers and rest and _typed(rest, dialect, name) is not None:
            found |= markers
    return sorted(found)


def shape_pattern(values: list[str]) -> str | None:
    """A pattern every identifier matches: constant parts kept, varying parts generalised
    by character class (``pvd-84-01-1`` → ``^pvd-\\d{2}-[0-9A-Z]{2,3}-\\d+$``)."""
    split = [re.findall(r"[A-Za-z0-9]+|[^A-Za-z0-9]+", v) for v in values]
    if len(values) < 2 or len({len(s) for s in split}) != 1:
        return None
    parts = []
    for position in zip(*split, strict=True):
        distinct = set(position)
        if len(distinct) == 1:
            parts.append(re.sub(r"([.^$*+?{}\[\]\\|()])", r"\\\1", position[0]))
            continue
        if not all(p[0].isalnum() for p in distinct):
            return None  # separators differ
        text = "".join(distinct)
        if text.isdigit():
            klass = r"\d"
        elif text.isupper() or not any(c.isalpha() for c in text):
            klass = "[0-9A-Z]"
        elif text.islower():
            klass = "[0-9a-z]"
        else:
            klass = "[0-9A-Za-z]"
        lengths = sorted({len(p) for p in distinct})
        if lengths == [1]:
            count = ""
        elif len(lengths) == 1:
            count = f"{{{lengths[0]}}}"
        elif klass == r"\d":
            count = "+"
        else:
            count = f"{{{lengths[0]},{lengths[-1]}}}"
        parts.append(klass + count)
    pattern = "^" + "".join(parts) + "$"
    compiled = re.compile(pattern)
    return pattern if all(compiled.fullmatch(v) for v in values) else None


def _key_rank(plan: FieldPlan) -> int:
    if plan.identifier:
        return 0
    if plan.detected is not None and plan.detected.pattern:
        return 1
    return 2


def primary_key(table: pd.DataFrame, plans: list[FieldPlan], missing: list[str]) -> list[str]:
    """One complete and unique column, else a pair; identifiers first, then codes."""
    candidates = [
        p
        for p in plans
        if p.required
        and p.type in ("string", "integer", "year")
        and table[p.name].str.len().mean() <= 40
    ]
    candidates.sort(key=lambda p: (_key_rank(p), plans.index(p)))
    rows = len(table)
    for plan in candidates:
        if table[plan.name].nunique() == rows:
            return [plan.name]
    top = candidates[:12]
    counts = {p.name: table[p.name].nunique() for p in top}
    pairs = [(a, b) for i, a in enumerate(top) for b in top[i + 1 :]]
    pairs.sort(key=lambda ab: (_key_rank(ab[0]) + _key_rank(ab[1]), 0))
    for a, b in pairs:
        if counts[a.name] * counts[b.name] < rows:
            continue
        if not table.duplicated(subset=[a.name, b.name]).any():
            return sorted([a.name, b.name], key=lambda n: list(table.columns).index(n))
    return []


def foreign_keys(plans: list[FieldPlan]) -> list[dict]:
    """A key to the COG for each code tied to it: an error, like a well-exported file's,
    when every code is found (codes that lost their zeros included, so that validation
    reports them); a warning when some are absent (another COG vintage, a code in error)."""
    out = []
    for plan in plans:
        found = plan.detected
        if found is None or found.reference is None:
            continue
        resource, key = found.reference
        fk: dict[str, Any] = {
            "fields": plan.name,
            "reference": {"resource": resource, "fields": key},
        }
        hints = []
        if found.lost:
            value, padded = min(found.lost.items())
            hints.append(
                f"un code de moins de {WIDTHS[found.kind]} caractères a perdu son zéro initial "
                f"dans un tableur, comme {value} pour {padded} : exportez la colonne au format "
                "texte"
            )
        if found.absent:
            fk["severity"] = "warning"
            hints.append(
                f"{len(found.absent)} code(s) absent(s) de la référence lors de l'ajout du jeu : "
                "le fichier suit peut-être un autre millésime du COG"
            )
        if hints:
            fk["hint"] = " ; ".join(hints)
        out.append(fk)
    return out


def checks(table: pd.DataFrame, plans: list[FieldPlan], ref: Reference) -> list[dict]:
    """Referential checks, as warnings: commune name and département/région of each commune
    code when the file mostly agrees with the COG, coordinates inside France."""
    kinds: dict[str, list[str]] = {}
    for plan in plans:
        if plan.detected:
            kinds.setdefault(plan.detected.kind, []).append(plan.name)
    out: list[dict] = []
    texts = [p.name for p in plans if p.type == "string" and p.detected is None and p.enum is None]
    for code in kinds.get("commune", []):
        codes = table[code]
        scored = [
            (name_matches(codes, table[n], ref), bool(tokens(n) & NAME_TOKENS), -i, n)
            for i, n in enumerate(texts)
        ]
        best = max(scored, default=(0.0, False, 0, ""))
        if best[0] >= 0.8:
            out.append(
                {"check": "commune-name", "code": code, "name": best[3], "severity": "warning"}
            )
            geography = {"check": "commune-geography", "code": code}
            for level in ("departement", "region"):
                for other in kinds.get(level, []):
                    if geography_matches(codes, table[other], level, ref) >= 0.8:
                        geography[level] = other
                        break
            if len(geography) > 2:
                out.append({**geography, "severity": "warning"})
            break
    if kinds.get("latitude") and kinds.get("longitude"):
        out.append(
            {
                "check": "coordinates-in-france",
                "latitude": kinds["latitude"][0],
                "longitude": kinds["longitude"][0],
                "severity": "warning",
            }
        )
    return out
