"""The verification of a report's headline figures, published as a resource (``"derive":
{"kind": "figures"}``) and as a README section. The figures are recomputed by the figure
methods of :mod:`pipeline.checks.figures`."""

from __future__ import annotations

from pipeline.checks.figures import evaluate, fmt, fr
from pipeline.derive import Derivation, Derived, options, register_derivation
from pipeline.findings import FigureCheck
from pipeline.markdown import md_text
from pipeline.sql import derive as q

VERDICTS = ("concorde", "écart", "non vérifiable")


@register_derivation
class Verification(Derivation):
    """One row per figure: published and recomputed values, gap, precision, verdict and
    the method, in words."""

    kind = "figures"
    options_schema = options(kind, [])

    def query(self) -> Derived:
        outcomes, _ = evaluate(self.ws, self.dataset)
        columns = ["figure_id", "libelle", "valeur_publiee", "valeur_recalculee", "ecart"]
        columns += ["unite", "precision", "verdict", "methode"]
        rows = [
            (
                c.figure_id,
                c.label,
                fmt(c.published),
                fmt(c.recomputed),
                fmt(c.gap),
                c.unit,
                c.precision,
                c.verdict,
                c.method,
            )
            for c in outcomes
        ]
        return Derived(q.values(columns, rows), columns)


def figures_readme_section(checks: list[FigureCheck], dataset) -> str:
    lines = [
        "## Vérification des chiffres clés",
        "",
        "Chaque chiffre clé est recalculé, quand c'est possible, à partir des données détaillées "
        "publiées par les autres jeux du pipeline (ressource `verification`), dans l'édition "
        "datée dont le rapport a été tiré. Le lien entre un chiffre et son calcul est déclaré "
        f"dans `schemas/{dataset.name}/dataset.json` (clé `figures`), avec la précision du "
        "chiffre publié (exact, arrondi, « environ »). Verdicts :",
        "",
        "* **concorde** : la valeur recalculée est dans la précision du chiffre publié ;",
        "* **écart** : elle en sort (la valeur publiée n'est pas corrigée : l'écart est signalé) ;",
        "* **non vérifiable** : aucune donnée détaillée publiée ne permet de recalculer le "
        "chiffre.",
        "",
        "| Chiffre | Publié | Recalculé | Écart | Précision | Verdict | Méthode |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in checks:
        cells = [
            c.label,
            fr(c.published, c.unit),
            fr(c.recomputed, c.unit),
            fr(c.gap),
            c.precision,
            c.verdict,
            c.method,
        ]
        lines.append("| " + " | ".join(md_text(x) for x in cells) + " |")
    counts = {v: sum(c.verdict == v for c in checks) for v in VERDICTS}
    lines += [
        "",
        f"Bilan : {counts['concorde']} concorde(nt), {counts['écart']} en écart, "
        f"{counts['non vérifiable']} non vérifiable(s).",
        "",
    ]
    return "\n".join(lines)
