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


def _descriptor(files: Files | None, side: str) -> dict | None:
    if not files or DESCRIPTOR not in files:
        return None
    try:
        return json.loads(files[DESCRIPTOR])
    except ValueError as exc:
        raise ConfigError(f"{DESCRIPTOR} du paquet {side} est illisible : {exc}") from exc


def _tabular_resources(package: dict | None, files: Files) -> dict[str, dict]:
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
            schema = json.loads(files.get(schema, b"{}"))
        resources[res.get("name") or Path(path).stem] = {**res, "schema": schema}
    return resources


def _read_rows(files: Files, path: str) -> tuple[list[str], list[dict[str, str]]]:
    if path not in files:
        return [], []
    reader = csv.DictReader(io.StringIO(files[path].decode("utf-8-sig"), newline=""))
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
) -> ResourceDiff:
    ref = new_res or old_res or {}
    old_schema = (old_res or {}).get("schema") or {}
    new_schema = (new_res or {}).get("schema") or {}
    old_header, old_rows = _read_rows(old, old_res["path"]) if old_res else ([], [])
    new_header, new_rows = _read_rows(new, new_res["path"]) if new_res else ([], [])
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
) -> PackageDiff:
    """Row-by-row and schema differences between two packages given as their files. A
    missing package (None, or no ``datapackage.json``) is an empty one; ``name`` is used
    only when neither side declares one. ``keys`` gives, by resource, what identifies a row
    in the real world when it is not the primary key."""
    old, new = old or {}, new or {}
    old_pkg, new_pkg = _descriptor(old, "publié"), _descriptor(new, "construit")
    old_res, new_res = _tabular_resources(old_pkg, old), _tabular_resources(new_pkg, new)
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
        diff.resources.append(_diff_resource(res_name, before, after, old, new, key))
        if old_pkg is not None and before is None:
            diff.schema_changes.append(
                SchemaChange("resource-added", True, f"Ressource `{res_name}` ajoutée.")
            )
        elif after is None:
            diff.schema_changes.append(
                SchemaChange("resource-removed", False, f"Ressource `{res_name}` supprimée.")
            )
    return diff
