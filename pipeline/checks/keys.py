"""Keys of the Table Schema: ``unique`` fields, ``primaryKey``, ``uniqueKeys`` and
``foreignKeys`` (to the same resource, to another resource, or to the COG reference). Values
are compared as read (typed, in their published form), as frictionless does: ``1.0`` and
``1``, or ``-0`` and ``0``, are the same number."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.checks.base import Check, register
from pipeline.errors import ConfigError
from pipeline.sql import ident

TARGET_FR = {
    f"cog{year}-{kind}": f"{label} du COG {year}"
    for year in (2023, 2024)
    for kind, label in (
        ("communes", "les communes"),
        ("epci", "les EPCI"),
        ("departements", "les départements"),
        ("regions", "les régions"),
        ("epci-membres", "les EPCI et EPT"),
    )
}


def _as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def key_expr(table, name: str) -> str:
    """A field's value as compared by keys: its published text, NULL when missing or
    unreadable (such cells take no part in uniqueness)."""
    f = table.fields[name]
    return f"CASE WHEN {f.missing} OR {f.invalid} THEN NULL ELSE {f.text} END"


@register
class Keys(Check):
    """``unique`` fields, the primary key and ``uniqueKeys``: later duplicates are errors."""

    name = "keys"
    options_schema = {"type": "object", "additionalProperties": False}

    def plan(self, plan) -> None:
        table = self.ctx.table
        schema = table.resource.schema
        pk = _as_list(schema.get("primaryKey"))
        self.sets: list[tuple[str, list[str], str]] = []
        for i, fdesc in enumerate(schema["fields"]):
            name = fdesc["name"]
            if fdesc.get("constraints", {}).get("unique") and [name] != pk and name in table.fields:
                self.sets.append((f"unique_{i}", [name], "unique-error"))
        if pk and all(p in table.fields for p in pk):
            self.sets.append(("pk", pk, "primary-key-error"))
            nulls = " AND ".join(f"({key_expr(table, p)}) IS NULL" for p in pk)
            plan.predicate("pk_empty", nulls, {f"raw:{p}": table.fields[p].raw for p in pk})
        for i, fields in enumerate(schema.get("uniqueKeys", [])):
            fields = _as_list(fields)
            if all(p in table.fields for p in fields):
                self.sets.append((f"ukey_{i}", fields, "unique-error"))
        for key, fields, _ in self.sets:
            exprs = [key_expr(table, f) for f in fields]
            values = {f"raw:{f}": table.fields[f].raw for f in fields}
            values.update({f"key:{key}:{j}": e for j, e in enumerate(exprs)})
            plan.duplicates(key, exprs, values)
        self.pk = pk

    def run(self, result) -> Iterable:
        out = []
        for key, fields, code in self.sets:
            names = [f"key:{key}:{j}" for j in range(len(fields))] + [f"raw:{f}" for f in fields]
            rows, total = result.failing(key, names)
            first: dict[tuple, int] = {}
            groups = 0
            for row in rows:
                k = tuple(row[f"key:{key}:{j}"] for j in range(len(fields)))
                if k not in first:
                    first[k] = row["line"]
                    groups += 1
                    continue
                value = " / ".join(str(row[f"raw:{f}"]) for f in fields)
                out.append(
                    self.ctx.finding(
                        code,
                        line=row["line"],
                        fld=fields[0] if len(fields) == 1 else None,
                        value=value,
                        message_code="unique-error" if code == "unique-error" else code,
                        fields=", ".join(fields),
                        first_line=first[k],
                    )
                )
            if total > len(rows) and out:
                held, _ = result.group_sizes[result.plan.group_of[key].key]
                shown = sum(1 for f in out if f.code == code)
                self.ctx.left_out.append((out[-1], total - held - shown))
        if self.pk and all(p in self.ctx.table.fields for p in self.pk):
            names = [f"raw:{p}" for p in self.pk]
            out += self.ctx.rows(
                result,
                "pk_empty",
                names,
                lambda row: self.ctx.finding(
                    "primary-key-error",
                    line=row["line"],
                    fld=self.pk[0],
                    value="",
                    message_code="primary-key-empty",
                    fields=", ".join(self.pk),
                ),
            )
        return out


@register
class ForeignKeys(Check):
    """``foreignKeys``: every non-empty key must exist in the referenced resource."""

    name = "foreign-keys"
    options_schema = {"type": "object", "additionalProperties": False}

    def plan(self, plan) -> None:
        table = self.ctx.table
        self.fks: list[tuple[str, list[str], dict]] = []
        for i, fk in enumerate(table.resource.schema.get("foreignKeys", [])):
            fields = _as_list(fk["fields"])
            ref = fk["reference"]
            target = ref.get("resource") or table.resource.name
            ref_fields = _as_list(ref["fields"])
            unknown = [f for f in fields if f not in table.resource.field_names]
            if unknown:
                raise ConfigError(
                    f"{table.resource.schema_path} : clé étrangère sur un champ inconnu {unknown}."
                )
            if not all(f in table.fields for f in fields):
                continue
            keys = self.ctx.ws.materialised(target, tuple(ref_fields))
            alias = f"fk_{i}"
            exprs = [key_expr(table, f) for f in fields]
            on = " AND ".join(
                f"{alias}.{ident(r)} = ({e})" for r, e in zip(ref_fields, exprs, strict=True)
            )
            distinct = (
                f"(SELECT DISTINCT {', '.join(ident(r) for r in ref_fields)} FROM {ident(keys)})"
            )
            join = f"LEFT JOIN {distinct} AS {alias} ON {on}"
            filled = " OR ".join(f"({e}) IS NOT NULL" for e in exprs)
            missing = f"({filled}) AND {alias}.{ident(ref_fields[0])} IS NULL"
            values = {f"raw:{f}": table.fields[f].raw for f in fields}
            plan.predicate(f"fk_{i}", missing, values, (join,))
            self.fks.append((f"fk_{i}", fields, {**fk, "_target": target}))

    def run(self, result) -> Iterable:
        out = []
        for key, fields, fk in self.fks:
            hint = fk.get("hint", "")
            target = fk["_target"]

            def make(row, fields=fields, fk=fk, hint=hint, target=target):
                return self.ctx.finding(
                    "foreign-key-error",
                    line=row["line"],
                    fld=fields[0],
                    value=" / ".join(str(row[f"raw:{f}"]) for f in fields),
                    severity=fk.get("severity", "error"),
                    target=TARGET_FR.get(target, f"« {target} »"),
                    hint=f" ({hint})" if hint else "",
                )

            out += self.ctx.rows(result, key, [f"raw:{f}" for f in fields], make)
        return out
