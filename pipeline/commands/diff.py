"""`pipeline diff [DATASET…]`: what a build would change in data/published/."""

from __future__ import annotations

import click

from pipeline.commands._common import limit_of, max_findings_option, repo_from
from pipeline.commands._output import emit, format_option


@click.command(name="diff")
@click.argument("datasets", nargs=-1)
@format_option("diff")
@max_findings_option
@click.pass_context
def command(ctx: click.Context, datasets: tuple[str, ...], fmt: str, max_findings: int) -> None:
    """Compare what build would produce with the committed data/published/, row by row on
    what identifies a row (diffKey, else the primary key), and show the version each package
    would take."""
    from pipeline.build import diff_all

    diffs = diff_all(repo_from(ctx), list(datasets) or None, limit_of(max_findings))
    emit("diff", diffs, fmt)
