"""The whole repository's declarations, checked together before any data is read (the
header of a raw file alone, for the computed fields): ``pipeline.json`` (when present), then
every ``schemas/<dataset>/`` folder, its ``dataset.json``, the Table Schemas and suites it
names, and the names that cross from one to another. Every problem is collected;
:func:`check_repository` raises them all at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.declarations import composed
from pipeline.declarations.computed import check_computed
from pipeline.declarations.editions import (
    DEFAULT_COG,
    Editions,
    check_temporal,
    check_vintage_dates,
    declared_cog,
)
from pipeline.declarations.jsonfile import JsonPath
from pipeline.declarations.links import check_links
from pipeline.declarations.problems import Problems
from pipeline.declarations.references import Index, Walker
from pipeline.declarations.schema_errors import schema_problems
from pipeline.declarations.sources import check_source, inside
from pipeline.declarations.suites import check_suite
from pipeline.declarations.table_schema import check_foreign_keys, check_schema
from pipeline.declarations.values import Engine
from pipeline.declarations.vintages import (
    VintageDoc,
    check_earlier_derivations,
    read_by_derivation,
    read_vintage,
)
from pipeline.errors import ConfigError


@dataclass
class ResourceDoc:
    """One resource of a dataset.json, with the files it names, as read."""

    decl: dict[str, Any]
    index: int  # its place in dataset.json's "resources"
    schema: Any = None
    schema_path: Path | None = None
    suite: Any = None
    suite_path: Path | None = None
    fields: list[str] | None = None  # None until its schema is known to be sound
    broken: bool = False  # its declaration in dataset.json does not follow the schema
    vintages: list[VintageDoc] = field(default_factory=list)
    raw: Path | None = None  # its raw file, when one inside the repository


@dataclass
class DatasetDoc:
    folder: Path
    meta: dict[str, Any]
    resources: list[ResourceDoc] = field(default_factory=list)
    bad: set[str | int] = field(default_factory=set)  # top-level keys not following the schema

    def sound(self, key: str) -> bool:
        return key in self.meta and key not in self.bad


def check_config_file(root: Path, problems: Problems) -> Any:
    """``pipeline.json`` against its schema; its value, or None when unreadable."""
    file = root / "pipeline.json"
    text = problems.read(file)
    if not text.ok:
        return None
    for path, message in schema_problems(text.value, composed.pipeline_schema()):
        problems.add(file, path, message)
    return text.value


def check_repository(root: Path) -> list[DatasetDoc]:
    """Every dataset of ``root``'s ``schemas/``, read and checked; raises a
    :class:`~pipeline.declarations.problems.DeclarationError` holding every problem."""
    schemas = root / "schemas"
    if not schemas.is_dir():
        raise ConfigError(f"Dossier {schemas} absent.")
    problems = Problems(root)
    if (root / "pipeline.json").is_file():
        check_config_file(root, problems)
    checker = _Checker(root, problems, Engine())
    folders, unread = _folders(schemas, problems)
    checker.complete = not unread  # their resources are unknown, not missing
    docs = [doc for folder in folders if (doc := checker.dataset(folder))]
    checker.across(docs, {folder.name for folder in [*folders, *unread]})
    problems.raise_if_any()
    return docs


def _folders(schemas: Path, problems: Problems) -> tuple[list[Path], list[Path]]:
    """The dataset folders to read, and those whose dataset.json exists but cannot be read
    as a file (a folder, a device…): the names they declare are then not known."""
    folders, unread = [], []
    for folder in sorted(schemas.iterdir()):
        if not folder.is_dir() or folder.name.startswith((".", "_")):
            continue
        declaration = folder / "dataset.json"
        if declaration.exists() and not declaration.resolve().is_relative_to(schemas.resolve()):
            problems.add(
                folder,
                "",
                "ce dossier (ou son dataset.json) est un lien symbolique qui sort de schemas/ : "
                "le pipeline ne lit que les déclarations du dépôt ; copiez-les dans le dossier",
            )
            continue
        if declaration.exists() and not declaration.is_file():
            what = "un dossier" if declaration.is_dir() else "un fichier spécial"
            problems.add(
                declaration,
                "",
                f"« dataset.json » est {what}, pas un fichier : remplacez-le par le fichier JSON "
                "qui déclare le jeu",
            )
            unread.append(folder)
            continue
        if not declaration.is_file():
            listed = sorted(p.name for p in folder.iterdir())[:5]
            content = f" (il contient : {', '.join(listed)})" if listed else " (il est vide)"
            problems.add(
                folder,
                "",
                f"dossier de jeu sans dataset.json{content} : déclarez le jeu (pipeline add "
                "data/raw/FICHIER, ou copie d'un dossier existant) ou supprimez le dossier",
            )
            continue
        folders.append(folder)
    return folders, unread


class _Checker:
    def __init__(self, root: Path, problems: Problems, engine: Engine):
        self.root = root
        self.problems = problems
        self.engine = engine
        self.complete = True  # every dataset.json told its resources

    def reporter(self, file: Path, prefix: JsonPath = ()):
        return lambda path, message: self.problems.add(file, (*prefix, *path), message)

    def dataset(self, folder: Path) -> DatasetDoc | None:
        file = folder / "dataset.json"
        text = self.problems.read(file)
        if not text.ok:
            self.complete = False
            return None
        meta = text.value
        shape = schema_problems(meta, composed.dataset_schema())
        for path, message in shape:
            self.problems.add(file, path, message)
        if not isinstance(meta, dict):
            self.complete = False
            return None
        if isinstance(meta.get("name"), str) and meta["name"] != folder.name:
            self.problems.add(
                file,
                ("name",),
                f"« name » vaut « {meta['name']} » mais le dossier s'appelle « {folder.name} » : "
                f'écrivez "name": "{folder.name}" (ou renommez le dossier)',
            )
        doc = DatasetDoc(folder, meta, bad={p[0] for p, _ in shape if p})
        if doc.sound("temporal"):
            check_temporal(meta, self.reporter(file))
        if any(not p for p, _ in shape):
            doc.bad.update(meta)
        resources = meta.get("resources")
        if not isinstance(resources, list):
            self.complete = False
            return doc
        bad = {p[:2] for p, _ in shape}
        for i, decl in enumerate(resources):
            if isinstance(decl, dict) and isinstance(decl.get("name"), str):
                doc.resources.append(self.resource(doc, i, decl, ("resources", i) in bad))
            else:
                self.complete = False
        return doc

    def resource(self, doc: DatasetDoc, i: int, decl: dict, broken: bool) -> ResourceDoc:
        file = doc.folder / "dataset.json"
        res = ResourceDoc(decl, i, broken=broken)
        here: JsonPath = ("resources", i)
        report = self.reporter(file)
        name = decl.get("schema", f"{decl['name']}.schema.json")
        res.schema_path = inside(self.root, doc.folder, name, (*here, "schema"), report)
        dialect = {}
        source = decl.get("source")
        if isinstance(source, dict) and not broken:
            res.raw = check_source(self.root, source, (*here, "source"), self.engine, report)
            dialect = dict(source.get("dialect") or {})
        if res.schema_path is not None:
            text = self.problems.read(res.schema_path)
            if text.ok:
                res.schema = text.value
                res.fields = check_schema(text.value, self.engine, self.reporter(res.schema_path))
        if "expectations" in decl:
            res.suite_path = inside(
                self.root, doc.folder, decl["expectations"], (*here, "expectations"), report
            )
            if res.suite_path is not None:
                text = self.problems.read(res.suite_path)
                res.suite = text.value if text.ok else None
        if not broken:
            check_vintage_dates(decl, here, report)
            for j, item in enumerate(decl.get("vintages") or []):
                res.vintages.append(
                    read_vintage(self.root, self.problems, self.engine, doc.folder, here, j, item,
                                 dialect if "derive" in decl else None)
                )  # fmt: skip
            check_computed(res, self.engine, report)  # after the raw files and schemas
        return res

    def across(self, docs: list[DatasetDoc], datasets: set[str]) -> None:
        """Names that cross files: resources, fields, datasets, foreign keys, suites."""
        index = Index(datasets=datasets, complete=self.complete)
        self.repeated: set[str] = set()
        self.by_name: dict[str, ResourceDoc] = {}
        self.owner: dict[str, DatasetDoc] = {}
        first: dict[str, str] = {}
        for doc in docs:
            for res in doc.resources:
                name = res.decl["name"]
                if name in first:
                    self.repeated.add(name)
                    self.problems.add(
                        doc.folder / "dataset.json",
                        ("resources", res.index, "name"),
                        f"ressource « {name} » déjà déclarée dans {first[name]} : chaque "
                        "ressource du dépôt porte un nom unique",
                    )
                    continue
                first[name] = self.problems.rel(doc.folder / "dataset.json")
                index.fields[name] = res.fields
                if res.fields is not None:
                    index.schemas[name] = res.schema
                self.by_name[name] = res
                self.owner[name] = doc
        schema = composed.dataset_schema()
        named: dict[str, list[tuple[JsonPath, str]]] = {}
        for doc in docs:
            file = doc.folder / "dataset.json"
            walker = Walker(schema, index, self.reporter(file), _cog(doc))
            walker.walk(doc.meta, schema)
            named[doc.folder.name] = walker.named
            check_links(doc, index, self.owner, self.repeated, self.problems.add)
            for res in doc.resources:
                tables = [(res.schema, res.schema_path, res.fields)]
                tables += [(v.schema, v.schema_path, v.fields) for v in res.vintages]
                for table, path, fields in tables:
                    if isinstance(table, dict) and fields is not None:
                        report = self.reporter(path)  # type: ignore[arg-type]
                        check_foreign_keys(table, res.decl["name"], index, report)
                if res.broken:
                    continue
                if res.vintages and isinstance(res.decl.get("derive"), dict):
                    check_earlier_derivations(
                        index, res, _cog(doc), self.reporter(doc.folder / "dataset.json")
                    )
                self.enrichments(doc, res)
                if res.suite is not None and res.fields is not None:
                    check_suite(
                        res.suite,
                        self.columns(res, index),
                        self.engine,
                        self.reporter(res.suite_path),  # type: ignore[arg-type]
                        self.problems.rel(res.suite_path),  # type: ignore[arg-type]
                        declared_values(doc, res),
                    )

        Editions(
            docs,
            self.by_name,
            self.owner,
            named,
            lambda derive, cog: read_by_derivation(index, derive, cog or DEFAULT_COG),
            self.problems.add,
            complete=self.complete,
        ).check()

    def columns(self, res: ResourceDoc, index: Index) -> dict[str, str]:
        """Every column a suite can name, with its type: fields, then enrichment columns."""
        types = {f["name"]: f.get("type", "string") for f in res.schema["fields"]}
        for spec in res.decl.get("enrich") or []:
            if not isinstance(spec, dict) or not isinstance(spec.get("columns"), dict):
                continue
            ref = self.by_name.get(spec["reference"])
            ref_types = {}
            if ref is not None and ref.fields is not None:
                ref_types = {f["name"]: f.get("type", "string") for f in ref.schema["fields"]}
            for src, dest in spec["columns"].items():
                types[dest] = ref_types.get(src, "string")
        return types

    def enrichments(self, doc: DatasetDoc, res: ResourceDoc) -> None:
        if res.fields is None:
            return
        taken = set(res.fields)
        for j, spec in enumerate(res.decl.get("enrich") or []):
            if not isinstance(spec, dict) or not isinstance(spec.get("columns"), dict):
                continue
            for src, dest in spec["columns"].items():
                if dest in taken:
                    self.problems.add(
                        doc.folder / "dataset.json",
                        ("resources", res.index, "enrich", j, "columns", src),
                        f"la colonne « {dest} » existe déjà dans la ressource : choisissez un "
                        "autre nom (par exemple « cog_" + str(src) + " »)",
                    )
                taken.add(dest)


def _cog(doc: DatasetDoc) -> int:
    """The COG vintage the dataset follows (the default when it declares none, or a wrong one:
    names of its tables are then not checked against a table that does not exist)."""
    return declared_cog(doc.meta) or DEFAULT_COG


def declared_values(doc: DatasetDoc, res: ResourceDoc) -> frozenset[str]:
    """What an expectation message can cite from the declaration: {cog} when the dataset
    declares its COG vintage, {edition} when the resource's source is dated."""
    source = res.decl.get("source")
    dated = isinstance(source, dict) and isinstance(source.get("date"), str)
    return frozenset(
        name
        for name, given in (("cog", declared_cog(doc.meta) is not None), ("edition", dated))
        if given
    )
