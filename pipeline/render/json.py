"""Machine output: one JSON document on stdout."""

from __future__ import annotations

import json
from typing import Any

from pipeline.findings import Report

FINDING_KEYS = (
    "dataset",
    "severity",
    "code",
    "file",
    "line",
    "column",
    "field",
    "message",
    "value",
    "check",
)


def dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def report_dict(report: Report) -> dict:
    """The validation report as ``validate --format json`` writes it."""
    data = report.to_dict()
    data["findings"] = [{k: f[k] for k in FINDING_KEYS} for f in data["findings"]]
    return data


def render_json(report: Report) -> str:
    return dump(report_dict(report))


def render_object(result: Any) -> str:
    """Any result that knows its JSON form (``to_dict``), or a list of such results."""
    if isinstance(result, list):
        return dump([item.to_dict() for item in result])
    return dump(result.to_dict())
