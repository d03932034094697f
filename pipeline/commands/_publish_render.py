"""Rendering of `pipeline publish` (French, on stderr) and its upload progress bars."""

from __future__ import annotations

from collections.abc import Callable

import click

from pipeline.datagouv.plan import LABELS
from pipeline.datagouv.sync import SyncResult


def render_text(result: SyncResult) -> None:
    """The plan per dataset, then the counts. Always on stderr (stdout is for --format json)."""
    title = "Plan (simulation, rien n'est modifié)" if result.dry_run else "Publication"
    click.echo(f"{title} vers {result.target}, organisation {result.organization} :", err=True)
    for note in result.notes:
        click.echo(f"Note : {note}", err=True)
    for plan in result.plans:
        changed = f" ({', '.join(plan.changed)})" if plan.changed else ""
        click.echo(f"\n• {plan.name} : {LABELS[plan.action]}{changed}", err=True)
        for step in plan.files:
            detail = f" ({', '.join(step.changed)})" if step.changed else ""
            note = f" — {step.note}" if step.note else ""
            click.echo(f"    {step.file.filename} : {LABELS[step.action]}{detail}{note}", err=True)
        remote = result.datasets.get(plan.name)
        if remote and (remote.get("page") or remote.get("uri")):
            click.echo(f"    → {remote.get('page') or remote.get('uri')}", err=True)
    click.echo("", err=True)
    planned = f"{result.planned_uploads} envoi(s) de fichier, {result.planned_writes} écriture(s)"
    if result.dry_run:
        click.echo(f"Prévu : {planned}. Relancez sans --dry-run pour appliquer.", err=True)
    elif result.writes == 0:
        click.echo("Tout est déjà à jour : 0 envoi, 0 écriture.", err=True)
    else:
        click.echo(
            f"Terminé : {result.uploads} envoi(s) de fichier, {result.writes} écriture(s).",
            err=True,
        )


class ProgressBars:
    """One rich progress bar per uploaded file, on stderr (only used on a TTY)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.started = False

    def __call__(self, label: str, total: int) -> Callable[[int], None]:
        if not self.started:
            self.progress.start()
            self.started = True
        task = self.progress.add_task(f"Envoi de {label}", total=total)
        return lambda sent: self.progress.advance(task, sent)

    def stop(self) -> None:
        if self.started:
            self.progress.stop()
