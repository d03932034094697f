"""Dataset declarations: each dataset is a folder ``schemas/<name>/`` holding ``dataset.json``
(metadata, resources and how their raw files are read), one Table Schema per resource and,
optionally, one Great Expectations suite per resource. No Python change to add one."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.picture import check_picture
from pipeline.repo import Repo

DEFAULT_COG = 2023  # the COG vintage of a dataset that declares none
DATE_RE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")  # an edition's date: 2024, 2024-01, 2024-01-12

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
    date: str | None = None  # the edition: date of the list (2024-09-05, 2024-01 or 2024)


@dataclass(frozen=True)
class Vintage:
    """An earlier edition of a resource, kept for the reports computed from it: its raw file
    (or, for a derived resource, what its derivation read then) and, when the columns have
    changed since, the schema it was read with."""

    date: str
    source: Source | None = None
    derive: dict[str, Any] | None = None  # merged over the current derivation
    schema: dict[str, Any] | None = None
    schema_path: Path | None = None


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
    vintages: dict[str, Vintage] = field(default_factory=dict)  # earlier editions, by date
    diff_key: list[str] = field(default_factory=list)  # what identifies a row in the world
    diff_label: str | None = None  # the field naming a row in diffs (lib_com)
    edition: str | None = None  # set on the declaration of an earlier edition (:meth:`at`)

    def at(self, date: str) -> ResourceDecl:
        """This resource as it was read at an earlier edition: its raw file (or derivation)
        and schema then; only read, never checked against the current rules."""
        v = self.vintages[date]
        derive = {**self.derive, **(v.derive or {})} if self.derive else None
        return replace(
            self,
            source=v.source if self.source else None,
            derive=derive,
            schema=v.schema or self.schema,
            schema_path=v.schema_path or self.schema_path,
            suite=None,
            suite_path=None,
            enrich=[],
            checks=[],
            vintages={},
            edition=date,
        )

    @property
    def editions(self) -> list[str]:
        """Dates a report can name: the current source's, then the earlier ones."""
        current = [self.source.date] if self.source and self.source.date else []
        return current + sorted(self.vintages)

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

    @property
    def cog(self) -> int | None:
        """The COG vintage the dataset follows (``"cog": 2024``), None when undeclared."""
        return self.meta.get("cog")

    def cog_resource(self, kind: str) -> str:
        """The reference table of the dataset's COG vintage: ``cog2024-communes``."""
        return f"cog{self.cog or DEFAULT_COG}-{kind}"

    @property
    def inputs(self) -> dict[str, str]:
        """The dated editions a report is computed from, by resource (``"inputs"``)."""
        return dict(self.meta.get("inputs") or {})

    def resource(self, name: str) -> ResourceDecl:
        for res in self.resources:
            if res.name == name:
                return res
        raise ConfigError(f"{self.name} : ressource « {name} » inconnue.")

    @property
    def raw_files(self) -> list[str]:
        return [r.source.path for r in self.resources if r.source]

    @property
    def earlier_files(self) -> list[str]:
        """Raw files of earlier editions, kept in data/raw/ for the reports computed from
        them."""
        return [v.source.path for r in self.resources for v in r.vintages.values() if v.source]


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


def _source(where: str, src: dict[str, Any]) -> Source:
    """A raw file's declaration (``source``, or an earlier edition under ``vintages``)."""
    if not isinstance(src, dict) or not isinstance(src.get("path"), str):
        raise ConfigError(f"{where} : « path » (le fichier brut) manquant.")
    dialect = {**DEFAULT_DIALECT, **src.get("dialect", {})}
    header_row = src.get("headerRow", 1)
    if not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 1:
        raise ConfigError(
            f"{where} : « headerRow » doit être un numéro de ligne (1, 2…), pas {header_row!r}."
        )
    if header_row != 1 and src.get("format", "csv") != "xlsx":
        raise ConfigError(
            f"{where} : « headerRow » ne vaut que pour un fichier XLSX ; l'en-tête d'un CSV est "
            "sa ligne 1."
        )
    date = src.get("date")
    if date is not None and not (isinstance(date, str) and DATE_RE.fullmatch(date)):
        raise ConfigError(
            f"{where} : « date » vaut {date!r} ; attendu AAAA-MM-JJ, AAAA-MM ou AAAA "
            "(la date de la liste)."
        )
    return Source(
        path=src["path"],
        format=src.get("format", "csv"),
        dialect=dialect,
        sheet=src.get("sheet"),
        header_row=header_row,
        date=date,
    )


def _vintages(folder: Path, rname: str, decl: dict[str, Any]) -> dict[str, Vintage]:
    where = f"{folder / 'dataset.json'} : ressource « {rname} » : « vintages »"
    items = decl.get("vintages", [])
    if not isinstance(items, list):
        raise ConfigError(f"{where} doit être une liste d'éditions antérieures.")
    out: dict[str, Vintage] = {}
    for i, item in enumerate(items):
        here = f"{where}[{i}]"
        date = item.get("date") if isinstance(item, dict) else None
        if not (isinstance(date, str) and DATE_RE.fullmatch(date)):
            raise ConfigError(f"{here} : « date » (AAAA-MM-JJ, AAAA-MM ou AAAA) manquante.")
        current = (decl.get("source") or {}).get("date")
        if date in out or date == current:
            raise ConfigError(f"{here} : deux éditions portent la date {date}.")
        unknown = set(item) - {"date", "schema", "derive", "path", "format", "dialect", "sheet",
                               "headerRow"}  # fmt: skip
        if unknown:
            raise ConfigError(f"{here} : clé(s) inconnue(s) : {', '.join(sorted(unknown))}.")
        source = derive = None
        if decl.get("source") and "derive" in item:
            raise ConfigError(f"{here} : « derive » ne vaut que pour une ressource calculée.")
        if decl.get("source"):
            source = _source(here, {k: v for k, v in item.items() if k not in ("schema",)})
        elif "path" in item or not isinstance(item.get("derive", {}), dict):
            raise ConfigError(
                f"{here} : une ressource calculée n'a pas de fichier brut ; une édition "
                "antérieure déclare ce que sa dérivation lisait alors (« derive »)."
            )
        else:
            derive = item.get("derive")
        schema = schema_path = None
        if item.get("schema"):
            schema_path = folder / item["schema"]
            schema = _load_json(schema_path)
            if not isinstance(schema, dict) or not schema.get("fields"):
                raise ConfigError(f"{schema_path} : le schéma doit déclarer « fields ».")
        out[date] = Vintage(date, source, derive, schema, schema_path)
    return out


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
        source = _source(f"{folder / 'dataset.json'} : ressource « {rname} »", decl["source"])
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
        vintages=_vintages(folder, rname, decl),
        diff_key=_diff_key(folder, rname, decl, schema),
        diff_label=decl.get("diffLabel"),
    )


def _diff_key(folder: Path, rname: str, decl: dict[str, Any], schema: dict) -> list[str]:
    """``diffKey``: the fields identifying a row in the real world (the commune's INSEE code
    for a list of communes), when the producer's identifier is not stable across editions."""
    key = decl.get("diffKey", [])
    key = [key] if isinstance(key, str) else key
    names = {f["name"] for f in schema["fields"]}
    label = decl.get("diffLabel")
    unknown = [k for k in [*key, *([label] if label else [])] if k not in names]
    if not isinstance(key, list) or unknown:
        raise ConfigError(
            f"{folder / 'dataset.json'} : ressource « {rname} » : « diffKey » et « diffLabel » "
            f"nomment des champs du schéma ; inconnu(s) : {', '.join(map(str, unknown))}."
        )
    return key


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
    catalog = Catalog(repo=repo, datasets=datasets)
    from pipeline.vintages import check_catalog

    check_catalog(catalog)
    return catalog
