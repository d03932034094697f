"""Python regular expressions translated to RE2, the engine of DuckDB's ``regexp_*``.

frictionless checks ``pattern`` with Python's ``re`` (``re.compile("^{0}$").match(cell)``),
and Python's ``strptime`` is itself a regular expression. The two dialects differ where it
matters for a verdict: in Python ``\\d``, ``\\w`` and ``\\s`` are Unicode classes (ASCII in
RE2), ``$`` also matches before a final newline, ``{,n}`` is a repetition, and lookarounds,
backreferences, atomic groups and possessive repeats exist. The pattern is parsed with
Python's own parser (so its syntax is Python's exactly) and written back in RE2 syntax;
what RE2 cannot run is refused with a French reason (:class:`Untranslatable`)."""

from __future__ import annotations

import re
import warnings
from functools import lru_cache

try:  # Python >= 3.11
    from re import _constants as c
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_constants as c  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

MAX_REPEAT = 1000  # RE2's largest counted repetition


class Untranslatable(ValueError):
    """A Python pattern RE2 cannot run with the same meaning (message in French)."""


@lru_cache(maxsize=1)
def python_spaces() -> str:
    """Every character Python's ``str.isspace`` (``\\s``, ``strip()``) treats as space."""
    return "".join(chr(i) for i in range(0x3001) if chr(i).isspace())


def _char(code: int) -> str:
    ch = chr(code)
    if ch.isascii() and ch.isalnum():
        return ch
    return f"\\x{{{code:x}}}"


def space_items() -> str:
    """Python's spaces as class items, consecutive ones as ranges."""
    codes = [ord(ch) for ch in python_spaces()]
    items, start = [], 0
    for i in range(1, len(codes) + 1):
        if i == len(codes) or codes[i] != codes[i - 1] + 1:
            low, high = codes[start], codes[i - 1]
            items.append(_char(low) if low == high else f"{_char(low)}-{_char(high)}")
            start = i
    return "".join(items)


ASCII_SPACE = "\\t\\n\\x{b}\\x{c}\\r "  # Python's \s under re.ASCII includes \v


def _category(cat, ascii_only: bool) -> tuple[str, bool]:
    """(class items, negated) of a Python category escape."""
    table = {
        c.CATEGORY_DIGIT: ("0-9" if ascii_only else "\\p{Nd}", False),
        c.CATEGORY_NOT_DIGIT: ("0-9" if ascii_only else "\\p{Nd}", True),
        c.CATEGORY_WORD: ("0-9A-Za-z_" if ascii_only else "\\p{L}\\p{N}_", False),
        c.CATEGORY_NOT_WORD: ("0-9A-Za-z_" if ascii_only else "\\p{L}\\p{N}_", True),
        c.CATEGORY_SPACE: (ASCII_SPACE if ascii_only else space_items(), False),
        c.CATEGORY_NOT_SPACE: (ASCII_SPACE if ascii_only else space_items(), True),
    }
    if cat not in table:
        raise Untranslatable(f"classe {cat} non prise en charge")
    return table[cat]


class _Writer:
    def __init__(self, flags: int):
        self.flags = flags

    def seq(self, items, flags: int) -> str:
        return "".join(self.item(op, av, flags) for op, av in items)

    def item(self, op, av, flags: int) -> str:  # noqa: C901 - one branch per opcode
        ascii_only = bool(flags & re.ASCII)
        if op is c.LITERAL:
            return _char(av)
        if op is c.NOT_LITERAL:
            return "[^" + _char(av) + "]"
        if op is c.ANY:
            return "(?s:.)" if flags & re.DOTALL else "."
        if op is c.IN:
            return self.klass(av, ascii_only)
        if op is c.CATEGORY:
            items, negated = _category(av, ascii_only)
            return ("[^" if negated else "[") + items + "]"
        if op is c.BRANCH:
            return "(?:" + "|".join(self.seq(alt, flags) for alt in av[1]) + ")"
        if op is c.SUBPATTERN:
            group, add, remove, pattern = av
            inner_flags = (flags | add) & ~remove
            inner = self.seq(pattern, inner_flags)
            scoped = self.flag_prefix(add, remove)
            if scoped:
                inner = f"(?{scoped}:{inner})"
            return f"({inner})" if group is not None else f"(?:{inner})"
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, high, pattern = av
            if low > MAX_REPEAT or (high != c.MAXREPEAT and high > MAX_REPEAT):
                raise Untranslatable(f"répétition de plus de {MAX_REPEAT} fois")
            body = self.seq(pattern, flags)
            if len(pattern) != 1 or pattern[0][0] in (c.BRANCH, c.AT):
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

    def at(self, av, flags: int) -> str:
        multiline = bool(flags & re.MULTILINE)
        if av is c.AT_BEGINNING:
            return "(?m:^)" if multiline else "\\A"
        if av is c.AT_BEGINNING_STRING:
            return "\\A"
        if av is c.AT_END:
            # Python's $ also matches before a final newline.
            return "(?m:$)" if multiline else "(?:\\n?\\z)"
        if av is c.AT_END_STRING:
            return "\\z"
        if flags & re.ASCII and av in (c.AT_BOUNDARY, c.AT_NON_BOUNDARY):
            return "\\b" if av is c.AT_BOUNDARY else "\\B"
        raise Untranslatable("les limites de mot \\b et \\B (Unicode en Python, ASCII en RE2)")

    def klass(self, items, ascii_only: bool) -> str:
        """A class; \\D, \\W or \\S inside one (RE2 cannot nest a negation) becomes an
        alternative: ``[a\\S]`` is ``(?:[a]|[^spaces])``."""
        negated = False
        positive: list[str] = []
        negative: list[str] = []
        for op, av in items:
            if op is c.NEGATE:
                negated = True
            elif op is c.LITERAL:
                positive.append(_char(av))
            elif op is c.RANGE:
                positive.append(_char(av[0]) + "-" + _char(av[1]))
            elif op is c.CATEGORY:
                body, neg = _category(av, ascii_only)
                (negative if neg else positive).append(body)
            else:
                raise Untranslatable(f"l'élément {op} dans une classe")
        if negated:
            if not negative:
                return "[^" + "".join(positive) + "]"
            if len(negative) == 1 and not positive:
                return "[" + negative[0] + "]"
            raise Untranslatable("une classe [^...] contenant \\D, \\W ou \\S")
        parts = (["[" + "".join(positive) + "]"] if positive else []) + [
            "[^" + body + "]" for body in negative
        ]
        return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"

    @staticmethod
    def flag_prefix(add: int, remove: int) -> str:
        letters = {re.IGNORECASE: "i", re.MULTILINE: "m", re.DOTALL: "s"}
        for flag in (re.VERBOSE, re.ASCII, re.UNICODE):
            add &= ~flag
            remove &= ~flag
        unknown = (add | remove) & ~sum(letters)
        if unknown:
            raise Untranslatable("drapeau de motif non pris en charge")
        on = "".join(letter for flag, letter in letters.items() if add & flag)
        off = "".join(letter for flag, letter in letters.items() if remove & flag)
        return on + (f"-{off}" if off else "")


def parse(pattern: str, flags: int = 0):
    """Python's parse of ``pattern`` (raises ``re.error`` when Python rejects it). Python's
    warnings about meanings that may change in a later version ("possible nested set") are
    silenced: the translation follows the meaning of the running Python."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        re.compile(pattern, flags)  # Python's own verdict first (global flags not at start…)
        return sre_parse.parse(pattern, flags)


def translate(pattern: str, flags: int = 0) -> str:
    """An RE2 pattern that finds a match at the start of a text exactly when Python's
    ``re.compile(pattern, flags).match(text)`` does. Capturing groups keep their numbers."""
    parsed = parse(pattern, flags)
    global_flags = parsed.state.flags
    if global_flags & getattr(re, "LOCALE", 0):
        raise Untranslatable("le drapeau LOCALE")
    writer = _Writer(global_flags)
    body = writer.seq(parsed, global_flags)
    prefix = writer.flag_prefix(global_flags & ~re.UNICODE, 0)
    return (f"(?{prefix})" if prefix else "") + "\\A(?:" + body + ")"
