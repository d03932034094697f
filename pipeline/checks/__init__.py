"""Every check of the pipeline, registered by name (see :mod:`pipeline.checks.base`).

To add a check: write one module with a :class:`~pipeline.checks.base.Check` subclass
decorated with ``@register``, import it below, and copy ``tests/test_check_template.py``."""

from pipeline.checks import (  # noqa: F401
    cells,
    coordinates,
    expectations,
    geography,
    hostile,
    keys,
    layout,
)
from pipeline.checks.base import REGISTRY, Check, TableContext, register

__all__ = ["REGISTRY", "Check", "TableContext", "register"]
