"""Business rules as Great Expectations suites (JSON in ``schemas/<dataset>/``), run on the
typed table. Each expectation's ``meta`` carries the pipeline's severity and a French message
template filled with the failing row's values. GX is imported lazily: it costs ~2 s."""

from __future__ import annotations

import logging
from functools import lru_cache

import numpy as np
import pandas as pd

from pipeline.errors import ConfigError
from pipeline.findings import Finding
from pipeline.messages import message, shorten
from pipeline.tables import LINE, LoadedTable


@lru_cache(maxsize=1)
def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def load_suite(spec: dict, path) -> object:
    import great_expectations as gx

    expectations = spec.get("expectations", [])
    try:
        suite = gx.ExpectationSuite(name=spec.get("name", str(path)), expectations=expectations)
    except Exception as exc:  # pydantic raises on a wrong kwarg name
        raise ConfigError(f"{path} : suite d'attentes invalide : {exc}") from exc
    if len(suite.expectations) != len(expectations):
        known = {e.expectation_type for e in suite.expectations}
        dropped = [e.get("type") for e in expectations if e.get("type") not in known]
        raise ConfigError(f"{path} : type d'attente inconnu : {', '.join(map(str, dropped))}.")
    return suite


def run_suite(table: LoadedTable, frame: pd.DataFrame) -> list[Finding]:
    res = table.resource
    if not res.suite:
        return []
    suite = load_suite(res.suite, res.suite_path)
    context = _context()
    source_name = f"{table.dataset.name}:{res.name}"
    try:
        source = context.data_sources.get(source_name)
    except Exception:
        source = context.data_sources.add_pandas(source_name)
    asset = source.add_dataframe_asset(name=f"asset-{len(source.assets)}")
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(
        batch_parameters={"dataframe": frame}
    )
    result = batch.validate(
        suite,
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [LINE]},
    )
    ctx = table.context()
    by_line = pd.Series(np.arange(len(frame)), index=frame[LINE].to_numpy())
    out: list[Finding] = []
    for item in result.results:
        config = item.expectation_config
        kwargs = dict(config.kwargs)
        meta = dict(config.meta or {})
        exc = item.exception_info or {}
        if exc.get("raised_exception"):
            raise ConfigError(
                f"{res.suite_path} : l'attente {config.type} a échoué à s'exécuter : "
                f"{str(exc.get('exception_message'))[:300]}"
            )
        if item.success:
            continue
        severity = meta.get("severity", "error")
        column = kwargs.get("column")
        template = meta.get("message")
        rows = item.result.get("unexpected_index_list") or []
        if rows and isinstance(rows[0], dict):
            for entry in rows:
                row = int(by_line[entry[LINE]])
                record = {k: ("" if _isna(v) else v) for k, v in frame.iloc[row].items()}
                value = record.get(column) if column else None
                text = (
                    template.format(**record)
                    if template
                    else message(
                        "expectation-failed",
                        expectation=config.type,
                        field=column,
                        value=shorten(value),
                    )
                )
                out.append(
                    ctx.finding_text(
                        "expectation-failed",
                        row,
                        column,
                        value,
                        severity,
                        text,
                        check=meta.get("id", config.type),
                    )
                )
        else:
            observed = item.result.get("observed_value")
            detail = (
                meta.get("message", "").format(observed=observed, **kwargs)
                if template
                else f"valeur observée {observed}"
            )
            out.append(
                Finding(
                    dataset=table.dataset.name,
                    severity=severity,
                    code="expectation-failed",
                    check=meta.get("id", config.type),
                    message=detail
                    if template
                    else message("expectation-table", expectation=config.type, detail=detail),
                    file=table.file,
                    field=column,
                )
            )
    return out


def _isna(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
