"""Write one data package: normalised CSV and JSON per resource, ``datapackage.json`` and a
README with the data dictionary. Pure functions of their inputs: the same tables give the same
bytes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math

import pandas as pd

from pipeline import vintages
from pipeline.catalog import Dataset, ResourceDecl
from pipeline.findings import Finding
from pipeline.markdown import md_code, md_text

TYPES_README = {
    "string": "texte",
    "integer": "entier",
    "number": "nombre",
    "date": "date (AAAA-MM-JJ)",
    "boolean": "booléen",
    "year": "année",
    "datetime": "date et heure",
}


def sorted_text(
    text: pd.DataFrame, res: ResourceDecl, typed: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows in primary-key order (numbers compared as numbers), fields in schema order."""
    fields = res.field_names
    pk = res.primary_key or fields[:1]
    keys = []
    for name in pk:
        ftype = next(f.get("type", "string") for f in res.schema["fields"] if f["name"] == name)
        if ftype in ("integer", "number", "year"):
            keys.append(typed[name].astype("float64"))
        elif text[name].str.fullmatch(r"\d{1,15}").all():
            keys.append(text[name].astype("int64"))  # identifiers made of digits: 2 before 10
        else:
            keys.append(text[name])
    order = pd.DataFrame({f"k{i}": k.to_numpy() for i, k in enumerate(keys)})
    order["__pos"] = range(len(order))
    index = order.sort_values([*order.columns[:-1], "__pos"], kind="mergesort").index
    return text[fields].iloc[index].reset_index(drop=True), typed[fields].iloc[index].reset_index(
        drop=True
    )


def csv_bytes(text: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(text.columns)
    writer.writerows(text.itertuples(index=False, name=None))
    return buffer.getvalue().encode("utf-8")


def _json_value(value, ftype: str):
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if ftype in ("integer", "year"):
        return int(value)
    if ftype == "number":
        number = float(value)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if ftype == "boolean":
        return bool(value)
    return str(value)


def json_bytes(typed: pd.DataFrame, res: ResourceDecl) -> bytes:
    types = {f["name"]: f.get("type", "string") for f in res.schema["fields"]}
    records = [
        {
            name: _json_value(value, types[name])
            for name, value in zip(typed.columns, row, strict=True)
        }
        for row in typed.itertuples(index=False, name=None)
    ]
    body = ",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records)
    return f"[\n{body}\n]\n".encode()


def published_schema(res: ResourceDecl, local_resources: set[str]) -> dict:
    """The Table Schema as published: foreign keys to tables outside the package (the COG
    reference) are dropped, since a reuser's frictionless could not resolve them; the README
    documents them instead."""
    schema = json.loads(json.dumps(res.schema))
    schema.pop("$schema", None)
    fks = [
        fk
        for fk in schema.get("foreignKeys", [])
        if fk["reference"].get("resource", "") in ("", *local_resources)
    ]
    if fks:
        schema["foreignKeys"] = fks
    else:
        schema.pop("foreignKeys", None)
    for fdesc in schema["fields"]:
        fdesc.pop("x-source", None)
    return schema


def external_keys(res: ResourceDecl, local_resources: set[str]) -> list[dict]:
    return [
        fk
        for fk in res.schema.get("foreignKeys", [])
        if fk["reference"].get("resource", "") not in ("", *local_resources)
    ]


def resource_entries(res: ResourceDecl, files: dict[str, bytes], local: set[str]) -> list[dict]:
    schema = published_schema(res, local)
    entries = []
    for suffix, fmt, media in (("csv", "csv", "text/csv"), ("json", "json", "application/json")):
        name = f"{res.name}.{suffix}"
        data = files[name]
        # The JSON copy is declared as a plain file: frictionless then checks its bytes and
        # hash (it cannot count bytes of a JSON table); the CSV is the validated table.
        entry = {
            "name": res.name if fmt == "csv" else f"{res.name}-json",
            "type": "table" if fmt == "csv" else "file",
            "title": res.title + ("" if fmt == "csv" else " (JSON)"),
            "description": res.description,
            "path": name,
            "format": fmt,
            "mediatype": media,
            "encoding": "utf-8",
            "bytes": len(data),
            "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            "schema": schema,
        }
        entries.append(entry)
    return entries


def datapackage(ds: Dataset, version: str, resources: list[dict]) -> dict:
    meta = ds.meta
    temporal = vintages.temporal(ds)
    spatial = meta.get("spatial", {})
    # Optional in dataset.json: left out rather than null, which frictionless refuses.
    optional = {
        "created": f"{meta['created']}T00:00:00Z" if meta.get("created") else None,
        "homepage": meta.get("homepage"),
    }
    return {
        "profile": "data-package",
        "name": ds.name,
        "title": meta["title"],
        "description": meta["description"],
        "version": version,
        **{key: value for key, value in optional.items() if value is not None},
        "licenses": meta["licenses"],
        "contributors": meta.get("contributors", []),
        "sources": meta.get("sources", []),
        "keywords": meta.get("keywords", []),
        "resources": resources,
        "datagouv": {
            "frequency": meta.get("frequency", "unknown"),
            "temporal_coverage": {"start": temporal.get("start"), "end": temporal.get("end")},
            "spatial": {
                "granularity": spatial.get("granularity", "other"),
                "zones": spatial.get("zones", []),
            },
            "tags": [k for k in meta.get("keywords", []) if 3 <= len(k) <= 96],
        },
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
        if ext:
            lines += [
                "",
                "Références vérifiées par le pipeline (non incluses dans le paquet) :",
                "",
            ]
            for fk in ext:
                fields = fk["fields"] if isinstance(fk["fields"], str) else ", ".join(fk["fields"])
                ref = fk["reference"]
                lines.append(
                    f"- `{fields}` → `{ref['resource']}.{ref['fields'] if isinstance(ref['fields'], str) else ', '.join(ref['fields'])}`"
                )
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
        f'df = pd.read_csv("{first}.csv", dtype=str)  # garde les zéros des codes INSEE',
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
