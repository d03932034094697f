"""The JSON Schemas of ``dataset.json`` and ``pipeline.json``. The hand-written part lives in
``pipeline/schemas/``; the options of each check (``options_schema`` of the registry), of the
other declarations (:mod:`pipeline.declarations.options`) and the licences data.gouv.fr knows
are added here, so the schema that checks a declaration and the one published in
``docs/schemas/`` for editors (``"$schema"``) are the same document (a test keeps them equal:
``python -m pipeline.declarations.composed`` rewrites docs/schemas/)."""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path

from pipeline.declarations import options

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
# Checks every resource runs without declaring them; the others are declared under "checks".
IMPLICIT_CHECKS = ("table-schema", "keys", "foreign-keys", "expectations")
PUBLISHED = ("dataset.schema.json", "pipeline.schema.json")


def _read(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


@cache
def licences() -> dict[str, str]:
    """Every licence name a dataset.json may write -> its data.gouv.fr identifier."""
    return {name: lic["id"] for lic in _read("licenses.json")["licenses"] for name in lic["names"]}


def by_key(key: str, schemas: dict[str, dict], description: str) -> dict:
    """One object whose ``key`` picks the schema that applies (a check, a derive kind)."""
    return {
        "type": "object",
        "required": [key],
        "properties": {key: {"enum": sorted(schemas), "description": description}},
        "allOf": [
            {
                "if": {"required": [key], "properties": {key: {"const": name}}},
                "then": schema,
            }
            for name, schema in sorted(schemas.items())
        ],
    }


def declared_checks() -> dict[str, dict]:
    from pipeline.checks import REGISTRY

    return {
        name: cls.options_schema for name, cls in REGISTRY.items() if name not in IMPLICIT_CHECKS
    }


@cache
def dataset_schema() -> dict:
    """The whole schema of dataset.json (shared: never change it)."""
    schema = _read("dataset.schema.json")
    defs = schema["definitions"]
    defs["check"] = by_key(
        "check",
        declared_checks(),
        "contrôle référentiel, par exemple « commune-name » (voir pipeline/checks/)",
    )
    defs["derive"] = by_key(
        "kind", options.DERIVE, "table calculée par le pipeline, par exemple « coverage »"
    )
    defs["computed"] = options.COMPUTED
    defs["enrich"] = options.ENRICH
    defs["figure"] = options.FIGURE
    defs["programme"] = options.PROGRAMME
    defs["picture"] = by_key(
        "kind", options.PICTURE, "ce que montre l'image du paquet, par exemple « regions »"
    )
    name = schema["properties"]["licenses"]["items"]["properties"]["name"]
    name["enum"] = list(licences())
    return schema


@cache
def pipeline_schema() -> dict:
    return _read("pipeline.schema.json")


def published() -> dict[str, str]:
    """docs/schemas/<name> -> its text."""
    docs = {"dataset.schema.json": dataset_schema(), "pipeline.schema.json": pipeline_schema()}
    return {name: json.dumps(docs[name], ensure_ascii=False, indent=2) + "\n" for name in PUBLISHED}


def main(root: str = ".") -> None:
    folder = Path(root) / "docs" / "schemas"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in published().items():
        (folder / name).write_text(text, encoding="utf-8")
        print(folder / name)


if __name__ == "__main__":
    main(*sys.argv[1:])
