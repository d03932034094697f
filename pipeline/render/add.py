"""Text output of ``pipeline add`` (French, for the data officer): what was found in the
file, the files it writes, and what is left to fill in."""

from __future__ import annotations

from itertools import groupby

from pipeline.add import AddPlan
from pipeline.add.formats import LABELS
from pipeline.add.sniff import DELIMITER_FR
from pipeline.add.write import Todo

TYPES = {
    "string": "texte",
    "integer": "entier",
    "number": "nombre",
    "boolean": "booléen",
    "date": "date",
    "datetime": "date et heure",
    "year": "année",
}
SPACES = {" ": "espace", "\u00a0": "espace insécable", "\u202f": "espace fine insécable"}


def _char(value: str) -> str:
    return SPACES.get(value, f"« {value} »") if value else "aucun"


def render_summary(plan: AddPlan) -> str:
    sniffed, inference = plan.sniffed, plan.inference
    dialect = sniffed.dialect
    lines = [f"Jeu « {plan.name} » depuis {plan.raw}"]
    if sniffed.format == "xlsx":
        read = f"XLSX, feuille « {sniffed.sheet} », en-tête ligne {sniffed.header_row}"
    else:
        encoding = dialect.encoding + (" avec BOM" if sniffed.bom else "")
        read = (
            f"CSV, encodage {encoding}, séparateur {DELIMITER_FR[dialect.delimiter]} "
            f"« {dialect.delimiter} »"
        )
    lines.append(
        f"  Lecture : {read} ; décimale {_char(dialect.decimal_char)}, milliers "
        f"{_char(dialect.group_char)}, dates {dialect.date_format}"
    )
    key = ", ".join(inference.primary_key) if inference.primary_key else "aucune trouvée"
    lines.append(
        f"  {inference.rows} lignes, {len(inference.fields)} colonnes ; clé primaire : {key}"
    )
    width = max(len(p.name) for p in inference.fields)
    references = {fk["fields"]: fk for fk in inference.foreign_keys}
    for plan_field in inference.fields:
        parts = [TYPES.get(plan_field.type, plan_field.type)]
        if plan_field.detected:
            parts.append(LABELS[plan_field.detected.kind])
        fk = references.get(plan_field.name)
        if fk:
            target = fk["reference"]
            parts.append(f"→ {target['resource']}.{target['fields']}")
            absent = plan_field.detected.absent if plan_field.detected else []
            if absent:
                shown = ", ".join(absent[:3]) + (" …" if len(absent) > 3 else "")
                parts.append(f"({len(absent)} absent(s) : {shown} ; clé en avertissement)")
        if not plan_field.required:
            parts.append("facultatif")
        if plan_field.enum is not None:
            parts.append(f"liste fermée ({len(plan_field.enum)} valeurs)")
        elif plan_field.pattern and not plan_field.detected:
            parts.append(f"motif {plan_field.pattern}")
        lines.append(f"    {plan_field.name:<{width}}  {' · '.join(parts)}")
    for check in inference.checks:
        columns = ", ".join(str(v) for k, v in check.items() if k not in ("check", "severity"))
        lines.append(f"  Contrôle {check['check']} ({columns}), en avertissement")
    for note in plan.notes:
        lines.append(f"  Note : {note}")
    return "\n".join(lines) + "\n"


def render_files(files: dict[str, str]) -> str:
    """The files ``--dry-run`` would write, each under its path."""
    return "".join(f"==> {path} <==\n{content}\n" for path, content in files.items())


def render_todo(items: list[Todo]) -> str:
    if not items:
        return "Rien à compléter.\n"
    lines = [f"Reste à compléter ({len(items)}) :"]
    for file, group in groupby(items, key=lambda t: t.file):
        lines.append(f"  {file}")
        for item in group:
            lines.append(f"    {item.where} : {item.text}")
    return "\n".join(lines) + "\n"
