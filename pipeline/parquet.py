"""Typed Parquet copy of a published table.

Input: the normalised text of the table, exactly as written to the CSV (ISO dates, ``true`` /
``false``, canonical numbers, empty string for missing), in primary-key order, as one frame or
an iterable of frames (pandas, or Arrow batches), or pushed piece by piece to a
:class:`ParquetSink`; and the table's Table Schema. Columns are typed from the schema:

========================  ===========================================================
Table Schema              Parquet (Arrow)
========================  ===========================================================
integer, year             int64, or decimal128(P, 0) (decimal256 beyond 38 digits) when
                          the field declares ``"x-parquet-decimal": {"precision": P,
                          "scale": 0}``: integers beyond 64 bits
number                    float64, or decimal128(P, S) when the field declares
                          ``"x-parquet-decimal": {"precision": P, "scale": S}``
date                      date32
datetime                  timestamp[us, UTC] (a value without offset is UTC, as in
                          Table Schema)
boolean                   bool
string and every other    string (codes keep their leading zeros; time, yearmonth,
type                      duration, geopoint, object, array, list, geojson, any are
                          kept as text)
========================  ===========================================================

Bytes are deterministic: fixed writer options (zstd level 9, format 2.6, dictionary
encoding, statistics), row groups of a fixed number of rows whatever the input batching (one
row group below that size), no pandas metadata, and the published Table Schema as canonical
JSON under the ``table_schema`` key of the file's key-value metadata. The footer's
``created_by`` names the pyarrow version: another pyarrow gives other bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.errors import ConfigError, DataError
from pipeline.frames import Frames, slices

MEDIATYPE = "application/vnd.apache.parquet"
SCHEMA_KEY = b"table_schema"
DECIMAL_KEY = "x-parquet-decimal"
ROW_GROUP_ROWS = 1 << 17  # 131 072 rows: every table of the repository is one row group
WRITER_OPTIONS = {
    "compression": "zstd",
    "compression_level": 9,
    "version": "2.6",
    "data_page_version": "1.0",
    "use_dictionary": True,
    "write_statistics": True,
    "store_schema": False,  # no Arrow IPC copy of the schema: the Parquet types say it all
}
TEXT_TYPES = (
    "time",
    "yearmonth",
    "duration",
    "geopoint",
    "geojson",
    "object",
    "array",
    "list",
    "any",
)
_ZONE = r"(Z|[+-]\d{2}:?\d{2})$"


def schema_json(schema: dict) -> str:
    """The canonical JSON stored in the file (sorted keys, no spaces)."""
    return json.dumps(schema, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def decimal_problem(fdesc: dict) -> str | None:
    """What is wrong with the field's ``x-parquet-decimal`` (French, without the field's name),
    or None when it is absent or right. Checked when the schema is loaded
    (:mod:`pipeline.sql.support`) and again when the Parquet type is made."""
    if DECIMAL_KEY not in fdesc:
        return None
    decimal = fdesc[DECIMAL_KEY]
    integer = fdesc.get("type", "string") in ("integer", "year")
    precision = decimal.get("precision") if isinstance(decimal, dict) else None
    scale = decimal.get("scale") if isinstance(decimal, dict) else None
    most = 76 if integer else 38
    if (
        isinstance(decimal, dict)
        and set(decimal) == {"precision", "scale"}
        and type(precision) is int
        and type(scale) is int
        and 1 <= precision <= most
        and (scale == 0 if integer else 0 <= scale <= precision)
    ):
        return None
    rule = f"1 ≤ P ≤ {most} et S = 0" if integer else "1 ≤ P ≤ 38 et 0 ≤ S ≤ P"
    found = json.dumps(decimal, ensure_ascii=False)
    return f'« {DECIMAL_KEY} » doit valoir {{"precision": P, "scale": S}} avec {rule} (ici {found})'


def _decimal(fdesc: dict, where: str) -> pa.DataType:
    problem = decimal_problem(fdesc)
    if problem is not None:
        raise ConfigError(f"{where}, champ « {fdesc.get('name')} » : {problem}.")
    decimal = fdesc[DECIMAL_KEY]
    precision, scale = decimal["precision"], decimal["scale"]
    return (pa.decimal128 if precision <= 38 else pa.decimal256)(precision, scale)


def arrow_type(fdesc: dict, where: str = "schéma") -> pa.DataType:
    ftype = fdesc.get("type", "string")
    if ftype in ("integer", "year"):
        return pa.int64() if fdesc.get(DECIMAL_KEY) is None else _decimal(fdesc, where)
    if ftype == "number":
        if fdesc.get(DECIMAL_KEY) is None:
            return pa.float64()
        return _decimal(fdesc, where)
    if ftype == "date":
        return pa.date32()
    if ftype == "datetime":
        return pa.timestamp("us", tz="UTC")
    if ftype == "boolean":
        return pa.bool_()
    return pa.string()


def arrow_schema(schema: dict, where: str = "schéma") -> pa.Schema:
    return pa.schema([pa.field(f["name"], arrow_type(f, where)) for f in schema["fields"]])


def _text(values: pd.Series | pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pd.Series):
        values = pa.Array.from_pandas(values.astype("str"), type=pa.large_string())
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values.cast(pa.string())


def _column(values: pd.Series | pa.Array, fdesc: dict, target: pa.DataType) -> pa.Array:
    text = _text(values)
    missing = pc.or_kleene(pc.is_null(text), pc.equal(text, ""))
    text = pc.if_else(missing, pa.scalar(None, pa.string()), text)
    if pa.types.is_string(target):
        return text
    if pa.types.is_timestamp(target):
        naive = pc.invert(pc.match_substring_regex(text, _ZONE))
        text = pc.if_else(naive, pc.binary_join_element_wise(text, "Z", ""), text)
    try:
        return pc.cast(text, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        hint = ""
        if target == pa.int64():
            hint = (
                f" ; un entier de plus de 64 bits demande de déclarer sur le champ "
                f'« {DECIMAL_KEY} »: {{"precision": P, "scale": 0}} (P chiffres, au plus 76)'
            )
        raise DataError(
            f"Champ « {fdesc['name']} » : une valeur publiée ne se convertit pas en {target} "
            f"pour le fichier Parquet ({exc}){hint}."
        ) from None


Text = pd.DataFrame | pa.RecordBatch | pa.Table


def to_arrow(text: Text, schema: dict, target: pa.Schema | None = None) -> pa.Table:
    """One frame (or Arrow batch) of published text as a typed Arrow table (no pandas
    metadata)."""
    target = target or arrow_schema(schema)
    arrays = [
        _column(text[fdesc["name"]], fdesc, target.field(fdesc["name"]).type)
        for fdesc in schema["fields"]
    ]
    return pa.Table.from_arrays(arrays, schema=target)


class ParquetSink:
    """The typed table written to ``sink`` as its pieces of published text arrive
    (:meth:`write`), in row groups of exactly ``row_group_rows`` rows (the last one shorter)
    whatever the sizes of the pieces, each combined into one chunk per column before it is
    written, so that the bytes do not depend on how the rows were batched. At most one row
    group is held in memory (and, while it is combined, one more column)."""

    def __init__(
        self,
        schema: dict,
        sink: str | Path | BinaryIO,
        *,
        where: str = "schéma",
        row_group_rows: int = ROW_GROUP_ROWS,
    ):
        self.schema = schema
        self.target = arrow_schema(schema, where)
        self.size = row_group_rows
        self.rows = 0
        self._columns: list[list[pa.Array]] = [[] for _ in self.target]
        self._count = 0
        self._writer = pq.ParquetWriter(sink, self.target, **WRITER_OPTIONS)

    def write(self, text: Text) -> None:
        for piece in slices(text):
            table = to_arrow(piece, self.schema, self.target)
            while table.num_rows:
                take = min(self.size - self._count, table.num_rows)
                for pending, column in zip(self._columns, table.columns, strict=True):
                    pending.extend(column.slice(0, take).chunks)
                self._count += take
                table = table.slice(take)
                if self._count == self.size:
                    self._flush()

    def _flush(self) -> None:
        arrays = []
        for pending in self._columns:
            arrays.append(pa.concat_arrays(pending) if len(pending) != 1 else pending[0])
            pending.clear()  # the pieces of this column are freed before the next is combined
        group = pa.Table.from_arrays(arrays, schema=self.target)
        self._writer.write_table(group, row_group_size=self.size)
        self.rows += group.num_rows
        self._count = 0

    def close(self) -> int:
        """Write the last row group and the footer; returns the number of rows."""
        if self._count:
            self._flush()
        self._writer.add_key_value_metadata({SCHEMA_KEY.decode(): schema_json(self.schema)})
        self._writer.close()
        return self.rows


def write_parquet(
    frames: Frames,
    schema: dict,
    sink: str | Path | BinaryIO,
    *,
    where: str = "schéma",
    row_group_rows: int = ROW_GROUP_ROWS,
) -> int:
    """Write the typed table to ``sink``; returns the number of rows."""
    writer = ParquetSink(schema, sink, where=where, row_group_rows=row_group_rows)
    for piece in slices(frames):
        writer.write(piece)
    return writer.close()


def parquet_bytes(frames: Frames, schema: dict, *, where: str = "schéma") -> bytes:
    sink = pa.BufferOutputStream()
    write_parquet(frames, schema, sink, where=where)
    return sink.getvalue().to_pybytes()


def check_parquet(path: Path, schema: dict) -> tuple[list[str], pa.Table | None]:
    """Problems with the file's structure against ``schema`` (columns, types, embedded
    schema), and the table read back when it could be read."""
    try:
        parquet = pq.ParquetFile(path)
        table = parquet.read()
    except (pa.ArrowException, OSError) as exc:
        return [f"fichier Parquet illisible ({exc})"], None
    problems = []
    try:
        expected = arrow_schema(schema)
    except ConfigError as exc:
        return [str(exc)], table
    got = [(f.name, str(f.type)) for f in table.schema]
    want = [(f.name, str(f.type)) for f in expected]
    if got != want:
        problems.append(
            "colonnes ou types différents du schéma : "
            + ", ".join(f"{n} {t}" for n, t in got)
            + " au lieu de "
            + ", ".join(f"{n} {t}" for n, t in want)
        )
    stored = (parquet.metadata.metadata or {}).get(SCHEMA_KEY)
    if stored is None:
        problems.append("schéma absent des métadonnées du fichier (clé table_schema)")
    elif _stored_schema(stored) != json.loads(schema_json(schema)):
        problems.append("le schéma enregistré dans le fichier diffère de celui du descripteur")
    return problems, table


def _stored_schema(stored: bytes) -> object:
    """The Table Schema kept in a Parquet file's metadata, or None when it is not readable
    JSON (or JSON :func:`pipeline.jsondepth.loads` refuses)."""
    from pipeline.jsondepth import loads

    try:
        return loads(stored.decode("utf-8"))
    except ValueError:
        return None
