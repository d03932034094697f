"""Table Schema ``pattern`` constraints of an untrusted package, checked in linear time.

frictionless checks a pattern with Python's ``re``, which backtracks: ``(.+)+X`` on a long
cell runs for hours, and ``[`` crashes it. So verify removes every pattern from the schema
frictionless runs, collects the cells of the string fields that declared one while
frictionless reads the rows (:class:`PatternCheck`), and matches them with RE2 in DuckDB,
which never backtracks, after :func:`pipeline.sql.pyregex.translate` has rewritten the
pattern with Python's meaning (frictionless matches ``^pattern$``). A pattern Python cannot
compile, or RE2 cannot run with the same meaning, is a finding naming its field.
"""

from __future__ import annotations

import copy
from typing import Any

import attrs
from frictionless import Check

from pipeline.messages import shorten
from pipeline.sql.constants import scratch
from pipeline.sql.pyregex import translate
from pipeline.sql.support import not_matching, pattern_problem

MAX_ERRORS = 100  # per field, as frictionless stops at 100 errors


def split_patterns(schema: dict, name: str) -> tuple[dict, dict[str, str], list[dict]]:
    """The schema without its patterns, the RE2 pattern of each string field that declared
    one, and the findings about the patterns that cannot be checked."""
    stripped = copy.deepcopy(schema)
    patterns: dict[str, str] = {}
    problems: list[dict] = []
    for field in stripped.get("fields") or []:
        constraints = field.get("constraints") if isinstance(field, dict) else None
        if not isinstance(constraints, dict) or "pattern" not in constraints:
            continue
        pattern = constraints.pop("pattern")
        if field.get("type") != "string":  # frictionless checks patterns on texts only
            continue
        why = _unusable(pattern)
        if why:
            problems.append(
                {
                    "code": "pattern-invalid",
                    "line": None,
                    "field": field["name"],
                    "message": f"{name} : motif (pattern) du champ « {shorten(field['name'])} » "
                    f"non vérifiable, {why} : ses valeurs ne sont pas contrôlées.",
                }
            )
        else:
            patterns[field["name"]] = translate("^" + pattern + "$")
    return stripped, patterns, problems


def _unusable(pattern: Any) -> str | None:
    """Why a declared pattern cannot be checked in linear time with Python's meaning: the
    engine's own verdict (Python's refusal, no exact RE2 equivalent, too large for RE2)."""
    if not isinstance(pattern, str):
        return "ce n'est pas un texte"
    return pattern_problem(pattern)


@attrs.define(kw_only=True, repr=False)
class PatternCheck(Check):
    """Collects, row by row, the cells of the fields that declared a pattern."""

    type = "pipeline-patterns"
    patterns: dict = attrs.field(factory=dict)
    cells: dict = attrs.field(factory=dict)

    def validate_row(self, row):  # noqa: D102
        for field in self.patterns:
            value = row[field]
            if isinstance(value, str):
                numbers, values = self.cells.setdefault(field, ([], []))
                numbers.append(row.row_number)
                values.append(value)
        yield from []

    def findings(self, name: str) -> list[dict]:
        """The cells that do not match their field's pattern, with RE2 (in DuckDB, on the
        pipeline's scratch connection: no extension loaded)."""
        found = []
        for field, (numbers, values) in self.cells.items():
            rows = (
                scratch()
                .execute(
                    not_matching(self.patterns[field], MAX_ERRORS),
                    {"numbers": numbers, "values": values},
                )
                .fetchall()
            )
            found += [
                {
                    "code": "constraint-error",
                    "line": line,
                    "field": field,
                    "message": f"{name} : ligne {line}, colonne {field} : non conforme au "
                    f"schéma (constraint-error : « {shorten(value)} » n'a pas le format "
                    "du motif (pattern) déclaré)",
                }
                for line, value in rows
            ]
        return found
