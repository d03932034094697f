"""Small raw files are read once into a DuckDB table, larger ones in place by every query
(``pipeline.tables.CACHED_BYTES``): both routes give the same report, and a file DuckDB cannot
read in place still goes to the exact reader."""

from __future__ import annotations

import json

import pipeline.tables
from tests.conftest import ROOT, copy_repo, run


def report(root, *args) -> tuple[int, str]:
    result = run(root, "validate", "--format", "json", *args)
    return result.exit_code, result.stdout


def test_cached_and_in_place_reads_give_the_same_report(monkeypatch):
    cached = report(ROOT)
    monkeypatch.setattr(pipeline.tables, "CACHED_BYTES", -1)  # every file read in place
    assert report(ROOT) == cached


def test_a_file_the_cache_cannot_read_goes_to_the_exact_reader(tmp_path, monkeypatch):
    root = copy_repo(tmp_path)
    raw = root / "data/raw/anct_villages_avenir_communes_20240905.csv"
    lines = raw.read_bytes().split(b"\n")
    lines[3] += b",en trop"  # one cell too many: DuckDB's strict reader refuses the file
    raw.write_bytes(b"\n".join(lines))
    code, cached = report(root, "villages-d-avenir")
    monkeypatch.setattr(pipeline.tables, "CACHED_BYTES", -1)
    assert report(root, "villages-d-avenir") == (code, cached)
    assert code == 1
    assert [(f["code"], f["line"]) for f in json.loads(cached)["findings"]][:1] == [
        ("extra-cell", 4)
    ]
