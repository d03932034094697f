"""Keys of the Table Schema: ``unique`` fields, ``primaryKey``, ``uniqueKeys`` and
``foreignKeys`` (to the same resource, to another resource, or to the COG reference). Values
are compared as read (typed, in their published form), as frictionless does: ``1.0`` and
``1``, or ``-0`` and ``0``, are the same number."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.checks.base import Check, register
from pipeline.errors import ConfigError
from pipeline.sql import ident
from pipeline.sql.numbers import integer_order

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
    """A field's value as compared by keys: exact and typed (``1.0`` is ``1``, ``-0`` is
    ``0``), NULL when missing or unreadable (such cells take no part in uniqueness)."""
    return table.fields[name].key


NUMERIC = ("integer", "number", "year")


def numeric_key(f) -> str:
    """The exact order key of a number, an integer or a year, so that values of different
    numeric types compare as Python compares ``int`` and ``Decimal``."""
    if f.type == "number":
        return f.key
    return f"CASE WHEN ({f.key}) IS NULL THEN NULL ELSE {integer_order(f.text)} END"


def _family(ftype: str) -> str:
    """Types whose values Python may find equal: numbers, and texts (string, any)."""
    return "number" if ftype in NUMERIC else "text" if ftype in ("string", "any") else ftype


def _pair_keys(table, fields: list[str], target, ref_fields: list[str]):
    """(keys of the rows, keys of the reference) for a foreign key: numbers of different
    numeric types compared by their exact order key; values of types Python never finds
    equal (a text and a number, a date and a datetime) never match."""
    mine, theirs = [], []
    for name, ref in zip(fields, ref_fields, strict=True):
        f, g = table.fields[name], target.fields.get(ref)
        if g is None or _family(f.type) != _family(g.type):
            mine.append(f.key)  # absent from the reference file, or never equal
            theirs.append("NULL")
        elif f.type != g.type and f.type in NUMERIC and g.type in NUMERIC:
            mine.append(numeric_key(f))
            theirs.append(numeric_key(g))
        else:
            mine.append(f.key)
            theirs.append(g.key)
    return mine, theirs


def reference_keys(ws, target: str, ref_fields: list[str], exprs: list[str]) -> str:
    """A table of the distinct keys of ``target`` (rows whose key cells are all empty or
    unreadable left out, as frictionless's lookup does), made once per run."""
    table = ws.table(target)
    cache = ("fk-keys", table.key, tuple(ref_fields), tuple(exprs))
    with ws.locks(cache):
        if cache not in ws.computed:
            if table.source is None:
                raise table.invalid()  # the checks joining it are blocked (partial failure)
            name = ws.name("fkref")
            cols = ", ".join(f"{e} AS k{i}" for i, e in enumerate(exprs))
            empty = " AND ".join(f"k{i} IS NULL" for i in range(len(exprs)))

            def make(t) -> None:
                rows = ws.rows_reading(t, exprs)
                ws.con.execute(
                    f"CREATE OR REPLACE TABLE {ident(name)} AS SELECT DISTINCT *, TRUE AS hit "
                    f"FROM (SELECT {cols} FROM {rows}) WHERE NOT ({empty})"
                )

            ws._query(table, make)
            ws.computed[cache] = name
    return ws.computed[cache]


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
            if fdesc.get("constraints", {}).get("unique") and name in table.fields:
                self.sets.append((f"unique_{i}", [name], "unique-error"))
        if pk and all(p in table.fields for p in pk):
            self.sets.append(("pk", pk, "primary-key-error"))
            fields = table.fields
            nulls = " AND ".join(f"({fields[p].missing} OR {fields[p].invalid})" for p in pk)
            plan.predicate("pk_empty", nulls, {f"raw:{p}": table.fields[p].raw for p in pk})
        for i, fields in enumerate(schema.get("uniqueKeys", [])):
            fields = _as_list(fields)
            if all(p in table.fields for p in fields):
                self.sets.append((f"ukey_{i}", fields, "unique-error"))
        for key, fields, _ in self.sets:
            exprs = [key_expr(table, f) for f in fields]
            plan.duplicates(key, exprs, {f"raw:{f}": table.fields[f].raw for f in fields})
        self.pk = pk

    def run(self, result) -> Iterable:
        out = []
        for key, fields, code in self.sets:
            rows, total = result.later_duplicates(key, [f"raw:{f}" for f in fields])
            made = [
                self.ctx.finding(
                    code,
                    line=row["line"],
                    fld=fields[0] if len(fields) == 1 else None,
                    value=" / ".join(str(row[f"raw:{f}"]) for f in fields),
                    message_code="unique-error" if code == "unique-error" else code,
                    fields=", ".join(fields),
                    first_line=row["first_line"],
                )
                for row in rows
            ]
            if made and total > len(made):
                self.ctx.left_out.append((made[-1], total - len(made)))
            out += made
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
            target_table = self.ctx.ws.table(target)
            if target_table.source is None:
                raise target_table.invalid()  # the checks joining it are blocked
            unknown = [r for r in ref_fields if r not in target_table.resource.field_names]
            if unknown:
                raise ConfigError(
                    f"{table.resource.schema_path} : la clé étrangère vise un champ inconnu "
                    f"{unknown} de « {target} »."
                )
            exprs, theirs = _pair_keys(table, fields, target_table, ref_fields)
            keys = reference_keys(self.ctx.ws, target, ref_fields, theirs)
            alias = f"fk_{plan.id}_{i}"
            equal = "=" if len(fields) == 1 else "IS NOT DISTINCT FROM"
            on = " AND ".join(f"{alias}.k{j} {equal} ({e})" for j, e in enumerate(exprs))
            join = f"LEFT JOIN {ident(keys)} AS {alias} ON {on}"
            filled = " OR ".join(f"({e}) IS NOT NULL" for e in exprs)
            missing = f"({filled}) AND {alias}.hit IS NULL"
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
