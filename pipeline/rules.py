"""Checks against other tables: Table Schema foreign keys (to the same package or to the COG
reference) and the referential rules declared in ``dataset.json`` under ``checks``."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

from pipeline.cast import isin
from pipeline.errors import ConfigError
from pipeline.findings import Finding
from pipeline.tables import LoadedTable, Workspace, reference_values

TARGET_FR = {
    "cog2023-communes": "les communes du COG 2023",
    "cog2023-epci": "les EPCI du COG 2023",
    "cog2023-departements": "les départements du COG 2023",
    "cog2023-regions": "les régions du COG 2023",
    "cog2023-epci-membres": "les EPCI et EPT du COG 2023",
}

# Bounding boxes (lat_min, lat_max, lon_min, lon_max): metropolitan France with Corsica, and
# each overseas territory where ANCT programmes run.
FRANCE_BOXES = {
    "métropole": (41.3, 51.2, -5.3, 9.7),
    "Guadeloupe": (15.8, 16.6, -61.9, -60.9),
    "Martinique": (14.3, 14.9, -61.3, -60.8),
    "Guyane": (2.1, 5.8, -54.7, -51.6),
    "La Réunion": (-21.4, -20.8, 55.2, 55.9),
    "Mayotte": (-13.1, -12.6, 44.9, 45.4),
    "Saint-Pierre-et-Miquelon": (46.7, 47.2, -56.5, -56.1),
    "Saint-Barthélemy / Saint-Martin": (17.8, 18.2, -63.2, -62.7),
    "Wallis-et-Futuna": (-14.4, -13.1, -178.3, -176.1),
    "Polynésie française": (-27.7, -7.8, -154.8, -134.4),
    "Nouvelle-Calédonie": (-22.8, -19.5, 163.5, 168.2),
}


def foreign_keys(ws: Workspace, table: LoadedTable) -> list[Finding]:
    out: list[Finding] = []
    ctx = table.context()
    for fk in table.resource.schema.get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref = fk["reference"]
        target = ref.get("resource") or table.resource.name
        ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        if any(f not in table.text.columns for f in fields):
            raise ConfigError(
                f"{table.resource.schema_path} : clé étrangère sur un champ inconnu {fields}."
            )
        allowed = reference_values(ws, target, ref_fields)
        keys = table.text[fields]
        filled = (keys != "").all(axis=1).to_numpy()
        if len(fields) == 1:
            found = isin(keys[fields[0]], allowed)
        else:
            found = np.array([tuple(k) in allowed for k in keys.itertuples(index=False, name=None)])
        hint = fk.get("hint", "")
        for row in np.flatnonzero(filled & ~found):
            value = " / ".join(keys.iloc[row])
            out.append(
                ctx.finding(
                    "foreign-key-error",
                    int(row),
                    fields[0],
                    value,
                    severity=fk.get("severity", "error"),
                    target=TARGET_FR.get(target, f"« {target} »"),
                    hint=f" ({hint})" if hint else "",
                )
            )
    return out


def _norm_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    words = text.replace("’", "'").replace("-", " ").casefold().split()
    return " ".join(w for w in words if w != "arrondissement")


def _lookup(ws: Workspace, reference: str, key: str) -> pd.DataFrame:
    target = ws.table(reference)
    if target.text is None:
        raise ConfigError(f"La table de référence « {reference} » est illisible.")
    return target.text.drop_duplicates(key).set_index(key)


def _normalised(values: pd.Series) -> pd.Series:
    """Names compared without accents, case, dashes or "Arrondissement", computed once per
    distinct name (a million rows hold a few thousand communes)."""
    mapping = {v: _norm_name(v) for v in values.dropna().unique()}
    return values.map(mapping)


def _mismatches(
    table: LoadedTable, code: str, fld: str, expected: pd.Series, differs, kind: str, severity: str
) -> list[Finding]:
    ctx = table.context()
    return [
        ctx.finding(
            kind,
            int(r),
            fld,
            table.text[fld].iat[r],
            severity=severity,
            commune=table.text[code].iat[r],
            expected=expected.iat[r],
        )
        for r in np.flatnonzero(np.asarray(differs, dtype=bool))
    ]


def commune_name(ws: Workspace, table: LoadedTable, spec: dict) -> list[Finding]:
    code_f, name_f = spec["code"], spec["name"]
    ref = _lookup(
        ws, spec.get("reference", "cog2023-communes"), spec.get("reference_code", "code_insee")
    )
    expected = table.text[code_f].map(ref[spec.get("reference_name", "nom")])
    given = table.text[name_f]
    known = (expected.notna() & (given != "")).to_numpy()
    differs = known & (_normalised(given) != _normalised(expected.fillna(""))).to_numpy()
    return _mismatches(
        table,
        code_f,
        name_f,
        expected,
        differs,
        "commune-name-mismatch",
        spec.get("severity", "warning"),
    )


def commune_geography(ws: Workspace, table: LoadedTable, spec: dict) -> list[Finding]:
    code_f = spec["code"]
    ref = _lookup(ws, spec.get("reference", "cog2023-communes"), "code_insee")
    out = []
    for level in ("departement", "region"):
        fld = spec.get(level)
        if not fld:
            continue
        expected = table.text[code_f].map(ref[level])
        given = table.text[fld]
        differs = (expected.notna() & (given != "") & (given != expected)).to_numpy()
        out += _mismatches(
            table,
            code_f,
            fld,
            expected,
            differs,
            f"commune-{level}-mismatch",
            spec.get("severity", "error"),
        )
    return out


def _inside(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    inside = np.zeros(len(lat), dtype=bool)
    for lat_min, lat_max, lon_min, lon_max in FRANCE_BOXES.values():
        inside |= (lat >= lat_min) & (lat <= lat_max) & (lon >= lon_min) & (lon <= lon_max)
    return inside


def coordinates_in_france(ws: Workspace, table: LoadedTable, spec: dict) -> list[Finding]:
    lat_f, lon_f = spec["latitude"], spec["longitude"]
    lat = table.typed[lat_f].astype("float64").to_numpy()
    lon = table.typed[lon_f].astype("float64").to_numpy()
    known = ~np.isnan(lat) & ~np.isnan(lon)
    inside = _inside(lat, lon)
    swapped = known & ~inside & _inside(lon, lat)
    outside = known & ~inside & ~swapped
    ctx = table.context()
    sev = spec.get("severity", "error")
    out = [
        ctx.finding(
            "coordinates-swapped",
            int(r),
            lat_f,
            f"{lat[r]}, {lon[r]}",
            severity=sev,
            lat=lat[r],
            lon=lon[r],
        )
        for r in np.flatnonzero(swapped)
    ]
    out += [
        ctx.finding(
            "coordinates-outside-france",
            int(r),
            lat_f,
            f"{lat[r]}, {lon[r]}",
            severity=sev,
            lat=lat[r],
            lon=lon[r],
        )
        for r in np.flatnonzero(outside)
    ]
    return out


def grouping_in_reference(ws: Workspace, table: LoadedTable, spec: dict) -> list[Finding]:
    """A code whose reference table depends on another column, e.g. an EPCI SIREN looked up in
    the EPCI list but an EPT SIREN in the EPCI/EPT membership table."""
    field_name, kind_f = spec["field"], spec["type"]
    refs = spec["references"]
    ctx = table.context()
    sev = spec.get("severity", "error")
    allowed = {
        kind: reference_values(ws, ref["resource"], [ref["field"]]) for kind, ref in refs.items()
    }
    values = table.text[field_name].to_numpy()
    kinds = table.text[kind_f].to_numpy()
    out = []
    for row, (value, kind) in enumerate(zip(values, kinds, strict=True)):
        if value == "":
            continue
        if kind not in allowed:
            out.append(
                ctx.finding(
                    "grouping-unknown-kind", row, field_name, value, severity=sev, kind=kind
                )
            )
        elif value not in allowed[kind]:
            target = refs[kind]["resource"]
            out.append(
                ctx.finding(
                    "grouping-not-found",
                    row,
                    field_name,
                    value,
                    severity=sev,
                    kind=kind,
                    target=TARGET_FR.get(target, f"« {target} »"),
                )
            )
    return out


RULES = {
    "grouping-in-reference": grouping_in_reference,
    "commune-name": commune_name,
    "commune-geography": commune_geography,
    "coordinates-in-france": coordinates_in_france,
}


def run_rules(ws: Workspace, table: LoadedTable) -> list[Finding]:
    out = foreign_keys(ws, table)
    for spec in table.resource.checks:
        rule = RULES.get(spec.get("check"))
        if rule is None:
            raise ConfigError(
                f"{table.dataset.folder / 'dataset.json'} : contrôle inconnu « {spec.get('check')} ». "
                f"Contrôles disponibles : {', '.join(sorted(RULES))}."
            )
        out.extend(rule(ws, table, spec))
    return out


def enrich(ws: Workspace, table: LoadedTable) -> pd.DataFrame:
    """The typed frame with reference columns joined in (``enrich`` in dataset.json), for
    expectations such as "population below 3,500 according to the COG"."""
    frame = table.typed.copy()
    for spec in table.resource.enrich:
        ((left, right),) = spec["on"].items()
        target = ws.table(spec["reference"])
        if target.typed is None:
            raise ConfigError(f"La table de référence « {spec['reference']} » est illisible.")
        ref = target.typed.drop_duplicates(right).set_index(right)
        keys = table.text[left]
        for src, dest in spec["columns"].items():
            frame[dest] = keys.map(ref[src]).to_numpy()
    return frame
