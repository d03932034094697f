"""Encodings of raw files: a streaming check that the bytes agree with the declared encoding,
and a streaming transcoding to UTF-8 (DuckDB reads UTF-8 only, and its ``encodings``
extension would be downloaded at run time, which offline machines cannot do)."""

from __future__ import annotations

import codecs
from pathlib import Path

CHUNK = 1 << 22

ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "cp1252": "cp1252 (Windows-1252)",
    "latin-1": "latin-1 (ISO-8859-1)",
    "iso8859-1": "latin-1 (ISO-8859-1)",
    "iso-8859-1": "latin-1 (ISO-8859-1)",
    "iso8859-15": "ISO-8859-15",
    "iso-8859-15": "ISO-8859-15",
}


def codec(name: str) -> str | None:
    """Python's canonical name for an encoding, or None when it does not exist."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def is_utf8(name: str) -> bool:
    return (codec(name) or "").startswith("utf-8")


def label(name: str) -> str:
    return ENCODING_NAMES.get(codec(name) or name, name)


def _first_error(path: Path, codec_name: str) -> int | None:
    """Byte offset of the first sequence ``codec_name`` cannot decode, streaming the file."""
    decoder = codecs.getincrementaldecoder(codec_name)()
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeError as exc:  # UTF-16 without BOM raises a bare UnicodeError
                return offset + min(getattr(exc, "start", 0), len(chunk))
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeError:
            return offset
    return None


def _line_at(path: Path, offset: int) -> int:
    """The line of byte ``offset``, counting line ends as the exact reader does (LF, CRLF and
    a lone CR)."""
    line, done, previous = 1, 0, b""
    with path.open("rb") as handle:
        while done < offset and (chunk := handle.read(min(CHUNK, offset - done))):
            line += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
            line -= previous == b"\r" and chunk.startswith(b"\n")
            done += len(chunk)
            previous = chunk[-1:]
    return line


def _first_high_byte(path: Path) -> int | None:
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            if max(chunk) >= 0x80:
                return offset + next(i for i, b in enumerate(chunk) if b >= 0x80)
            offset += len(chunk)
    return None


def decoding(path: Path, tried: tuple[str, ...] = ("utf-8", "cp1252")) -> str:
    """The first of UTF-8 and cp1252 (what French spreadsheets save) that decodes the whole
    file, else latin-1, which decodes every byte: a file holding a byte cp1252 leaves
    undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) is never sent to cp1252. The same choice as
    ``pipeline add`` makes (:func:`pipeline.add.sniff.sniff_encoding`)."""
    for name in tried:
        if _first_error(path, name) is None:
            return name
    return "latin-1"


def check_encoding(path: Path, declared: str) -> tuple[str, int] | None:
    """(encoding found, line) when the bytes contradict the declared encoding, else None.
    The encoding found always decodes the file: declaring it ends the finding."""
    name = codec(declared) or declared
    if name.startswith("utf-8"):
        bad = _first_error(path, "utf-8")
        return None if bad is None else (decoding(path, ("cp1252",)), _line_at(path, bad))
    bad = _first_error(path, name)
    if bad is not None:
        return decoding(path), _line_at(path, bad)
    # A legacy 8-bit encoding decodes almost anything: valid UTF-8 with accented letters is
    # the tell-tale of a file saved in UTF-8 (it would read as "Ã©").
    high = _first_high_byte(path)
    if high is not None and _first_error(path, "utf-8") is None:
        return "utf-8", _line_at(path, high)
    return None


def transcode(path: Path, declared: str, dest: Path) -> Path:
    """Write ``path`` decoded from ``declared`` as UTF-8 into ``dest``, chunk by chunk
    (line breaks are single bytes in every supported encoding, so lines are unchanged)."""
    decoder = codecs.getincrementaldecoder(codec(declared) or declared)()
    with path.open("rb") as src, dest.open("wb") as out:
        while chunk := src.read(CHUNK):
            out.write(decoder.decode(chunk).encode("utf-8"))
        out.write(decoder.decode(b"", final=True).encode("utf-8"))
    return dest
