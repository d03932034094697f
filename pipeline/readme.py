"""The package README, in French: what the package holds, its data dictionary, provenance
and the validation warnings. data.gouv.fr shows it as the dataset description: what quotes
the data (warnings, examples, constraints) goes through :mod:`pipeline.markdown`."""

from __future__ import annotations

from pipeline import vintages
from pipeline.catalog import Dataset
from pipeline.findings import Finding
from pipeline.markdown import md_code, md_text
from pipeline.package import external_keys

TYPES_README = {
    "string": "texte",
    "integer": "entier",
    "number": "nombre",
    "date": "date (AAAA-MM-JJ)",
    "boolean": "booléen",
    "year": "année",
    "datetime": "date et heure",
    "time": "heure (hh:mm:ss)",
    "yearmonth": "mois (AAAA-MM)",
    "duration": "durée ISO 8601",
    "object": "objet JSON",
    "array": "tableau JSON",
    "list": "liste",
    "geopoint": "point (longitude, latitude)",
    "geojson": "géométrie GeoJSON",
    "any": "valeur quelconque",
}


def _constraints(fdesc: dict) -> str:
    c = fdesc.get("constraints", {})
    parts = []
    if c.get("required"):
        parts.append("obligatoire")
    if c.get("unique"):
        parts.append("unique")
    if "pattern" in c:
        parts.append(f"motif {md_code(c['pattern'], None)}")
    if "enum" in c:
        parts.append("valeurs : " + ", ".join(md_code(str(v), None) for v in c["enum"]))
    for key, label in (
        ("minimum", "min."),
        ("maximum", "max."),
        ("minLength", "long. min."),
        ("maxLength", "long. max."),
    ):
        if key in c:
            parts.append(f"{label} {c[key]}")
    return "; ".join(parts)


def _key_line(fk: dict, resource: str) -> str:
    """A foreign key as a README list item; a key to its own table (``"resource": ""``) names it."""

    def names(fields: str | list[str]) -> str:
        return fields if isinstance(fields, str) else ", ".join(fields)

    ref = fk["reference"]
    return f"- `{names(fk['fields'])}` → `{ref.get('resource') or resource}.{names(ref['fields'])}`"


SPREADSHEET_WARNING = (
    "**Attention si vous ouvrez le CSV dans un tableur** : des cellules commencent par `=`, `+`, "
    "`-` ou `@` (voir les avertissements ci-dessus) et un tableur peut les exécuter "
    "comme des formules. Importez plutôt le fichier comme données texte (colonnes au format "
    "Texte), ou lisez-le avec pandas ou frictionless : les valeurs sont publiées telles que la "
    "source les donne."
)


def readme(
    ds: Dataset,
    version: str,
    descriptor: dict,
    warnings: list[Finding],
    extra_sections: list[str] | None = None,
    rows: dict[str, int] | None = None,
    lead: list[str] | None = None,
    warning_total: int | None = None,
) -> str:
    """The package README. ``lead``: lines shown first (the picture); ``warnings`` are those
    the report kept; ``warning_total`` counts those it left out too."""
    meta = ds.meta
    local = {r.name for r in ds.resources}
    lines = [
        f"# {meta['title']}",
        "",
        *(lead or []),
        meta["description"],
        "",
        f"- Version du paquet : **{version}**",
        f"- Licence : {', '.join(lic.get('title', lic['name']) for lic in meta['licenses'])}",
        f"- Producteur : {', '.join(c['title'] for c in meta.get('contributors', []))}",
    ]
    temporal = vintages.temporal(ds)
    if temporal:
        lines.append(
            f"- Couverture temporelle : {temporal.get('start') or '?'} → {temporal.get('end') or 'en cours'}"
        )
    if meta.get("frequency"):
        lines.append(f"- Fréquence de mise à jour : {meta['frequency']}")
    if ds.cog:
        lines.append(f"- Géographie : Code officiel géographique (COG) {ds.cog}")
    lines += ["", "## Fichiers", ""]
    lines += ["| fichier | format | lignes | octets | sha256 |", "|---|---|---|---|---|"]
    for entry in descriptor["resources"]:
        count = (rows or {}).get(entry["path"], "")
        lines.append(
            f"| `{entry['path']}` | {entry['format']} | {count} | {entry['bytes']} | `{entry['hash'][7:]}` |"
        )
    lines += [
        "",
        "Les fichiers CSV sont en UTF-8 sans BOM, séparateur virgule, guillemets doubles, fins de "
        "ligne `\\n`, point décimal, dates ISO 8601, triés par clé primaire. Le fichier JSON "
        "contient les mêmes lignes sous forme d'objets.",
        "",
    ]
    for res in ds.resources:
        lines += [f"## Dictionnaire des données : `{res.name}`", "", res.description, ""]
        pk = ", ".join(res.primary_key)
        if pk:
            lines += [f"Clé primaire : `{pk}`.", ""]
        lines += ["| champ | type | description | exemple | contraintes |", "|---|---|---|---|---|"]
        for fdesc in res.schema["fields"]:
            lines.append(
                f"| `{fdesc['name']}` | {TYPES_README.get(fdesc.get('type', 'string'), fdesc.get('type'))} | "
                f"{md_text(fdesc.get('description', ''))} | {md_code(str(fdesc.get('example', '')), None)} | {_constraints(fdesc)} |"
            )
        ext = external_keys(res, local)
        inner = [fk for fk in res.schema.get("foreignKeys", []) if fk not in ext]
        for keys, title in (
            (inner, "Clés étrangères vers une table du paquet (vérifiées par `frictionless "
             "validate` et `pipeline verify`) :"),
            (ext, "Références vérifiées par le pipeline (non incluses dans le paquet) :"),
        ):  # fmt: skip
            if keys:
                lines += ["", title, "", *(_key_line(fk, res.name) for fk in keys)]
        lines.append("")
    lines += ["## Provenance", ""]
    for src in meta.get("sources", []):
        path = src.get("path")
        lines.append(f"- {src['title']}" + (f" : <{path}>" if path else ""))
    lines += vintages.provenance_lines(ds)
    lines.append("")
    for section in extra_sections or []:
        lines += [section.rstrip(), ""]
    lines += ["## Avertissements de validation", ""]
    if warnings:
        total = max(warning_total or 0, len(warnings))
        listed = f" ; les {len(warnings)} premiers sont listés" if total > len(warnings) else ""
        lines.append(
            f"La validation a relevé {total} avertissement(s), publiés tels quels : les "
            f"données ne sont jamais corrigées pour faire passer un contrôle{listed}."
        )
        lines += ["", "| fichier | ligne | champ | message |", "|---|---|---|---|"]
        for w in warnings:
            where = md_code(w.file, None) if w.file else "—"
            field = md_text(w.field or "")
            lines.append(f"| {where} | {w.line or ''} | {field} | {md_text(w.message)} |")
        if any(w.code == "formula-injection" for w in warnings):
            lines += ["", SPREADSHEET_WARNING]
    else:
        lines.append("Aucun avertissement.")
    first = ds.resources[0].name
    lines += [
        "",
        "## Utiliser ce paquet",
        "",
        "Avec pandas :",
        "",
        "```python",
        "import pandas as pd",
        "# dtype=str garde les zéros des codes INSEE ; keep_default_na=False garde un texte",
        "# « NA », « None » ou « null » tel quel : seule une cellule vide est une valeur nulle",
        f'df = pd.read_csv("{first}.csv", dtype=str, keep_default_na=False, na_values=[""])',
        "```",
        "",
        "Avec frictionless (vérifie aussi les empreintes et le schéma) :",
        "",
        "```bash",
        "frictionless validate datapackage.json",
        "```",
        "",
        "```python",
        "from frictionless import Package",
        'package = Package("datapackage.json")',
        f'rows = package.get_resource("{first}").read_rows()',
        "```",
        "",
    ]
    return "\n".join(lines)
