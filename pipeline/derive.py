"""Resources computed by the pipeline from other resources, declared in ``dataset.json`` with
``"derive": {"kind": ..., ...}``. Each kind returns a frame of strings whose columns are
exactly the resource schema's field names."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from pipeline.catalog import Dataset, ResourceDecl
from pipeline.errors import ConfigError


def _text(ws, resource: str) -> pd.DataFrame:
    return ws.text_of(resource)  # DependencyInvalid when the resource is unreadable


def expand_groupings(ws, dataset: Dataset, res: ResourceDecl, spec: dict) -> pd.DataFrame:
    """One row per member commune of each grouping (EPCI, EPT) of ``groupings``, named as in
    the membership table; a grouping that is itself a commune (``commune`` filled) gives that
    commune, named as in the COG."""
    groups = _text(ws, spec["groupings"])
    members = _text(ws, spec["members"])
    out_f = spec["output"]
    keep = list(spec.get("keep", []))
    code, commune = spec["code"], spec.get("commune")
    names = _text(ws, spec["communes"]).drop_duplicates("code_insee").set_index("code_insee")["nom"]
    mem = members[[spec["member_group"], spec["member_code"], spec["member_name"]]].rename(
        columns={
            spec["member_group"]: code,
            spec["member_code"]: out_f["code"],
            spec["member_name"]: out_f["name"],
        }
    )
    by_group = groups
    if commune:
        by_group = groups[groups[commune] == ""]
    expanded = by_group[[*keep, code]].merge(mem, on=code, how="inner")
    parts = [expanded]
    if commune:
        single = groups[groups[commune] != ""][[*keep, code, commune]]
        single = single.rename(columns={commune: out_f["code"]})
        single[out_f["name"]] = single[out_f["code"]].map(names).fillna("")
        parts.append(single)
    frame = pd.concat(parts, ignore_index=True).rename(columns={code: out_f["via"]})
    frame = frame.drop_duplicates([*keep, out_f["code"]])
    return frame[res.field_names].astype(str).reset_index(drop=True)


def _kinds() -> dict[str, Callable]:
    from pipeline import coverage, figures

    return {
        "expand-groupings": expand_groupings,
        **getattr(coverage, "KINDS", {}),
        **getattr(figures, "KINDS", {}),
    }


def derive(ws, dataset: Dataset, res: ResourceDecl) -> pd.DataFrame:
    spec = res.derive or {}
    kinds = _kinds()
    func = kinds.get(spec.get("kind"))
    if func is None:
        raise ConfigError(
            f"{dataset.folder / 'dataset.json'} : dérivation inconnue « {spec.get('kind')} » pour "
            f"« {res.name} ». Dérivations disponibles : {', '.join(sorted(kinds))}."
        )
    frame = func(ws, dataset, res, spec)
    missing = [n for n in res.field_names if n not in frame.columns]
    if missing:
        raise ConfigError(f"« {res.name} » : la dérivation ne produit pas {', '.join(missing)}.")
    return frame[res.field_names]
