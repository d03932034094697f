"""Names that must exist: walk a declaration alongside its JSON Schema and check every value
annotated ``x-field``, ``x-resource`` or ``x-dataset`` (see
:mod:`pipeline.declarations.options`) against the repository's catalogue."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.declarations.jsonfile import JsonPath
from pipeline.declarations.schema_errors import listing, shown, suggestion, validator
from pipeline.sql.constants import published_text


@dataclass
class Index:
    """What the repository declares: each resource's fields (None when its schema could not be
    read: its own problems are reported, names in it are not checked) and the datasets."""

    fields: dict[str, list[str] | None] = field(default_factory=dict)
    schemas: dict[str, dict] = field(default_factory=dict)  # of the resources with sound fields
    datasets: set[str] = field(default_factory=set)
    # False when some dataset.json could not tell its resources (unreadable, or a resource
    # without a name): a name missing from ``fields`` may then be one of those, and is not
    # reported, so that one broken file does not make every reference to it an error too.
    complete: bool = True

    def knows(self, resource: str) -> bool:
        return resource in self.fields or not self.complete

    def unknown_resource(self, name: str) -> str:
        hint = listing(suggestion(name, self.fields), "ressources déclarées", sorted(self.fields))
        return f"ressource « {name} » inconnue{hint}"

    def unknown_field(self, name: str, resource: str) -> str:
        known = self.fields.get(resource) or []
        hint = listing(suggestion(name, known), "champs", known)
        return f"champ « {name} » inconnu de la ressource « {resource} »{hint}"


Report = Callable[[JsonPath, str], None]


class Walker:
    """``cog``: the COG vintage of the dataset walked, for ``"x-field": {"cog": kind}`` (a
    field of the ``cog<year>-<kind>`` table when no resource is named). ``named`` collects
    every resource the declaration names, with its path."""

    def __init__(self, root_schema: dict, index: Index, report: Report, cog: int | None = None):
        self.root = root_schema
        self.index = index
        self.report = report
        self.cog = cog
        self.named: list[tuple[JsonPath, str]] = []

    def resolve(self, schema: object) -> object:
        while isinstance(schema, dict) and "$ref" in schema:
            node: object = self.root
            for step in schema["$ref"].lstrip("#/").split("/"):
                node = node[step]  # type: ignore[index]
            schema = node
        return schema

    def walk(
        self,
        value: object,
        schema: object,
        path: JsonPath = (),
        records: tuple[dict, ...] = (),
        self_resource: str | None = None,
    ) -> None:
        """``records``: the enclosing declarations (objects with named properties), nearest
        last; ``self_resource``: the resource whose declaration this is."""
        schema = self.resolve(schema)
        if not isinstance(schema, dict):
            return
        if schema.get("x-self") and isinstance(value, dict) and isinstance(value.get("name"), str):
            self_resource = value["name"]
        self.check(value, schema, path, records, self_resource)
        if isinstance(schema.get("x-condition"), dict) and isinstance(value, dict):
            self.condition(value, schema["x-condition"], path, records)
        for sub in schema.get("allOf", []):
            self.walk(value, sub, path, records, self_resource)
        if "if" in schema:
            branch = "then" if validator(self.resolve(schema["if"])).is_valid(value) else "else"
            if branch in schema:
                self.walk(value, schema[branch], path, records, self_resource)
        if isinstance(value, dict):
            props = schema.get("properties") or {}
            extra = schema.get("additionalProperties")
            names = schema.get("propertyNames")
            inner = (*records, value) if props else records
            for key, item in value.items():
                if isinstance(names, dict):
                    self.check(key, names, (*path, key), inner, self_resource)
                sub = props.get(key, extra if isinstance(extra, dict) else None)
                if sub is not None:
                    self.walk(item, sub, (*path, key), inner, self_resource)
            for key, sub in props.items():
                sub = self.resolve(sub)
                if key not in value and isinstance(sub, dict) and "x-default" in sub:
                    self.check(sub["x-default"], sub, (*path, key), inner, self_resource, True)
        elif isinstance(value, list) and isinstance(schema.get("items"), dict):
            for i, item in enumerate(value):
                self.walk(item, schema["items"], (*path, i), records, self_resource)

    def check(
        self,
        value: object,
        schema: dict,
        path: JsonPath,
        records: tuple[dict, ...],
        self_resource: str | None,
        default: bool = False,
    ) -> None:
        if not isinstance(value, str):
            return
        note = (
            f" (valeur par défaut quand « {path[-1]} » est absent : déclarez-le)" if default else ""
        )
        if schema.get("x-resource"):
            self.named.append((path, value))
            if not self.index.knows(value):
                self.report(path, self.index.unknown_resource(value))
        if schema.get("x-dataset") and value not in self.index.datasets:
            datasets = sorted(self.index.datasets)
            hint = listing(suggestion(value, datasets), "jeux", datasets)
            self.report(path, f"jeu de données « {value} » inconnu{hint}")
        spec = schema.get("x-field")
        if spec is None:
            return
        resource = self_resource if spec == "self" else self.resource_of(spec, records)
        if not isinstance(resource, str) or self.index.fields.get(resource) is None:
            return  # unknown resource (reported where it is named) or unreadable schema
        if value not in self.index.fields[resource]:  # type: ignore[operator]
            self.report(path, self.index.unknown_field(value, resource) + note)
        elif "x-types" in schema:
            self.typed(value, schema["x-types"], resource, path)

    def typed(self, name: str, types: list[str], resource: str, path: JsonPath) -> None:
        """``"x-types"``: the types the named field may have."""
        schema = self.index.schemas.get(resource) or {}
        fdesc = next((f for f in schema.get("fields", []) if f.get("name") == name), {})
        ftype = fdesc.get("type", "string")
        if ftype not in types:
            self.report(
                path,
                f"le champ « {name} » est de type « {ftype} » dans le Table Schema de "
                f"« {resource} » ; ce contrôle lit un champ de type {' ou '.join(types)} : "
                f"déclarez-le « {types[0]} »{TYPE_HINTS.get(types[0], '')}",
            )

    def resource_of(self, spec: dict, records: tuple[dict, ...]) -> object:
        """The resource named by ``spec["of"]`` in the nearest enclosing declaration."""
        default = spec.get("default")
        if "cog" in spec and self.cog is not None:
            default = f"cog{self.cog}-{spec['cog']}"
        return next((r[spec["of"]] for r in reversed(records) if spec["of"] in r), default)

    def condition(self, cond: dict, spec: dict, path: JsonPath, records: tuple[dict, ...]) -> None:
        """A row condition's value compares with the published text of its field: it must be
        a value of the field, written as published (a date as 2023-12-31, a number without
        zeros in front or decimal comma, a boolean as "true")."""
        resource = self.resource_of(spec, records)
        schema = self.index.schemas.get(resource) if isinstance(resource, str) else None
        fdesc = next(
            (f for f in (schema or {}).get("fields", []) if f.get("name") == cond.get("field")),
            None,
        )
        value = cond.get("value")
        if fdesc is None or value is None:
            return  # unknown resource or field: reported where it is named
        values = value if isinstance(value, list) else [value]
        for j, item in enumerate(values):
            where = (*path, "value", j) if isinstance(value, list) else (*path, "value")
            problem = condition_value_problem(fdesc, item)
            if problem:
                self.report(where, problem)


def condition_value_problem(fdesc: dict, value: object) -> str | None:
    """Why a condition's ``value`` cannot match a value of the field (None when it can)."""
    if isinstance(value, dict | list):
        return None  # refused by the conditions' shape
    text = str(value)  # as pipeline.sql.figures compares it
    ftype = fdesc.get("type", "string")
    name = fdesc.get("name")
    published = published_text(json.dumps(fdesc, sort_keys=True), text)
    if published is None:
        sample = SAMPLES.get(ftype)
        example = f", par exemple « {sample} »" if sample else ""
        return (
            f"« {shown(value)} » ne se lit pas comme une valeur du champ « {name} » (type "
            f"{ftype}) : la condition la comparerait à des valeurs que le champ ne peut pas "
            f"contenir ; écrivez une valeur telle que le paquet publié l'écrit{example}"
        )
    if published != text:
        return (
            f"« {shown(value)} » s'écrit « {published} » dans le paquet publié, dont la condition "
            f'compare le texte : écrivez "{published}"'
        )
    return None


TYPE_HINTS = {
    "number": " (degrés décimaux, point décimal)",
    "string": " (un code est comparé comme texte : en nombre, il perdrait ses zéros)",
}
# how the published package writes a value of each type
SAMPLES = {
    "date": "2023-12-31",
    "datetime": "2023-12-31T12:00:00",
    "integer": "1234",
    "number": "1234.5",
    "boolean": "true",
    "year": "2023",
    "yearmonth": "2023-12",
}
