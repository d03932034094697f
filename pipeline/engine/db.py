"""The DuckDB connection of a run: in-process, bounded memory, spilling to a private folder,
and never downloading an extension (machines and CI are offline)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipeline.sql import literal

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


UNITS = {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}


def lower_memory_limit(con: duckdb.DuckDBPyConnection, limit: int) -> None:
    """Lower (never raise) the connection's memory limit to ``limit`` bytes."""
    value = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    number, _, unit = str(value).partition(" ")
    try:
        current = float(number) * UNITS[unit]
    except (ValueError, KeyError):
        return
    if current > limit:
        con.execute(f"SET memory_limit = '{limit // 2**20}MiB'")


class KeyLocks:
    """One reentrant lock per key: what a run makes once and shares (a loaded table, its
    published text, a lookup) is made by one thread while the others wait for it. The
    things made depend on one another without cycles, so threads cannot wait in a ring."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[object, threading.RLock] = {}

    def __call__(self, key: object) -> threading.RLock:
        with self._guard:
            lock = self._locks.get(key)
            if lock is None:
                lock = self._locks[key] = threading.RLock()
            return lock


class Connections:
    """The run's database seen from each thread: DuckDB runs one statement at a time per
    connection, so every thread other than the first gets its own cursor on the same
    database (the tables are shared; each cursor keeps the session settings below)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.base = con
        self._local = threading.local()
        self._local.con = con
        self._tuning = threading.Lock()
        self._off: dict[str, int] = {}  # optimizers turned off -> statements needing it

    @contextmanager
    def optimizers_off(self, names: str) -> Iterator[None]:
        """Run the statements of the block with DuckDB's optimizers ``names`` turned off.
        That setting is the database's, not a connection's: it is set when the first thread
        enters the block and reset when the last one leaves it (statements of other threads
        planned meanwhile get the same, slower or faster, never different, results)."""
        with self._tuning:
            if not self._off.get(names):
                self.get().execute(f"SET disabled_optimizers = {literal(names)}")
            self._off[names] = self._off.get(names, 0) + 1
        try:
            yield
        finally:
            with self._tuning:
                self._off[names] -= 1
                if not self._off[names]:
                    self.get().execute("RESET disabled_optimizers")

    def get(self) -> duckdb.DuckDBPyConnection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._local.con = self.base.cursor()
            con.execute("SET enable_progress_bar = false")
        return con
