"""The COG vintage a new dataset follows (``"cog"`` in ``dataset.json``, and the
``cogYYYY-*`` tables its foreign keys name): the one of the repository's vintages that covers
the file's codes best.

The file is inferred once per vintage; the vintages are then compared, in this order, on
- the columns tied to the COG (a column recognised by one vintage only);
- the distinct codes absent from it;
- the rows whose commune name is not its name (a commune renamed on 1 January), where the
  file names its communes: row by row evidence of the geography the file was written in;
- the commune codes it knows only as communes déléguées, associées or municipal
  arrondissements (a list of 2023 read against the COG 2024 after a merger);
- the vintage the file name gives (``…_derived_cog2023.csv``, ``liste-va-com2024-…``);
- the newest: codes valid in several vintages follow the current geography, which the
  dataset then keeps longest. The repository's older datasets follow the COG 2023 because
  they describe 2023; a new one is not bound to that."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from pipeline.add.reference import Reference
from pipeline.names import name_key
from pipeline.numbers_fr import fmt_int

if TYPE_CHECKING:
    from pipeline.add.infer import FieldPlan

VINTAGE_IN_NAME = re.compile(r"(?<![a-z0-9])(?:cog|com)((?:19|20)\d{2})(?!\d)")


def vintage_in_name(filename: str) -> int | None:
    """2023 from ``anct_ti_communes_20231114_derived_cog2023.csv``."""
    match = VINTAGE_IN_NAME.search(filename.lower())
    return int(match.group(1)) if match else None


@dataclass
class Trial:
    """The file inferred against one COG vintage, and how well that vintage covers it."""

    ref: Reference
    fields: list[FieldPlan]
    checks: list[dict]
    tied: int = 0  # columns with a foreign key to the vintage
    absent: int = 0  # distinct codes it lacks
    not_current: int = 0  # distinct commune codes it knows only as no longer communes
    names: int = 0  # rows whose commune name differs from its name

    def key(self, prefer: int | None) -> tuple:
        year = self.ref.year or 0
        return (-self.tied, self.absent, self.names, self.not_current, year != prefer, -year)


def measure(table: pd.DataFrame, ref: Reference, fields: list, checks: list[dict]) -> Trial:
    trial = Trial(ref, fields, checks)
    for plan in fields:
        found = plan.detected
        if found is None or found.reference is None:
            continue
        trial.tied += 1
        trial.absent += len(found.absent)
        if found.kind == "commune" and ref.current:
            codes = {found.lost.get(v, v) for v in pd.unique(table[plan.name])}
            trial.not_current += sum(
                c in ref.keys["commune"] and c not in ref.current for c in codes
            )
    for check in checks:
        if check["check"] == "commune-name":
            trial.names += name_mismatches(table[check["code"]], table[check["name"]], ref)
    return trial


def name_mismatches(codes: pd.Series, names: pd.Series, ref: Reference) -> int:
    """Rows whose name is not the COG name of their commune code (as the check compares)."""
    if ref.communes is None:
        return 0
    expected = codes.map(ref.communes["nom"])
    known = (expected.notna() & (names != "")).to_numpy()
    return sum(
        name_key(a) != name_key(b) for a, b in zip(names[known], expected[known], strict=True)
    )


def choose(trials: list[Trial], prefer: int | None) -> tuple[Trial, str | None]:
    """The best trial, and the note saying why (None when no column is tied to the COG)."""
    ranked = sorted(trials, key=lambda t: t.key(prefer))
    best = ranked[0]
    if not best.tied:
        return best, None
    year = best.ref.year
    head = f"COG {year} retenu (« cog »: {year} dans dataset.json, tables cog{year}-… des clés)"
    if len(ranked) == 1:
        return best, f"{head} : seul millésime du référentiel."
    other = ranked[1]
    return best, f"{head} : {_why(best, other, prefer)}. {_how_to_change(year)}"


def _why(best: Trial, other: Trial, prefer: int | None) -> str:
    them = f"COG {other.ref.year}"
    if best.tied != other.tied:
        return f"il reconnaît {best.tied} colonne(s) de codes, le {them} {other.tied}"
    if best.absent != other.absent:
        return (
            f"{fmt_int(best.absent)} code(s) absent(s) du référentiel, contre "
            f"{fmt_int(other.absent)} au {them}"
        )
    if best.names != other.names:
        return (
            f"{fmt_int(best.names)} ligne(s) dont le nom de commune n'est pas celui du "
            f"référentiel, contre {fmt_int(other.names)} au {them}"
        )
    if best.not_current != other.not_current:
        return (
            f"{fmt_int(best.not_current)} code(s) de commune qui n'y sont plus que des communes "
            f"déléguées, associées ou des arrondissements, contre {fmt_int(other.not_current)} "
            f"au {them}"
        )
    same = f"les codes et noms sont couverts également par le {them}"
    if prefer == best.ref.year:
        return f"{same} ; le nom du fichier dit {best.ref.year}"
    return f"{same} : le plus récent est retenu"


def _how_to_change(year: int | None) -> str:
    return (
        "Pour suivre un autre millésime, changez « cog » et les noms cog"
        f"{year}-… des clés étrangères et des contrôles."
    )
