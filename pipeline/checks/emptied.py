"""``field-emptied``: a field that has values in the published package's CSV and none in any
row of the new raw file (Action cœur de ville, September 2024: ``date_signature`` empty on
all 245 rows, 236 dates published). Most often a column lost in the spreadsheet export; the
schema still declares the field, so nothing else says it, and the reusers would lose the
values without being told. One warning per field.

Applied to every resource read from a raw file, so that an officer is protected without
declaring anything (declaring it under « checks » sets its severity). Only a field empty in
every row is reported: a field emptied on some rows is an edit of the data, which the diff
and the CHANGELOG count (« Champ `x` vidé sur N lignes »); every row empty is what a lost
column looks like, and is decided without matching rows between the versions.

Its cost: one flag per field in one BIGINT per row of the existing pass (its ``bit_or``
says which fields hold a value somewhere), and, only when a field is empty throughout and a
published package exists, one aggregate over the published CSV read in place by DuckDB.
A finding about the change from the published package
(:data:`~pipeline.checks.base.TRANSITIONAL`): not listed in the package's README, it vanishes
once the package is rebuilt."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.checks.base import Check, register
from pipeline.checks.hostile import options_with
from pipeline.numbers_fr import fmt_int, plural
from pipeline.sql import scan as q
from pipeline.sql.published import filled_counts


@register
class FieldEmptied(Check):
    name = "field-emptied"
    options_schema = options_with()

    def plan(self, plan) -> None:
        self.fields: list[str] = []
        self.published = None
        table = self.ctx.table
        if table.resource.source is None or table.source is None:
            return  # a derived table: its cells come from checked tables
        self.published = self.ctx.published_csv()
        if self.published is None:
            return  # first publication: nothing to lose
        header = self.published[1]
        self.fields = [n for n in table.fields if n in table.columns and n in header]
        for i in range(0, len(self.fields), q.BITS):
            chunk = self.fields[i : i + q.BITS]
            flags = [table.fields[n].present for n in chunk]
            plan.aggregate(f"{self.name}_{i // q.BITS}", "bit_or", q.mask_expr(flags))

    def empty(self, result) -> list[str]:
        """The fields with no value in any row of the new file."""
        if not result.rows:
            return []  # a file without rows: nothing to say about its columns
        out = []
        for i, name in enumerate(self.fields):
            held = result.aggregates[f"{self.name}_{i // q.BITS}"] or 0
            if not held & (1 << (i % q.BITS)):
                out.append(name)
        return out

    def run(self, result) -> Iterable:
        empty = self.empty(result)
        if not empty or self.published is None:
            return []
        path, header = self.published
        rows, *filled = self.ctx.ws.con.execute(filled_counts(path, header, empty)).fetchone()
        return [
            self.ctx.finding(
                self.name,
                fld=name,
                severity=self.options.get("severity", "warning"),
                check=self.name,
                filled=plural(count, "ligne", "lignes"),
                published=fmt_int(rows),
            )
            for name, count in zip(empty, filled, strict=True)
            if count
        ]
