"""Declarations still holding the ``À COMPLÉTER`` placeholders that ``pipeline add`` writes:
they may be validated and built (to look at the result), never published, since the text
would reach data.gouv.fr as it is."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.errors import ConfigError


def unfinished(root: Path, folders: list[Path]) -> list[str]:
    """``file : where : text`` for every placeholder left in the declaration files of the
    datasets in ``folders`` (``schemas/<name>/*.json``)."""
    from pipeline.add.write import placeholders

    out = []
    for folder in folders:
        for path in sorted(folder.glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError):
                continue  # reported by the declarations check
            where = path.resolve().relative_to(root.resolve()).as_posix()
            out.extend(f"{where} : {key} : « {text} »" for key, text in placeholders(data, ""))
    return out


def refuse_unfinished(root: Path, folders: list[Path]) -> None:
    """Raise a configuration error (exit 2) listing the placeholders left, if any."""
    left = unfinished(root, folders)
    if left:
        lines = "\n".join(f"  - {item}" for item in left)
        raise ConfigError(
            f"{len(left)} texte(s) « À COMPLÉTER » dans les déclarations : rien n'a été "
            "publié. Remplacez-les par le vrai texte (titre, description, source…), puis "
            f"relancez.\n{lines}"
        )
