"""Dataset declarations: each dataset is a folder ``schemas/<name>/`` holding ``dataset.json``
(metadata, resources and how their raw files are read), one Table Schema per resource and,
optionally, one Great Expectations suite per resource. No Python change to add one."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.picture import check_picture
from pipeline.repo import Repo

DEFAULT_DIALECT = {
    "delimiter": ",",
    "quoteChar": '"',
    "encoding": "utf-8",
    "decimalChar": ".",
    "groupChar": "",
    "dateFormat": "%Y-%m-%d",
}


@dataclass(frozen=True)
class Source:
    """A raw file and the dialect it is written in."""

    path: str  # relative to the repository root
    format: str = "csv"
    dialect: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_DIALECT))
    sheet: str | int | None = None  # for xlsx
    header_row: int = 1  # for xlsx: the row holding the header, title rows above it skipped


@dataclass(frozen=True)
class ResourceDecl:
    name: str
    title: str
    description: str
    schema: dict[str, Any]
    schema_path: Path
    source: Source | None  # None for a resource derived by the pipeline
    derive: dict[str, Any] | None = None
    suite: dict[str, Any] | None = None
    suite_path: Path | None = None
    computed: list[dict[str, Any]] = field(default_factory=list)
    enrich: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.schema.get("fields", [])]

    @property
    def primary_key(self) -> list[str]:
        pk = self.schema.get("primaryKey") or []
        return [pk] if isinstance(pk, str) else list(pk)

    @property
    def raw_field_names(self) -> list[str]:
        """Fields expected in the raw file: the schema's, minus those the pipeline computes."""
        computed = {c["name"] for c in self.computed}
        return [n for n in self.field_names if n not in computed]


@dataclass(frozen=True)
class Dataset:
    name: str
    folder: Path
    meta: dict[str, Any]
    resources: list[ResourceDecl]

    @property
    def kind(self) -> str:
        """``package`` (built and published) or ``reference`` (validated, used by checks)."""
        return self.meta.get("kind", "package")

    @property
    def title(self) -> str:
        return self.meta.get("title", self.name)

    def resource(self, name: str) -> ResourceDecl:
        for res in self.resources:
            if res.name == name:
                return res
        raise ConfigError(f"{self.name} : ressource « {name} » inconnue.")

    @property
    def raw_files(self) -> list[str]:
        return [r.source.path for r in self.resources if r.source]


REQUIRED_META = ("name", "title", "description", "licenses", "resources")


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"Fichier de configuration introuvable : {path}") from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{path} n'est pas un JSON valide (ligne {exc.lineno}, colonne {exc.colno}) : {exc.msg}"
        ) from exc


def _resource(folder: Path, ds_name: str, decl: dict[str, Any]) -> ResourceDecl:
    rname = decl.get("name")
    if not rname:
        raise ConfigError(f"{folder / 'dataset.json'} : une ressource n'a pas de « name ».")
    schema_path = folder / decl.get("schema", f"{rname}.schema.json")
    schema = _load_json(schema_path)
    if not isinstance(schema, dict) or not schema.get("fields"):
        raise ConfigError(f"{schema_path} : le schéma doit déclarer « fields ».")
    for fdesc in schema["fields"]:
        if "name" not in fdesc:
            raise ConfigError(f"{schema_path} : un champ n'a pas de « name ».")
    suite = suite_path = None
    if decl.get("expectations"):
        suite_path = folder / decl["expectations"]
        suite = _load_json(suite_path)
    source = None
    if decl.get("source"):
        src = decl["source"]
        dialect = {**DEFAULT_DIALECT, **src.get("dialect", {})}
        header_row = src.get("headerRow", 1)
        if not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 1:
            raise ConfigError(
                f"{folder / 'dataset.json'} : ressource « {rname} » : « headerRow » doit être "
                f"un numéro de ligne (1, 2…), pas {header_row!r}."
            )
        if header_row != 1 and src.get("format", "csv") != "xlsx":
            raise ConfigError(
                f"{folder / 'dataset.json'} : ressource « {rname} » : « headerRow » ne vaut que "
                "pour un fichier XLSX ; l'en-tête d'un CSV est sa ligne 1."
            )
        source = Source(
            path=src["path"],
            format=src.get("format", "csv"),
            dialect=dialect,
            sheet=src.get("sheet"),
            header_row=header_row,
        )
    elif not decl.get("derive"):
        raise ConfigError(
            f"{folder / 'dataset.json'} : la ressource « {rname} » n'a ni « source » ni « derive »."
        )
    return ResourceDecl(
        name=rname,
        title=decl.get("title", rname),
        description=decl.get("description", ""),
        schema=schema,
        schema_path=schema_path,
        source=source,
        derive=decl.get("derive"),
        suite=suite,
        suite_path=suite_path,
        computed=decl.get("computed", []),
        enrich=decl.get("enrich", []),
        checks=decl.get("checks", []),
    )


def load_dataset(folder: Path) -> Dataset:
    meta = _load_json(folder / "dataset.json")
    missing = [k for k in REQUIRED_META if k not in meta]
    if missing:
        raise ConfigError(f"{folder / 'dataset.json'} : clés manquantes : {', '.join(missing)}.")
    if meta["name"] != folder.name:
        raise ConfigError(
            f"{folder / 'dataset.json'} : « name » vaut {meta['name']!r} mais le dossier "
            f"s'appelle {folder.name!r}."
        )
    check_picture(meta, folder / "dataset.json")
    resources = [_resource(folder, meta["name"], r) for r in meta["resources"]]
    return Dataset(name=meta["name"], folder=folder, meta=meta, resources=resources)


@dataclass
class Catalog:
    repo: Repo
    datasets: dict[str, Dataset]

    def packages(self) -> list[Dataset]:
        return [d for d in self.datasets.values() if d.kind == "package"]

    def references(self) -> list[Dataset]:
        return [d for d in self.datasets.values() if d.kind == "reference"]

    def select(self, names: list[str] | tuple[str, ...] | None) -> list[Dataset]:
        """The named package datasets (all packages when none is named), in dependency order."""
        if not names:
            chosen = self.packages()
        else:
            unknown = [n for n in names if n not in self.datasets]
            if unknown:
                known = ", ".join(sorted(self.datasets))
                raise ConfigError(
                    f"Jeu de données inconnu : {', '.join(unknown)}. Jeux disponibles : {known}."
                )
            chosen = [self.datasets[n] for n in names]
        return chosen

    def find_resource(self, name: str) -> tuple[Dataset, ResourceDecl]:
        for ds in self.datasets.values():
            for res in ds.resources:
                if res.name == name:
                    return ds, res
        raise ConfigError(f"Ressource de référence inconnue : « {name} ».")


def load_catalog(repo: Repo) -> Catalog:
    if not repo.schemas.is_dir():
        raise ConfigError(f"Dossier {repo.schemas} absent.")
    datasets = {}
    for folder in sorted(p for p in repo.schemas.iterdir() if (p / "dataset.json").is_file()):
        ds = load_dataset(folder)
        datasets[ds.name] = ds
    return Catalog(repo=repo, datasets=datasets)
