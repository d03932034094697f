"""The files of a package read for the diff: the committed one (``data/published/<name>/``),
which a merge left unfinished or a hand edit may have damaged, is read with care, each fault
said in French with its file and line (exit 2), never a crash; the package just built is
the pipeline's own."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from pipeline.declarations.jsonfile import read_json
from pipeline.errors import ConfigError

Files = Mapping[str, bytes]
DESCRIPTOR = "datapackage.json"


def damaged(path: str, what: str, line: int | None = None) -> ConfigError:
    """A file of the committed package that cannot be read: a merge left unfinished in it,
    or a hand edit. Said in French with its path (exit 2), never a crash."""
    at = f" (ligne {line})" if line else ""
    return ConfigError(
        f"{path} est illisible{at} : {what}. Ce fichier du paquet publié a été modifié hors du "
        "pipeline (fusion inachevée, retouche à la main) : restaurez-le depuis l'historique "
        f"git (git checkout -- {path}), puis relancez."
    )


def committed_text(data: bytes, path: str) -> str:
    """A committed text file (UTF-8, with or without BOM), or :func:`damaged`."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex().upper()
        raise damaged(path, f"octet 0x{byte} : le fichier n'est pas en UTF-8", line) from None


def read_descriptor(files: Files | None, where: str | None) -> dict | None:
    """The package's ``datapackage.json``; None when there is none. ``where`` names the
    folder of a committed package (``data/published/<name>/``), whose faults are said by
    :func:`damaged`; None for the package just built, the pipeline's own."""
    if not files or DESCRIPTOR not in files:
        return None
    if where is None:
        return json.loads(files[DESCRIPTOR])
    read = read_json(files[DESCRIPTOR])
    path = where + DESCRIPTOR
    if not read.ok:
        line, what = read.error  # type: ignore[misc]
        raise damaged(path, what, line)
    problem = _descriptor_problem(read.value)
    if problem:
        raise damaged(path, problem)
    return read.value  # type: ignore[return-value]


def _descriptor_problem(package: object) -> str | None:
    """What keeps a descriptor from being compared (None when it can be)."""
    if not isinstance(package, dict):
        return "le document n'est pas un objet JSON { … }"
    if not isinstance(package.get("version", ""), str):
        return "« version » n'est pas un texte"
    resources = package.get("resources", [])
    if not isinstance(resources, list):
        return "« resources » n'est pas une liste"
    for i, res in enumerate(resources):
        if not isinstance(res, dict):
            return f"resources[{i}] n'est pas un objet"
        schema = res.get("schema")
        if schema is not None and not isinstance(schema, (str, dict)):
            return f"resources[{i}].schema n'est ni un objet ni un nom de fichier"
        if isinstance(schema, dict) and _schema_problem(schema):
            return f"resources[{i}].schema : {_schema_problem(schema)}"
    return None


def _schema_problem(schema: object) -> str | None:
    if not isinstance(schema, dict):
        return "le schéma n'est pas un objet JSON { … }"
    fields = schema.get("fields", [])
    if not isinstance(fields, list) or not all(
        isinstance(f, dict)
        and isinstance(f.get("name"), str)
        and isinstance(f.get("constraints") or {}, dict)
        for f in fields
    ):
        return "« fields » n'est pas une liste de champs nommés"
    return None


def tabular_resources(package: dict | None, files: Files, where: str | None) -> dict[str, dict]:
    """CSV resources by name, each with its schema loaded (inline or from a file)."""
    resources = {}
    for res in (package or {}).get("resources", []):
        path = res.get("path", "")
        if not isinstance(path, str) or not (
            res.get("format") == "csv" or path.lower().endswith(".csv")
        ):
            continue
        schema = res.get("schema") or {}
        if isinstance(schema, str):
            schema = _schema_file(files, schema, where)
        resources[res.get("name") or Path(path).stem] = {**res, "schema": schema}
    return resources


def _schema_file(files: Files, name: str, where: str | None) -> dict:
    if where is None:
        return json.loads(files.get(name, b"{}"))
    if name not in files:
        raise damaged(where + DESCRIPTOR, f"son schéma « {name} » est absent du dossier")
    read = read_json(files[name])
    if not read.ok:
        line, what = read.error  # type: ignore[misc]
        raise damaged(where + name, what, line)
    problem = _schema_problem(read.value)
    if problem:
        raise damaged(where + name, problem)
    return read.value  # type: ignore[return-value]
