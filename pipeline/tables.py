"""Load every resource once: read its raw file (or derive it), add computed fields, cast and
check it against its Table Schema. Other stages (foreign keys, rules, expectations, figures,
build) share the loaded tables through a :class:`Workspace`."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline.cast import CastResult, Context, check_table
from pipeline.catalog import Catalog, Dataset, ResourceDecl
from pipeline.errors import ConfigError
from pipeline.findings import Finding
from pipeline.read import read_raw

LINE = "__line__"


@dataclass
class LoadedTable:
    dataset: Dataset
    resource: ResourceDecl
    file: str | None
    lines: np.ndarray
    typed: pd.DataFrame | None  # typed values, plus the LINE column
    text: pd.DataFrame | None  # normalised text, as published
    columns: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.typed is not None

    @property
    def rows(self) -> int:
        return 0 if self.typed is None else len(self.typed)

    def context(self) -> Context:
        return Context(self.dataset.name, self.file, self.lines, self.columns)


def apply_computed(frame: pd.DataFrame, computed: list[dict]) -> pd.DataFrame:
    """Fields the pipeline adds from other raw columns, e.g. an ISO date extracted from
    "Espace labellisé 01/02/2020": ``{"name", "from", "pattern", "replace"}``."""
    for spec in computed:
        source = spec["from"]
        if source not in frame.columns:
            frame[spec["name"]] = ""
            continue
        values = frame[source].astype(str)
        matched = values.str.extract(f"({spec['pattern']})", expand=True)[0]
        rebuilt = values.str.replace(f"^.*?{spec['pattern']}.*$", spec["replace"], regex=True)
        frame[spec["name"]] = rebuilt.where(matched.notna(), "")
    return frame


class Workspace:
    """A cache of loaded tables for one run."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.repo = catalog.repo
        self._tables: dict[str, LoadedTable] = {}
        self.keys: dict[tuple, object] = {}

    def table(self, resource_name: str) -> LoadedTable:
        if resource_name not in self._tables:
            dataset, res = self.catalog.find_resource(resource_name)
            self._tables[resource_name] = self._load(dataset, res)
        return self._tables[resource_name]

    def _load(self, dataset: Dataset, res: ResourceDecl) -> LoadedTable:
        if res.source is not None:
            raw = read_raw(self.repo.root, dataset.name, res)
            if raw.fatal:
                return LoadedTable(
                    dataset, res, raw.file, np.array([]), None, None, {}, raw.findings
                )
            frame = apply_computed(raw.frame, res.computed) if res.computed else raw.frame
            lines, file, columns, findings = raw.lines, raw.file, raw.columns, list(raw.findings)
            dialect = res.source.dialect
        else:
            from pipeline.derive import derive

            frame = derive(self, dataset, res)
            lines = np.arange(2, len(frame) + 2)
            file, columns, findings, dialect = None, {}, [], {}
        ctx = Context(dataset.name, file, lines, columns)
        result: CastResult = check_table(frame, res.schema, dialect, ctx)
        findings.extend(result.findings)
        typed = result.typed
        typed[LINE] = lines
        return LoadedTable(dataset, res, file, lines, typed, result.text, columns, findings)


def reference_values(ws: Workspace, resource: str, fields: list[str]):
    """The distinct keys of a table: a ``pd.Index`` for one field (fast ``isin`` and ``in``),
    a set of tuples for several. Cached for the run."""
    key = (resource, tuple(fields))
    if key not in ws.keys:
        ws.keys[key] = _distinct(ws, resource, fields)
    return ws.keys[key]


def _distinct(ws: Workspace, resource: str, fields: list[str]):
    target = ws.table(resource)
    if target.text is None:
        raise ConfigError(
            f"La table de référence « {resource} » est illisible : corrigez-la avant de valider."
        )
    missing = [f for f in fields if f not in target.text.columns]
    if missing:
        raise ConfigError(f"La table « {resource} » n'a pas de champ {', '.join(missing)}.")
    if len(fields) == 1:
        return pd.Index(target.text[fields[0]].unique())
    return set(target.text[fields].itertuples(index=False, name=None))
