"""`pipeline validate [DATASET…]`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from pipeline.commands._common import repo_from
from pipeline.errors import ConfigError
from pipeline.findings import Report

FORMATS = ("text", "json", "github", "markdown", "html")


def render(report: Report, fmt: str) -> str:
    if fmt == "json":
        from pipeline.render.json import render_json

        return render_json(report)
    if fmt == "github":
        from pipeline.render.github import render_github

        return render_github(report)
    if fmt == "markdown":
        from pipeline.render.markdown import render_markdown

        return render_markdown(report)
    if fmt == "html":
        from pipeline.render.html import render_html

        return render_html(report)
    from pipeline.render.text import render_text

    return render_text(report)


def emit(report: Report, fmt: str, output: str | None) -> None:
    """Machine formats go to stdout (or --output); the text report and annotations to stderr."""
    if fmt == "html" and not output:
        raise ConfigError("--format html demande --output FICHIER.")
    if output:
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(report, fmt), encoding="utf-8")
        click.echo(render(report, "text"), err=True, nl=False)
        click.echo(f"Rapport écrit dans {output}", err=True)
        return
    if fmt in ("json", "markdown"):
        click.echo(render(report, fmt), nl=False)
        return
    if fmt == "github":
        click.echo(render(report, "text"), err=True, nl=False)
        click.echo(render(report, "github"), err=True, nl=False)
        return
    click.echo(render(report, "text"), err=True, nl=False)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        click.echo(render(report, "github"), err=True, nl=False)


@click.command(name="validate")
@click.argument("datasets", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format. json and markdown go to stdout, text and github to stderr.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the report to this file (required for html).",
)
@click.option(
    "--engine",
    type=click.Choice(["fast", "gx"]),
    default="fast",
    show_default=True,
    help="Run the expectation suites natively (fast) or in Great Expectations itself (gx).",
)
@click.pass_context
def command(
    ctx: click.Context, datasets: tuple[str, ...], fmt: str, output: str | None, engine: str
) -> None:
    """Validate raw files against their schemas, rules and the reference geography.

    Exit code 0 when no error (warnings allowed), 1 when data errors, 2 on configuration errors.
    """
    from pipeline.validate import validate

    repo = repo_from(ctx)
    result = validate(repo, list(datasets) or None, engine)
    emit(result.report, fmt, output)
    sys.stdout.flush()
    ctx.exit(0 if result.report.valid else 1)
