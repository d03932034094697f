"""Headline figures recomputed from detail data. The links are declared in the dataset's
``dataset.json`` under ``figures`` (never in code); each item names a figure ``id`` of the
figures resource and a ``method``:

* ``row-count`` (``resource``), ``distinct-count`` (``resource``, ``field``),
  ``filtered-count`` (``resource``, ``where``: list of ``{field, op, value}``);
* ``sum`` (``parts``: a list of the above, added up);
* ``coverage-share`` (``resource``: the coverage table, percentage of rows whose ``field``
  is above 0) and ``coverage-population`` (sum of ``population`` over those rows, divided by
  ``scale``);
* ``none``: no detail data, the figure is listed as « non vérifiable ».

``tolerance`` is ``{"absolute": x}`` or ``{"relative": r}`` (share of the published value),
``severity`` the severity of the finding a non-concordant figure yields (warning by
default), ``methode`` a French description of the computation."""

from __future__ import annotations

import pandas as pd

from pipeline.catalog import Dataset, ResourceDecl
from pipeline.coverage import where
from pipeline.errors import ConfigError, DependencyInvalid
from pipeline.findings import FigureCheck, Finding
from pipeline.markdown import md_text
from pipeline.messages import message
from pipeline.numbers_fr import NNBSP, fmt_number

VERDICTS = ("concorde", "écart", "non vérifiable")


def _text(ws, resource: str) -> pd.DataFrame:
    return ws.text_of(resource)  # DependencyInvalid when the resource is unreadable


def compute(ws, spec: dict) -> float | None:
    method = spec.get("method")
    if method == "none":
        return None
    if method == "sum":
        values = [compute(ws, part) for part in spec["parts"]]
        return None if any(v is None for v in values) else float(sum(values))
    frame = _text(ws, spec["resource"])
    if method == "row-count":
        return float(len(frame))
    if method == "distinct-count":
        col = frame[spec["field"]]
        return float(col[col != ""].nunique())
    if method == "filtered-count":
        return float(where(frame, spec["where"]).sum())
    if method in ("coverage-share", "coverage-population"):
        covered = pd.to_numeric(frame[spec.get("field", "nb_programmes")]).gt(0)
        if method == "coverage-share":
            return round(100 * covered.sum() / len(frame), 2) if len(frame) else None
        pop = pd.to_numeric(frame[spec.get("population", "population")], errors="coerce")
        return round(float(pop[covered].sum()) / float(spec.get("scale", 1)), 2)
    raise ConfigError(
        f"Méthode de calcul inconnue « {method} » pour le chiffre « {spec.get('id')} ». Méthodes "
        "disponibles : row-count, distinct-count, filtered-count, sum, coverage-share, "
        "coverage-population, none."
    )


def missing_resources(ws, spec: dict) -> list[str]:
    """Detail resources the figure needs that this repository does not declare."""
    if spec.get("method") == "sum":
        return [r for part in spec["parts"] for r in missing_resources(ws, part)]
    name = spec.get("resource")
    known = {r.name for ds in ws.catalog.datasets.values() for r in ds.resources}
    return [name] if name and name not in known else []


def tolerance(spec: dict, published: float) -> float:
    tol = spec.get("tolerance", 0)
    if isinstance(tol, dict):
        if "relative" in tol:
            return abs(published) * float(tol["relative"])
        return float(tol.get("absolute", 0))
    return float(tol)


def verdict(published: float | None, recomputed: float | None, tol: float) -> str:
    if published is None or recomputed is None:
        return "non vérifiable"
    return "concorde" if abs(recomputed - published) <= tol + 1e-9 else "écart"


def fmt(value: float | None) -> str:
    """Machine-readable value for the published CSV: decimal point, no thousands separator
    (2705, 60.81); '' for None."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def fr(value: float | None, unit: str = "", sign: bool = False) -> str:
    """French display for messages and the README: decimal comma, narrow no-break space between
    thousands (« 60,81 % », « 2 705 structures »); '—' for None. ``sign`` puts a '+' before a
    positive value."""
    if value is None:
        return "—"
    text = ("+" if sign and value > 0 else "") + fmt_number(value, NNBSP)
    return f"{text} {unit}" if unit else text


def _published(ws, dataset: Dataset) -> pd.DataFrame:
    spec = dataset.meta.get("figures_source", {})
    resource = spec.get("resource", dataset.resources[0].name)
    frame = _text(ws, resource)
    return frame.set_index(spec.get("id", "id"))


def figure_checks(
    ws, dataset: Dataset, blocked: dict[str, DependencyInvalid] | None = None
) -> list[FigureCheck]:
    """The figures compared with their recomputed values. A figure whose detail data is
    unreadable is « non vérifiable »; ``blocked`` collects why, by figure id."""
    table = _published(ws, dataset)
    checks = []
    for spec in dataset.meta.get("figures", []):
        fid = spec["id"]
        if fid not in table.index:
            raise ConfigError(
                f"{dataset.folder / 'dataset.json'} : chiffre « {fid} » absent des chiffres clés."
            )
        row = table.loc[fid]
        published = float(row["valeur"]) if row["valeur"] != "" else None
        method = spec.get("methode", spec.get("method", ""))
        missing = missing_resources(ws, spec)
        if missing:
            recomputed = None
            method += f" (données détaillées absentes de ce dépôt : {', '.join(missing)})"
        else:
            try:
                recomputed = compute(ws, spec)
            except DependencyInvalid as exc:
                recomputed = None
                method = exc.message
                if blocked is not None:
                    blocked[fid] = exc
        gap = None if published is None or recomputed is None else recomputed - published
        tol = tolerance(spec, published or 0.0)
        checks.append(
            FigureCheck(
                figure_id=fid,
                label=row["libelle"],
                published=published,
                recomputed=recomputed,
                gap=None if gap is None else round(gap, 2),
                verdict=verdict(published, recomputed, tol),  # type: ignore[arg-type]
                unit=row.get("unite", ""),
                method=method,
                severity=spec.get("severity", "warning"),
            )
        )
    return checks


def check_figures(ws, dataset: Dataset) -> tuple[list[FigureCheck], list[Finding]]:
    from pipeline.tables import dependency_finding

    blocked: dict[str, DependencyInvalid] = {}
    try:
        checks = figure_checks(ws, dataset, blocked)
    except DependencyInvalid:
        return [], []  # the figures file itself is unreadable: its own findings say why
    findings = []
    for c in checks:
        if c.figure_id in blocked:
            what = f"Chiffre clé « {c.label} »"
            findings.append(
                dependency_finding(dataset.name, blocked[c.figure_id], c.figure_id, what, "valeur")
            )
            continue
        if c.verdict == "concorde":
            continue
        code = "figure-gap" if c.verdict == "écart" else "figure-unverifiable"
        findings.append(
            Finding(
                dataset=dataset.name,
                severity=c.severity,
                code=code,
                check=c.figure_id,
                message=message(
                    code,
                    label=c.label,
                    published=fr(c.published, c.unit),
                    recomputed=fr(c.recomputed, c.unit),
                    method=c.method,
                    gap=fr(c.gap, c.unit, sign=True),
                ),
                field="valeur",
                value=fmt(c.published),
            )
        )
    return checks, findings


def verification_table(ws, dataset: Dataset, res: ResourceDecl, spec: dict) -> pd.DataFrame:
    rows = [
        {
            "figure_id": c.figure_id,
            "libelle": c.label,
            "valeur_publiee": fmt(c.published),
            "valeur_recalculee": fmt(c.recomputed),
            "ecart": fmt(c.gap),
            "unite": c.unit,
            "verdict": c.verdict,
            "methode": c.method,
        }
        for c in figure_checks(ws, dataset)
    ]
    frame = pd.DataFrame(rows, columns=res.field_names)
    return frame.astype(str)


def figures_readme_section(checks: list[FigureCheck], dataset: Dataset) -> str:
    lines = [
        "## Vérification des chiffres clés",
        "",
        "Chaque chiffre clé est recalculé, quand c'est possible, à partir des données détaillées "
        "publiées par les autres jeux du pipeline (ressource `verification`). Le lien entre un "
        f"chiffre et son calcul est déclaré dans `schemas/{dataset.name}/dataset.json` "
        "(clé `figures`), avec une tolérance. Verdicts :",
        "",
        "* **concorde** : l'écart entre la valeur publiée et la valeur recalculée est dans la "
        "tolérance ;",
        "* **écart** : l'écart dépasse la tolérance (la valeur publiée n'est pas corrigée : "
        "l'écart est signalé) ;",
        "* **non vérifiable** : aucune donnée détaillée publiée ne permet de recalculer le "
        "chiffre.",
        "",
        "| Chiffre | Publié | Recalculé | Écart | Verdict | Méthode |",
        "|---|---|---|---|---|---|",
    ]
    for c in checks:
        cells = [
            c.label,
            fr(c.published, c.unit),
            fr(c.recomputed, c.unit),
            fr(c.gap),
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


KINDS = {"figures": verification_table}
