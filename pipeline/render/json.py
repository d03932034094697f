"""Machine output: one JSON object on stdout."""

from __future__ import annotations

import json

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


def render_json(report: Report) -> str:
    data = report.to_dict()
    data["findings"] = [{k: f[k] for k in FINDING_KEYS} for f in data["findings"]]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
