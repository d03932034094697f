"""The content of one package file against its Table Schema: tables (CSV, JSON) with
frictionless, Parquet files by their column types, embedded schema and rows. What frictionless
would crash or stall on is refused first, as a finding: a format or encoding that is not a
text, an unknown encoding, JSON nested too deep or holding an integer too long (its JSON
reader, ijson, crashes the process on one), a schema it cannot load. Pattern constraints
are checked by :mod:`pipeline.verify_patterns` (RE2, in linear time), never by frictionless
(Python's ``re`` backtracks)."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

from pipeline.jsondepth import Refused, loads
from pipeline.messages import shorten
from pipeline.verify_messages import finding, french


def file_format(resource: dict, path: Path | None) -> str:
    """The declared format (when it is a text), else the file's extension, else csv."""
    suffix = path.suffix.lstrip(".") if path is not None else ""
    declared = resource.get("format")
    return ((declared if isinstance(declared, str) else "") or suffix or "csv").lower()


Tables = dict[str, tuple[dict, "Path | None"]]  # the package's CSV tables by name


def check_content(resource: dict, path: Path, tables: Tables | None = None) -> list[dict]:
    """Tables (CSV, JSON) against their schema with frictionless; Parquet files against the
    schema too (types, embedded schema, then every row); other files (pictures) by their
    bytes and hash only. GeoJSON files are checked against their table elsewhere. A foreign
    key to another table of the package is checked against its CSV file, in ``tables``."""
    for key in ("format", "encoding"):
        if resource.get(key) is not None and not isinstance(resource[key], str):
            return [
                finding(
                    f"{key}-invalid",
                    f"{resource.get('name')} : « {key} » doit être un texte, pas "
                    f"{shorten(json.dumps(resource[key]), 40)} : contenu non vérifié.",
                )
            ]
    if isinstance(resource.get("encoding"), str) and not _known_encoding(resource["encoding"]):
        return [
            finding(
                "encoding-invalid",
                f"{resource.get('name')} : encodage inconnu, "
                f"« {shorten(resource['encoding'], 40)} » : contenu non vérifié.",
            )
        ]
    fmt = file_format(resource, path)
    if fmt == "parquet":
        return _validate_parquet(resource, path, tables)
    if fmt == "geojson":
        return []
    refused = _json_refused(resource, path) if fmt == "json" else []
    if refused:
        return refused
    if fmt in ("csv", "json") or resource.get("type") == "table":
        return _validate(resource, path, tables=tables)
    return []


def _json_refused(resource: dict, path: Path) -> list[dict]:
    """The finding refusing a JSON table frictionless would stall or crash on (nesting too
    deep, an integer too long), before it reads the file. Anything else wrong with the JSON
    (syntax, NaN, not UTF-8) frictionless finds and says in its own words."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    try:  # objects are dropped once parsed: frictionless reads the rows itself
        loads(text, object_pairs_hook=lambda pairs: None)
    except Refused as exc:
        if exc.kind != "not-a-number":
            return [
                finding(
                    f"json-{exc.kind}",
                    f"{resource.get('name')} : {exc.why} (ligne {exc.line}) : contenu refusé, "
                    "non vérifié.",
                )
            ]
    except ValueError:
        pass
    return []


def _known_encoding(name: str) -> bool:
    try:
        codecs.lookup(name)
    except (LookupError, ValueError):
        return False
    return True


def _validate_parquet(resource: dict, path: Path, tables: Tables | None) -> list[dict]:
    from pipeline.parquet import check_parquet

    name, schema = resource.get("name"), resource.get("schema")
    refused = _schema_refused(resource)
    if refused:
        return refused
    problems, table = check_parquet(path, schema)
    errors = [finding("parquet-schema", f"{name} : {problem}") for problem in problems]
    if table is None or problems:
        return errors
    rows = [list(row.values()) for row in table.to_pylist()]
    return _validate(resource, path, data=[table.column_names, *rows], tables=tables)


def _validate(
    resource: dict, path: Path, data: list | None = None, tables: Tables | None = None
) -> list[dict]:
    """Frictionless validation of one downloaded or local file (or of its rows, ``data``,
    header first) against its inline schema."""
    from frictionless import Checklist, Schema
    from frictionless.resources import TableResource

    from pipeline.verify_patterns import PatternCheck, split_patterns

    refused = _schema_refused(resource)
    if refused:
        return refused
    schema, patterns, found = split_patterns(resource["schema"], resource.get("name"))
    if data is not None:
        table = TableResource(data=data, schema=Schema.from_descriptor(schema))
    else:
        fmt = file_format(resource, path)
        table = TableResource(
            path=path.name,
            basepath=str(path.parent),
            schema=Schema.from_descriptor(schema),
            format=fmt,
            encoding=resource.get("encoding") or "utf-8",
        )
    table.package = _referenced(schema, resource.get("name"), tables or {})
    collect = PatternCheck(patterns=patterns)
    report = table.validate(Checklist(checks=[collect]), limit_errors=100)
    for task in report.tasks:
        for error in task.errors:
            line = getattr(error, "row_number", None)
            names = getattr(error, "field_names", None) or []
            column = getattr(error, "field_name", None) or ", ".join(names) or None
            where = ", ".join(
                part
                for part in (f"ligne {line}" if line else "", f"colonne {column}" if column else "")
                if part
            )
            found.append(
                {
                    "code": error.type,
                    "line": line,
                    "field": column,
                    "message": f"{resource.get('name')} : {where + ' : ' if where else ''}"
                    f"non conforme au schéma : {french(error)}",
                }
            )
    return found + collect.findings(resource.get("name"))


def _referenced(schema: dict, name: object, tables: Tables):
    """The package frictionless reads the tables that the foreign keys of ``schema`` name
    from (without it, it refuses such keys): each referenced CSV table of the package, with
    its own schema, patterns and foreign keys aside (its own check reports on them). A table
    absent, unread or with a schema frictionless cannot load is left out: frictionless then
    says it does not exist."""
    from frictionless import Package, Schema
    from frictionless.resources import TableResource

    from pipeline.verify_patterns import split_patterns

    wanted = []
    for key in schema.get("foreignKeys") or []:
        reference = key.get("reference") if isinstance(key, dict) else None
        other = reference.get("resource") if isinstance(reference, dict) else None
        if isinstance(other, str) and other and other != name and other not in wanted:
            wanted.append(other)
    resources = []
    for other in wanted:
        referenced, local = tables.get(other, ({}, None))
        if local is None or _schema_refused(referenced):
            continue
        stripped = split_patterns(referenced["schema"], other)[0]
        stripped.pop("foreignKeys", None)
        resources.append(
            TableResource(
                name=other,
                path=local.name,
                basepath=str(local.parent),
                schema=Schema.from_descriptor(stripped),
                format="csv",
                encoding=referenced.get("encoding") or "utf-8",
            )
        )
    return Package(resources=resources) if wanted else None


def _schema_refused(resource: dict) -> list[dict]:
    """The findings of a resource without a schema, or with one frictionless cannot load."""
    if not isinstance(resource.get("schema"), dict):
        return [finding("schema-missing", f"{resource.get('name')} : pas de schéma à vérifier.")]
    return _unreadable_schema(resource)


def _unreadable_schema(resource: dict) -> list[dict]:
    """A schema frictionless cannot load (it crashes on some, e.g. a field that is not an
    object) as a finding, never a crash."""
    from frictionless import FrictionlessException, Schema

    fields = resource["schema"].get("fields")
    why = None
    if not isinstance(fields, list) or not all(
        isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields
    ):
        why = "« fields » doit être une liste de champs nommés"
    else:
        try:
            Schema.from_descriptor(resource["schema"])
        except FrictionlessException as exc:
            why = exc.error.note or exc.error.message
    if why is None:
        return []
    return [finding("schema-invalid", f"{resource.get('name')} : schéma illisible ({why}).")]
