"""Great Expectations itself, the reference engine: run for ``--engine gx`` and for the
expectation types the SQL compiler does not know. It works on a pandas frame of the typed
values, so it is meant for the reference runs and small tables, not national files."""

from __future__ import annotations

import logging
from functools import lru_cache

import pandas as pd
import pyarrow as pa

from pipeline.errors import ConfigError
from pipeline.sql import scan as q

REC = "__rec"


@lru_cache(maxsize=1)
def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def load_suite(entries: list[dict], name: str, path) -> object:
    import great_expectations as gx

    try:
        suite = gx.ExpectationSuite(name=name, expectations=entries)
    except Exception as exc:  # pydantic raises on a wrong kwarg name
        raise ConfigError(f"{path} : suite d'attentes invalide : {exc}") from exc
    if len(suite.expectations) != len(entries):
        known = {e.expectation_type for e in suite.expectations}
        dropped = [e.get("type") for e in entries if e.get("type") not in known]
        raise ConfigError(f"{path} : type d'attente inconnu : {', '.join(map(str, dropped))}.")
    return suite


def typed_frame(check, result) -> pd.DataFrame:
    """Typed values of every column an expectation can name, as GX on pandas sees them."""
    table = check.ctx.table
    items = []
    for name, (expr, sql_type) in check.cols.items():
        if sql_type == "HUGEINT":
            expr = f"TRY_CAST({expr} AS BIGINT)"
        elif sql_type in ("DATE", "TIMESTAMP"):
            expr = f"CAST({expr} AS VARCHAR)"
        items.append(f'{expr} AS "{name}"')
    columns = dict(item.rsplit(" AS ", 1)[::-1] for item in items)
    columns = {name.strip('"'): expr for name, expr in columns.items()}
    arrow = result.con.sql(q.select(table.rows_sql, columns, check.joins)).to_arrow_table()
    arrow = arrow.rename_columns([REC, *arrow.column_names[1:]])
    mapping = {
        pa.int64(): pd.Int64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
        pa.string(): pd.StringDtype("pyarrow", na_value=float("nan")),
    }
    return arrow.to_pandas(types_mapper=mapping.get)


def run_gx(check, result) -> list:
    res = check.ctx.table.resource
    entries = check.gx
    suite = load_suite(entries, f"{check.ctx.dataset}:{res.name}", res.suite_path)
    frame = typed_frame(check, result)
    context = _context()
    source_name = f"{check.ctx.dataset}:{res.name}"
    try:
        source = context.data_sources.get(source_name)
    except Exception:
        source = context.data_sources.add_pandas(source_name)
    asset = source.add_dataframe_asset(name=f"asset-{len(source.assets)}")
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(
        batch_parameters={"dataframe": frame}
    )
    validation = batch.validate(
        suite, result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [REC]}
    )
    if check.options.get("engine", "fast") != "gx":
        types = sorted({e.get("type") for e in entries})
        check.ctx.ws.notes.append(
            f"{check.ctx.dataset} / {res.name} : attente(s) {', '.join(types)} exécutée(s) par "
            "Great Expectations (non compilée(s) en SQL)."
        )
    out = []
    by_rec = frame.set_index(REC, drop=False)
    lines = result.lines_of([int(r) for r in frame[REC]])
    for item in validation.results:
        config = item.expectation_config
        exc = item.exception_info or {}
        if exc.get("raised_exception"):
            raise ConfigError(
                f"{res.suite_path} : l'attente {config.type} a échoué à s'exécuter : "
                f"{str(exc.get('exception_message'))[:300]}"
            )
        if item.success:
            continue
        entry = {
            "type": config.type,
            "kwargs": dict(config.kwargs),
            "meta": dict(config.meta or {}),
        }
        listed = item.result.get("unexpected_index_list")
        if listed is not None and (not listed or isinstance(listed[0], dict)):
            for found in listed:
                rec = int(found[REC])
                values = by_rec.loc[rec]
                row = {f"typed:{n}": _value(values[n]) for n in check.cols}
                row["line"] = lines[rec]
                out.append(check.row_finding(entry, row))
        else:
            out.append(check.table_finding(entry, item.result.get("observed_value")))
    return out


def _value(value):
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") else value
