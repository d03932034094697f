"""Check a published (or local) data package: each file's size and sha256 against
datapackage.json, then the data against the package's Table Schemas with frictionless (the
Parquet files too: column types and embedded schema, then every row; GeoJSON files for their
structure and against the table they were made from, :mod:`pipeline.verify_geojson`;
pictures by size and hash only).

Remote files are downloaded to a temporary folder first and validated there with relative
paths and an absolute ``basepath`` (frictionless refuses absolute or ``../`` paths in
untrusted descriptors). No API key is used: published data is public.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from pipeline import verify_integrity as integrity
from pipeline.datagouv import errors
from pipeline.datagouv.client import Client, resolve_base_url
from pipeline.datagouv.http import api_path, url_problem
from pipeline.datagouv.local import DESCRIPTOR, FILE_KEY
from pipeline.errors import ConfigError, DataError
from pipeline.jsondepth import loads
from pipeline.messages import shorten
from pipeline.verify_geojson import geojson_problems
from pipeline.verify_integrity import Integrity
from pipeline.verify_messages import finding
from pipeline.verify_schema import check_content, file_format

URL = re.compile(r"^https?://", re.IGNORECASE)


@dataclass
class FileCheck:
    resource: str
    location: str
    integrity: Integrity = field(default_factory=Integrity)
    errors: list[dict] = field(default_factory=list)  # {line, field, code, message}

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        """Flat: the declared and measured size and hash between location and errors."""
        head = {"resource": self.resource, "location": self.location}
        return {**head, **asdict(self.integrity), "errors": self.errors, "valid": self.valid}


@dataclass
class VerifyReport:
    source: str
    descriptor: str
    name: str
    files: list[FileCheck] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return bool(self.files) and all(f.valid for f in self.files)

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "descriptor": self.descriptor,
            "package": self.name,
            "valid": self.valid,
            "files": [f.to_dict() for f in self.files],
        }


def verify(source: str, remote: str = "prod") -> VerifyReport:
    """``source``: package folder, datapackage.json path or URL, or dataset id/slug on ``remote``."""
    client = Client(resolve_base_url(remote), None)  # never send a key to download public files
    with tempfile.TemporaryDirectory(prefix="pipeline-verify-") as tmp:
        work = Path(tmp)
        location, descriptor, root = _load_descriptor(client, source, work)
        report = VerifyReport(source, location, descriptor.get("name") or "")
        tables: dict[str, tuple[dict, Path | None]] = {}
        geojson: list[tuple[dict, Path, FileCheck]] = []
        fetched: list[tuple[dict, Path, FileCheck]] = []
        for index, resource in enumerate(descriptor.get("resources") or []):
            check, local = _check_resource(client, location, root, resource, index, work)
            report.files.append(check)
            if not isinstance(resource, dict):
                continue
            if local is not None:
                fetched.append((resource, local, check))
            if file_format(resource, local) == "geojson":
                if local is not None:
                    geojson.append((resource, local, check))
            elif file_format(resource, local) == "csv" and isinstance(resource.get("name"), str):
                tables[resource["name"]] = (resource, local)
        for resource, local, check in fetched:  # once every file is here: foreign keys
            check.errors.extend(check_content(resource, local, tables))
        for resource, local, check in geojson:  # against its table
            check.errors += [
                finding("geojson-error", problem)
                for problem in geojson_problems(resource, local, tables)
            ]
        if not report.files:
            raise DataError(f"{location} ne déclare aucune ressource.")
        return report


def _load_descriptor(client: Client, source: str, work: Path) -> tuple[str, dict, Path | None]:
    """The descriptor's location, its content, and the package folder when it is local (the
    only folder its files may be read from; None for a remote package)."""
    path = Path(source)
    root: Path | None = None
    if URL.match(source):
        why = url_problem(source)
        if why:
            raise ConfigError(f"Adresse « {shorten(source)} » invalide ({why}).")
        location = source
        raw = client.download(source, work / DESCRIPTOR).read_bytes()
    elif path.is_dir():
        root = path.resolve()
        location = str(root / DESCRIPTOR)
        if not _inside(root / DESCRIPTOR, root):
            raise DataError(f"{location} est un lien qui sort du paquet : refusé.")
        raw = _read(path / DESCRIPTOR)
    elif path.is_file() or source.endswith(".json") or _looks_local(source):
        root = path.absolute().parent.resolve()
        location = str(root / path.name)
        raw = _read(path)
    else:
        location = _descriptor_url(client, source)
        raw = client.download(location, work / DESCRIPTOR).read_bytes()
    try:
        descriptor = loads(raw.decode("utf-8"))
    except ValueError as exc:  # bad UTF-8 or JSON, JSON refused (nested too deep, NaN…)
        raise DataError(
            f"{location} n'est pas un datapackage.json lisible ({shorten(exc, 200)})."
        ) from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise DataError(f"{location} n'est pas un descripteur de paquet (resources absent).")
    return location, descriptor, root


def _looks_local(source: str) -> bool:
    """A path rather than a dataset id or slug (which never hold these characters)."""
    return "/" in source or "\\" in source or source.startswith((".", "~"))


def _inside(path: Path, root: Path) -> bool:
    """Whether ``path``, its symbolic links followed, stays within ``root`` (resolved)."""
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError, ValueError):  # a link loop, a NUL byte
        return False


def _read(path: Path) -> bytes:
    if not path.is_file():
        raise ConfigError(
            f"{path} introuvable : donnez un dossier de paquet ou un datapackage.json."
        )
    return path.read_bytes()


def _descriptor_url(client: Client, dataset: str) -> str:
    """The ``latest`` URL of a dataset's datapackage.json resource on data.gouv.fr, resolved
    against the server: an http(s) URL, never a local path."""
    answer = client.dataset(dataset)
    resources = answer.get("resources") if isinstance(answer, dict) else None
    if not isinstance(resources, list):
        raise errors.MalformedAnswer(
            "GET", client.url(api_path(1, "datasets", dataset)), 200, "pas de liste « resources »"
        )
    for resource in resources:
        if not isinstance(resource, dict):
            continue
        extras = resource.get("extras")
        title = _text(resource.get("title")).lower()
        url = _text(resource.get("url"))
        if (
            (isinstance(extras, dict) and extras.get(FILE_KEY) == DESCRIPTOR)
            or url.endswith(DESCRIPTOR)
            or DESCRIPTOR in title
        ):
            found = urljoin(client.base_url + "/", _text(resource.get("latest")) or url)
            if not _is_http(found):
                raise errors.MalformedAnswer(
                    "GET",
                    client.url(api_path(1, "datasets", dataset)),
                    200,
                    f"adresse de {DESCRIPTOR} refusée, ni http ni https : {shorten(found)}",
                )
            return found
    raise DataError(
        f"Le jeu de données {dataset} ({client.base_url}) n'a pas de ressource {DESCRIPTOR} : "
        "il n'a pas été publié par le pipeline, rien à vérifier."
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _is_http(url: str) -> bool:
    return url_problem(url) is None


def _check_resource(
    client: Client, location: str, root: Path | None, resource: dict, index: int, work: Path
) -> tuple[FileCheck, Path | None]:
    """The check of one file's bytes and hash (its content is checked once every file is
    here), and its local copy (None when it could not be read)."""
    if not isinstance(resource, dict):
        check = FileCheck(f"ressource {index + 1}", "")
        check.errors.append(finding("resource", f"ressource {index + 1} : pas un objet."))
        return check, None
    name = resource.get("name") or f"ressource {index + 1}"
    target = resource.get("path")
    found, problems = integrity.declared(resource, name)
    check = FileCheck(name, str(target), found, problems)
    if not isinstance(target, str) or not target:
        check.errors.append(finding("path", f"{name} : chemin (path) absent du descripteur."))
        return check, None
    local = _fetch(client, location, root, target, index, work, check)
    if local is None:
        return check, None
    check.errors += integrity.check(found, resource, local, name)
    return check, local


def _fetch(
    client: Client,
    location: str,
    root: Path | None,
    target: str,
    index: int,
    work: Path,
    check: FileCheck,
) -> Path | None:
    """The local copy of one resource: downloaded when the package or the path is a URL,
    else the file in the package folder, never a file outside it (``../``, absolute paths
    and symbolic links that lead out are refused)."""
    if URL.match(target) or root is None:
        url = target if URL.match(target) else urljoin(location, target)
        check.location = url
        if not _is_http(url):  # file:, data:… in a remote package: never the local disk
            check.errors.append(
                finding(
                    "unsafe-path",
                    f"{shorten(target)} : adresse refusée ({url_problem(url)}).",
                )
            )
            return None
        return client.download(url, work / f"resource-{index}")
    relative = Path(target)
    if relative.is_absolute() or ".." in relative.parts:
        check.errors.append(finding("unsafe-path", f"{target} : chemin refusé (absolu ou ../)."))
        return None
    path = root / relative
    check.location = str(path)
    if not _inside(path, root):
        check.errors.append(
            finding(
                "unsafe-path",
                f"{target} : chemin refusé (lien symbolique qui mène hors du dossier du paquet).",
            )
        )
        return None
    path = path.resolve()
    if not path.is_file():
        check.errors.append(
            finding("missing-file", f"{target} : fichier absent à côté du descripteur.")
        )
        return None
    return path
