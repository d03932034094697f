"""Walk a table given as one frame or as an iterable of frames (pandas frames, or Arrow
record batches or tables), in slices of bounded size, so that a writer's working memory does
not grow with the table."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pandas as pd
import pyarrow as pa

Frame = pd.DataFrame | pa.RecordBatch | pa.Table
Frames = Frame | Iterable[Frame]
SLICE_ROWS = 16_384


def slices(frames: Frames, size: int = SLICE_ROWS) -> Iterator[Frame]:
    one = isinstance(frames, pd.DataFrame | pa.RecordBatch | pa.Table)
    for frame in [frames] if one else frames:
        for start in range(0, len(frame), size):
            if isinstance(frame, pd.DataFrame):
                yield frame.iloc[start : start + size]
            else:
                yield frame.slice(start, size)
