"""``coordinates-in-france``: a point must fall in metropolitan France or an overseas
territory; a point that falls there once latitude and longitude are swapped is reported as
swapped."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.checks.base import Check, register
from pipeline.errors import ConfigError

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


def inside(lat: str, lon: str) -> str:
    boxes = [
        f"({lat} BETWEEN {a} AND {b} AND {lon} BETWEEN {c} AND {d})"
        for a, b, c, d in FRANCE_BOXES.values()
    ]
    return "(" + " OR ".join(boxes) + ")"


@register
class CoordinatesInFrance(Check):
    name = "coordinates-in-france"
    options_schema = {
        "type": "object",
        "required": ["latitude", "longitude"],
        "properties": {
            "check": {"const": "coordinates-in-france"},
            "latitude": {"type": "string", "x-field": "self", "x-types": ["number", "integer"]},
            "longitude": {"type": "string", "x-field": "self", "x-types": ["number", "integer"]},
            "severity": {"type": "string", "enum": ["error", "warning"]},
        },
        "additionalProperties": False,
    }

    def plan(self, plan) -> None:
        o = self.options
        fields = self.ctx.table.fields
        for key in ("latitude", "longitude"):
            if o[key] not in self.ctx.table.resource.field_names:
                raise ConfigError(
                    f"{self.ctx.table.dataset.folder / 'dataset.json'} : contrôle "
                    f"« {self.name} » : champ « {o[key]} » inconnu."
                )
        declared = {
            f["name"]: f.get("type", "string") for f in self.ctx.table.resource.schema["fields"]
        }
        for key in ("latitude", "longitude"):
            if declared[o[key]] not in ("number", "integer"):
                raise ConfigError(
                    f"{self.ctx.table.dataset.folder / 'dataset.json'} : contrôle "
                    f"« {self.name} », option {key} : le champ « {o[key]} » est de type "
                    f"« {declared[o[key]]} » dans son schéma ; déclarez-le « number » (degrés "
                    "décimaux, point décimal) pour que ses coordonnées soient vérifiées."
                )
        self.active = o["latitude"] in fields and o["longitude"] in fields
        if not self.active:
            return
        lat = f"CAST({fields[o['latitude']].typed} AS DOUBLE)"
        lon = f"CAST({fields[o['longitude']].typed} AS DOUBLE)"
        known = (
            f"({lat} IS NOT NULL AND {lon} IS NOT NULL AND NOT isnan({lat}) AND NOT isnan({lon}))"
        )
        values = {"coord:lat": lat, "coord:lon": lon}
        swapped = f"{known} AND NOT {inside(lat, lon)} AND {inside(lon, lat)}"
        outside = f"{known} AND NOT {inside(lat, lon)} AND NOT {inside(lon, lat)}"
        self.keys = [
            ("coord_swapped", "coordinates-swapped"),
            ("coord_outside", "coordinates-outside-france"),
        ]
        plan.predicate("coord_swapped", swapped, values)
        plan.predicate("coord_outside", outside, values)

    def run(self, result) -> Iterable:
        if not self.active:
            return []
        o = self.options
        out = []
        for key, code in self.keys:
            out += self.ctx.rows(
                result,
                key,
                ["coord:lat", "coord:lon"],
                lambda row, code=code: self.ctx.finding(
                    code,
                    line=row["line"],
                    fld=o["latitude"],
                    value=f"{row['coord:lat']}, {row['coord:lon']}",
                    severity=o.get("severity", "error"),
                    lat=row["coord:lat"],
                    lon=row["coord:lon"],
                ),
            )
        return out
