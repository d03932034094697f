"""Resources computed by the pipeline from other resources, declared in ``dataset.json`` with
``"derive": {"kind": ..., ...}``. Each kind is a registered :class:`Derivation` with the JSON
Schema of its options; it returns its rows as one SQL query (:mod:`pipeline.sql.derive`)
over the published text of the resources it reads, run by DuckDB: no table is copied into
Python."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pipeline.catalog import Dataset, ResourceDecl
from pipeline.errors import ConfigError
from pipeline.options import RESOURCE, SELF_FIELD, check_options, field_of
from pipeline.sql import derive as q

DERIVATIONS: dict[str, type[Derivation]] = {}


@dataclass(frozen=True)
class Derived:
    """The rows of a derived resource: a SELECT with ``__rec`` (1, 2… in published order)
    and one VARCHAR column per name of ``columns`` ('' for an empty value)."""

    sql: str
    columns: list[str]


def register_derivation(cls: type[Derivation]) -> type[Derivation]:
    """Class decorator: make a derivation available by its kind."""
    if cls.kind in DERIVATIONS:
        raise ValueError(f"derivation {cls.kind} registered twice")
    DERIVATIONS[cls.kind] = cls
    return cls


class Derivation:
    """Base class: subclasses set ``kind`` and ``options_schema`` and implement ``query``."""

    kind: ClassVar[str] = ""
    options_schema: ClassVar[dict] = {"type": "object"}

    def __init__(self, ws, dataset: Dataset, res: ResourceDecl, options: dict):
        self.ws, self.dataset, self.res, self.options = ws, dataset, res, options

    def query(self) -> Derived:
        raise NotImplementedError

    @classmethod
    def unproduced(cls, options: dict, fields: list[str]) -> tuple[str, str] | None:
        """Checked at load, the options sound: (the option to change, French message) when
        the derivation would not produce some of ``fields``, the resource's own fields."""
        return None

    def text(self, resource: str, fields: list[str]) -> str:
        """A table of the published text of ``fields`` of another resource (with ``__rec``,
        in file order), as this dataset reads it; raises
        :class:`~pipeline.errors.DependencyInvalid` when it cannot be read."""
        return self.ws.materialised(resource, tuple(dict.fromkeys(fields)))


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

    @classmethod
    def unproduced(cls, options: dict, fields: list[str]) -> tuple[str, str] | None:
        out = options["output"]
        made = {*options.get("keep", []), out["code"], out["name"], out["via"]}
        missing = [name for name in fields if name not in made]
        if not missing:
            return None
        return "keep", (
            f"la dérivation ne produirait pas {', '.join(missing)}, champ(s) de la ressource : "
            "ajoutez-les à « keep » (champs recopiés des groupements) ou retirez-les de son "
            "Table Schema"
        )

    def query(self) -> Derived:
        spec = self.options
        out_f = spec["output"]
        keep = list(spec.get("keep", []))
        code, commune = spec["code"], spec.get("commune")
        member = (spec["member_group"], spec["member_code"], spec["member_name"])
        groups = self.text(spec["groupings"], [*keep, code, *([commune] if commune else [])])
        members = self.text(spec["members"], list(member))
        communes = self.text(spec["communes"], ["code_insee", "nom"])
        output = (out_f["code"], out_f["name"], out_f["via"])
        sql = q.expand_groupings(groups, members, communes, keep, code, commune, member, output)
        return Derived(sql, [*keep, out_f["via"], out_f["code"], out_f["name"]])


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


def derive(ws, dataset: Dataset, res: ResourceDecl) -> str:
    """The query of a derived resource: ``__rec`` and its fields, in published order."""
    derived = derivation(ws, dataset, res).query()
    missing = [n for n in res.field_names if n not in derived.columns]
    if missing:
        raise ConfigError(f"« {res.name} » : la dérivation ne produit pas {', '.join(missing)}.")
    return derived.sql
