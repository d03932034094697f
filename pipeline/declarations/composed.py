"""The JSON Schemas of ``dataset.json`` and ``pipeline.json``. The hand-written part lives in
``pipeline/schemas/``; the options of each class that reads a declaration (``options_schema``
of the checks, figure methods and derivations), of the other declarations
(:mod:`pipeline.declarations.options`) and the licences data.gouv.fr knows are added here, so the schema that checks a declaration and the one published in
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


def derivations() -> dict[str, dict]:
    from pipeline.derive import DERIVATIONS

    return {kind: cls.options_schema for kind, cls in DERIVATIONS.items()}


def figure_methods() -> dict[str, dict]:
    """Each figure method's options; the parts of a ``sum`` are figure methods themselves."""
    from pipeline.checks.figures import FIGURES, PART

    out = {}
    for name, cls in FIGURES.items():
        schema = cls.options_schema
        parts = schema["properties"].get("parts")
        if parts is not None:
            properties = {**schema["properties"], "parts": {**parts, "items": PART}}
            schema = {**schema, "properties": properties}
        out[name] = schema
    return out


def _registries() -> tuple:
    """What the schema is composed of: the registered classes (a test, a plug-in may register
    one more; the schema follows)."""
    from pipeline import coverage, figures  # noqa: F401  (they register their kinds)
    from pipeline.checks import FIGURES, REGISTRY
    from pipeline.derive import DERIVATIONS

    return tuple(
        tuple((name, id(cls)) for name, cls in sorted(registry.items()))
        for registry in (REGISTRY, FIGURES, DERIVATIONS)
    )


def dataset_schema() -> dict:
    """The whole schema of dataset.json (shared: never change it)."""
    return _dataset_schema(_registries())


@cache
def _dataset_schema(registries: tuple) -> dict:
    schema = _read("dataset.schema.json")
    defs = schema["definitions"]
    defs["check"] = by_key(
        "check",
        declared_checks(),
        "contrôle référentiel, par exemple « commune-name » (voir pipeline/checks/)",
    )
    defs["derive"] = by_key(
        "kind", derivations(), "table calculée par le pipeline, par exemple « coverage »"
    )
    defs["computed"] = options.COMPUTED
    defs["enrich"] = options.ENRICH
    defs["figure-method"] = by_key(
        "method", figure_methods(), "méthode de calcul du chiffre, par exemple « row-count »"
    )
    defs["figure"] = {
        "allOf": [{"$ref": "#/definitions/figure-method"}],
        "required": ["id", "method"],
        "description": "un chiffre clé : son « id » (ligne de la ressource des chiffres), sa "
        "méthode de calcul et ses options, sa « precision »",
    }
    defs["source-vintage"] = _source_vintage(defs["source"])
    defs["programme"] = options.PROGRAMME
    defs["picture"] = by_key(
        "kind", options.PICTURE, "ce que montre l'image du paquet, par exemple « regions »"
    )
    name = schema["properties"]["licenses"]["items"]["properties"]["name"]
    name["enum"] = list(licences())
    return schema


def _source_vintage(source: dict) -> dict:
    """An earlier edition of a raw file: a ``source`` with its ``date`` required and, when
    the columns have changed since, its own ``schema``."""
    properties = {
        **source["properties"],
        "schema": {
            "type": "string",
            "minLength": 1,
            "description": "Table Schema de cette édition, dans le dossier du jeu, quand ses "
            "colonnes diffèrent de l'édition actuelle",
        },
        "derive": {
            "not": {},
            "x-message": "« derive » ne vaut que pour une ressource calculée : l'édition "
            "antérieure d'un fichier brut déclare son fichier (« path ») et sa « date »",
        },
    }
    return {
        **source,
        "required": ["path", "date"],
        "properties": properties,
        "description": "une édition antérieure du fichier brut : son chemin, sa date, son "
        "dialecte, et son Table Schema si les colonnes ont changé",
    }


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
