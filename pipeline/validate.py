"""Validate datasets: schema (types, constraints, keys), referential rules, expectation
suites and headline figures, gathered into one :class:`Report`."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.catalog import Catalog, Dataset, load_catalog
from pipeline.expectations import run_suite
from pipeline.findings import DatasetResult, Report
from pipeline.repo import Repo
from pipeline.rules import enrich, run_rules
from pipeline.tables import Workspace


@dataclass
class Validation:
    report: Report
    workspace: Workspace
    catalog: Catalog
    datasets: list[Dataset]


def validate(
    repo: Repo, names: list[str] | tuple[str, ...] | None = None, engine: str = "fast"
) -> Validation:
    """Validate the named datasets, or every dataset (references included) when none is
    named. ``engine`` runs the expectation suites natively (``fast``) or in GX (``gx``)."""
    catalog = load_catalog(repo)
    datasets = catalog.select(names)
    if not names:
        datasets = catalog.references() + datasets
    ws = Workspace(catalog)
    report = Report()
    for ds in datasets:
        summary = DatasetResult(ds.name, ds.title, files=ds.raw_files)
        for res in ds.resources:
            table = ws.table(res.name)
            report.extend(table.findings)
            if not table.ok:
                continue
            summary.rows[res.name] = table.rows
            report.extend(run_rules(ws, table))
            if res.suite:
                report.extend(run_suite(table, enrich(ws, table), engine))
        if ds.meta.get("figures"):
            from pipeline.figures import check_figures

            checks, findings = check_figures(ws, ds)
            report.figures.extend(checks)
            report.extend(findings)
        report.datasets.append(summary)
    return Validation(report, ws, catalog, datasets)
