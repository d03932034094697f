"""Where each record of a CSV file starts: one streaming pass over the bytes with numpy. A
line feed ends a record unless it falls inside quotes (an odd number of quote characters
before it; a doubled quote counts twice). DuckDB skips blank lines: the pass lists them,
with the records made only of delimiters (``,,,,``: a row of empty cells, as spreadsheets
leave at the end of an export), which the direct scan leaves out (:func:`csv_scan`).

This gives the physical line of every record without asking DuckDB for more than the records
themselves; the scan then checks that DuckDB read as many records as were found here (a stray
quote inside an unquoted cell makes them differ, and the exact reader takes over)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

CHUNK = 1 << 24
LF, CR = 10, 13


@dataclass
class Layout:
    starts: np.ndarray  # line where each non-blank record starts (record 0: the header)
    blank_lines: list[int] = field(default_factory=list)  # lines of blank records
    lines: int = 0  # lines in the file
    new_line: str | None = "\\n"  # DuckDB's new_line option; None: only the exact reader
    cr_check: bool = False  # the scan must verify that no record ends with a CR
    cr_ends: np.ndarray | None = None  # byte offsets of the CRs ending records (CRLF files)
    controls: bool = False  # the file holds a control character (see :func:`has_controls`)
    longest: int = 0  # bytes of the longest record: no cell holds more characters
    stray_quote: bool = False  # a quote inside a cell's text (see :func:`_stray`)

    @property
    def trailing_blank(self) -> list[int]:
        """Blank lines after the last record."""
        last = int(self.starts[-1]) if len(self.starts) else 0
        return [line for line in self.blank_lines if line > last]


# Invisible characters a cell may not hold beyond C0 controls, as UTF-8: the C1 controls
# U+0080-U+009F (C2 80-9F, mostly cp1252 text read as latin-1), U+2028 and U+2029 (line
# and paragraph separators) and the bidirectional controls U+202A-U+202E and U+2066-U+2069,
# which make a cell display other than it reads ("Trojan Source").
HIDDEN = (
    [bytes((0xC2, b)) for b in range(0x80, 0xA0)]
    + [bytes((0xE2, 0x80, b)) for b in range(0xA8, 0xAF)]
    + [bytes((0xE2, 0x81, b)) for b in range(0xA6, 0xAA)]
)


def _controls(arr: np.ndarray, chunk: bytes, line_ends: int, head: bytes) -> bool:
    """Whether a chunk of UTF-8 holds a C0 control other than tab, LF and CR, DEL, or one of
    :data:`HIDDEN` (``line_ends``: its LF and CR bytes; ``head``: the previous chunk's last
    two bytes then this one's first two, for a character cut in two). A few vector
    operations, so that when a file holds none (nearly always) the per-cell checks are left
    out."""
    below = int(np.count_nonzero(arr < 32))
    if below > line_ends and below - line_ends - chunk.count(b"\t"):
        return True
    if b"\x7f" in chunk:  # memchr: far cheaper than a vector comparison
        return True
    # their lead bytes are C2 and E2 (equal but for bit 5): only those few are looked at
    lead = np.flatnonzero((arr[:-1] & 0xDF) == 0xC2)
    if len(lead):
        one, two = arr[lead + 1], arr[np.minimum(lead + 2, len(arr) - 1)]
        c2 = arr[lead] == 0xC2
        c1 = c2 & (one >= 0x80) & (one <= 0x9F)
        e2 = ~c2 & (
            ((one == 0x80) & (two >= 0xA8) & (two <= 0xAE))
            | ((one == 0x81) & (two >= 0xA6) & (two <= 0xA9))
        )
        if np.any(c1 | e2):
            return True
    return any(sequence in head for sequence in HIDDEN)


def has_controls(path: Path) -> bool:
    """Whether a UTF-8 file holds a control character cells may not contain (one pass)."""
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            arr = np.frombuffer(chunk, dtype=np.uint8)
            ends = chunk.count(b"\n") + (chunk.count(b"\r") if b"\r" in chunk else 0)
            if _controls(arr, chunk, ends, tail + chunk[:2]):
                return True
            tail = (tail + chunk[-2:])[-2:]  # the last two bytes read, however short the chunks
    return False


def _stray(
    arr: np.ndarray, quotes: np.ndarray, before_count: int, previous: int, bounds: tuple[int, ...]
) -> tuple[bool, bool]:
    """Whether a quote of the chunk sits inside a cell's text (``La"on``, `` "02408"``,
    ``"0240X" ``): a quote that opens a quoted cell (an even number of quotes before it) must
    follow a delimiter, a line end or a quote (the second of a doubled quote); one that
    closes it must be followed by one. Counting quotes would otherwise misplace record ends,
    and readers disagree on such cells (DuckDB trims `` "02408"``, Python's csv keeps it):
    only the exact reader reads the file. Also returns whether the chunk's last byte is a
    closing quote whose next byte, in the next chunk, must be checked."""
    opening = (before_count + np.arange(len(quotes))) % 2 == 0
    before = np.where(quotes > 0, arr[np.maximum(quotes - 1, 0)].astype(np.int16), previous)
    last = quotes + 1 >= len(arr)
    after = arr[np.minimum(quotes + 1, len(arr) - 1)]
    ok = np.where(opening, before == -1, last)  # the file's first byte; the next chunk's
    for byte in bounds:
        ok |= np.where(opening, before == byte, after == byte)
    return bool(np.any(~ok)), bool(last[-1] and not opening[-1])


def _delimiters_only(
    window: np.ndarray, base: int, begins: np.ndarray, size: int, delimiter: int
) -> np.ndarray:
    """Whether the ``size`` bytes from each of ``begins`` (file offsets; ``window`` holds
    the bytes from offset ``base`` on, those records included) are all the delimiter."""
    cells = window[(begins - base)[:, None] + np.arange(size)]
    return (cells == delimiter).all(axis=1)


def scan_layout(path: Path, quote: str = '"', delimiter: str = ",", width: int = 0) -> Layout:
    """The layout of a file of ``width`` columns: records of ``width - 1`` delimiters (a CR
    aside) are blank, like empty lines (the header must not be one)."""
    quote_byte = ord(quote) if quote else -1
    delimiter_byte = ord(delimiter) if len(delimiter) == 1 and ord(delimiter) < 128 else -1
    row = width - 1 if width > 1 and delimiter_byte >= 0 else 0  # bytes of a row of empty cells
    carry = np.zeros(0, dtype=np.uint8)  # the last bytes read
    starts: list[np.ndarray] = [np.array([1], dtype=np.int64)]
    blank: list[np.ndarray] = []
    lf_before = 0  # line feeds before the current chunk
    quotes_before = 0
    offset = 0
    last_end = -1  # byte offset of the last record end
    longest = 0
    previous_byte = -1
    cr = crlf = 0
    first_end = b""
    controls = False
    tail = b""
    cr_ends: list[np.ndarray] = []
    bounds = tuple(b for b in (delimiter_byte, LF, CR, quote_byte) if b >= 0)
    stray = pending = False  # pending: the last chunk ended with a quote after a cell's text
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            arr = np.frombuffer(chunk, dtype=np.uint8)
            lf = np.flatnonzero(arr == LF)
            crs = chunk.count(b"\r") if b"\r" in chunk else 0  # ``in``: one memchr
            cr += crs
            if crs or previous_byte == CR:
                crlf += chunk.count(b"\r\n") + int(previous_byte == CR and arr[0] == LF)
            if not first_end and len(lf):
                first_end = chunk[max(0, int(lf[0]) - 1) : int(lf[0]) + 1]
            if not controls:
                controls = _controls(arr, chunk, len(lf) + crs, tail + chunk[:2])
                tail = (tail + chunk[-2:])[-2:]  # the last two bytes read, however short the chunks
            quotes = np.flatnonzero(arr == quote_byte) if quote_byte >= 0 else lf[:0]
            if pending and int(arr[0]) not in bounds:
                stray = True
            if len(quotes) and not stray:
                stray, pending = _stray(arr, quotes, quotes_before, previous_byte, bounds)
            else:
                pending = False
            if len(quotes):
                outside = (quotes_before + np.searchsorted(quotes, lf)) % 2 == 0
            else:
                outside = np.full(len(lf), quotes_before % 2 == 0)
            index = np.flatnonzero(outside)  # record ends among this chunk's LFs
            ends = lf[index] + offset  # their byte offsets
            begin = np.concatenate(([last_end + 1], ends[:-1] + 1))
            size = ends - begin
            if len(size):
                longest = max(longest, int(size.max()))
            before_end = np.where(
                ends - 1 >= offset, arr[np.maximum(ends - 1 - offset, 0)], previous_byte
            )
            empty = (size == 0) | ((size == 1) & (before_end == CR))
            if row:
                cells = (size == row) | ((size == row + 1) & (before_end == CR))
                if cells.any():
                    window, base = arr, offset
                    if int(begin[cells].min()) < offset:  # a record begun in the last chunk
                        window, base = np.concatenate((carry, arr)), offset - len(carry)
                    empty[cells] = _delimiters_only(window, base, begin[cells], row, delimiter_byte)
            if crs:
                cr_ends.append(ends[before_end == CR] - 1)
            starts.append(index + lf_before + 2)  # the record after each end
            blank.append(empty)
            if len(ends):
                last_end = int(ends[-1])
            quotes_before += len(quotes)
            lf_before += len(lf)
            offset += len(chunk)
            previous_byte = int(arr[-1])
            if row:  # the file's last bytes, enough for a record ending in the next chunk
                carry = np.concatenate((carry, arr[-(row + 1) :]))[-(row + 1) :]
    all_starts = np.concatenate(starts)
    # blank[i] tells whether the record ending at the i-th record end is empty, i.e. the
    # record starting at all_starts[i].
    empty = np.concatenate(blank) if blank else np.zeros(0, dtype=bool)
    unended = not (offset == 0 or previous_byte == LF and last_end == offset - 1)
    if not unended:
        all_starts = all_starts[:-1]  # the file ends with a record end: nothing after it
    flags = np.zeros(len(all_starts), dtype=bool)
    flags[: min(len(empty), len(all_starts))] = empty[: len(all_starts)]
    if unended and row and offset - last_end - 1 == row and len(all_starts) > 1:
        last = np.array([last_end + 1])  # a last row of empty cells, with no line end
        flags[-1] = _delimiters_only(carry, offset - len(carry), last, row, delimiter_byte)[0]
    layout = Layout(all_starts[~flags], [int(x) for x in all_starts[flags]], controls=controls)
    layout.longest = max(longest, offset - last_end - 1)  # the last record may have no end
    layout.lines = lf_before + (0 if previous_byte in (LF, -1) else 1)
    ending = np.concatenate(cr_ends) if cr_ends else np.zeros(0, dtype=np.int64)
    layout.stray_quote = stray
    if stray:  # record ends found by counting quotes are not to be trusted
        layout.new_line = None
    elif cr == 0:
        layout.new_line = "\\n"
    elif cr > crlf:  # lone CRs: old Mac line ends, or CRs in cells; only the exact reader
        layout.new_line = None
    else:
        # Every CR is part of a CRLF. DuckDB 2.0's strict reader returns no row for CRLF
        # records: the CRs that end records are dropped in a copy read with LF records
        # (CRLFs inside quoted cells are kept, and line feeds, hence lines, do not move).
        layout.new_line = "\\n"
        layout.cr_ends = ending if len(ending) else None
    return layout


def drop_bytes(path: Path, positions: np.ndarray, dest: Path) -> Path:
    """Copy ``path`` to ``dest`` without the bytes at ``positions`` (sorted offsets),
    streaming."""
    offset = 0
    with path.open("rb") as src, dest.open("wb") as out:
        while chunk := src.read(CHUNK):
            lo, hi = np.searchsorted(positions, [offset, offset + len(chunk)])
            if hi > lo:
                arr = np.frombuffer(chunk, dtype=np.uint8)
                out.write(np.delete(arr, positions[lo:hi] - offset).tobytes())
            else:
                out.write(chunk)
            offset += len(chunk)
    return dest
