"""Where things live in a pipeline repository."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pipeline.config import Config, load_config
from pipeline.errors import ConfigError


@dataclass(frozen=True)
class Repo:
    root: Path

    @property
    def schemas(self) -> Path:
        return self.root / "schemas"

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def reference(self) -> Path:
        return self.root / "data" / "reference"

    @property
    def published(self) -> Path:
        return self.root / "data" / "published"

    @property
    def config_file(self) -> Path:
        return self.root / "pipeline.json"

    @cached_property
    def config(self) -> Config:
        """``pipeline.json``, read on first use: only publishing needs it."""
        return load_config(self.config_file)

    def rel(self, path: Path) -> str:
        """Path relative to the repository root, with forward slashes (for reports)."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    @classmethod
    def find(cls, root: str | Path | None = None) -> Repo:
        """The repository named by ``root``, ``$PIPELINE_ROOT``, or the nearest parent of the
        working directory that holds a ``schemas/`` folder."""
        if root is None:
            root = os.environ.get("PIPELINE_ROOT")
        if root is not None:
            path = Path(root).resolve()
            if not (path / "schemas").is_dir():
                raise ConfigError(
                    f"{path} n'est pas un dépôt du pipeline : dossier schemas/ absent."
                )
            return cls(path)
        here = Path.cwd().resolve()
        for candidate in (here, *here.parents):
            if (candidate / "schemas").is_dir():
                return cls(candidate)
        raise ConfigError(
            "Aucun dépôt du pipeline trouvé (dossier schemas/ absent) : lancez la commande "
            "depuis le dépôt ou passez --root."
        )
