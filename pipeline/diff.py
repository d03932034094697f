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

import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.compatibility import Level, SchemaChange, bump, compare_schemas, primary_key
from pipeline.published_files import (
    Files,
    committed_text,
    read_descriptor,
    tabular_resources,
)

if TYPE_CHECKING:  # the row diff is imported when used: render imports this at start-up
    from pipeline.diff_rows import Table


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
    """The rows of a resource that changed: the first ones of each kind (all of them unless
    the diff was given a limit) and, in ``truncated``, how many of each kind were left out."""

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
    truncated: dict[str, int] = field(default_factory=dict)  # kind -> rows left out
    emptied: dict[str, int] = field(default_factory=dict)  # field -> rows it went empty in

    def total(self, kind: str) -> int:
        """Exact number of rows of ``kind`` (added, removed, changed, reassigned)."""
        return len(getattr(self, kind)) + self.truncated.get(kind, 0)


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
        return sum(r.total("added") for r in self.resources)

    @property
    def rows_removed(self) -> int:
        return sum(r.total("removed") for r in self.resources)

    @property
    def rows_changed(self) -> int:
        return sum(r.total("changed") for r in self.resources)

    @property
    def reassigned(self) -> int:
        return sum(r.total("reassigned") for r in self.resources)

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


# --- the diff -----------------------------------------------------------------------------


def _fits(key: list[str], old_header: list[str], new_header: list[str]) -> bool:
    return bool(key) and set(key) <= set(old_header or key) and set(key) <= set(new_header or key)


def _naming(row: dict[str, str], key: DiffKey) -> str:
    """How a reassignment names a row: 'Beaumesnil (14058)', or its key values."""
    values = ", ".join(row.get(f, "") for f in key.fields)
    return f"{row.get(key.label, '')} ({values})" if key.label else values


def _on_disk(files: Files, path: str, scratch: Path) -> Path | None:
    """Where the CSV file ``path`` of a package can be read: in its folder, or written to
    ``scratch`` when the package is held in memory; None when the package has no such file."""
    if path not in files:
        return None
    on_disk = getattr(files, "path_of", lambda name: None)(path)
    if on_disk is not None:
        return on_disk
    copy = scratch / f"{len(list(scratch.iterdir()))}.csv"
    copy.write_bytes(files[path])
    return copy


def _diff_resource(
    name: str,
    old_res: dict | None,
    new_res: dict | None,
    tables: tuple[Table, Table],
    diff_key: DiffKey | None,
    limit: int | None,
) -> ResourceDiff:
    ref = new_res or old_res or {}
    old_schema = (old_res or {}).get("schema") or {}
    new_schema = (new_res or {}).get("schema") or {}
    old, new = tables
    old_header, new_header = old.header, new.header
    ids = primary_key(new_schema) or primary_key(old_schema)
    if not _fits(ids, old_header, new_header):
        ids = []
    key = diff_key.fields if diff_key and _fits(diff_key.fields, old_header, new_header) else ids
    if not key:
        key = [f for f in new_header if f in old_header] or new_header or old_header
    renumbered = bool(diff_key and key == diff_key.fields and ids and ids != key)
    from pipeline.diff_rows import KINDS, Matching, compare

    how = Matching(
        key,
        [f for f in new_header if f in old_header],
        ids if renumbered and old_res and new_res else [],
        diff_key.fields if renumbered else [],  # type: ignore[union-attr]
    )
    rows = compare(old, new, how, limit)
    diff = ResourceDiff(name, ref.get("path", ""), key, rows.old_rows, rows.new_rows)
    if old_res and new_res:
        diff.schema_changes = compare_schemas(old_schema, new_schema)
    diff.added, diff.removed, diff.emptied = rows.added, rows.removed, rows.emptied
    diff.changed = [
        RowChange(
            {f: row.get(f, "") for f in key},
            [FieldChange(f, before[f], row[f]) for f in how.compared if before[f] != row[f]],
        )
        for before, row in rows.changed
    ]
    diff.reassigned = [  # only when renumbered, hence with a diff key
        Reassignment(
            {f: row.get(f, "") for f in ids}, _naming(before, diff_key), _naming(row, diff_key)
        )
        for before, row in rows.reassigned
    ]
    diff.truncated = {
        kind: rows.totals[kind] - len(getattr(rows, kind))
        for kind in KINDS
        if rows.totals[kind] > len(getattr(rows, kind))
    }
    return diff


def diff_package(
    old: Files | None,
    new: Files | None,
    name: str = "?",
    keys: Mapping[str, DiffKey] | None = None,
    limit: int | None = None,
    where: str = "",
) -> PackageDiff:
    """Row-by-row and schema differences between two packages given as their files. A
    missing package (None, or no ``datapackage.json``) is an empty one; ``name`` is used
    only when neither side declares one. ``keys`` gives, by resource, what identifies a row
    in the real world when it is not the primary key. ``limit``: rows of each kind listed
    per resource (None: all); the totals are always exact. ``where``: the folder the old
    package, the committed one, was read from (see :func:`read_descriptor`)."""
    from pipeline.diff_rows import Table

    old, new = old or {}, new or {}
    old_pkg, new_pkg = read_descriptor(old, where), read_descriptor(new, None)
    old_res = tabular_resources(old_pkg, old, where)
    new_res = tabular_resources(new_pkg, new, None)
    diff = PackageDiff(
        name=(new_pkg or old_pkg or {}).get("name") or name,
        old_version=(old_pkg or {}).get("version"),
        new_version=(new_pkg or {}).get("version"),
        old_exists=old_pkg is not None,
        new_exists=new_pkg is not None,
    )
    with tempfile.TemporaryDirectory(prefix="diff-") as scratch:
        for res_name in [*old_res, *(n for n in new_res if n not in old_res)]:
            before, after = old_res.get(res_name), new_res.get(res_name)
            old_file = _on_disk(old, before["path"], Path(scratch)) if before else None
            new_file = _on_disk(new, after["path"], Path(scratch)) if after else None
            key = (keys or {}).get(res_name)
            try:
                tables = (Table.of(old_file), Table.of(new_file))
                found = _diff_resource(res_name, before, after, tables, key, limit)
            except UnicodeDecodeError:  # the new package is ours, in UTF-8: the old one is not
                committed_text(old_file.read_bytes(), where + before["path"])  # type: ignore[union-attr]
                raise
            diff.resources.append(found)
            _resource_change(diff, old_pkg is not None, res_name, before, after)
    return diff


def _resource_change(
    diff: PackageDiff, published: bool, name: str, before: dict | None, after: dict | None
) -> None:
    """A resource added to or removed from a published package: a schema change."""
    if published and before is None:
        diff.schema_changes.append(
            SchemaChange("resource-added", True, f"Ressource `{name}` ajoutée.")
        )
    elif after is None:
        diff.schema_changes.append(
            SchemaChange("resource-removed", False, f"Ressource `{name}` supprimée.")
        )
