"""The one Markdown escaper, for all the Markdown the pipeline writes: package READMEs (which
data.gouv.fr shows as the dataset description), the CI summary and the diff.

Text from data files may hold anything. ``md_text`` makes it inert prose: one line, HTML
(``&``, ``<``, ``>``) as entities, and the Markdown that could reach beyond the text itself
(``|`` ends a table cell, ``[ ]`` open links and images, ``\\`` escapes) backslash-escaped.
Emphasis marks and backticks are left alone: they only change the style, and ``insee_com``
stays readable in the raw file. ``md_code`` shows a value literally in a code span, where
HTML is not interpreted.
"""

from __future__ import annotations

import re

from pipeline.messages import VISIBLE

_INLINE = re.compile(r"([\\\[\]|])")
_BACKTICKS = re.compile(r"`+")


def one_line(text: str) -> str:
    """Newlines (CR, LF, CRLF) become single spaces."""
    return " ".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def truncate(text: str, limit: int | None) -> str:
    """At most ``limit`` characters (no limit for None), an ellipsis marking the cut."""
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def md_text(text: object, limit: int | None = None) -> str:
    """Inert text for a table cell or a line of prose (see the module's docstring)."""
    text = truncate(one_line(str(text)), limit)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _INLINE.sub(r"\\\1", text)


def md_code(text: str | None, limit: int | None = 80) -> str:
    """A value in a code span that survives backticks and pipes; '' for None and
    '*(vide)*' for an empty value."""
    if text is None:
        return ""
    if text == "":
        return "*(vide)*"
    text = truncate(one_line(text).translate(VISIBLE), limit)
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}".replace("|", "\\|")
