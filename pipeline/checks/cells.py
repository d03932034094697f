"""Table Schema cells: every present field's type and constraints (frictionless 5 codes:
``type-error``, ``constraint-error``)."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.checks.base import Check, register
from pipeline.messages import TYPES_FR

PATTERN_HINTS = {
    r"^([013-9]\d|2[AB1-9])\d{3}$": "code INSEE à 5 caractères, ex. 01036 ou 2A004",
    r"([013-9]\d|2[AB1-9])\d{3}": "code INSEE à 5 caractères, ex. 01036 ou 2A004",
    r"\d{9}": "SIREN à 9 chiffres",
    r"\d{5}": "5 chiffres",
}


@register
class Cells(Check):
    """Types and constraints of every field of the Table Schema found in the file."""

    name = "table-schema"
    options_schema = {"type": "object", "additionalProperties": False}

    def plan(self, plan) -> None:
        self.keys: list[tuple] = []
        for i, (name, f) in enumerate(self.ctx.table.fields.items()):
            raw = {f"raw:{name}": f.raw}
            fdesc = self._fdesc(name)
            if f.invalid != "FALSE":  # a string is always readable
                plan.predicate(f"type_{i}", f.invalid, raw)
                self.keys.append((f"type_{i}", name, "type", None))
            if fdesc.get("constraints", {}).get("required"):
                plan.predicate(f"required_{i}", f.missing, raw)
                self.keys.append((f"required_{i}", name, "required", None))
            for c in f.constraints:
                key = f"{c.name}_{i}"
                plan.predicate(
                    key, f"(NOT ({f.missing}) AND NOT ({f.invalid}) AND {c.violated})", raw
                )
                self.keys.append((key, name, c.name, c.limit))

    def _fdesc(self, name: str) -> dict:
        return next(f for f in self.ctx.table.resource.schema["fields"] if f["name"] == name)

    def run(self, result) -> Iterable:
        out = []
        for key, name, kind, limit in self.keys:
            f = self.ctx.table.fields[name]
            if kind == "type":
                kw = {"type_fr": TYPES_FR.get(f.type, f.type), "hint": f.hint}
                code, check, message_code = "type-error", None, "type-error"
            else:
                kw = {"limit": limit}
                if kind == "pattern":
                    kw["pattern_fr"] = PATTERN_HINTS.get(str(limit), f"motif {limit}")
                if kind == "enum":
                    kw["enum"] = ", ".join(str(v) for v in limit or [])
                code, check, message_code = "constraint-error", kind, f"constraint-{kind}"

            def make(row, name=name, code=code, check=check, message_code=message_code, kw=kw):
                return self.ctx.finding(
                    code,
                    line=row["line"],
                    fld=name,
                    value=row[f"raw:{name}"],
                    check=check,
                    message_code=message_code,
                    **kw,
                )

            out += self.ctx.rows(result, key, [f"raw:{name}"], make)
        return out
