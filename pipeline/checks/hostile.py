"""Hostile cells: what a file may hold that no Table Schema forbids but that harms whoever
opens the published CSV. Applied to every resource read from a raw file (derived tables are
made of cells already checked); each is one SQL condition per field, evaluated in the
resource's single row scan.

* ``formula-injection`` (warning): a text cell starting with ``=``, ``+``, ``-`` or ``@``
  that is not a number (nor the sign alone, nor a declared missing value): a spreadsheet
  opening the CSV may run it as a formula. The published bytes stay those of the source;
  the package README warns reusers.
* ``control-character`` (error): a C0 control character other than tab, LF and CR, DEL,
  a C1 control (U+0080-U+009F), U+2028 or U+2029, or a bidirectional control
  (U+202A-U+202E, U+2066-U+2069: a cell that displays other than it reads). When the
  layout pass saw no such character in the file, the condition is left out of the scan.
* ``cell-too-long`` (warning): more characters than a spreadsheet cell holds (32,767).
  When the layout pass found no record longer than that in bytes, no cell can be, and the
  condition is left out of the scan (it cost a tenth of the pass over a million rows).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator

from pipeline.checks.base import Check, register
from pipeline.numbers_fr import fmt_int
from pipeline.sql import literal
from pipeline.sql import scan as q

SEVERITY = {"type": "string", "enum": ["error", "warning"]}
FORMULA_SIGNS = "=+-@"
# A number as a spreadsheet would read it: sign, digits (maybe grouped by spaces), decimal
# point or comma, exponent.
NUMBER = r"[+-]?([0-9]+([ \x{00A0}\x{202F}][0-9]{3})*([.,][0-9]*)?|[.,][0-9]+)([eE][+-]?[0-9]+)?"
CONTROLS = (
    r"\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x{9F}\x{2028}\x{2029}\x{202A}-\x{202E}\x{2066}-\x{2069}"
)
SPREADSHEET_CELL = 32767
C0_NAMES = (  # noqa: SIM905 (one line of names reads better than 32 lines of strings)
    "NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI "
    "DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US"
).split()
HEAD = 201  # characters of a cell fetched for a finding (messages shorten further)


def char_name(char: str) -> str:
    """'U+001B (ESC)', 'U+2028 (séparateur de ligne)'."""
    code = ord(char)
    if code < 32:
        name = C0_NAMES[code]
    elif code == 127:
        name = "DEL"
    elif 0x80 <= code <= 0x9F:
        name = "contrôle C1, souvent un caractère Windows-1252 mal décodé"
    elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        name = f"contrôle de direction du texte, {unicodedata.name(char).lower()}"
    else:
        name = {0x2028: "séparateur de ligne", 0x2029: "séparateur de paragraphe"}.get(
            code, unicodedata.name(char, "?").lower()
        )
    return f"U+{code:04X} ({name})"


def options_with(**more: dict) -> dict:
    """Options schema of a check applied by default: its severity, and ``more``."""
    return {
        "type": "object",
        "properties": {"check": {"type": "string"}, "severity": SEVERITY, **more},
        "additionalProperties": False,
    }


class _CellCheck(Check):
    """One condition per field read from the file."""

    default_severity = "warning"

    @property
    def severity(self) -> str:
        return self.options.get("severity", self.default_severity)

    def cells(self) -> Iterator[tuple[str, str, object]]:
        """(predicate key, field name, compiled field) of every field read from the file."""
        table = self.ctx.table
        if table.resource.source is None or table.source is None:
            return
        for i, name in enumerate(table.fields):
            if name in table.columns:
                yield f"{self.name}_{i}", name, table.fields[name]

    def plan(self, plan) -> None:
        self.keys: list[tuple[str, str]] = []
        for key, name, f in self.cells():
            plan.predicate(key, self.fails(f), {f"raw:{name}": f.raw})
            self.keys.append((key, name))

    def fails(self, f) -> str:
        raise NotImplementedError

    def computed(self, name: str) -> dict[str, str]:
        """SQL over the stored raw cell, for the rows reported only."""
        return {"head": f"left({q.value('raw:' + name)}, {HEAD})"}

    def details(self, row: dict) -> dict:
        return {}

    def run(self, result) -> Iterable:
        out = []
        for key, name in self.keys:

            def make(row, name=name):
                return self.ctx.finding(
                    self.name,
                    line=row["line"],
                    fld=name,
                    value=row["head"],
                    severity=self.severity,
                    **self.details(row),
                )

            out += self.ctx.rows(result, key, [f"raw:{name}"], make, self.computed(name))
        return out


@register
class FormulaInjection(_CellCheck):
    name = "formula-injection"
    options_schema = options_with()
    # Only text fields: a cell of another type starting with a sign is a number, a valid
    # value of that type (a geopoint « -1.5, 47.2 ») or a type error that blocks the build.
    types = ("string", "any")

    def cells(self):
        return ((k, n, f) for k, n, f in super().cells() if f.type in self.types)

    def fails(self, f) -> str:
        signs = ", ".join(str(ord(c)) for c in FORMULA_SIGNS)
        return (
            f"CASE WHEN ord({f.raw}) IN ({signs}) AND strlen({f.raw}) > 1 AND NOT {f.missing} "
            f"THEN NOT regexp_full_match({f.raw}, {literal(NUMBER)}) ELSE FALSE END"
        )

    def details(self, row: dict) -> dict:
        return {"sign": row["head"][:1]}


@register
class ControlCharacter(_CellCheck):
    name = "control-character"
    options_schema = options_with()
    default_severity = "error"

    def cells(self):
        source = self.ctx.table.source
        if source is not None and source.controls:
            yield from super().cells()

    def fails(self, f) -> str:
        return f"regexp_matches({f.raw}, {literal('[' + CONTROLS + ']')})"

    def computed(self, name: str) -> dict[str, str]:
        raw = q.value("raw:" + name)
        return {
            **super().computed(name),
            "char": f"regexp_extract({raw}, {literal('[' + CONTROLS + ']')})",
            "position": f"length(regexp_extract({raw}, {literal('^[^' + CONTROLS + ']*')})) + 1",
        }

    def details(self, row: dict) -> dict:
        return {"char": char_name(row["char"]), "position": fmt_int(row["position"])}


@register
class CellTooLong(_CellCheck):
    name = "cell-too-long"
    options_schema = options_with(max_length={"type": "integer", "minimum": 1})

    @property
    def limit(self) -> int:
        return int(self.options.get("max_length", SPREADSHEET_CELL))

    def cells(self):
        source = self.ctx.table.source
        if source is None or source.longest is None or source.longest > self.limit:
            yield from super().cells()

    def fails(self, f) -> str:
        # strlen (bytes, read in constant time) is never below the length in characters
        return (
            f"CASE WHEN strlen({f.raw}) > {self.limit} THEN length({f.raw}) > {self.limit} "
            "ELSE FALSE END"
        )

    def computed(self, name: str) -> dict[str, str]:
        return {**super().computed(name), "length": f"length({q.value('raw:' + name)})"}

    def details(self, row: dict) -> dict:
        return {"length": fmt_int(row["length"]), "limit": fmt_int(self.limit)}
