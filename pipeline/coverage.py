"""Commune-level coverage by ANCT programmes. The programmes are declared in the dataset's
``dataset.json`` under ``programmes`` (never in code): each names a resource and the field
holding an INSEE commune code, and optionally row conditions (``where``). The communes and
régions are those of the dataset's COG vintage (``cog``) unless the derivation names them."""

from __future__ import annotations

from pipeline.catalog import Dataset
from pipeline.derive import Derivation, Derived, options, register_derivation
from pipeline.errors import ConfigError
from pipeline.options import RESOURCE
from pipeline.options import conditions as conditions_schema
from pipeline.sql import derive as q

FRANCE = "France (métropole et DROM)"
# What the coverage reads of the communes table, besides the fields of its conditions.
COMMUNE_FIELDS = [*q.COVERAGE_BASE, "type", "commune_parente", "chef_lieu"]


def programmes(dataset: Dataset) -> list[dict]:
    progs = dataset.meta.get("programmes")
    if not progs:
        raise ConfigError(f"{dataset.folder / 'dataset.json'} : « programmes » manquant.")
    return progs


def _fields(conditions: list[dict]) -> list[str]:
    return [c["field"] for c in conditions]


@register_derivation
class Coverage(Derivation):
    """One row per commune of the reference kept by ``where`` (conditions compared as text:
    ISO dates compare correctly), by code: a boolean per programme, and the number of
    programmes. A programme covers a commune when one of its rows names it, or one of its
    communes déléguées or associées or municipal arrondissements."""

    kind = "coverage"
    options_schema = options(
        kind, [], communes=RESOURCE, where=conditions_schema("communes", cog="communes")
    )

    def query(self) -> Derived:
        spec, dataset = self.options, self.dataset
        kept = spec.get("where", [])
        communes = self.text(
            spec.get("communes", dataset.cog_resource("communes")),
            [*COMMUNE_FIELDS, *_fields(kept)],
        )
        progs = []
        for prog in programmes(dataset):
            fld, conditions = prog.get("field", "insee_com"), prog.get("where", [])
            table = self.text(prog["resource"], [fld, *_fields(conditions)])
            progs.append((table, fld, conditions, prog["column"]))
        columns = [*q.COVERAGE_BASE, *(p[3] for p in progs), "nb_programmes"]
        return Derived(q.coverage(communes, kept, progs), columns)


@register_derivation
class CoverageSummary(Derivation):
    """Share of communes and inhabitants covered by at least one programme: France (metro and
    DROM) then each région."""

    kind = "coverage-summary"
    options_schema = options(kind, ["coverage"], coverage=RESOURCE, regions=RESOURCE)

    def query(self) -> Derived:
        spec, dataset = self.options, self.dataset
        columns = [p["column"] for p in programmes(dataset)]
        cov = self.text(spec["coverage"], ["region", "population", "nb_programmes", *columns])
        regions = self.text(spec.get("regions", dataset.cog_resource("regions")), ["code", "nom"])
        fields = self.res.field_names
        return Derived(q.coverage_summary(cov, regions, columns, fields, FRANCE), fields)


def programmes_readme_section(dataset: Dataset) -> str:
    """The README section saying exactly which programmes count towards « covered »."""
    lines = [
        "## Programmes comptés",
        "",
        "Une commune est « couverte » quand au moins un des programmes ci-dessous la concerne : "
        "son code INSEE (ou celui d'une de ses communes déléguées ou associées, ou d'un de ses "
        "arrondissements municipaux) figure dans la ressource indiquée. La liste est déclarée "
        "dans `schemas/" + dataset.name + "/dataset.json` (clé `programmes`).",
        "",
        "| Colonne | Programme | Ressource | Champ | Conditions |",
        "|---|---|---|---|---|",
    ]
    for prog in programmes(dataset):
        conds = " et ".join(
            f"{c['field']} {c.get('op', '==')} {c['value']}" for c in prog.get("where", [])
        )
        lines.append(
            f"| `{prog['column']}` | {prog['label']} | `{prog['resource']}` | "
            f"`{prog.get('field', 'insee_com')}` | {conds or 'toutes les lignes'} |"
        )
    excluded = dataset.meta.get("programmes_exclus", [])
    if excluded:
        lines += ["", "Ne sont pas comptés : " + " ; ".join(excluded) + "."]
    lines.append("")
    return "\n".join(lines)
