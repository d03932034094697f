"""The COG vintages ``pipeline add`` matches codes against: each ``cogYYYY-*`` table the
repository declares in ``schemas/reference/`` (the ones ``pipeline validate`` checks foreign
keys against), not a copy bundled with a library, so a code "found" here is found by
validation too."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from pipeline.catalog import Catalog
from pipeline.declarations.editions import COG_RE

# Table (cogYYYY-<table>) and key field of each kind of code tied to the COG.
COG_TABLES = {
    "commune": ("communes", "code_insee"),
    "departement": ("departements", "code"),
    "region": ("regions", "code"),
    "epci": ("epci", "code_siren"),
    "ept": ("epci-membres", "epci_siren"),  # EPCI and EPT (Grand Paris) with their members
}
CURRENT = "commune-actuelle"  # the COG's type of a commune that exists as such


@dataclass
class Reference:
    """The keys of one COG vintage (``year`` None: no reference, nothing is tied)."""

    year: int | None = None
    keys: dict[str, frozenset[str]] = field(default_factory=dict)  # kind -> distinct codes
    communes: pd.DataFrame | None = None  # code_insee -> nom, departement, region
    current: frozenset[str] = frozenset()  # codes of communes that exist as such

    def has(self, kind: str) -> bool:
        return kind in self.keys

    def target(self, kind: str) -> tuple[str, str]:
        """(resource, field) a foreign key to this vintage names: ``cog2024-communes``."""
        table, key = COG_TABLES[kind]
        return f"cog{self.year}-{table}", key


def cog_years(catalog: Catalog) -> list[int]:
    """The vintages with a communes table, newest first."""
    years = set()
    for dataset in catalog.datasets.values():
        for res in dataset.resources:
            match = COG_RE.fullmatch(res.name)
            if match and match.group(2) == "communes":
                years.add(int(match.group(1)))
    return sorted(years, reverse=True)


def load_references(catalog: Catalog) -> list[Reference]:
    """Every COG vintage the repository declares, newest first; a table that is absent
    (undeclared, or its file missing) is simply not used."""
    return [load_reference(catalog, year) for year in cog_years(catalog)]


def load_reference(catalog: Catalog, year: int) -> Reference:
    tables = {r.name: r for d in catalog.datasets.values() for r in d.resources}
    sources = []
    for kind in COG_TABLES:
        table, key = COG_TABLES[kind]
        res = tables.get(f"cog{year}-{table}")
        path = catalog.repo.root / res.source.path if res is not None and res.source else None
        if path is None or not path.is_file():
            continue
        stat = path.stat()
        dialect = res.source.dialect  # type: ignore[union-attr]
        sources.append(
            (
                kind,
                str(path),
                stat.st_mtime_ns,
                stat.st_size,
                dialect.get("delimiter", ","),
                dialect.get("encoding", "utf-8"),
            )
        )
    return _load(year, tuple(sources))


@lru_cache(maxsize=4)
def _load(year: int, sources: tuple) -> Reference:
    """Read once per process while the files are unchanged (a test adds twenty files to
    one repository; each add would otherwise read the COG again)."""
    ref = Reference(year)
    for kind, path, _, _, delimiter, encoding in sources:
        key = COG_TABLES[kind][1]
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            sep=delimiter,
            encoding="utf-8-sig" if encoding == "utf-8" else encoding,
        )
        if key not in frame.columns:
            continue
        ref.keys[kind] = frozenset(frame[key])
        if kind == "commune" and {"nom", "departement", "region"} <= set(frame.columns):
            ref.communes = frame.drop_duplicates(key).set_index(key)[
                ["nom", "departement", "region"]
            ]
            if "type" in frame.columns:
                ref.current = frozenset(frame.loc[frame["type"] == CURRENT, key])
    return ref
