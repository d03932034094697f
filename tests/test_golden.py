"""The findings on the committed data are those of the previous engine (tests/golden/), so
that a change of engine or of a check cannot change a verdict unnoticed. A deliberate change
updates the golden file in the same commit, which says why."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.repo import Repo
from pipeline.validate import validate

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests/golden/validate.json"
KEYS = (
    "dataset",
    "severity",
    "code",
    "file",
    "line",
    "column",
    "field",
    "value",
    "check",
    "message",
)


def test_findings_on_the_committed_data_are_unchanged():
    report = validate(Repo(ROOT)).report
    data = report.to_dict()
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert (data["errors"], data["warnings"]) == (golden["errors"], golden["warnings"])
    assert [
        {k: d[k] for k in ("name", "rows", "errors", "warnings")} for d in data["datasets"]
    ] == golden["datasets"]
    assert [{k: f[k] for k in KEYS} for f in data["findings"]] == golden["findings"]
    assert data["figures"] == golden["figures"]
