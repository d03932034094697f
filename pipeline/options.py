"""Options declared in ``dataset.json`` checked against the JSON Schema of the class that
reads them (a check, a figure method, a derivation). Each schema is compiled once per run:
``jsonschema.validate`` would check the schema itself at every call."""

from __future__ import annotations

import functools
import json

import jsonschema
from jsonschema.validators import validator_for

from pipeline.errors import ConfigError


@functools.cache
def _validator(schema_text: str):
    schema = json.loads(schema_text)
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def check_options(spec: object, schema: dict, where: str) -> None:
    """Refuse, naming ``where`` and the key, options that do not match ``schema``."""
    validator = _validator(json.dumps(schema, sort_keys=True))
    error = jsonschema.exceptions.best_match(validator.iter_errors(spec))
    if error is not None:
        path = "".join(f"[{p!r}]" for p in error.absolute_path)
        raise ConfigError(f"{where}{path} : {error.message}.")
