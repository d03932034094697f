"""How deep objects and arrays nest in a JSON text, found before parsing it: Python's json
exhausts its stack (RecursionError) on a few thousand levels, and frictionless spends
gigabytes on a deeply nested resource. Declarations and packages need about ten levels."""

from __future__ import annotations

import re

MAX_DEPTH = 100
_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def too_deep(text: str, limit: int = MAX_DEPTH) -> int | None:
    """The line where objects and arrays nest deeper than ``limit``, or None (brackets
    within strings do not count)."""
    depth = 0
    for match in _BRACKETS.finditer(text):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > limit:
                return text.count("\n", 0, match.start()) + 1
        elif char in "]}":
            depth -= 1
    return None
