"""The declaration files of a new dataset, shaped like the existing ones: ``dataset.json``,
the Table Schema and a starter Great Expectations suite; what is left to fill in; and an
atomic write of the folder (all files appear at once, or none)."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.add.infer import TODO, Inference
from pipeline.add.sniff import Sniffed

LICENSES = [
    {
        "name": "etalab-2.0",
        "title": "Licence Ouverte / Open Licence version 2.0",
        "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    }
]
CONTRIBUTORS = [
    {
        "title": "Agence nationale de la cohésion des territoires (ANCT)",
        "role": "publisher",
        "path": "https://agence-cohesion-territoires.gouv.fr",
        "email": "donnees@anct.gouv.fr",
        "organisation": "ANCT",
    }
]
# Editors complete and underline dataset.json with it (docs/schemas/, see docs/declarations.md).
DATASET_SCHEMA = "../../docs/schemas/dataset.schema.json"
CODE_KINDS = ("commune", "departement", "region", "epci", "siren", "siret", "code_postal")
# Keys every published dataset.json of the repository carries; listed when absent.
RECOMMENDED = {
    "created": "date de création du jeu (AAAA-MM-JJ)",
    "homepage": "page de présentation du programme (URL)",
    "keywords": "mots-clés (étiquettes sur data.gouv.fr)",
    "frequency": "fréquence de mise à jour (monthly, irregular…)",
    "temporal": "couverture temporelle (start, end)",
}


def to_json(data: Any) -> str:
    """Same layout as the committed declarations: 2-space indent, UTF-8, final newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def file_date(filename: str) -> str | None:
    """``2024-01-24`` from ``…_20240124.csv`` (ANCT names its exports by date)."""
    for match in re.finditer(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)", filename):
        year, month, day = match.groups()
        if 1 <= int(month) <= 12 and 1 <= int(day) <= 31:
            return f"{year}-{month}-{day}"
    return None


def dataset_json(
    name: str, title: str | None, rel: str, sniffed: Sniffed, inference: Inference
) -> dict:
    filename = rel.rsplit("/", 1)[-1]
    meta: dict[str, Any] = {
        "$schema": DATASET_SCHEMA,
        "name": name,
        "title": title or f"{TODO} : titre du jeu",
        "description": f"{TODO} : ce que contient le jeu, sa source et sa date.",
        "version": "1.0.0",
    }
    created = file_date(filename)
    if created:
        meta["created"] = created
    if inference.cog:
        meta["cog"] = inference.cog
    meta["licenses"] = LICENSES
    meta["contributors"] = CONTRIBUTORS
    meta["sources"] = [{"title": f"ANCT, {filename} ({TODO} : origine et adresse du fichier)"}]
    spatial = _spatial(inference)
    if spatial:
        meta["spatial"] = spatial
    source: dict[str, Any] = {"path": rel, "format": sniffed.format}
    if sniffed.format == "xlsx":
        source["sheet"] = sniffed.sheet
        if sniffed.header_row != 1:
            source["headerRow"] = sniffed.header_row
    source["dialect"] = sniffed.dialect.declaration(sniffed.format)
    resource: dict[str, Any] = {
        "name": name,
        "title": title or f"{TODO} : titre de la ressource",
        "description": f"{TODO} : ce que représente une ligne.",
        "schema": f"{name}.schema.json",
        "expectations": f"{name}.expectations.json",
        "source": source,
    }
    if inference.checks:
        resource["checks"] = inference.checks
    meta["resources"] = [resource]
    return meta


def _spatial(inference: Inference) -> dict | None:
    kinds = {p.detected.kind for p in inference.fields if p.detected}
    for kind, granularity in (
        ("latitude", "poi"),
        ("commune", "fr:commune"),
        ("epci", "fr:epci"),
        ("departement", "fr:departement"),
        ("region", "fr:region"),
    ):
        if kind in kinds:
            return {"granularity": granularity, "zones": ["country:fr"]}
    return None


def table_schema(name: str, title: str | None, inference: Inference) -> dict:
    schema: dict[str, Any] = {
        "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "name": name,
        "title": title or f"{TODO} : titre du schéma",
        "description": f"{TODO} : ce que décrit le schéma.",
        "version": "1.0.0",
        "countryCode": "FR",
        "contributors": CONTRIBUTORS,
        "licenses": LICENSES,
        "missingValues": inference.missing_values,
        "fields": [plan.descriptor() for plan in inference.fields],
    }
    if inference.primary_key:
        schema["primaryKey"] = inference.primary_key
    if inference.foreign_keys:
        schema["foreignKeys"] = inference.foreign_keys
    return schema


def _round(value: float, up: bool) -> int:
    """To two significant digits, outwards (1 422 → 1 400, 5 690 → 5 700)."""
    if value < 100:
        return int(math.ceil(value) if up else math.floor(value))
    scale = 10 ** (int(math.log10(value)) - 1)
    return int((math.ceil if up else math.floor)(value / scale) * scale)


def suite(name: str, inference: Inference) -> dict:
    """A row-count range around today's count, and not-null on each required code."""
    rows = inference.rows
    expectations: list[dict] = [
        {
            "type": "expect_table_row_count_to_be_between",
            "kwargs": {
                "min_value": max(1, _round(rows / 2, up=False)),
                "max_value": _round(rows * 2, up=True),
            },
            "meta": {
                "id": f"{name}-nombre-de-lignes",
                "severity": "error",
                "message": "Le fichier compte {observed} lignes, hors de la fourchette attendue "
                "({min_value} à {max_value}) : l'export est-il complet ?",
            },
        }
    ]
    for plan in inference.fields:
        if plan.required and plan.detected is not None and plan.detected.kind in CODE_KINDS:
            label = plan.detected.description[0].lower() + plan.detected.description[1:]
            expectations.append(
                {
                    "type": "expect_column_values_to_not_be_null",
                    "kwargs": {"column": plan.name},
                    "meta": {
                        "id": f"{name}-{_slug(plan.name)}-renseigne",
                        "severity": "error",
                        "message": f"Valeur manquante dans « {_braces(plan.name)} » ({label}).",
                    },
                }
            )
    return {"name": name, "expectations": expectations}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "champ"


def _braces(text: str) -> str:
    """A literal for str.format (the message is a template filled with the row's values)."""
    return text.replace("{", "{{").replace("}", "}}")


def declaration_files(
    name: str, title: str | None, rel: str, sniffed: Sniffed, inference: Inference
) -> dict[str, str]:
    """Path (relative to the repository) → content, in writing order."""
    folder = f"schemas/{name}"
    return {
        f"{folder}/dataset.json": to_json(dataset_json(name, title, rel, sniffed, inference)),
        f"{folder}/{name}.schema.json": to_json(table_schema(name, title, inference)),
        f"{folder}/{name}.expectations.json": to_json(suite(name, inference)),
    }


@dataclass(frozen=True)
class Todo:
    file: str
    where: str  # a readable location: "title", "champ « phase » : description"
    text: str


def todo(files: dict[str, str]) -> list[Todo]:
    """Every ``À COMPLÉTER`` placeholder left in the declaration files, and the recommended
    ``dataset.json`` keys still absent."""
    out: list[Todo] = []
    for path, content in files.items():
        data = json.loads(content)
        out.extend(Todo(path, where, text) for where, text in placeholders(data, ""))
        if path.endswith("/dataset.json"):
            out.extend(
                Todo(path, key, f"absent : {label}")
                for key, label in RECOMMENDED.items()
                if key not in data
            )
    return out


def placeholders(node: Any, where: str):
    if isinstance(node, str):
        if TODO in node:
            yield where or "(racine)", node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from placeholders(value, f"{where}.{key}" if where else key)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            label = value.get("name") if isinstance(value, dict) else None
            step = f"« {label} »" if label and where in ("fields", "resources") else f"[{index}]"
            yield from placeholders(value, f"{where} {step}" if label else f"{where}{step}")


def write_folder(root: Path, files: dict[str, str]) -> list[Path]:
    """Write the files into a temporary folder beside ``schemas/``, then move it into place
    in one rename: an interrupted run leaves no half-declared dataset in ``schemas/``."""
    folders = {Path(p).parent for p in files}
    (folder,) = folders
    target = root / folder
    staging = Path(tempfile.mkdtemp(prefix=".pipeline-add-", dir=root))
    try:
        for path, content in files.items():
            (staging / Path(path).name).write_text(content, encoding="utf-8")
        for path in staging.iterdir():
            path.chmod(0o644)
        staging.chmod(0o755)
        os.rename(staging, target)  # fails if the folder appeared meanwhile
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [root / p for p in files]
