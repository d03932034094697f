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
    """Compare what build would produce with the committed data/published/, row by row on
    what identifies a row (diffKey, else the primary key), and show the version each package
    would take."""
    from pipeline.build import render_all
    from pipeline.diff import diff_package, read_folder
    from pipeline.versioning import diff_keys

    repo = repo_from(ctx)
    v, packages = render_all(repo, list(datasets) or None)
    diffs = [
        diff_package(
            read_folder(repo.published / name), files, keys=diff_keys(v.catalog.datasets[name])
        )
        for name, files in packages.items()
    ]
    emit("diff", diffs, fmt)
