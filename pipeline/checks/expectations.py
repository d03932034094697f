"""Business rules as Great Expectations suites (JSON in ``schemas/<dataset>/``), compiled to
SQL and evaluated in the resource's scan. Each expectation's ``meta`` carries the pipeline's
severity and a French message template filled with the failing row's values.

``engine="gx"`` runs the suite in GX itself (the reference; the agreement test runs both
engines on every committed suite). A type the compiler does not know also runs in GX, and the
report says so."""

from __future__ import annotations

import string
from collections.abc import Iterable

from pipeline.checks.base import Check, register
from pipeline.errors import ConfigError
from pipeline.messages import message, shorten
from pipeline.sql import expectations as gxsql
from pipeline.sql import fields as sqlf
from pipeline.sql import ident

PLACEHOLDERS_TABLE = {"observed", "min_value", "max_value", "column"}


def _py_text(value) -> str:
    """How pandas/Python prints a typed value in a message ('' for null)."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    return str(value)


def format_message(template: str, values: dict, path, etype: str) -> str:
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(
            f"{path} : {etype} : le message « {template} » cite {exc} qui n'est pas un champ "
            "de la ressource."
        ) from exc


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@register
class Expectations(Check):
    name = "expectations"
    options_schema = {"type": "object", "properties": {"engine": {"enum": ["fast", "gx"]}}}

    def columns(self, plan) -> dict[str, tuple[str, str]]:
        """Every column an expectation can name: (typed SQL, SQL type), enrichments included."""
        table = self.ctx.table
        cols: dict[str, tuple[str, str]] = {}
        for name in table.resource.field_names:
            f = table.fields.get(name)
            cols[name] = (f.typed, f.sql_type) if f else ("NULL", "VARCHAR")
        self.joins: list[str] = []
        for i, spec in enumerate(table.resource.enrich):
            ((left, right),) = spec["on"].items()
            ref = self.ctx.ws.table(spec["reference"])
            lookup = self.ctx.ws.lookup(spec["reference"], right)
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

    def plan(self, plan) -> None:
        res = self.ctx.table.resource
        self.entries: list[tuple] = []
        self.gx: list[dict] = []
        suite = res.suite or {}
        self.cols = self.columns(plan)
        engine = self.options.get("engine", "fast")
        for i, entry in enumerate(suite.get("expectations", [])):
            etype = entry.get("type")
            kw = dict(entry.get("kwargs", {}))
            if engine == "gx" or etype not in gxsql.SUPPORTED:
                self.gx.append(entry)
                continue
            allowed = gxsql.COLUMN_MAP_ARGS.get(etype) or gxsql.AGGREGATE_ARGS.get(etype, set())
            unknown = set(kw) - allowed - gxsql.COMMON_ARGS
            if unknown:
                raise ConfigError(
                    f"{res.suite_path} : {etype} : paramètre(s) inconnu(s) "
                    f"{', '.join(sorted(unknown))}."
                )
            column = kw.get("column")
            if column is not None and column not in self.cols:
                raise ConfigError(f"{res.suite_path} : {etype} : colonne inconnue « {column} ».")
            key = f"gx_{i}"
            if etype in gxsql.AGGREGATE_ARGS:
                x = self.cols[column][0] if column else None
                func, expr = gxsql.aggregate(etype, x)
                plan.aggregate(key, func, expr, self.joins)
                self.entries.append((key, entry, "aggregate"))
                continue
            x, sql_type = self.cols[column]
            values = self.values(entry)
            plan.aggregate(f"{key}_present", "count", x, self.joins)
            if etype == "expect_column_values_to_not_be_null":
                fails = f"({x}) IS NULL"
            elif etype == "expect_column_values_to_be_unique":
                plan.duplicates(key, [self.key(column)], values, self.joins)
                self.entries.append((key, entry, "map"))
                continue
            else:
                fails = f"({x}) IS NOT NULL AND ({gxsql.column_map(etype, x, kw, sql_type)})"
            plan.predicate(key, fails, values, self.joins)
            self.entries.append((key, entry, "map"))

    def key(self, column: str) -> str:
        """The value duplicates are found on: the published form of a field (two readings
        of one number are one value, as in pandas), else the typed value."""
        f = self.ctx.table.fields.get(column)
        if f is None:
            return self.cols[column][0]
        return f"CASE WHEN {f.missing} OR {f.invalid} THEN NULL ELSE {f.text} END"

    def values(self, entry: dict) -> dict[str, str]:
        """The typed values a failing row's message needs: its column and the fields its
        template names (an unknown name is a configuration error, raised at load)."""
        column = entry.get("kwargs", {}).get("column")
        template = entry.get("meta", {}).get("message") or ""
        names = {column} if column else set()
        for name in placeholders(template):
            if name not in self.cols:
                raise ConfigError(
                    f"{self.ctx.table.resource.suite_path} : {entry.get('type')} : le message "
                    f"« {template} » cite « {name} », qui n'est pas un champ de la ressource."
                )
            names.add(name)
        return {f"typed:{n}": self.cols[n][0] for n in sorted(names)}

    def run(self, result) -> Iterable:
        out = []
        for key, entry, kind in self.entries:
            if kind == "aggregate":
                observed = result.aggregates[key]
                success = gxsql.count_between(observed, entry.get("kwargs", {}))
                if not success:
                    out.append(self.table_finding(entry, observed))
                continue
            kw = entry.get("kwargs", {})
            names = list(self.values(entry))
            rows, total = result.failing(key, names)
            considered = result.aggregates[f"{key}_present"]
            if entry["type"] == "expect_column_values_to_not_be_null":
                considered = result.rows
            mostly = kw.get("mostly", 1.0)
            if total == 0 or (considered > 0 and 1 - total / considered >= mostly):
                continue
            made = [self.row_finding(entry, row) for row in rows]
            if made and total > len(made):
                self.ctx.left_out.append((made[-1], total - len(made)))
            out += made
        if self.gx:
            from pipeline.checks.gx_engine import run_gx

            out += run_gx(self, result)
        return out

    def row_finding(self, entry: dict, row: dict):
        kw, meta = entry.get("kwargs", {}), entry.get("meta", {})
        column = kw.get("column")
        record = {n: _py_text(row[f"typed:{n}"]) for n in self.cols if f"typed:{n}" in row}
        value = record.get(column) if column else None
        template = meta.get("message")
        text = (
            format_message(template, record, self.ctx.table.resource.suite_path, entry["type"])
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
        kw, meta = entry.get("kwargs", {}), entry.get("meta", {})
        template = meta.get("message")
        detail = (
            format_message(
                template,
                {"observed": observed, **kw},
                self.ctx.table.resource.suite_path,
                entry["type"],
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
