"""Business rules as Great Expectations suites (JSON in ``schemas/<dataset>/``), run on the
typed table. Each expectation's ``meta`` carries the pipeline's severity and a French message
template filled with the failing row's values. GX is imported lazily (5 to 9 s here): the
supported expectation types run in :mod:`pipeline.expectations_fast` unless ``engine='gx'``."""

from __future__ import annotations

import logging
from functools import lru_cache

import numpy as np
import pandas as pd

from pipeline.errors import ConfigError
from pipeline.expectations_fast import Outcome, evaluate, supports
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


def run_suite(table: LoadedTable, frame: pd.DataFrame, engine: str = "fast") -> list[Finding]:
    """Findings of the resource's suite. ``fast`` evaluates the supported expectation types
    natively and hands any other suite to GX; ``gx`` always runs GX."""
    res = table.resource
    if not res.suite:
        return []
    if engine == "fast" and supports(res.suite):
        outcomes = evaluate(res.suite, frame, res.suite_path)
    else:
        outcomes = _gx_outcomes(table, frame)
    return _findings(outcomes, table, frame)


def _gx_outcomes(table: LoadedTable, frame: pd.DataFrame) -> list[Outcome]:
    res = table.resource
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
    by_line = pd.Series(np.arange(len(frame)), index=frame[LINE].to_numpy())
    outcomes = []
    for item in result.results:
        config = item.expectation_config
        exc = item.exception_info or {}
        if exc.get("raised_exception"):
            raise ConfigError(
                f"{res.suite_path} : l'attente {config.type} a échoué à s'exécuter : "
                f"{str(exc.get('exception_message'))[:300]}"
            )
        listed = item.result.get("unexpected_index_list")
        rows = None
        if listed is not None and (not listed or isinstance(listed[0], dict)):
            rows = np.array([int(by_line[entry[LINE]]) for entry in listed], dtype=int)
        outcomes.append(
            Outcome(
                config.type,
                dict(config.kwargs),
                dict(config.meta or {}),
                bool(item.success),
                rows,
                item.result.get("observed_value"),
            )
        )
    return outcomes


def _findings(outcomes: list[Outcome], table: LoadedTable, frame: pd.DataFrame) -> list[Finding]:
    ctx = table.context()
    out: list[Finding] = []
    for outcome in outcomes:
        if outcome.success:
            continue
        kwargs, meta = outcome.kwargs, outcome.meta
        severity = meta.get("severity", "error")
        column = kwargs.get("column")
        template = meta.get("message")
        check = meta.get("id", outcome.type)
        if outcome.rows is not None and len(outcome.rows):
            for row in outcome.rows:
                record = {k: ("" if _isna(v) else v) for k, v in frame.iloc[int(row)].items()}
                value = record.get(column) if column else None
                text = (
                    template.format(**record)
                    if template
                    else message(
                        "expectation-failed",
                        expectation=outcome.type,
                        field=column,
                        value=shorten(value),
                    )
                )
                out.append(
                    ctx.finding_text(
                        "expectation-failed", int(row), column, value, severity, text, check=check
                    )
                )
        else:
            observed = outcome.observed
            detail = (
                template.format(observed=observed, **kwargs)
                if template
                else f"valeur observée {observed}"
            )
            out.append(
                Finding(
                    dataset=table.dataset.name,
                    severity=severity,
                    code="expectation-failed",
                    check=check,
                    message=detail
                    if template
                    else message("expectation-table", expectation=outcome.type, detail=detail),
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
