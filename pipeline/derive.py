"""Resources computed by the pipeline from other resources, declared in ``dataset.json`` with
``"derive": {"kind": ..., ...}``. Each kind is a registered :class:`Derivation` with the JSON
Schema of its options; it returns a frame of strings whose columns are exactly the resource
schema's field names."""

from __future__ import annotations

from typing import ClassVar

import pandas as pd

from pipeline.catalog import Dataset, ResourceDecl
from pipeline.errors import ConfigError
from pipeline.options import RESOURCE, SELF_FIELD, check_options, field_of

DERIVATIONS: dict[str, type[Derivation]] = {}


def register_derivation(cls: type[Derivation]) -> type[Derivation]:
    """Class decorator: make a derivation available by its kind."""
    if cls.kind in DERIVATIONS:
        raise ValueError(f"derivation {cls.kind} registered twice")
    DERIVATIONS[cls.kind] = cls
    return cls


class Derivation:
    """Base class: subclasses set ``kind`` and ``options_schema`` and implement ``frame``."""

    kind: ClassVar[str] = ""
    options_schema: ClassVar[dict] = {"type": "object"}

    def __init__(self, ws, dataset: Dataset, res: ResourceDecl, options: dict):
        self.ws, self.dataset, self.res, self.options = ws, dataset, res, options

    def frame(self) -> pd.DataFrame:
        raise NotImplementedError

    def text(self, resource: str) -> pd.DataFrame:
        """The published text of another resource, as this dataset reads it; raises
        :class:`~pipeline.errors.DependencyInvalid` when it cannot be read."""
        return self.ws.text_of(resource)


def options(kind: str, required: list[str], **properties: dict) -> dict:
    return {
        "type": "object",
        "required": ["kind", *required],
        "properties": {"kind": {"const": kind}, **properties},
        "additionalProperties": False,
    }


@register_derivation
class ExpandGroupings(Derivation):
    """One row per member commune of each grouping (EPCI, EPT) of ``groupings``, named as in
    the membership table; a grouping that is itself a commune (``commune`` filled) gives that
    commune, named as in the COG."""

    kind = "expand-groupings"
    options_schema = options(
        kind,
        ["groupings", "code", "members", "member_group", "member_code", "member_name",
         "communes", "output"],
        groupings=RESOURCE,
        code=field_of("groupings"),
        commune=field_of("groupings"),
        keep={"type": "array", "items": field_of("groupings")},
        members=RESOURCE,
        member_group=field_of("members"),
        member_code=field_of("members"),
        member_name=field_of("members"),
        communes=RESOURCE,
        output={
            "type": "object",
            "required": ["code", "name", "via"],
            "properties": {"code": SELF_FIELD, "name": SELF_FIELD, "via": SELF_FIELD},
            "additionalProperties": False,
        },
    )  # fmt: skip

    def frame(self) -> pd.DataFrame:
        spec = self.options
        groups = self.text(spec["groupings"])
        members = self.text(spec["members"])
        out_f = spec["output"]
        keep = list(spec.get("keep", []))
        code, commune = spec["code"], spec.get("commune")
        communes = self.text(spec["communes"]).drop_duplicates("code_insee")
        names = communes.set_index("code_insee")["nom"]
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
        return frame[self.res.field_names].astype(str).reset_index(drop=True)


def derivation(ws, dataset: Dataset, res: ResourceDecl) -> Derivation:
    """The derivation of a resource, its options checked against its kind's schema."""
    from pipeline import coverage, figures  # noqa: F401  (they register their kinds)

    spec = res.derive or {}
    where = f"{dataset.folder / 'dataset.json'} : ressource « {res.name} », « derive »"
    cls = DERIVATIONS.get(spec.get("kind"))  # type: ignore[arg-type]
    if cls is None:
        raise ConfigError(
            f"{where} : dérivation inconnue « {spec.get('kind')} ». Dérivations disponibles : "
            f"{', '.join(sorted(DERIVATIONS))}."
        )
    check_options(spec, cls.options_schema, where)
    return cls(ws, dataset, res, spec)


def derive(ws, dataset: Dataset, res: ResourceDecl) -> pd.DataFrame:
    frame = derivation(ws, dataset, res).frame()
    missing = [n for n in res.field_names if n not in frame.columns]
    if missing:
        raise ConfigError(f"« {res.name} » : la dérivation ne produit pas {', '.join(missing)}.")
    return frame[res.field_names]
