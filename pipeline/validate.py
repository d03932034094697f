"""Validate datasets: schema (types, constraints, keys), referential rules, expectation
suites and headline figures, gathered into one :class:`Report`. Every check of a resource
runs in the same scans of its source (:mod:`pipeline.engine.scan`)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field

from pipeline.catalog import Catalog, Dataset, load_catalog
from pipeline.checks import REGISTRY, Check, TableContext
from pipeline.engine.scan import SCAN_OPTIMIZERS_OFF, FastPathFailed, ScanPlan, run_scan
from pipeline.errors import DependencyInvalid
from pipeline.findings import DEFAULT_LIMIT, DatasetResult, Finding, Report
from pipeline.provenance import check_inputs_unchanged
from pipeline.repo import Repo
from pipeline.stale_metadata import stale_metadata
from pipeline.tables import (
    CACHED_BYTES,
    LAST_UNIT,
    LoadedTable,
    Workspace,
    dependency_finding,
)


@dataclass
class Validation:
    report: Report
    workspace: Workspace
    catalog: Catalog
    datasets: list[Dataset]


# Applied to every resource read from a raw file; declaring one under « checks » in
# dataset.json sets its options (e.g. its severity) instead.
DEFAULT_CHECKS = (
    "formula-injection",
    "control-character",
    "cell-too-long",
    "label-whitespace",
    "trailing-blank-lines",
    "field-emptied",
)


def declared_checks(ctx: TableContext, engine: str) -> list[Check]:
    """The checks of a resource: its Table Schema, then those declared in dataset.json (their
    options were checked with the declarations, :mod:`pipeline.declarations`), then the
    default checks not declared, then its expectation suite."""
    table = ctx.table
    if table.resource.edition:  # an earlier edition, kept for a report: read, not re-judged
        return [REGISTRY[n](ctx) for n in ("table-schema", "keys")]
    checks: list[Check] = [REGISTRY[n](ctx) for n in ("table-schema", "keys", "foreign-keys")]
    for spec in table.resource.checks:
        checks.append(REGISTRY[spec["check"]](ctx, spec))
    declared = {spec.get("check") for spec in table.resource.checks}
    checks += [REGISTRY[name](ctx) for name in DEFAULT_CHECKS if name not in declared]
    if table.resource.suite:
        checks.append(REGISTRY["expectations"](ctx, {"engine": engine}))
    return checks


def _blocked(ctx: TableContext, check: Check, exc: DependencyInvalid) -> Finding:
    what = f"Contrôle « {check.name} »"
    return dependency_finding(ctx.dataset, exc, check.name, what, file=ctx.file)


def planned_checks(
    ctx: TableContext, checks: list[Check], plan: ScanPlan
) -> tuple[list[Check], list[Finding]]:
    """Add each check to the plan. A check that needs an unreadable resource (a reference
    it joins) is left out of the plan and gives one ``dependency-invalid`` finding."""
    kept, blocked = [], []
    for check in checks:
        before = plan.checkpoint()
        try:
            check.plan(plan)
        except DependencyInvalid as exc:
            plan.rollback(before)
            blocked.append(_blocked(ctx, check, exc))
        else:
            kept.append(check)
    return kept, blocked


@dataclass
class Checked:
    """One resource checked: its table, its findings, the findings left out beyond the
    limit (sample, how many) and remarks on how the checks ran."""

    table: LoadedTable
    findings: list[Finding]
    left_out: list[tuple[Finding, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def into(self, report: Report) -> None:
        report.extend(self.findings)
        for sample, count in self.left_out:
            report.left_out(sample, count)
        report.notes.extend(self.notes)


def check_resource(ws: Workspace, name: str, engine: str) -> Checked:
    """Load one resource and run all its checks."""
    table = ws.table(name)
    for _ in range(2):
        if not table.ok:
            return Checked(table, list(table.findings))
        ctx = TableContext(ws, table, ws.limit)
        plan = ScanPlan(numbered=table.source.scan_relation is None)
        checks, blocked = planned_checks(ctx, declared_checks(ctx, engine), plan)
        try:
            rows = table.scan_rows(plan.references())
            result = run_scan(ws.connections, table.source, rows, plan, ws.limit)
        except FastPathFailed:
            table = ws.reload_exact(table)
            continue
        table.rows, table.read_whole = result.rows, True
        findings = list(table.findings) + blocked
        for check in checks:
            try:
                findings.extend(check.run(result))
            except DependencyInvalid as exc:
                findings.append(_blocked(ctx, check, exc))
        return Checked(table, findings, ctx.left_out, ctx.notes)
    raise AssertionError("the exact reader never takes the fast path")


def earlier_editions(view: Workspace, ds: Dataset, done: set[str], unit: int) -> list[LoadedTable]:
    """The earlier editions read so far (those a report names, and those its derivations
    read), not yet checked in this run: each is read with its schema then (a file that no
    longer reads is an error)."""
    known = {r.name for d in view.catalog.datasets.values() for r in d.resources}
    for name in ds.inputs:
        if name in known:
            view.table(name)
    out = [t for t in view.loaded(upto=unit) if t.resource.edition and t.key not in done]
    done.update(t.key for t in out)
    return out


def workers(ws: Workspace, engine: str) -> int:
    """Threads checking datasets at once. When every CSV file is read whole into a DuckDB
    table (and its records counted) at load, datasets are checked two or more at a time,
    DuckDB running each statement on one thread: a table then never changes once loaded,
    whichever thread loads it. A larger file is read in place by all of DuckDB's threads,
    one dataset at a time. Great Expectations (``--engine gx``) runs one table at a time."""
    if engine != "fast" or ws.largest_input > CACHED_BYTES:
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


def _ahead(ws: Workspace, unit: int, ds: Dataset, engine: str) -> list[Checked]:
    ws.work_on(unit)
    return [check_resource(ws.view(ds), res.name, engine) for res in ds.resources]


def validate(
    repo: Repo,
    names: list[str] | tuple[str, ...] | None = None,
    engine: str = "fast",
    limit: int | None = DEFAULT_LIMIT,
    threads: int | None = None,
) -> Validation:
    """Validate the named datasets, or every dataset (references included) when none is
    named. ``engine`` runs the expectation suites compiled to SQL (``fast``) or in GX
    (``gx``). ``limit`` bounds the findings kept per check and file (None: all).

    The resources of datasets that are not reports are checked ahead by ``threads``
    threads (default: :func:`workers`); the report is then put together dataset after
    dataset, as one thread would have done it, so that it is the same whatever the
    threads."""
    catalog = load_catalog(repo)
    datasets = catalog.select(names)
    check_inputs_unchanged(catalog, datasets)  # before a report is computed from a moved file
    if not names:
        datasets = catalog.references() + datasets
    ws = Workspace(catalog, limit)
    n = workers(ws, engine) if threads is None else threads
    pool = ThreadPoolExecutor(n, thread_name_prefix="validate") if n > 1 else None
    # DuckDB's optimizer settings are the database's: with several threads, those the pass
    # turns off stay off for the whole run, never switched while another thread plans
    held = ws.connections.optimizers_off(SCAN_OPTIMIZERS_OFF) if pool else nullcontext()
    with held:
        report = _checked(ws, datasets, engine, pool)
    ws.work_on(LAST_UNIT)
    return Validation(report, ws, catalog, datasets)


def _checked(ws: Workspace, datasets: list[Dataset], engine: str, pool) -> Report:
    report = Report(limit=ws.limit)
    editions: set[str] = set()
    repo = ws.repo
    try:
        ahead = {
            unit: pool.submit(_ahead, ws, unit, ds, engine)
            for unit, ds in enumerate(datasets)
            if pool is not None and not ds.inputs
        }
        for unit, ds in enumerate(datasets):
            ws.work_on(unit)
            view = ws.view(ds)
            summary = DatasetResult(ds.name, ds.title, files=ds.raw_files)
            if unit in ahead:
                checked = ahead[unit].result()
            else:
                checked = [check_resource(view, res.name, engine) for res in ds.resources]
            for one in checked:
                one.into(report)
                if one.table.ok:
                    summary.rows[one.table.resource.name] = one.table.rows
            report.extend(stale_metadata(ds, repo, summary.rows))
            if ds.meta.get("figures"):
                from pipeline.checks.figures import evaluate

                try:
                    outcomes, findings = evaluate(view, ds)
                except DependencyInvalid:  # the figures' own table: its findings say why
                    outcomes, findings = [], []
                report.figures.extend(outcomes)
                report.extend(findings)
            for edition in earlier_editions(view, ds, editions, unit):
                check_resource(edition.ws, edition.resource.name, engine).into(report)
            report.datasets.append(summary)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return report
