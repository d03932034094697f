"""Datasets are checked by several threads at once when every raw file is small
(``pipeline.validate.workers``): the report must be the one a single thread makes, byte for
byte, whatever the threads, the timing, and the files that go wrong."""

from __future__ import annotations

import json
import threading

import duckdb
import pytest

import pipeline.validate
from pipeline.catalog import load_catalog
from pipeline.engine.db import Connections
from pipeline.repo import Repo
from pipeline.tables import Workspace
from pipeline.validate import validate, workers
from tests.conftest import MINI_OK, ROOT, copy_repo


def report_json(root, threads: int, *names: str) -> str:
    v = validate(Repo(root), list(names) or None, threads=threads)
    return json.dumps(v.report.to_dict(), ensure_ascii=False, sort_keys=True)


def test_the_committed_data_gives_the_same_report_on_one_thread_or_several():
    one = report_json(ROOT, 1)
    assert '"figures"' in one and "chiffres-cles-2023" in one  # reports and their editions
    for _ in range(3):  # several runs: thread timing must never show
        assert report_json(ROOT, 2) == one
    assert report_json(ROOT, 4) == one


def test_broken_files_give_the_same_report_on_one_thread_or_several(tmp_path):
    root = copy_repo(tmp_path / "repo", published=False)
    # the COG 2023 communes (read by most datasets) with a row DuckDB's strict reader refuses:
    # the exact reader takes the file, and every table joining it reads it that way
    cog = root / "data/reference/cog2023_communes.csv"
    lines = cog.read_bytes().split(b"\n")
    lines[5] += b",en trop"
    cog.write_bytes(b"\n".join(lines))
    # a programme list with an unknown commune, a duplicate and a blank line
    pvd = root / "data/raw/anct_pvd_communes_20240102.csv"
    rows = pvd.read_bytes().split(b"\n")
    rows[2] = rows[2].replace(rows[2].split(b",")[0], b"99999", 1)
    rows.insert(7, rows[6])
    rows.insert(9, b"")
    pvd.write_bytes(b"\n".join(rows))
    one = report_json(root, 1)
    findings = json.loads(one)["findings"]
    assert {"extra-cell", "blank-row"} <= {f["code"] for f in findings}
    assert report_json(root, 2) == one
    assert report_json(root, 3) == one


def test_a_file_duckdb_misreads_goes_to_the_exact_reader_when_loaded(mini):
    # a quote inside an unquoted cell: DuckDB and the layout pass disagree on the records;
    # the table is read exactly from the start, before any other table is computed from it
    root = mini(MINI_OK.replace("Valromey-", 'Valromey"-'))
    ws = Workspace(load_catalog(Repo(root)))
    table = ws.table("mini")
    assert table.source is not None and not table.source.fast
    assert report_json(root, 2) == report_json(root, 1)


def test_threads_only_for_small_files_and_the_sql_engine(monkeypatch):
    ws = Workspace(load_catalog(Repo(ROOT)))
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert workers(ws, "fast") == 2
    assert workers(ws, "gx") == 1  # Great Expectations runs one table at a time
    monkeypatch.setattr(pipeline.validate, "CACHED_BYTES", 0)  # a file read in place
    assert workers(ws, "fast") == 1  # DuckDB's own threads read it


def test_loaded_lists_tables_in_single_thread_order():
    ws = Workspace(load_catalog(Repo(ROOT)))
    done = threading.Event()

    def later() -> None:  # unit 2 loads a table first, from another thread
        ws.work_on(2)
        ws.table("cog2023-regions")
        done.set()

    thread = threading.Thread(target=later)
    thread.start()
    done.wait()
    thread.join()
    ws.work_on(1)
    ws.table("cog2023-departements")
    ws.table("cog2023-regions")  # unit 1 reads it too: loaded for unit 1 in a single thread
    assert [t.key for t in ws.loaded(upto=0)] == []
    assert [t.key for t in ws.loaded(upto=1)] == ["cog2023-departements", "cog2023-regions"]


def setting(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("SELECT current_setting('disabled_optimizers')").fetchall()[0][0]


def test_optimizers_stay_off_until_the_last_thread_leaves():
    connections = Connections(duckdb.connect())
    inside, leave = threading.Barrier(2), threading.Event()

    def scan() -> None:
        with connections.optimizers_off("join_order"):
            inside.wait()
            leave.wait()

    thread = threading.Thread(target=scan)
    thread.start()
    with connections.optimizers_off("join_order"):
        inside.wait()
    assert setting(connections.base) == "join_order"  # the other thread is still planning
    leave.set()
    thread.join()
    assert setting(connections.base) == ""


def test_each_thread_has_its_own_connection_to_the_same_tables():
    connections = Connections(duckdb.connect())
    connections.get().execute("CREATE TABLE t AS SELECT 42 AS x")
    seen: list = []

    def read() -> None:
        con = connections.get()
        seen.append((con is connections.base, con.execute("SELECT x FROM t").fetchall()))
        seen.append(setting_progress(con))

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert seen == [(False, [(42,)]), "false"]


def setting_progress(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("SELECT current_setting('enable_progress_bar')::VARCHAR").fetchall()[0][0]


def test_notes_come_in_dataset_order(monkeypatch):
    """Remarks on how checks ran follow the datasets' order, not the threads'."""
    original = pipeline.validate.check_resource

    def noting(ws, name, engine):
        checked = original(ws, name, engine)
        checked.notes.append(f"note {name}")
        return checked

    monkeypatch.setattr(pipeline.validate, "check_resource", noting)
    one = validate(Repo(ROOT), threads=1).report.notes
    catalog = load_catalog(Repo(ROOT))
    expected = [f"note {r.name}" for d in catalog.references() for r in d.resources]
    assert one[: len(expected)] == expected
    assert validate(Repo(ROOT), threads=2).report.notes == one


def test_a_table_is_read_again_exactly_once_however_many_threads_saw_it_fail(mini):
    root = mini(MINI_OK)
    ws = Workspace(load_catalog(Repo(root)))
    table = ws.table("mini")
    failed = table.source
    assert failed is not None and failed.fast
    ws.reload_exact(table, failed)
    fresh = table.source
    assert fresh is not failed and fresh is not None and not fresh.fast
    ws.reload_exact(table, failed)  # a second thread that saw the same failure
    assert table.source is fresh


def test_a_transcoded_file_counts_at_its_utf8_size(mini, monkeypatch):
    """A cp1252 file grows when transcoded to UTF-8: threads only when even that copy is
    read whole into a table (and counted) at load."""
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    root = mini(MINI_OK.replace("Brion", "Brïon" * 400_000), encoding="cp1252")
    size = (root / "data/raw/mini.csv").stat().st_size  # 2 MB, more than any COG file
    ws = Workspace(load_catalog(Repo(root)))
    monkeypatch.setattr(pipeline.validate, "CACHED_BYTES", 2 * size)
    assert workers(ws, "fast") == 1
    monkeypatch.setattr(pipeline.validate, "CACHED_BYTES", 3 * size)
    assert workers(ws, "fast") == 2


class Recording:
    """A connection that keeps the text of every statement."""

    def __init__(self, con, log: list[str]):
        self._con, self._log = con, log

    def execute(self, sql, *args):
        self._log.append(sql)
        return self._con.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._con, name)


def test_optimizers_are_set_once_for_a_run_on_several_threads(monkeypatch):
    log: list[str] = []
    get = Connections.get
    monkeypatch.setattr(Connections, "get", lambda self: Recording(get(self), log))
    switches = lambda: [s.split(" =")[0] for s in log if "disabled_optimizers" in s]  # noqa: E731
    validate(Repo(ROOT), threads=2)
    assert switches() == ["SET disabled_optimizers", "RESET disabled_optimizers"]
    log.clear()
    validate(Repo(ROOT), threads=1)  # one thread: off for each pass only
    assert len(switches()) > 20 and switches()[:2] == [
        "SET disabled_optimizers",
        "RESET disabled_optimizers",
    ]


def test_an_error_in_a_thread_comes_out_as_on_one_thread(monkeypatch):
    """A failure while a dataset is checked ahead is raised when the report reaches that
    dataset, as on one thread (the datasets not started yet are cancelled)."""
    original = pipeline.validate.check_resource
    seen: list[str] = []

    def failing(ws, name, engine):
        seen.append(name)
        if name == "petites-villes-de-demain":
            raise RuntimeError("panne")
        return original(ws, name, engine)

    monkeypatch.setattr(pipeline.validate, "check_resource", failing)
    for threads in (1, 2):
        seen.clear()
        with pytest.raises(RuntimeError, match="panne"):
            validate(Repo(ROOT), threads=threads)
        assert "petites-villes-de-demain" in seen
