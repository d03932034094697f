"""Load every resource once into the engine: its source (a raw file read by DuckDB, or a
derived table) and its Table Schema compiled to SQL. Other stages share the loaded tables
through a :class:`Workspace`; pandas frames are only made on demand, for small tables and for
building packages."""

from __future__ import annotations

import copy
import itertools
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import duckdb

from pipeline.catalog import Catalog, Dataset, ResourceDecl
from pipeline.engine import encoding
from pipeline.engine.db import Connections, KeyLocks, connect
from pipeline.engine.exact import csv_records, load_records
from pipeline.engine.lines import has_controls
from pipeline.engine.scan import FastPathFailed
from pipeline.engine.sniff import refuse_not_text
from pipeline.engine.source import Fatal, Reporter, Source, csv_source, encoding_problem
from pipeline.engine.workbook import workbook_records
from pipeline.errors import ConfigError, DependencyInvalid
from pipeline.findings import DEFAULT_LIMIT, Finding
from pipeline.messages import message
from pipeline.published_text import PublishedText
from pipeline.sql import fields as sqlf
from pipeline.sql import ident
from pipeline.sql import scan as q
from pipeline.sql.computed import computed_sql
from pipeline.sql.derive import derived_table
from pipeline.vintages import resolve_table

if TYPE_CHECKING:
    import pandas as pd

# A raw file up to this size is read once into a DuckDB table (a few times its size in memory);
# a larger one is read in place by every query, so that memory stays bounded.
CACHED_BYTES = 16 * 2**20

LINE = "__line__"
# The unit of the tables read outside a validation run's datasets (after them all).
LAST_UNIT = 1 << 30


@dataclass
class LoadedTable:
    ws: Workspace
    dataset: Dataset
    resource: ResourceDecl
    source: Source | None
    findings: list[Finding] = field(default_factory=list)
    fields: dict[str, sqlf.FieldSQL] = field(default_factory=dict)
    rows: int = 0
    read_whole: bool = False  # a pass has read every cell (the validation scan, a full text)
    key: str = ""  # the table's name in the workspace: resource, @edition, #report
    blocked_by: DependencyInvalid | None = None  # a derived table whose input is unreadable
    _text: pd.DataFrame | None = None
    _typed: pd.DataFrame | None = None

    @property
    def ok(self) -> bool:
        return self.source is not None

    @property
    def file(self) -> str | None:
        return self.source.file if self.source else None

    def invalid(self) -> DependencyInvalid:
        """What a table computed from this unreadable one reports."""
        return self.blocked_by or DependencyInvalid(
            self.resource.name, self.dataset.name, self.resource.edition
        )

    @property
    def columns(self) -> dict[str, int]:
        return self.source.columns if self.source else {}

    @property
    def relation(self) -> str:
        assert self.source is not None
        return self.source.relation

    @property
    def rows_sql(self) -> str:
        """The data rows with every field computed once, as the FROM item ``(…) AS r``,
        numbered (``__rec``) in file order."""
        return self.layered(numbered=True)

    def scan_rows(self, used: list[str]) -> str:
        """The data rows for the validation pass, computing only the layer columns the SQL
        ``used`` reads: unnumbered (so read with every thread) when the CSV is scanned
        directly, in file order."""
        numbered = self.source is None or self.source.scan_relation is None
        return self.layered(numbered=numbered, used=used)

    def text_of(self, names: list[str], numbered: bool = True) -> tuple[str, dict[str, str]]:
        """(rows, name -> SQL) of the published text of fields ``names``, the rows computing
        only what that text needs."""
        columns = {n: self.text_sql(n) for n in names}
        return self.layered(numbered=numbered, used=list(columns.values())), columns

    def layered(self, numbered: bool, used: list[str] | None = None) -> str:
        """The layered rows: every field's columns, or those the SQL ``used`` reads."""
        assert self.source is not None
        depth = max((len(f.layers) for f in self.fields.values()), default=0)
        layers: list[dict[str, str]] = [{} for _ in range(depth)]
        for f in self.fields.values():
            for i, layer in enumerate(f.layers):
                layers[i].update(layer)
        if used is not None:
            layers = q.needed(layers, used)
        extra = {}
        if self.source.cr_check:
            extra["__last"] = f'r."c{self.source.width - 1}"'
        relation = self.relation if numbered else self.source.scan_relation
        return q.rows(relation, layers, extra, numbered=numbered)

    def text_sql(self, name: str) -> str:
        """The published text of a field ('' when the field is absent from the file)."""
        return self.fields[name].text if name in self.fields else "''"

    @property
    def text(self) -> pd.DataFrame | None:
        """Every field as published (normalised text), in file order."""
        if self.source is None:
            return None
        if self._text is None:
            names = self.resource.field_names
            self._text = self.ws.frame(self, {n: self.text_sql(n) for n in names})
        return self._text

    @property
    def typed(self) -> pd.DataFrame | None:
        """Typed values (floats, booleans; dates and integers as their published text, so
        that integers of any size keep every digit in the JSON copy)."""
        if self.source is None:
            return None
        if self._typed is None:
            columns = {}
            for name in self.resource.field_names:
                f = self.fields.get(name)
                if f is None:
                    columns[name] = "NULL"
                elif f.sql_type in ("DATE", "TIMESTAMP", "HUGEINT"):
                    columns[name] = f"nullif({f.text}, '')"
                else:
                    columns[name] = f.typed
            self._typed = self.ws.frame(self, columns)
        return self._typed


class Workspace(PublishedText):
    """The tables of one run, in one DuckDB database. A report sees them through its own
    :meth:`view`, where the editions it names under ``inputs`` replace the current ones.
    Their published text, made in the engine, is :class:`PublishedText`'s. Several threads
    may check tables at once (:mod:`pipeline.validate`): each has its own connection
    (:attr:`con`), and what is made once and shared is made under :attr:`locks`."""

    def __init__(self, catalog: Catalog, limit: int | None = DEFAULT_LIMIT):
        self.catalog = catalog
        self.repo = catalog.repo
        self.limit = limit
        self.largest_input = largest_input(catalog)
        con, self.scratch = connect(self.largest_input)
        self.connections = Connections(con)
        self.locks = KeyLocks()
        self._tables: dict[str, LoadedTable] = {}
        self._first_use: dict[str, tuple[int, int]] = {}  # table key -> (unit, step)
        self._units = threading.local()
        self._use_lock = threading.Lock()
        self._steps: dict[int, itertools.count] = {}
        self._texts: dict[str, list[tuple[tuple[str, ...], str]]] = {}  # table key -> made
        self._lookups: dict[tuple[str, str], list[tuple[tuple[str, ...], str]]] = {}
        self._counter = itertools.count(1)
        self.computed: dict[tuple, object] = {}  # results computed once per run (figures)
        self.owner: Dataset | None = None  # the report this view is of (None: the live data)

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """This thread's connection to the run's database."""
        return self.connections.get()

    def name(self, prefix: str) -> str:
        return f"{prefix}_{next(self._counter)}"

    def view(self, dataset: Dataset) -> Workspace:
        """The tables as ``dataset`` reads them: a report (a dataset with ``inputs``) reads
        the editions it names; any other dataset, the current ones. Views share the
        connection and every loaded table."""
        if not dataset.inputs or (self.owner is not None and self.owner.name == dataset.name):
            return self
        view = copy.copy(self)
        view.owner = dataset
        return view

    def work_on(self, unit: int) -> None:
        """The tables this thread reads from now on are read for ``unit`` (a dataset's place
        in the run): :meth:`loaded` then lists them in the order a run made of one thread,
        dataset after dataset, would have loaded them."""
        self._units.unit = unit
        self._steps.setdefault(unit, itertools.count())

    def loaded(self, upto: int | None = None) -> list[LoadedTable]:
        """Every table loaded so far in this run, by any view (read for a unit up to
        ``upto`` only), in loading order."""
        keys = sorted(self._first_use, key=self._first_use.__getitem__)
        limit = (upto + 1, 0) if upto is not None else None
        return [
            self._tables[k]
            for k in keys
            if k in self._tables and (limit is None or self._first_use[k] < limit)
        ]

    def table(self, resource_name: str) -> LoadedTable:
        dataset, res = self.catalog.find_resource(resource_name)
        key, view, decl = resolve_table(self, dataset, res)
        table = self._tables.get(key)
        if table is None:
            with self.locks(("table", key)):
                table = self._tables.get(key)
                if table is None:
                    table = view._load(dataset, decl)
                    table.key = key
                    self._tables[key] = table
        self._used(key)  # after the load: its inputs were loaded first
        return table

    def _used(self, key: str) -> None:
        unit = getattr(self._units, "unit", LAST_UNIT)
        with self._use_lock:
            use = (unit, next(self._steps.setdefault(unit, itertools.count())))
            self._first_use[key] = min(self._first_use.get(key, use), use)

    # --- loading ----------------------------------------------------------------------

    def _load(self, dataset: Dataset, res: ResourceDecl, exact: bool = False) -> LoadedTable:
        if res.source is None:
            return self._derived(dataset, res)
        report = Reporter(dataset.name, res.source.path)
        try:
            source = self._open(dataset, res, report, exact)
        except Fatal as fatal:
            return LoadedTable(self, dataset, res, None, fatal.findings)
        table = LoadedTable(self, dataset, res, source, list(source.findings))
        table.fields = self._compile(table)
        return table

    def reload_exact(self, table: LoadedTable, failed: Source | None = None) -> LoadedTable:
        """Read the table's file again with the exact reader (after the fast path failed on
        the source ``failed``, by default the table's): the table is updated in place, once
        however many threads saw the failure, source, fields and findings together."""
        failed = failed or table.source
        with self.locks(("table", table.key)):
            if table.source is failed:
                fresh = table.ws._load(table.dataset, table.resource, exact=True)
                vars(table).update(
                    source=fresh.source,
                    findings=fresh.findings,
                    fields=fresh.fields,
                    _text=None,
                    _typed=None,
                )
        return table

    def _query(self, table: LoadedTable, build):
        """Run ``build(table)`` (which queries its source); when DuckDB cannot read the file
        directly, read it again exactly and retry."""
        source = table.source
        try:
            return build(table)
        except duckdb.Error:
            if source is None or not source.fast:
                raise
            self.reload_exact(table, source)
            if table.source is None:
                raise table.invalid() from None
            return build(table)

    def _cached(self, source: Source) -> None:
        """Read a small file's cells once into a DuckDB table: the pass, the published text,
        the lookups and the joins of other tables read it again and again (the COG communes
        six times in a whole-repository run), each time parsing the CSV anew. The records
        DuckDB read are counted against the layout pass here, at load, and not only by the
        validation pass: no other table is ever computed from a misread file."""
        table = self.name("raw")
        self.con.execute(f"CREATE TABLE {ident(table)} AS SELECT * FROM {source.scan_relation}")
        (rows,) = self.con.execute(f"SELECT count(*) FROM {ident(table)}").fetchall()[0]
        if source.layout is not None and rows != len(source.layout.starts) - 1:
            raise FastPathFailed(f"{rows} enregistrements lus, {len(source.layout.starts) - 1}")
        source.scan_relation = f"(SELECT * FROM {ident(table)})"
        source.cached = True

    def _open(self, dataset: Dataset, res: ResourceDecl, report: Reporter, exact: bool) -> Source:
        src = res.source
        assert src is not None
        rel = src.path
        path = self.repo.root / rel
        dialect = src.dialect
        if not path.is_file():
            raise Fatal([report("source-error", detail=rel)])
        if src.format.lower() == "xlsx":
            # Title rows above the header are skipped; lines stay the sheet's row numbers.
            records = workbook_records(path, src.sheet, src.header_row, report, dataset.name)
            return load_records(
                self.con, self.name("src"), records, res, report, dialect, dataset.name, rel
            )
        refuse_not_text(path, dialect, report, dataset.name)
        declared = dialect.get("encoding", "utf-8")
        if not encoding.is_utf8(declared) or exact:
            fatal = encoding_problem(path, declared, report)
            if fatal is not None:
                raise fatal
        readable = path
        if not encoding.is_utf8(declared):
            readable = encoding.transcode(path, declared, self.scratch / f"{self.name('utf8')}.csv")
        if not exact:
            source = csv_source(dataset.name, rel, readable, res, dialect, report, self.scratch)
            if source is not None and readable.stat().st_size <= CACHED_BYTES:
                try:
                    self._cached(source)
                except (
                    duckdb.Error,
                    FastPathFailed,
                ):  # DuckDB cannot read it in place: the exact reader will
                    return self._open(dataset, res, report, exact=True)
            if source is not None:
                return source
        unclosed: list[Finding] = []
        records = csv_records(readable, "utf-8-sig", dialect, report, unclosed)
        source = load_records(
            self.con, self.name("src"), records, res, report, dialect, dataset.name, rel
        )
        source.findings += unclosed
        source.controls = has_controls(readable)
        return source

    def _derived(self, dataset: Dataset, res: ResourceDecl) -> LoadedTable:
        from pipeline.derive import derive

        try:
            query = derive(self, dataset, res)
        except DependencyInvalid as exc:
            finding = dependency_finding(dataset.name, exc, res.name, f"Ressource « {res.name} »")
            return LoadedTable(self, dataset, res, None, [finding], blocked_by=exc)
        table_name = self.name("derived")
        names = res.field_names
        self.con.execute(derived_table(table_name, query, names))
        source = Source(
            dataset.name,
            None,
            ident(table_name),
            len(names),
            names,
            {n: i for i, n in enumerate(names)},
        )
        table = LoadedTable(self, dataset, res, source, [])
        table.fields = self._compile(table)
        return table

    def _compile(self, table: LoadedTable) -> dict[str, sqlf.FieldSQL]:
        res = table.resource
        source = table.source
        assert source is not None
        problems = sqlf.support_problems(res.schema)
        if problems:
            details = " ; ".join(f"{path} : {text}" for path, text in problems)
            raise ConfigError(f"{res.schema_path} : {details}")
        dialect = source.dialect if res.source else {}
        missing = res.schema.get("missingValues", [""])
        computed = {c["name"]: c for c in res.computed}
        compiled = {}
        for i, fdesc in enumerate(res.schema["fields"]):
            name = fdesc["name"]
            pre: dict[str, str] = {}
            if name in source.columns:
                raw = source.column(name)
            elif name in computed and computed[name]["from"] in source.columns:
                raw, pre = computed_sql(
                    computed[name], source.column(computed[name]["from"]), f"f{i}"
                )
            elif name in computed:
                raw = "NULL::VARCHAR"
            else:
                continue
            compiled[name] = sqlf.compile_field(fdesc, raw, missing, dialect, key=f"f{i}")
            if pre:
                compiled[name].layers = (pre, *compiled[name].layers[1:])
        return compiled


def largest_input(catalog: Catalog) -> int:
    """The most bytes the engine reads from one raw file the catalogue declares, at any
    edition (0 when none is there): its size, three times it for a CSV transcoded to UTF-8
    first (a cp1252 byte takes up to three)."""
    sizes = [0]
    for ds in catalog.datasets.values():
        for res in ds.resources:
            for src in [res.source, *(v.source for v in res.vintages.values())]:
                path = catalog.repo.root / src.path if src is not None else None
                if path is None or not path.is_file():
                    continue
                csv = src.format.lower() != "xlsx"
                utf8 = encoding.is_utf8(src.dialect.get("encoding", "utf-8"))
                sizes.append(path.stat().st_size * (3 if csv and not utf8 else 1))
    return max(sizes)


def dependency_finding(
    dataset: str,
    exc: DependencyInvalid,
    check: str | None,
    what: str,
    fld: str | None = None,
    file: str | None = None,
) -> Finding:
    """The one finding of something (``what``: a resource, a figure, a check) that cannot be
    computed because a resource it needs is unreadable."""
    return Finding(
        dataset=dataset,
        severity="error",
        code="dependency-invalid",
        check=check,
        message=message("dependency-invalid", what=what, dependency=exc.label),
        file=file,
        field=fld,
    )
