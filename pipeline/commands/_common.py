"""Helpers shared by the commands."""

from __future__ import annotations

import sys

import click

from pipeline.findings import DEFAULT_LIMIT
from pipeline.repo import Repo


def repo_from(ctx: click.Context) -> Repo:
    return Repo.find((ctx.obj or {}).get("root"))


def max_findings_option(command):
    """``--max-findings N``: findings kept per check and file in the report (0: all)."""
    return click.option(
        "--max-findings",
        "max_findings",
        type=click.IntRange(min=0, max=2**62),  # DuckDB's LIMIT is a 64-bit integer
        default=DEFAULT_LIMIT,
        show_default=True,
        help="Findings kept in the report per check and file; the others are counted, totals "
        "stay exact. 0: keep them all.",
    )(command)


def limit_of(max_findings: int) -> int | None:
    return max_findings or None


def show_progress(no_progress: bool = False) -> bool:
    """Progress bars only on an interactive terminal, never from rich's own detection."""
    return not no_progress and sys.stderr.isatty()
