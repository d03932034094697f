"""Human output for the terminal (stderr): findings grouped by dataset and file, in French."""

from __future__ import annotations

from itertools import groupby

from pipeline.findings import Report
from pipeline.messages import VISIBLE
from pipeline.numbers_fr import NNBSP, fmt_number
from pipeline.render._shared import left_out_remark, truncation_count, truncation_where

LABEL = {"error": "ERREUR", "warning": "AVERTISSEMENT"}


def _one_line(text: str) -> str:
    """A finding on one line, its control characters visible: whatever a message, a column
    name or a file name holds, it never drives the terminal nor starts a line of GitHub's log
    (where « ::error:: » at a line's start is a workflow command)."""
    return text.translate(VISIBLE)


def render_text(report: Report, *, warnings: bool = True) -> str:
    lines: list[str] = []
    for ds in report.datasets:
        counts = report.counts(ds.name)
        status = "VALIDE" if report.dataset_valid(ds.name) else "INVALIDE"
        rows = fmt_number(ds.total_rows, NNBSP)
        errors, warns = (fmt_number(counts[k], NNBSP) for k in ("error", "warning"))
        lines.append(
            f"{status:9} {ds.name} — {rows} lignes, {errors} erreur(s), {warns} avertissement(s)"
        )
    shown = [f for f in report.sorted_findings() if warnings or f.severity == "error"]
    truncations = [t for t in report.truncations if warnings or t.severity == "error"]
    for (dataset, file), group in groupby(shown, key=lambda f: (f.dataset, f.file or "")):
        lines.append("")
        lines.append(_one_line(f"── {dataset}" + (f" · {file}" if file else "")))
        for f in group:
            where = []
            if f.line is not None:
                where.append(f"ligne {f.line}")
            if f.field:
                where.append(f"champ {f.field}")
            place = (", ".join(where) + " : ") if where else ""
            lines.append(_one_line(f"  {LABEL[f.severity]} [{f.code}] {place}{f.message}"))
        for t in truncations:
            if (t.dataset, t.file or "") == (dataset, file):
                lines.append(f"  … {truncation_where(t)} : {truncation_count(t)}")
    if report.figures:
        lines.append("")
        lines.append("── Chiffres clés : publiés et recalculés")
        for c in report.figures:
            published, recomputed, gap = (
                fmt_number(x, NNBSP) for x in (c.published, c.recomputed, c.gap)
            )
            lines.append(
                f"  {c.verdict.upper():15} {c.figure_id} : publié {published}, "
                f"recalculé {recomputed}, écart {gap} — {c.label}"
            )
    lines.append("")
    if truncations:
        lines.append(left_out_remark(report))
    errors, warns = (fmt_number(report.counts()[k], NNBSP) for k in ("error", "warning"))
    verdict = (
        "Données valides" if report.valid else "Données invalides : corrigez les erreurs ci-dessus"
    )
    lines.append(f"{verdict} ({errors} erreur(s), {warns} avertissement(s)).")
    return "\n".join(lines) + "\n"
