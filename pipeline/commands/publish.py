"""`pipeline publish`: build (validating first), then sync the packages to data.gouv.fr."""

from __future__ import annotations

import click

from pipeline.commands._common import limit_of, max_findings_option, repo_from, show_progress
from pipeline.commands._output import emit, format_option


@click.command(name="publish")
@click.argument("datasets", nargs=-1)
@click.option(
    "--to",
    "target",
    default=None,
    help="demo, prod or the root URL of a udata server (e.g. http://127.0.0.1:7000). "
    "Without it, build only.",
)
@click.option("--dry-run", is_flag=True, help="Print the plan and stop (no write).")
@format_option("publish", "unpublished")
@click.option("--no-progress", is_flag=True, help="Never show the upload progress bar.")
@max_findings_option
@click.pass_context
def command(
    ctx: click.Context,
    datasets: tuple[str, ...],
    target: str | None,
    dry_run: bool,
    fmt: str,
    no_progress: bool,
    max_findings: int,
) -> None:
    """Validate, build, then publish DATASETS (default: all) to data.gouv.fr.

    The API key is read from the DATAGOUV_API_KEY environment variable only.
    """
    from pipeline.build import build

    repo = repo_from(ctx)
    client = None
    if target:
        from pipeline.catalog import load_catalog
        from pipeline.datagouv.client import Client  # lazy: keeps other commands fast
        from pipeline.declarations.unfinished import refuse_unfinished

        client = Client.from_env(target)  # fail fast (exit 2) before building
        catalog = load_catalog(repo)  # every mistake in declarations, pipeline.json included
        config = repo.config.datagouv  # before building: a bad pipeline.json exits 2
        chosen = catalog.select(datasets)  # an unknown name is refused before the build
        refuse_unfinished(repo.root, [d.folder for d in chosen])  # never on data.gouv.fr
    built = build(repo, list(datasets) or None, limit=limit_of(max_findings))
    if client is None:
        emit("unpublished", built, fmt, with_text=True)
        return

    from pipeline.commands._progress import ProgressBars
    from pipeline.datagouv.sync import sync

    bars = ProgressBars() if show_progress(no_progress) and not dry_run else None
    try:
        result = sync(
            client,
            config.organization,
            built.packages,
            dry_run=dry_run,
            progress=bars,
            files_url=config.files_url,
        )
    finally:
        if bars:
            bars.stop()
    emit("publish", result, fmt, with_text=True)
