"""Editions of the data, checked when the declarations are loaded.

- A programme list moves on: its ``source`` is the current edition (with its ``date``); the
  earlier ones stay in ``data/raw/`` and are declared under the resource's ``vintages``.
- A report is a photograph at a date: its ``inputs`` name, for each resource it is computed
  from, the dated edition it was computed from. Updating a list then changes the live package
  and nothing of the report.
- A dataset follows one COG vintage (``"cog": 2024``): every reference table it names
  (``cog2024-communes``…) is of that vintage."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pipeline.catalog import DEFAULT_COG, Catalog, Dataset, ResourceDecl
from pipeline.errors import ConfigError
from pipeline.numbers_fr import date_fr, edition_fr, fmt_int

COG_RE = re.compile(r"cog(\d{4})-[a-z-]+")


def check_catalog(catalog: Catalog) -> None:
    for ds in catalog.datasets.values():
        if ds.kind == "reference":
            continue
        check_cog(ds, cog_vintages(catalog))
        check_inputs(catalog, ds)
        check_placeholders(ds)


def cog_vintages(catalog: Catalog) -> list[int]:
    """The COG vintages the reference declares (a ``cogYYYY-communes`` table each)."""
    years = set()
    for ds in catalog.references():
        for res in ds.resources:
            match = COG_RE.fullmatch(res.name)
            if match and res.name.endswith("-communes"):
                years.add(int(match.group(1)))
    return sorted(years)


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string of a declaration, with where it is (``checks[0].reference``)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")


def cog_references(res: ResourceDecl) -> Iterator[tuple[str, str, int]]:
    """(where, reference table, its COG year) for each COG table a resource names, in its
    schema's foreign keys, its checks, enrichments and derivation."""
    for i, fk in enumerate(res.schema.get("foreignKeys", [])):
        target = (fk.get("reference") or {}).get("resource", "")
        match = COG_RE.fullmatch(target or "")
        if match:
            yield f"{res.schema_path.name} : foreignKeys[{i}]", target, int(match.group(1))
    for key, value in (("checks", res.checks), ("enrich", res.enrich), ("derive", res.derive)):
        for path, text in _strings(value, key):
            match = COG_RE.fullmatch(text)
            if match:
                yield f"dataset.json : ressource « {res.name} », {path}", text, int(match.group(1))


def check_cog(ds: Dataset, available: list[int]) -> None:
    """A dataset follows one COG vintage: the one it declares, else the one its references
    all name."""
    declared = ds.meta.get("cog")
    if declared is not None and (not isinstance(declared, int) or declared not in available):
        raise ConfigError(
            f"{ds.folder / 'dataset.json'} : « cog » vaut {declared!r} ; millésimes du COG "
            f"disponibles : {', '.join(map(str, available)) or 'aucun'}."
        )
    found = [ref for res in ds.resources for ref in cog_references(res)]
    expected = declared or (found[0][2] if found else DEFAULT_COG)
    for where, target, year in found:
        if year != expected:
            said = f"déclare « cog »: {declared}" if declared else f"lit aussi {found[0][1]}"
            raise ConfigError(
                f"{ds.folder / where} nomme {target}, mais le jeu {said} : un jeu suit un seul "
                f"millésime du COG. Nommez cog{expected}-… ou changez « cog »."
            )


def check_inputs(catalog: Catalog, ds: Dataset) -> None:
    """Each edition a report names exists: the current source's date or an earlier one."""
    raw = ds.meta.get("inputs")
    if raw is None:
        return
    where = f"{ds.folder / 'dataset.json'} : « inputs »"
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise ConfigError(f'{where} : attendu {{"ressource": "date de l\'édition"}}.')
    known = {r.name: (d, r) for d in catalog.datasets.values() for r in d.resources}
    for name, date in raw.items():
        if name not in known:
            continue  # detail data absent from this repository: its figures are unverifiable
        owner, res = known[name]
        if owner.kind == "reference" or owner.name == ds.name:
            raise ConfigError(
                f"{where} : « {name} » est une ressource {'du référentiel' if owner.kind == 'reference' else 'de ce jeu'} ; "
                "seules les ressources des autres jeux ont des éditions à figer."
            )
        if date not in res.editions:
            editions = ", ".join(res.editions) or "aucune édition datée"
            raise ConfigError(
                f"{where} : « {name} » figé à l'édition {date}, que schemas/{owner.name}/"
                f"dataset.json ne déclare pas (éditions : {editions}). Quand la liste est mise à "
                "jour, son ancienne source passe sous « vintages » avec sa date."
            )


# --- what the package says of its editions ------------------------------------------------


def _dated(path: str, date: str | None) -> str:
    return f"- `{path}`" + (f" ({edition_fr(date)})" if date else "")


def provenance_lines(ds: Dataset) -> list[str]:
    """The raw files of the package with their editions, then the earlier editions kept."""
    lines = []
    current = [_dated(r.source.path, r.source.date) for r in ds.resources if r.source]
    if current:
        lines += ["", "Fichiers bruts (copiés sans modification dans `data/raw/`) :", "", *current]
    earlier = [
        _dated(v.source.path, v.date)
        for r in ds.resources
        for v in sorted(r.vintages.values(), key=lambda v: v.date, reverse=True)
        if v.source
    ]
    if earlier:
        lines += [
            "",
            "Éditions antérieures, conservées dans `data/raw/` pour les rapports calculés à "
            "partir d'elles :",
            "",
            *earlier,
        ]
    return lines


def inputs_section(catalog: Catalog, ds: Dataset) -> str:
    """README section of a report: the dated edition of each resource it is computed from."""
    known = {r.name: (d, r) for d in catalog.datasets.values() for r in d.resources}
    lines = [
        "## Éditions des données détaillées",
        "",
        "Ce paquet est calculé à partir des éditions datées ci-dessous (clé `inputs` de "
        f"`schemas/{ds.name}/dataset.json`) : la mise à jour d'une liste de programme change "
        "le paquet de cette liste, jamais ce paquet-ci.",
        "",
        "| Ressource | Jeu | Édition | Fichier brut |",
        "|---|---|---|---|",
    ]
    for name, date in ds.inputs.items():
        if name not in known:
            lines.append(f"| `{name}` | — | {date_fr(date)} | absente de ce dépôt |")
            continue
        owner, res = known[name]
        decl = res.at(date) if date in res.vintages else res
        path = f"`{decl.source.path}`" if decl.source else "calculée par le pipeline"
        lines.append(f"| `{name}` | `{owner.name}` | {date_fr(date)} | {path} |")
    lines.append("")
    return "\n".join(lines)


def temporal(ds: Dataset) -> dict:
    """The declared temporal coverage; without an ``end``, the date of the newest current
    edition (when every raw file declares a full date), so that it moves with the data."""
    declared = dict(ds.meta.get("temporal") or {})
    if declared and "end" not in declared:
        dates = [r.source.date for r in ds.resources if r.source]
        if dates and all(d and d.count("-") == 2 for d in dates):
            declared["end"] = max(dates)  # type: ignore[type-var]
    return declared


# --- how a report reads the tables -------------------------------------------------------


def derived_edition(view, dataset: Dataset, res: ResourceDecl) -> str | None:
    """The earlier edition of a derived resource a report's view reads: the one the report
    names, else the one dated like the edition it names of a list of the same dataset (the
    communes of the Territoires d'industrie of 14 November 2023 are derived from the list of
    that date)."""
    if view.owner is None:
        return None
    inputs = view.owner.inputs
    dates = [inputs.get(res.name)] + [inputs.get(r.name) for r in dataset.resources]
    return next((d for d in dates if d in res.vintages), None)


def resolve_table(view, dataset: Dataset, res: ResourceDecl) -> tuple[str, Any, ResourceDecl]:
    """(table key, view that loads it, declaration) of a resource read in a view of the
    workspace (:meth:`pipeline.tables.Workspace.view`): the live tables, or a report's."""
    owner = view.owner
    if res.source is None:
        # A derived resource: a report's own is computed in the report's view; another
        # dataset's, with the editions of the view that reads it.
        loader = view.view(dataset) if dataset.inputs else view
        date = derived_edition(loader, dataset, res)
        decl = res.at(date) if date else res
        suffix = (f"@{date}" if date else "") + (f"#{loader.owner.name}" if loader.owner else "")
        return res.name + suffix, loader, decl
    if dataset.kind == "reference":
        match = COG_RE.fullmatch(res.name)
        if owner is not None and owner.cog and match and int(match.group(1)) != owner.cog:
            raise ConfigError(
                f"{owner.folder / 'dataset.json'} : « {owner.name} » suit le COG "
                f"{owner.cog} mais ses données lisent {res.name}. Une ressource calculée "
                "d'un autre jeu a sans doute changé de millésime : déclarez-en l'édition "
                "antérieure (« vintages », avec sa « derive ») et nommez-la sous « inputs »."
            )
        return res.name, view, res
    if owner is None or dataset.name == owner.name:
        return res.name, view, res
    date = owner.inputs.get(res.name)
    if date is None:
        raise ConfigError(
            f"{owner.folder / 'dataset.json'} : « {res.name} » (jeu {dataset.name}) est lu "
            f"sans édition datée. Déclarez sous « inputs » l'édition dont « {owner.name} » "
            f"est calculé (éditions : {', '.join(res.editions) or 'aucune date déclarée'}), "
            "sinon chaque mise à jour de la liste réécrirait ce rapport."
        )
    if date == res.source.date:
        return res.name, view, res
    return f"{res.name}@{date}", view, res.at(date)


# --- descriptions that cannot contradict their data ----------------------------------------

PLACEHOLDER_RE = re.compile(r"\{([a-z]+)(?::([^{}]+))?\}")
PLACEHOLDERS = {
    "rows": "{rows} ou {rows:ressource} : nombre de lignes",
    "distinct": "{distinct:champ} ou {distinct:ressource.champ} : nombre de valeurs distinctes",
    "count": "{count:champ=valeur} : nombre de lignes où le champ vaut cette valeur",
    "edition": "{edition} ou {edition:ressource} : « édition du 5 septembre 2024 »",
    "cog": "{cog} : « COG 2024 »",
}


def _target(ds: Dataset, arg: str | None, with_field: bool) -> tuple[ResourceDecl, str | None]:
    """(resource, field) named by a placeholder's argument; the first resource by default."""
    name, fld = None, None
    if with_field:
        name, _, fld = (arg or "").rpartition(".")
        fld = fld.split("=")[0]
    else:
        name = arg
    res = next((r for r in ds.resources if r.name == name), None) if name else ds.resources[0]
    if res is None or (with_field and fld not in res.field_names):
        what = "un champ d'une ressource" if with_field else "une ressource"
        raise ConfigError(
            f"{ds.folder / 'dataset.json'} : « description » : {{…:{arg}}} ne nomme pas "
            f"{what} du jeu."
        )
    return res, fld


def check_placeholders(ds: Dataset) -> None:
    """Every ``{…}`` of the dataset's description is a placeholder the build can fill."""
    where = f"{ds.folder / 'dataset.json'} : « description »"
    for match in PLACEHOLDER_RE.finditer(ds.meta.get("description", "")):
        kind, arg = match.groups()
        if kind not in PLACEHOLDERS:
            raise ConfigError(
                f"{where} : {match.group(0)} inconnu. Possibles : "
                + " ; ".join(PLACEHOLDERS.values())
                + "."
            )
        res, _ = _target(ds, arg, kind in ("distinct", "count"))
        if kind == "count" and "=" not in (arg or ""):
            raise ConfigError(f"{where} : {match.group(0)} : attendu {{count:champ=valeur}}.")
        if kind == "edition" and not (res.source and res.source.date):
            raise ConfigError(f"{where} : {match.group(0)} : la source n'a pas de « date ».")
        if kind == "cog" and not ds.cog:
            raise ConfigError(f"{where} : {{cog}} sans « cog » déclaré.")


def fill_description(ds: Dataset, frame_of) -> str:
    """The dataset's description with its placeholders filled from the declaration and from
    the data (``frame_of(resource)``: the published text of a resource)."""

    def value(match: re.Match) -> str:
        kind, arg = match.groups()
        res, fld = _target(ds, arg, kind in ("distinct", "count"))
        if kind == "edition":
            return edition_fr(res.source.date)  # type: ignore[union-attr, arg-type]
        if kind == "cog":
            return f"COG {ds.cog}"
        frame = frame_of(res.name)
        if kind == "rows":
            return fmt_int(len(frame))
        column = frame[fld]
        if kind == "distinct":
            return fmt_int(int(column[column != ""].nunique()))
        return fmt_int(int((column == (arg or "").split("=", 1)[1]).sum()))

    return PLACEHOLDER_RE.sub(value, ds.meta.get("description", ""))
