"""Small helpers shared by the CI renderers: French numbers, plurals, one-line cell text."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.findings import Finding, Report

NBSP = "\u00a0"
ARTIFACT_NAME = "rapport-validation"


NNBSP = "\u202f"  # narrow no-break space, the French typographic thousands separator


def fmt_int(n: int, sep: str = NBSP) -> str:
    """French thousands separator (no-break space by default): 2458 -> '2 458'."""
    return f"{n:,}".replace(",", sep)


def fmt_number(x: float | None, sep: str = NBSP) -> str:
    """French decimal comma, at most two decimals, integers without decimals; None -> '—'."""
    if x is None:
        return "—"
    if float(x).is_integer():
        return fmt_int(int(x), sep)
    whole, _, frac = f"{x:,.2f}".rstrip("0").rstrip(".").partition(".")
    return whole.replace(",", sep) + ("," + frac if frac else "")


def plural(n: int, singular: str, plural_form: str) -> str:
    """French agreement: 0 and 1 take the singular."""
    return f"{fmt_int(n)} {singular if abs(n) <= 1 else plural_form}"


def one_line(text: str) -> str:
    """Newlines (CR, LF, CRLF) become single spaces."""
    return " ".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def truncate(text: str, limit: int) -> str:
    """At most ``limit`` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
