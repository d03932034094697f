"""The repository's settings: ``pipeline.json`` at its root. For now, the data.gouv.fr
organisation the packages are published to:

    {"datagouv": {"organization": "<slug>"}}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ConfigError


@dataclass(frozen=True)
class DatagouvConfig:
    organization: str  # the organisation's slug


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
    return Config(datagouv=DatagouvConfig(organization=slug.strip()))
