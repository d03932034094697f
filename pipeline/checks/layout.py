"""The shape of a file beyond its cells, applied to every resource read from a raw file:

* ``label-whitespace`` (warning): a header label with spaces before or after it that
  otherwise names a field; the file is read as if they were not there;
* ``trailing-blank-lines`` (warning): blank lines (empty, or rows of empty cells) after the
  last record, one finding for all of them (blank rows between records stay ``blank-row``
  errors).

Both read what the source found while reading the header and the lines (no scan needed)."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.checks.base import Check, register
from pipeline.checks.hostile import options_with
from pipeline.numbers_fr import plural


def _spaces(label: str) -> str:
    """'2 espaces au début et 1 à la fin'."""
    before = len(label) - len(label.lstrip())
    after = len(label) - len(label.rstrip())
    parts = []
    if before:
        parts.append(f"{plural(before, 'espace', 'espaces')} au début")
    if after:
        parts.append(
            f"{after} à la fin" if parts else f"{plural(after, 'espace', 'espaces')} à la fin"
        )
    return " et ".join(parts)


class _SourceCheck(Check):
    options_schema = options_with()

    @property
    def severity(self) -> str:
        return self.options.get("severity", "warning")

    @property
    def source(self):
        table = self.ctx.table
        return table.source if table.resource.source is not None else None


@register
class LabelWhitespace(_SourceCheck):
    name = "label-whitespace"

    def run(self, result) -> Iterable:
        source = self.source
        if source is None:
            return []
        out = []
        for name, index in sorted(source.columns.items(), key=lambda item: item[1]):
            label = source.labels[index]
            if label != name:
                out.append(
                    self.ctx.finding(
                        self.name,
                        line=source.header_line,
                        fld=name,
                        value=label,
                        severity=self.severity,
                        column=index + 1,
                        spaces=_spaces(label),
                    )
                )
        return out


@register
class TrailingBlankLines(_SourceCheck):
    name = "trailing-blank-lines"

    def run(self, result) -> Iterable:
        source = self.source
        if source is None or not source.trailing_blank:
            return []
        lines = source.trailing_blank
        return [
            self.ctx.finding(
                self.name,
                line=lines[0],
                severity=self.severity,
                count=plural(len(lines), "ligne vide", "lignes vides"),
                where=f"ligne {lines[0]}"
                if len(lines) == 1
                else f"lignes {lines[0]} à {lines[-1]}",
            )
        ]
