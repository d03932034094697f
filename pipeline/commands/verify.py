"""`pipeline verify SOURCE`: check a published package's files and data."""

from __future__ import annotations

import click

from pipeline.commands._output import emit, format_option


@click.command(name="verify")
@click.argument("source")
@click.option(
    "--from",
    "remote",
    default="prod",
    show_default=True,
    help="demo, prod or the root URL of a udata server, for a dataset id or slug.",
)
@format_option("verify")
def command(source: str, remote: str, fmt: str) -> None:
    """Check SOURCE: a package folder, a datapackage.json path or URL, or a data.gouv.fr
    dataset id or slug. Exit 0 when every file matches datapackage.json and its schema."""
    from pipeline.verify import verify

    report = verify(source, remote)
    emit("verify", report, fmt, with_text=True)
    if not report.valid:
        raise click.exceptions.Exit(1)
