"""French Markdown summary of a validation report, for ``$GITHUB_STEP_SUMMARY``.

GitHub refuses a step summary above 1 MiB, so the output is cut under ``max_bytes`` with a
note saying so. Cell values come from data files: they are shown one-line, truncated, in
code spans; messages go through the project's one escaper (:mod:`pipeline.markdown`) so that a
hostile cell quoted in a message cannot inject HTML or Markdown into the summary page.
"""

from __future__ import annotations

from pipeline.findings import FigureCheck, Finding, Report
from pipeline.markdown import md_code, md_text
from pipeline.numbers_fr import fmt_int, fmt_number, plural
from pipeline.render._shared import ARTIFACT_NAME, dataset_names, left_out_remark

VALUE_LIMIT = 80
MESSAGE_LIMIT = 300
VERDICT_ICONS = {"concorde": "✅", "écart": "⚠️", "non vérifiable": "❔"}


def status_label(valid: bool) -> str:
    return "✅ VALIDE" if valid else "❌ INVALIDE"


def _status_table(report: Report) -> list[str]:
    by_name = {d.name: d for d in report.datasets}
    lines = [
        "| Jeu de données | État | Lignes | Erreurs | Avertissements |",
        "|---|---|--:|--:|--:|",
    ]
    for name in dataset_names(report):
        ds = by_name.get(name)
        label = (
            f"{md_text(ds.title, MESSAGE_LIMIT)} ({md_code(name)})"
            if ds and ds.title
            else md_code(name)
        )
        rows = fmt_int(ds.total_rows) if ds and ds.rows else "—"
        counts = report.counts(name)
        lines.append(
            f"| {label} | {status_label(report.dataset_valid(name))} | {rows} "
            f"| {fmt_int(counts['error'])} | {fmt_int(counts['warning'])} |"
        )
    return lines


FINDINGS_HEADER = [
    "| Jeu de données | Fichier | Ligne | Champ | Message | Valeur |",
    "|---|---|--:|---|---|---|",
]


def finding_row(f: Finding) -> str:
    line = str(f.line) if f.line is not None else ""
    return (
        f"| {md_code(f.dataset)} | {md_code(f.file, 200)} | {line} | {md_code(f.field)} "
        f"| {md_text(f.message, MESSAGE_LIMIT)} | {md_code(f.value, VALUE_LIMIT)} |"
    )


def _figure_value(x: float | None, unit: str) -> str:
    return fmt_number(x) + (f" {md_text(unit, MESSAGE_LIMIT)}" if x is not None and unit else "")


def figure_row(c: FigureCheck) -> str:
    icon = VERDICT_ICONS.get(c.verdict, "")
    return (
        f"| {md_text(c.label, MESSAGE_LIMIT)} ({md_code(c.figure_id)}) | {_figure_value(c.published, c.unit)} "
        f"| {_figure_value(c.recomputed, c.unit)} | {_figure_value(c.gap, c.unit)} "
        f"| {icon} {c.verdict} | {md_text(c.method, 200)} |"
    )


def _figures(report: Report) -> list[str]:
    if not report.figures:
        return []
    return [
        "",
        "### Chiffres clés publiés et recalculés",
        "",
        "| Chiffre | Publié | Recalculé | Écart | Verdict | Méthode |",
        "|---|--:|--:|--:|---|---|",
        *(figure_row(c) for c in report.figures),
    ]


def _left_out(report: Report) -> list[str]:
    """What the report left out (it keeps at most N findings per check and file)."""
    if not report.truncated:
        return []
    lines = [
        "",
        "### Constats laissés de côté",
        "",
        "| Jeu de données | Fichier | Code | Champ | Affichés | Total | Laissés de côté |",
        "|---|---|---|---|--:|--:|--:|",
    ]
    for t in report.truncations:
        lines.append(
            f"| {md_code(t.dataset)} | {md_code(t.file, 200)} | {md_code(t.code)} "
            f"| {md_code(t.field)} | {fmt_int(t.shown)} | {fmt_int(t.total)} "
            f"| {fmt_int(t.left_out)} |"
        )
    return [*lines, "", f"> {md_text(left_out_remark(report), 1000)}"]


def _pointer(report_url: str | None) -> list[str]:
    if report_url:
        text = f"Le rapport complet (JSON et HTML) : [{md_text(report_url, MESSAGE_LIMIT)}]({report_url})."
    else:
        text = (
            f"Le rapport complet (JSON et HTML, avec chaque valeur en cause) est joint au "
            f"workflow : artefact `{ARTIFACT_NAME}`, en bas de la page de l'exécution."
        )
    return ["", "### Rapport complet", "", text]


def _size(lines: list[str]) -> int:
    return sum(len(line.encode("utf-8")) + 1 for line in lines)


def render_markdown(
    report: Report,
    report_url: str | None = None,
    max_bytes: int = 1_000_000,
    *,
    max_rows: int = 500,
) -> str:
    """The summary: overall status, a status table per dataset, errors then warnings (at
    most ``max_rows`` each), the headline-figure verdicts, and where the full report is.
    The result, encoded in UTF-8, is never longer than ``max_bytes``."""
    errors, warnings = report.errors, report.warnings
    totals = report.counts()
    head = [
        f"## Validation des données : {status_label(report.valid)}",
        "",
        f"{plural(len(dataset_names(report)), 'jeu de données', 'jeux de données')}, "
        f"{plural(totals['error'], 'erreur', 'erreurs')}, "
        f"{plural(totals['warning'], 'avertissement', 'avertissements')}.",
        "",
        *_status_table(report),
    ]
    tail = _left_out(report) + _figures(report) + _pointer(report_url)
    cut_note_size = 400  # room kept for the notes written below
    budget = max_bytes - _size(head) - _size(tail) - cut_note_size
    body: list[str] = []
    for title, findings, total in (
        ("Erreurs", errors, totals["error"]),
        ("Avertissements", warnings, totals["warning"]),
    ):
        if not findings:
            continue
        section = ["", f"### {title} ({fmt_int(total)})", "", *FINDINGS_HEADER]
        budget -= _size(section)
        shown = 0
        for f in findings[:max_rows]:
            row = finding_row(f)
            if budget < _size([row]):
                break
            section.append(row)
            budget -= _size([row])
            shown += 1
        if shown == 0:
            del section[-len(FINDINGS_HEADER) :]
        if shown < len(findings):
            reason = (
                "" if shown == min(max_rows, len(findings)) else " (limite de taille de GitHub)"
            )
            section += [
                "",
                f"> Liste tronquée{reason} : {fmt_int(shown)} sur {fmt_int(len(findings))} "
                "affichés ici ; le rapport complet les contient tous.",
            ]
        body += section
    if not errors and not warnings:
        body += ["", "Aucune erreur ni aucun avertissement."]
    text = "\n".join(head + body + tail) + "\n"
    encoded = text.encode("utf-8")
    if len(encoded) > max_bytes:  # only with absurdly small limits or huge dataset lists
        note = "\n\n> Résumé tronqué (limite de taille).\n"
        keep = max(0, max_bytes - len(note.encode("utf-8")))
        text = encoded[:keep].decode("utf-8", errors="ignore") + note
        text = text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")
    return text
