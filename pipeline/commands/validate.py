"""`pipeline validate [DATASET…]`."""

from __future__ import annotations

import sys

import click

from pipeline.commands._common import limit_of, max_findings_option, repo_from
from pipeline.commands._output import emit, format_option, remember


@click.command(name="validate")
@click.argument("datasets", nargs=-1)
@format_option("report")
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    callback=remember("output"),
    help="Write the report to this file (required for html).",
)
@click.option(
    "--engine",
    type=click.Choice(["fast", "gx"]),
    default="fast",
    show_default=True,
    help="Run the expectation suites natively (fast) or in Great Expectations itself (gx).",
)
@max_findings_option
@click.pass_context
def command(
    ctx: click.Context,
    datasets: tuple[str, ...],
    fmt: str,
    output: str | None,
    engine: str,
    max_findings: int,
) -> None:
    """Validate raw files against their schemas, rules and the reference geography.

    Exit code 0 when no error (warnings allowed), 1 when data errors, 2 on configuration errors.
    """
    from pipeline.validate import validate

    repo = repo_from(ctx)
    result = validate(repo, list(datasets) or None, engine, limit_of(max_findings))
    emit("report", result.report, fmt, output)
    sys.stdout.flush()
    ctx.exit(0 if result.report.valid else 1)
