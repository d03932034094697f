"""Walk a table given as one frame or as an iterable of frames (pandas frames, or Arrow
record batches or tables), in slices of bounded size, so that a writer's working memory does
not grow with the table."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

Frame = pd.DataFrame | pa.RecordBatch | pa.Table
Frames = Frame | Iterable[Frame]
SLICE_ROWS = 16_384
TEXT_ROWS = 4_096  # rows turned into text at a time by the CSV, JSON and GeoJSON writers
# A published number text that is also a JSON number, written as-is by the JSON and GeoJSON
# writers (ASCII digits: Python's \d would take other scripts' digits too).
JSON_NUMBER = r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$"


def slices(frames: Frames, size: int = SLICE_ROWS) -> Iterator[Frame]:
    one = isinstance(frames, pd.DataFrame | pa.RecordBatch | pa.Table)
    for frame in [frames] if one else frames:
        for start in range(0, len(frame), size):
            if isinstance(frame, pd.DataFrame):
                yield frame.iloc[start : start + size]
            else:
                yield frame.slice(start, size)


def row_text(parts: list[pa.Array | str]) -> pa.Buffer:
    """The parts (columns of strings, or one string for every row) concatenated row by row,
    as the bytes of the rows one after the other: the data buffer of the Arrow strings,
    without another copy."""
    arrays = [p if isinstance(p, pa.Array) else pa.scalar(p, pa.large_string()) for p in parts]
    rows = pc.binary_join_element_wise(*arrays, pa.scalar("", pa.large_string()))
    _, offsets, data = rows.buffers()
    kind = np.int64 if pa.types.is_large_string(rows.type) else np.int32
    bounds = np.frombuffer(offsets, dtype=kind)[[rows.offset, rows.offset + len(rows)]]
    return data.slice(int(bounds[0]), int(bounds[1] - bounds[0]))
