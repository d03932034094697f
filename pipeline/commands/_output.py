"""The ``--format`` option every command shares, and where each format's output goes."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from pipeline.errors import ConfigError
from pipeline.findings import Report
from pipeline.render import FORMATS, formats, render


def format_option(*kinds: str) -> Callable:
    """``--format`` with the formats that render every one of ``kinds`` (text by default)."""
    names = formats(*kinds)
    streams = {
        "stderr": "to stderr",
        "stdout": "to stdout",
        "file": "to the --output file",
    }
    parts = []
    for stream, words in streams.items():
        chosen = [n for n in names if FORMATS[n].stream == stream]
        if chosen:
            parts.append(f"{' and '.join(chosen)} {words}")
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(names),
        default="text",
        show_default=True,
        callback=remember("format"),
        help="Output format: " + "; ".join(parts) + ".",
    )


def remember(key: str) -> Callable:
    """An option callback keeping the value in ``ctx.obj``, where the CLI finds the format
    (and the report file) to render errors raised before the command could."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if isinstance(ctx.obj, dict):
            ctx.obj[key] = value
        return value

    return callback


def emit_failure(report: Report, obj: dict | None, *, with_text: bool) -> None:
    """What stopped a command (invalid data, mistakes in declarations) as a validation
    report, in the format the command was asked for: a machine format on stdout (or in the
    ``--output`` file), the French text on stderr when ``with_text``, and GitHub annotations
    with --format github, or text under GitHub Actions (as :func:`emit` does). The French
    error message itself follows, on stderr."""
    fmt = (obj or {}).get("format") or "text"
    output = (obj or {}).get("output")
    machine = FORMATS[fmt].stream != "stderr" and "report" in FORMATS[fmt].renderers
    if machine and output:
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render("report", report, fmt), encoding="utf-8")
    elif machine and FORMATS[fmt].stream == "stdout":
        click.echo(render("report", report, fmt), nl=False)
    if with_text:
        click.echo(render("report", report, "text"), err=True, nl=False)
    if fmt == "github" or (fmt == "text" and os.environ.get("GITHUB_ACTIONS") == "true"):
        click.echo(render("report", report, "github"), err=True, nl=False)


def emit(
    kind: str, result: Any, fmt: str, output: str | None = None, *, with_text: bool = False
) -> None:
    """Write ``result`` where ``fmt`` goes: machine formats on stdout (or to ``output``), the
    French text and GitHub annotations on stderr. ``with_text``: the text also goes to
    stderr beside a machine format (commands that act keep their account visible)."""
    stream = FORMATS[fmt].stream
    if output:
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(kind, result, fmt), encoding="utf-8")
        click.echo(render(kind, result, "text"), err=True, nl=False)
        click.echo(f"Rapport écrit dans {output}", err=True)
        return
    if stream == "file":
        raise ConfigError(f"--format {fmt} demande --output FICHIER.")
    if stream == "stdout":
        click.echo(render(kind, result, fmt), nl=False)
        if not with_text:
            return
    click.echo(render(kind, result, "text"), err=True, nl=False)
    annotate = fmt == "github" or (fmt == "text" and os.environ.get("GITHUB_ACTIONS") == "true")
    if annotate and kind in FORMATS["github"].renderers:
        click.echo(render(kind, result, "github"), err=True, nl=False)
