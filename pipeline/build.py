"""Build ``data/published/<dataset>/`` from validated tables. Nothing is written when any
error is found; each package folder is written aside, file by file as the rows arrive from
the engine (no file, and no table, is held whole in memory), then swapped in, so an
interrupted build leaves the previous package untouched."""

from __future__ import annotations

import csv
import ctypes
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.catalog import Dataset, ResourceDecl
from pipeline.diff import DiffKey, PackageDiff, diff_package
from pipeline.diff_rows import count_records
from pipeline.engine.db import lower_memory_limit
from pipeline.errors import InvalidData
from pipeline.findings import DEFAULT_LIMIT, Report
from pipeline.formats import (
    PackageFormats,
    TableFormats,
    TableFormatsWriter,
    picture_files,
    picture_lead,
    readme_section,
)
from pipeline.package import (
    CsvWriter,
    JsonWriter,
    datapackage,
    published_schema,
    resource_entries,
)
from pipeline.picture import make_picture
from pipeline.published_text import published_batches
from pipeline.readme import readme
from pipeline.repo import Repo
from pipeline.staging import FileInfo, FolderFiles, HashingSink, differing, write_file
from pipeline.tables import Workspace
from pipeline.validate import Validation, validate

if TYPE_CHECKING:
    import pandas as pd

GENERATED = ("datapackage.json", "README.md")
BATCH_ROWS = 16_384  # rows per batch of published text: the writers' working memory
WRITING_MEMORY = 256 * 2**20  # DuckDB's memory limit while packages are written


@dataclass
class BuildResult:
    repo: Repo
    report: Report
    check: bool = False  # compared with data/published/, nothing written
    packages: list[Path] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # datasets whose folder changed
    stale: list[str] = field(default_factory=list)  # files that differ from a fresh build

    def to_dict(self) -> dict:
        return {
            "check": self.check,
            "packages": [
                {"name": p.name, "path": self.repo.rel(p), "written": p.name in self.written}
                for p in self.packages
            ],
            "stale": self.stale,
        }


class WorkspaceText:
    """The published text a picture reads (:class:`pipeline.picture.TextOf`), a few columns
    at a time, from the run's workspace."""

    def __init__(self, ws: Workspace):
        self.ws = ws

    def rows(self, resource: str, fields: list[str]) -> pd.DataFrame:
        table = self.ws.table(resource)
        return self.ws.frame(table, {n: table.text_sql(n) for n in fields})

    def counts(self, resource: str, fields: list[str]) -> pd.DataFrame:
        return self.ws.counts(self.ws.table(resource), fields)

    def row_count(self, resource: str) -> int:
        return self.ws.table(resource).rows


def limit_engine_memory(ws: Workspace, limit: int = WRITING_MEMORY) -> None:
    """Lower (never raise) DuckDB's memory limit for the rest of the run, once validation is
    done: sorting a big table in published order then spills more to disk, and the writers
    of the package, which DuckDB does not account for, keep room in the build's budget
    (1 GB for a million rows)."""
    lower_memory_limit(ws.con, limit)


def write_table(
    ws: Workspace, res: ResourceDecl, folder: Path, local: set[str], batch_rows: int
) -> tuple[dict[str, FileInfo], int, TableFormats]:
    """CSV, JSON, Parquet and GeoJSON of one table, written into ``folder`` in one pass over
    its published text, read from DuckDB in batches of ``batch_rows`` rows already in
    published order: memory does not grow with the table."""
    table = ws.table(res.name)
    csv_file = HashingSink.create(folder / f"{res.name}.csv")
    json_file = HashingSink.create(folder / f"{res.name}.json")
    formats: TableFormatsWriter | None = None
    try:
        formats = TableFormatsWriter(res, published_schema(res, local), folder)
        data = [CsvWriter(csv_file, res.field_names), JsonWriter(json_file, res.schema["fields"])]
        rows = 0
        for batch in published_batches(ws, table, batch_rows):
            for writer in (*data, formats):
                writer.write(batch)
            rows += batch.num_rows
        for writer in data:
            writer.close()
        files = {f"{res.name}.csv": csv_file.finish(), f"{res.name}.json": json_file.finish()}
        return files, rows, formats.close()
    except BaseException:
        for sink in (csv_file, json_file, formats):
            if sink is not None:
                sink.abort()
        raise


def render_package(
    v: Validation, ds: Dataset, folder: Path, *, batch_rows: int = BATCH_ROWS
) -> dict[str, FileInfo]:
    """Write every file of the package into ``folder`` (existing and empty), each as it is
    produced; ``datapackage.json``, README and CHANGELOG last, from the figures of the
    others. Returns the files written, by name."""
    from pipeline.versioning import version_and_changelog

    files: dict[str, FileInfo] = {}
    rows: dict[str, int] = {}
    local = {r.name for r in ds.resources}
    entries: list[dict] = []
    reuse = PackageFormats()
    for res in ds.resources:
        data, count, extra_formats = write_table(v.workspace, res, folder, local, batch_rows)
        files.update(data)
        entries.extend(resource_entries(res, data, local))
        rows[f"{res.name}.csv"] = rows[f"{res.name}.json"] = count
        reuse.tables[res.name] = extra_formats
        files.update(extra_formats.files)
        entries.extend(extra_formats.entries)
        rows[f"{res.name}.parquet"] = count
        if extra_formats.geo is not None:
            rows[f"{res.name}.geojson"] = extra_formats.geo.features
    geo = {name: t.geo for name, t in reuse.tables.items() if t.geo is not None}
    reuse.picture = make_picture(ds, WorkspaceText(v.workspace), geo)
    if reuse.picture is not None:
        picture, picture_entries = picture_files(reuse.picture, folder)
        files.update(picture)
        entries.extend(picture_entries)
    from pipeline.checks import TRANSITIONAL

    # findings about the change from the published package vanish once it is rebuilt
    warnings = [f for f in v.report.warnings if f.dataset == ds.name and f.code not in TRANSITIONAL]
    extra = []
    inputs: list[dict] = []
    if ds.inputs:
        from pipeline.provenance import input_files
        from pipeline.vintages import inputs_section

        inputs = input_files(v.catalog, ds)  # pinned: a later run checks them unchanged
        extra.append(inputs_section(v.catalog, ds, inputs))
    if ds.meta.get("figures"):
        from pipeline.figures import figures_readme_section

        extra.append(figures_readme_section(v.report.figures, ds))
    if ds.meta.get("programmes"):
        from pipeline.coverage import programmes_readme_section

        extra.append(programmes_readme_section(ds))
    extra.append(readme_section(ds, reuse))
    repo = v.workspace.repo
    from dataclasses import replace

    from pipeline.vintages import fill_description

    # counts and dates in the description come from the data and the declaration
    described = fill_description(ds, WorkspaceText(v.workspace))
    ds = replace(ds, meta={**ds.meta, "description": described})
    provisional = {"datapackage.json": _json(datapackage(ds, "0.0.0", entries))}  # for diff
    current, staged_files = comparable(repo.published / ds.name, folder, provisional)
    data_rows = sum(rows[f"{res.name}.csv"] for res in ds.resources)  # records, not lines
    version, changelog = version_and_changelog(repo, ds, current, staged_files, data_rows)
    descriptor = datapackage(ds, version, entries)
    if inputs:
        from pipeline.provenance import DESCRIPTOR_KEY

        descriptor[DESCRIPTOR_KEY] = inputs
    files["datapackage.json"] = write_file(folder / "datapackage.json", _json(descriptor))
    lead = picture_lead(reuse.picture)
    total = len(warnings) + sum(  # the warnings the report left out, counted in the README
        t.left_out
        for t in v.report.truncations
        if t.dataset == ds.name and t.severity == "warning" and t.code not in TRANSITIONAL
    )
    text = readme(ds, version, descriptor, warnings, extra, rows, lead, total)
    files["README.md"] = write_file(folder / "README.md", text.encode("utf-8"))
    files["CHANGELOG.md"] = write_file(folder / "CHANGELOG.md", changelog.encode("utf-8"))
    return files


def _json(data: dict) -> bytes:
    import json

    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _recover(published: Path, name: str) -> None:
    """Finish or undo a swap that an interruption cut short."""
    old = published / f".old-{name}"
    target = published / name
    if old.exists():
        if target.exists():
            shutil.rmtree(old)
        else:
            os.replace(old, target)
    tmp = published / f".tmp-{name}"
    if tmp.exists():
        shutil.rmtree(tmp)


def write_package(published: Path, name: str, render: Callable[[Path], object]) -> bool:
    """Write the package aside (``render(folder)`` fills an empty folder), then swap it in.
    Returns False, and leaves the package untouched, when no file changed."""
    published.mkdir(parents=True, exist_ok=True)
    _recover(published, name)
    target = published / name
    tmp = published / f".tmp-{name}"
    tmp.mkdir()
    try:
        render(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if target.is_dir() and not differing(tmp, target):
        shutil.rmtree(tmp)
        return False
    if target.exists():
        _exchange(tmp, target)  # tmp now holds the previous package
        shutil.rmtree(tmp)
    else:
        os.replace(tmp, target)
    return True


def _exchange(a: Path, b: Path) -> None:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE), so that no
    interruption can leave the package missing; elsewhere, two renames that ``_recover``
    completes or undoes on the next build."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        at_fdcwd, rename_exchange = -100, 2
        if libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
            return
    except (AttributeError, OSError):
        pass
    old = b.parent / f".old-{b.name}"
    os.replace(b, old)
    os.replace(a, b)
    os.replace(old, a)


@contextmanager
def staged(ws: Workspace, name: str) -> Iterator[Path]:
    """An empty folder in the run's scratch space, removed afterwards (for --check and diff,
    which leave data/published/ untouched)."""
    folder = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=ws.scratch))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def stale_files(published: Path, name: str, folder: Path) -> list[str]:
    """The files of ``data/published/<name>/`` that differ from a fresh build in ``folder``."""
    return [f"data/published/{name}/{n}" for n in differing(folder, published / name)]


def _validated(repo: Repo, names: list[str] | None, limit: int | None) -> Validation:
    v = validate(repo, names, limit=limit)
    if not v.report.valid:
        raise InvalidData(v.report)
    return v


def comparable(
    old: Path, new: Path, new_extra: dict[str, bytes] | None = None
) -> tuple[FolderFiles, FolderFiles]:
    """Two package folders as :func:`pipeline.diff.diff_package` reads them (``new_extra``:
    files of the new one still in memory): a CSV file that is the same on both sides, whose
    rows cannot differ, is given by its header alone, so that only the tables that changed
    are loaded in memory. The descriptors, hence schemas and keys, are read as they are."""
    before, after = FolderFiles(old), FolderFiles(new, new_extra)
    same = [n for n in after if n.endswith(".csv") and before.same(after, n)]
    headers = {n: _first_line(new / n) for n in same}
    return FolderFiles(old, headers), FolderFiles(new, {**(new_extra or {}), **headers})


def diff_folders(
    old: Path, new: Path, keys: dict[str, DiffKey] | None = None, limit: int | None = None
) -> PackageDiff:
    """:func:`pipeline.diff.diff_package` between two package folders, loading only the CSV
    files that differ (:func:`comparable`); the others, having no row change, get their
    number of rows counted on disk. An unchanged package of any size is never loaded."""
    before, after = comparable(old, new)
    where = f"data/published/{old.name}/"
    diff = diff_package(before, after, keys=keys, limit=limit, where=where)
    for resource in diff.resources:
        if resource.path in after.overrides:
            resource.old_rows = resource.new_rows = count_records(new / resource.path)
    return diff


def _first_line(path: Path) -> bytes:
    """The header record of a CSV file, written again as the build writes it."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(header)
    return buffer.getvalue().encode("utf-8")


def diff_all(
    repo: Repo, names: list[str] | None = None, limit: int | None = DEFAULT_LIMIT
) -> list[PackageDiff]:
    """Validate, then compare what build would produce with data/published/, package by
    package, row by row on what identifies a row (diffKey, else the primary key); nothing
    written there."""
    from pipeline.versioning import diff_keys

    v = _validated(repo, names, limit)
    limit_engine_memory(v.workspace)
    diffs = []
    for ds in v.datasets:
        if ds.kind == "package":
            with staged(v.workspace, ds.name) as folder:
                render_package(v, ds, folder)
                published = repo.published / ds.name
                diffs.append(diff_folders(published, folder, diff_keys(ds), limit))
    return diffs


def build(
    repo: Repo,
    names: list[str] | None = None,
    *,
    check: bool = False,
    limit: int | None = DEFAULT_LIMIT,
    batch_rows: int = BATCH_ROWS,
) -> BuildResult:
    """Validate, then write (or, with ``check``, compare) every named package. ``limit``
    bounds the findings kept per check and file (None: all)."""
    v = validate(repo, names, limit=limit)
    result = BuildResult(repo, v.report, check)
    if not v.report.valid:
        raise InvalidData(v.report)
    limit_engine_memory(v.workspace)
    for ds in v.datasets:
        if ds.kind != "package":
            continue
        folder = repo.published / ds.name
        if check:
            with staged(v.workspace, ds.name) as fresh:
                render_package(v, ds, fresh, batch_rows=batch_rows)
                result.stale.extend(stale_files(repo.published, ds.name, fresh))
        elif write_package(
            repo.published,
            ds.name,
            lambda tmp, ds=ds: render_package(v, ds, tmp, batch_rows=batch_rows),
        ):
            result.written.append(ds.name)
        result.packages.append(folder)
    return result
