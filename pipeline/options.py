"""Options declared in ``dataset.json`` checked against the JSON Schema of the class that
reads them (a check, a figure method, a derivation). Each schema is compiled once per run:
``jsonschema.validate`` would check the schema itself at every call. The schemas are this
code's constants: that they are valid JSON Schemas is tested once
(tests/test_declaration_outputs.py), not checked again at every run (a twentieth of a
whole-repository validate)."""

from __future__ import annotations

import functools
import json

import jsonschema
from jsonschema.validators import validator_for

from pipeline.errors import ConfigError


@functools.cache
def _validator(schema_text: str):
    schema = json.loads(schema_text)
    return validator_for(schema)(schema)


def check_options(spec: object, schema: dict, where: str) -> None:
    """Refuse, naming ``where`` and the key, options that do not match ``schema``."""
    validator = _validator(json.dumps(schema, sort_keys=True))
    error = jsonschema.exceptions.best_match(validator.iter_errors(spec))
    if error is not None:
        path = "".join(f"[{p!r}]" for p in error.absolute_path)
        raise ConfigError(f"{where}{path} : {error.message}.")


# Building blocks of the options schemas. Besides JSON Schema, annotations name what must
# exist; they are checked when the declarations load (:mod:`pipeline.declarations.references`):
# ``"x-field": "self"`` a field of the declared resource; ``"x-field": {"of": key}`` a field of
# the resource named by ``key`` in the nearest enclosing object (``"cog": kind``: by default
# the ``cog<year>-<kind>`` table of the dataset's COG); ``"x-resource"``/``"x-dataset"`` a
# resource / a dataset of the repository; ``"x-default"`` the value used when the key is
# absent, checked like a written one.
SEVERITY = {"enum": ["error", "warning"], "description": "« error » ou « warning »"}
RESOURCE = {"type": "string", "x-resource": True}
SELF_FIELD = {"type": "string", "x-field": "self"}
OPERATORS = ["==", "!=", "<", "<=", ">", ">=", "in"]


def field_of(key: str, cog: str | None = None) -> dict:
    """A field of the resource named by ``key`` (by default, the dataset's COG ``cog`` table)."""
    of: dict = {"of": key}
    if cog:
        of["cog"] = cog
    return {"type": "string", "x-field": of}


def conditions(key: str, cog: str | None = None) -> dict:
    """Row conditions ``[{"field", "op", "value"}]`` on the resource named by ``key``."""
    return {
        "type": "array",
        "description": 'conditions sur les lignes, par exemple [{"field": "type", "op": "==", '
        '"value": "commune-actuelle"}]',
        "items": {
            "type": "object",
            # its value is read with its field's type (pipeline.declarations.references)
            "x-condition": {"of": key, **({"cog": cog} if cog else {})},
            "required": ["field", "value"],
            "additionalProperties": False,
            "properties": {
                "field": field_of(key, cog),
                "op": {"enum": OPERATORS},
                "value": {"type": ["string", "number", "boolean", "array"]},
            },
            "if": {"required": ["op"], "properties": {"op": {"const": "in"}}},
            "then": {"properties": {"value": {"type": "array"}}},
            "else": {"properties": {"value": {"type": ["string", "number", "boolean"]}}},
        },
    }
