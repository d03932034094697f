"""`pipeline build` (placeholder)."""

import click


@click.command(name="build")
def command() -> None:
    """Not implemented yet."""
