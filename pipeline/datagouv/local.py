"""A built data package as the publisher sees it: the files to upload and the desired
data.gouv.fr metadata, derived from ``datapackage.json`` and ``README.md``.

Besides the data files and ``datapackage.json``, each distinct Table Schema is published as its
own small ``<table>.schema.json`` resource (type ``documentation``): its permanent ``latest``
URL is what the data resources declare as ``schema: {"url": ...}``. A catalogue name/version
would be refused for the project's own schemas, and the remote datapackage.json is not a Table
Schema, so tools that follow the declared URL (Validata, frictionless) would fail on it.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from pipeline.errors import DataError
from pipeline.markdown import md_code, md_text

DATASET_KEY = "pipeline:dataset"
FILE_KEY = "pipeline:file"
DESCRIPTOR = "datapackage.json"
FORMAT_LABELS = {
    "csv": "CSV",
    "json": "JSON",
    "parquet": "Parquet",
    "geojson": "GeoJSON",
    "png": "PNG",
    "svg": "SVG",
}
DOCUMENTATION_FORMATS = {"png", "svg"}  # the package's picture: documentation, not data
# A picture embedded in the README by a relative path: it would be a broken image in the
# dataset description on data.gouv.fr (the image is one of the dataset's resources instead).
# (the alt text is escaped by pipeline.markdown: "\]" does not end it)
LOCAL_IMAGE = re.compile(r"^!\[(?:[^\]\\]|\\.)*\]\((?![a-z]+://)[^)]*\)\n\n?", re.MULTILINE)

Kind = Literal["data", "schema", "descriptor"]


def dump_json(value: object) -> bytes:
    """Deterministic JSON bytes (same input, same sha1 on every run)."""
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def tag_slug(value: str) -> str:
    """Tags as udata stores them (lower case, accents folded, dashes)."""
    folded = unicodedata.normalize("NFKD", value.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


@dataclass
class LocalFile:
    """One file to publish; ``content`` is set for generated files (schemas, descriptor)."""

    filename: str
    kind: Kind
    title: str
    description: str
    type: str
    path: Path | None = None
    content: bytes | None = None
    schema_file: str | None = None  # filename of the schema resource a data file declares

    def read(self) -> bytes:
        return self.content if self.content is not None else self.path.read_bytes()

    @cached_property
    def sha1(self) -> str:
        if self.content is not None:
            return hashlib.sha1(self.content).hexdigest()
        with self.path.open("rb") as handle:  # in chunks: a data file may weigh a GB
            return hashlib.file_digest(handle, "sha1").hexdigest()

    @cached_property
    def size(self) -> int:
        return len(self.content) if self.content is not None else self.path.stat().st_size

    def metadata(self, dataset: str, schema_url: str | None) -> dict:
        """Resource fields PUT after every upload (udata resets the title on replacement)."""
        return {
            "title": self.title,
            "description": self.description,
            "type": self.type,
            "schema": {"url": schema_url} if schema_url else None,
            "extras": {FILE_KEY: self.filename, DATASET_KEY: dataset},
        }


@dataclass
class LocalPackage:
    name: str
    folder: Path
    descriptor: dict
    readme: str
    data_files: list[LocalFile] = field(default_factory=list)
    schema_files: list[LocalFile] = field(default_factory=list)
    skipped: list[LocalFile] = field(default_factory=list)  # extensions the server refuses
    files_url: str | None = None  # where data/published/ is served in the repository

    def refuse(self, allowed: set[str]) -> list[LocalFile]:
        """Leave out of the upload every file whose extension the server does not accept."""
        refused = [f for f in self.data_files if extension(f.filename) not in allowed]
        self.data_files = [f for f in self.data_files if f not in refused]
        self.skipped = refused
        return refused

    def repository_link(self, filename: str) -> str | None:
        return f"{self.files_url}{quote(f'{self.name}/{filename}')}" if self.files_url else None

    @property
    def title(self) -> str:
        return self.descriptor.get("title") or self.name

    def dataset_payload(self) -> dict:
        """The full desired dataset state (udata's PUT wipes omitted tags and coverage)."""
        d, dg = self.descriptor, self.descriptor.get("datagouv") or {}
        spatial = dg.get("spatial") or {}
        tags = dg.get("tags") or d.get("keywords") or []
        coverage = dg.get("temporal_coverage")
        description = LOCAL_IMAGE.sub("", self.readme).strip()
        return {
            "title": self.title,
            "description": (description or d.get("description", "").strip() or self.title)
            + self._skipped_section(),
            "license": self.license,
            "frequency": dg.get("frequency", "irregular"),
            "tags": sorted({tag_slug(t) for t in tags if tag_slug(t)}),
            "temporal_coverage": (
                {"start": coverage.get("start"), "end": coverage.get("end")} if coverage else None
            ),
            "spatial": {
                "granularity": spatial.get("granularity", "other"),
                "zones": list(spatial.get("zones") or []),
            },
            "private": False,
            "archived": None,  # archived by hand: hidden from search, yet still published here
            "extras": {DATASET_KEY: self.name},
        }

    def _skipped_section(self) -> str:
        """Where to find the files data.gouv.fr does not take (appended to the description)."""
        if not self.skipped:
            return ""
        kinds = md_text(
            ", ".join(f".{k}" for k in sorted({extension(f.filename) for f in self.skipped}))
        )
        lines = [
            "",
            "",
            "## Fichiers disponibles hors de data.gouv.fr",
            "",
            f"data.gouv.fr n'accepte pas les fichiers {kinds} : "
            "ils sont publiés dans le dépôt du projet, avec les mêmes empreintes que dans "
            "datapackage.json.",
            "",
        ]
        for local in self.skipped:
            link = self.repository_link(local.filename)
            where = f"data/published/{self.name}/{local.filename}"
            name = md_text(local.filename)
            lines.append(f"- [{name}]({link})" if link else f"- {md_code(where, None)}")
        return "\n".join(lines)

    @property
    def license(self) -> str:
        from pipeline.declarations.composed import licences

        known = licences()  # the list dataset.json is checked against
        names = [lic.get("name") for lic in self.descriptor.get("licenses") or []]
        for name in names:
            if name in known:
                return known[name]
        raise DataError(
            f"Paquet {self.name} : licence {names or 'absente'} non reconnue pour data.gouv.fr ; "
            "déclarez etalab-2.0 (Licence Ouverte 2.0) dans datapackage.json."
        )

    def descriptor_file(self, latest_urls: dict[str, str]) -> LocalFile:
        """datapackage.json with each resource path replaced by its remote ``latest`` URL."""
        remote = json.loads(json.dumps(self.descriptor))
        skipped = {f.filename for f in self.skipped}
        kept = []
        for resource in remote.get("resources", []):
            path = resource["path"]
            if path in skipped:
                # not on data.gouv.fr: linked in the repository, or left out of the package
                path = self.repository_link(path)
                if path is None:
                    continue
            else:
                path = latest_urls[path]
            kept.append({**resource, "path": path})
        remote["resources"] = kept
        return LocalFile(
            filename=DESCRIPTOR,
            kind="descriptor",
            title="Descripteur du paquet de données (datapackage.json)",
            description=(
                "Descripteur Frictionless du paquet : métadonnées, schémas des tables, taille et "
                "empreinte sha256 de chaque fichier, liens permanents vers les fichiers. Pour "
                "vérifier un téléchargement : `pipeline verify` ou `frictionless validate` sur "
                "l'adresse de cette ressource."
            ),
            type="documentation",
            content=dump_json(remote),
        )


def extension(filename: str) -> str:
    return Path(filename).suffix.lower().lstrip(".")


def load_package(folder: Path) -> LocalPackage:
    """Read a built package; refuse a package whose files do not match its descriptor."""
    descriptor_path = folder / DESCRIPTOR
    if not descriptor_path.is_file():
        raise DataError(f"Paquet {folder.name} : {DESCRIPTOR} absent ; relancez pipeline build.")
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"Paquet {folder.name} : {DESCRIPTOR} illisible ({exc}).") from None
    readme = folder / "README.md"
    package = LocalPackage(
        name=descriptor.get("name") or folder.name,
        folder=folder,
        descriptor=descriptor,
        readme=readme.read_text(encoding="utf-8") if readme.is_file() else "",
    )
    schemas: dict[str, LocalFile] = {}
    for resource in descriptor.get("resources") or []:
        data = _data_file(package, resource)
        schema = resource.get("schema")
        if isinstance(schema, dict):
            data.schema_file = _schema_file(package, resource, schema, schemas).filename
        package.data_files.append(data)
    package.schema_files = list(schemas.values())
    if not package.data_files:
        raise DataError(f"Paquet {package.name} : aucune ressource dans {DESCRIPTOR}.")
    return package


def _data_file(package: LocalPackage, resource: dict) -> LocalFile:
    rel = resource.get("path")
    if not isinstance(rel, str) or "/" in rel or rel.startswith(".") or rel == DESCRIPTOR:
        raise DataError(f"Paquet {package.name} : chemin de ressource invalide {rel!r}.")
    path = package.folder / rel
    if not path.is_file():
        raise DataError(f"Paquet {package.name} : fichier {rel} absent ; relancez pipeline build.")
    expected = resource.get("hash", "")
    with path.open("rb") as handle:  # in chunks: a data file may weigh a GB
        actual = "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest()
    if expected and expected.removeprefix("sha256:") != actual.removeprefix("sha256:"):
        raise DataError(
            f"Paquet {package.name} : {rel} ne correspond plus à son empreinte dans {DESCRIPTOR} "
            "(fichier modifié après la construction) ; relancez pipeline build."
        )
    fmt = (resource.get("format") or path.suffix.lstrip(".")).lower()
    label = FORMAT_LABELS.get(fmt, fmt.upper())
    title = resource.get("title") or resource.get("name") or rel
    return LocalFile(
        filename=rel,
        kind="data",
        title=title if title.endswith(f"({label})") else f"{title} ({label})",
        description=(resource.get("description") or "").strip(),
        type="documentation" if fmt in DOCUMENTATION_FORMATS else "main",
        path=path,
    )


def _schema_file(
    package: LocalPackage, resource: dict, schema: dict, schemas: dict[str, LocalFile]
) -> LocalFile:
    content = dump_json(schema)
    stem = Path(resource["path"]).stem
    for candidate in (f"{stem}.schema.json", f"{Path(resource['path']).name}.schema.json"):
        existing = schemas.get(candidate)
        if existing is None or existing.content == content:
            break
    if existing is not None and existing.content == content:
        return existing
    schemas[candidate] = LocalFile(
        filename=candidate,
        kind="schema",
        title=f"Schéma de la table {resource.get('title') or stem} (Table Schema)",
        description=(
            "Table Schema (Frictionless) des fichiers CSV et JSON de cette table : colonnes, "
            "types et contraintes vérifiés avant publication."
        ),
        type="documentation",
        content=content,
    )
    return schemas[candidate]
