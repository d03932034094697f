"""Every check of the pipeline, registered by name (see :mod:`pipeline.checks.base`).

To add a check: write one module with a :class:`~pipeline.checks.base.Check` subclass
decorated with ``@register``, import it below, and copy ``tests/test_check_template.py``.
Headline-figure methods are checks of a report's figures, registered by method name in
:data:`~pipeline.checks.figures.FIGURES` (:mod:`pipeline.checks.figures`)."""

from pipeline.checks import (  # noqa: F401
    cells,
    coordinates,
    emptied,
    expectations,
    figures,
    geography,
    hostile,
    identifiers,
    keys,
    layout,
)
from pipeline.checks.base import REGISTRY, TRANSITIONAL, Check, TableContext, register
from pipeline.checks.figures import FIGURES

__all__ = ["FIGURES", "REGISTRY", "TRANSITIONAL", "Check", "TableContext", "register"]
