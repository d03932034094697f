"""Options schemas of the declarations of ``dataset.json`` that are not (yet) checks of the
:mod:`pipeline.checks` registry: ``computed``, ``enrich``, each ``derive`` kind, the
``figures``, the ``programmes`` and each ``picture`` kind. A check carries its own ``options_schema``; when one of
these declarations becomes a check, its schema moves into the class and leaves this module.

Besides JSON Schema, three annotations name things that must exist (see
:mod:`pipeline.declarations.references`):

- ``"x-field": "self"``: a field of the resource being declared;
- ``"x-field": {"of": "<key>", "default": "<resource>"}``: a field of the resource named by
  ``<key>`` in the nearest enclosing declaration (``default`` when the key is absent);
- ``"x-resource": true`` / ``"x-dataset": true``: a resource / a dataset of the repository;
- ``"x-default"``: the value the code uses when the key is absent, checked like a written one.
"""

from __future__ import annotations

SEVERITY = {"enum": ["error", "warning"], "description": "« error » ou « warning »"}
SELF_FIELD = {"type": "string", "x-field": "self"}
RESOURCE = {"type": "string", "x-resource": True}
OPERATORS = ["==", "!=", "<", "<=", ">", ">=", "in"]
COUNT_METHODS = ["row-count", "distinct-count", "filtered-count"]
FIGURE_METHODS = [*COUNT_METHODS, "sum", "coverage-share", "coverage-population", "none"]


def field_of(key: str, default: str | None = None) -> dict:
    of: dict = {"of": key}
    if default:
        of["default"] = default
    return {"type": "string", "x-field": of}


def where(key: str, default: str | None = None) -> dict:
    """Row conditions ``[{"field", "op", "value"}]`` on the resource named by ``key``."""
    return {
        "type": "array",
        "description": 'conditions sur les lignes, par exemple [{"field": "type", "op": "==", '
        '"value": "commune-actuelle"}]',
        "items": {
            "type": "object",
            "required": ["field", "value"],
            "additionalProperties": False,
            "properties": {
                "field": field_of(key, default),
                "op": {"enum": OPERATORS},
                "value": {"type": ["string", "number", "boolean", "array"]},
            },
            "if": {"required": ["op"], "properties": {"op": {"const": "in"}}},
            "then": {"properties": {"value": {"type": "array"}}},
            "else": {"properties": {"value": {"type": ["string", "number", "boolean"]}}},
        },
    }


COMPUTED = {
    "type": "object",
    "description": 'champ extrait d\'un autre : {"name", "from", "pattern", "replace"}',
    "required": ["name", "from", "pattern", "replace"],
    "additionalProperties": False,
    "properties": {
        "name": SELF_FIELD,
        "from": SELF_FIELD,
        "pattern": {"type": "string", "minLength": 1},
        "replace": {"type": "string"},
    },
}

ENRICH = {
    "type": "object",
    "description": 'colonnes jointes depuis une autre ressource : {"reference", "on": {champ: '
    'champ de la référence}, "columns": {champ de la référence: nouvelle colonne}}',
    "required": ["reference", "on", "columns"],
    "additionalProperties": False,
    "properties": {
        "reference": RESOURCE,
        "on": {
            "type": "object",
            "minProperties": 1,
            "maxProperties": 1,
            "x-message": "« on » relie un seul champ de la ressource à un champ de la référence, "
            'par exemple {"insee_com": "code_insee"}',
            "propertyNames": {"x-field": "self"},
            "additionalProperties": field_of("reference"),
        },
        "columns": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"x-field": {"of": "reference"}},
            "additionalProperties": {"type": "string", "minLength": 1},
        },
    },
}


def _derive(kind: str, properties: dict, required: tuple[str, ...] = ()) -> dict:
    return {
        "type": "object",
        "required": ["kind", *required],
        "additionalProperties": False,
        "properties": {"kind": {"const": kind}, **properties},
    }


DERIVE = {
    "expand-groupings": _derive(
        "expand-groupings",
        {
            "groupings": RESOURCE,
            "code": field_of("groupings"),
            "commune": field_of("groupings"),
            "keep": {"type": "array", "items": field_of("groupings")},
            "members": RESOURCE,
            "member_group": field_of("members"),
            "member_code": field_of("members"),
            "member_name": field_of("members"),
            "communes": RESOURCE,
            "output": {
                "type": "object",
                "required": ["code", "name", "via"],
                "additionalProperties": False,
                "properties": {"code": SELF_FIELD, "name": SELF_FIELD, "via": SELF_FIELD},
            },
        },
        (
            "groupings",
            "code",
            "members",
            "member_group",
            "member_code",
            "member_name",
            "communes",
            "output",
        ),
    ),
    "coverage": _derive(
        "coverage",
        {"communes": RESOURCE, "where": where("communes", "cog2023-communes")},
    ),
    "coverage-summary": _derive(
        "coverage-summary", {"coverage": RESOURCE, "regions": RESOURCE}, ("coverage",)
    ),
    "figures": _derive("figures", {}),
}


def _figure(part: bool) -> dict:
    properties: dict = {
        "method": {"enum": COUNT_METHODS if part else FIGURE_METHODS},
        "resource": RESOURCE,
        "field": field_of("resource"),
        "where": where("resource"),
        "population": field_of("resource"),
        "scale": {"type": "number", "exclusiveMinimum": 0},
    }
    needs = [
        ("row-count", ["resource"]),
        ("distinct-count", ["resource", "field"]),
        ("filtered-count", ["resource", "where"]),
        ("coverage-share", ["resource"]),
        ("coverage-population", ["resource"]),
        ("sum", ["parts"]),
    ]
    if not part:
        properties |= {
            "id": {"type": "string", "minLength": 1},
            "parts": {"type": "array", "minItems": 1, "items": _figure(True)},
            "tolerance": {
                "description": 'tolérance : {"absolute": 0} ou {"relative": 0.05}',
                "anyOf": [
                    {"type": "number", "minimum": 0},
                    {
                        "type": "object",
                        "minProperties": 1,
                        "maxProperties": 1,
                        "additionalProperties": False,
                        "properties": {
                            "absolute": {"type": "number", "minimum": 0},
                            "relative": {"type": "number", "minimum": 0},
                        },
                    },
                ],
            },
            "severity": SEVERITY,
            "methode": {"type": "string"},
        }
    return {
        "type": "object",
        "required": ["method"] if part else ["id", "method"],
        "additionalProperties": False,
        "properties": properties,
        "allOf": [
            {
                "if": {"required": ["method"], "properties": {"method": {"const": method}}},
                "then": {"required": keys},
            }
            for method, keys in needs
            if part is False or method in COUNT_METHODS
        ],
    }


FIGURE = _figure(False)

PROGRAMME = {
    "type": "object",
    "required": ["column", "label", "resource"],
    "additionalProperties": False,
    "properties": {
        "column": {
            "type": "string",
            "pattern": "^[a-z_][a-z0-9_]*$",
            "description": "nom de la colonne du programme dans la table de couverture",
        },
        "label": {"type": "string", "minLength": 1},
        "resource": RESOURCE,
        "field": field_of("resource") | {"x-default": "insee_com"},
        "dataset": {"type": "string", "x-dataset": True},
        "where": where("resource"),
    },
}


def _picture(kind: str, properties: dict, required: tuple[str, ...]) -> dict:
    """What the package's picture shows (:mod:`pipeline.picture`); its resources are
    resources of the same dataset."""
    return {
        "type": "object",
        "required": ["kind", "title", *required],
        "additionalProperties": False,
        "properties": {
            "kind": {"const": kind},
            "title": {"type": "string", "minLength": 1},
            "unit": {"type": "string", "minLength": 1},
            "source": {"type": "string", "minLength": 1},
            "categories": {"type": "string", "minLength": 1},
            "communes": RESOURCE,
            "regions": RESOURCE,
            **properties,
        },
    }


PICTURE = {
    "map": _picture("map", {"resource": RESOURCE}, ("resource",)),
    "regions": _picture(
        "regions",
        {
            "series": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["resource"],
                    "additionalProperties": False,
                    "properties": {
                        "resource": RESOURCE,
                        "label": {"type": "string", "minLength": 1},
                        "distinct": field_of("resource"),
                        "commune": field_of("resource"),
                    },
                },
            }
        },
        ("series",),
    ),
    "values": _picture(
        "values", {"resource": RESOURCE, "field": field_of("resource")}, ("resource", "field")
    ),
    "figures": _picture("figures", {"resource": RESOURCE}, ("resource",)),
}
