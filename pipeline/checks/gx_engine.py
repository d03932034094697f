"""Great Expectations itself, the reference engine: run for ``--engine gx`` and for the
expectations the SQL compiler cannot reproduce exactly. It works on a pandas frame of the
values as GX sees them (:func:`pipeline.sql.expectations.view`), indexed by record number, so
it is meant for the reference runs and small tables, not national files: a suite only pays
for the frame (and GX's import, several seconds) when it holds such an expectation."""

from __future__ import annotations

import logging
import re
import threading
import warnings
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa

from pipeline.declarations.gx_arguments import REFUSED, french, gx_problems
from pipeline.declarations.jsonfile import JsonPath
from pipeline.declarations.problems import DeclarationError, Problems
from pipeline.sql import scan as q
from pipeline.sql.expectations import gx_kwargs

REC = "__rec"
ENTRY = "pipeline:entry"  # meta key carrying the expectation's place in the suite


@lru_cache(maxsize=1)
def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def refused(root: Path, suite_path: Path, found: list[tuple[JsonPath, str]]) -> DeclarationError:
    """Problems of a suite found while running it, as the load check reports its own: a
    ``declaration-error`` naming the file (relative to ``root``), JSON path and line."""
    problems = Problems(root)
    problems.read(suite_path)
    for path, message in found:
        problems.add(suite_path, path, message)
    return DeclarationError(problems.items)


def load_suite(entries: list[dict], name: str, suite_path: Path, root: Path) -> object:
    """``entries`` carry their place in the suite file in ``meta[ENTRY]``: what GX refuses
    (the load check leaves it the types it runs, and tests hold the rest) is told there."""
    import great_expectations as gx

    try:
        with warnings.catch_warnings():  # GX deprecates text row conditions (still run)
            warnings.simplefilter("ignore")
            suite = gx.ExpectationSuite(name=name, expectations=entries)
    except Exception as exc:  # pydantic, GX's condition parser…
        found = [
            (("expectations", entry["meta"][ENTRY], *sub), message)
            for entry in entries
            for sub, message in gx_problems(entry, name)
        ]
        detail = " ".join(str(exc).split())[:300]
        raise refused(root, suite_path, found or [((), french(detail))]) from exc
    if len(suite.expectations) != len(entries):
        known = {e.expectation_type for e in suite.expectations}
        found = [
            (("expectations", e["meta"][ENTRY], "type"), f"type d'attente « {e.get('type')} » "
             "inconnu de Great Expectations")
            for e in entries
            if e.get("type") not in known
        ]  # fmt: skip
        raise refused(root, suite_path, found)
    return suite


def typed_frame(check, result) -> pd.DataFrame:
    """The columns an expectation can name, as GX on pandas sees them, indexed by record:
    Int64, float64 (NaN for null), boolean, dates (``datetime.date``, None for null, as the
    published ISO text reads) and text."""
    table = check.ctx.table
    columns = {
        name: check.cols[name][0] if kind == "date" else expr
        for name, (expr, kind) in check.views.items()
    }
    arrow = result.con.sql(q.select(table.rows_sql, columns, check.joins)).to_arrow_table()
    mapping = {
        pa.int64(): pd.Int64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
        pa.string(): pd.StringDtype("pyarrow", na_value=float("nan")),
    }
    frame = arrow.to_pandas(types_mapper=mapping.get)
    return frame.set_index(frame.columns[0]).rename_axis(REC)


def _failure(item) -> str | None:
    """The exception GX caught while validating ``item``, if any (flat, or per metric)."""
    info = item.exception_info or {}
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    for value in info.values():
        if isinstance(value, dict) and (
            value.get("exception_message") or value.get("raised_exception")
        ):
            return str(value.get("exception_message"))
    return None


# Great Expectations keeps one context per process (data sources, assets): the checks of
# tables validated in parallel take turns in it.
_GX = threading.Lock()


def run_gx(check, result) -> list:
    with _GX:
        return _run_gx(check, result)


def _run_gx(check, result) -> list:
    res = check.ctx.table.resource
    kinds = {name: kind for name, (_, kind) in check.views.items()}
    tagged = [
        {
            **entry,
            "kwargs": gx_kwargs(entry.get("kwargs") or {}, kinds),
            "meta": {**(entry.get("meta") or {}), ENTRY: i},
        }
        for i, entry, _ in check.gx
    ]
    root = check.ctx.ws.repo.root
    suite = load_suite(tagged, f"{check.ctx.dataset}:{res.name}", res.suite_path, root)
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
    validation = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    reasons = sorted({f"{e.get('type')} ({why})" for _, e, why in check.gx if why})
    if reasons:
        check.ctx.notes.append(
            f"{check.ctx.dataset} / {res.name} : attente(s) exécutée(s) par Great Expectations, "
            f"non compilée(s) en SQL : {', '.join(reasons)}."
        )
    entries = {i: entry for i, entry, _ in check.gx}
    lines = result.lines_of([int(r) for r in frame.index])
    out = []
    for item in sorted(validation.results, key=lambda r: r.expectation_config.meta[ENTRY]):
        entry = entries[item.expectation_config.meta[ENTRY]]
        failure = _failure(item)
        if failure:
            i = item.expectation_config.meta[ENTRY]
            raise refused(root, res.suite_path, [(("expectations", i, *_blamed(entry, failure)),
                                                  _failed(entry, failure))])  # fmt: skip
        if item.success:
            continue
        listed = item.result.get("unexpected_index_list")
        if listed is None:
            out.append(check.table_finding(entry, item.result.get("observed_value")))
            continue
        for found in listed:  # {column: value, index name: record} or the record itself
            rec = int(found[REC] if isinstance(found, dict) else found)
            values = frame.loc[rec]
            row = {f"gx:{n}": _value(values[n]) for n in check.cols}
            row["line"] = lines[rec]
            out.append(check.row_finding(entry, row))
    return out


def _blamed(entry: dict, failure: str) -> JsonPath:
    """The argument a failure names (``min_value cannot be…``), else the row condition when
    there is one, else the arguments."""
    kw = entry.get("kwargs") or {}
    named = [k for k in kw if re.search(rf"\b{re.escape(k)}\b", failure)]
    if named:
        return ("kwargs", named[0])
    return ("kwargs", "row_condition") if "row_condition" in kw else ("kwargs",)


def _failed(entry: dict, failure: str) -> str:
    told = french(failure)
    if told.startswith(REFUSED):
        told = f"son message, en anglais : « {' '.join(failure.split())[:300]} »"
    return (
        f"Great Expectations n'a pas pu exécuter l'attente « {entry.get('type')} » : {told} ; "
        "vérifiez ses arguments et le type des colonnes qu'elle nomme"
    )


def _value(value):
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") else value
