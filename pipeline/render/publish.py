"""French account of ``pipeline publish``: the plan and what was sent, or, without a
target, the packages built and how to publish them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.render.json import dump

if TYPE_CHECKING:
    from pipeline.build import BuildResult
    from pipeline.datagouv.sync import SyncResult

LABELS = {
    "create_dataset": "créer le jeu de données",
    "update_dataset": "mettre à jour les métadonnées du jeu de données",
    "upload": "envoyer le fichier (nouvelle ressource)",
    "replace": "remplacer le fichier",
    "update_resource": "mettre à jour les métadonnées de la ressource",
    "adopt": "rattacher la ressource déjà reçue (même sha1)",
    "unchanged": "inchangé",
}
HOW_TO_PUBLISH = (
    "Rien n'a été envoyé. Pour publier sur data.gouv.fr :\n"
    "  export DATAGOUV_API_KEY=<votre clé d'API>   # Profil > Clés d'API sur data.gouv.fr\n"
    "  pipeline publish --to prod            # ou --to demo pour une répétition\n"
    "Ajoutez --dry-run pour voir le plan sans rien modifier."
)


def render_sync_text(result: SyncResult) -> str:
    """The plan per dataset, then the counts."""
    title = "Plan (simulation, rien n'est modifié)" if result.dry_run else "Publication"
    lines = [f"{title} vers {result.target}, organisation {result.organization} :"]
    for plan in result.plans:
        changed = f" ({', '.join(plan.changed)})" if plan.changed else ""
        lines += ["", f"• {plan.name} : {LABELS[plan.action]}{changed}"]
        for step in plan.files:
            detail = f" ({', '.join(step.changed)})" if step.changed else ""
            note = f" — {step.note}" if step.note else ""
            lines.append(f"    {step.file.filename} : {LABELS[step.action]}{detail}{note}")
        remote = result.datasets.get(plan.name)
        if remote and (remote.get("page") or remote.get("uri")):
            lines.append(f"    → {remote.get('page') or remote.get('uri')}")
    lines.append("")
    planned = f"{result.planned_uploads} envoi(s) de fichier, {result.planned_writes} écriture(s)"
    if result.dry_run:
        lines.append(f"Prévu : {planned}. Relancez sans --dry-run pour appliquer.")
    elif result.writes == 0:
        lines.append("Tout est déjà à jour : 0 envoi, 0 écriture.")
    else:
        lines.append(
            f"Terminé : {result.uploads} envoi(s) de fichier, {result.writes} écriture(s)."
        )
    return "\n".join(lines) + "\n"


def render_unpublished_text(result: BuildResult) -> str:
    """``pipeline publish`` without a target: the packages ready, and how to send them."""
    ready = [f"Paquet prêt : {result.repo.rel(folder)}" for folder in result.packages]
    return "\n".join([*ready, HOW_TO_PUBLISH]) + "\n"


def render_unpublished_json(result: BuildResult) -> str:
    return dump({"published": False, "packages": [result.repo.rel(f) for f in result.packages]})
