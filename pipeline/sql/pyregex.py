"""Python regular expressions rewritten for RE2 (DuckDB's ``regexp_matches``) with Python's
``re.search`` semantics, which is what Great Expectations applies on pandas.

The two dialects differ where it matters for French data: Python's ``\\d``, ``\\w`` and
``\\s`` are Unicode-aware (RE2's are ASCII), and Python's ``$`` also matches before a final
newline. The pattern is parsed by Python's own parser and written back with every character
class spelled out as explicit code point ranges, computed from Python's ``re`` itself. What
cannot be rewritten exactly (lookarounds, backreferences, ``\\b``, inline flags, possessive
repeats, ``$`` followed by more pattern) gives ``None``: the expectation then runs in GX."""

from __future__ import annotations

import re
import warnings
from functools import lru_cache

try:  # Python 3.11+: the parser behind ``re`` (private, hence the guard)
    from re import _constants as C
    from re import _parser as P
except ImportError:  # pragma: no cover
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

MAX_CODE = 0x10FFFF
SURROGATES = (0xD800, 0xDFFF)  # never in UTF-8 text
RE2_MAX_REPEAT = 1000
ALLOWED_FLAGS = C.SRE_FLAG_UNICODE | C.SRE_FLAG_VERBOSE | C.SRE_FLAG_DOTALL

CATEGORIES = {
    C.CATEGORY_DIGIT: (r"\d", False),
    C.CATEGORY_NOT_DIGIT: (r"\d", True),
    C.CATEGORY_SPACE: (r"\s", False),
    C.CATEGORY_NOT_SPACE: (r"\s", True),
    C.CATEGORY_WORD: (r"\w", False),
    C.CATEGORY_NOT_WORD: (r"\w", True),
}


class Untranslatable(Exception):
    pass


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


@lru_cache(maxsize=8)
def _category(python_class: str) -> tuple[tuple[int, int], ...]:
    """Code point ranges Python's ``re`` matches with ``python_class`` (e.g. ``\\w``)."""
    runs = re.finditer(python_class + "+", _all_text())
    return _without_surrogates(_merge((_code(m.start()), _code(m.end() - 1)) for m in runs))


def _ranges(codes) -> tuple[tuple[int, int], ...]:
    return _merge((c, c) for c in codes)


def _merge(ranges) -> tuple[tuple[int, int], ...]:
    """Sorted, disjoint, non-adjacent ranges covering the same code points."""
    out: list[list[int]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return tuple((a, b) for a, b in out)


def _complement(ranges) -> tuple[tuple[int, int], ...]:
    out, start = [], 0
    for a, b in sorted(ranges):
        if a > start:
            out.append((start, a - 1))
        start = max(start, b + 1)
    if start <= MAX_CODE:
        out.append((start, MAX_CODE))
    return _without_surrogates(out)


def _without_surrogates(ranges) -> tuple[tuple[int, int], ...]:
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
    if chr(code).isascii() and chr(code).isalnum():
        return chr(code)
    return f"\\x{{{code:x}}}"


def _class(ranges, negate: bool = False) -> str:
    body = "".join(_char(a) if a == b else f"{_char(a)}-{_char(b)}" for a, b in ranges)
    if not body:  # matches nothing (or, negated, anything)
        body, negate = "\\x{0}-\\x{10ffff}", not negate
    return f"[{'^' if negate else ''}{body}]"


def _category_ranges(cat) -> tuple[tuple[int, int], ...]:
    if cat not in CATEGORIES:
        raise Untranslatable(str(cat))
    python_class, negated = CATEGORIES[cat]
    ranges = _category(python_class)
    return _complement(ranges) if negated else ranges


def _in(items) -> str:
    ranges: list[tuple[int, int]] = []
    negate = False
    for op, av in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL:
            ranges.append((av, av))
        elif op is C.RANGE:
            ranges.append(av)
        elif op is C.CATEGORY:
            ranges.extend(_category_ranges(av))
        else:
            raise Untranslatable(str(op))
    return _class(_without_surrogates(_merge(ranges)), negate)


def _repeat(op, av, tail: bool, dotall: bool) -> str:
    low, high, item = av
    if low > RE2_MAX_REPEAT or (high is not C.MAXREPEAT and high > RE2_MAX_REPEAT):
        raise Untranslatable("repeat")
    body = f"(?:{_seq(item, False, dotall)})"
    if high is C.MAXREPEAT:
        count = {0: "*", 1: "+"}.get(low, f"{{{low},}}")
    elif (low, high) == (0, 1):
        count = "?"
    else:
        count = f"{{{low}}}" if low == high else f"{{{low},{high}}}"
    return body + count + ("?" if op is C.MIN_REPEAT else "")


def _node(op, av, tail: bool, dotall: bool) -> str:
    if op is C.LITERAL:
        return _char(av)
    if op is C.NOT_LITERAL:
        return _class(((av, av),), negate=True)
    if op is C.ANY:  # without DOTALL: anything but a newline, as RE2's '.'
        return "(?s:.)" if dotall else "."
    if op is C.IN:
        return _in(av)
    if op is C.CATEGORY:
        return _class(_category_ranges(av))
    if op is C.BRANCH:
        return "(?:" + "|".join(_seq(alt, tail, dotall) for alt in av[1]) + ")"
    if op is C.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if add_flags or del_flags:
            raise Untranslatable("inline flags")
        return f"(?:{_seq(sub, tail, dotall)})"
    if op in (C.MAX_REPEAT, C.MIN_REPEAT):
        return _repeat(op, av, tail, dotall)
    if op is C.AT:
        if av in (C.AT_BEGINNING, C.AT_BEGINNING_STRING):
            return "^" if av is C.AT_BEGINNING else "\\A"
        if av is C.AT_END_STRING:
            return "\\z"
        if av is C.AT_END and tail:  # end, or before a final newline
            return "(?:\\n?\\z)"
    raise Untranslatable(f"{op} {av}")


def _seq(items, tail: bool, dotall: bool) -> str:
    items = list(items)
    last = len(items) - 1
    return "".join(_node(op, av, tail and i == last, dotall) for i, (op, av) in enumerate(items))


def to_re2(pattern: str) -> str | None:
    """``pattern`` in RE2 syntax, searched with Python's semantics; None if not exactly
    translatable."""
    if not isinstance(pattern, str):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. FutureWarning "possible nested set"
        try:
            parsed = P.parse(pattern, 0)
        except (re.error, Warning, RecursionError):
            return None
    if parsed.state.flags & ~ALLOWED_FLAGS:
        return None
    try:
        return _seq(parsed, True, bool(parsed.state.flags & C.SRE_FLAG_DOTALL))
    except (Untranslatable, RecursionError):
        return None
