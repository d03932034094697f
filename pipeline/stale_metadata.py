"""Hand-written metadata left behind by an update (``metadata-outdated``, a warning).

When a list moves to a new edition, a sentence written by hand in ``dataset.json`` may still
describe the old one. Four rules, chosen to fire on what is certainly stale and on nothing
else:

- the description holds a number equal to the row count of an earlier edition (its raw file,
  counted) and to the row count of no current table: « Liste des 2 458 communes » kept after
  the September list (2 498);
- the description holds the date of an earlier edition (« 12 janvier 2024 », 2024-01-12,
  12/01/2024; « janvier 2024 » for an edition dated 2024-01);
- the description names another COG vintage than the dataset's ``cog`` (« COG 2023 »);
- ``temporal.end`` is before the date of a current edition.

And one rule on the other texts written by hand, which build fills with nothing: a source's
title, a resource's title and description, the current schema's (title, description, each
field's title and description) and each expectation's message naming another COG vintage
than ``cog``: the README says to reread them, the finding says which one (« Code INSEE de la
commune (COG 2023) » published under a package at COG 2024). The schema of an earlier
edition is left out: it describes that edition.

Unseparated years (1900-2100) are not counts; the ``{…}`` placeholders, filled by build, are
left out. The description rules apply once a dataset has earlier editions (after its first
update). The fix is the placeholder (``{rows}``, ``{edition}``, ``{cog}``), or an ``end`` removed."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from pipeline.catalog import Dataset, ResourceDecl, Source
from pipeline.declarations.editions import PLACEHOLDER_RE
from pipeline.declarations.jsonfile import JsonPath, format_path
from pipeline.findings import Finding
from pipeline.messages import message
from pipeline.numbers_fr import MONTHS, edition_fr, fmt_int
from pipeline.repo import Repo

CODE = "metadata-outdated"
COG_TEXT_RE = re.compile(r"\b(?:COG|[Cc]ode officiel géographique(?: \(COG\))?)\s+(\d{4})\b")
NUMBER_RE = re.compile(r"(?<![\d.,])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?![\d,]|\.\d)")


def _numbers(text: str) -> Iterator[tuple[str, int]]:
    """(as written, value) of each number that could be a count."""
    for match in NUMBER_RE.finditer(text):
        written = match.group(1)
        value = int(re.sub(r"\D", "", written))
        if written.isdigit() and len(written) == 4 and 1900 <= value <= 2100:
            continue  # a year
        yield written, value


def _date_patterns(date: str) -> list[re.Pattern]:
    """How a text writes the date of an edition (full dates and months only: a bare year is
    everywhere)."""
    parts = date.split("-")
    if len(parts) == 1:
        return []
    year, month = parts[0], int(parts[1])
    name = MONTHS[month - 1]
    if len(parts) == 2:
        return [re.compile(rf"(?<![\w-]){name}\s+{year}(?!\d)", re.IGNORECASE)]
    day = int(parts[2])
    return [
        re.compile(rf"(?<!\d){date}(?!\d)"),
        re.compile(rf"(?<!\d)0?{day}(?:er)?\s+{name}\s+{year}(?!\d)", re.IGNORECASE),
        re.compile(rf"(?<!\d)0?{day}/0?{month}/{year}(?!\d)"),
    ]


def count_records(root: Path, source: Source) -> int | None:
    """Data records of a CSV raw file (blank lines skipped); None when it cannot be read so
    simply (XLSX, missing file, undecodable bytes): the rule then stays silent."""
    if source.format != "csv":
        return None
    dialect = source.dialect
    try:
        with (root / source.path).open(encoding=dialect.get("encoding", "utf-8"), newline="") as f:
            reader = csv.reader(
                f, delimiter=dialect.get("delimiter", ","), quotechar=dialect.get("quoteChar", '"')
            )
            return max(sum(1 for row in reader if any(row)) - 1, 0)
    except (OSError, UnicodeDecodeError, csv.Error):
        return None


def _earlier(ds: Dataset) -> list[tuple[ResourceDecl, str, Source]]:
    return [
        (res, date, v.source)
        for res in ds.resources
        for date, v in sorted(res.vintages.items())
        if v.source is not None and res.source is not None
    ]


def stale_metadata(ds: Dataset, repo: Repo, rows: dict[str, int]) -> list[Finding]:
    """The ``metadata-outdated`` warnings of a dataset. ``rows``: the row count of each of its
    current tables, as validated (a table that did not read is not counted)."""
    root, file = repo.root, repo.rel(ds.folder / "dataset.json")
    out: list[Finding] = []

    def warn(where: str, value: str, detail: str) -> None:
        text = message(CODE, file=file, where=where, detail=detail)
        out.append(Finding(ds.name, "warning", CODE, text, file=file, field=where, value=value))

    earlier = _earlier(ds)
    description = ds.meta.get("description")
    if earlier and isinstance(description, str):
        text = PLACEHOLDER_RE.sub(" ", description)
        current = {res.name: res.source.date for res in ds.resources if res.source}
        counted: dict[tuple[str, str], int | None] = {}  # (resource, edition date)
        for written, value in _numbers(text):
            if value in rows.values():
                continue
            for res, date, source in earlier:
                if (res.name, date) not in counted:
                    counted[res.name, date] = count_records(root, source)
                if counted[res.name, date] == value and res.name in rows:
                    now = current.get(res.name)
                    warn(
                        "description",
                        written,
                        f"« {written} » est le nombre de lignes de l'{edition_fr(date)} de "
                        f"« {res.name} » ; l'édition actuelle"
                        + (f" ({edition_fr(now)})" if now else "")
                        + f" en compte {fmt_int(rows[res.name])}. Écrivez {{rows}} (ou "
                        f"{{rows:{res.name}}}) : build le tire des données",
                    )
                    break
        for res, date, _ in earlier:
            for pattern in _date_patterns(date):
                match = pattern.search(text)
                if match:
                    now = current.get(res.name)
                    warn(
                        "description",
                        match.group(0),
                        f"« {match.group(0)} » est la date de l'{edition_fr(date)} de "
                        f"« {res.name} », une édition antérieure ; l'actuelle est "
                        + (f"l'{edition_fr(now)}" if now else "sans date")
                        + ". Écrivez {edition} (ou {edition:"
                        + res.name
                        + "}) : build la tire de la déclaration",
                    )
                    break
        for match in COG_TEXT_RE.finditer(text):
            if ds.cog and int(match.group(1)) != ds.cog:
                warn(
                    "description",
                    match.group(0),
                    f"« {match.group(0)} » alors que le jeu suit le COG {ds.cog} (« cog »). "
                    "Écrivez {cog} : build le tire de la déclaration",
                )
    out += _other_cog_in_hand_written_texts(ds, repo)
    end = (ds.meta.get("temporal") or {}).get("end")
    dated = [(r.name, r.source.date) for r in ds.resources if r.source and r.source.date]
    if isinstance(end, str) and dated:
        name, newest = max(dated, key=lambda d: _start(d[1]))
        if end < _start(newest):
            warn(
                "temporal.end",
                end,
                f"la couverture se termine le {end}, avant l'{edition_fr(newest)} de « {name} » "
                f"({newest}). Retirez « end » : elle suit alors la date de l'édition actuelle "
                "(ou mettez-la à jour)",
            )
    return out


def _hand_written_texts(ds: Dataset, repo: Repo) -> Iterator[tuple[str, JsonPath, object, str]]:
    """(file, JSON path, text, how to fix it) of each text written by hand that build
    publishes as it is (the description has its own rules)."""
    meta = repo.rel(ds.folder / "dataset.json")
    by_hand = f"ce texte s'écrit à la main : corrigez-le (COG {ds.cog})"
    for i, source in enumerate(ds.meta.get("sources") or []):
        if isinstance(source, dict):
            fix = f"déclarez la source du COG {ds.cog} (titre et lien)"
            yield meta, ("sources", i, "title"), source.get("title"), fix
    for i, res in enumerate(ds.resources):
        for key in ("title", "description"):
            yield meta, ("resources", i, key), getattr(res, key), by_hand
        schema = repo.rel(res.schema_path) if res.schema_path else None
        if schema and isinstance(res.schema, dict):
            for key in ("title", "description"):
                yield schema, (key,), res.schema.get(key), by_hand
            for j, spec in enumerate(res.schema.get("fields") or []):
                for key in ("title", "description"):
                    if isinstance(spec, dict):
                        yield schema, ("fields", j, key), spec.get(key), by_hand
        suite = repo.rel(res.suite_path) if res.suite_path else None
        if suite and isinstance(res.suite, dict):
            fix = "écrivez {cog} : le message le tire de la déclaration"
            for j, exp in enumerate(res.suite.get("expectations") or []):
                text = ((exp if isinstance(exp, dict) else {}).get("meta") or {}).get("message")
                yield suite, ("expectations", j, "meta", "message"), text, fix


def _other_cog_in_hand_written_texts(ds: Dataset, repo: Repo) -> list[Finding]:
    """« COG 2023 » in a text written by hand of a dataset declaring ``"cog": 2024``."""
    out: list[Finding] = []
    if not ds.cog:
        return out
    for file, path, text, fix in _hand_written_texts(ds, repo):
        if not isinstance(text, str):
            continue
        for match in COG_TEXT_RE.finditer(PLACEHOLDER_RE.sub(" ", text)):
            if int(match.group(1)) != ds.cog:
                where = format_path(path)
                detail = (
                    f"« {match.group(0)} » alors que le jeu suit le COG {ds.cog} (« cog » de "
                    f"{repo.rel(ds.folder / 'dataset.json')}) ; {fix}"
                )
                out.append(
                    Finding(
                        ds.name,
                        "warning",
                        CODE,
                        message(CODE, file=file, where=where, detail=detail),
                        file=file,
                        field=where,
                        value=match.group(0),
                    )
                )
    return out


def _start(date: str) -> str:
    """The first day of an edition's date: 2024-09 -> 2024-09-01, 2024 -> 2024-01-01."""
    return (date + "-01-01")[:10] if len(date) == 4 else (date + "-01")[:10]
