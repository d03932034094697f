"""French formats recognised by their values and column names: INSEE commune, département
and région codes, EPCI SIREN, SIREN and SIRET (Luhn), postal codes, latitude and longitude,
e-mail and French phone numbers. Codes are matched against one COG vintage of the
repository's reference (:mod:`pipeline.add.reference`).

A spreadsheet that stored codes as numbers has dropped their leading zeros (``1033`` for the
commune ``01033``, ``1`` for the département ``01``). Such a code is recognised once padded
with zeros to its width, and only then: its column keeps the pattern and the foreign key a
well-exported file would get, so that validation reports the damaged cells as errors
(``Detected.lost``)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from pipeline.add.labels import LABELS as LABELS  # re-exported: pipeline.render.add reads it
from pipeline.add.labels import description
from pipeline.add.reference import Reference
from pipeline.names import name_key

COMMUNE_RE = r"^([013-9]\d|2[AB1-9])\d{3}$"
DEPARTEMENT_RE = r"^(\d{2}|2[AB]|9[78]\d)$"
REGION_RE = r"^(\d{2}|9[78]\d)$"
SIREN_RE = r"^\d{9}$"
SIRET_RE = r"^\d{14}$"
POSTAL_RE = r"^\d{5}$"
EMAIL_RE = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"
PHONE_RE = r"^(?:(?:\+|00)33 ?[1-9]|0[1-9])(?:[ .-]?\d{2}){4}$"
PATTERNS = {
    "commune": COMMUNE_RE,
    "departement": DEPARTEMENT_RE,
    "region": REGION_RE,
    "epci": SIREN_RE,
    "siren": SIREN_RE,
    "siret": SIRET_RE,
    "code_postal": POSTAL_RE,
    "email": EMAIL_RE,
    "telephone": PHONE_RE,
}
# Digits of each code made of digits: a shorter one stored as a number lost its zeros.
WIDTHS = {
    "commune": 5,
    "departement": 2,
    "region": 2,
    "epci": 9,
    "siren": 9,
    "siret": 14,
    "code_postal": 5,
    "telephone": 10,  # 0612345678 stored as 612345678
}
YEAR_TOKENS = {"annee", "year", "millesime", "an"}

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
    "telephone": {"tel", "telephone", "phone", "portable", "mobile", "fixe"},
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
class Detected:
    """A French format found in a column."""

    kind: str
    pattern: str | None = None
    reference: tuple[str, str] | None = None  # (resource, field) of the foreign key
    absent: list[str] = field(default_factory=list)  # values missing from the reference
    off_pattern: list[str] = field(default_factory=list)  # values without the code's shape
    lost: dict[str, str] = field(default_factory=dict)  # value -> with its zeros restored
    cog: int | None = None  # the COG vintage of the reference
    minimum: float | None = None
    maximum: float | None = None

    @property
    def description(self) -> str:
        return description(self.kind, self.cog)


@dataclass
class Fit:
    """How the distinct values of a column fit a code's shape."""

    share: float  # of values with the shape, as they are or once their zeros are restored
    off: list[str] = field(default_factory=list)  # values without it
    lost: dict[str, str] = field(default_factory=dict)  # value -> padded with its zeros

    def restored(self, values: list[str]) -> list[str]:
        return [self.lost.get(v, v) for v in values]


def _fit(values: list[str], kind: str, valid: Callable[[str], bool] | None = None) -> Fit:
    """Values with the shape of ``kind``: as they are, or once left-padded with zeros to
    the code's width when ``valid`` accepts the padded code (``None``: without padding).
    Gives up (share 0) past one value in ten without it: not this code."""
    compiled = re.compile(PATTERNS[kind])
    width = WIDTHS.get(kind, 0) if valid else 0
    off: list[str] = []
    lost: dict[str, str] = {}
    for value in values:
        if compiled.fullmatch(value):
            continue
        if len(value) < width and value.isascii() and value.isdigit():
            padded = value.zfill(width)
            if compiled.fullmatch(padded) and valid(padded):  # type: ignore[misc]
                lost[value] = padded
                continue
        off.append(value)
        if len(off) > len(values) / 10:
            return Fit(0.0)
    if not values:
        return Fit(0.0)
    return Fit(1 - len(off) / len(values), sorted(off), lost)


def _code_fit(name: str, kind: str, values: list[str], valid: Callable[[str], bool]) -> Fit:
    """:func:`_fit` with zeros restored only where codes are certain: the column is named
    for the code, or some of its values have the full code as they are (a column of years
    2019…2023 is not a column of communes 02019…02023)."""
    fit = _fit(values, kind, valid)
    if fit.lost and (
        tokens(name) & YEAR_TOKENS
        or not (hinted(name, kind) or len(fit.lost) + len(fit.off) < len(values))
    ):
        return _fit(values, kind)
    return fit


def _found(kind: str, fit: Fit, ref: Reference | None = None, absent=()) -> Detected:
    """The pattern is declared when every value has the shape, and also when zeros were
    lost: the cells a spreadsheet damaged must fail validation."""
    pattern = PATTERNS[kind] if not fit.off or fit.lost else None
    target = ref.target(kind) if ref is not None else None
    cog = ref.year if ref is not None else None
    return Detected(kind, pattern, target, list(absent), fit.off, fit.lost, cog)


def _coverage(values: list[str], keys: frozenset[str]) -> tuple[float, list[str]]:
    """Share of values in the reference, and those that are not."""
    if not values:
        return 0.0, []
    absent = sorted(v for v in values if v not in keys)
    return 1 - len(absent) / len(values), absent


def _share(values: list[str], test) -> float:
    return sum(map(test, values)) / len(values) if values else 0.0


def detect_code(name: str, values: list[str], ref: Reference) -> Detected | None:
    """The code format of a text column (``values``: its distinct non-empty cells). Codes
    with a COG reference are recognised when nine values in ten have their shape."""
    if ref.has("commune") and not hinted(name, "code_postal"):
        keys = ref.keys["commune"]
        fit = _code_fit(name, "commune", values, keys.__contains__)
        if fit.share >= 0.9:
            share, absent = _coverage(fit.restored(values), keys)
            if share >= 0.9 or (hinted(name, "commune") and share >= 0.5):
                return _found("commune", fit, ref, absent)
    for kind in ("departement", "region"):
        if hinted(name, kind) and ref.has(kind):
            fit = _code_fit(name, kind, values, ref.keys[kind].__contains__)
            if fit.share >= 0.9:
                share, absent = _coverage(fit.restored(values), ref.keys[kind])
                if share >= 0.5:
                    return _found(kind, fit, ref, absent)
    found = _epci(name, values, ref)
    if found:
        return found
    for kind, valid in (("siren", luhn), ("siret", siret_valid)):
        fit = _code_fit(name, kind, values, valid)
        if fit.share == 1 and (hinted(name, kind) or _share(fit.restored(values), valid) >= 0.95):
            return _found(kind, fit)
    if hinted(name, "code_postal"):
        fit = _code_fit(name, "code_postal", values, lambda code: not code.startswith("00"))
        if fit.share == 1:
            return _found("code_postal", fit)
    for kind in ("email", "telephone"):
        fit = (
            _code_fit(name, kind, values, lambda _: True) if kind in WIDTHS else _fit(values, kind)
        )
        if fit.share >= 0.9:  # some cells off (two addresses in one): noted, no pattern
            return _found(kind, fit)
    return None


def _epci(name: str, values: list[str], ref: Reference) -> Detected | None:
    """EPCI SIREN: a foreign key to the EPCI list, or to the EPCI and EPT membership table
    when EPT (Grand Paris) appear; a warning-level one when some are in neither."""
    if not ref.has("epci"):
        return None
    known = ref.keys["epci"] | ref.keys.get("ept", frozenset())
    fit = _code_fit(name, "epci", values, known.__contains__)
    if fit.share < 0.9:
        return None
    restored = fit.restored(values)
    share, absent = _coverage(restored, ref.keys["epci"])
    target = "epci"
    if absent and ref.has("ept"):
        wider, wider_absent = _coverage(restored, ref.keys["ept"])
        if wider > share:
            share, absent, target = wider, wider_absent, "ept"
    if share >= 0.9 or (hinted(name, "epci") and share >= 0.5):
        found = _found("epci", fit, ref, absent)
        found.reference = ref.target(target)
        return found
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
