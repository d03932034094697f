"""Checks against the official geography, declared in ``dataset.json`` under ``checks``:
``commune-name``, ``commune-geography``, ``commune-current`` and ``grouping-in-reference``.
The reference tables default to those of the dataset's COG vintage (``cog``)."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.checks.base import Check, register
from pipeline.checks.keys import TARGET_FR
from pipeline.errors import ConfigError
from pipeline.names import name_key_sql
from pipeline.sql import ident, literal
from pipeline.sql.geography import STATUS_FIELDS, commune_status

SEVERITY = {"type": "string", "enum": ["error", "warning"]}
# Names checked at load (see pipeline.declarations.options): a field of the checked resource,
# a resource, a field of the reference resource (by default the communes of the dataset's COG).
FIELD = {"type": "string", "x-field": "self"}
# a code or a name compared as text with the COG's: a number field would lose its zeros
TEXT_FIELD = FIELD | {"x-types": ["string"]}
RESOURCE = {"type": "string", "x-resource": True}
COMMUNES_FIELD = {"type": "string", "x-field": {"of": "reference", "cog": "communes"}}


class _Reference(Check):
    def field_sql(self, name: str) -> tuple[str, str]:
        """(raw, published text) SQL of a field of the checked resource."""
        table = self.ctx.table
        if name not in table.resource.field_names:
            raise ConfigError(
                f"{table.dataset.folder / 'dataset.json'} : contrôle « {self.name} » : champ "
                f"« {name} » inconnu de la ressource « {table.resource.name} »."
            )
        f = table.fields.get(name)
        if f is None:
            return "''", "''"
        return f.raw, f.text

    def lookup(self, reference: str, key: str, alias: str, on: str, columns: list[str]) -> str:
        """A LEFT JOIN of the first row of ``reference`` (its ``columns``) per ``key`` value."""
        table = self.ctx.ws.lookup(reference, key, columns)
        return f"LEFT JOIN {ident(table)} AS {alias} ON {alias}.{ident(key)} = ({on})"


@register
class CommuneName(_Reference):
    name = "commune-name"
    options_schema = {
        "type": "object",
        "required": ["code", "name"],
        "properties": {
            "check": {"const": "commune-name"},
            "code": TEXT_FIELD,
            "name": TEXT_FIELD,
            "reference": RESOURCE,
            "reference_code": COMMUNES_FIELD,
            "reference_name": COMMUNES_FIELD,
            "severity": SEVERITY,
        },
        "additionalProperties": False,
    }

    def plan(self, plan) -> None:
        o = self.options
        self.key = f"commune_name_{o['code']}_{o['name']}"
        _, code = self.field_sql(o["code"])
        raw, given = self.field_sql(o["name"])
        alias = ident(f"cn_{plan.id}_{len(plan.predicates)}")
        ref_name = o.get("reference_name", "nom")
        join = self.lookup(
            o.get("reference", self.ctx.table.dataset.cog_resource("communes")),
            o.get("reference_code", "code_insee"),
            alias,
            code,
            [ref_name],
        )
        expected = f"{alias}.{ident(ref_name)}"
        fails = (
            f"CASE WHEN {expected} IS NULL OR {given} = '' OR {given} = {expected} THEN FALSE "
            f"ELSE {name_key_sql(given)} <> {name_key_sql(expected)} END"
        )
        plan.predicate(
            self.key,
            fails,
            {f"raw:{o['name']}": raw, f"text:{o['code']}": code, f"{self.key}:expected": expected},
            (join,),
        )

    def run(self, result) -> Iterable:
        o = self.options
        names = [f"raw:{o['name']}", f"text:{o['code']}", f"{self.key}:expected"]
        return self.ctx.rows(
            result,
            self.key,
            names,
            lambda row: self.ctx.finding(
                "commune-name-mismatch",
                line=row["line"],
                fld=o["name"],
                value=row[names[0]],
                severity=o.get("severity", "warning"),
                commune=row[names[1]],
                expected=row[names[2]],
            ),
        )


@register
class CommuneGeography(_Reference):
    name = "commune-geography"
    options_schema = {
        "type": "object",
        "required": ["code"],
        "anyOf": [{"required": ["departement"]}, {"required": ["region"]}],
        "properties": {
            "check": {"const": "commune-geography"},
            "code": TEXT_FIELD,
            "departement": TEXT_FIELD,
            "region": TEXT_FIELD,
            "reference": RESOURCE,
            "severity": SEVERITY,
        },
        "additionalProperties": False,
    }

    def plan(self, plan) -> None:
        o = self.options
        _, code = self.field_sql(o["code"])
        alias = ident(f"cg_{plan.id}_{len(plan.predicates)}")
        reference = o.get("reference", self.ctx.table.dataset.cog_resource("communes"))
        levels = [level for level in ("departement", "region") if o.get(level)]
        join = self.lookup(reference, "code_insee", alias, code, levels)
        self.levels = []
        for level in ("departement", "region"):
            fld = o.get(level)
            if not fld:
                continue
            raw, given = self.field_sql(fld)
            expected = f"{alias}.{ident(level)}"
            key = f"commune_{level}_{o['code']}_{fld}"
            plan.predicate(
                key,
                f"{expected} IS NOT NULL AND {given} <> '' AND {given} <> {expected}",
                {f"text:{fld}": given, f"text:{o['code']}": code, f"{key}:expected": expected},
                (join,),
            )
            self.levels.append((key, level, fld))

    def run(self, result) -> Iterable:
        o = self.options
        out = []
        for key, level, fld in self.levels:
            names = [f"text:{fld}", f"text:{o['code']}", f"{key}:expected"]
            out += self.ctx.rows(
                result,
                key,
                names,
                lambda row, level=level, fld=fld, names=names: self.ctx.finding(
                    f"commune-{level}-mismatch",
                    line=row["line"],
                    fld=fld,
                    value=row[names[0]],
                    severity=o.get("severity", "error"),
                    commune=row[names[1]],
                    expected=row[names[2]],
                ),
            )
        return out


@register
class GroupingInReference(_Reference):
    """A code whose reference table depends on another column, e.g. an EPCI SIREN looked up in
    the EPCI list but an EPT SIREN in the EPCI/EPT membership table."""

    name = "grouping-in-reference"
    options_schema = {
        "type": "object",
        "required": ["field", "type", "references"],
        "properties": {
            "check": {"const": "grouping-in-reference"},
            "field": FIELD,
            "type": FIELD,
            "references": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "required": ["resource", "field"],
                    "properties": {
                        "resource": RESOURCE,
                        "field": {"type": "string", "x-field": {"of": "resource"}},
                    },
                    "additionalProperties": False,
                },
            },
            "severity": SEVERITY,
        },
        "additionalProperties": False,
    }

    def plan(self, plan) -> None:
        o = self.options
        raw, value = self.field_sql(o["field"])
        _, kind = self.field_sql(o["type"])
        joins, found = [], []
        for i, (name, ref) in enumerate(sorted(o["references"].items())):
            keys = self.ctx.ws.materialised(ref["resource"], (ref["field"],))
            alias = ident(f"gr_{plan.id}_{i}")
            distinct = f"(SELECT DISTINCT {ident(ref['field'])} AS k FROM {ident(keys)})"
            joins.append(
                f"LEFT JOIN {distinct} AS {alias} ON {kind} = {literal(name)} AND {alias}.k = {value}"
            )
            found.append(f"{alias}.k IS NOT NULL")
        known = ", ".join(literal(k) for k in o["references"]) or "NULL"
        self.unknown_key = f"grouping_kind_{o['field']}"
        self.missing_key = f"grouping_missing_{o['field']}"
        values = {f"raw:{o['field']}": raw, f"text:{o['type']}": kind}
        plan.predicate(
            self.unknown_key, f"{value} <> '' AND {kind} NOT IN ({known})", values, joins
        )
        plan.predicate(
            self.missing_key,
            f"{value} <> '' AND {kind} IN ({known}) AND NOT ({' OR '.join(found) or 'FALSE'})",
            values,
            joins,
        )

    def run(self, result) -> Iterable:
        o = self.options
        names = [f"raw:{o['field']}", f"text:{o['type']}"]
        sev = o.get("severity", "error")
        out = self.ctx.rows(
            result,
            self.unknown_key,
            names,
            lambda row: self.ctx.finding(
                "grouping-unknown-kind",
                line=row["line"],
                fld=o["field"],
                value=row[names[0]],
                severity=sev,
                kind=row[names[1]],
            ),
        )
        out += self.ctx.rows(
            result,
            self.missing_key,
            names,
            lambda row: self.ctx.finding(
                "grouping-not-found",
                line=row["line"],
                fld=o["field"],
                value=row[names[0]],
                severity=sev,
                kind=row[names[1]],
                target=TARGET_FR.get(
                    o["references"][row[names[1]]]["resource"],
                    f"« {o['references'][row[names[1]]]['resource']} »",
                ),
            ),
        )
        return out


KINDS_FR = {
    "commune-deleguee": "une commune déléguée, rattachée",
    "commune-associee": "une commune associée, rattachée",
    "arrondissement-municipal": "un arrondissement municipal, rattaché",
}


@register
class CommuneCurrent(_Reference):
    """A code that the dataset's COG vintage knows only as a commune déléguée or associée or
    a municipal arrondissement (86231 Saint-Macoux, commune déléguée of Val-de-Comporté in
    the COG 2024): the programme names a commune that no longer exists as such."""

    name = "commune-current"
    options_schema = {
        "type": "object",
        "required": ["code"],
        "properties": {
            "check": {"const": "commune-current"},
            "code": TEXT_FIELD,
            "reference": RESOURCE,
            "severity": SEVERITY,
        },
        "additionalProperties": False,
    }

    def plan(self, plan) -> None:
        o = self.options
        raw, code = self.field_sql(o["code"])
        self.reference = o.get("reference", self.ctx.table.dataset.cog_resource("communes"))
        status = self.ctx.ws.name("status")
        communes = self.ctx.ws.materialised(self.reference, STATUS_FIELDS)
        self.ctx.ws.con.execute(commune_status(status, communes))
        alias = ident(f"cc_{plan.id}_{len(plan.predicates)}")
        join = f"LEFT JOIN {ident(status)} AS {alias} ON {alias}.code_insee = ({code})"
        self.key = f"commune_current_{o['code']}"
        values = {
            f"raw:{o['code']}": raw,
            f"{self.key}:kind": f"{alias}.kind",
            f"{self.key}:parent": f"{alias}.parent",
            f"{self.key}:parent_nom": f"{alias}.parent_nom",
        }
        self.names = list(values)
        plan.predicate(self.key, f"{alias}.code_insee IS NOT NULL AND NOT {alias}.actuelle",
                       values, (join,))  # fmt: skip

    def run(self, result) -> Iterable:
        o = self.options
        return self.ctx.rows(
            result,
            self.key,
            self.names,
            lambda row: self.ctx.finding(
                "commune-not-current",
                line=row["line"],
                fld=o["code"],
                value=row[self.names[0]],
                severity=o.get("severity", "warning"),
                check=self.name,
                kind=KINDS_FR.get(row[self.names[1]], row[self.names[1]]),
                parent=row[self.names[2]],
                parent_name=row[self.names[3]],
                target=TARGET_FR.get(self.reference, f"« {self.reference} »"),
            ),
        )
