"""French formats recognised by their values and column names: INSEE commune, département
and région codes, EPCI SIREN, SIREN and SIRET (Luhn), postal codes, latitude and longitude,
e-mail and French phone numbers. Codes are matched against the COG reference declared in
``schemas/reference/`` (the one ``pipeline validate`` checks foreign keys against), not
against a copy bundled with a library, so a code "found" here is found by validation too."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from pipeline.add.labels import LABELS as LABELS  # re-exported: pipeline.render.add reads it
from pipeline.add.labels import description
from pipeline.catalog import Catalog
from pipeline.errors import ConfigError
from pipeline.names import name_key

COMMUNE_RE = r"^([013-9]\d|2[AB1-9])\d{3}$"
DEPARTEMENT_RE = r"^(\d{2}|2[AB]|9[78]\d)$"
REGION_RE = r"^(\d{2}|9[78]\d)$"
SIREN_RE = r"^\d{9}$"
SIRET_RE = r"^\d{14}$"
POSTAL_RE = r"^\d{5}$"
EMAIL_RE = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"
PHONE_RE = r"^(?:(?:\+|00)33 ?[1-9]|0[1-9])(?:[ .-]?\d{2}){4}$"

# Column-name tokens (lower case, no accents, split on anything but letters and digits).
HINTS = {
    "commune": {"com", "commune", "communes", "insee", "codgeo", "depcom", "codecommune", "cog"},
    "departement": {"dep", "dept", "dpt", "departement", "codedep", "coddep"},
    "region": {"reg", "region", "codereg", "codreg"},
    "epci": {"epci", "ept", "groupement", "grpt", "interco", "intercommunalite"},
    "siren": {"siren"},
    "siret": {"siret"},
    "code_postal": {"cp", "postal", "codepostal", "postaux"},
    "latitude": {"lat", "latitude"},
    "longitude": {"lon", "lng", "long", "longitude"},
}

# Reference resources and key fields of the COG (schemas/reference/).
COG = {
    "commune": ("cog2023-communes", "code_insee"),
    "departement": ("cog2023-departements", "code"),
    "region": ("cog2023-regions", "code"),
    "epci": ("cog2023-epci", "code_siren"),
    "ept": ("cog2023-epci-membres", "epci_siren"),
}


def tokens(name: str) -> set[str]:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    parts = [p for p in re.split(r"[^a-z0-9]+", text) if p]
    return {*parts, "".join(parts)}


def hinted(name: str, kind: str) -> bool:
    return bool(tokens(name) & HINTS[kind])


def luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def siret_valid(digits: str) -> bool:
    """Luhn, except La Poste's establishments (SIREN 356000000): digit sum divisible by 5."""
    if digits.startswith("356000000"):
        return sum(map(int, digits)) % 5 == 0
    return luhn(digits)


@dataclass
class Reference:
    """The COG keys, loaded once from the repository's reference resources."""

    keys: dict[str, frozenset[str]] = field(default_factory=dict)  # kind -> distinct codes
    communes: pd.DataFrame | None = None  # code_insee -> nom, departement, region

    def has(self, kind: str) -> bool:
        return kind in self.keys


def load_reference(catalog: Catalog) -> Reference:
    """The COG reference tables the repository declares; an absent one is simply not used."""
    ref = Reference()
    for kind, (resource, key) in COG.items():
        try:
            dataset, res = catalog.find_resource(resource)
        except ConfigError:
            continue
        path = catalog.repo.root / res.source.path
        if not path.is_file():
            continue
        dialect = res.source.dialect
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            sep=dialect.get("delimiter", ","),
            encoding="utf-8-sig"
            if dialect.get("encoding", "utf-8") == "utf-8"
            else dialect["encoding"],
        )
        if key not in frame.columns:
            continue
        ref.keys[kind] = frozenset(frame[key])
        if kind == "commune" and {"nom", "departement", "region"} <= set(frame.columns):
            ref.communes = frame.drop_duplicates(key).set_index(key)[
                ["nom", "departement", "region"]
            ]
    return ref


@dataclass
class Detected:
    """A French format found in a column."""

    kind: str
    pattern: str | None = None
    reference: tuple[str, str] | None = None  # (resource, field) of the foreign key
    absent: list[str] = field(default_factory=list)  # values missing from the reference
    off_pattern: list[str] = field(default_factory=list)  # values without the code's shape
    minimum: float | None = None
    maximum: float | None = None

    @property
    def description(self) -> str:
        return description(self.kind, 2023 if self.reference else None)


def _coverage(values: list[str], keys: frozenset[str]) -> tuple[float, list[str]]:
    """Share of values in the reference, and those that are not."""
    if not values:
        return 0.0, []
    absent = sorted(v for v in values if v not in keys)
    return 1 - len(absent) / len(values), absent


def _all(values: list[str], pattern: str) -> bool:
    compiled = re.compile(pattern)
    return bool(values) and all(compiled.fullmatch(v) for v in values)


def _matching(values: list[str], pattern: str) -> tuple[float, list[str]]:
    """Share of values matching ``pattern``, and those that do not."""
    if not values:
        return 0.0, []
    compiled = re.compile(pattern)
    off = []
    for value in values:
        if not compiled.fullmatch(value):
            off.append(value)
            if len(off) > len(values) / 10:  # not this code: no need to look further
                return 0.0, []
    return 1 - len(off) / len(values), sorted(off)


def _share(values: list[str], test) -> float:
    return sum(map(test, values)) / len(values) if values else 0.0


def detect_code(name: str, values: list[str], ref: Reference) -> Detected | None:
    """The code format of a text column (``values``: its distinct non-empty cells). Codes
    with a COG reference are recognised when nine values in ten have their shape."""
    commune_shape, off = _matching(values, COMMUNE_RE)
    if commune_shape >= 0.9 and not hinted(name, "code_postal") and ref.has("commune"):
        share, absent = _coverage(values, ref.keys["commune"])
        if share >= 0.9 or (hinted(name, "commune") and share >= 0.5):
            return Detected("commune", None if off else COMMUNE_RE, COG["commune"], absent, off)
    for kind, pattern in (("departement", DEPARTEMENT_RE), ("region", REGION_RE)):
        shape, off = _matching(values, pattern)
        if hinted(name, kind) and shape >= 0.9 and ref.has(kind):
            share, absent = _coverage(values, ref.keys[kind])
            if share >= 0.5:
                return Detected(kind, None if off else pattern, COG[kind], absent, off)
    siren_shape, off = _matching(values, SIREN_RE)
    if siren_shape >= 0.9:
        found = _epci(name, values, ref, off)
        if found:
            return found
    if siren_shape == 1 and (hinted(name, "siren") or _share(values, luhn) >= 0.95):
        return Detected("siren", SIREN_RE)
    if _all(values, SIRET_RE) and (hinted(name, "siret") or _share(values, siret_valid) >= 0.95):
        return Detected("siret", SIRET_RE)
    if hinted(name, "code_postal") and _all(values, POSTAL_RE):
        return Detected("code_postal", POSTAL_RE)
    if _all(values, EMAIL_RE):
        return Detected("email", EMAIL_RE)
    if _all(values, PHONE_RE):
        return Detected("telephone", PHONE_RE)
    return None


def _epci(name: str, values: list[str], ref: Reference, off: list[str]) -> Detected | None:
    """EPCI SIREN: a foreign key to the EPCI list, or to the EPCI and EPT membership table
    when EPT (Grand Paris) appear; a warning-level one when some are in neither."""
    if not ref.has("epci"):
        return None
    share, absent = _coverage(values, ref.keys["epci"])
    target = COG["epci"]
    if absent and ref.has("ept"):
        wider, wider_absent = _coverage(values, ref.keys["ept"])
        if wider > share:
            share, absent, target = wider, wider_absent, COG["ept"]
    if share >= 0.9 or (hinted(name, "epci") and share >= 0.5):
        return Detected("epci", None if off else SIREN_RE, target, absent, off)
    return None


def detect_coordinate(name: str, numbers: pd.Series) -> Detected | None:
    """Latitude or longitude: named so, and within range (``numbers``: the typed column)."""
    for kind, bound in (("latitude", 90), ("longitude", 180)):
        if hinted(name, kind) and numbers.notna().any() and numbers.abs().max() <= bound:
            return Detected(kind, minimum=-bound, maximum=bound)
    return None


def name_matches(codes: pd.Series, names: pd.Series, ref: Reference) -> float:
    """Share of rows whose name is the COG name of their commune code (the first 500 rows
    first: most text columns are not commune names)."""
    if ref.communes is None:
        return 0.0
    for head in (500, None):
        expected = codes.iloc[:head].map(ref.communes["nom"])
        given = names.iloc[:head]
        known = (expected.notna() & (given != "")).to_numpy()
        if not known.any():
            return 0.0
        same = [
            name_key(a) == name_key(b) for a, b in zip(given[known], expected[known], strict=True)
        ]
        share = sum(same) / len(same)
        if share < 0.5 or head is None or len(codes) <= head:
            return share
    return share


def geography_matches(
    codes: pd.Series, level_codes: pd.Series, level: str, ref: Reference
) -> float:
    """Share of rows whose département (or région) code is that of their commune."""
    if ref.communes is None:
        return 0.0
    expected = codes.map(ref.communes[level])
    known = expected.notna() & (level_codes != "")
    if not known.any():
        return 0.0
    return float((level_codes[known] == expected[known]).mean())
