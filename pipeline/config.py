"""The repository's settings: ``pipeline.json`` at its root. The data.gouv.fr organisation the
packages are published to and, optionally, the address where the repository serves
``data/published/`` (to link the files data.gouv.fr refuses, such as Parquet):

    {"datagouv": {"organization": "<slug>", "files_url": "https://…/data/published/"}}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ConfigError


@dataclass(frozen=True)
class DatagouvConfig:
    organization: str  # the organisation's slug
    # where the repository serves data/published/ (e.g.
    # https://<forge>/<org>/<repo>/raw/main/data/published/), ending with "/"; None: no link
    files_url: str | None = None


@dataclass(frozen=True)
class Config:
    datagouv: DatagouvConfig


def load_config(path: Path) -> Config:
    """Read ``pipeline.json``; a missing or malformed file is a configuration error that
    names it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        slug = data["datagouv"]["organization"]
    except FileNotFoundError:
        raise ConfigError(f"{path} absent : il doit indiquer datagouv.organization.") from None
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError):
        raise ConfigError(
            f'{path} invalide : attendu {{"datagouv": {{"organization": "<slug>"}}}}.'
        ) from None
    if not isinstance(slug, str) or not slug.strip():
        raise ConfigError(f"{path} : datagouv.organization doit être le slug de l'organisation.")
    files_url = _files_url(path, data["datagouv"].get("files_url"))
    return Config(datagouv=DatagouvConfig(organization=slug.strip(), files_url=files_url))


def _files_url(path: Path, url: object) -> str | None:
    if url is None:
        return None
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise ConfigError(
            f"{path} : datagouv.files_url doit être l'adresse http(s) où le dépôt sert "
            "data/published/."
        )
    return url if url.endswith("/") else url + "/"
