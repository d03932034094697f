"""Small helpers shared by the validation-report renderers."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.findings import Finding, Report

ARTIFACT_NAME = "rapport-validation"


def dataset_names(report: Report) -> list[str]:
    """Datasets in report order, then any dataset only named by a finding."""
    names = [d.name for d in report.datasets]
    for f in report.sorted_findings():
        if f.dataset not in names:
            names.append(f.dataset)
    return names


def location(f: Finding) -> str:
    """'data/raw/x.csv:14:3' style location, or '' when the finding has no file."""
    if not f.file:
        return ""
    parts = [f.file]
    if f.line is not None:
        parts.append(str(f.line))
        if f.column is not None:
            parts.append(str(f.column))
    return ":".join(parts)


def join_lines(numbers: Iterable[int], limit: int = 20) -> str:
    """'14, 18, 21 et 7 autres' (distinct, ascending, capped)."""
    distinct = sorted(set(numbers))
    shown = ", ".join(str(n) for n in distinct[:limit])
    rest = len(distinct) - limit
    return f"{shown} et {rest} autres" if rest > 0 else shown
