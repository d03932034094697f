"""Helpers shared by the commands."""

from __future__ import annotations

import sys

import click

from pipeline.repo import Repo


def repo_from(ctx: click.Context) -> Repo:
    return Repo.find((ctx.obj or {}).get("root"))


def show_progress(no_progress: bool = False) -> bool:
    """Progress bars only on an interactive terminal, never from rich's own detection."""
    return not no_progress and sys.stderr.isatty()
