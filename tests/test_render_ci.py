"""Exact output of the CI renderers (GitHub annotations, Markdown summary, HTML page) on
hand-made reports."""

from __future__ import annotations

from pipeline.findings import DatasetResult, FigureCheck, Finding, Report
from pipeline.render.github import escape_data, escape_property, render_github
from pipeline.render.html import render_html
from pipeline.render.markdown import md_code, md_text, render_markdown
from pipeline.render.text import render_text

FS = "data/raw/anct_france_services_20240801.csv"
VA = "data/raw/anct_villages_avenir_communes_20240112.csv"
NB = "\u00a0"  # French thousands separator


def err(line: int, field: str = "latitude", value: str = "abc", **kw) -> Finding:
    base = dict(
        dataset="france-services",
        severity="error",
        code="type-error",
        message=f"La valeur « {value} » n'est pas un nombre décimal.",
        file=FS,
        line=line,
        column=9,
        field=field,
        value=value,
    )
    return Finding(**{**base, **kw})


def warn(line: int, commune: str, **kw) -> Finding:
    base = dict(
        dataset="villages-d-avenir",
        severity="warning",
        code="population-max",
        message=f"La commune {commune} compte 4 012 habitants (seuil : moins de 3 500).",
        file=VA,
        line=line,
        column=1,
        field="insee_com",
        value=commune,
    )
    return Finding(**{**base, **kw})


# --- GitHub annotations -------------------------------------------------------------------


def test_escaping_matches_actions_toolkit() -> None:
    assert escape_data("100% faux\r\nligne 2") == "100%25 faux%0D%0Aligne 2"
    assert escape_property("montant: 12,5 invalide") == "montant%3A 12%2C5 invalide"
    # '%' first, so an already-escaped-looking text is escaped once more, not decoded
    assert escape_property("%3A,%0A") == "%253A%2C%250A"
    assert escape_data("a:b,c") == "a:b,c"  # messages keep ':' and ','


def test_one_finding_gives_one_annotation_with_escaped_properties() -> None:
    finding = err(14, file="data/raw/a,b:c.csv", message="Valeur: 100% fausse\nà corriger")
    out = render_github(Report([finding]), full_list=False)
    assert out == (
        "::error file=data/raw/a%2Cb%3Ac.csv,line=14,col=9,"
        "title=france-services %3A type-error (colonne latitude)"
        "::Valeur: 100%25 fausse%0Aà corriger. Valeur : « abc ».\n"
    )


def test_finding_without_file_or_line_has_no_such_property() -> None:
    finding = Finding("chiffres-cles-2023", "warning", "figure-gap", "Écart de 145 sites.")
    out = render_github(Report([finding]), full_list=False)
    assert out == "::warning title=chiffres-cles-2023 %3A figure-gap::Écart de 145 sites.\n"


def test_repeats_of_one_check_are_grouped_into_one_annotation() -> None:
    findings = [err(14 + 2 * i, value=f"x{i}") for i in range(23)]
    findings.append(err(90, field="longitude", value="y"))
    out = render_github(Report(findings), full_list=False)
    assert out.splitlines() == [
        f"::error file={FS},line=14,col=9,title=france-services %3A type-error (colonne latitude)"
        "::23 cellules de la colonne `latitude` sont concernées, première à la ligne 14 : "
        "La valeur « x0 » n'est pas un nombre décimal. Lignes : 14, 16, 18, 20, 22, 24, 26, "
        "28, 30, 32, 34, 36, 38, 40, 42, 44, 46, 48, 50, 52 et 3 autres.",
        f"::error file={FS},line=90,col=9,title=france-services %3A type-error "
        "(colonne longitude)::La valeur « y » n'est pas un nombre décimal.",
    ]


def test_caps_keep_ten_errors_and_ten_warnings_the_last_summarising() -> None:
    errors = [err(10 + i, field=f"champ{i:02}") for i in range(12)]
    errors += [err(50 + i, field="champ11") for i in range(3)]  # 4 findings for champ11
    warnings = [warn(100 + i, f"0100{i}", code=f"regle-{i:02}") for i in range(11)]
    out = render_github(Report(errors + warnings), report_hint="https://example.org/run/1")
    lines = out.splitlines()
    annotations = [line for line in lines if line.startswith(("::error", "::warning"))]
    assert sum(a.startswith("::error ") for a in annotations) == 10
    assert sum(a.startswith("::warning ") for a in annotations) == 10
    assert annotations[8].startswith(f"::error file={FS},line=18,col=9,")
    assert annotations[9] == (
        "::error title=Autres erreurs::3 autres contrôles en erreur (6 constats) ne sont pas "
        "annotés ici : france-services/type-error/champ09 (1), "
        "france-services/type-error/champ10 (1), france-services/type-error/champ11 (4). "
        "Voir le rapport complet : https://example.org/run/1"
    )
    assert annotations[19] == (
        "::warning title=Autres avertissements::2 autres contrôles en avertissement "
        "(2 constats) ne sont pas annotés ici : villages-d-avenir/regle-09/insee_com (1), "
        "villages-d-avenir/regle-10/insee_com (1). Voir le rapport complet : "
        "https://example.org/run/1"
    )
    # the full plain list follows, folded, with every finding
    start = lines.index("::group::Liste complète des constats (26)")
    assert lines[-1] == "::endgroup::"
    assert len(lines) - start - 2 == 26
    assert lines[start + 1] == (
        f"ERREUR france-services {FS}:10:9 [type-error] colonne champ00 : "
        "La valeur « abc » n'est pas un nombre décimal."
    )


def test_default_hint_names_the_artifact() -> None:
    errors = [err(i, field=f"c{i:02}") for i in range(11)]
    last = render_github(Report(errors), full_list=False).splitlines()[-1]
    assert last.endswith("Voir le journal et le rapport complet (artefact « rapport-validation »).")


def test_files_come_before_findings_without_file_when_capped() -> None:
    global_checks = [
        Finding("france-services", "error", f"global-{i:02}", "Contrôle global en échec.")
        for i in range(10)
    ]
    out = render_github(Report([*global_checks, err(14)]), full_list=False).splitlines()
    assert out[0].startswith(f"::error file={FS},line=14,")


def test_a_hostile_cell_cannot_start_a_workflow_command() -> None:
    value = "1\n::error file=x.csv::faux\r::add-mask::secret"
    out = render_github(Report([err(14, value=value, message="Valeur invalide.")]))
    commands = [line for line in out.splitlines() if line.lstrip().startswith("::")]
    assert commands == [
        f"::error file={FS},line=14,col=9,title=france-services %3A type-error "
        "(colonne latitude)::Valeur invalide. Valeur : « 1%0A::error file=x.csv::faux"
        "%0D::add-mask::secret ».",
        "::group::Liste complète des constats (1)",
        "::endgroup::",
    ]
    assert (
        f"ERREUR france-services {FS}:14:9 [type-error] colonne latitude : Valeur invalide. "
        "Valeur : « 1⏎::error file=x.csv::faux⏎::add-mask::secret »."
    ) in out.splitlines()


def test_the_text_report_keeps_each_finding_on_one_line_whatever_it_holds() -> None:
    """The text report is the GitHub log too (under GITHUB_ACTIONS): a message, a column
    name or a file name holding a line break or a terminal control is shown on its line."""
    finding = err(
        3,
        field="rem\n::error::colonne",
        message="Adresse « a\r\n::error file=x::message » \x1b[31mmal formée.",
        file="data/raw/x\n::warning::fichier.csv",
    )
    out = render_text(Report([finding]))
    assert out.splitlines()[1:3] == [
        "── france-services · data/raw/x ::warning::fichier.csv",
        "  ERREUR [type-error] ligne 3, champ rem ::error::colonne : Adresse « a  ::error "
        "file=x::message » ␛[31mmal formée.",
    ]


def test_empty_report_gives_no_output() -> None:
    assert render_github(Report()) == ""


# --- Markdown summary ---------------------------------------------------------------------


def summary_report() -> Report:
    return Report(
        findings=[err(14, value="1|5 `x`"), warn(240, "2A004"), warn(12, "01036")],
        datasets=[
            DatasetResult("france-services", "France Services", {"sites": 2845}, [FS]),
            DatasetResult("villages-d-avenir", "Villages d'avenir", {"communes": 2458}, [VA]),
        ],
        figures=[
            FigureCheck(
                figure_id="france-services",
                label="France Services labellisées",
                published=2700,
                recomputed=2845,
                gap=145,
                verdict="écart",
                unit="sites",
                method="nombre de lignes",
            ),
            FigureCheck(
                figure_id="credits-ingenierie",
                label="Crédits d'ingénierie",
                published=19.5,
                recomputed=None,
                gap=None,
                verdict="non vérifiable",
                unit="M€",
            ),
        ],
    )


def test_markdown_summary_exact() -> None:
    assert (
        render_markdown(summary_report())
        == f"""\
## Validation des données : ❌ INVALIDE

2 jeux de données, 1 erreur, 2 avertissements.

| Jeu de données | État | Lignes | Erreurs | Avertissements |
|---|---|--:|--:|--:|
| France Services (`france-services`) | ❌ INVALIDE | 2{NB}845 | 1 | 0 |
| Villages d'avenir (`villages-d-avenir`) | ✅ VALIDE | 2{NB}458 | 0 | 2 |

### Erreurs (1)

| Jeu de données | Fichier | Ligne | Champ | Message | Valeur |
|---|---|--:|---|---|---|
| `france-services` | `{FS}` | 14 | `latitude` | La valeur « 1\\|5 `x` » n'est pas un nombre décimal. | `` 1\\|5 `x` `` |

### Avertissements (2)

| Jeu de données | Fichier | Ligne | Champ | Message | Valeur |
|---|---|--:|---|---|---|
| `villages-d-avenir` | `{VA}` | 12 | `insee_com` | La commune 01036 compte 4 012 habitants (seuil : moins de 3 500). | `01036` |
| `villages-d-avenir` | `{VA}` | 240 | `insee_com` | La commune 2A004 compte 4 012 habitants (seuil : moins de 3 500). | `2A004` |

### Chiffres clés publiés et recalculés

| Chiffre | Publié | Recalculé | Écart | Verdict | Méthode |
|---|--:|--:|--:|---|---|
| France Services labellisées (`france-services`) | 2{NB}700 sites | 2{NB}845 sites | 145 sites | ⚠️ écart | nombre de lignes |
| Crédits d'ingénierie (`credits-ingenierie`) | 19,5 M€ | — | — | ❔ non vérifiable |  |

### Rapport complet

Le rapport complet (JSON et HTML, avec chaque valeur en cause) est joint au workflow : artefact `rapport-validation`, en bas de la page de l'exécution.
"""
    )


def test_markdown_cells_escape_pipes_newlines_html_and_truncate() -> None:
    assert md_text("a | b\nc <img src=x> & d") == "a \\| b c &lt;img src=x&gt; &amp; d"
    assert md_code("x|y\r\nz") == "`x\\|y z`"
    assert md_code("``a`") == "``` ``a` ```"
    assert md_code("") == "*(vide)*"
    assert md_code(None) == ""
    assert md_code("é" * 100) == "`" + "é" * 79 + "…`"


def test_markdown_points_to_the_report_url_and_says_valid() -> None:
    report = Report(datasets=[DatasetResult("chiffres-cles-2023", "Chiffres clés", {"c": 11})])
    out = render_markdown(report, report_url="https://github.com/o/r/actions/runs/7")
    assert out.startswith("## Validation des données : ✅ VALIDE\n\n1 jeu de données, 0 erreur")
    assert "\nAucune erreur ni aucun avertissement.\n" in out
    assert "### Chiffres clés" not in out
    assert out.endswith(
        "Le rapport complet (JSON et HTML) : [https://github.com/o/r/actions/runs/7]"
        "(https://github.com/o/r/actions/runs/7).\n"
    )


def test_markdown_caps_rows_per_severity() -> None:
    report = Report([err(10 + i) for i in range(7)])
    out = render_markdown(report, max_rows=3)
    assert out.count(f"| `france-services` | `{FS}` |") == 3
    assert (
        "> Liste tronquée : 3 sur 7 affichés ici ; le rapport complet les contient tous."
    ) in out


def test_markdown_is_truncated_under_max_bytes() -> None:
    report = Report([err(10 + i, value="v" * 60) for i in range(20_000)])
    out = render_markdown(report, max_bytes=50_000)
    size = len(out.encode("utf-8"))
    assert 45_000 < size <= 50_000
    rows = out.count(f"| `france-services` | `{FS}` |")
    assert 0 < rows < 500
    assert (
        f"> Liste tronquée (limite de taille de GitHub) : {rows} sur 20{NB}000 affichés ici ; "
        "le rapport complet les contient tous."
    ) in out
    assert out.endswith("en bas de la page de l'exécution.\n")


def test_markdown_default_limit_stays_under_githubs_1_mib() -> None:
    report = Report([err(10 + i, value="v" * 80, field=f"f{i}") for i in range(5_000)])
    out = render_markdown(report, max_rows=100_000)
    assert len(out.encode("utf-8")) <= 1_000_000 < 1024 * 1024


# --- HTML page ----------------------------------------------------------------------------


def test_html_escapes_every_report_text() -> None:
    hostile = "<script>alert('x')</script>"
    report = Report(
        findings=[err(14, value=hostile, message=f"Valeur {hostile} & co", field="<b>f</b>")],
        datasets=[DatasetResult("france-services", '<i>"FS"</i>', {"s": 1}, [FS])],
    )
    page = render_html(report, title="Rapport <test>")
    assert "<script" not in page
    assert "<b>f</b>" not in page and "<i>" not in page
    assert "<title>Rapport &lt;test&gt;</title>" in page
    assert (
        '<tr class="error"><td class="sev">Erreur</td><td class="num">14</td>'
        '<td class="num">9</td><td>&lt;b&gt;f&lt;/b&gt;</td>'
        '<td><code class="code">type-error</code></td>'
        "<td>Valeur &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co</td>"
        "<td><code>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</code></td></tr>"
    ) in page
    assert '<a href="#jeu-france-services">&lt;i&gt;&quot;FS&quot;&lt;/i&gt;</a>' in page


def test_html_groups_by_dataset_then_file_and_is_self_contained() -> None:
    report = summary_report()
    report.extend([Finding("villages-d-avenir", "warning", "global", "Contrôle d'ensemble.")])
    page = render_html(report)
    order = [
        '<section class="jeu" id="jeu-france-services">',
        f"<h4>{FS} — 1 constat</h4>",
        '<section class="jeu" id="jeu-villages-d-avenir">',
        f"<h4>{VA} — 2 constats</h4>",
        '<td class="num">12</td>',
        '<td class="num">240</td>',
        "<h4>Contrôles d'ensemble (sans fichier) — 1 constat</h4>",
    ]
    positions = [page.index(fragment) for fragment in order]
    assert positions == sorted(positions)
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'' in page
    assert "http://" not in page and "https://" not in page and "url(" not in page
    assert '<td class="verdict-nv">non vérifiable</td>' in page
    assert '<td class="num">19,5 M€</td>' in page
    assert page.startswith('<!DOCTYPE html>\n<html lang="fr">\n')
