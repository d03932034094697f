"""`pipeline add`: a raw file becomes a declared dataset ``schemas/<name>/``.

:func:`plan_add` reads the file (:mod:`.sniff`), infers its Table Schema (:mod:`.infer`,
:mod:`.formats`) and renders the declaration files (:mod:`.write`) without writing anything;
:func:`write_add` writes them. The raw file is only ever read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.add.infer import Inference, infer
from pipeline.add.reference import load_references
from pipeline.add.sniff import Sniffed, sniff
from pipeline.add.vintage import VINTAGE_IN_NAME, vintage_in_name
from pipeline.add.write import Todo, declaration_files, todo, write_folder
from pipeline.catalog import load_catalog
from pipeline.errors import ConfigError
from pipeline.repo import Repo

NAME_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SUFFIXES = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}


@dataclass
class AddPlan:
    name: str
    raw: str  # path of the raw file, relative to the repository
    sniffed: Sniffed
    inference: Inference
    files: dict[str, str]  # path relative to the repository -> content

    @property
    def todo(self) -> list[Todo]:
        return todo(self.files)

    @property
    def notes(self) -> list[str]:
        return self.sniffed.notes + self.inference.notes


# An export date (202403, 20231114) or a COG vintage (cog2023, com2024: ANCT's derived lists)
# anywhere in a file name: the dataset outlives each export, and declares its vintage (« cog »).
DATE_WORD = re.compile(r"(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])?")


def default_name(filename: str) -> str:
    """``anct_frla_operations_202403.csv`` → ``frla-operations``,
    ``anct_ti_communes_20231114_derived_cog2023.csv`` → ``ti-communes-derived``: lower case,
    dashes, without the ``anct`` prefix, export dates and COG vintages."""
    words = [w for w in re.split(r"[^a-z0-9]+", Path(filename).stem.lower()) if w]
    while len(words) > 1 and re.fullmatch(r"\d{6}|\d{8}", words[-1]):
        words.pop()
    words = [
        w for w in words if not (DATE_WORD.fullmatch(w) or VINTAGE_IN_NAME.fullmatch(w))
    ] or words
    if len(words) > 1 and words[0] == "anct":
        words.pop(0)
    return "-".join(words) or "jeu"


def resolve_raw(repo: Repo, raw: str) -> tuple[Path, str]:
    """The raw file and its path relative to the repository root. A relative path is taken
    from the working directory when it lands in the repository, else from the repository
    root. Symbolic links are followed: a link to a file outside the repository is refused."""
    given = Path(raw).expanduser()
    root = repo.root.resolve()
    candidates = [given] if given.is_absolute() else [Path.cwd() / given, repo.root / given]
    existing = [c.resolve() for c in candidates if c.exists()]
    inside = [c for c in existing if c.is_relative_to(root)]
    if not inside and existing:
        raise ConfigError(
            f"{raw} est hors du dépôt ({root}) : copiez le fichier dans data/raw/ puis relancez "
            "avec ce chemin."
        )
    if not inside or not inside[0].is_file():
        raise ConfigError(f"Fichier introuvable : {raw}.")
    resolved = inside[0]
    if resolved.suffix.lower() not in SUFFIXES:
        raise ConfigError(
            f"{raw} : format non pris en charge ({resolved.suffix or 'sans extension'}). "
            "Formats lus : CSV (.csv, .tsv, .txt) et XLSX."
        )
    return resolved, resolved.relative_to(root).as_posix()


def plan_add(
    repo: Repo,
    raw: str,
    name: str | None = None,
    title: str | None = None,
    sheet: str | None = None,
) -> AddPlan:
    """Everything ``pipeline add`` would write, computed without writing."""
    path, rel = resolve_raw(repo, raw)
    name = name or default_name(path.name)
    if not NAME_RE.fullmatch(name):
        raise ConfigError(
            f"Nom de jeu invalide : « {name} ». Lettres minuscules, chiffres et tirets "
            "(ex. liste-des-communes-2024)."
        )
    catalog = load_catalog(repo)
    _refuse_existing(repo, catalog, name, rel)
    sniffed = sniff(path, rel, sheet)
    inference = infer(
        sniffed.table, sniffed.dialect, load_references(catalog), vintage_in_name(path.name)
    )
    if not rel.startswith("data/raw/"):
        sniffed.notes.append(
            f"{rel} n'est pas dans data/raw/, où le pipeline range les fichiers bruts."
        )
    files = declaration_files(name, title, rel, sniffed, inference)
    return AddPlan(name, rel, sniffed, inference, files)


def _refuse_existing(repo: Repo, catalog, name: str, rel: str) -> None:
    if name in catalog.datasets or (repo.schemas / name).exists():
        raise ConfigError(
            f"Le jeu « {name} » existe déjà (schemas/{name}/) : pipeline add ne remplace "
            "jamais une déclaration. Choisissez un autre nom avec --name, ou modifiez-la à "
            "la main."
        )
    for dataset in catalog.datasets.values():
        for res in dataset.resources:
            if res.name == name:
                raise ConfigError(
                    f"Le nom « {name} » est déjà celui d'une ressource du jeu « {dataset.name} » : "
                    "choisissez-en un autre avec --name."
                )
            earlier = [v.source.path for v in res.vintages.values() if v.source]
            if rel in ([res.source.path] if res.source else []) + earlier:
                raise ConfigError(
                    f"{rel} est déjà déclaré par le jeu « {dataset.name} » "
                    f"(schemas/{dataset.name}/dataset.json)."
                )


def write_add(repo: Repo, plan: AddPlan) -> list[Path]:
    """Write ``schemas/<name>/`` at once; never over an existing folder."""
    if (repo.schemas / plan.name).exists():
        raise ConfigError(f"Le jeu « {plan.name} » existe déjà (schemas/{plan.name}/).")
    return write_folder(repo.root, plan.files)
