"""Dataset declarations: each dataset is a folder ``schemas/<name>/`` holding ``dataset.json``
(metadata, resources and how their raw files are read), one Table Schema per resource and,
optionally, one Great Expectations suite per resource. No Python change to add one. Every
declaration is checked when the catalogue is loaded (:mod:`pipeline.declarations`)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline.declarations.editions import DEFAULT_COG
from pipeline.declarations.repository import DatasetDoc, ResourceDoc, check_repository
from pipeline.errors import ConfigError
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
    edition_schema: bool = False  # that earlier edition is read with a schema of its own

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
            edition_schema=v.schema is not None,
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


def _source(src: dict[str, Any]) -> Source:
    """A raw file's declaration (``source``, or an earlier edition under ``vintages``)."""
    return Source(
        path=src["path"],
        format=src.get("format", "csv"),
        dialect={**DEFAULT_DIALECT, **src.get("dialect", {})},
        sheet=src.get("sheet"),
        header_row=src.get("headerRow", 1),
        date=src.get("date"),
    )


def _vintages(res: ResourceDoc) -> dict[str, Vintage]:
    out = {}
    for v in res.vintages:
        source = _source(v.decl) if res.decl.get("source") else None
        derive = None if source else v.decl.get("derive")
        out[v.decl["date"]] = Vintage(v.decl["date"], source, derive, v.schema, v.schema_path)
    return out


def _dataset(doc: DatasetDoc) -> Dataset:
    resources = []
    for res in doc.resources:
        key = res.decl.get("diffKey", [])
        source = res.decl.get("source")
        resources.append(
            ResourceDecl(
                name=res.decl["name"],
                title=res.decl.get("title", res.decl["name"]),
                description=res.decl.get("description", ""),
                schema=res.schema,
                schema_path=res.schema_path,  # type: ignore[arg-type]
                source=_source(source) if source else None,
                derive=res.decl.get("derive"),
                suite=res.suite,
                suite_path=res.suite_path,
                computed=res.decl.get("computed", []),
                enrich=res.decl.get("enrich", []),
                checks=res.decl.get("checks", []),
                vintages=_vintages(res),
                diff_key=[key] if isinstance(key, str) else list(key),
                diff_label=res.decl.get("diffLabel"),
            )
        )
    return Dataset(name=doc.meta["name"], folder=doc.folder, meta=doc.meta, resources=resources)


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
            chosen = [self.datasets[n] for n in dict.fromkeys(names)]  # each named once
        return chosen

    def find_resource(self, name: str) -> tuple[Dataset, ResourceDecl]:
        for ds in self.datasets.values():
            for res in ds.resources:
                if res.name == name:
                    return ds, res
        raise ConfigError(f"Ressource de référence inconnue : « {name} ».")


def load_catalog(repo: Repo) -> Catalog:
    """Every dataset of the repository, after every declaration was checked (a
    :class:`~pipeline.declarations.problems.DeclarationError` lists all the mistakes)."""
    docs = check_repository(repo.root)
    return Catalog(repo=repo, datasets={doc.meta["name"]: _dataset(doc) for doc in docs})
