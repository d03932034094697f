"""`pipeline diff [DATASET…]`: what a build would change in data/published/."""

from __future__ import annotations

import json

import click

from pipeline.commands._common import repo_from


@click.command(name="diff")
@click.argument("datasets", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text goes to stderr; json and markdown to stdout.",
)
@click.pass_context
def command(ctx: click.Context, datasets: tuple[str, ...], fmt: str) -> None:
    """Compare what build would produce with the committed data/published/, row by row on the
    primary key, and show the version each package would take."""
    from pipeline.build import InvalidData, render_all
    from pipeline.commands.validate import render
    from pipeline.diff import diff_package, read_folder
    from pipeline.render.diff import render_diff_markdown, render_diff_text

    repo = repo_from(ctx)
    try:
        _, packages = render_all(repo, list(datasets) or None)
    except InvalidData as exc:
        click.echo(render(exc.report, "text"), err=True, nl=False)
        raise
    diffs = [
        diff_package(read_folder(repo.published / name), files) for name, files in packages.items()
    ]
    if fmt == "json":
        click.echo(json.dumps([d.to_dict() for d in diffs], ensure_ascii=False, indent=2))
    elif fmt == "markdown":
        click.echo(render_diff_markdown(diffs), nl=False)
    else:
        click.echo(render_diff_text(diffs), err=True, nl=False)
