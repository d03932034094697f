"""`pipeline publish` (not yet implemented)."""

import click

from pipeline.errors import ConfigError


@click.command(name="publish")
def command() -> None:
    """Not implemented yet."""
    raise ConfigError("La commande publish n'est pas encore disponible.")
