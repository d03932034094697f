"""French account of ``pipeline publish``: the plan and what was sent, or, without a
target, the packages built and how to publish them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.render.github import command
from pipeline.render.json import dump

if TYPE_CHECKING:
    from pipeline.build import BuildResult
    from pipeline.datagouv.sync import RefusedExtension, SyncResult

LABELS = {
    "create_dataset": "créer le jeu de données",
    "update_dataset": "mettre à jour les métadonnées du jeu de données",
    "upload": "envoyer le fichier (nouvelle ressource)",
    "replace": "remplacer le fichier",
    "update_resource": "mettre à jour les métadonnées de la ressource",
    "adopt": "rattacher la ressource déjà reçue (même sha1)",
    "delete": "supprimer la ressource",
    "unchanged": "inchangé",
}
SKIPPED = "non envoyé (extension refusée par le serveur, voir la note)"
HOW_TO_PUBLISH = (
    "Rien n'a été envoyé. Pour publier sur data.gouv.fr :\n"
    "  export DATAGOUV_API_KEY=<votre clé d'API>   # Profil > Clés d'API sur data.gouv.fr\n"
    "  pipeline publish --to prod            # ou --to demo pour une répétition\n"
    "Ajoutez --dry-run pour voir le plan sans rien modifier."
)


def refused_note(target: str, refused: RefusedExtension) -> str:
    """One note per extension the server refuses; the run goes on without those files."""
    ext = refused.extension
    where = (
        "donne leur lien dans le dépôt du projet."
        if refused.linked
        else "indique leur chemin dans le dépôt (ajoutez datagouv.files_url à pipeline.json "
        "pour un lien)."
    )
    return (
        f"{target} n'accepte pas les fichiers .{ext} : {refused.files} fichier(s) .{ext} "
        f"({len(refused.datasets)} jeu(x)) non envoyé(s) ; la description de chaque jeu {where}"
    )


def notes(result: SyncResult) -> list[str]:
    return [refused_note(result.target, r) for r in result.refused]


def warnings(result: SyncResult) -> list[str]:
    """Files neither on the server nor linked (no ``datagouv.files_url``): reusers cannot
    download them from the dataset's page, which only names their path in the repository."""
    unlinked = [r for r in result.refused if not r.linked]
    if not unlinked:
        return []
    files = sum(r.files for r in unlinked)
    kinds = ", ".join(f".{r.extension}" for r in unlinked)
    datasets = list(dict.fromkeys(d for r in unlinked for d in r.datasets))
    return [
        f"{files} fichier(s) {kinds} de {len(datasets)} jeu(x) ne sont pas sur {result.target} "
        "et « files_url » n'est pas configuré : la description de ces jeux ne donne que leur "
        "chemin dans le dépôt, sans lien, et les réutilisateurs ne peuvent pas les "
        "télécharger depuis data.gouv.fr. Ajoutez à la section « datagouv » de pipeline.json "
        '« "files_url": "https://…/data/published/" », l\'adresse http(s) où le dépôt sert '
        "data/published/, puis relancez pipeline publish (voir docs/publish.md)."
    ]


def render_sync_text(result: SyncResult) -> str:
    """The notes, the plan per dataset, then the counts."""
    title = "Plan (simulation, rien n'est modifié)" if result.dry_run else "Publication"
    lines = [f"{title} vers {result.target}, organisation {result.organization} :"]
    lines += [f"Note : {note}" for note in notes(result)]
    for plan in result.plans:
        changed = f" ({', '.join(plan.changed)})" if plan.changed else ""
        lines += ["", f"• {plan.name} : {LABELS[plan.action]}{changed}"]
        for step in plan.files:
            detail = f" ({', '.join(step.changed)})" if step.changed else ""
            note = f" — {step.note}" if step.note else ""
            lines.append(f"    {step.file.filename} : {LABELS[step.action]}{detail}{note}")
        for skipped in plan.package.skipped:
            lines.append(f"    {skipped.filename} : {SKIPPED}")
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
    lines += [f"ATTENTION : {warning}" for warning in warnings(result)]  # last, not missed
    return "\n".join(lines) + "\n"


def render_sync_json(result: SyncResult) -> str:
    """The result's JSON form, with the notes and warnings the text shows."""
    return dump({**result.to_dict(), "notes": notes(result), "warnings": warnings(result)})


def render_sync_github(result: SyncResult) -> str:
    """The warnings as GitHub annotations on pipeline.json (the publish workflow's log)."""
    return "".join(
        command("warning", w, file="pipeline.json", title="Fichiers sans lien") + "\n"
        for w in warnings(result)
    )


def render_unpublished_text(result: BuildResult) -> str:
    """``pipeline publish`` without a target: the packages ready, and how to send them."""
    ready = [f"Paquet prêt : {result.repo.rel(folder)}" for folder in result.packages]
    return "\n".join([*ready, HOW_TO_PUBLISH]) + "\n"


def render_unpublished_json(result: BuildResult) -> str:
    return dump({"published": False, "packages": [result.repo.rel(f) for f in result.packages]})
