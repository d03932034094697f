"""One module per CLI command; each exposes a click ``command``. Click's usage errors are
put in French first (:mod:`.click_fr`), before any command declares its options."""

from pipeline.commands import click_fr  # noqa: F401
