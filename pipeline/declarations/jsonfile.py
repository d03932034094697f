"""JSON declaration files: read them (UTF-8, syntax errors in French with their line), and
find the line of a JSON path (``resources[0].source.path``) in their text, so that a problem
can be annotated on that line of a pull request."""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from json.decoder import scanstring

from pipeline.jsondepth import Refused, loads

JsonPath = tuple[str | int, ...]

_NAME = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$-]*$")
_STEP = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]|\[\"((?:[^\"\\]|\\.)*)\"\]")
_WS = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null")
# what pipeline.jsondepth refuses, said of a declaration file
REFUSED_FR = {
    "too-deep": "le fichier n'est pas un JSON accepté : {why} les uns dans les autres",
    "number-too-long": "le fichier n'est pas un JSON accepté : {why}",
    "not-a-number": "le fichier n'est pas un JSON valide : {why}",
}
# json's messages, in French, with what usually causes them.
SYNTAX_FR = {
    "Expecting value": "valeur attendue (fichier vide ou tronqué, ou virgule en trop avant "
    "« ] » ou « } » ?)",
    "Expecting property name enclosed in double quotes": "nom de clé entre guillemets "
    'doubles attendu (virgule en trop avant « } », ou clé écrite sans " ?)',
    "Expecting ',' delimiter": "virgule attendue entre deux éléments (virgule oubliée, ou "
    "fichier tronqué ?)",
    "Expecting ':' delimiter": "deux-points attendus entre une clé et sa valeur",
    "Unterminated string starting at": "texte non terminé : guillemet fermant manquant",
    "Invalid control character at": "caractère de contrôle (tabulation, retour à la ligne) "
    "dans un texte : écrivez \\t ou \\n",
    "Invalid \\escape": "barre oblique inverse non valide dans un texte : doublez-la "
    "(écrivez \\\\d pour \\d dans une expression régulière)",
    "Extra data": "contenu après la fin du document JSON (accolade fermante en trop ?)",
}


def format_path(path: JsonPath) -> str:
    """``("resources", 0, "source", "path")`` -> ``resources[0].source.path``."""
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        elif _NAME.match(step):
            out += f".{step}" if out else step
        else:
            out += "[" + json.dumps(step, ensure_ascii=False) + "]"
    return out


def parse_path(text: str) -> JsonPath:
    """The inverse of :func:`format_path` (``fields[3].constraints.pattern``)."""
    steps: list[str | int] = []
    for name, index, quoted in _STEP.findall(text):
        if index:
            steps.append(int(index))
        elif quoted:
            steps.append(json.loads(f'"{quoted}"'))
        else:
            steps.append(name)
    return tuple(steps)


@dataclass
class Located:
    """Where each value of a JSON text starts: the line of its key (object members) or of the
    value itself (array items, the root), and the keys written twice in one object."""

    lines: dict[JsonPath, int] = field(default_factory=dict)
    duplicates: list[JsonPath] = field(default_factory=list)

    def line(self, path: JsonPath) -> int:
        """The line of ``path``, or of its nearest ancestor present in the text."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1


class _Locator:
    def __init__(self, text: str):
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.found = Located()

    def line(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos)

    def skip(self, pos: int) -> int:
        return _WS.match(self.text, pos).end()  # type: ignore[union-attr]

    def value(self, pos: int, path: JsonPath, line: int) -> int:
        pos = self.skip(pos)
        self.found.lines.setdefault(path, line)
        char = self.text[pos]
        if char == "{":
            return self.members(pos + 1, path)
        if char == "[":
            return self.items(pos + 1, path)
        if char == '"':
            return scanstring(self.text, pos + 1)[1]
        match = _SCALAR.match(self.text, pos)
        if match is None:
            raise ValueError(pos)
        return match.end()

    def members(self, pos: int, path: JsonPath) -> int:
        seen: set[str] = set()
        pos = self.skip(pos)
        if self.text[pos] == "}":
            return pos + 1
        while True:
            pos = self.skip(pos)
            line = self.line(pos)
            key, pos = scanstring(self.text, pos + 1)
            child = (*path, key)
            if key in seen:
                self.found.duplicates.append(child)
            seen.add(key)
            pos = self.skip(pos) + 1  # ':'
            pos = self.skip(self.value(pos, child, line))
            if self.text[pos] == "}":
                return pos + 1
            pos += 1  # ','

    def items(self, pos: int, path: JsonPath) -> int:
        pos = self.skip(pos)
        if self.text[pos] == "]":
            return pos + 1
        index = 0
        while True:
            pos = self.skip(pos)
            pos = self.skip(self.value(pos, (*path, index), self.line(pos)))
            index += 1
            if self.text[pos] == "]":
                return pos + 1
            pos += 1  # ','


def locate(text: str) -> Located:
    """The lines of every value of ``text`` (already known to be valid JSON)."""
    locator = _Locator(text)
    try:
        start = locator.skip(0)
        locator.value(start, (), locator.line(start))
    except (ValueError, IndexError):  # not valid JSON after all: what was found so far
        pass
    return locator.found


@dataclass
class JsonText:
    """A declaration file read as text: its parsed value (None when unreadable), its text,
    and the problems that kept it from being read: (line, French message)."""

    value: object = None
    text: str = ""
    error: tuple[int | None, str] | None = None
    repeated_keys: bool = False  # some object writes a key twice (see Located.duplicates)
    _located: Located | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def located(self) -> Located:
        if self._located is None:
            self._located = locate(self.text)
        return self._located


def read_json(data: bytes) -> JsonText:
    """Decode (UTF-8, with or without BOM) and parse a declaration file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex().upper()
        guess = ""
        try:
            data.decode("cp1252")
            guess = " ; il a sans doute été enregistré en Windows-1252 (cp1252)"
        except UnicodeDecodeError:
            pass
        return JsonText(
            error=(
                line,
                f"le fichier n'est pas encodé en UTF-8 (octet 0x{byte} ligne {line}){guess} : "
                "réenregistrez-le en UTF-8",
            )
        )
    try:
        repeated: list[bool] = []
        value = loads(text, object_pairs_hook=lambda p: _object(p, repeated))
    except Refused as exc:
        return JsonText(text=text, error=(exc.line, REFUSED_FR[exc.kind].format(why=exc.why)))
    except json.JSONDecodeError as exc:
        if not text.strip():
            return JsonText(
                text=text, error=(1, "le fichier est vide : il doit contenir un objet JSON { … }")
            )
        msg = SYNTAX_FR.get(exc.msg, exc.msg)
        return JsonText(
            text=text,
            error=(
                exc.lineno,
                f"le fichier n'est pas un JSON valide (colonne {exc.colno}) : {msg}",
            ),
        )
    return JsonText(value=value, text=text, repeated_keys=bool(repeated))


def _object(pairs: list[tuple[str, object]], repeated: list[bool]) -> dict:
    found = dict(pairs)
    if len(found) != len(pairs):
        repeated.append(True)
    return found
