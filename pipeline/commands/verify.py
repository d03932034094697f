"""`pipeline verify` (not yet implemented)."""

import click

from pipeline.errors import ConfigError


@click.command(name="verify")
def command() -> None:
    """Not implemented yet."""
    raise ConfigError("La commande verify n'est pas encore disponible.")
