"""Business rules as Great Expectations suites (JSON in ``schemas/<dataset>/``), compiled to
SQL (:mod:`pipeline.sql.expectations`) and evaluated in the resource's scans: row-level
expectations as predicates of the row scan, aggregates in the group or aggregate pass,
table-level ones from the row count and the table's columns. Each expectation's ``meta``
carries the pipeline's severity and a French message template filled with the failing row's
values.

``engine="gx"`` runs the suite in GX itself (the reference; the agreement test runs both
engines on every committed suite and on generated cases). An expectation the compiler cannot
reproduce exactly (a type it does not know, a regex RE2 cannot express, a ``row_condition``…)
also runs in GX, on a pandas frame made for it only, and the report says so."""

from __future__ import annotations

import string
from collections.abc import Iterable
from functools import cached_property

import duckdb

from pipeline.checks import expectation_rules as rules
from pipeline.checks.base import Check, register
from pipeline.checks.keys import key_expr
from pipeline.errors import ConfigError
from pipeline.messages import message, shorten
from pipeline.numbers_fr import edition_fr
from pipeline.sql import expectations as gxsql
from pipeline.sql import fields as sqlf
from pipeline.sql import ident
from pipeline.sql.expectation_aggregates import aggregates
from pipeline.sql.pyregex import to_re2


def _py_text(value) -> str:
    """How pandas/Python prints a typed value in a message ('' for null)."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    return str(value)


VALUE_IN_MESSAGE = 200  # characters of a cell quoted by a message template


def format_message(template: str, values: dict, path, etype: str) -> str:
    """The template filled with the row's values, each shown on one line with its control
    characters visible (:func:`shorten`): a cell holding « \\r\\n::error::… » cannot start a
    line of the terminal or of GitHub's log (a workflow command)."""
    shown = {
        k: shorten(v, VALUE_IN_MESSAGE) if isinstance(v, str) else v for k, v in values.items()
    }
    try:
        return template.format(**shown)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(
            f"{path} : {etype} : le message « {template} » cite {exc} qui n'est pas un champ "
            "de la ressource."
        ) from exc


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


ROW_LEVEL = ("map", "pair", "multicolumn")
# Field types whose keys' expression (pipeline.checks.keys.key_expr) holds the value GX
# sees, NULL exactly when GX sees a null (not integers: beyond 64 bits GX sees a null).
SAME_KEY = ("string", "any", "boolean", "date")


@register
class Expectations(Check):
    name = "expectations"
    options_schema = {"type": "object", "properties": {"engine": {"enum": ["fast", "gx"]}}}

    def columns(self, plan) -> dict[str, tuple[str, str]]:
        """Every column an expectation can name, in the table's order (the schema's fields,
        then the enrichments): (typed SQL, SQL type)."""
        table = self.ctx.table
        cols: dict[str, tuple[str, str]] = {}
        for name in table.resource.field_names:
            f = table.fields.get(name)
            cols[name] = (f.typed, f.sql_type) if f else ("NULL", "VARCHAR")
        self.joins: list[str] = []
        for i, spec in enumerate(table.resource.enrich):
            ((left, right),) = spec["on"].items()
            ref = self.ctx.ws.table(spec["reference"])
            lookup = self.ctx.ws.lookup(spec["reference"], right, list(spec["columns"]))
            alias = ident(f"en_{plan.id}_{i}")
            self.joins.append(
                f"LEFT JOIN {ident(lookup)} AS {alias} ON {alias}.{ident(right)} = "
                f"({table.text_sql(left)})"
            )
            for src, dest in spec["columns"].items():
                fdesc = next(
                    (f for f in ref.resource.schema["fields"] if f["name"] == src), {"name": src}
                )
                compiled = sqlf.compile_field(
                    {**fdesc, "constraints": {}}, f"coalesce({alias}.{ident(src)}, '')", [""], {}
                )
                cols[dest] = (compiled.typed, compiled.sql_type)
        return cols

    # --- planning ---------------------------------------------------------------------

    def plan(self, plan) -> None:
        self.path = self.ctx.table.resource.suite_path
        self.cols = self.columns(plan)
        self.views = {n: gxsql.view(expr, t) for n, (expr, t) in self.cols.items()}
        self.planned: list[tuple[str, int, dict, str]] = []  # (key, index, entry, kind)
        self.gx: list[tuple[int, dict, str | None]] = []  # (index, entry, why not SQL)
        self.aggregate_names: dict[str, list[str]] = {}
        engine = self.options.get("engine", "fast")
        for i, entry in enumerate((self.ctx.table.resource.suite or {}).get("expectations", [])):
            spec = gxsql.EXPECTATIONS.get(entry.get("type"))
            kw = entry.get("kwargs") or {}
            if spec is not None:
                self.validate(entry, spec, kw)
                if spec.kind in ROW_LEVEL:
                    self.values(entry)  # a message citing an unknown field is refused here
            if engine == "gx":
                self.gx.append((i, entry, None))
                continue
            why = self.plan_one(plan, i, entry, spec, kw)
            if why:
                self.gx.append((i, entry, why))

    def validate(self, entry: dict, spec: gxsql.Spec, kw: dict) -> None:
        """Refuse unknown or missing kwargs and unknown columns, whatever the engine."""
        etype = entry["type"]
        unknown = set(kw) - spec.kwargs
        if unknown:
            raise ConfigError(
                f"{self.path} : {etype} : paramètre(s) inconnu(s) {', '.join(sorted(unknown))}."
            )
        missing = [k for k in spec.required if k not in kw]
        if missing:
            raise ConfigError(
                f"{self.path} : {etype} : paramètre(s) requis absent(s) {', '.join(missing)}."
            )
        if spec.kind == "table":  # a table-level expectation may name absent columns
            return
        names = [kw[k] for k in ("column", "column_A", "column_B") if k in kw]
        if "column_list" in kw:
            if not isinstance(kw["column_list"], list):
                raise ConfigError(f"{self.path} : {etype} : column_list doit être une liste.")
            names += kw["column_list"]
        for name in names:
            if not isinstance(name, str):
                raise ConfigError(f"{self.path} : {etype} : nom de colonne invalide {name!r}.")
            if name not in self.cols:
                raise ConfigError(f"{self.path} : {etype} : colonne inconnue « {name} ».")

    def plan_one(self, plan, i: int, entry: dict, spec, kw: dict) -> str | None:
        """Add the expectation to the scans; or say why GX must run it."""
        key = f"gx_{i}"
        if spec is None:
            return "type non compilé en SQL"
        if not spec.compiled:
            return "type évalué par GX seul"
        if kw.get("row_condition") is not None or kw.get("condition_parser") is not None:
            return "row_condition"
        mostly = kw.get("mostly", 1)
        if not (gxsql.is_number(mostly) and 0 <= mostly <= 1):
            return "mostly"
        etype = entry["type"]
        planner = getattr(self, f"plan_{spec.kind}")
        why = planner(plan, key, etype, entry, kw)
        if why is None:
            self.planned.append((key, i, entry, spec.kind))
        return why

    def plan_map(self, plan, key, etype, entry, kw) -> str | None:
        x, kind = self.views[kw["column"]]
        values = self.values(entry)
        if etype == "expect_column_values_to_not_be_null":
            plan.predicate(key, f"{x} IS NULL", values, self.joins)
            return None  # the rows considered are all the rows
        if etype == "expect_column_values_to_be_null":
            plan.predicate(key, f"{x} IS NOT NULL", values, self.joins)
            return None
        if etype == "expect_column_values_to_be_unique":
            plan.duplicates(key, [self.dup_key(kw["column"])], values, self.joins)
        else:
            cond = gxsql.column_map(etype, x, kind, kw)
            if cond is None:
                return "paramètres ou type de colonne que le SQL ne reproduit pas à l'identique"
            if not self.re2_compiles(kw):
                return "expression régulière trop grande pour RE2"
            plan.predicate(key, f"{x} IS NOT NULL AND {cond}", values, self.joins)
        plan.aggregate(f"{key}_n", "count", x, self.joins)
        return None

    def dup_key(self, column: str) -> str:
        """The value duplicates are grouped on: for text, date and boolean fields, the keys'
        expression (published text, NULL when missing or unreadable), which groups rows as
        GX's value does, so that a primary key on the same field shares the group."""
        f = self.ctx.table.fields.get(column)
        if f is not None and f.type in SAME_KEY:
            return key_expr(self.ctx.table, column)
        return self.views[column][0]

    def re2_compiles(self, kw: dict) -> bool:
        """RE2 refuses some patterns Python accepts (too large once classes are spelled out)."""
        patterns = [kw["regex"]] if isinstance(kw.get("regex"), str) else []
        patterns += [p for p in kw.get("regex_list") or [] if isinstance(p, str)]
        for pattern in patterns:
            try:
                self.ctx.ws.con.execute("SELECT regexp_matches('', ?)", [to_re2(pattern)])
            except duckdb.Error:
                return False
        return True

    def plan_pair(self, plan, key, etype, entry, kw) -> str | None:
        found = gxsql.pair(etype, self.views[kw["column_A"]], self.views[kw["column_B"]], kw)
        if found is None:
            return "colonnes ou ignore_row_if que le SQL ne reproduit pas à l'identique"
        kept, cond = found
        plan.aggregate(f"{key}_n", "count", f"CASE WHEN {kept} THEN 1 END", self.joins)
        plan.predicate(key, f"{kept} AND {cond}", self.values(entry), self.joins)
        return None

    def plan_multicolumn(self, plan, key, etype, entry, kw) -> str | None:
        names = kw["column_list"]
        keys = [self.dup_key(n) for n in names]
        found = gxsql.multicolumn(etype, [self.views[n] for n in names], kw, keys)
        if found is None:
            return "colonnes ou ignore_row_if que le SQL ne reproduit pas à l'identique"
        kept, cond = found
        plan.aggregate(f"{key}_n", "count", f"CASE WHEN {kept} THEN 1 END", self.joins)
        if isinstance(cond, list):  # compound uniqueness: rows sharing a key (all-NULL: none)
            plan.duplicates(key, cond, self.values(entry), self.joins)
        else:
            plan.predicate(key, f"{kept} AND {cond}", self.values(entry), self.joins)
        return None

    def plan_aggregate(self, plan, key, etype, entry, kw) -> str | None:
        x, kind = self.views[kw["column"]]
        found = aggregates(etype, x, kind, kw)
        if found is None:
            return "paramètres ou type de colonne que le SQL ne reproduit pas à l'identique"
        for name, (func, expr) in found.items():
            plan.aggregate(f"{key}_{name}", func, expr, self.joins)
        self.aggregate_names[key] = list(found)
        return None

    def plan_table(self, plan, key, etype, entry, kw) -> str | None:
        ints = {
            "expect_table_row_count_to_be_between": ("min_value", "max_value"),
            "expect_table_row_count_to_equal": ("value",),
            "expect_table_column_count_to_equal": ("value",),
            "expect_table_column_count_to_be_between": (),
            "expect_column_to_exist": ("column_index",),
        }.get(etype, ())
        for name in ints:  # pydantic truncates a float to an integer there
            value = kw.get(name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                return name
        low, high = kw.get("min_value"), kw.get("max_value")
        if not all(gxsql.is_number(b) or b is None for b in (low, high)):
            return "bornes"
        if etype.endswith("_to_be_between") and None not in (low, high) and low > high:
            return "bornes"
        if any(not isinstance(kw.get(s, False), bool) for s in ("strict_min", "strict_max")):
            return "strict_min/strict_max"
        for name in ("column_list", "column_set"):
            value = kw.get(name)
            if value is not None and not (
                isinstance(value, list) and all(isinstance(v, str) for v in value)
            ):
                return name
        if not isinstance(kw.get("exact_match", True), bool | None):
            return "exact_match"
        if etype == "expect_column_to_exist" and not isinstance(kw.get("column"), str):
            return "column"
        return None

    def values(self, entry: dict) -> dict[str, str]:
        """The values (as GX sees them) a failing row's message needs: its columns and the
        fields its template names (an unknown name is a configuration error)."""
        kw = entry.get("kwargs") or {}
        names = {kw.get(k) for k in ("column", "column_A", "column_B")} - {None}
        if isinstance(kw.get("column_list"), list):
            names |= set(kw["column_list"])
        template = (entry.get("meta") or {}).get("message") or ""
        for name in placeholders(template):
            if name in self.cols:
                names.add(name)
            elif name not in self.declared:
                raise ConfigError(
                    f"{self.path} : {entry.get('type')} : le message « {template} » cite "
                    f"« {name} », qui n'est pas un champ de la ressource (refusé au chargement)."
                )
        return {f"gx:{n}": self.views[n][0] for n in sorted(names) if n in self.views}

    @cached_property
    def declared(self) -> dict[str, str]:
        """What a message can cite from the declaration: {cog} (« COG 2024 ») and {edition}
        (« édition du 5 septembre 2024 »), so that it follows the list's updates."""
        table, out = self.ctx.table, {}
        if table.dataset.cog:
            out["cog"] = f"COG {table.dataset.cog}"
        if table.resource.source and table.resource.source.date:
            out["edition"] = edition_fr(table.resource.source.date)
        return out

    # --- verdicts -------------------------------------------------------------------

    def run(self, result) -> Iterable:
        out = []
        for key, i, entry, kind in self.planned:
            kw = entry.get("kwargs") or {}
            if kind == "table":
                success, observed = rules.table(entry["type"], list(self.cols), result.rows, kw)
            elif kind == "aggregate":
                values = {n: result.aggregates[f"{key}_{n}"] for n in self.aggregate_names[key]}
                column_kind = self.views[kw["column"]][1]
                try:
                    success, observed = rules.aggregate(
                        entry["type"], column_kind, values, result.rows, kw
                    )
                except rules.Inexact as exc:
                    self.gx.append((i, entry, str(exc)))
                    continue
            else:
                out += self.row_findings(result, key, entry)
                continue
            if not success:
                out.append(self.table_finding(entry, observed))
        if self.gx:
            from pipeline.checks.gx_engine import run_gx

            out += run_gx(self, result)
        return out

    def row_findings(self, result, key: str, entry: dict) -> list:
        kw = entry.get("kwargs") or {}
        rows, total = result.failing(key, list(self.values(entry)))
        considered = result.aggregates.get(f"{key}_n", result.rows)  # null types: all rows
        if rules.mostly_success(considered, total, kw.get("mostly", 1)):
            return []
        made = [self.row_finding(entry, row) for row in rows]
        if made and total > len(made):
            self.ctx.left_out.append((made[-1], total - len(made)))
        return made

    def row_finding(self, entry: dict, row: dict):
        kw, meta = entry.get("kwargs") or {}, entry.get("meta") or {}
        column = kw.get("column") or kw.get("column_A")
        record = {n: _py_text(row[f"gx:{n}"]) for n in self.cols if f"gx:{n}" in row}
        value = record.get(column) if column else None
        template = meta.get("message")
        text = (
            format_message(template, {**self.declared, **record}, self.path, entry["type"])
            if template
            else message(
                "expectation-failed", expectation=entry["type"], field=column, value=shorten(value)
            )
        )
        return self.ctx.finding(
            "expectation-failed",
            line=row["line"],
            fld=column,
            value=value,
            severity=meta.get("severity", "error"),
            check=meta.get("id", entry["type"]),
            text=text,
        )

    def table_finding(self, entry: dict, observed):
        kw, meta = entry.get("kwargs") or {}, entry.get("meta") or {}
        template = meta.get("message")
        detail = (
            format_message(
                template, {**self.declared, "observed": observed, **kw}, self.path, entry["type"]
            )
            if template
            else f"valeur observée {observed}"
        )
        return self.ctx.finding(
            "expectation-failed",
            fld=kw.get("column"),
            severity=meta.get("severity", "error"),
            check=meta.get("id", entry["type"]),
            text=detail
            if template
            else message("expectation-table", expectation=entry["type"], detail=detail),
        )
