"""Compare two data packages row by row.

A package is given as its files in memory (file name -> bytes), as build renders it or as
:func:`read_folder` reads the committed ``data/published/<dataset>/``; either side may be
missing. Rows are matched on what identifies them in the real world when the dataset declares
it (``diffKey``: the commune's INSEE code for a list of communes), else on the primary key, and
compared as the strings written in the normalised CSV (build writes one canonical form per
value). A producer's identifier that names another row than before (a commune renumbered,
its number given to another) is reported as such. What the change means for reusers (schema
compatibility, next version) is :mod:`pipeline.compatibility`'s.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.compatibility import Level, SchemaChange, bump, compare_schemas, primary_key
from pipeline.declarations.jsonfile import read_json
from pipeline.errors import ConfigError

Files = Mapping[str, bytes]
DESCRIPTOR = "datapackage.json"


@dataclass(frozen=True)
class DiffKey:
    """What identifies a row of a resource in the real world (``diffKey``), and the field
    that names it in reports (``diffLabel``)."""

    fields: list[str]
    label: str | None = None


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChange:
    key: dict[str, str]  # primary-key field -> value
    changes: list[FieldChange]


@dataclass(frozen=True)
class Reassignment:
    """A producer's identifier that names another row than in the published package:
    ``va-14-02`` : Blangy-le-Château (14076) → Beaumesnil (14058)."""

    identifier: dict[str, str]  # primary-key field -> value
    old: str
    new: str


@dataclass
class ResourceDiff:
    name: str
    path: str
    primary_key: list[str]  # the fields rows are matched on (diffKey, else the primary key)
    old_rows: int = 0
    new_rows: int = 0
    added: list[dict[str, str]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    schema_changes: list[SchemaChange] = field(default_factory=list)
    reassigned: list[Reassignment] = field(default_factory=list)


@dataclass
class PackageDiff:
    name: str
    old_version: str | None
    new_version: str | None  # as declared in the new package, before bumping
    resources: list[ResourceDiff] = field(default_factory=list)
    schema_changes: list[SchemaChange] = field(default_factory=list)  # resources added/removed
    old_exists: bool = True
    new_exists: bool = True

    @property
    def is_new(self) -> bool:
        """First build: nothing published yet."""
        return self.new_exists and not self.old_exists

    @property
    def rows_added(self) -> int:
        return sum(len(r.added) for r in self.resources)

    @property
    def rows_removed(self) -> int:
        return sum(len(r.removed) for r in self.resources)

    @property
    def rows_changed(self) -> int:
        return sum(len(r.changed) for r in self.resources)

    @property
    def reassigned(self) -> int:
        return sum(len(r.reassigned) for r in self.resources)

    @property
    def all_schema_changes(self) -> list[SchemaChange]:
        return self.schema_changes + [c for r in self.resources for c in r.schema_changes]

    @property
    def level(self) -> Level:
        if self.is_new:
            return "initial"
        schema = self.all_schema_changes
        if any(not c.compatible for c in schema):
            return "major"
        if schema or self.rows_added or self.rows_removed or self.reassigned:
            return "minor"
        if self.rows_changed:
            return "patch"
        return "none"

    @property
    def next_version(self) -> str | None:
        base = self.old_version or self.new_version
        return bump(base, self.level) if base else None

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "level": self.level,
            "old_version": self.old_version,
            "next_version": self.next_version,
            "rows_added": self.rows_added,
            "rows_removed": self.rows_removed,
            "rows_changed": self.rows_changed,
            "reassigned": self.reassigned,
            "schema_changes": [asdict(c) for c in self.schema_changes],
            "resources": [asdict(r) for r in self.resources],
        }


def read_folder(folder: Path) -> dict[str, bytes]:
    """The files of a package folder, by name; empty when the folder does not exist."""
    if not folder.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# --- reading packages ---------------------------------------------------------------------


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


def _tabular_resources(package: dict | None, files: Files, where: str | None) -> dict[str, dict]:
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


def _read_rows(
    files: Files, path: str, where: str | None
) -> tuple[list[str], list[dict[str, str]]]:
    if path not in files:
        return [], []
    data = files[path]
    text = data.decode("utf-8-sig") if where is None else committed_text(data, where + path)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = [dict(row) for row in reader]
    return list(reader.fieldnames or []), rows


def _index(rows: list[dict[str, str]], key: list[str]) -> dict[tuple, dict[str, str]]:
    """Rows by key; a repeated key gets an occurrence number so no row is lost."""
    indexed: dict[tuple, dict[str, str]] = {}
    for row in rows:
        k = tuple(row.get(f, "") for f in key)
        n = 1
        while (k if n == 1 else (*k, f"#{n}")) in indexed:
            n += 1
        indexed[k if n == 1 else (*k, f"#{n}")] = row
    return indexed


# --- the diff -----------------------------------------------------------------------------


def _fits(key: list[str], old_header: list[str], new_header: list[str]) -> bool:
    return bool(key) and set(key) <= set(old_header or key) and set(key) <= set(new_header or key)


def _naming(row: dict[str, str], key: DiffKey) -> str:
    """How a reassignment names a row: 'Beaumesnil (14058)', or its key values."""
    values = ", ".join(row.get(f, "") for f in key.fields)
    return f"{row.get(key.label, '')} ({values})" if key.label else values


def _reassigned(
    ids: list[str], key: DiffKey, old_rows: list[dict[str, str]], new_rows: list[dict[str, str]]
) -> list[Reassignment]:
    """Identifiers present on both sides that name another row (by ``key``) than before."""
    old_index = _index(old_rows, ids)
    out = []
    for k, row in _index(new_rows, ids).items():
        before = old_index.get(k)
        if before is not None and any(before.get(f) != row.get(f) for f in key.fields):
            identifier = {f: row.get(f, "") for f in ids}
            out.append(Reassignment(identifier, _naming(before, key), _naming(row, key)))
    return out


def _diff_resource(
    name: str,
    old_res: dict | None,
    new_res: dict | None,
    old: Files,
    new: Files,
    diff_key: DiffKey | None = None,
    where: str | None = None,
) -> ResourceDiff:
    ref = new_res or old_res or {}
    old_schema = (old_res or {}).get("schema") or {}
    new_schema = (new_res or {}).get("schema") or {}
    old_header, old_rows = _read_rows(old, old_res["path"], where) if old_res else ([], [])
    new_header, new_rows = _read_rows(new, new_res["path"], None) if new_res else ([], [])
    ids = primary_key(new_schema) or primary_key(old_schema)
    if not _fits(ids, old_header, new_header):
        ids = []
    key = diff_key.fields if diff_key and _fits(diff_key.fields, old_header, new_header) else ids
    if not key:
        key = [f for f in new_header if f in old_header] or new_header or old_header
    diff = ResourceDiff(name, ref.get("path", ""), key, len(old_rows), len(new_rows))
    if diff_key and key == diff_key.fields and ids and ids != key and old_res and new_res:
        diff.reassigned = _reassigned(ids, diff_key, old_rows, new_rows)
    if old_res and new_res:
        diff.schema_changes = compare_schemas(old_schema, new_schema)
    old_index, new_index = _index(old_rows, key), _index(new_rows, key)
    common = [f for f in new_header if f in old_header]
    for k, row in new_index.items():
        before = old_index.get(k)
        if before is None:
            diff.added.append(row)
            continue
        changes = [FieldChange(f, before[f], row[f]) for f in common if before[f] != row[f]]
        if changes:
            diff.changed.append(RowChange({f: row.get(f, "") for f in key}, changes))
    diff.removed = [row for k, row in old_index.items() if k not in new_index]
    return diff


def diff_package(
    old: Files | None,
    new: Files | None,
    name: str = "?",
    keys: Mapping[str, DiffKey] | None = None,
    where: str = "",
) -> PackageDiff:
    """Row-by-row and schema differences between two packages given as their files. A
    missing package (None, or no ``datapackage.json``) is an empty one; ``name`` is used
    only when neither side declares one. ``keys`` gives, by resource, what identifies a row
    in the real world when it is not the primary key. ``where``: the folder the old package,
    the committed one, was read from (see :func:`read_descriptor`)."""
    old, new = old or {}, new or {}
    old_pkg, new_pkg = read_descriptor(old, where), read_descriptor(new, None)
    old_res = _tabular_resources(old_pkg, old, where)
    new_res = _tabular_resources(new_pkg, new, None)
    diff = PackageDiff(
        name=(new_pkg or old_pkg or {}).get("name") or name,
        old_version=(old_pkg or {}).get("version"),
        new_version=(new_pkg or {}).get("version"),
        old_exists=old_pkg is not None,
        new_exists=new_pkg is not None,
    )
    for res_name in [*old_res, *(n for n in new_res if n not in old_res)]:
        before, after = old_res.get(res_name), new_res.get(res_name)
        key = (keys or {}).get(res_name)
        diff.resources.append(_diff_resource(res_name, before, after, old, new, key, where))
        if old_pkg is not None and before is None:
            diff.schema_changes.append(
                SchemaChange("resource-added", True, f"Ressource `{res_name}` ajoutée.")
            )
        elif after is None:
            diff.schema_changes.append(
                SchemaChange("resource-removed", False, f"Ressource `{res_name}` supprimée.")
            )
    return diff
