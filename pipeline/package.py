"""Write one data package: normalised CSV and JSON per resource (streamed, batch by batch)
and ``datapackage.json`` (the README with the data dictionary is :mod:`pipeline.readme`'s).
Pure functions of their inputs: the same tables give the same bytes, whatever the batch
size."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Mapping
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import frames, vintages
from pipeline.catalog import Dataset, ResourceDecl
from pipeline.frames import TEXT_ROWS, row_text, slices
from pipeline.sql.fields import published_field
from pipeline.staging import FileInfo

# --- the data files, written as the rows arrive -------------------------------------------
# Input: the published text of a table (every field's normalised text, '' or null when
# empty), in published order, as Arrow record batches with one column per field.


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
NOT_FINITE = {"Infinity": "Infinity", "-Infinity": "-Infinity"}  # published forms
JSON_TYPES = ("object", "array", "geojson")  # published as minified JSON
JSON_NUMBER = re.compile(frames.JSON_NUMBER)


def _json_value(text: str | None, ftype: str, fdesc: dict | None = None):
    """The JSON value of one published cell of a field of type ``ftype`` (the one rule of
    the JSON file): integers as numbers (every digit), numbers as JSON numbers (integral
    ones below 2**53 without a decimal point; NaN as null, the infinities as their text, a
    JSON number having none), booleans, objects and arrays as JSON, a geopoint as
    ``[lon, lat]``, a list as the array of its items' values, null for an empty cell, the
    text otherwise. ``fdesc``: the field (a list's delimiter and item type, a geopoint's
    format)."""
    if text is None or text == "":
        return None
    if ftype in ("integer", "year"):
        return int(text)
    if ftype == "number":
        if text in NOT_FINITE:
            return NOT_FINITE[text]
        number = float(text)
        if not math.isfinite(number):
            return None
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if ftype == "boolean":
        return text == "true"
    if ftype in JSON_TYPES:
        return json.loads(text)
    fdesc = fdesc or {}
    if ftype == "geopoint":
        fmt = fdesc.get("format", "default")
        if fmt == "object":
            point = json.loads(text)
            return [point["lon"], point["lat"]]
        return json.loads(text if fmt == "array" else f"[{text}]")
    if ftype == "list":
        item = fdesc.get("itemType", "string")
        return [_json_value(v, item) for v in text.split(fdesc.get("delimiter", ","))]
    return text


def _json_literal(text: str | None, ftype: str, fdesc: dict | None = None) -> str:
    """The JSON text of :func:`_json_value`; a finite number beyond the range of a float
    (``1e400``) keeps its published digits, which JSON can carry."""
    value = _json_value(text, ftype, fdesc)
    if ftype == "number" and value is None and text and JSON_NUMBER.fullmatch(text):
        return text
    return _ENCODER.encode(value)


def _large(value: str) -> pa.Scalar:
    return pa.scalar(value, pa.large_string())


def _text(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values.cast(pa.large_string())


def _literal_table(
    values: pa.Array, ftype: str, fdesc: dict | None = None
) -> tuple[pa.Array, pa.Array]:
    """(the JSON literal of each distinct value, then of null; the index of each cell's
    literal): :func:`_json_value` runs once per distinct value of the batch."""
    encoded = _text(values).dictionary_encode()
    distinct = [*encoded.dictionary.to_pylist(), None]
    literals = pa.array([_json_literal(v, ftype, fdesc) for v in distinct], pa.large_string())
    indices = pc.fill_null(encoded.indices, pa.scalar(len(distinct) - 1, encoded.indices.type))
    return literals, indices


def json_literals(values: pa.Array, ftype: str, fdesc: dict | None = None) -> pa.Array:
    """The JSON literal of each cell of a column of published text."""
    literals, indices = _literal_table(values, ftype, fdesc)
    return literals.take(indices)


class JsonWriter:
    """``[``, one object per row (fields in schema order, typed by :func:`_json_value`), one
    per line, ``]``."""

    def __init__(self, sink: BinaryIO, fields: list[dict]):
        self.sink = sink
        self.fields = fields
        self.keys = [json.dumps(f["name"], ensure_ascii=False) + ":" for f in fields]
        self.rows = 0
        sink.write(b"[\n")

    def write(self, batch: pa.RecordBatch) -> None:
        columns = [
            _literal_table(batch[f["name"]], f.get("type", "string"), f) for f in self.fields
        ]
        for start in range(0, batch.num_rows, TEXT_ROWS):
            parts: list = []
            for index, (key, (literals, indices)) in enumerate(
                zip(self.keys, columns, strict=True)
            ):
                parts.append((",\n{" if index == 0 else ",") + key)
                parts.append(literals.take(indices.slice(start, TEXT_ROWS)))
            parts.append("}" if parts else ",\n{}")
            data = row_text(parts)
            self.sink.write(data if self.rows else memoryview(data)[2:])  # no ",\n" at first
            self.rows += min(TEXT_ROWS, batch.num_rows - start)

    def close(self) -> None:
        self.sink.write(b"\n]\n")


NEEDS_QUOTES = r'[,"\r\n]'  # a superset: the csv module decides for these cells


def _csv_field(value: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerow([value])
    return buffer.getvalue()[:-1]


def _csv_cells(values: pa.Array, alone: bool) -> pa.Array:
    """Each cell as the csv module writes it (``alone``: the row's only cell, where an empty
    cell is quoted); the rare cells that may need quotes are written by the csv module."""
    text = pc.fill_null(_text(values), _large(""))
    odd = pc.match_substring_regex(text, NEEDS_QUOTES)
    if alone:
        odd = pc.or_(odd, pc.equal(pc.binary_length(text), 0))
    rows = np.flatnonzero(odd.to_numpy(zero_copy_only=False))
    if not len(rows):
        return text
    cells = text.to_pylist()
    for row in rows:
        cells[row] = _csv_field(cells[row])
    return pa.array(cells, pa.large_string())


class CsvWriter:
    """The normalised CSV: UTF-8, comma, double quotes when needed, ``\\n``, the header
    then one line per row (the bytes of Python's csv writer, QUOTE_MINIMAL)."""

    def __init__(self, sink: BinaryIO, names: list[str]):
        self.sink = sink
        self.names = names
        self.rows = 0
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerow(names)
        sink.write(buffer.getvalue().encode("utf-8"))

    def write(self, batch: pa.RecordBatch) -> None:
        alone = len(self.names) == 1
        for piece in slices(batch, TEXT_ROWS):
            cells: list = []
            for index, name in enumerate(self.names):
                cells += [","] if index else []
                cells.append(_csv_cells(piece[name], alone))
            self.sink.write(row_text([*cells, "\n"]))
            self.rows += piece.num_rows

    def close(self) -> None:
        pass


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
    schema["fields"] = [published_field(fdesc) for fdesc in schema["fields"]]
    for fdesc in schema["fields"]:
        fdesc.pop("x-source", None)
    if "" not in schema.get("missingValues", [""]):
        schema["missingValues"] = ["", *schema["missingValues"]]
    return schema


def external_keys(res: ResourceDecl, local_resources: set[str]) -> list[dict]:
    return [
        fk
        for fk in res.schema.get("foreignKeys", [])
        if fk["reference"].get("resource", "") not in ("", *local_resources)
    ]


def resource_entries(
    res: ResourceDecl, files: Mapping[str, FileInfo], local: set[str]
) -> list[dict]:
    schema = published_schema(res, local)
    entries = []
    for suffix, fmt, media in (("csv", "csv", "text/csv"), ("json", "json", "application/json")):
        name = f"{res.name}.{suffix}"
        info = files[name]
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
            "bytes": info.bytes,
            "hash": info.hash,
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
