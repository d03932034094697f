"""Paths and raw-file dialects. Every path a declaration names stays inside the repository (no
absolute path, no ``..`` and no symbolic link leading out of it) and names an existing file;
a dialect names a text encoding the pipeline reads (:func:`encoding_problem`), one-character
separators that differ, a date format DuckDB reads back, and a format that matches the file."""

from __future__ import annotations

import codecs
import difflib
import warnings
from collections.abc import Callable
from pathlib import Path

from pipeline.declarations.jsonfile import JsonPath
from pipeline.declarations.values import Engine

Report = Callable[[JsonPath, str], None]
EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx"}


def inside(root: Path, base: Path, rel: object, path: JsonPath, report: Report) -> Path | None:
    """The file ``rel`` names (relative to ``base``), if it stays inside ``root`` and exists;
    otherwise the problem is reported and None returned."""
    if not isinstance(rel, str) or not rel:
        return None
    in_folder = base != root
    relative = "au dossier du jeu" if in_folder else "à la racine du dépôt"
    home = "dans le dossier du jeu" if in_folder else "dans data/raw/"
    if Path(rel).is_absolute() or rel.startswith(("~", "file:")) or ":" in rel[:3]:
        example = "un nom de fichier du dossier du jeu" if in_folder else "« data/raw/export.csv »"
        report(
            path,
            f"chemin absolu « {rel} » refusé : écrivez un chemin relatif {relative} (par exemple "
            f"{example}), vers un fichier du dépôt",
        )
        return None
    if any(ord(char) < 32 or ord(char) == 127 for char in rel):
        report(path, f"{rel!r} : caractère de contrôle dans un chemin de fichier (à retirer)")
        return None
    if "\\" in rel:
        report(
            path,
            f"« {rel} » : séparez les dossiers par « / », pas « \\ » (par exemple « data/raw/export.csv »)",
        )
        return None
    full = base / rel
    resolved = full.resolve()
    if not resolved.is_relative_to(root.resolve()):
        how = "un lien symbolique" if ".." not in Path(rel).parts else "« .. »"
        report(
            path,
            f"« {rel} » sort du dépôt (par {how}) : le pipeline ne lit que des fichiers du dépôt ; "
            f"copiez le fichier {home} et déclarez ce chemin",
        )
        return None
    if not resolved.exists():
        where = "le dossier du jeu" if in_folder else "la racine du dépôt"
        report(path, f"fichier « {rel} » introuvable (depuis {where}){_close(full)}")
        return None
    if not resolved.is_file():
        report(path, f"« {rel} » n'est pas un fichier : indiquez le chemin d'un fichier")
        return None
    return full


def _close(full: Path) -> str:
    """' ; fichiers proches : « a.csv »' when the folder holds similar names."""
    try:
        names = [p.name for p in full.parent.iterdir() if p.is_file()]
    except OSError:
        return " : vérifiez le chemin"
    close = difflib.get_close_matches(full.name, names, n=3, cutoff=0.6)
    if close:
        return " ; fichier(s) proche(s) dans ce dossier : " + ", ".join(f"« {n} »" for n in close)
    return " : vérifiez le chemin"


def check_source(
    root: Path, source: dict, path: JsonPath, engine: Engine, report: Report
) -> Path | None:
    """A resource's ``source`` (already of the right shape); the raw file, when it is a
    file inside the repository."""
    file = inside(root, root, source.get("path"), (*path, "path"), report)
    fmt = source.get("format", "csv")
    if file is not None:
        expected = EXTENSIONS.get(file.suffix.lower())
        if file.suffix.lower() == ".xls":
            report(
                (*path, "path"),
                "le format XLS (Excel 97-2003) n'est pas lu : déclarez le fichier enregistré en "
                "XLSX, ou un export CSV",
            )
        elif expected and expected != fmt:
            report(
                (*path, "format"),
                f"le fichier « {file.name} » est un {expected.upper()} : écrivez "
                f'"format": "{expected}"',
            )
    if fmt != "xlsx" and source.get("headerRow", 1) != 1:
        report(
            (*path, "headerRow"),
            "« headerRow » ne vaut que pour un fichier XLSX ; l'en-tête d'un CSV est sa ligne 1 : "
            "retirez cette clé",
        )
    if fmt != "xlsx" and "sheet" in source:
        report((*path, "sheet"), "« sheet » ne vaut que pour un fichier XLSX : retirez cette clé")
    raw = source.get("path") if isinstance(source.get("path"), str) else None
    check_dialect(source.get("dialect") or {}, (*path, "dialect"), engine, report, raw)
    return file


# ASCII bytes, with the escapes of the codecs that would read them as something else
# (unicode_escape, raw_unicode_escape, UTF-7, IDNA's xn-- labels).
ASCII_SAMPLE = bytes(range(128)) + b"\\u0041 \\x41 \\n +AGE- xn--caf-dma"
ENCODINGS_HINT = "écrivez « utf-8 », « cp1252 » ou « latin-1 » selon le fichier"


def encoding_problem(name: str, raw: str | None = None) -> str | None:
    """What keeps ``name`` from being a raw file's encoding, in French, or None. The rule
    allows rather than refuses: a codec Python's registry reports as a text encoding whose
    ASCII bytes read back as the same text, and the text as the same bytes. This is what
    the streaming transcoder and the line count of findings rely on (a line break is the
    byte 0x0A). It keeps out UTF-16 and UTF-32, UTF-7, EBCDIC, idna, punycode,
    unicode_escape and the bytes-to-bytes codecs (base64, rot13, zlib…)."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        return f"encodage « {name} » inconnu : {ENCODINGS_HINT}"
    file = f"le fichier « {raw} »" if raw else "le fichier"
    if getattr(info, "_is_text_encoding", True):
        text = ASCII_SAMPLE.decode("ascii")
        try:
            with warnings.catch_warnings():  # unicode_escape warns of invalid escapes
                warnings.simplefilter("ignore")
                decoder = codecs.getincrementaldecoder(info.name)()
                read = decoder.decode(ASCII_SAMPLE) + decoder.decode(b"", final=True)
                written = text.encode(info.name).removeprefix(codecs.BOM_UTF8)
        except Exception:  # a codec may raise anything on bytes it was not made for
            read, written = None, None
        if read == text and written == ASCII_SAMPLE:
            return None
    if info.name.startswith(("utf-16", "utf-32")):
        return (
            f"encodage « {name} » non lu par le pipeline (deux ou quatre octets par caractère) : "
            f"réenregistrez {file} en UTF-8 et écrivez « utf-8 » (ou « cp1252 », « latin-1 »)"
        )
    return (
        f"« {name} » n'est pas un encodage de fichier texte que le pipeline lit (il ne relit pas "
        f"les caractères ASCII tels quels) : {ENCODINGS_HINT} ; au besoin, réenregistrez {file} "
        "en UTF-8"
    )


def check_dialect(
    dialect: dict, path: JsonPath, engine: Engine, report: Report, raw: str | None = None
) -> None:
    """``raw``: the raw file the dialect reads, for the messages."""
    name = dialect.get("encoding")
    if isinstance(name, str):
        problem = encoding_problem(name, raw)
        if problem:
            report((*path, "encoding"), problem)
    delimiter, quote = dialect.get("delimiter", ","), dialect.get("quoteChar", '"')
    if delimiter in ("\n", "\r"):
        report((*path, "delimiter"), "un retour à la ligne ne peut pas séparer les colonnes")
    elif delimiter == quote:
        report(
            (*path, "delimiter"),
            f"le séparateur et le caractère de citation sont tous deux « {quote} » : ils doivent "
            "différer",
        )
    decimal, group = dialect.get("decimalChar", "."), dialect.get("groupChar", "")
    if group and decimal == group:
        report(
            (*path, "groupChar"),
            f"séparateur décimal et séparateur des milliers identiques (« {group} ») : ils "
            "doivent différer",
        )
    fmt = dialect.get("dateFormat")
    if isinstance(fmt, str):
        problem = engine.date_format_problem(fmt)
        if problem:
            report((*path, "dateFormat"), problem)
