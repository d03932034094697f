"""The repository's settings: ``pipeline.json`` at its root. The data.gouv.fr organisation the
packages are published to and, optionally, the address where the repository serves
``data/published/`` (to link the files data.gouv.fr refuses, such as Parquet):

    {"datagouv": {"organization": "<slug>", "files_url": "https://…/data/published/"}}
"""

from __future__ import annotations

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
    """Read ``pipeline.json``; a missing file is a configuration error that names it, a
    malformed one a :class:`~pipeline.declarations.problems.DeclarationError` naming each
    mistake (checked against ``pipeline/schemas/pipeline.schema.json``)."""
    from pipeline.declarations.problems import Problems
    from pipeline.declarations.repository import check_config_file

    if not path.is_file():
        raise ConfigError(f"{path} absent : il doit indiquer datagouv.organization.")
    problems = Problems(path.parent)
    data = check_config_file(path.parent, problems)
    problems.raise_if_any()
    url = data["datagouv"].get("files_url")
    if url is not None and not url.endswith("/"):
        url += "/"
    return Config(datagouv=DatagouvConfig(data["datagouv"]["organization"], files_url=url))
