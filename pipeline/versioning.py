"""Package version and CHANGELOG: they move only when the data moves, and their dates come
from the data (the last commit of the raw files, or the date declared in the metadata), never
from the wall clock, so that builds stay deterministic."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from pipeline.catalog import Dataset
from pipeline.repo import Repo

DATA_SUFFIXES = (".csv", ".json")
HEADER = "# Journal des versions\n"


def data_files(files: dict[str, bytes]) -> dict[str, bytes]:
    return {n: b for n, b in files.items() if n.endswith(DATA_SUFFIXES) and n != "datapackage.json"}


def raw_files_date(repo: Repo, ds: Dataset) -> str:
    """Date of the newest commit touching the dataset's raw files or schemas, else the date
    declared in its metadata."""
    paths = ds.raw_files + [ds.folder.relative_to(repo.root).as_posix()]
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--", *paths],
            cwd=repo.root,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    return out or ds.meta.get("created") or "1970-01-01"


def _entry(date: str, version: str, summary: str, raw_files: list[str]) -> str:
    lines = [f"## {version} — {date}", "", summary, ""]
    if raw_files:
        lines.append("Fichiers bruts : " + ", ".join(f"`{p}`" for p in raw_files) + ".")
        lines.append("")
    return "\n".join(lines)


def version_and_changelog(
    repo: Repo, ds: Dataset, published: Path, files: dict[str, bytes]
) -> tuple[str, str]:
    """(version, CHANGELOG text) for the package about to be built."""
    previous = published / "datapackage.json"
    base = ds.meta.get("version", "1.0.0")
    if not previous.is_file():
        rows = sum(b.count(b"\n") - 1 for n, b in files.items() if n.endswith(".csv"))
        entry = _entry(
            ds.meta.get("created") or raw_files_date(repo, ds),
            base,
            f"Première publication : {rows} lignes.",
            ds.raw_files,
        )
        return base, f"{HEADER}\n{entry}"
    old_version = json.loads(previous.read_text(encoding="utf-8")).get("version", base)
    old_changelog_path = published / "CHANGELOG.md"
    old_changelog = (
        old_changelog_path.read_text(encoding="utf-8") if old_changelog_path.is_file() else HEADER
    )
    current = {p.name: p.read_bytes() for p in published.iterdir() if p.is_file()}
    if data_files(current) == data_files(files):
        return old_version, old_changelog
    from pipeline.diff import bump, changelog_entry, diff_package

    with tempfile.TemporaryDirectory() as tmp:
        for name, data in files.items():
            (Path(tmp) / name).write_bytes(data)
        change = diff_package(published, Path(tmp))
    version = bump(old_version, change)
    entry = changelog_entry(raw_files_date(repo, ds), version, change, ds.raw_files)
    head, _, rest = old_changelog.partition("\n")
    return version, f"{head}\n\n{entry.rstrip()}\n\n{rest.lstrip()}".rstrip() + "\n"
