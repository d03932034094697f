"""The DuckDB connection of a run: in-process, bounded memory, spilling to a private folder,
and never downloading an extension (machines and CI are offline)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import duckdb

# DuckDB's own accounting, not the process's: with 1 GB, a million France Services rows peak
# at 600 MB RSS and the pass runs on every thread; below about 800 MB its compact table no
# longer fits and DuckDB writes it on one thread (7.2 s instead of 4.3 s).
DEFAULT_MEMORY_LIMIT = "1GB"
# Below this size of the largest file a run reads, DuckDB runs on one thread: on tables of a
# few row groups its threads cost more than they bring (a table of 35,000 rows is created in
# twice the CPU time on two threads), and a repository of such files validates faster.
SMALL_INPUT = 64 * 2**20


def memory_limit() -> str:
    """``$PIPELINE_MEMORY_LIMIT`` (DuckDB syntax, e.g. ``1GB``) or 1 GB: what DuckDB may hold
    in memory before it spills joins, sorts and tables to disk."""
    return os.environ.get("PIPELINE_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT)


def threads(largest_input: int) -> int:
    """Threads for a run whose largest input file has ``largest_input`` bytes."""
    return 1 if largest_input < SMALL_INPUT else max(1, min(os.cpu_count() or 1, 4))


def connect(largest_input: int = SMALL_INPUT) -> tuple[duckdb.DuckDBPyConnection, Path]:
    """A new in-memory database and its scratch folder (removed at exit), with the threads
    suited to the largest input file of the run (:func:`threads`)."""
    scratch = Path(tempfile.mkdtemp(prefix="pipeline-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    con = duckdb.connect(
        ":memory:",
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "enable_external_access": True,
        },
    )
    con.execute(f"SET memory_limit = '{memory_limit()}'")
    con.execute(f"SET temp_directory = '{(scratch / 'spill').as_posix()}'")
    con.execute(f"SET threads = {threads(largest_input)}")
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET enable_progress_bar = false")
    return con, scratch
