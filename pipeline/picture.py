"""What the picture of a package shows, declared under ``picture`` in ``dataset.json``:

- ``{"kind": "map", "resource": R, "title": …, "unit": "structures"}``: the points of a
  table with coordinates, metropolitan France with one inset per overseas territory;
- ``{"kind": "regions", "series": [{"resource": R, "label": …, "distinct": F}], "title": …,
  "unit": "communes"}``: rows (or distinct values of F) per région, the région of each row
  found through its commune code (the field with a foreign key to the COG communes, or
  ``"commune"``) in the COG reference tables; several series are stacked;
- ``{"kind": "values", "resource": R, "field": F, "title": …, "unit": …, "categories": …}``:
  rows per value of one field (numeric order for numbers, else most frequent first);
- ``{"kind": "figures", "resource": R, "title": …}``: published figures beside the recomputed
  ones (fields libelle, valeur_publiee, valeur_recalculee, unite, verdict).

Optional: ``source`` (the line printed under the picture). Without a declaration: a map when a
table has coordinates, else rows per région of the first table with a commune code, else no
picture. Declarations are checked when the catalogue is loaded (:func:`check_picture`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pipeline.errors import ConfigError

if TYPE_CHECKING:  # pandas only for drawing (builds): validation does not import it
    import pandas as pd

KINDS = {
    "map": {"resource"},
    "regions": {"series"},
    "values": {"resource", "field"},
    "figures": {"resource"},
}
OPTIONAL = {"title", "unit", "source", "categories", "communes", "regions"}
SERIES_KEYS = {"resource", "label", "distinct", "commune"}
FIGURE_FIELDS = ("libelle", "valeur_publiee", "valeur_recalculee", "unite", "verdict")
COMMUNES, REGIONS = "cog2023-communes", "cog2023-regions"
UNKNOWN_REGION = "Hors COG ou inconnue"
SVG, PNG = "apercu.svg", "apercu.png"


class TextOf(Protocol):
    """The published text of the tables a picture reads, a few columns at a time: no
    picture needs a whole table in memory."""

    def rows(self, resource: str, fields: list[str]) -> pd.DataFrame:
        """The ``fields`` of every row, in file order (for small tables)."""
        ...

    def counts(self, resource: str, fields: list[str]) -> pd.DataFrame:
        """Each distinct combination of ``fields`` with its number of rows (column ``__count``), in
        order of first occurrence in the file."""
        ...


@dataclass(frozen=True)
class Picture:
    title: str
    svg: bytes
    png: bytes


def check_picture(meta: dict, path: Path) -> None:
    """Refuse, naming the file and the key, a ``picture`` declaration the build cannot draw."""
    spec = meta.get("picture")
    if spec is None:
        return
    where = f"{path} : « picture »"
    if not isinstance(spec, dict):
        raise ConfigError(f"{where} doit être un objet JSON.")
    kind = spec.get("kind")
    if kind not in KINDS:
        raise ConfigError(
            f"{where} : « kind » vaut {kind!r} ; valeurs permises : {', '.join(sorted(KINDS))}."
        )
    unknown = sorted(set(spec) - {"kind"} - KINDS[kind] - OPTIONAL)
    if unknown:
        raise ConfigError(f"{where} : clé(s) inconnue(s) pour « {kind} » : {', '.join(unknown)}.")
    missing = sorted((KINDS[kind] | {"title"}) - set(spec))
    if missing:
        raise ConfigError(f"{where} : clé(s) manquante(s) pour « {kind} » : {', '.join(missing)}.")
    names = {r.get("name") for r in meta.get("resources", [])}
    wanted = [spec["resource"]] if "resource" in spec else []
    if kind == "regions":
        series = spec["series"]
        if not isinstance(series, list) or not series:
            raise ConfigError(f"{where} : « series » doit être une liste non vide.")
        for item in series:
            if not isinstance(item, dict) or "resource" not in item:
                raise ConfigError(f"{where} : chaque élément de « series » nomme sa resource.")
            extra = sorted(set(item) - SERIES_KEYS)
            if extra:
                raise ConfigError(f"{where} : clé(s) inconnue(s) dans series : {', '.join(extra)}.")
            wanted.append(item["resource"])
    for name in wanted:
        if name not in names:
            raise ConfigError(f"{where} : ressource « {name} » absente de ce jeu.")


def publisher(meta: dict) -> str:
    for contributor in meta.get("contributors", []):
        if contributor.get("role") == "publisher":
            return contributor.get("organisation") or contributor["title"]
    return "ANCT"


def resolve(ds, coordinates: dict[str, object]) -> dict | None:
    """The declared picture, or the automatic one, or None."""
    if ds.meta.get("picture"):
        return ds.meta["picture"]
    for res in ds.resources:
        if res.name in coordinates:
            return {"kind": "map", "resource": res.name, "title": ds.title, "unit": "lignes"}
    for res in ds.resources:
        if _commune_key(res, None, required=False):
            return {
                "kind": "regions",
                "series": [{"resource": res.name}],
                "title": f"{ds.title} : lignes par région",
                "unit": "lignes",
            }
    return None


def _commune_key(res, field: str | None, *, required: bool = True) -> tuple[str, str] | None:
    """(commune code field, COG communes resource) of a table."""
    for fk in res.schema.get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        target = fk["reference"].get("resource", "")
        if len(fields) == 1 and target.endswith("-communes") and field in (None, fields[0]):
            return fields[0], target
    if field and field in res.field_names:
        return field, COMMUNES
    if required:
        raise ConfigError(
            f"{res.schema_path} : pas de code commune (clé étrangère vers les communes du COG) "
            "pour compter par région ; précisez « commune » dans picture.series."
        )
    return None


def region_counts(ds, spec: dict, text_of: TextOf) -> tuple[list[str], list[tuple[str, list]]]:
    """Categories (régions, most rows first) and one list of counts per series."""
    import pandas as pd

    per_series = []
    for item in spec["series"]:
        res = ds.resource(item["resource"])
        field, communes_name = _commune_key(res, item.get("commune"))
        communes = text_of.counts(
            spec.get("communes", communes_name), ["code_insee", "type", "region"]
        )
        names = text_of.counts(spec.get("regions", REGIONS), ["code", "nom"])
        names = names.set_index("code")["nom"]
        current = communes.assign(_rank=(communes["type"] != "commune-actuelle").astype(int))
        current = current.sort_values(["_rank", "code_insee"], kind="mergesort")
        to_region = current.drop_duplicates("code_insee").set_index("code_insee")["region"]
        distinct = item.get("distinct")
        text = text_of.counts(res.name, list(dict.fromkeys([field, distinct or field])))
        labels = text[field].map(to_region).map(names).fillna(UNKNOWN_REGION)
        if distinct:
            frame = pd.DataFrame({"r": labels.to_numpy(), "k": text[distinct].to_numpy()})
            counts = frame.drop_duplicates().groupby("r").size()
        else:
            counts = (
                pd.Series(text["__count"].to_numpy(), index=labels.to_numpy())
                .groupby(level=0)
                .sum()
            )
        per_series.append((item.get("label") or res.title, counts))
    totals = pd.concat([c for _, c in per_series], axis=1).fillna(0).sum(axis=1)
    order = sorted(totals.index, key=lambda r: (r == UNKNOWN_REGION, -totals[r], r))
    return order, [(label, [int(c.get(r, 0)) for r in order]) for label, c in per_series]


def value_counts(ds, spec: dict, text_of: TextOf) -> tuple[list[str], list[int]]:
    import pandas as pd

    res = ds.resource(spec["resource"])
    field = spec["field"]
    if field not in res.field_names:
        raise ConfigError(f"{ds.folder / 'dataset.json'} : « picture.field » {field!r} inconnu.")
    ftype = next(f.get("type", "string") for f in res.schema["fields"] if f["name"] == field)
    grouped = text_of.counts(res.name, [field])
    values = grouped[field].replace("", "(vide)").to_numpy()
    counts = pd.Series(grouped["__count"].to_numpy(), index=values).groupby(level=0).sum()
    if ftype in ("integer", "number", "year"):
        order = sorted(
            counts.index, key=lambda v: (v == "(vide)", float(v) if v != "(vide)" else 0)
        )
    else:
        order = sorted(counts.index, key=lambda v: (-counts[v], v))
    return order, [int(counts[v]) for v in order]


def figure_rows(ds, spec: dict, text_of: TextOf) -> list[dict]:
    res = ds.resource(spec["resource"])
    wanted = [*FIGURE_FIELDS, *(k for k in res.primary_key if k not in FIGURE_FIELDS)]
    text = text_of.rows(res.name, [f for f in wanted if f in res.field_names])
    if res.primary_key:
        text = text.sort_values(res.primary_key, kind="mergesort")
    missing = [f for f in FIGURE_FIELDS if f not in text.columns]
    if missing:
        raise ConfigError(
            f"{ds.folder / 'dataset.json'} : « picture » figures : champ(s) {', '.join(missing)} "
            f"absent(s) de {spec['resource']}."
        )

    def number(value: str) -> float | None:
        return float(value) if value != "" else None

    return [
        {
            "libelle": row["libelle"],
            "valeur_publiee": number(row["valeur_publiee"]),
            "valeur_recalculee": number(row["valeur_recalculee"]),
            "unite": row["unite"],
            "verdict": row["verdict"],
        }
        for row in text[list(FIGURE_FIELDS)].to_dict("records")
    ]


def make_picture(ds, text_of: TextOf, coordinates: dict) -> Picture | None:
    """Draw the package's picture. ``coordinates``: resource name -> GeoResult (points kept in
    its GeoJSON file)."""
    spec = resolve(ds, coordinates)
    if spec is None:
        return None
    from pipeline import chart
    from pipeline.geojson import FRANCE_BOXES
    from pipeline.numbers_fr import de, fmt_int

    title = spec["title"]
    unit = spec.get("unit", "lignes")
    source = spec.get("source") or (
        f"Source : {publisher(ds.meta)}, « {ds.meta['title']} ». "
        "Traitement : pipeline de données ouvertes de l'ANCT."
    )
    kind = spec["kind"]
    if kind == "map":
        geo = coordinates.get(spec["resource"])
        if geo is None:
            raise ConfigError(
                f"{ds.folder / 'dataset.json'} : « picture » map : la ressource "
                f"{spec['resource']} n'a pas de coordonnées."
            )
        subtitle = f"{fmt_int(geo.features)} {unit} placées d'après leurs coordonnées"
        if geo.left_out:
            subtitle += f" ; {fmt_int(geo.left_out)} sans coordonnées utilisables, non placées"
        drawn = chart.point_map(geo.lon, geo.lat, FRANCE_BOXES, title, subtitle, source)
    elif kind == "regions":
        categories, series = region_counts(ds, spec, text_of)
        drawn = chart.bars(categories, series, title, f"Nombre {de(unit)}", "Région", source)
    elif kind == "values":
        categories, counts = value_counts(ds, spec, text_of)
        drawn = chart.bars(
            categories,
            [(unit, counts)],
            title,
            f"Nombre {de(unit)}",
            spec.get("categories", spec["field"]),
            source,
            horizontal=False,
        )
    else:
        drawn = chart.figure_checks(figure_rows(ds, spec, text_of), title, source)
    return Picture(title, drawn.svg, drawn.png)
