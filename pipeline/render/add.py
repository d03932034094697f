"""Output of ``pipeline add``: in French for the data officer (what was found in the file,
the files it writes, the validation of the new dataset, what is left to fill in), or as one
JSON document."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING

from pipeline.findings import Report
from pipeline.messages import VISIBLE
from pipeline.render.json import dump, report_dict
from pipeline.render.text import render_text

if TYPE_CHECKING:  # pipeline.add loads pandas: only ``pipeline add`` pays for it
    from pipeline.add import AddPlan
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
    from pipeline.add.formats import LABELS  # here, not at start-up: see TYPE_CHECKING
    from pipeline.add.sniff import DELIMITER_FR

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
    return _lines(lines)


def _lines(lines: list[str]) -> str:
    """Lines read from the file (column names, cells quoted in notes) each kept on its line,
    controls visible: a header cell « rem\\n::error::… » drives neither the terminal nor a
    CI log."""
    return "".join(line.translate(VISIBLE) + "\n" for line in lines)


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
    return _lines(lines)


@dataclass
class AddResult:
    """What ``pipeline add`` did: the plan, the files written (none with --dry-run) and the
    validation of the new dataset (None with --dry-run, or when it could not run)."""

    plan: AddPlan
    dry_run: bool = False
    written: list[str] = field(default_factory=list)
    report: Report | None = None

    @property
    def valid(self) -> bool:
        return self.report is None or self.report.valid


def render_add_listing(result: AddResult) -> str:
    """What the text format writes on stdout, for scripts: the paths written, one a line, or
    with --dry-run the files themselves."""
    if result.dry_run:
        return render_files(result.plan.files)
    return "".join(f"{path}\n" for path in result.written)


def render_add_text(result: AddResult) -> str:
    """The French account, on stderr: summary, validation report, what is left to fill in."""
    parts = [render_summary(result.plan)]
    if result.report is not None:
        parts += ["\n", render_text(result.report)]
    parts.append(render_todo(result.plan.todo))
    if result.dry_run:
        parts.append("--dry-run : rien n'a été écrit.\n")
    return "".join(parts)


def render_add_json(result: AddResult) -> str:
    """One JSON document: the dataset, how its raw file reads, the declaration files (path
    and content), which were written, what is left to fill in, and the validation report."""
    plan, sniffed = result.plan, result.plan.sniffed
    return dump(
        {
            "name": plan.name,
            "raw": plan.raw,
            "dry_run": result.dry_run,
            "valid": None if result.report is None else result.report.valid,
            "format": sniffed.format,
            "sheet": sniffed.sheet,
            "dialect": sniffed.dialect.declaration(sniffed.format),
            "rows": plan.inference.rows,
            "primary_key": plan.inference.primary_key,
            "files": plan.files,
            "written": result.written,
            "todo": [{"file": t.file, "where": t.where, "text": t.text} for t in plan.todo],
            "notes": plan.notes,
            "validation": None if result.report is None else report_dict(result.report),
        }
    )
