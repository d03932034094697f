"""Small data packages in the exact format `pipeline build` writes, for the publish tests."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

SCHEMA = {
    "fields": [
        {
            "name": "code_commune",
            "type": "string",
            "constraints": {"required": True, "pattern": "^[0-9AB]{5}$"},
        },
        {"name": "nom_commune", "type": "string"},
        {"name": "montant", "type": "number"},
    ],
    "primaryKey": ["code_commune"],
    "missingValues": [""],
}

DEFAULT_ROWS = [
    {"code_commune": "01001", "nom_commune": "L'Abergement-Clémenciat", "montant": 1234.5},
    {"code_commune": "2A004", "nom_commune": "Ajaccio", "montant": 19.5},
]


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(
        out, fieldnames=[f["name"] for f in SCHEMA["fields"]], lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


MEDIATYPES = {
    "csv": "text/csv",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
    "geojson": "application/geo+json",
    "svg": "image/svg+xml",
    "png": "image/png",
}
POINTS = {"01001": ("46.1534", "4.9260"), "2A004": ("41.9192", "8.7386")}


def _reuse_formats(table: str, rows: list[dict]) -> dict[str, bytes]:
    """The Parquet, GeoJSON and picture files, written by the build's own writers."""
    import io

    import pandas as pd

    from pipeline import chart
    from pipeline.geojson import Coordinates, write_geojson
    from pipeline.parquet import parquet_bytes

    text = pd.DataFrame(rows, dtype="str").fillna("")
    points = text.assign(
        latitude=[POINTS.get(c, ("", ""))[0] for c in text["code_commune"]],
        longitude=[POINTS.get(c, ("", ""))[1] for c in text["code_commune"]],
    )
    fields = [*SCHEMA["fields"], {"name": "latitude", "type": "number"}]
    fields.append({"name": "longitude", "type": "number"})
    sink = io.BytesIO()
    coords = Coordinates(latitude="latitude", longitude="longitude")
    write_geojson(points, {"fields": fields}, coords, sink, ["code_commune"])
    picture = chart.bars(
        ["Ain", "Corse-du-Sud"],
        [("communes", [1, 1])],
        "Communes aidées",
        "Nombre",
        "Département",
        "Source : test",
    )
    return {
        f"{table}.parquet": parquet_bytes(text, SCHEMA),
        f"{table}.geojson": sink.getvalue(),
        "apercu.svg": picture.svg,
        "apercu.png": picture.png,
    }


def make_package(
    root: Path,
    name: str,
    rows: list[dict] | None = None,
    title: str | None = None,
    tags: list[str] | None = None,
    formats: bool = False,
) -> Path:
    """Write ``root/<name>/`` with one table as CSV and JSON (and, with ``formats``, as
    Parquet and GeoJSON, plus a picture), datapackage.json and README.md."""
    rows = DEFAULT_ROWS if rows is None else rows
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    table = "communes-aidees"
    files = {
        f"{table}.csv": _csv(rows),
        f"{table}.json": (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode(),
    }
    if formats:
        files.update(_reuse_formats(table, rows))
    resources = []
    for filename, content in files.items():
        (folder / filename).write_bytes(content)
        fmt = filename.rsplit(".", 1)[1]
        picture = filename.startswith("apercu.")
        resources.append(
            {
                "name": f"{Path(filename).stem}-{fmt}",
                "title": "Aperçu" if picture else "Communes aidées",
                "description": "Une ligne par commune aidée.",
                "path": filename,
                "format": fmt,
                "mediatype": MEDIATYPES[fmt],
                **({"encoding": "utf-8"} if fmt in ("csv", "json", "geojson") else {}),
                "bytes": len(content),
                "hash": "sha256:" + hashlib.sha256(content).hexdigest(),
                **({"schema": SCHEMA} if fmt in ("csv", "json", "parquet") else {}),
            }
        )
    descriptor = {
        "name": name,
        "title": title or f"Jeu de test {name}",
        "description": "Paquet de test.",
        "version": "1.0.0",
        "created": "2024-05-01T00:00:00Z",
        "licenses": [
            {
                "name": "etalab-2.0",
                "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
                "title": "Licence Ouverte 2.0",
            }
        ],
        "sources": [{"title": "ANCT"}],
        "contributors": [{"title": "ANCT", "role": "author"}],
        "keywords": ["cohésion des territoires"],
        "resources": resources,
        "datagouv": {
            "frequency": "irregular",
            "temporal_coverage": {"start": "2021-01-01", "end": None},
            "spatial": {"granularity": "fr:commune", "zones": ["country:fr"]},
            "tags": tags or ["cohésion des territoires", "communes", "ANCT"],
        },
    }
    (folder / "datapackage.json").write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (folder / "README.md").write_text(
        f"# {descriptor['title']}\n\nDictionnaire des données.\n\n| Colonne | Description |\n"
        "|---|---|\n| code_commune | Code INSEE |\n| nom_commune | Nom |\n| montant | Euros |\n",
        encoding="utf-8",
    )
    (folder / "CHANGELOG.md").write_text(
        "# Historique\n\n- 1.0.0 : première version\n", encoding="utf-8"
    )
    return folder
