"""French account of ``pipeline build``: each package written or unchanged, or, with
``--check``, the stale files."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.build import BuildResult


def render_build_text(result: BuildResult) -> str:
    if result.check and result.stale:
        lines = [
            "data/published/ n'est pas à jour ; fichiers à reconstruire :",
            *(f"  {path}" for path in result.stale),
            "Lancez « pipeline build » puis committez data/published/.",
        ]
    elif result.check:
        lines = ["data/published/ est à jour."]
    else:
        lines = [
            f"{folder.name} : {'mis à jour' if folder.name in result.written else 'inchangé'} "
            f"({result.repo.rel(folder)})"
            for folder in result.packages
        ]
    return "".join(line + "\n" for line in lines)
