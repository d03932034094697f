"""A self-contained French HTML page for a validation report.

The page is meant to be opened from the workflow's artifact, offline: inline CSS only, no
script, no external resource, and a Content-Security-Policy that forbids any load. Every
text coming from a report (messages, cell values, file names, titles) is HTML-escaped: cell
values are data from outside and may contain markup.
"""

from __future__ import annotations

from html import escape
from itertools import groupby

from pipeline.findings import FigureCheck, Finding, Report
from pipeline.numbers_fr import fmt_int, fmt_number, plural
from pipeline.render._shared import dataset_names, left_out_by, left_out_remark

DEFAULT_TITLE = "Rapport de validation des données"

CSS = """
:root { color-scheme: light; --ok: #18753c; --ko: #ce0500; --warn: #b34000; --line: #ddd; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  margin: 0; padding: 1.5rem 2rem 3rem; color: #161616; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; border-bottom: 2px solid #000091; }
h3 { font-size: 1.15rem; margin: 1.6rem 0 .4rem; }
h4 { font-size: 1rem; margin: 1rem 0 .3rem; font-family: ui-monospace, monospace; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left;
  vertical-align: top; }
th { background: #f0f0f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .9em;
  background: #f4f4f4; padding: 0 .2em; white-space: pre-wrap; word-break: break-all; }
.status { display: inline-block; font-weight: 700; padding: .1rem .5rem; border-radius: 3px;
  color: #fff; }
.valide { background: var(--ok); }
.invalide { background: var(--ko); }
tr.error td.sev { color: var(--ko); font-weight: 700; }
tr.warning td.sev { color: var(--warn); font-weight: 700; }
.empty { color: #666; font-style: italic; }
.verdict-concorde { color: var(--ok); font-weight: 700; }
.verdict-ecart { color: var(--warn); font-weight: 700; }
.verdict-nv { color: #666; font-weight: 700; }
td code.code { word-break: normal; white-space: nowrap; }
p.lead { font-size: 1.05rem; }
"""

SEVERITY_LABELS = {"error": "Erreur", "warning": "Avertissement"}


def _status(valid: bool) -> str:
    return (
        '<span class="status valide">VALIDE</span>'
        if valid
        else '<span class="status invalide">INVALIDE</span>'
    )


def _value(value: str | None) -> str:
    if value is None:
        return ""
    if value == "":
        return '<span class="empty">(vide)</span>'
    return f"<code>{escape(value)}</code>"


def _opt(x: object) -> str:
    return "" if x is None else escape(str(x))


def _summary(report: Report) -> list[str]:
    by_name = {d.name: d for d in report.datasets}
    out = [
        '<section id="resume">',
        "<h2>Résumé</h2>",
        "<table>",
        "<thead><tr><th>Jeu de données</th><th>État</th><th>Lignes</th><th>Erreurs</th>"
        "<th>Avertissements</th><th>Fichiers bruts</th></tr></thead>",
        "<tbody>",
    ]
    for name in dataset_names(report):
        ds = by_name.get(name)
        counts = report.counts(name)
        label = f'<a href="#jeu-{escape(name)}">{escape(ds.title if ds and ds.title else name)}</a>'
        rows = fmt_int(ds.total_rows) if ds and ds.rows else "—"
        files = "<br>".join(f"<code>{escape(p)}</code>" for p in (ds.files if ds else []))
        out.append(
            f"<tr><td>{label} <code>{escape(name)}</code></td>"
            f'<td>{_status(report.dataset_valid(name))}</td><td class="num">{rows}</td>'
            f'<td class="num">{fmt_int(counts["error"])}</td>'
            f'<td class="num">{fmt_int(counts["warning"])}</td><td>{files}</td></tr>'
        )
    out += ["</tbody>", "</table>", "</section>"]
    return out


def _figure_cell(x: float | None, unit: str) -> str:
    return escape(fmt_number(x) + (f" {unit}" if x is not None and unit else ""))


def _figure_row(c: FigureCheck) -> str:
    css = {"concorde": "verdict-concorde", "écart": "verdict-ecart"}.get(c.verdict, "verdict-nv")
    return (
        f"<tr><td>{escape(c.label)} <code>{escape(c.figure_id)}</code></td>"
        f'<td class="num">{_figure_cell(c.published, c.unit)}</td>'
        f'<td class="num">{_figure_cell(c.recomputed, c.unit)}</td>'
        f'<td class="num">{_figure_cell(c.gap, c.unit)}</td>'
        f'<td class="{css}">{escape(c.verdict)}</td><td>{escape(c.method)}</td></tr>'
    )


def _figures(report: Report) -> list[str]:
    if not report.figures:
        return []
    return [
        '<section id="chiffres">',
        "<h2>Chiffres clés publiés et recalculés</h2>",
        "<table>",
        "<thead><tr><th>Chiffre</th><th>Publié</th><th>Recalculé</th><th>Écart</th>"
        "<th>Verdict</th><th>Méthode</th></tr></thead>",
        "<tbody>",
        *(_figure_row(c) for c in report.figures),
        "</tbody>",
        "</table>",
        "</section>",
    ]


def _finding_row(f: Finding) -> str:
    return (
        f'<tr class="{f.severity}"><td class="sev">{SEVERITY_LABELS[f.severity]}</td>'
        f'<td class="num">{_opt(f.line)}</td><td class="num">{_opt(f.column)}</td>'
        f'<td>{_opt(f.field)}</td><td><code class="code">{escape(f.code)}</code></td>'
        f"<td>{escape(f.message)}</td><td>{_value(f.value)}</td></tr>"
    )


def _left_out(report: Report) -> list[str]:
    """What the report left out: each check's shown and exact totals, and the remark."""
    if not report.truncated:
        return []
    rows = [
        f"<tr><td><code>{escape(t.dataset)}</code></td><td>{_value(t.file)}</td>"
        f'<td><code class="code">{escape(t.code)}</code></td><td>{_opt(t.field)}</td>'
        f'<td class="num">{fmt_int(t.shown)}</td><td class="num">{fmt_int(t.total)}</td>'
        f'<td class="num">{fmt_int(t.left_out)}</td></tr>'
        for t in report.truncations
    ]
    return [
        '<section id="laisses">',
        "<h2>Constats laissés de côté</h2>",
        f"<p>{escape(left_out_remark(report))}</p>",
        "<table>",
        "<thead><tr><th>Jeu de données</th><th>Fichier</th><th>Code</th><th>Champ</th>"
        "<th>Affichés</th><th>Total</th><th>Laissés de côté</th></tr></thead>",
        "<tbody>",
        *rows,
        "</tbody>",
        "</table>",
        "</section>",
    ]


def _findings(report: Report) -> list[str]:
    by_name = {d.name: d for d in report.datasets}
    left_out = left_out_by(report, lambda t: (t.dataset, t.file))
    out = ['<section id="constats">', "<h2>Constats</h2>"]
    if not report.findings:
        out.append("<p>Aucune erreur ni aucun avertissement.</p>")
    for name in dataset_names(report):
        findings = report.for_dataset(name)
        ds = by_name.get(name)
        title = ds.title if ds and ds.title else name
        out += [
            f'<section class="jeu" id="jeu-{escape(name)}">',
            f"<h3>{escape(title)} <code>{escape(name)}</code> "
            f"{_status(report.dataset_valid(name))}</h3>",
        ]
        if not findings:
            out += ["<p>Aucun constat.</p>", "</section>"]
            continue
        by_file = sorted(findings, key=lambda f: (f.file is None, f.file or "", f.sort_key))
        for file, group in groupby(by_file, key=lambda f: f.file):
            items = list(group)
            heading = escape(file) if file else "Contrôles d'ensemble (sans fichier)"
            count = plural(len(items), "constat", "constats")
            if left_out.get((name, file)):
                total = len(items) + left_out[(name, file)]
                count = f"{fmt_int(len(items))} constats affichés sur {fmt_int(total)}"
            out += [
                f"<h4>{heading} — {count}</h4>",
                "<table>",
                "<thead><tr><th>Gravité</th><th>Ligne</th><th>Colonne</th><th>Champ</th>"
                "<th>Code</th><th>Message</th><th>Valeur en cause</th></tr></thead>",
                "<tbody>",
                *(_finding_row(f) for f in items),
                "</tbody>",
                "</table>",
            ]
        out.append("</section>")
    out.append("</section>")
    return out


def render_html(report: Report, title: str = DEFAULT_TITLE) -> str:
    """The whole page, as one string of HTML5 (UTF-8)."""
    totals = report.counts()
    errors, warnings = totals["error"], totals["warning"]
    lines = [
        "<!DOCTYPE html>",
        '<html lang="fr">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{escape(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="lead">{_status(report.valid)} '
        f"{plural(len(dataset_names(report)), 'jeu de données', 'jeux de données')}, "
        f"{plural(errors, 'erreur', 'erreurs')}, "
        f"{plural(warnings, 'avertissement', 'avertissements')}. "
        "Une erreur bloque la publication ; un avertissement est seulement signalé.</p>",
        "</header>",
        "<main>",
        *_summary(report),
        *_left_out(report),
        *_figures(report),
        *_findings(report),
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(lines) + "\n"
