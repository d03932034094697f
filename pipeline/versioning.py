"""Package version and CHANGELOG: they move only when the data moves, and their dates come
from the data (the last commit of the raw files, or the date declared in the metadata), never
from the wall clock, so that builds stay deterministic."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.compatibility import bump
from pipeline.diff import DiffKey, PackageDiff, diff_package
from pipeline.markdown import md_code, md_text
from pipeline.numbers_fr import plural
from pipeline.published_files import committed_text, read_descriptor
from pipeline.repo import Repo
from pipeline.staging import FolderFiles

if TYPE_CHECKING:  # the catalog loads the engine: renderers import this module at start-up
    from pipeline.catalog import Dataset

DATA_SUFFIXES = (".csv", ".json")
HEADER = "# Journal des versions\n"
REASSIGNED_LIMIT = 50  # reassigned identifiers listed in a CHANGELOG entry
CHANGELOG_LABELS = {
    "none": "Aucun changement des données",
    "patch": "Correction de valeurs",
    "minor": "Évolution mineure",
    "major": "Évolution majeure",
}


def counts_sentence(diff: PackageDiff) -> str:
    """'1 ligne ajoutée, 0 ligne supprimée, 3 lignes modifiées' (and, when there are, 'N
    identifiants réattribués')."""
    parts = [
        plural(diff.rows_added, "ligne ajoutée", "lignes ajoutées"),
        plural(diff.rows_removed, "ligne supprimée", "lignes supprimées"),
        plural(diff.rows_changed, "ligne modifiée", "lignes modifiées"),
    ]
    if diff.reassigned:
        parts.append(plural(diff.reassigned, "identifiant réattribué", "identifiants réattribués"))
    return ", ".join(parts)


def diff_keys(ds: Dataset) -> dict[str, DiffKey]:
    """What identifies a row in the real world, by resource, where the dataset declares it."""
    return {r.name: DiffKey(r.diff_key, r.diff_label) for r in ds.resources if r.diff_key}


def data_files(files: Mapping[str, bytes]) -> list[str]:
    return sorted(n for n in files if n.endswith(DATA_SUFFIXES) and n != "datapackage.json")


def same_data(current: Mapping[str, bytes], files: Mapping[str, bytes]) -> bool:
    """Whether the data files are the same, compared on disk, in chunks, for packages in
    folders (:class:`FolderFiles`)."""
    names = data_files(current)
    if names != data_files(files):
        return False
    if isinstance(current, FolderFiles) and isinstance(files, FolderFiles):
        return all(current.same(files, n) for n in names)
    return all(current[n] == files[n] for n in names)


def last_commit_date(root: Path, paths: list[str]) -> str | None:
    """ISO date (YYYY-MM-DD) of the newest commit touching any of ``paths``, or None outside
    git, for untracked files, or when git is missing. In CI the checkout needs its history
    (``fetch-depth: 0``): in a shallow clone every file dates from the checked-out commit."""
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--", *paths],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    date = result.stdout.strip()
    return date if result.returncode == 0 and date else None


def raw_files_date(repo: Repo, ds: Dataset) -> str:
    """The date of the data: its newest edition (a raw file's declared ``date``), else the
    newest commit touching the dataset's raw files or schemas, else its ``created`` date.
    The declared date comes first: it is in the files, so a package built before its raw
    file is committed (as a data officer does) dates its CHANGELOG entry the same as one
    built after, and not from the last commit of the previous edition."""
    editions = [r.source.date for r in ds.resources if r.source and r.source.date]
    newest = max((d for d in editions if d.count("-") == 2), default=None)
    if newest:
        return newest
    paths = ds.raw_files + [ds.folder.relative_to(repo.root).as_posix()]
    return last_commit_date(repo.root, paths) or ds.meta.get("created") or "1970-01-01"


def _code_list(values: list[str]) -> str:
    """`a`, `b`: paths or field names, each in its code span."""
    return ", ".join(md_code(v, None) for v in values)


def changelog_entry(date: str, version: str, diff: PackageDiff, raw_files: list[str]) -> str:
    """A French CHANGELOG.md entry: version and date, counts, schema changes, fields emptied
    (« Champ `date_signature` vidé sur 236 lignes. »), reassigned identifiers, raw files.
    Values from the data (identifiers, names, paths) go through the Markdown escaper: the
    CHANGELOG is published beside the data."""
    lines = [f"## {version} — {date}", ""]
    if diff.level == "initial":
        rows = diff.rows_added
        lines.append(f"- Première publication : {rows} {'ligne' if rows <= 1 else 'lignes'}.")
    else:
        lines.append(f"- {CHANGELOG_LABELS[diff.level]} : {counts_sentence(diff)}.")
    if len(diff.resources) > 1:
        for r in diff.resources:
            counts = f"+{r.total('added')} / −{r.total('removed')} / ~{r.total('changed')}"
            lines.append(f"  - {md_code(r.path, None)} : {counts}")
    for change in diff.all_schema_changes:
        compat = "compatible" if change.compatible else "incompatible"
        lines.append(f"- Schéma ({compat}) : {change.message}")
    for r in diff.resources:
        where = f" de {md_code(r.path, None)}" if len(diff.resources) > 1 else ""
        for name, count in r.emptied.items():
            lines.append(
                f"- Champ {md_code(name, None)} vidé sur {plural(count, 'ligne', 'lignes')}{where}."
            )
    for r in diff.resources:
        if not r.reassigned:
            continue
        lines.append(
            f"- Identifiants réattribués dans {md_code(r.path, None)} (les lignes sont "
            f"comparées sur {_code_list(r.primary_key)}) :"
        )
        for item in r.reassigned[:REASSIGNED_LIMIT]:
            ident = md_code(", ".join(item.identifier.values()), None)
            lines.append(f"  - {ident} : {md_text(item.old)} → {md_text(item.new)}")
        if r.total("reassigned") > REASSIGNED_LIMIT:
            lines.append(f"  - … et {r.total('reassigned') - REASSIGNED_LIMIT} autres")
    if raw_files:
        lines.append(f"- Fichiers bruts : {_code_list(raw_files)}.")
    return "\n".join(lines) + "\n"


def _first_entry(date: str, version: str, summary: str, raw_files: list[str]) -> str:
    lines = [f"## {version} — {date}", "", summary, ""]
    if raw_files:
        lines.append(f"Fichiers bruts : {_code_list(raw_files)}.")
        lines.append("")
    return "\n".join(lines)


def version_and_changelog(
    repo: Repo,
    ds: Dataset,
    current: Mapping[str, bytes],
    files: Mapping[str, bytes],
    rows: int,
) -> tuple[str, str]:
    """(version, CHANGELOG text) for the package about to be built (``files``, holding
    ``rows`` data rows in its CSV files), given the files of the package published now
    (``current``, empty when there is none). Rows are read, through the diff, only when the
    data files differ."""
    base = ds.meta.get("version", "1.0.0")
    if "datapackage.json" not in current:
        entry = _first_entry(
            ds.meta.get("created") or raw_files_date(repo, ds),
            base,
            f"Première publication : {rows} lignes.",
            ds.raw_files,
        )
        return base, f"{HEADER}\n{entry}"
    where = f"{repo.rel(repo.published / ds.name)}/"
    old_version = read_descriptor(current, where).get("version", base)  # type: ignore[union-attr]
    old_changelog = _changelog(current, where)
    if same_data(current, files):
        return old_version, old_changelog
    change = diff_package(current, files, keys=diff_keys(ds), limit=REASSIGNED_LIMIT, where=where)
    version = bump(old_version, change.level)
    entry = changelog_entry(raw_files_date(repo, ds), version, change, ds.raw_files)
    head, _, rest = old_changelog.partition("\n")
    return version, f"{head}\n\n{entry.rstrip()}\n\n{rest.lstrip()}".rstrip() + "\n"


def _changelog(current: Mapping[str, bytes], where: str) -> str:
    if "CHANGELOG.md" not in current:
        return HEADER
    return committed_text(current["CHANGELOG.md"], where + "CHANGELOG.md")
