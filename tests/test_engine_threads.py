"""DuckDB's threads follow the size of the largest file a run reads: one thread for a
repository of small files (its threads cost more than they bring on tables of a few row
groups), up to four when a file is large enough to be read in parallel."""

from __future__ import annotations

import os

from pipeline.catalog import load_catalog
from pipeline.engine.db import SMALL_INPUT, connect, threads
from pipeline.repo import Repo
from pipeline.tables import Workspace, largest_input
from tests.conftest import ROOT


def _threads(con) -> int:
    return int(con.execute("SELECT current_setting('threads')").fetchone()[0])


def test_the_repository_runs_on_one_thread():
    catalog = load_catalog(Repo(ROOT))
    france_services = ROOT / "data/raw/anct_france_services_20240801.csv"
    assert largest_input(catalog) >= france_services.stat().st_size
    assert largest_input(catalog) < SMALL_INPUT
    assert _threads(Workspace(catalog).con) == 1


def test_a_large_file_is_read_with_several_threads():
    assert threads(SMALL_INPUT - 1) == 1
    assert threads(SMALL_INPUT) == max(1, min(os.cpu_count() or 1, 4))
    con, _ = connect(SMALL_INPUT)
    assert _threads(con) == max(1, min(os.cpu_count() or 1, 4))
