"""GitHub Actions workflow-command annotations for a validation report.

GitHub keeps at most 10 error and 10 warning annotations per step and drops the rest
without notice. Repeats of one check (same dataset, file, code and field) are therefore
folded into one annotation, and when more than 10 checks fire for one severity the 10th
line summarises the remainder. The full plain list follows in a folded log group, so
nothing is lost from the log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.declarations.problems import DECLARATION_ERROR
from pipeline.findings import Finding, Report
from pipeline.markdown import truncate
from pipeline.numbers_fr import fmt_int
from pipeline.render._shared import (
    ARTIFACT_NAME,
    join_lines,
    left_out_by,
    left_out_remark,
    location,
    truncation_count,
    truncation_where,
)

MAX_PER_SEVERITY = 10  # GitHub's per-step cap for each of ::error and ::warning
VALUE_LIMIT = 120
SUMMARY_CODES_LIMIT = 10


def escape_data(text: str) -> str:
    """Escape a command message exactly as actions/toolkit ``escapeData`` does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property exactly as actions/toolkit ``escapeProperty`` does."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(
    kind: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    col: int | None = None,
    title: str | None = None,
) -> str:
    """One workflow-command line, e.g. ``::error file=a.csv,line=3,title=x::message``."""
    props = [
        (name, value)
        for name, value in (("file", file), ("line", line), ("col", col), ("title", title))
        if value is not None and value != ""
    ]
    head = ",".join(f"{name}={escape_property(str(value))}" for name, value in props)
    return f"::{kind}{' ' + head if head else ''}::{escape_data(message)}"


@dataclass
class _Group:
    """The findings of one check: same dataset, severity, file, code and field."""

    findings: list[Finding]
    left_out: int = 0  # findings of this check the report left out (counted, not kept)

    @property
    def first(self) -> Finding:
        return self.findings[0]

    @property
    def total(self) -> int:
        return len(self.findings) + self.left_out

    def title(self) -> str:
        f = self.first
        title = f"{f.dataset} : {f.code}"
        return f"{title} (colonne {f.field})" if f.field else title

    def message(self) -> str:
        f = self.first
        if self.total == 1:
            return _with_value(f)
        n = self.total
        lines = [x.line for x in self.findings if x.line is not None]
        if f.field:
            head = f"{fmt_int(n)} cellules de la colonne `{f.field}` sont concernées"
        elif lines:
            head = f"{fmt_int(n)} lignes sont concernées"
        else:
            head = f"{fmt_int(n)} constats identiques"
        if f.line is not None:
            head += f", première à la ligne {f.line}"
        text = f"{head} : {_with_value(f)}"
        if lines:
            listed = f" (les {fmt_int(len(self.findings))} premières)" if self.left_out else ""
            text = f"{_sentence(text)} Lignes{listed} : {join_lines(lines)}."
        return text

    def annotation(self) -> str:
        f = self.first
        return command(
            f.severity, self.message(), file=f.file, line=f.line, col=f.column, title=self.title()
        )


def _sentence(text: str) -> str:
    """Close a sentence before appending another one."""
    return text if not text or text[-1] in ".!?…" else text + "."


def _with_value(f: Finding) -> str:
    """The message, then ' Valeur : « abc ».' unless the cell is empty or already quoted."""
    if not f.value or f.value in f.message:
        return f.message
    return f"{_sentence(f.message)} Valeur : « {truncate(f.value, VALUE_LIMIT)} »."


def group_findings(
    findings: Iterable[Finding], left_out: dict[tuple, int] | None = None
) -> list[_Group]:
    """Group repeats of one check, in the order of each group's first finding; groups tied
    to a file come first, since only those show inline in the pull request's diff.
    ``left_out``: findings the report left out, by (dataset, severity, file, code, field)."""
    groups: dict[tuple, _Group] = {}
    for f in findings:
        key: tuple = (f.dataset, f.severity, f.file, f.code, f.field)
        if f.code == DECLARATION_ERROR:  # each mistake annotated on its own line
            key += (f.line, f.check, f.message)
        if key in groups:
            groups[key].findings.append(f)
        else:
            groups[key] = _Group([f], (left_out or {}).get(key, 0))
    return sorted(groups.values(), key=lambda g: g.first.file is None)


def _annotations(kind: str, groups: list[_Group], hint: str) -> list[str]:
    if len(groups) <= MAX_PER_SEVERITY:
        return [g.annotation() for g in groups]
    shown, rest = groups[: MAX_PER_SEVERITY - 1], groups[MAX_PER_SEVERITY - 1 :]
    count = sum(g.total for g in rest)
    codes = [
        "/".join(x for x in (g.first.dataset, g.first.code, g.first.field) if x)
        + f" ({fmt_int(g.total)})"
        for g in rest
    ]
    listed = ", ".join(codes[:SUMMARY_CODES_LIMIT])
    if len(codes) > SUMMARY_CODES_LIMIT:
        listed += f" et {len(codes) - SUMMARY_CODES_LIMIT} autres"
    noun = "erreur" if kind == "error" else "avertissement"
    title = "Autres erreurs" if kind == "error" else "Autres avertissements"
    summary = (
        f"{len(rest)} autres contrôles en {noun} ({fmt_int(count)} constats) "
        f"ne sont pas annotés ici : {listed}. {hint}"
    )
    return [g.annotation() for g in shown] + [command(kind, summary, title=title)]


def plain_line(f: Finding) -> str:
    """One finding on one log line. Newlines in data are shown as ⏎ so that a hostile cell
    can never start a line of its own (and so never a workflow command)."""
    label = "ERREUR" if f.severity == "error" else "AVERTISSEMENT"
    parts = [label, f.dataset]
    if loc := location(f):
        parts.append(loc)
    parts.append(f"[{f.code}]")
    if f.field:
        parts.append(f"colonne {f.field} :")
    parts.append(_with_value(f))
    return _no_newlines(" ".join(parts))


def _no_newlines(text: str) -> str:
    return text.replace("\r\n", "⏎").replace("\r", "⏎").replace("\n", "⏎")


def render_github(report: Report, report_hint: str | None = None, *, full_list: bool = True) -> str:
    """Annotations (at most 10 ``::error`` and 10 ``::warning``), then, when ``full_list``,
    every finding on one plain line inside a folded ``::group::``. ``report_hint`` names
    where the full report is (a URL, or the artifact by default)."""
    hint = (
        f"Voir le rapport complet : {report_hint}"
        if report_hint
        else f"Voir le journal et le rapport complet (artefact « {ARTIFACT_NAME} »)."
    )
    findings = report.sorted_findings()
    left_out = left_out_by(report, lambda t: (t.dataset, t.severity, t.file, t.code, t.field))
    lines = _annotations("error", group_findings(report.errors, left_out), hint)
    lines += _annotations("warning", group_findings(report.warnings, left_out), hint)
    if full_list and findings:
        if report.truncated:
            total = len(findings) + report.truncated
            title = f"Liste des constats ({fmt_int(len(findings))} sur {fmt_int(total)})"
        else:
            title = f"Liste complète des constats ({fmt_int(len(findings))})"
        lines.append(f"::group::{title}")
        lines += [plain_line(f) for f in findings]
        lines += [
            _no_newlines(f"… {truncation_where(t)} : {truncation_count(t)}")
            for t in report.truncations
        ]
        if report.truncated:
            lines.append(left_out_remark(report))
        lines.append("::endgroup::")
    return "\n".join(lines) + "\n" if lines else ""
