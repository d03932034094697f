"""JSON from files we do not control, parsed within bounds (:func:`loads`): nesting is
measured before parsing, as Python's json exhausts its stack (RecursionError) on a few
thousand levels and frictionless spends gigabytes on a deeply nested resource (declarations
and packages need about ten levels); integers longer than Python converts, and NaN or
Infinity, which JSON does not have, are refused too, each with its line."""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pipeline.numbers_fr import MAX_INT_DIGITS, fmt_int

MAX_DEPTH = 100
_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_LONG_NUMBER = re.compile(rf"\d{{{MAX_INT_DIGITS + 1},}}")
_CONSTANT = re.compile(r"(?<![\w\"])-?(NaN|Infinity)(?![\w\"])")

Kind = Literal["too-deep", "number-too-long", "not-a-number"]


class Refused(ValueError):
    """A JSON text refused by :func:`loads`: ``kind``, why in French, and the line (None
    when it is not found)."""

    def __init__(self, kind: Kind, why: str, line: int | None):
        super().__init__(why if line is None else f"{why}, ligne {line}")
        self.kind, self.why, self.line = kind, why, line


def loads(text: str, **hooks: Any) -> Any:
    """``json.loads(text, **hooks)``, refusing (:class:`Refused`) objects and arrays nested
    deeper than :data:`MAX_DEPTH`, integers of more than ``MAX_INT_DIGITS`` digits (Python
    converts no longer ones), NaN and Infinity. Other mistakes raise json's own
    ``JSONDecodeError``."""
    deep = _too_deep(text)
    if deep is not None:
        raise Refused("too-deep", f"plus de {MAX_DEPTH} objets ou listes imbriqués", deep)
    try:
        return json.loads(text, parse_constant=_no_constant, **hooks)
    except json.JSONDecodeError:
        raise
    except Refused as exc:  # NaN or Infinity: the first one written is on this line
        raise Refused(exc.kind, exc.why, _line(text, _CONSTANT.search(text))) from None
    except ValueError:  # an integer too long for Python to convert
        long = _LONG_NUMBER.search(text)
        why = f"nombre de plus de {fmt_int(MAX_INT_DIGITS, ' ')} chiffres"
        raise Refused("number-too-long", why, _line(text, long)) from None


def _too_deep(text: str) -> int | None:
    """The line where objects and arrays nest deeper than :data:`MAX_DEPTH`, or None
    (brackets within strings do not count)."""
    depth = 0
    for match in _BRACKETS.finditer(text):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return text.count("\n", 0, match.start()) + 1
        elif char in "]}":
            depth -= 1
    return None


def _no_constant(name: str) -> object:
    raise Refused(
        "not-a-number", f"{name} n'est pas une valeur JSON : écrivez un nombre, ou null", None
    )


def _line(text: str, found: re.Match | None) -> int | None:
    return text.count("\n", 0, found.start()) + 1 if found else None
