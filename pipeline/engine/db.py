"""The DuckDB connection of a run: in-process, bounded memory, spilling to a private folder,
and never downloading an extension (machines and CI are offline)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import duckdb

DEFAULT_MEMORY_LIMIT = "400MB"


def memory_limit() -> str:
    """``$PIPELINE_MEMORY_LIMIT`` (DuckDB syntax, e.g. ``1GB``) or 400 MB: what DuckDB may hold
    in memory before it spills joins, sorts and tables to disk."""
    return os.environ.get("PIPELINE_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT)


def connect() -> tuple[duckdb.DuckDBPyConnection, Path]:
    """A new in-memory database and its scratch folder (removed at exit)."""
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
    con.execute(f"SET threads = {max(1, min(os.cpu_count() or 1, 4))}")
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET enable_progress_bar = false")
    return con, scratch
