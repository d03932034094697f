"""`pipeline build [DATASET…] [--check]`."""

from __future__ import annotations

import click

from pipeline.commands._common import repo_from
from pipeline.commands.validate import render


@click.command(name="build")
@click.argument("datasets", nargs=-1)
@click.option(
    "--check",
    is_flag=True,
    help="Build in memory and exit 1, naming each stale file, when data/published/ differs.",
)
@click.pass_context
def command(ctx: click.Context, datasets: tuple[str, ...], check: bool) -> None:
    """Validate, then write the data packages into data/published/."""
    from pipeline.build import InvalidData, build

    repo = repo_from(ctx)
    try:
        result = build(repo, list(datasets) or None, check=check)
    except InvalidData as exc:
        click.echo(render(exc.report, "text"), err=True, nl=False)
        raise
    if check:
        if result.stale:
            click.echo("data/published/ n'est pas à jour ; fichiers à reconstruire :", err=True)
            for path in result.stale:
                click.echo(f"  {path}", err=True)
            click.echo("Lancez « pipeline build » puis committez data/published/.", err=True)
            ctx.exit(1)
        click.echo("data/published/ est à jour.", err=True)
        return
    for folder in result.packages:
        state = "mis à jour" if folder.name in result.written else "inchangé"
        click.echo(f"{folder.name} : {state} ({repo.rel(folder)})", err=True)
