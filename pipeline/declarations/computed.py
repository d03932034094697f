"""Fields a resource computes from a column of its raw file (``computed``,
:mod:`pipeline.sql.computed`): each rewrites a match of its ``pattern`` in a raw column
(``from``) into a field of the Table Schema the raw file does not hold. Refused here: a
pattern RE2 does not read or a replacement citing groups it lacks; ``from`` naming another
computed field; one field computed twice (the last would silently win); a computed field
on a derived table (its derivation makes every field, ``computed`` would be ignored); and a
computed field named like a column of the raw file, read from its header (the computed
value would silently replace the file's)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.declarations.jsonfile import JsonPath
from pipeline.declarations.values import Engine
from pipeline.engine.header import raw_labels

if TYPE_CHECKING:
    from pipeline.declarations.repository import ResourceDoc

Report = Callable[[JsonPath, str], None]


def check_computed(res: ResourceDoc, engine: Engine, report: Report) -> None:
    """The ``computed`` fields of ``res`` (of the right shape, its schema and earlier
    editions read)."""
    specs = res.decl.get("computed") or []
    here: JsonPath = ("resources", res.index, "computed")
    if specs and "derive" in res.decl:
        report(
            here,
            "« computed » extrait un champ d'une colonne du fichier brut ; une ressource "
            "calculée (« derive ») n'a pas de fichier brut, sa dérivation produit tous ses "
            "champs : retirez « computed »",
        )
        return
    names = {spec["name"] for spec in specs}
    first: dict[str, int] = {}
    for j, spec in enumerate(specs):
        _rewrite(spec, (*here, j), engine, report)
        if spec["from"] in names:
            report(
                (*here, j, "from"),
                f"« {spec['from']} » est lui-même calculé : « from » nomme une colonne du "
                "fichier brut",
            )
        name = spec["name"]
        if name in first:
            report(
                (*here, j, "name"),
                f"le champ « {name} » est déjà calculé par computed[{first[name]}] : seule la "
                "dernière déclaration serait appliquée, sans bruit ; gardez-en une seule",
            )
        first.setdefault(name, j)
    if specs:
        _raw_columns(res, first, report)


def _rewrite(spec: dict, path: JsonPath, engine: Engine, report: Report) -> None:
    problem = engine.regex_problem(spec["pattern"], python=False)
    if problem:
        report((*path, "pattern"), problem)
        return
    problem = engine.rewrite_problem(spec["pattern"], spec["replace"])
    if problem:
        report((*path, "replace"), problem)


def _editions(res: ResourceDoc) -> list[tuple[Path, dict, list[str] | None, str | None]]:
    """(raw file, its declaration, the fields it is read with, the edition's date when an
    earlier one) of every raw file the resource reads."""
    editions = []
    if res.raw is not None:
        editions.append((res.raw, res.decl["source"], res.fields, None))
    for v in res.vintages:
        if v.raw is not None:
            fields = v.fields if "schema" in v.decl else res.fields
            editions.append((v.raw, v.decl, fields, v.decl["date"]))
    return editions


def _raw_columns(res: ResourceDoc, computed: dict[str, int], report: Report) -> None:
    """A computed field of the schema named like a column of a raw file it is read from."""
    for raw, source, fields, date in _editions(res):
        if fields is None:
            continue  # an unsound schema: its own problems are reported
        wanted = [name for name in computed if name in fields]
        if not wanted:
            continue
        labels = raw_labels(
            raw,
            source.get("format", "csv"),
            source.get("dialect") or {},
            source.get("sheet"),
            source.get("headerRow", 1),
        )
        if labels is None:
            continue  # unreadable: the engine's findings say why
        edition = f" (édition du {date})" if date else ""
        for name in wanted:
            if name in labels:
                column = labels.index(name) + 1
                report(
                    ("resources", res.index, "computed", computed[name], "name"),
                    f"le champ calculé « {name} » porte le nom de la colonne {column} du fichier "
                    f"brut « {source['path']} »{edition} : sa valeur calculée remplacerait sans "
                    "bruit celle du fichier ; donnez-lui un autre nom (dans « computed » et dans "
                    "le Table Schema), ou retirez cette déclaration si le fichier fournit "
                    "lui-même cette colonne",
                )
