"""frictionless's findings on a downloaded package, told in French: what is wrong with the
cell, label or row (frictionless's own note, in English, only when no French sentence says
it better)."""

from __future__ import annotations

import re

from pipeline.messages import shorten

CONSTRAINT = re.compile(r'constraint "(\w+)" is "(.*)"', re.S)
NO_TABLE = re.compile(r'failed to handle a foreign key .* as resource "(.*)" does not exist', re.S)
CONSTRAINTS_FR = {
    "required": "la valeur est obligatoire",
    "unique": "la valeur doit être unique",
    "pattern": "la valeur ne suit pas le motif « {value} »",
    "enum": "la valeur n'est pas parmi les valeurs permises ({value})",
    "minimum": "la valeur est inférieure au minimum {value}",
    "maximum": "la valeur est supérieure au maximum {value}",
    "exclusiveMinimum": "la valeur doit être strictement supérieure à {value}",
    "exclusiveMaximum": "la valeur doit être strictement inférieure à {value}",
    "minLength": "la valeur a moins de {value} caractères",
    "maxLength": "la valeur a plus de {value} caractères",
}
TYPES_FR = {
    "type-error": "la cellule « {cell} » n'est pas du type du champ ({note})",
    "primary-key": "la clé primaire est répétée ou vide",
    "unique-error": "la valeur est déjà prise par une autre ligne",
    "foreign-key": "la valeur est absente de la table de référence",
    "extra-label": "colonne « {label} » en trop dans l'en-tête",
    "missing-label": "colonne manquante dans l'en-tête",
    "blank-label": "en-tête de colonne vide",
    "duplicate-label": "colonne « {label} » en double dans l'en-tête",
    "incorrect-label": "l'en-tête « {label} » ne correspond pas au nom du champ du schéma",
    "blank-row": "ligne vide",
    "extra-cell": "cellule en trop",
    "missing-cell": "cellule manquante",
    "source-error": "le fichier ne se lit pas comme déclaré",
    "encoding-error": "le fichier ne se décode pas dans l'encodage déclaré",
    "format-error": "le fichier ne se lit pas dans son format déclaré",
    "scheme-error": "le fichier ne se charge pas",
}


def french(error) -> str:
    """One sentence for a frictionless error (its ``type``, ``note``, ``cell``, ``label``)."""
    note = shorten(getattr(error, "note", "") or "", 200)
    if error.type == "constraint-error":
        found = CONSTRAINT.fullmatch(getattr(error, "note", "") or "")
        cell = shorten(getattr(error, "cell", ""))
        if found and found.group(1) in CONSTRAINTS_FR:
            told = CONSTRAINTS_FR[found.group(1)].format(value=shorten(found.group(2)))
            return f"« {cell} » : {told}" if cell else told
        return f"« {cell} » ne respecte pas une contrainte du champ ({note})"
    if error.type == "foreign-key" and getattr(error, "reference_name", None) is not None:
        values = ", ".join(str(v) for v in getattr(error, "field_cells", []) or [])
        fields = ", ".join(getattr(error, "reference_field_names", []) or [])
        return (
            f"« {shorten(values)} » est absent de la table de référence "
            f"« {shorten(error.reference_name)} » ({shorten(fields)})"
        )
    absent = NO_TABLE.fullmatch(getattr(error, "note", "") or "")
    if error.type == "resource-error" and absent:
        return (
            f"la clé étrangère renvoie à la table « {shorten(absent.group(1))} », absente du "
            "paquet ou illisible : clé non vérifiée"
        )
    template = TYPES_FR.get(error.type)
    if template is None:
        return f"{error.type} ({note})" if note else error.type
    told = template.format(
        cell=shorten(getattr(error, "cell", "")),
        label=shorten(getattr(error, "label", "")),
        note=note,
    )
    if note and error.type in ("source-error", "encoding-error", "format-error", "scheme-error"):
        told += f" ({note})"
    return told


def finding(code: str, message: str) -> dict:
    """A verify finding about a whole file (no line, no field)."""
    return {"code": code, "line": None, "field": None, "message": message}
