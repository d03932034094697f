"""Build ``data/published/<dataset>/`` from validated tables. Nothing is written when any
error is found; each package folder is written aside, then swapped in, so an interrupted build
leaves the previous package untouched."""

from __future__ import annotations

import ctypes
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.catalog import Dataset
from pipeline.diff import read_folder
from pipeline.errors import InvalidData
from pipeline.findings import Report
from pipeline.formats import (
    PackageFormats,
    picture_files,
    picture_lead,
    readme_section,
    table_formats,
)
from pipeline.package import (
    csv_bytes,
    datapackage,
    json_bytes,
    published_schema,
    readme,
    resource_entries,
    sorted_text,
)
from pipeline.picture import make_picture
from pipeline.repo import Repo
from pipeline.validate import Validation, validate

GENERATED = ("datapackage.json", "README.md")


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


def render_package(v: Validation, ds: Dataset) -> dict[str, bytes]:
    """Every file of the package, in memory, keyed by file name."""
    from pipeline.versioning import version_and_changelog

    files: dict[str, bytes] = {}
    rows: dict[str, int] = {}
    local = {r.name for r in ds.resources}
    entries: list[dict] = []
    reuse = PackageFormats()
    for res in ds.resources:
        table = v.workspace.table(res.name)
        text, typed = sorted_text(table.text, res, table.typed)
        files[f"{res.name}.csv"] = csv_bytes(text)
        files[f"{res.name}.json"] = json_bytes(typed, res)
        rows[f"{res.name}.csv"] = rows[f"{res.name}.json"] = len(text)
        entries.extend(resource_entries(res, files, local))
        del typed
        extra_formats = table_formats(res, text, published_schema(res, local))
        reuse.tables[res.name] = extra_formats
        files.update(extra_formats.files)
        entries.extend(extra_formats.entries)
        rows[f"{res.name}.parquet"] = len(text)
        if extra_formats.geo is not None:
            rows[f"{res.name}.geojson"] = extra_formats.geo.features
    geo = {name: t.geo for name, t in reuse.tables.items() if t.geo is not None}
    reuse.picture = make_picture(ds, lambda name: v.workspace.table(name).text, geo)
    if reuse.picture is not None:
        picture, picture_entries = picture_files(reuse.picture)
        files.update(picture)
        entries.extend(picture_entries)
    from pipeline.checks.identifiers import TRANSITIONAL

    # findings about the change from the published package vanish once it is rebuilt
    warnings = [f for f in v.report.warnings if f.dataset == ds.name and f.code not in TRANSITIONAL]
    extra = []
    if ds.inputs:
        from pipeline.vintages import inputs_section

        extra.append(inputs_section(v.catalog, ds))
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
    described = fill_description(ds, lambda name: v.workspace.table(name).text)
    ds = replace(ds, meta={**ds.meta, "description": described})
    files["datapackage.json"] = _json(datapackage(ds, "0.0.0", entries))  # provisional, for diff
    current = read_folder(repo.published / ds.name)
    version, changelog = version_and_changelog(repo, ds, current, files)
    descriptor = datapackage(ds, version, entries)
    files["datapackage.json"] = _json(descriptor)
    lead = picture_lead(reuse.picture)
    files["README.md"] = readme(ds, version, descriptor, warnings, extra, rows, lead).encode(
        "utf-8"
    )
    files["CHANGELOG.md"] = changelog.encode("utf-8")
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


def write_package(published: Path, name: str, files: dict[str, bytes]) -> bool:
    """Write the package aside, then swap it in. Returns False when nothing changed."""
    published.mkdir(parents=True, exist_ok=True)
    _recover(published, name)
    target = published / name
    if read_folder(target) == files:
        return False
    tmp = published / f".tmp-{name}"
    tmp.mkdir()
    for fname, data in files.items():
        path = tmp / fname
        with path.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        path.chmod(0o644)
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


def stale_files(published: Path, name: str, files: dict[str, bytes]) -> list[str]:
    current = read_folder(published / name)
    stale = [n for n in sorted(set(files) | set(current)) if files.get(n) != current.get(n)]
    return [f"data/published/{name}/{n}" for n in stale]


def render_all(
    repo: Repo, names: list[str] | None = None
) -> tuple[Validation, dict[str, dict[str, bytes]]]:
    """Validate, then render every named package in memory (nothing written)."""
    v = validate(repo, names)
    if not v.report.valid:
        raise InvalidData(v.report)
    return v, {ds.name: render_package(v, ds) for ds in v.datasets if ds.kind == "package"}


def build(repo: Repo, names: list[str] | None = None, *, check: bool = False) -> BuildResult:
    """Validate, then write (or, with ``check``, compare) every named package."""
    v = validate(repo, names)
    result = BuildResult(repo, v.report, check)
    if not v.report.valid:
        raise InvalidData(v.report)
    for ds in v.datasets:
        if ds.kind != "package":
            continue
        files = render_package(v, ds)
        folder = repo.published / ds.name
        if check:
            result.stale.extend(stale_files(repo.published, ds.name, files))
        elif write_package(repo.published, ds.name, files):
            result.written.append(ds.name)
        result.packages.append(folder)
    return result
