"""`pipeline build [DATASET…] [--check]`."""

from __future__ import annotations

import click

from pipeline.commands._common import limit_of, max_findings_option, repo_from
from pipeline.commands._output import emit, format_option


@click.command(name="build")
@click.argument("datasets", nargs=-1)
@click.option(
    "--check",
    is_flag=True,
    help="Build in memory and exit 1, naming each stale file, when data/published/ differs.",
)
@format_option("build")
@max_findings_option
@click.pass_context
def command(
    ctx: click.Context, datasets: tuple[str, ...], check: bool, fmt: str, max_findings: int
) -> None:
    """Validate, then write the data packages into data/published/."""
    from pipeline.build import build

    limit = limit_of(max_findings)
    result = build(repo_from(ctx), list(datasets) or None, check=check, limit=limit)
    emit("build", result, fmt, with_text=True)
    if result.stale:
        ctx.exit(1)
