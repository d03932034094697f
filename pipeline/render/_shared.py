"""Small helpers shared by the validation-report renderers."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.findings import Finding, Report, Truncation
from pipeline.numbers_fr import fmt_int, plural

ARTIFACT_NAME = "rapport-validation"


def dataset_names(report: Report) -> list[str]:
    """Datasets in report order, then any dataset only named by a finding."""
    names = [d.name for d in report.datasets]
    for f in report.sorted_findings():
        if f.dataset not in names:
            names.append(f.dataset)
    return names


def location(f: Finding) -> str:
    """'data/raw/x.csv:14:3' style location, or '' when the finding has no file."""
    if not f.file:
        return ""
    parts = [f.file]
    if f.line is not None:
        parts.append(str(f.line))
        if f.column is not None:
            parts.append(str(f.column))
    return ":".join(parts)


def join_lines(numbers: Iterable[int], limit: int = 20) -> str:
    """'14, 18, 21 et 7 autres' (distinct, ascending, capped)."""
    distinct = sorted(set(numbers))
    shown = ", ".join(str(n) for n in distinct[:limit])
    rest = len(distinct) - limit
    return f"{shown} et {rest} autres" if rest > 0 else shown


def truncation_where(t: Truncation) -> str:
    """'mini · data/raw/mini.csv · primary-key-error, champ id'."""
    parts = [t.dataset, *([t.file] if t.file else []), t.code]
    text = " · ".join(parts)
    if t.check and t.check != t.code:
        text += f" ({t.check})"
    return text + (f", champ {t.field}" if t.field else "")


def truncation_count(t: Truncation) -> str:
    """'1 000 affichés sur 4 999 (3 999 laissés de côté)'."""
    return (
        f"{fmt_int(t.shown)} affichés sur {fmt_int(t.total)} "
        f"({fmt_int(t.left_out)} laissés de côté)"
    )


def left_out_remark(report: Report) -> str:
    """The one sentence every renderer gives when findings were left out ('' otherwise)."""
    if not report.truncated:
        return ""
    return (
        f"{plural(report.truncated, 'constat laissé', 'constats laissés')} de côté : le rapport "
        f"garde au plus {fmt_int(report.limit or 0)} constats par contrôle et par fichier "
        "(les totaux sont exacts). Pour les voir tous : --max-findings 0 ; pour en voir "
        "N : --max-findings N."
    )


def left_out_by(report: Report, key) -> dict[tuple, int]:
    """Findings left out, added up by ``key(truncation)``."""
    out: dict[tuple, int] = {}
    for t in report.truncations:
        out[key(t)] = out.get(key(t), 0) + t.left_out
    return out
