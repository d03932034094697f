"""`pipeline diff` (not yet implemented)."""

import click

from pipeline.errors import ConfigError


@click.command(name="diff")
def command() -> None:
    """Not implemented yet."""
    raise ConfigError("La commande diff n'est pas encore disponible.")
