"""Editions of the data: how the packages name them and how a report reads them. They are
checked when the declarations are loaded (:mod:`pipeline.declarations.editions`).

- A programme list moves on: its ``source`` is the current edition (with its ``date``); the
  earlier ones stay in ``data/raw/`` and are declared under the resource's ``vintages``.
- A report is a photograph at a date: its ``inputs`` name, for each resource it is computed
  from, the dated edition it was computed from. Updating a list then changes the live package
  and nothing of the report.
- A dataset follows one COG vintage (``"cog": 2024``): every reference table it names
  (``cog2024-communes``…) is of that vintage."""

from __future__ import annotations

import re
from typing import Any

from pipeline.catalog import Catalog, Dataset, ResourceDecl
from pipeline.declarations.editions import COG_RE, PLACEHOLDER_RE
from pipeline.errors import ConfigError
from pipeline.numbers_fr import date_fr, edition_fr, fmt_int

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


def inputs_section(catalog: Catalog, ds: Dataset, files: list[dict]) -> str:
    """README section of a report: the dated edition of each resource it is computed from,
    with its raw file and that file's sha256 (``files``: :func:`pipeline.provenance.input_files`,
    also recorded in ``datapackage.json``)."""
    known = {r.name: (d, r) for d in catalog.datasets.values() for r in d.resources}
    pinned = {f["resource"]: f for f in files}
    lines = [
        "## Éditions des données détaillées",
        "",
        "Ce paquet est calculé à partir des éditions datées ci-dessous (clé `inputs` de "
        f"`schemas/{ds.name}/dataset.json`) : la mise à jour d'une liste de programme change "
        "le paquet de cette liste, jamais ce paquet-ci. Le fichier brut de chaque édition et "
        "son empreinte sont relevés dans `datapackage.json` (clé `inputs`) : une construction "
        "qui lirait un autre fichier, ou d'autres octets, pour la même édition est refusée.",
        "",
        "| Ressource | Jeu | Édition | Fichier brut | sha256 |",
        "|---|---|---|---|---|",
    ]
    for name, date in ds.inputs.items():
        if name not in known:
            lines.append(f"| `{name}` | — | {date_fr(date)} | absente de ce dépôt | |")
            continue
        owner, _ = known[name]
        file = pinned.get(name)
        path = f"`{file['path']}`" if file else "calculée par le pipeline"
        digest = f"`{file['hash'][7:]}`" if file and file["hash"] else ""
        lines.append(f"| `{name}` | `{owner.name}` | {date_fr(date)} | {path} | {digest} |")
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


def fill_description(ds: Dataset, text) -> str:
    """The dataset's description with its placeholders filled from the declaration and from
    the data (``text``: :class:`pipeline.build.WorkspaceText`, the published text of the
    run's tables, counted by DuckDB so that a table of any size is never loaded)."""

    def value(match: re.Match) -> str:
        kind, arg = match.groups()
        res, fld = _target(ds, arg, kind in ("distinct", "count"))
        if kind == "edition":
            return edition_fr(res.source.date)  # type: ignore[union-attr, arg-type]
        if kind == "cog":
            return f"COG {ds.cog}"
        if kind == "rows":
            return fmt_int(text.row_count(res.name))
        counts = text.counts(res.name, [fld])
        values = counts[fld].fillna("")
        if kind == "distinct":
            return fmt_int(int((values != "").sum()))
        wanted = (arg or "").split("=", 1)[1]
        return fmt_int(int(counts["__count"][values == wanted].sum()))

    return PLACEHOLDER_RE.sub(value, ds.meta.get("description", ""))
