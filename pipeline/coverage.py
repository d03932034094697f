"""Commune-level coverage by ANCT programmes. The programmes are declared in the dataset's
``dataset.json`` under ``programmes`` (never in code): each names a resource and the field
holding an INSEE commune code, and optionally row conditions (``where``). The communes and
régions are those of the dataset's COG vintage (``cog``) unless the derivation names them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.catalog import Dataset
from pipeline.derive import Derivation, options, register_derivation
from pipeline.errors import ConfigError
from pipeline.options import RESOURCE
from pipeline.options import conditions as conditions_schema


def isin(series: pd.Series, values) -> np.ndarray:
    """Membership as a boolean array (pyarrow's ``is_in``: milliseconds where pandas' ``isin``
    on Arrow strings converts every call)."""
    if not len(series):
        return np.zeros(0, dtype=bool)
    value_set = pa.array([str(v) for v in values], pa.string())
    found = pc.is_in(pa.array(series.astype("str").fillna("").array), value_set=value_set)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def where(frame: pd.DataFrame, conditions: list[dict]) -> pd.Series:
    """Rows meeting every condition ``{"field", "op", "value"}``; ``op`` is one of ==, !=, <,
    <=, >, >=, in. Values are compared as text (ISO dates compare correctly)."""
    mask = pd.Series(True, index=frame.index)
    for cond in conditions:
        col = frame[cond["field"]].astype(str)
        op, value = cond.get("op", "=="), cond["value"]
        if op == "in":
            mask &= isin(col, [str(v) for v in value])
        elif op in ("==", "!=", "<", "<=", ">", ">="):
            filled = col != ""
            mask &= (
                filled
                & {
                    "==": col == str(value),
                    "!=": col != str(value),
                    "<": col < str(value),
                    "<=": col <= str(value),
                    ">": col > str(value),
                    ">=": col >= str(value),
                }[op]
            )
        else:
            raise ConfigError(f"Opérateur de condition inconnu : « {op} ».")
    return mask


def programmes(dataset: Dataset) -> list[dict]:
    progs = dataset.meta.get("programmes")
    if not progs:
        raise ConfigError(f"{dataset.folder / 'dataset.json'} : « programmes » manquant.")
    return progs


def _current_code(communes: pd.DataFrame) -> pd.Series:
    """Map every COG code (commune déléguée, associée, arrondissement) to its current commune."""
    parent = communes["commune_parente"].where(communes["commune_parente"] != "")
    chef = communes["chef_lieu"].where(communes["chef_lieu"] != "")
    target = parent.fillna(chef).fillna(communes["code_insee"])
    actual = communes["type"] == "commune-actuelle"
    target = target.where(~actual, communes["code_insee"])
    return pd.Series(target.to_numpy(), index=communes["code_insee"].to_numpy())


@register_derivation
class Coverage(Derivation):
    """One row per commune of the reference kept by ``where``: a boolean per programme, and
    the number of programmes."""

    kind = "coverage"
    options_schema = options(
        kind, [], communes=RESOURCE, where=conditions_schema("communes", cog="communes")
    )

    def frame(self) -> pd.DataFrame:
        return coverage_table(self, self.dataset, self.options)


@register_derivation
class CoverageSummary(Derivation):
    """Share of communes and inhabitants covered by at least one programme: France (metro and
    DROM) then each région."""

    kind = "coverage-summary"
    options_schema = options(kind, ["coverage"], coverage=RESOURCE, regions=RESOURCE)

    def frame(self) -> pd.DataFrame:
        return coverage_summary(self, self.dataset, self.options, self.res.field_names)


def coverage_table(d: Derivation, dataset: Dataset, spec: dict) -> pd.DataFrame:
    communes = d.text(spec.get("communes", dataset.cog_resource("communes")))
    keep = where(communes, spec.get("where", []))
    base = communes[keep]
    to_current = _current_code(communes.drop_duplicates("code_insee"))
    out = pd.DataFrame(
        {
            "code_insee": base["code_insee"].to_numpy(),
            "nom": base["nom"].to_numpy(),
            "departement": base["departement"].to_numpy(),
            "region": base["region"].to_numpy(),
            "population": base["population"].to_numpy(),
        }
    )
    count = pd.Series(0, index=out.index)
    for prog in programmes(dataset):
        frame = d.text(prog["resource"])
        frame = frame[where(frame, prog.get("where", []))]
        codes = set(frame[prog.get("field", "insee_com")].map(to_current).dropna())
        covered = pd.Series(isin(out["code_insee"], codes), index=out.index)
        out[prog["column"]] = covered.map({True: "true", False: "false"})
        count += covered.astype(int)
    out["nb_programmes"] = count.astype(str)
    return out.sort_values("code_insee").reset_index(drop=True)


def _share(part: float, whole: float) -> str:
    return f"{100 * part / whole:.2f}" if whole else ""


def summarise(cov: pd.DataFrame, columns: list[str]) -> dict[str, str]:
    pop = pd.to_numeric(cov["population"], errors="coerce").fillna(0)
    covered = pd.to_numeric(cov["nb_programmes"]).gt(0)
    row = {
        "communes": str(len(cov)),
        "communes_couvertes": str(int(covered.sum())),
        "part_communes": _share(covered.sum(), len(cov)),
        "population": str(int(pop.sum())),
        "population_couverte": str(int(pop[covered].sum())),
        "part_population": _share(pop[covered].sum(), pop.sum()),
    }
    for col in columns:
        row[f"communes_{col}"] = str(int((cov[col] == "true").sum()))
    return row


def coverage_summary(
    d: Derivation, dataset: Dataset, spec: dict, field_names: list[str]
) -> pd.DataFrame:
    cov = d.text(spec["coverage"])
    regions = d.text(spec.get("regions", dataset.cog_resource("regions"))).set_index("code")["nom"]
    columns = [p["column"] for p in programmes(dataset)]
    rows = [
        {
            "niveau": "france",
            "code": "",
            "nom": "France (métropole et DROM)",
            **summarise(cov, columns),
        }
    ]
    for code, group in cov.groupby("region", sort=True):
        rows.append(
            {
                "niveau": "region",
                "code": code,
                "nom": regions.get(code, ""),
                **summarise(group, columns),
            }
        )
    frame = pd.DataFrame(rows)
    for name in field_names:
        if name not in frame.columns:
            frame[name] = ""
    return frame[field_names].astype(str)


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
