"""Whether a file declared as CSV holds text at all, from its first bytes: a gzip or ZIP
archive, a spreadsheet saved under a ``.csv`` name, UTF-16 text, or binary data gets one
``format-error`` naming what it looks like, instead of the findings of reading it as text
(an undecodable byte, a header that seems to use another delimiter).

A few control characters or a stray NUL in a cell stay the ``control-character`` finding of
that cell, and text in a legacy 8-bit encoding stays an ``encoding-error``: only a head
largely made of control bytes and undecodable sequences is called binary."""

from __future__ import annotations

import zipfile
from pathlib import Path

from pipeline.engine.encoding import codec
from pipeline.engine.source import DELIMITER_NAMES, Fatal, Reporter

HEAD = 1 << 16
CONTROL_SHARE = 0.05  # control bytes (not tab, LF, CR, FF) among the head's bytes
BINARY_SHARE = 0.1  # control bytes and undecodable sequences among the head's bytes
CONTROLS = bytes(b for b in range(32) if b not in b"\t\n\r\f")

UNPACK = "Décompressez-le et déposez à sa place le fichier CSV qu'il contient."
RESAVE = (
    "Ouvrez-le dans le tableur et enregistrez-le au format « CSV UTF-8 » (séparateur "
    "« {delimiter} »)"
)
REEXPORT = (
    "Vérifiez que c'est bien le fichier attendu et exportez-le de nouveau depuis le tableur "
    "(« CSV UTF-8 », séparateur « {delimiter} »)."
)
COMPRESSED = {  # magic number -> what the file is
    b"\x1f\x8b": "un fichier compressé gzip",
    b"BZh": "un fichier compressé bzip2",
    b"\xfd7zXZ\x00": "un fichier compressé xz",
    b"7z\xbc\xaf\x27\x1c": "une archive 7-Zip",
    b"Rar!\x1a\x07": "une archive RAR",
}
OTHER = {
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": ("un classeur Excel 97-2003 (XLS){saved}", RESAVE + "."),
    b"%PDF-": ("un document PDF", REEXPORT),
    b"PAR1": ("un fichier Parquet", REEXPORT),
    b"SQLite format 3\x00": ("une base SQLite", REEXPORT),
}
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF16_ADVICE = (
    "Réenregistrez-le en UTF-8 (dans le tableur : « CSV UTF-8 », séparateur « {delimiter} »)."
)


def zip_kind(path: Path) -> tuple[str, str]:
    """What a ZIP container holds: an XLSX or ODS workbook, a Word document, an archive."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError):
        names, mimetype = [], b""
    if any(n.startswith("xl/") for n in names):
        return (
            "un classeur XLSX{saved}",
            RESAVE + ", ou renommez-le en .xlsx et déclarez ce chemin avec "
            '"format": "xlsx" dans schemas/{dataset}/dataset.json.',
        )
    if b"opendocument.spreadsheet" in mimetype:
        return "un classeur OpenDocument (ODS){saved}", RESAVE + "."
    if any(n.startswith("word/") for n in names) or b"opendocument.text" in mimetype:
        return "un document de traitement de texte{saved}", REEXPORT
    return "une archive ZIP", UNPACK


UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


def _utf32(head: bytes) -> bool:
    """UTF-32 text: a byte-order mark (whose first bytes are UTF-16's), or three NUL bytes
    in every four (ASCII in UTF-32)."""
    if head.startswith(UTF32_BOMS):
        return True
    quads = len(head) // 4
    if quads < 2:
        return False
    zeros = sorted(head[i : 4 * quads : 4].count(0) for i in range(4))
    return zeros[1] >= 0.9 * quads and zeros[0] <= 0.05 * quads


def _utf16(head: bytes) -> bool:
    """UTF-16 text: a byte-order mark, or NUL bytes on every other byte (ASCII in UTF-16)."""
    if head.startswith(UTF16_BOMS):
        return True
    pairs = len(head) // 2
    if pairs < 2:
        return False
    even, odd = head[0 : 2 * pairs : 2].count(0), head[1 : 2 * pairs : 2].count(0)
    return max(even, odd) >= 0.3 * pairs and min(even, odd) <= 0.05 * pairs


def _undecodable(head: bytes, name: str) -> int:
    """How many sequences of ``head`` the codec ``name`` cannot decode (a character cut by
    the end of the head aside)."""
    text = head.decode(name, errors="replace")
    bad = text.count("\ufffd") - text.endswith("\ufffd")
    return bad - head.count("\ufffd".encode()) if name.startswith("utf-8") else bad


def _binary(head: bytes, name: str) -> bool:
    """Random bytes hold about 11 % of control bytes and, read as UTF-8, far more
    undecodable sequences; text, even in a legacy encoding with a control character on
    every line, holds a few."""
    controls = len(head) - len(head.translate(None, CONTROLS))
    if not controls or controls < CONTROL_SHARE * len(head):
        return False
    return controls + _undecodable(head, name) >= BINARY_SHARE * len(head)


def not_text(path: Path, declared: str) -> tuple[str, str] | None:
    """(what the file looks like, what to do) when a file declared as CSV in encoding
    ``declared`` is not text, else None. Both are French, with ``{saved}``, ``{dataset}``
    and ``{delimiter}`` left to fill."""
    with path.open("rb") as handle:
        head = handle.read(HEAD)
    for magic, what in COMPRESSED.items():
        if head.startswith(magic):
            return what, UNPACK
    if head.startswith(b"PK\x03\x04"):
        return zip_kind(path)
    for magic, kind in OTHER.items():
        if head.startswith(magic):
            return kind
    name = codec(declared) or "utf-8"
    if name.startswith(("utf-16", "utf-32")):
        return None  # NUL bytes are that encoding's
    if _utf32(head):
        return "du texte encodé en UTF-32", UTF16_ADVICE
    if _utf16(head):
        return "du texte encodé en UTF-16", UTF16_ADVICE
    if _binary(head, name):
        return "un fichier binaire, pas du texte", REEXPORT
    return None


def diagnosis(path: Path, dialect: dict, dataset: str) -> dict[str, str] | None:
    """``what`` the CSV file ``path`` looks like and the ``advice`` to follow, in French,
    when it is not text (None when it is)."""
    found = not_text(path, dialect.get("encoding", "utf-8"))
    if found is None:
        return None
    saved = f" enregistré avec l'extension {path.suffix}" if path.suffix else ""
    delimiter = dialect.get("delimiter", ",")
    fill = {
        "saved": saved,
        "dataset": dataset,
        "delimiter": DELIMITER_NAMES.get(delimiter, delimiter),
    }
    what, advice = (part.format(**fill) for part in found)
    return {"what": what, "advice": advice}


def refuse_not_text(path: Path, dialect: dict, report: Reporter, dataset: str) -> None:
    """Raise :class:`Fatal` with one ``format-error`` when the CSV file ``path`` is not
    text."""
    found = diagnosis(path, dialect, dataset)
    if found is not None:
        raise Fatal([report("format-error", **found)])
