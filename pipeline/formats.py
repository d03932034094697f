"""The reusers' formats of a package, next to the CSV and JSON: a typed Parquet file per
table, a GeoJSON file per table with coordinates, and one picture (SVG and PNG). This module
writes them into the package's staging folder from the published text of each table, batch by
batch, lists them in ``datapackage.json`` and describes them in the README."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from pipeline.catalog import Dataset, ResourceDecl
from pipeline.geojson import MEDIATYPE as GEOJSON_MEDIATYPE
from pipeline.geojson import NAMED_LIMIT, GeoJSONSink, GeoResult, coordinate_fields
from pipeline.markdown import md_code, md_text
from pipeline.numbers_fr import fmt_int
from pipeline.parquet import MEDIATYPE as PARQUET_MEDIATYPE
from pipeline.parquet import TEXT_TYPES, ParquetSink, arrow_type
from pipeline.picture import PNG, SVG, Picture
from pipeline.staging import FileInfo, HashingSink, write_file

TYPE_NAMES = {
    "integer": "entiers 64 bits (int64)",
    "year": "entiers 64 bits (int64)",
    "number": "réels (float64)",
    "date": "dates (date32)",
    "datetime": "horodatages UTC (timestamp)",
    "boolean": "booléens",
    "string": "texte",
}


@dataclass
class TableFormats:
    files: dict[str, FileInfo]
    entries: list[dict]
    geo: GeoResult | None = None


@dataclass
class PackageFormats:
    """What the README says about the extra files of one package."""

    tables: dict[str, TableFormats] = field(default_factory=dict)
    picture: Picture | None = None


def _entry(name: str, title: str, path: str, info: FileInfo, fmt: str, media: str, **extra) -> dict:
    return {
        "name": name,
        "type": "file",
        "title": title,
        **({"description": extra.pop("description")} if "description" in extra else {}),
        "path": path,
        "format": fmt,
        "mediatype": media,
        **extra,
        "bytes": info.bytes,
        "hash": info.hash,
    }


class TableFormatsWriter:
    """Parquet and, for a table with coordinates, GeoJSON of one table, written into
    ``folder`` as the batches of published text arrive (in primary-key order); ``schema``:
    the table's published Table Schema. :meth:`close` returns the files and their entries."""

    def __init__(self, res: ResourceDecl, schema: dict, folder: Path):
        self.res, self.schema = res, schema
        where = str(res.schema_path)
        coords = coordinate_fields(res.schema, res.checks, where)
        self._parquet_file = HashingSink.create(folder / f"{res.name}.parquet")
        self._geo_file: HashingSink | None = None
        self._geo: GeoJSONSink | None = None
        try:
            self._parquet = ParquetSink(schema, self._parquet_file, where=where)
            if coords is not None:
                self._geo_file = HashingSink.create(folder / f"{res.name}.geojson")
                self._geo = GeoJSONSink(schema, coords, self._geo_file, res.primary_key)
        except BaseException:
            self.abort()
            raise

    def write(self, batch: pa.RecordBatch) -> None:
        self._parquet.write(batch)
        if self._geo is not None:
            self._geo.write(batch)

    def abort(self) -> None:
        for sink in (self._parquet_file, self._geo_file):
            if sink is not None:
                sink.abort()

    def close(self) -> TableFormats:
        res = self.res
        self._parquet.close()
        name = f"{res.name}.parquet"
        files = {name: self._parquet_file.finish()}
        entries = [
            _entry(
                f"{res.name}-parquet",
                f"{res.title} (Parquet)",
                name,
                files[name],
                "parquet",
                PARQUET_MEDIATYPE,
                description=res.description,
                schema=self.schema,
            )
        ]
        geo = None
        if self._geo is not None and self._geo_file is not None:
            geo = self._geo.close()
            name = f"{res.name}.geojson"
            files[name] = self._geo_file.finish()
            entries.append(
                _entry(
                    f"{res.name}-geojson",
                    f"{res.title} (GeoJSON)",
                    name,
                    files[name],
                    "geojson",
                    GEOJSON_MEDIATYPE,
                    description=(
                        f"{res.description} Un point par ligne ayant des coordonnées utilisables "
                        "(RFC 7946, longitude puis latitude, WGS 84)."
                    ).strip(),
                    encoding="utf-8",
                    **{"x-coordinates": {"resource": res.name, **self._geo.coords.record()}},
                )
            )
        return TableFormats(files, entries, geo)


def picture_files(picture: Picture, folder: Path) -> tuple[dict[str, FileInfo], list[dict]]:
    """Write the picture (SVG and PNG) into ``folder``; its files and their entries."""
    files = {SVG: write_file(folder / SVG, picture.svg), PNG: write_file(folder / PNG, picture.png)}
    entries = [
        _entry(
            f"apercu-{fmt}",
            f"Aperçu : {picture.title} ({fmt.upper()})",
            path,
            files[path],
            fmt,
            media,
            description="Image du contenu du paquet, produite par le pipeline à chaque version.",
        )
        for path, fmt, media in ((SVG, "svg", "image/svg+xml"), (PNG, "png", "image/png"))
    ]
    return files, entries


def picture_lead(picture: Picture | None) -> list[str]:
    """The lines shown at the top of the README."""
    return [f"![{md_text(picture.title)}]({SVG})", ""] if picture else []


def readme_section(ds: Dataset, formats: PackageFormats) -> str:
    lines = ["## Formats pour l'analyse et les cartes", ""]
    first = ds.resources[0]
    lines += [
        "**Parquet** ("
        + ", ".join(md_code(f"{r.name}.parquet", None) for r in ds.resources)
        + ") : les mêmes lignes que le CSV, dans le même ordre, avec des colonnes typées "
        "d'après le Table Schema : "
        + " ; ".join(
            [
                f"{', '.join(md_code(n, None) for n in names)} en {label}"
                for label, names in _typed_columns(ds).items()
            ]
            + ["les autres colonnes en texte"]
        )
        + ". Les codes (INSEE, postaux…) restent du texte et gardent leurs zéros ; une cellule "
        "vide du CSV est une valeur nulle. Compression zstd ; le Table Schema est enregistré "
        "dans les métadonnées du fichier (clé `table_schema`).",
        "",
    ]
    geo = [(n, t.geo) for n, t in formats.tables.items() if t.geo is not None]
    for name, result in geo:
        lines += [
            f"**GeoJSON** ({md_code(f'{name}.geojson', None)}) : une FeatureCollection "
            "(RFC 7946), un point par ligne, coordonnées [longitude, latitude] en WGS 84, "
            f"champs de la ligne en propriétés : {fmt_int(result.features)} point(s).",
            "",
        ]
        if result.left_out:
            lines += [
                f"{fmt_int(result.left_out)} ligne(s) sans coordonnées utilisables ne sont pas "
                "dans le GeoJSON (elles restent dans le CSV, le JSON et le Parquet) :",
                "",
            ]
            lines += [f"- {md_text(label)} : {reason}" for label, reason in result.named]
            rest = result.left_out - len(result.named)
            if rest > 0:
                lines.append(
                    f"- et {fmt_int(rest)} autre(s) (seules les {NAMED_LIMIT} premières sont nommées)"
                )
            lines.append("")
        else:
            lines += ["Toutes les lignes ont des coordonnées utilisables.", ""]
    if not geo:
        lines += [
            "Pas de GeoJSON : aucune table de ce paquet n'a de coordonnées (champs latitude et "
            "longitude, ou geopoint).",
            "",
        ]
    if formats.picture:
        lines += [
            f"**Image** « {md_text(formats.picture.title)} » : `{SVG}` et `{PNG}`, refaites à "
            "chaque construction du paquet.",
            "",
        ]
    lines += [
        "Lire le Parquet :",
        "",
        "```python",
        "import pandas as pd",
        f'df = pd.read_parquet("{first.name}.parquet")  # types et zéros des codes conservés',
        "```",
        "",
        "```sql",
        f"-- DuckDB\nSELECT * FROM '{first.name}.parquet' LIMIT 10;",
        "```",
        "",
        "```python",
        "import polars as pl",
        f'df = pl.read_parquet("{first.name}.parquet")',
        "```",
    ]
    if geo:
        lines += [
            "",
            "```python",
            "import geopandas as gpd",
            f'points = gpd.read_file("{geo[0][0]}.geojson")',
            "```",
        ]
    return "\n".join(lines)


def _typed_columns(ds: Dataset) -> dict[str, list[str]]:
    """Columns of every table by Parquet type; the text columns are not listed one by one."""
    found: dict[str, list[str]] = {}
    others: list[str] = []
    for res in ds.resources:
        for fdesc in res.schema["fields"]:
            ftype = fdesc.get("type", "string")
            if ftype in TEXT_TYPES:
                others.append(f"{fdesc['name']} ({ftype})")
            elif ftype != "string" and ftype in TYPE_NAMES:
                label = TYPE_NAMES[ftype]
                if ftype in ("number", "integer", "year") and fdesc.get("x-parquet-decimal"):
                    kind = "decimal256" if arrow_type(fdesc).bit_width == 256 else "decimal128"
                    label = f"décimaux ({kind})"
                names = found.setdefault(label, [])
                if fdesc["name"] not in names:
                    names.append(fdesc["name"])
    if others:
        found["texte (type sans équivalent Parquet)"] = others
    return found
