"""Editions of the data and COG vintages, checked when the declarations load (the rules that
:mod:`pipeline.vintages` applies when the data are read):

- the earlier editions of a resource (``vintages``) each have their own date, other than the
  current source's;
- a report's ``inputs`` name editions that exist, of resources of other datasets; every list
  of another dataset the report reads is among them, and the derived tables of other
  datasets it reads follow the report's COG;
- a dataset follows one COG vintage (``cog``), one the reference declares;
- the ``{…}`` of a description are placeholders the build can fill.

Works on the declarations as read (:class:`~pipeline.declarations.repository.DatasetDoc`):
only what follows the JSON Schema is looked at, the rest being reported already."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.declarations.jsonfile import JsonPath

DEFAULT_COG = 2023  # the COG vintage of a dataset that declares none
COG_RE = re.compile(r"cog(\d{4})-([a-z-]+)")
PLACEHOLDER_RE = re.compile(r"\{([a-z]+)(?::([^{}]+))?\}")
PLACEHOLDERS = {
    "rows": "{rows} ou {rows:ressource} : nombre de lignes",
    "distinct": "{distinct:champ} ou {distinct:ressource.champ} : nombre de valeurs distinctes",
    "count": "{count:champ=valeur} : nombre de lignes où le champ vaut cette valeur",
    "edition": "{edition} ou {edition:ressource} : « édition du 5 septembre 2024 »",
    "cog": "{cog} : « COG 2024 »",
}
BRACES = re.compile(r"\{[^{}]*\}")


def malformed_placeholder(text: str) -> str | None:
    """A brace that opens no placeholder (« {distinct:} », « {rows structures », « rows} »):
    published as written, it would show the reader a brace instead of a number."""
    for found in BRACES.finditer(text):
        if not PLACEHOLDER_RE.fullmatch(found.group(0)):
            return (
                f"« {found.group(0)} » n'est pas un remplacement : écrivez-le entier, par "
                "exemple {rows}, {distinct:champ}, {count:champ=valeur}"
            )
    rest = BRACES.sub("", text)
    for brace, other in (("{", "}"), ("}", "{")):
        if brace in rest:
            at = rest.index(brace)
            return (
                f"accolade « {brace} » sans « {other} » (« {rest[max(0, at - 15) : at + 15]} ») : "
                "un remplacement s'écrit entre accolades, par exemple {rows}"
            )
    return None


def check_temporal(meta: dict, report: Callable[[JsonPath, str], None]) -> None:
    """``temporal.start`` is not after ``temporal.end`` (both ISO dates, by the schema)."""
    temporal = meta.get("temporal")
    if not isinstance(temporal, dict):
        return
    start, end = temporal.get("start"), temporal.get("end")
    if isinstance(start, str) and isinstance(end, str) and start > end:
        report(
            ("temporal", "start"),
            f"la couverture temporelle commence ({start}) après sa fin ({end}) : échangez-les",
        )


UPDATE_HINT = (
    "Quand la liste est mise à jour, son ancienne source passe sous « vintages » avec sa date."
)

Report = Callable[[Path, JsonPath, str], None]  # (file, JSON path, message)


def declared_cog(meta: dict) -> int | None:
    cog = meta.get("cog")
    return cog if isinstance(cog, int) and not isinstance(cog, bool) else None


def editions(decl: dict) -> list[str]:
    """Dates a report can name of a resource: the current source's, then the earlier ones."""
    source = decl.get("source")
    current = [source["date"]] if isinstance(source, dict) and "date" in source else []
    earlier = [v["date"] for v in decl.get("vintages") or [] if isinstance(v, dict) and "date" in v]
    return current + sorted(earlier)


def check_vintage_dates(decl: dict, here: JsonPath, report: Callable[[JsonPath, str], None]):
    """Two editions of a resource never share a date (a resource of the right shape)."""
    source = decl.get("source")
    seen = {source["date"]: "la source actuelle"} if source and "date" in source else {}
    for j, item in enumerate(decl.get("vintages") or []):
        date = item["date"]
        if date in seen:
            report(
                (*here, "vintages", j, "date"),
                f"deux éditions portent la date {date} ({seen[date]} aussi) : chaque édition a "
                "sa date, celle de la liste",
            )
        seen.setdefault(date, f"vintages[{j}]")


def _strings(value: Any, path: JsonPath) -> Iterator[tuple[JsonPath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*path, i))


@dataclass
class Editions:
    """The checks across datasets. ``docs``: every dataset read; ``by_name``: each resource
    (a :class:`ResourceDoc`) by name; ``owner``: its dataset; ``named``: for each dataset, the
    resources its declaration names (path, name); ``derive_named(options, cog)``: the
    resources a derivation's options name (None when they do not follow its schema)."""

    docs: list
    by_name: dict
    owner: dict
    named: dict[str, list[tuple[JsonPath, str]]]
    derive_named: Callable[[dict, int | None], list[str] | None]
    report: Report
    complete: bool = True
    years: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        years = set()
        for doc in self.docs:
            if doc.meta.get("kind") == "reference":
                for res in doc.resources:
                    match = COG_RE.fullmatch(res.decl["name"])
                    if match and match.group(2) == "communes":
                        years.add(int(match.group(1)))
        self.years = sorted(years)

    def check(self) -> None:
        for doc in self.docs:
            if doc.meta.get("kind") == "reference":
                continue
            self.cog(doc)
            self.inputs(doc)
            self.placeholders(doc)

    # --- one COG vintage per dataset ------------------------------------------------------

    def cog_references(self, doc) -> Iterator[tuple[Path, JsonPath, str, int]]:
        """(file, path, table, year) of each COG table the dataset's resources name: in their
        Table Schema's foreign keys, checks, enrichments and derivation (not in the earlier
        editions, which read the COG of their time)."""
        file = doc.folder / "dataset.json"
        for res in doc.resources:
            if res.broken:
                continue
            if isinstance(res.schema, dict) and res.fields is not None:
                fks = res.schema.get("foreignKeys")
                for i, fk in enumerate(fks if isinstance(fks, list) else []):
                    ref = fk.get("reference") if isinstance(fk, dict) else None
                    target = ref.get("resource") if isinstance(ref, dict) else None
                    match = COG_RE.fullmatch(target) if isinstance(target, str) else None
                    if match:
                        path = ("foreignKeys", i, "reference", "resource")
                        yield res.schema_path, path, target, int(match.group(1))
            for key in ("checks", "enrich", "derive"):
                here = ("resources", res.index, key)
                for path, text in _strings(res.decl.get(key), here):
                    match = COG_RE.fullmatch(text)
                    if match:
                        yield file, path, text, int(match.group(1))

    def cog(self, doc) -> None:
        file = doc.folder / "dataset.json"
        declared = declared_cog(doc.meta) if doc.sound("cog") else None
        if declared is not None and self.complete and declared not in self.years:
            years = ", ".join(map(str, self.years)) or "aucun"
            self.report(
                file,
                ("cog",),
                f"« cog » vaut {declared} ; millésimes du COG disponibles : {years} (une table "
                "cogAAAA-communes chacun, dans schemas/reference/)",
            )
            return
        if "cog" in doc.meta and declared is None:
            return  # reported with the shape
        found = list(self.cog_references(doc))
        expected = declared or (found[0][3] if found else DEFAULT_COG)
        for path_file, path, target, year in found:
            if year == expected:
                continue
            said = f"déclare « cog »: {declared}" if declared else f"lit aussi {found[0][2]}"
            kind = COG_RE.fullmatch(target).group(2)  # type: ignore[union-attr]
            self.report(
                path_file,
                path,
                f"« {target} » est une table du COG {year}, mais le jeu {said} : un jeu suit un "
                f"seul millésime du COG ; nommez « cog{expected}-{kind} » ou changez « cog »",
            )

    # --- the editions a report reads --------------------------------------------------------

    def inputs(self, doc) -> None:
        file = doc.folder / "dataset.json"
        inputs = doc.meta.get("inputs") if doc.sound("inputs") else None
        if not inputs:
            return
        for name, date in inputs.items():
            res, owner = self.by_name.get(name), self.owner.get(name)
            if res is None or owner is None or res.broken:
                continue  # reported where it is named, or with its declaration
            if owner.meta.get("kind") == "reference" or owner is doc:
                what = "du référentiel" if owner is not doc else "de ce jeu"
                self.report(
                    file,
                    ("inputs", name),
                    f"« {name} » est une ressource {what} ; seules les ressources des autres "
                    "jeux ont des éditions à figer : retirez-la de « inputs »",
                )
                continue
            known = list(dict.fromkeys(editions(res.decl)))
            if date not in known:
                listed = ", ".join(known) or "aucune édition datée"
                self.report(
                    file,
                    ("inputs", name),
                    f"« {name} » figé à l'édition {date}, que schemas/{owner.folder.name}/"
                    f"dataset.json ne déclare pas (éditions : {listed}). {UPDATE_HINT}",
                )
        cog = declared_cog(doc.meta) if doc.sound("cog") else None
        for path, name in self.named.get(doc.folder.name, []):
            if path[:1] != ("inputs",):
                self.read(doc, inputs, cog, path, name, set())

    def read(self, doc, inputs: dict, cog: int | None, path: JsonPath, name: str, seen: set):
        """A resource the report ``doc`` reads (named at ``path`` of its dataset.json): a list
        of another dataset needs its edition under « inputs »; a derived table of another
        dataset is computed in the report's view, from what its derivation reads then."""
        res, owner = self.by_name.get(name), self.owner.get(name)
        if res is None or owner is None or owner is doc or name in seen:
            return
        seen.add(name)
        file = doc.folder / "dataset.json"
        if owner.meta.get("kind") == "reference":
            match = COG_RE.fullmatch(name)
            if cog is not None and match and int(match.group(1)) != cog:
                self.report(file, path, self.other_cog(doc, cog, name, seen))
            return
        if "source" in res.decl:
            if name not in inputs:
                listed = ", ".join(editions(res.decl)) or "aucune date déclarée"
                self.report(
                    file,
                    path,
                    f"« {name} » (jeu {owner.folder.name}) est lu sans édition datée. Déclarez "
                    f"sous « inputs » l'édition dont « {doc.folder.name} » est calculé "
                    f"(éditions : {listed}), sinon chaque mise à jour de la liste réécrirait "
                    "ce rapport",
                )
            return
        if owner.meta.get("inputs") or res.broken or not isinstance(res.decl.get("derive"), dict):
            return  # a report's own tables are computed with its own editions
        derive = res.decl["derive"]
        dates = [inputs.get(name), *(inputs.get(r.decl["name"]) for r in owner.resources)]
        vintages = {v["date"]: v for v in res.decl.get("vintages") or []}
        date = next((d for d in dates if d in vintages), None)
        if date is not None:
            derive = {**derive, **(vintages[date].get("derive") or {})}
        for other in self.derive_named(derive, declared_cog(owner.meta)) or []:
            self.read(doc, inputs, cog, path, other, seen)

    def other_cog(self, doc, cog: int, table: str, seen: set) -> str:
        via = ", ".join(f"« {n} »" for n in sorted(seen) if n != table)
        return (
            f"« {doc.folder.name} » suit le COG {cog} mais ses données lisent {table}"
            + (f" (par {via})" if via else "")
            + ". Une ressource calculée d'un autre jeu a sans doute changé de millésime : "
            "déclarez-en l'édition antérieure (« vintages », avec sa « derive ») et nommez-la "
            "sous « inputs »"
        )

    # --- descriptions that cannot contradict their data -------------------------------------

    def placeholders(self, doc) -> None:
        file = doc.folder / "dataset.json"
        text = doc.meta.get("description") if doc.sound("description") else None
        if not isinstance(text, str) or not doc.resources:
            return
        for match in PLACEHOLDER_RE.finditer(text):
            problem = self.placeholder(doc, match)
            if problem:
                self.report(file, ("description",), f"{match.group(0)} {problem}")
        problem = malformed_placeholder(text)
        if problem:
            self.report(file, ("description",), problem)

    def placeholder(self, doc, match: re.Match) -> str | None:
        kind, arg = match.groups()
        if kind not in PLACEHOLDERS:
            return "inconnu. Possibles : " + " ; ".join(PLACEHOLDERS.values())
        with_field = kind in ("distinct", "count")
        name, fld = (arg or "").rpartition(".")[0::2] if with_field else (arg, None)
        fld = fld.split("=")[0] if fld is not None else None
        own = {r.decl["name"]: r for r in doc.resources}
        res = own.get(name) if name else doc.resources[0]
        if res is None:
            return (
                f": {{…:{arg}}} ne nomme pas une ressource du jeu ; ressources : {', '.join(own)}"
            )
        if with_field and res.fields is not None and fld not in res.fields:
            return (
                f": {{…:{arg}}} ne nomme pas un champ d'une ressource du jeu ; champs de "
                f"« {res.decl['name']} » : {', '.join(res.fields)}"
            )
        if kind == "count" and "=" not in (arg or ""):
            return ": attendu {count:champ=valeur}"
        source = res.decl.get("source")
        if kind == "edition" and not (isinstance(source, dict) and "date" in source):
            return f": la source de « {res.decl['name']} » n'a pas de « date » : déclarez-la"
        if kind == "cog" and "cog" not in doc.meta:
            return "sans « cog » déclaré : déclarez le millésime du COG que suit le jeu"
        return None
