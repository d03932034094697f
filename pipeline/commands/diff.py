"""`pipeline diff [DATASET…]`: what a build would change in data/published/."""

from __future__ import annotations

import click

from pipeline.commands._common import repo_from
from pipeline.commands._output import emit, format_option


@click.command(name="diff")
@click.argument("datasets", nargs=-1)
@format_option("diff")
@click.pass_context
def command(ctx: click.Context, datasets: tuple[str, ...], fmt: str) -> None:
    """Compare what build would produce with the committed data/published/, row by row on the
    primary key, and show the version each package would take."""
    from pipeline.build import diff_all

    diffs = diff_all(repo_from(ctx), list(datasets) or None)
    emit("diff", diffs, fmt)
