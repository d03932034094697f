"""Python regular expressions rewritten for RE2, the engine of DuckDB's ``regexp_*``, with
Python's meaning. Two users:

* :func:`translate`: Table Schema's ``pattern`` (frictionless checks
  ``re.compile("^{0}$").match(cell)``) and the expressions behind Python's ``strptime``: a
  match at the start of the text, flags and capturing groups kept; what RE2 cannot say
  exactly raises :class:`Untranslatable` with a French reason (the schema is refused).
* :func:`to_re2`: Great Expectations' regexes, which GX searches anywhere in the value
  (``re.search`` on pandas); None when not exactly rewritable, and GX runs the expectation.

The dialects differ where it matters for French data: Python's ``\\d``, ``\\w`` and ``\\s``
are Unicode classes (ASCII in RE2), written out as explicit code point ranges computed from
Python's ``re`` itself; Python's ``$`` also matches before a final newline, and is written
``(?:\\n?\\z)`` where nothing but the end can follow it; ``{,n}`` is a repetition. The
pattern is parsed by Python's own parser, so its syntax is Python's exactly. Lookarounds,
backreferences, atomic groups, possessive repeats, Unicode ``\\b`` and a ``$`` followed by
more pattern have no RE2 form."""

from __future__ import annotations

import re
import warnings
from functools import lru_cache

try:  # Python >= 3.11: the parser behind ``re`` (private, hence the guard)
    from re import _constants as c
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_constants as c  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

MAX_CODE = 0x10FFFF
SURROGATES = (0xD800, 0xDFFF)  # never in UTF-8 text
MAX_REPEAT = 1000  # RE2's largest counted repetition
ALL_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE | re.ASCII | re.UNICODE
# GX's regexes: no flag whose RE2 meaning may differ (case folding at its edges: İ, ß…)
SEARCH_FLAGS = re.UNICODE | re.VERBOSE | re.DOTALL

CATEGORIES = {
    c.CATEGORY_DIGIT: (r"\d", False),
    c.CATEGORY_NOT_DIGIT: (r"\d", True),
    c.CATEGORY_SPACE: (r"\s", False),
    c.CATEGORY_NOT_SPACE: (r"\s", True),
    c.CATEGORY_WORD: (r"\w", False),
    c.CATEGORY_NOT_WORD: (r"\w", True),
}

Ranges = tuple[tuple[int, int], ...]


class Untranslatable(ValueError):
    """A Python pattern RE2 cannot run with the same meaning (message in French)."""


PYTHON_ERRORS_FR = {
    "missing ), unterminated subpattern": "parenthèse fermante manquante",
    "unbalanced parenthesis": "parenthèse fermante en trop",
    "unterminated character set": "crochet fermant « ] » manquant",
    "nothing to repeat": "quantificateur (*, +, ?, {n}) sans rien à répéter",
    "multiple repeat": "deux quantificateurs à la suite",
    "min repeat greater than max repeat": "{min,max} avec min plus grand que max",
    "too deeply nested": "parenthèses imbriquées trop profondément",
    "global flags not at the start of the expression": (
        "drapeaux globaux comme (?i) ailleurs qu'au début (un motif de Table Schema est lu "
        "entre ^ et $ : écrivez (?i:…))"
    ),
}


# Python's messages that carry a detail (a range, a name, a number), by their start.
PYTHON_PREFIXES_FR = {
    "bad character range": "intervalle de caractères à l'envers ou invalide",
    "unknown extension": "construction (?…) inconnue",
    "unknown group name": "nom de groupe inconnu",
    "invalid group reference": "référence à un groupe qui n'existe pas",
    "incomplete escape": "séquence d'échappement incomplète",
    "look-behind requires fixed-width pattern": (
        "un regard en arrière (?<=…) ou (?<!…) doit avoir une longueur fixe"
    ),
    "redefinition of group name": "deux groupes portent le même nom",
    "the repetition number is too large": "nombre de répétitions trop grand",
    "missing group name": "nom de groupe manquant",
    "bad character in group name": "caractère interdit dans un nom de groupe",
    "cannot refer to an open group": "référence à un groupe encore ouvert",
    "unknown flag": "drapeau (?…) inconnu",
}


def python_error_fr(exc: re.error) -> str:
    """Why Python's ``re`` refuses a pattern, in French, with the position."""
    msg = exc.msg
    if msg == "bad escape (end of pattern)":
        text = "barre oblique inverse \\ seule à la fin du motif (écrivez \\\\)"
    elif msg.startswith("bad escape"):
        text = f"séquence d'échappement inconnue {msg.split()[-1]}"
    else:
        text = PYTHON_ERRORS_FR.get(msg) or next(
            (
                f"{fr} ({msg[len(en) :].strip()})" if msg[len(en) :].strip() else fr
                for en, fr in PYTHON_PREFIXES_FR.items()
                if msg.startswith(en)
            ),
            msg,
        )
    where = f" (position {exc.pos})" if exc.pos is not None else ""
    return f"expression régulière invalide : {text}{where}"


def compile_python(pattern: str, flags: int = 0) -> re.Pattern:
    """``re.compile``, with the limits Python hits (a repetition above 4 294 967 295, a
    nesting deeper than its stack) raised as ``re.error`` like any other refusal."""
    try:
        return re.compile(pattern, flags)
    except OverflowError:
        raise re.error("the repetition number is too large", pattern) from None
    except RecursionError:
        raise re.error("too deeply nested", pattern) from None


# --- code point ranges -------------------------------------------------------------------


@lru_cache(maxsize=1)
def _all_text() -> str:
    """Every code point but the surrogates, in order (decoded from UTF-32 in one call: ten
    times faster than a million ``chr``)."""
    import numpy as np

    lo, hi = SURROGATES
    codes = np.concatenate([np.arange(lo), np.arange(hi + 1, MAX_CODE + 1)]).astype("<u4")
    return codes.tobytes().decode("utf-32-le")


def _code(index: int) -> int:
    return index if index < SURROGATES[0] else index + SURROGATES[1] - SURROGATES[0] + 1


@lru_cache(maxsize=64)
def _category(python_class: str, ascii_only: bool = False) -> Ranges:
    """Code point ranges Python's ``re`` matches with ``python_class`` (e.g. ``\\w``)."""
    if ascii_only:
        codes = [i for i in range(128) if re.fullmatch(python_class, chr(i), re.ASCII)]
        return _merge((i, i) for i in codes)
    runs = re.finditer(python_class + "+", _all_text())
    return _without_surrogates(_merge((_code(m.start()), _code(m.end() - 1)) for m in runs))


def _merge(ranges) -> Ranges:
    """Sorted, disjoint, non-adjacent ranges covering the same code points."""
    out: list[list[int]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return tuple((a, b) for a, b in out)


def _complement(ranges) -> Ranges:
    out, start = [], 0
    for a, b in sorted(ranges):
        if a > start:
            out.append((start, a - 1))
        start = max(start, b + 1)
    if start <= MAX_CODE:
        out.append((start, MAX_CODE))
    return _without_surrogates(out)


def _without_surrogates(ranges) -> Ranges:
    lo, hi = SURROGATES
    out = []
    for a, b in ranges:
        if b < lo or a > hi:
            out.append((a, b))
            continue
        if a < lo:
            out.append((a, lo - 1))
        if b > hi:
            out.append((hi + 1, b))
    return tuple(out)


def _char(code: int) -> str:
    if SURROGATES[0] <= code <= SURROGATES[1]:
        raise Untranslatable("un caractère de substitution (surrogate) isolé")
    if chr(code).isascii() and chr(code).isalnum():
        return chr(code)
    return f"\\x{{{code:x}}}"


@lru_cache(maxsize=64)  # the same classes (digits, word characters…) come back often
def _items(ranges: Ranges) -> str:
    return "".join(_char(a) if a == b else f"{_char(a)}-{_char(b)}" for a, b in ranges)


def _class(ranges: Ranges, negate: bool = False) -> str:
    body = _items(ranges)
    if not body:  # matches nothing (or, negated, anything)
        body, negate = "\\x{0}-\\x{10ffff}", not negate
    return f"[{'^' if negate else ''}{body}]"


def _category_ranges(cat, ascii_only: bool) -> Ranges:
    if cat not in CATEGORIES:
        raise Untranslatable(f"la classe {cat} n'est pas prise en charge")
    python_class, negated = CATEGORIES[cat]
    ranges = _category(python_class, ascii_only)
    return _complement(ranges) if negated else ranges


def class_chars(python_class: str) -> str:
    """Every character Python's ``re`` matches with ``python_class`` (``\\d``, ``\\w``,
    ``\\s``), in code point order."""
    return "".join(chr(c) for a, b in _category(python_class) for c in range(a, b + 1))


@lru_cache(maxsize=1)
def space_items() -> str:
    """Python's spaces (``\\s``, ``str.isspace``, ``strip()``) as RE2 class items."""
    return _items(_category(r"\s"))


# --- the writer ---------------------------------------------------------------------------


class _Writer:
    """RE2 text of a parsed Python pattern. ``tail`` says what follows an item: ``None``
    more pattern, ``"open"`` nothing (the match may end anywhere after), ``"end"`` the end
    of the text."""

    def __init__(self, allowed_flags: int):
        self.allowed = allowed_flags

    def check_flags(self, flags: int) -> None:
        if flags & ~self.allowed:
            raise Untranslatable("drapeau de motif non pris en charge")

    def seq(self, items, flags: int, tail: str | None) -> str:
        items = list(items)
        out: list[str] = []
        for i, (op, av) in enumerate(items):
            after = self.after(items[i + 1 :], flags, tail)
            end = op is c.AT and av is c.AT_END and not flags & re.MULTILINE
            if end:
                # Python's $: the end, or before a final newline. Zero-width in Python, it
                # consumes that newline here: exact only when nothing but the end follows.
                if after is None:
                    raise Untranslatable("« $ » suivi d'autres éléments du motif")
                if after == "end" or items[i + 1 : i + 2] == [(op, av)]:
                    continue  # "$$" is "$" (frictionless wraps "^…$" around a pattern)
                out.append("(?:\\n?\\z)")
                continue
            text = self.item(op, av, flags, after)
            if text == "\\A" and out and out[-1] == "\\A":
                continue  # "^^" is "^": RE2 runs the shorter pattern faster
            out.append(text)
        return "".join(out)

    @staticmethod
    def after(rest, flags: int, tail: str | None) -> str | None:
        """What follows an item followed by ``rest`` in a sequence itself followed by
        ``tail``: None (more pattern), ``"open"`` or ``"end"`` (only end anchors)."""
        ends = all(
            op is c.AT and (av is c.AT_END_STRING or (av is c.AT_END and not flags & re.MULTILINE))
            for op, av in rest
        )
        if tail is None or not ends:
            return None
        return "end" if tail == "end" or any(av is c.AT_END_STRING for _, av in rest) else "open"

    def item(self, op, av, flags: int, tail: str | None) -> str:  # noqa: C901 - one per opcode
        ascii_only = bool(flags & re.ASCII)
        if op is c.LITERAL:
            return _char(av)
        if op is c.NOT_LITERAL:
            return "[^" + _char(av) + "]"
        if op is c.ANY:  # without DOTALL: anything but a newline, as RE2's '.'
            return "(?s:.)" if flags & re.DOTALL else "."
        if op is c.IN:
            return self.klass(av, ascii_only)
        if op is c.CATEGORY:
            return _class(_category_ranges(av, ascii_only))
        if op is c.BRANCH:
            return "(?:" + "|".join(self.seq(alt, flags, tail) for alt in av[1]) + ")"
        if op is c.SUBPATTERN:
            group, add, remove, pattern = av
            self.check_flags(add | remove)
            inner = self.seq(pattern, (flags | add) & ~remove, tail)
            scoped = self.flag_prefix(add, remove)
            if scoped:
                inner = f"(?{scoped}:{inner})"
            return f"({inner})" if group is not None else f"(?:{inner})"
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            return self.repeat(op, av, flags)
        if op is c.AT:
            return self.at(av, flags)
        names = {
            c.GROUPREF: "les références arrière (\\1)",
            c.GROUPREF_EXISTS: "les groupes conditionnels",
            c.ASSERT: "les assertions avant/arrière (?=…), (?<=…)",
            c.ASSERT_NOT: "les assertions négatives (?!…), (?<!…)",
        }
        for name in ("ATOMIC_GROUP", "POSSESSIVE_REPEAT"):
            if op is getattr(c, name, None):
                raise Untranslatable("les groupes atomiques et répétitions possessives")
        raise Untranslatable(names.get(op, f"l'élément {op}") + " ne sont pas pris en charge")

    def repeat(self, op, av, flags: int) -> str:
        low, high, pattern = av
        if low > MAX_REPEAT or (high != c.MAXREPEAT and high > MAX_REPEAT):
            raise Untranslatable(f"répétition de plus de {MAX_REPEAT} fois")
        body = self.seq(pattern, flags, None)  # repeated: something may follow each time
        single = (c.LITERAL, c.NOT_LITERAL, c.ANY, c.IN, c.CATEGORY, c.SUBPATTERN)
        if len(pattern) != 1 or pattern[0][0] not in single:
            body = f"(?:{body})"
        if high == c.MAXREPEAT:
            count = "*" if low == 0 else "+" if low == 1 else f"{{{low},}}"
        elif (low, high) == (0, 1):
            count = "?"
        elif low == high:
            count = f"{{{low}}}"
        else:
            count = f"{{{low},{high}}}"
        return body + count + ("?" if op is c.MIN_REPEAT else "")

    def at(self, av, flags: int) -> str:
        multiline = bool(flags & re.MULTILINE)
        if av is c.AT_BEGINNING:
            return "(?m:^)" if multiline else "\\A"
        if av is c.AT_BEGINNING_STRING:
            return "\\A"
        if av is c.AT_END:  # multiline: before any newline, or at the end (as RE2's)
            return "(?m:$)"
        if av is c.AT_END_STRING:
            return "\\z"
        if flags & re.ASCII and av in (c.AT_BOUNDARY, c.AT_NON_BOUNDARY):
            return "\\b" if av is c.AT_BOUNDARY else "\\B"
        raise Untranslatable("les limites de mot \\b et \\B (Unicode en Python, ASCII en RE2)")

    @staticmethod
    def klass(items, ascii_only: bool) -> str:
        """A class, with the code points of its categories (``[^\\W\\d]``, ``[\\s\\S]``)
        spelled out, so that any mix is exact."""
        ranges: list[tuple[int, int]] = []
        negate = False
        for op, av in items:
            if op is c.NEGATE:
                negate = True
            elif op is c.LITERAL:
                ranges.append((av, av))
            elif op is c.RANGE:
                ranges.append(av)
            elif op is c.CATEGORY:
                ranges.extend(_category_ranges(av, ascii_only))
            else:
                raise Untranslatable(f"l'élément {op} dans une classe")
        return _class(_without_surrogates(_merge(ranges)), negate)

    @staticmethod
    def flag_prefix(add: int, remove: int) -> str:
        letters = {re.IGNORECASE: "i", re.MULTILINE: "m", re.DOTALL: "s"}
        on = "".join(letter for flag, letter in letters.items() if add & flag)
        off = "".join(letter for flag, letter in letters.items() if remove & flag)
        return on + (f"-{off}" if off else "")


def parse(pattern: str, flags: int = 0):
    """Python's parse of ``pattern`` (raises ``re.error`` when Python rejects it). Python's
    warnings about meanings that may change in a later version ("possible nested set") are
    silenced: the translation follows the meaning of the running Python."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        compile_python(pattern, flags)  # Python's own verdict first (global flags not at start…)
        return sre_parse.parse(pattern, flags)


def _write(parsed, allowed: int) -> tuple[str, str]:
    """(global flags as an RE2 prefix, body) of a parsed pattern."""
    global_flags = parsed.state.flags
    writer = _Writer(allowed)
    writer.check_flags(global_flags)
    body = writer.seq(parsed, global_flags, "open")
    prefix = writer.flag_prefix(global_flags, 0)
    return (f"(?{prefix})" if prefix else ""), body


@lru_cache(maxsize=256)  # a pattern is often declared by several datasets
def translate(pattern: str, flags: int = 0) -> str:
    """An RE2 pattern that finds a match at the start of a text exactly when Python's
    ``re.compile(pattern, flags).match(text)`` does. Capturing groups keep their numbers."""
    prefix, body = _write(parse(pattern, flags), ALL_FLAGS)
    anchor = "" if body.startswith("\\A") else "\\A"
    return prefix + anchor + "(?:" + body + ")"


def to_re2(pattern: str) -> str | None:
    """``pattern`` in RE2 syntax, searched with Python's ``re.search`` semantics; None when
    it cannot be rewritten exactly (or uses a flag other than ``s`` and ``x``, or a meaning
    Python warns may change: the user likely meant something else)."""
    if not isinstance(pattern, str):
        return None
    return _to_re2(pattern)


@lru_cache(maxsize=256)
def _to_re2(pattern: str) -> str | None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. FutureWarning "possible nested set"
        try:
            parsed = sre_parse.parse(pattern, 0)
        except (re.error, Warning, RecursionError):
            return None
    try:
        return "".join(_write(parsed, SEARCH_FLAGS))
    except (Untranslatable, RecursionError):
        return None
