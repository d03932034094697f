"""Options schemas of the declarations of ``dataset.json`` that no class reads with its own
``options_schema`` (checks, figure methods and derivations carry theirs): ``computed``,
``enrich``, the ``programmes`` and each ``picture`` kind. When one of these declarations
becomes a class, its schema moves into the class and leaves this module.

The annotations ``x-field``, ``x-resource``, ``x-dataset`` and ``x-default`` name what must
exist (see :mod:`pipeline.options` and :mod:`pipeline.declarations.references`)."""

from __future__ import annotations

from pipeline.options import RESOURCE, SELF_FIELD, conditions, field_of

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
        "where": conditions("resource"),
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
