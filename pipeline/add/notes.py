"""What ``pipeline add`` tells the data officer about codes it could not declare as they
should be: codes a spreadsheet stored as numbers, values without their code's shape."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pandas as pd

from pipeline.add.formats import PATTERNS, Reference
from pipeline.add.labels import LABELS
from pipeline.numbers_fr import fmt_int

if TYPE_CHECKING:
    from pipeline.add.infer import FieldPlan


def lost_zeros(table: pd.DataFrame, plans: list[FieldPlan]) -> list[str]:
    """Codes a spreadsheet stored as numbers (``1033`` for the commune ``01033``)."""
    notes = []
    for plan in plans:
        found = plan.detected
        if found is None or not found.lost:
            continue
        cells = int(table[plan.name].isin(found.lost.keys()).sum())
        shown = ", ".join(f"{v} pour {p}" for v, p in sorted(found.lost.items())[:3])
        declared = (
            "Le motif et la clé étrangère vers le COG sont déclarés"
            if found.reference
            else "Le motif est déclaré"
        )
        notes.append(
            f"« {plan.name} » ({LABELS[found.kind]}) : zéro initial perdu dans "
            f"{fmt_int(cells)} cellule(s), {fmt_int(len(found.lost))} valeur(s) distincte(s) "
            f"({shown}{' …' if len(found.lost) > 3 else ''}) : le tableur a enregistré ces "
            f"codes comme des nombres. {declared} comme pour un export correct : pipeline "
            "validate signale ces cellules en erreur tant que la colonne n'est pas exportée au "
            "format texte depuis le fichier source."
        )
    return notes


def off_pattern(plans: list[FieldPlan]) -> list[str]:
    notes = []
    for plan in plans:
        found = plan.detected
        off = found.off_pattern if found else []
        if not off:
            continue
        if found.pattern:
            then = "le motif est déclaré quand même (zéros perdus) : elles sont des erreurs"
        elif found.reference:
            then = (
                "aucun motif n'est déclaré pour ce champ, et la clé étrangère les signale en "
                "avertissement"
            )
        else:
            then = (
                "aucun motif n'est déclaré pour ce champ : corrigez-les dans le fichier source "
                f"(une valeur par cellule), puis ajoutez au schéma le motif {PATTERNS[found.kind]}"
            )
        shown = ", ".join(off[:5]) + (" …" if len(off) > 5 else "")
        notes.append(
            f"« {plan.name} » : {len(off)} valeur(s) sans la forme d'un "
            f"{LABELS[found.kind]} ({shown}) : {then}."
        )
    return notes


def numbers_like_communes(table: pd.DataFrame, plans: list[FieldPlan], ref: Reference) -> list[str]:
    """A column of numbers that would be commune codes with a zero in front, but that
    :func:`~pipeline.add.formats.detect_code` could not take for codes (neither named for
    them nor holding any full code): pointed out, not declared."""
    notes = []
    keys = ref.keys.get("commune")
    for plan in plans:
        if keys is None or plan.detected is not None or plan.type not in ("integer", "string"):
            continue
        values = [str(v) for v in pd.unique(table[plan.name]) if v != ""]
        if not values or not all(re.fullmatch(r"\d{4,5}", v) for v in values):
            continue
        short = [v for v in values if len(v) == 4]
        if short and sum(v.zfill(5) in keys for v in values) >= 0.9 * len(values):
            notes.append(
                f"La colonne « {plan.name} » ressemble à des codes commune qui ont perdu leur "
                f"zéro initial ({short[0]} pour {short[0].zfill(5)}) : le tableur les a pris "
                f"pour des nombres. Réexportez-la en texte ; elle est déclarée « {plan.type} » "
                "en attendant, sans clé étrangère."
            )
    return notes
