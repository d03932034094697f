"""Walk a table given as one frame or as an iterable of frames, in slices of bounded size, so
that a writer's working memory does not grow with the table."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pandas as pd

Frames = pd.DataFrame | Iterable[pd.DataFrame]
SLICE_ROWS = 16_384


def slices(frames: Frames, size: int = SLICE_ROWS) -> Iterator[pd.DataFrame]:
    for frame in [frames] if isinstance(frames, pd.DataFrame) else frames:
        for start in range(0, len(frame), size):
            yield frame.iloc[start : start + size]
